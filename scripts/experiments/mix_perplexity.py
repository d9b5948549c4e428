"""Per-character perplexity of char models (plain or adapted mixtures) on the truth of an OCR render set.

Also writes an "archive" for ``restore lm build --mix-with-default`` from a render set's OCR side
(what a user has: the engine's text, errors included, never the truth), optionally only the even
or odd pages, so a model adapted on one half can be measured on the other.

Run:
``python scripts/experiments/mix_perplexity.py ocr_modern_dev MODEL... [--parity odd]``
``python scripts/experiments/mix_perplexity.py ocr_modern_dev --write-ocr archive.txt --parity even [--disjoint]``

``--disjoint`` drops the lines whose source paragraph (the ``id`` without its chunk number) is also
rendered on a page of the other parity: 254 of the ~1,000 paragraphs of each half of
``ocr_modern_dev`` have chunks on both.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import datasets  # noqa: E402
from restore.lm.corpus import split_sentences  # noqa: E402
from restore.lm.model import CharLanguageModel  # noqa: E402
from restore.lm.t2s import load_t2s  # noqa: E402

SPLITS = {"ocr_dev": "dev", "ocr_modern_dev": "modern_dev"}


def paragraph(record: dict) -> str:
    return str(record["id"]).rsplit("-", 1)[0]


def records(name: str, parity: str | None, disjoint: bool = False) -> list[dict]:
    keep = {"even": 0, "odd": 1}.get(parity or "")
    with open(datasets.ocr_dev_path(SPLITS[name]), encoding="utf-8") as handle:
        found = [json.loads(line) for line in handle]
    if keep is None:
        return found
    other = {paragraph(r) for r in found if int(r["page"]) % 2 != keep} if disjoint else set()
    return [r for r in found if int(r["page"]) % 2 == keep and paragraph(r) not in other]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(SPLITS))
    parser.add_argument("models", nargs="*", help="model files (empty: the shipped model)")
    parser.add_argument("--parity", choices=("even", "odd"), help="only the even or odd pages")
    parser.add_argument("--disjoint", action="store_true", help="with --parity: no paragraph of the other half")
    parser.add_argument("--write-ocr", type=Path, metavar="FILE", help="write the OCR side, one line each, and stop")
    args = parser.parse_args()
    chosen = records(args.name, args.parity, args.disjoint)
    if args.write_ocr:
        args.write_ocr.write_text("\n".join(r["ocr"] for r in chosen) + "\n", encoding="utf-8")
        print(f"{args.write_ocr}: {len(chosen)} OCR lines, {sum(len(r['ocr']) for r in chosen):,} characters")
        return 0
    sentences = [s for r in chosen for s in split_sentences(r["truth"])]
    t2s = load_t2s()
    for model in args.models or [""]:
        lm = CharLanguageModel(model or None, t2s=t2s)
        print(f"{lm.name}: perplexity {lm.perplexity(sentences):.2f} on {len(sentences)} truth sentences", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
