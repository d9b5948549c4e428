"""Finding the bundled lexicons and loading them with the user's.

A wheel carries the repository's ``lexicons/`` folder as ``restore/_lexicons``
(hatch ``force-include``); an editable install has no such folder, so the
repository-root ``lexicons/`` next to ``src/`` is used instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from restore.config import Config
from restore.errors import LexiconError, ResourceError
from restore.lexicon.model import Lexicon
from restore.lexicon.parse import parse_lexicon, read_lexicon
from restore.scriptdata import ScriptTables

log = logging.getLogger(__name__)

PACKAGED_DIR = "_lexicons"


def bundled_lexicon_dir() -> Traversable:
    """The folder holding the bundled ``.tsv`` lexicons; :class:`ResourceError` when there is none."""
    packaged = resources.files("restore") / PACKAGED_DIR
    if packaged.is_dir():
        return packaged
    # Editable install or source checkout: src/restore/__init__.py -> repository root.
    package_dir = Path(str(resources.files("restore")))
    repository = package_dir.parent.parent / "lexicons"
    if repository.is_dir():
        return repository
    raise ResourceError(
        f"the bundled lexicons are missing: neither {packaged} nor {repository} exists (reinstall restore)"
    )


def bundled_lexicon_files() -> list[Traversable]:
    """The bundled lexicon files, sorted by name."""
    folder = bundled_lexicon_dir()
    return sorted((f for f in folder.iterdir() if f.name.endswith(".tsv") and f.is_file()), key=lambda f: f.name)


def load_bundled_lexicons(*, tables: ScriptTables | None = None) -> list[Lexicon]:
    """Parse every bundled lexicon; a bad one is a :class:`ResourceError` (the package is broken)."""
    lexicons = []
    for item in bundled_lexicon_files():
        try:
            text = item.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ResourceError(f"bundled lexicon {item.name} is not UTF-8: {exc}") from exc
        lexicon, problems = parse_lexicon(text, item.name, tables=tables, known_words=False)
        if problems or lexicon is None:
            raise ResourceError(f"bundled lexicon is broken: {problems[0] if problems else item.name}")
        lexicons.append(lexicon)
    return lexicons


def load_user_lexicons(paths: Iterable[str | Path], *, tables: ScriptTables | None = None) -> list[Lexicon]:
    """Parse the user's lexicon files; any problem raises :class:`LexiconError` naming file and line."""
    lexicons = []
    for path in paths:
        lexicon, problems = read_lexicon(path, tables=tables)
        if problems or lexicon is None:
            listed = "; ".join(str(p) for p in problems[:3])
            more = f" (and {len(problems) - 3} more problems)" if len(problems) > 3 else ""
            raise LexiconError(f"bad lexicon {listed}{more}")
        lexicons.append(lexicon)
    return lexicons


def load_lexicons(config: Config, *, tables: ScriptTables | None = None) -> list[Lexicon]:
    """The lexicons a corrector uses: the bundled ones (unless disabled) then ``config.lexicons``."""
    lexicons = load_bundled_lexicons(tables=tables) if config.lexicon.bundled else []
    lexicons.extend(load_user_lexicons(config.lexicons, tables=tables))
    log.debug("loaded %d lexicons, %d entries", len(lexicons), sum(len(x.entries) for x in lexicons))
    return lexicons


def with_user_lexicons(config: Config, paths: Sequence[str | Path]) -> Config:
    """``config`` with more user lexicons, each checked now so a bad file fails before any work.

    This is what ``restore fix --lexicon my.tsv`` calls.

    >>> with_user_lexicons(Config(), []).lexicons
    ()
    """
    if not paths:
        return config
    load_user_lexicons(paths)
    return config.replace(lexicons=(*config.lexicons, *(str(p) for p in paths)))
