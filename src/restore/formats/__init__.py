"""OCR engine formats in and out: ALTO, hOCR, PAGE, Tesseract TSV and engine JSON.

One module per format reads a file into an :class:`~restore.formats.model.OcrDocument` (the text
restore restores, the engine's per-character confidences and alternatives, the element holding
every character); the ALTO, hOCR and PAGE modules also write corrections back into the same format
and version, keeping every coordinate. TSV and engine JSON are read-only: their output is the
restored text. :func:`read_document` detects the format by content; :func:`restore_bytes` is what
``restore fix``, ``restore clean`` and ``restore apply`` call.

>>> doc = read_document(('<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page>'
...     '<PrintSpace><TextBlock><TextLine><String ID="s1" CONTENT="己" CC="7"/><String ID="s2" '
...     'CONTENT="经" WC="0.98"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>').encode(), "p.xml")
>>> doc.format, doc.text, [round(c, 2) for c in doc.confidences], doc.element_at(1).ref
('alto', '己经', [0.22, 0.98], 's2')
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from lxml import etree

from restore.edits import Edit
from restore.errors import ConfigError, InputError
from restore.formats import alto, enginejson, hocr, page, tsv
from restore.formats.detect import detect_kind
from restore.formats.model import OcrDocument, TextElement
from restore.formats.safexml import MAX_INPUT_BYTES, parse_xml
from restore.textio import decode_text, read_bytes

# Formats corrections are written back into; the others give restored text.
WRITABLE = frozenset({"alto", "hocr", "page"})
# Suffixes of OCR files (never plain text): such a file is an error when it is empty.
OCR_SUFFIXES = (".xml", ".hocr", ".html", ".htm", ".json", ".tsv")
# Suffixes of the read-only formats (their output is restored text beside them: NAME.tsv.txt, NAME.json.txt).
READ_ONLY_SUFFIXES = (".json", ".tsv")
# File suffixes ``restore clean`` picks up, by --formats name.
SUFFIXES = {"txt": (".txt",), "xml": (".xml",), "hocr": (".hocr",), "html": (".html", ".htm"),
            "json": (".json",), "tsv": (".tsv",)}

__all__ = [
    "MAX_INPUT_BYTES", "SUFFIXES", "WRITABLE", "OcrDocument", "TextElement",
    "output_name", "read_document", "read_input", "read_text_of", "suffixes_for", "text_of", "write_document",
]


def read_input(path: str | os.PathLike[str]) -> bytes:
    """The bytes of an input file; files other than ``.txt`` over ``MAX_INPUT_BYTES`` are refused unread."""
    return read_bytes(path, limit=None if str(path).lower().endswith(".txt") else MAX_INPUT_BYTES)


def read_document(data: bytes, name: str) -> OcrDocument | None:
    """The OCR document in ``data`` (the file ``name``), or ``None`` when it is plain text.

    Raises :class:`~restore.errors.InputError` naming the file for malformed or hostile XML, an
    unknown namespace, JSON that is not engine output, or a file over ``MAX_INPUT_BYTES``.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{name}: {len(data):,} bytes is more than the {MAX_INPUT_BYTES:,} allowed")
    if name.lower().endswith(OCR_SUFFIXES) and not data.strip(b" \t\r\n\xef\xbb\xbf"):
        # An OCR file is never empty; a truncated copy or a failed export must not pass as a blank page.
        what = "empty (0 bytes)" if not data else "only whitespace"
        raise InputError(f"{name}: the file is {what}, not an OCR file (a truncated copy or a failed export?)")
    kind = detect_kind(data, name)
    if kind == "text":
        return None
    if kind == "xml":
        root = parse_xml(data, name)
        qname = etree.QName(root)
        namespace = qname.namespace or ""
        if qname.localname == "alto":
            return alto.read(data, name, root)
        if qname.localname == "PcGts":
            return page.read(data, name, root)
        if hocr.is_hocr(root):
            return hocr.read(data, name, root)
        if qname.localname == "html":
            raise InputError(f"{name}: an HTML page without hOCR content (no ocr_page or ocrx_word elements): "
                             "not ALTO, PAGE or hOCR")
        hint = " (a METS file: restore clean --exclude leaves it out)" if qname.localname == "mets" else ""
        raise InputError(f"{name}: XML in an unknown namespace {namespace or '(none)'!r}: not ALTO, PAGE or hOCR{hint}")
    text = decode_text(data, name)
    if kind == "tsv":
        return tsv.read(data, name, text)
    return enginejson.read(data, name, text)


def read_text_of(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> str:
    """The text restore restores from the file at ``path``, whatever its format (plain text is
    decoded in ``encoding``, one of :data:`restore.encodings.ENCODINGS`)."""
    return text_of(read_input(path), str(path), encoding=encoding)


def text_of(data: bytes, name: str, *, encoding: str = "utf-8") -> str:
    """The text restore restores from ``data`` (the file ``name``): an OCR file's text as its reader
    gives it, plain text decoded in ``encoding``. Edit offsets in JSONL records and decisions count
    code points of this text, never bytes of the file. Errors are :class:`InputError` naming ``name``.

    >>> text_of(b'<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page><PrintSpace>'
    ...         b'<TextBlock><TextLine><String CONTENT="ok"/></TextLine></TextBlock></PrintSpace></Page>'
    ...         b'</Layout></alto>', "p.xml")
    'ok'
    """
    from restore.encodings import decode_document

    document = read_document(data, name)
    return decode_document(data, name, encoding, suggest=False).text if document is None else document.text


def suffixes_for(formats: Sequence[str]) -> tuple[str, ...]:
    """File suffixes of ``--formats`` names (``txt,xml``); :class:`ConfigError` for an unknown one.

    >>> suffixes_for(["txt", "html"])
    ('.txt', '.html', '.htm')
    """
    unknown = [name for name in formats if name not in SUFFIXES]
    if unknown:
        raise ConfigError(f"unknown format {unknown[0]!r}; choose from {', '.join(SUFFIXES)}")
    return tuple(suffix for name in formats for suffix in SUFFIXES[name])


def write_document(document: OcrDocument, edits: Sequence[Edit]) -> bytes | None:
    """The file with ``edits`` (offsets in ``document.text``) written back, or ``None`` for read-only formats."""
    writer = {"alto": alto.write, "hocr": hocr.write, "page": page.write}.get(document.format)
    return writer(document, edits) if writer is not None else None


def output_name(name: str) -> str:
    """Where the restored form of ``name`` goes: the same name for text and the writable formats,
    the name with ``.txt`` added for the read-only ones (TSV and engine JSON give restored text).

    >>> output_name("2024/scan.json"), output_name("2024/scan.xml"), output_name("2024/page.txt")
    ('2024/scan.json.txt', '2024/scan.xml', '2024/page.txt')
    """
    if name.lower().endswith(READ_ONLY_SUFFIXES):
        return name + ".txt"
    return name
