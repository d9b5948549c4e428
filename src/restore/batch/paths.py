"""Finding the input files of a batch and checking that input and output trees are apart."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path

from restore.errors import InputError

# Suffix of the files a batch restores (case-insensitive).
TEXT_SUFFIX = ".txt"


def check_roots(in_dir: Path, out_dir: Path) -> tuple[Path, Path]:
    """Resolve both roots; refuse an output that is the input, inside it, or contains it.

    Writing into the input tree would make a rerun read its own output, and writing
    around it risks overwriting originals, so all three are errors.
    """
    if not in_dir.exists():
        raise InputError(f"{in_dir}: no such directory")
    if not in_dir.is_dir():
        raise InputError(f"{in_dir}: not a directory")
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a directory")
    source = in_dir.resolve()
    target = out_dir.resolve()
    refuse_overlap(str(in_dir), str(out_dir), source.as_posix(), target.as_posix())
    return source, target


def refuse_overlap(in_name: str, out_name: str, source: str, target: str) -> None:
    """Raise :class:`InputError` when the tree ``target`` is ``source``, inside it, or contains it.

    ``source`` and ``target`` are absolute POSIX paths or object-store keys
    (compared component-wise, so ``in-2`` is not inside ``in``); the names are
    what the messages show.

    >>> refuse_overlap("in", "in/out", "/data/in", "/data/in/out")
    Traceback (most recent call last):
    restore.errors.InputError: in/out: the output directory is inside the input directory in
    """
    inner, outer = source.rstrip("/") + "/", target.rstrip("/") + "/"
    if inner == outer:
        raise InputError(f"{out_name}: the output directory is the input directory; choose another")
    if outer.startswith(inner):
        raise InputError(f"{out_name}: the output directory is inside the input directory {in_name}")
    if inner.startswith(outer):
        raise InputError(f"{out_name}: the output directory contains the input directory {in_name}")


def excluded(relative: str, patterns: Sequence[str]) -> bool:
    """Whether the file at ``relative`` (a POSIX path under the input root) matches one of the
    ``--exclude`` glob ``patterns``, as a whole path or by its name alone.

    >>> excluded("1923/05/mets.xml", ["mets.xml"]), excluded("1923/05/p1.xml", ["*/05/*"]), excluded("a.xml", [])
    (True, True, False)
    """
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def discover(root: Path, suffixes: tuple[str, ...] = (TEXT_SUFFIX,)) -> list[Path]:
    """Every file under ``root`` whose name ends in one of ``suffixes`` (``.txt``), as sorted paths
    relative to it.

    Symbolic links to directories are not followed (no cycles); hidden
    directories are skipped, which also keeps a batch's own state out.
    """
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        base = Path(directory)
        for name in files:
            if name.lower().endswith(suffixes) and not name.startswith("."):
                found.append((base / name).relative_to(root))
    found.sort(key=lambda p: p.as_posix())
    return found
