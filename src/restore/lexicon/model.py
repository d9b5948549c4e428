"""The parsed form of a lexicon file: a header and sorted entries (see ``lexicons/README.md``)."""

from __future__ import annotations

from dataclasses import dataclass

FORMAT_VERSION = "1"
# Version 2 adds the columns of project rules learned from review decisions (``restore learn``).
RULES_VERSION = "2"
FORMAT_VERSIONS = (FORMAT_VERSION, RULES_VERSION)
ENTRY_KINDS = ("person", "place", "org", "event", "term")
# A version-2 file learned from decisions mixes rules about names, terms and any phrase.
PROJECT_KIND = "project"
COLUMNS = ("canonical", "traditional", "variants", "cues", "period", "note")
RULE_COLUMNS = ("rule", "edit_kind", "span", "confirmed", "decisions")
COLUMNS_V2 = COLUMNS + RULE_COLUMNS
# What a version-2 line is: an ordinary entry (the lexicon stage's), text to keep as written,
# or a known variant of a phrase (seen -> right, with its context).
ENTITY, KEEP, VARIANT = "entity", "keep", "variant"
RULES = (ENTITY, KEEP, VARIANT)
# Longest phrase (context included) a keep or variant rule may hold, in code points: a rule is
# a change in its immediate surroundings, never a paragraph (restore learn skips longer ones).
MAX_RULE_PHRASE = 48
# Separates the items of the multi-valued columns (variants, cues); themes contain spaces.
ITEM_SEPARATOR = "|"


@dataclass(frozen=True)
class Entry:
    """One line of a lexicon: a canonical name and what is known about it.

    ``traditional`` is empty when OpenCC ``s2tw`` derives it correctly;
    ``variants`` are known wrong spellings (OCR or conversion slips);
    ``cues`` are words that appear near the name (titles, roles);
    ``line`` is the 1-based line number in the file.

    Lines of a version-2 file also say which ``rule`` they are (``entity``, ``keep``,
    ``variant``; ``""`` in version 1), the ``edit_kind`` of the change they were learned
    from, the ``span`` ``(start, end)`` of a keep rule's protected text inside
    ``canonical`` (the phrase as written), how often reviewers ``confirmed`` the rule and
    the ``decisions`` files it was learned from. A keep rule's ``canonical`` is the phrase
    as printed; a variant rule's is the right phrase and its one ``variants`` item the
    phrase as printed.
    """

    canonical: str
    traditional: str = ""
    variants: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    period: str = ""
    note: str = ""
    line: int = 0
    rule: str = ""
    edit_kind: str = ""
    span: tuple[int, int] | None = None
    confirmed: int = 0
    decisions: tuple[str, ...] = ()

    @property
    def is_entity(self) -> bool:
        """Whether the lexicon stage matches this entry (every version-1 line, ``entity`` rules)."""
        return self.rule in ("", ENTITY)

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
    version: str = FORMAT_VERSION

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
