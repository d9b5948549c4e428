"""Fit each OCR engine's confidence prior for the char stage (restore.stages.engine_prior) on DEV renders.

Data: renders of People's Daily DEV lines made by ``benchmarks/ocrgen`` with per-character
confidences (never TEST), read through the format path (``benchmarks.engine_confidence.load``).

1. Candidates: every character the char stage examines, with detection widened to characters the
   engine gives less than ``--collect-below`` (so the fit sees what widening would add), the
   engine's alternatives among the candidates, and the text-only confidence kept. A candidate is
   right when the truth has its replacement at that position (Levenshtein alignment).
2. Per engine, a logistic regression of right/wrong on (text-only log-odds, doubt = logit(1 − c),
   candidate is an engine alternative) gives ``text``, ``doubt``, ``alternative`` and ``bias``.
3. ``detect_below`` is chosen per engine from a grid by the end-to-end DEV CER reduction at the
   default threshold among settings whose correction precision is at least ``--min-precision``.

    python scripts/fit_engine_prior.py benchmarks/out-conf/ocr_dev_conf.jsonl

Prints the ``CALIBRATIONS`` literal for ``src/restore/stages/engine_prior.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval_char_ocr_dev import truth_map  # noqa: E402
from fit_char_calibration import fit_logistic  # noqa: E402

from benchmarks.engine_confidence import evaluate, load  # noqa: E402
from restore.config import Config  # noqa: E402
from restore.pipeline import engine_view  # noqa: E402
from restore.stages import engine_prior  # noqa: E402
from restore.stages.char import CharStage  # noqa: E402
from restore.stages.engine_prior import EngineCalibration, EnginePrior  # noqa: E402

GRID = (0.0, 0.5, 0.8, 0.9, 0.95)


def collect(items, engine: str, collect_below: float) -> tuple[np.ndarray, np.ndarray]:
    engine_prior.CALIBRATIONS[engine] = EngineCalibration(engine, 1.0, 0.0, 0.0, 0.0, collect_below)
    stage = CharStage(Config())
    rows, labels = [], []
    for record, document in items:
        if record["engine"] != engine:
            continue
        view = dataclasses.replace(engine_view(document, []), engine=engine)
        truth = truth_map(record["ocr"], record["truth"])
        for offset, cand in stage.examine_text(document.text, record.get("script", ""), view):
            if cand.insert or cand.engine_confidence is None:
                continue
            rows.append(EnginePrior.features(cand.text_confidence, cand.engine_confidence, cand.engine_alternative))
            labels.append(truth.get(offset) == cand.after)
    return np.array(rows, dtype=float), np.array(labels, dtype=float)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("renders", type=Path)
    parser.add_argument("--collect-below", type=float, default=0.95)
    parser.add_argument("--min-precision", type=float, default=0.95)
    args = parser.parse_args()
    items = load(args.renders)
    if any(r["id"].startswith("test-") for r, _d in items):
        raise SystemExit("refusing TEST renders: fit on DEV only")
    fitted = {}
    for engine in ("tesseract", "ppocrv4", "ppocrv6"):
        x, y = collect(items, engine, args.collect_below)
        if len(y) < 20 or y.sum() < 3 or y.sum() > len(y) - 3:
            print(f"{engine}: {len(y)} candidates, {int(y.sum())} right: too few to fit; text-only kept")
            fitted[engine] = EngineCalibration(engine, 1.0, 0.0, 0.0, 0.0, 0.0)
            continue
        w = fit_logistic(x, y)
        print(f"{engine}: {len(y)} candidates, {int(y.sum())} right; bias {w[0]:.3f} text {w[1]:.3f} "
              f"doubt {w[2]:.3f} alternative {w[3]:.3f}", flush=True)
        base = evaluate(items, engine, prior=False, threshold=0.8)
        best: tuple[float, float] | None = None
        print(f"  text only: CER {base.cer_before:.2%} -> {base.cer_after:.2%}, P {base.correction[0]:.3f}")
        for below in GRID:
            engine_prior.CALIBRATIONS[engine] = EngineCalibration(
                engine, round(float(w[1]), 3), round(float(w[2]), 3), round(float(w[3]), 3), round(float(w[0]), 3), below
            )
            counts = evaluate(items, engine, prior=True, threshold=0.8)
            precision = counts.correction[0]
            print(f"  detect_below {below}: CER {counts.cer_after:.2%} ({-counts.cer_reduction:+.1%}), P {precision:.3f}, "
                  f"changes {counts.system}", flush=True)
            if precision >= args.min_precision and counts.cer_reduction < (best or (base.cer_reduction,))[0]:
                best = (counts.cer_reduction, below)
        if best is None:  # the prior does not beat text only at this precision on DEV: leave it out
            print("  no setting beats text only; the engine keeps the text-only confidence")
            fitted[engine] = EngineCalibration(engine, 1.0, 0.0, 0.0, 0.0, 0.0)
            continue
        fitted[engine] = EngineCalibration(
            engine, round(float(w[1]), 3), round(float(w[2]), 3), round(float(w[3]), 3), round(float(w[0]), 3), best[1]
        )
    print("CALIBRATIONS = {")
    for engine, cal in fitted.items():
        print(f'    "{engine}": EngineCalibration("{engine}", text={cal.text}, doubt={cal.doubt}, '
              f"alternative={cal.alternative}, bias={cal.bias}, detect_below={cal.detect_below}),")
    print("}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
