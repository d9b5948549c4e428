"""Choose when an OCR engine's own alternative contests a deferred script conversion, on DEV renders.

The rule (``restore.stages.char.CharStage.engine_rival``): a deferred conversion of a character the
engine gave less than ``CharConfig.engine_rival_below_<engine>`` is held back (a suggestion, the
alternative proposed beside it) when the engine's alternative whose LM window gains most over the
printed character gains at least ``engine_rival_min_gain`` (log10) and makes a known word with a
neighbour. Every script conversion the pipeline applies with the engine's confidences and the rule
off is judged against the truth (the changed slot, as ``benchmarks.metrics.score_pair`` counts
it) and described by the engine's confidence, the best alternative's gain and whether it makes a
word. A setting is worth the wrong conversions it holds back minus the right ones; the one of
``FLOORS`` x ``GAINS`` worth most (ties: the narrower) is chosen, none worth more than 0: off.
``--folds`` chooses on three font families and counts what the choice holds back on the fourth.
Renders of People's Daily DEV lines only (``test-`` ids are refused).

    python scripts/build/fit_engine_rival.py benchmarks/out/ocr_dev.jsonl [--engines ppocrv4] [--folds]
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.engine_confidence import config_for, fit_parser, load_dev  # noqa: E402
from benchmarks.metrics import fold, project  # noqa: E402
from restore.chars import is_bmp_han  # noqa: E402
from restore.config import CharConfig  # noqa: E402
from restore.pipeline import Corrector  # noqa: E402

FLOORS = (0.5, 0.6, 0.7, 0.8, 0.9)
GAINS = (0.0, 0.5, 1.0, 1.5)
FAMILIES = ("noto-sans", "noto-serif", "ukai", "uming")

Item = tuple[dict[str, Any], Any]


class Conversion(NamedTuple):
    family: str
    right: bool
    confidence: float
    gain: float | None  # the best alternative's LM gain over the printed character (None: no alternative)
    word: bool  # that alternative makes a known word with a neighbour


def collect(items: Sequence[Item], engine: str) -> list[Conversion]:
    """Every script conversion applied with the engine's confidences and the rule off, described."""
    char = dataclasses.replace(CharConfig(), **{f"engine_rival_below_{engine}": 0.0})
    corrector = Corrector(config_for(engine, prior=True, threshold=0.8, char=char))
    stage = next(s for s in corrector.stages if s.name == "char")
    found = []
    for record, document in items:
        if record["engine"] != engine:
            continue
        script = record.get("script", "simplified")
        source = fold(record["ocr"], script)
        result = corrector.fix(document.text, ocr=document)
        gold = project(source, fold(record["truth"], script)).changes()
        system = project(source, fold(result.text, script)).changes()
        for edit in result.edits:
            slot = ("c", edit.start)
            if edit.kind != "script" or slot not in system or edit.end != edit.start + 1:
                continue
            text = record["ocr"]
            _positions, tokens, index = stage._unit_around(text, edit.start, with_end=True)
            prepare = stage.lm.prepare
            options = [
                alt for alt, _p in document.alternatives.get(edit.start, ())
                if len(alt) == 1 and is_bmp_han(alt) and prepare(alt) != tokens[index]
            ]
            gain, word = None, False
            if options:
                before, *scores = stage._windows(stage._context(tokens, index), tokens, index, [tokens[index], *map(prepare, options)])
                score, best = max(zip(scores, options))
                gain, word = score - before, stage.in_word(tokens, index, prepare(best))
            family = next(name for name in FAMILIES if record["font"].startswith(name))
            found.append(Conversion(family, gold.get(slot) == system[slot], document.confidences[edit.start], gain, word))
    return found


def held(conversions: Sequence[Conversion], floor: float, gain: float) -> tuple[int, int]:
    """(right, wrong) conversions the setting holds back."""
    chosen = [c for c in conversions if c.confidence < floor and c.gain is not None and c.gain >= gain and c.word]
    return sum(c.right for c in chosen), sum(not c.right for c in chosen)


def choose(conversions: Sequence[Conversion], *, show: bool) -> tuple[float, float]:
    """The (floor, gain) worth most (0, 0 when none holds back more wrong than right conversions)."""
    best, setting = 0, (0.0, 0.0)
    for floor, gain in itertools.product(FLOORS, sorted(GAINS, reverse=True)):
        right, wrong = held(conversions, floor, gain)
        if show:
            print(f"  below {floor}, gain >= {gain}: holds back {wrong} wrong, {right} right", flush=True)
        if wrong - right > best:
            best, setting = wrong - right, (floor, gain)
    return setting


def main() -> int:
    parser = fit_parser(__doc__ or "", "ppocrv4")
    args = parser.parse_args()
    items = load_dev(args.renders)
    for engine in args.engines.split(","):
        conversions = collect(items, engine)
        print(f"{engine}: {len(conversions)} conversions, {sum(not c.right for c in conversions)} wrong", flush=True)
        floor, gain = choose(conversions, show=True)
        print(f"  chosen: engine_rival_below_{engine} = {floor}, engine_rival_min_gain = {gain}", flush=True)
        if not args.folds:
            continue
        total = [0, 0]
        for family in FAMILIES:
            fold_floor, fold_gain = choose([c for c in conversions if c.family != family], show=False)
            right, wrong = held([c for c in conversions if c.family == family], fold_floor, fold_gain) if fold_floor else (0, 0)
            total = [total[0] + right, total[1] + wrong]
            print(f"  held out {family}: below {fold_floor}, gain >= {fold_gain}: holds back {wrong} wrong, {right} right", flush=True)
        print(f"  ALL FOLDS HELD OUT: holds back {total[1]} wrong, {total[0]} right", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
