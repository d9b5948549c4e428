"""Parallel items of an enumeration are the writer's pattern (restore.stages.parallel). Sentences
written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restore
from restore.stages.parallel import parallel_reading

PARALLEL = "我们要回应群众之问、基层之问、企业之问，把工作做实。"


def test_a_shared_ending_or_opening_of_three_items_is_found() -> None:
    assert parallel_reading(PARALLEL, PARALLEL.index("问")) == "之问"
    assert parallel_reading(PARALLEL, PARALLEL.index("之")) == "之问"
    opening = "新型工业化、新型城镇化、新型农业现代化同步推进。"
    assert parallel_reading(opening, opening.index("型")) == "新型"
    # The last item joined by a conjunction instead of 、: every item is found, the last too.
    for joined in ("会议讨论了发展之问、改革之问和民生之问三个方面。", "面对安全之问、就业之问与教育之问。"):
        offsets = [i for i, ch in enumerate(joined) if ch == "问"]
        assert [parallel_reading(joined, i) for i in offsets] == ["之问"] * 3
        assert parallel_reading(joined, joined.index("和" if "和" in joined else "与")) is None
    assert parallel_reading("发展之问和民生之问。", 3) is None  # two items are no enumeration


def test_two_items_or_other_clauses_are_not_an_enumeration() -> None:
    two = "群众之问、基层之问，企业之问。"  # the third item is in the next clause
    assert parallel_reading(two, two.index("问")) is None
    assert parallel_reading(PARALLEL, PARALLEL.index("把")) is None  # outside the enumeration
    assert parallel_reading(PARALLEL, PARALLEL.index("、")) is None
    with pytest.raises(IndexError):
        parallel_reading(PARALLEL, len(PARALLEL))


@given(st.text(alphabet="之问间、，。群众基层甲乙", min_size=1, max_size=40), st.data())
def test_the_reading_is_two_characters_of_the_text_at_the_offset(text: str, data: st.DataObject) -> None:
    offset = data.draw(st.integers(0, len(text) - 1))
    pair = parallel_reading(text, offset)
    if pair is not None:
        assert len(pair) == 2 and pair in (text[offset - 1 : offset + 1], text[offset : offset + 2])
        assert "、" not in pair


def test_the_char_stage_offers_a_change_there_as_a_suggestion_with_its_reason(corrector: restore.Corrector) -> None:
    result = corrector.fix(PARALLEL)
    assert result.edits == () and result.text == PARALLEL
    ceiling = restore.Config().char.parallel_max_confidence
    held = [s for s in result.suggestions if s.before == "问"]
    assert len(held) == 3 and all(s.confidence == ceiling for s in held)
    [cap] = [e for e in held[0].evidence if e.type == "cap"]
    assert cap.setting == "char.parallel_max_confidence" and "之问" in cap.reason and cap.uncapped > ceiling
    joined = "会议讨论了发展之问、改革之问和民生之问三个方面。"
    assert corrector.fix(joined).edits == ()
    # Off (1.0): the LM alone changes every 问.
    off = restore.Corrector(restore.Config().replace(char={"parallel_max_confidence": 1.0}))
    assert [(e.before, e.after) for e in off.fix(PARALLEL).edits] == [("问", "间")] * 3
