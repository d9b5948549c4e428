"""The offset arithmetic: Edit validation, apply_edits, EditLog lifting (Hypothesis properties)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.edits import Edit, EditLog, apply_edits, carry_span, carry_spans, check_edits, conflicts
from restore.errors import EditError, SchemaError
from restore.evidence import LexiconMatch, RuleMatch


def make(start: int, end: int, text: str, after: str, confidence: float = 0.9) -> Edit:
    return Edit(start, end, text[start:end], after, kind="char", confidence=confidence, source="test")


def test_edit_validates_itself() -> None:
    with pytest.raises(EditError, match="does not span"):
        Edit(0, 2, "a", "b", kind="char", confidence=0.5, source="t")
    with pytest.raises(EditError, match="outside"):
        Edit(0, 1, "a", "b", kind="char", confidence=1.5, source="t")
    with pytest.raises(EditError, match="kind"):
        Edit(0, 1, "a", "b", kind="magic", confidence=0.5, source="t")
    with pytest.raises(EditError, match="changes nothing"):
        Edit(0, 1, "a", "a", kind="char", confidence=0.5, source="t")
    with pytest.raises(EditError, match="bad span"):
        Edit(2, 1, "", "b", kind="char", confidence=0.5, source="t")


def test_apply_rejects_mismatch_and_overlap() -> None:
    text = "abcdef"
    with pytest.raises(EditError, match="expects"):
        apply_edits(text, [Edit(0, 1, "x", "y", kind="char", confidence=1.0, source="t")])
    with pytest.raises(EditError, match="overlap"):
        apply_edits(text, [make(0, 2, text, "X"), make(1, 3, text, "Y")])
    with pytest.raises(EditError, match="overlap"):
        apply_edits(text, [make(2, 2, text, "X"), make(2, 2, text, "Y")])
    with pytest.raises(EditError, match="beyond"):
        apply_edits(text, [Edit(6, 7, "g", "h", kind="char", confidence=1.0, source="t")])


def test_json_round_trip_keeps_typed_evidence() -> None:
    edit = Edit(
        0, 3, "鐘曉暉", "鍾曉詠", kind="entity", confidence=0.93, source="lexicon:officials",
        evidence=(LexiconMatch("officials.tsv", "钟晓咏", 12, "variant"), RuleMatch("r", "p", "c")),
    )
    assert Edit.from_json(edit.to_json()) == edit
    with pytest.raises(SchemaError):
        Edit.from_json({**edit.to_json(), "evidence": [{"type": "nonsense"}]})
    with pytest.raises(SchemaError):
        Edit.from_json({"start": 0})


def test_lift_over_a_deletion_absorbs_it() -> None:
    log = EditLog("12 月")
    log.commit([make(2, 3, "12 月", "")])
    lifted = log.lift(1, 3, "2月")
    assert (lifted.start, lifted.end, lifted.after) == (1, 4, "2月")
    assert [e.start for e in lifted.absorbed] == [2]


def test_lift_next_to_an_edit_does_not_absorb_it() -> None:
    log = EditLog("ab,cd")
    log.commit([make(2, 3, "ab,cd", "，")])
    lifted = log.lift(3, 4, "X")  # replaces "c", right after the new comma
    assert (lifted.start, lifted.end, lifted.absorbed) == (3, 4, ())


def _reference_lift(original: str, edits: list[Edit], w_start: int, w_end: int, after: str) -> str:
    """Slow reference: the working text with the change applied, computed on characters."""
    working = apply_edits(original, edits)
    return working[:w_start] + after + working[w_end:]


alphabet = st.sampled_from("ab，。 \n徐匯")


@st.composite
def staged_changes(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int, str]]]]:
    original = draw(st.text(alphabet, max_size=12))
    stages = []
    length = len(original)
    for _ in range(draw(st.integers(1, 4))):
        changes = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, length))
            end = draw(st.integers(start, min(length, start + 3)))
            changes.append((start, end, draw(st.text(alphabet, max_size=3))))
        stages.append(changes)
        # Lengths change as stages apply; later draws are clamped at use.
    return original, stages


@settings(max_examples=400, deadline=None)
@given(staged_changes())
def test_editlog_stays_replayable(case: tuple[str, list[list[tuple[int, int, str]]]]) -> None:
    """Whatever stages change, the log's edits are sorted, disjoint, match the original and replay to its text."""
    original, stages = case
    log = EditLog(original)
    for changes in stages:
        working = log.text
        chosen: list = []
        absorbed: list = []
        for start, end, after in changes:
            start, end = min(start, len(working)), min(end, len(working))
            expected = working[:start] + after + working[end:]
            lifted = log.lift(start, end, after)
            # The lifted change, applied alone over the log's edits, gives exactly the intended working text.
            others = [e for e in log.edits if e not in lifted.absorbed]
            single = log.to_edit(lifted, kind="char", confidence=0.9, source="p", evidence=())
            replayed = apply_edits(original, sorted([*others, *([single] if single else [])], key=lambda e: (e.start, e.end)))
            assert replayed == expected
            assert lifted.before == original[lifted.start : lifted.end]
            if single is not None and not any(conflicts(single, c) for c in chosen) and not (
                set(lifted.absorbed) & set(absorbed)
            ):
                chosen.append(single)
                absorbed.extend(lifted.absorbed)
        log.commit(chosen, absorbed)
        check_edits(original, log.edits)
        assert apply_edits(original, log.edits) == log.text


@given(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), st.integers(0, 5))
def test_conflicts_is_symmetric(a: int, b: int, c: int, d: int) -> None:
    x, y = (min(a, b), max(a, b)), (min(c, d), max(c, d))
    assert conflicts(x, y) == conflicts(y, x)


def _scan_to_original(log: EditLog, position: int) -> tuple[int, int, int | None]:
    """Reference: the scan over every committed edit that ``EditLog._to_original`` replaced."""
    shift = 0
    candidates: list[int] = []
    for index, edit in enumerate(log.edits):
        out_start = edit.start + shift
        out_end = out_start + len(edit.after)
        if out_end <= position:
            shift += edit.delta
            if out_end == position:
                candidates.append(edit.end)
                if out_start == position:
                    candidates.append(edit.start)
        elif out_start < position:
            return edit.start, edit.end, index
        else:
            if out_start == position:
                candidates.append(edit.start)
            break
    candidates.append(position - shift)
    return min(candidates), max(candidates), None


@st.composite
def committed_logs(draw: st.DrawFn) -> EditLog:
    """A log with disjoint edits of every shape: deletions (also adjacent ones), insertions, replacements."""
    original = draw(st.text(alphabet, max_size=16))
    edits = []
    position = 0
    while position <= len(original) and draw(st.booleans()):
        start = draw(st.integers(position, len(original)))
        end = draw(st.integers(start, min(len(original), start + 3)))
        after = draw(st.text(alphabet, max_size=3))
        if original[start:end] != after:
            edits.append(make(start, end, original, after))
        # An insertion at a point excludes a second one there; a span only what it covers.
        position = end + 1 if start == end else end
    log = EditLog(original)
    log.commit(edits)
    return log


@settings(max_examples=400, deadline=None)
@given(committed_logs())
def test_to_original_by_binary_search_equals_the_scan(log: EditLog) -> None:
    for position in range(len(log.text) + 1):
        assert log._to_original(position) == _scan_to_original(log, position)


@st.composite
def disjoint_changes(draw: st.DrawFn) -> list[tuple[int, int, int]]:
    """One stage's applied changes: disjoint ``(start, end, size)``, insertions at distinct points."""
    changes: list[tuple[int, int, int]] = []
    for at, length, size in draw(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 3), st.integers(0, 3)), max_size=8)):
        end = at + length
        if all(end <= s or e <= at for s, e, _ in changes) and not any(s == e == at for s, e, _ in changes):
            changes.append((at, end, size))
    return draw(st.permutations(changes))


@settings(max_examples=300, deadline=None)
@given(disjoint_changes(), st.lists(st.integers(0, 22).flatmap(lambda s: st.tuples(st.just(s), st.integers(s, s + 2))), max_size=8))
def test_carry_spans_equals_carry_span_each(changes: list[tuple[int, int, int]], spans: list[tuple[int, int]]) -> None:
    ordered = sorted(changes)
    assert carry_spans(spans, changes) == [carry_span(start, end, ordered) for start, end in spans]
