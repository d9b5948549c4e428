"""The work on one file, run in a worker process (or in the main one with ``--jobs 1``).

This is the one module allowed per-process state: each worker builds a single
:class:`~restore.Corrector` in :func:`init_worker` and reuses it for every file,
so resources (OpenCC, lexicons, the memory-mapped language model) load once per
process. :mod:`restore.batch.supervisor` starts the processes and watches them.
A Dask worker keeps its corrector on a worker plugin instead (:mod:`restore.batch.cluster`)
and calls :func:`process_in` with a context from :func:`make_context`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from restore.batch import state
from restore.batch.records import make_record
from restore.config import Config
from restore.errors import InputError, RestoreError
from restore.formats import output_name, read_input
from restore.formats.restoring import restore_bytes
from restore.pipeline import Corrector
from restore.survey import Survey
from restore.textio import atomic_write_bytes, display_path
from restore.writeguard import WriteGuard

log = logging.getLogger(__name__)

# Outcome statuses: restored, up to date, kept because edited by hand, failed.
DONE, SKIPPED, EDITED, ERROR = "done", "skipped", "edited", "error"

# ``progress(stage, done, total)``: how far a document is (characters of the stage's input).
DocumentSteps = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: ``done``, ``skipped`` (up to date), ``edited`` (kept) or ``error`` (with a message)."""

    path: str
    status: str
    chars: int = 0
    message: str = ""
    # A restored OCR file whose confidences no engine calibration weighed: the engine it names
    # ("" for none); None otherwise. The batch warns once for all of them.
    uncalibrated: str | None = None


@dataclass(frozen=True)
class WorkerSettings:
    """Everything a worker needs to restore files (sent to each worker process once).

    ``survey`` is the batch's first pass (:mod:`restore.batch.consistency`);
    ``encoding`` is one of :data:`restore.encodings.ENCODINGS`.
    """

    config: Config
    in_root: str
    out_root: str
    survey: Survey = field(default_factory=Survey)
    encoding: str = "utf-8"
    overwrite_edited: bool = False
    retry_failed: bool = False

    @property
    def run_hash(self) -> str:
        """What every output of this run depends on besides its input (see :func:`state.run_hash`)."""
        return state.run_hash(self.config, self.survey, self.encoding)


@dataclass
class WorkerContext:
    """What restoring one file needs: the corrector, the settings, both roots, the run hash, the output guard."""

    corrector: Corrector
    settings: WorkerSettings
    in_root: Path
    out_root: Path
    run_hash: str
    guard: WriteGuard


# Per-process state, set once by init_worker (see the module docstring).
_state: WorkerContext | None = None


def make_context(settings: WorkerSettings, corrector: Corrector | None = None) -> WorkerContext:
    """The context of :func:`process_in`; ``corrector`` is reused when given (a Dask worker's)."""
    in_root, out_root = Path(settings.in_root), Path(settings.out_root)
    guard = WriteGuard(out_root, input_roots=[in_root])
    corrector = corrector if corrector is not None else Corrector(settings.config)
    return WorkerContext(corrector, settings, in_root, out_root, settings.run_hash, guard)


def init_worker(settings: WorkerSettings) -> None:
    """Build this process's corrector and output guard."""
    global _state
    _state = make_context(settings)


def process(relative: str, *, progress: DocumentSteps | None = None) -> Outcome:
    """Restore one file unless its output is up to date; never raises for a bad file.

    ``progress(stage, done, total)`` follows the document through the stages (see
    :meth:`restore.Corrector.fix`).
    """
    if _state is None:
        raise RuntimeError("init_worker was not called in this process")
    return process_in(_state, relative, progress=progress)


def process_in(context: WorkerContext, relative: str, *, progress: DocumentSteps | None = None) -> Outcome:
    """:func:`process` with an explicit context; never raises for a bad file."""
    try:
        return _process(context, Path(relative), progress)
    except RestoreError as exc:
        return Outcome(relative, ERROR, message=str(exc))
    except Exception as exc:  # a bug in one stage must not stop the batch; the file is reported
        log.debug("unexpected failure on %s", relative, exc_info=True)
        shown = display_path(context.in_root / relative)
        return Outcome(relative, ERROR, message=f"{shown}: internal error: {exc!r}")


def _process(worker: WorkerContext, relative: Path, progress: DocumentSteps | None = None) -> Outcome:
    source = worker.in_root / relative
    shown = display_path(source)
    name = relative.as_posix()
    if display_path(relative) != str(relative):
        # Such a name cannot go into the UTF-8 JSONL records (and the report, and apply) intact.
        raise InputError(f"{shown}: the file name is not valid UTF-8; rename the file to restore it")
    target = worker.out_root / output_name(name)
    sidecar_file = state.sidecar_path(worker.out_root, relative)
    worker.guard.check(target)
    worker.guard.check(sidecar_file)
    if not source.is_file():  # a FIFO or device would block the read; a broken link has nothing to read
        raise InputError(f"{shown}: not a regular file")
    data = read_input(source)
    input_sha = state.sha256_bytes(data)
    sidecar = state.load_sidecar(sidecar_file)
    if state.is_up_to_date(sidecar, input_sha, worker.run_hash, target):
        return Outcome(name, SKIPPED)
    failure_file = state.failure_path(worker.out_root, relative)
    known = state.known_failure(failure_file, input_sha=input_sha, run=worker.run_hash)
    if known is not None and not worker.settings.retry_failed:
        return Outcome(name, ERROR, message=f"{known} (skipped: it failed {state.MAX_ATTEMPTS} times; "
                       "--retry-failed tries it again)")
    restored = restore_bytes(worker.corrector, data, shown, survey=worker.settings.survey,
                             encoding=worker.settings.encoding, progress=progress)
    result = restored.result
    output_sha = state.sha256_bytes(restored.output)
    if not worker.settings.overwrite_edited and _edited_by_hand(target, sidecar, output_sha):
        return Outcome(name, EDITED, message=f"{display_path(target)}: edited since restore wrote it; kept "
                       "(--overwrite-edited replaces it)")
    atomic_write_bytes(target, restored.output)
    record = restored.annotate(make_record(result, path=name, root=str(worker.in_root), sha256=input_sha))
    record["encoding"] = restored.encoding
    record["config_hash"] = worker.run_hash
    record["output_sha256"] = output_sha
    state.save_sidecar(sidecar_file, record)
    failure_file.unlink(missing_ok=True)
    return Outcome(name, DONE, chars=len(result.original), uncalibrated=restored.uncalibrated)


def _edited_by_hand(target: Path, sidecar: dict[str, object] | None, new_sha: str) -> bool:
    """True when ``target`` holds text restore did not write: not its last output, not the new one.

    With no sidecar (a run killed between the output and its sidecar, or a file
    put there by someone else) only an output equal to the new one is restore's.
    """
    try:
        current = state.sha256_bytes(target.read_bytes())
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise InputError(f"{display_path(target)}: cannot read the existing output: {exc.strerror}") from exc
    written = sidecar.get("output_sha256") if sidecar is not None else None
    return current not in (written, new_sha)
