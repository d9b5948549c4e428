"""Which format a file is, by its content (never trusting the name alone).

>>> detect_kind(b'<?xml version="1.0"?><alto/>', "a.xml"), detect_kind("会议".encode(), "a.txt")
('xml', 'text')
>>> detect_kind(b"<!-- exported 2026-11-30 -->\\n<alto/>", "a.xml")  # no declaration, a comment first
'xml'
>>> detect_kind(b'<?xml version="1.0"?><alto><Layout><Page><PrintSpace><TextBlock><String CONTENT="', "-")
'xml'
>>> detect_kind(b"<b>today</b> the library opens", "-"), detect_kind(b'<?xml version="1.0"?><alto/>', "a.txt")
('text', 'text')
>>> detect_kind(b"level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n", "a")
'tsv'
"""

from __future__ import annotations

import json
import re

from restore.formats import tsv
from restore.formats.safexml import PROLOG_ITEM

_XML_START = re.compile(rb"^\s*(<\?xml|<!--|<!DOCTYPE|<[A-Za-z_][\w:.-]*[\s>/])")
# What makes a file XML however it ends (a copy cut off mid-file is malformed XML, not text): an XML
# declaration, or a first element that is the root of a format read here (ALTO, PAGE, hOCR's html),
# after any comments, processing instructions and DOCTYPE.
_OCR_XML_START = re.compile(
    rb"^\s*(?:<\?xml[\s?]|(?:" + PROLOG_ITEM + rb"\s*|<!DOCTYPE[^\[>]*(?:\[[^\]]*\])?\s*>\s*)*"
    rb"<(?:[\w.-]+:)?(?:alto|PcGts|html)[\s>/])"
)
# Suffixes of the XML formats: such a file that begins like XML is XML, however it ends.
XML_SUFFIXES = (".xml", ".hocr", ".html", ".htm")
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
# Suffixes whose files are always text, whatever their first character.
TEXT_SUFFIXES = (".txt",)


def detect_kind(data: bytes, name: str) -> str:
    """``xml``, ``json``, ``tsv`` or ``text`` for the bytes of the file ``name``.

    XML begins with a declaration, a comment, a DOCTYPE or a tag; it is XML (and a truncated copy
    is malformed XML, refused by the parser) when it begins with an XML declaration or the root
    element of ALTO, PAGE or hOCR, or its name ends in ``.xml``/``.hocr``/``.html``/``.htm``; other
    text beginning with a tag is XML only when it also ends in ``>``. JSON must parse as JSON (a
    ``.json`` file that does not is still ``json``, so its reader can say why). A ``.txt`` file is
    always text: a page may begin with ``<`` or ``[``.
    """
    body = data.removeprefix(b"\xef\xbb\xbf")
    if name.lower().endswith(TEXT_SUFFIXES):
        return "text"
    if body[:2] in _UTF16_BOMS and _XML_START.match(body[2:400].decode(_UTF16_BOMS[body[:2]], "ignore").encode()):
        return "xml"  # XML in UTF-16 (libxml2 reads it by its byte-order mark)
    if _XML_START.match(body) and (
        body.rstrip().endswith(b">") or name.lower().endswith(XML_SUFFIXES) or _OCR_XML_START.match(body[:4096])
    ):
        return "xml"
    stripped = body.lstrip()
    if stripped[:1] in (b"[", b"{"):
        if name.lower().endswith(".json"):
            return "json"
        try:
            json.loads(body)
        except ValueError:
            return "text"
        return "json"
    head = body[:200].decode("utf-8", errors="replace")
    if tsv.looks_like_tsv(head):
        return "tsv"
    return "text"
