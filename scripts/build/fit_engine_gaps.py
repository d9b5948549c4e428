"""Fit the char stage's filling of gaps in the OCR engine's character boxes (restore.stages.engine_gaps).

Data: DEV renders made by ``benchmarks/ocrgen`` that kept each character's centre (``x``), read
through the format path (``benchmarks.engine_confidence.load``: Tesseract hOCR, PP-OCRv4 PAGE 2019,
PP-OCRv6 ALTO 4, each with a box per character). Never TEST: the script refuses ``test-`` ids.

1. Candidates: at every junction of at least ``MIN_EXCESS`` pitches, the stage's best filler
   (:meth:`restore.stages.char.CharStage.fill_gap`) with its features: the LM gain, the margin
   over the runner-up, mark or Han, the excess. It is right when inserting it (in the page's
   script, as the stage writes it) brings the line one edit closer to the truth.
2. A logistic regression of right/wrong on those features (Newton, small L2): ``calib_gap_*``.
3. Per engine, the excess floor ``engine_gap_excess_<engine>``: the lowest floor of ``FLOORS`` whose
   fills above the default threshold are right at least ``--min-precision`` of the time (0 = off
   when none is, or when fewer than ``--min-fills`` fills qualify).
4. Leave-one-font-family-out (Noto Sans, Noto Serif, AR PL UKai, AR PL UMing): weights and floors
   fitted on three families, the fourth scored; the held-out fills are summed per engine.

    python scripts/build/fit_engine_gaps.py benchmarks/out/ocr_dev.jsonl [--engines ppocrv4,ppocrv6]

Prints per-engine tables and the ``CharConfig`` values.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from fit_char_calibration import fit_with_offset  # noqa: E402  (scripts/build, beside this script)
from fit_engine_prior import FAMILIES, family  # noqa: E402

from benchmarks.engine_confidence import load  # noqa: E402
from benchmarks.ocrgen.align import edit_distance  # noqa: E402
from restore.config import CharConfig, Config  # noqa: E402
from restore.pipeline import engine_view  # noqa: E402
from restore.stages.char import CharStage  # noqa: E402
from restore.stages.engine_gaps import MIN_EXCESS, junction_gaps  # noqa: E402

ENGINES = ("tesseract", "ppocrv4", "ppocrv6")
FLOORS = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
COLUMNS = ("lm_gain", "margin", "mark", "excess")


@dataclasses.dataclass(frozen=True)
class Fill:
    engine: str
    family: str
    features: tuple[float, float, float, float]
    right: bool
    example: str


def collect(items: Sequence[tuple[dict[str, Any], Any]], engines: Sequence[str]) -> list[Fill]:
    """Every gap fill the char stage proposes on the raw OCR, judged against the truth."""
    fills: list[Fill] = []
    stages: dict[str, CharStage] = {}
    for record, document in items:
        engine = record["engine"]
        if engine not in engines:
            continue
        if record["id"].startswith("test-"):
            raise SystemExit("refusing TEST renders: fit on DEV only")
        gaps = junction_gaps(document.text, document.boxes)
        if not gaps:
            continue
        stage = stages.get(engine)
        if stage is None:
            char = dataclasses.replace(CharConfig(), engine=engine, **{f"engine_gap_excess_{engine}": MIN_EXCESS})
            stage = stages[engine] = CharStage(Config().replace(char=char))
        view = engine_view(document, [], gaps)
        text, truth = document.text, record["truth"]
        base = edit_distance(truth, text)
        for offset, cand in stage.examine_text(text, record.get("script", ""), view):
            gap = cand.engine_gap
            if gap is None:
                continue
            after = cand.after
            if stage._simplified_on_traditional_line(text, offset, after):
                after = stage.traditional_form(text, offset, after, inserted=True) or after
            right = edit_distance(truth, text[:offset] + after + text[offset:]) < base
            features = (cand.features.lm_gain, gap.margin, float(cand.features.punct), min(gap.excess, 2.0))
            example = f"{text[max(0, offset - 4):offset]}[{after}]{text[offset:offset + 4]}"
            fills.append(Fill(engine, family(record), features, right, example))
    return fills


def fit(fills: Sequence[Fill]) -> np.ndarray:
    """``[bias, lm_gain, margin, mark, excess]`` of the logistic fit."""
    x = np.array([(1.0, *f.features) for f in fills])
    y = np.array([f.right for f in fills], dtype=float)
    return fit_with_offset(x, np.zeros(len(fills)), y)


def confidence(weights: np.ndarray, fill: Fill) -> float:
    return float(1 / (1 + np.exp(-(weights @ np.array((1.0, *fill.features))))))


def choose_floor(fills: Sequence[Fill], weights: np.ndarray, threshold: float, min_precision: float, min_fills: int) -> float:
    """The lowest excess floor whose applied fills reach ``min_precision`` (0: none does)."""
    for floor in FLOORS:
        kept = [f for f in fills if f.features[3] >= floor and confidence(weights, f) >= threshold]
        if len(kept) >= min_fills and sum(f.right for f in kept) / len(kept) >= min_precision:
            return floor
    return 0.0


def table(fills: Sequence[Fill], weights: np.ndarray, thresholds: Sequence[float]) -> list[str]:
    rows = []
    for floor in FLOORS:
        cells = []
        for threshold in thresholds:
            kept = [f for f in fills if f.features[3] >= floor and confidence(weights, f) >= threshold]
            right = sum(f.right for f in kept)
            cells.append(f"{right}/{len(kept)}")
        rows.append(f"  excess >= {floor:.1f}: " + "  ".join(f"t={t}: {c}" for t, c in zip(thresholds, cells)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("renders", type=Path)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--threshold", type=float, default=Config().min_confidence)
    parser.add_argument("--min-precision", type=float, default=0.95)
    parser.add_argument("--min-fills", type=int, default=10)
    parser.add_argument("--examples", type=int, default=0, help="print this many fills per engine (never commit the output)")
    args = parser.parse_args()
    engines = tuple(e for e in args.engines.split(",") if e)
    fills = collect(load(args.renders), engines)
    print(f"{len(fills)} fills, {sum(f.right for f in fills)} right")
    weights = fit(fills)
    print("weights:", dict(zip(("bias", *COLUMNS), np.round(weights, 3).tolist())))
    thresholds = (0.5, 0.8, 0.9)
    floors = {}
    for engine in engines:
        mine = [f for f in fills if f.engine == engine]
        print(f"{engine}: {len(mine)} fills, {sum(f.right for f in mine)} right; right/applied by floor and threshold")
        print("\n".join(table(mine, weights, thresholds)))
        floors[engine] = choose_floor(mine, weights, args.threshold, args.min_precision, args.min_fills)
        for fill in mine[: args.examples]:
            print(f"    {'+' if fill.right else '-'} {confidence(weights, fill):.2f} {fill.example} {np.round(fill.features, 2).tolist()}")
    print("leave one font family out (weights and floors from the other three; held-out fills at the threshold):")
    for engine in engines:
        right = applied = 0
        for name, label in FAMILIES.items():
            train = [f for f in fills if f.family != name]
            held = [f for f in fills if f.family == name and f.engine == engine]
            w = fit(train)
            floor = choose_floor([f for f in train if f.engine == engine], w, args.threshold, args.min_precision, args.min_fills)
            kept = [f for f in held if floor and f.features[3] >= floor and confidence(w, f) >= args.threshold]
            right += sum(f.right for f in kept)
            applied += len(kept)
            print(f"  {engine} {label}: floor {floor}, {sum(f.right for f in kept)}/{len(kept)}")
        print(f"  {engine} all folds: {right}/{applied}" + (f" = {right / applied:.3f}" if applied else ""))
    print("\nCharConfig:")
    for name, value in zip(("bias", *COLUMNS), weights):
        key = {"bias": "calib_gap_bias", "lm_gain": "calib_gap_lm_gain"}.get(name, f"calib_gap_{name}")
        print(f"    {key}: float = {value:.3f}")
    for engine in ENGINES:
        print(f"    engine_gap_excess_{engine}: float = {floors.get(engine, 0.0)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
