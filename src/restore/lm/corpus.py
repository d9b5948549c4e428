"""Corpus normalisation shared by model building and run-time scoring.

The model is a *character* n-gram: every non-space character is one token. The
same normalisation runs on the training corpus and on the text being scored,
so that what the model saw and what it is asked about agree:

- full-width digits and Latin letters become half-width (``１２Ａ`` -> ``12A``);
- traditional characters are mapped to simplified one character at a time
  (one simplified model serves both scripts; the map keeps offsets 1:1).

>>> normalize_chars("１９９８年ＡＰＥＣ")
'1998年APEC'
>>> strip_tags("迈向/v  充满/v  希望/n")
'迈向充满希望'
>>> split_sentences("今天好。明天呢？后天")
['今天好。', '明天呢？', '后天']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

# Full-width ASCII digits and letters (U+FF10-FF19, U+FF21-FF3A, U+FF41-FF5A) -> ASCII.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))}

# Sentence-final marks: the model's <s> and </s> sit at these boundaries, in training and at run time.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?])")


def normalize_chars(text: str) -> str:
    """Map full-width digits and Latin letters to half-width; every other character is kept."""
    return text.translate(_HALF_WIDTH)


def normalizing_table(then: Mapping[str, str | None]) -> dict[int, int | str | None]:
    """A ``str.translate`` table doing :func:`normalize_chars` and then the character map ``then``
    (one character to a string, or None to drop it) in one pass: each pass costs a dictionary look-up
    per character, and the char LM prepares every text it scores.

    >>> table = normalizing_table({"國": "国", "Ａ": "?"})
    >>> "１９９８年ＡＰＥＣ國".translate(table) == normalize_chars("１９９８年ＡＰＥＣ國").translate(str.maketrans({"國": "国", "Ａ": "?"}))
    True
    """
    second: dict[int, str | None] = {ord(char): value for char, value in then.items()}
    table: dict[int, int | str | None] = {}
    for code in {*_HALF_WIDTH, *second}:
        first = _HALF_WIDTH.get(code, code)
        table[code] = second.get(first, first)
    return table


def strip_tags(line: str) -> str:
    """Turn one line of the tagged People's Daily corpus (``word/tag`` tokens) into plain text."""
    words = []
    for token in line.split():
        word, slash, _tag = token.rpartition("/")
        words.append(word if slash else token)
    return "".join(words)


def split_sentences(text: str) -> list[str]:
    """Split text after sentence-final punctuation; empty pieces are dropped."""
    return [piece for piece in _SENTENCE_END.split(text) if piece]


def tokens(text: str) -> str:
    """The space-separated character tokens the model is trained on and scores (spaces dropped)."""
    return " ".join(ch for ch in text if not ch.isspace())


def corpus_sentences(lines: Iterator[str] | list[str]) -> Iterator[str]:
    """Normalised sentences (as space-separated tokens) from plain-text lines."""
    for line in lines:
        for sentence in split_sentences(normalize_chars(line.strip())):
            joined = tokens(sentence)
            if joined:
                yield joined
