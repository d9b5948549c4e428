"""The one place that decides which proposals become edits.

For each stage the pipeline hands the resolver that stage's proposals, already
lifted to original coordinates. The resolver drops anything touching a protected
span, applies the most confident non-conflicting proposals at or above the
threshold, and keeps every other proposal as a suggestion, so nothing is lost.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import logging
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from restore.edits import Edit, Lifted

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposal lifted to the original: the edit it would make and the earlier edits it absorbs."""

    edit: Edit
    lifted: Lifted
    priority: int


@dataclass(frozen=True)
class Resolution:
    """What the resolver decided for one stage."""

    applied: tuple[Edit, ...]
    absorbed: tuple[Edit, ...]
    suggestions: tuple[Edit, ...]


def decide(
    candidates: Sequence[Candidate],
    *,
    min_confidence: float,
    protected: Sequence[tuple[int, int]] | ProtectedSpans,
) -> Resolution:
    """Choose the edits to apply among one stage's candidates.

    Order of preference: higher confidence, then higher priority, then the longer
    span, then the earlier one, so the outcome does not depend on proposal order.
    Only candidates that overlap or touch can compete, so each cluster of them is
    decided on its own: the cost is O(n log n) in candidates and protected spans.
    """
    guards = protected if isinstance(protected, ProtectedSpans) else ProtectedSpans(protected)
    applied: list[Candidate] = []
    suggestions: list[Edit] = []
    for cluster in _clusters(candidates):
        taken = _Taken()
        for candidate in sorted(cluster, key=_preference):
            span = (candidate.lifted.start, candidate.lifted.end)
            if guards.hit(span):
                log.debug("dropped %s at %d: protected span", candidate.edit.source, candidate.edit.start)
                continue
            if candidate.edit.confidence >= min_confidence and not taken.conflicts(span):
                taken.add(span)
                applied.append(candidate)
            else:
                suggestions.append(candidate.edit)
    applied.sort(key=lambda c: (c.edit.start, c.edit.end))
    absorbed = tuple(edit for c in applied for edit in c.lifted.absorbed)
    return Resolution(
        applied=tuple(c.edit for c in applied),
        absorbed=absorbed,
        suggestions=tuple(sorted(suggestions, key=lambda e: (e.start, e.end))),
    )


def _preference(candidate: Candidate) -> tuple[float, int, int, int, str]:
    edit = candidate.edit
    return (-edit.confidence, -candidate.priority, -(edit.end - edit.start), edit.start, edit.after)


def _clusters(candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """Candidates grouped so that any two that conflict share a group (overlapping or touching runs)."""
    ordered = sorted(candidates, key=lambda c: (c.lifted.start, c.lifted.end))
    groups: list[list[Candidate]] = []
    reach = -1
    for candidate in ordered:
        if candidate.lifted.start > reach:
            groups.append([])
        groups[-1].append(candidate)
        reach = max(reach, candidate.lifted.end)
    return groups


class ProtectedSpans:
    """Protected spans (original coordinates), queried in O(log n): does a span touch one's characters
    or split it? Held as machine-integer arrays sorted by span: a 10 MB document protects ~150,000
    names, which as a list of int pairs cost ~128 bytes each for the rest of the document.

    >>> guards = ProtectedSpans([(4, 8)])
    >>> guards.add([(0, 2)])
    >>> guards.hit((1, 3)), guards.hit((2, 4)), guards.hit((6, 6)), guards.hit((8, 8))
    (True, False, True, False)
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts = array("q")
        # Furthest end among the spans up to each index (spans may nest or overlap).
        self._reach = array("q")
        self._ends = array("q")
        self._points: set[int] = set()
        self.add(spans)

    def add(self, spans: Iterable[tuple[int, int]]) -> None:
        """Protect ``spans`` too (merged into the sorted arrays, one pair at a time)."""
        new = sorted(spans)
        if not new:
            return
        starts, ends = array("q"), array("q")
        for start, end in heapq.merge(zip(self._starts, self._ends), new):
            starts.append(start)
            ends.append(end)
            if start == end:
                self._points.add(start)
        self._starts, self._ends = starts, ends
        self._reach = array("q", itertools.accumulate(ends, max))

    def hit(self, span: tuple[int, int]) -> bool:
        """Whether ``span`` conflicts with a protected span or inserts strictly inside one.

        Equivalent to ``any(conflicts(span, g) or _inside(span, g) for g in spans)``.
        """
        start, end = span
        if start == end and start in self._points:
            return True
        # A guard starting before ``end`` (before ``start`` for an insertion) and ending after ``start``.
        before = bisect.bisect_left(self._starts, end)
        return before > 0 and self._reach[before - 1] > start


class _Taken:
    """Spans applied so far in a cluster: pairwise conflict-free, so sorted by start they are sorted by end."""

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []

    def conflicts(self, span: tuple[int, int]) -> bool:
        """Equivalent to ``any(conflicts(span, taken) for taken in spans)``."""
        start, end = span
        index = bisect.bisect_left(self._spans, (end, end) if start < end else (start, start))
        if start == end and index < len(self._spans) and self._spans[index] == span:
            return True
        return index > 0 and self._spans[index - 1][1] > start

    def add(self, span: tuple[int, int]) -> None:
        """Record an applied span (which must not conflict with the others)."""
        bisect.insort(self._spans, span)
