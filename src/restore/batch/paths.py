"""Finding the input files of a batch and checking that input and output trees are apart."""

from __future__ import annotations

import os
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


def discover(root: Path) -> list[Path]:
    """Every ``.txt`` file under ``root``, as sorted paths relative to it.

    Symbolic links to directories are not followed (no cycles); hidden
    directories are skipped, which also keeps a batch's own state out.
    """
    found: list[Path] = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        base = Path(directory)
        for name in files:
            if name.lower().endswith(TEXT_SUFFIX) and not name.startswith("."):
                found.append((base / name).relative_to(root))
    found.sort(key=lambda p: p.as_posix())
    return found
