"""OpenCC conversions of the lexicons' strings, remembered from one process to the next.

Building the lexicon index converts every entry's forms and cues to the other script with
OpenCC. Importing OpenCC and loading its dictionaries costs 100-250 ms of a cold
``restore fix``, for a few thousand short strings that come out the same on every run. So the
conversions are stored through :mod:`restore.tablecache`, keyed by the lexicon files, OpenCC's
compiled library and the two config names, and OpenCC is loaded only for a string the stored
conversions do not hold (a new lexicon entry, a first run).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path

from restore import tablecache
from restore.errors import ResourceError

# Bumped when what is stored changes shape.
VERSION = 1


class RememberedConversions:
    """``forward``/``backward`` convert like ``OpenCC(to_traditional)``/``OpenCC(to_simplified)``.

    ``sources`` are the files whose strings will be converted (the lexicons): they key the
    stored conversions. Call :meth:`save` once the conversions are done. Not shared between
    threads (one index build uses one). :class:`ResourceError` when OpenCC is needed and missing.

    >>> conversions = RememberedConversions("s2t", "t2s", [])
    >>> conversions.forward("发展"), conversions.backward("發展")
    ('發展', '发展')
    """

    def __init__(self, to_traditional: str, to_simplified: str, sources: Sequence[Path]) -> None:
        self._configs = (to_traditional, to_simplified)
        library = _opencc_library()
        self._path = (
            tablecache.entry_path("opencc", [*sources, library], VERSION, variant=f"{to_traditional}\0{to_simplified}")
            if library is not None
            else None
        )
        stored = tablecache.load(self._path) if self._path is not None else None
        self._known: tuple[dict[str, str], dict[str, str]] = (
            (stored[0], stored[1]) if isinstance(stored, tuple) and len(stored) == 2 else ({}, {})
        )
        self._opencc: tuple[Callable[[str], str], Callable[[str], str]] | None = None
        self._added = False

    def forward(self, text: str) -> str:
        """``text`` converted by the ``to_traditional`` config."""
        return self._convert(0, text)

    def backward(self, text: str) -> str:
        """``text`` converted by the ``to_simplified`` config."""
        return self._convert(1, text)

    def _convert(self, direction: int, text: str) -> str:
        known = self._known[direction]
        found = known.get(text)
        if found is None:
            if self._opencc is None:
                self._opencc = opencc_converters(*self._configs)
            found = known[text] = self._opencc[direction](text)
            self._added = True
        return found

    def save(self) -> None:
        """Store the conversions for the next process when this one had to make new ones."""
        if self._added and self._path is not None:
            tablecache.store(self._path, self._known)
            self._added = False


def opencc_converters(to_traditional: str, to_simplified: str) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """The two OpenCC converters' ``convert``; :class:`ResourceError` when OpenCC or a config is missing."""
    try:
        import opencc
    except ImportError as exc:
        raise ResourceError("the lexicon stage needs the 'opencc' package") from exc
    try:
        forward, backward = opencc.OpenCC(to_traditional), opencc.OpenCC(to_simplified)
    except Exception as exc:  # OpenCC raises bare RuntimeError/ValueError for a bad config name
        raise ResourceError(f"OpenCC configs {to_traditional!r}/{to_simplified!r} cannot be loaded: {exc}") from exc
    return forward.convert, backward.convert


def _opencc_library() -> Path | None:
    """OpenCC's compiled library (its bytes change with its version), found without importing it."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        return None
    found = sorted((Path(spec.origin).parent / "clib").glob("opencc_clib*"))
    return found[0] if found else Path(spec.origin)
