"""Script: convert characters of the minority script with OpenCC, one edit per character.

Each document's dominant script is decided from the characters only one script
uses (``层`` is simplified-only, ``層`` traditional-only); a line with enough such
characters of its own decides for itself, so a page may mix scripts by line. A document
neither script dominates is traditional once its traditional-only characters reach its
simplified-only ones: a simplified-trained OCR model reads traditional print half in
simplified forms, while simplified print gains traditional forms only by misreads
(``ScriptConfig.traditional_dominance_ratio``). A mixed document neither rule decides is judged by
*which* distinctive characters were printed (:class:`~restore.printscript.PrintScriptModel`,
``ScriptConfig.print_script_min_log_ratio``), either way: 導 and 對 beside 领 and 这 are a
simplified-model engine's reading of traditional print, 議題 among simplified forms a bilingual
engine's slips on simplified print.
Minority characters are converted at phrase level with OpenCC (``s2tw`` writes
the forms traditional print uses: 為, 眾, 著) and each changed character becomes
its own edit. A character with one counterpart is converted confidently; one
with several (``发`` → 發/髮) is confident only when a dictionary phrase chose;
otherwise it is a suggestion. On a mixed line of a traditional page, conversion
leftovers that are valid characters (``聯系`` → ``聯繫``) are repaired when
OpenCC's phrase data says so, except forms traditional print accepts (``平台``).
A confident conversion of a minority character is *deferred* (it may be an OCR
misread: ``圆`` for ``團`` on a traditional page, ``舉`` for ``要`` on a simplified one):
the char stage proposes it as is unless a likelier character fits there
(:class:`~restore.stages.base.Deferred`).

>>> from restore.config import Config
>>> from restore.stages.base import Document
>>> out = ScriptStage(Config()).propose("服務在基层，區域聯系", Document())
>>> [(p.start, p.after) for p in out.proposals], [(d.proposal.start, d.proposal.after) for d in out.deferred]
([(9, '繫')], [(4, '層')])
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from restore.chars import HAN_RUN
from restore.config import Config
from restore.errors import ResourceError
from restore.evidence import ConfidenceCap, EngineReading, ScriptConversion
from restore.printscript import PrintScriptModel
from restore.scriptdata import SIMPLIFIED, TRADITIONAL, ScriptTables, dominant_script
from restore.stages.base import Deferred, Document, EngineView, Proposal, StageOutput, StagePlan
from restore.stages.engine_prior import calibration_for
from restore.stages.engine_script import (
    hold_back_unlisted,
    line_lean,
    listing_required,
    read_off_traditional_print,
    support_floor,
    supported_conversions,
    traditional_dominance,
    traditional_print_floor,
    undoubted_counts,
)

_LINE = re.compile(r"[^\r\n]+")
# The pieces the print judgement's veto weighs one by one: sentences (split after their end mark)
# and what quotation marks or title brackets set apart from the text around them.
_PIECE = re.compile(r"(?<=[。！？!?])|[“”「」『』《》\"]")


class ScriptStage:
    """Propose per-character conversions of minority-script characters."""

    name = "script"

    def __init__(self, config: Config, *, plan: StagePlan | None = None) -> None:
        """``plan`` is unused: nothing this stage does depends on the stages after it."""
        self.settings = config.script
        self._char_settings = config.char  # the engine's evidence (engine_script_support_<engine>)
        self._tables: ScriptTables | None = None
        self._converters: dict[str, object] = {}
        self._confusions: dict[str, dict[str, int]] | None = None
        self._print_model: PrintScriptModel | None = None

    @property
    def tables(self) -> ScriptTables:
        """The script tables, loaded on first use."""
        if self._tables is None:
            self._tables = ScriptTables.load()
        return self._tables

    def _convert(self, config_name: str, text: str) -> str:
        converter = self._converters.get(config_name)
        if converter is None:
            try:
                import opencc
            except ImportError as exc:
                raise ResourceError("the script stage needs the 'opencc' package") from exc
            try:
                converter = opencc.OpenCC(config_name)
            except Exception as exc:  # OpenCC raises bare RuntimeError/ValueError for a bad config name
                raise ResourceError(f"OpenCC config {config_name!r} cannot be loaded: {exc}") from exc
            self._converters[config_name] = converter
        return converter.convert(text)  # type: ignore[attr-defined]

    def propose(self, text: str, document: Document) -> StageOutput:
        """Detect the dominant script and propose conversions of the other one."""
        tables = self.tables
        settings = self.settings
        lines = []
        document_counts = [0, 0]
        engine = document.engine
        print_floor = traditional_print_floor(engine.engine, self._char_settings) if engine is not None else 0.0
        for line in _LINE.finditer(text):
            simplified, traditional = tables.counts(line.group())
            script = ""
            if simplified + traditional >= settings.min_distinctive_chars:
                # (ScriptTables.detect of the line, from the counts just taken.)
                script = dominant_script(simplified, traditional, ratio=settings.dominance_ratio, minimum=1)
            if print_floor and engine is not None and read_off_traditional_print(line.group(), line.start(), engine, tables, print_floor):
                script = TRADITIONAL  # what the engine printed shows traditional print (engine_script)
            # A line that decides for itself counts wholly for its script: its minority
            # characters are about to be converted, so a second run sees the same document.
            if script == TRADITIONAL:
                document_counts[1] += simplified + traditional
            elif script == SIMPLIFIED:
                document_counts[0] += simplified + traditional
            else:
                document_counts[0] += simplified
                document_counts[1] += traditional
            lines.append((line, script, simplified, traditional))
        simplified_count, traditional_count = document_counts
        document_script = dominant_script(
            simplified_count, traditional_count, ratio=settings.dominance_ratio, minimum=settings.min_distinctive_chars
        ) or self._traditional_print(simplified_count, traditional_count, engine)
        judged: float | None = None  # the print judgement's log10 ratio, when it decided the document
        if not document_script:
            document_script, judged = self._print_judgement(lines, engine)
        document.script = document.script or document_script
        # Leftover repair (聯系 → 聯繫) only on a page that shows conversion damage at all.
        mixed = any(simplified for _, _, simplified, _ in lines)
        found: list[Proposal | Deferred] = []
        focus = document.focus
        for line, script, simplified, traditional in lines:
            if focus is not None and not focus.holds(line.start(), line.end()):
                continue  # the second look: only lines the first round changed
            line_judged = None if script else judged
            script = script or document_script
            if script == TRADITIONAL and (simplified or mixed):
                found.extend(self._to_script(line.group(), line.start(), TRADITIONAL, script, line_judged))
            elif script == SIMPLIFIED and traditional and not print_floor:
                # (An engine with a simplified model prints a traditional-only character only off
                # traditional print or as a misread: its simplified form is wrong either way.)
                found.extend(self._to_script(line.group(), line.start(), SIMPLIFIED, script, line_judged))
        if document.engine is not None:
            found = self._with_engine_support(text, document.engine, lines, document_script, found)
            if listing_required(document.engine.engine, self._char_settings):
                found = hold_back_unlisted(found, document.engine, settings.ambiguous_confidence)
        return StageOutput(
            proposals=tuple(p for p in found if isinstance(p, Proposal)),
            deferred=tuple(d for d in found if isinstance(d, Deferred)),
        )

    def _traditional_print(self, simplified: int, traditional: int, engine: EngineView | None = None) -> str:
        """``TRADITIONAL`` when the traditional-only characters outweigh what misreads of
        simplified print make (``ScriptConfig.traditional_dominance_ratio``, or the ratio of the
        ``engine`` that read the text: :func:`~restore.stages.engine_script.traditional_dominance`), else ``""``."""
        settings = self.settings
        ratio = settings.traditional_dominance_ratio
        if engine is not None:
            ratio = traditional_dominance(engine.engine, self._char_settings, ratio)
        if traditional >= settings.traditional_min_chars and traditional >= ratio * simplified:
            return TRADITIONAL
        return ""

    def _print_judgement(
        self, lines: list[tuple[re.Match[str], str, int, int]], engine: EngineView | None = None
    ) -> tuple[str, float | None]:
        """``(script, log10 ratio)``: the script whose print makes the distinctive characters of the
        lines no count decided likelier by ``ScriptConfig.print_script_min_log_ratio`` or more
        (:class:`~restore.printscript.PrintScriptModel`, with the counts of the ``engine`` that read
        the text when the model has them), with the ratio of traditional over simplified print that
        decided it; ``("", None)`` when none does. Only a mixed text is judged: one without both
        kinds of distinctive character is what its characters say it is.

        The model assumes one print: a text that joins pieces of both (a simplified article
        quoting a traditional one, pages of both kinds run together) is not one print misread.
        So a sentence of it, or a quotation or title, that leans the other way by
        ``ScriptConfig.print_script_veto_log_ratio`` or more vetoes the decision."""
        settings = self.settings
        undecided = [(line, simplified, traditional) for line, script, simplified, traditional in lines if not script]
        if not settings.print_script or not any(s for _, s, _ in undecided) or not any(t for _, _, t in undecided):
            return "", None
        if self._print_model is None:
            self._print_model = PrintScriptModel.load()
        model = self._print_model
        reader = calibration_for(engine.engine, self._char_settings) if engine is not None else ""
        total = sum(model.log_ratio(line.group(), reader) for line, _, _ in undecided)
        floor, veto = settings.print_script_min_log_ratio, settings.print_script_veto_log_ratio
        if total >= floor:
            script, leans_away = TRADITIONAL, lambda ratio: ratio <= -veto
        elif total <= -floor:
            script, leans_away = SIMPLIFIED, lambda ratio: ratio >= veto
        else:
            return "", None
        pieces = (piece for line, _, _ in undecided for piece in _PIECE.split(line.group()))
        if any(leans_away(model.log_ratio(piece, reader)) for piece in pieces):
            return "", None
        return script, total

    def _with_engine_support(
        self,
        text: str,
        engine: EngineView,
        lines: list[tuple[re.Match[str], str, int, int]],
        document_script: str,
        found: list[Proposal | Deferred],
    ) -> list[Proposal | Deferred]:
        """``found`` with the conversions the OCR engine supports (:mod:`restore.stages.engine_script`):
        proposed where nothing else was, and a held-back proposal of the same form raised to
        ``engine_supported_confidence``. Deferred conversions stay the char stage's to decide."""
        floor = support_floor(engine.engine, self._char_settings)
        if floor <= 0:
            return found
        by_start = {p.start: i for i, p in enumerate(found) if isinstance(p, Proposal)}
        deferred = {d.proposal.start for d in found if isinstance(d, Deferred)}
        confidence = self.settings.engine_supported_confidence
        extra: list[Proposal | Deferred] = []
        for line, script, simplified, traditional in lines:
            # A line neither it nor its document decides leans by the characters the engine is sure of.
            lean = script or document_script or line_lean(
                simplified, traditional, undoubted_counts(line.group(), line.start(), engine, self.tables, floor)
            )
            for offset, form, probability in supported_conversions(line.group(), line.start(), lean, engine, self.tables, floor):
                if offset in deferred:
                    continue
                table = self.settings.to_simplified if lean == SIMPLIFIED else self.settings.to_traditional
                printed = engine.confidences[offset]
                assert printed is not None  # supported_conversions skips characters without one
                evidence = (
                    ScriptConversion(config=table, dominant_script=lean, phrase="", candidates=(form,)),
                    EngineReading(engine.engine, round(printed, 4), round(probability, 4)),
                )
                index = by_start.get(offset)
                if index is None:
                    source = f"script:engine-{engine.engine}"
                    extra.append(Proposal(offset, offset + 1, form, "script", confidence, source, evidence))
                    continue
                held = found[index]
                assert isinstance(held, Proposal)
                if held.after == form and held.confidence < confidence:
                    found[index] = replace(held, confidence=confidence, evidence=held.evidence + evidence[1:])
        return found + extra

    def _to_script(
        self, line: str, offset: int, target: str, dominant: str, judged: float | None = None
    ) -> Iterator[Proposal | Deferred]:
        """Conversions of ``line``'s minority characters to ``target`` (``judged``: the print
        judgement's log10 ratio when it, not the counts, decided ``dominant``; kept in the evidence)."""
        tables = self.tables
        settings = self.settings
        if target == TRADITIONAL:
            minority, candidates_of, view_map = tables.simplified_only, tables.to_traditional, tables.to_simplified
            config_name, phrases = settings.to_traditional, tables.traditional_phrases
        else:
            minority, candidates_of, view_map = tables.traditional_only, tables.to_simplified, tables.to_traditional
            config_name, phrases = settings.to_simplified, tables.simplified_phrases
        for run in HAN_RUN.finditer(line):
            chars = run.group()
            # The run as it would read entirely in the source script, so phrases match across mixed text.
            view = "".join(c if c in minority else _source_form(c, view_map, candidates_of) for c in chars)
            converted = self._convert(config_name, view)
            if len(converted) != len(view):
                converted = "".join(candidates_of.get(c, (c,))[0] for c in view)
            read_off_print = self._read_off_print(chars, converted, minority) if target == SIMPLIFIED else {}
            for index, char in enumerate(chars):
                after = converted[index]
                if after == char:
                    continue
                phrase, phrase_char = tables.phrase_choice(view, index, to_script=target)
                phrase_agrees = phrase_char == after
                candidates = candidates_of.get(char, (after,))
                if char in minority:
                    if len(candidates) == 1:
                        confidence = settings.unambiguous_confidence
                    elif phrase_agrees:
                        confidence = settings.phrase_confidence
                    else:
                        confidence = settings.ambiguous_confidence
                elif (
                    target == TRADITIONAL
                    and char in candidates_of
                    and (phrase_agrees or candidates == (after,))
                    and not self._accepted(view, index)
                ):
                    confidence = settings.leftover_confidence  # a valid character in the wrong word: 聯系
                else:
                    continue
                caps: list[ConfidenceCap] = []  # why a rule's confidence was held lower, for the reviewer
                if target == SIMPLIFIED and confidence > settings.to_simplified_max_confidence:
                    caps.append(ConfidenceCap(
                        "script.to_simplified_max_confidence", settings.to_simplified_max_confidence, confidence,
                        "a traditional form on a simplified page",
                    ))
                    confidence = settings.to_simplified_max_confidence
                if target == SIMPLIFIED and char in minority and confidence > settings.ambiguous_confidence:
                    share = self._own_form_share(char, after)
                    if share < settings.misread_min_share:
                        caps.append(ConfidenceCap(
                            "script.ambiguous_confidence", settings.ambiguous_confidence, confidence,
                            f"OCR engines that print {char} meant {after} in {share:.0%} of the mined sightings"
                            f" (under script.misread_min_share): likely read off traditional print, where it is right",
                        ))
                        confidence = settings.ambiguous_confidence
                    elif index in read_off_print:
                        # Printed beside such a character, in one stretch of traditional forms: the
                        # same print (代表團參加: converting 參 alone would leave 代表團参加).
                        caps.append(ConfidenceCap(
                            "script.ambiguous_confidence", settings.ambiguous_confidence, confidence,
                            f"printed beside {read_off_print[index]}, which reads as traditional print:"
                            " the stretch is held back together",
                        ))
                        confidence = settings.ambiguous_confidence
                deferred = (
                    char in minority
                    and confidence > settings.ambiguous_confidence
                    and (
                        target == SIMPLIFIED
                        or settings.defer_all_to_traditional
                        or self._misread_share(char, after) < settings.misread_min_share
                    )
                )
                proposal = Proposal(
                    start=offset + run.start() + index,
                    end=offset + run.start() + index + 1,
                    after=after,
                    kind="script",
                    confidence=confidence,
                    source=f"script:opencc-{config_name}",
                    evidence=(
                        ScriptConversion(
                            config=config_name,
                            dominant_script=dominant,
                            phrase=f"{phrase}→{phrases[phrase]}" if phrase_agrees else "",
                            candidates=tuple(candidates),
                            print_log_ratio=None if judged is None else round(judged, 2),
                        ),
                        *caps,
                    ),
                )
                if deferred:
                    # Possibly a misread: the char stage proposes it, as is unless its LM finds a
                    # likelier character there (without a char stage it is proposed as is).
                    held = ConfidenceCap(
                        "script.ambiguous_confidence", settings.ambiguous_confidence, confidence,
                        "the char stage finds a likelier character here: possibly an OCR misread, not a leftover",
                    )
                    hedged = replace(proposal, confidence=settings.ambiguous_confidence, evidence=(*proposal.evidence, held))
                    yield Deferred(proposal, hedged, char)
                else:
                    yield proposal

    def _read_off_print(self, chars: str, converted: str, minority: frozenset[str]) -> dict[int, str]:
        """Index -> the character it is held back beside: the other characters of each stretch of
        adjacent traditional-only characters (``minority``) holding one whose simplified form
        engines are not seen to print it for (:meth:`_own_form_share` under
        ``ScriptConfig.misread_min_share``: read off traditional print). A stretch is converted
        or held back whole, never left in two scripts."""
        held: dict[int, str] = {}
        share_floor = self.settings.misread_min_share
        start = 0
        while start < len(chars):
            if chars[start] not in minority:
                start += 1
                continue
            end = start
            while end < len(chars) and chars[end] in minority:
                end += 1
            if end - start > 1:
                printed = next(
                    (chars[i] for i in range(start, end)
                     if converted[i] != chars[i] and self._own_form_share(chars[i], converted[i]) < share_floor),
                    None,
                )
                if printed is not None:  # (it and its copies are held back by their own share)
                    held.update((i, printed) for i in range(start, end))
            start = end
        return held

    @property
    def confusions(self) -> dict[str, dict[str, int]]:
        """The mined OCR confusions (``seen -> {meant: count}``), loaded on first use."""
        if self._confusions is None:
            from restore.glyphs.tables import load_confusions

            self._confusions = load_confusions().by_seen
        return self._confusions

    def _own_form_share(self, char: str, form: str) -> float:
        """How often OCR engines that printed the traditional ``char`` meant its simplified ``form``.

        Counted over every single-character meaning in the mined confusion tables (1.0 when
        seen fewer than ``misread_min_count`` times): an engine that prints ``char`` for other
        characters but never for ``form`` reads ``char`` off traditional print.
        """
        seen = {m: n for m, n in self.confusions.get(char, {}).items() if len(m) == 1}
        total = sum(seen.values())
        if total == 0 or total < self.settings.misread_min_count:  # (a floor of 0 still needs a sighting)
            return 1.0
        return seen.get(form, 0) / total

    def _misread_share(self, char: str, form: str) -> float:
        """How often engines that printed the simplified ``char`` on traditional pages meant ``form``.

        Counted over the traditional-only meanings in the mined confusion tables (a
        traditional-only meaning shows a traditional page); 1.0 when seldom seen.
        """
        traditional_only = self.tables.traditional_only
        seen = {m: n for m, n in self.confusions.get(char, {}).items() if m == form or m in traditional_only}
        total = sum(seen.values())
        if total == 0 or total < self.settings.misread_min_count_traditional:
            return 1.0
        return seen.get(form, 0) / total

    def _accepted(self, view: str, index: int) -> bool:
        """True when the character sits inside a form traditional print accepts (平台)."""
        for form in self.tables.accepted_views:
            start = view.find(form, max(0, index - len(form) + 1))
            if 0 <= start <= index < start + len(form):
                return True
        return False


def _source_form(char: str, view_map: dict[str, tuple[str, ...]], candidates_of: dict[str, tuple[str, ...]]) -> str:
    """The character as the source script writes it (層 → 层 when converting to traditional)."""
    forms = view_map.get(char)
    if not forms or char in candidates_of:
        return char
    return forms[0]
