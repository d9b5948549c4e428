"""Context candidates: the characters the neighbours predict at a position, whatever the OCR printed.

The mined tables and the glyph table can only propose what they list for the printed character;
28 of 60 misreads in real OCR had a right character that no table pairs with it (墓 for 基 in
``工作墓本完成``). Here the *context* proposes and the visual channel filters:

- gap filling: the characters People's Daily TRAIN has between the left and the right neighbour
  (``data/context_gaps.tsv``, ``scripts/build/build_context_gaps.py``), with their counts;
- word completion: the characters that make a known two-character word (``data/lm/words.txt``)
  with the left or the right neighbour (问隔 -> 间隔: 间 completes 间隔).

A word completion is kept only when its rendered glyph resembles the printed character
(:class:`~restore.glyphs.embedding.GlyphEmbedding`, defined for any pair): the pool is large (a
character completes hundreds of words) and an engine mostly prints a look-alike. A gap filler
may be kept at a lower similarity (``gap_min_similarity``): the pool is small (1.7 characters
on average at a misread on DEV renders) and Tesseract's misreads of degraded print are often
no look-alike at all (争 for 邹: their median glyph cosine is 0.34). The language model then
weighs the survivors with the rest, the similarity entering the calibration.
"""

from __future__ import annotations

import importlib.resources
from array import array
from collections import defaultdict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from restore.errors import ResourceError
from restore.glyphs.embedding import GlyphEmbedding

GAPS_FILE = "context_gaps.tsv"
GAPS_ID = "context:pd-train-gaps"
WORDS_ID = "context:words"
# The char stage's LM sweep over a printed character's glyph look-alikes (CharConfig.lm_sweep).
SWEEP_ID = "context:lm-sweep"


class ContextGaps:
    """``middles(left, right)``: what TRAIN has between two characters, most frequent first.

    Rows are parsed on first request (loading reads the file once and splits lines only).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else Path(str(importlib.resources.files("restore") / "data" / GAPS_FILE))
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ResourceError(f"{self.path}: cannot read context gaps: {exc}") from exc
        # The rows stay in the file's text, found by binary search over their keys: a dict of
        # 107k rows held 28 MB, this about 4 MB (peak RSS counts against long documents).
        self._text = text
        self._starts = array("L")  # offset of each row in the text
        self._numbers = array("L")  # its line number, for errors
        previous = ""
        number, pos = 0, 0
        while pos < len(text):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            number += 1
            if end > pos and text[pos] != "#":
                if text.find("\t", pos, end) != pos + 2:
                    raise ResourceError(f"{self.path}:{number}: expected left+right<TAB>middle:count ...")
                key = text[pos : pos + 2]
                if key <= previous:
                    raise ResourceError(f"{self.path}:{number}: rows must be sorted by left+right, each once")
                previous = key
                self._starts.append(pos)
                self._numbers.append(number)
            pos = end + 1
        self._keys = "".join(text[start : start + 2] for start in self._starts)
        self._parsed: dict[str, tuple[tuple[str, int], ...]] = {}

    def __len__(self) -> int:
        return len(self._starts)

    def _row(self, key: str) -> int:
        """The index of the row of ``key`` (two characters), -1 when there is none."""
        keys = self._keys
        low, high = 0, len(self._starts)
        while low < high:
            middle = (low + high) // 2
            if keys[2 * middle : 2 * middle + 2] < key:
                low = middle + 1
            else:
                high = middle
        return low if keys[2 * low : 2 * low + 2] == key else -1

    def middles(self, left: str, right: str) -> tuple[tuple[str, int], ...]:
        """``((middle, count), ...)`` seen between ``left`` and ``right`` in TRAIN (empty when never)."""
        key = left + right
        parsed = self._parsed.get(key)
        if parsed is not None:
            return parsed
        row = self._row(key) if len(key) == 2 else -1
        if row < 0:
            return ()
        start = self._starts[row] + 3
        end = self._text.find("\n", start)
        rest = self._text[start : len(self._text) if end < 0 else end]
        number = self._numbers[row]
        found = []
        for item in rest.split(" "):
            middle, _, count = item.rpartition(":")
            if len(middle) != 1 or not count.isdigit():
                raise ResourceError(f"{self.path}:{number}: bad middle {item!r}")
            found.append((middle, int(count)))
        parsed = self._parsed[key] = tuple(found)
        return parsed


@dataclass(frozen=True)
class ContextCandidate:
    """A character the context proposes at a position: how alike it looks and where it came from."""

    char: str
    similarity: float
    # Count of left+char+right in TRAIN (0 when only a word completion proposed it).
    gap_count: int
    source: str


class ContextCandidates:
    """Gap filling and word completion, filtered by glyph similarity to the printed character.

    >>> ctx = ContextCandidates()
    >>> found = ctx.propose("墓", "作", "本", min_similarity=0.55)   # 工作墓本完成: 基 completes 基本
    >>> "基" in [c.char for c in found], all(c.similarity >= 0.55 for c in found)
    (True, True)
    """

    def __init__(
        self, words: AbstractSet[str] | None = None, gaps: ContextGaps | None = None, embedding: GlyphEmbedding | None = None
    ) -> None:
        if words is None:
            from restore.lm.model import load_words

            words = load_words()
        self.gaps = gaps or ContextGaps()
        self.embedding = embedding or GlyphEmbedding()
        after: dict[str, list[str]] = defaultdict(list)
        before: dict[str, list[str]] = defaultdict(list)
        for word in words:
            if len(word) == 2:
                after[word[0]].append(word[1])
                before[word[1]].append(word[0])
        # Each neighbour's partners as one string (a membership test scans a few dozen characters):
        # sets of one-character strings held 26 MB for the 2-character words, strings under 2 MB.
        self._after = {ch: "".join(sorted(set(v))) for ch, v in after.items()}
        self._before = {ch: "".join(sorted(set(v))) for ch, v in before.items()}

    def fillers(self, left: str, right: str) -> list[str]:
        """Every character the context predicts between ``left`` and ``right`` ("" at an edge), for a
        position where nothing was printed (an engine dropped a character): the gap fillers of TRAIN
        most frequent first, then the characters completing a known two-character word with either
        neighbour, in code point order. No glyph filter: there is no printed character to resemble.

        >>> "基" in ContextCandidates().fillers("作", "本")   # 工作_本: 基本
        True
        """
        found = [middle for middle, _count in self.gaps.middles(left, right)] if left and right else []
        seen = set(found)
        completions = set(self._after.get(left, "")) | set(self._before.get(right, ""))
        found.extend(sorted(completions - seen))
        return found

    def propose(
        self,
        seen: str,
        left: str,
        right: str,
        min_similarity: float,
        gap_min_similarity: float | None = None,
        *,
        printed: str = "",
        simplify: Mapping[str, str] | None = None,
    ) -> list[ContextCandidate]:
        """Candidates for ``seen`` between ``left`` and ``right`` ("" at a sentence edge), most alike first.

        ``min_similarity``: the lowest glyph similarity kept; ``gap_min_similarity`` (default: the
        same) for gap fillers.

        ``printed``: the form the print itself shows when it differs from ``seen`` (traditional
        print read as simplified text: the page shows 減 where the engine wrote 减). Its look-alikes
        are candidates too, by their simplified form (``simplify``: traditional -> simplified), with
        the similarity of the printed pair: 滅 resembles 減 (cosine 0.88) though 灭 and 减 do not
        (0.18), so a misread 减 on a traditional page finds 灭 (滅). A candidate found both ways
        keeps the higher similarity.

        >>> ctx = ContextCandidates()
        >>> [c.char for c in ctx.propose("减", "的", "鼠", 0.6)]   # 大规模的减鼠活动
        []
        >>> [c.char for c in ctx.propose("减", "的", "鼠", 0.6, printed="減", simplify={"滅": "灭"})]
        ['灭']
        """
        gap_floor = min_similarity if gap_min_similarity is None else gap_min_similarity
        gaps = dict(self.gaps.middles(left, right)) if left and right else {}
        after = self._after.get(left, "")
        before = self._before.get(right, "")
        # Only the pools' characters can be proposed: score the glyphs of those alone (not every
        # character's: 1 ms at each character's first sight), with alike()'s similarities. A
        # printed look-alike whose form is outside the pools is filtered out below either way.
        alike = self.embedding.alike_among(seen, min_similarity, {*gaps, *after, *before})
        if printed and printed != seen:
            to_simplified = simplify or {}
            for ch, sim in self.embedding.alike(printed, min_similarity).items():
                form = to_simplified.get(ch, ch)
                if form != seen and sim > alike.get(form, -1.0):
                    alike[form] = sim
        found = [
            ContextCandidate(ch, sim, gaps.get(ch, 0), GAPS_ID if ch in gaps else WORDS_ID)
            for ch, sim in alike.items()
            if ch in gaps or ch in after or ch in before
        ]
        if gap_floor < min_similarity:
            rest = [ch for ch in gaps if ch not in alike and ch != seen]
            for ch, sim in zip(rest, self.embedding.similarities(seen, rest)):
                if sim >= gap_floor:
                    found.append(ContextCandidate(ch, sim, gaps[ch], GAPS_ID))
        found.sort(key=lambda c: (-c.similarity, c.char))
        return found
