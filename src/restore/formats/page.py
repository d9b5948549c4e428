"""PAGE-XML (2010–2019 namespaces; OCR-D, Transkribus, eScriptorium): TextEquiv at Line, Word and Glyph.

Reading: every ``TextLine`` is a line (regions and lines in document order). Its ``Word`` elements
are the words; a line without Words is one word. An element's reading is its first ``TextEquiv`` in
:func:`ranked` order. The PAGE 2019 schema says only that "the text content with the lowest index
should be interpreted as the main text content"; ``@index`` is optional and says nothing of a
TextEquiv without one. Producers that write several TextEquivs write them in rank order (OCR-D:
ascending ``@index``, descending ``@conf``), so where ``@index`` is missing restore trusts document
order: explicit indices rank lowest first, and a TextEquiv without one ranks right after the
TextEquiv before it in the document, or first when it comes first. ``<TextEquiv conf="0.51">睛朗``
followed by ``<TextEquiv index="2">晴朗`` reads 睛朗 (the engine's runner-up stays second), and
``index="1"``, ``index="2"``, then an unindexed one rank in that order. PAGE joins a line's Words
with one space; the reader drops that space between CJK characters (``joiner``), so ``区 图书馆``
reads ``区图书馆``. A
character's confidence is its ``Glyph``'s ``TextEquiv/@conf`` (0–1) when the Word has one Glyph per
character, else the Word's, else the Line's; a Glyph's further TextEquivs are the engine's
alternatives. ``@readingDirection`` (``top-to-bottom`` for vertical Chinese) does not change the text:
Words are read in document order, which is reading order.

Writing: every changed element gets a new ``TextEquiv`` with the corrected reading at the lowest
index and ``comments="restore: corrected"``, and its previous readings move one index down, the OCR
reading first with ``comments="OCR"`` (indices are made explicit), and a further reading equal to
the correction (an engine alternative restore chose) goes. Changed Words update their Line's
and Region's TextEquiv the same way (the Line's text rebuilt with the separator it used). Glyphs
follow their characters: a replaced Glyph gets a corrected TextEquiv the same way, a deleted
character's Glyph goes, an inserted character gets a new Glyph whose ``Coords`` are the room the
engine's cut left between its neighbours (a dropped character leaves a hole); where there is no such
room (PAGE requires ``Coords``) the insertion updates the Word only and the Glyphs stay as the engine
cut them. A corrected Word's Glyphs then read its new text, first TextEquiv by first TextEquiv;
where they do not (no room for an inserted Glyph, not one Glyph per character, Glyphs that did not
read the Word before), the Word's corrected TextEquiv says so and why in its ``@comments``
(``restore: corrected; its Glyphs read …: not updated, 3 Glyphs for 4 characters``). Coordinates,
baselines and every other attribute are unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from copy import deepcopy

from lxml import etree

from restore.edits import Edit
from restore.errors import InputError
from restore.formats.model import Box, DocumentBuilder, OcrDocument, bounding_box, producer
from restore.formats.placement import Change, apply_changes, begin_write, char_steps, inserted_boxes
from restore.formats.safexml import parse_xml
from restore.formats.splice import Original
from restore.formats.xmledit import insert_child, remove_child, serialize

_BASE = "http://schema.primaresearch.org/PAGE/gts/pagecontent/"
VERSIONS = ("2009-03-16", "2010-01-12", "2010-03-19", "2013-07-15", "2016-07-15", "2017-07-15", "2018-07-15", "2019-07-15")
CORRECTED_COMMENT = "restore: corrected"
OCR_COMMENT = "OCR"


def version_of(root: etree._Element, name: str) -> tuple[str, str]:
    """``(namespace, version date)`` of a PAGE root; :class:`InputError` for an unknown namespace."""
    ns = etree.QName(root).namespace or ""
    version = ns[len(_BASE) :] if ns.startswith(_BASE) else ""
    if version not in VERSIONS:
        raise InputError(f"{name}: unknown PAGE namespace {ns or '(none)'!r}")
    return ns, version


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def reading(element: etree._Element, ns: str) -> tuple[etree._Element | None, str, float | None]:
    """The element's own reading: ``(TextEquiv, Unicode text, conf)`` of its first :func:`ranked` TextEquiv."""
    equivs = ranked(element, ns)
    if not equivs:
        return None, "", None
    best = equivs[0]
    unicode = best.find(_q(ns, "Unicode"))
    conf = best.get("conf")
    return best, (unicode.text or "") if unicode is not None else "", float(conf) if conf else None


def ranked(element: etree._Element, ns: str) -> list[etree._Element]:
    """The element's TextEquivs, the main reading first (see the module docstring).

    Explicit ``@index`` values rank lowest first; a TextEquiv without one (or with one that is
    no integer) takes the rank of the TextEquiv before it in the document and follows it, or
    ranks first when it comes first. Ties keep document order.

    >>> ns = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
    >>> def order(*indices):
    ...     word = etree.Element(_q(ns, "Word"))
    ...     for number, index in enumerate(indices):
    ...         etree.SubElement(word, _q(ns, "TextEquiv"), {} if index is None else {"index": index}, n=str(number))
    ...     return [equiv.get("n") for equiv in ranked(word, ns)]
    >>> order(None, "2"), order("2", "1"), order("1", None, "2"), order("3", None, "1"), order(None, None)
    (['0', '1'], ['1', '0'], ['0', '1', '2'], ['2', '0', '1'], ['0', '1'])
    """
    equivs = list(element.iterchildren(_q(ns, "TextEquiv")))
    keys: list[tuple[int, int]] = []
    rank = -1  # a leading TextEquiv without an index ranks before every explicit one
    for position, equiv in enumerate(equivs):
        explicit = _explicit_index(equiv)
        rank = explicit if explicit is not None else rank
        keys.append((rank, position))
    return [equivs[position] for _rank, position in sorted(keys)]


def _explicit_index(equiv: etree._Element) -> int | None:
    value = (equiv.get("index") or "").strip()
    return int(value) if value.lstrip("-").isdigit() else None


def units(root: etree._Element, ns: str) -> Iterator[tuple[int, int, etree._Element, etree._Element]]:
    """``(line number, word number, TextLine, Word or TextLine)`` for each text unit with a reading."""
    for line_number, line in enumerate(root.iter(_q(ns, "TextLine"))):
        words = list(line.iterchildren(_q(ns, "Word")))
        holders = words if words else [line]
        number = 0
        for holder in holders:
            if reading(holder, ns)[1]:
                yield line_number, number, line, holder
                number += 1


def read(data: bytes, name: str, root: etree._Element | None = None) -> OcrDocument:
    """Read a PAGE file; errors name the file."""
    root = parse_xml(data, name) if root is None else root
    ns, version = version_of(root, name)
    builder = DocumentBuilder()
    for line_number, number, line, holder in units(root, ns):
        _equiv, text, conf = reading(holder, ns)
        if conf is None and holder is not line:
            conf = reading(line, ns)[2]
        confidences: list[float | None] = [conf] * len(text)
        alternatives: list[tuple[tuple[str, float | None], ...]] = []
        glyphs = list(holder.iterchildren(_q(ns, "Glyph"))) if holder is not line else []
        boxes: list[Box | None] = [_box(holder, ns)] if len(text) == 1 and holder is not line else []
        if glyphs and len(glyphs) == len(text):
            boxes = [_box(glyph, ns) for glyph in glyphs]
            for index, glyph in enumerate(glyphs):
                _g, _text, glyph_conf = reading(glyph, ns)
                if glyph_conf is not None:
                    confidences[index] = glyph_conf
                others = ranked(glyph, ns)[1:]
                alternatives.append(tuple(
                    ((o.findtext(_q(ns, "Unicode")) or ""), float(o.get("conf")) if o.get("conf") else None)
                    for o in others if o.findtext(_q(ns, "Unicode"))
                ))
        kind = "Word" if holder is not line else "TextLine"
        ref = holder.get("id") or f"line {line_number + 1} word {number + 1}"
        builder.add_word(
            text, line=line_number, ref=ref, kind=kind, confidences=confidences, alternatives=alternatives, boxes=boxes
        )
    engine, software = _producer(root, ns)
    return builder.build(format="page", version=version, engine=engine, source=data, path=name, software=software)


def _box(element: etree._Element, ns: str) -> Box | None:
    """The bounding box of the element's ``Coords/@points`` (``x,y x,y …``), None without one."""
    coords = element.find(_q(ns, "Coords"))
    if coords is None:
        return None
    try:
        points = [tuple(float(v) for v in pair.split(",")) for pair in (coords.get("points") or "").split()]
    except ValueError:
        return None
    return bounding_box(points)


def _producer(root: etree._Element, ns: str) -> tuple[str, str]:
    """``(engine, software)`` named by the Metadata: ``Creator`` and the ``MetadataItem``/``Label``
    values (OCR-D names each processor there)."""
    metadata = root.find(_q(ns, "Metadata"))
    if metadata is None:
        return "", ""
    return producer(
        " ".join(filter(None, [(element.text or "").strip(), element.get("value"), element.get("name")]))
        for element in metadata.iter()
        if isinstance(element.tag, str) and etree.QName(element).localname not in ("Created", "LastChange", "Comments")
    )


def write(document: OcrDocument, edits: Sequence[Edit]) -> bytes:
    """The PAGE file with ``edits`` written as new TextEquivs; the source bytes if none apply."""
    begun = begin_write(document, edits)
    if begun is None:
        return document.source
    placement, root = begun
    original = Original(root)
    ns, _version = version_of(root, document.path)
    targets = [(line, holder) for _l, _n, line, holder in units(root, ns)]
    # What the enclosing Lines and Regions read before any change, to rebuild them afterwards, and
    # the confidence of their rebuilt reading: the lowest of the changes inside each (its own words).
    lines: dict[int, tuple[etree._Element, list[str]]] = {}
    regions: dict[int, tuple[etree._Element, list[str]]] = {}
    lowest: dict[etree._Element, float] = {}
    for index, changes in placement.changes.items():
        line, holder = targets[index]
        if holder is not line:
            lines.setdefault(id(line), (line, _word_texts(line, ns)))
        region = line.getparent()
        if region is not None:
            regions.setdefault(id(region), (region, _line_texts(region, ns)))
        for enclosing in (line, region):
            if enclosing is not None:
                lowest[enclosing] = min(lowest.get(enclosing, 1.0), *(c.confidence for c in changes))
        original.watch(region if region is not None else line)  # its lines, words and glyphs
    ids = {value for element in root.iter() if isinstance(element.tag, str) and (value := element.get("id"))}
    for index, changes in sorted(placement.changes.items()):
        line, holder = targets[index]
        old = reading(holder, ns)[1]
        new = apply_changes(old, changes)
        comment = CORRECTED_COMMENT
        if holder is not line:
            unchanged = _correct_glyphs(holder, ns, old, changes, ids)
            glyphs = [reading(glyph, ns)[1] for glyph in holder.iterchildren(_q(ns, "Glyph"))]
            if glyphs and "".join(glyphs) != new:
                comment += f"; its Glyphs read {''.join(glyphs)}: {unchanged or 'they did not read the Word before'}"
        _push_reading(holder, ns, new, min(c.confidence for c in changes), comment)
    for line, old_words in lines.values():
        _update_line(line, ns, old_words, lowest[line])
    for region, old_lines in regions.values():
        _update_region(region, ns, old_lines, lowest[region])
    return serialize(root, document.source, original)


def _line_texts(region: etree._Element, ns: str) -> list[str]:
    return [reading(line, ns)[1] for line in region.iterchildren(_q(ns, "TextLine"))]


def _word_texts(line: etree._Element, ns: str) -> list[str]:
    return [reading(word, ns)[1] for word in line.iterchildren(_q(ns, "Word"))]


def _push_reading(
    element: etree._Element, ns: str, text: str, confidence: float, comment: str = CORRECTED_COMMENT
) -> None:
    """Put ``text`` at the lowest TextEquiv index; earlier readings move one down, the OCR one marked.

    A further reading that says ``text`` (an engine alternative restore chose) goes: the corrected
    TextEquiv says it now. The new TextEquiv is laid out like the current reading's and carries
    ``comment``.
    """
    equivs = ranked(element, ns)
    if equivs and equivs[0].findtext(_q(ns, "Unicode")) == text:
        return
    explicit = [index for e in equivs if (index := _explicit_index(e)) is not None]
    lowest = max(0, min(explicit, default=1))  # the schema's indices are non-negative
    for equiv in equivs[1:]:
        if equiv.findtext(_q(ns, "Unicode")) == text:
            remove_child(equiv)
    equivs = [equiv for equiv in equivs if equiv.getparent() is not None]
    for offset, equiv in enumerate(equivs):
        equiv.set("index", str(lowest + 1 + offset))
        if offset == 0 and equiv.get("comments") is None:
            equiv.set("comments", OCR_COMMENT)
    corrected = _new_equiv(equivs[0] if equivs else None, ns, text)
    for name, value in (("index", str(lowest)), ("conf", f"{confidence:.3f}"), ("comments", comment)):
        corrected.set(name, value)
    if equivs:
        insert_child(element, element.index(equivs[0]), corrected)
    else:
        _append_equiv(element, ns, corrected)


def _new_equiv(template: etree._Element | None, ns: str, text: str) -> etree._Element:
    """A TextEquiv reading ``text``: a copy of ``template`` (its layout, its PlainText if any) or a bare one."""
    if template is None:
        equiv = etree.Element(_q(ns, "TextEquiv"))
        etree.SubElement(equiv, _q(ns, "Unicode")).text = text
        return equiv
    equiv = deepcopy(template)
    equiv.attrib.clear()
    equiv.tail = None
    for child in equiv.iterchildren(_q(ns, "PlainText"), _q(ns, "Unicode")):
        child.text = text
    return equiv


def _append_equiv(element: etree._Element, ns: str, equiv: etree._Element) -> None:
    # TextEquiv comes after Coords, Baseline, Words/Glyphs and before TextStyle (schema order).
    style = element.find(_q(ns, "TextStyle"))
    insert_child(element, element.index(style) if style is not None else len(element), equiv)


def _correct_glyphs(word: etree._Element, ns: str, old: str, changes: list[Change], ids: set[str]) -> str:
    """The Word's Glyphs follow its characters: replaced ones get a new reading, deleted ones go, and
    inserted ones get a Glyph in the room the engine's cut left between their neighbours
    (:func:`~restore.formats.placement.inserted_boxes`). Where an insertion has no such room the
    Glyphs stay as the engine cut them (a Glyph needs ``Coords``), and so they do when there is no
    Glyph per character. ``ids``: every id in the file. Returns why the Glyphs were left, or ``""``."""
    glyphs = list(word.iterchildren(_q(ns, "Glyph")))
    if len(glyphs) != len(old):
        return f"not updated, {len(glyphs)} Glyphs for {len(old)} characters"
    steps = char_steps(len(old), changes)
    placed = inserted_boxes(steps, [_box(glyph, ns) for glyph in glyphs])
    if any(step.op == "insert" and index not in placed for index, step in enumerate(steps)):
        return "left as the engine cut them, no room between them for the inserted character"
    previous: etree._Element | None = None
    for index, step in enumerate(steps):
        if step.op == "keep":
            previous = glyphs[step.old]
        elif step.op == "replace":
            _push_reading(glyphs[step.old], ns, step.char, step.confidence)
            previous = glyphs[step.old]
        elif step.op == "delete":
            remove_child(glyphs[step.old])
        else:
            assert previous is not None  # inserted_boxes places a run only after a kept or replaced Glyph
            glyph = _new_glyph(ns, _fresh_id(f"{previous.get('id') or word.get('id') or 'glyph'}_restore", ids), placed[index])
            insert_child(word, word.index(previous) + 1, glyph)
            _push_reading(glyph, ns, step.char, step.confidence)
            previous = glyph
    return ""


def _new_glyph(ns: str, glyph_id: str, box: Box) -> etree._Element:
    """A Glyph with ``Coords`` around ``box`` (PAGE points are integers: the box is rounded outwards)."""
    x0, y0, x1, y1 = math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3])
    glyph = etree.Element(_q(ns, "Glyph"), id=glyph_id)
    etree.SubElement(glyph, _q(ns, "Coords"), points=f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}")
    return glyph


def _fresh_id(stem: str, ids: set[str]) -> str:
    """``stem``, or ``stem_2``, ``stem_3``… the first not in ``ids`` (which it joins)."""
    candidate, number = stem, 1
    while candidate in ids:
        number += 1
        candidate = f"{stem}_{number}"
    ids.add(candidate)
    return candidate


def _update_line(line: etree._Element, ns: str, old_words: list[str], confidence: float) -> None:
    equiv, old_text, _conf = reading(line, ns)
    if equiv is None:
        return
    new_words = _word_texts(line, ns)
    for separator in (" ", ""):
        if old_text == separator.join(old_words):
            _push_reading(line, ns, separator.join(new_words), confidence)
            return
    # The line's text was not its words joined: replace each changed word where it stands.
    text = old_text
    for before, after in zip(old_words, new_words):
        if before != after and before in text:
            text = text.replace(before, after, 1)
    _push_reading(line, ns, text, confidence)


def _update_region(region: etree._Element, ns: str, old_lines: list[str], confidence: float) -> None:
    """Rebuild a Region's TextEquiv from its Lines when it was their readings joined by line breaks."""
    equiv, old_text, _conf = reading(region, ns)
    if equiv is None or old_text != "\n".join(old_lines):
        return
    _push_reading(region, ns, "\n".join(_line_texts(region, ns)), confidence)
