"""Glyph similarity of character pairs, from whichever ``data/glyph_*.tsv`` tables are installed.

The tables are built elsewhere (the character stage's confusion data); this
module reads them tolerantly so the lexicon stage works, more cautiously, when
none is installed. Two row shapes are understood (``#`` lines are comments):

- ``a<TAB>b<TAB>0.83``: one pair and its similarity in [0, 1];
- ``a<TAB>b c d`` or ``a<TAB>b:0.9 c:0.8``: ``a``'s nearest look-alikes, best first
  (a bare list gets similarity falling from 0.9 with rank).

>>> table = GlyphTable.from_lines("t", ["未\\t末\\t0.92", "己\\t已:0.95 巳:0.9", "# comment"])
>>> table.similarity("末", "未"), table.similarity("己", "巳"), table.similarity("甲", "乙")
(0.92, 0.9, None)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# Similarity given to the first of a bare neighbour list, and how much each rank loses.
_RANK_TOP = 0.9
_RANK_STEP = 0.02
_RANK_FLOOR = 0.5


@dataclass
class GlyphTable:
    """Symmetric pair similarities; ``name`` is the table's file name (``""`` when empty)."""

    name: str = ""
    pairs: dict[tuple[str, str], float] = field(default_factory=dict)

    def similarity(self, a: str, b: str) -> float | None:
        """Similarity of two characters, ``None`` when no table knows the pair."""
        if a == b:
            return 1.0
        return self.pairs.get((a, b) if a < b else (b, a))

    def _add(self, a: str, b: str, value: float) -> None:
        key = (a, b) if a < b else (b, a)
        if value > self.pairs.get(key, -1.0):
            self.pairs[key] = value

    @classmethod
    def from_lines(cls, name: str, lines: Iterable[str], *, keep: AbstractSet[str] | None = None) -> GlyphTable:
        """Read table rows (see the module docstring); rows of other shapes are skipped.

        With ``keep``, only rows about those characters are read (a pair row when either
        character is kept, a neighbour row when its head is): the lexicon stage needs the
        look-alikes of its entries' characters, not of every character.
        """
        table = cls(name)
        skipped = 0
        for line in lines:
            if not line or line.startswith("#"):
                continue
            if keep is not None and line[0] not in keep and (len(line) < 3 or line[2] not in keep):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and len(parts[0]) == 1 and len(parts[1]) == 1:
                try:
                    table._add(parts[0], parts[1], min(1.0, max(0.0, float(parts[2]))))
                except ValueError:
                    skipped += 1
                continue
            if len(parts) == 2 and len(parts[0]) == 1:
                if keep is not None and parts[0] not in keep:
                    continue
                for rank, item in enumerate(parts[1].split()):
                    char, _, score = item.partition(":")
                    if len(char) != 1:
                        skipped += 1
                        continue
                    try:
                        value = float(score) if score else max(_RANK_FLOOR, _RANK_TOP - _RANK_STEP * rank)
                    except ValueError:
                        skipped += 1
                        continue
                    table._add(parts[0], char, min(1.0, max(0.0, value)))
                continue
            skipped += 1
        if skipped:
            log.debug("glyph table %s: skipped %d rows of an unknown shape", name, skipped)
        return table

    @classmethod
    def load_installed(
        cls, *, confusion_similarity: float = 0.0, keep: AbstractSet[str] | None = None
    ) -> GlyphTable:
        """The shipped rendered-glyph neighbours, keeping rows about ``keep`` (all when ``None``).

        With a positive ``confusion_similarity``, every pair the mined OCR confusion tables
        (``data/ocr_confusions*.tsv``) saw an engine confuse gets at least that similarity,
        however its glyphs compare. Reads through :mod:`restore.glyphs.tables`, the one parser
        of those files; an empty table when none is installed.
        """
        from restore.glyphs.tables import GLYPH_TABLE, bundled_confusion_paths
        from restore.resources import data_path
        from restore.tablecache import cached

        # Merged once per machine for these settings and characters (restore.tablecache): a
        # cold start otherwise spends more time here than on the page.
        sources = [data_path(GLYPH_TABLE), *(bundled_confusion_paths() if confusion_similarity > 0 else [])]
        variant = f"{confusion_similarity!r}\0{'*' if keep is None else ''.join(sorted(keep))}"
        pairs, name = cached(
            "lexicon-glyphs", sources, lambda: cls._merge_installed(confusion_similarity, keep), version=1, variant=variant
        )
        return cls(name, pairs)

    @classmethod
    def _merge_installed(
        cls, confusion_similarity: float, keep: AbstractSet[str] | None
    ) -> tuple[dict[tuple[str, str], float], str]:
        from restore.errors import ResourceError
        from restore.glyphs.tables import GLYPH_TABLE, GlyphNeighbours, load_confusions

        merged = cls("")
        names = []
        try:
            neighbours = GlyphNeighbours.bundled()
        except ResourceError as exc:
            log.info("no glyph table (%s): fuzzy lexicon hits rely on length, cues and consistency", exc)
        else:
            names.append(GLYPH_TABLE)
            for char in neighbours if keep is None else (c for c in keep if c in neighbours):
                for neighbour, similarity in neighbours.get(char):
                    merged._add(char, neighbour, min(1.0, max(0.0, similarity)))
        if confusion_similarity > 0:
            confusions = load_confusions()
            names.extend(confusions.sources)
            for seen, meanings in confusions.by_seen.items():
                for meant in meanings:
                    if len(seen) == 1 and len(meant) == 1 and (keep is None or seen in keep or meant in keep):
                        merged._add(seen, meant, confusion_similarity)
        return merged.pairs, "+".join(names)
