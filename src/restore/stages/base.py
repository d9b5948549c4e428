"""What every stage shares: the proposal it returns and the document context it reads.

A stage looks at the partly restored text and *proposes*; it never applies.
Offsets in a :class:`Proposal` are code points of the text the stage was given;
the pipeline lifts them to the original and the resolver decides. The whole
contract (order, what each stage reads and writes) is in ``src/restore/README.md``.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

from restore.evidence import Evidence, RuleMatch
from restore.survey import Facts, Survey


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Protection:
    """A span later stages must not change (an exact lexicon hit), in the stage's input coordinates."""

    start: int
    end: int
    source: str


@dataclass(frozen=True, slots=True)
class Deferred:
    """A proposal its stage leaves to a later stage that arbitrates (see :class:`Arbiter`).

    ``proposal`` is the change as its stage would make it; ``hedged`` the same change at the
    confidence to use when the arbiter finds a likelier reading at that position (a script
    conversion of a character that may be a misread); ``recheck`` the character at
    ``proposal.start`` that must still be there when the arbiter sees the text. Offsets are
    in the coordinates of the text the deferring stage was given; the pipeline carries them
    to the arbiter's, or, when no arbiter follows, hands ``proposal`` to the resolver with
    the stage's other proposals.
    """

    proposal: Proposal
    hedged: Proposal
    recheck: str

    def __post_init__(self) -> None:
        spans = {(self.proposal.start, self.proposal.end), (self.hedged.start, self.hedged.end)}
        if len(spans) != 1 or len(self.recheck) != self.proposal.end - self.proposal.start:
            raise ValueError(f"a deferral needs one span and its character: {self!r}")


@dataclass(frozen=True)
class StageOutput:
    """Everything a stage returns for one document."""

    proposals: tuple[Proposal, ...] = ()
    protections: tuple[Protection, ...] = ()
    deferred: tuple[Deferred, ...] = ()


class EngineReading(Protocol):
    """What the OCR engine said about each character of the original text (an OCR file's reading).

    ``engine``: ``tesseract``, ``ppocrv4``, ``ppocrv6``, ``ppocr`` or ``""`` (unknown);
    ``confidences``: one 0–1 value (1 = sure) or ``None`` per code point of the original;
    ``alternatives``: original offset -> the engine's other readings ``(char, confidence)``.
    :class:`restore.formats.OcrDocument` is one. A reading may also have ``boxes`` (original
    offset -> the character's box, :data:`restore.formats.model.Box`): where an engine dropped a
    character shows in them (:mod:`restore.stages.engine_gaps`).
    """

    @property
    def engine(self) -> str: ...

    @property
    def confidences(self) -> Sequence[float | None]: ...

    @property
    def alternatives(self) -> Mapping[int, tuple[tuple[str, float | None], ...]]: ...


@dataclass(frozen=True)
class EngineView:
    """The engine's reading in the coordinates of the text a stage is given.

    Characters an earlier stage changed or inserted have no engine confidence (``None``).
    ``gaps``: junction offset ``j`` (before character ``j``) -> how many pitches wider than its
    characters' cells the engine placed them (:func:`restore.stages.engine_gaps.junction_gaps`),
    for junctions no earlier stage touched.
    """

    engine: str
    confidences: tuple[float | None, ...]
    alternatives: Mapping[int, tuple[tuple[str, float | None], ...]]
    gaps: Mapping[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Focus:
    """Where a stage looks on the second look at a document (``Config.revisit``): what the first
    round changed, in the coordinates of the text the stage is given.

    ``changed``: the sorted ``(start, end)`` spans first-round edits wrote (a deletion's is empty,
    at its place); ``lines``: the sorted, disjoint spans of the lines holding one (a line ends
    before its line break). The pipeline drops a second-look proposal outside ``lines``; a stage
    may skip that work itself (:meth:`holds`, :meth:`near`).

    >>> focus = Focus.of("一行\\n未來的路\\n末行", [(4, 5)])
    >>> focus.lines, focus.holds(3, 7), focus.holds(0, 1), focus.near(8, 4), focus.near(9, 4)
    (((3, 7),), True, False, True, False)
    >>> focus.near_span(9, 11, 4), focus.near_span(0, 1, 4), focus.near_span(0, 1, 5)
    (False, True, True)
    """

    changed: tuple[tuple[int, int], ...]
    lines: tuple[tuple[int, int], ...]
    # Starts of the lines and ends of the changed spans, for binary search (outputs of sorted
    # edits never overlap, so the ends are sorted too).
    _line_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _changed_ends: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_line_starts", tuple(start for start, _ in self.lines))
        object.__setattr__(self, "_changed_ends", tuple(end for _, end in self.changed))

    @classmethod
    def of(cls, text: str, changed: Sequence[tuple[int, int]]) -> Focus:
        """The focus of ``changed`` spans of ``text`` (sorted, as :meth:`restore.edits.EditLog.written`
        gives them); ``ValueError`` for a span outside ``text``."""
        lines: list[tuple[int, int]] = []
        for start, end in changed:
            if not 0 <= start <= end <= len(text):
                raise ValueError(f"changed span ({start}, {end}) is outside a text of {len(text)} characters")
            if lines and lines[-1][0] <= start and end <= lines[-1][1]:
                continue  # on the line found last (spans are sorted): no search, so one long line stays linear
            # Search back no further than the last line's end: the line break there, if any, is found.
            floor = lines[-1][1] if lines else 0
            line_break = text.rfind("\n", floor, start)
            line_start = line_break + 1 if line_break >= 0 else lines[-1][0] if lines else 0
            line_end = text.find("\n", end)
            line = (line_start, len(text) if line_end < 0 else line_end)
            if lines and line[0] <= lines[-1][1]:
                lines[-1] = (lines[-1][0], max(lines[-1][1], line[1]))  # the same line (or joined to it)
            else:
                lines.append(line)
        return cls(tuple(changed), tuple(lines))

    def holds(self, start: int, end: int) -> bool:
        """Whether the span ``[start, end)`` lies inside one line that holds a change."""
        index = bisect.bisect_right(self._line_starts, start) - 1
        return index >= 0 and end <= self.lines[index][1]

    def near_span(self, start: int, end: int, reach: int) -> bool:
        """Whether any offset of ``start`` … ``end`` (both in) is :meth:`near` a changed span."""
        index = bisect.bisect_right(self._changed_ends, start - reach)
        return index < len(self.changed) and self.changed[index][0] - reach < end

    def near(self, offset: int, reach: int) -> bool:
        """Whether ``offset`` is near a changed span ``(start, end)``: ``start - reach < offset < end + reach``.

        With ``reach`` the LM's order, the characters whose n-gram window holds a changed one."""
        index = bisect.bisect_right(self._changed_ends, offset - reach)
        return index < len(self.changed) and self.changed[index][0] - reach < offset


@dataclass
class Document:
    """Facts about the document being restored that stages share (filled in as stages learn them).

    ``script`` is ``"traditional"``, ``"simplified"`` or ``""`` when undecided.
    ``batch`` is what the batch's first pass learned (:meth:`restore.pipeline.Corrector.survey`;
    empty for a lone document). ``notes`` are free-form facts from the caller
    (``Corrector.fix(notes=...)``). ``engine`` is the OCR engine's reading of the text the current
    stage sees, when the input was an OCR file with confidences (:mod:`restore.formats`), else ``None``.
    ``progress``, when set, is called as ``progress(done, total)``
    in characters of the stage's input by a stage that works through a long text piece by piece
    (the char stage, per sentence). ``focus`` is set on the second look (``Config.revisit``):
    where the first round changed the text (:class:`Focus`); ``None`` on the first. ``measured``:
    what a stage measured of the whole document as read on the first round, under keys it names,
    for its second look to reuse rather than measure the restored text again.
    """

    script: str = ""
    notes: dict[str, object] = field(default_factory=dict)
    batch: Survey = field(default_factory=Survey)
    engine: EngineView | None = None
    progress: Callable[[int, int], None] | None = None
    focus: Focus | None = None
    measured: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StagePlan:
    """What the pipeline tells a stage about the stages that run after it.

    >>> plan = StagePlan.of(("layout", "punct", "char"), "punct")
    >>> plan.follows("char"), plan.follows("layout")
    (True, False)
    """

    following: tuple[str, ...] = ()

    @classmethod
    def of(cls, stages: Sequence[str], name: str) -> StagePlan:
        """The plan of stage ``name`` in the pipeline ``stages`` (nothing follows a stage not in it)."""
        names = tuple(stages)
        return cls(names[names.index(name) + 1 :] if name in names else ())

    def follows(self, name: str) -> bool:
        """Whether stage ``name`` runs after this one."""
        return name in self.following


class Stage(Protocol):
    """A pipeline stage: a name (used in sources and config) and a pure ``propose``.

    Built by ``factory(config, plan=StagePlan)`` (see :data:`restore.stages.STAGES`); loads its
    resources on first use, publishing each whole (a corrector may be shared by threads).
    """

    name: str

    def propose(self, text: str, document: Document) -> StageOutput:
        """Propose changes to ``text``; must not raise on any ``str``."""
        ...


@runtime_checkable
class Arbiter(Stage, Protocol):
    """A stage that decides what earlier stages deferred (``arbitrates = True``).

    The pipeline calls ``propose(text, document, deferred=...)`` with the deferrals of every
    stage since the previous arbiter, carried to ``text``'s coordinates; their proposals
    come back among its own (``proposal`` or ``hedged``), or not at all.
    """

    arbitrates: ClassVar[bool]

    def propose(self, text: str, document: Document, *, deferred: Sequence[Deferred] = ()) -> StageOutput:
        """Propose changes to ``text``, deciding ``deferred`` too."""
        ...


@runtime_checkable
class Surveyor(Stage, Protocol):
    """A stage that learns from a whole batch: ``survey`` one document (a map), merge the facts.

    :meth:`restore.pipeline.Corrector.survey` runs it over the batch and merges what it
    returns; the merged :class:`~restore.survey.Facts` come back as ``document.batch``.
    """

    def survey(self, text: str) -> Facts:
        """What ``text`` tells about the batch (a record whose ``merge`` combines documents)."""
        ...


def rule_proposal(
    text: str, start: int, end: int, after: str, *, kind: str, rule: str, confidence: float, context: int = 6
) -> Proposal:
    """A proposal made by a deterministic rule, with the match and its surroundings as evidence.

    >>> rule_proposal("好的,走", 2, 3, "，", kind="punct", rule="halfwidth-mark", confidence=0.9).source
    'punct:halfwidth-mark'
    """
    # One string per rule, not per proposal: a 10 MB book has a hundred thousand of them.
    source = sys.intern(f"{kind}:{rule}")
    return Proposal(
        start=start,
        end=end,
        after=after,
        kind=kind,
        confidence=confidence,
        source=source,
        evidence=(RuleMatch(rule=source, pattern=_shared(text[start:end]), context=text[max(0, start - context) : end + context]),),
    )


def _shared(piece: str) -> str:
    """One string object for each short piece a rule matches (``，``, ``。 ``): the same few recur
    across a long document's edits; a longer piece is kept as is."""
    return sys.intern(piece) if len(piece) <= 2 else piece
