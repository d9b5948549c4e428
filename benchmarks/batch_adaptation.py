"""Batch adaptation on and off on OCR renders treated the way ``restore clean`` treats a folder.

Each rendered page of a render set (the ``page`` field of ``benchmarks/out/*.jsonl``: 12 lines of one
engine and font) becomes one document, its lines joined by newlines, and the whole set is one batch.
Three ways of running on the same lines, scored per page with the line breaks taken out of the OCR
text, the truth and the output alike (the layout stage joins a page's broken lines, as it would in a
file), with :func:`benchmarks.metrics.score_pair`:

- ``lines``: every line alone (as the rest of ``python -m benchmarks`` runs);
- ``pages``: every page one document, its own n-gram counts only (``[char] batch_cache = false``,
  the default);
- ``batch``: as ``pages``, with ``[char] batch_cache = true`` and the survey of every page of the set
  first (the first pass of ``restore clean``: :meth:`restore.Corrector.survey`).

``calib_cache`` was fitted on the even pages of ``ocr_modern_dev`` with batch counts, so the table
also gives the odd pages apart, the half nothing was fitted on.

    python -m benchmarks.batch_adaptation benchmarks/out/ocr_modern_dev.jsonl [--pages N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks import metrics

MODES = ("lines", "pages", "batch")
HEADER = "| mode | pages | lines | CER before | CER after | CER reduction | precision | changes | false/10k | odd pages: reduction, precision | seconds |"


def read_pages(path: Path, limit: int | None = None) -> list[list[dict[str, Any]]]:
    """The renders of ``path`` grouped by page, in page order; ``limit`` pages spread evenly over the set."""
    pages: dict[int, list[dict[str, Any]]] = defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for text in handle:
            record = json.loads(text)
            pages[int(record["page"])].append(record)
    ordered = [pages[number] for number in sorted(pages)]
    if limit and limit < len(ordered):
        step = len(ordered) / limit
        ordered = [ordered[int(i * step)] for i in range(limit)]
    return ordered


def outputs(corrector: Any, pages: list[list[dict[str, Any]]], mode: str) -> list[str]:
    """The restored text of every page in ``mode`` (one of :data:`MODES`), line breaks taken out."""
    if mode == "lines":
        return ["".join(corrector.fix(r["ocr"]).text for r in page) for page in pages]
    documents = ["\n".join(r["ocr"] for r in page) for page in pages]
    survey = corrector.survey(documents) if mode == "batch" else None
    return [corrector.fix(document, survey=survey).text.replace("\n", "") for document in documents]


def page_counts(page: list[dict[str, Any]], output: str) -> metrics.Counts:
    """One page's counts: its lines' OCR text and truth joined without breaks, against ``output``."""
    ocr, truth = ("".join(r[key] for r in page) for key in ("ocr", "truth"))
    return metrics.score_pair(ocr, truth, output, page[0].get("script") or "simplified")


def measure(
    path: Path, modes: tuple[str, ...] = MODES, limit: int | None = None, char: dict[str, Any] | None = None
) -> list[tuple[str, int, int, metrics.Counts, metrics.Counts, float]]:
    """Per mode: ``(mode, pages, lines, counts of every page, counts of the odd pages, seconds)``.

    ``char``: further ``[char]`` settings (e.g. ``{"model": "my.klm"}``); ``batch_cache`` is the mode's.
    """
    import restore

    pages = read_pages(path, limit)
    rows = []
    for mode in modes:
        settings = {**(char or {}), "batch_cache": mode == "batch"}
        corrector = restore.Corrector(restore.Config.from_mapping({"char": settings}))
        start = time.perf_counter()
        restored = outputs(corrector, pages, mode)
        seconds = time.perf_counter() - start
        total, odd = metrics.Counts(), metrics.Counts()
        for page, output in zip(pages, restored, strict=True):
            counts = page_counts(page, output)
            total.add(counts)
            if int(page[0]["page"]) % 2:
                odd.add(counts)
        rows.append((mode, len(pages), sum(map(len, pages)), total, odd, seconds))
    return rows


def table(rows: list[tuple[str, int, int, metrics.Counts, metrics.Counts, float]]) -> list[str]:
    """Markdown table lines of :func:`measure`'s rows."""
    lines = [HEADER, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
    for mode, pages, count, total, odd, seconds in rows:
        lines.append(
            f"| {mode} | {pages} | {count} | {total.cer_before:.2%} | {total.cer_after:.2%} "
            f"| {-total.cer_reduction:+.1%} | {total.correction[0]:.3f} | {total.system} | {total.false_per_10k:.1f} "
            f"| {-odd.cer_reduction:+.1%}, {odd.correction[0]:.3f} | {seconds:.0f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch_adaptation", description=__doc__.splitlines()[0])
    parser.add_argument("renders", type=Path)
    parser.add_argument("--pages", type=int, help="this many pages, spread over the set")
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args(argv)
    rows = measure(args.renders, tuple(args.modes.split(",")), args.pages)
    print(f"renders from {args.renders}")
    print("\n".join(table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
