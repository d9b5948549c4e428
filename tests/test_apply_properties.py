"""Properties of decisions: conflicts are exactly the overlapping accepted pairs; apply replays them."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from restore.decisions import Decision, DocumentDecisions, find_conflicts
from restore.edits import Edit, apply_edits, conflicts

TEXT = "區長鐘曉暉出席會議,討論基层服務"


@st.composite
def decisions(draw: st.DrawFn) -> list[Decision]:
    items = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(TEXT)))
        end = draw(st.integers(start, min(len(TEXT), start + 3)))
        after = draw(st.sampled_from(["", "X", "甲乙", "，"]))
        if after == TEXT[start:end]:
            after += "Y"
        edit = Edit(start, end, TEXT[start:end], after, kind="char", confidence=0.5, source="test")
        items.append(Decision(edit, draw(st.sampled_from(["edit", "suggestion"])), draw(st.booleans())))
    return items


@given(decisions())
def test_conflicts_are_the_overlapping_accepted_pairs(items: list[Decision]) -> None:
    document = DocumentDecisions("a.txt", "/in", "0" * 64, tuple(items))
    accepted = [d for d in items if d.accepted]
    expected = sum(1 for a, b in itertools.combinations(accepted, 2) if conflicts(a.edit, b.edit))
    found = find_conflicts(document)
    assert len(found) == expected
    if not found:
        # No conflict: the accepted edits replay, and each one's output is in the result.
        result = apply_edits(TEXT, document.accepted)
        assert len(result) == len(TEXT) + sum(e.delta for e in document.accepted)
        for edit in document.accepted:
            assert edit.after in result
