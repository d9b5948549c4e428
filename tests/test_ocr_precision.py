"""Decisions that keep OCR edits precise (issue #4; measured in benchmarks/CHAR_NOTES.md).

Sentences written for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import restore
from restore.config import Config
from restore.stages.base import Document
from restore.stages.punct import PunctStage
from restore.stages.script import ScriptStage


def _punct(text: str, stages: tuple[str, ...]) -> list[tuple[str, str, float]]:
    out = PunctStage(Config(stages=stages)).propose(text, Document())
    return [(text[p.start : p.end], p.after, p.confidence) for p in out.proposals]


FULL = ("layout", "punct", "script", "lexicon", "char")
CORE = ("layout", "punct", "script")


def test_confusable_mid_line_marks_are_left_to_the_char_stage() -> None:
    text = "会场外面:大家排队;王老师!你看"
    assert [c for *_, c in _punct(text, FULL)] == [0.6, 0.6, 0.6]
    # Without the char stage the width rule decides alone.
    assert [c for *_, c in _punct(text, CORE)] == [0.95, 0.95, 0.95]


def test_cued_and_line_final_marks_keep_the_width_rule() -> None:
    proposals = _punct("他说:好的。你去吗?我去!\n晚上见;", FULL)
    assert [(before, after) for before, after, _ in proposals] == [(":", "："), ("?", "？"), ("!", "！"), (";", "；")]
    assert all(confidence >= 0.8 for *_, confidence in proposals)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年共有九十三件作品获奖“", [("“", "。", 0.9)]),  # the text's end
        ("今年共有九十三件作品获奖“ \n\n下一段从这里开始。", [("“", "。", 0.9)]),  # a blank line after it
        ("他笑着说“\n因为大家都需要。”", []),  # a wrapped line: the quote opens the next one
        ("他笑着说“\n\n因为大家都需要。”", []),  # closed later: a quotation of paragraphs
        ("他说：“", []),  # after a colon the quote opens something to come
        ("老师说：“明天大家早点来“", []),  # a quote is open: the last one is a misread closing quote
        ("“这是什么“", []),
        ("他说：“好。”大家都同意“", [("“", "。", 0.9)]),  # the earlier quote is closed
        ("He said “", []),  # not after Chinese
    ],
)
def test_an_opening_quote_ending_a_paragraph_is_a_misread_stop(text: str, expected: list) -> None:
    assert [p for p in _punct(text, FULL) if p[0] == "“"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天的会议开得很成功。“", [("“", "", 0.9)]),  # the text's end
        ("大家都很高兴，‘ \n\n第二段从这里开始。", [("‘", "", 0.9)]),  # a blank line after it
        ("这本书叫做《新生》，「", [("「", "", 0.9)]),
        ("我们今天去公园,“", [("“", "", 0.9)]),  # the width rule widens the comma in the same pass
        ("他说：“", []),  # after a colon the quote opens something to come
        ("会议开得很成功。“\n下一行接着说完。”", []),  # a wrapped line: the quote opens the next one
        ("他说：“好。“", []),  # a quote is open: the last one is a misread closing quote
        ("他说：“好。”大家都同意。“", [("“", "", 0.9)]),  # the earlier quote is closed
        ("会议开得很成功“", []),  # after a Han character: the final-opener rule's (a misread 。)
    ],
)
def test_an_opening_quote_ending_a_paragraph_after_a_mark_is_debris(text: str, expected: list) -> None:
    assert [p for p in _punct(text, FULL) if p[0] in "“‘「『" and p[1] == ""] == expected


def test_a_stray_opener_after_a_half_width_mark_goes_in_one_pass() -> None:
    corrector = restore.Corrector(Config())
    once = corrector.fix("我们今天去公园,“")
    assert once.text == "我们今天去公园，"
    assert corrector.fix(once.text).text == once.text


@pytest.mark.parametrize("text", ["了! “", "了;“", "、·“", "、，“", "他来了。 “", "大家都很高兴!“"])
def test_the_stray_opener_rule_leaves_nothing_for_a_second_run(text: str) -> None:
    # Found by the idempotence properties: a width, speck or trailing-separator edit in the same
    # run must not leave a quote the second run would delete.
    for stages in (FULL, ("layout", "punct", "script")):
        corrector = restore.Corrector(Config(stages=stages))
        once = corrector.fix(text)
        assert corrector.fix(once.text).edits == (), (stages, once.text)


def test_the_stray_opener_rule_can_be_switched_off() -> None:
    config = Config().replace(punct={"stray_opener_confidence": 0.0})
    assert restore.Corrector(config).fix("今天的会议开得很成功。“").text == "今天的会议开得很成功。“"
    assert restore.Corrector(Config()).fix("今天的会议开得很成功。“").text == "今天的会议开得很成功。"


def test_mark_after_a_separator_stays_a_suggestion() -> None:
    result = restore.Corrector(Config()).fix("工作完成了。,大家都很高兴")
    assert result.text == "工作完成了。,大家都很高兴"
    assert any(s.after == "，" for s in result.suggestions)


@pytest.mark.parametrize("speck", [".", "'", "`"])
def test_speck_before_a_parenthesis_goes_with_it(speck: str) -> None:
    result = restore.Corrector(Config(stages=CORE)).fix(f"代表有王小明{speck}(男)、李小红(女)")
    assert result.text == "代表有王小明（男）、李小红（女）"


@pytest.mark.parametrize(
    ("text", "after"), [("这件事對大家都很重要，我们会认真办好。", "对"), ("会上发布了養老服务的新举措。", "养")]
)
def test_traditional_form_engines_read_off_traditional_print_is_a_suggestion(text: str, after: str) -> None:
    # 對 and 養 are printed by OCR engines for other characters but never for 对 / 养 (mined
    # tables): on a simplified line they mostly come from traditional print, not conversion.
    out = ScriptStage(Config(stages=CORE)).propose(text, Document())
    assert [(p.after, p.confidence) for p in out.proposals] == [(after, 0.5)]


def test_traditional_leftover_without_misread_evidence_is_converted() -> None:
    text = "会上发布了鑰匙管理的新规定。"
    # The stage defers the conversion (鑰 may be a misread; the mined tables never saw it) to
    # whichever stage arbitrates.
    out = ScriptStage(Config()).propose(text, Document())
    assert out.proposals == ()
    assert [(d.proposal.start, d.recheck, d.proposal.after, d.proposal.confidence, d.hedged.confidence)
            for d in out.deferred] == [(5, "鑰", "钥", 0.97, 0.5)]
    # Without a char stage the pipeline proposes it as is.
    alone = restore.Corrector(Config(stages=CORE)).fix(text)
    assert [(e.after, e.confidence) for e in alone.edits] == [("钥", 0.97)]
    # With the char stage after it, the conversion goes through it (the LM has nothing likelier).
    result = restore.Corrector(Config()).fix(text)
    assert result.text == "会上发布了钥匙管理的新规定。"
    assert [(e.after, e.confidence, e.source) for e in result.edits] == [("钥", 0.97, "script:opencc-t2s")]


def test_simplified_replacement_on_a_traditional_line_is_capped() -> None:
    from restore.stages.char import CharStage

    stage = CharStage(Config())
    stage.propose("今天天气很好。", Document())  # loads the resources
    assert stage._simplified_on_traditional_line("這個問题很重要\n这个问题", 4, "题")
    assert not stage._simplified_on_traditional_line("這個問题很重要\n这个问题", 10, "题")
    assert not stage._simplified_on_traditional_line("這個問題很重要", 4, "題")
    assert Config().char.mixed_line_max_confidence < Config().min_confidence


def test_possible_misread_is_converted_only_when_the_lm_has_nothing_likelier() -> None:
    corrector = restore.Corrector(Config())
    # 圆 on a traditional page is often an OCR misread of 團: the LM prefers 團 here (the model
    # with modern law text knows 兵团 well enough to apply it), so the conversion to 圓 is only offered.
    result = corrector.fix("他們都是新疆生產建設兵圆的職工。")
    assert all(e.after != "圓" for e in result.edits if e.before == "圆")
    assert {s.after for s in result.suggestions if s.before == "圆"} >= {"圓"}
    # Here nothing is likelier than the plain leftover.
    assert corrector.fix("這個圆形的廣場很漂亮。").text == "這個圓形的廣場很漂亮。"
    assert corrector.fix("我們要把藍圖變成施工图，幹出實績。").text == "我們要把藍圖變成施工圖，幹出實績。"


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="這個问题\n a", min_size=1, max_size=40), data=st.data())
def test_traditional_lines_answer_as_a_scan_of_the_line(text: str, data: st.DataObject) -> None:
    # The char stage asks once per candidate; a one-line book must not be rescanned each time.
    from restore.stages.char import TraditionalLines

    traditional = frozenset("這個")
    lines = TraditionalLines(text, traditional)
    for offset in data.draw(st.lists(st.integers(min_value=0, max_value=len(text) - 1), max_size=10)):
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        line = text[start : end if end >= 0 else len(text)]
        assert lines.at(offset) == any(ch in traditional for ch in line)
