"""Reading and writing text files safely: clear errors in, atomic writes out.

A write that fails (a full disk, a missing permission) raises :class:`OutputError`
naming the file and leaves nothing behind: not the temporary, not half a file.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(d / "a.txt", "徐汇")
>>> read_text(d / "a.txt")
'徐汇'
>>> write_all_or_nothing([(d / "b.txt", "一"), (d / "sub" / "c.txt", "二")])
>>> sorted(p.name for p in d.rglob("*.txt"))
['a.txt', 'b.txt', 'c.txt']
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from collections.abc import Sequence

from restore.errors import InputError, OutputError

def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 bytes (a BOM is dropped); ``name`` is used in the error message.

    Other encodings: :func:`restore.encodings.decode_document`.
    """
    from restore.encodings import decode_document

    return decode_document(data, name, suggest=False).text


def read_text(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> str:
    """Read a text file, raising :class:`InputError` naming the file when it cannot be used.

    ``encoding`` is one of :data:`restore.encodings.ENCODINGS`; the result is the text.
    """
    from restore.encodings import decode_document

    return decode_document(read_bytes(path), display_path(path), encoding, suggest=False).text


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A file's bytes, or :class:`InputError` with one line naming it (missing, a folder, unreadable)."""
    path = Path(path)
    shown = display_path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{shown}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{shown}: is a directory") from exc
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from exc
    except ValueError as exc:  # a NUL byte in the name
        raise InputError(f"{shown}: not a usable file name ({exc})") from exc


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` via a temporary file and a rename: readers never see half a file.

    Raises :class:`OutputError` naming ``path`` when the write fails (nothing is left behind).
    """
    path = Path(path)
    temporary = _write_temporary(path, text)
    try:
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"{display_path(path)}: cannot write: {exc.strerror or exc}") from exc


def write_all_or_nothing(files: Sequence[tuple[str | os.PathLike[str], str]]) -> None:
    """Write several UTF-8 files so that either all are written or none is.

    Every text goes to a temporary beside its target first; only when all of
    them are on disk are they renamed into place. A failure before that removes
    the temporaries and the folders this call created, and raises :class:`OutputError`.
    """
    created: list[Path] = []
    temporaries: list[tuple[Path, Path]] = []
    try:
        for target, text in files:
            target = Path(target)
            if target.is_dir():
                raise OutputError(f"{display_path(target)}: cannot write: is a directory")
            created.extend(_missing_parents(target))
            temporaries.append((_write_temporary(target, text), target))
    except OutputError:
        for temporary, _target in temporaries:
            temporary.unlink(missing_ok=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):  # not empty: someone else wrote there meanwhile
                folder.rmdir()
        raise
    for index, (temporary, target) in enumerate(temporaries):
        try:
            os.replace(temporary, target)
        except OSError as exc:  # a rename within one folder: practically only a vanished folder
            for leftover, _target in temporaries[index:]:
                leftover.unlink(missing_ok=True)
            raise OutputError(f"{display_path(target)}: cannot write: {exc.strerror or exc}") from exc


def _missing_parents(path: Path) -> list[Path]:
    """The folders above ``path`` that do not exist yet, outermost first."""
    missing = []
    for folder in path.parents:
        if folder.exists():
            break
        missing.append(folder)
    return missing[::-1]


def _write_temporary(path: Path, text: str) -> Path:
    """Write ``text`` to a new temporary beside ``path`` (synced to disk); :class:`OutputError` on failure."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        temporary = Path(name)
        # mkstemp creates the file private (0600); give it the mode an ordinary write would.
        os.fchmod(handle, _existing_mode(path))
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise OutputError(f"{display_path(path)}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    return temporary


def display_path(path: str | os.PathLike[str]) -> str:
    r"""``path`` as text that can always be printed and stored as UTF-8.

    File names that are not valid UTF-8 reach Python with lone surrogates; their
    bytes are shown as ``\xNN`` escapes instead.

    >>> display_path(b"caf\xe9.txt".decode("utf-8", "surrogateescape"))
    'caf\\xe9.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _existing_mode(path: Path) -> int:
    """The permission bits of the file being replaced, or 0666 less the umask for a new one."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
