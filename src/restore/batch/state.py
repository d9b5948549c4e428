"""Resumability: one sidecar per finished output, kept under ``OUT/.restore-state/``.

A sidecar holds the document record (the JSONL line) together with the sha256
of the input, the hash of the configuration and the sha256 of the output. An
output is up to date when all three still match; a rerun then does no work and
still has the record for ``--jsonl`` and ``--report``. The sidecar is written
after the output, so a sidecar never vouches for an output that is not there.
An output whose sha256 no longer matches its sidecar was edited by hand since
restore wrote it, and is kept.

A file whose worker process died while restoring it gets a failure record
beside its sidecar (``NAME.failed.json``: the input's sha256, the run hash, the
error, the number of attempts); after :data:`MAX_ATTEMPTS` a rerun skips it with
that error instead of losing another worker to it.
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
from restore.survey import Survey
from restore.textio import atomic_write_text

STATE_DIR = ".restore-state"
_LOCK_NAME = "lock"
_FAILURE_SUFFIX = ".failed.json"
# A file that killed its worker this many times is skipped on later runs (unless --retry-failed).
MAX_ATTEMPTS = 2
# Temporary files of restore.textio.atomic_write_text: ".{name}.{random}.tmp".
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def config_hash(config: Config) -> str:
    """A hash of everything that changes the output: the configuration, the library version and the
    content of the user's lexicons and char model (a rule file learned again, or a model rebuilt,
    under the same name redoes the batch; a mixture manifest records its components' sha256)."""
    lexicons = [_file_sha256(path) for path in config.lexicons]
    model = _file_sha256(config.char.model) if config.char.model else ""
    payload = json.dumps(
        {"version": __version__, "config": config.to_json(), "lexicons": lexicons, **({"model": model} if model else {})},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _file_sha256(path: str) -> str:
    try:
        return sha256_bytes(Path(path).read_bytes())
    except OSError:  # the run itself reports the missing file
        return ""


def run_hash(config: Config, survey: Survey, encoding: str = "utf-8") -> str:
    """What an output depends on besides its input: the configuration, the batch's survey, the encoding read."""
    from restore.batch.consistency import notes_hash

    digest = config_hash(config) + (f"+{notes_hash(survey.to_json())}" if survey else "")
    return digest + (f"+{encoding}" if encoding != "utf-8" else "")


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


def failure_path(out_root: Path, relative: Path) -> Path:
    """Where the failure record of one input lives (inputs end in .txt, so it never meets a sidecar)."""
    return out_root / STATE_DIR / relative.parent / (relative.name + _FAILURE_SUFFIX)


def record_failure(path: Path, *, input_sha: str, run: str, message: str) -> int:
    """Count one more attempt that killed its worker; returns the attempts so far."""
    previous = load_sidecar(path)
    same = previous is not None and previous.get("sha256") == input_sha and previous.get("run_hash") == run
    attempts = int(previous.get("attempts", 0)) + 1 if same and previous is not None else 1
    save_sidecar(path, {"sha256": input_sha, "run_hash": run, "message": message, "attempts": attempts})
    return attempts


def known_failure(path: Path, *, input_sha: str, run: str) -> str | None:
    """The recorded error when this input, under this run hash, killed its worker :data:`MAX_ATTEMPTS` times."""
    record = load_sidecar(path)
    if record is None or record.get("sha256") != input_sha or record.get("run_hash") != run:
        return None
    attempts = record.get("attempts")
    if not isinstance(attempts, int) or attempts < MAX_ATTEMPTS:
        return None
    return str(record.get("message", "the worker process died"))


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
    if state.is_symlink():
        raise InputError(f"{state}: is a symbolic link; refusing to keep the batch state through it")
    state.mkdir(parents=True, exist_ok=True)
    try:  # O_NOFOLLOW: a link planted as the lock file must not be followed (nor truncated)
        descriptor = os.open(state / _LOCK_NAME, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise InputError(f"{state / _LOCK_NAME}: cannot open the lock file: {exc.strerror}") from exc
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise InputError(f"{out_root}: another restore clean is writing into this directory") from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
