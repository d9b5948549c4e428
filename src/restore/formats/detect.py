"""Which format a file is, by its content (never trusting the name alone).

>>> detect_kind(b'<?xml version="1.0"?><alto/>', "a.xml"), detect_kind("会议".encode(), "a.txt")
('xml', 'text')
>>> detect_kind(b"<!-- exported 2026-11-30 -->\\n<alto/>", "a.xml")  # no declaration, a comment first
'xml'
>>> detect_kind(b"level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n", "a")
'tsv'
"""

from __future__ import annotations

import json
import re

from restore.formats import tsv

_XML_START = re.compile(rb"^\s*(<\?xml|<!--|<!DOCTYPE|<[A-Za-z_][\w:.-]*[\s>/])")
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
# Suffixes whose files are always text, whatever their first character.
TEXT_SUFFIXES = (".txt",)


def detect_kind(data: bytes, name: str) -> str:
    """``xml``, ``json``, ``tsv`` or ``text`` for the bytes of the file ``name``.

    XML needs a declaration, a comment, a DOCTYPE or a first tag, and a closing ``>`` at the end;
    JSON must parse as JSON (a ``.json`` file that does not is still ``json``, so its reader can say
    why). A ``.txt`` file is always text: a page may begin with ``<`` or ``[``.
    """
    body = data.removeprefix(b"\xef\xbb\xbf")
    if name.lower().endswith(TEXT_SUFFIXES):
        return "text"
    if body[:2] in _UTF16_BOMS and _XML_START.match(body[2:400].decode(_UTF16_BOMS[body[:2]], "ignore").encode()):
        return "xml"  # XML in UTF-16 (libxml2 reads it by its byte-order mark)
    if _XML_START.match(body) and body.rstrip().endswith(b">"):
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
