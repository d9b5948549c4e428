"""The char stage: find characters the language model finds improbable and propose look-alikes.

For each sentence the kenlm model scores every character once (``full_scores``). Only Han
characters whose in-context log10 probability falls below ``detect_logprob`` (and marks) are examined, so
the cost grows with the number of suspicious characters, not with the text. Candidates come
from OCR-mined confusion pairs (what engines printed for what was meant) and from rendered-glyph
neighbours. Each candidate is scored by the noisy-channel features

- ``lm_gain``: log10 probability of the window the change touches (the character and the
  ``order - 1`` after it), after minus before;
- ``glyph_similarity``: rendered-glyph similarity of the pair, sharpened (only near-identical
  glyphs are likely confusions);
- ``mined``: the count of the pair in the mined tables (capped at ``mined_count_cap``, so a
  bigger table does not push confidences past what was fitted);
- ``logprob``: the original character's log10 probability in context;
- ``word_before`` / ``word_after``: whether a known word (``data/lm/words.txt``) of 2-4
  characters covers the position before / after the change;
- ``name``: the character follows a common surname and is a given-name character
  (``data/lm/names.txt``): rare name characters are what a news LM likes least;
- ``punct``: the change is mark for mark. Every mark inside a sentence (not next to Latin or
  digits) is examined against its look-alikes (``PUNCT_LOOKALIKES`` and mined pairs), so the LM
  chooses ``，`` / ``、`` / ``：`` in context rather than a fixed rule; a symbol ending a line
  (``会议*``) is weighed against a full stop, and a Han character against a mark engines print it
  for (``5一6级``: the dash);
- ``insert``: the change puts back a dropped ``、`` or ``，`` between two characters where the
  junction is improbable (its own weight: the LM likes short clauses, so it must earn it);
- ``width``: the candidate is the same mark in the other width (``,`` -> ``，``): the likeliest
  reading unless the LM clearly prefers another mark;
- ``context``: the candidate was proposed by the context, not by a table (issue 12): at an
  examined Han character of simplified text, the characters People's Daily TRAIN has between its
  two neighbours (``data/context_gaps.tsv``) and those completing a two-character word with
  either neighbour, kept when their rendered glyph resembles the printed one
  (:mod:`restore.glyphs.context`; its similarity is the glyph-embedding cosine);
- ``sweep`` / ``sweep_margin``: the candidate was found by the LM sweep (``CharConfig.lm_sweep``):
  at a very improbable Han character no table candidate fixes, every glyph look-alike of the
  printed one (glyph-embedding cosine >= ``sweep_min_similarity``, a few hundred characters) is
  scored by the LM window and the best proposed when it gains enough and leads the runner-up by
  ``sweep_min_margin`` (its lead is the second feature); evidence ``context:lm-sweep``;
- ``delete``: the change deletes a doubled Han character (看了了) where the LM prefers one copy;
  a pair that is a known word (天天, 看看) is never examined;
- ``phonetic``: the pair shares a toneless pinyin reading (``data/phonetic_neighbours.tsv``),
  only with ``CharConfig.phonetic`` on: typed text (在/再, 已/以), not OCR, where sound-alike
  candidates add little but false edits. The ``phonetic_candidates`` most frequent characters
  of each reading are tried;

and its confidence is a logistic function of them whose weights are fitted by
``scripts/build/fit_char_calibration.py``; both the features and the calibration are defined
once, in :mod:`restore.stages.char_features`. Latin, digits, punctuation and spaces are never
changed; the resolver drops proposals inside protected spans (lexicon hits).

The stage arbitrates what the script stage defers (a conversion that may be a misread): the
conversion is proposed as is unless the LM finds a likelier character at that position.
"""

from __future__ import annotations

import functools
import heapq
import logging
import math
import re
import threading
import unicodedata
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import partial
from itertools import repeat
from types import EllipsisType
from typing import Any, ClassVar, cast

from restore.chars import is_bmp_han
from restore.config import CharConfig, Config
from restore.evidence import (
    ConfidenceCap,
    ConfusionPair,
    Consistency,
    EngineGap,
    EngineReading,
    Evidence,
    Familiarity,
    JointDecision,
    LanguageModelScore,
    Repetition,
    ScriptConversion,
)
from restore.fastinit import fast_frozen_init
from restore.glyphs.context import SWEEP_ID, ContextCandidate, ContextCandidates
from restore.glyphs.embedding import GlyphEmbedding
from restore.glyphs.tables import ConfusionTable, GlyphNeighbours, PhoneticNeighbours, load_confusions
from restore.lm.cache import NgramCounts, support_ratio
from restore.lm.model import CharLanguageModel, KnownWords, covers_word, load_known_words, load_name_chars
from restore.lm.t2s import load_script_sets, load_t2s
from restore.lm import windows
from restore.lm.windows import SentenceWalk
from restore.lm.wordlm import WordLanguageModel, load_word_model
from restore.spans import LineIndex
from restore.stages.base import Deferred, Document, EngineView, Focus, Proposal, StageOutput, StagePlan
from restore.stages import joint
from restore.stages.char_features import GLYPH_SHARPNESS, CharCalibration, CharFeatures, ConfidenceBound
from restore.stages.engine_gaps import GapCalibration
from restore.stages.engine_prior import CALIBRATED_AS, EnginePrior
from restore.stages.engine_script import rival_floor, traditional_print_floor
from restore.stages.parallel import parallel_reading

# The OCR engine's (confidence, {alternative character: its probability or None}) of one character.
EngineHint = tuple[float | None, Mapping[str, float | None]]

log = logging.getLogger(__name__)

SOURCE = "lm:char5"
GLYPH_TABLE_ID = "glyph:noto-cjk"
EMBEDDING_ID = "glyph:embedding"
PHONETIC_TABLE_ID = "phonetic:pypinyin"
_NO_SOUNDS: frozenset[str] = frozenset()
# Sentence boundaries of the LM (as in training): after these marks and at line breaks.
_SENTENCE_END = frozenset("。！？；!?\n")
# The same marks as one pattern: one search finds the next of them (a str.find per mark runs to the
# end of the text for each mark the text lacks: quadratic over a book with no line break).
_SENTENCE_END_AT = re.compile("[" + re.escape("".join(sorted(_SENTENCE_END))) + "]")
# Marks the LM may choose between inside a sentence (sentence-final marks end the scored unit,
# so the LM cannot weigh them against a comma: they are never proposed or replaced).
PUNCT_TARGETS = frozenset("，、：“”‘’（）《》—…")
# Marks an engine drops (small, faint) that the LM may put back between two characters.
INSERT_MARKS = ("、", "，")
# Their LM tokens (the marks themselves), as a list for the compiled kernel's screen.
_INSERT_TOKENS = list(INSERT_MARKS)
# Marks that may fill a gap the engine's own boxes leave (restore.stages.engine_gaps).
GAP_MARKS = ("、", "，", "：")
# A dropped mark may follow a Han character or one of these closers (（女）、王).
_CLOSERS = frozenset("）”』」")
_SEPARATORS = frozenset("。，、；：！？")
_SEPARATOR_LOOKALIKES = frozenset(",:·丶`")
# Sentence-final marks a symbol ending a line may stand for (mined: * = < read for 。).
_FINAL_TARGETS = frozenset("。！？")
_QUOTES = frozenset("\"'“”‘’")
# How many tokens from a document's start judge its familiarity (CharStage.familiarity): bounded
# for a 10 MB document; the word model's score of them is most of the cost. Instructions of a
# `char_speed_instructions.py pages` pass against main: +5.6 % at 2,000, +3.6 % at 1,000, +2.5 %
# at 500; People's Daily DEV as ~3,000-character pages gated: 3, 7 and 7 of 66, its char edits
# 10 -> 11 at 2,000 and at 1,000.
_FAMILIARITY_SAMPLE = 1000
# How many (character, neighbours) the rival search keeps its context proposals for before it starts
# over (CharStage.misread_rival): a few hundred KB.
_RIVAL_POOLS_KEPT = 4096
# The key of what the stage measured of the document as read (Document.measured).
_MEASURED = "char:document"
# Marks a Han character may stand for (mined: 一 read for the dash —).
_HAN_MARKS = frozenset("—")
# A hyphen or a run of up to three 一/dashes between Han characters (or a closing and an opening
# mark): the numeral 一 misread as a hyphen, or a dash —— misread as 一一 (CharStage.misread_dashes).
_DASH_RUN = re.compile(r"(?<=[\u3400-\u9fff”」）》』])[一\-－—]{1,3}(?=[\u3400-\u9fff“「（《『])")
# A unit in which a list is looked for (lists do not cross sentence ends or lines).
_LIST_UNIT = re.compile(r"[^。！？；!?\n]+")
# Marks never replaced: decimal points and sentence ends whose full-width form ends a scored unit.
_NEVER_MARKS = frozenset(".;．")
# Look-alike marks OCR engines print for those (by shape); mined tables add more. Swaps between
# two real marks (，/、) are left to mined evidence: house styles differ and the LM knows one.
PUNCT_LOOKALIKES = {
    "·": "、，",
    "丶": "、",
    "`": "、",
    "〈": "（",
    "〉": "）",
    "【": "（",
    "】": "）",
    # A hyphen between Han characters is mostly the numeral 一 (新-代, 这-精神: 11 of 17 on DEV
    # renders, the rest dashes); the LM weighs both (_punct_ok keeps it away from Latin and digits).
    "-": "—一",
    "－": "—",
    "~": "—",
    ",": "，",
    ":": "：",
    "(": "（",
    ")": "）",
}


def _widening_pairs(chars: list[str], index: int) -> bool:
    """Whether a half-width parenthesis at ``index`` may be widened on its own.

    Not when its partner is half-width too: ``(好)`` is the punct stage's to convert as a
    pair, and widening one half alone gives ``(好）``. A lone ``)`` after ``（`` or a
    look-alike (``〈女)``) is what this stage fixes.
    """
    mark = chars[index]
    if mark == ")":
        partner = next((c for c in reversed(chars[:index]) if c in "()（）"), "")
        return partner != "("
    if mark == "(":
        partner = next((c for c in chars[index + 1 :] if c in "()（）"), "")
        return partner != ")"
    return True


def _naming_rival(hedged: Proposal, rival: CharCandidate) -> Proposal:
    """``hedged`` with the reason of the cap that hedged it (its last evidence record: see
    ``ScriptStage._to_script``) naming the char stage's ``rival`` and its confidence."""
    *kept, cap = hedged.evidence
    if not isinstance(cap, ConfidenceCap):
        return hedged
    reason = f"{cap.reason}: {rival.after}, at confidence {rival.confidence:.3f} (under the suggestion floor: not offered)"
    return replace(hedged, evidence=(*kept, replace(cap, reason=reason)))


def _line_end(chars: list[str], index: int) -> bool:
    """Whether the mark ``chars[index]`` ends its unit where a symbol may be a misread ``。``: a
    unit ends at a sentence-final mark, a line break or the end of the text, and a quote mark there
    closes a quotation when the unit has another one ("高妈"), not a misread 。."""
    return (
        index == len(chars) - 1
        and chars[index] not in _SENTENCE_END
        and not (chars[index] in _QUOTES and any(c in _QUOTES for c in chars[:index]))
    )


def _engine_listed(cand: CharCandidate) -> bool:
    """Whether the OCR engine listed the candidate, in this very form, among its alternatives: on a
    line that does not lean traditional its form is then the engine's reading, not a guess to write
    in traditional (PP-OCRv6 prints 國 on a simplified page with 围 as its runner-up; 圍 would be
    wrong twice)."""
    return cand.engine_reading is not None and cand.engine_reading.probability is not None


def sentence_around(text: str, offset: int) -> tuple[int, int]:
    """``(first, last)``: the sentence holding ``text[offset]`` is ``text[first:last]``, from after
    the last sentence end (``_SENTENCE_END``) before ``offset`` (else 0) to the first one after it
    (excluded; else ``len(text)``); ``text[offset]`` itself may be one. Walks out from ``offset``, so
    each call costs the sentence's length, not the text's (a book with no line break is one line).

    >>> sentence_around("天晴。他来了！好", 4)
    (3, 6)
    """
    first = offset
    while first > 0 and text[first - 1] not in _SENTENCE_END:
        first -= 1
    found = _SENTENCE_END_AT.search(text, offset + 1)
    return first, found.start() if found else len(text)


def _alternative_chars(engine: EngineView, offset: int) -> dict[str, float | None]:
    """The engine's alternatives for the character at ``offset``: {character: probability or None}
    (the likeliest probability when a character is listed twice)."""
    found: dict[str, float | None] = {}
    for char, probability in engine.alternatives.get(offset, ()):
        if char not in found or (probability or 0.0) > (found[char] or 0.0):
            found[char] = probability
    return found


def _walk_of(walk: SentenceWalk | None, tokens: list[str]) -> SentenceWalk | None:
    """``walk`` when it walked ``tokens`` itself (not a copy changed since: a rescoring's), else None."""
    return walk if walk is not None and walk.tokens is tokens else None


def _rounded(probability: float | None) -> float | None:
    return None if probability is None else round(probability, 4)


def _shifts(cand: CharCandidate) -> bool:
    """An insertion or deletion: the tokens after it move, so no other change shares its window."""
    return cand.features.insert or cand.features.delete


@functools.cache  # asked of every character, ~8,000 times a pass over the speed benchmark's lines
def is_mark(ch: str) -> bool:
    """True for a punctuation mark or symbol, including ideographs that only look like one (丶).
    Remembered per character (a pure function of it: the tables are constants)."""
    return ch in PUNCT_LOOKALIKES or not (is_bmp_han(ch) or ch.isalnum() or ch.isspace())


@fast_frozen_init  # built for every position's best: the cheaper frozen __init__
@dataclass(frozen=True)
class CharCandidate:
    """One scored replacement of the character at token index ``index``.

    With ``features.insert``, ``after`` is inserted before token ``index`` (a mark the engine
    dropped). ``logprob_before`` / ``logprob_after``: log10 probability of the LM window the
    change touches, before and after.
    """

    index: int
    after: str
    features: CharFeatures
    logprob_before: float
    logprob_after: float
    confidence: float
    # Which context source proposed ``after`` (restore.glyphs.context GAPS_ID / WORDS_ID), "" for a table.
    proposed_by: str = ""
    # The word model's log10 scores of its window, before and after (None: not consulted).
    word_logprobs: tuple[float, float] | None = None
    # How often the document or batch repeats the 3-gram the candidate makes, and where ("" = no cache).
    cache_support: int = 0
    cache_scope: str = ""
    # How often it repeats the 3-grams of the character as read (this occurrence excluded).
    cache_against: int = 0
    # The simplified candidate ``after`` was converted from, on a traditional line ("" = none).
    in_script: str = ""
    # What the OCR engine said about the printed character and ``after``, when its prior weighed them.
    engine_reading: EngineReading | None = None
    # An insertion where the engine's character boxes leave a gap (restore.stages.engine_gaps).
    engine_gap: EngineGap | None = None
    # The pair this change was decided with (restore.stages.joint), None when decided alone.
    joint: JointDecision | None = None
    # The document's familiarity when it lowered the word model's hinge for this candidate.
    familiarity: Familiarity | None = None


@dataclass(frozen=True)
class CharResources:
    """Everything the char stage reads, loaded whole before the stage publishes it."""

    lm: CharLanguageModel
    glyphs: GlyphNeighbours
    confusions: ConfusionTable
    simplified_only: frozenset[str]
    traditional_only: frozenset[str]
    # Known words (data/lm/words.txt); surnames and given-name characters (data/lm/names.txt).
    words: AbstractSet[str]
    surnames: frozenset[str]
    given: frozenset[str]
    # The sound-alike table, only with CharConfig.phonetic.
    phonetic: PhoneticNeighbours | None
    # Gap filling and word completion filtered by glyph similarity, only with CharConfig.context_candidates.
    context: ContextCandidates | None = None
    # The word-level second opinion, only with CharConfig.word_lm and a non-zero weight.
    word_lm: WordLanguageModel | None = None
    # The glyph embedding the LM sweep draws its look-alikes from, only with CharConfig.lm_sweep.
    sweep: GlyphEmbedding | None = None

    @classmethod
    def load(cls, config: CharConfig) -> CharResources:
        """Load every resource; a missing model is a :class:`~restore.errors.ResourceError`, never a no-op."""
        t2s = load_t2s()
        lm = CharLanguageModel(config.model or None, t2s=t2s)
        lm.model  # noqa: B018 - load now: a missing model is an error, never a silent no-op
        word_lm = None
        if config.word_lm and config.calib_word_gain:
            word_lm = load_word_model(t2s=t2s)  # as above; the compiled search maps it itself
        simplified_only, traditional_only = load_script_sets()
        surnames, given = load_name_chars()
        words = load_known_words()
        embedding = GlyphEmbedding() if config.lm_sweep else None
        return cls(
            lm=lm,
            glyphs=GlyphNeighbours.bundled(),
            confusions=load_confusions(list(config.confusion_tables) or None),
            simplified_only=simplified_only,
            traditional_only=traditional_only,
            words=words,
            surnames=surnames,
            given=given,
            phonetic=PhoneticNeighbours() if config.phonetic else None,
            context=ContextCandidates(words=words, embedding=embedding) if config.context_candidates else None,
            word_lm=word_lm,
            sweep=embedding,
        )


# (candidate, lm token, glyph similarity, mined count) for a seen character.
Option = tuple[str, str, float, int]
# A character's listed candidates before their options are built (CharStage._listing): the
# candidates, their LM tokens, {candidate: glyph similarity} and {candidate: mined count}.
Listing = tuple[list[str], list[str], dict[str, float], dict[str, int]]
# (the replacements walked, for each replacement the position of its window's total among theirs).
Sharing = tuple[list[str], list[int]]
# A position's options, the log10 score of the LM window with each, and with the character as printed.
Scored = tuple[list[Option], list[float], float]
# What a position's candidates are (CharStage._options): whether the seen character is a mark,
# whether it ends its unit, its listed candidates (candidates_for), the options to weigh (those and
# the engine's and the context's), the engine's alternatives and {candidate: context source}.
Options = tuple[bool, bool, list[Option], list[Option], Mapping[str, float | None], dict[str, str]]
# A position screened by the compiled kernel (CharStage._screen): its options, the window's log10
# score as printed, each option's window score (cut short below the floor) and the options gaining
# min_lm_gain, in order.
Screened = tuple[Options, float, list[float], list[int]]
# The LM sweep's look-alikes of a printed character: their LM tokens, for each the form whose glyph
# is most alike (the token itself, or a traditional form of it), and that form's glyph cosine.
SweepPool = tuple[str, str, array]


@dataclass(frozen=True)
class _Sentence:
    """What scoring a candidate of one sentence needs besides its tokens (see CharStage.examine)."""

    chars: list[str]
    logprobs: list[float]
    script: str
    prior: EnginePrior | None
    hints: list[EngineHint] | None
    cache: NgramCounts | None
    cache_scope: str
    familiar: _Familiarity | None = None


def _relieved(features: CharFeatures, word_logprobs: tuple[float, float] | None) -> bool:
    """Whether the word model's margin counted from a lowered hinge (``features.word_gain`` holds
    the margin plus the relief, :meth:`CharStage.familiarity`)."""
    # (A margin under the hinge leaves word_gain at 0, above a negative margin: not relieved.)
    return word_logprobs is not None and features.word_gain > 0 and features.word_gain > word_logprobs[1] - word_logprobs[0]


class _Familiarity:
    """A document's :meth:`CharStage.familiarity`, measured on the first :meth:`relief` asked."""

    def __init__(self, stage: CharStage, text: str, prepared: str) -> None:
        self._stage, self._text, self._prepared = stage, text, prepared
        self._measured: Familiarity | None = None
        self._done = False

    @property
    def measured(self) -> Familiarity | None:
        """The measure, or None (not asked yet, or no Han to measure)."""
        return self._measured

    def relief(self) -> float:
        """log10 units the word model's hinge is lowered by in this document (0 or
        ``CharConfig.unfamiliar_word_relief``)."""
        if not self._done:
            self._measured = self._stage.familiarity(self._text, self._prepared)
            self._done = True
        measured = self._measured
        return 0.0 if measured is None else self._stage.config.word_gain_hinge - measured.hinge


class CharStage:
    """Noisy-channel correction of single characters with a char n-gram LM."""

    name = "char"
    # Decides the script stage's deferred conversions (see restore.stages.base.Arbiter).
    arbitrates: ClassVar[bool] = True

    def __init__(self, config: Config, *, plan: StagePlan | None = None) -> None:
        """``plan`` is unused: nothing this stage does depends on the stages after it."""
        self.config: CharConfig = config.char
        self.calibration = CharCalibration(config.char)
        self._resources: CharResources | None = None
        self._loading = threading.Lock()
        # Caches filled as documents are read (whole values: safe to share between threads).
        self._candidates: dict[tuple[str, str, bool], list[Option]] = {}
        # A Han key's listing (_listing) whose options are not built yet: the compiled screen needs
        # only its LM tokens, and most characters never gain (candidates_for takes it from here).
        self._listings: dict[tuple[str, str, bool], Listing] = {}
        # The same key -> its candidates' LM tokens and how their windows are shared (_sharing).
        self._listed_tokens: dict[tuple[str, str, bool], tuple[list[str], Sharing | None]] = {}
        # (seen char, script) -> its sound-alike candidates (filled with _candidates).
        self._sounds: dict[tuple[str, str], frozenset[str]] = {}
        # (glyph similarity, mined count) -> the channel's evidence in log10 units (joint shortlists).
        self._bonuses: dict[tuple[float, int], float] = {}
        # The bound that orders and cuts the weighing of candidates (None: no cheap bound), and each
        # key's listed candidates' own terms of it (with whether the candidate changes a mark).
        self._bound = ConfidenceBound.of(self.calibration)
        self._listed_bounds: dict[tuple[str, str, bool], list[tuple[float, bool] | None]] = {}
        # OpenCC config writing a candidate in traditional print's form (the script stage's).
        self._to_traditional = config.script.to_traditional
        self._converter: Any = None
        # Context candidates for deferred conversions when the resources have none (see _misread_context).
        self._deferral_context: ContextCandidates | None = None
        # Printed character -> the LM sweep's pool (_sweep_pool): its look-alikes' LM tokens and
        # their most alike forms as strings (one character each), and their glyph cosines. Bounded by
        # the embedding's characters; compact (about 3 kB a character): a document may ask for thousands.
        self._sweep_pools: dict[str, SweepPool] = {}
        self._rival_pools: dict[tuple[str, str, str, str], list[ContextCandidate]] = {}
        # The embedding's rows the sweep may propose and their LM tokens (_sweep_rows): built once.
        self._sweep_table: tuple[GlyphEmbedding, Any] | None = None

    # -- resources (loaded on first propose) --------------------------------------------------
    @property
    def resources(self) -> CharResources:
        """The LM and tables, loaded on first use under a lock and published whole."""
        resources = self._resources
        if resources is None:
            with self._loading:
                resources = self._resources
                if resources is None:
                    resources = self._resources = CharResources.load(self.config)
        return resources

    @property
    def lm(self) -> CharLanguageModel:
        """The language model (loaded on first use)."""
        return self.resources.lm

    def clear_caches(self) -> None:
        """Forget cached candidates (after changing ``resources.confusions``, as the fitter does)."""
        self._candidates = {}
        self._listings = {}
        self._listed_tokens = {}
        self._sounds = {}
        self._bonuses = {}
        self._listed_bounds = {}
        self._sweep_pools = {}
        self._rival_pools = {}

    def candidates_for(self, char: str, script: str, line_end: bool = False) -> list[Option]:
        """``(candidate, lm token, glyph similarity, mined count)`` for a seen character (cached).

        ``line_end``: the character ends its line, where a symbol may be a misread ``。``.
        """
        key = (char, script, line_end)
        cached = self._candidates.get(key)
        if cached is not None:
            return cached
        if is_mark(char):
            result = self._punct_candidates(char, line_end)
            self._candidates[key] = result
            return result
        listing = self._listings.pop(key, None)
        found, tokens, sims, counts = listing if listing is not None else self._listing(char, script)
        # Zipped by C-level lookups: a character's first sight builds ~30 options.
        result = list(zip(found, tokens, map(sims.get, found, repeat(0.0)), map(counts.get, found, repeat(0))))
        self._candidates[key] = result
        return result

    def _listing(self, char: str, script: str) -> Listing:
        """What :meth:`candidates_for` lists for the Han (or other non-mark) character ``char`` in
        ``script``, before its options are built: the candidates, their LM tokens (one each, in
        order), ``{candidate: glyph similarity}`` and ``{candidate: mined count}``. Not cached."""
        res = self.resources
        cfg = self.config
        simplified_only, traditional_only = res.simplified_only, res.traditional_only
        wrong_script = traditional_only if script == "simplified" else simplified_only if script else frozenset()
        # The mined pairs first, then the glyph neighbours, then the sound-alikes, each once.
        counts = {
            meant: count
            for meant, count in res.confusions.meant_for(char).items()
            # A Han character may be a misread mark too (一 for the dash —): the LM weighs it.
            # (the unified block inline: is_bmp_han's own first test, without a call per pair)
            if len(meant) == 1 and ("\u4e00" <= meant <= "\u9fff" or is_bmp_han(meant) or meant in _HAN_MARKS) and meant not in wrong_script
        }
        sims: dict[str, float] = {}
        neighbours, similarities = res.glyphs.row(char)
        floor = cfg.min_glyph_similarity
        for neighbour, sim in zip(neighbours[: cfg.glyph_candidates], similarities):
            if sim < floor:
                break
            if neighbour not in wrong_script:
                sims[neighbour] = sim
        # The keys of both, the mined first (one C-level merge, not a generator per candidate).
        found = list({**counts, **sims})
        if res.phonetic is not None:
            sounds = res.phonetic.neighbours(char, cfg.phonetic_candidates, wrong_script)
            listed = set(found)
            found += [sound for sound in dict.fromkeys(sounds) if sound not in listed]
            self._sounds[(char, script)] = frozenset(sounds)
        own = res.lm.prepare(char)
        tokens: Sequence[str]
        if res.lm.keeps(found):  # most lists: each candidate is its own LM token
            tokens = found
            # found is the keys of counts and sims (then the sounds): two look-ups, not a list scan.
            lists_own = own in counts or own in sims or (res.phonetic is not None and own in found)
        else:
            # One prepare() of all candidates at once: it keeps one character per character.
            tokens = res.lm.prepare("".join(found))
            if len(tokens) != len(found):  # a candidate of several characters (never in the shipped tables)
                tokens = [res.lm.prepare(c) for c in found]
            tokens = list(tokens)
            lists_own = own in tokens
        if lists_own:  # a candidate the LM reads as the character itself changes nothing
            kept = [position for position, token in enumerate(tokens) if token != own]
            found, tokens = [found[position] for position in kept], [tokens[position] for position in kept]
        return found, list(tokens), sims, counts

    def _tokens_listed(self, key: tuple[str, str, bool]) -> list[str]:
        """The LM tokens of ``candidates_for(*key)``, in order (those :meth:`_replacements` gives for
        it), without building its options when they are not built yet (:meth:`_listing`, kept)."""
        known = self._listed_tokens.get(key)
        if known is not None:
            return known[0]
        if key in self._candidates or is_mark(key[0]):
            listed = self.candidates_for(*key)
            return self._replacements(key, listed, listed)[0]
        listing = self._listings.get(key)
        if listing is None:
            listing = self._listings[key] = self._listing(key[0], key[1])
        tokens = listing[1]
        self._listed_tokens[key] = (tokens, self._shared_windows(tokens))
        return tokens

    def _punct_candidates(self, char: str, line_end: bool = False) -> list[Option]:
        """Marks an OCR engine may have misread as ``char`` (which is a mark or symbol)."""
        if char in _SENTENCE_END or char in _NEVER_MARKS or not is_mark(char):
            return []
        found = {mark: 0 for mark in PUNCT_LOOKALIKES.get(char, "")}
        if line_end and char not in _SEPARATORS and char not in _SEPARATOR_LOOKALIKES:
            # A symbol ending a line (会议*) is mostly a misread full stop; the LM weighs "。</s>".
            # Separators stay: a line may end inside a sentence (，) and the LM always prefers 。.
            for meant, count in self.resources.confusions.meant_for(char).items():
                if meant in _FINAL_TARGETS:
                    found[meant] = count
        if not char.isascii():
            # ASCII marks only get their full-width form: mined pairs for them (，vs：after 说)
            # reflect another domain's habits and the LM's house style, not the page.
            for meant, count in self.resources.confusions.meant_for(char).items():
                if meant in PUNCT_TARGETS:
                    found[meant] = count
        prepare = self.lm.prepare
        return [(c, prepare(c), 0.0, count) for c, count in found.items() if c != char]

    # -- scoring --------------------------------------------------------------------------------
    def _context(self, tokens: list[str], index: int) -> Any:
        """The kenlm state after the ``order - 1`` tokens before ``index`` (or <s>)."""
        return windows.begin_state(self.lm.model, tokens, index)

    def _windows(
        self,
        context: Any,
        tokens: list[str],
        index: int,
        replacements: list[str],
        floor: float | None = None,
        sharing: Sharing | None = None,
    ) -> list[float]:
        """log10 probability of tokens[index : index + order] (and </s> if reached), once per replacement.

        The hot loop: :func:`~restore.lm.windows.score_windows` walks the shared tail once for
        all replacements, scoring each distinct kenlm state once (same totals as one walk each);
        with ``floor``, a replacement that cannot reach it keeps a partial sum below it.
        ``sharing``: the replacements to walk and, per replacement, which of their totals is its
        own (:meth:`_sharing`: those outside the LM's vocabulary share one window; the kernel
        shares them without it). The compiled kernel (:mod:`restore.lm.native`), when there is
        one, gives the same totals and builds ``context`` itself from the tokens before ``index``.
        """
        kernel = self.lm.windows_kernel
        if kernel is not None:
            cut = None if floor is None else floor - windows.FLOOR_SLACK
            if sharing is None:
                return kernel.windows(tokens, index, replacements, cut)
            return kernel.windows(tokens, index, sharing[0], cut, sharing[1])
        model = self.lm.model
        tail = windows.window_tail(model, tokens, index)
        if sharing is None:
            return windows.score_windows(model, context, tail, replacements, floor)
        walked, source = sharing
        scores = windows.score_windows(model, context, tail, walked, floor)
        return [scores[position] for position in source]

    def _sharing(self, replacements: list[str]) -> Sharing | None:
        """The replacements to walk and, for each replacement, the position of its total among
        theirs, when two or more are outside the LM's vocabulary
        (:meth:`~restore.lm.model.CharLanguageModel.unknown_positions`): kenlm scores every such
        token as ``<unk>``, so their windows are one window, walked for the first of them."""
        unknown = self.lm.unknown_positions(replacements)
        if len(unknown) < 2:
            return None
        shared = set(unknown[1:])
        walked: list[str] = []
        source: list[int] = []
        for position, token in enumerate(replacements):
            if position in shared:
                source.append(source[unknown[0]])  # the first unknown one comes before
            else:
                source.append(len(walked))
                walked.append(token)
        return walked, source

    def _replacements(self, key: tuple[str, str, bool], listed: list[Option], options: list[Option]) -> tuple[list[str], Sharing | None]:
        """The LM tokens of ``options`` and how their windows are shared (:meth:`_sharing`; None
        with the compiled kernel, which shares them itself); remembered for ``listed``, the
        candidate list of ``key`` (:meth:`candidates_for`), when ``options`` is it."""
        if options is listed:
            found = self._listed_tokens.get(key)
            if found is None:
                tokens = [option[1] for option in listed]
                found = self._listed_tokens[key] = (tokens, self._shared_windows(tokens))
            return found
        tokens = [option[1] for option in options]
        return tokens, self._shared_windows(tokens)

    def _shared_windows(self, replacements: list[str]) -> Sharing | None:
        """:meth:`_sharing` for the pure-Python windows; None for the compiled kernel, which walks
        the first unknown token's window once itself (looking the tokens up costs a character's
        first sight more than the walks it saves)."""
        return None if self.lm.windows_kernel is not None else self._sharing(replacements)

    def _by_bound(
        self,
        char: str,
        script: str,
        line_end: bool,
        listed: list[Option],
        options: list[Option],
        gaining: list[int],
        scores: list[float],
        before: float,
        char_logprob: float,
        cache: NgramCounts | None,
        read_support: int | None = None,
    ) -> list[tuple[int, float]] | None:
        """``(position, log-odds bound)`` of the ``gaining`` options, highest bound first (equal
        bounds in listed order), or None without a bound (:class:`ConfidenceBound`).

        ``read_support``: the cache's support of the character as read, when known: the cache
        feature is log10((1 + support) / (1 + read_support - 1)), so its bound loses that much."""
        bound = self._bound
        if bound is None:
            return None
        # Each listed candidate's own terms, worked out the first time it gains (most never do) and
        # kept with whether it is a mark change.
        own = self._listed_bounds.get((char, script, line_end))
        if own is None:
            own = self._listed_bounds[(char, script, line_end)] = [None] * len(listed)
        shared = bound.position_bound(char_logprob)
        read_term = bound.repeats_bound(max(0, read_support - 1)) if cache is not None and read_support is not None else 0.0
        seen_mark = is_mark(char)
        visit = []
        for position in gaining:
            if position < len(own):
                known = own[position]
                if known is None:
                    after, _token, sim, count = listed[position]
                    punct = seen_mark or is_mark(after)
                    width = punct and unicodedata.normalize("NFKC", after) == unicodedata.normalize("NFKC", char)
                    phonetic = self.resources.phonetic is not None and after in self._sounds.get((char, script), _NO_SOUNDS)
                    known = own[position] = (bound.candidate_bound(sim, count, punct=punct, width=width, phonetic=phonetic), punct)
                candidate, punct = known
            else:  # a context candidate (Han: no mark)
                sim = options[position][2]
                candidate = bound.candidate_bound(
                    sim, 0, punct=False, context=True, context_similarity=sim - self.config.context_min_similarity
                )
                punct = False
            if cache is not None and not punct:
                candidate += bound.repeats_bound(cache.peak(options[position][1])) - read_term
            visit.append((position, bound.upper(shared, candidate, scores[position] - before)))
        visit.sort(key=lambda item: -item[1])  # stable: equal bounds keep the listed order
        return visit

    def in_word(self, tokens: list[str], index: int, token: str) -> bool:
        """Whether a known word of 2-4 characters covers ``index`` when it holds ``token``."""
        words = self.resources.words
        if isinstance(words, KnownWords):
            return words.covers(tokens, index, token)
        return covers_word(words, tokens, index, token)

    def _word_test(self) -> Callable[[list[str], int, str], bool]:
        """:meth:`in_word` as one callable (``(tokens, index, token)``), for a position's many asks."""
        words = self.resources.words
        if isinstance(words, KnownWords):
            return words.test()
        return partial(covers_word, words)

    def name_like(self, tokens: list[str], index: int) -> bool:
        """Whether ``tokens[index]`` reads as part of a given name (after a surname)."""
        res = self.resources
        if tokens[index] not in res.given or index == 0:
            return False
        if tokens[index - 1] in res.surnames:
            return True
        return index >= 2 and tokens[index - 2] in res.surnames and tokens[index - 1] in res.given

    @staticmethod
    def _punct_ok(chars: list[str], index: int) -> bool:
        """A mark may be changed only between Han characters or other marks, never next to Latin or digits."""
        for j in (index - 1, index + 1):
            if 0 <= j < len(chars) and chars[j].isascii() and chars[j].isalnum():
                return False
        # A separator look-alike that opens the unit or follows a separator (。, 、,) is a double
        # read: making it a separator gives "。，", never right.
        if chars[index] in _SEPARATOR_LOOKALIKES and (index == 0 or chars[index - 1] in _SEPARATORS):
            return False
        return _widening_pairs(chars, index)

    def word_scorer(self, tokens: list[str], index: int) -> Callable[[str], float]:
        """The word model's log10 score of ``CharConfig.word_lm_context`` tokens either side of
        ``index``, holding a given token there, with ``<s>`` / ``</s>`` where the window reaches the
        sentence's ends. The window's other tokens are prepared once: a position's candidates
        differ in one token."""
        word_lm = self.resources.word_lm
        assert word_lm is not None
        width = self.config.word_lm_context
        start, end = max(0, index - width), min(len(tokens), index + width + 1)
        pieces = word_lm.token_pieces
        left = word_lm.join_pieces(*map(pieces, tokens[start:index]))
        right = word_lm.join_pieces(*map(pieces, tokens[index + 1 : end]))
        bos, eos = start == 0, end == len(tokens)

        def score(token: str) -> float:
            return word_lm.score_pieces(word_lm.join_pieces(left, pieces(token), right), bos=bos, eos=eos)

        return score

    def best_candidate(
        self,
        tokens: list[str],
        chars: list[str],
        index: int,
        char_logprob: float,
        script: str,
        prior: EnginePrior | None = None,
        hint: EngineHint | None = None,
        cache: NgramCounts | None = None,
        cache_scope: str = "",
        *,
        only: str | None = None,
        shortlist: dict[int, Scored] | None = None,
        walk: SentenceWalk | None = None,
        familiar: _Familiarity | None = None,
        screened: Screened | None = None,
    ) -> CharCandidate | None:
        """The highest-confidence candidate for ``chars[index]`` in the current tokens, or None.

        ``prior`` and ``hint`` (the OCR engine's confidence and alternatives for this character)
        add the engine's alternatives as candidates and its doubt as a feature.
        ``cache``: n-gram counts of the document or batch (``cache_scope`` says which), whose
        repetitions are a feature (see :mod:`restore.lm.cache`).
        ``only``: score this candidate alone (a member of a joint decision). ``shortlist``: filled
        with ``{index: (options, their window scores, the window's score as printed)}``, whether or
        not any option gains enough alone (what joint decisions pair, :meth:`_shortlist`).
        ``walk``: the sentence walked once as printed (:class:`~restore.lm.windows.SentenceWalk`),
        whose states and steps are reused while ``tokens`` is its very list.
        ``familiar``: the document's familiarity to the char LM (:meth:`familiarity`, measured when
        first needed), which may lower the word model's hinge.
        ``screened``: what :meth:`_screen` found at ``index`` (its options, the window as printed,
        the options' windows and those that gain) when they gain: the weighing starts there (the
        same candidate as without it). Not with ``only`` or ``shortlist``.
        """
        if screened is None:
            seen_mark, line_end, listed, options, alternatives, sources = self._options(
                tokens, chars, index, script, prior, hint, only
            )
            if not options:
                return None
            walk = _walk_of(walk, tokens)
            kernel = self.lm.windows_kernel  # the compiled windows build their left context themselves
            context = None if kernel is not None else walk.state_before(index) if walk is not None else self._context(tokens, index)
            before = walk.window(index) if walk is not None else self._windows(context, tokens, index, [tokens[index]])[0]
            min_gain = self.config.min_lm_gain
            # Only candidates that gain min_gain count here (a shortlist keeps them all): the window of
            # the others is cut short.
            floor = before + min_gain if shortlist is None else None
            replacements, sharing = self._replacements((chars[index], script, line_end), listed, options)
            scores = self._windows(context, tokens, index, replacements, floor, sharing)
            if shortlist is not None:
                shortlist[index] = (options, scores, before)
            # Most candidates gain too little: find the few that do before any per-candidate work.
            if kernel is not None:
                gaining = kernel.gaining(scores, before, min_gain)
            else:
                gaining = [position for position, score in enumerate(scores) if score - before >= min_gain]
            if not gaining:
                return None
        else:
            assert only is None and shortlist is None
            (seen_mark, line_end, listed, options, alternatives, sources), before, scores, gaining = screened
        in_word = self._word_test()
        word_before = not seen_mark and in_word(tokens, index, tokens[index])
        name = not seen_mark and self.name_like(tokens, index)
        sounds = self._sounds.get((chars[index], script), _NO_SOUNDS) if self.resources.phonetic is not None else _NO_SOUNDS
        use_words = self.resources.word_lm is not None and not seen_mark
        words_before: float | None = None
        word_score: Callable[[str], float] | None = None
        # The word model weighs the best candidate only, once the others are ranked without it.
        words_for_best = use_words and self.config.word_lm_best_only
        use_cache = cache is not None and bool(self.config.calib_cache) and not seen_mark
        support_before: int | None = None  # the cache's support of the character as read (asked once)
        # Most candidates that gain end far under the best: weighed from the highest confidence they
        # could have down, the loop stops at the first that cannot beat the best found (the same best).
        # (Without a bound, an infinite one: every candidate that gains is weighed, in listed order.)
        visit = None
        if prior is None and len(gaining) > 1:
            if use_cache:  # asked now rather than at the first Han candidate: it tightens the bound
                assert cache is not None
                support_before = cache.support(tokens, index, tokens[index])
            visit = self._by_bound(
                chars[index], script, line_end, listed, options, gaining, scores, before, char_logprob,
                cache if use_cache else None, support_before,
            )
        word_bound = self._bound.word_after_bound if self._bound is not None else 0.0
        # The best so far: its confidence, its position and what its CharCandidate is built from
        # (built once, after the loop: the loop weighs ~30 candidates a position).
        best_confidence = -1.0
        best_position = -1
        best_made: tuple[str, str, CharFeatures, float, tuple[float, float] | None, int] | None = None
        for position, upper in visit or [(position, math.inf) for position in gaining]:
            if best_made is not None and ConfidenceBound.confidence(upper) < best_confidence:
                break
            after, token, sim, count = options[position]
            score = scores[position]
            gain = score - before
            punct = seen_mark or is_mark(after)
            word_after = not punct and in_word(tokens, index, token)
            if best_made is not None and visit is not None and not punct and not word_after:
                # The bound counted a word this candidate does not make: it may now fall short.
                if ConfidenceBound.confidence(upper - word_bound) < best_confidence:
                    continue
            width = punct and unicodedata.normalize("NFKC", after) == unicodedata.normalize("NFKC", chars[index])
            word_logprobs = None
            if use_words and not punct and not words_for_best:
                if word_score is None:
                    word_score = self.word_scorer(tokens, index)
                    words_before = word_score(tokens[index])
                assert words_before is not None
                word_logprobs = (words_before, word_score(token))
            cache_ratio, support = 0.0, 0
            if use_cache and not punct:
                assert cache is not None
                if support_before is None:
                    support_before = cache.support(tokens, index, tokens[index])
                support = cache.support(tokens, index, token)
                cache_ratio = support_ratio(support, support_before, own=1)
            features = CharFeatures(
                lm_gain=gain,
                glyph_similarity=sim,
                mined=count,
                logprob=char_logprob,
                word_before=word_before,
                word_after=word_after,
                name=name,
                punct=punct,
                width=width,
                phonetic=after in sounds,
                context=after in sources,
                context_similarity=sim - self.config.context_min_similarity if after in sources else 0.0,
                # In a document unfamiliar to the char LM, the margin plus the hinge's relief.
                word_gain=word_logprobs[1] - word_logprobs[0] + self._relief_for(word_logprobs, familiar) if word_logprobs else 0.0,
                cache=cache_ratio,
            )
            if prior is not None and hint is not None:
                features = prior.apply(features, hint[0], after in alternatives, alternatives.get(after))
            confidence = self.calibration.confidence(features)
            if use_cache and not punct:  # a phrase the text repeats as read is not changed on the LM's word alone
                assert support_before is not None
                confidence = self._repeat_capped(confidence, features, support, support_before)
            # Equal confidences: the first listed wins, whatever the order of the visit.
            if best_made is None or confidence > best_confidence or (confidence == best_confidence and position < best_position):
                best_position, best_confidence = position, confidence
                best_made = (after, token, features, score, word_logprobs, support)
        if best_made is None:
            return None
        after, token, features, score, word_logprobs, support = best_made
        if words_for_best and not features.punct:
            features, best_confidence, word_logprobs = self._with_word_model(
                tokens, index, token, features, best_confidence, support_before if use_cache else None, support,
                familiar,
            )
        reading = None
        if prior is not None and hint is not None and hint[0] is not None:
            reading = EngineReading(prior.engine, round(hint[0], 4), _rounded(alternatives.get(after)))
        return CharCandidate(
            index, after, features, before, score, best_confidence, sources.get(after, ""), word_logprobs, support,
            cache_scope if use_cache else "", max(0, (support_before or 0) - 1) if use_cache and not features.punct else 0,
            engine_reading=reading, familiarity=familiar.measured if familiar is not None and _relieved(features, word_logprobs) else None,
        )

    def _with_word_model(
        self,
        tokens: list[str],
        index: int,
        token: str,
        features: CharFeatures,
        confidence: float,
        read_support: int | None,
        support: int,
        familiar: _Familiarity | None = None,
    ) -> tuple[CharFeatures, float, tuple[float, float]]:
        """The best candidate (LM token ``token``) at ``index`` weighed with the word model's margin
        (``CharConfig.word_lm_best_only``): its features, confidence and the word model's window
        scores before and after. Below ``word_gain_hinge`` the margin weighs nothing, and the
        features and confidence are returned as they are (``word_gain`` stays 0).

        ``read_support`` / ``support``: the cache's support of the character as read and of the
        candidate (``read_support`` None without the cache), for :meth:`_repeat_capped`.
        ``familiar``: the document's familiarity, asked only when the margin is above the hinge
        less ``unfamiliar_word_relief``; where the document is unfamiliar to the char LM it lowers
        the hinge: ``features.word_gain`` is then the margin plus the relief.
        """
        word_lm = self.resources.word_lm
        assert word_lm is not None
        # word_scorer's two scores, the window prepared once (the best candidate alone is weighed).
        before, after = word_lm.window_scores(tokens, index, self.config.word_lm_context, (tokens[index], token))
        word_logprobs = (before, after)
        margin = after - before
        hinge = self.config.word_gain_hinge
        if margin <= hinge - self.config.unfamiliar_word_relief:
            return features, confidence, word_logprobs
        # The hinge is lowered for every margin (the feature stays continuous at the hinge).
        relief = familiar.relief() if familiar is not None else 0.0
        if margin <= hinge - relief:
            return features, confidence, word_logprobs
        features = replace(features, word_gain=margin + relief)
        confidence = self.calibration.confidence(features)
        if read_support is not None:
            confidence = self._repeat_capped(confidence, features, support, read_support)
        return features, confidence, word_logprobs

    def _relief_for(self, word_logprobs: tuple[float, float] | None, familiar: _Familiarity | None) -> float:
        """The hinge's relief for a candidate weighed in the loop (``word_lm_best_only`` off): the
        document's, asked only when the candidate's word margin is above the lowest hinge."""
        if word_logprobs is None or familiar is None:
            return 0.0
        if word_logprobs[1] - word_logprobs[0] <= self.config.word_gain_hinge - self.config.unfamiliar_word_relief:
            return 0.0
        return familiar.relief()

    def _repeat_capped(self, confidence: float, features: CharFeatures, support: int, read_support: int) -> float:
        """``confidence``, held to ``cache_repeat_max_confidence`` when the text repeats the 3-grams
        of the character as read (``read_support`` - 1 >= ``cache_repeat_support``) and never the
        candidate's (``support`` 0). A repeated misread is no coinage: a mined OCR confusion or a
        glyph look-alike whose change makes a known word (己经 -> 已经, 厉史 -> 历史: engines repeat
        their misreads of a glyph) is not held back."""
        cfg = self.config
        misread = (features.mined or features.glyph_similarity) and features.word_after
        if support or misread or read_support - 1 < cfg.cache_repeat_support:
            return confidence
        return min(confidence, cfg.cache_repeat_max_confidence)

    def _shortlist(self, scored: Scored) -> list[tuple[str, str]]:
        """``(candidate, lm token)`` of the ``joint_candidates`` best options by LM gain plus the
        channel's evidence (glyph, mined count), in log10 units: what a joint decision pairs
        (:func:`restore.stages.joint.shortlist`)."""
        options, scores, _before = scored  # ranked by the window's score: the same order as by gain
        # The channel's evidence per (glyph similarity, mined count): a bounded memo.
        bonuses = self._bonuses
        cfg = self.config
        for _after, _token, sim, count in options:
            if (sim, count) not in bonuses:
                bonuses[(sim, count)] = (
                    cfg.calib_glyph_similarity * sim**GLYPH_SHARPNESS
                    + cfg.calib_mined * math.log10(1 + min(count, cfg.mined_count_cap))
                ) / (cfg.calib_lm_gain or 1.0)
        evidence = [bonuses[(option[2], option[3])] for option in options]
        chosen = joint.shortlist(scores, evidence, self.config.joint_candidates)
        return [(options[i][0], options[i][1]) for i in chosen]

    def _options(
        self,
        tokens: list[str],
        chars: list[str],
        index: int,
        script: str,
        prior: EnginePrior | None,
        hint: EngineHint | None,
        only: str | None = None,
    ) -> Options:
        """The candidates of ``chars[index]`` (see :data:`Options`): those listed for it
        (:meth:`candidates_for`), the OCR engine's alternatives (with ``prior`` and ``hint``), the
        context's; ``only``: that candidate alone (no options when it is none of them)."""
        seen_mark = is_mark(chars[index])
        line_end = seen_mark and _line_end(chars, index)
        options = listed = self.candidates_for(chars[index], script, line_end)
        alternatives: Mapping[str, float | None] = hint[1] if prior is not None and hint is not None else {}
        if alternatives:
            options = options + self._engine_alternatives(chars[index], alternatives, options)
        sources: dict[str, str] = {}
        if self.resources.context is not None and not seen_mark and script != "traditional":
            options, sources = self._with_context(options, tokens, chars, index)
        if only is not None:
            options = [option for option in options if option[0] == only]
        return seen_mark, line_end, listed, options, alternatives, sources

    def _screen(
        self,
        tokens: list[str],
        chars: list[str],
        suspects: list[int],
        script: str,
        prior: EnginePrior | None,
        hints: list[EngineHint] | None,
        steps: list[float],
    ) -> list[Screened | None]:
        """For each of ``suspects`` (indices into ``tokens``, the sentence as printed), what
        :meth:`best_candidate` finds before it weighs any candidate, scored for all of them in one
        call of the compiled kernel (``Windows.screen``, with the sentence's walk ``steps``): None
        when no option gains ``min_lm_gain`` (most positions), else its ``screened`` argument.

        Only with the compiled kernel (``self.lm.windows_kernel``), for positions without a shortlist.
        """
        kernel = self.lm.windows_kernel
        assert kernel is not None
        context = self.resources.context
        # Each suspect's options, or where they are its listed candidates alone (no engine
        # alternatives, no context's), whether it is a mark and ends its unit: those options are
        # built only if they gain (_tokens_listed).
        found: list[Options | tuple[bool, bool]] = []
        scoring: list[bool] = []  # whether the suspect has any option (else it is not scored)
        positions: list[int] = []
        replacements: list[list[str]] = []
        for index in suspects:
            hint = hints[index] if hints else None
            seen_mark = is_mark(chars[index])
            if (prior is not None and hint is not None and hint[1]) or (context is not None and not seen_mark and script != "traditional"):
                options = self._options(tokens, chars, index, script, prior, hint)
                found.append(options)
                scoring.append(bool(options[3]))
                if options[3]:
                    positions.append(index)
                    replacements.append(self._replacements((chars[index], script, options[1]), options[2], options[3])[0])
                continue
            line_end = seen_mark and _line_end(chars, index)
            found.append((seen_mark, line_end))
            listed = self._tokens_listed((chars[index], script, line_end))
            scoring.append(bool(listed))
            if listed:
                positions.append(index)
                replacements.append(listed)
        scored = iter(kernel.screen(tokens, steps, positions, replacements, self.config.min_lm_gain, windows.FLOOR_SLACK))
        screened: list[Screened | None] = []
        for index, known, scored_here in zip(suspects, found, scoring):
            result = next(scored) if scored_here else None
            if result is None:
                screened.append(None)
                continue
            if len(known) == 2:
                seen_mark, line_end = known
                listed_options = self.candidates_for(chars[index], script, line_end)
                hint = hints[index] if hints else None
                alternatives: Mapping[str, float | None] = hint[1] if prior is not None and hint is not None else {}
                known = (seen_mark, line_end, listed_options, listed_options, alternatives, {})
            screened.append((known, *result))
        return screened

    def _engine_alternatives(self, char: str, alternatives: Mapping[str, float | None], options: list[Option]) -> list[Option]:
        """The engine's other readings of ``char`` not yet among ``options``, of the same kind (Han or not)."""
        known = {option[0] for option in options}
        prepare = self.lm.prepare
        return [
            (alternative, prepare(alternative), 0.0, 0)
            for alternative in sorted(set(alternatives) - known)
            if len(alternative) == 1 and is_bmp_han(alternative) == is_bmp_han(char) and prepare(alternative) != prepare(char)
        ]

    def _with_context(
        self, options: list[Option], tokens: list[str], chars: list[str], index: int
    ) -> tuple[list[Option], dict[str, str]]:
        """``options`` plus the context's candidates the tables lack, and {candidate: context source}.

        The neighbours are read in the LM's view (``tokens``); a neighbour that is not Han (a mark,
        a sentence edge) proposes nothing on its side.
        """
        context = self.resources.context
        assert context is not None
        left = tokens[index - 1] if index > 0 and is_bmp_han(tokens[index - 1]) else ""
        right = tokens[index + 1] if index + 1 < len(tokens) and is_bmp_han(tokens[index + 1]) else ""
        if not (left or right):
            return options, {}
        listed = {option[0] for option in options}
        prepare = self.lm.prepare
        extra: list[Option] = []
        sources: dict[str, str] = {}
        cfg = self.config
        for cand in context.propose(chars[index], left, right, cfg.context_min_similarity, cfg.context_gap_min_similarity):
            if cand.char in listed or not is_bmp_han(cand.char):
                continue
            extra.append((cand.char, prepare(cand.char), cand.similarity, 0))
            sources[cand.char] = cand.source
        return ([*options, *extra] if extra else options), sources

    def sweeps(self, char: str, logprob: float, script: str) -> bool:
        """Whether the LM sweep looks at ``char`` (its log10 p in context ``logprob``), given that no
        table or context candidate is likely there: a Han character the LM finds at most
        ``CharConfig.sweep_logprob`` likely, with ``lm_sweep`` on, in simplified or unknown-script text
        (traditional too with ``sweep_traditional``).

        >>> from restore.config import Config
        >>> stage = CharStage(Config().replace(char=replace(Config().char, lm_sweep=True, sweep_logprob=-4.0)))
        >>> stage.sweeps("墓", -5.2, "simplified"), stage.sweeps("墓", -3.0, "simplified"), stage.sweeps("，", -6.0, "")
        (True, False, False)
        """
        cfg = self.config
        return (
            cfg.lm_sweep
            and logprob <= cfg.sweep_logprob
            and (script != "traditional" or cfg.sweep_traditional)
            and is_bmp_han(char)
            and not is_mark(char)
        )

    def _sweep_pool(self, char: str) -> SweepPool:
        """The LM sweep's candidates for a printed ``char`` (cached, :data:`SweepPool`): the LM token
        of every character whose glyph resembles it at least ``CharConfig.sweep_min_similarity``
        (the LM's view: a traditional look-alike counts as its simplified form), without its own
        token and those outside the LM's vocabulary (kenlm scores them all as ``<unk>``), most
        alike first; for each, the form that resembles ``char`` most (黛 looks like 黨, not like
        党) and its cosine. One product over the candidate rows (0.2-1 ms) and array work."""
        cached = self._sweep_pools.get(char)
        if cached is not None:
            return cached
        import numpy as np

        embedding = self.resources.sweep
        assert embedding is not None
        rows, codes = self._sweep_rows()
        sims = embedding.row_similarities(char, rows)
        pool: SweepPool = ("", "", array("f"))
        if sims is not None:
            own = self.lm.prepare(char)
            keep = sims >= self.config.sweep_min_similarity
            if len(own) == 1:
                keep &= codes != ord(own)
            picked = np.nonzero(keep)[0]
            picked = picked[np.argsort(-sims[picked], kind="stable")]
            # One row per token: its most alike form (the first in that order).
            _tokens, first = np.unique(codes[picked], return_index=True)
            picked = picked[np.sort(first)]
            chars = rows.chars
            pool = (
                "".join(map(chr, codes[picked].tolist())),
                "".join(chars[row] for row in picked.tolist()),
                array("f", sims[picked].tolist()),
            )
        self._sweep_pools[char] = pool
        return pool

    def _sweep_rows(self) -> tuple[GlyphEmbedding, Any]:
        """The glyph embedding's characters the sweep may propose (a Han LM token inside the LM's
        vocabulary: 6,472 of 10,568 rows, so the product per pool reads 61 % of them) as their own
        embedding, and each one's LM token as a code point. Built once, on the first sweep (~30 ms)."""
        table = self._sweep_table
        if table is None:
            import numpy as np

            embedding = self.resources.sweep
            assert embedding is not None
            tokens = [self.lm.prepare(ch) for ch in embedding.chars]
            usable = [len(token) == 1 and is_bmp_han(token) for token in tokens]
            for position in self.lm.unknown_positions(tokens):
                usable[position] = False
            kept = [position for position, ok in enumerate(usable) if ok]
            rows = embedding.subset(embedding.chars[position] for position in kept)
            table = self._sweep_table = (rows, np.array([ord(tokens[position]) for position in kept], dtype=np.int64))
        return table

    def sweep_candidate(
        self,
        tokens: list[str],
        chars: list[str],
        index: int,
        char_logprob: float,
        prior: EnginePrior | None = None,
        hint: EngineHint | None = None,
        walk: SentenceWalk | None = None,
        *,
        rival: CharCandidate | None = None,
    ) -> CharCandidate | None:
        """The LM sweep's candidate for ``chars[index]``, or None: the look-alike (:meth:`_sweep_pool`)
        whose LM window is likeliest, when it gains at least ``CharConfig.sweep_min_gain`` over the
        character as printed and leads the runner-up, and ``rival`` (the tables' best candidate
        there, if any), by at least ``sweep_min_margin`` (log10); None when it is ``rival``'s.

        The windows are cut (:meth:`_windows`) at the gain's floor first; when one reaches it, they
        are walked again cut ``sweep_min_margin + sweep_margin_cap`` under it: a runner-up cut short
        there is that far behind any candidate that gains enough, so the capped margin is exact.
        ``prior``/``hint``/``walk``: as in :meth:`best_candidate`.
        """
        cfg = self.config
        pool, forms, sims = self._sweep_pool(chars[index])
        if not pool:
            return None
        walk = _walk_of(walk, tokens)
        kernel = self.lm.windows_kernel
        context = None if kernel is not None else walk.state_before(index) if walk is not None else self._context(tokens, index)
        before = walk.window(index) if walk is not None else self._windows(context, tokens, index, [tokens[index]])[0]
        replacements = list(pool)
        # Most sweeps find nothing that gains: first cut every window at the gain's floor (the
        # kernel stops a window once it falls below), and only when one reaches it walk them again
        # with the lower cut the margin needs.
        scores = self._windows(context, tokens, index, replacements, before + cfg.sweep_min_gain)
        if max(scores) - before < cfg.sweep_min_gain:
            return None
        scores = self._windows(context, tokens, index, replacements, before + cfg.sweep_min_gain - cfg.sweep_min_margin - cfg.sweep_margin_cap)
        if len(scores) > 1:
            first, second = heapq.nlargest(2, range(len(scores)), key=scores.__getitem__)
            margin = scores[first] - scores[second]
        else:
            first, margin = 0, math.inf
        after = pool[first]
        if rival is not None:
            if rival.after == after or rival.features.insert or rival.features.delete:
                return None
            margin = min(margin, scores[first] - rival.logprob_after)
        gain = scores[first] - before
        if gain < cfg.sweep_min_gain or margin < cfg.sweep_min_margin:
            return None
        features = CharFeatures(
            lm_gain=gain,
            glyph_similarity=round(float(sims[first]), 3),
            logprob=char_logprob,
            word_before=self.in_word(tokens, index, tokens[index]),
            word_after=self.in_word(tokens, index, after),
            name=self.name_like(tokens, index),
            sweep=True,
            sweep_margin=min(margin, cfg.sweep_min_margin + cfg.sweep_margin_cap) - cfg.sweep_min_margin,
        )
        reading = None
        alternatives: Mapping[str, float | None] = {}
        if prior is not None and hint is not None:
            alternatives = hint[1]
            features = prior.apply(features, hint[0], after in alternatives, alternatives.get(after))
            if hint[0] is not None:
                reading = EngineReading(prior.engine, round(hint[0], 4), _rounded(alternatives.get(after)))
        confidence = self.calibration.confidence(features)
        # The form the printed glyph resembles when it is a traditional one (黛 for 黨, not 党) and
        # the print was traditional: the sentence shows traditional print elsewhere, or the printed
        # glyph resembles that form far more than the simplified one (卓: 車 0.84, 车 0.41; a
        # simplified-model engine on traditional print writes simplified text around it).
        form = forms[first]
        if form != after:
            embedding = self.resources.sweep
            assert embedding is not None
            if embedding.similarity(chars[index], form) - embedding.similarity(chars[index], after) >= cfg.sweep_form_margin or any(
                ch in self.resources.traditional_only for k, ch in enumerate(chars) if k != index
            ):
                after = form
        return CharCandidate(
            index, after, features, before, scores[first], confidence, SWEEP_ID, engine_reading=reading
        )

    def steps(self, tokens: list[str]) -> list[float]:
        """The char LM's log10 p of each of ``tokens`` after the ones before it from ``<s>``, then of
        ``</s>``: ``len(tokens) + 1`` values, unless kenlm splits a token we did not (a character it
        treats as a separator), which :meth:`examine` skips."""
        kernel = self.lm.windows_kernel
        # kenlm's Python wrapper splits the sentence's UTF-8 at ASCII whitespace: where that gives
        # one word per token, the compiled kernel's walk from <s> is the same per-token log10 p (the
        # same floats) and the model's Python mapping is not read again (its pages would count twice
        # in the process's RSS, once per mapping).
        joined = " ".join(tokens)
        if kernel is not None and len(joined.encode("utf-8").split()) == len(tokens):
            return kernel.steps(tokens)
        return [p for p, _, _ in self.lm.model.full_scores(joined, bos=True, eos=True)]

    def examine(
        self,
        chars: list[str],
        tokens: list[str],
        script: str,
        prior: EnginePrior | None = None,
        hints: list[EngineHint] | None = None,
        cache: NgramCounts | None = None,
        cache_scope: str = "",
        gaps: Mapping[int, float] | None = None,
        gap_engine: str = "",
        familiar: _Familiarity | None = None,
        near: Sequence[bool] | None = None,
    ) -> list[CharCandidate]:
        """Best candidates of one sentence, non-overlapping in LM windows, best first.

        ``chars`` are the sentence's characters as written, ``tokens`` the LM's view of them
        (normalised, traditional mapped to simplified), one to one. ``hints``: the OCR engine's
        (confidence, alternatives) of each character, weighed through ``prior``. ``gaps``: token
        index -> excess of the junction before it where the engine's boxes leave room for a dropped
        character (:meth:`fill_gap`), read by ``gap_engine``. ``familiar``: the document's
        familiarity to the char LM, measured when first needed (see :meth:`best_candidate`).
        ``near``: on the second look (``Config.revisit``), whether each character is within an LM
        window of a first-round change; the others are not examined again.
        """
        model = self.lm.model
        order = model.order
        kernel = self.lm.windows_kernel
        logprobs = self.steps(tokens)
        if len(logprobs) != len(tokens) + 1:
            # kenlm split a token we did not (a character it treats as a separator): skip, never misalign.
            log.debug("skipping a sentence kenlm tokenised differently (%d tokens)", len(tokens))
            return []
        found: list[CharCandidate] = []
        # A misread is often a likely character that makes the next one unlikely (在大安门: 大 is
        # likely after 在, 安 after 在大 is the surprise; typed 他以经: 经), so with look-ahead (and
        # the phonetic channel) a character is also examined when the next one is improbable.
        lookback = self.config.detect_lookahead or self.resources.phonetic is not None
        # ... unless the LM finds the character itself likely enough (config.detect_lookahead_logprob;
        # 0 keeps all, even a mixture's token rounded a hair above log10 p = 0).
        ceiling = self.config.detect_lookahead_logprob
        ahead_from = ceiling if ceiling < 0 else math.inf
        shortlists: dict[int, Scored] | None = {} if self.config.joint_decisions else None
        # The sentence as printed, walked once: the left context and window of every position
        # examined below (until the rescoring changes tokens).
        walk = SentenceWalk(model, tokens, kernel, logprobs if kernel is not None else None)
        suspects: list[int] = []
        for i, char in enumerate(chars):
            if near is not None and not near[i]:
                continue
            if not is_mark(char):
                own = logprobs[i]
                suspicion = min(own, logprobs[i + 1]) if lookback and own <= ahead_from else own
                doubted = prior is not None and hints is not None and prior.doubtful(hints[i][0])
                if not is_bmp_han(char) or (suspicion >= self.config.detect_logprob and not doubted):
                    continue
            elif (
                not self.config.punctuation
                or logprobs[i] >= self.config.detect_punct_logprob
                or not self._punct_ok(chars, i)
            ):
                continue
            suspects.append(i)
        # With the compiled kernel and no shortlists (joint decisions keep every option's window),
        # every suspect's windows are scored in one call, and only those that gain are weighed:
        # the same candidates as one best_candidate per suspect.
        screened = self._screen(tokens, chars, suspects, script, prior, hints, logprobs) if kernel is not None and shortlists is None and suspects else None
        for k, i in enumerate(suspects):
            char = chars[i]
            if screened is None:
                best = self.best_candidate(
                    tokens, chars, i, logprobs[i], script, prior, hints[i] if hints else None, cache, cache_scope,
                    shortlist=shortlists if is_bmp_han(char) else None,  # pairs make words: Han only
                    walk=walk, familiar=familiar,
                )
            else:
                found_at = screened[k]
                best = None if found_at is None else self.best_candidate(
                    tokens, chars, i, logprobs[i], script, prior, hints[i] if hints else None, cache, cache_scope,
                    walk=walk, screened=found_at, familiar=familiar,
                )
            if (best is None or best.confidence < self.config.sweep_below_confidence) and self.sweeps(char, logprobs[i], script):
                # No table or context candidate is likely: the LM looks over every look-alike itself.
                swept = self.sweep_candidate(tokens, chars, i, logprobs[i], prior, hints[i] if hints else None, walk, rival=best)
                if swept is not None and (best is None or swept.confidence > best.confidence):
                    best = swept
            if best is not None:
                found.append(best)
        # Only a sentence that uses marks can have lost one (subtitles and headings use none).
        if self.config.insert_marks and any(is_mark(c) for c in chars):
            junctions = [
                j for j in range(1, len(chars))
                if (
                    (near is None or near[j])
                    and logprobs[j] < self.config.detect_insert_logprob
                    and is_bmp_han(chars[j])
                    and (is_bmp_han(chars[j - 1]) or chars[j - 1] in _CLOSERS)
                )
            ]
            # With the compiled kernel, every junction's windows in one call (most gain nothing).
            inserts = (
                kernel.screen(tokens, logprobs, junctions, [_INSERT_TOKENS] * len(junctions), self.config.min_lm_gain, windows.FLOOR_SLACK, True)
                if kernel is not None and junctions else [None] * len(junctions)
            )
            for j, screened_here in zip(junctions, inserts):
                if kernel is not None and screened_here is None:
                    continue  # no mark gains min_lm_gain there
                best = self.best_insertion(tokens, j, logprobs[j], walk, screened_here)
                if best is not None:
                    found.append(best)
        if gaps:
            for j, excess in gaps.items():
                # The engine's boxes say something is missing here: this insertion replaces any the
                # LM alone proposed at the junction.
                filled = self.fill_gap(tokens, j, excess, logprobs[j], gap_engine)
                if filled is not None:
                    found = [c for c in found if not (c.features.insert and c.index == j)] + [filled]
        if self.config.delete_doubled:
            words = self.resources.words
            for j in range(1, len(chars)):
                if (
                    chars[j] == chars[j - 1]
                    and (near is None or near[j])
                    and is_bmp_han(chars[j])
                    and min(logprobs[j], logprobs[j + 1]) < self.config.detect_logprob
                    and chars[j - 1] + chars[j] not in words  # 天天, 看看: reduplications
                    # 哈哈哈, 呐呐呐: a run of three is an interjection, not one doubled read.
                    and chars[j - 2 : j - 1] != [chars[j]]
                    and chars[j + 1 : j + 2] != [chars[j]]
                    # 事情情况: two words meeting on the same character (事情 + 情况).
                    and not (
                        "".join(chars[j - 2 : j]) in words and "".join(chars[j : j + 2]) in words
                    )
                ):
                    deletion = self.best_deletion(tokens, j, logprobs[j], walk)
                    if deletion is not None:
                        found.append(deletion)
        accepted: list[CharCandidate] = []
        if shortlists and len(shortlists) >= 2:
            # Two suspects whose changes only make sense together are decided as a pair, first.
            accepted = self.joint_decisions(
                tokens, chars, logprobs, shortlists, found, script, prior, hints, cache, cache_scope, familiar
            )
            if accepted:
                paired = {cand.index for cand in accepted}
                found = [cand for cand in found if cand.index not in paired]
        if len(found) + len(accepted) < 2:
            return found + accepted
        # Close suspects share LM windows: take the most confident, re-score the rest in its light.
        found.sort(key=lambda c: -c.confidence)
        tokens = list(tokens)
        for cand in accepted:
            tokens[cand.index] = self.lm.prepare(cand.after)
        for cand in found:
            if any(abs(cand.index - a.index) < order for a in accepted):
                if _shifts(cand) or any(_shifts(a) for a in accepted if abs(cand.index - a.index) < order):
                    continue  # an insertion or deletion shifts the window: keep only the more confident change
                hint = hints[cand.index] if hints else None
                if cand.features.sweep:
                    rescored = self.sweep_candidate(tokens, chars, cand.index, cand.features.logprob, prior, hint)
                else:
                    rescored = self.best_candidate(
                        tokens, chars, cand.index, cand.features.logprob, script, prior, hint, cache, cache_scope,
                        familiar=familiar,
                    )
                if rescored is None:
                    continue
                cand = rescored
            accepted.append(cand)
            if not _shifts(cand):
                tokens[cand.index] = self.lm.prepare(cand.after)
        return accepted

    def joint_decisions(
        self,
        tokens: list[str],
        chars: list[str],
        logprobs: list[float],
        shortlists: dict[int, Scored],
        found: list[CharCandidate],
        script: str,
        prior: EnginePrior | None = None,
        hints: list[EngineHint] | None = None,
        cache: NgramCounts | None = None,
        cache_scope: str = "",
        familiar: _Familiarity | None = None,
    ) -> list[CharCandidate]:
        """The members of the pairs of examined positions decided together (see :mod:`restore.stages.joint`).

        ``shortlists``: each examined position's scored options (from :meth:`best_candidate`);
        ``found``: the best candidate of each position alone, which a pair must beat. Pairs share no
        position; each member is a :class:`CharCandidate` with its features taken with its partner's
        change made, ``features.joint`` set, its probability of being right as confidence and the
        pair's :class:`~restore.evidence.JointDecision`.
        """
        order = self.lm.model.order
        alone = {cand.index: cand for cand in found if not _shifts(cand)}
        positions = sorted(shortlists)
        short: dict[int, list[tuple[str, str]]] = {}
        scored: list[tuple[float, int, int]] = []
        decided: dict[tuple[int, int], tuple[CharCandidate, CharCandidate]] = {}
        sentence = _Sentence(chars, logprobs, script, prior, hints, cache, cache_scope, familiar)
        for at, first in enumerate(positions):
            for second in positions[at + 1 :]:
                if second - first >= min(order, joint.WORD_REACH):
                    break
                for position in (first, second):
                    if position not in short:
                        short[position] = self._shortlist(shortlists[position])
                pair = self._best_pair(tokens, sentence, first, second, short, alone)
                if pair is not None:
                    record = pair[0].joint
                    assert record is not None
                    scored.append((record.probability, first, second))
                    decided[(first, second)] = pair
        return [member for key in joint.disjoint(scored) for member in decided[key]]

    def _best_pair(
        self,
        tokens: list[str],
        sentence: _Sentence,
        first: int,
        second: int,
        shortlists: dict[int, list[tuple[str, str]]],
        alone: dict[int, CharCandidate],
    ) -> tuple[CharCandidate, CharCandidate] | None:
        """The likeliest pairing of the two positions' shortlists when it beats neither and either
        change alone (see :mod:`restore.stages.joint`), as its two members; else None."""
        cfg = self.config
        chars = sentence.chars
        model = self.lm.model
        xs, ys = shortlists[first], shortlists[second]
        pairings = [
            (xs[x], ys[y])
            for x, y in joint.word_pairings(self.resources.words, tokens, first, second, [t for _a, t in xs], [t for _a, t in ys])
        ]
        if not pairings:
            return None  # the cheap gate first: most pairs make no word together
        state_before = self._context(tokens, first)
        middle = tokens[first + 1 : second]
        tail = windows.window_tail(model, tokens, second)
        # Reading 0 of each position is the printed one, then those some pairing uses.
        firsts = [("", tokens[first]), *dict.fromkeys(x for x, _y in pairings)]
        seconds = [("", tokens[second]), *dict.fromkeys(y for _x, y in pairings)]
        # totals[x][y]: log10 P of the window from ``first`` to ``second``'s tail with the x-th first
        # and y-th second reading; one walk per first reading, the second readings' windows shared.
        totals = []
        for _after, token in firsts:
            walked, state = windows.walk_state(model, state_before, [token, *middle])
            totals.append([walked + score for score in windows.score_windows(model, state, tail, [token for _a, token in seconds])])
        neither = totals[0][0]
        index_first = {option: x for x, option in enumerate(firsts)}
        index_second = {option: y for y, option in enumerate(seconds)}
        lm_weight = cfg.calib_lm_gain
        z_first = self.calibration.logodds(alone[first].features) if first in alone else joint.NONE
        z_second = self.calibration.logodds(alone[second].features) if second in alone else joint.NONE
        best: tuple[float, CharCandidate, CharCandidate, float, float] | None = None
        for first_option, second_option in pairings:
            x, y = index_first[first_option], index_second[second_option]
            both = totals[x][y]
            inter = joint.interaction(both, totals[x][0], totals[0][y], neither)
            if inter < cfg.joint_min_interaction or both - neither < cfg.min_lm_gain:
                continue
            members = self._members(tokens, sentence, (first, *firsts[x]), (second, *seconds[y]))
            if members is None:
                continue
            rests = [self.calibration.logodds(m.features) - lm_weight * m.features.lm_gain for m in members]
            z_pair = joint.pair_logodds(rests[0], rests[1], lm_weight, both - neither)
            if best is None or z_pair > best[0]:
                best = (z_pair, members[0], members[1], both, inter)
        if best is None or best[0] <= max(z_first, z_second):
            return None
        z_pair, member_first, member_second, both, inter = best
        probability, p_first, p_second = joint.marginals(
            z_first, z_second, z_pair,
            first in alone and alone[first].after == member_first.after,
            second in alone and alone[second].after == member_second.after,
        )
        if probability < cfg.min_suggestion_confidence:
            return None  # not even worth a suggestion: the changes alone (if any) stand
        record = JointDecision(
            seen="".join(chars[first : second + 1]),
            meant=member_first.after + "".join(chars[first + 1 : second]) + member_second.after,
            logprob_neither=round(neither, 4),
            logprob_both=round(both, 4),
            interaction=round(inter, 4),
            probability=round(probability, 4),
        )
        return (
            replace(member_first, confidence=p_first, joint=record),
            replace(member_second, confidence=p_second, joint=record),
        )

    def _members(
        self, tokens: list[str], sentence: _Sentence, first: tuple[int, str, str], second: tuple[int, str, str]
    ) -> tuple[CharCandidate, CharCandidate] | None:
        """Each change ``(index, candidate, lm token)`` of a pair scored with its partner's made
        (``features.joint`` set), or None when one of them gains too little even so."""
        members = []
        for (index, after, _token), (partner, _after, partner_token) in ((first, second), (second, first)):
            with_partner = list(tokens)
            with_partner[partner] = partner_token
            member = self.best_candidate(
                with_partner, sentence.chars, index, sentence.logprobs[index], sentence.script, sentence.prior,
                sentence.hints[index] if sentence.hints else None, sentence.cache, sentence.cache_scope, only=after,
                familiar=sentence.familiar,
            )
            if member is None:
                return None
            features = replace(member.features, joint=True)
            members.append(replace(member, features=features, confidence=self.calibration.confidence(features)))
        return members[0], members[1]

    def best_insertion(
        self,
        tokens: list[str],
        index: int,
        char_logprob: float,
        walk: SentenceWalk | None = None,
        screened: tuple[float, list[float], list[int]] | None = None,
    ) -> CharCandidate | None:
        """The best mark to insert before ``tokens[index]``, or None when none gains enough
        (``walk``: as in :meth:`best_candidate`; ``screened``: the compiled kernel's screen of the
        junction, ``(window before, each mark's window, those that gain)``, when one gains)."""
        best: CharCandidate | None = None
        min_gain = self.config.min_lm_gain
        if screened is None:
            context, tail, before = self._junction_window(tokens, index, walk)
            # A mark whose window cannot gain min_gain is cut short (its partial sum stays below the floor).
            scores = self._junction_scores(context, tail, tokens, index, INSERT_MARKS, before + min_gain)
        else:
            before, scores, _gaining = screened
        for mark, score in zip(INSERT_MARKS, scores):
            gain = score - before
            if gain < min_gain:
                continue
            features = CharFeatures(lm_gain=gain, logprob=char_logprob, punct=True, insert=True)
            confidence = self.calibration.confidence(features)
            if best is None or confidence > best.confidence:
                best = CharCandidate(index, mark, features, before, score, confidence)
        return best

    def fill_gap(
        self, tokens: list[str], index: int, excess: float, char_logprob: float, engine: str = ""
    ) -> CharCandidate | None:
        """The character the engine most likely dropped before ``tokens[index]``, where its boxes
        leave ``excess`` pitches of room (:mod:`restore.stages.engine_gaps`); None without a filler.

        Fillers: the marks engines drop (``、``, ``，``, ``：``) and the Han characters the
        neighbours predict (:meth:`restore.glyphs.context.ContextCandidates.fillers`). The
        confidence is :class:`~restore.stages.engine_gaps.GapCalibration`'s, from the best
        filler's LM gain, its margin over the runner-up and whether it is a mark.
        """
        calibrated = CALIBRATED_AS.get(engine)
        if calibrated is None:
            return None
        before, pool, scores = self.score_gap(tokens, index)
        if not pool:
            return None
        # What each engine drops differs (PP-OCRv6 drops marks, PP-OCRv4 traditional characters its
        # simplified model does not know): marks are ranked with the engine's prior for them.
        bonus = float(getattr(self.config, f"engine_gap_mark_bonus_{calibrated}"))
        # In a sentence that already lists with 、, a dropped separator is more likely another 、 than
        # a ， the 5-gram prefers from its short window (中的写意_虚拟、程式).
        listing = self.config.engine_gap_list_bonus if "、" in tokens else 0.0
        ranked = heapq.nlargest(
            2,
            (
                (score + (bonus if filler in GAP_MARKS else 0.0) + (listing if filler == "、" else 0.0), -at)
                for at, (score, filler) in enumerate(zip(scores, pool))
            ),
        )
        best_ranked, best_at = ranked[0][0], -ranked[0][1]
        best, best_score = pool[best_at], scores[best_at]
        # No floor on the gain: the boxes already say something is missing; the calibration weighs
        # how sure the LM is of what.
        gain = best_score - before
        margin = best_ranked - (ranked[1][0] if len(ranked) > 1 else before)
        mark = best in GAP_MARKS
        confidence = GapCalibration.from_config(self.config, calibrated).confidence(
            gain=gain, margin=margin, mark=mark, excess=excess
        )
        apply_from = float(getattr(self.config, f"engine_gap_apply_from_{calibrated}")) or self.config.engine_gap_apply_from
        if confidence < apply_from:
            confidence = min(confidence, self.config.mixed_line_max_confidence)
        features = CharFeatures(lm_gain=gain, logprob=char_logprob, punct=mark, insert=True)
        evidence = EngineGap(engine, round(excess, 3), round(margin, 4))
        return CharCandidate(index, best, features, before, best_score, confidence, engine_gap=evidence)

    def score_gap(self, tokens: list[str], index: int) -> tuple[float, list[str], list[float]]:
        """``(before, fillers, scores)`` of a gap before ``tokens[index]``: log10 probability of the LM
        window without an insertion, the fillers tried (:data:`GAP_MARKS`, then the Han characters
        the neighbours predict; none when neither neighbour is Han) and the window's log10
        probability with each."""
        context, tail, before = self._junction_window(tokens, index)
        left = tokens[index - 1] if index else ""
        right = tokens[index] if index < len(tokens) else ""
        # A mark only between two Han characters (or after a closer: （女）、): beside other marks, the engine's own placement of the
        # mark (off the centre of its cell) opens most of the gaps (on DEV renders, PP-OCRv6 junctions
        # beside a mark were dropped marks 2 times in 40).
        pool = list(GAP_MARKS) if (is_bmp_han(left) or left in _CLOSERS) and is_bmp_han(right) else []
        if is_bmp_han(left) or is_bmp_han(right):
            pool.extend(c for c in self._misread_context().fillers(left, right) if c not in GAP_MARKS)
        return before, pool, self._junction_scores(context, tail, tokens, index, pool) if pool else []

    def _junction_scores(
        self, context: Any, tail: list[str], tokens: list[str], index: int, fillers: Sequence[str], floor: float | None = None
    ) -> list[float]:
        """log10 probability of each filler inserted before ``tokens[index]`` and the ``tail`` after it
        (:meth:`_junction_window`), with ``floor`` as in :meth:`_windows`. The compiled kernel scores
        it as a replacement of a placeholder at ``index`` (its window and context are the same)."""
        kernel = self.lm.windows_kernel
        if kernel is None:
            return windows.score_windows(self.lm.model, context, tail, fillers, floor)
        cut = None if floor is None else floor - windows.FLOOR_SLACK
        return kernel.windows([*tokens[:index], "", *tokens[index:]], index, fillers, cut)

    def _junction_window(
        self, tokens: list[str], index: int, walk: SentenceWalk | None = None
    ) -> tuple[Any, list[str], float]:
        """For an insertion before ``tokens[index]``: the kenlm state before it, the tokens whose
        scores it moves (with </s> if reached) and their log10 probability without it."""
        model = self.lm.model
        end = index + model.order - 1
        tail = tokens[index:end] + (["</s>"] if end > len(tokens) else [])
        walk = _walk_of(walk, tokens)
        if walk is not None:
            # The compiled windows (_junction_scores) build the context themselves.
            context = None if self.lm.windows_kernel is not None else walk.state_before(index)
            return context, tail, walk.span(index, end)
        context = self._context(tokens, index)
        return context, tail, windows.score_walk(model, context, tail)

    def best_deletion(
        self, tokens: list[str], index: int, char_logprob: float, walk: SentenceWalk | None = None
    ) -> CharCandidate | None:
        """Deleting ``tokens[index]``, a copy of the token before it (看了了), or None when it gains too little.

        The gain compares the tokens whose context the copy is in (``order - 1`` after it, and
        ``</s>`` if reached) with and without the copy, both from the same context (``walk``: as in
        :meth:`best_candidate`).
        """
        model = self.lm.model
        end = index + model.order
        tail = tokens[index + 1 : end] + (["</s>"] if end > len(tokens) else [])
        walk = _walk_of(walk, tokens)
        if walk is not None:
            context, before = walk.state_before(index), walk.window(index)
        else:
            context = self._context(tokens, index)
            before = windows.score_walk(model, context, [tokens[index], *tail])
        after = windows.score_walk(model, context, tail)
        gain = after - before
        if gain < self.config.min_lm_gain:
            return None
        features = CharFeatures(lm_gain=gain, logprob=char_logprob, delete=True)
        return CharCandidate(index, "", features, before, after, self.calibration.confidence(features))

    # -- the stage ------------------------------------------------------------------------------
    def propose(self, text: str, document: Document, *, deferred: Sequence[Deferred] = ()) -> StageOutput:
        """Propose character and mark substitutions for ``text``; decide ``deferred`` conversions."""
        if not any(is_bmp_han(ch) for ch in text):
            return StageOutput()  # nothing for a Chinese LM to judge
        script = document.script or self._detect_script(text)
        proposals = []
        prepared = self.lm.prepare(text)  # the LM's view of the text, read by the cache and the examination
        # The document's n-gram counts and familiarity are those of the document as read: the second
        # look (document.focus) reuses the first round's rather than measure the restored text again.
        measured = document.measured
        if document.focus is None or _MEASURED not in measured:
            cache, scope = self.cache_for(text, document, prepared)
            familiar = self._familiarity_of(text, script, prepared)
            measured[_MEASURED] = (cache, scope, familiar)
        else:
            cache, scope, familiar = cast(tuple[NgramCounts | None, str, _Familiarity | None], measured[_MEASURED])
        # Only candidates that can become proposals are kept (and every insertion: separators_in_lists
        # leaves those places alone): a 10 MB document's sub-threshold candidates took ~380 MB.
        examined = self.examine_text(
            text, script, document.engine, progress=document.progress, cache=cache, cache_scope=scope,
            floor=self.config.min_suggestion_confidence, prepared=prepared, focus=document.focus, familiar=familiar,
        )
        if deferred:
            proposals.extend(self.arbitrate(text, deferred, script, examined, document.engine))
        # The mark rules read marks and the shape of name lists, which a character fixed nearby
        # hardly changes: on the second look their first-round proposals stand.
        first_look = document.focus is None
        if first_look and self.config.punctuation and self.config.stop_to_comma_margin > 0:
            proposals.extend(self.stops_read_for_commas(text))
        if first_look and self.config.punctuation:
            dashes = self.misread_dashes(text)
            if dashes:
                proposals.extend(dashes)
                # The run is decided as a whole: drop single-character candidates inside it.
                taken = {at for p in dashes for at in range(p.start, p.end)}
                examined = [(offset, cand) for offset, cand in examined if offset not in taken]
        if first_look and self.config.insert_marks and self.config.list_separator_confidence > 0:
            inserted = {offset for offset, cand in examined if cand.features.insert}
            proposals.extend(p for p in self.separators_in_lists(text) if p.start not in inserted)
        lines = TraditionalLines(text, self.resources.traditional_only, self.resources.simplified_only)
        # An engine with a simplified model lists simplified forms whatever the print: its listing
        # says nothing about the script (restore.stages.engine_script).
        simplified_model = document.engine is not None and traditional_print_floor(document.engine.engine, self.config) > 0
        for offset, cand in examined:
            if cand.engine_gap is not None and not cand.features.punct and self._on_traditional_line(text, offset, lines):
                # A filler comes from simplified tables: on a traditional line it is written as OpenCC
                # writes it there (民主_派 -> 黨, though 党 is also a traditional character).
                traditional = self.traditional_form(text, offset, cand.after, inserted=True)
                if traditional is not None:
                    cand = replace(cand, after=traditional, in_script=cand.after)
            elif self._simplified_on_traditional_line(text, offset, cand.after, lines) and not (
                _engine_listed(cand) and not simplified_model and not lines.leans_traditional(offset)
            ):
                # The right character in the wrong script (an engine reading traditional print with a
                # simplified model proposes 贫 for 資 where the page prints 貧): written in the page's
                # script when OpenCC gives one form for it in context, else held back as a suggestion.
                traditional = self.traditional_form(text, offset, cand.after, inserted=cand.features.insert)
                if traditional is None:
                    cand = replace(cand, confidence=min(cand.confidence, self.config.mixed_line_max_confidence))
                else:
                    cand = replace(cand, after=traditional, in_script=cand.after)
            elif (
                script == "traditional"
                and (simplified_model or not _engine_listed(cand))
                and not cand.features.punct
                and not cand.features.delete
            ):
                # A candidate both scripts use (范, 游, 党), proposed from simplified tables or read
                # with a simplified model, is written as traditional print writes it in context
                # (模範, 遊樂, 共產黨員); a traditional model's own listing is its reading of the print.
                traditional = self.traditional_form(text, offset, cand.after, inserted=cand.features.insert)
                if traditional is not None:
                    cand = replace(cand, after=traditional, in_script=cand.after)
            if self.weak_look_alike(cand):
                # The LM alone decided (see weak_look_alike): held back as a suggestion.
                cand = replace(cand, confidence=min(cand.confidence, self.config.mixed_line_max_confidence))
            cap = self._parallel_cap(text, offset, cand)
            if cap is not None:
                cand = replace(cand, confidence=cap.ceiling)
            if cand.confidence >= self.config.min_suggestion_confidence:
                proposal = self._proposal(text, offset, cand)
                if cap is not None:
                    proposal = replace(proposal, evidence=(*proposal.evidence, cap))
                proposals.append(proposal)
        return StageOutput(proposals=tuple(proposals))

    def _parallel_cap(self, text: str, offset: int, cand: CharCandidate) -> ConfidenceCap | None:
        """The cap on a Han character's change inside a reading its enumeration's items share
        (:func:`~restore.stages.parallel.parallel_reading`), or None where none applies."""
        ceiling = self.config.parallel_max_confidence
        if cand.confidence <= ceiling or cand.features.punct or cand.features.insert or not is_bmp_han(text[offset]):
            return None
        pair = parallel_reading(text, offset)
        if pair is None:
            return None
        return ConfidenceCap(
            "char.parallel_max_confidence", ceiling, round(cand.confidence, 4),
            f"{pair} is read in other items of the same enumeration too: the writer's parallel phrasing",
        )

    def weak_look_alike(self, cand: CharCandidate) -> bool:
        """Whether ``cand`` is a Han glyph neighbour whose only evidence besides the LM is a glyph
        similarity under ``CharConfig.weak_glyph_similarity``, at a confidence under
        ``weak_glyph_apply_from``: no mined pair, no context or sweep source, no word of the OCR
        engine (its confidence or alternatives: measured on text only), no repetition in the
        document. Its channel term (similarity**8, under 0.02) is then nothing, so the confidence
        is the LM's gain alone, which favours frequent characters (道, 同, 权 for barely alike
        glyphs on the DEV renders). Its evidence still shows the glyph pair and its similarity,
        the reason it is held back."""
        cfg = self.config
        f = cand.features
        return (
            cand.confidence < cfg.weak_glyph_apply_from
            and 0.0 < f.glyph_similarity < cfg.weak_glyph_similarity
            and not (f.mined or f.context or f.sweep or f.punct or f.insert or f.delete or f.phonetic or f.joint)
            and not (f.engine_alternative or f.engine_read_tesseract or f.engine_read_ppocrv4 or f.engine_read_ppocrv6)
            and f.cache <= 0.0
            and cand.engine_gap is None
        )

    def arbitrate(
        self,
        text: str,
        deferred: Sequence[Deferred],
        script: str,
        examined: list[tuple[int, CharCandidate]],
        engine: EngineView | None = None,
    ) -> list[Proposal]:
        """Decide the script stage's deferred conversions (that may be misreads: 圆 on a traditional
        page, 舉 on a simplified one): each is kept as proposed unless a likelier character fits there,
        when it is hedged (a suggestion) and the likelier character proposed beside it.

        Likelier: a candidate this stage found when it examined the position, or a rival from
        :meth:`misread_rival` (what the context predicts, in any glyph alike enough: a misread
        need not be in the tables), or else from :meth:`engine_rival` (what the OCR ``engine``
        itself read there as its runner-up).
        """
        contested = {offset for offset, cand in examined if cand.confidence >= self.config.min_suggestion_confidence}
        found: list[Proposal] = []
        for deferral in deferred:
            offset = deferral.proposal.start
            if text[offset : deferral.proposal.end] != deferral.recheck:
                continue
            if offset in contested:
                found.append(deferral.hedged)
                continue
            # On traditional text the conversion's form is what the page most likely shows (減 where
            # the engine wrote 减): its look-alikes are rivals too (滅).
            printed = deferral.proposal.after if script == "traditional" else ""
            rival = self.misread_rival(text, offset, script, printed=printed) if self.config.deferral_rivals else None
            if rival is None and engine is not None:
                rival = self.engine_rival(text, offset, engine)
            if rival is None:
                found.append(deferral.proposal)
                continue
            if script == "traditional":
                # The rival comes from simplified tables: written as traditional print writes it there.
                form = self.traditional_form(text, offset, rival.after)
                if form is not None:
                    rival = replace(rival, after=form, in_script=rival.after)
            if rival.confidence >= self.config.min_suggestion_confidence or rival.engine_reading is not None:
                found += [deferral.hedged, self._proposal(text, offset, rival)]
            else:
                # A context rival too unlikely to offer still contests the conversion (on DEV renders
                # the conversions such weak rivals hold back are mostly misreads), but it is no
                # suggestion of its own (a reviewer would see 旧 -> 居 at 0.001): the held conversion
                # names it. The OCR engine's own runner-up (engine_rival) is always offered.
                found.append(_naming_rival(deferral.hedged, rival))
        return found

    def misread_rival(self, text: str, offset: int, script: str, *, printed: str = "") -> CharCandidate | None:
        """The best character the context predicts at ``offset`` instead of the printed one, or None.

        Only where the printed character (in the LM's view: its conversion, as the LM reads
        simplified) makes no known word with a neighbour (a leftover 舉行 does, a misread 舉求 does
        not). Candidates are the context's (gap fillers and word completions, :mod:`restore.glyphs.context`)
        whose glyph resembles the printed character at least ``CharConfig.deferral_min_similarity``
        and whose LM window gains at least ``deferral_min_gain`` over it; the one with the highest
        calibrated confidence is returned (a context candidate's confidence: usually a suggestion).
        The rival is simplified, as the LM and the context tables read the text; :meth:`arbitrate`
        writes it in traditional form on traditional text. ``printed``: the form the page shows
        when it differs from the text (the traditional form of a simplified reading); its
        look-alikes are weighed by their likeness to it (see
        :meth:`~restore.glyphs.context.ContextCandidates.propose`).
        """
        if not is_bmp_han(text[offset]):
            return None
        cfg = self.config
        positions, tokens, index = self._unit_around(text, offset, with_end=True)
        chars = [text[p] for p in positions]
        left = tokens[index - 1] if index > 0 and is_bmp_han(tokens[index - 1]) else ""
        right = tokens[index + 1] if index + 1 < len(tokens) and is_bmp_han(tokens[index + 1]) else ""
        if not (left or right):
            return None
        if self.in_word(tokens, index, tokens[index]):
            return None  # the conversion makes a word with a neighbour: a leftover, not a misread
        res = self.resources
        # The context's proposals depend on the character and its neighbours alone: the second look
        # (Config.revisit) and a batch's repeated lines ask again for the same ones (~4 ms each).
        key = (chars[index], left, right, printed)
        pool = self._rival_pools.get(key)
        if pool is None:
            if len(self._rival_pools) >= _RIVAL_POOLS_KEPT:
                self._rival_pools.clear()
            pool = self._rival_pools[key] = self._misread_context().propose(
                chars[index], left, right, cfg.deferral_min_similarity, printed=printed, simplify=self.lm.t2s
            )
        options = [
            cand
            for cand in pool
            if is_bmp_han(cand.char) and cand.char not in res.traditional_only and self.lm.prepare(cand.char) != tokens[index]
        ]
        if not options:
            return None
        logprob = self.lm.char_logprobs("".join(tokens))[index]
        before, *scores = self._windows(
            self._context(tokens, index), tokens, index, [tokens[index], *(self.lm.prepare(c.char) for c in options)]
        )
        best: CharCandidate | None = None
        for cand, score in zip(options, scores):
            gain = score - before
            if gain < cfg.deferral_min_gain:
                continue
            features = CharFeatures(
                lm_gain=gain,
                glyph_similarity=cand.similarity,
                logprob=logprob,
                word_after=self.in_word(tokens, index, self.lm.prepare(cand.char)),
                context=True,
                context_similarity=cand.similarity - cfg.context_min_similarity,
            )
            confidence = self.calibration.confidence(features)
            if best is None or confidence > best.confidence:
                best = CharCandidate(index, cand.char, features, before, score, confidence, cand.source)
        return best

    def engine_rival(self, text: str, offset: int, engine: EngineView) -> CharCandidate | None:
        """The OCR engine's own alternative for a character it doubted, as a rival to converting it,
        or None.

        Where the engine gave the printed character less than its
        ``CharConfig.engine_rival_below_<engine>`` (:func:`restore.stages.engine_script.rival_floor`),
        its alternative whose LM window gains most over the printed character's, by at least
        ``engine_rival_min_gain`` (log10; may be 0: the engine's runner-up need only read as well),
        and makes a known word with a neighbour: PP-OCRv4 reading traditional print prints 调 for 週
        in 上週 (runner-up 週); the script stage would write 調.
        The rival is simplified in the LM's view; :meth:`arbitrate` writes it in traditional form
        on traditional text. Its confidence is the calibration's (often a suggestion).
        """
        floor = rival_floor(self.config.engine or engine.engine, self.config)
        printed = engine.confidences[offset] if offset < len(engine.confidences) else None
        if not floor or printed is None or printed >= floor or not is_bmp_han(text[offset]):
            return None
        _positions, tokens, index = self._unit_around(text, offset, with_end=True)
        prepare = self.lm.prepare
        alternatives = _alternative_chars(engine, offset)
        options = [c for c in alternatives if len(c) == 1 and is_bmp_han(c) and prepare(c) != tokens[index]]
        if not options:
            return None
        before, *scores = self._windows(self._context(tokens, index), tokens, index, [tokens[index], *map(prepare, options)])
        score, after = max(zip(scores, options))
        gain = score - before
        if gain < self.config.engine_rival_min_gain or not self.in_word(tokens, index, prepare(after)):
            return None
        logprob = self.lm.char_logprobs("".join(tokens))[index]
        features = CharFeatures(lm_gain=gain, logprob=logprob, word_after=True)
        reading = EngineReading(engine.engine, round(printed, 4), _rounded(alternatives[after]))
        return CharCandidate(index, after, features, before, score, self.calibration.confidence(features), engine_reading=reading)

    def stops_read_for_commas(self, text: str) -> list[Proposal]:
        """``，`` for a ``。`` between two Han characters where the LM finds a comma likelier by at
        least ``CharConfig.stop_to_comma_margin`` (log10), scored over the same tokens with the
        sentence split and without (:mod:`restore.lm.sentence_marks`); a suggestion at
        ``stop_to_comma_confidence``: the LM separates the two readings too weakly to apply them.
        """
        from restore.lm.sentence_marks import stop_and_comma

        found: list[Proposal] = []
        start = text.find("。", 1)
        while 0 < start < len(text) - 1:
            offset, start = start, text.find("。", start + 1)
            if not (is_bmp_han(text[offset - 1]) and is_bmp_han(text[offset + 1])):
                continue
            _, tokens, index = self._unit_around(text, offset, with_end=False)
            stop, comma = stop_and_comma(self.lm.model, tokens, index, self.lm.windows_kernel)
            if comma - stop >= self.config.stop_to_comma_margin:
                found.append(
                    Proposal(
                        start=offset,
                        end=offset + 1,
                        after="，",
                        kind="punct",
                        confidence=self.config.stop_to_comma_confidence,
                        source=SOURCE,
                        evidence=(
                            LanguageModelScore(model=self.lm.name, logprob_before=round(stop, 4), logprob_after=round(comma, 4)),
                            ConfusionPair("stop-read-for-comma", "。", "，", 0.0),
                        ),
                    )
                )
        return found

    def misread_dashes(self, text: str) -> list[Proposal]:
        """The numeral 一 for a hyphen between Han characters (新-代 → 新一代) and a dash for a run of
        一 (一一 → ——) where the LM prefers that reading of the whole run by the margins of
        :class:`~restore.config.CharConfig` (``hyphen_to_one_margin``, ``dash_pair_margin``,
        ``dash_triple_margin``), scored over the same tokens (:func:`restore.lm.sentence_marks.span_readings`).
        """
        from restore.lm.sentence_marks import span_readings

        cfg = self.config
        found: list[Proposal] = []
        for match in _DASH_RUN.finditer(text):
            run = match.group()
            n = len(run)
            if n == 1 and run not in "-－" or n > 1 and ("一" not in run or run[0] == "—"):
                continue  # a lone 一 is the char stage's; a run without 一 is a dash, ——一 a dash and a numeral
            positions, tokens, index = self._unit_around(text, match.start(), with_end=False)
            if positions[index : index + n] != list(range(match.start(), match.end())):
                continue  # spaces inside the run
            dash, ones = span_readings(self.lm.model, tokens, index, index + n, [["—"] * n, ["一"] * n])
            if n == 1:
                after, before, margin, needed = "一", dash, ones - dash, cfg.hyphen_to_one_margin
            else:
                after, before, margin = "—" * n, ones, dash - ones
                needed = cfg.dash_pair_margin if n == 2 else cfg.dash_triple_margin
            if margin < needed or margin <= 0:
                continue
            found.append(
                Proposal(
                    start=match.start(),
                    end=match.end(),
                    after=after,
                    kind="punct",
                    confidence=cfg.misread_dash_confidence,
                    source=SOURCE,
                    evidence=(
                        LanguageModelScore(model=self.lm.name, logprob_before=round(before, 4), logprob_after=round(before + margin, 4)),
                        ConfusionPair("misread-dash", run, after, 0.0),
                    ),
                )
            )
        return found

    def separators_in_lists(self, text: str) -> list[Proposal]:
        """A ``、`` put back between two list items an engine glued together (王志远王林峰, see
        :mod:`restore.stages.lists`), where the LM's log10 gain for it is at least
        ``CharConfig.list_separator_min_gain`` at the best of the places the list allows."""
        from restore.lm.sentence_marks import span_readings
        from restore.stages.lists import glued_items

        cfg = self.config
        found: list[Proposal] = []
        for match in _LIST_UNIT.finditer(text):
            unit = match.group()
            groups = glued_items(unit, self.resources.surnames, words=self.resources.words, max_word_share=cfg.list_max_word_share)
            if not groups:
                continue
            tokens = list(self.lm.prepare(unit))
            for places in groups:
                scored = []
                for at in places:
                    with_mark, without = span_readings(self.lm.model, tokens, at, at, [["、"], []])
                    scored.append((with_mark - without, at, without))
                gain, at, without = max(scored)
                if gain < cfg.list_separator_min_gain:
                    continue
                found.append(
                    Proposal(
                        start=match.start() + at,
                        end=match.start() + at,
                        after="、",
                        kind="punct",
                        confidence=cfg.list_separator_confidence,
                        source=SOURCE,
                        evidence=(
                            LanguageModelScore(model=self.lm.name, logprob_before=round(without, 4), logprob_after=round(without + gain, 4)),
                            ConfusionPair("glued-list-items", "", "、", 0.0),
                        ),
                    )
                )
        return found

    def _unit_around(self, text: str, offset: int, *, with_end: bool) -> tuple[list[int], list[str], int]:
        """The LM unit holding ``text[offset]``: its non-space positions (from after the previous
        sentence end to the next one after ``offset``, that mark included when ``with_end``), their
        tokens in the LM's view, and the index of ``offset`` among them."""
        first, last = sentence_around(text, offset)
        if with_end:
            last = min(last + 1, len(text))
        positions = [p for p in range(first, last) if not text[p].isspace()]
        tokens = list(self.lm.prepare("".join(text[p] for p in positions)))
        return positions, tokens, positions.index(offset)

    def _misread_context(self) -> ContextCandidates:
        """The context candidates (the resources' when loaded with ``context_candidates``, else built
        once on the first deferral: most documents never need them)."""
        context = self.resources.context or self._deferral_context
        if context is None:
            with self._loading:
                context = self._deferral_context
                if context is None:
                    context = self._deferral_context = ContextCandidates(words=self.resources.words)
        return context

    def survey(self, text: str) -> NgramCounts:
        """The document's character 3-gram counts, for the batch's cache (empty unless
        ``CharConfig.batch_cache`` is on and the cache is not off)."""
        if not (self.config.calib_cache and self.config.batch_cache):
            return NgramCounts()
        return NgramCounts.from_texts([self.lm.prepare(text)])

    def cache_for(self, text: str, document: Document, prepared: str | None = None) -> tuple[NgramCounts | None, str]:
        """The n-gram counts the candidates are weighed against: the batch's when a first pass
        counted them (they include this document), else this document's own; None with the cache off.
        ``prepared``: ``self.lm.prepare(text)`` when the caller has it."""
        if not self.config.calib_cache:
            return None, ""
        batch = document.batch.get(self.name)
        if isinstance(batch, NgramCounts) and batch.counts:
            return batch, "batch"
        return NgramCounts.from_texts([self.lm.prepare(text) if prepared is None else prepared]), "document"

    def examine_text(
        self,
        text: str,
        script: str,
        engine: EngineView | None = None,
        progress: Callable[[int, int], None] | None = None,
        cache: NgramCounts | None = None,
        cache_scope: str = "",
        floor: float = 0.0,
        prepared: str | None = None,
        focus: Focus | None = None,
        familiar: _Familiarity | None | EllipsisType = ...,
    ) -> list[tuple[int, CharCandidate]]:
        """Every sentence's best candidates with their offsets in ``text``: those of at least ``floor``
        confidence and every insertion (default: no floor, as the calibration fits need them).

        ``engine``: the OCR engine's reading of ``text`` (from an OCR file): its confidences and
        alternatives enter through the engine's prior when ``CharConfig.engine_prior`` is on.
        ``progress(done, total)`` is called after each sentence, in characters of ``text``.
        ``cache``/``cache_scope``: see :meth:`best_candidate`. ``prepared``: ``self.lm.prepare(text)``
        when the caller has it. ``focus``: on the second look, where the first round changed ``text``:
        only the characters within an LM window of a change are examined. ``familiar``: the
        document's familiarity when the caller has it (default: ``text``'s, measured when first needed).
        """
        prior = self.engine_prior(engine)
        gap_floor = self.gap_floor(engine)
        if prepared is None:
            prepared = self.lm.prepare(text)
        found: list[tuple[int, CharCandidate]] = []
        if familiar is ...:
            familiar = self._familiarity_of(text, script, prepared)
        reach = self.lm.model.order
        sentences = self._sentences(text) if focus is None else self._focused_sentences(text, focus)
        for end, positions in sentences:
            chars = [text[p] for p in positions]
            near: list[bool] | None = None
            if focus is not None:
                # The second look: only characters within an LM window of a first-round change.
                if not focus.near_span(positions[0], positions[-1], reach):
                    continue
                near = [focus.near(p, reach) for p in positions]
            if any(is_bmp_han(c) for c in chars):
                tokens = [prepared[p] for p in positions]
                hints: list[EngineHint] | None = None
                if prior is not None and engine is not None:
                    hints = [(engine.confidences[p], _alternative_chars(engine, p)) for p in positions]
                gaps: dict[int, float] | None = None
                if gap_floor and engine is not None and engine.gaps:
                    gaps = {
                        j: engine.gaps[p] for j, p in enumerate(positions)
                        if j and p in engine.gaps and engine.gaps[p] >= gap_floor
                    }
                found.extend(
                    (positions[c.index], c)
                    for c in self.examine(
                        chars, tokens, script, prior, hints, cache, cache_scope, gaps,
                        self.config.engine or (engine.engine if engine else ""), familiar, near,
                    )
                    if c.confidence >= floor or c.features.insert
                )
            if progress is not None:
                progress(end + 1, len(text))
        return found

    def _familiarity_of(self, text: str, script: str, prepared: str) -> _Familiarity | None:
        """``text``'s familiarity to the char LM, measured the first time a best candidate's word
        margin is above the hinge less the relief (most clean documents: never). None on traditional
        text: read through t2s by both models, its gated ocr_dev lines gained 4 right edits and 5
        wrong (simplified: 12 and 2)."""
        if self.resources.word_lm is not None and self.config.unfamiliar_word_relief and script != "traditional":
            return _Familiarity(self, text, prepared)
        return None

    @classmethod
    def _focused_sentences(cls, text: str, focus: Focus) -> Iterator[tuple[int, list[int]]]:
        """:meth:`_sentences` of the lines ``focus`` holds (a line break ends a sentence)."""
        for start, end in focus.lines:
            for last, positions in cls._sentences(text[start:end]):
                yield start + last, [start + p for p in positions]

    @staticmethod
    def _sentences(text: str) -> Iterator[tuple[int, list[int]]]:
        """``(offset of its end, offsets of its characters but white space)`` of each sentence of
        ``text`` (up to a sentence-final mark, a line break or the end), empty ones left out."""
        positions: list[int] = []
        last = len(text) - 1
        for offset, ch in enumerate(text):
            if not ch.isspace():
                positions.append(offset)
            if (ch in _SENTENCE_END or offset == last) and positions:
                yield offset, positions
                positions = []

    def familiarity(self, text: str, prepared: str | None = None) -> Familiarity | None:
        """How unfamiliar ``text`` is to the char LM for what the word model makes of it: the mean
        log10 p per token (each character but white space, and each sentence's end) of its sentences
        holding Han, under each model, over its first ``_FAMILIARITY_SAMPLE`` tokens (a longer
        sentence is cut there, both models scoring the cut as its end), and the hinge the word
        model's margin counts from (``CharConfig.word_gain_hinge``, lowered by
        ``unfamiliar_word_relief`` when word minus char is above ``unfamiliar_margin``). None
        without the word model or without Han. ``prepared``: ``text`` in the LM's view.

        Subtitles and talk (FASPell's OCR train lines: median word minus char −0.33 log10 per
        token) are where the 1998-news char LM is out of its domain; news itself is not (People's
        Daily DEV: median −0.80; ocr_dev −0.76).
        """
        word_lm = self.resources.word_lm
        if word_lm is None:
            return None
        if prepared is None:
            prepared = self.lm.prepare(text)
        char_total = word_total = 0.0
        tokens_seen = 0
        for _end, positions in self._sentences(text):
            if tokens_seen >= _FAMILIARITY_SAMPLE:
                break
            if not any(is_bmp_han(text[p]) for p in positions):
                continue
            tokens = [prepared[p] for p in positions[: _FAMILIARITY_SAMPLE - tokens_seen]]
            steps = self.steps(tokens)
            if len(steps) != len(tokens) + 1:
                continue  # kenlm splits a token we do not: not comparable
            char_total += sum(steps)
            word_total += word_lm.score_pieces(word_lm.join_pieces(*map(word_lm.token_pieces, tokens)), bos=True, eos=True)
            tokens_seen += len(tokens) + 1
        if not tokens_seen:
            return None
        char_mean, word_mean = char_total / tokens_seen, word_total / tokens_seen
        cfg = self.config
        relief = cfg.unfamiliar_word_relief if word_mean - char_mean > cfg.unfamiliar_margin else 0.0
        return Familiarity(round(char_mean, 4), round(word_mean, 4), cfg.word_gain_hinge - relief)

    def gap_floor(self, engine: EngineView | None) -> float:
        """The excess (pitches) from which a gap in the engine's boxes is filled
        (``CharConfig.engine_gap_excess_<engine>``), 0 when gaps are not used for this input."""
        if engine is None or not engine.gaps or not (self.config.engine_gaps and self.config.engine_prior):
            return 0.0
        calibrated = CALIBRATED_AS.get(self.config.engine or engine.engine)
        return float(getattr(self.config, f"engine_gap_excess_{calibrated}")) if calibrated else 0.0

    def engine_prior(self, engine: EngineView | None) -> EnginePrior | None:
        """The prior of the engine that read the text (``CharConfig.engine`` overrides the file's
        metadata), or None: no OCR file, the prior switched off, or an engine without a calibration."""
        if engine is None or not self.config.engine_prior:
            return None
        return EnginePrior.for_engine(self.config.engine or engine.engine, self.config)

    def _proposal(self, text: str, offset: int, cand: CharCandidate) -> Proposal:
        features = cand.features
        evidence: list[Evidence] = [
            LanguageModelScore(
                model=self.lm.name,
                logprob_before=round(cand.logprob_before, 4),
                logprob_after=round(cand.logprob_after, 4),
                channel_logprob=round(self.calibration.channel_score(features), 4),
            )
        ]
        if features.delete:
            evidence.append(ConfusionPair("doubled-char", text[offset], "", 0.0))
            return Proposal(
                start=offset,
                end=offset + 1,
                after="",
                kind="char",
                confidence=round(cand.confidence, 4),
                source=SOURCE,
                evidence=tuple(evidence),
            )
        if features.insert:
            if cand.engine_gap is not None:
                evidence.append(cand.engine_gap)
            else:
                evidence.append(ConfusionPair("dropped-mark", "", cand.after, 0.0))
            if cand.in_script:
                evidence.append(ScriptConversion(self._to_traditional, "traditional", "", (cand.after,)))
            return Proposal(
                start=offset,
                end=offset,
                after=cand.after,
                kind="punct" if features.punct else "char",
                confidence=round(cand.confidence, 4),
                source=SOURCE,
                evidence=tuple(evidence),
            )
        if cand.in_script:
            # Proposed in simplified, written in the page's script: the channel evidence is the simplified pair's.
            evidence.append(ScriptConversion(self._to_traditional, "traditional", "", (cand.after,)))
        if features.mined:
            evidence.append(ConfusionPair("ocr-mined", text[offset], cand.in_script or cand.after, float(features.mined)))
        elif features.punct:
            evidence.append(ConfusionPair("punct-lookalike", text[offset], cand.in_script or cand.after, 0.0))
        if cand.proposed_by:
            evidence.append(ConfusionPair(cand.proposed_by, text[offset], cand.in_script or cand.after, features.glyph_similarity))
            evidence.append(ConfusionPair(EMBEDDING_ID, text[offset], cand.in_script or cand.after, features.glyph_similarity))
        elif features.glyph_similarity:
            evidence.append(ConfusionPair(GLYPH_TABLE_ID, text[offset], cand.in_script or cand.after, features.glyph_similarity))
        if features.phonetic:
            evidence.append(ConfusionPair(PHONETIC_TABLE_ID, text[offset], cand.in_script or cand.after, 1.0))
        if cand.word_logprobs is not None:
            word_lm = self.resources.word_lm
            evidence.append(
                LanguageModelScore(
                    model=word_lm.path.name if word_lm else "",
                    logprob_before=round(cand.word_logprobs[0], 4),
                    logprob_after=round(cand.word_logprobs[1], 4),
                )
            )
            if cand.familiarity is not None:
                evidence.append(cand.familiarity)  # it lowered the hinge the margin counted from
        if cand.engine_reading is not None:
            evidence.append(cand.engine_reading)
        if cand.joint is not None:
            evidence.append(cand.joint)
        if cand.cache_scope and features.cache > 0:
            # How often the text repeats the 3-gram the change makes (the cache decided with it).
            evidence.append(Consistency(form=cand.after, occurrences=cand.cache_support, scope=cand.cache_scope))
        elif cand.cache_scope and features.cache < 0:
            # ... or the reading it replaces (the cache weighed against it).
            evidence.append(Repetition(reading=text[offset], occurrences=cand.cache_against, scope=cand.cache_scope))
        return Proposal(
            start=offset,
            end=offset + 1,
            after=cand.after,
            kind="punct" if features.punct else "char",
            confidence=round(cand.confidence, 4),
            source=SOURCE,
            evidence=tuple(evidence),
        )

    def traditional_form(self, text: str, offset: int, after: str, *, inserted: bool = False) -> str | None:
        """``after`` (simplified) as traditional print writes it at ``offset`` (replacing the character
        there, or ``inserted`` before it), by OpenCC's phrase-level conversion
        (``ScriptConfig.to_traditional``) of the window around it; None when the conversion gives no
        single traditional character.

        The window is read as the page would be in simplified (``lm.prepare``), so a phrase of
        traditional and simplified characters still matches OpenCC's phrase table.
        """
        converter = self._converter
        if converter is None:
            import opencc

            converter = self._converter = opencc.OpenCC(self._to_traditional)
        start = max(0, offset - 3)
        resume = offset if inserted else offset + 1
        window = self.lm.prepare(text[start:offset]) + after + self.lm.prepare(text[resume : resume + 3])
        converted = converter.convert(window)
        if len(converted) != len(window):
            return None
        form = converted[offset - start]
        return form if form != after and form in self.resources.traditional_only else None

    def _simplified_on_traditional_line(
        self, text: str, offset: int, after: str, lines: TraditionalLines | None = None
    ) -> bool:
        """True when ``after`` is simplified-only and its line has traditional-only characters.

        Engines with a simplified model read traditional print as mostly simplified text, so
        such a line is usually traditional and the simplified form of the right character is
        still wrong (13 of 14 on DEV renders; the reverse case was right 74 of 76).
        ``lines``: the same question's answers for ``text``, kept across calls.
        """
        return after in self.resources.simplified_only and self._on_traditional_line(text, offset, lines)

    def _on_traditional_line(self, text: str, offset: int, lines: TraditionalLines | None = None) -> bool:
        """True when the line of ``text[offset]`` has traditional-only characters (``lines``: the
        answers for ``text``, kept across calls)."""
        return (lines or TraditionalLines(text, self.resources.traditional_only)).at(offset)

    def _detect_script(self, text: str) -> str:
        res = self.resources
        simp = sum(1 for ch in text if ch in res.simplified_only)
        trad = sum(1 for ch in text if ch in res.traditional_only)
        if trad > simp:
            return "traditional"
        if simp > trad:
            return "simplified"
        return ""


class TraditionalLines:
    """Whether the line of ``text`` holding an offset prints a traditional-only character.

    Each line is scanned once and found by binary search over the line breaks, so asking for
    every candidate of a one-line book (one 10 MB line) costs a scan of the text, not one per
    candidate.

    >>> lines = TraditionalLines("這個問题\\n这个问题", frozenset("這個問"), frozenset("题这个问"))
    >>> lines.at(2), lines.at(4), lines.at(6)
    (True, True, False)
    >>> lines.leans_traditional(0), lines.leans_traditional(6)
    (True, False)
    """

    def __init__(self, text: str, traditional_only: AbstractSet[str], simplified_only: AbstractSet[str] = frozenset()) -> None:
        self._text = text
        self._traditional_only = traditional_only
        self._simplified_only = simplified_only
        self._lines: LineIndex | None = None  # built on the first question
        self._known: dict[int, bool] = {}
        self._leans: dict[int, bool] = {}

    def _span(self, offset: int) -> tuple[int, int, int]:
        """The line holding ``offset``: its number, start and end (found by binary search)."""
        if self._lines is None:
            self._lines = LineIndex(self._text)
        return self._lines.line(offset)

    def at(self, offset: int) -> bool:
        """Whether the line holding ``text[offset]`` (a line break belongs to the line it ends) has one."""
        line, start, end = self._span(offset)
        known = self._known.get(line)
        if known is None:
            known = self._known[line] = any(ch in self._traditional_only for ch in self._text[start:end])
        return known

    def leans_traditional(self, offset: int) -> bool:
        """Whether the line holding ``text[offset]`` has more traditional-only than simplified-only characters."""
        line, start, end = self._span(offset)
        known = self._leans.get(line)
        if known is None:
            chars = self._text[start:end]
            trad = sum(ch in self._traditional_only for ch in chars)
            known = self._leans[line] = trad > sum(ch in self._simplified_only for ch in chars)
        return known
