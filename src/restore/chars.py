"""Character classes shared by the stages (pure functions over single characters).

The one definition of a Han character in the library: :func:`is_han` (every CJK ideograph),
:func:`is_bmp_han` (those of the Basic Multilingual Plane, the char stage's vocabulary) and
:data:`HAN_RUN` (runs of :func:`is_han` characters), all from :data:`HAN_RANGES`.

>>> is_han("徐"), is_han("a"), is_cjk_punct("，"), is_cjk_punct(",")
(True, False, True, False)
>>> is_han("〇"), is_bmp_han("〇"), is_han("\U00020000"), is_bmp_han("\U00020000")
(True, False, True, False)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

# Full-width punctuation of Chinese text.
CJK_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉【】「」『』—…·～〔〕")
# Marks that end a sentence; a line ending in one is never joined to the next.
TERMINAL = frozenset("。！？!?…；")
# Closing marks that may follow a terminal mark (“……。”).
CLOSERS = frozenset("”’）》」』】〕)")
OPENERS = frozenset("“‘（《「『【〔")
# Specks an engine leaves after a separator (丰收。. 说,.是), and the separators they follow: the
# punct stage deletes such a speck, so a line ending in one ends with its separator.
SPECKS = frozenset(".'`·")
SPECK_SEPARATORS = frozenset("。，、；：！？,")
# Sentence punctuation that shows a line is running prose, not a heading.
PROSE_PUNCT = frozenset("，。、；：“”‘’（）《》「」")

# CJK ideograph blocks of the Basic Multilingual Plane: Extension A, the unified block, the
# compatibility ideographs.
BMP_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# Every CJK ideograph: the BMP blocks and Extensions B-H with the supplementary compatibility block.
HAN_RANGES = (*BMP_HAN_RANGES, (0x20000, 0x2FA1F), (0x30000, 0x3134F))
# 〇 (U+3007, the ideographic zero of dates) counts as Han outside the blocks.
IDEOGRAPHIC_ZERO = "\u3007"
# A run of is_han characters.
HAN_RUN = re.compile(
    "[" + IDEOGRAPHIC_ZERO + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES) + "]+"
)


# A character beyond the Basic Multilingual Plane (Extension B ideographs and the like).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Translation:
    """A ``str.translate`` table, applied as a tuple indexed by code point where it can be.

    ``str.translate`` with a dict raises and catches a ``KeyError`` inside for every character
    the dict does not map: about five times the work of a sequence look-up, whose ``IndexError``
    past its end means "unmapped" just as well. The tuple covers the Basic Multilingual Plane up
    to the table's highest key there; a text holding a character beyond it, when the table maps
    such characters, is translated with the dict. Either way the result is ``text.translate(table)``.

    >>> table = {ord("國"): "国", ord("，"): ",", ord("\U00020000"): "X", ord(" "): None}
    >>> Translation(table)("國， 会"), Translation(table)("國\U00020000")
    ('国,会', '国X')
    """

    def __init__(self, table: Mapping[int, int | str | None]) -> None:
        self._table = dict(table)
        # The entries are the unmapped code points themselves (str.translate keeps those),
        # the int objects shared by every table (2 MB for the plane, not 2 MB a table).
        top = max((code for code in self._table if code <= 0xFFFF), default=-1)
        bmp: list[int | str | None] = list(_bmp_code_points()[: top + 1])
        for code, value in self._table.items():
            if code <= top:
                bmp[code] = value
        # A tuple of ints, strings and None leaves the cyclic garbage collector's view after its
        # first collection; a list stays, and every full collection walks its 65,536 entries.
        self._bmp: tuple[int | str | None, ...] = tuple(bmp)
        self._astral = any(code > 0xFFFF for code in self._table)

    def __call__(self, text: str) -> str:
        """``text.translate(table)``."""
        if self._astral and _ASTRAL.search(text):
            return text.translate(self._table)
        return text.translate(self._bmp)


@functools.cache
def _bmp_code_points() -> tuple[int, ...]:
    return tuple(range(0x10000))


def is_han(char: str) -> bool:
    """True for a CJK ideograph (including extensions and compatibility ideographs, and 〇)."""
    if "\u4e00" <= char <= "\u9fff":  # the common block first: this runs per character
        return True
    code = ord(char)
    if code == 0x3007:
        return True
    return any(lo <= code <= hi for lo, hi in HAN_RANGES)


def is_bmp_han(char: str) -> bool:
    """True for a CJK ideograph of the Basic Multilingual Plane (not 〇): what the char stage changes."""
    if "\u4e00" <= char <= "\u9fff":  # the unified block first: the char stage asks per character
        return True
    code = ord(char)
    for lo, hi in BMP_HAN_RANGES:
        if lo <= code <= hi:
            return True
    return False


def is_cjk_punct(char: str) -> bool:
    """True for full-width Chinese punctuation."""
    return char in CJK_PUNCT


def is_cjk(char: str) -> bool:
    """Han or full-width Chinese punctuation."""
    return is_han(char) or char in CJK_PUNCT


def is_ascii_alnum(char: str) -> bool:
    """A half-width Latin letter or digit."""
    return char.isascii() and char.isalnum()


# One column in print: what is neither Han (is_han), CJK punctuation, the full-width forms block
# nor the ideographic space. A regex class, so display_width counts in C, not per character.
_NARROW = re.compile(
    "[^"
    + IDEOGRAPHIC_ZERO
    + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
    + "".join(re.escape(c) for c in sorted(CJK_PUNCT))
    + "\uff00-\uffef\u3000]"
)


def display_width(text: str) -> int:
    """Columns the text takes in print: 2 for Han and full-width characters, 1 otherwise.

    >>> display_width("第28期，共３人"), display_width("")
    (14, 0)
    """
    # Two columns a character, less one for each narrow one (in Chinese text the few).
    return 2 * len(text) - len(_NARROW.findall(text))


def has_han(text: str) -> bool:
    """True when the text contains at least one Han character."""
    return any(is_han(c) for c in text)


def removable_space(left: str, right: str) -> bool:
    """True when spaces between ``left`` and ``right`` are layout debris next to full-width punctuation.

    >>> removable_space("。", "市"), removable_space("“", "智"), removable_space("界", "生")
    (True, True, False)
    """
    if left in OPENERS:
        return True
    if left in CJK_PUNCT and (is_cjk(right) or is_ascii_alnum(right)):
        return True
    return right in CJK_PUNCT and right not in OPENERS and (is_cjk(left) or is_ascii_alnum(left))
