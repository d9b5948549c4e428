"""Distil an input method's word trigram into the char LM: sample text from it, add it as a third source.

The shipped char 5-gram knows People's Daily (one month of 1998) and laws; general modern text
(FASPell's subtitles) is where it is weakest (per-character perplexity of FASPell train's truth
424, of People's Daily DEV 72). fcitx5's libime ships, in its Debian source package, the ARPA of
the word trigram whose binary restore already uses as its word model (``lm_sc.arpa``, LGPL-2.1,
165k words, 2.0M bigrams, 0.6M trigrams, Han words only). This script

1. samples ``--chars`` characters of text from that ARPA, exactly (a backoff model: a listed
   n-gram by its probability, else the lower order with the listed words excluded), as clauses
   of 4-18 characters joined by ``，`` and ended by ``。`` (the ARPA has no marks; without them
   the char model would treat every mark as unknown);
2. builds a 5-gram on the sample (kenlm ``lmplz``, 3- to 5-grams seen once pruned, discount
   fallback: the sample's unigram counts are too regular for modified Kneser-Ney's estimate) and
   interpolates it log-linearly with the shipped sources (People's Daily TRAIN, law-train: the
   same steps and functions as ``scripts/build/build_default_lm.py``) at ``--weights``;
3. prints the per-character perplexity of People's Daily DEV, the law corpus's held-out blocks
   and FASPell train's truth sides.

The model is written to ``--output`` for ``--set char.model=PATH`` in ``eval_char_variant.py``
and ``benchmarks.edit_precision``; nothing is shipped. Results: ``benchmarks/CHAR_NOTES.md``
("A general-text source for the char LM").

Needs the ARPA (``apt-get source --download-only libime`` with a ``deb-src`` line; the orig
tarball holds ``data/lm_sc.arpa-20220810.tar.xz``) and kenlm's tools on PATH
(``scripts/build/build_kenlm_tools.sh``)::

    PATH=/tmp/kenlm/bin:$PATH python scripts/experiments/word_trigram_lm.py lm_sc.arpa \\
        --weights 0.7,0.25,0.15 --output /tmp/mixed.klm
"""

from __future__ import annotations

import argparse
import bisect
import random
import subprocess
import sys
import tempfile
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts" / "build"))

import build_default_lm as shipped  # noqa: E402

# One continuation table: the listed words, their cumulative probabilities, the words as a set.
Table = tuple[list[int], list[float], set[int]]


class BackoffSampler:
    """Exact sampling from an ARPA word trigram (``10 ** logprob`` of each listed n-gram)."""

    def __init__(self, arpa: Path, seed: int) -> None:
        self.words: list[str] = []
        unigram: list[float] = []
        ids: dict[str, int] = {}
        rows: dict[int, dict] = {2: {}, 3: {}}
        order = 0
        with arpa.open(encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("\\"):
                    order = int(line[1]) if line[1].isdigit() else 0
                    if line.startswith("\\end"):
                        break
                    continue
                fields = line.rstrip("\n").split("\t")
                if not order or len(fields) < 2:
                    continue
                probability, words = 10 ** float(fields[0]), fields[1].split(" ")
                if order == 1:
                    ids[words[0]] = len(self.words)
                    self.words.append(words[0])
                    unigram.append(0.0 if words[0] == "<unk>" else probability)
                    continue
                key = ids[words[0]] if order == 2 else (ids[words[0]], ids[words[1]])
                listed, probabilities = rows[order].setdefault(key, ([], []))
                listed.append(ids[words[-1]])
                probabilities.append(probability)
        total = sum(unigram)
        self.unigram = [p / total for p in accumulate(unigram)]
        self.bigrams = {k: (w, list(accumulate(p)), set(w)) for k, (w, p) in rows[2].items()}
        self.trigrams = {k: (w, list(accumulate(p)), set(w)) for k, (w, p) in rows[3].items()}
        self.rng = random.Random(seed)

    def _listed(self, table: Table | None, lower, exclude: set[int] | frozenset[int]) -> int:
        """A word from ``table`` by its listed probability, else from ``lower()`` minus the listed words."""
        while True:
            if table is not None and (draw := self.rng.random()) < table[1][-1]:
                word = table[0][min(bisect.bisect_right(table[1], draw), len(table[0]) - 1)]
            else:
                word = lower(table[2] if table is not None else frozenset())
            if word not in exclude:
                return word

    def _unigram(self, exclude: set[int] | frozenset[int]) -> int:
        while True:
            word = min(bisect.bisect_right(self.unigram, self.rng.random()), len(self.unigram) - 1)
            if word not in exclude:
                return word

    def next(self, before: int | None, last: int | None, exclude: set[int] | frozenset[int] = frozenset()) -> int:
        """The word after ``before last`` (None: no context)."""
        if last is None:
            return self._unigram(exclude)
        table = self.trigrams.get((before, last)) if before is not None else None
        if table is not None:
            return self._listed(table, lambda listed: self.next(None, last, listed), exclude)
        return self._listed(self.bigrams.get(last), self._unigram, exclude)

    def text(self, chars: int) -> list[str]:
        """Sentences of 1-4 clauses (4-18 characters each), ``chars`` characters in all."""
        lines, total, before, last = [], 0, None, None
        while total < chars:
            clauses = []
            for _ in range(self.rng.choice((1, 1, 2, 2, 2, 3, 3, 4))):
                clause, length, target = [], 0, self.rng.randint(4, 18)
                while length < target:
                    before, last = last, self.next(before, last)
                    clause.append(self.words[last])
                    length += len(self.words[last])
                clauses.append("".join(clause))
            lines.append("，".join(clauses) + "。")
            total += len(lines[-1])
        return lines


def build(sample: list[str], weights: list[float], output: Path, work: Path) -> None:
    """The shipped sources plus the sample, interpolated at ``weights`` (news, law, sample)."""
    shipped.write_corpus(shipped.read_split(*shipped.TRAIN), work / "news.txt")
    shipped.write_corpus(shipped.law_lines("law-train"), work / "law.txt")
    shipped.write_corpus(sample, work / "sample.txt")
    lmplz = shipped.tool("lmplz")
    for name, extra in (("news", []), ("law", ["--prune", *map(str, shipped.LAW_PRUNE)]),
                        ("sample", ["--prune", "0", "0", "1", "1", "1", "--discount_fallback"])):
        shipped.run([lmplz, "-o", str(shipped.ORDER), "-S", "20%", "-T", str(work), "--text", str(work / f"{name}.txt"),
                     "--intermediate", str(work / f"{name}.inter"), *extra], stderr=subprocess.DEVNULL)
    (work / "tmp").mkdir()
    models = ["-m", *(str(work / f"{name}.inter") for name in ("news", "law", "sample"))]
    with open(work / "mixed.arpa", "w", encoding="utf-8") as arpa:
        shipped.run([shipped.tool("interpolate"), *models, "-w", *map(repr, weights), "-T", str(work / "tmp"), "-S", "20%"],
                    stdout=arpa, stderr=subprocess.DEVNULL)
    shipped.run([shipped.tool("build_binary"), "-s", "trie", "-q", "8", "-b", "8", "-a", "22", str(work / "mixed.arpa"),
                 str(output)], stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("arpa", type=Path, help="libime's lm_sc.arpa (word trigram)")
    parser.add_argument("--chars", type=float, default=1e7, help="characters to sample (default 10M)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--weights", default="0.7,0.25,0.15", help="log-linear weights: news, law, sample")
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    weights = [float(w) for w in args.weights.split(",")]
    if len(weights) != 3:
        raise SystemExit("--weights needs three numbers: news, law, sample")
    sample = BackoffSampler(args.arpa, args.seed).text(int(args.chars))
    with tempfile.TemporaryDirectory(prefix="restore-lm3-") as tmp:
        build(sample, weights, args.output, Path(tmp))
    from benchmarks.datasets import load_faspell
    from restore.lm.model import CharLanguageModel
    from restore.lm.t2s import load_t2s

    ppl = shipped.perplexities(args.output)
    ppl["FASPell train truth"] = CharLanguageModel(args.output, t2s=load_t2s()).perplexity(
        [pair.truth for pair in load_faspell("train").pairs]
    )
    print(f"{args.output}: weights {weights}; " + "; ".join(f"{k} {v:.1f}" for k, v in ppl.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
