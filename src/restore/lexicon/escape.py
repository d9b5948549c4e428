r"""Escapes for the phrases of learned rules, so any text survives one TSV field and lint.

A rule learned from review decisions holds text as printed: a line break the layout
stage wanted to join, a half-width space in a date, U+FFFD debris. Version-2 lexicon
files write such characters (and the item separator ``|``) as ``\uXXXX``
(``\UXXXXXXXX`` beyond the BMP) and a backslash as ``\\``; everything else is
written as is.

>>> print(encode_rule_text("12 月\n|"))
12\u0020月\u000a\u007c
>>> decode_rule_text(encode_rule_text("a\\b\u3000c\ufffd")) == "a\\b\u3000c\ufffd"
True
>>> decode_rule_text("bad\\x")
Traceback (most recent call last):
...
ValueError: unknown escape '\\x' at 3 (use \uXXXX or \\)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from restore.lexicon.model import ITEM_SEPARATOR

# Never written as is in a lexicon field (lint rejects them): the same set parse.py forbids.
FORBIDDEN = frozenset("\ufffd\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff\u200e\u200f")
# Full-width punctuation that lint accepts; the rest of U+FF01..FF5E (full-width Latin) is escaped.
_FULLWIDTH_ALLOWED = frozenset("，（）：；！？")
_PRINTABLE_ESCAPED = re.compile(r"[ \\|\ufffd\uff01-\uff5e]")
_ESCAPE = re.compile(r"\\(?:(\\)|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


@lru_cache(maxsize=8192)
def needs_escape(char: str) -> bool:
    """Whether ``char`` cannot appear as is in a lexicon field."""
    if char in ("\\", ITEM_SEPARATOR) or char.isspace() or char in FORBIDDEN:
        return True
    if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Cn"):
        return True
    return "\uff01" <= char <= "\uff5e" and char not in _FULLWIDTH_ALLOWED


def encode_rule_text(text: str) -> str:
    """``text`` with every character :func:`needs_escape` names escaped (``\\\\`` for a backslash)."""
    # Most phrases need nothing: printable (no control, format, unassigned or separator characters
    # but the ASCII space) and none of the few printable ones escaped too.
    if text.isprintable() and not _PRINTABLE_ESCAPED.search(text):
        return text
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif needs_escape(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def decode_rule_text(text: str) -> str:
    """The text :func:`encode_rule_text` wrote; a stray backslash raises :class:`ValueError`."""
    out = []
    position = 0
    while True:
        found = text.find("\\", position)
        if found < 0:
            out.append(text[position:])
            return "".join(out)
        out.append(text[position:found])
        match = _ESCAPE.match(text, found)
        if match is None:
            raise ValueError(f"unknown escape {text[found:found + 2]!r} at {found} (use \\uXXXX or \\\\)")
        if match.group(1):
            out.append("\\")
        else:
            code = int(match.group(2) or match.group(3), 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise ValueError(f"escape {match.group(0)!r} is not a character")
            out.append(chr(code))
        position = match.end()
