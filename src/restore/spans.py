"""Half-open spans kept sorted, so "which spans could touch this one?" costs O(log n), not a scan.

Long documents hold tens of thousands of spans (lexicon hits, proposals); scanning all of
them for each new span made a stage quadratic in the text's length.

>>> index = SpanIndex([(10, 12), (0, 2), (5, 7)])
>>> index.near(4, 6)
[(5, 7)]
>>> index.add((4, 4))
>>> index.near(4, 6)
[(4, 4), (5, 7)]
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class SpanIndex:
    """Spans ``(start, end)`` (code points, ``start <= end``) sorted by start, with their longest length.

    :meth:`near` returns every span that overlaps, touches or contains ``[start, end]``
    (and possibly a few that do not), so callers apply their exact test to a handful.
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._spans = sorted(spans)
        self._longest = max((end - start for start, end in self._spans), default=0)

    def __len__(self) -> int:
        return len(self._spans)

    def add(self, span: tuple[int, int]) -> None:
        """Insert one span, keeping the order."""
        bisect.insort(self._spans, span)
        self._longest = max(self._longest, span[1] - span[0])

    def near(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans, in order, that start in ``[start - longest, end]``: a superset of those meeting ``[start, end]``."""
        low = bisect.bisect_left(self._spans, (start - self._longest, start - self._longest))
        high = bisect.bisect_right(self._spans, (end, float("inf")))
        return self._spans[low:high]
