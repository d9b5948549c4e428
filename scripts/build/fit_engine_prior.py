"""Fit each OCR engine's evidence weights for the char stage (restore.stages.engine_prior) on DEV renders.

Data: renders of People's Daily DEV lines made by ``benchmarks/ocrgen`` with per-character
confidences (never TEST: the script refuses ``test-`` ids), read through the format path
(``benchmarks.engine_confidence.load``: Tesseract hOCR, PP-OCRv4 RapidOCR JSON, PP-OCRv6 ALTO 4).

1. Candidates: every character the char stage examines, with detection widened to characters the
   engine gives less than ``--collect-below`` (so the fit also sees what widening adds) and the
   engine's alternatives among the candidates. A candidate is right when the truth has its
   replacement at that position (Levenshtein alignment, ``benchmarks.metrics.truth_map``).
2. Per engine, a logistic regression of right/wrong on (``engine_doubt_<engine>``,
   ``engine_read_<engine>``, ``engine_alternative``) with the shipped text-only log-odds as a fixed offset: the other weights
   stay as fitted, the engine's evidence is added on top.
3. ``engine_detect_<engine>`` is chosen from a grid by the end-to-end DEV CER reduction at the
   default threshold among settings whose correction precision is at least ``--min-precision``
   (or, where text only is already below it, within ``PRECISION_SLACK`` of text only); an engine whose evidence does not beat text only keeps weight 0.

    python scripts/build/fit_engine_prior.py benchmarks/out-conf/ocr_dev_conf.jsonl

Prints the ``CharConfig`` values.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.metrics import truth_map  # noqa: E402
from fit_char_calibration import fit_with_offset  # noqa: E402  (scripts/build, beside this script)

from benchmarks.engine_confidence import evaluate, load  # noqa: E402
from restore.config import CharConfig, Config  # noqa: E402
from restore.pipeline import engine_view  # noqa: E402
from restore.stages.char import CharStage  # noqa: E402

ENGINES = ("tesseract", "ppocrv4", "ppocrv6")
GRID = (0.0, 0.5, 0.8, 0.9, 0.95)
# How far below text only's precision a setting may fall when text only is under --min-precision
# (one wrong change in 200 on DEV).
PRECISION_SLACK = 0.005


def collect(items, engine: str, collect_below: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(engine features, text-only log-odds, right?) of every examined candidate of one engine's renders."""
    char = dataclasses.replace(CharConfig(), engine=engine, **{f"engine_detect_{engine}": collect_below})
    stage = CharStage(Config().replace(char=char))
    rows, offsets, labels = [], [], []
    for record, document in items:
        if record["engine"] != engine:
            continue
        view = engine_view(document, [])
        truth = truth_map(record["ocr"], record["truth"])
        for offset, cand in stage.examine_text(document.text, record.get("script", ""), view):
            doubt = getattr(cand.features, f"engine_doubt_{engine}")
            if cand.features.insert or document.confidences[offset] is None:
                continue
            rows.append((doubt, 1.0, float(cand.features.engine_alternative)))
            offsets.append(stage.calibration.logodds(cand.features))  # engine weights are 0 here
            labels.append(truth.get(offset) == cand.after)
    return np.array(rows, dtype=float), np.array(offsets), np.array(labels, dtype=float)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("renders", type=Path)
    parser.add_argument("--collect-below", type=float, default=0.95)
    parser.add_argument("--min-precision", type=float, default=0.95)
    args = parser.parse_args()
    items = load(args.renders)
    if any(record["id"].startswith("test-") for record, _document in items):
        raise SystemExit("refusing TEST renders: fit on DEV only")
    chosen: dict[str, float] = {}
    alternative_weights = []
    for engine in ENGINES:
        x, offset, y = collect(items, engine, args.collect_below)
        print(f"{engine}: {len(y)} candidates, {int(y.sum())} right", flush=True)
        if len(y) < 20 or not 3 <= y.sum() <= len(y) - 3:
            print("  too few to fit: weight 0 (text only)")
            continue
        # No alternatives seen (Tesseract hOCR, RapidOCR JSON): fit the doubt and the bias alone.
        columns = [0, 1, 2] if x[:, 2].any() else [0, 1]
        w = fit_with_offset(x[:, columns], offset, y)
        weights = {f"calib_engine_doubt_{engine}": round(float(w[0]), 3), f"calib_engine_read_{engine}": round(float(w[1]), 3)}
        if len(columns) == 3:
            alternative_weights.append((float(w[2]), int(x[:, 2].sum())))
            print(f"  doubt {w[0]:.3f}, bias {w[1]:.3f}, alternative {w[2]:.3f}")
        else:
            print(f"  doubt {w[0]:.3f}, bias {w[1]:.3f}")
        base = evaluate(items, engine, prior=False, threshold=0.8)
        print(f"  text only: CER {base.cer_before:.2%} -> {base.cer_after:.2%}, P {base.correction[0]:.3f}", flush=True)
        best: tuple[float, float] | None = None
        for below in GRID:
            char = dataclasses.replace(CharConfig(), **weights, **{f"engine_detect_{engine}": below},
                                       calib_engine_alternative=round(float(w[2]), 3) if len(columns) == 3 else 0.0)
            counts = evaluate(items, engine, prior=True, threshold=0.8, char=char)
            precision = counts.correction[0]
            print(f"  detect below {below}: CER {counts.cer_after:.2%} ({-counts.cer_reduction:+.1%}), "
                  f"P {precision:.3f}, changes {counts.system}", flush=True)
            # Precision must reach --min-precision, or (when text only is below it already, as for
            # PP-OCRv4 on traditional pages) stay within PRECISION_SLACK of text only.
            good = precision >= min(args.min_precision, (base.correction[0] or 1.0) - PRECISION_SLACK)
            if good and counts.cer_reduction < (best or (base.cer_reduction,))[0]:
                best = (counts.cer_reduction, below)
        if best is None:
            print("  no setting beats text only on DEV: weight 0")
            continue
        chosen.update(weights)
        chosen[f"engine_detect_{engine}"] = best[1]
    if alternative_weights:
        total = sum(n for _w, n in alternative_weights)
        chosen["calib_engine_alternative"] = round(sum(w * n for w, n in alternative_weights) / total, 3)
    print("CharConfig values:")
    for key, value in chosen.items():
        print(f"    {key} = {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
