"""Script conversions the OCR engine itself supports.

A recogniser trained on both scripts often prints the other script's form of a character and
lists the right form as its runner-up: PP-OCRv6 reads 题 on a simplified page as 題 (0.66) with
题 (0.32) next. The script stage converts minority-script characters only on lines whose script it
can decide, and a short, mixed line (three traditional forms among seven simplified ones) decides
nothing. The engine's alternative settles it character by character: when the engine's runner-up
for a character of one script is that character's form in the script the line leans to, with
enough of the engine's support (:func:`restore.stages.engine_prior.support`, the same scale as
the char stage's ``engine_support_<engine>`` feature), the conversion is proposed.

>>> from restore.scriptdata import ScriptTables
>>> from restore.stages.base import EngineView
>>> engine = EngineView("ppocrv6", (0.99, 0.66, 0.99), {1: (("題", 0.66), ("题", 0.32))})
>>> list(supported_conversions("问題了", 0, "simplified", engine, ScriptTables.load(), 1.0))
[(1, '题', 0.32)]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace

from restore.config import CharConfig
from restore.evidence import EngineReading
from restore.scriptdata import SIMPLIFIED, TRADITIONAL, ScriptTables
from restore.stages.base import Deferred, EngineView, Proposal
from restore.stages.engine_prior import calibration_for, support


# How many times the other script's count the characters the engine is sure of must reach to
# decide an undecided line's lean by themselves (line_lean); below it the plain majority decides.
UNDOUBTED_MAJORITY = 2.0


def _engine_setting(name: str, engine: str, config: CharConfig) -> float:
    """``CharConfig.<name>_<engine>`` for the calibration of the engine that read the text; 0 for
    an engine without a calibration or with ``engine_prior`` off (every such setting's "never")."""
    calibrated = calibration_for(engine, config)
    return float(getattr(config, f"{name}_{calibrated}")) if calibrated else 0.0


def support_floor(engine: str, config: CharConfig) -> float:
    """``CharConfig.engine_script_support_<engine>`` of the engine that read the text (0 = never;
    also 0 for an engine without a calibration or with ``engine_prior`` off).

    >>> support_floor("ppocrv6", CharConfig()) > 0, support_floor("abbyy", CharConfig())
    (True, 0.0)
    """
    return _engine_setting("engine_script_support", engine, config)


def traditional_print_floor(engine: str, config: CharConfig) -> float:
    """``CharConfig.engine_traditional_print_<engine>`` of the engine that read the text: the
    confidence from which a traditional-only character it printed shows traditional print
    (0 = the engine's script is not evidence; also 0 without a calibration or with ``engine_prior`` off).

    >>> traditional_print_floor("ppocrv4", CharConfig()) > 0, traditional_print_floor("ppocrv6", CharConfig())
    (True, 0.0)
    """
    return _engine_setting("engine_traditional_print", engine, config)


def traditional_dominance(engine: str, config: CharConfig, default: float) -> float:
    """The ratio of traditional-only to simplified-only characters from which a document neither
    script dominates is traditional print (``ScriptConfig.traditional_dominance_ratio``, ``default``),
    as ``CharConfig.engine_traditional_dominance_<engine>`` sets it for the engine that read the text
    (0 = ``default``). That rule is for engines with a simplified model, which print traditional
    print half in simplified forms; an engine that knows both scripts (PP-OCRv6) prints traditional
    forms on simplified print only as misreads, and a short line with two of them is no traditional page.

    >>> traditional_dominance("ppocrv6", CharConfig(), 1.0) > 100, traditional_dominance("ppocrv4", CharConfig(), 1.0)
    (True, 1.0)
    """
    return _engine_setting("engine_traditional_dominance", engine, config) or default


def read_off_traditional_print(line: str, start: int, engine: EngineView, tables: ScriptTables, floor: float) -> bool:
    """Whether ``line`` (at ``start`` in the text the engine view covers) holds a traditional-only
    character the engine read with a confidence of at least ``floor`` (in (0, 1]; 0 = never).

    For an engine whose model is simplified (PP-OCRv4), that settles the line's script: it prints
    traditional print half in simplified forms, so the line may lean simplified by count, but it
    prints a traditional-only character off simplified print only as a misread, and then with
    little confidence (DEV renders: 1 of 1,284 simplified lines, at 0.56; 336 of 384 traditional
    lines reach 0.6).

    >>> engine = EngineView("ppocrv4", (0.99, 0.95, 0.98, 0.4), {})
    >>> tables = ScriptTables.load()
    >>> read_off_traditional_print("这个們门", 0, engine, tables, 0.6), read_off_traditional_print("这个门們", 0, EngineView("ppocrv4", (0.99, 0.95, 0.98, 0.4), {}), tables, 0.6)
    (True, False)
    """
    if floor <= 0:
        return False
    confidences = engine.confidences
    for index, char in enumerate(line):
        offset = start + index
        if char in tables.traditional_only and offset < len(confidences):
            confidence = confidences[offset]
            if confidence is not None and confidence >= floor:
                return True
    return False


def rival_floor(engine: str, config: CharConfig) -> float:
    """``CharConfig.engine_rival_below_<engine>``: the confidence under which the engine's own
    alternative may contest a deferred script conversion of the character it printed
    (:meth:`restore.stages.char.CharStage.engine_rival`); 0 = never (also without a calibration).

    >>> rival_floor("ppocrv4", CharConfig()) > 0, rival_floor("abbyy", CharConfig())
    (True, 0.0)
    """
    return _engine_setting("engine_rival_below", engine, config)


def listing_required(engine: str, config: CharConfig) -> bool:
    """``CharConfig.engine_script_listed_<engine>``: whether a script conversion of a character the
    engine read needs that engine to list the converted form among its alternatives (False without
    a calibration or with ``engine_prior`` off).

    >>> listing_required("ppocrv6", CharConfig()), listing_required("ppocrv4", CharConfig())
    (True, False)
    """
    return bool(_engine_setting("engine_script_listed", engine, config))


def hold_back_unlisted(
    found: Sequence[Proposal | Deferred], engine: EngineView, ceiling: float
) -> list[Proposal | Deferred]:
    """``found`` with every script conversion of a character the engine read, whose converted form
    is not among the engine's alternatives for it, held back as a suggestion (confidence at most
    ``ceiling``; a deferral becomes its hedged proposal) with the engine's reading as evidence.

    An engine that knows both scripts considers the other script's form of what it printed (PP-OCRv6
    lists it for every script variant it misprints): when that form is not even among its
    alternatives, the print shows the character as read, and a conversion would turn a misread or
    a right character into a third one (枝杈 read 枝权 on a traditional page becomes 枝權).

    >>> found = [Proposal(1, 2, "權", "script", 0.97, "script:opencc-s2tw")]
    >>> engine = EngineView("ppocrv6", (0.99, 0.996), {1: (("杈", 0.003),)})
    >>> [(p.after, p.confidence) for p in hold_back_unlisted(found, engine, 0.5)]
    [('權', 0.5)]
    """
    held: list[Proposal | Deferred] = []
    for item in found:
        proposal = item.proposal if isinstance(item, Deferred) else item
        start = proposal.start
        printed = engine.confidences[start] if start < len(engine.confidences) else None
        listed = {alternative for alternative, _probability in engine.alternatives.get(start, ())}
        if printed is None or proposal.end != start + 1 or proposal.after in listed:
            held.append(item)
            continue
        base = item.hedged if isinstance(item, Deferred) else proposal
        reading = EngineReading(engine.engine, round(printed, 4), None)
        held.append(replace(base, confidence=min(base.confidence, ceiling), evidence=base.evidence + (reading,)))
    return held


def line_lean(simplified: int, traditional: int, undoubted: tuple[int, int] | None = None) -> str:
    """The script a line leans to by a plain majority of its script-only characters, or ``""`` on a tie.

    ``undoubted``: the same counts without the characters the engine doubts toward the other script
    (:func:`undoubted_counts`); when one script has at least :data:`UNDOUBTED_MAJORITY` times the
    other's there, that script (an engine that knows both scripts also prints variant forms such as
    税 for 稅 with confidence, so a narrow majority of what it was sure of is no evidence).

    >>> line_lean(7, 3), line_lean(2, 2), line_lean(2, 1, undoubted=(0, 1)), line_lean(3, 3, undoubted=(3, 2))
    ('simplified', '', 'traditional', '')
    """
    if undoubted is not None:
        sure_simplified, sure_traditional = undoubted
        if sure_simplified >= UNDOUBTED_MAJORITY * sure_traditional and sure_simplified > 0:
            return SIMPLIFIED
        if sure_traditional >= UNDOUBTED_MAJORITY * sure_simplified and sure_traditional > 0:
            return TRADITIONAL
    if simplified > traditional:
        return SIMPLIFIED
    if traditional > simplified:
        return TRADITIONAL
    return ""


def undoubted_counts(line: str, start: int, engine: EngineView, tables: ScriptTables, floor: float) -> tuple[int, int]:
    """``(simplified-only, traditional-only)`` characters of ``line`` (at ``start`` in the text the
    engine view covers), leaving out each one the engine doubts toward its other-script form: one
    of its alternatives is that form with support at least ``floor`` (in [0, 4]; 0 counts every
    character, as :meth:`ScriptTables.counts` does).

    A recogniser that knows both scripts lists the other script's form of a variant it is unsure
    of (PP-OCRv6 prints 别 off traditional print with 別 next), so such a character says nothing of
    the script of the print; counting it as its printed script tips a short traditional line to
    simplified and the engine's own conversions to the wrong side.

    >>> from restore.scriptdata import ScriptTables
    >>> engine = EngineView("ppocrv6", (0.88, 0.99, 0.91), {0: (("別", 0.12),), 2: (("別", 0.09),)})
    >>> tables = ScriptTables.load()
    >>> tables.counts("别氣别"), undoubted_counts("别氣别", 0, engine, tables, 1.0)
    ((2, 1), (0, 1))
    """
    counts = {SIMPLIFIED: 0, TRADITIONAL: 0}
    for index, char in enumerate(line):
        if char in tables.simplified_only:
            printed, other, forms = SIMPLIFIED, tables.traditional_only, tables.to_traditional
        elif char in tables.traditional_only:
            printed, other, forms = TRADITIONAL, tables.simplified_only, tables.to_simplified
        else:
            continue
        offset = start + index
        confidence = engine.confidences[offset] if offset < len(engine.confidences) else None
        doubted = floor > 0 and confidence is not None and any(
            alternative in other and alternative in forms.get(char, ()) and support(probability, confidence) >= floor
            for alternative, probability in engine.alternatives.get(offset, ())
        )
        counts[printed] += not doubted
    return counts[SIMPLIFIED], counts[TRADITIONAL]


def supported_conversions(
    line: str, start: int, lean: str, engine: EngineView, tables: ScriptTables, floor: float
) -> Iterator[tuple[int, str, float]]:
    """``(offset, form, probability)`` for each character of ``line`` (at ``start`` in the text the
    engine view covers) that only the other script than ``lean`` uses and whose engine alternative
    is its form in ``lean``, with the engine's support at least ``floor`` (in [0, 4]; 0 yields nothing);
    ``probability`` is the engine's for that form.
    A character an earlier stage changed has no confidence and is skipped.
    """
    if floor <= 0 or lean not in (SIMPLIFIED, TRADITIONAL):
        return
    if lean == SIMPLIFIED:
        minority, own, forms_of = tables.traditional_only, tables.simplified_only, tables.to_simplified
    else:
        minority, own, forms_of = tables.simplified_only, tables.traditional_only, tables.to_traditional
    for index, char in enumerate(line):
        if char not in minority:
            continue
        offset = start + index
        confidence = engine.confidences[offset] if offset < len(engine.confidences) else None
        if confidence is None:
            continue
        forms = forms_of.get(char, ())
        best: tuple[float, str] | None = None
        for alternative, probability in engine.alternatives.get(offset, ()):
            if alternative in own and alternative in forms and probability is not None:
                if support(probability, confidence) >= floor and (best is None or probability > best[0]):
                    best = (probability, alternative)
        if best is not None:
            yield offset, best[1], best[0]
