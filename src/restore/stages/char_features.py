"""The char stage's candidate features and their calibration: the one definition of both.

The char stage scores each candidate replacement by the noisy-channel features of a
:class:`CharFeatures` record; :class:`CharCalibration` maps them to a confidence with a
logistic function whose weights are ``CharConfig.calib_<feature>`` (fitted by
``scripts/build/fit_char_calibration.py``, which imports this module to build its design
matrix and to write the fitted weights back, so the fitter and the runtime cannot disagree).

A new feature is a field of :class:`CharFeatures`, a line in :data:`FEATURES` and a
``calib_<name>`` weight (with its meaning and fitting data) in :class:`restore.config.CharConfig`.

>>> from restore.config import CharConfig
>>> calibration = CharCalibration(CharConfig())
>>> likely = CharFeatures(lm_gain=4.0, glyph_similarity=0.95, mined=12, logprob=-6.0, word_after=True)
>>> round(calibration.confidence(likely), 3)
0.973
>>> round(calibration.confidence(CharFeatures(lm_gain=0.5, logprob=-5.0)), 3)
0.002
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from restore.config import CharConfig
from restore.fastinit import fast_frozen_init

# Exponent applied to glyph similarity before calibration (0.96 -> 0.72, 0.6 -> 0.02): only
# near-identical glyphs are likely confusions, so the feature is sharpened.
GLYPH_SHARPNESS = 8


# Built for every candidate the char stage weighs: the cheaper frozen __init__ (restore.fastinit).
@fast_frozen_init
@dataclass(frozen=True)
class CharFeatures:
    """What the char stage knows about one candidate replacement (raw values, before weighting).

    - ``lm_gain``: log10 probability of the window the change touches (the character and the
      ``order - 1`` after it), after minus before;
    - ``glyph_similarity``: rendered-glyph similarity of the pair in [0, 1] (0 when not
      neighbours); enters the calibration raised to :data:`GLYPH_SHARPNESS`;
    - ``mined``: how often OCR engines printed the seen character for the candidate (mined
      tables); enters as log10(1 + count) with the count capped at ``CharConfig.mined_count_cap``;
    - ``logprob``: the seen character's log10 probability in context (<= 0);
    - ``word_before`` / ``word_after``: a known word of 2-4 characters covers the position before
      / after the change;
    - ``name``: the seen character reads as part of a given name (after a surname);
    - ``punct``: the change is mark for mark (or a Han character for a mark);
    - ``width``: the candidate is the same mark in the other width (``,`` -> ``，``);
    - ``insert``: the change puts back a dropped mark between two characters;
    - ``phonetic``: the pair shares a toneless pinyin reading (the typed-text channel);
    - ``engine_doubt_<engine>``: the OCR engine's doubt of the seen character,
      ``clip(logit(1 − confidence))`` (:mod:`restore.stages.engine_prior`), in the field of the
      engine that read it; 0 without an OCR file or a confidence;
    - ``engine_read_<engine>``: that engine gave the seen character a confidence (its bias);
    - ``engine_alternative``: the candidate is one of the engine's own alternatives (PP-OCR top-k).
    - ``engine_support_<engine>``: that engine's probability of the alternative against the
      printed character's, ``3 + log10(ratio)`` clipped to [0, 4]
      (:func:`restore.stages.engine_prior.support`; 0 for a candidate that is not its alternative).
    - ``context``: the candidate was proposed by the context (gap counts, word completion:
      :mod:`restore.glyphs.context`), not by a table; its ``glyph_similarity`` is then the
      glyph-embedding cosine;
    - ``context_similarity``: for a context candidate, its glyph-embedding cosine above
      ``CharConfig.context_min_similarity`` (0 for table candidates);
    - ``delete``: the change deletes a doubled Han character (看了了).
    - ``word_gain``: the word model's log10 margin for the change over a window around it
      (:mod:`restore.lm.wordlm`; 0 when the word model is off or the change is a mark); it is
      weighed only above ``CharConfig.word_gain_hinge`` (``max(0, word_gain - hinge)``); in a
      document unfamiliar to the char LM the hinge is lowered by ``unfamiliar_word_relief``, so
      there ``word_gain`` is the margin plus that relief (``CharStage.familiarity``);
    - ``cache``: log10 of (1 + how often the document or batch repeats the 3-grams the candidate
      makes) / (1 + how often it repeats those of the character as read, this one excluded)
      (:mod:`restore.lm.cache`; 0 with no repetition either way).
    - ``joint``: the change is one of a pair decided together (:mod:`restore.stages.joint`);
      its other features are then those it has with its partner's change made.
    - ``sweep``: the candidate was proposed by the LM sweep over the printed character's glyph
      look-alikes (``CharConfig.lm_sweep``), no table or context listing it; its
      ``glyph_similarity`` is the glyph-embedding cosine;
    - ``sweep_margin``: for a sweep candidate, its LM window's lead over the runner-up's (log10)
      above ``CharConfig.sweep_min_margin``, capped at ``sweep_margin_cap`` (0 otherwise).
    """

    lm_gain: float
    glyph_similarity: float = 0.0
    mined: int = 0
    logprob: float = 0.0
    word_before: bool = False
    word_after: bool = False
    name: bool = False
    punct: bool = False
    width: bool = False
    insert: bool = False
    phonetic: bool = False
    engine_doubt_tesseract: float = 0.0
    engine_doubt_ppocrv4: float = 0.0
    engine_doubt_ppocrv6: float = 0.0
    engine_read_tesseract: bool = False
    engine_read_ppocrv4: bool = False
    engine_read_ppocrv6: bool = False
    engine_alternative: bool = False
    engine_support_tesseract: float = 0.0
    engine_support_ppocrv4: float = 0.0
    engine_support_ppocrv6: float = 0.0
    context: bool = False
    context_similarity: float = 0.0
    delete: bool = False
    word_gain: float = 0.0
    cache: float = 0.0
    joint: bool = False
    sweep: bool = False
    sweep_margin: float = 0.0


@dataclass(frozen=True)
class Feature:
    """One calibrated feature: its :class:`CharFeatures` field (weight ``CharConfig.calib_<name>``)."""

    name: str
    # Part of the channel's evidence (the noisy-channel score beside the LM's): see channel_score.
    channel: bool
    # Which fit sets its weight: "ocr" (fit_char_calibration.py), "phonetic" (its --phonetic),
    # "modern" (its --modern), "engine" (scripts/build/fit_engine_prior.py), "context"
    # (scripts/experiments/fit_context_weight.py), "delete" (fit_delete_weight.py), "joint"
    # (fit_joint_weight.py), "sweep" (fit_sweep_weight.py).
    fit: str


# Every feature, in the order the log-odds are summed (kept: the sums are reproducible bit for bit).
FEATURES = (
    Feature("name", channel=False, fit="ocr"),
    Feature("punct", channel=True, fit="ocr"),
    Feature("width", channel=True, fit="ocr"),
    Feature("insert", channel=True, fit="ocr"),
    Feature("lm_gain", channel=False, fit="ocr"),
    Feature("glyph_similarity", channel=True, fit="ocr"),
    Feature("mined", channel=True, fit="ocr"),
    Feature("logprob", channel=False, fit="ocr"),
    Feature("word_before", channel=False, fit="ocr"),
    Feature("word_after", channel=False, fit="ocr"),
    Feature("phonetic", channel=True, fit="phonetic"),
    Feature("engine_doubt_tesseract", channel=True, fit="engine"),
    Feature("engine_doubt_ppocrv4", channel=True, fit="engine"),
    Feature("engine_doubt_ppocrv6", channel=True, fit="engine"),
    Feature("engine_read_tesseract", channel=True, fit="engine"),
    Feature("engine_read_ppocrv4", channel=True, fit="engine"),
    Feature("engine_read_ppocrv6", channel=True, fit="engine"),
    Feature("engine_alternative", channel=True, fit="engine"),
    Feature("engine_support_tesseract", channel=True, fit="engine"),
    Feature("engine_support_ppocrv4", channel=True, fit="engine"),
    Feature("engine_support_ppocrv6", channel=True, fit="engine"),
    Feature("context", channel=True, fit="context"),
    Feature("context_similarity", channel=True, fit="context"),
    Feature("delete", channel=True, fit="delete"),
    Feature("word_gain", channel=False, fit="modern"),
    Feature("cache", channel=False, fit="modern"),
    Feature("joint", channel=False, fit="joint"),
    Feature("sweep", channel=True, fit="sweep"),
    Feature("sweep_margin", channel=False, fit="sweep"),
)

def logistic(logodds: float) -> float:
    """The confidence of ``logodds`` in [0, 1] (clamped to ±50: no overflow).

    The clamp is ``max(-50.0, min(50.0, logodds))`` written out (the same comparisons, NaN
    included, without two builtin calls: the char stage calls this ~1,500 times a pass).
    """
    clamped = logodds if logodds < 50.0 else 50.0
    clamped = clamped if clamped > -50.0 else -50.0
    return 1.0 / (1.0 + math.exp(-clamped))


def _weighted_sum(weights: Sequence[float]) -> Callable[[float, Sequence[float]], float]:
    """``f(z, values)``: ``z + weights[0] * values[0] + weights[1] * values[1] + ...``, one product
    and one sum at a time from the left: the float operations, in their order, of
    ``for w, v in zip(weights, values): z += w * v``, unrolled (half the instructions of the loop).
    ``values`` must have ``len(weights)`` entries."""
    names = [f"_w{i}" for i in range(len(weights))]
    namespace: dict[str, Any] = dict(zip(names, weights))
    terms = "".join(f" + {name} * _v{i}" for i, name in enumerate(names))
    unpack = "".join(f"_v{i}, " for i in range(len(weights)))
    exec(f"def weighted_sum(z, values):\n    ({unpack}) = values\n    return z{terms}\n", namespace)  # noqa: S102
    return namespace["weighted_sum"]


# The order the channel score sums its terms in (as it always has, for identical figures).
_CHANNEL_ORDER = (
    "glyph_similarity", "mined", "punct", "width", "insert", "phonetic",
    "engine_doubt_tesseract", "engine_doubt_ppocrv4", "engine_doubt_ppocrv6",
    "engine_read_tesseract", "engine_read_ppocrv4", "engine_read_ppocrv6", "engine_alternative",
    "engine_support_tesseract", "engine_support_ppocrv4", "engine_support_ppocrv6", "context", "context_similarity", "delete",
    "sweep",
)


class CharCalibration:
    """The logistic calibration of :class:`CharFeatures`: ``confidence = sigmoid(bias + prior + w · x)``.

    ``x`` are the feature values of :meth:`values` (transformed as :class:`CharFeatures`
    says), ``w`` the ``calib_*`` weights of ``config``, ``bias`` its ``calib_bias`` and
    ``prior`` its ``prior_logodds``.
    """

    def __init__(self, config: CharConfig) -> None:
        self.config = config
        self._names = tuple(feature.name for feature in FEATURES)
        self._weights = tuple(float(getattr(config, f"calib_{name}")) for name in self._names)
        # logodds: bias + prior, then the weighted values summed in FEATURES order (unrolled).
        self._start = config.calib_bias + config.prior_logodds
        self._sum = _weighted_sum(self._weights)
        self._channel = tuple((self._names.index(name), getattr(config, f"calib_{name}")) for name in _CHANNEL_ORDER)

    @staticmethod
    def names(fit: str | None = None) -> tuple[str, ...]:
        """Feature names in calibration order (only those of fit ``fit`` when given)."""
        return tuple(f.name for f in FEATURES if fit is None or f.fit == fit)

    def values(self, features: CharFeatures) -> tuple[float, ...]:
        """The transformed feature values, in :data:`FEATURES` order."""
        cap = self.config.mined_count_cap
        cap_margin = self.config.sweep_margin_cap
        hinge = self.config.word_gain_hinge
        return (
            features.name,
            features.punct,
            features.width,
            features.insert,
            features.lm_gain,
            features.glyph_similarity**GLYPH_SHARPNESS,
            math.log10(1 + min(features.mined, cap)),
            features.logprob,
            features.word_before,
            features.word_after,
            features.phonetic,
            features.engine_doubt_tesseract,
            features.engine_doubt_ppocrv4,
            features.engine_doubt_ppocrv6,
            features.engine_read_tesseract,
            features.engine_read_ppocrv4,
            features.engine_read_ppocrv6,
            features.engine_alternative,
            features.engine_support_tesseract,
            features.engine_support_ppocrv4,
            features.engine_support_ppocrv6,
            features.context,
            features.context_similarity,
            features.delete,
            max(0.0, features.word_gain - hinge),
            features.cache,
            features.joint,
            features.sweep,
            min(features.sweep_margin, cap_margin),
        )

    def vector(self, features: CharFeatures, names: Sequence[str]) -> list[float]:
        """The values of the features ``names`` (a design-matrix row for the fitter)."""
        values = dict(zip(self._names, self.values(features)))
        return [float(values[name]) for name in names]

    def logodds(self, features: CharFeatures) -> float:
        """``bias + prior + w · x`` (summed in :data:`FEATURES` order: ``z = bias + prior``, then
        ``z += w * x`` feature by feature)."""
        return self._sum(self._start, self.values(features))

    def confidence(self, features: CharFeatures) -> float:
        """P(the replacement is right) in [0, 1]."""
        return logistic(self.logodds(features))

    def channel_score(self, features: CharFeatures) -> float:
        """The channel's evidence in the LM's log10 units (its calibrated terms / the LM gain's weight).

        ``logprob_after - logprob_before + channel_score`` is the candidate's noisy-channel score.
        """
        values = self.values(features)
        channel = 0.0
        for index, weight in self._channel:
            channel += weight * values[index]
        lm_weight = self.config.calib_lm_gain
        return channel / lm_weight if lm_weight else channel

    @staticmethod
    def fitted(config: CharConfig, bias: float | None = None, weights: Mapping[str, float] | None = None) -> CharConfig:
        """``config`` with a fitted ``calib_bias`` and ``calib_<name>`` weights (rounded to 3 places)."""
        changes: dict[str, Any] = {f"calib_{name}": round(float(weight), 3) for name, weight in (weights or {}).items()}
        unknown = [key for key in changes if key.removeprefix("calib_") not in CharCalibration.names()]
        if unknown:
            raise ValueError(f"unknown feature weight(s) {unknown}")
        if bias is not None:
            changes["calib_bias"] = round(float(bias), 3)
        return dataclasses.replace(config, **changes)


# Log-odds kept in hand when bounding a candidate's confidence (float sums in another order differ
# by ~1e-15): a candidate this close to the best is always weighed in full.
_BOUND_MARGIN = 1e-6


@dataclass(frozen=True)
class ConfidenceBound:
    """An upper bound on a candidate's confidence from what is known before its costly features.

    The calibration's log-odds are ``bias + prior + w · x``. Once the LM has scored a candidate, its
    gain, glyph similarity, mined count and mark flags are known; whether it makes a known word and
    how often the document repeats it are not (a word-list walk and cache lookups each). With those
    at their most favourable, :meth:`upper` bounds the log-odds from above, and :meth:`confidence`
    the confidence. The char stage weighs a position's candidates from the highest bound down and
    stops at the first whose bound is under the best confidence found; a candidate found to make no
    word is dropped when the bound without :attr:`word_after_bound` is under it. The best is the
    same, without the cache lookups, the features and the logistic of most others (on the speed
    benchmark's OCR lines, 1,168 of the 1,217 candidates that gain ``min_lm_gain`` end under 0.1;
    the first pass over those lines takes 7 % fewer instructions, the second 11 %).

    Only for candidates without the OCR engine's evidence (its prior, alternatives) and with the
    word model's weight at 0 (:meth:`of` gives None otherwise): those terms have no cheap bound.

    >>> from restore.config import CharConfig
    >>> calibration = CharCalibration(CharConfig())
    >>> bound = ConfidenceBound.of(calibration)
    >>> features = CharFeatures(lm_gain=2.0, glyph_similarity=0.9, mined=12, logprob=-6.0)
    >>> upper = bound.upper(bound.position_bound(-6.0), bound.candidate_bound(0.9, 12, punct=False), 2.0)
    >>> calibration.confidence(features) <= calibration.confidence(dataclasses.replace(features, word_after=True)) <= bound.confidence(upper)
    True
    """

    calibration: CharCalibration

    @classmethod
    def of(cls, calibration: CharCalibration) -> ConfidenceBound | None:
        """The bound of ``calibration``, or None when the word model weighs every candidate (no cheap
        bound; with ``CharConfig.word_lm_best_only`` it weighs the best alone, after the bound)."""
        config = calibration.config
        return None if config.calib_word_gain != 0 and not config.word_lm_best_only else cls(calibration)

    def position_bound(self, logprob: float) -> float:
        """The log-odds every candidate at a position shares, at most: bias, prior, the seen
        character's log10 p, and the position's word and name terms where they could only add."""
        config = self.calibration.config
        return (
            config.calib_bias + config.prior_logodds + config.calib_logprob * logprob
            + max(0.0, config.calib_word_before) + max(0.0, config.calib_name)
        )

    def candidate_bound(
        self,
        similarity: float,
        mined: int,
        *,
        punct: bool,
        width: bool = False,
        phonetic: bool = False,
        context: bool = False,
        context_similarity: float = 0.0,
    ) -> float:
        """The candidate's own log-odds terms but the LM gain's, at most: its channel evidence as
        :class:`CharCalibration` weighs it and, for a Han candidate, a word it may make (add
        :meth:`repeats_bound` when the document's repetitions count)."""
        config = self.calibration.config
        bound = (
            config.calib_glyph_similarity * similarity**GLYPH_SHARPNESS
            + config.calib_mined * math.log10(1 + min(mined, config.mined_count_cap))
            + config.calib_punct * punct + config.calib_width * width + config.calib_phonetic * phonetic
            + config.calib_context * context + config.calib_context_similarity * context_similarity
        )
        if not punct:
            bound += self.word_after_bound
        return bound

    @property
    def word_after_bound(self) -> float:
        """The part of :meth:`candidate_bound` a Han candidate owes to the word it may make."""
        return max(0.0, self.calibration.config.calib_word_after)

    def repeats_bound(self, repeats: int) -> float:
        """The cache feature's log-odds, at most, for a Han candidate that the document's most
        repeated n-gram holding it repeats ``repeats`` times (:meth:`restore.lm.cache.NgramCounts.peak`:
        its support cannot exceed that, and the support ratio not log10(1 + support))."""
        return max(0.0, self.calibration.config.calib_cache) * math.log10(1 + repeats)

    def upper(self, position_bound: float, candidate_bound: float, lm_gain: float) -> float:
        """The candidate's log-odds, at most (with a margin for float rounding)."""
        return position_bound + candidate_bound + self.calibration.config.calib_lm_gain * lm_gain + _BOUND_MARGIN

    @staticmethod
    def confidence(upper: float) -> float:
        """The confidence of log-odds ``upper``, as :meth:`CharCalibration.confidence` maps them."""
        return logistic(upper)
