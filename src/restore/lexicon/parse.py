"""Reading and linting lexicon files: one parser, which collects every problem it finds.

>>> text = "\\n".join([
...     "# restore-lexicon: 1", "# name: demo", "# kind: person", "# source: made up",
...     "# licence: CC0-1.0", "# columns: canonical\\ttraditional\\tvariants\\tcues\\tperiod\\tnote",
...     "李四\\t\\t\\t\\t\\t", "张三\\t\\t张叁\\t区长\\t2023\\tdemo"]) + "\\n"
>>> lexicon, problems = parse_lexicon(text, "demo.tsv")
>>> [e.canonical for e in lexicon.entries], problems
(['张三', '李四'], [Problem(path='demo.tsv', line=8, reason="not sorted: '张三' comes after '李四'")])
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from restore.errors import LexiconError
from restore.lexicon.escape import FORBIDDEN, decode_rule_text
from restore.lexicon.model import (
    COLUMNS,
    COLUMNS_V2,
    ENTITY,
    ENTRY_KINDS,
    FORMAT_VERSION,
    FORMAT_VERSIONS,
    ITEM_SEPARATOR,
    KEEP,
    MAX_RULE_PHRASE,
    PROJECT_KIND,
    RULES,
    RULES_VERSION,
    VARIANT,
    Entry,
    Lexicon,
    Problem,
)
from restore.scriptdata import ScriptTables

# Records one problem: (line number, reason).
Report = Callable[[int, str], None]

_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_DATE = r"\d{4}(?:-(?:0[1-9]|1[0-2]))?"
_PERIOD = re.compile(rf"(?P<start>{_DATE})?(?P<slash>/)?(?P<end>{_DATE})?\Z")
_REQUIRED = ("name", "kind", "source", "licence", "columns")
_HEADER_KEYS = frozenset((*_REQUIRED, "license", "restore-lexicon"))
# Format characters that are never part of a name: zero-width space/joiners, BOM, bidi marks.
_FORBIDDEN = FORBIDDEN
_FIRST_LINES = {f"# restore-lexicon: {version}": version for version in FORMAT_VERSIONS}
_FIRST_LINE_HELP = " or ".join(f"'# restore-lexicon: {version}'" for version in FORMAT_VERSIONS)
# Edit kinds a learned rule may name (restore.edits.KINDS; not imported to keep this module light).
_EDIT_KINDS = ("layout", "punct", "script", "entity", "char")
_SPAN = re.compile(r"(\d{1,9}):(\d{1,9})\Z")
_COUNT = re.compile(r"[1-9]\d{0,8}\Z")
# Length limits, in characters. The longest bundled form is 16 characters, cue 9, note 67; the
# limits leave room for real names and formulas while keeping absurd entries (a million-character
# line crashes the Aho-Corasick library) from ever reaching the matcher.
MAX_LINE_CHARS = 4_000
MAX_FORM_CHARS = 64
MAX_CUE_CHARS = 32
MAX_NOTE_CHARS = 1_000
MAX_ITEMS = 100
MAX_FILE_BYTES = 50_000_000
# A variant is rewritten wherever it occurs, so a real word (one of the known words of
# data/lm/words.txt) or a single character as a variant would rewrite ordinary text. Written
# with this mark in front (``!中心``) the lint accepts it: the author means it.
COMMON_MARK = "!"


def read_lexicon(
    path: str | Path, *, label: str | None = None, tables: ScriptTables | None = None
) -> tuple[Lexicon | None, list[Problem]]:
    """Parse the file at ``path``; returns the lexicon (``None`` if unusable) and every problem."""
    path = Path(path)
    shown = label if label is not None else str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(shown, 0, f"larger than {MAX_FILE_BYTES:,} bytes; not a lexicon")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, 0, f"cannot read: {exc.strerror or exc}")]
    except ValueError as exc:  # a NUL byte in the name
        return None, [Problem(shown, 0, f"not a usable file name ({exc})")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, line, f"not UTF-8 (byte {data[exc.start]:#04x} at offset {exc.start})")]
    return parse_lexicon(text, shown, tables=tables)


def load_lexicon(path: str | Path, *, label: str | None = None, tables: ScriptTables | None = None) -> Lexicon:
    """Parse the file at ``path``; any problem raises :class:`LexiconError` naming the file and line."""
    lexicon, problems = read_lexicon(path, label=label, tables=tables)
    if problems or lexicon is None:
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise LexiconError(f"bad lexicon {shown}{more}")
    return lexicon


def lint_lexicon(path: str | Path, *, tables: ScriptTables | None = None) -> list[Problem]:
    """Every problem of the file at ``path`` (empty when it is clean)."""
    return read_lexicon(path, tables=tables)[1]


def parse_lexicon(
    text: str, label: str, *, tables: ScriptTables | None = None, known_words: bool = True
) -> tuple[Lexicon | None, list[Problem]]:
    """Parse lexicon text; ``tables`` (when given) lets the traditional column be checked char by char.

    ``known_words=False`` skips the check of variants against the known-word list (the bundled
    lexicons, linted by the test suite, load without reading it).
    """
    problems: list[Problem] = []

    def report(line: int, reason: str) -> None:
        problems.append(Problem(label, line, reason))

    if text.startswith("\ufeff"):
        report(1, "starts with a byte-order mark (save as UTF-8 without BOM)")
        text = text[1:]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        report(len(lines), "no newline at the end of the file")
    header: dict[str, str] = {}
    entries: list[tuple[tuple[str, ...], Entry]] = []
    in_header = True
    previous: tuple[str, ...] = ()
    seen: set[tuple[str, ...]] = set()
    for number, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if raw.endswith("\r"):
            report(number, "CRLF line ending (use LF)")
        if not line.strip(" "):
            continue
        if line.startswith("#"):
            if number == 1:
                if line not in _FIRST_LINES:
                    report(1, f"first line must be {_FIRST_LINE_HELP}")
                header["restore-lexicon"] = _FIRST_LINES.get(line, FORMAT_VERSION)
            elif in_header:
                key, sep, value = line[1:].strip().partition(":")
                key = key.strip().lower()
                if sep and key in _HEADER_KEYS:
                    if key in header:
                        report(number, f"header field {key!r} given twice")
                    header["licence" if key == "license" else key] = value.strip()
            continue
        if number == 1:
            report(1, f"first line must be {_FIRST_LINE_HELP}")
        if in_header:
            in_header = False
            _check_header(header, number, report)
        version = header.get("restore-lexicon", FORMAT_VERSION)
        parsed = _parse_line(line, number, report, tables, version, known_words)
        if parsed is None:
            continue
        sort_key, entry = parsed
        shown = " ".join(sort_key)
        if sort_key in seen:
            report(number, f"duplicate entry {shown!r}")
        elif previous and sort_key < previous:
            report(number, f"not sorted: {shown!r} comes after {' '.join(previous)!r}")
        seen.add(sort_key)
        previous = max(previous, sort_key)
        entries.append((sort_key, entry))
    if not lines:
        report(1, "empty file")
    elif in_header:
        _check_header(header, len(lines), report)
        if "kind" in header:
            report(len(lines), "no entries")
    version = header.get("restore-lexicon", FORMAT_VERSION)
    if any(key not in header for key in ("name", "kind")) or header.get("kind") not in _kinds(version):
        return None, problems
    lexicon = Lexicon(
        name=header["name"],
        kind=header["kind"],
        source=header.get("source", ""),
        licence=header.get("licence", ""),
        label=label,
        entries=tuple(entry for _key, entry in sorted(entries, key=lambda pair: pair[0])),
        version=version,
    )
    return lexicon, problems


def _kinds(version: str) -> tuple[str, ...]:
    return (*ENTRY_KINDS, PROJECT_KIND) if version == RULES_VERSION else ENTRY_KINDS


def _check_header(header: dict[str, str], line: int, report: Report) -> None:
    version = header.get("restore-lexicon", FORMAT_VERSION)
    for key in _REQUIRED:
        if not header.get(key):
            report(line, f"header is missing '# {key}: ...'")
    name = header.get("name")
    if name and not _NAME.match(name):
        report(line, f"name {name!r} must be lowercase letters, digits and '-'")
    kind = header.get("kind")
    kinds = _kinds(version)
    if kind and kind not in kinds:
        report(line, f"kind {kind!r} is not one of {', '.join(kinds)}")
    columns = header.get("columns")
    expected = COLUMNS_V2 if version == RULES_VERSION else COLUMNS
    if columns and tuple(columns.split()) != expected:
        report(line, f"columns must be: {' '.join(expected)} (tab-separated)")


def _parse_line(
    line: str, number: int, report: Report, tables: ScriptTables | None, version: str, known_words: bool
) -> tuple[tuple[str, ...], Entry] | None:
    """The entry of one data line and its sort key (the canonical form; in version 2 the rule's fields)."""
    if len(line) > MAX_LINE_CHARS:
        report(number, f"line is {len(line):,} characters long (at most {MAX_LINE_CHARS:,})")
        return None
    fields = line.split("\t")
    if version != RULES_VERSION:
        entry = _parse_entry(fields, number, report, tables, known_words)
        return None if entry is None else ((entry.canonical,), entry)
    if len(fields) != len(COLUMNS_V2):
        report(number, f"expected {len(COLUMNS_V2)} tab-separated columns, found {len(fields)}")
        return None
    rule, edit_kind, span_field, confirmed_field, decisions_field = fields[len(COLUMNS):]
    key = (fields[0], rule, fields[2], span_field)
    if rule not in RULES:
        report(number, f"rule {rule!r} is not one of {', '.join(RULES)}")
        return None
    if edit_kind and edit_kind not in _EDIT_KINDS:
        report(number, f"edit_kind {edit_kind!r} is not one of {', '.join(_EDIT_KINDS)}")
    if not _COUNT.match(confirmed_field):
        report(number, f"confirmed {confirmed_field!r} must be a positive whole number")
    decisions = _items(decisions_field, "decisions", number, report) if decisions_field else ()
    for column, value in (("decisions", decisions_field), ("edit_kind", edit_kind), ("span", span_field)):
        reason = _bad_text(value, allow_separator=column == "decisions")
        if reason:
            report(number, f"{column}: {reason}")
            return None
    if rule == ENTITY:
        entry = _parse_entry(fields[: len(COLUMNS)], number, report, tables, known_words)
        if entry is None:
            return None
        if span_field:
            report(number, "span: only keep rules have a span")
    else:
        entry = _parse_rule(fields[: len(COLUMNS)], rule, span_field, number, report)
        if entry is None:
            return None
    extra = {
        "rule": rule,
        "edit_kind": edit_kind,
        "confirmed": int(confirmed_field) if _COUNT.match(confirmed_field) else 0,
        "decisions": tuple(_decoded(item, "decisions", number, report) for item in decisions),
    }
    return key, dataclasses.replace(entry, **extra)  # type: ignore[arg-type]


def _decoded(value: str, column: str, number: int, report: Report) -> str:
    try:
        return decode_rule_text(value)
    except ValueError as exc:
        report(number, f"{column}: {exc}")
        return value


def _parse_rule(
    fields: list[str], rule: str, span_field: str, number: int, report: Report
) -> Entry | None:
    """A keep or variant rule: escaped phrases (lexicons/README.md), no traditional, cues or period."""
    canonical_field, traditional, variants_field, cues_field, period, note = fields
    for column, value in zip(COLUMNS, fields):
        reason = _bad_text(value, allow_separator=column in ("variants", "note"))
        if reason:
            report(number, f"{column}: {reason}")
            return None
    if not canonical_field:
        report(number, "canonical form is empty")
        return None
    if traditional or cues_field or period:
        report(number, f"{rule} rules leave traditional, cues and period empty")
    canonical = _decoded(canonical_field, "canonical", number, report)
    items = _items(variants_field, "variants", number, report)
    variants = tuple(_decoded(item, "variants", number, report) for item in items)
    longest = max(len(phrase) for phrase in (canonical, *variants))
    if longest > MAX_RULE_PHRASE:
        report(number, f"a {rule} rule's phrase has {longest} characters (at most {MAX_RULE_PHRASE})")
        return None
    span = None
    if rule == KEEP:
        match = _SPAN.match(span_field)
        if variants:
            report(number, "keep rules have no variants")
        if match is None:
            report(number, f"span {span_field!r} must be START:END inside the phrase")
            return None
        span = (int(match[1]), int(match[2]))
        if not span[0] <= span[1] <= len(canonical):
            report(number, f"span {span_field!r} is not inside the phrase ({len(canonical)} characters)")
            return None
    else:
        if span_field:
            report(number, "span: only keep rules have a span")
        if len(variants) != 1:
            report(number, "a variant rule has exactly one variant (the phrase as printed)")
            return None
        if variants[0] == canonical:
            report(number, f"variant {variants[0]!r} is the entry's own form")
    return Entry(canonical, "", variants, (), "", note, number, span=span)


def _parse_entry(
    fields: list[str], number: int, report: Report, tables: ScriptTables | None, known_words: bool
) -> Entry | None:
    if len(fields) != len(COLUMNS):
        report(number, f"expected {len(COLUMNS)} tab-separated columns, found {len(fields)}")
        return None
    canonical, traditional, variants_field, cues_field, period, note = fields
    ok = True
    for column, value in zip(COLUMNS, fields):
        reason = _bad_text(value, allow_separator=column in ("variants", "cues", "note"))
        if reason:
            report(number, f"{column}: {reason}")
            ok = False
    if not ok:
        return None
    if not canonical:
        report(number, "canonical form is empty")
        return None
    if traditional:
        reason = _bad_traditional(canonical, traditional, tables)
        if reason:
            report(number, f"traditional: {reason}")
    variants = _items(variants_field, "variants", number, report)
    cues = _items(cues_field, "cues", number, report)
    _check_lengths(canonical, traditional, variants, cues, note, number, report)
    marked = {variant for variant in variants if variant.startswith(COMMON_MARK)}
    variants = tuple(variant.removeprefix(COMMON_MARK) for variant in variants)
    for variant in variants:
        if variant in (canonical, traditional):
            report(number, f"variant {variant!r} is the entry's own form")
        elif COMMON_MARK + variant not in marked:
            reason = _common_variant(variant, known_words)
            if reason:
                report(number, f"variant {variant!r} is {reason}: it would be rewritten wherever it occurs "
                       f"(write it '{COMMON_MARK}{variant}' if that is meant)")
    match = _PERIOD.match(period)
    if period and (not match or not (match["start"] or match["end"]) or (match["end"] and not match["slash"])):
        report(number, f"period {period!r} must look like 2023, 2021/2024, 2024-12/ or /2023")
    elif period and match and match["start"] and match["end"] and match["start"] > match["end"]:
        report(number, f"period {period!r} ends before it starts")
    return Entry(canonical, traditional, variants, cues, period, note, number)


def _check_lengths(
    canonical: str,
    traditional: str,
    variants: tuple[str, ...],
    cues: tuple[str, ...],
    note: str,
    number: int,
    report: Report,
) -> None:
    for column, values, limit in (
        ("canonical", (canonical,), MAX_FORM_CHARS),
        ("traditional", (traditional,), MAX_FORM_CHARS),
        ("variants", variants, MAX_FORM_CHARS + len(COMMON_MARK)),
        ("cues", cues, MAX_CUE_CHARS),
        ("note", (note,), MAX_NOTE_CHARS),
    ):
        longest = max(values, key=len, default="")
        if len(longest) > limit:
            report(number, f"{column}: {longest[:12]!r}… is {len(longest):,} characters long (at most {limit})")
    for column, items in (("variants", variants), ("cues", cues)):
        if len(items) > MAX_ITEMS:
            report(number, f"{column}: {len(items)} items (at most {MAX_ITEMS})")


def _common_variant(variant: str, known_words: bool) -> str:
    """Why a variant would rewrite ordinary text (a single character, a known word), or ``""``."""
    if len(variant.replace(" ", "")) <= 1:
        return "a single character"
    if known_words and variant in _known_words():
        return "a common word (data/lm/words.txt)"
    return ""


@functools.lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """The shipped known-word list, read once (a read-only resource)."""
    from restore.lm.model import load_words

    return load_words()


def _items(value: str, column: str, number: int, report: Report) -> tuple[str, ...]:
    if not value:
        return ()
    items = value.split(ITEM_SEPARATOR)
    for item in items:
        if not item or item != item.strip():
            report(number, f"{column}: empty item or item with surrounding spaces in {value!r}")
    if len(set(items)) != len(items):
        report(number, f"{column}: repeated item in {value!r}")
    return tuple(item for item in items if item)


def _bad_text(value: str, *, allow_separator: bool) -> str:
    """Why ``value`` cannot appear in a lexicon field, or ``""``."""
    if value != value.strip():
        return f"leading or trailing space in {value!r}"
    if "  " in value:
        return f"double space in {value!r}"
    if not allow_separator and ITEM_SEPARATOR in value:
        return f"'{ITEM_SEPARATOR}' in {value!r}"
    for char in value:
        category = unicodedata.category(char)
        if char in _FORBIDDEN or category in ("Cc", "Cf", "Co", "Cs", "Cn"):
            return f"bad character U+{ord(char):04X} in {value!r}"
        if "\uff01" <= char <= "\uff5e" and char not in "，（）：；！？":
            return f"full-width Latin character {char!r} in {value!r} (use half-width)"
    return ""


def _bad_traditional(canonical: str, traditional: str, tables: ScriptTables | None) -> str:
    if traditional == canonical:
        return ""
    if len(traditional) != len(canonical):
        return f"{traditional!r} is not the same length as {canonical!r}"
    if tables is None:
        return ""
    for simplified_char, traditional_char in zip(canonical, traditional):
        if simplified_char == traditional_char:
            continue
        forward = tables.to_traditional.get(simplified_char, ())
        backward = tables.to_simplified.get(traditional_char, ())
        if traditional_char not in forward and simplified_char not in backward:
            return f"{traditional_char!r} is not a traditional form of {simplified_char!r}"
    return ""

