"""CER with and without the OCR engine's confidences, per engine, on renders read through the format path.

Renders come from ``benchmarks/ocrgen`` run with per-character confidences (``conf``, and the
PP-OCR engines' top-3 ``alts``); each record is written as the file its engine gives
(``benchmarks.ocrgen.formats``: Tesseract hOCR, PP-OCRv4 PAGE 2019 with Glyph TextEquiv
alternatives, PP-OCRv6 ALTO 4 with Glyph GC and Variants), read back with :func:`restore.formats.read_document` and restored twice: text
only (``CharConfig.engine_prior = False``) and with the engine's prior. ``CharConfig.engine`` names
the engine, as ``--engine ppocrv4`` would (a RapidOCR JSON does not say which PP-OCR model made it).

    python -m benchmarks.engine_confidence benchmarks/out/ocr_test.jsonl [--thresholds 0.8,0.9]

Prints, per engine and threshold, CER before/after, the relative reduction, the correction
precision of the changed slots and false changes per 10k characters (``benchmarks.metrics``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from benchmarks import metrics
from benchmarks.ocrgen.formats import to_file
from restore.config import CharConfig, Config
from restore.formats import read_document
from restore.formats.model import OcrDocument
from restore.pipeline import Corrector

ENGINES = ("tesseract", "ppocrv4", "ppocrv6")


def load(path: Path) -> list[tuple[dict[str, Any], OcrDocument]]:
    """Every record with its document read through the format path (records whose text changes are dropped)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if not record["ocr"]:
            continue
        data, suffix = to_file(record)
        document = read_document(data, record["id"] + suffix)
        if document is not None and document.text == record["ocr"]:
            items.append((record, document))
    return items


def config_for(engine: str, *, prior: bool, threshold: float, char: CharConfig | None = None) -> Config:
    """The configuration of one run: the engine named (as ``--engine``), the prior on or off,
    ``char`` the char stage's settings (default: the shipped ones)."""
    base = Config(min_confidence=threshold)
    return base.replace(char=dataclasses.replace(char or base.char, engine_prior=prior, engine=engine))


def evaluate(items, engine: str, *, prior: bool, threshold: float, char: CharConfig | None = None) -> metrics.Counts:
    """Summed counts of one engine's renders restored with ``config_for(...)``."""
    corrector = Corrector(config_for(engine, prior=prior, threshold=threshold, char=char))
    counts = metrics.Counts()
    for record, document in items:
        if record["engine"] != engine:
            continue
        output = corrector.fix(document.text, ocr=document).text
        counts.add(metrics.score_pair(record["ocr"], record["truth"], output, record.get("script", "simplified")))
    return counts


def measure(path: Path, thresholds: tuple[float, ...] = (0.8,), engines: tuple[str, ...] = ENGINES) -> list[tuple[str, float, str, metrics.Counts]]:
    """``(engine, threshold, "text only" | "with", counts)`` for every engine and threshold of the renders at ``path``."""
    items = load(path)
    rows = []
    for engine in engines:
        for threshold in thresholds:
            for prior in (False, True):
                rows.append((engine, threshold, "with" if prior else "text only", evaluate(items, engine, prior=prior, threshold=threshold)))
    return rows


HEADER = "| engine | threshold | confidences | lines | CER before | CER after | CER reduction | precision | changes | false/10k |"


def table(rows: list[tuple[str, float, str, metrics.Counts]]) -> list[str]:
    """Markdown table lines of :func:`measure`'s rows."""
    return [HEADER, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|", *(row(*r) for r in rows)]


def row(engine: str, threshold: float, mode: str, counts: metrics.Counts) -> str:
    precision = counts.correction[0]
    return (
        f"| {engine} | {threshold:.2f} | {mode} | {counts.sentences} | {counts.cer_before:.2%} | {counts.cer_after:.2%} "
        f"| {-counts.cer_reduction:+.1%} | {precision:.3f} | {counts.system} | {counts.false_per_10k:.1f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("renders", type=Path)
    parser.add_argument("--thresholds", default="0.8")
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args(argv)
    rows = measure(args.renders, tuple(float(t) for t in args.thresholds.split(",")), tuple(args.engines.split(",")))
    print(f"renders from {args.renders}")
    print("\n".join(table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
