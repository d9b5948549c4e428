"""Script knowledge: which characters belong to one script only, and OpenCC's phrase choices.

Built from ``data/opencc_tables.tsv`` (derived from OpenCC's dictionaries by
``scripts/build/build_script_tables.py``) on first use and held by the stage that uses it.

>>> tables = ScriptTables.load()
>>> tables.is_simplified_only("层"), tables.is_simplified_only("台"), tables.is_traditional_only("層")
(True, False, True)
>>> tables.detect("基層養老服務")
'traditional'
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from restore.chars import Translation
from restore.errors import ResourceError
from restore.resources import data_path, read_data_lines
from restore.tablecache import cached

SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
# What ScriptTables.counts turns simplified-only and traditional-only characters into to count them.
_SIMPLIFIED_MARK, _TRADITIONAL_MARK = "\x01", "\x02"


@dataclass(frozen=True)
class ScriptTables:
    """Character candidates and phrase conversions in both directions."""

    to_traditional: dict[str, tuple[str, ...]]
    to_simplified: dict[str, tuple[str, ...]]
    traditional_phrases: Mapping[str, str]
    simplified_phrases: Mapping[str, str]
    simplified_only: frozenset[str]
    traditional_only: frozenset[str]
    # Simplified views of forms traditional print accepts (平台, 發布), for matching mixed text.
    accepted_views: frozenset[str]
    longest_phrase: int

    @classmethod
    def load(cls) -> ScriptTables:
        """The bundled tables, read once per process (the script and lexicon stages share them; never modified)."""
        return _bundled_tables()

    @classmethod
    def read(cls) -> ScriptTables:
        """Read the bundled tables afresh (about 50 ms on an idle machine)."""
        sections: dict[str, dict[str, tuple[str, ...]]] = {
            name: {} for name in ("s2t-char", "t2s-char", "tw-variant", "s2t-phrase", "t2s-phrase")
        }
        for number, line in enumerate(read_data_lines("opencc_tables.tsv"), start=1):
            parts = line.split("\t")
            if len(parts) != 3 or parts[0] not in sections:
                raise ResourceError(f"opencc_tables.tsv: bad line {number}: {line[:40]!r}")
            sections[parts[0]][parts[1]] = tuple(parts[2].split(" "))
        s2t, t2s, tw = sections["s2t-char"], sections["t2s-char"], sections["tw-variant"]
        traditional_forms = {c for values in s2t.values() for c in values} | set(t2s) | {v[0] for v in tw.values()}
        simplified_forms = {c for values in t2s.values() for c in values} | set(s2t)
        accepted = frozenset(
            "".join(t2s[c][0] if c in t2s else c for c in line.split("\t")[0])
            for line in read_data_lines("script_accepted.tsv")
        )
        phrases_s2t = {key: values[0] for key, values in sections["s2t-phrase"].items()}
        phrases_t2s = {key: values[0] for key, values in sections["t2s-phrase"].items()}
        return cls(
            to_traditional=s2t,
            to_simplified=t2s,
            traditional_phrases=phrases_s2t,
            simplified_phrases=phrases_t2s,
            simplified_only=frozenset(c for c, v in s2t.items() if c not in v and c not in traditional_forms),
            traditional_only=frozenset(c for c, v in t2s.items() if c not in v and c not in simplified_forms),
            accepted_views=accepted,
            longest_phrase=max(len(k) for k in (*phrases_s2t, *phrases_t2s)),
        )

    def is_simplified_only(self, char: str) -> bool:
        """True for a character that only simplified text uses (层, 养)."""
        return char in self.simplified_only

    def is_traditional_only(self, char: str) -> bool:
        """True for a character that only traditional text uses (層, 養)."""
        return char in self.traditional_only

    def counts(self, text: str) -> tuple[int, int]:
        """(simplified-only, traditional-only) character counts of ``text``.

        >>> ScriptTables.load().counts("基層养老服務\\x01")
        (1, 2)
        """
        # One str.translate marks every such character, str.count counts the marks: both in C,
        # where two Python loops over the text cost several times as much. A mark already in the
        # text is taken off.
        marked = self._marks(text)
        return (
            marked.count(_SIMPLIFIED_MARK) - text.count(_SIMPLIFIED_MARK),
            marked.count(_TRADITIONAL_MARK) - text.count(_TRADITIONAL_MARK),
        )

    @functools.cached_property
    def _marks(self) -> Translation:
        # The two sets are disjoint by construction (a traditional-only character is a traditional
        # form, which a simplified-only one never is), so each character gets one mark.
        marks: dict[int, str | int | None] = dict.fromkeys(map(ord, self.simplified_only), _SIMPLIFIED_MARK)
        marks.update(dict.fromkeys(map(ord, self.traditional_only), _TRADITIONAL_MARK))
        return Translation(marks)

    def detect(self, text: str, *, ratio: float = 3.0, minimum: int = 1) -> str:
        """``"simplified"``, ``"traditional"`` or ``""`` when neither clearly dominates."""
        return dominant_script(*self.counts(text), ratio=ratio, minimum=minimum)

    def phrase_choice(self, view: str, index: int, *, to_script: str) -> tuple[str, str]:
        """The longest dictionary phrase of ``view`` covering ``index``, and the character it writes there.

        ``view`` is in the source script; returns ``("", "")`` when no phrase covers the index.

        >>> ScriptTables.load().phrase_choice("区域联系", 3, to_script="traditional")
        ('联系', '繫')
        """
        phrases = self.traditional_phrases if to_script == TRADITIONAL else self.simplified_phrases
        for length in range(min(self.longest_phrase, len(view)), 1, -1):
            for start in range(max(0, index - length + 1), min(index, len(view) - length) + 1):
                converted = phrases.get(view[start : start + length])
                if converted is not None:
                    return view[start : start + length], converted[index - start]
        return "", ""


def dominant_script(simplified: int, traditional: int, *, ratio: float, minimum: int) -> str:
    """The script of ``simplified``/``traditional``-only character counts, or ``""`` when neither dominates.

    A script dominates with at least ``minimum`` characters and ``ratio`` times the other's.

    >>> dominant_script(1, 9, ratio=3.0, minimum=2), dominant_script(4, 6, ratio=3.0, minimum=2)
    ('traditional', '')
    """
    if traditional >= minimum and traditional >= ratio * simplified:
        return TRADITIONAL
    if simplified >= minimum and simplified >= ratio * traditional:
        return SIMPLIFIED
    return ""


# The fields read only when a text needs converting: 49,000 of the 53,000 rows are phrases.
_PHRASE_FIELDS = ("traditional_phrases", "simplified_phrases")


@functools.cache
def _bundled_tables() -> ScriptTables:
    # Parsed once per machine, not per process (restore.tablecache), the phrases on first use.
    fields = dict(zip(_CORE_FIELDS, cached("script-tables", _sources(), _core_fields, version=2)))
    for index, name in enumerate(_PHRASE_FIELDS):
        fields[name] = _DeferredTable(functools.partial(_bundled_phrase_table, index))
    return ScriptTables(**fields)


_CORE_FIELDS = tuple(field.name for field in dataclasses.fields(ScriptTables) if field.name not in _PHRASE_FIELDS)


def _sources() -> list[Path]:
    return [data_path("opencc_tables.tsv"), data_path("script_accepted.tsv")]


def _core_fields() -> tuple:
    tables = ScriptTables.read()
    return tuple(getattr(tables, name) for name in _CORE_FIELDS)


def _bundled_phrase_table(index: int) -> dict[str, str]:
    return _bundled_phrases()[index]


@functools.cache
def _bundled_phrases() -> tuple:
    def read() -> tuple:
        tables = ScriptTables.read()
        return tuple(getattr(tables, name) for name in _PHRASE_FIELDS)

    return cached("script-phrases", _sources(), read, version=1)


class _DeferredTable(Mapping[str, str]):
    """A read-only table loaded on first use (a simplified page never converts a phrase)."""

    def __init__(self, load: Callable[[], dict[str, str]]) -> None:
        self._load = load
        self._table: dict[str, str] | None = None

    def _loaded(self) -> dict[str, str]:
        table = self._table
        if table is None:
            table = self._table = self._load()
        return table

    def __getitem__(self, key: str) -> str:
        return self._loaded()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._loaded().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._loaded()

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())
