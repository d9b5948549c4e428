"""The document model every OCR format reads into: text, per-character confidence, alternatives, elements.

A reader turns a file into an :class:`OcrDocument`: the text restore restores (lines joined by
``\\n``; words joined by a space only where neither side is CJK, because engines and PAGE space
Chinese words that the page does not), the engine's confidence of every character (0–1, 1 = sure;
``None`` where the file says nothing or for the separators the reader put in), the engine's
alternatives where the file has them, and the :class:`TextElement` that holds every character.

>>> builder = DocumentBuilder()
>>> builder.add_word("区图", line=0, ref="string_0", kind="String", confidences=(0.99, 0.62))
>>> builder.add_word("书馆", line=0, ref="string_1", kind="String", confidences=(0.9, 0.9))
>>> builder.add_word("open", line=1, ref="string_2", kind="String", confidences=(None,) * 4)
>>> document = builder.build(format="alto", version="4.4", engine="tesseract", source=b"", path="a.xml")
>>> document.text
'区图书馆\\nopen'
>>> document.element_at(2).ref, document.element_at(4) is None
('string_1', True)
>>> document.confidences[1]
0.62
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# CJK characters and full-width marks: no space between two words when either side is one of these.
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\U00020000-\U0003134f]")

# Engines the char stage has a calibration for; ``""`` = unknown (confidences then unused).
ENGINES = ("tesseract", "ppocrv4", "ppocrv6", "ppocr")

# A character's box in the file's coordinates: (x0, y0, x1, y1), x to the right, y down.
Box = tuple[float, float, float, float]


def bounding_box(points: Iterable[Sequence[object]]) -> Box | None:
    """The box around a polygon's ``(x, y)`` points (RapidOCR's four corners, PAGE ``Coords``);
    None unless there are points and every one is two finite numbers.

    >>> bounding_box([[10, 5], [30, 5], [30, 25], [10, 25]])
    (10.0, 5.0, 30.0, 25.0)
    >>> bounding_box([]) is None, bounding_box([["a", 1]]) is None
    (True, True)
    """
    xs: list[float] = []
    ys: list[float] = []
    for point in points:
        if len(point) != 2:
            return None
        x, y = point
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (x, y)):
            return None
        xs.append(float(x))  # type: ignore[arg-type]
        ys.append(float(y))  # type: ignore[arg-type]
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def boxes_between(left: Box, right: Box, count: int) -> list[Box] | None:
    """Boxes for ``count`` characters restore puts back between two neighbouring character boxes:
    the room between them along their line, split evenly (a line runs left to right when the boxes
    overlap vertically, top to bottom when they overlap horizontally: ``ttb`` lines). None when they
    are not neighbours on one line, or leave less than half a character's room per character (the
    mean extent of the two along the line): the space between tight ink boxes (Tesseract's) is no
    hole, while a character the engine dropped leaves about a whole cell (Chinese print sets every
    character, marks too, in one square cell).

    >>> boxes_between((0, 0, 20, 24), (48, 2, 68, 26), 1)   # one hole, 28 units wide
    [(20.0, 0.0, 48.0, 26.0)]
    >>> boxes_between((0, 0, 20, 20), (0, 40, 20, 60), 2)   # a vertical line: split top to bottom
    [(0.0, 20.0, 20.0, 30.0), (0.0, 30.0, 20.0, 40.0)]
    >>> boxes_between((0, 0, 20, 24), (23, 0, 43, 24), 1) is None   # 3 units: spacing, not a cell
    True
    >>> boxes_between((0, 0, 20, 24), (18, 0, 38, 24), 1) is None, boxes_between((0, 0, 20, 20), (30, 50, 50, 70), 1) is None
    (True, True)
    """
    if count < 1:
        return None
    (lx0, ly0, lx1, ly1), (rx0, ry0, rx1, ry1) = left, right
    x0, y0, x1, y1 = float(min(lx0, rx0)), float(min(ly0, ry0)), float(max(lx1, rx1)), float(max(ly1, ry1))
    if min(ly1, ry1) > max(ly0, ry0) and rx0 > lx1:  # side by side on a horizontal line
        step = (rx0 - lx1) / count
        if step < (lx1 - lx0 + rx1 - rx0) / 4:
            return None
        return [(lx1 + i * step, y0, lx1 + (i + 1) * step, y1) for i in range(count)]
    if min(lx1, rx1) > max(lx0, rx0) and ry0 > ly1:  # one above the other on a vertical line
        step = (ry0 - ly1) / count
        if step < (ly1 - ly0 + ry1 - ry0) / 4:
            return None
        return [(x0, ly1 + i * step, x1, ly1 + (i + 1) * step) for i in range(count)]
    return None


def is_cjk(char: str) -> bool:
    """True for a CJK ideograph or full-width mark (words around it are not separated by spaces).

    >>> is_cjk("书"), is_cjk("，"), is_cjk("a")
    (True, True, False)
    """
    return bool(_CJK.match(char))


def joiner(left: str, right: str) -> str:
    """The separator the reader puts between two words of a line: ``""`` next to CJK, else ``" "``.

    >>> joiner("图书", "馆"), joiner("ALTO", "4"), joiner("第", "4")
    ('', ' ', '')
    """
    if not left or not right or is_cjk(left[-1]) or is_cjk(right[0]):
        return ""
    return " "


@dataclass(frozen=True)
class TextElement:
    """The element of the file that holds ``text[start:end]``.

    ``ref`` names it for people (its ``ID``/``id`` or ``line L word W``, 1-based); ``kind`` is the
    element's name in its format (``String``, ``ocrx_word``, ``Word``, ``TextLine``, ``word``,
    ``line``); ``line`` is the 0-based line of the document text.
    """

    ref: str
    kind: str
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class OcrDocument:
    """One OCR file read into restore's terms.

    ``format``: ``alto``, ``hocr``, ``page``, ``tesseract-tsv``, ``rapidocr-json`` or
    ``paddleocr-json``; ``version``: the format version the file declares (``4.4``, ``3``,
    ``2019-07-15``…, ``""`` when it has none); ``engine``: the engine named by the file's metadata
    (one of :data:`ENGINES`, or ``""``); ``software``: the producer the file names, as it names it
    (``tesseract 5.3.0``, ``kraken 4.3.13``, ``ABBYY FineReader 11``; ``""`` when it names none),
    whether or not restore knows the engine; ``confidences``: one value per character of ``text``;
    ``alternatives``: offset -> the engine's other readings of that character with their confidence;
    ``boxes``: offset -> the character's own :data:`Box` where the file gives one (ALTO and PAGE
    ``Glyph``s, hOCR ``ocrx_cinfo``, RapidOCR word boxes, a one-character word); they show where an
    engine dropped a character (:mod:`restore.stages.engine_gaps`);
    ``source``: the file's bytes (the writers edit a fresh parse of them).
    """

    path: str
    format: str
    version: str
    engine: str
    text: str
    confidences: tuple[float | None, ...]
    alternatives: dict[int, tuple[tuple[str, float | None], ...]]
    elements: tuple[TextElement, ...]
    source: bytes = field(repr=False, default=b"")
    boxes: dict[int, Box] = field(default_factory=dict, repr=False)
    software: str = ""
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.confidences) != len(self.text):
            raise ValueError(f"{len(self.confidences)} confidences for {len(self.text)} characters")
        object.__setattr__(self, "_starts", tuple(e.start for e in self.elements))

    @property
    def has_confidences(self) -> bool:
        """True when the engine gave a confidence for at least one character."""
        return any(c is not None for c in self.confidences)

    def element_at(self, offset: int) -> TextElement | None:
        """The element holding ``text[offset]``; ``None`` for a space or line break the reader put in."""
        index = bisect.bisect_right(self._starts, offset) - 1
        if index >= 0 and self.elements[index].start <= offset < self.elements[index].end:
            return self.elements[index]
        return None

    def elements_in(self, start: int, end: int) -> list[TextElement]:
        """Elements sharing a character with ``[start, end)``, or, for an insertion, the one it lands in."""
        if start == end:
            return [e for e in (self.element_at(start - 1) if start else None, self.element_at(start)) if e][:1]
        first = max(bisect.bisect_right(self._starts, start) - 1, 0)
        return [e for e in self.elements[first:] if e.start < end and e.end > start and e.start < end]

    def describe(self, start: int, end: int) -> str:
        """Who holds ``[start, end)``, for records and reports: ``string_3``, ``string_3+string_4`` or ``line 2``.

        Spaces and line breaks belong to no element; they are named by their line.
        """
        found = self.elements_in(start, end)
        if found:
            return "+".join(e.ref for e in found)
        line = self.text.count("\n", 0, start)
        return f"line {line + 1}"


@dataclass
class DocumentBuilder:
    """Assembles an :class:`OcrDocument` word by word, in reading order."""

    _parts: list[str] = field(default_factory=list)
    _confidences: list[float | None] = field(default_factory=list)
    _alternatives: dict[int, tuple[tuple[str, float | None], ...]] = field(default_factory=dict)
    _boxes: dict[int, Box] = field(default_factory=dict)
    _elements: list[TextElement] = field(default_factory=list)
    _length: int = 0
    _line: int = -1
    _line_index: int = -1
    _last: str = ""

    def add_word(
        self,
        text: str,
        *,
        line: int,
        ref: str,
        kind: str,
        confidences: Sequence[float | None],
        alternatives: Sequence[tuple[tuple[str, float | None], ...]] = (),
        boxes: Sequence[Box | None] = (),
    ) -> None:
        """Append a word of ``line`` (lines must come in increasing order); empty words are skipped.

        ``boxes``: each character's own box, or ``None`` where the file has none (empty: none at all).
        """
        if not text:
            return
        if len(confidences) != len(text):
            raise ValueError(f"{ref}: {len(confidences)} confidences for {len(text)} characters")
        if boxes and len(boxes) != len(text):
            raise ValueError(f"{ref}: {len(boxes)} character boxes for {len(text)} characters")
        if self._line >= 0 and line != self._line:
            self._separator("\n")
        elif self._line >= 0:
            self._separator(joiner(self._last, text))
        if line != self._line:
            self._line_index += 1
        self._line = line
        start = self._length
        for index, alternative in enumerate(alternatives):
            if alternative:
                self._alternatives[start + index] = alternative
        for index, box in enumerate(boxes):
            if box is not None:
                self._boxes[start + index] = box
        self._parts.append(text)
        self._confidences.extend(confidences)
        self._length += len(text)
        self._elements.append(TextElement(ref, kind, start, self._length, self._line_index))
        self._last = text

    def _separator(self, text: str) -> None:
        if text:
            self._parts.append(text)
            self._confidences.extend([None] * len(text))
            self._length += len(text)

    def build(
        self, *, format: str, version: str, engine: str, source: bytes, path: str, software: str = ""
    ) -> OcrDocument:
        """The finished document."""
        return OcrDocument(
            path=path,
            format=format,
            version=version,
            engine=engine,
            text="".join(self._parts),
            confidences=tuple(self._confidences),
            alternatives=dict(self._alternatives),
            elements=tuple(self._elements),
            source=source,
            boxes=dict(self._boxes),
            software=software,
        )


def producer(names: Iterable[str]) -> tuple[str, str]:
    """``(engine, software)`` of a file's producer strings: the first that names an engine restore
    knows, with that engine; else ``("", the first one)``. restore's own entries (a file restore
    wrote) and blank strings are skipped.

    >>> producer(["restore 0.9", "kraken 4.3.13", "tesseract 4.1.1"]), producer(["ABBYY FineReader 11"]), producer([" "])
    (('tesseract', 'tesseract 4.1.1'), ('', 'ABBYY FineReader 11'), ('', ''))
    """
    named = [" ".join(name.split()) for name in names]
    named = [name for name in named if name and name.split()[0].lower() != "restore"]
    for name in named:
        engine = engine_from_software(name)
        if engine:
            return engine, name
    return "", named[0] if named else ""


def first_engine(names: Iterable[str]) -> str:
    """The engine the first producer string that names one names, or ``""``.

    >>> first_engine(["kraken", "tesseract 4.1.1"])
    'tesseract'
    """
    return producer(names)[0]


def engine_from_software(name: str) -> str:
    """The engine a producer string names (``tesseract 5.3.0`` -> ``tesseract``), or ``""``.

    >>> engine_from_software("tesseract 5.3.0"), engine_from_software("ABBYY FineReader")
    ('tesseract', '')
    """
    lowered = name.lower()
    if "tesseract" in lowered:
        return "tesseract"
    for engine in ("ppocrv4", "ppocrv6"):
        if engine in lowered.replace("-", "").replace("_", ""):
            return engine
    if "paddle" in lowered or "rapidocr" in lowered:
        return "ppocr"
    return ""
