"""The character-level traditional -> simplified map the language model scores through.

Read from the OpenCC-derived ``data/opencc_tables.tsv`` (section ``t2s-char``); a
character with several simplified forms takes OpenCC's first (its default). Only
one-character to one-character entries are kept, so offsets never move.
"""

from __future__ import annotations

from restore.errors import ResourceError
from restore.resources import data_path, read_data_lines
from restore.tablecache import cached

TABLE = "opencc_tables.tsv"

# Taiwan-usage characters OpenCC's t2s keeps as they are but a mainland news model never saw;
# scored as their mainland equivalents so the LM does not treat them as unknown (牠們 = 它们).
# Corner quotes (Taiwan, Hong Kong) are scored as the curly quotes the model was trained on.
SCORING_VARIANTS = {"牠": "它", "妳": "你", "祂": "他", "祢": "你", "「": "“", "」": "”", "『": "‘", "』": "’"}


def load_t2s() -> dict[str, str]:
    """``{traditional char: simplified char}`` for every character whose form differs.

    Callers load it once and keep it (the char stage holds it per corrector). Parsed once per
    machine and then loaded from :mod:`restore.tablecache`.
    """
    mapping: dict[str, str] = cached("t2s-chars", [data_path(TABLE)], _read_t2s, version=1)
    for variant, mainland in SCORING_VARIANTS.items():
        mapping.setdefault(variant, mainland)
    return mapping


def _read_t2s() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for line in read_data_lines(TABLE):
        if not line.startswith("t2s-char\t"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not fields[2]:
            raise ResourceError(f"{TABLE}: bad t2s-char line {line[:30]!r}")
        first = fields[2].split(" ")[0]
        if len(fields[1]) == 1 and len(first) == 1 and first != fields[1]:
            mapping[fields[1]] = first
    return mapping


def load_script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(simplified-only characters, traditional-only characters) by OpenCC's character tables.

    Simpler than :class:`restore.scriptdata.ScriptTables`' sets on purpose: the char stage
    was calibrated with these. Parsed once per machine (:mod:`restore.tablecache`).
    """
    simplified, traditional = cached("script-sets", [data_path(TABLE)], _read_script_sets, version=1)
    return simplified, traditional


def _read_script_sets() -> tuple[frozenset[str], frozenset[str]]:
    simplified_only: set[str] = set()
    traditional_only: set[str] = set()
    for line in read_data_lines(TABLE):
        section, _, rest = line.partition("\t")
        if section not in ("s2t-char", "t2s-char"):
            continue
        key, _, values = rest.partition("\t")
        if len(key) == 1 and key not in values.split(" "):
            (simplified_only if section == "s2t-char" else traditional_only).add(key)
    return frozenset(simplified_only), frozenset(traditional_only)
