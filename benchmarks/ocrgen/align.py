"""Character-level alignment of OCR output to the truth.

Pure Python on purpose: the generator runs in its own venv and the tests run without OCR engines.
Lines are short (10-40 characters), so the quadratic Levenshtein table is cheap; a whole Tesseract
page (a few hundred characters) still aligns in well under a second.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Literal, Sequence

OpKind = Literal["equal", "sub", "del", "ins"]

# Spellings that count as the same character when scoring and mining (issue #5, item 3):
# People's Daily prints full-width ％ and ． where engines and today's text write % and .
FOLD = {"％": "%", "．": "."}


@dataclass(frozen=True)
class Op:
    """One alignment step. ``meant`` is the truth character ('' for an insertion), ``seen`` the
    OCR character ('' for a deletion)."""

    kind: OpKind
    meant: str
    seen: str


def fold(ch: str) -> str:
    """Fold characters that are equally right (see FOLD)."""
    return FOLD.get(ch, ch)


def align(truth: str, ocr: str) -> list[Op]:
    """Minimum-edit alignment of ``ocr`` to ``truth`` (unit costs, folded equality).

    Ties prefer a substitution over a deletion+insertion, and a deletion/insertion nearer the end
    of the string, so that ``"ab"`` vs ``"abb"`` reports the doubled ``b`` as one insertion.
    """
    n, m = len(truth), len(ocr)
    ft = [fold(c) for c in truth]
    fo = [fold(c) for c in ocr]
    # dist[i][j]: edit distance between truth[:i] and ocr[:j].
    dist = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        dist[i][0] = i
    for j in range(m + 1):
        dist[0][j] = j
    for i in range(1, n + 1):
        row, prev = dist[i], dist[i - 1]
        ti = ft[i - 1]
        for j in range(1, m + 1):
            cost = prev[j - 1] + (0 if ti == fo[j - 1] else 1)
            d = prev[j] + 1
            ins = row[j - 1] + 1
            row[j] = min(cost, d, ins)
    ops: list[Op] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0:
            same = ft[i - 1] == fo[j - 1]
            if dist[i][j] == dist[i - 1][j - 1] + (0 if same else 1):
                ops.append(Op("equal" if same else "sub", truth[i - 1], ocr[j - 1]))
                i, j = i - 1, j - 1
                continue
        if i > 0 and dist[i][j] == dist[i - 1][j] + 1:
            ops.append(Op("del", truth[i - 1], ""))
            i -= 1
        else:
            ops.append(Op("ins", "", ocr[j - 1]))
            j -= 1
    ops.reverse()
    return ops


def edit_distance(truth: str, ocr: str) -> int:
    """Number of non-equal steps in :func:`align`."""
    return sum(op.kind != "equal" for op in align(truth, ocr))


def cer(pairs: Iterable[tuple[str, str]]) -> float:
    """Character error rate over ``(truth, ocr)`` pairs: total edits / total truth characters."""
    edits = chars = 0
    for truth, ocr in pairs:
        edits += edit_distance(truth, ocr)
        chars += len(truth)
    return edits / chars if chars else 0.0


def split_by_reference(ocr_text: str, truth_lines: Sequence[str]) -> list[str]:
    """Cut one OCR string (a page with its line breaks removed) into pieces matching ``truth_lines``.

    Aligns the OCR text to the concatenated truth and cuts where each truth line ends; inserted OCR
    characters at a boundary go to the line before it (engines more often add a trailing mark than a
    leading one).
    """
    joined = "".join(truth_lines)
    ends: list[int] = []
    total = 0
    for line in truth_lines:
        total += len(line)
        ends.append(total)
    pieces = [[] for _ in truth_lines]
    if not truth_lines:
        return []
    ti = 0  # truth characters consumed
    line = 0
    for op in align(joined, ocr_text):
        if op.kind in ("equal", "sub", "del"):
            while line < len(ends) - 1 and ti >= ends[line]:
                line += 1
            if op.seen:
                pieces[line].append(op.seen)
            ti += 1
        else:
            # An insertion belongs to the line whose truth we are still inside, or just finished.
            pieces[line].append(op.seen)
    return ["".join(p) for p in pieces]


def is_han(ch: str) -> bool:
    """True for CJK unified ideographs (BMP blocks and extension A)."""
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


def is_punct(ch: str) -> bool:
    """True for punctuation and symbols (either width), the marks OCR confuses with each other."""
    return bool(ch) and unicodedata.category(ch)[0] in "PS"


def char_class(ch: str) -> str:
    """Coarse class used when counting confusions: han, punct, digit, latin, other."""
    if is_han(ch):
        return "han"
    if is_punct(ch):
        return "punct"
    if ch.isdigit():
        return "digit"
    if ch.isascii() and ch.isalpha():
        return "latin"
    return "other"


@dataclass
class ConfusionCounts:
    """Counts of what an engine saw for what was meant, split by kind of edit."""

    subs: Counter = field(default_factory=Counter)  # (seen, meant) -> n
    deletions: Counter = field(default_factory=Counter)  # meant char dropped -> n
    insertions: Counter = field(default_factory=Counter)  # seen char added -> n
    chars: int = 0  # truth characters seen
    lines: int = 0

    def add(self, truth: str, ocr: str) -> None:
        """Align one pair and count its edits."""
        self.lines += 1
        self.chars += len(truth)
        for op in align(truth, ocr):
            if op.kind == "sub":
                self.subs[(op.seen, op.meant)] += 1
            elif op.kind == "del":
                self.deletions[op.meant] += 1
            elif op.kind == "ins":
                self.insertions[op.seen] += 1

    def substitution_rows(self, min_count: int = 1) -> list[tuple[str, str, int]]:
        """Substitutions whose both sides are Han or punctuation, as sorted ``(seen, meant, n)``."""
        rows = []
        for (seen, meant), n in self.subs.items():
            if n < min_count or len(seen) != 1 or len(meant) != 1:
                continue
            if char_class(seen) in ("han", "punct") and char_class(meant) in ("han", "punct"):
                rows.append((seen, meant, n))
        rows.sort()
        return rows
