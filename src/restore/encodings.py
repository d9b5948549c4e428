"""Decoding input documents: UTF-8 by default, the Chinese legacy encodings on request.

Most Chinese archives older than a few years are not UTF-8: mainland files are
GB2312/GBK/GB18030 (GB18030 decodes all three), Taiwan and Hong Kong files
Big5, and Windows Notepad's "Unicode" is UTF-16 with a byte-order mark.
``restore fix`` and ``restore clean`` take ``--encoding``:

- ``utf-8`` (the default): anything else is refused, and the refusal names the
  likely encoding and the option that reads it;
- ``gb18030``, ``big5``, ``utf-16``: that encoding, strictly;
- ``auto``: a byte-order mark if there is one, else UTF-8 if the bytes are valid
  UTF-8, else GB18030 or Big5 as charset-normalizer judges the bytes.

Outputs are always UTF-8; batch records name the encoding that was read.

>>> decode_document("會議在區圖書館舉行。".encode("big5"), "a.txt", "auto")
Decoded(text='會議在區圖書館舉行。', encoding='big5')
>>> decode_document("会议在区图书馆举行。".encode("gb18030"), "a.txt")
Traceback (most recent call last):
...
restore.errors.InputError: a.txt: not valid UTF-8 (line 1, byte 0); it looks like GB18030: use --encoding gb18030 (or --encoding auto)
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from restore.errors import InputError

# What --encoding accepts.
ENCODINGS = ("auto", "utf-8", "gb18030", "big5", "utf-16")
# Python codecs tried, in order, for each named legacy encoding. Files saved as "Big5" on Windows are
# code page 950 (Big5 with Microsoft's additions); Hong Kong files may use the HKSCS additions instead.
_CODECS = {"gb18030": ("gb18030",), "big5": ("cp950", "big5hkscs"), "utf-16": ("utf-16",)}
# Shown in messages.
_LABELS = {"utf-8": "UTF-8", "gb18030": "GB18030", "big5": "Big5", "utf-16": "UTF-16"}
# A NUL byte never occurs in 8-bit text files; its presence means the file is binary.
_BINARY_MARKER = b"\x00"
_UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}


class Decoded(NamedTuple):
    """A decoded document and the encoding it was read in (``utf-8``, ``gb18030``, ``big5``, ``utf-16-le`` …)."""

    text: str
    encoding: str


def decode_document(data: bytes, name: str, encoding: str = "utf-8", *, suggest: bool = True) -> Decoded:
    """Decode a document's bytes; ``name`` is used in messages, ``encoding`` is one of :data:`ENCODINGS`.

    Raises :class:`InputError` with one line naming the file: a binary file, bytes
    invalid in the chosen encoding (with the line and byte offset), and, for the
    UTF-8 default, the encoding the bytes look like and the option that reads them.
    A UTF-8 byte-order mark is dropped. ``suggest=False`` leaves the ``--encoding`` advice out
    (for files no command reads in another encoding, such as JSONL records).
    """
    if encoding not in ENCODINGS:
        raise InputError(f"unknown encoding {encoding!r}; choose one of {', '.join(ENCODINGS)}")
    bom = _utf16_bom(data)
    if encoding == "utf-16" or (encoding == "auto" and bom):
        return _decode_utf16(data, name, bom)
    if bom:
        advice = "; use --encoding utf-16" if suggest else ", not UTF-8"
        raise InputError(f"{name}: UTF-16 text (it starts with a byte-order mark){advice}")
    if _BINARY_MARKER in data:
        raise InputError(f"{name}: binary file (contains NUL bytes), not text")
    if encoding in ("utf-8", "auto"):
        try:
            return Decoded(data.decode("utf-8").removeprefix("\ufeff"), "utf-8")
        except UnicodeDecodeError as exc:
            where = _where(data, exc)
            guess = guess_legacy_encoding(data)
            if encoding == "auto":
                if guess is None:
                    raise InputError(f"{name}: not UTF-8, GB18030, Big5 or UTF-16 text ({where})") from exc
                return _decode_legacy(data, name, guess)
            if guess is None:
                raise InputError(f"{name}: not valid UTF-8 ({where}), nor GB18030, Big5 or UTF-16 text") from exc
            if not suggest:
                raise InputError(f"{name}: not valid UTF-8 ({where}); it looks like {_LABELS[guess]} text") from exc
            raise InputError(
                f"{name}: not valid UTF-8 ({where}); it looks like {_LABELS[guess]}: "
                f"use --encoding {guess} (or --encoding auto)"
            ) from exc
    return _decode_legacy(data, name, encoding)


def guess_legacy_encoding(data: bytes) -> str | None:
    """``"gb18030"`` or ``"big5"`` when the bytes read as Chinese text in it, else ``None``.

    Bytes valid in only one of the two are that one; bytes valid in both are
    judged by charset-normalizer (which prefers the decoding that reads as
    coherent text).
    """
    valid = [label for label in ("gb18030", "big5") if _strict(data, label) is not None]
    if len(valid) < 2:
        return valid[0] if valid else None
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "big5", "cp950"]).best()
    if best is None:
        return "gb18030"
    return "big5" if best.encoding in ("big5", "cp950", "big5hkscs") else "gb18030"


def _strict(data: bytes, label: str) -> str | None:
    for codec in _CODECS[label]:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _decode_legacy(data: bytes, name: str, label: str) -> Decoded:
    text = _strict(data, label)
    if text is None:
        try:
            data.decode(_CODECS[label][0])
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not valid {_LABELS[label]} ({_where(data, exc)})") from exc
    assert text is not None
    return Decoded(text, label)


def _decode_utf16(data: bytes, name: str, bom: str) -> Decoded:
    codec = bom or "utf-16-le"  # no mark: little-endian, as Windows writes it
    body = data[2:] if bom else data
    try:
        return Decoded(body.decode(codec), codec)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-16 (byte {exc.start + (2 if bom else 0)})") from exc


def _utf16_bom(data: bytes) -> str:
    for mark, codec in _UTF16_BOMS.items():
        if data.startswith(mark):
            return codec
    return ""


def _where(data: bytes, exc: UnicodeDecodeError) -> str:
    line = data[: exc.start].count(b"\n") + 1
    return f"line {line}, byte {exc.start}"
