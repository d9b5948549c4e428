"""Choose each OCR engine's support floor for engine-supported script conversions on DEV renders.

The rule (``restore.stages.engine_script``): a character of the script a line does not lean to,
whose engine alternative is its form in the line's script with the engine's support at least the
floor (``CharConfig.engine_script_support_<engine>``, 3 + log10(p_alternative / p_printed) in
[0, 4]), is converted. Every place the rule fires on the renders is judged against the truth
(Levenshtein alignment, ``benchmarks.metrics.truth_map``): right (the truth has the alternative),
kept (the truth has the printed character) or other.

Per engine, the floors whose conversions are right at least ``--min-precision`` of the time are
then run end to end (``benchmarks.engine_confidence.evaluate``, the shipped settings otherwise, the
default threshold), and the one with the largest CER reduction whose applied edits keep a
precision of at least ``--min-precision`` is kept; none: 0 (off). With
``--folds`` the choice is also made leave-one-font-family-out (three families choose, the fourth
is scored) and the held-out counts are summed: the check that the floor transfers to a typeface
it was not chosen on. Renders of People's Daily DEV lines only (``test-`` ids are refused).

    python scripts/build/fit_engine_script.py benchmarks/out/ocr_dev.jsonl [--folds]
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.engine_confidence import evaluate, fit_parser, load_dev  # noqa: E402
from benchmarks.metrics import truth_map  # noqa: E402
from restore.config import CharConfig, Config  # noqa: E402
from restore.pipeline import engine_view  # noqa: E402
from restore.scriptdata import ScriptTables  # noqa: E402
from restore.stages.engine_script import line_lean, supported_conversions, undoubted_counts  # noqa: E402

ENGINES = ("ppocrv4", "ppocrv6")  # Tesseract gives no alternatives
FLOORS = (0.5, 1.0, 2.0)  # support >= 3 would need the alternative to beat the printed character
FAMILIES = ("noto-sans", "noto-serif", "ukai", "uming")
DEFAULT_THRESHOLD = Config().min_confidence

Item = tuple[dict[str, Any], Any]


def judge(items: Sequence[Item], engine: str, floor: float, tables: ScriptTables) -> Counter[str]:
    """Counts of ``right`` / ``kept`` / ``other`` conversions of ``engine``'s renders at ``floor``."""
    counts: Counter[str] = Counter()
    for record, document in items:
        if record["engine"] != engine:
            continue
        text = document.text
        view = engine_view(document, [])
        if view is None:
            continue
        truth = truth_map(record["ocr"], record["truth"])
        start = 0
        for line in text.split("\n"):
            # as ScriptStage leans an undecided line
            lean = line_lean(*tables.counts(line), undoubted_counts(line, start, view, tables, floor))
            for offset, form, _support in supported_conversions(line, start, lean, view, tables, floor):
                meant = truth.get(offset)
                counts["right" if meant == form else "kept" if meant == text[offset] else "other"] += 1
            start += len(line) + 1
    return counts


def precision(counts: Counter[str]) -> float:
    total = sum(counts.values())
    return counts["right"] / total if total else 1.0


def choose(items: Sequence[Item], engine: str, tables: ScriptTables, min_precision: float, *, show: bool) -> float:
    """The floor kept for ``engine`` (0.0 when none is precise enough): see the module docstring."""
    precise = []
    for floor in FLOORS:
        counts = judge(items, engine, floor, tables)
        if show:
            print(f"  floor {floor}: {dict(counts)}, precision {precision(counts):.3f}", flush=True)
        if sum(counts.values()) and precision(counts) >= min_precision:
            precise.append(floor)
    best: tuple[float, float] | None = None  # (CER reduction, floor)
    for floor in precise:
        char = dataclasses.replace(CharConfig(), **{f"engine_script_support_{engine}": floor})
        result = evaluate(items, engine, prior=True, threshold=DEFAULT_THRESHOLD, char=char)
        if show:
            print(f"  end to end, floor {floor}: CER {-result.cer_reduction:+.1%}, P {result.correction[0]:.3f}", flush=True)
        if result.correction[0] >= min_precision and (best is None or result.cer_reduction < best[0]):
            best = (result.cer_reduction, floor)
    return best[1] if best else 0.0


def main() -> int:
    parser = fit_parser(__doc__ or "", ",".join(ENGINES))
    parser.add_argument("--min-precision", type=float, default=0.95)
    args = parser.parse_args()
    items = load_dev(args.renders)
    tables = ScriptTables.load()
    for engine in args.engines.split(","):
        print(f"{engine}:", flush=True)
        floor = choose(items, engine, tables, args.min_precision, show=True)
        print(f"  chosen: engine_script_support_{engine} = {floor}", flush=True)
        if not args.folds:
            continue
        held: Counter[str] = Counter()
        for family in FAMILIES:
            train = [item for item in items if not item[0]["font"].startswith(family)]
            test = [item for item in items if item[0]["font"].startswith(family)]
            fold_floor = choose(train, engine, tables, args.min_precision, show=False)
            counts = judge(test, engine, fold_floor, tables) if fold_floor else Counter()
            held.update(counts)
            print(f"  held out {family}: floor {fold_floor}, {dict(counts)}", flush=True)
        print(f"  ALL FOLDS HELD OUT: {dict(held)}, precision {precision(held):.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
