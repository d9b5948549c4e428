"""Fit ``CharConfig.calib_context`` and ``calib_context_similarity``: how much a context candidate is worth.

The other calibration weights stay as fitted (``scripts/fit_char_calibration.py``). Every
candidate the char stage proposes from the context (``Candidate.context``) on the fitting data is
labelled right or wrong against the truth; a two-parameter logistic regression with the
candidate's current log-odds as an offset,

    P(right) = sigmoid(z + w0 + w1 * (similarity - min_similarity)),

gives ``calib_context = w0`` and ``calib_context_similarity = w1`` (per unit of glyph-embedding
cosine above ``context_min_similarity``).

Fitting data (never TEST, never FASPell's test file): FASPell OCR train (same-length lines) and
the OCR renders of DEV lines 14001-15000 (``--lines``), aligned with the benchmark harness. The
records of 15001-16000 stay held out for ``eval_char_variant.py``. Folds: ``--folds`` fits on
all but one engine (or font family) at a time and reports the held-out fold's precision at 0.8.

Run: ``python scripts/experiments/fit_context_weight.py [--lines 14001-15000] [--folds engine|font]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.metrics import fold, project  # noqa: E402
from restore.config import Config  # noqa: E402
from restore.stages.char import CharStage  # noqa: E402

FASPELL_TRAIN = Path("/work/shared/data/faspell_ocr/ocr_train_3575.txt")
OCR_DEV = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"


def font_family(font: str) -> str:
    return font.split("-")[0] if font else "?"


def dev_renders(lines: str, renders: Path) -> Iterator[tuple[dict, str, tuple[str, ...]]]:
    """The DEV render records of ``lines`` ("first-last" People's Daily line numbers), each with
    its script and the truth projected onto its OCR characters (``Projection.sub``)."""
    first, last = map(int, lines.split("-"))
    for raw in renders.read_text(encoding="utf-8").splitlines():
        record = json.loads(raw)
        split, number = record["id"].split("-")[:2]
        if split != "dev" or not first <= int(number) <= last:
            continue
        script = record.get("script") or "simplified"
        yield record, script, project(fold(record["ocr"], script), fold(record["truth"], script)).sub


def samples(stage: CharStage, lines: str, renders: Path) -> list[tuple[float, float, bool, str]]:
    """(log-odds, similarity, right, group) of every context candidate the stage keeps."""
    found = []
    rows = []
    for line in FASPELL_TRAIN.read_text(encoding="utf-8").splitlines():
        _, seen, truth = line.split("\t")
        if len(seen) == len(truth):
            rows.append((seen, list(truth), "simplified", "faspell", "faspell"))
    if renders.exists():
        for record, script, sub in dev_renders(lines, renders):
            rows.append((record["ocr"], list(sub), script, record["engine"], font_family(record.get("font", ""))))
    for seen, truth, script, engine, font in rows:
        for offset, cand in stage.examine_text(seen, script):
            if not cand.proposed_by:
                continue
            z = math.log(cand.confidence / (1 - cand.confidence)) if 0 < cand.confidence < 1 else (50.0 if cand.confidence else -50.0)
            found.append((z, cand.features.glyph_similarity, truth[offset] == cand.after, f"{engine}|{font}"))
    return found


def fit(data: list[tuple[float, float, bool, str]], floor: float, iterations: int = 50) -> tuple[float, float]:
    """Newton's method for (w0, w1) with the log-odds as offset (a small ridge keeps it finite)."""
    z = np.array([d[0] for d in data])
    x = np.stack([np.ones(len(data)), np.array([d[1] for d in data]) - floor], axis=1)
    y = np.array([d[2] for d in data], dtype=float)
    w = np.zeros(2)
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(z + x @ w)))
        grad = x.T @ (y - p) - 0.01 * w
        hess = -(x.T * (p * (1 - p))) @ x - 0.01 * np.eye(2)
        w = w - np.linalg.solve(hess, grad)
    return float(w[0]), float(w[1])


def report(name: str, data: list, w: tuple[float, float], floor: float) -> None:
    for t in (0.5, 0.8, 0.9):
        kept = [d for d in data if 1 / (1 + math.exp(-(d[0] + w[0] + w[1] * (d[1] - floor)))) >= t]
        right = sum(d[2] for d in kept)
        print(f"  {name}: t={t}: {len(kept)} kept, {right} right" + (f" (P {right / len(kept):.3f})" if kept else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="14001-15000")
    parser.add_argument("--renders", type=Path, default=OCR_DEV)
    parser.add_argument("--folds", choices=("engine", "font"), default="engine")
    parser.add_argument("--gap-min-similarity", type=float, default=None, help="CharConfig.context_gap_min_similarity")
    args = parser.parse_args()
    config = Config()
    # Collect with the context weights at 0, so the offset is the rest of the calibration.
    config = config.replace(char=dataclasses.replace(config.char, calib_context=0.0, calib_context_similarity=0.0, context_candidates=True))
    if args.gap_min_similarity is not None:
        config = config.replace(char=dataclasses.replace(config.char, context_gap_min_similarity=args.gap_min_similarity))
    floor = config.char.context_min_similarity
    data = samples(CharStage(config), args.lines, args.renders)
    right = sum(d[2] for d in data)
    print(f"{len(data)} context candidates, {right} right")
    w = fit(data, floor)
    print(f"calib_context = {w[0]:.3f}, calib_context_similarity = {w[1]:.3f}")
    report("all (fitted on)", data, w, floor)
    report("weights 0", data, (0.0, 0.0), floor)
    position = 0 if args.folds == "engine" else 1
    groups = sorted({d[3].split("|")[position] for d in data})
    for group in groups:
        held = [d for d in data if d[3].split("|")[position] == group]
        rest = [d for d in data if d[3].split("|")[position] != group]
        if len(held) < 5 or len(rest) < 5:
            continue
        report(f"held-out {args.folds} {group} (fit on the rest: {tuple(round(v, 2) for v in fit(rest, floor))})", held, fit(rest, floor), floor)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
