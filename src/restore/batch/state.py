"""Resumability: one sidecar per finished output, kept under ``OUT/.restore-state/``.

A sidecar holds the document record (the JSONL line) together with the sha256
of the input, the hash of the configuration and the sha256 of the output. An
output is up to date when all three still match; a rerun then does no work and
still has the record for ``--jsonl`` and ``--report``. The sidecar is written
after the output, so a sidecar never vouches for an output that is not there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from restore import __version__
from restore.config import Config
from restore.errors import InputError
from restore.textio import atomic_write_text

STATE_DIR = ".restore-state"
_LOCK_NAME = "lock"
# Temporary files of restore.textio.atomic_write_text: ".{name}.{random}.tmp".
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def config_hash(config: Config) -> str:
    """A hash of everything that changes the output: the configuration, the library version and the
    content of the user's lexicons (a rule file learned again under the same name redoes the batch)."""
    lexicons = [_file_sha256(path) for path in config.lexicons]
    payload = json.dumps(
        {"version": __version__, "config": config.to_json(), "lexicons": lexicons}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _file_sha256(path: str) -> str:
    try:
        return sha256_bytes(Path(path).read_bytes())
    except OSError:  # the run itself reports the missing file
        return ""


def sidecar_path(out_root: Path, relative: Path) -> Path:
    """Where the sidecar of one output lives."""
    return out_root / STATE_DIR / relative.parent / (relative.name + ".json")


def load_sidecar(path: Path) -> dict[str, Any] | None:
    """The sidecar's content, or None when it is missing or unreadable (the file is then redone)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_up_to_date(sidecar: dict[str, Any] | None, input_sha: str, cfg_hash: str, output: Path) -> bool:
    """True when the output was made from these input bytes with this configuration and is intact."""
    if sidecar is None or sidecar.get("sha256") != input_sha or sidecar.get("config_hash") != cfg_hash:
        return False
    try:
        return sha256_bytes(output.read_bytes()) == sidecar.get("output_sha256")
    except OSError:
        return False


def save_sidecar(path: Path, record: dict[str, Any]) -> None:
    """Write a sidecar atomically."""
    atomic_write_text(path, json.dumps(record, ensure_ascii=False, sort_keys=True))


def remove_stale_temporaries(out_root: Path) -> int:
    """Delete temporary files a killed run left in the output tree; returns how many."""
    removed = 0
    for directory, _subdirs, files in os.walk(out_root):
        for name in files:
            if _TEMPORARY.match(name):
                (Path(directory) / name).unlink(missing_ok=True)
                removed += 1
    return removed


@contextlib.contextmanager
def locked(out_root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the output tree so two runs never write into it at once."""
    state = out_root / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    with open(state / _LOCK_NAME, "w", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise InputError(f"{out_root}: another restore clean is writing into this directory") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
