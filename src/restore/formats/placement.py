"""Where each edit of the document text goes in the file: which element, at which character.

Edits are in :class:`~restore.formats.model.OcrDocument` text offsets. Each becomes a
:class:`Change` in the coordinates of one element's text. An insertion goes into the element whose
last character it follows (else the one whose first character it precedes), so it stays inside the
String/Word its neighbours came from; an edit spanning several elements gives its whole new text to
the first and deletes its share of the others. Spaces and line breaks are geometry in the XML
formats, so edits that only join lines or add or drop spaces are *not written* (reported back).

>>> from restore.edits import Edit
>>> from restore.formats.model import DocumentBuilder
>>> b = DocumentBuilder()
>>> b.add_word("己经", line=0, ref="w1", kind="Word", confidences=(None, None))
>>> b.add_word("开放", line=1, ref="w2", kind="Word", confidences=(None, None))
>>> doc = b.build(format="page", version="", engine="", source=b"", path="p.xml")
>>> edits = [Edit(0, 1, "己", "已", kind="char", confidence=0.9, source="lm:char5"),
...          Edit(2, 3, "\\n", "", kind="layout", confidence=0.9, source="layout:join")]
>>> placed = place(doc, edits)
>>> placed.changes[0][0].after, [e.source for e in placed.not_written]
('已', ['layout:join'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from restore.edits import Edit, apply_edits
from restore.formats.model import Box, OcrDocument, boxes_between
from restore.formats.safexml import parse_xml


@dataclass(frozen=True)
class Change:
    """Replace ``element_text[start:end]`` by ``after`` (element-local code points)."""

    start: int
    end: int
    after: str
    confidence: float
    source: str


@dataclass(frozen=True)
class Placement:
    """Changes per element index (sorted, non-overlapping) and the edits that cannot go into the file."""

    changes: dict[int, list[Change]] = field(default_factory=dict)
    not_written: tuple[Edit, ...] = ()


def _strip_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def place(document: OcrDocument, edits: Iterable[Edit]) -> Placement:
    """Assign every edit to the elements it changes; see the module docstring."""
    index_of = {id(e): i for i, e in enumerate(document.elements)}
    changes: dict[int, list[Change]] = {}
    skipped: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        after = _strip_space(edit.after)
        targets = document.elements_in(edit.start, edit.end)
        if not targets or _strip_space(edit.before) == after:
            skipped.append(edit)
            continue
        for number, element in enumerate(targets):
            local_start = max(edit.start, element.start) - element.start
            local_end = min(edit.end, element.end) - element.start
            if edit.start == edit.end:  # an insertion: at the element's end or start or inside
                local_start = local_end = edit.start - element.start
            change = Change(local_start, local_end, after if number == 0 else "", edit.confidence, edit.source)
            changes.setdefault(index_of[id(element)], []).append(change)
    return Placement(changes, tuple(skipped))


def apply_changes(text: str, changes: Sequence[Change]) -> str:
    """``text`` with the (sorted, non-overlapping) changes made.

    >>> apply_changes("图书官", [Change(2, 3, "馆", 0.9, "lm")])
    '图书馆'
    """
    return apply_edits(text, [Edit(c.start, c.end, text[c.start : c.end], c.after, kind="char",
                                   confidence=c.confidence, source=c.source) for c in changes])


def begin_write(document: OcrDocument, edits: Iterable[Edit]) -> tuple[Placement, etree._Element] | None:
    """Where the edits go and a fresh parse of the file to write them into; None when none goes in."""
    placement = place(document, edits)
    if not placement.changes:
        return None
    return placement, parse_xml(document.source, document.path)


@dataclass(frozen=True)
class CharStep:
    """One step of turning an element's characters into the new ones, for per-character children.

    ``op``: ``keep`` (old child ``old`` unchanged), ``replace`` (old child ``old`` now reads ``char``),
    ``delete`` (old child ``old`` goes) or ``insert`` (a new child reading ``char`` after the previous step).
    """

    op: str
    old: int
    char: str = ""
    confidence: float = 1.0


def char_steps(length: int, changes: Sequence[Change]) -> list[CharStep]:
    """Per-character steps for an element of ``length`` characters (glyphs, ``ocrx_cinfo``, CC digits).

    A change of k characters into m pairs the first min(k, m) one to one, then deletes or inserts the rest.

    >>> [(s.op, s.old, s.char) for s in char_steps(3, [Change(1, 2, "ab", 0.9, "lm")])]
    [('keep', 0, ''), ('replace', 1, 'a'), ('insert', 1, 'b'), ('keep', 2, '')]
    """
    steps: list[CharStep] = []
    cursor = 0
    for change in changes:
        steps.extend(CharStep("keep", i) for i in range(cursor, change.start))
        old = list(range(change.start, change.end))
        for i, char in enumerate(change.after):
            if i < len(old):
                steps.append(CharStep("replace", old[i], char, change.confidence))
            else:
                steps.append(CharStep("insert", old[-1] if old else change.start - 1, char, change.confidence))
        steps.extend(CharStep("delete", i) for i in old[len(change.after) :])
        cursor = change.end
    steps.extend(CharStep("keep", i) for i in range(cursor, length))
    return steps


def inserted_boxes(steps: Sequence[CharStep], boxes: Sequence[Box | None]) -> dict[int, Box]:
    """Boxes for the inserted characters of ``steps`` (index in ``steps`` -> box), from ``boxes``,
    the element's character boxes (one per old character, None where unknown).

    A run of insertions between the characters of old indices i and i + 1 (each kept or replaced)
    shares the room between their boxes (:func:`~restore.formats.model.boxes_between`); a run at an
    element's edge, or where the boxes leave no room, gets none.

    >>> steps = char_steps(3, [Change(1, 1, "、", 0.9, "lm")])
    >>> inserted_boxes(steps, [(0, 0, 20, 20), (44, 0, 64, 20), (66, 0, 86, 20)])
    {1: (20.0, 0.0, 44.0, 20.0)}
    """
    placed: dict[int, Box] = {}
    run: list[int] = []
    for index, step in enumerate([*steps, None]):
        if step is not None and step.op == "insert":
            run.append(index)
            continue
        if run and step is not None and step.op in ("keep", "replace") and run[0] > 0:
            before = steps[run[0] - 1]
            if before.op in ("keep", "replace") and step.old == before.old + 1:
                left, right = boxes[before.old], boxes[step.old]
                room = boxes_between(left, right, len(run)) if left is not None and right is not None else None
                placed.update(zip(run, room or ()))
        run = []
    return placed


def written_edits(edits: Iterable[Edit], placement: Placement) -> list[Edit]:
    """The edits that did go into the file (all but ``placement.not_written``)."""
    skipped = {id(e) for e in placement.not_written}
    return [e for e in edits if id(e) not in skipped]
