"""Parsing untrusted XML: no network, no DTD loading, no entity expansion, no huge trees, a size cap.

Archives hand over files from many producers, so every parse goes through :func:`parse_xml`:
lxml with ``resolve_entities=False``, ``no_network=True``, ``load_dtd=False`` and ``huge_tree=False``,
and any ``<!ENTITY`` declaration refused outright (billion laughs, external entities): OCR formats
never need one. Errors are :class:`~restore.errors.InputError` naming the file.

>>> parse_xml(b"<a><b/></a>", "x.xml").tag
'a'
>>> parse_xml(b"<a><b></a>", "x.xml")
Traceback (most recent call last):
...
restore.errors.InputError: x.xml: malformed XML: ...
"""

from __future__ import annotations

import re

from lxml import etree

from restore.errors import InputError

# Largest OCR file read (bytes). A newspaper page in ALTO with Glyphs is 2–10 MB; 64 MB leaves room
# for a multi-page file while a stray archive or image dump fails fast instead of filling memory.
MAX_INPUT_BYTES = 64 * 1024 * 1024


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, name: str, limit: int = MAX_INPUT_BYTES) -> etree._Element:
    """The root element of ``data``; :class:`InputError` naming ``name`` for anything unsafe or malformed."""
    if len(data) > limit:
        raise InputError(f"{name}: {len(data):,} bytes is more than the {limit:,} allowed")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if _declares_entities(data):
            # libxml2 stops such a file with its own words (amplification limits, an external
            # entity in an attribute); the user needs to know it was refused, and why.
            raise InputError(f"{name}: {REFUSED_ENTITIES}") from exc
        if looks_like_html(data) and not _XHTML_ROOT.search(data[:4096]):
            # (An XHTML page, Tesseract's hOCR, that does not parse is malformed XML: a truncated copy.)
            raise InputError(f"{name}: only XHTML hOCR is read (as Tesseract writes it), and this is HTML that is "
                             f"not well-formed XML: {_message(exc)}") from exc
        # Every XML document ends with ">" (its root's end tag): one that does not was cut off.
        cut = "" if data.rstrip(b" \t\r\n\x00").endswith(b">") else " (the file ends inside an element: a truncated copy?)"
        raise InputError(f"{name}: malformed XML: {_message(exc)}{cut}") from exc
    tree = root.getroottree()
    internal = tree.docinfo.internalDTD
    if internal is not None and any(True for _entity in internal.iterentities()):
        raise InputError(f"{name}: {REFUSED_ENTITIES}")
    if _has_entity_references(root):
        raise InputError(f"{name}: refused: the file uses XML entities (&name;), which OCR files never need")
    return root


# Why a file declaring entities is refused (billion laughs, external entities): one wording for all.
REFUSED_ENTITIES = "refused: the file declares XML entities, which OCR files never need (no entity is expanded)"
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY\b")
_XHTML_ROOT = re.compile(rb"<html\b[^>]*\sxmlns\s*=\s*[\"']http://www\.w3\.org/1999/xhtml[\"']", re.IGNORECASE)
# One comment or processing instruction (the XML declaration too), matched one way only: a ".*?"
# body could swallow the next comment, and a run of comments then backtracks exponentially.
PROLOG_ITEM = rb"(?:<!--(?:[^-]|-(?!->))*-->|<\?(?:[^?]|\?(?!>))*\?>)"
_HTML_START = re.compile(rb"^\s*(?:" + PROLOG_ITEM + rb"\s*)*<!DOCTYPE\s+html\b|^\s*<html[\s>]", re.IGNORECASE)


def _declares_entities(data: bytes) -> bool:
    """Whether the document's prolog declares an entity (in any of the encodings XML files come in)."""
    head = data[:1 << 20]
    return any(_ENTITY_DECLARATION.search(head.decode(codec, "ignore").encode("utf-8"))
               for codec in ("utf-8", "utf-16"))


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` begins as an HTML page (``<!DOCTYPE html>`` or ``<html>``), XHTML or not.

    >>> looks_like_html(b"<!DOCTYPE html>\\n<html lang='zh'>"), looks_like_html(b"<alto/>")
    (True, False)
    """
    return bool(_HTML_START.match(data[:4096]))


def _message(exc: etree.XMLSyntaxError) -> str:
    """libxml2's message without its pointers to C functions (``see xmlCtxtSetMaxAmplification``)."""
    return re.sub(r",? see xml\w+\(?\)?\.?", "", exc.msg or str(exc))


def _has_entity_references(root: etree._Element) -> bool:
    return any(True for _ in root.iter(etree.Entity))

