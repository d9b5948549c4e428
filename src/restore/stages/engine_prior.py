"""The OCR engine's own confidence as evidence for the char stage (per engine, calibrated).

An OCR file (ALTO, hOCR, PAGE, engine JSON; :mod:`restore.formats`) says how sure the engine was
of every character: the best error detector there is (issue #15 measured ROC AUC 0.92 for
Tesseract, 0.96 for PP-OCRv4, 0.95 for PP-OCRv6 ranking characters by 1 − confidence). Engines
are calibrated differently (Tesseract is overconfident), so each has its own feature of
:class:`~restore.stages.char_features.CharFeatures`, ``engine_doubt_<engine>`` =
``clip(logit(1 − c), ±DOUBT_CLIP)`` of the character being replaced, with its own weight
``CharConfig.calib_engine_doubt_<engine>`` (0 for the other engines' features), and
``engine_read_<engine>`` (the engine gave a confidence: its own bias, so a doubted character can
gain as well as a sure one lose); ``engine_alternative``: the candidate is one of the engine's own
alternatives (PP-OCR's top-k); and ``engine_support_<engine>``: how close the engine's
probability of that alternative comes to its probability of the character it printed,
``clip(SUPPORT_DECADES + log10(p_alternative / p_printed), 0, SUPPORT_DECADES + 1)`` (0 when the file
gives no probability for it): the recogniser's own posterior ratio, the channel term of a noisy
channel whose "channel" is the engine itself (issue #15: on PP-OCR DEV renders the printed character
was wrong 34 % (PP-OCRv4) and 29 % (PP-OCRv6) of the time when its top alternative came within a
factor 10 of it, under 1 % beyond a factor 100).
The weights and each engine's detection threshold ``CharConfig.engine_detect_<engine>`` (a
character the engine gives less is examined whatever the LM says) are fitted by
``scripts/build/fit_engine_prior.py`` on DEV renders, never TEST. A character without a confidence
(inserted by an earlier stage, or from a file without any) has every engine feature 0: scored as
before.
Shipped (2026-11-30), only PP-OCRv6's weights are not 0: Tesseract's cost precision on DEV and
issue #15 asks that Tesseract be no worse with its confidences than without, and no PP-OCRv4 setting
kept its text-only precision. The same alternatives also decide script conversions the line alone
cannot (:mod:`restore.stages.engine_script`), and every edit the engine weighed carries an
:class:`~restore.evidence.EngineReading`.

>>> from restore.config import CharConfig
>>> prior = EnginePrior.for_engine("ppocrv6", CharConfig())
>>> prior.engine, prior.values(0.5, True, 0.05)
('ppocrv6', {'engine_doubt_ppocrv6': 0.0, 'engine_read_ppocrv6': True, 'engine_alternative': True, 'engine_support_ppocrv6': 2.0})
>>> EnginePrior.for_engine("ppocr", CharConfig()) is None  # PP-OCRv4's weights are all 0 (text only was better)
True
>>> EnginePrior.for_engine("abbyy", CharConfig()) is None
True
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from restore.config import CharConfig
from restore.stages.char_features import CharFeatures

# Confidences are clipped to [1e-3, 1 - 1e-3] before the logit: 0.9999 and 0.99999 are the same
# certainty for a recogniser's softmax, and an unbounded logit would let one digit decide.
DOUBT_CLIP = math.log(999)
# Decades of posterior ratio the support feature spans below "as likely as the printed character".
SUPPORT_DECADES = 3.0
# Engine name (as restore.formats reads it from the file, or CharConfig.engine) -> the engine whose
# calibration applies. "ppocr" is an engine JSON that does not say which PP-OCR model made it.
CALIBRATED_AS = {"tesseract": "tesseract", "ppocrv4": "ppocrv4", "ppocrv6": "ppocrv6", "ppocr": "ppocrv4"}


def calibration_for(engine: str, config: CharConfig) -> str:
    """The engine whose calibration weighs an OCR file's confidences: ``CharConfig.engine`` (``--engine``)
    or else the engine the file names, mapped through ``CALIBRATED_AS``; ``""`` when none applies
    (an engine without a calibration, or ``engine_prior`` off), and the confidences go unused.

    >>> config = CharConfig()
    >>> calibration_for("ppocr", config), calibration_for("abbyy", config)
    ('ppocrv4', '')
    >>> calibration_for("abbyy", dataclasses.replace(config, engine="tesseract"))
    'tesseract'
    """
    if not config.engine_prior:
        return ""
    return CALIBRATED_AS.get(config.engine or engine, "")


def doubt(confidence: float) -> float:
    """``logit(1 − confidence)``, clipped: positive when the engine doubts the character.

    >>> doubt(0.5), round(doubt(0.999999), 3) == round(-DOUBT_CLIP, 3)
    (0.0, True)
    """
    c = min(max(confidence, 1e-3), 1 - 1e-3)
    return max(-DOUBT_CLIP, min(DOUBT_CLIP, math.log((1 - c) / c)))


def support(alternative: float | None, printed: float | None) -> float:
    """The engine's support for an alternative against the printed character, in [0, SUPPORT_DECADES + 1]:
    ``SUPPORT_DECADES + log10(alternative / printed)``, clipped; 0 without both probabilities.

    >>> support(0.1, 0.8) > support(0.01, 0.8) > support(None, 0.8) == 0.0
    True
    """
    if not alternative or not printed:
        return 0.0
    return max(0.0, min(SUPPORT_DECADES + 1, SUPPORT_DECADES + math.log10(alternative / printed)))


@dataclass(frozen=True)
class EnginePrior:
    """One engine's evidence: which ``CharFeatures`` field carries its doubt, and its detection threshold."""

    engine: str
    detect_below: float

    @classmethod
    def for_engine(cls, engine: str, config: CharConfig) -> EnginePrior | None:
        """The prior of ``engine``, or None for an engine without a calibration or whose weights are
        all 0 (confidences and alternatives unused)."""
        calibrated = CALIBRATED_AS.get(engine)
        if calibrated is None:
            return None
        own = ("calib_engine_doubt_", "calib_engine_read_", "calib_engine_support_", "engine_detect_")
        if not any(getattr(config, prefix + calibrated) for prefix in own):
            # Every weight 0: the fit found no setting better than text only (PP-OCRv4 on DEV), so
            # its confidences and alternatives are not used at all.
            return None
        return cls(calibrated, getattr(config, f"engine_detect_{calibrated}"))

    def doubtful(self, confidence: float | None) -> bool:
        """Whether a character of this confidence is examined even when the LM finds it likely enough.

        (Examining characters whose alternatives the engine supports, and a lower LM-gain floor for
        those alternatives, changed no edit at the default threshold on DEV renders: not offered.)
        """
        return confidence is not None and confidence < self.detect_below

    def values(
        self, confidence: float | None, is_alternative: bool, probability: float | None = None
    ) -> dict[str, float | bool]:
        """The ``CharFeatures`` fields for a candidate replacing a character of ``confidence``:
        the engine's doubt, that the engine read the character at all (its own bias), whether
        the candidate is one of its alternatives and (given its ``probability``) the engine's support for it."""
        if confidence is None:
            return {}
        return {
            f"engine_doubt_{self.engine}": doubt(confidence),
            f"engine_read_{self.engine}": True,
            "engine_alternative": is_alternative,
            f"engine_support_{self.engine}": support(probability, confidence) if is_alternative else 0.0,
        }

    def apply(
        self, features: CharFeatures, confidence: float | None, is_alternative: bool, probability: float | None = None
    ) -> CharFeatures:
        """``features`` with this engine's evidence about the replaced character (unchanged without a confidence)."""
        values: dict[str, Any] = dict(self.values(confidence, is_alternative, probability))
        return dataclasses.replace(features, **values) if values else features
