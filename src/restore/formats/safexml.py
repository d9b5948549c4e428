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
        raise InputError(f"{name}: malformed XML: {exc.msg}") from exc
    tree = root.getroottree()
    internal = tree.docinfo.internalDTD
    if internal is not None and any(True for _entity in internal.iterentities()):
        raise InputError(f"{name}: declares XML entities, which OCR files never need (refused: entity expansion)")
    if _has_entity_references(root):
        raise InputError(f"{name}: uses XML entities, which OCR files never need (refused)")
    return root


def _has_entity_references(root: etree._Element) -> bool:
    return any(True for _ in root.iter(etree.Entity))

