"""Choose the confidence from which a simplified-model engine's traditional-only character shows traditional print.

The rule (``restore.stages.engine_script.read_off_traditional_print``): a line holding a
traditional-only character the engine printed with at least ``CharConfig.engine_traditional_print_<engine>``
confidence is traditional print, however many simplified forms it has. PP-OCRv4 reads traditional
print with a simplified model (half its characters come out in simplified forms, so the line's
counts lean simplified) and prints a traditional-only character on simplified print only as a
misread. Per line of the renders the engine's most confident traditional-only character is taken;
a floor is judged by the traditional-truth lines it catches and the simplified-truth lines it
wrongly catches (each of those converts a whole line).

The floor chosen is the lowest of ``FLOORS`` that catches no more than ``--max-false`` simplified
lines; ``--folds`` chooses it on three font families and scores the fourth (held-out lines caught
and wrongly caught, and CER and precision end to end with the engine's confidences, the shipped
settings otherwise, against the floor off), summed over the folds. Renders of People's Daily DEV
lines only (``test-`` ids are refused).

    python scripts/build/fit_engine_print_script.py benchmarks/out/ocr_dev.jsonl [--engines ppocrv4] [--folds]
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.engine_confidence import evaluate, fit_parser, load_dev  # noqa: E402
from benchmarks.metrics import Counts  # noqa: E402
from restore.config import CharConfig, Config  # noqa: E402
from restore.scriptdata import ScriptTables  # noqa: E402

FLOORS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
FAMILIES = ("noto-sans", "noto-serif", "ukai", "uming")
DEFAULT_THRESHOLD = Config().min_confidence

Item = tuple[dict[str, Any], Any]


def most_confident_traditional(record: dict[str, Any], tables: ScriptTables) -> float:
    """The engine's highest confidence among the record's traditional-only characters (-1: none)."""
    found = [c for ch, c in zip(record["ocr"], record["conf"]) if ch in tables.traditional_only and c is not None]
    return max(found, default=-1.0)


def caught(items: Sequence[Item], engine: str, floor: float, tables: ScriptTables) -> tuple[int, int, int, int]:
    """(traditional lines caught, traditional lines, simplified lines caught, simplified lines) at ``floor``."""
    counts = [0, 0, 0, 0]
    for record, _document in items:
        if record["engine"] != engine:
            continue
        traditional = record.get("script") == "traditional"
        counts[1 if traditional else 3] += 1
        if most_confident_traditional(record, tables) >= floor:
            counts[0 if traditional else 2] += 1
    return counts[0], counts[1], counts[2], counts[3]


def choose(items: Sequence[Item], engine: str, tables: ScriptTables, max_false: int, *, show: bool) -> float:
    """The lowest floor catching at most ``max_false`` simplified lines (0.0 when none does)."""
    for floor in FLOORS:
        right, traditional, wrong, simplified = caught(items, engine, floor, tables)
        if show:
            print(f"  floor {floor}: traditional lines {right}/{traditional}, simplified lines {wrong}/{simplified}", flush=True)
        if wrong <= max_false:
            return floor
    return 0.0


def run(items: Sequence[Item], engine: str, floor: float) -> Counts:
    """End-to-end counts with the engine's confidences and this floor (the shipped settings otherwise)."""
    char = dataclasses.replace(CharConfig(), **{f"engine_traditional_print_{engine}": floor})
    return evaluate(items, engine, prior=True, threshold=DEFAULT_THRESHOLD, char=char)


def main() -> int:
    parser = fit_parser(__doc__ or "", "ppocrv4")
    parser.add_argument("--max-false", type=int, default=0, help="simplified lines a floor may catch")
    args = parser.parse_args()
    items = load_dev(args.renders)
    tables = ScriptTables.load()
    for engine in args.engines.split(","):
        print(f"{engine}:", flush=True)
        floor = choose(items, engine, tables, args.max_false, show=True)
        print(f"  chosen: engine_traditional_print_{engine} = {floor}", flush=True)
        if not args.folds:
            continue
        held_on, held_off = Counts(), Counts()
        totals = [0, 0, 0, 0]
        for family in FAMILIES:
            train = [item for item in items if not item[0]["font"].startswith(family)]
            test = [item for item in items if item[0]["font"].startswith(family) and item[0]["engine"] == engine]
            fold_floor = choose(train, engine, tables, args.max_false, show=False)
            counts = caught(test, engine, fold_floor, tables) if fold_floor else (0, 0, 0, 0)
            totals = [a + b for a, b in zip(totals, counts)]
            on, off = run(test, engine, fold_floor), run(test, engine, 0.0)
            held_on.add(on)
            held_off.add(off)
            print(
                f"  held out {family}: floor {fold_floor}, traditional lines {counts[0]}/{counts[1]}, simplified {counts[2]}/{counts[3]}; "
                f"off {-off.cer_reduction:+.1%} P {off.correction[0]:.3f} -> on {-on.cer_reduction:+.1%} P {on.correction[0]:.3f}",
                flush=True,
            )
        print(
            f"  ALL FOLDS HELD OUT: traditional lines {totals[0]}/{totals[1]}, simplified {totals[2]}/{totals[3]}; "
            f"off {-held_off.cer_reduction:+.1%} P {held_off.correction[0]:.3f} -> on {-held_on.cer_reduction:+.1%} P {held_on.correction[0]:.3f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
