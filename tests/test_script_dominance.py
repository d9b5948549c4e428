"""Which script a document is printed in, when OCR mixed the two (issue 11/12: script damage).

A simplified-trained OCR model reads traditional print half in simplified forms, while simplified
print gains traditional-only characters only by misreads; so a document neither script dominates
is traditional once its traditional-only characters reach its simplified-only ones
(``ScriptConfig.traditional_dominance_ratio``). Sentences written for these tests.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restore
from restore.printscript import PrintScriptModel
from restore.scriptdata import TRADITIONAL, ScriptTables
from restore.stages.base import Document, EngineView
from restore.stages.script import ScriptStage


def _script_config(**changes: object) -> restore.Config:
    config = restore.Config()
    return config.replace(script=dataclasses.replace(config.script, **changes))


@pytest.mark.parametrize(
    ("text", "restored"),
    [
        # 5 traditional-only, 3 simplified-only characters: no 3:1 majority either way.
        ("這個问题已經讨論過了。", "這個問題已經討論過了。"),
        # 3 and 2.
        ("他們對這项工作很满意。", "他們對這項工作很滿意。"),
    ],
)
def test_a_half_simplified_traditional_line_is_restored(text: str, restored: str, corrector: restore.Corrector) -> None:
    simplified, traditional = ScriptTables.load().counts(text)
    assert traditional < 3 * simplified  # the symmetric rule alone leaves the line undecided
    assert corrector.fix(text).text == restored
    symmetric = restore.Corrector(_script_config(traditional_dominance_ratio=1000.0, print_script=False))
    assert symmetric.fix(text).text == text


def test_the_document_decides_not_a_line_of_a_simplified_page() -> None:
    # The second line alone would lean traditional (two traditional-only 紅, 樓 against 书, 买);
    # on a page that is clearly simplified it takes the page's script.
    text = "他在书店买了紅樓梦。\n这本书是他送给妹妹的生日礼物，她一直很喜欢读小说。"
    document = Document()
    out = ScriptStage(restore.Config()).propose(text, document)
    assert document.script == "simplified"
    converted = {p.after for p in out.proposals} | {d.proposal.after for d in out.deferred}
    assert converted == {"红", "楼"}


@given(simplified=st.integers(0, 200), traditional=st.integers(0, 200))
def test_the_document_rule_never_picks_traditional_against_a_simplified_majority(simplified: int, traditional: int) -> None:
    config = restore.Config().script
    decided = ScriptStage(restore.Config())._traditional_print(simplified, traditional)
    if traditional < config.traditional_min_chars or traditional < config.traditional_dominance_ratio * simplified:
        assert decided == ""
    else:
        assert decided == TRADITIONAL
        assert not simplified >= config.dominance_ratio * traditional  # never where simplified dominates


def test_one_traditional_form_on_a_simplified_line_is_not_enough() -> None:
    document = Document()
    ScriptStage(restore.Config()).propose("陈國平是我们的老师。", document)
    assert document.script == "simplified"


@pytest.mark.parametrize(
    ("text", "restored"),
    [
        # 2 traditional-only, 5 simplified-only: no count rule decides; 導 and 對 printed beside
        # 来, 领, 这, 项, 关 is what a simplified-model engine makes of traditional print.
        ("新来的领導對这项工作很关心。", "新來的領導對這項工作很關心。"),
        ("他們開会讨论了明年的计划。", "他們開會討論了明年的計劃。"),
    ],
)
def test_the_printed_characters_decide_a_line_the_counts_leave_open(text: str, restored: str, corrector: restore.Corrector) -> None:
    simplified, traditional = ScriptTables.load().counts(text)
    assert traditional < simplified  # neither count rule decides
    document = Document()
    ScriptStage(restore.Config()).propose(text, document)
    assert document.script == TRADITIONAL
    assert corrector.fix(text).text == restored
    assert restore.Corrector(_script_config(print_script=False)).fix(text).text == text
    # Raising the bar above what the characters show leaves the line as it was.
    ratio = PrintScriptModel.load().log_ratio(text)
    assert restore.Corrector(_script_config(print_script_min_log_ratio=ratio + 0.01)).fix(text).text == text


def test_a_bilingual_slip_does_not_make_a_simplified_line_traditional() -> None:
    # 會 among simplified forms: traditional print leaves more of itself than one character in
    # a line this long, so the line stays simplified (and 會 is not converted either: the line
    # is undecided, and a lone traditional form may be a name or a misread).
    text = "會上大家对这个方案进行了讨论。"
    assert PrintScriptModel.load().log_ratio(text) < restore.Config().script.print_script_min_log_ratio
    document = Document()
    ScriptStage(restore.Config()).propose(text, document)
    assert document.script != TRADITIONAL


def test_a_known_engine_is_judged_by_its_own_counts() -> None:
    # The same characters read by a bilingual engine (PP-OCRv6 prints traditional print in
    # traditional forms) are slips on simplified print; read by a simplified-model engine, a
    # traditional line.
    model = PrintScriptModel.load()
    text = "新来的领導對这项工作很关心。"
    assert model.log_ratio(text, "ppocrv4") > 2 > 0 > model.log_ratio(text, "ppocrv6")
    # Through the stage: an OCR file names its engine (confidences high enough to hold no doubt).
    for engine, expected in (("ppocrv6", ""), ("ppocrv4", TRADITIONAL)):
        document = Document(engine=EngineView(engine, (0.99,) * len(text), {}))
        ScriptStage(restore.Config()).propose(text, document)
        assert (document.script == TRADITIONAL) == (expected == TRADITIONAL), engine


def test_a_sentence_leaning_the_other_way_vetoes_the_print_model(corrector: restore.Corrector) -> None:
    # The model assumes one print. Its first sentence is a simplified-model reading of traditional
    # print; a second sentence as simplified as "这个很好" (log10 ratio about -3) shows the text is
    # not one print misread (a simplified article quoting traditional text, pages run together),
    # and nothing is converted. A second sentence that leans less far ("这是好事", about -1) is
    # what the same engine makes of a traditional sentence without traditional-only forms.
    first = "新来的领導對这项工作很關心，他們開会讨论了计划。"
    model, floor = PrintScriptModel.load(), restore.Config().script.print_script_min_log_ratio
    vetoed, converted = first + "这个很好。", first + "这是好事。"
    for text in (vetoed, converted):
        simplified, traditional = ScriptTables.load().counts(text)
        assert traditional < simplified and model.log_ratio(text) >= floor
    assert model.log_ratio("这个很好。") <= -floor < model.log_ratio("这是好事。")
    assert corrector.fix(vetoed).text == vetoed
    assert corrector.fix(converted).text == "新來的領導對這項工作很關心，他們開會討論了計劃。這是好事。"
