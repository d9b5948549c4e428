"""SpanIndex.near never misses a span that meets the query (Hypothesis against a scan)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from restore.spans import SpanIndex

spans = st.integers(0, 30).flatmap(lambda s: st.tuples(st.just(s), st.integers(s, s + 6)))


@given(st.lists(spans, max_size=20), st.lists(spans, max_size=5), spans)
def test_near_holds_every_span_that_meets_the_query(
    initial: list[tuple[int, int]], added: list[tuple[int, int]], query: tuple[int, int]
) -> None:
    index = SpanIndex(initial)
    for span in added:
        index.add(span)
    everything = sorted(initial + added)
    near = index.near(*query)
    assert near == sorted(near) and len(index) == len(everything)
    assert set(near) <= set(everything)
    # Meets: overlaps, touches, contains or is contained (empty spans included).
    meeting = [s for s in everything if s[0] <= query[1] and s[1] >= query[0]]
    assert all(s in near for s in meeting)
