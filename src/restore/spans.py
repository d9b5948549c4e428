"""Half-open spans kept sorted, so "which spans could touch this one?" costs O(log n), not a scan.

Long documents hold tens of thousands of spans (lexicon hits, proposals); scanning all of
them for each new span made a stage quadratic in the text's length.

>>> index = SpanIndex([(10, 12), (0, 2), (5, 7)])
>>> index.near(4, 6)
[(5, 7)]
>>> index.add((4, 4))
>>> index.near(4, 6)
[(4, 4), (5, 7)]

:class:`LineIndex` answers "which line holds this offset?" the same way, for a text of one long
line as cheaply as for many short ones.

>>> LineIndex("ab\\ncd").line(3)
(1, 3, 5)
"""

from __future__ import annotations

import bisect
import re
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


class LineIndex:
    """The lines of a text (split at ``"\\n"``), found by binary search over the line breaks.

    >>> lines = LineIndex("ab\\ncd\\n")
    >>> lines.line(0), lines.line(2), lines.line(5), lines.line(6)
    ((0, 0, 2), (0, 0, 2), (1, 3, 5), (2, 6, 6))
    """

    def __init__(self, text: str) -> None:
        self._length = len(text)
        self._breaks = [match.start() for match in re.finditer("\n", text)]

    def line(self, offset: int) -> tuple[int, int, int]:
        """``(number, start, end)`` of the line holding ``offset`` (code points; a line break
        belongs to the line it ends, ``end`` is its offset or the text's length)."""
        number = bisect.bisect_left(self._breaks, offset)
        start = self._breaks[number - 1] + 1 if number else 0
        end = self._breaks[number] if number < len(self._breaks) else self._length
        return number, start, end
