"""The work on one file, run in a worker process (or in the main one with ``--jobs 1``).

This is the one module allowed per-process state: each worker builds a single
:class:`~restore.Corrector` in :func:`init_worker` and reuses it for every file,
so resources (OpenCC, lexicons, the memory-mapped language model) load once per
process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from restore.batch import state
from restore.batch.consistency import notes_hash
from restore.batch.records import make_record
from restore.config import Config
from restore.errors import InputError, RestoreError
from restore.pipeline import Corrector
from restore.survey import Survey
from restore.textio import atomic_write_text, decode_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: ``done``, ``skipped`` (up to date) or ``error`` (with a message)."""

    path: str
    status: str
    chars: int = 0
    message: str = ""


@dataclass
class _WorkerState:
    corrector: Corrector
    in_root: Path
    out_root: Path
    config_hash: str
    survey: Survey


# Per-process state, set once by init_worker (see the module docstring).
_state: _WorkerState | None = None


def init_worker(config: Config, in_root: str, out_root: str, survey: Survey | None = None) -> None:
    """Build this process's corrector (pool initializer); ``survey`` is the batch's first pass."""
    global _state
    survey = survey or Survey()
    # Outputs depend on the batch's consistency votes too: a changed batch redoes them.
    config_hash = state.config_hash(config) + (f"+{notes_hash(survey.to_json())}" if survey else "")
    _state = _WorkerState(Corrector(config), Path(in_root), Path(out_root), config_hash, survey)


def process(relative: str) -> Outcome:
    """Restore one file unless its output is up to date; never raises for a bad file."""
    if _state is None:
        raise RuntimeError("init_worker was not called in this process")
    try:
        return _process(_state, Path(relative))
    except RestoreError as exc:
        return Outcome(relative, "error", message=str(exc))
    except Exception as exc:  # a bug in one stage must not stop the batch; the file is reported
        log.debug("unexpected failure on %s", relative, exc_info=True)
        return Outcome(relative, "error", message=f"{_state.in_root / relative}: internal error: {exc!r}")


def _process(worker: _WorkerState, relative: Path) -> Outcome:
    source = worker.in_root / relative
    target = worker.out_root / relative
    if not source.is_file():  # a FIFO or device would block the read; a broken link has nothing to read
        raise InputError(f"{source}: not a regular file")
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror}") from exc
    input_sha = state.sha256_bytes(data)
    sidecar_file = state.sidecar_path(worker.out_root, relative)
    if state.is_up_to_date(state.load_sidecar(sidecar_file), input_sha, worker.config_hash, target):
        return Outcome(relative.as_posix(), "skipped")
    text = decode_text(data, str(source))
    result = worker.corrector.fix(text, survey=worker.survey)
    atomic_write_text(target, result.text)
    record = make_record(result, path=relative.as_posix(), root=str(worker.in_root), sha256=input_sha)
    record["config_hash"] = worker.config_hash
    record["output_sha256"] = state.sha256_bytes(result.text.encode("utf-8"))
    state.save_sidecar(sidecar_file, record)
    return Outcome(relative.as_posix(), "done", chars=len(text))
