"""Human-readable explanations of edits, for the terminal.

>>> from restore.edits import Edit
>>> from restore.evidence import RuleMatch
>>> e = Edit(2, 3, " ", "", kind="layout", confidence=0.95, source="layout:number-space",
...          evidence=(RuleMatch("layout:number-space", " ", "12 月"),))
>>> describe_edit("12 月", e)
'1:3  layout  " " → ""  0.95  layout:number-space  rule layout:number-space matched " " in "12 月"'
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from restore.config import CharConfig
from restore.edits import Edit
from restore.evidence import (
    ConfidenceCap,
    ConfusionPair,
    EngineGap,
    EngineReading,
    Evidence,
    Familiarity,
    JointDecision,
    LanguageModelScore,
    LearnedRule,
    LexiconMatch,
    Repetition,
    RuleMatch,
    ScriptConversion,
    SecondLook,
)
from restore.result import Result


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def describe_evidence(record: Evidence, edit: Edit | None = None, *, char: CharConfig | None = None) -> str:
    """One short phrase for an evidence record (``edit``: the edit it explains, when known; it
    tells a fuzzy lexicon match that dropped or added a character from one that replaced some)."""
    if isinstance(record, RuleMatch):
        return f"rule {record.rule} matched {json.dumps(record.pattern, ensure_ascii=False)} in {json.dumps(record.context, ensure_ascii=False)}"
    if isinstance(record, ScriptConversion):
        chosen = f"phrase {record.phrase}" if record.phrase else "character table"
        judged = (
            f" (judged from the printed characters: log10 ratio {record.print_log_ratio:+.2f} of traditional over simplified print)"
            if record.print_log_ratio is not None else ""
        )
        return f"OpenCC {record.config} on a {record.dominant_script} page{judged}, {chosen}, forms {'/'.join(record.candidates)}"
    if isinstance(record, LexiconMatch):
        cue = f", cue {record.cue}" if record.cue else ""
        found = f"{record.match} match of {record.entry} ({record.lexicon}:{record.line}){cue}"
        if record.match != "fuzzy":
            return found  # an exact or listed form: nothing was compared by shape
        # The similarity is of the changed characters' glyphs, one input of the fuzzy score: shown
        # bare beside the confidence, 0.30 next to 0.60 read as a contradiction (issue 12).
        inputs = ("one input of the confidence, with the entry's length, how many characters differ,"
                  " a cue and the entry elsewhere in the text")
        if edit is not None and not (edit.before and edit.after):
            what = "a dropped character" if edit.after else "a doubled or stray character"
            return f"{found}; {what}, no glyphs to compare: scored as glyph similarity {record.similarity:.2f} ({inputs})"
        return f"{found}; glyph similarity of the changed characters {record.similarity:.2f} ({inputs})"
    if isinstance(record, LearnedRule):
        times = "once" if record.confirmed == 1 else f"{record.confirmed} times"
        phrase = json.dumps(record.phrase, ensure_ascii=False)
        return (f"learned {record.rule} rule ({record.lexicon}:{record.line}) on {phrase}"
                f", from {', '.join(record.decisions)}, confirmed {times}")
    if isinstance(record, LanguageModelScore):
        from restore.lm.wordlm import DEFAULT_WORD_MODEL

        if record.model == DEFAULT_WORD_MODEL:
            # The word model's margin counts only above CharConfig.word_gain_hinge (lowered in a
            # document unfamiliar to the char LM: its Familiarity record says by how much); no channel.
            margin = record.logprob_after - record.logprob_before
            lowered = [r for r in edit.evidence if isinstance(r, Familiarity)] if edit is not None else []
            if lowered:
                level = lowered[0].hinge
                hinge = f"above {level:.2f} in this document ([char] word_gain_hinge less unfamiliar_word_relief)"
            elif char is not None:
                level = char.word_gain_hinge
                hinge = f"above [char] word_gain_hinge, {level:.2f}"
            else:  # no config at hand: the default's hinge, said to be the default's
                level = CharConfig().word_gain_hinge
                hinge = f"above [char] word_gain_hinge, {level:.2f} by default"
            counted = f"counted: {margin - level:+.2f} over it" if margin > level else "not counted"
            return (
                f"{record.model} (word model) log10 P {record.logprob_before:.2f} → {record.logprob_after:.2f}"
                f", margin {margin:+.2f} (weighed only {hinge}; {counted})"
            )
        return (
            f"{record.model} log10 P {record.logprob_before:.2f} → {record.logprob_after:.2f}"
            f", channel {record.channel_logprob:.2f}"
        )
    if isinstance(record, Familiarity):
        # The char LM (news) knows the document little for what the word model makes of it (news
        # itself: the word model some 0.8 under the char LM): the margin counted sooner.
        gap = record.word_logprob - record.char_logprob
        return (
            f"the document is unfamiliar to the char LM: log10 P per character, word model"
            f" {record.word_logprob:.3f}, char LM {record.char_logprob:.3f}, word minus char {gap:+.3f}"
            f" above [char] unfamiliar_margin ({_setting(char, 'unfamiliar_margin')}):"
            f" the word model's margin counts above {record.hinge:.2f} here"
        )
    if isinstance(record, ConfusionPair):
        # Mined tables store the (log-scaled) count of real OCR sightings, not a similarity.
        measure = "seen by OCR engines, weight" if record.table == "ocr-mined" else "similarity"
        return f"{record.table}: {record.seen}→{record.meant} {measure} {record.similarity:.2f}"
    if isinstance(record, Repetition):
        return (f"the {record.scope} repeats {json.dumps(record.reading, ensure_ascii=False)} as read "
                f"{record.occurrences} more times (weighed against the change)")
    if isinstance(record, EngineReading):
        listed = f", {record.probability:.2f} for the replacement" if record.probability is not None else ""
        return f"OCR engine {record.engine}: confidence {record.confidence:.2f} in the printed character{listed}"
    if isinstance(record, EngineGap):
        return (f"OCR engine {record.engine}: its character boxes leave {record.excess:.1f} character of room here"
                f", the inserted character ahead of the next filler by {record.margin:.2f} log10 (LM and the engine's mark priors)")
    if isinstance(record, ConfidenceCap):
        return (f"confidence capped at {record.ceiling:.2f} (the rule alone gives {record.uncapped:.2f}) "
                f"by {record.setting}: {record.reason}")
    if isinstance(record, SecondLook):
        return f"second look (setting revisit): weighed after the first round changed {', '.join(record.prompted_by)} on its line"
    if isinstance(record, JointDecision):
        return (
            f"decided with its partner: {record.seen}→{record.meant}, log10 P {record.logprob_neither:.2f} → "
            f"{record.logprob_both:.2f} (interaction {record.interaction:+.2f}), pair probability {record.probability:.2f}"
        )
    fields = ", ".join(f"{f.name}={getattr(record, f.name)}" for f in dataclasses.fields(record))
    return f"{record.type} {fields}"


def _setting(char: CharConfig | None, name: str) -> str:
    """A char setting as configured, or the default's value said to be one."""
    return f"{getattr(char, name):+.2f}" if char is not None else f"{getattr(CharConfig(), name):+.2f} by default"


def describe_edit(original: str, edit: Edit, *, char: CharConfig | None = None) -> str:
    """One line: position, kind, change, confidence, source and evidence (``char``: the settings
    the edit was made with, quoted where the evidence is weighed against one; None: the defaults')."""
    line, column = line_column(original, edit.start)
    change = f"{json.dumps(edit.before, ensure_ascii=False)} → {json.dumps(edit.after, ensure_ascii=False)}"
    why = "; ".join(describe_evidence(record, edit, char=char) for record in edit.evidence)
    return f"{line}:{column}  {edit.kind}  {change}  {edit.confidence:.2f}  {edit.source}  {why}"


def _counted(count: int, noun: str) -> str:
    """``1 edit``, ``2 edits``, ``0 edits``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def explain(
    result: Result, *, name: str = "<text>", not_in_file: Sequence[Edit] | None = None, char: CharConfig | None = None
) -> str:
    """A report of every applied edit and every suggestion of a result.

    ``not_in_file``: for an OCR file written back in its format, the applied edits that did not
    go into it (line joins and space edits: geometry in ALTO, hOCR and PAGE); they are marked, and
    the first line counts what the file holds, as its provenance entry does. ``char``: the char
    settings the result was made with, quoted where evidence is weighed against one (None: the
    defaults', said to be the defaults).

    >>> from restore.result import Result
    >>> join = Edit(2, 3, "\\n", "", kind="layout", confidence=0.95, source="layout:join-lines")
    >>> mark = Edit(0, 1, ",", "，", kind="punct", confidence=0.95, source="punct:halfwidth-mark")
    >>> print(explain(Result(",a\\nb", "，ab", (mark, join), ()), name="p.xml", not_in_file=[join]), end="")
    p.xml: 2 edits applied, 1 written into the file (1 line join or space edit is not: geometry there), 0 suggestions
      applied  1:1  punct  "," → "，"  0.95  punct:halfwidth-mark
      applied  1:3  layout  "\\n" → ""  0.95  layout:join-lines  [text only: not written into the file]
    """
    skipped = {id(edit) for edit in not_in_file or ()}
    written = ""
    if not_in_file is not None:
        count = len(skipped)
        what = "line join or space edit is" if count == 1 else "line joins or space edits are"
        written = f", {len(result.edits) - count} written into the file" + (
            f" ({count} {what} not: geometry there)" if count else "")
    lines = [f"{name}: {_counted(len(result.edits), 'edit')} applied{written}, {_counted(len(result.suggestions), 'suggestion')}"]
    lines += ["  applied  " + describe_edit(result.original, edit, char=char).rstrip()
              + ("  [text only: not written into the file]" if id(edit) in skipped else "") for edit in result.edits]
    lines += ["  suggest  " + describe_edit(result.original, edit, char=char) for edit in result.suggestions]
    return "\n".join(lines) + "\n"
