"""Edits and every piece of offset arithmetic in the library.

An :class:`Edit` replaces ``original[start:end]`` (code points, half-open) by
``after``. Edits of one result are sorted and never overlap, so they replay:

>>> text = "喜报! 徐 汇"
>>> e = Edit(2, 4, "! ", "！", kind="punct", confidence=0.95, source="punct:halfwidth")
>>> apply_edits(text, [e])
'喜报！徐 汇'

Stages work on the partly restored text; :class:`EditLog` lifts each of their
proposals back to the coordinates of the original, absorbing any earlier edit
the proposal touches, so that the final list still replays onto the original.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from restore.errors import EditError, SchemaError
from restore.evidence import Evidence, Merged, evidence_from_json, evidence_to_json

KINDS = ("layout", "punct", "script", "entity", "char")
# JSON types of an edit's fields (checked by Edit.from_json before anything else reads them).
_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "start": int, "end": int, "before": str, "after": str, "kind": str, "source": str,
    "confidence": (int, float), "evidence": list,
}


@dataclass(frozen=True, slots=True)
class Edit:
    """One change: ``original[start:end]`` (``before``) becomes ``after``.

    ``kind`` is one of :data:`KINDS`; ``confidence`` is in [0, 1]; ``source`` is
    a stable id of the rule or resource (``punct:halfwidth``,
    ``lexicon:xuhui-officials``); ``evidence`` explains the decision.
    """

    start: int
    end: int
    before: str
    after: str
    kind: str
    confidence: float
    source: str
    evidence: tuple[Evidence, ...] = field(default=())

    def __post_init__(self) -> None:
        if not (isinstance(self.start, int) and isinstance(self.end, int)):
            raise EditError(f"offsets must be integers, got {self.start!r}, {self.end!r}")
        if not 0 <= self.start <= self.end:
            raise EditError(f"bad span [{self.start}, {self.end})")
        if len(self.before) != self.end - self.start:
            raise EditError(f"before {self.before!r} does not span [{self.start}, {self.end})")
        if self.before == self.after:
            raise EditError(f"edit at {self.start} changes nothing ({self.before!r})")
        if self.kind not in KINDS:
            raise EditError(f"unknown edit kind {self.kind!r}; expected one of {KINDS}")
        if not 0.0 <= self.confidence <= 1.0:
            raise EditError(f"confidence {self.confidence!r} is outside [0, 1]")
        if not self.source:
            raise EditError("an edit needs a source")
        if not isinstance(self.evidence, tuple):
            object.__setattr__(self, "evidence", tuple(self.evidence))

    @property
    def delta(self) -> int:
        """How much longer the text gets (negative when it shrinks)."""
        return len(self.after) - len(self.before)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``edits`` items of schema ``restore.edits/1``)."""
        return {
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "kind": self.kind,
            "confidence": round(self.confidence, 6),
            "source": self.source,
            "evidence": [evidence_to_json(record) for record in self.evidence],
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> Edit:
        """Read an edit written by :meth:`to_json`; malformed input is a :class:`SchemaError`."""
        if not isinstance(payload, dict):
            raise SchemaError(f"an edit must be a JSON object, got {type(payload).__name__}")
        for name, types in _FIELD_TYPES.items():
            value = payload.get(name)
            if name in payload and (isinstance(value, bool) or not isinstance(value, types)):
                raise SchemaError(f"edit field {name!r} has the wrong type ({type(value).__name__})")
        try:
            return cls(
                start=payload["start"],
                end=payload["end"],
                before=payload["before"],
                after=payload["after"],
                kind=payload["kind"],
                confidence=float(payload["confidence"]),
                source=payload["source"],
                evidence=tuple(evidence_from_json(item) for item in payload.get("evidence", [])),
            )
        except KeyError as exc:
            raise SchemaError(f"edit is missing field {exc.args[0]!r}") from exc
        except (EditError, ValueError, TypeError) as exc:  # evidence records of the wrong shape too
            raise SchemaError(f"invalid edit: {exc}") from exc


def conflicts(a: Edit | tuple[int, int], b: Edit | tuple[int, int]) -> bool:
    """True when two spans cannot both be applied: they share characters, or both insert at one point.

    >>> conflicts((0, 2), (2, 3)), conflicts((0, 2), (1, 3)), conflicts((2, 2), (2, 2))
    (False, True, True)
    """
    a_start, a_end = (a.start, a.end) if isinstance(a, Edit) else a
    b_start, b_end = (b.start, b.end) if isinstance(b, Edit) else b
    if a_start == a_end == b_start == b_end:
        return True
    return not (a_end <= b_start or b_end <= a_start)


def changed_span(window: str, replacement: str, offset: int = 0) -> tuple[int, int, str]:
    """The smallest span of ``window`` to replace (and by what) to make ``replacement``.

    Offsets are code points, shifted by ``offset`` (where ``window`` starts in its text).

    >>> changed_span("尚末完成", "尚未完成", 10), changed_span("ab", "abc")
    ((11, 12, '未'), (2, 2, 'c'))
    """
    prefix = 0
    limit = min(len(window), len(replacement))
    while prefix < limit and window[prefix] == replacement[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and window[-1 - suffix] == replacement[-1 - suffix]:
        suffix += 1
    return offset + prefix, offset + len(window) - suffix, replacement[prefix : len(replacement) - suffix]


def check_edits(original: str, edits: Sequence[Edit]) -> None:
    """Raise :class:`EditError` unless the edits are sorted, disjoint, in bounds and match ``original``."""
    previous: Edit | None = None
    for edit in edits:
        if edit.end > len(original):
            raise EditError(f"edit [{edit.start}, {edit.end}) is beyond the text ({len(original)} characters)")
        if original[edit.start : edit.end] != edit.before:
            raise EditError(
                f"edit at {edit.start} expects {edit.before!r} but the text has {original[edit.start:edit.end]!r}"
            )
        if previous is not None:
            if (previous.start, previous.end) > (edit.start, edit.end):
                raise EditError(f"edits are not sorted: {previous.start} comes before {edit.start}")
            if conflicts(previous, edit):
                raise EditError(f"edits overlap at [{edit.start}, {edit.end})")
        previous = edit


def apply_edits(original: str, edits: Iterable[Edit]) -> str:
    """Replay edits onto the text they were made for.

    The edits may come in any order; they must be disjoint and match the text,
    or :class:`EditError` names the first that does not.

    >>> apply_edits("12 月", [Edit(2, 3, " ", "", kind="layout", confidence=1.0, source="layout:space")])
    '12月'
    """
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    check_edits(original, ordered)
    return _replayed(original, ordered)


def _replayed(original: str, ordered: Sequence[Edit]) -> str:
    """``original`` with ``ordered`` (sorted, checked: :func:`check_edits`) replayed."""
    pieces: list[str] = []
    position = 0
    for edit in ordered:
        pieces.append(original[position : edit.start])
        pieces.append(edit.after)
        position = edit.end
    pieces.append(original[position:])
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class Lifted:
    """A change of the working text expressed in original coordinates.

    ``absorbed`` are earlier edits whose characters the change touches; applying
    the lifted change replaces them (its ``after`` already includes their output).
    """

    start: int
    end: int
    before: str
    after: str
    absorbed: tuple[Edit, ...]


class EditLog:
    """The applied edits of one document, kept in original coordinates.

    >>> log = EditLog("12 月 17 日")
    >>> log.commit([Edit(2, 3, " ", "", kind="layout", confidence=1.0, source="t")])
    >>> log.text
    '12月 17 日'
    >>> lifted = log.lift(1, 3, "2月")   # working span "2月" -> "2月": identity over the deletion
    >>> (lifted.start, lifted.end, lifted.before, [e.start for e in lifted.absorbed])
    (1, 4, '2 月', [2])
    """

    def __init__(self, original: str) -> None:
        self.original = original
        self._edits: list[Edit] = []
        self._text = original
        self._index()

    @property
    def edits(self) -> tuple[Edit, ...]:
        """The applied edits, sorted."""
        return tuple(self._edits)

    @property
    def text(self) -> str:
        """The original with every applied edit replayed: what the next stage sees."""
        return self._text

    def written(self, which: Callable[[Edit], bool] | None = None) -> list[tuple[Edit, tuple[int, int]]]:
        """The applied edits (those ``which`` accepts, default all) with where each wrote into
        :attr:`text`: a sorted ``(start, end)`` working-text span, empty at its place for a deletion.

        >>> log = EditLog("未朵的路")
        >>> log.commit([Edit(1, 2, "朵", "來", kind="char", confidence=1.0, source="t")])
        >>> [span for _, span in log.written()], log.written(lambda edit: edit.kind == "script")
        ([(1, 2)], [])
        """
        return [
            (edit, (self._out_starts[i], self._out_ends[i]))
            for i, edit in enumerate(self._edits)
            if which is None or which(edit)
        ]

    def _index(self) -> None:
        # Working-text start and end of each edit's output (both non-decreasing: outputs keep the
        # edits' order and never overlap) and the total length change of the edits before each,
        # so a working position maps to the original by binary search, not a scan. Machine-integer
        # arrays: a 10 MB document has ~130,000 edits, and a list of ints costs 36 bytes an entry.
        self._out_starts = array("q")
        self._out_ends = array("q")
        self._shift_before = array("q", [0])
        shift = 0
        for edit in self._edits:
            out_start = edit.start + shift
            self._out_starts.append(out_start)
            self._out_ends.append(out_start + len(edit.after))
            shift += edit.delta
            self._shift_before.append(shift)

    def _out_range(self, index: int) -> tuple[int, int]:
        return self._out_starts[index], self._out_ends[index]

    def _to_original(self, position: int) -> tuple[int, int, int | None]:
        """Earliest and latest original positions of a working position, and the edit it is strictly inside.

        Where a deletion sits at ``position`` the working position stands for both
        ends of the deleted text, hence two answers. O(log n + k) for n edits, k of them
        ending exactly at ``position`` (deletions there).
        """
        # Edits [0, done) have output ending at or before the position; [touch, done) exactly at it.
        done = bisect.bisect_right(self._out_ends, position)
        touch = bisect.bisect_left(self._out_ends, position, 0, done)
        if done < len(self._edits) and self._out_starts[done] < position:
            edit = self._edits[done]
            return edit.start, edit.end, done
        candidates = [position - self._shift_before[done]]
        for index in range(touch, done):
            candidates.append(self._edits[index].end)
            if self._out_starts[index] == position:
                candidates.append(self._edits[index].start)
        if done < len(self._edits) and self._out_starts[done] == position:
            candidates.append(self._edits[done].start)
        return min(candidates), max(candidates), None

    def _touching(self, start: int, end: int, w_start: int, w_end: int) -> set[int]:
        found: set[int] = set()
        lo = bisect.bisect_left(self._out_starts, w_start) - 1
        for index in range(max(lo, 0), len(self._edits)):
            out_start, out_end = self._out_range(index)
            if out_start > w_end:
                break
            edit = self._edits[index]
            output_hit = (out_start < w_end and w_start < out_end) or (w_start < out_start < w_end)
            if output_hit or conflicts((edit.start, edit.end), (start, end)):
                found.add(index)
        return found

    def lift(self, w_start: int, w_end: int, after: str) -> Lifted:
        """Express "replace ``text[w_start:w_end]`` by ``after``" in original coordinates."""
        if not 0 <= w_start <= w_end <= len(self._text):
            raise EditError(f"working span [{w_start}, {w_end}) is outside the text")
        _, start, inside_start = self._to_original(w_start)
        if w_start == w_end:
            end, inside_end = start, inside_start
        else:
            end, _, inside_end = self._to_original(w_end)
        absorbed = {i for i in (inside_start, inside_end) if i is not None}
        lo_w, hi_w = w_start, w_end
        while True:
            for index in absorbed:
                out_start, out_end = self._out_range(index)
                start = min(start, self._edits[index].start)
                end = max(end, self._edits[index].end)
                lo_w, hi_w = min(lo_w, out_start), max(hi_w, out_end)
            grown = absorbed | self._touching(start, end, lo_w, hi_w)
            if grown == absorbed:
                break
            absorbed = grown
        new_after = self._text[lo_w:w_start] + after + self._text[w_end:hi_w]
        return Lifted(
            start=start,
            end=end,
            before=self.original[start:end],
            after=new_after,
            absorbed=tuple(self._edits[i] for i in sorted(absorbed)),
        )

    def to_edit(
        self,
        lifted: Lifted,
        *,
        kind: str,
        confidence: float,
        source: str,
        evidence: tuple[Evidence, ...],
    ) -> Edit | None:
        """Make the edit for a lifted change (``None`` when, net of what it absorbs, nothing changes)."""
        if lifted.before == lifted.after:
            return None
        if lifted.absorbed:
            merged = Merged(
                sources=tuple(e.source for e in lifted.absorbed),
                afters=tuple(e.after for e in lifted.absorbed),
            )
            evidence = evidence + (merged,)
            confidence = min([confidence, *(e.confidence for e in lifted.absorbed)])
        return Edit(lifted.start, lifted.end, lifted.before, lifted.after, kind, confidence, source, evidence)

    def commit(self, edits: Sequence[Edit], absorbed: Iterable[Edit] = ()) -> None:
        """Apply new edits (original coordinates), dropping the earlier edits they absorbed.

        ``absorbed`` edits that no new edit replaces (a change that undid them) are dropped too.
        """
        # (An edit hashes its whole evidence: the filter only runs when something is dropped.)
        dropped = set(absorbed)
        kept = [e for e in self._edits if e not in dropped] if dropped else self._edits
        merged = sorted([*kept, *edits], key=lambda e: (e.start, e.end))
        check_edits(self.original, merged)
        self._edits = merged
        self._text = _replayed(self.original, merged)  # apply_edits, without sorting and checking again
        self._index()


def carry_span(start: int, end: int, changes: Sequence[tuple[int, int, int]]) -> int | None:
    """Where ``text[start:end]`` starts once each ``text[s:e]`` of ``changes`` became ``size`` characters.

    ``changes`` are disjoint ``(s, e, size)`` triples in ``text``'s coordinates. A change of the
    same length over the span leaves it in place (its characters may differ: the caller
    rechecks them); a change that resizes any of it gives ``None``. An insertion at ``start``
    goes before the span.

    >>> carry_span(5, 6, [(0, 2, 1), (5, 6, 1), (7, 7, 3)])
    4
    >>> carry_span(5, 6, [(4, 6, 1)]) is None
    True
    """
    shift = 0
    for change_start, change_end, size in changes:
        if change_end <= start:
            shift += size - (change_end - change_start)
        elif change_start < end and size != change_end - change_start:
            return None
    return start + shift


def carry_spans(spans: Sequence[tuple[int, int]], changes: Sequence[tuple[int, int, int]]) -> list[int | None]:
    """:func:`carry_span` for many spans over the same changes, by binary search: O((n + m) log m).

    >>> carry_spans([(5, 6), (1, 2)], [(0, 2, 1), (5, 6, 1), (7, 7, 3)])
    [4, None]
    """
    ordered = sorted(changes)
    # Disjoint changes sorted by start are sorted by end too: those ending by a position are a prefix.
    ends = [change_end for _, change_end, _ in ordered]
    shifts = [0, *itertools.accumulate(size - (change_end - change_start) for change_start, change_end, size in ordered)]
    carried: list[int | None] = []
    for start, end in spans:
        before = bisect.bisect_right(ends, start)
        resized = False
        for change_start, change_end, size in itertools.islice(ordered, before, None):
            if change_start >= end:
                break
            if size != change_end - change_start:
                resized = True
                break
        carried.append(None if resized else start + shifts[before])
    return carried
