"""Punct: half-width punctuation inside Chinese text becomes full-width.

A mark is converted only when Chinese text stands on its left (a Han character
or a closing full-width mark) and Chinese, a digit or the line end on its right,
so ``1,000``, ``3.5``, URLs, e-mail addresses and Latin runs never change. Spaces
around a converted mark go with it (full-width marks carry their own spacing).
Parentheses are converted as a pair when they enclose Chinese. A separator printed
twice (``。。``) loses one copy. Between digits, a full-width comma before one or two digits and a
unit (``7，62万``) is a misread decimal point and a Han ``一`` (``6一7级``) a misread range dash.
An opening quote ending a paragraph (``作品获奖“``) is a misread full stop, and the interpunct
``·`` between two Chinese names (``王林·张明``) a misread ``、``; a parenthesis and a look-alike
bracket side by side before a closed short text (``刘敏(〈女)``) are one ``（`` read twice. From an OCR file, a
half-width mark whose full-width form the engine lists among its alternatives is that mark in the
other width (``PunctConfig.engine_listed_width``).

>>> from restore.config import Config
>>> from restore.stages.base import Document
>>> out = PunctStage(Config()).propose("喜报! 共1,000人(含学生)参加", Document())
>>> [(p.start, p.end, p.after) for p in out.proposals]
[(2, 4, '！'), (11, 12, '（'), (15, 16, '）')]
>>> [(p.start, p.after) for p in PunctStage(Config()).propose("王环〈女)、李明（男)张强", Document()).proposals]
[(4, '）'), (10, '）、'), (2, '（')]
>>> out = PunctStage(Config()).propose("增长4，9%，风力6一7级", Document())
>>> [(p.start, p.after) for p in out.proposals]
[(3, '.'), (10, '—')]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace

from restore.chars import CLOSERS, OPENERS, SPECK_SEPARATORS, SPECKS, is_cjk_punct, is_han, removable_space
from restore.config import Config
from restore.evidence import ConfidenceCap, EngineReading
from restore.stages.base import Document, EngineView, Proposal, StageOutput, StagePlan, rule_proposal
from restore.lm.model import load_name_chars
from restore.scriptdata import ScriptTables
from restore.spans import LineIndex
from restore.stages.lists import dropped_annotation_separators, misread_interpuncts


class _Guarded:
    """A rule's regex with a character class every match holds a character of: a text with none
    (most lines, for most rules) is not scanned.

    The patterns below open with a lookbehind, an optional run or an alternation, so the regex
    engine tries a whole match at every position; the class is found by a plain character scan,
    several times faster, and it settles most short OCR lines alone. ``finditer`` gives what the
    pattern's does (tests/test_fast_paths.py).

    >>> _Guarded("(?<=a)b", "b").finditer("xy") is _NOTHING, [m.span() for m in _Guarded("(?<=a)b", "b").finditer("ab")]
    (True, [(1, 2)])
    """

    def __init__(self, pattern: str, needed: str, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags)
        self.needed = re.compile("[" + needed + "]")

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, without the scan when ``text`` holds nothing ``needed``."""
        return self.pattern.finditer(text) if self.needed.search(text) else _NOTHING


_NOTHING: Iterator[re.Match[str]] = iter(())  # exhausted for good: every caller may share it

FULL_WIDTH = {",": "，", "!": "！", "?": "？", ":": "：", ";": "；", "(": "（", ")": "）"}
_MARK = _Guarded(r"[ \t]*([,!?:;])[ \t]*", ",!?:;")
# Characters after which a confusable mark is what it looks like: a question or exclamation
# after a sentence-final particle, a colon after a verb of saying.
_CUES = {"?": "呢吗吧啊呀嘛么", "!": "呢吗吧啊呀嘛么", ":": "说道曰问答"}
_DEBRIS = frozenset(".'`")
_SEPARATORS = frozenset("。，、；：！？")
_RUN_MARKS = _SEPARATORS | {","}  # a speck after two of these ends a separator run
_QUOTE_OPENERS = frozenset("“‘「『")
# Brackets a lone half-width ")" may close: the full-width one and the look-alikes engines print for it.
_LONE_OPENERS = frozenset("（〈【《〔")
# A speck after a separator, before Chinese, a quote or the line end.
_SPECK = _Guarded(
    rf"(?<=[{''.join(sorted(SPECK_SEPARATORS))}])[{re.escape(''.join(sorted(SPECKS)))}](?=$|[\r\n\u3400-\u9fff“‘])",
    "".join(sorted(SPECKS)),
    re.MULTILINE,
)
# Two separators ending a line (trailing spaces allowed); not the end of a longer run, which would
# end in two separators again after the edit.
_TRAILING_SEPARATOR = _Guarded(r"(?<![。，、；：！？,])([。，、；：！？])([。，、；：,])[ \t]*$", "。，、；：,", re.MULTILINE)
# The end of a paragraph: the text's end, or a blank line.
_PARAGRAPH_END = r"(?=[ \t]*(?:\Z|\r?\n[ \t]*(?:\r?\n|\Z)))"
# An opening quote ending a paragraph after Chinese.
_FINAL_OPENER = _Guarded(r"(?<=[\u3400-\u9fff])“" + _PARAGRAPH_END, "“")
# An opening quote ending a paragraph straight after a mark (。“ at the text's end); after a
# half-width mark only where the width rule widens it in the same pass (公园,“ -> 公园，).
_STRAY_OPENER = _Guarded(
    rf"([。！？，、；,;!?])([ \t]*|[{re.escape(''.join(sorted(SPECKS)))}])([“‘「『])" + _PARAGRAPH_END, "“‘「『"
)
_QUOTE_CLOSERS = {"“": "”", "‘": "’", "「": "」", "『": "』"}
# (丶 is itself in the Han block: a run of them is not a comma between characters.)
_RADICAL_COMMA = _Guarded(r"(?<=[\u3400-\u9fff）)])(?<!丶)丶(?=[\u3400-\u9fff])(?!丶)", "丶")
_LIST_CLOSE = re.compile(r"[)）]、")
# A look-alike bracket closed by a parenthesis, not after one ((〈女) keeps the engine's own "(").
_MISREAD_OPENER = _Guarded(r"(?<![(（])[〈【《〔]([^()（）〈〉【】《》〔〕\r\n]{1,8})[)）]", "〈【《〔")
# Two openers, at least one a look-alike (〈 【 《 〔), before a short text a parenthesis closes:
# one （ an engine read as two glyphs (刘敏(〈女) → 刘敏（女）).
_DOUBLED_OPENER = _Guarded(r"(?:[(（][〈【《〔]|[〈【《〔][(（〈【《〔])(?=([^()（）〈〉【】《》〔〕\r\n]{1,8})[)）])", "〈【《〔")
_PAIR = re.compile(r"\(([^()\r\n]{1,80})\)")
# A full-width comma or stop inside a number with one or two decimals and a unit: a misread decimal point.
_DECIMAL_COMMA = _Guarded(r"(?<=[0-9０-９])[，。](?=[0-9０-９]{1,2}(?![0-9０-９])(?:[%％万亿萬億千百倍元]|个百分点))", "0-9０-９")
# The Han 一 between a number (3万, 7月; or a model name: DC一4) and a digit: a misread range dash.
_RANGE_DASH = _Guarded(r"(?:(?<=[0-9０-９A-Za-z%％])|(?<=[0-9０-９][万千亿萬億年月日]))一(?=[0-9０-９])", "一")


def _chinese_left(char: str) -> bool:
    return is_han(char) or (is_cjk_punct(char) and (char in CLOSERS or char not in OPENERS))


def _confusable_reason(mark: str, left: str) -> str:
    """Why a confusable half-width mark inside a line gets ``PunctConfig.confusable_confidence``
    (the evidence's :class:`~restore.evidence.ConfidenceCap` reason).

    >>> _confusable_reason(":", "称")
    "':' after 称, which is no cue for it (说道曰问答): in OCR output often a misread ， or 、, so the char stage's LM decides"
    """
    cues = _CUES.get(mark, "")
    after = f"after {left}, which is no cue for it ({cues})" if cues else "inside a line"
    misread = {":": "， or 、", ";": "， or ：", "!": "（ or 1", "?": "digit"}.get(mark, "mark")
    return f"{mark!r} {after}: in OCR output often a misread {misread}, so the char stage's LM decides"


def _chinese_right(char: str) -> bool:
    return is_han(char) or (is_cjk_punct(char) and char in OPENERS)


class PunctStage:
    """Propose full-width punctuation where half-width marks sit inside Chinese text."""

    name = "punct"

    def __init__(self, config: Config, *, plan: StagePlan | None = None) -> None:
        """``plan``: the stages after this one (default: those after it in ``config.stages``)."""
        self.settings = config.punct
        plan = plan if plan is not None else StagePlan.of(config.stages, self.name)
        # Marks the char stage's LM decides instead (see PunctConfig.confusable_marks).
        lm_decides = plan.follows("char") and config.char.punctuation
        self._deferred = self.settings.confusable_marks if lm_decides else ""
        self._engine_prior = config.char.engine_prior
        self._applied_from = config.min_confidence
        self._names: tuple[frozenset[str], frozenset[str]] | None = None
        # A run of one of the doubled marks (a mark printed twice is one): the runs "(.)\1+" finds
        # of them, but scanned for the marks alone, not a match tried at every character.
        # ("." takes no line break, so neither does the class.)
        marks = "".join(re.escape(mark) for mark in dict.fromkeys(self.settings.doubled_marks) if mark != "\n")
        self._doubled_run = re.compile(f"([{marks}])\\1+") if marks else None

    def propose(self, text: str, document: Document) -> StageOutput:
        """All punctuation proposals for ``text``."""
        # The OCR engine's reading, unless its evidence is switched off (CharConfig.engine_prior).
        engine = document.engine if self._engine_prior else None
        parentheses = list(self._parentheses(text))
        closers = tuple(p for p in self._lone_closers(text) if not any(q.start <= p.start < q.end for q in parentheses))
        # Marks next to a converted parenthesis or lone closer see it full-width, as a second run
        # would (（丶), : the comma follows a closer once ")" is "）"). One character for one: a
        # "）、" is seen as its "）", so the view keeps the text's offsets.
        widened = {
            text.index("(" if proposal.after == "（" else ")", proposal.start, proposal.end): proposal.after[:1]
            for proposal in (*parentheses, *closers)
        }
        absorbed = {p.start for p in parentheses if p.after == "（" and text[p.start] in _DEBRIS}
        seen = _replaced(text, widened)
        listed = self._engine_listed_width(text, engine)
        marks = tuple(p for p in self._marks(seen, listed) if p.start not in absorbed)
        # The rules that look at a run of separators read the text as the doubled-mark rule leaves
        # it (and with the brackets widened), so a run gives the same proposals before and after
        # those rules' edits (、、，: the doubled 、 and the trailing ， go in one pass, not one per run).
        double_reads = self._double_reads(text, engine)
        view, back = _without(seen, double_reads)
        specks = (
            *self._specks(text, view, back),
            *self._radical_commas(text),
            *self._list_interpuncts(text),
            *self._trailing_separators(text, view, back),
            *self._final_openers(text, view, back),
            *self._stray_openers(text, view, back, marks),
        )
        # A 、 lost after a name's annotation, unless the bracket's own rule restores it (（女)马 → （女）、马).
        annotation_separators = tuple(
            p for p in self._annotation_separators(text)
            if not any(q.end == p.start and q.after.endswith("、") for q in (*parentheses, *closers))
        )
        # A doubled opener becomes one （: the pair and look-alike rules leave its two characters alone.
        doubled_openers = tuple(self._doubled_openers(text))
        covered = {at for p in doubled_openers for at in range(p.start, p.end)}
        proposals = (
            *marks,
            *(p for p in parentheses if p.start not in covered),
            *doubled_openers,
            *closers,
            *self._doubled(text, double_reads, engine),
            *self._between_digits(text),
            *(p for p in self._misread_openers(text) if p.start not in covered),
            *specks,
            *annotation_separators,
        )
        return StageOutput(proposals=proposals)

    def _trailing_separators(self, text: str, view: str, back: Callable[[int], int]) -> Iterator[Proposal]:
        """Delete the second of two different separators ending a line (获悉。,); ``view``/``back``: see :func:`_without`."""
        for match in _TRAILING_SEPARATOR.finditer(view):
            if match.group(1) != match.group(2):
                start = back(match.start(2))
                yield self._proposal(text, start, start + 1, "", "trailing-separator", self.settings.trailing_separator_confidence)

    def _final_openers(self, text: str, view: str, back: Callable[[int], int]) -> Iterator[Proposal]:
        """An opening quote ending a paragraph after Chinese is a misread full stop (获奖“ at the end),
        unless a closing quote follows before any other opening one (a quotation of paragraphs) or
        the paragraph has a quote open before it (说：“明天早点来“: a misread closing quote, which the
        rule leaves alone). Read in ``view`` (see :func:`_without`): a quote printed twice there
        (获奖““) is the same case once the doubled-mark rule has removed one."""
        for match in _FINAL_OPENER.finditer(view):
            closing, opening = view.find("”", match.end()), view.find("“", match.end())
            if closing >= 0 and (opening < 0 or closing < opening):
                continue
            if _quote_open_before(view, match.start(), "“"):
                continue
            start = back(match.start())
            yield self._proposal(text, start, start + 1, "。", "final-opener", self.settings.final_opener_confidence)

    def _stray_openers(
        self, text: str, view: str, back: Callable[[int], int], widths: Sequence[Proposal]
    ) -> Iterator[Proposal]:
        """Delete an opening quote that ends a paragraph straight after a mark (好。“ at the end):
        nothing follows for it to open. Left alone when the paragraph has a quote of its kind open
        before it (说：“好。“: a misread closing quote). Read in ``view`` (see :func:`_without`).
        After a half-width mark only when ``widths`` (the width rule's proposals) widen it at a
        confidence that applies: a second run then sees what this one would (idempotence)."""
        confidence = self.settings.stray_opener_confidence
        if not confidence:
            return
        widened = {at for p in widths if p.confidence >= self._applied_from for at in range(p.start, p.end)}
        for match in _STRAY_OPENER.finditer(view):
            if match.start(1) and view[match.start(1) - 1] in SPECK_SEPARATORS:
                continue  # a run of separators (、，“): the trailing-separator rule's once the quote goes
            gap = match.group(2)
            if gap in SPECKS and (match.group(1) not in SPECK_SEPARATORS or match.group(3) not in "“‘"):
                continue  # a speck the speck rule leaves (it deletes one after a separator, before “ ‘)
            half_width = match.group(1) in FULL_WIDTH
            if half_width and back(match.start(1)) not in widened:
                continue  # (a widened mark's edit takes the spaces after it along: 了! “ -> 了！)
            if not half_width and gap and gap not in SPECKS:
                continue  # spaces after a full-width mark are the layout stage's
            if _quote_open_before(view, match.start(3), match.group(3)):
                continue
            start = back(match.start(3))
            yield self._proposal(text, start, start + 1, "", "stray-opener", confidence)

    def _radical_commas(self, text: str) -> Iterator[Proposal]:
        """The radical 丶 between Han characters is a misread 、 (北京丶上海)."""
        for match in _RADICAL_COMMA.finditer(text):
            yield self._proposal(text, match.start(), match.end(), "、", "radical-comma", self.settings.radical_comma_confidence)

    def _list_interpuncts(self, text: str) -> Iterator[Proposal]:
        """The interpunct · between two Chinese names is a misread 、 (王林·张明、李强)."""
        confidence = self.settings.name_list_interpunct_confidence
        if not confidence or "·" not in text:
            return
        surnames, given = self._name_chars()
        for at in misread_interpuncts(text, surnames, given):
            yield self._proposal(text, at, at + 1, "、", "name-list-interpunct", confidence)

    def _annotation_separators(self, text: str) -> Iterator[Proposal]:
        """A 、 lost between a name's annotation and the next name (王林（女）张明 → 王林（女）、张明)."""
        confidence = self.settings.annotation_separator_confidence
        if not confidence or "族" not in text and "女" not in text:
            return
        surnames, given = self._name_chars()
        for at in dropped_annotation_separators(text, surnames, given):
            yield self._proposal(text, at, at, "、", "annotation-separator", confidence)

    def _name_chars(self) -> tuple[frozenset[str], frozenset[str]]:
        """(surname, given-name) characters in both scripts: data/lm/names.txt and their traditional
        forms, read on first use."""
        if self._names is None:
            to_traditional = ScriptTables.load().to_traditional

            def both_scripts(chars: frozenset[str]) -> frozenset[str]:
                return chars | {form for char in chars for form in to_traditional.get(char, ())}

            surnames, given = load_name_chars()
            self._names = both_scripts(surnames), both_scripts(given)
        return self._names

    def _specks(self, text: str, view: str, back: Callable[[int], int]) -> Iterator[Proposal]:
        """Delete a speck an engine left after a separator (丰收。. 说,.是).

        After a half-width ``,`` the comma is widened in the same edit (``,.`` → ``，``) when it
        follows Chinese, as the width rule would once the speck is gone; otherwise a second run
        would still find the comma to widen. After a half-width comma that does not follow
        Chinese (``Hello,.``) nothing is changed; nor after a run of separators (``、，.``), whose
        end the trailing-separator rule would judge again once the speck were gone.
        """
        for match in _SPECK.finditer(view):
            at = match.start()
            if at >= 2 and view[at - 2] in _RUN_MARKS:
                continue  # a separator run (、，. 、,.): the other rules judge it, and its end with it
            speck = back(at)
            if view[at - 1] == ",":
                if at < 2 or not _chinese_left(view[at - 2]):
                    continue
                comma = back(at - 1)
                yield self._proposal(text, comma, speck + 1, FULL_WIDTH[","], "speck-after-separator", self.settings.speck_confidence)
                continue
            yield self._proposal(text, speck, speck + 1, "", "speck-after-separator", self.settings.speck_confidence)

    def _lone_closers(self, text: str) -> Iterator[Proposal]:
        """A half-width ")" closing a full-width or look-alike bracket (（女) 〈女) 【记者…)) becomes "）"."""
        closes: _ListCloses | None = None
        at = text.find(")")
        while at >= 0:
            opener = _open_bracket_before(text, at)
            if (
                opener >= 0
                and text[opener] in _LONE_OPENERS
                and any(is_han(c) for c in text[opener + 1 : at])
                and text[at + 1 : at + 2] not in CLOSERS
            ):
                # In a list whose other items end "）、" (王环（女）、李明（女)马…), a ")" glued to the next
                # item lost its separator too (4 of 4 on DEV renders; without such items 1 of 10).
                closes = closes or _ListCloses(text)
                after = "）、" if _glued_list_item(text, at, closes) else "）"
                start, end = _with_spaces(text, at, at + 1, after)
                yield self._proposal(text, start, end, after, "halfwidth-closer", self.settings.lone_closer_confidence)
            at = text.find(")", at + 1)

    def _misread_openers(self, text: str) -> Iterator[Proposal]:
        """A look-alike bracket (〈 【 《 〔) that a parenthesis closes, with Chinese inside: a misread "（"
        (刘敏〈女) → 刘敏（女）, with the lone-closer rule)."""
        for match in _MISREAD_OPENER.finditer(text):
            if any(is_han(c) for c in match.group(1)):
                at = match.start()
                yield self._proposal(text, at, at + 1, "（", "misread-opener", self.settings.misread_opener_confidence)

    def _doubled_openers(self, text: str) -> Iterator[Proposal]:
        """Two openers, one a look-alike bracket, before Chinese a parenthesis closes: one （ read twice
        (刘敏(〈女) → 刘敏（女）, with the pair's or the lone closer's ）)."""
        confidence = self.settings.doubled_opener_confidence
        if not confidence:
            return
        for match in _DOUBLED_OPENER.finditer(text):
            if any(is_han(c) for c in match.group(1)):
                yield self._proposal(text, match.start(), match.end(), "（", "doubled-opener", confidence)

    def _between_digits(self, text: str) -> Iterator[Proposal]:
        """A decimal point read as a full-width comma (7，62万) and a range dash read as 一 (6一7级)."""
        for match in _DECIMAL_COMMA.finditer(text):
            yield self._proposal(text, match.start(), match.end(), ".", "decimal-comma", self.settings.decimal_comma_confidence)
        for match in _RANGE_DASH.finditer(text):
            yield self._proposal(text, match.start(), match.end(), "—", "range-dash", self.settings.range_dash_confidence)

    def _double_reads(self, text: str, engine: EngineView | None = None) -> list[int]:
        """The offset of the copy to delete of each separator or quote an engine printed twice (会议。。):
        the first, or the second when the OCR ``engine`` was less sure of it (the copy it doubted is
        the double read; the kept one keeps its box and confidence in the OCR file).

        Exactly two: a longer run (。。。) is someone's ellipsis, not a double read.
        """
        reads: list[int] = []
        if self._doubled_run is None:
            return reads
        for match in self._doubled_run.finditer(text):
            if match.end() - match.start() == 2:
                first = match.start()
                reads.append(first + 1 if _less_sure(engine, first + 1, first) else first)
        return reads

    def _doubled(self, text: str, double_reads: list[int], engine: EngineView | None = None) -> Iterator[Proposal]:
        """Delete one copy of each double read (the copies are identical; which one: :meth:`_double_reads`),
        with the engine's reading of the deleted copy as evidence when it gave one."""
        for at in double_reads:
            proposal = self._proposal(text, at, at + 1, "", "doubled-mark", self.settings.doubled_confidence)
            if engine is not None and at < len(engine.confidences) and (printed := engine.confidences[at]) is not None:
                proposal = replace(proposal, evidence=proposal.evidence + (EngineReading(engine.engine, round(printed, 4), None),))
            yield proposal

    def _proposal(self, text: str, start: int, end: int, after: str, rule: str, confidence: float) -> Proposal:
        return rule_proposal(text, start, end, after, kind="punct", rule=rule, confidence=confidence, context=4)

    def _engine_listed_width(self, text: str, engine: EngineView | None) -> dict[int, EngineReading]:
        """Offset -> the engine's reading, for each half-width mark of ``text`` whose full-width form
        the OCR engine lists among its alternatives (``PunctConfig.engine_listed_width``)."""
        if engine is None or not self.settings.engine_listed_width:
            return {}
        listed: dict[int, EngineReading] = {}
        for offset, alternatives in engine.alternatives.items():
            wide = FULL_WIDTH.get(text[offset]) if offset < len(text) else None
            printed = engine.confidences[offset] if offset < len(engine.confidences) else None
            if wide is None or printed is None:
                continue
            for alternative, probability in alternatives:
                if alternative == wide:
                    listed[offset] = EngineReading(engine.engine, round(printed, 4), None if probability is None else round(probability, 4))
        return listed

    def _marks(self, text: str, listed: Mapping[int, EngineReading] | None = None) -> Iterator[Proposal]:
        """Half-width marks after Chinese; ``listed``: offsets whose full-width form the OCR engine
        listed (:meth:`_engine_listed_width`): converted at the width rule's own confidence."""
        listed = listed or {}
        for match in _MARK.finditer(text):
            start, end = match.span()
            mark_at = match.start(1)
            left = text[mark_at - 1] if mark_at > 0 else ""
            right = text[end] if end < len(text) else "\n"
            if not left or not _chinese_left(left):
                continue
            start = mark_at
            reading = listed.get(mark_at)
            if right in "\r\n":
                if match.group(1) == ":" and reading is None:
                    continue  # a line-final colon may introduce Latin or a list
                confidence = self.settings.line_end_confidence
            elif _chinese_right(right):
                confidence = self.settings.confidence
            elif right.isdigit() and right.isascii() and match.group(1) in ",;:":
                confidence = self.settings.line_end_confidence
            else:
                continue
            why = ""
            if left in _SEPARATORS:
                # A mark straight after a full-width separator ("。," "、,") is a double read or
                # debris: widening it gives "。，", right 1 of 6 times on DEV renders.
                why = f"{match.group(1)!r} straight after the separator {left}: a double read or debris, not a mark to widen"
            elif (
                reading is None
                and match.group(1) in self._deferred
                and right not in "\r\n"
                and left not in _CUES.get(match.group(1), "")
                and not _headline_mark(text, match.group(1), match.end(1))
                and not (match.group(1) == ":" and right in _QUOTE_OPENERS)
            ):
                why = _confusable_reason(match.group(1), left)
            extra: tuple[ConfidenceCap | EngineReading, ...] = ()
            if why and confidence > self.settings.confusable_confidence:
                extra = (ConfidenceCap("punct.confusable_confidence", self.settings.confusable_confidence, confidence, why),)
                confidence = self.settings.confusable_confidence
            start, end = _with_spaces(text, start, match.end(1), FULL_WIDTH[match.group(1)])
            proposal = self._proposal(text, start, end, FULL_WIDTH[match.group(1)], "halfwidth-mark", confidence)
            extra += () if reading is None else (reading,)
            yield replace(proposal, evidence=proposal.evidence + extra) if extra else proposal

    def _parentheses(self, text: str) -> Iterator[Proposal]:
        # Nested pairs ((了)) convert from the inside out in one run, as a second run would see them.
        closes: _ListCloses | None = None
        view = text
        while True:
            found = []
            for match in _PAIR.finditer(view):
                inside = match.group(1)
                han = sum(1 for c in inside if is_han(c))
                if han == 0:
                    continue
                confidence = self.settings.confidence if han * 2 >= len(inside.replace(" ", "")) else self.settings.line_end_confidence
                for at, mark in ((match.start(), "（"), (match.end() - 1, "）")):
                    # An item's note (李明(女)马红), not a label opening the line ((六)图书馆、…).
                    noted = match.start() > 0 and is_han(view[match.start() - 1])
                    if mark == "）" and noted:
                        closes = closes or _ListCloses(text)
                        if _glued_list_item(text, at, closes):
                            mark = "）、"
                    start, end = _with_spaces(text, at, at + 1, mark)
                    if mark == "（" and start == at and _debris_before(text, at):
                        start -= 1  # 林玉英.(女): the speck before the parenthesis goes with it
                    found.append((at, self._proposal(text, start, end, mark, "halfwidth-parenthesis", confidence)))
            if not found:
                return
            yield from (proposal for _, proposal in found)
            # One character per parenthesis (a "）、" keeps the view aligned with the text).
            view = _replaced(view, {at: proposal.after[:1] for at, proposal in found})


class _ListCloses:
    """Where the lines of a text hold an item ending ``）、``: found once, asked per parenthesis (a
    scan of the line per question is quadratic in a document printed as one long line)."""

    def __init__(self, text: str) -> None:
        self._lines = LineIndex(text)
        self._closes = [m.start() for m in _LIST_CLOSE.finditer(text)]

    def in_line_of(self, at: int) -> bool:
        """Whether the line holding offset ``at`` has an item ending ``）、``."""
        _, start, end = self._lines.line(at)
        first = bisect.bisect_left(self._closes, start)
        return first < len(self._closes) and self._closes[first] < end


def _glued_list_item(text: str, at: int, closes: _ListCloses | None = None) -> bool:
    """Whether the ``)`` at ``at`` closes a list item glued to the next one (王环（女）、李明(女)马…):
    a Han character follows it and its line has other items ending ``）、``. In such a list the
    separator was lost with the bracket (lone closers 4 of 4 on DEV renders, half-width pairs 2 of 2; without
    such items 1 of 10). A pair opening its line is a label ((六)图书馆), not an item: on the modern
    DEV renders the one such case would have been wrong. ``closes``: ``_ListCloses(text)``, built
    once for many questions (built here when not given).

    >>> _glued_list_item("王环（女）、李明(女)马红", 8), _glued_list_item("李明(女)马红", 4)
    (True, False)
    """
    if not (at + 1 < len(text) and is_han(text[at + 1])):
        return False
    return (closes or _ListCloses(text)).in_line_of(at)


def _less_sure(engine: EngineView | None, offset: int, than: int) -> bool:
    """Whether the OCR engine gave the character at ``offset`` a lower confidence than the one at ``than``
    (False when either has none)."""
    if engine is None or max(offset, than) >= len(engine.confidences):
        return False
    mine, theirs = engine.confidences[offset], engine.confidences[than]
    return mine is not None and theirs is not None and mine < theirs


def _without(text: str, removed: list[int]) -> tuple[str, Callable[[int], int]]:
    """``text`` without the characters at the sorted offsets ``removed``, and the map from an
    offset in that view back to ``text`` (a binary search: no per-character table).

    >>> view, back = _without("会议。。好", [2])
    >>> view, back(1), back(2), back(3)
    ('会议。好', 1, 3, 4)
    """
    if not removed:
        return text, int
    view = "".join(text[start:end] for start, end in zip([0, *(r + 1 for r in removed)], [*removed, len(text)]))
    # The view offset from which each removal shifts the rest by one more.
    shifted = [r - k for k, r in enumerate(removed)]
    return view, lambda at: at + bisect.bisect_right(shifted, at)


def _headline_mark(text: str, mark: str, end: int) -> bool:
    """True when ``mark`` (ending at ``end``) is ``!`` or ``?`` followed by a space, as a headline's
    or a sentence's end is typed (``喜报! 全区…``).

    The misreads that make these marks confusable inside a line (``!`` for ``（`` or ``1``, ``?``
    for a digit) sit inside a word, with no space after them.

    >>> _headline_mark("喜报! 全区", "!", 3), _headline_mark("喜报!全区", "!", 3), _headline_mark("比分3: 2", ":", 4)
    (True, False, False)
    """
    return mark in "!?" and end < len(text) and text[end] in " \t\u3000"


def _open_bracket_before(text: str, at: int, reach: int = 30) -> int:
    """The offset of the nearest bracket opening before ``at`` on its line, within ``reach``
    characters and with no closing mark between, or -1.

    >>> _open_bracket_before("王环〈女)", 4), _open_bracket_before("（甲）乙)", 4)
    (2, -1)
    """
    for j in range(at - 1, max(-1, at - reach - 1), -1):
        char = text[j]
        if char in "\r\n" or char in CLOSERS or char in "〉":
            return -1
        if char in OPENERS or char in _LONE_OPENERS or char == "(":
            return j
    return -1


def _debris_before(text: str, at: int) -> bool:
    """True when ``text[at - 1]`` is a speck OCR left between a Han character and a parenthesis.

    Chinese print never puts ``.``, ``'`` or a backquote right before an opening
    parenthesis; on DEV renders these were debris where the truth has only ``（``.
    """
    return at >= 2 and text[at - 1] in _DEBRIS and is_han(text[at - 2])


def _with_spaces(text: str, start: int, end: int, mark: str) -> tuple[int, int]:
    """Extend a mark's span over the spaces the layout rules would drop around the full-width ``mark``.

    Full-width marks carry their own spacing, so converting one also takes the
    spaces beside it (the same rule as ``layout:punct-space`` and trailing spaces);
    otherwise a second run would find them.
    """
    before = start
    while before > 0 and text[before - 1] in " \t":
        before -= 1
    if before < start and before > 0 and text[before - 1] not in "\r\n" and removable_space(text[before - 1], mark):
        start = before
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after > end and (after == len(text) or text[after] in "\r\n" or removable_space(mark, text[after])):
        end = after
    return start, end


def _replaced(text: str, changes: dict[int, str]) -> str:
    """``text`` with the character at each key replaced by its value, built from slices.

    (A list of the text's characters costs about 80 bytes a character: 300 MB for a 10 MB book.)

    >>> _replaced("a(b)c", {1: "（", 3: "）"})
    'a（b）c'
    """
    if not changes:
        return text
    pieces: list[str] = []
    last = 0
    for at, mark in sorted(changes.items()):
        pieces += [text[last:at], mark]
        last = at + 1
    pieces.append(text[last:])
    return "".join(pieces)


def _quote_open_before(view: str, at: int, opener: str) -> bool:
    """Whether the paragraph of ``view[at]`` has a quote of ``opener``'s kind open before ``at``
    (then an opener at ``at`` is a misread closing quote: 说：“好。“)."""
    paragraph = view[view.rfind("\n\n", 0, at) + 1 : at]
    return paragraph.count(opener) > paragraph.count(_QUOTE_CLOSERS[opener])
