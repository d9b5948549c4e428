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
from importlib import resources

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
    def from_confusion_lines(
        cls, name: str, lines: Iterable[str], *, similarity: float, keep: AbstractSet[str] | None = None
    ) -> GlyphTable:
        """Read ``seen<TAB>meant<TAB>count`` rows of a mined OCR confusion table.

        A pair a real engine was seen to confuse gets ``similarity`` however its glyphs compare.

        >>> GlyphTable.from_confusion_lines("c", ["# x", "未\\t末\\t3", "a\\tb\\tx"], similarity=0.8).pairs
        {('未', '末'): 0.8}
        """
        table = cls(name)
        for line in lines:
            parts = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(parts) < 3 or len(parts[0]) != 1 or len(parts[1]) != 1:
                continue
            if keep is not None and parts[0] not in keep and parts[1] not in keep:
                continue
            if parts[2].strip().isdigit() and parts[0] != parts[1]:
                table._add(parts[0], parts[1], similarity)
        return table

    @classmethod
    def load_installed(
        cls, *, confusion_similarity: float = 0.0, keep: AbstractSet[str] | None = None
    ) -> GlyphTable:
        """Merge every installed ``restore/data/glyph_*.tsv`` (and, when ``confusion_similarity`` is
        positive, ``ocr_confusions_*.tsv``), keeping rows about ``keep`` (all when ``None``);
        an empty table when there is none."""
        folder = resources.files("restore") / "data"
        prefixes = ("glyph_", "ocr_confusions_") if confusion_similarity > 0 else ("glyph_",)
        files = sorted(
            (f for f in folder.iterdir() if f.name.startswith(prefixes) and f.name.endswith(".tsv")),
            key=lambda f: f.name,
        ) if folder.is_dir() else []
        merged = cls("")
        names = []
        for item in files:
            try:
                lines = item.read_text(encoding="utf-8").splitlines()
            except (UnicodeDecodeError, OSError) as exc:
                log.warning("similarity table %s cannot be read (%s); ignored", item.name, exc)
                continue
            if item.name.startswith("ocr_confusions_"):
                part = cls.from_confusion_lines(item.name, lines, similarity=confusion_similarity, keep=keep)
            else:
                part = cls.from_lines(item.name, lines, keep=keep)
            names.append(item.name)
            for (a, b), value in part.pairs.items():
                merged._add(a, b, value)
        merged.name = "+".join(names)
        if not names:
            log.info("no glyph table installed: fuzzy lexicon hits rely on length, cues and consistency")
        return merged
