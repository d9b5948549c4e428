"""Which script a text was printed in, judged from the script-distinctive characters OCR printed.

A recogniser trained on simplified text reads traditional print half in simplified forms: a line
of traditional print may come out as ``美國在我對外贸易中的份额继续攀升`` (two traditional-only
characters among four simplified-only ones), which counts of distinctive characters cannot tell
from a simplified line with two misreads. *Which* characters were printed, and by what kind of
engine, can: a simplified-model engine prints 對, 開 or 個 off traditional print and never for
对, 开, 个, while a bilingual model slips into 領 or 題 on simplified print now and then.

:class:`PrintScriptModel` is a naive-Bayes language identifier over those characters with the
OCR engine as a hidden variable (it is one per document, and unknown in plain text): for each
engine of the table, P(character | print script, engine) from counts with additive smoothing,
and for a text the log10 likelihood ratio

    log10 Σ_e P(text | traditional print, e)  −  log10 Σ_e P(text | simplified print, e)

(engines equally likely a priori; a character the table never saw adds nothing). Positive means
traditional print is the likelier source. The script stage consults it only for a document the
character counts leave undecided (``ScriptConfig.print_script_min_log_ratio``).

Source: ``restore/data/print_script.tsv``, counted by ``scripts/build/build_print_script.py`` on
the TRAIN renders of the benchmark generator (People's Daily 1998 lines 1-14000 rendered in Noto
Sans/Serif CJK and AR PL fonts, read by Tesseract, PP-OCRv4 and PP-OCRv6; see
``benchmarks/ocrgen/README.md``). No DEV or TEST text is counted.

>>> model = PrintScriptModel({"ocr-a": ({"對": 90, "对": 10}, {"對": 1, "对": 900})})
>>> round(model.log_ratio("對"), 2), round(model.log_ratio("对"), 2), model.log_ratio("x, 中")
(2.73, -0.98, 0.0)
>>> model.log_ratio("對", engine="ocr-a") == model.log_ratio("對")   # one engine: its counts alone
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from restore.errors import ResourceError
from restore.resources import read_data_lines

DATA_FILE = "print_script.tsv"
# Additive smoothing, in counts per character: a character printed once for one print and never
# for the other is weak evidence, not certainty.
DEFAULT_ALPHA = 0.5
_SCRIPTS = ("traditional", "simplified")


@dataclass(frozen=True)
class PrintScriptModel:
    """Per engine, counts of each distinctive character printed on traditional and on simplified print.

    ``counts``: engine name -> (traditional-print counts, simplified-print counts), each a mapping
    of single characters to counts ≥ 0; ``alpha`` (> 0): additive smoothing per character. Raises
    ``ValueError`` for no engine, a negative count, a key that is not one character, or ``alpha`` ≤ 0.
    """

    counts: Mapping[str, tuple[Mapping[str, int], Mapping[str, int]]]
    alpha: float = DEFAULT_ALPHA
    # char -> log10 P(char | print, engine) for every (engine, print) pair, traditional ones first.
    _logprobs: dict[str, tuple[float, ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.counts:
            raise ValueError("a print-script model needs counts of at least one engine")
        if not self.alpha > 0:
            raise ValueError(f"alpha must be positive, got {self.alpha!r}")
        sides = [side for engine in sorted(self.counts) for side in self.counts[engine]]
        sides = sides[0::2] + sides[1::2]  # every engine's traditional side, then every simplified side
        for side in sides:
            bad = next((ch for ch, n in side.items() if n < 0 or len(ch) != 1), None)
            if bad is not None:
                raise ValueError(f"print-script counts need single characters and counts >= 0: {bad!r}: {side[bad]!r}")
        vocabulary = sorted(set().union(*sides))
        totals = [sum(side.values()) + self.alpha * len(vocabulary) for side in sides]
        # Precomputed once: the model is immutable and the table holds a few thousand characters.
        for ch in vocabulary:
            self._logprobs[ch] = tuple(math.log10((side.get(ch, 0) + self.alpha) / total) for side, total in zip(sides, totals))

    @property
    def engines(self) -> tuple[str, ...]:
        """The engines the counts come from, sorted."""
        return tuple(sorted(self.counts))

    @property
    def characters(self) -> frozenset[str]:
        """The characters the table holds (every other character adds nothing to a ratio)."""
        return frozenset(self._logprobs)

    @classmethod
    def load(cls) -> PrintScriptModel:
        """The shipped table (``restore/data/print_script.tsv``); ``ResourceError`` if it is missing or malformed.

        Its first data line names the columns: ``char``, then ``<engine>/traditional`` and
        ``<engine>/simplified`` for each engine."""
        lines = read_data_lines(DATA_FILE)
        header = lines[0].split("\t") if lines else []
        columns = [name.partition("/") for name in header[1:]]  # (engine, "/", script)
        if not header or header[0] != "char" or not columns or any(not engine or script not in _SCRIPTS for engine, _, script in columns):
            raise ResourceError(f"{DATA_FILE}: the first data line must be 'char<TAB><engine>/traditional<TAB><engine>/simplified...'")
        tables: dict[str, tuple[dict[str, int], dict[str, int]]] = {engine: ({}, {}) for engine, _, _ in columns}
        for number, line in enumerate(lines[1:], start=2):
            parts = line.split("\t")
            try:
                if len(parts) != len(header):
                    raise ValueError(f"{len(parts)} fields, not {len(header)}")
                for (engine, _, script), value in zip(columns, parts[1:]):
                    tables[engine][_SCRIPTS.index(script)][parts[0]] = int(value)
            except ValueError as exc:
                raise ResourceError(f"{DATA_FILE}: data line {number} is malformed ({exc}): {line!r}") from exc
        try:
            return cls(tables)
        except ValueError as exc:
            raise ResourceError(f"{DATA_FILE}: {exc}") from exc

    def log_ratio(self, text: str, engine: str = "") -> float:
        """log10 of how much likelier traditional print makes ``text`` than simplified print (> 0 leans traditional).

        ``engine``: the engine that read the text, when it is one of :attr:`engines` (its counts
        alone are used); otherwise every engine is equally likely. Only the characters the table
        holds count; 0.0 when there are none."""
        logprobs = self._logprobs
        sums: list[float] | None = None
        for ch in text:
            row = logprobs.get(ch)
            if row is None:
                continue
            sums = list(row) if sums is None else [a + b for a, b in zip(sums, row)]
        if sums is None:
            return 0.0
        half = len(sums) // 2
        if engine in self.counts:
            index = self.engines.index(engine)
            return sums[index] - sums[half + index]
        return _log10_sum(sums[:half]) - _log10_sum(sums[half:])


def _log10_sum(values: list[float]) -> float:
    """log10 Σ 10**v, without underflow."""
    top = max(values)
    return top + math.log10(sum(10 ** (v - top) for v in values))
