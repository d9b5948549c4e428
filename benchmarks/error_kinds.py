"""Kinds of OCR error (the gold changes of an OCR line) and which of them an output fixes.

Each gold change is a slot of the alignment in :mod:`benchmarks.metrics` (a character the truth
replaces or drops, or a gap where the truth has characters the OCR dropped), classified by what
the char stage would need to fix it:

- ``mark``: a mark or symbol read for another mark (``,`` for ``，``);
- ``han-mined``: a Han character read for another one, the pair in the mined OCR tables;
- ``han-glyph``: ... not mined, but the right character is a listed glyph neighbour;
- ``han-none``: ... in no table (what context candidates are for);
- ``script``: the other script's form of the right character (门 for 門);
- ``han-mark``: a Han character read for a mark or the reverse (一 for —);
- ``dropped-han`` / ``dropped-mark``: the OCR lost a character (the truth inserts in a gap);
- ``added``: the OCR added a character (the truth deletes it);
- ``other``: digits, Latin, spaces and multi-character gaps of mixed content.

>>> kinds = ErrorKinds(mined={("末", "未"): 3}, neighbours={"己": {"已"}}, t2s={"門": "门"})
>>> kinds.classify("末", "未"), kinds.classify("己", "已"), kinds.classify("门", "門")
('han-mined', 'han-glyph', 'script')
>>> kinds.classify("墓", "基"), kinds.classify(",", "，"), kinds.classify("", "、"), kinds.classify("了", "")
('han-none', 'mark', 'dropped-mark', 'added')
>>> [(slot, kind, fixed) for slot, kind, fixed in kinds.gold("工作墓本完成", "工作基本完成", "工作基本完成", "simplified")]
[(('c', 2), 'han-none', True)]
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping

from benchmarks.metrics import Slot, fold, project

KINDS = ("mark", "han-mined", "han-glyph", "han-none", "script", "han-mark", "dropped-han", "dropped-mark", "added", "other")


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def is_mark(ch: str) -> bool:
    return len(ch) == 1 and unicodedata.category(ch)[0] in "PS"


class ErrorKinds:
    """Classifier of gold changes, given the tables the char stage proposes from.

    ``mined``: {(seen, meant): count}; ``neighbours``: {seen: set of glyph neighbours};
    ``t2s``: traditional -> simplified characters (script variants).
    """

    def __init__(
        self, mined: Mapping[tuple[str, str], int], neighbours: Mapping[str, set[str]], t2s: Mapping[str, str]
    ) -> None:
        self.mined = mined
        self.neighbours = neighbours
        self.t2s = t2s

    @classmethod
    def shipped(cls) -> ErrorKinds:
        """With the shipped mined tables, glyph table (neighbours above the char stage's floor) and t2s map."""
        from restore.config import CharConfig
        from restore.glyphs.tables import GlyphNeighbours, load_confusions
        from restore.lm.t2s import load_t2s

        table = load_confusions()
        mined = {(seen, meant): n for seen, row in table.by_seen.items() for meant, n in row.items()}
        glyphs = GlyphNeighbours()
        floor = CharConfig().min_glyph_similarity
        neighbours = {ch: {n for n, s in glyphs.get(ch) if s >= floor} for ch in glyphs}
        return cls(mined, neighbours, load_t2s())

    def classify(self, seen: str, meant: str) -> str:
        """The kind of one gold change: ``seen`` is what the OCR has in the slot ("" for a gap)."""
        if not seen:
            if len(meant) == 1:
                return "dropped-han" if is_han(meant) else "dropped-mark" if is_mark(meant) else "other"
            return "other"
        if not meant:
            return "added"
        if is_mark(seen) and is_mark(meant):
            return "mark"
        if is_han(seen) and is_han(meant):
            if self.t2s.get(seen, seen) == self.t2s.get(meant, meant):
                return "script"
            if (seen, meant) in self.mined:
                return "han-mined"
            if meant in self.neighbours.get(seen, ()):
                return "han-glyph"
            return "han-none"
        if (is_han(seen) and is_mark(meant)) or (is_mark(seen) and is_han(meant)):
            return "han-mark"
        return "other"

    def gold(self, ocr: str, truth: str, output: str, script: str) -> Iterator[tuple[Slot, str, bool]]:
        """(slot, kind, fixed) for every gold change of one line; fixed: the output has the truth's content there."""
        source = fold(ocr, script)
        gold = project(source, fold(truth, script)).changes()
        system = project(source, fold(output, script)).changes()
        for slot, meant in sorted(gold.items()):
            kind, index = slot
            seen = source[index] if kind == "c" else ""
            yield slot, self.classify(seen, meant), system.get(slot) == meant
