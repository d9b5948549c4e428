"""hOCR (Tesseract and others): read ``ocrx_word``/``ocrx_cinfo`` text and confidences, write corrections.

Reading: elements whose class is a line class (``ocr_line``, ``ocr_header``, ``ocr_caption``,
``ocr_textfloat``) are lines and their ``ocrx_word`` descendants the words. ``x_wconf`` (0–100) gives
each character of a word its confidence, ``ocrx_cinfo`` children (Tesseract's
``-c hocr_char_boxes=1``) with ``x_conf`` (0–100) a confidence per character. The engine is named by
``<meta name="ocr-system">``. The file is parsed as XML (Tesseract writes XHTML); the XHTML DOCTYPE
is kept and never fetched.

Writing: the word's text is replaced and its ``bbox`` kept. With character boxes, a replaced
character's ``ocrx_cinfo`` gets the new character (box kept, ``x_conf`` restore's confidence, as
ALTO's GC and PAGE's conf), a deleted one loses its
text (its box stays: hOCR boxes are geometry), and an inserted character gets its own ``ocrx_cinfo``
in the room its neighbours' boxes leave (where the engine dropped a character its boxes have a
hole), inside a word or between two words (the new box then goes into the left word, whose
``bbox`` is kept, so it lies beside that bbox); where they leave none it joins its left
neighbour's ``ocrx_cinfo`` (or the right one's at a word start), so the character count of the
word and the number of boxes may differ, as hOCR allows. hOCR has no element for a provenance
record; the JSONL keeps the OCR reading.
"""

from __future__ import annotations

import math
import re
from copy import deepcopy
from collections.abc import Iterator, Sequence

from lxml import etree

from restore.edits import Edit
from restore.formats.model import Box, DocumentBuilder, OcrDocument, producer
from restore.formats.placement import Change, CharStep, apply_changes, begin_write, char_steps, inserted_boxes
from restore.formats.safexml import parse_xml
from restore.formats.splice import Original
from restore.formats.xmledit import serialize, serialize_spliced

LINE_CLASSES = frozenset({"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat", "ocrx_line"})
_CONF = re.compile(r"\bx_w?conf\s+(-?[\d.]+)")
_CHAR_CONF = re.compile(r"\bx_conf\s+-?[\d.]+")  # an ocrx_cinfo's own confidence, rewritten in place
# A character box: ``x_bboxes`` (Tesseract's ocrx_cinfo) or ``bbox``, four integers x0 y0 x1 y1.
_BOX = re.compile(r"\b(?:x_bboxes|bbox)\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)")


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def is_hocr(root: etree._Element) -> bool:
    """True for an XHTML/HTML root holding ``ocr_page`` or ``ocrx_word`` elements."""
    if etree.QName(root).localname != "html":
        return False
    return any("ocr_page" in _classes(e) or "ocrx_word" in _classes(e) for e in root.iter() if isinstance(e.tag, str))


def words(root: etree._Element) -> Iterator[tuple[int, int, etree._Element]]:
    """``(line number, word number, ocrx_word)`` for every word with text, in document order."""
    line_number = -1
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if _classes(element) & LINE_CLASSES:
            line_number += 1
            word = 0
            for candidate in element.iter():
                if isinstance(candidate.tag, str) and "ocrx_word" in _classes(candidate) and _text(candidate):
                    yield line_number, word, candidate
                    word += 1


def _text(element: etree._Element) -> str:
    # The layout whitespace between ocrx_cinfo spans is not text; words never contain spaces.
    return "".join("".join(element.itertext()).split())


def _conf(element: etree._Element) -> float | None:
    found = _CONF.search(element.get("title") or "")
    if not found:
        return None
    value = float(found.group(1))
    return min(max(value / 100, 0.0), 1.0) if value >= 0 else None


def _box(element: etree._Element) -> Box | None:
    found = _BOX.search(element.get("title") or "")
    if not found:
        return None
    x0, y0, x1, y1 = (float(v) for v in found.groups())
    return (x0, y0, x1, y1)


def _cinfos(word: etree._Element) -> list[etree._Element]:
    return [e for e in word.iter() if isinstance(e.tag, str) and "ocrx_cinfo" in _classes(e)]


def read(data: bytes, name: str, root: etree._Element | None = None) -> OcrDocument:
    """Read an hOCR file (XHTML); errors name the file."""
    root = parse_xml(data, name) if root is None else root
    builder = DocumentBuilder()
    for line, number, word in words(root):
        text = _text(word)
        confidences: list[float | None] = [_conf(word)] * len(text)
        cinfos = _cinfos(word)
        boxes: list[Box | None] = [_box(word)] if len(text) == 1 else []
        if len(cinfos) == len(text) and all(len((c.text or "")) == 1 for c in cinfos):
            confidences = [_conf(c) if _conf(c) is not None else confidences[i] for i, c in enumerate(cinfos)]
            boxes = [_box(c) for c in cinfos]
        builder.add_word(
            text, line=line, ref=word.get("id") or f"line {line + 1} word {number + 1}",
            kind="ocrx_word", confidences=confidences, boxes=boxes,
        )
    engine, software = producer(
        meta.get("content") or "" for meta in root.iter("{*}meta") if meta.get("name") == "ocr-system"
    )
    return builder.build(format="hocr", version="", engine=engine, source=data, path=name, software=software)


def write(document: OcrDocument, edits: Sequence[Edit]) -> bytes:
    """The hOCR file with ``edits`` written into the words' text; the source bytes if none apply."""
    begun = begin_write(document, edits)
    if begun is None:
        return document.source
    placement, root = begun
    original = Original(root)
    found = list(words(root))
    targets = [word for _line, _number, word in found]
    # The first character box of the next word on the same line: the far side of the room an
    # insertion at a word's end may take (read before any word changes).
    next_boxes = [
        _first_char_box(found[index + 1][2]) if index + 1 < len(found) and found[index + 1][0] == line else None
        for index, (line, _number, _word) in enumerate(found)
    ]
    for index, changes in sorted(placement.changes.items()):
        original.watch(targets[index])
        _correct_word(targets[index], changes, next_boxes[index])
    return serialize_spliced(root, document.source, original) or _serialize_xhtml(root, document.source)


# HTML elements written as <br/>; every other empty element must be <x></x> for browsers.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


def _serialize_xhtml(root: etree._Element, source: bytes) -> bytes:
    """Serialize without libxml2's XHTML mode (which adds ``xml:lang`` beside every ``lang``), keeping
    the declaration and DOCTYPE as they were and writing empty non-void elements open and closed as
    browsers need. The root is copied out of its document: with the XHTML DOCTYPE attached,
    libxml2 would serialize in XHTML mode."""
    copy = deepcopy(root)
    for element in copy.iter():
        if isinstance(element.tag, str) and element.text is None and len(element) == 0:
            if etree.QName(element).localname not in _VOID:
                element.text = ""
    return serialize(copy, source, encoding=root.getroottree().docinfo.encoding)


def _first_char_box(word: etree._Element) -> Box | None:
    """The box of the word's first character: its first ``ocrx_cinfo``, or the word's for a one-character word."""
    cinfos = _cinfos(word)
    if cinfos and len(cinfos[0].text or "") == 1:
        return _box(cinfos[0])
    return _box(word) if len(_text(word)) == 1 else None


def _correct_word(word: etree._Element, changes: list[Change], next_box: Box | None = None) -> None:
    """Write ``changes`` into the word; with character boxes, an inserted character gets its own
    ``ocrx_cinfo`` in the room its neighbours' boxes leave, at the word's end the room before
    ``next_box`` (the next word's first character): the word's own ``bbox`` is kept, so that box
    lies beside it."""
    old = _text(word)
    cinfos = _cinfos(word)
    if len(cinfos) == len(old) and all(len(c.text or "") == 1 for c in cinfos):
        steps = char_steps(len(old), changes)
        boxes = [_box(c) for c in cinfos]
        # A last "keep" of the next word's first character lets a run at the word's end take the room before it.
        placed = inserted_boxes([*steps, CharStep("keep", len(old))], [*boxes, next_box])
        new_text = [c.text or "" for c in cinfos]
        prefix = ""  # characters inserted before the word's first character
        added: dict[int, list[etree._Element]] = {}  # new ocrx_cinfo spans, by the left neighbour's index
        for index, step in enumerate(steps):
            if step.op == "replace":
                new_text[step.old] = step.char
                _set_x_conf(cinfos[step.old], step.confidence)
            elif step.op == "delete":
                new_text[step.old] = ""
            elif step.op == "insert" and index in placed:
                added.setdefault(step.old, []).append(_new_cinfo(cinfos[step.old], step.char, placed[index], step.confidence))
            elif step.op == "insert" and step.old < 0:
                prefix += step.char
            elif step.op == "insert":
                new_text[step.old] += step.char
        new_text[0] = prefix + new_text[0]
        for cinfo, text in zip(cinfos, new_text):
            cinfo.text = text
        for left, spans in added.items():
            anchor = cinfos[left]
            parent = anchor.getparent()
            assert parent is not None  # an ocrx_cinfo found under the word
            for offset, span in enumerate(spans, start=1):
                parent.insert(parent.index(anchor) + offset, span)
        return
    _replace_text(word, apply_changes(old, changes))


def _set_x_conf(cinfo: etree._Element, confidence: float) -> None:
    """Give a replaced character's ``ocrx_cinfo`` restore's ``confidence`` (0–1) as its ``x_conf``
    (0–100), as ALTO's GC and PAGE's conf get it: the engine's was for the character it read.

    >>> span = etree.Element("span", title="x_bboxes 1 2 3 4; x_conf 96.5")
    >>> _set_x_conf(span, 0.9); span.get("title")
    'x_bboxes 1 2 3 4; x_conf 90.00'
    >>> span = etree.Element("span", title="x_bboxes 1 2 3 4")
    >>> _set_x_conf(span, 0.9); span.get("title")
    'x_bboxes 1 2 3 4; x_conf 90.00'
    """
    title, value = cinfo.get("title") or "", f"x_conf {100 * confidence:.2f}"
    changed, found = _CHAR_CONF.subn(value, title, count=1)
    cinfo.set("title", changed if found else "; ".join(part for part in (title.strip(), value) if part))


def _new_cinfo(template: etree._Element, char: str, box: Box, confidence: float) -> etree._Element:
    """An ``ocrx_cinfo`` like ``template`` (tag, class, layout whitespace after it) reading ``char``
    in ``box`` (hOCR boxes are integers: rounded outwards), ``x_conf`` from ``confidence`` (0–1)."""
    span = etree.Element(template.tag, {k: v for k, v in template.attrib.items() if k not in ("id", "title")})
    x0, y0, x1, y1 = math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3])
    span.set("title", f"x_bboxes {x0} {y0} {x1} {y1}; x_conf {100 * confidence:.2f}")
    span.text = char
    span.tail = template.tail
    return span


def _replace_text(word: etree._Element, new: str) -> None:
    """Put ``new`` where the word's text is: its innermost element holding text (``<strong>``, ``<em>``)."""
    holder = word
    while len(holder) == 1 and not (holder.text or "").strip():
        holder = holder[0]
    for child in list(holder):
        holder.remove(child)
    holder.text = new
