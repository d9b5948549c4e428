"""ALTO 2–4: read ``String``/``Glyph`` text and confidences; write corrections back into ``CONTENT``.

Reading: every ``TextLine`` is a line; its ``String`` elements are the words (``SP`` and ``HYP`` are
geometry and become the reader's separators). A character's confidence is, in order of preference,
its ``Glyph``'s ``GC`` (0–1, 1 = sure; the ``Variant`` children with ``VC`` are the engine's
alternatives), its digit of the String's ``CC`` (one digit per character, **0 = sure, 9 = unsure**,
so 1 − d/9), or the String's ``WC`` (0–1). Tesseract 4.0/4.1 wrote ``WC`` as a percentage
(``WC="96"``); a ``WC`` above 1 is read as one.

Writing: the String's ``CONTENT`` becomes the corrected text and the OCR reading is kept as
``<ALTERNATIVE PURPOSE="ocr">``; in ALTO 4 a ``Description/Processing`` entry (software ``restore``)
is added and referenced from the String's ``PROCESSINGREFS``; ALTO 2/3 have no ``Processing``, so a
``postProcessingStep`` is added to ``OCRProcessing`` instead, with only the children their
``processingStepType`` allows (description and software; ``processingCategory`` is ALTO 4's). ``CC`` keeps one digit per character
(an inserted or replaced character gets ``round(9 × (1 − confidence))``); a replaced ``Glyph`` reads
the new character with ``GC`` = restore's confidence and keeps the OCR reading as a ``Variant`` (a
``Variant`` equal to the new character goes: it is the CONTENT now); a deleted character's ``Glyph``
goes; an inserted one gets a ``Glyph`` in the room its neighbours' boxes leave (none where they
leave none: :func:`~restore.formats.placement.inserted_boxes`). Nothing else changes: every coordinate,
``WC``, ``SP`` (Tesseract's negative widths too) and ``HYP`` stays as it was, and the bytes around
the root element are kept (:mod:`restore.formats.xmledit`). A String whose every character is
deleted (debris such as a lone U+FFFD) stays, with ``CONTENT=""`` and ``CC=""`` (both valid): it
holds the only record in the file of what the engine read there (its ``ALTERNATIVE PURPOSE="ocr"``
and ``PROCESSINGREFS``), an ALTO ``TextLine`` must keep at least one String, and its ``ID`` may be
referenced from outside the file (a METS ``area``, an ``IDNEXT``); a reader of the text skips it.
"""

from __future__ import annotations

import math

import re
from collections.abc import Iterator, Sequence

from lxml import etree

from restore import __version__
from restore.edits import Edit
from restore.errors import InputError
from restore.formats.model import Box, DocumentBuilder, OcrDocument, producer
from restore.formats.placement import Change, apply_changes, begin_write, char_steps, inserted_boxes
from restore.formats.safexml import parse_xml
from restore.formats.splice import Original
from restore.formats.xmledit import insert_child, remove_child, serialize

NAMESPACES = {
    "http://www.loc.gov/standards/alto/ns-v2#": "2",
    "http://www.loc.gov/standards/alto/ns-v3#": "3",
    "http://www.loc.gov/standards/alto/ns-v4#": "4",
}
_SCHEMA_MINOR = re.compile(r"alto-(\d)-(\d+)\.xsd")
PROCESSING_ID = "restore_correction"


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def version_of(root: etree._Element, name: str) -> tuple[str, str]:
    """``(namespace, version)`` of an ALTO root: ``4.4`` from ``SCHEMAVERSION`` or the schema location."""
    ns = etree.QName(root).namespace or ""
    if ns not in NAMESPACES:
        raise InputError(f"{name}: unknown ALTO namespace {ns or '(none)'!r}; ALTO 2, 3 and 4 are read")
    major = NAMESPACES[ns]
    declared = root.get("SCHEMAVERSION", "")
    if declared.startswith(major):
        return ns, declared
    found = _SCHEMA_MINOR.search(root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", ""))
    return ns, f"{found.group(1)}.{found.group(2)}" if found and found.group(1) == major else major


def strings(root: etree._Element, ns: str) -> Iterator[tuple[int, int, etree._Element]]:
    """``(line number, word number, String)`` of every String with text, in document order."""
    for line_number, line in enumerate(root.iter(_q(ns, "TextLine"))):
        word = 0
        for string in line.iterchildren(_q(ns, "String")):
            if string.get("CONTENT"):
                yield line_number, word, string
                word += 1


def wc_confidence(value: str | None) -> float | None:
    """``WC`` as 0–1; Tesseract 4.0/4.1's percentages (``96``) are divided by 100.

    >>> wc_confidence("0.96"), wc_confidence("96"), wc_confidence(None)
    (0.96, 0.96, None)
    """
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return round(number / 100, 6) if number > 1 else number


def cc_confidences(cc: str | None, length: int) -> list[float] | None:
    """``CC`` digits (0 = sure, 9 = unsure) as 0–1 confidences, or None unless one digit per character.

    >>> cc_confidences("09", 2)
    [1.0, 0.0]
    """
    if cc is None:
        return None
    digits = cc.replace(" ", "")
    if len(digits) != length or not digits.isdigit():
        return None
    return [round(1 - int(d) / 9, 6) for d in digits]


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def read(data: bytes, name: str, root: etree._Element | None = None) -> OcrDocument:
    """Read an ALTO file; :class:`InputError` naming ``name`` for anything that is not ALTO 2–4."""
    root = parse_xml(data, name) if root is None else root
    ns, version = version_of(root, name)
    builder = DocumentBuilder()
    for line, word, string in strings(root, ns):
        content = string.get("CONTENT", "")
        confidences: list[float | None] = [wc_confidence(string.get("WC"))] * len(content)
        alternatives: list[tuple[tuple[str, float | None], ...]] = []
        from_cc = cc_confidences(string.get("CC"), len(content))
        if from_cc is not None:
            confidences = list(from_cc)
        glyphs = list(string.iterchildren(_q(ns, "Glyph")))
        boxes: list[Box | None] = [_box(string)] if len(content) == 1 else []
        if len(glyphs) == len(content):
            boxes = [_box(glyph) for glyph in glyphs]
            for index, glyph in enumerate(glyphs):
                gc = _float(glyph.get("GC"))
                if gc is not None:
                    confidences[index] = gc
                alternatives.append(tuple(
                    (variant.get("CONTENT", ""), _float(variant.get("VC")))
                    for variant in glyph.iterchildren(_q(ns, "Variant")) if variant.get("CONTENT")
                ))
        builder.add_word(
            content,
            line=line,
            ref=string.get("ID") or f"line {line + 1} word {word + 1}",
            kind="String",
            confidences=confidences,
            alternatives=alternatives,
            boxes=boxes,
        )
    engine, software = _producer(root, ns)
    return builder.build(format="alto", version=version, engine=engine, source=data, path=name, software=software)


def _box(element: etree._Element) -> Box | None:
    """An element's HPOS/VPOS/WIDTH/HEIGHT as ``(x0, y0, x1, y1)``; None unless all four are numbers."""
    values = [_float(element.get(name)) for name in ("HPOS", "VPOS", "WIDTH", "HEIGHT")]
    if any(v is None or not math.isfinite(v) for v in values):
        return None
    x, y, width, height = (float(v) for v in values if v is not None)
    return (x, y, x + width, y + height)


def _producer(root: etree._Element, ns: str) -> tuple[str, str]:
    """``(engine, software)`` of the ``processingSoftware`` entries (name and version)."""
    return producer(
        " ".join(filter(None, (software.findtext(_q(ns, "softwareName")), software.findtext(_q(ns, "softwareVersion")))))
        for software in root.iter(_q(ns, "processingSoftware"))
    )


def write(document: OcrDocument, edits: Sequence[Edit]) -> bytes:
    """The ALTO file with ``edits`` written back (see the module docstring); the source bytes if none apply."""
    begun = begin_write(document, edits)
    if begun is None:
        return document.source
    placement, root = begun
    original = Original(root)
    ns, version = version_of(root, document.path)
    targets = [string for _line, _word, string in strings(root, ns)]
    original.watch(root, deep=False)
    description = root.find(_q(ns, "Description"))
    if description is not None:
        original.watch(description)
    for index in placement.changes:
        original.watch(targets[index])
    # Counted as `restore fix --explain` counts them: the edits that went into the file.
    reference = _add_processing(root, ns, version, len(edits) - len(placement.not_written))
    for index, changes in sorted(placement.changes.items()):
        _correct_string(targets[index], ns, changes, reference)
    return serialize(root, document.source, original)


def _cc_digit(confidence: float) -> str:
    return str(min(9, max(0, round(9 * (1 - confidence)))))


def _correct_string(string: etree._Element, ns: str, changes: list[Change], reference: str) -> None:
    old = string.get("CONTENT", "")
    new = apply_changes(old, changes)
    steps = char_steps(len(old), changes)
    if not any(a.get("PURPOSE") == "ocr" for a in string.iterchildren(_q(ns, "ALTERNATIVE"))):
        alternative = etree.Element(_q(ns, "ALTERNATIVE"), PURPOSE="ocr")
        alternative.text = old
        _insert_after(string, alternative, ("Shape", "ALTERNATIVE"), ns)
    string.set("CONTENT", new)
    cc = string.get("CC")
    if cc is not None and len(cc) == len(old) and cc.isdigit():
        digits = []
        for step in steps:
            if step.op == "keep":
                digits.append(cc[step.old])
            elif step.op != "delete":
                digits.append(_cc_digit(step.confidence))
        string.set("CC", "".join(digits))
    glyphs = list(string.iterchildren(_q(ns, "Glyph")))
    if len(glyphs) == len(old) and glyphs:
        _correct_glyphs(string, glyphs, ns, steps)
    if reference:
        refs = string.get("PROCESSINGREFS", "").split()
        if reference not in refs:
            string.set("PROCESSINGREFS", " ".join([*refs, reference]))


def _correct_glyphs(string: etree._Element, glyphs: list[etree._Element], ns: str, steps) -> None:
    placed = inserted_boxes(steps, [_box(glyph) for glyph in glyphs])
    previous: etree._Element | None = None
    for index, step in enumerate(steps):
        if step.op == "keep":
            previous = glyphs[step.old]
        elif step.op == "delete":
            remove_child(glyphs[step.old])
        elif step.op == "replace":
            _reread_glyph(glyphs[step.old], ns, step.char, step.confidence)
            previous = glyphs[step.old]
        else:  # insert: a new Glyph right after the previous one, in the hole the engine's cut left (if any)
            box = placed.get(index)
            position = {} if box is None else dict(zip(("HPOS", "VPOS", "WIDTH", "HEIGHT"), map(_number, _extent(box))))
            glyph = etree.Element(_q(ns, "Glyph"), {**position, "CONTENT": step.char, "GC": f"{step.confidence:.3f}"})
            if previous is not None:
                insert_child(string, string.index(previous) + 1, glyph)
            else:
                _insert_after(string, glyph, ("Shape", "ALTERNATIVE"), ns)
            previous = glyph


def _extent(box: Box) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return x0, y0, x1 - x0, y1 - y0


def _number(value: float) -> str:
    """A coordinate as ALTO writes it: an integer when it is one, else two decimals (xsd:float)."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _reread_glyph(glyph: etree._Element, ns: str, char: str, confidence: float) -> None:
    """The Glyph reads ``char`` now; its OCR reading becomes a Variant (VC = its GC) and no Variant
    repeats the reading chosen (an engine alternative restore picked is the CONTENT now)."""
    ocr = glyph.get("CONTENT", "")
    variants = list(glyph.iterchildren(_q(ns, "Variant")))
    for variant in variants:
        if variant.get("CONTENT") == char:
            remove_child(variant)
    if ocr != char and not any(v.get("CONTENT") == ocr for v in variants):
        variant = etree.Element(_q(ns, "Variant"), CONTENT=ocr)
        if glyph.get("GC") is not None:
            variant.set("VC", glyph.get("GC"))
        _insert_after(glyph, variant, ("Shape",), ns)
    glyph.set("CONTENT", char)
    glyph.set("GC", f"{confidence:.3f}")


def _insert_after(parent: etree._Element, child: etree._Element, before_names: tuple[str, ...], ns: str) -> None:
    """Insert ``child`` after the last child of ``parent`` named in ``before_names`` (schema order)."""
    position = 0
    for index, existing in enumerate(parent):
        if isinstance(existing.tag, str) and etree.QName(existing).localname in before_names:
            position = index + 1
    insert_child(parent, position, child)


def _add_processing(root: etree._Element, ns: str, version: str, count: int) -> str:
    """Record restore as a processing step; returns the ID to reference (ALTO 4) or ``""``."""
    description = root.find(_q(ns, "Description"))
    if description is None:
        description = etree.Element(_q(ns, "Description"))
        unit = etree.SubElement(description, _q(ns, "MeasurementUnit"))
        unit.text = "pixel"
        insert_child(root, 0, description)
    step_name = "Processing" if version.startswith("4") else "postProcessingStep"
    step = etree.Element(_q(ns, step_name))
    if step_name == "Processing":  # processingCategory exists from ALTO 4 on (ALTO 2/3 steps would not validate)
        etree.SubElement(step, _q(ns, "processingCategory")).text = "contentModification"
    text = etree.SubElement(step, _q(ns, "processingStepDescription"))
    text.text = f"restore: {count} OCR correction(s); the OCR reading is kept as ALTERNATIVE PURPOSE=\"ocr\""
    software = etree.SubElement(step, _q(ns, "processingSoftware"))
    etree.SubElement(software, _q(ns, "softwareName")).text = "restore"
    etree.SubElement(software, _q(ns, "softwareVersion")).text = __version__
    if step_name == "Processing":
        taken = {e.get("ID") for e in root.iter() if isinstance(e.tag, str) and e.get("ID")}
        identifier, number = PROCESSING_ID, 1
        while identifier in taken:
            number += 1
            identifier = f"{PROCESSING_ID}_{number}"
        step.set("ID", identifier)
        _insert_after(description, step, ("MeasurementUnit", "sourceImageInformation", "OCRProcessing", "Processing"), ns)
        return identifier
    processing = description.find(_q(ns, "OCRProcessing"))
    if processing is None:
        processing = etree.Element(_q(ns, "OCRProcessing"), ID="OCR_restore")
        step.tag = _q(ns, "ocrProcessingStep")
        processing.append(step)
        _insert_after(description, processing, ("MeasurementUnit", "sourceImageInformation", "OCRProcessing"), ns)
        return ""
    insert_child(processing, len(processing), step)
    return ""

