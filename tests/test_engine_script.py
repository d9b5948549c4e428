"""Script conversions the OCR engine supports (restore.stages.engine_script, ScriptStage)."""

from __future__ import annotations

import dataclasses

import pytest

import restore
from ocrfiles import Reading
from restore.config import Config
from restore.evidence import EngineReading
from restore.scriptdata import ScriptTables
from restore.stages.base import EngineView
from restore.stages.engine_script import (
    listing_required,
    read_off_traditional_print,
    support_floor,
    supported_conversions,
    traditional_dominance,
    traditional_print_floor,
    undoubted_counts,
)

# Written for these tests: a simplified line with three traditional forms (論, 細, 組), too mixed for
# the script stage to decide alone (7 simplified-only characters against 3).
LINE = "这次讨論的細节问题很多，組里要认真对待。"
LUN, XI, ZU = LINE.index("論"), LINE.index("細"), LINE.index("組")


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


def test_the_engine_alternative_decides_the_conversion() -> None:
    # The character-by-character path, for a line nothing decides: with the print judgement off
    # (below, on, the line is decided as a whole).
    config = Config()
    corrector = restore.Corrector(config.replace(script=dataclasses.replace(config.script, print_script=False)))
    result = corrector.fix(LINE, ocr=reading("ppocrv6"))
    edits = script_edits(result)
    assert edits[LUN] == ("论", "script:engine-ppocrv6")
    assert edits[XI] == ("细", "script:engine-ppocrv6")
    assert ZU not in edits  # below PP-OCRv6's support floor
    (edit,) = [e for e in result.edits if e.start == XI]
    assert edit.confidence == Config().script.engine_supported_confidence
    assert EngineReading("ppocrv6", 0.6, 0.38) in edit.evidence


def test_the_engine_s_own_counts_decide_the_line(corrector: restore.Corrector) -> None:
    # By default the print judgement weighs the line with PP-OCRv6's own counts (restore.printscript):
    # a bilingual engine prints 論, 細, 組 on simplified print as slips, so the line is simplified
    # and all three are converted; 組, which the engine did not list 组 for, only as a suggestion
    # (listing_required).
    result = corrector.fix(LINE, ocr=reading("ppocrv6"))
    assert {offset: after for offset, (after, _source) in script_edits(result).items()} == {LUN: "论", XI: "细"}
    assert [(e.start, e.after) for e in result.suggestions if e.kind == "script"] == [(ZU, "组")]


def test_an_engine_without_a_floor_converts_nothing_it_lists(corrector: restore.Corrector) -> None:
    # PP-OCRv4's alternatives were right too seldom on DEV (engine_script_support_ppocrv4 = 0), and
    # its simplified model lists simplified forms whatever the print. Its confident 論 and 組 show
    # traditional print instead (below): the line goes the other way.
    assert Config().char.engine_script_support_ppocrv4 == 0.0
    edits = script_edits(corrector.fix(LINE, ocr=reading("ppocrv4")))
    assert not any(source.startswith("script:engine-") for _after, source in edits.values())
    assert LUN not in edits and XI not in edits and ZU not in edits


# Written for these tests: PP-OCRv4 reading a traditional line mostly in simplified forms (這 and 們
# printed right, the rest simplified), eight simplified-only characters against two.
V4_LINE = "這个问题我們讨论过，要认真对待。"
V4_TRADITIONAL = [V4_LINE.index(c) for c in "這們"]


def v4_reading(confidence: float) -> Reading:
    confidences = [0.98] * len(V4_LINE)
    for offset in V4_TRADITIONAL:
        confidences[offset] = confidence
    return Reading("ppocrv4", tuple(confidences))


def test_a_confident_traditional_character_from_a_simplified_model_makes_the_line_traditional(
    corrector: restore.Corrector,
) -> None:
    assert Config().char.engine_traditional_print_ppocrv4 > 0
    # Text only, the line is simplified (8 to 2): its traditional forms are proposed in simplified
    # (as suggestions: the mined tables show engines print 這 and 們 off traditional print).
    text_only = corrector.fix(V4_LINE)
    assert script_edits(text_only) == {}
    assert {(s.start, s.after, s.source) for s in text_only.suggestions if s.kind == "script"} >= {
        (0, "这", "script:opencc-t2s"), (V4_LINE.index("們"), "们", "script:opencc-t2s")}
    edits = script_edits(corrector.fix(V4_LINE, ocr=v4_reading(0.95)))
    assert {after for after, _source in edits.values()} >= set("個問題討論認對")
    assert all(source == "script:opencc-s2tw" for _after, source in edits.values())


def test_an_unsure_traditional_character_from_a_simplified_model_is_not_converted_either_way(
    corrector: restore.Corrector,
) -> None:
    # Under the floor the engine's traditional forms prove nothing, and converting them to simplified
    # is wrong whether they are traditional print or misreads: the line keeps its script as read.
    floor = Config().char.engine_traditional_print_ppocrv4
    result = corrector.fix(V4_LINE, ocr=v4_reading(floor / 2))
    assert script_edits(result) == {}


def test_the_traditional_print_rule_needs_the_engine_prior() -> None:
    config = Config().replace(char=dataclasses.replace(Config().char, engine_prior=False))
    corrector = restore.Corrector(config)
    assert corrector.fix(V4_LINE, ocr=v4_reading(0.95)).text == corrector.fix(V4_LINE).text
    assert traditional_print_floor("ppocrv4", config.char) == 0.0


def test_read_off_traditional_print_counts_only_confident_traditional_characters() -> None:
    tables = ScriptTables.load()
    confidences = (0.99, 0.99, 0.7, 0.99)
    engine = EngineView("ppocrv4", confidences, {})
    assert read_off_traditional_print("这个們门", 0, engine, tables, 0.6)
    assert not read_off_traditional_print("这个們门", 0, engine, tables, 0.8)
    assert not read_off_traditional_print("这个们门", 0, engine, tables, 0.6)  # no traditional-only character
    # A character an earlier stage changed has no confidence, so it proves nothing.
    assert not read_off_traditional_print("这个們门", 0, EngineView("ppocrv4", (0.99, 0.99, None, 0.99), {}), tables, 0.6)


# Written for these tests: a short simplified line with two traditional-only misreads (問, 題) and
# one simplified-only character, too short for the symmetric rule to decide.
SHORT = "这是問題"


def test_an_engine_that_knows_both_scripts_does_not_take_a_short_mixed_line_for_traditional_print(
    corrector: restore.Corrector,
) -> None:
    # Text only, two traditional-only characters against one make the document traditional print
    # (ScriptConfig.traditional_dominance_ratio, for simplified-model engines).
    assert corrector.fix(SHORT).text == "這是問題"
    assert traditional_dominance("ppocrv6", Config().char, 1.0) > 100
    as_read = Reading("ppocrv6", (0.99, 0.99, 0.97, 0.97))
    assert corrector.fix(SHORT, ocr=as_read).text == SHORT
    # Tesseract keeps the shared rule (issue 15 asks that its files be restored no worse).
    assert corrector.fix(SHORT, ocr=Reading("tesseract", (0.99, 0.99, 0.97, 0.97))).text == "這是問題"


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


# Written for these tests: a traditional line (樹, 幹, 與) on which 权 is a misread of 杈.
BRANCHES = "這棵樹的樹幹與枝权很多。"
QUAN = BRANCHES.index("权")


def test_an_engine_that_knows_both_scripts_must_list_a_conversion(corrector: restore.Corrector) -> None:
    assert script_edits(corrector.fix(BRANCHES))[QUAN] == ("權", "script:opencc-s2tw")  # text only
    confidences = tuple(0.996 if i == QUAN else 0.99 for i in range(len(BRANCHES)))
    unlisted = corrector.fix(BRANCHES, ocr=Reading("ppocrv6", confidences, {QUAN: (("杈", 0.003),)}))
    assert QUAN not in script_edits(unlisted)
    (held,) = [s for s in unlisted.suggestions if s.start == QUAN and s.kind == "script"]
    assert held.after == "權" and held.confidence <= Config().script.ambiguous_confidence
    assert EngineReading("ppocrv6", 0.996, None) in held.evidence
    listed = corrector.fix(BRANCHES, ocr=Reading("ppocrv6", confidences, {QUAN: (("權", 0.003),)}))
    assert script_edits(listed)[QUAN][0] == "權"
    # PP-OCRv4's simplified model lists simplified forms whatever the print: no such rule.
    assert not listing_required("ppocrv4", Config().char)


# Written for these tests: a traditional line (這, 頭, 於, 國 printed confidently) on which a
# simplified model read 週 as 调 (0.4) with 週 as its runner-up; the script stage alone would write
# 調, and no look-alike of 調 fits there.
CALF = "這頭小牛已於上调在美國出生。"
DIAO = CALF.index("调")


def calf(alternatives: dict[int, tuple[tuple[str, float | None], ...]], confidence: float = 0.4) -> Reading:
    return Reading("ppocrv4", tuple(confidence if i == DIAO else 0.97 for i in range(len(CALF))), alternatives)


def test_the_engines_runner_up_contests_the_conversion_of_a_character_it_doubted(corrector: restore.Corrector) -> None:
    assert Config().char.engine_rival_below_ppocrv4 > 0.4
    plain = corrector.fix(CALF, ocr=calf({}))
    assert plain.text[DIAO] == "調"  # nothing to contest it
    contested = corrector.fix(CALF, ocr=calf({DIAO: (("週", 0.2),)}))
    assert contested.text[DIAO] == "调"
    held = [s for s in contested.suggestions if s.start == DIAO]
    assert {(s.after, s.kind) for s in held} == {("調", "script"), ("週", "char")}
    (rival,) = [s for s in held if s.after == "週"]
    assert EngineReading("ppocrv4", 0.4, 0.2) in rival.evidence
    # A character the engine was sure of is converted whatever its runner-up.
    sure = corrector.fix(CALF, ocr=calf({DIAO: (("週", 0.2),)}, confidence=0.95))
    assert sure.text[DIAO] == "調"


# Written for this test: a short traditional line the engine printed with two simplified forms it
# doubted (it listed the traditional form next), against one traditional-only character (氣) it was sure of.
DOUBTED_LINE = "别生氣，别急著走"
BIE = (DOUBTED_LINE.index("别"), DOUBTED_LINE.rindex("别"))


def doubted_reading(second_choice: float) -> Reading:
    confidences = [0.99] * len(DOUBTED_LINE)
    alternatives = {}
    for offset in BIE:
        confidences[offset] = 0.88
        alternatives[offset] = (("別", second_choice),)
    return Reading("ppocrv6", tuple(confidences), alternatives)


def test_characters_the_engine_doubts_toward_the_other_script_do_not_decide_the_lean(corrector: restore.Corrector) -> None:
    # Counted as printed, two simplified 别 against one 氣 lean the line simplified; the engine's
    # doubt of both leaves 氣, and its own alternatives convert them.
    edits = script_edits(corrector.fix(DOUBTED_LINE, ocr=doubted_reading(0.11)))
    assert {offset: edits.get(offset) for offset in BIE} == {offset: ("別", "script:engine-ppocrv6") for offset in BIE}


def test_characters_the_engine_barely_doubts_still_count_for_their_script(corrector: restore.Corrector) -> None:
    # 0.0005 against 0.88 is support 0.75, under PP-OCRv6's floor: the line still leans simplified.
    edits = script_edits(corrector.fix(DOUBTED_LINE, ocr=doubted_reading(0.0005)))
    assert all(edits.get(offset, ("",))[0] != "別" for offset in BIE)


def test_undoubted_counts_leave_out_only_doubted_characters() -> None:
    tables = ScriptTables.load()
    engine = EngineView("ppocrv6", doubted_reading(0.11).confidences, doubted_reading(0.11).alternatives)
    assert tables.counts(DOUBTED_LINE) == (2, 1)
    assert undoubted_counts(DOUBTED_LINE, 0, engine, tables, 1.0) == (0, 1)
    assert undoubted_counts(DOUBTED_LINE, 0, engine, tables, 0.0) == (2, 1)  # floor 0: every character counts
    assert undoubted_counts(DOUBTED_LINE, 0, engine, tables, 3.5) == (2, 1)  # support 2.1 is under 3.5
