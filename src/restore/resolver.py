"""The one place that decides which proposals become edits.

For each stage the pipeline hands the resolver that stage's proposals, already
lifted to original coordinates. The resolver drops anything touching a protected
span, applies the most confident non-conflicting proposals at or above the
threshold, and keeps every other proposal as a suggestion, so nothing is lost.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Sequence
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
    protected: Sequence[tuple[int, int]],
) -> Resolution:
    """Choose the edits to apply among one stage's candidates.

    Order of preference: higher confidence, then higher priority, then the longer
    span, then the earlier one, so the outcome does not depend on proposal order.
    Only candidates that overlap or touch can compete, so each cluster of them is
    decided on its own: the cost is O(n log n) in candidates and protected spans.
    """
    guards = _Guards(protected)
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


class _Guards:
    """Protected spans, queried in O(log n): does a span touch one's characters or split it?"""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        # Furthest end among the spans up to each index (spans may nest or overlap).
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))
        self._points = {start for start, end in ordered if start == end}

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
