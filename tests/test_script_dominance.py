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
from restore.evidence import ScriptConversion
from restore.explain import describe_evidence
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


def test_a_page_the_counts_decide_names_no_print_judgement(corrector: restore.Corrector) -> None:
    result = corrector.fix("這個问题已經讨論過了。")
    records = [record for edit in result.edits for record in edit.evidence if isinstance(record, ScriptConversion)]
    assert records and all(record.print_log_ratio is None for record in records)


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
    result = corrector.fix(text)
    assert result.text == restored
    # Each conversion says the printed characters, not a count, decided the page, and by how much;
    # the record survives the JSON round trip and --explain shows it.
    ratio = round(PrintScriptModel.load().log_ratio(text), 2)
    conversions = [record for edit in result.edits for record in edit.evidence if isinstance(record, ScriptConversion)]
    assert conversions and {record.print_log_ratio for record in conversions} == {ratio}
    assert restore.Result.from_json(result.to_json()) == result
    assert f"log10 ratio {ratio:+.2f}" in describe_evidence(conversions[0])
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


@pytest.mark.parametrize(
    "text",
    [
        # A traditional quotation inside a simplified sentence, with no full stop of its own.
        "他在信里写道“我們對這個問題非常關心”，这让大家很感动，也让我们认识到沟通的重要。",
        # A traditional title in a simplified sentence.
        "台湾报纸的标题是《我們對這個問題非常關心》，这让读者很感动。",
    ],
)
def test_a_quotation_or_title_is_a_piece_of_its_own_for_the_veto(text: str, corrector: restore.Corrector) -> None:
    simplified, traditional = ScriptTables.load().counts(text)
    assert traditional < simplified
    assert PrintScriptModel.load().log_ratio(text) >= restore.Config().script.print_script_min_log_ratio
    assert corrector.fix(text).text == text  # the text around the quotation vetoes; nothing converted
    assert restore.Corrector(_script_config(print_script_veto_log_ratio=100.0)).fix(text).text != text


@pytest.mark.parametrize("floor", [0.0, 0.5, 2.0])
def test_lowering_the_threshold_never_turns_the_judgement_off(floor: float) -> None:
    # A line ending in a full stop leaves an empty piece after it, and a piece with no
    # distinctive character is no evidence either way: neither may veto.
    text = "新来的领導對这项工作很关心。我很好。"
    converted = restore.Corrector(_script_config(print_script_min_log_ratio=floor)).fix(text).text
    assert converted == "新來的領導對這項工作很關心。我很好。"


def test_the_judgement_decides_simplified_print_too() -> None:
    # 議題 among simplified forms (2 against 5: no count rule decides) is a bilingual engine's slip on
    # simplified print: the document is simplified and the two are offered in simplified form.
    text = "这次会议的主要議題是环境保护。"
    assert PrintScriptModel.load().log_ratio(text) <= -restore.Config().script.print_script_min_log_ratio
    document = Document()
    out = ScriptStage(restore.Config()).propose(text, document)
    assert document.script == "simplified"
    offered = {p.after for p in out.proposals} | {d.proposal.after for d in out.deferred}
    assert offered == {"议", "题"}
    document = Document()
    ScriptStage(_script_config(print_script=False)).propose(text, document)
    assert document.script == ""


def test_a_negative_threshold_is_refused() -> None:
    # The judgement decides both ways at the same bar: below zero the bars would cross.
    with pytest.raises(restore.ConfigError, match="print_script_min_log_ratio"):
        restore.Config().replace(script={"print_script_min_log_ratio": -1.0})
