"""Fit each OCR engine's evidence weights for the char stage (restore.stages.engine_prior) on DEV renders.

Data: renders of People's Daily DEV lines made by ``benchmarks/ocrgen`` with per-character
confidences and PP-OCR's top-k alternatives (never TEST: the script refuses ``test-`` ids), read
through the format path (``benchmarks.engine_confidence.load``: Tesseract hOCR, PP-OCRv4 PAGE 2019,
PP-OCRv6 ALTO 4).

1. Candidates: every character the char stage examines, with detection widened to characters the
   engine gives less than ``--collect-below`` (so the fit also sees what widening adds) and the
   engine's alternatives among the candidates. A candidate is right when the truth has its
   replacement at that position, in the page's script (Levenshtein alignment,
   ``benchmarks.metrics.truth_map``).
2. Per engine, a logistic regression of right/wrong on (``engine_doubt_<engine>``,
   ``engine_read_<engine>``) with the shipped text-only log-odds (and the shared
   ``calib_engine_alternative``) as a fixed offset: the other weights stay as fitted, the
   engine's evidence is added on top.
3. The weight of the engine's support for its alternatives (``calib_engine_support_<engine>``,
   engines that give alternatives), the detection threshold ``engine_detect_<engine>`` and a shift
   of the fitted bias (``READ_SHIFTS``, log-odds: the logistic fit weighs every candidate alike,
   the threshold only admits the confident ones, so a lower bias trades recall for precision) are
   chosen from a grid by the end-to-end DEV CER reduction at the default threshold among settings
   whose correction precision is at least ``--min-precision`` (or, when none reaches it, at least
   that of the file read with the engine's other evidence but without this prior: its script
   evidence and gap fills, ``restore.stages.engine_script`` and ``engine_gaps``, which the prior
   must not dilute, less ``PRECISION_SLACK``); for the engines of ``--no-worse`` (Tesseract: issue #15 asks
   that its results be no worse with confidences) every setting must stay within
   ``PRECISION_SLACK`` of text only's precision, whatever ``--min-precision`` says. An engine whose
   evidence does not beat text only keeps weight 0. (A logistic fit of the support weight with the offset above overweighs it: the
   candidates it is fitted on are the best per position, not the ones the threshold admits.)
4. ``--folds``: the same fit with leave-one-font-family-out folds (Noto Sans, Noto Serif, AR PL
   UKai, AR PL UMing): weights and settings fitted on three families, scored on the fourth; the
   held-out figures are summed over the folds. This is the check that the gain transfers to a
   typeface the fit never saw.

    python scripts/build/fit_engine_prior.py benchmarks/out/ocr_dev.jsonl [--engines ppocrv4,ppocrv6] [--folds]

Prints the ``CharConfig`` values.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.metrics import Counts, truth_map  # noqa: E402
from fit_char_calibration import fit_with_offset  # noqa: E402  (scripts/build, beside this script)

from benchmarks.engine_confidence import evaluate, load_dev  # noqa: E402
from restore.config import CharConfig, Config  # noqa: E402
from restore.pipeline import engine_view  # noqa: E402
from restore.stages.char import CharStage  # noqa: E402
from restore.stages.char_features import CharCalibration  # noqa: E402

ENGINES = ("tesseract", "ppocrv4", "ppocrv6")
# Detection by the engine's confidence (engine_detect_<engine>).
DETECT_GRID = (0.0, 0.5, 0.8, 0.9, 0.95)
# calib_engine_support_<engine>, for engines that give alternatives with probabilities.
SUPPORT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
# Shifts of the fitted calib_engine_read_<engine> (log-odds) tried with each setting.
READ_SHIFTS = (0.0, -1.0, -2.0)
# How far below text only's precision a setting may fall when text only is under --min-precision
# (one wrong change in 200 on DEV).
PRECISION_SLACK = 0.005
FAMILIES = {"noto-sans": "Noto Sans", "noto-serif": "Noto Serif", "ukai": "AR PL UKai", "uming": "AR PL UMing"}
COLUMNS = ("doubt", "read")

Item = tuple[dict[str, Any], Any]


def family(record: dict[str, Any]) -> str:
    """The font family of a render (``noto-serif-sc-bold`` -> ``noto-serif``)."""
    return next(name for name in FAMILIES if record["font"].startswith(name))


def engine_weights_off(config: CharConfig) -> CharConfig:
    """``config`` with every engine weight 0 but ``calib_engine_alternative`` (shared by the engines
    and kept as shipped): the log-odds the engine's own terms are fitted on top of."""
    zero = {f"calib_{name}": 0.0 for name in CharCalibration.names("engine") if name != "engine_alternative"}
    return dataclasses.replace(config, **zero)


def collect(items: Sequence[Item], engine: str, char: CharConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(engine features, text-only log-odds, right?) of every candidate the stage keeps with ``char``."""
    stage = CharStage(Config().replace(char=char))
    text_only = CharCalibration(engine_weights_off(char))
    rows, offsets, labels = [], [], []
    for record, document in items:
        if record["engine"] != engine:
            continue
        view = engine_view(document, [])
        truth = truth_map(record["ocr"], record["truth"])
        for offset, cand in stage.examine_text(document.text, record.get("script", ""), view):
            f = cand.features
            if f.insert or f.delete or document.confidences[offset] is None:
                continue
            after = cand.after
            if stage._simplified_on_traditional_line(document.text, offset, after):
                # As the stage proposes it: in the page's script (None: held back as a suggestion).
                after = stage.traditional_form(document.text, offset, after) or ""
            rows.append((getattr(f, f"engine_doubt_{engine}"), 1.0, float(f.engine_alternative)))
            offsets.append(text_only.logodds(f))
            labels.append(truth.get(offset) == after)
    return np.array(rows, dtype=float), np.array(offsets), np.array(labels, dtype=float)


def fit_weights(items: Sequence[Item], engine: str, args: argparse.Namespace) -> tuple[dict[str, float], bool] | None:
    """(the engine's doubt and bias weights fitted on ``items``, whether it gave alternatives), or
    None with too few candidates to fit."""
    char = dataclasses.replace(CharConfig(), engine=engine, **{f"engine_detect_{engine}": args.collect_below})
    x, offset, y = collect(items, engine, char)
    print(f"  {engine}: {len(y)} candidates, {int(y.sum())} right", flush=True)
    if len(y) < 20 or not 3 <= y.sum() <= len(y) - 3:
        return None
    w = fit_with_offset(x[:, :2], offset, y)
    print(f"  doubt {w[0]:.3f}, bias {w[1]:.3f}", flush=True)
    weights = {f"calib_engine_doubt_{engine}": round(float(w[0]), 3), f"calib_engine_read_{engine}": round(float(w[1]), 3)}
    return weights, bool(x[:, 2].any())


def settings_grid(
    has_alternatives: bool, shifts: Sequence[float] = (0.0,), supports: Sequence[float] = SUPPORT_GRID
) -> list[dict[str, float]]:
    """Every (detection threshold, support weight, bias shift) tried for one engine."""
    if not has_alternatives:
        pairs = [(below, 0.0) for below in DETECT_GRID]
    else:
        pairs = list(itertools.product((0.0, 0.9), supports))
    return [{"detect": below, "support": weight, "shift": shift} for (below, weight), shift in itertools.product(pairs, shifts)]


def configured(engine: str, weights: dict[str, float], setting: dict[str, float]) -> CharConfig:
    """The shipped CharConfig with an engine's weights and one grid setting."""
    read = f"calib_engine_read_{engine}"
    return dataclasses.replace(
        CharConfig(),
        **{**weights, read: round(weights[read] + setting.get("shift", 0.0), 3)},
        **{f"engine_detect_{engine}": setting["detect"], f"calib_engine_support_{engine}": setting["support"]},
    )


def prior_off(engine: str) -> CharConfig:
    """The shipped CharConfig with every weight of the engine's prior 0 (its script evidence and gap fills kept)."""
    own = ("calib_engine_doubt_", "calib_engine_read_", "calib_engine_support_", "engine_detect_")
    return dataclasses.replace(CharConfig(), **{prefix + engine: 0.0 for prefix in own})


def choose(items: Sequence[Item], engine: str, fitted: tuple[dict[str, float], bool], args: argparse.Namespace) -> tuple[dict[str, float], Counts, Counts] | None:
    """(the best grid setting, its DEV counts, text only's) or None when nothing beats text only."""
    base = evaluate(items, engine, prior=False, threshold=args.threshold)
    print(f"  text only: CER {base.cer_before:.2%} -> {base.cer_after:.2%}, P {base.correction[0]:.3f}", flush=True)
    without = evaluate(items, engine, prior=True, threshold=args.threshold, char=prior_off(engine))
    print(f"  the file without this prior: CER {without.cer_after:.2%} ({-without.cer_reduction:+.1%}), P {without.correction[0]:.3f}", flush=True)
    floor = min(args.min_precision, max(base.correction[0], without.correction[0]) - PRECISION_SLACK)
    weights, has_alternatives = fitted
    tried: list[tuple[dict[str, float], Counts]] = []
    supports = tuple(float(w) for w in args.supports.split(",")) if args.supports else SUPPORT_GRID
    for setting in settings_grid(has_alternatives, READ_SHIFTS if args.shifts else (0.0,), supports):
        counts = evaluate(items, engine, prior=True, threshold=args.threshold, char=configured(engine, weights, setting))
        print(f"  {setting}: CER {counts.cer_after:.2%} ({-counts.cer_reduction:+.1%}), P {counts.correction[0]:.3f}, changes {counts.system}", flush=True)
        tried.append((setting, counts))
    # Settings that reach --min-precision first; only when none does, those within the slack of text
    # only. An engine that must be no worse than text only gets the slack bar alone.
    no_worse = engine in args.no_worse.split(",")
    bars = ((base.correction[0] or 1.0) - PRECISION_SLACK,) if no_worse else (args.min_precision, floor)
    for bar in bars:
        good = [pair for pair in tried if pair[1].correction[0] >= bar and pair[1].cer_reduction < min(base.cer_reduction, without.cer_reduction)]
        if good:
            best = min(good, key=lambda pair: pair[1].cer_reduction)
            break
    else:
        best = None
    return (best[0], best[1], base) if best else None


def fold_report(items: Sequence[Item], engine: str, args: argparse.Namespace) -> None:
    """Leave-one-font-family-out: fit on three families, score the fourth; print each fold and the sum
    (text only, the file read without this prior, and with it)."""
    held = {"text only": Counts(), "without the prior": Counts(), "with": Counts()}
    for name, label in FAMILIES.items():
        train = [item for item in items if family(item[0]) != name]
        test = [item for item in items if family(item[0]) == name and item[0]["engine"] == engine]
        print(f" fold: {label} held out ({len(test)} lines)", flush=True)
        fitted = fit_weights(train, engine, args)
        chosen = choose(train, engine, fitted, args) if fitted else None
        counts = {
            "text only": evaluate(test, engine, prior=False, threshold=args.threshold),
            "without the prior": evaluate(test, engine, prior=True, threshold=args.threshold, char=prior_off(engine)),
        }
        if chosen is None or fitted is None:
            counts["with"] = counts["without the prior"]
        else:
            counts["with"] = evaluate(test, engine, prior=True, threshold=args.threshold, char=configured(engine, fitted[0], chosen[0]))
        for mode, value in counts.items():
            held[mode].add(value)
        print(f" HELD OUT {label}: " + " | ".join(f"{mode} {-c.cer_reduction:+.1%} P {c.correction[0]:.3f}" for mode, c in counts.items()), flush=True)
    print(f"{engine} ALL FOLDS HELD OUT: CER {held['text only'].cer_before:.2%}; "
          + " | ".join(f"{mode} {-c.cer_reduction:+.1%} P {c.correction[0]:.3f}" for mode, c in held.items()), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("renders", type=Path)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--collect-below", type=float, default=0.95)
    parser.add_argument("--min-precision", type=float, default=0.95)
    parser.add_argument("--threshold", type=float, default=0.8, help="the default min_confidence")
    parser.add_argument(
        "--no-worse",
        default="tesseract",
        help="engines whose precision may not fall more than PRECISION_SLACK below text only's (comma-separated)",
    )
    parser.add_argument("--folds", action="store_true", help="report leave-one-font-family-out figures too")
    parser.add_argument("--shifts", action="store_true", help=f"also try bias shifts {READ_SHIFTS} (precision first)")
    parser.add_argument("--supports", default="", help=f"support weights tried (comma-separated; default {SUPPORT_GRID})")
    args = parser.parse_args()
    items = load_dev(args.renders)
    chosen: dict[str, float] = {}
    for engine in args.engines.split(","):
        print(f"{engine}:", flush=True)
        if args.folds:
            fold_report(items, engine, args)
        fitted = fit_weights(items, engine, args)
        result = choose(items, engine, fitted, args) if fitted else None
        if fitted is None or result is None:
            print("  no setting beats text only on DEV: weight 0")
            continue
        setting, _counts, _base = result
        chosen.update(fitted[0])
        read = f"calib_engine_read_{engine}"
        chosen[read] = round(chosen[read] + setting.get("shift", 0.0), 3)
        chosen[f"engine_detect_{engine}"] = setting["detect"]
        chosen[f"calib_engine_support_{engine}"] = setting["support"]
    print("CharConfig values:")
    for key, value in chosen.items():
        print(f"    {key} = {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
