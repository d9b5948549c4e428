"""Tesseract TSV (``tesseract IMAGE out tsv``): read-only.

Rows of level 5 are words; a line is every word sharing ``page_num, block_num, par_num, line_num``.
``conf`` is 0–100 (−1 on rows that are not words) and gives each character of its word a confidence.
There is nothing to write corrections into but text, so TSV input gives restored text and JSONL.
"""

from __future__ import annotations

import csv
import io

from restore.errors import InputError
from restore.formats.model import DocumentBuilder, OcrDocument

HEADER = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
          "left", "top", "width", "height", "conf", "text")


def looks_like_tsv(text: str) -> bool:
    """True when the first line is Tesseract's TSV header."""
    return tuple(text.split("\n", 1)[0].rstrip("\r").split("\t")) == HEADER


def read(data: bytes, name: str, text: str) -> OcrDocument:
    """Read Tesseract TSV (already decoded as ``text``); a malformed row is an error naming file and line."""
    builder = DocumentBuilder()
    rows = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(rows, None)
    lines: dict[tuple[str, ...], int] = {}
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        if len(row) not in (len(HEADER), len(HEADER) - 1):
            raise InputError(f"{name}:{number}: expected {len(HEADER)} tab-separated fields, got {len(row)}")
        if row[0] != "5":
            continue
        word = row[11] if len(row) == len(HEADER) else ""
        try:
            conf = float(row[10])
        except ValueError as exc:
            raise InputError(f"{name}:{number}: conf {row[10]!r} is not a number") from exc
        key = tuple(row[1:5])
        line = lines.setdefault(key, len(lines))
        confidence = min(max(conf / 100, 0.0), 1.0) if conf >= 0 else None
        builder.add_word(
            word, line=line, ref=f"line {line + 1} word {row[5]}", kind="word", confidences=[confidence] * len(word)
        )
    return builder.build(format="tesseract-tsv", version="", engine="tesseract", source=data, path=name)
