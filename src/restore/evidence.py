"""Typed evidence records: why an edit was proposed.

Every :class:`~restore.edits.Edit` carries a tuple of these records. They are
frozen dataclasses so that edits stay hashable and comparable, and each one
serialises to a JSON object tagged with its ``type`` so that the JSONL contract
(``restore.edits/1``) can carry them and read them back.

>>> rule = RuleMatch(rule="punct:halfwidth-comma", pattern=",", context="好,的")
>>> evidence_from_json(evidence_to_json(rule)) == rule
True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from restore.errors import SchemaError


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """A deterministic rule fired: which rule, the pattern it matched, where."""

    rule: str
    pattern: str
    context: str
    type: ClassVar[str] = "rule"


@dataclass(frozen=True, slots=True)
class ScriptConversion:
    """An OpenCC conversion of a minority-script character.

    ``phrase`` is the dictionary phrase that decided the character (empty when
    the character table alone decided); ``candidates`` lists every form the
    character table allows, so a reviewer sees why an ambiguous one was held back.
    ``print_log_ratio``: when no count of distinctive characters decided the page's script and
    the printed characters did (:mod:`restore.printscript`), the log10 likelihood ratio of
    traditional over simplified print that decided it (> 0 traditional); ``None`` otherwise.
    """

    config: str
    dominant_script: str
    phrase: str
    candidates: tuple[str, ...]
    print_log_ratio: float | None = None
    type: ClassVar[str] = "script"


@dataclass(frozen=True, slots=True)
class LexiconMatch:
    """A curated lexicon entry matched the span (``match``: ``exact``, ``variant`` for a listed
    wrong form, or ``fuzzy``).

    ``similarity`` is, for a fuzzy match, the mean rendered-glyph similarity of the characters it
    changes (a dropped or added character, or a pair no glyph table knows, counts as
    ``LexiconConfig.indel_similarity`` / ``unknown_glyph_similarity``): one input of the fuzzy
    score (:func:`restore.lexicon.scoring.fuzzy_logodds`), not the edit's confidence; 1.0 otherwise.
    ``cue`` is the context cue found near the span (区长), if any.
    """

    lexicon: str
    entry: str
    line: int
    match: str
    similarity: float = 1.0
    cue: str = ""
    type: ClassVar[str] = "lexicon"


@dataclass(frozen=True, slots=True)
class LearnedRule:
    """A project rule learned from review decisions (``restore learn``) decided the span.

    ``lexicon`` is the rule file as given, ``line`` its line, ``rule`` the rule kind
    (``variant``, ``entity``), ``phrase`` the phrase it matched as printed,
    ``decisions`` the decisions files it was learned from and ``confirmed`` how many
    explicit decisions agreed with it.
    """

    lexicon: str
    line: int
    rule: str
    phrase: str
    decisions: tuple[str, ...]
    confirmed: int
    type: ClassVar[str] = "learned"


@dataclass(frozen=True, slots=True)
class LanguageModelScore:
    """Language-model log10 probabilities of the window before and after the change."""

    model: str
    logprob_before: float
    logprob_after: float
    channel_logprob: float = 0.0
    type: ClassVar[str] = "lm"


@dataclass(frozen=True, slots=True)
class Familiarity:
    """How well the document reads to the char LM against the word model, when it lowered the hinge
    the word model's margin counts from (``CharConfig.unfamiliar_margin``).

    ``char_logprob`` and ``word_logprob``: the mean log10 p per character (white space aside, each
    sentence's end counted as one) of the document's first sentences holding Han, under the char LM
    and the word model; ``hinge``: the word model's margin counts above it in this document
    (``word_gain_hinge`` less ``unfamiliar_word_relief``).

    >>> record = Familiarity(-3.1, -2.6, 4.0)
    >>> evidence_from_json(evidence_to_json(record)) == record
    True
    """

    char_logprob: float
    word_logprob: float
    hinge: float
    type: ClassVar[str] = "familiarity"


@dataclass(frozen=True, slots=True)
class ConfusionPair:
    """The confusion-table pair (what was seen, what was meant) and its weight.

    ``similarity`` is the table's own measure of the pair, so its unit depends on ``table``: a
    glyph cosine in [0, 1] for ``glyph:*`` tables, how often the pair was mined (a count, 1 or
    more) for ``ocr-mined``, 1.0 for a sound-alike and 0.0 for a rule's pair (``punct-lookalike``,
    ``dropped-mark``...). The field keeps its name for the JSON format's sake.
    """

    table: str
    seen: str
    meant: str
    similarity: float
    type: ClassVar[str] = "confusion"


@dataclass(frozen=True, slots=True)
class Consistency:
    """The same entity appears elsewhere in the document or batch in its right form."""

    form: str
    occurrences: int
    scope: str
    type: ClassVar[str] = "consistency"


@dataclass(frozen=True, slots=True)
class Repetition:
    """The text repeats the span as it was read: the character 3-grams it makes there occur
    ``occurrences`` more times in the document or batch (``scope``), the change's fewer
    (:mod:`restore.lm.cache`). A phrase the text repeats is more likely right as printed, so this
    weighed against the change (a coinage, a name); a misread an engine repeats still reaches the
    reviewer."""

    reading: str
    occurrences: int
    scope: str
    type: ClassVar[str] = "repetition"


@dataclass(frozen=True, slots=True)
class EngineReading:
    """What the OCR engine that read the span said about it (from an OCR file, :mod:`restore.formats`).

    ``confidence`` is the engine's confidence in the character it printed (0-1, 1 = sure);
    ``probability`` its probability for the replacement when it listed it as an alternative
    (ALTO Glyph Variant, PAGE Glyph TextEquiv, RapidOCR top-k), else ``None``.
    """

    engine: str
    confidence: float
    probability: float | None = None
    type: ClassVar[str] = "engine"


@dataclass(frozen=True, slots=True)
class JointDecision:
    """Two changes within one LM window decided together (the char stage's joint decisions).

    ``seen`` is the text from the first changed character to the second as printed, ``meant`` as
    the pair reads it (墓木 → 基本); each change of the pair carries the same record. The LM's
    log10 probabilities are those of the window both changes touch, with neither and with both;
    ``interaction`` is how much more (log10) the two changes gain together than the sum of their
    gains alone (what a one-at-a-time decision cannot see); ``probability`` is the pair's own
    probability among neither, either change alone and both (its members' confidences add the
    probability of a change alone when it is the same).
    """

    seen: str
    meant: str
    logprob_neither: float
    logprob_both: float
    interaction: float
    probability: float
    type: ClassVar[str] = "joint"


@dataclass(frozen=True, slots=True)
class EngineGap:
    """The OCR engine placed the characters around an insertion further apart than their cells need:
    room for a character it dropped (:mod:`restore.stages.engine_gaps`).

    ``excess``: how much wider the junction is than its two characters' cells, in pitches (the
    line's median distance between neighbouring characters; 1.0 = one whole character);
    ``margin``: log10 score of the window with the inserted character over the window with the
    runner-up filler, the engine's priors for marks and for 、 in a list included (how clearly it
    was chosen; ``CharConfig.engine_gap_mark_bonus_<engine>``, ``engine_gap_list_bonus``).
    """

    engine: str
    excess: float
    margin: float
    type: ClassVar[str] = "engine-gap"


@dataclass(frozen=True, slots=True)
class ConfidenceCap:
    """A rule held the edit's confidence below what its own rule gives: the same rule reads 0.95 in
    one sentence and 0.60 in the next, and this record says why.

    ``setting`` is the configuration field that holds the ceiling (``punct.confusable_confidence``),
    ``ceiling`` its value and ``uncapped`` the confidence the edit would have had without it (both in
    [0, 1], ``ceiling`` < ``uncapped``: a record is only made when the cap lowered the confidence);
    ``reason`` says in words which case of the rule applied. Bad values raise :class:`ValueError`
    (:func:`evidence_from_json`: :class:`~restore.errors.SchemaError`).

    >>> cap = ConfidenceCap("punct.confusable_confidence", 0.6, 0.95, "':' after no cue")
    >>> evidence_from_json(evidence_to_json(cap)) == cap
    True
    >>> ConfidenceCap("punct.confusable_confidence", 0.95, 0.6, "")
    Traceback (most recent call last):
    ...
    ValueError: a confidence cap must lower the confidence: ceiling 0.95 is not under 0.6
    """

    setting: str
    ceiling: float
    uncapped: float
    reason: str
    type: ClassVar[str] = "cap"

    def __post_init__(self) -> None:
        if not isinstance(self.setting, str) or not self.setting:
            raise ValueError(f"a confidence cap needs the setting that holds it, got {self.setting!r}")
        if not isinstance(self.reason, str):
            raise ValueError(f"a confidence cap's reason must be text, got {self.reason!r}")
        for name in ("ceiling", "uncapped"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"a confidence cap's {name} must be a number in [0, 1], got {value!r}")
        if not self.ceiling < self.uncapped:
            raise ValueError(
                f"a confidence cap must lower the confidence: ceiling {self.ceiling!r} is not under {self.uncapped!r}"
            )


@dataclass(frozen=True, slots=True)
class SecondLook:
    """The change was weighed on the second look (``Config.revisit``), in the text as the first round
    restored it: ``prompted_by`` lists first-round changes on its line as ``before→after``, nearest
    first (at most four), for the reviewer to weigh the two together. An empty list or an entry
    that is not text raises :class:`ValueError` (:func:`evidence_from_json`:
    :class:`~restore.errors.SchemaError`).

    >>> record = SecondLook(("朵→來",))
    >>> evidence_from_json(evidence_to_json(record)) == record
    True
    """

    prompted_by: tuple[str, ...]
    type: ClassVar[str] = "second-look"

    def __post_init__(self) -> None:
        if not isinstance(self.prompted_by, tuple) or not self.prompted_by:
            raise ValueError(f"a second look names the first-round changes that prompted it, got {self.prompted_by!r}")
        if not all(isinstance(change, str) and change for change in self.prompted_by):
            raise ValueError(f"first-round changes must be non-empty text, got {self.prompted_by!r}")


@dataclass(frozen=True, slots=True)
class Merged:
    """This edit absorbed earlier edits by other stages that touched the same characters."""

    sources: tuple[str, ...]
    afters: tuple[str, ...]
    type: ClassVar[str] = "merged"


Evidence = (
    RuleMatch
    | ScriptConversion
    | LexiconMatch
    | LearnedRule
    | LanguageModelScore
    | Familiarity
    | ConfusionPair
    | Consistency
    | Repetition
    | EngineReading
    | EngineGap
    | JointDecision
    | ConfidenceCap
    | SecondLook
    | Merged
)

EVIDENCE_TYPES: dict[str, type] = {
    cls.type: cls
    for cls in (
        RuleMatch, ScriptConversion, LexiconMatch, LearnedRule, LanguageModelScore, Familiarity, ConfusionPair,
        Consistency, Repetition, EngineReading, EngineGap, JointDecision, ConfidenceCap, SecondLook, Merged,
    )
}


def evidence_to_json(record: Evidence) -> dict[str, Any]:
    """Serialise one evidence record to a JSON-ready dict tagged with its type."""
    payload = dataclasses.asdict(record)
    for key, value in payload.items():
        if isinstance(value, tuple):
            payload[key] = list(value)
    return {"type": record.type, **payload}


def evidence_from_json(payload: dict[str, Any]) -> Evidence:
    """Read back a record written by :func:`evidence_to_json`; unknown types are a :class:`SchemaError`."""
    data = dict(payload)
    kind = data.pop("type", None)
    cls = EVIDENCE_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise SchemaError(f"unknown evidence type {kind!r}")
    fields = {field.name: field for field in dataclasses.fields(cls)}
    unknown = set(data) - set(fields)
    if unknown:
        raise SchemaError(f"unknown fields for evidence {kind!r}: {sorted(unknown)}")
    for key, value in data.items():
        if isinstance(value, list):
            data[key] = tuple(value)
    try:
        return cls(**data)
    except (TypeError, ValueError) as exc:  # a missing field, or a value its record refuses
        raise SchemaError(f"bad evidence {kind!r}: {exc}") from exc
