"""Curated lexicons: the file format, linting, loading, and the matcher the lexicon stage uses.

>>> from restore.lexicon import bundled_lexicon_files, lint_lexicon
>>> all(not lint_lexicon(str(f)) for f in bundled_lexicon_files())
True
"""

from __future__ import annotations

from restore.lexicon.loading import (
    bundled_lexicon_dir,
    bundled_lexicon_files,
    load_bundled_lexicons,
    load_lexicons,
    load_user_lexicons,
    with_user_lexicons,
)
from restore.lexicon.model import COLUMNS, FORMAT_VERSION, ENTRY_KINDS, Entry, Lexicon, Problem
from restore.lexicon.parse import lint_lexicon, load_lexicon, parse_lexicon, read_lexicon

__all__ = [
    "COLUMNS",
    "FORMAT_VERSION",
    "ENTRY_KINDS",
    "Entry",
    "Lexicon",
    "Problem",
    "bundled_lexicon_dir",
    "bundled_lexicon_files",
    "lint_lexicon",
    "load_bundled_lexicons",
    "load_lexicon",
    "load_lexicons",
    "load_user_lexicons",
    "parse_lexicon",
    "read_lexicon",
    "with_user_lexicons",
]
