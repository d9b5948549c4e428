"""Batch adaptation on and off on an OCR render set, treated the way ``restore clean`` treats a folder.

Each rendered page (the ``page`` field of ``benchmarks/out/*.jsonl``: 12 lines, one engine and
font) becomes one document, its lines joined by newlines, and the whole set is one batch. Three
ways of running are compared on the same lines (metrics of ``benchmarks.metrics.score_pair``, per
line):

- ``lines``: every line alone (as ``python -m benchmarks`` and ``eval_sets.py`` run);
- ``pages``: every page one document, no batch counts (``[char] batch_cache = false``, the default);
- ``batch``: as ``pages``, with ``[char] batch_cache = true`` and the survey of every page of the
  set (the first pass of ``restore clean``).

The layout stage joins a page's broken lines, as it would in a file, so every mode is scored per
page with the line breaks taken out of the OCR text, the truth and the output alike.

``calib_cache`` was fitted on the even pages of ``ocr_modern_dev`` with batch counts, so the odd
pages are reported apart (``--by parity``) as the fold nothing was fitted on.

Run: ``python scripts/experiments/eval_batch.py ocr_modern_dev [--pages N] [--modes lines,pages,batch]
[--lm MODEL] [--char KEY=VALUE] [--by parity|engine]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import restore  # noqa: E402
from benchmarks import datasets, metrics  # noqa: E402
from benchmarks.batch_adaptation import outputs, read_pages  # noqa: E402
from scripts.experiments.eval_sets import line  # noqa: E402

SPLITS = {"ocr_dev": "dev", "ocr_modern_dev": "modern_dev"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(SPLITS))
    parser.add_argument("--pages", type=int, help="this many pages, spread over the set")
    parser.add_argument("--modes", default="lines,pages,batch")
    parser.add_argument("--lm", help="char model path ([char] model)")
    parser.add_argument("--char", action="append", default=[], metavar="KEY=VALUE",
                        help="another [char] setting, e.g. calib_cache=0 (value read as JSON)")
    parser.add_argument("--by", choices=("parity", "engine", "font"), help="also split the figures")
    args = parser.parse_args()
    pages = read_pages(datasets.ocr_dev_path(SPLITS[args.name]), args.pages)
    print(f"{args.name}: {len(pages)} pages, {sum(map(len, pages))} lines", flush=True)
    for mode in args.modes.split(","):
        char = {"batch_cache": mode == "batch", **({"model": args.lm} if args.lm else {})}
        char.update((key, json.loads(value)) for key, value in (item.split("=", 1) for item in args.char))
        corrector = restore.Corrector(restore.Config.from_mapping({"char": char}))
        start = time.perf_counter()
        restored = outputs(corrector, pages, mode)
        elapsed = time.perf_counter() - start
        total = metrics.Counts()
        parts: dict[str, metrics.Counts] = defaultdict(metrics.Counts)
        for page, output in zip(pages, restored):
            first = page[0]
            ocr, truth = ("".join(r[key] for r in page) for key in ("ocr", "truth"))
            counts = metrics.score_pair(ocr, truth, output, first.get("script") or "simplified")
            total.add(counts)
            if args.by == "parity":
                parts["odd (held out)" if first["page"] % 2 else "even"].add(counts)
            elif args.by:
                parts[str(first[args.by])].add(counts)
        print(f"  {mode:5}: {line(total, 'gold')}  [{elapsed:.0f} s]", flush=True)
        for key in sorted(parts):
            print(f"    {args.by}={key}: {line(parts[key], 'gold')}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
