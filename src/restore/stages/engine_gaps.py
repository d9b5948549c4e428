"""Characters the OCR engine dropped, found where it placed the characters it did read.

Chinese print sets every character in the same square cell, so the centres of a line's characters
follow a regular pitch. An engine that drops a character (a faint ``、``, a traditional character a
simplified model does not know) leaves a junction whose two centres lie about two pitches apart.
The file says so when it keeps a box per character: ALTO and PAGE ``Glyph``s, hOCR ``ocrx_cinfo``,
RapidOCR's word boxes (the CTC column of each character), a one-character word. No text-only
corrector can see this: on DEV renders (``benchmarks/out/ocr_dev.jsonl``), junctions at least
:data:`MIN_EXCESS` pitches wider than their characters' cells hold a dropped character far more
often than any other junction (figures in ``benchmarks/CHAR_NOTES.md``, eighth pass).

:func:`junction_gaps` measures, per junction, its *excess*: the distance between the two centres in
pitches minus the distance the two cells need (1 for two full-width characters, 0.75 next to a
half-width one, 0.5 between two half-width ones; only junctions of two full-width characters are
reported). The char stage then puts back what the language
model likes best there (:meth:`restore.stages.char.CharStage.fill_gap`) with its own calibration,
:class:`GapCalibration`.

>>> boxes = {i: (20.0 * i, 0.0, 20.0 * i + 18, 20.0) for i in range(6)}
>>> boxes.update({i: (20.0 * (i + 1), 0.0, 20.0 * (i + 1) + 18, 20.0) for i in range(3, 6)})
>>> {j: round(e, 2) for j, e in junction_gaps("张三李四王五", boxes).items()}
{3: 1.0}
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from restore.config import CharConfig
from restore.formats.model import Box, is_cjk

# Junctions whose excess is below this are not reported (a justified line spreads its cells by a
# fraction of a pitch; one dropped character adds a whole one).
MIN_EXCESS = 0.4
# The calibration's terms, in the order of GapCalibration's fields (CharConfig.gap_calib_<name>_<engine>).
FEATURES = ("bias", "lm_gain", "margin", "mark", "excess")
# Fewer full-width neighbour pairs than this on a line leave its pitch unknown: no gaps reported.
MIN_PAIRS = 3


def _cell(char: str) -> float:
    """The width of a character's cell in pitches: 1 for CJK and full-width marks, else 0.5."""
    return 1.0 if is_cjk(char) else 0.5


def junction_gaps(text: str, boxes: Mapping[int, Box]) -> dict[int, float]:
    """Junction offset ``j`` (between ``text[j - 1]`` and ``text[j]``) -> its excess in pitches, for
    the junctions of at least :data:`MIN_EXCESS` between two full-width characters (Han or
    full-width marks) that both have a box. Next to Latin letters and digits, whose widths vary
    with the font, the excess says little (on DEV renders, PP-OCRv4 and v6 junctions of two
    full-width characters at 0.6 pitches or more held a dropped character 475 times in 528; next to
    a half-width character 12 in 170).

    Each line (``\\n``-separated) is measured on its own axis: the axis along which its centres
    spread most (x for horizontal lines, y for vertical ones); its pitch is the median distance
    between the centres of neighbouring full-width characters. A junction across whitespace is
    not measured (a space is the print's own gap).
    """
    gaps: dict[int, float] = {}
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        gaps.update(_line_gaps(text, start, end, boxes))
        start = end + 1
    return gaps


def _line_gaps(text: str, start: int, end: int, boxes: Mapping[int, Box]) -> dict[int, float]:
    placed = [(i, boxes[i]) for i in range(start, end) if i in boxes and not text[i].isspace()]
    if len(placed) < MIN_PAIRS + 1:
        return {}
    xs = [(b[0] + b[2]) / 2 for _, b in placed]
    ys = [(b[1] + b[3]) / 2 for _, b in placed]
    along = xs if max(xs) - min(xs) >= max(ys) - min(ys) else ys
    centre = {i: c for (i, _), c in zip(placed, along)}
    steps = [
        abs(centre[j] - centre[j - 1])
        for j in range(start + 1, end)
        if j in centre and j - 1 in centre and is_cjk(text[j]) and is_cjk(text[j - 1])
    ]
    if len(steps) < MIN_PAIRS:
        return {}
    pitch = statistics.median(steps)
    if pitch <= 0:
        return {}
    found = {}
    for j in range(start + 1, end):
        if j in centre and j - 1 in centre and is_cjk(text[j]) and is_cjk(text[j - 1]):
            excess = abs(centre[j] - centre[j - 1]) / pitch - (_cell(text[j - 1]) + _cell(text[j])) / 2
            if excess >= MIN_EXCESS:
                found[j] = excess
    return found


@dataclass(frozen=True)
class GapCalibration:
    """Confidence of putting back a character at a gap of one engine's boxes: a logistic function of
    the language model's gain for the best filler (log10, the window with it minus without it), its
    margin over the runner-up filler (log10), whether it is a mark, and the gap's excess (pitches,
    clipped at 2), with that engine's weights ``CharConfig.gap_calib_<feature>_<engine>`` fitted by
    ``scripts/build/fit_engine_gaps.py`` on DEV renders.

    >>> calibration = GapCalibration.from_config(CharConfig(), "ppocrv4")
    >>> calibration.confidence(gain=3.0, margin=2.0, mark=True, excess=1.0) > calibration.confidence(gain=0.2, margin=0.1, mark=False, excess=1.0)
    True
    """

    bias: float
    gain: float
    margin: float
    mark: float
    excess: float

    @classmethod
    def from_config(cls, config: CharConfig, engine: str) -> GapCalibration:
        """The weights of ``engine`` (a calibrated engine name: ``tesseract``, ``ppocrv4``, ``ppocrv6``)."""
        return cls(*(float(getattr(config, f"gap_calib_{name}_{engine}")) for name in FEATURES))

    def confidence(self, *, gain: float, margin: float, mark: bool, excess: float) -> float:
        """The calibrated probability (0-1) that the filler is what the engine dropped."""
        z = self.bias + self.gain * gain + self.margin * margin + self.mark * mark + self.excess * min(excess, 2.0)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
