"""The one place that decides which proposals become edits.

For each stage the pipeline hands the resolver that stage's proposals, already
lifted to original coordinates. The resolver drops anything touching a protected
span, applies the most confident non-conflicting proposals at or above the
threshold, and keeps every other proposal as a suggestion, so nothing is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from restore.edits import Edit, Lifted, conflicts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
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
    """
    ranked = sorted(
        candidates,
        key=lambda c: (-c.edit.confidence, -c.priority, -(c.edit.end - c.edit.start), c.edit.start, c.edit.after),
    )
    applied: list[Candidate] = []
    suggestions: list[Edit] = []
    for candidate in ranked:
        span = (candidate.lifted.start, candidate.lifted.end)
        if any(conflicts(span, guard) or _inside(span, guard) for guard in protected):
            log.debug("dropped %s at %d: protected span", candidate.edit.source, candidate.edit.start)
            continue
        if candidate.edit.confidence >= min_confidence and not any(
            conflicts(span, (other.lifted.start, other.lifted.end)) for other in applied
        ):
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


def _inside(span: tuple[int, int], guard: tuple[int, int]) -> bool:
    # An insertion strictly inside a protected word would split it.
    start, end = span
    return start == end and guard[0] < start < guard[1]
