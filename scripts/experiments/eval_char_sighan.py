"""Measure the char stage on SIGHAN 2013-2015 test sets (typed learner text), phonetic channel on and off.

The pairs are read at run time from ``../shared/data/sighan_raw/pair_data/{simplified,traditional}/
test{13,14,15}_{error,correct}.txt`` (line-aligned; never copied into the project, never tuned
on: the phonetic weight is fitted on synthetic DEV typing errors by
``fit_char_calibration.py --phonetic``). For each line the stage proposes once; a threshold keeps
proposals at or above it. Character level: a change is right when the new character equals the
truth at its offset (any other change, marks included, is wrong); recall = right changes / error
characters. False edits: proposals on the correct side, per 10k characters.

Run: ``python scripts/experiments/eval_char_sighan.py [--sets 15 14 13] [--scripts simplified traditional] [--set k=v ...]``
(prints "skipped" and exits 0 when the data is absent).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from restore.config import Config
from restore.stages.base import Document
from restore.stages.char import CharStage

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "sighan_raw" / "pair_data"
FALLBACK = Path("/work/shared/data/sighan_raw/pair_data")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
DEFAULT = 0.8


def read_pairs(folder: Path, script: str, test: str) -> list[tuple[str, str]]:
    """Equal-length (error, correct) line pairs of one set."""
    error = (folder / script / f"test{test}_error.txt").read_text(encoding="utf-8").splitlines()
    correct = (folder / script / f"test{test}_correct.txt").read_text(encoding="utf-8").splitlines()
    return [(e, c) for e, c in zip(error, correct) if len(e) == len(c)]


def evaluate(stage: CharStage, pairs: list[tuple[str, str]], script: str) -> dict:
    """Proposals on both sides of the pairs: (confidence, right) and clean-side confidences."""
    document = Document(script=script)
    changes = []
    for seen, truth in pairs:
        for p in stage.propose(seen, document).proposals:
            right = p.end == p.start + 1 and truth[p.start] == p.after
            changes.append((p.confidence, right))
    clean = [p.confidence for _, truth in pairs for p in stage.propose(truth, document).proposals]
    return {
        "changes": changes,
        "clean": clean,
        "errors": sum(a != b for seen, truth in pairs for a, b in zip(seen, truth)),
        "chars": sum(len(truth) for _, truth in pairs),
    }


def scores(result: dict, threshold: float) -> tuple[int, int, float, float, float, float]:
    """(changes, right, P, R, F1, false edits per 10k on the clean side) at a threshold."""
    kept = [right for conf, right in result["changes"] if conf >= threshold]
    right = sum(kept)
    precision = right / len(kept) if kept else 0.0
    recall = right / result["errors"] if result["errors"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    false = 10000 * sum(1 for c in result["clean"] if c >= threshold) / max(result["chars"], 1)
    return len(kept), right, precision, recall, f1, false


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=["15"], choices=["13", "14", "15"])
    parser.add_argument("--scripts", nargs="*", default=["simplified", "traditional"])
    parser.add_argument("--modes", nargs="*", default=["off", "on"], choices=["off", "on"], help="phonetic channel")
    parser.add_argument("--curve", action="store_true", help="print every threshold, not just the summary")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="a CharConfig setting for every mode (lm_sweep=true), as eval_char_variant.py's")
    args = parser.parse_args()
    folder = DATA if DATA.is_dir() else FALLBACK
    if not folder.is_dir():
        print(f"skipped: SIGHAN pair data not found ({DATA})")
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from eval_char_variant import parse_overrides

    base = Config()
    base = base.replace(char=dataclasses.replace(base.char, **parse_overrides(args.overrides)))
    for test in args.sets:
        for script in args.scripts:
            pairs = read_pairs(folder, script, test)
            for mode in args.modes:
                config = base.replace(char=dataclasses.replace(base.char, phonetic=mode == "on"))
                stage = CharStage(config)
                start = time.time()
                result = evaluate(stage, pairs, script)
                elapsed = time.time() - start
                n, right, p, r, f1, false = scores(result, DEFAULT)
                best = max((scores(result, t)[4], t) for t in THRESHOLDS)
                print(
                    f"SIGHAN{test} {script:11s} phonetic {mode:3s}: {len(pairs)} lines, {result['errors']} errors; "
                    f"t={DEFAULT}: {n} changes, {right} right, P {p:.3f} R {r:.3f} F1 {f1:.3f}, "
                    f"clean {false:.1f}/10k; best F1 {best[0]:.3f} at t={best[1]:.2f} ({elapsed:.0f}s)"
                )
                if args.curve:
                    for t in THRESHOLDS:
                        n, right, p, r, f1, false = scores(result, t)
                        print(f"    t={t:.2f}: {n:4d} changes, {right:4d} right, P {p:.3f} R {r:.3f} F1 {f1:.3f}, "
                              f"clean {false:.1f}/10k")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
