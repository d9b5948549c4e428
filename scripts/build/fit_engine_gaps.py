"""Fit the char stage's filling of gaps in the OCR engine's character boxes (restore.stages.engine_gaps).

Data: DEV renders made by ``benchmarks/ocrgen`` that kept each character's centre (``x``), read
through the format path (``benchmarks.engine_confidence.load``: Tesseract hOCR, PP-OCRv4 PAGE 2019,
PP-OCRv6 ALTO 4, each with a box per character). Never TEST: the script refuses ``test-`` ids.

1. Candidates: at every junction of at least ``MIN_EXCESS`` pitches, the stage's best filler
   (:meth:`restore.stages.char.CharStage.fill_gap`) with its features: the LM gain, the margin
   over the runner-up, mark or Han, the excess. It is right when inserting it (in the page's
   script, as the stage writes it) brings the line one edit closer to the truth.
2. A logistic regression of right/wrong on those features (Newton, small L2): ``gap_calib_*``.
3. Per engine, the excess floor ``engine_gap_excess_<engine>``: the lowest floor of ``FLOORS`` whose
   fills above the default threshold are right at least ``--min-precision`` of the time (0 = off
   when none is, or when fewer than ``--min-fills`` fills qualify).
4. Leave-one-font-family-out (Noto Sans, Noto Serif, AR PL UKai, AR PL UMing): weights and floors
   fitted on three families, the fourth scored; the held-out fills are summed per engine.

    python scripts/build/fit_engine_gaps.py benchmarks/out/ocr_dev.jsonl [--engines ppocrv4,ppocrv6] [--cache gaps.pkl]

Prints per-engine tables and the ``CharConfig`` values.
"""

from __future__ import annotations

import argparse
import dataclasses
import pickle
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
from restore.stages.char import GAP_MARKS, CharStage  # noqa: E402
from restore.stages.engine_gaps import FEATURES, MIN_EXCESS, junction_gaps  # noqa: E402

ENGINES = ("tesseract", "ppocrv4", "ppocrv6")
SENTENCE_END = frozenset("。！？；!?\n")
BONUSES = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0)
LIST_BONUSES = (0.0, 0.5, 1.0, 1.5, 2.0)
# Excess floors tried; the weights are fitted on the gaps of at least the lowest (below it, on DEV
# renders, a junction of two full-width characters almost never held a dropped one).
FLOORS = (0.55, 0.6, 0.7, 0.8, 0.9)


@dataclasses.dataclass(frozen=True)
class Gap:
    """One junction the boxes flag: the LM's best and second mark and Han fillers, each best one judged."""

    engine: str
    family: str
    excess: float
    before: float
    marks: tuple[tuple[float, str, bool], ...]  # (score, filler, right), best two
    hans: tuple[tuple[float, str, bool], ...]
    context: str
    listing: bool  # the sentence has a 、 already

    def fill(self, bonus: float, list_bonus: float = 0.0) -> Fill | None:
        """The filler the stage chooses with ``bonus`` added to marks (and ``list_bonus`` to 、 in a
        sentence that has one), as a :class:`Fill`."""
        extra = {"、": list_bonus} if self.listing else {}
        ranked = sorted([(s + bonus + extra.get(c, 0.0), c, r) for s, c, r in self.marks] + list(self.hans), key=lambda x: -x[0])
        if not ranked:
            return None
        (best, char, right), runner = ranked[0], (ranked[1][0] if len(ranked) > 1 else self.before)
        mark = any(c == char for _s, c, _r in self.marks)
        gain = best - (bonus + extra.get(char, 0.0) if mark else 0.0) - self.before
        return Fill(self.engine, self.family, (gain, best - runner, float(mark), min(self.excess, 2.0)), right,
                    self.context.replace("_", f"[{char}]"))


@dataclasses.dataclass(frozen=True)
class Fill:
    engine: str
    family: str
    features: tuple[float, float, float, float]
    right: bool
    example: str


def _units(text: str) -> list[list[int]]:
    """The char stage's LM units: non-space positions, split after sentence ends and line breaks."""
    units, current = [], []
    for offset, ch in enumerate(text):
        if not ch.isspace():
            current.append(offset)
        if ch in SENTENCE_END and current:
            units.append(current)
            current = []
    return units + ([current] if current else [])


def collect(items: Sequence[tuple[dict[str, Any], Any]], engines: Sequence[str]) -> list[Gap]:
    """Every junction of at least ``MIN_EXCESS`` pitches in the renders of ``engines``, with its fillers judged."""
    found: list[Gap] = []
    stage = CharStage(Config())
    for record, document in items:
        engine = record["engine"]
        if engine not in engines:
            continue
        if record["id"].startswith("test-"):
            raise SystemExit("refusing TEST renders: fit on DEV only")
        gaps = junction_gaps(document.text, document.boxes)
        if not gaps:
            continue
        text, truth = document.text, record["truth"]
        base = edit_distance(truth, text)
        prepared = stage.lm.prepare(text)

        def judged(ranked: list[tuple[float, str]], offset: int, limit: int) -> tuple[tuple[float, str, bool], ...]:
            out = []
            for rank, (score, filler) in enumerate(ranked[:limit]):
                written = filler
                if filler not in GAP_MARKS and stage._on_traditional_line(text, offset):
                    written = stage.traditional_form(text, offset, filler, inserted=True) or filler
                right = (rank == 0 or filler in GAP_MARKS) and edit_distance(truth, text[:offset] + written + text[offset:]) < base
                out.append((score, written, right))
            return tuple(out)

        for positions in _units(text):
            tokens = [prepared[p] for p in positions]
            for k, offset in enumerate(positions):
                if not k or offset not in gaps:
                    continue
                before, pool, scores = stage.score_gap(tokens, k)
                ranked = sorted(zip(scores, pool), key=lambda pair: -pair[0])
                marks = [pair for pair in ranked if pair[1] in GAP_MARKS]
                hans = [pair for pair in ranked if pair[1] not in GAP_MARKS]
                found.append(Gap(
                    engine, family(record), gaps[offset], before, judged(marks, offset, len(GAP_MARKS)), judged(hans, offset, 2),
                    f"{text[max(0, offset - 4):offset]}_{text[offset:offset + 4]}", "、" in tokens,
                ))
    return found


def fit(fills: Sequence[Fill]) -> np.ndarray:
    """The logistic weights, in the order of ``FEATURES`` (bias first)."""
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
        rows.append(f"  excess >= {floor:.2f}: " + "  ".join(f"t={t}: {c}" for t, c in zip(thresholds, cells)))
    return rows


def choose_bonus(gaps: Sequence[Gap], engine: str, list_bonus: float) -> float:
    """The mark bonus under which the most of ``engine``'s gaps get a right filler (ties: the smallest)."""
    mine = [g for g in gaps if g.engine == engine]
    return max(BONUSES, key=lambda b: (sum(bool(f and f.right) for f in (g.fill(b, list_bonus) for g in mine)), -b))


def choose_list_bonus(gaps: Sequence[Gap], engines: Sequence[str]) -> float:
    """The 、 bonus in listing sentences under which the most gaps get a right filler (each engine at its best mark bonus)."""
    def right(list_bonus: float) -> int:
        total = 0
        for engine in engines:
            bonus = choose_bonus(gaps, engine, list_bonus)
            total += sum(bool(f and f.right) for f in (g.fill(bonus, list_bonus) for g in gaps if g.engine == engine))
        return total
    return max(LIST_BONUSES, key=lambda b: (right(b), -b))


def fitted(
    gaps: Sequence[Gap], engines: Sequence[str], args: argparse.Namespace
) -> tuple[dict[str, float], dict[str, np.ndarray], dict[str, float], list[Fill]]:
    """Per engine: the mark bonus, the calibration weights and the excess floor fitted on ``gaps``."""
    gaps = [g for g in gaps if g.excess >= FLOORS[0] and g.engine in engines]
    list_bonus = choose_list_bonus(gaps, engines)
    bonuses = {engine: choose_bonus(gaps, engine, list_bonus) for engine in engines}
    bonuses["list"] = list_bonus
    fills = [f for f in (g.fill(bonuses[g.engine], list_bonus) for g in gaps) if f is not None]
    weights, floors = {}, {}
    for engine in engines:
        mine = [f for f in fills if f.engine == engine]
        weights[engine] = fit(mine)
        floors[engine] = choose_floor(mine, weights[engine], args.threshold, args.min_precision, args.min_fills)
    return bonuses, weights, floors, fills


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("renders", type=Path)
    parser.add_argument("--engines", default="ppocrv4,ppocrv6")
    parser.add_argument("--threshold", type=float, default=Config().min_confidence)
    parser.add_argument("--min-precision", type=float, default=0.9,
                        help="precision the applied fills of a floor must reach (they are a small share of an engine's edits; the end-to-end precision is checked by benchmarks.engine_confidence)")
    parser.add_argument("--min-fills", type=int, default=10)
    parser.add_argument("--cache", type=Path, help="keep the collected gaps in this pickle (re-fit without re-scoring)")
    parser.add_argument("--examples", type=int, default=0, help="print this many fills per engine (never commit the output)")
    args = parser.parse_args()
    engines = tuple(e for e in args.engines.split(",") if e)
    if args.cache and args.cache.exists():
        gaps = pickle.loads(args.cache.read_bytes())
    else:
        gaps = collect(load(args.renders), engines)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(gaps))
    bonuses, weights, floors, fills = fitted(gaps, engines, args)
    print(f"{len(gaps)} gaps, {len(fills)} fills of at least {FLOORS[0]} pitches, {sum(f.right for f in fills)} right")
    thresholds = (0.5, 0.8, 0.9)
    for engine in engines:
        mine = [f for f in fills if f.engine == engine]
        print(f"{engine}: mark bonus {bonuses[engine]}, weights {dict(zip(FEATURES, np.round(weights[engine], 3).tolist()))}")
        print(f"  {len(mine)} fills, {sum(f.right for f in mine)} right; right/applied by floor and threshold")
        print("\n".join(table(mine, weights[engine], thresholds)))
        for fill in mine[: args.examples]:
            print(f"    {'+' if fill.right else '-'} {confidence(weights[engine], fill):.2f} {fill.example} {np.round(fill.features, 2).tolist()}")
    print(f"leave one font family out (bonus, weights and floors from the other three; held-out fills at {args.threshold}):")
    totals = {engine: [0, 0] for engine in engines}
    for name, label in FAMILIES.items():
        fold_bonuses, fold_weights, fold_floors, _ = fitted([g for g in gaps if g.family != name], engines, args)
        for engine in engines:
            held = [
                f for f in (g.fill(fold_bonuses[engine], fold_bonuses["list"]) for g in gaps if g.family == name and g.engine == engine and g.excess >= FLOORS[0]) if f
            ]
            floor = fold_floors[engine]
            kept = [f for f in held if floor and f.features[3] >= floor and confidence(fold_weights[engine], f) >= args.threshold]
            totals[engine][0] += sum(f.right for f in kept)
            totals[engine][1] += len(kept)
            print(f"  {engine} {label}: bonus {fold_bonuses[engine]}, floor {floor}, {sum(f.right for f in kept)}/{len(kept)}")
    for engine, (right, applied) in totals.items():
        print(f"  {engine} all folds: {right}/{applied}" + (f" = {right / applied:.3f}" if applied else ""))
    print("\nCharConfig:")
    print(f"    engine_gap_list_bonus: float = {bonuses['list']}")
    for engine in engines:
        print(f"    engine_gap_excess_{engine}: float = {floors[engine]}")
        print(f"    engine_gap_mark_bonus_{engine}: float = {bonuses[engine]}")
        for name, value in zip(FEATURES, weights[engine]):
            print(f"    gap_calib_{name}_{engine}: float = {value:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
