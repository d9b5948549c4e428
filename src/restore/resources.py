"""Locating bundled data: through ``importlib.resources``, on demand, never from the network.

The one way the library finds its shipped files (``restore/data/...``).

>>> data_path("lm").name
'lm'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from importlib.resources.abc import Traversable

from restore.errors import ResourceError


def data_file(name: str) -> Traversable:
    """The bundled data file ``restore/data/<name>``; :class:`ResourceError` if it is missing."""
    path = resources.files("restore") / "data" / name
    if not path.is_file():
        raise ResourceError(f"bundled data file {name!r} is missing from the installation ({path})")
    return path


def data_path(name: str) -> Path:
    """The bundled ``restore/data/<name>`` as a file-system path (for memory-mapping and globbing).

    Nothing is checked: callers report a missing file with what they were loading.
    """
    return Path(str(resources.files("restore") / "data" / name))


def read_data_lines(name: str) -> list[str]:
    """The lines of a bundled UTF-8 data file, without comment (``#``) and blank lines."""
    try:
        text = data_file(name).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ResourceError(f"bundled data file {name!r} is not UTF-8: {exc}") from exc
    return [line for line in text.splitlines() if line and not line.startswith("#")]
