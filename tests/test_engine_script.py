"""Script conversions the OCR engine supports (restore.stages.engine_script, ScriptStage)."""

from __future__ import annotations

import dataclasses

import pytest

import restore
from restore.config import Config
from restore.evidence import EngineReading
from restore.scriptdata import ScriptTables
from restore.stages.base import EngineView
from restore.stages.engine_script import support_floor, supported_conversions

# Written for these tests: a simplified line with three traditional forms (論, 細, 組), too mixed for
# the script stage to decide alone (7 simplified-only characters against 3).
LINE = "这次讨論的細节问题很多，組里要认真对待。"
LUN, XI, ZU = LINE.index("論"), LINE.index("細"), LINE.index("組")


@dataclasses.dataclass(frozen=True)
class Reading:
    engine: str
    confidences: tuple[float | None, ...]
    alternatives: dict[int, tuple[tuple[str, float | None], ...]] = dataclasses.field(default_factory=dict)


def reading(engine: str) -> Reading:
    confidences = [0.99] * len(LINE)
    confidences[LUN], confidences[XI], confidences[ZU] = 0.9, 0.6, 0.97
    alternatives = {
        LUN: (("论", 0.05), ("倫", 0.01)),  # support 3 + log10(0.05 / 0.9) = 1.74
        XI: (("细", 0.38),),  # 2.80
        ZU: (("组", 0.002),),  # 0.31: the engine barely considered it
    }
    return Reading(engine, tuple(confidences), alternatives)


def script_edits(result: restore.Result) -> dict[int, tuple[str, str]]:
    return {e.start: (e.after, e.source) for e in result.edits if e.kind == "script"}


def test_a_mixed_line_is_left_alone_without_the_engine(corrector: restore.Corrector) -> None:
    assert script_edits(corrector.fix(LINE)) == {}


def test_the_engine_alternative_decides_the_conversion(corrector: restore.Corrector) -> None:
    result = corrector.fix(LINE, ocr=reading("ppocrv6"))
    edits = script_edits(result)
    assert edits[LUN] == ("论", "script:engine-ppocrv6")
    assert edits[XI] == ("细", "script:engine-ppocrv6")
    assert ZU not in edits  # below PP-OCRv6's support floor
    (edit,) = [e for e in result.edits if e.start == XI]
    assert edit.confidence == Config().script.engine_supported_confidence
    assert EngineReading("ppocrv6", 0.6, 0.38) in edit.evidence


def test_an_engine_without_a_floor_converts_nothing(corrector: restore.Corrector) -> None:
    # PP-OCRv4's alternatives were right too seldom on DEV (engine_script_support_ppocrv4 = 0).
    assert Config().char.engine_script_support_ppocrv4 == 0.0
    assert script_edits(corrector.fix(LINE, ocr=reading("ppocrv4"))) == {}


def test_engine_prior_off_turns_it_off() -> None:
    config = Config().replace(char=dataclasses.replace(Config().char, engine_prior=False))
    assert script_edits(restore.Corrector(config).fix(LINE, ocr=reading("ppocrv6"))) == {}
    assert support_floor("ppocrv6", config.char) == 0.0


@pytest.mark.parametrize(
    ("alternatives", "lean"),
    [
        ((("知", 0.4),), "simplified"),  # not a form of 細
        ((("細", 0.4),), "simplified"),  # the printed character itself
        ((("细", 0.4),), "traditional"),  # 细 is not the line's script
        ((("细", 0.4),), ""),  # a line that leans nowhere
        ((("细", None),), "simplified"),  # no probability: no support to weigh
    ],
)
def test_only_the_form_in_the_lines_script_with_support_counts(alternatives: tuple, lean: str) -> None:
    engine = EngineView("ppocrv6", (0.6,), {0: alternatives})
    assert list(supported_conversions("細", 0, lean, engine, ScriptTables.load(), 1.0)) == []


def test_a_traditional_line_takes_the_traditional_form() -> None:
    engine = EngineView("ppocrv6", (0.99, 0.55, 0.99), {1: (("國", 0.4), ("图", 0.02))})
    assert list(supported_conversions("中国語", 0, "traditional", engine, ScriptTables.load(), 1.0)) == [(1, "國", 0.4)]
