"""The resolver decides by clusters and interval queries exactly as the all-pairs rule says (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from restore.edits import Edit, Lifted, conflicts
from restore.resolver import Candidate, ProtectedSpans, _Taken, decide

TEXT = "徐汇区图书馆今年新添了三千册地方志和老报纸"


def _reference_decide(candidates, *, min_confidence, protected):
    """The all-pairs resolver the clustered one replaced: O(n * (n + guards))."""
    ranked = sorted(
        candidates,
        key=lambda c: (-c.edit.confidence, -c.priority, -(c.edit.end - c.edit.start), c.edit.start, c.edit.after),
    )
    applied, suggestions = [], []
    for candidate in ranked:
        span = (candidate.lifted.start, candidate.lifted.end)
        if any(conflicts(span, g) or (span[0] == span[1] and g[0] < span[0] < g[1]) for g in protected):
            continue
        if candidate.edit.confidence >= min_confidence and not any(
            conflicts(span, (o.lifted.start, o.lifted.end)) for o in applied
        ):
            applied.append(candidate)
        else:
            suggestions.append(candidate.edit)
    applied.sort(key=lambda c: (c.edit.start, c.edit.end))
    return (
        tuple(c.edit for c in applied),
        tuple(e for c in applied for e in c.lifted.absorbed),
        tuple(sorted(suggestions, key=lambda e: (e.start, e.end))),
    )


spans = st.integers(0, len(TEXT)).flatmap(lambda s: st.tuples(st.just(s), st.integers(s, min(len(TEXT), s + 4))))


@st.composite
def candidates(draw: st.DrawFn) -> Candidate:
    start, end = draw(spans)
    after = draw(st.sampled_from(["", "，", "区", "書館"]))
    if TEXT[start:end] == after:
        after += "。"
    # Few distinct confidences and priorities, so ties between equal spans are exercised too.
    confidence = draw(st.sampled_from([0.5, 0.8, 0.9, 0.95]))
    edit = Edit(start, end, TEXT[start:end], after, kind="char", confidence=confidence, source="t")
    return Candidate(edit, Lifted(start, end, TEXT[start:end], after, ()), draw(st.integers(0, 2)))


@settings(max_examples=500, deadline=None)
@given(st.lists(candidates(), max_size=12), st.lists(spans, max_size=4), st.sampled_from([0.0, 0.8, 0.9]))
def test_clustered_decide_equals_the_all_pairs_rule(
    found: list[Candidate], protected: list[tuple[int, int]], threshold: float
) -> None:
    decision = decide(found, min_confidence=threshold, protected=protected)
    assert (decision.applied, decision.absorbed, decision.suggestions) == _reference_decide(
        found, min_confidence=threshold, protected=protected
    )
    # Order-free: the same candidates in reverse give the same decision.
    assert decide(found[::-1], min_confidence=threshold, protected=protected[::-1]) == decision


@given(st.lists(st.lists(spans, max_size=4), max_size=3), spans)
def test_guards_answer_as_the_scan(batches: list[list[tuple[int, int]]], span: tuple[int, int]) -> None:
    # Protections arrive stage by stage (a batch each) and are merged into sorted arrays.
    protected = [guard for batch in batches for guard in batch]
    scan = any(conflicts(span, g) or (span[0] == span[1] and g[0] < span[0] < g[1]) for g in protected)
    assert ProtectedSpans(protected).hit(span) == scan
    guards = ProtectedSpans()
    for batch in batches:
        guards.add(batch)
    assert guards.hit(span) == scan


@given(st.lists(spans, max_size=10), spans)
def test_taken_answers_as_the_scan(added: list[tuple[int, int]], span: tuple[int, int]) -> None:
    taken, kept = _Taken(), []
    for item in added:
        if not any(conflicts(item, k) for k in kept):
            taken.add(item)
            kept.append(item)
    assert taken.conflicts(span) == any(conflicts(span, k) for k in kept)
