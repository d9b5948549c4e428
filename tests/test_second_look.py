"""The second look (Config.revisit): the script and char stages run again where the first round
changed a Han character, in the text as restored.

Sentences written for these tests (none from a corpus): a traditional line whose simplified
leftovers only show once a misread (朵 for 來) is fixed, and a line whose misread 熟 only reads as
one once its neighbour 淀 -> 淚 is fixed.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restore
from restore.config import Config, ConfigError
from restore.edits import Edit, EditLog, apply_edits
from restore.evidence import SecondLook, evidence_from_json, evidence_to_json
from restore.explain import explain
from restore.stages.base import Focus
from restore.stages.char import CharStage

SCRIPT_LINE = "寒冷被雪带走了，未朵的路上将是一年豐收。"  # 朵 misread for 來; 带 and 将 leftovers
SCRIPT_FIXED = "寒冷被雪帶走了，未來的路上將是一年豐收。"
NEIGHBOURS = "他們眼含熟淀送別親人。"  # 熟 misread for 熱, 淀 for 淚
NEIGHBOURS_FIXED = "他們眼含熱淚送別親人。"


@pytest.fixture(scope="module")
def single() -> restore.Corrector:
    return restore.Corrector(Config(revisit=()))


def test_the_second_look_converts_leftovers_a_fixed_misread_reveals(corrector: restore.Corrector, single: restore.Corrector) -> None:
    assert single.fix(SCRIPT_LINE).text == "寒冷被雪带走了，未來的路上将是一年豐收。"
    result = corrector.fix(SCRIPT_LINE)
    assert result.text == SCRIPT_FIXED
    assert apply_edits(result.original, result.edits) == result.text
    second = [e for e in result.edits if any(isinstance(r, SecondLook) for r in e.evidence)]
    assert [(e.before, e.after, e.kind) for e in second] == [("带", "帶", "script"), ("将", "將", "script")]
    # Each names the first-round change that prompted it, in its explanation too.
    assert all(next(r for r in e.evidence if isinstance(r, SecondLook)).prompted_by == ("朵→來",) for e in second)
    assert "weighed after the first round changed 朵→來 on its line" in explain(result)


def test_the_second_look_fixes_a_misread_once_its_neighbour_is_fixed(corrector: restore.Corrector, single: restore.Corrector) -> None:
    assert single.fix(NEIGHBOURS).text == "他們眼含熟淚送別親人。"
    result = corrector.fix(NEIGHBOURS)
    assert result.text == NEIGHBOURS_FIXED
    (second,) = [e for e in result.edits if any(isinstance(r, SecondLook) for r in e.evidence)]
    assert (second.start, second.before, second.after) == (4, "熟", "熱")
    assert apply_edits(result.original, result.edits) == result.text


def test_no_second_look_without_a_changed_han_character(monkeypatch: pytest.MonkeyPatch) -> None:
    corrector = restore.Corrector()
    calls: list[object] = []
    propose = CharStage.propose

    def counted(self: CharStage, text: str, document: object, **kwargs: object) -> object:
        calls.append(getattr(document, "focus"))
        return propose(self, text, document, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(CharStage, "propose", counted)
    # Only a mark's width changes: the second look is not run at all.
    assert corrector.fix("今天天气很好,我们去公园散步。").text == "今天天气很好，我们去公园散步。"
    assert calls == [None]
    calls.clear()
    corrector.fix(NEIGHBOURS)
    assert len(calls) == 2 and calls[0] is None and isinstance(calls[1], Focus)


def test_a_second_look_edit_absorbs_the_first_round_change_it_corrects() -> None:
    # Without the rival search and the sweep, 沦 is first converted to the traditional 淪 (a
    # leftover's reading); the second look reads 討淪 as the misread of 討論 it is.
    config = Config()
    config = config.replace(char=dataclasses.replace(config.char, deferral_rivals=False, lm_sweep=False))
    result = restore.Corrector(config).fix("代表們認真討沦了報告。")
    assert result.text == "代表們認真討論了報告。"
    (edit,) = [e for e in result.edits if e.start == 6]
    assert (edit.before, edit.after) == ("沦", "論")
    assert apply_edits(result.original, result.edits) == result.text


def test_config_revisit_names_known_stages() -> None:
    with pytest.raises(ConfigError, match="revisit"):
        Config(revisit=("spelling",))
    assert Config.from_mapping({"revisit": []}).revisit == ()
    # A lone string is not a list of one-letter stage names, and a stage is named once.
    with pytest.raises(ConfigError, match="'revisit' must be a list of strings, got 'char'"):
        Config(revisit="char")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"'revisit' names \['char'\] more than once"):
        Config(revisit=("char", "char"))
    assert Config().revisit == ("script", "char")


def test_second_look_evidence_round_trips_and_refuses_bad_values() -> None:
    record = SecondLook(("朵→來", "淀→淚"))
    assert evidence_from_json(evidence_to_json(record)) == record
    with pytest.raises(ValueError):
        SecondLook(())
    with pytest.raises(ValueError):
        SecondLook(("",))


def test_written_spans_hold_what_each_edit_wrote() -> None:
    log = EditLog("他們 眼含熟淀,送別")
    log.commit([
        Edit(2, 3, " ", "", kind="layout", confidence=1.0, source="t"),
        Edit(5, 7, "熟淀", "熱淚", kind="char", confidence=1.0, source="t"),
        Edit(7, 8, ",", "，", kind="punct", confidence=1.0, source="t"),
    ])
    written = log.written()
    assert [(e.kind, log.text[s:t]) for e, (s, t) in written] == [("layout", ""), ("char", "熱淚"), ("punct", "，")]
    assert [span for _, span in log.written(lambda e: e.kind == "char")] == [(4, 6)]


_LINES = st.lists(st.text(alphabet="甲乙丙，", max_size=6), min_size=1, max_size=5).map("\n".join)


@given(text=_LINES, data=st.data())
def test_focus_agrees_with_a_plain_reading(text: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2])]
    focus = Focus.of(text, spans)
    # Plainly: from the start of the line a changed span starts on to the end of the one it ends on
    # (a span that wrote a line break joins two lines), regions that meet merged.
    regions: list[list[int]] = []
    for a, b in spans:
        last = text.find("\n", b)
        region = [text.rfind("\n", 0, a) + 1, len(text) if last < 0 else last]
        if regions and region[0] <= regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], region[1])
        else:
            regions.append(region)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            inside = any(r0 <= start and end <= r1 for r0, r1 in regions)
            assert focus.holds(start, end) == inside, (text, spans, start, end)
    for offset in range(len(text) + 1):
        for reach in (1, 2, 5):
            assert focus.near(offset, reach) == any(a - reach < offset < b + reach for a, b in spans)
            last = min(offset + 2, len(text))
            assert focus.near_span(offset, last, reach) == any(focus.near(p, reach) for p in range(offset, last + 1))


def test_focus_refuses_a_span_outside_the_text() -> None:
    with pytest.raises(ValueError, match="outside"):
        Focus.of("甲乙", [(1, 3)])
