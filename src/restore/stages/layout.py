"""Layout: repair what page layout and OCR did to whitespace and line structure.

Rules (each proposal names its rule in ``source`` and the evidence):

- ``layout:join-lines`` — a line broken mid-sentence (by a column or a blank
  line) is joined to the next; real paragraph and heading breaks stay. A break
  after a line reading as prose (sentence punctuation inside, no terminal mark at
  the end) or a full column-width line is joined confidently; a bare short line
  may be a heading, so joining it is only suggested.
- ``layout:letter-spaced`` — spaces inside a letter-spaced heading (``徐 匯 報``).
- ``layout:number-space`` — spaces between digits and Chinese (``12 月 17 日``).
- ``layout:punct-space`` — spaces next to full-width punctuation.
- ``layout:trailing-space`` — whitespace at the end of a line.
- ``layout:debris`` — U+FFFD, control characters, zero-width characters, lone surrogates.

Deliberate separators stay: spaces between Chinese words (``智联世界 生成未来``,
``□ 记者 曹香玉``) and around Latin words.

>>> from restore.config import Config
>>> from restore.stages.base import Document
>>> out = LayoutStage(Config()).propose("徐 匯 報", Document())
>>> [(p.start, p.end, p.after) for p in out.proposals]
[(1, 2, ''), (3, 4, '')]
"""

from __future__ import annotations

import array
import dataclasses
import re
import statistics
from collections.abc import Iterator

from restore.chars import (
    CLOSERS,
    CJK_PUNCT,
    HAN_RUN,
    PROSE_PUNCT,
    TERMINAL,
    display_width,
    is_ascii_alnum,
    is_cjk,
    is_han,
    removable_space,
)
from restore.config import Config
from restore.spans import SpanIndex
from restore.stages.base import Document, Proposal, StageOutput, StagePlan, rule_proposal

# Lines starting with one of these open a new item (a byline, a caption, a bullet).
_MARKERS = frozenset("□■●◆▲△○◎★☆▌※")
_GAP = re.compile(r"[ \t]*(?:\r?\n[ \t]*)+")
_SPACES = re.compile(r"[ \t]+")
_DEBRIS = re.compile(r"[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\ud800-\udfff]+")
_HALF_PROSE = frozenset(",;:")
_DEBRIS_CONFIDENCE = 0.97
_SPACE_CONFIDENCE = 0.95
_TRAILING_CONFIDENCE = 0.9


class LayoutStage:
    """Propose whitespace, line-break and debris repairs."""

    name = "layout"

    def __init__(self, config: Config, *, plan: StagePlan | None = None) -> None:
        """``plan`` is unused: nothing this stage does depends on the stages after it."""
        self.settings = config.layout
        self.min_confidence = config.min_confidence

    def propose(self, text: str, document: Document) -> StageOutput:
        """All layout proposals for ``text``.

        Whitespace rules look at the text as it will be once debris is gone, so a
        second run finds nothing new; a debris character inside a whitespace run
        goes with that run's edit.
        """
        debris = list(_DEBRIS.finditer(text))
        if not debris:
            return StageOutput(proposals=(*self._spaces(text), *self._joins(text)))
        # Positions in ``text`` of the characters of ``clean``, 8 bytes each (a list of ints or of
        # one-character strings costs 36-84 a character: hundreds of MB for a 10 MB book).
        origin = array.array("q")
        kept_from = 0
        for match in debris:
            origin.extend(range(kept_from, match.start()))
            kept_from = match.end()
        origin.extend(range(kept_from, len(text)))
        clean = _DEBRIS.sub("", text)
        proposals: list[Proposal] = []
        for proposal in (*self._spaces(clean), *self._joins(clean)):
            start, end = origin[proposal.start], origin[proposal.end - 1] + 1
            proposals.append(dataclasses.replace(proposal, start=start, end=end))
        covering = SpanIndex((p.start, p.end) for p in proposals)
        for match in debris:
            if not any(s <= match.start() and match.end() <= e for s, e in covering.near(*match.span())):
                proposals.append(self._proposal(text, match.start(), match.end(), "", "debris", _DEBRIS_CONFIDENCE))
        return StageOutput(proposals=tuple(proposals))

    def _proposal(self, text: str, start: int, end: int, after: str, rule: str, confidence: float) -> Proposal:
        return rule_proposal(text, start, end, after, kind="layout", rule=rule, confidence=confidence, context=6)

    def _spaces(self, text: str) -> Iterator[Proposal]:
        if " " not in text and "\t" not in text:
            return  # every rule here is about a run of spaces or tabs (most OCR lines have none)
        spaced = self._letter_spaced_gaps(text)
        for match in _SPACES.finditer(text):
            start, end = match.span()
            left = text[start - 1] if start > 0 else "\n"
            right = text[end] if end < len(text) else "\n"
            if right in "\r\n":
                if left not in "\r\n":
                    yield self._proposal(text, start, end, "", "trailing-space", _TRAILING_CONFIDENCE)
                continue
            if left in "\r\n":
                continue  # indentation is the author's
            if start in spaced:
                yield self._proposal(text, start, end, "", "letter-spaced", _SPACE_CONFIDENCE)
            elif (_is_digit(left) and is_han(right)) or (
                is_han(left) and _is_digit(right) and _spaced_number(text, end, left)
            ):
                yield self._proposal(text, start, end, "", "number-space", _SPACE_CONFIDENCE)
            elif removable_space(left, right):
                yield self._proposal(text, start, end, "", "punct-space", _SPACE_CONFIDENCE)

    def _letter_spaced_gaps(self, text: str) -> set[int]:
        """Starts of the space runs inside runs of single Han characters (``徐 匯 報``)."""
        gaps: set[int] = set()
        minimum = self.settings.min_spaced_heading_chars
        for line in re.finditer(r"[^\r\n]+", text):
            tokens = [(m.start() + line.start(), m.group()) for m in re.finditer(r"[^ \t]+", line.group())]
            run: list[int] = []
            for index, (_, token) in enumerate(tokens + [(0, "")]):
                if len(token) == 1 and is_han(token):
                    run.append(index)
                    continue
                if len(run) >= minimum:
                    for position in run[1:]:
                        token_start = tokens[position][0]
                        previous_end = tokens[position - 1][0] + 1
                        if token_start > previous_end:
                            gaps.add(previous_end)
                run = []
        return gaps

    def _joins(self, text: str) -> Iterator[Proposal]:
        column = _column_width(text)
        minimum = self.settings.min_join_chars
        carried = ""  # the lines already joined into the current one, as a second run will see them
        # Its display width, carried along: measuring each join's whole paragraph again was
        # quadratic in the paragraph's length (a page of wrapped lines is one paragraph).
        carried_width = 0
        for match in _gaps(text):
            start, end = match.span()
            if "\n" not in match.group() or start == 0 or end == len(text):
                carried, carried_width = "", 0
                continue
            line_start = text.rfind("\n", 0, start) + 1
            line = text[line_start:start].strip(" \t")
            previous, previous_width = carried + line, carried_width
            carried, carried_width = "", 0
            line_end = text.find("\n", end)
            following = text[end : line_end if line_end >= 0 else len(text)]
            if len(previous) < minimum or not following or _DATELINE.match(previous):
                continue
            last, first = previous[-1], following[0]
            if last in TERMINAL or (last in CLOSERS and len(previous) > 1 and previous[-2] in TERMINAL):
                continue
            if not (is_han(last) or (last in CJK_PUNCT and last not in CLOSERS) or last in ",、"):
                continue
            if first in _MARKERS or not (is_cjk(first) or is_ascii_alnum(first)):
                continue
            width = previous_width + display_width(line)  # display_width(previous): widths add up
            # A full column-width line runs on into the next only if that one is running text too
            # (prose, or column-wide itself): a headline as wide as the column stays above its subhead.
            column_line = _fits(width, column) and (
                _reads_as_prose(following) or _fits(display_width(following.strip(" \t")), column)
            )
            confident = last not in "：:" and (_reads_as_prose(previous) or column_line)
            confidence = self.settings.join_confidence if confident else self.settings.bare_join_confidence
            if confidence >= self.min_confidence:
                carried, carried_width = previous, width
            yield self._proposal(text, start, end, "", "join-lines", confidence)


# A run of white space: every _GAP match lies inside one, the only characters it matches.
_WHITE_RUN = re.compile(r"[ \t\r\n]+")


def _gaps(text: str) -> Iterator[re.Match[str]]:
    """``_GAP.finditer(text)``, searched only inside the runs of white space holding a line break.

    _GAP opens with an optional run, so the regex engine tries a match at every character of
    the text; a character-class scan finds the runs several times faster. A match cannot reach
    past its run (the next character is no white space), so searching the run alone (``pos``,
    ``endpos``: the pattern has no anchor or lookaround) finds the same matches.

    >>> [m.span() for m in _gaps("甲 \\n 乙\\r\\n\\n丙 丁")]
    [(1, 4), (5, 8)]
    """
    for run in _WHITE_RUN.finditer(text):
        if "\n" in run.group():
            yield from _GAP.finditer(text, run.start(), run.end())


# A dateline ("2024年7月1日 星期一") stands alone above a headline however wide it is.
_DATELINE = re.compile(
    r"\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:(?:星期|週|周|礼拜|禮拜)[一二三四五六日天])?\Z"
)
# Wrapped prose lines needed before their median width counts as the page's column width.
_MIN_COLUMN_LINES = 3


def _column_width(text: str) -> float:
    """The display width of the page's text column, or 0.0 when the page does not show one.

    Measured on wrapped prose lines only: lines with sentence punctuation that run on into the
    next line of their block. A paragraph's last line is as short as its text, and a paragraph
    already joined into one line is no longer wrapped, so neither moves the estimate: a second
    pass measures the column the first did (or none) and joins nothing new.
    """
    blocks = re.split(r"\n[ \t]*(?:\r?\n)+", text.replace("\r\n", "\n"))
    widths = []
    for block in blocks:
        lines = [line.strip(" \t") for line in block.split("\n")]
        for line, following in zip(lines, lines[1:]):
            if line and following and line[-1] not in TERMINAL and _reads_as_prose(line):
                widths.append(display_width(line))
    return statistics.median(widths) if len(widths) >= _MIN_COLUMN_LINES else 0.0


def _fits(width: float, column: float) -> bool:
    """True when a line of ``width`` fills a text column of ``column`` (within 15%)."""
    return column > 0 and abs(width - column) <= 0.15 * column


def _is_digit(char: str) -> bool:
    return char.isascii() and char.isdigit()


# Han characters that introduce a number ("第 28 期", "2023 年 7 月"): a space after them is debris.
_NUMBER_PREFIXES = frozenset("第年月日时時號号")


def _spaced_number(text: str, digits_start: int, left: str) -> bool:
    """True when the number starting at ``digits_start`` is spaced on both sides (``於 12 月``).

    A number spaced only on its left (``本報訊 7月3日``) follows a deliberate separator.
    """
    if left in _NUMBER_PREFIXES:
        return True
    end = digits_start
    while end < len(text) and (_is_digit(text[end]) or text[end] in ".,-"):
        end += 1
    return end < len(text) and text[end] in " \t" and end + 1 < len(text) and is_han(text[end + 1].lstrip() or "a")


def _reads_as_prose(line: str) -> bool:
    """A line with sentence punctuation inside it is running text, not a heading.

    >>> _reads_as_prose("会议召开，地点"), _reads_as_prose("会议召开,地点"), _reads_as_prose("Note: 会议")
    (True, True, False)
    """
    return _PROSE.search(line) is not None


# Sentence punctuation (PROSE_PUNCT), or a half-width mark after Chinese: it counts as the
# full-width one the punct stage makes of it, at a line end too, or a second pass would see
# prose the first did not. One regex search, not a Python loop over the line.
_PROSE = re.compile(
    "["
    + "".join(re.escape(c) for c in sorted(PROSE_PUNCT))
    + "]|(?<="
    + HAN_RUN.pattern.removesuffix("+")
    + ")["
    + "".join(re.escape(c) for c in sorted(_HALF_PROSE))
    + "]"
)
