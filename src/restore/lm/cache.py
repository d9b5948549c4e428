"""Adaptation to the user's own text: counts of the character n-grams a document or batch repeats.

An archive of one paper repeats its names, places and coinages, and its OCR text is mostly right:
an n-gram the text itself repeats is evidence that its characters are what was printed (the
classic cache language model, Kuhn and De Mori 1990). A repeated *misread* repeats too, so the
char stage weighs the cache against the mined confusions: the feature is the log-ratio of how
often the text supports the candidate and the character as read (:meth:`NgramCounts.log_ratio`),
and the calibration fitted on OCR renders decides how much it counts.

Counts are over LM tokens (normalised, traditional mapped to simplified: ``CharLanguageModel.prepare``)
of Han-bearing n-grams inside one line, so a batch of either script shares one table. Records
merge associatively and commutatively (a batch's first pass sums its documents' counts).

>>> counts = NgramCounts.from_texts(["网格员走访商户。网格员记录诉求。", "网格员回访。"], n=3)
>>> counts.count("网格员")
3
>>> tokens = list("网格贝走访")
>>> counts.support(tokens, 2, "员"), counts.support(tokens, 2, "贝")
(3, 0)
>>> round(counts.log_ratio(tokens, 2, "员", own=1), 3)     # the text supports 员 three times over
0.602
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# n-gram length: long enough that a repeat is specific to the text (a 3-gram like 的发展 is
# everywhere), short enough that a name or coinage of 2-3 characters plus a neighbour repeats.
CACHE_ORDER = 3


def support_ratio(after: int, before: int, *, own: int = 0) -> float:
    """log10 of (1 + ``after``) / (1 + ``before`` - ``own``), the second term at least 1: the cache
    feature from the supports (:meth:`NgramCounts.support`) of a candidate and of what is read.

    >>> round(support_ratio(3, 1, own=1), 3), support_ratio(0, 0, own=1)
    (0.602, 0.0)
    """
    return math.log10((1 + after) / (1 + max(0, before - own)))


# Han-bearing: an n-gram with a character of CJK Extension A or the Unified Ideographs block.
_HAN_FIRST, _HAN_LAST = "\u3400", "\u9fff"

# Characters counted at once (a line longer than this is counted in blocks): bounds the list of
# n-grams held in memory at about 8 MB whatever the length of a line.
_COUNT_BLOCK = 100_000


# A run of characters that are not Han: an n-gram without Han lies inside one n or more long.
_NOT_HAN_RUN = re.compile(f"[^{_HAN_FIRST}-{_HAN_LAST}]+")


def _han_bearing(text: str, n: int) -> list[str]:
    """The n-grams of ``text`` with a Han character, in order.

    The text is cut around each run of n or more characters without Han (found by a regex, in
    C), so no character is tested per n-gram: in Chinese text such runs are rare (digits, a Latin
    word) and every other n-gram is kept.

    >>> _han_bearing("ab会议1234召开", 3)
    ['ab会', 'b会议', '会议1', '议12', '34召', '4召开']
    """
    ngrams: list[str] = []
    kept_from = 0  # the first start of an n-gram not yet listed
    for run in _NOT_HAN_RUN.finditer(text):
        start, end = run.span()
        if end - start >= n:  # n-grams starting in [start, end - n] lie wholly inside the run
            ngrams += [text[i : i + n] for i in range(kept_from, start)]
            kept_from = end - n + 1
    ngrams += [text[i : i + n] for i in range(kept_from, len(text) - n + 1)]
    return ngrams


@dataclass(frozen=True)
class NgramCounts:
    """How often each character n-gram (of length ``n``) occurs in a document or batch."""

    counts: Mapping[str, int] = field(default_factory=dict)
    n: int = CACHE_ORDER
    # The table's own lookup: support() asks it for each candidate the char stage weighs, and
    # through the read-only proxy each lookup costs a second call. Set by __post_init__.
    _lookup: Callable[[str, int], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.n < 2:
            raise ValueError(f"n must be at least 2, got {self.n}")
        table = dict(self.counts)
        object.__setattr__(self, "counts", MappingProxyType(table))
        object.__setattr__(self, "_lookup", table.get)

    @classmethod
    def from_texts(cls, texts: Iterable[str], n: int = CACHE_ORDER) -> NgramCounts:
        """Count the n-grams of ``texts`` (already prepared for the LM), line by line, spaces dropped."""
        counter: Counter[str] = Counter()
        for text in texts:
            for line in text.splitlines():
                # Spaces dropped by splitting on them (str.split's whitespace is str.isspace's), not
                # character by character: a one-line book would hold a list of millions of characters.
                chars = "".join(line.split())
                # Counted a block at a time (blocks overlap by n - 1 so no n-gram is lost or counted
                # twice): a one-line 10 MB book listed all its 3.4 M n-grams at once, 330 MB.
                for first in range(0, len(chars) - n + 1, _COUNT_BLOCK):
                    counter.update(_han_bearing(chars[first : first + _COUNT_BLOCK + n - 1], n))
        return cls(counter, n)

    def count(self, ngram: str) -> int:
        """Occurrences of ``ngram`` (0 when unseen)."""
        return self.counts.get(ngram, 0)

    def peak(self, token: str) -> int:
        """The count of the most repeated n-gram holding ``token`` (0 when none does): no
        :meth:`support` of ``token`` exceeds it.

        >>> counts = NgramCounts.from_texts(["天安门广场", "天安门"])
        >>> counts.peak("安"), counts.peak("广"), counts.peak("人")
        (2, 1, 0)
        """
        return self._peaks.get(token, 0)

    @functools.cached_property
    def _peaks(self) -> dict[str, int]:
        # Built on first ask, once per document: {token: its most repeated n-gram's count}.
        peaks: dict[str, int] = {}
        for ngram, count in self.counts.items():
            for token in ngram:
                if count > peaks.get(token, 0):
                    peaks[token] = count
        return peaks

    def support(self, tokens: list[str], index: int, token: str) -> int:
        """The most often seen n-gram that covers ``index`` when it holds ``token``: its count."""
        n = self.n
        lookup = self._lookup
        best = 0
        low, high = max(0, index - n + 1), min(index, len(tokens) - n) + 1  # the n-grams' starts
        if low >= high:
            return best
        left, right = "".join(tokens[low:index]), "".join(tokens[index + 1 : high - 1 + n])
        if len(token) == 1 and len(left) == index - low and len(right) == high - 2 + n - index:
            # One character a token (as prepared text has it): the n-grams are the window's slices.
            window = left + token + right
            for at in range(high - low):
                count = lookup(window[at : at + n], 0)
                if count > best:
                    best = count
            return best
        for start in range(low, high):
            count = lookup("".join(tokens[start:index]) + token + "".join(tokens[index + 1 : start + n]), 0)
            if count > best:
                best = count
        return best

    def log_ratio(self, tokens: list[str], index: int, token: str, *, own: int = 0) -> float:
        """log10 of (1 + support of ``token``) / (1 + support of what is read), in [-inf, inf].

        ``own``: occurrences of the text being corrected inside the counts (1 when the counts
        include this very sentence), taken off the support of what is read, so a phrase that
        occurs once only is no evidence. Positive: the text supports the candidate more often.
        """
        return support_ratio(self.support(tokens, index, token), self.support(tokens, index, tokens[index]), own=own)

    def merge(self, other: NgramCounts) -> NgramCounts:
        """Both texts' counts together (same ``n``)."""
        if other.n != self.n:
            raise ValueError(f"cannot merge {self.n}-gram and {other.n}-gram counts")
        total = Counter(self.counts)
        total.update(other.counts)
        return NgramCounts(total, self.n)

    def to_json(self) -> dict[str, Any]:
        """``{"n": n, "counts": {ngram: count}}`` sorted by n-gram (part of a batch's resume hash)."""
        return {"n": self.n, "counts": dict(sorted(self.counts.items()))}

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle; batch workers receive the counts from the parent.
        return (NgramCounts, (dict(self.counts), self.n))
