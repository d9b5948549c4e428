"""Parsed data tables kept on disk in a compact binary form, so a new process skips the parsing.

Reading the shipped text tables (OpenCC script tables, glyph neighbours, mined confusions, the
word list) costs most of a cold ``restore fix PAGE``: each is a few MB of TSV parsed line by line
in Python. :func:`cached` parses a table once, stores the result with :mod:`marshal` (plain
dicts, tuples, strings, numbers and frozensets; loads several times faster than the text parses)
and later processes load that instead.

Where: ``$RESTORE_CACHE_DIR`` when set (an empty value turns the cache off), else
``$XDG_CACHE_HOME/restore``, else ``~/.cache/restore``; never the package folder, which may be
read-only. A file is named by the table and a key hashed from the source files' *contents*
(BLAKE2b), the table's layout version and the marshal format, so an edited or reinstalled table,
or a new Python, is parsed afresh; stale files are simply never read again. A file that cannot
be written (read-only home) or read back (truncated) costs only the parse, never an error.

>>> import os, tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> os.environ["RESTORE_CACHE_DIR"] = str(folder / "cache")
>>> source = folder / "pairs.tsv"; _ = source.write_text("a\\t1\\nb\\t2\\n", encoding="utf-8")
>>> parse = lambda: {k: int(v) for k, v in (line.split("\\t") for line in source.read_text().splitlines())}
>>> cached("pairs", [source], parse, version=1)
{'a': 1, 'b': 2}
>>> len(list((folder / "cache").glob("pairs-*.marshal")))   # the next process loads this file
1
>>> cached("pairs", [source], lambda: "not parsed again", version=1)
{'a': 1, 'b': 2}
>>> del os.environ["RESTORE_CACHE_DIR"]
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

ENV_DIR = "RESTORE_CACHE_DIR"
# Bumped when the cache's own layout (file naming, key recipe) changes.
CACHE_LAYOUT = 1

# Content hashes of source files this process already hashed, by (path, size, mtime in ns):
# several tables read the same file (opencc_tables.tsv feeds three).
_hashes: dict[tuple[str, int, int], str] = {}
_hashes_lock = threading.Lock()


def cache_dir() -> Path | None:
    """The folder cached tables go to, or ``None`` when ``$RESTORE_CACHE_DIR`` is set empty (off)."""
    configured = os.environ.get(ENV_DIR)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "restore"


def cached(name: str, sources: Sequence[Path], build: Callable[[], T], *, version: int, variant: str = "") -> T:
    """``build()``, or its result stored by an earlier process from the same ``sources``.

    ``build`` must return a value :mod:`marshal` can store (no class instances). ``version``
    is the layout of that value: bump it when ``build`` changes what it returns. ``variant``
    holds whatever else ``build`` depends on (settings), as text. A source that cannot be read
    is left to ``build`` to report (it is called, nothing is cached).
    """
    path = entry_path(name, sources, version, variant=variant)
    if path is None:
        return build()
    found = load(path)
    if found is not None:
        return found
    value = build()
    store(path, value)
    return value


def entry_path(name: str, sources: Sequence[Path], version: int, *, variant: str = "") -> Path | None:
    """The cache file of table ``name`` built from ``sources``; ``None`` when the cache is off
    or a source cannot be read. ``variant`` tells apart tables built from the same sources with
    different settings."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        key = _key(name, variant, sources, version)
    except OSError:
        return None
    return folder / f"{name}-{key}.marshal"


def load(path: Path) -> Any:
    """The value stored at ``path``, ``None`` when there is none (or it cannot be read back)."""
    try:
        # marshal.loads of the whole file: marshal.load on a file object reads object by object.
        return marshal.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError) as exc:  # unreadable or cut short: parse again
        log.debug("table cache %s unreadable (%s): parsing the sources", path, exc)
        return None


def _key(name: str, variant: str, sources: Sequence[Path], version: int) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{CACHE_LAYOUT}\0{marshal.version}\0{name}\0{variant}\0{version}".encode())
    for source in sources:
        digest.update(b"\0" + _content_hash(Path(source)).encode())
    return digest.hexdigest()


def _content_hash(path: Path) -> str:
    stat = path.stat()
    known = (str(path), stat.st_size, stat.st_mtime_ns)
    with _hashes_lock:
        found = _hashes.get(known)
    if found is None:
        found = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        with _hashes_lock:
            _hashes[known] = found
    return found


def store(path: Path, value: Any) -> None:
    """Write ``value`` to ``path`` atomically (a whole file or none); failure is only logged."""
    try:
        data = marshal.dumps(value)
    except ValueError as exc:
        raise TypeError(f"table {path.name}: the parsed value cannot be cached ({exc})") from exc
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.debug("table cache %s not written (%s): the next process parses again", path, exc)
