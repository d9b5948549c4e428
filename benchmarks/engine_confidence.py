"""CER with and without the OCR engine's confidences, per engine, on renders read through the format path.

Renders come from ``benchmarks/ocrgen`` run with per-character confidences (``conf``, and the
PP-OCR engines' top-3 ``alts``); each record is written as the file its engine gives
(``benchmarks.ocrgen.formats``: Tesseract hOCR, PP-OCRv4 PAGE 2019 with Glyph TextEquiv
alternatives, PP-OCRv6 ALTO 4 with Glyph GC and Variants), read back with :func:`restore.formats.read_document` and restored twice: text
only (``CharConfig.engine_prior = False``) and with the engine's prior. ``CharConfig.engine`` names
the engine, as ``--engine ppocrv4`` would (a RapidOCR JSON does not say which PP-OCR model made it).

    python -m benchmarks.engine_confidence benchmarks/out/ocr_test.jsonl [--thresholds 0.8,0.9] [--by-script] [--cells]

Prints, per engine and threshold (``--by-script``: also per script of the truth; then all engines summed), CER before/after, the relative reduction, the correction
precision of the changed slots and false changes per 10k characters (``benchmarks.metrics``);
``--cells``: the same per engine × script of the truth at 0.8, and per kind of OCR error
(:mod:`benchmarks.error_kinds`) how many there were and how many each mode fixed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import Counter
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


def load_dev(path: Path) -> list[tuple[dict[str, Any], OcrDocument]]:
    """:func:`load`, for a fit: exits (``SystemExit``) when any record is a TEST render (``test-`` id)."""
    items = load(path)
    if any(record["id"].startswith("test-") for record, _document in items):
        raise SystemExit("refusing TEST renders: fit on DEV only")
    return items


def fit_parser(doc: str, engines: str) -> argparse.ArgumentParser:
    """The command line the engine fits (``scripts/build/fit_engine_*.py``) share: the renders,
    ``--engines`` (default ``engines``) and ``--folds`` (leave one font family out)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("renders", type=Path)
    parser.add_argument("--engines", default=engines)
    parser.add_argument("--folds", action="store_true", help="also choose leave-one-font-family-out")
    return parser


def config_for(engine: str, *, prior: bool, threshold: float, char: CharConfig | None = None) -> Config:
    """The configuration of one run: the engine named (as ``--engine``), the prior on or off,
    ``char`` the char stage's settings (default: the shipped ones)."""
    base = Config(min_confidence=threshold)
    return base.replace(char=dataclasses.replace(char or base.char, engine_prior=prior, engine=engine))


def evaluate(items, engine: str, *, prior: bool, threshold: float, char: CharConfig | None = None) -> metrics.Counts:
    """Summed counts of one engine's renders restored with ``config_for(...)``."""
    counts = metrics.Counts()
    for per_script in evaluate_by_script(items, engine, prior=prior, threshold=threshold, char=char).values():
        counts.add(per_script)
    return counts


def evaluate_by_script(
    items, engine: str, *, prior: bool, threshold: float, char: CharConfig | None = None
) -> dict[str, metrics.Counts]:
    """:func:`evaluate`'s counts per script of the truth (``"simplified"``, ``"traditional"``), sorted by script."""
    corrector = Corrector(config_for(engine, prior=prior, threshold=threshold, char=char))
    counts: dict[str, metrics.Counts] = {}
    for record, document in items:
        if record["engine"] != engine:
            continue
        script = record.get("script", "simplified")
        output = corrector.fix(document.text, ocr=document).text
        counts.setdefault(script, metrics.Counts()).add(metrics.score_pair(record["ocr"], record["truth"], output, script))
    return dict(sorted(counts.items()))


def cells(items, engine: str, *, threshold: float = 0.8) -> list[tuple[str, str, metrics.Counts, Counter[tuple[str, bool]]]]:
    """``(script, "text only" | "with", counts, {(kind, fixed): n})`` per script of the truth for one
    engine's renders: the per-cell view (precision per engine × script, what each kind of OCR error
    became, :mod:`benchmarks.error_kinds`)."""
    from benchmarks.error_kinds import ErrorKinds

    kinds = ErrorKinds.shipped()
    rows = []
    for prior in (False, True):
        corrector = Corrector(config_for(engine, prior=prior, threshold=threshold))
        by_script: dict[str, tuple[metrics.Counts, Counter[tuple[str, bool]]]] = {}
        for record, document in items:
            if record["engine"] != engine:
                continue
            script = record.get("script", "simplified")
            counts, fixed = by_script.setdefault(script, (metrics.Counts(), Counter()))
            output = corrector.fix(document.text, ocr=document).text
            counts.add(metrics.score_pair(record["ocr"], record["truth"], output, script))
            fixed.update((kind, was_fixed) for _slot, kind, was_fixed in kinds.gold(record["ocr"], record["truth"], output, script))
        rows += [(script, "with" if prior else "text only", *by_script[script]) for script in sorted(by_script)]
    return rows


def kind_table(engine: str, rows: list[tuple[str, str, metrics.Counts, Counter[tuple[str, bool]]]]) -> list[str]:
    """Markdown lines: per script and kind of OCR error, how many and how many each mode fixed."""
    from benchmarks.error_kinds import KINDS

    lines = [f"| {engine} script | kind | errors | fixed text only | fixed with |", "|---|---|---:|---:|---:|"]
    by = {(script, mode): fixed for script, mode, _counts, fixed in rows}
    for script in sorted({script for script, *_ in rows}):
        text, with_ = by[(script, "text only")], by[(script, "with")]
        for kind in KINDS:
            total = text[(kind, True)] + text[(kind, False)]
            if total:
                lines.append(f"| {script} | {kind} | {total} | {text[(kind, True)]} | {with_[(kind, True)]} |")
    return lines


def measure(
    path: Path, thresholds: tuple[float, ...] = (0.8,), engines: tuple[str, ...] = ENGINES, *, by_script: bool = False
) -> list[tuple[str, float, str, metrics.Counts]]:
    """``(engine, threshold, "text only" | "with", counts)`` for every engine and threshold of the renders at ``path``;
    ``by_script``: each engine's rows followed by the same per script of the truth (``"ppocrv4 traditional"``)."""
    items = load(path)
    rows = []
    for engine in engines:
        for threshold in thresholds:
            cells: list[tuple[str, float, str, metrics.Counts]] = []
            for prior in (False, True):
                mode = "with" if prior else "text only"
                scripts = evaluate_by_script(items, engine, prior=prior, threshold=threshold)
                total = metrics.Counts()
                for script, counts in scripts.items():
                    total.add(counts)
                    cells.append((f"{engine} {script}", threshold, mode, counts))
                rows.append((engine, threshold, mode, total))
            if by_script:
                rows += sorted(cells, key=lambda cell: cell[0])
    return rows


HEADER = "| engine | threshold | confidences | lines | CER before | CER after | CER reduction | precision | changes | false/10k |"


def pooled(rows: list[tuple[str, float, str, metrics.Counts]]) -> list[tuple[str, float, str, metrics.Counts]]:
    """``("all engines", threshold, mode, counts)``: :func:`measure`'s rows summed over the engines,
    per threshold and mode (the whole render set read as OCR files, as the main table reads it as text).

    >>> a, b = metrics.Counts(chars=10, distance_before=2), metrics.Counts(chars=30, distance_before=1)
    >>> [(name, mode, c.chars, c.distance_before) for name, _t, mode, c in pooled([("x", 0.8, "with", a), ("y", 0.8, "with", b)])]
    [('all engines', 'with', 40, 3)]
    """
    sums: dict[tuple[float, str], metrics.Counts] = {}
    for engine, threshold, mode, counts in rows:
        if " " in engine:  # a per-script row of measure(by_script=True): its engine's row counts it
            continue
        sums.setdefault((threshold, mode), metrics.Counts()).add(counts)
    return [("all engines", threshold, mode, counts) for (threshold, mode), counts in sums.items()]


def table(rows: list[tuple[str, float, str, metrics.Counts]], *, pool: bool = False) -> list[str]:
    """Markdown table lines of :func:`measure`'s rows; ``pool``: then their sums over the engines (:func:`pooled`)."""
    total = pooled(rows) if pool else []
    return [HEADER, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|", *(row(*r) for r in [*rows, *total])]


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
    parser.add_argument("--cells", action="store_true", help="per engine x script and kind of error instead (threshold 0.8)")
    parser.add_argument("--by-script", action="store_true", help="each engine's rows also per script of the truth")
    args = parser.parse_args(argv)
    print(f"renders from {args.renders}")
    if args.cells:
        items = load(args.renders)
        for engine in args.engines.split(","):
            rows = cells(items, engine)
            print("\n".join(table([(f"{engine} {script}", 0.8, mode, counts) for script, mode, counts, _fixed in rows])))
            print("\n".join(kind_table(engine, rows)))
        return 0
    rows = measure(
        args.renders, tuple(float(t) for t in args.thresholds.split(",")), tuple(args.engines.split(",")), by_script=args.by_script
    )
    print("\n".join(table(rows, pool=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
