"""The character-level traditional -> simplified map the language model scores through.

Read from the OpenCC-derived ``data/opencc_tables.tsv`` (section ``t2s-char``); a
character with several simplified forms takes OpenCC's first (its default). Only
one-character to one-character entries are kept, so offsets never move.
"""

from __future__ import annotations

import functools
import importlib.resources

from restore.errors import ResourceError

TABLE = "opencc_tables.tsv"

# Taiwan-usage characters OpenCC's t2s keeps as they are but a mainland news model never saw;
# scored as their mainland equivalents so the LM does not treat them as unknown (牠們 = 它们).
# Corner quotes (Taiwan, Hong Kong) are scored as the curly quotes the model was trained on.
SCORING_VARIANTS = {"牠": "它", "妳": "你", "祂": "他", "祢": "你", "「": "“", "」": "”", "『": "‘", "』": "’"}


@functools.lru_cache(maxsize=1)
def load_t2s() -> dict[str, str]:
    """``{traditional char: simplified char}`` for every character whose form differs."""
    resource = importlib.resources.files("restore") / "data" / TABLE
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"{resource}: cannot read the script tables: {exc}") from exc
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#") or not line.startswith("t2s-char\t"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not fields[2]:
            raise ResourceError(f"{resource}:{number}: bad t2s-char line")
        first = fields[2].split(" ")[0]
        if len(fields[1]) == 1 and len(first) == 1 and first != fields[1]:
            mapping[fields[1]] = first
    for variant, mainland in SCORING_VARIANTS.items():
        mapping.setdefault(variant, mainland)
    return mapping


@functools.lru_cache(maxsize=1)
def load_script_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(simplified-only characters, traditional-only characters) by OpenCC's character tables."""
    resource = importlib.resources.files("restore") / "data" / TABLE
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"{resource}: cannot read the script tables: {exc}") from exc
    simplified_only: set[str] = set()
    traditional_only: set[str] = set()
    for line in text.splitlines():
        section, _, rest = line.partition("\t")
        if section not in ("s2t-char", "t2s-char"):
            continue
        key, _, values = rest.partition("\t")
        if len(key) == 1 and key not in values.split(" "):
            (simplified_only if section == "s2t-char" else traditional_only).add(key)
    return frozenset(simplified_only), frozenset(traditional_only)
