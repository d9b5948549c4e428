"""Running a batch: discover, restore in worker processes, then write the JSONL and the report."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, TextIO

from restore.batch import consistency, paths, state, storage, worker
from restore.batch.progress import Progress
from restore.batch.records import write_records
from restore.config import Config
from restore.errors import ConfigError, RestoreError

log = logging.getLogger(__name__)

# Files queued per worker beyond the one it is working on, so no worker waits for the next file.
_IN_FLIGHT_PER_WORKER = 4
# Bookkeeping fields of a sidecar that are not part of the published record.
_PRIVATE_FIELDS = ("output_sha256",)


@dataclass(frozen=True)
class BatchOptions:
    """What ``restore clean`` was asked to do.

    ``in_dir`` and ``out_dir`` are directories, or URLs (``s3://bucket/key``,
    ``gs://…``, ``file://…``) when ``scheduler`` is set: ``local:N`` (a Dask cluster of
    N worker processes here) or ``tcp://HOST:PORT`` (an existing Dask scheduler);
    ``chunk`` is the files per Dask task (0: automatic). Without ``scheduler``,
    ``jobs`` worker processes of this machine do the work and Dask is not imported.
    """

    in_dir: str | PathLike[str]
    out_dir: str | PathLike[str]
    config: Config = field(default_factory=Config)
    jobs: int = 1
    jsonl: Path | None = None
    report: Path | None = None
    scheduler: str | None = None
    chunk: int = 0


@dataclass
class BatchSummary:
    """Counts and failures of one run; ``ok`` is False when any file failed."""

    total: int = 0
    done: int = 0
    skipped: int = 0
    chars: int = 0
    errors: list[worker.Outcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def run_batch(
    options: BatchOptions,
    *,
    progress_stream: TextIO | None = None,
    on_error: Callable[[worker.Outcome], None] | None = None,
) -> BatchSummary:
    """Restore every ``.txt`` under ``options.in_dir`` into ``options.out_dir``.

    Bad files are collected in the summary (and passed to ``on_error`` as they
    happen); the rest are finished. ``progress_stream`` gets a progress bar when
    it is a terminal.
    """
    if options.scheduler is not None:
        from restore.batch.cluster import run_on_cluster  # Dask is imported only here

        return run_on_cluster(options, progress_stream=progress_stream, on_error=on_error)
    in_dir, out_dir = storage.local_path(options.in_dir), storage.local_path(options.out_dir)
    if in_dir is None or out_dir is None:
        raise ConfigError("object storage (a URL other than file://) needs a Dask scheduler: --scheduler local:N")
    in_root, out_root = paths.check_roots(in_dir, out_dir)
    if options.jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {options.jobs}")
    files = [p.as_posix() for p in paths.discover(in_root)]
    out_root.mkdir(parents=True, exist_ok=True)
    with state.locked(out_root):
        stale = state.remove_stale_temporaries(out_root)
        if stale:
            log.info("removed %d temporary file(s) left by an interrupted run", stale)
        summary = collect(files, _outcomes(options, in_root, out_root, files), progress_stream, on_error)
        failed = {outcome.path for outcome in summary.errors}
        write_reports(options, records_from(out_root, [name for name in files if name not in failed]))
    log_summary(summary)
    return summary


def collect(
    files: list[str],
    outcomes: Iterator[worker.Outcome],
    progress_stream: TextIO | None,
    on_error: Callable[[worker.Outcome], None] | None,
) -> BatchSummary:
    """Count the outcomes into a summary, drawing progress and passing errors to ``on_error`` as they come."""
    summary = BatchSummary(total=len(files))
    progress = Progress(len(files), progress_stream) if progress_stream is not None else None
    try:
        for outcome in outcomes:
            if outcome.status == "done":
                summary.done += 1
                summary.chars += outcome.chars
            elif outcome.status == "skipped":
                summary.skipped += 1
            else:
                summary.errors.append(outcome)
                if on_error is not None:
                    if progress is not None:
                        progress.clear()
                    on_error(outcome)
            if progress is not None:
                progress.update(outcome.chars)
    finally:
        if progress is not None:
            progress.close()
    return summary


def write_reports(options: BatchOptions, records: Iterator[dict[str, Any]]) -> None:
    """Write ``--jsonl`` and ``--report`` from the finished files' records (nothing when neither is asked)."""
    if options.jsonl is None and options.report is None:
        return
    kept = list(records)
    if options.jsonl is not None:
        write_records(options.jsonl, kept)
    if options.report is not None:
        from restore.report import write_report

        write_report(kept, options.report, config=options.config.to_json())


def log_summary(summary: BatchSummary) -> None:
    log.info("%d file(s): %d restored, %d up to date, %d failed",
             summary.total, summary.done, summary.skipped, len(summary.errors))


def _outcomes(options: BatchOptions, in_root: Path, out_root: Path, files: list[str]) -> Iterator[worker.Outcome]:
    # Cross-document consistency: every worker sees which entities the whole batch prints right.
    survey = consistency.survey_batch(options.config, in_root, files)
    initargs = (options.config, str(in_root), str(out_root), survey)
    if options.jobs == 1 or len(files) <= 1:
        worker.init_worker(*initargs)
        for name in files:
            yield worker.process(name)
        return
    workers = min(options.jobs, len(files))
    # A bounded window of files in flight: slow files never hold back others, memory stays flat.
    window = workers * _IN_FLIGHT_PER_WORKER
    pending: set[Future[worker.Outcome]] = set()
    queue = iter(files)
    with ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context(), initializer=worker.init_worker, initargs=initargs
    ) as pool:
        try:
            while True:
                for name in itertools.islice(queue, window - len(pending)):
                    pending.add(pool.submit(worker.process, name))
                if not pending:
                    return
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        except BrokenProcessPool as exc:
            # A worker was killed (out of memory, a signal): what is finished stays finished.
            raise RestoreError(f"a worker process died ({exc}); rerun to resume the batch") from exc
        finally:
            for future in pending:
                future.cancel()


def records_from(out_root: Path, names: list[str]) -> Iterator[dict[str, Any]]:
    """The published records of finished files, read from their sidecars under ``out_root``."""
    for name in names:
        record = state.load_sidecar(state.sidecar_path(out_root, Path(name)))
        if record is None:  # removed behind our back since the file was finished
            log.warning("%s: no record found; left out of the JSONL and the report", name)
            continue
        yield published(record)


def published(sidecar: dict[str, Any]) -> dict[str, Any]:
    """A sidecar without its private bookkeeping: the JSONL record."""
    for private in _PRIVATE_FIELDS:
        sidecar.pop(private, None)
    return sidecar
