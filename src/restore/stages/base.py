"""What every stage shares: the proposal it returns and the document context it reads.

A stage looks at the partly restored text and *proposes*; it never applies.
Offsets in a :class:`Proposal` are code points of the text the stage was given;
the pipeline lifts them to the original and the resolver decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from restore.evidence import Evidence, RuleMatch


@dataclass(frozen=True)
class Proposal:
    """Replace ``text[start:end]`` of the stage's input by ``after``."""

    start: int
    end: int
    after: str
    kind: str
    confidence: float
    source: str
    evidence: tuple[Evidence, ...] = ()
    # Breaks ties between overlapping proposals of equal confidence (higher wins).
    priority: int = 0


@dataclass(frozen=True)
class Protection:
    """A span later stages must not change (an exact lexicon hit), in the stage's input coordinates."""

    start: int
    end: int
    source: str


@dataclass(frozen=True)
class StageOutput:
    """Everything a stage returns for one document."""

    proposals: tuple[Proposal, ...] = ()
    protections: tuple[Protection, ...] = ()


@dataclass
class Document:
    """Facts about the document being restored that stages share (filled in as stages learn them).

    ``script`` is ``"traditional"``, ``"simplified"`` or ``""`` when undecided.
    ``batch`` carries cross-document information in batch mode (for consistency votes).
    ``progress``, when set, is called as ``progress(done, total)`` in characters of the stage's
    input by a stage that works through a long text piece by piece (the char stage, per sentence).
    """

    script: str = ""
    notes: dict[str, object] = field(default_factory=dict)
    progress: Callable[[int, int], None] | None = None


class Stage(Protocol):
    """A pipeline stage: a name (used in sources and config) and a pure ``propose``."""

    name: str

    def propose(self, text: str, document: Document) -> StageOutput:
        """Propose changes to ``text``; must not raise on any ``str``."""
        ...


def rule_proposal(
    text: str, start: int, end: int, after: str, *, kind: str, rule: str, confidence: float, context: int = 6
) -> Proposal:
    """A proposal made by a deterministic rule, with the match and its surroundings as evidence.

    >>> rule_proposal("好的,走", 2, 3, "，", kind="punct", rule="halfwidth-mark", confidence=0.9).source
    'punct:halfwidth-mark'
    """
    source = f"{kind}:{rule}"
    return Proposal(
        start=start,
        end=end,
        after=after,
        kind=kind,
        confidence=confidence,
        source=source,
        evidence=(RuleMatch(rule=source, pattern=text[start:end], context=text[max(0, start - context) : end + context]),),
    )
