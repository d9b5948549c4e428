"""The parsed form of a lexicon file: a header and sorted entries (see ``lexicons/README.md``)."""

from __future__ import annotations

from dataclasses import dataclass

FORMAT_VERSION = "1"
ENTRY_KINDS = ("person", "place", "org", "event", "term")
COLUMNS = ("canonical", "traditional", "variants", "cues", "period", "note")
# Separates the items of the multi-valued columns (variants, cues); themes contain spaces.
ITEM_SEPARATOR = "|"


@dataclass(frozen=True)
class Entry:
    """One line of a lexicon: a canonical name and what is known about it.

    ``traditional`` is empty when OpenCC ``s2tw`` derives it correctly;
    ``variants`` are known wrong spellings (OCR or conversion slips);
    ``cues`` are words that appear near the name (titles, roles);
    ``line`` is the 1-based line number in the file.
    """

    canonical: str
    traditional: str = ""
    variants: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    period: str = ""
    note: str = ""
    line: int = 0

    def years(self) -> tuple[int, int] | None:
        """The years of ``period`` as an inclusive range (open ends widened), ``None`` without one.

        >>> Entry("王华", period="2024-12/").years(), Entry("钟晓咏", period="2023").years()
        ((2024, 9999), (2023, 2023))
        """
        if not self.period:
            return None
        start, slash, end = self.period.partition("/")
        first = int(start[:4]) if start else 0
        last = int(end[:4]) if end else (9999 if slash else first)
        return first, last


@dataclass(frozen=True)
class Lexicon:
    """A parsed lexicon file.

    ``label`` names the file in evidence (the bare file name of a bundled
    lexicon, the path as given for a user's).
    """

    name: str
    kind: str
    source: str
    licence: str
    label: str
    entries: tuple[Entry, ...]

    @property
    def source_id(self) -> str:
        """The stable edit source of this lexicon, e.g. ``lexicon:xuhui-officials``."""
        return f"lexicon:{self.name}"


@dataclass(frozen=True)
class Problem:
    """A lint finding, printed as ``file:line: reason``."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"
