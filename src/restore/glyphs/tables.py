"""Readers for the shipped confusion tables.

- ``glyph_neighbours.tsv`` (``scripts/build/build_glyph_table.py``): ``char<TAB>n:sim n:sim ...``,
  the most similar rendered glyphs of each character, most similar first.
- ``ocr_confusions*.tsv`` (the OCR-mining script): ``seen<TAB>meant<TAB>count``, what real OCR
  engines printed (seen) for what was on the page (meant).
- ``phonetic_neighbours.tsv`` (``scripts/build/build_phonetic_table.py``): ``reading<TAB>characters``,
  the characters sharing a toneless pinyin reading, most frequent first (typing errors; read
  only when ``CharConfig.phonetic`` is on).

All are read on first use by the char stage, never at import. A malformed line raises
:class:`~restore.errors.ResourceError` naming the file and line.
"""

from __future__ import annotations

import functools
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from restore.errors import ResourceError
from restore.resources import data_path
from restore.tablecache import cached

GLYPH_TABLE = "glyph_neighbours.tsv"
PHONETIC_TABLE = "phonetic_neighbours.tsv"


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise ResourceError(f"{path}: confusion table not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"{path}: cannot read confusion table: {exc}") from exc


class GlyphNeighbours:
    """Rendered-glyph neighbours: the table parsed once per machine, each row decoded on request.

    >>> row = GlyphNeighbours.bundled().row("未")
    >>> row[0][:2], row[1][:2] == [sim for _, sim in GlyphNeighbours.bundled().get("未")[:2]]
    ('末朱', True)
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else data_path(GLYPH_TABLE)
        # Parsed once per machine, then loaded from restore.tablecache (marshal of three objects,
        # not of 10,000 rows: a char stage's first page decodes a few hundred rows, each one slice).
        rows, neighbours, similarities = cached(
            "glyph-rows", [self.path], self._read_rows, version=2, variant=sys.byteorder
        )
        self._rows: dict[str, tuple[int, int]] = rows
        self._neighbours: str = neighbours
        self._similarities = array("d")
        self._similarities.frombytes(similarities)
        self._parsed: dict[str, tuple[tuple[str, float], ...]] = {}

    def _read_rows(self) -> tuple[dict[str, tuple[int, int]], str, bytes]:
        """``({char: (start, end)}, every row's neighbours joined, their similarities as float64
        bytes in this machine's order)``; row ``char`` is ``[start:end]`` of both."""
        rows: dict[str, tuple[int, int]] = {}
        neighbours: list[str] = []
        similarities = array("d")
        for number, line in enumerate(_read_lines(self.path), 1):
            if not line or line.startswith("#"):
                continue
            char, tab, rest = line.partition("\t")
            if len(char) != 1 or not tab:
                raise ResourceError(f"{self.path}:{number}: expected char<TAB>neighbours")
            items = rest.split(" ")
            try:
                # Each item is one character, ":" and its similarity.
                bad = next((item for item in items if item[1:2] != ":"), None)
                if bad is not None:
                    raise ValueError(f"bad neighbour {bad!r}")
                sims = [float(item[2:]) for item in items]
            except ValueError as exc:
                raise ResourceError(f"{self.path}:{number}: {exc}") from exc
            start = len(similarities)
            neighbours.append("".join(item[0] for item in items))
            similarities.extend(sims)
            rows[char] = (start, len(similarities))
        return rows, "".join(neighbours), similarities.tobytes()

    @classmethod
    def bundled(cls) -> GlyphNeighbours:
        """The shipped table, read once per process (the char and lexicon stages share it; only
        its per-character memo of :meth:`get` ever changes)."""
        return _bundled_glyphs()

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, char: object) -> bool:
        return char in self._rows

    def row(self, char: str) -> tuple[str, list[float]]:
        """``(neighbours, similarities)`` of ``char``, most similar first, one similarity per
        neighbour character; ``("", [])`` when unknown. Not memoised (two slices)."""
        span = self._rows.get(char)
        if span is None:
            return "", []
        start, end = span
        return self._neighbours[start:end], self._similarities[start:end].tolist()

    def get(self, char: str, default: tuple = ()) -> tuple[tuple[str, float], ...]:
        """``((neighbour, similarity), ...)`` most similar first; ``default`` when unknown."""
        parsed = self._parsed.get(char)
        if parsed is not None:
            return parsed
        if char not in self._rows:
            return default
        parsed = self._parsed[char] = tuple(zip(*self.row(char)))
        return parsed

    def __getitem__(self, char: str) -> tuple[tuple[str, float], ...]:
        if char not in self._rows:
            raise KeyError(char)
        return self.get(char)

    def __iter__(self) -> Iterator[str]:
        """The characters that have a row, in the table's order."""
        return iter(self._rows)


@functools.cache
def _bundled_glyphs() -> GlyphNeighbours:
    return GlyphNeighbours()


def load_glyph_neighbours(path: str | Path | None = None) -> dict[str, tuple[tuple[str, float], ...]]:
    """Every row parsed: ``{char: ((neighbour, similarity), ...)}`` (a malformed row raises at once)."""
    table = GlyphNeighbours(path)
    return {char: table.get(char) for char in table}


@dataclass
class ConfusionTable:
    """Mined OCR confusions: for each seen string, the strings meant and how often."""

    by_seen: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    sources: list[str] = field(default_factory=list)

    def meant_for(self, seen: str) -> dict[str, int]:
        """``{meant: count}`` for a seen string (empty when never mined)."""
        return self.by_seen.get(seen, {})


def load_confusions(paths: list[str | Path] | None = None) -> ConfusionTable:
    """Merge mined tables; by default every ``data/ocr_confusions*.tsv`` shipped in the package.

    The default tables are read once per process and shared (the char, script and lexicon
    stages all use them; nobody modifies a loaded table).
    """
    if paths is None:
        return _bundled_confusions()
    return _read_confusions(paths)


@functools.cache
def _bundled_confusions() -> ConfusionTable:
    return _read_confusions(bundled_confusion_paths())


def bundled_confusion_paths() -> list[Path]:
    """The shipped ``data/ocr_confusions*.tsv``, sorted by name."""
    folder = data_path("")
    return sorted(folder.glob("ocr_confusions*.tsv")) if folder.is_dir() else []


def _read_confusions(paths: Sequence[str | Path]) -> ConfusionTable:
    # Merged once per machine, then loaded from restore.tablecache.
    files = [Path(path) for path in paths]
    by_seen, sources = cached("confusions", files, lambda: _merge_confusions(files), version=1)
    return ConfusionTable(by_seen, sources)


def _merge_confusions(paths: Sequence[Path]) -> tuple[dict[str, dict[str, int]], list[str]]:
    table = ConfusionTable()
    for path in map(Path, paths):
        table.sources.append(path.name)
        for number, line in enumerate(_read_lines(path), 1):
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            try:
                if len(fields) != 3 or not fields[0] or not fields[1]:
                    raise ValueError("expected seen<TAB>meant<TAB>count")
                count = int(fields[2])
            except ValueError as exc:
                raise ResourceError(f"{path}:{number}: {exc}") from exc
            seen, meant = fields[0], fields[1]
            if seen != meant:
                table.by_seen[seen][meant] = table.by_seen[seen].get(meant, 0) + count
    return dict(table.by_seen), table.sources


class PhoneticNeighbours:
    """Characters grouped by toneless pinyin reading, most frequent first (a sound-alike channel).

    A character with several readings (了: le, liao) is in several groups; its neighbours are
    the first few characters of each.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else data_path(PHONETIC_TABLE)
        self._groups: dict[str, str] = {}
        readings: dict[str, list[str]] = defaultdict(list)
        for number, line in enumerate(_read_lines(self.path), 1):
            if not line or line.startswith("#"):
                continue
            reading, tab, chars = line.partition("\t")
            if not tab or not (reading.isascii() and reading.isalpha() and reading.islower()):
                raise ResourceError(f"{self.path}:{number}: expected reading<TAB>characters (lowercase pinyin)")
            if not chars or any(ch.isascii() or ch.isspace() for ch in chars) or len(set(chars)) != len(chars):
                raise ResourceError(f"{self.path}:{number}: the characters of {reading!r} must be distinct, non-ASCII")
            if reading in self._groups:
                raise ResourceError(f"{self.path}:{number}: reading {reading!r} listed twice")
            self._groups[reading] = chars
            for ch in chars:
                readings[ch].append(reading)
        self._readings = {ch: tuple(found) for ch, found in readings.items()}

    def __len__(self) -> int:
        return len(self._readings)

    def __contains__(self, char: object) -> bool:
        return char in self._readings

    def readings(self, char: str) -> tuple[str, ...]:
        """The toneless readings listed for ``char`` (empty when unknown)."""
        return self._readings.get(char, ())

    def group(self, reading: str) -> str:
        """Every character read ``reading``, most frequent first (empty when unknown)."""
        return self._groups.get(reading, "")

    def neighbours(self, char: str, limit: int, exclude: frozenset[str] = frozenset()) -> list[str]:
        """Up to ``limit`` characters per reading of ``char``, most frequent first, skipping ``exclude``."""
        found: list[str] = []
        for reading in self.readings(char):
            taken = 0
            for other in self._groups[reading]:
                if taken >= limit:
                    break
                if other == char or other in exclude:
                    continue
                taken += 1
                if other not in found:
                    found.append(other)
        return found
