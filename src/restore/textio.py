"""Reading and writing text files safely: clear errors in, atomic writes out.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write_text(d / "a.txt", "徐汇")
>>> read_text(d / "a.txt")
'徐汇'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from restore.errors import InputError

# A NUL byte never occurs in text files; its presence means the file is binary.
_BINARY_MARKER = b"\x00"


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 bytes (a BOM is dropped); ``name`` is used in the error message."""
    if _BINARY_MARKER in data:
        raise InputError(f"{name}: binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{name}: not valid UTF-8 (line {line}, byte {exc.start})") from exc
    return text.removeprefix("\ufeff")


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a UTF-8 text file, raising :class:`InputError` naming the file when it cannot be used."""
    return decode_text(read_bytes(path), str(path))


def read_bytes(path: str | os.PathLike[str], *, limit: int | None = None) -> bytes:
    """The bytes of a file; :class:`InputError` naming it when missing, unreadable or over ``limit`` bytes
    (checked before reading, so a huge file costs nothing)."""
    path = Path(path)
    try:
        if limit is not None and path.stat().st_size > limit:
            raise InputError(f"{path}: {path.stat().st_size:,} bytes is more than the {limit:,} allowed")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a directory") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` via a temporary file and a rename: readers never see half a file."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename (see :func:`atomic_write_text`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file private (0600); give it the mode an ordinary write would.
        os.fchmod(handle, _existing_mode(path))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _existing_mode(path: Path) -> int:
    """The permission bits of the file being replaced, or 0666 less the umask for a new one."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
