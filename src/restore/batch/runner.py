"""Running a batch: discover, restore in supervised worker processes, then write the JSONL and the report."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, TextIO

from restore.batch import consistency, paths, state, storage, worker
from restore.batch.progress import Progress
from restore.batch.records import write_records
from restore.batch.supervisor import WorkerPool
from restore.config import Config
from restore.errors import ConfigError, RestoreError
from restore.textio import display_path
from restore.writeguard import WriteGuard

log = logging.getLogger(__name__)

# Bookkeeping fields of a sidecar that are not part of the published record.
_PRIVATE_FIELDS = ("output_sha256",)


@dataclass(frozen=True)
class BatchOptions:
    """What ``restore clean`` was asked to do.

    ``encoding`` is one of :data:`restore.encodings.ENCODINGS`; ``overwrite_edited``
    replaces outputs edited by hand since restore wrote them (kept by default);
    ``retry_failed`` tries again files that killed their worker twice before.

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
    # File suffixes to restore (restore.formats.SUFFIXES); OCR formats are written in their own format.
    suffixes: tuple[str, ...] = (paths.TEXT_SUFFIX,)
    encoding: str = "utf-8"
    overwrite_edited: bool = False
    retry_failed: bool = False
    scheduler: str | None = None
    chunk: int = 0
    # Glob patterns of files to leave out (``--exclude``: a METS file beside the ALTO pages).
    exclude: tuple[str, ...] = ()


@dataclass
class BatchSummary:
    """Counts and failures of one run; ``ok`` is False when any file (or the JSONL or report) failed.

    ``edited`` are the outputs kept because they were edited by hand since restore wrote them;
    ``uncalibrated`` counts the restored OCR files whose confidences no engine calibration weighed,
    by the engine they name (``""``: none), for one warning per batch
    (:func:`restore.formats.restoring.uncalibrated_warning`).
    """

    total: int = 0
    done: int = 0
    skipped: int = 0
    chars: int = 0
    errors: list[worker.Outcome] = field(default_factory=list)
    edited: list[worker.Outcome] = field(default_factory=list)
    uncalibrated: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def run_batch(
    options: BatchOptions,
    *,
    progress_stream: TextIO | None = None,
    on_error: Callable[[worker.Outcome], None] | None = None,
    on_edited: Callable[[worker.Outcome], None] | None = None,
) -> BatchSummary:
    """Restore every ``.txt`` under ``options.in_dir`` into ``options.out_dir``.

    Bad files are collected in the summary (and passed to ``on_error`` as they
    happen), as are outputs kept because they were edited (``on_edited``); the
    rest are finished. A failure to write the JSONL or the report is one more
    error of the summary. ``progress_stream`` gets a progress bar when it is a terminal.

    With ``jobs > 1`` the workers are fresh interpreters (``spawn``), so a script calling this
    needs the usual ``if __name__ == "__main__":`` guard.
    """
    if options.scheduler is not None:
        from restore.batch.cluster import run_on_cluster  # Dask is imported only here

        return run_on_cluster(options, progress_stream=progress_stream, on_error=on_error, on_edited=on_edited)
    in_dir, out_dir = storage.local_path(options.in_dir), storage.local_path(options.out_dir)
    if in_dir is None or out_dir is None:
        raise ConfigError("object storage (a URL other than file://) needs a Dask scheduler: --scheduler local:N")
    in_root, out_root = paths.check_roots(in_dir, out_dir)
    if options.jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {options.jobs}")
    check_side_outputs(options, in_root)
    files = [p.as_posix() for p in paths.discover(in_root, options.suffixes)]
    files = [name for name in files if not paths.excluded(name, options.exclude)]
    out_root.mkdir(parents=True, exist_ok=True)
    with state.locked(out_root):
        stale = state.remove_stale_temporaries(out_root)
        if stale:
            log.info("removed %d temporary file(s) left by an interrupted run", stale)
        progress = Progress(len(files), progress_stream) if progress_stream is not None else None
        on_step = progress.document if progress is not None and progress.enabled else None
        outcomes = _outcomes(options, in_root, out_root, files, on_step=on_step)
        summary = collect(files, outcomes, progress_stream, on_error, on_edited, progress=progress)
        write_reports(options, summary, files, lambda names: records_from(out_root, names), on_error)
    log_summary(summary)
    return summary


def check_side_outputs(options: BatchOptions, in_root: Path) -> None:
    """The JSONL and the report may go anywhere but into the input."""
    side_outputs = WriteGuard(input_roots=[in_root])
    for extra in (options.jsonl, options.report):
        if extra is not None:
            side_outputs.check(extra)


def collect(
    files: list[str],
    outcomes: Iterator[worker.Outcome],
    progress_stream: TextIO | None,
    on_error: Callable[[worker.Outcome], None] | None,
    on_edited: Callable[[worker.Outcome], None] | None,
    *,
    progress: Progress | None = None,
) -> BatchSummary:
    """Count the outcomes into a summary, drawing progress and telling errors and kept edits as they come.

    The bar is ``progress`` when given (the runner's, which also shows the documents' steps),
    else a new one on ``progress_stream``.
    """
    summary = BatchSummary(total=len(files))
    if progress is None and progress_stream is not None:
        progress = Progress(len(files), progress_stream)

    def tell(callback: Callable[[worker.Outcome], None] | None, outcome: worker.Outcome) -> None:
        if callback is not None:
            if progress is not None:
                progress.clear()
            callback(outcome)

    try:
        for outcome in outcomes:
            if outcome.status == worker.DONE:
                summary.done += 1
                summary.chars += outcome.chars
                if outcome.uncalibrated is not None:
                    summary.uncalibrated[outcome.uncalibrated] = summary.uncalibrated.get(outcome.uncalibrated, 0) + 1
            elif outcome.status == worker.SKIPPED:
                summary.skipped += 1
            elif outcome.status == worker.EDITED:
                summary.edited.append(outcome)
                tell(on_edited, outcome)
            else:
                summary.errors.append(outcome)
                tell(on_error, outcome)
            if progress is not None:
                progress.update(outcome.chars)
    finally:
        if progress is not None:
            progress.close()
    return summary


def write_reports(
    options: BatchOptions,
    summary: BatchSummary,
    files: list[str],
    records_of: Callable[[list[str]], Iterator[dict[str, Any]]],
    on_error: Callable[[worker.Outcome], None] | None,
) -> None:
    """Write ``--jsonl`` and ``--report`` from the finished files' records; a failed write is one more error."""
    if options.jsonl is None and options.report is None:
        return
    unfinished = {outcome.path for outcome in (*summary.errors, *summary.edited)}
    records = list(records_of([name for name in files if name not in unfinished]))
    for target, write in ((options.jsonl, _write_jsonl), (options.report, _write_report)):
        if target is None:
            continue
        try:
            write(target, records, options)
        except RestoreError as exc:  # the summary of the run still counts: report and go on
            outcome = worker.Outcome(display_path(target), worker.ERROR, message=str(exc))
            summary.errors.append(outcome)
            if on_error is not None:
                on_error(outcome)


def log_summary(summary: BatchSummary) -> None:
    log.info("%d file(s): %d restored, %d up to date, %d edited by hand and kept, %d failed",
             summary.total, summary.done, summary.skipped, len(summary.edited), len(summary.errors))


def _write_jsonl(target: Path, records: list[dict[str, Any]], options: BatchOptions) -> None:
    write_records(target, records)


def _write_report(target: Path, records: list[dict[str, Any]], options: BatchOptions) -> None:
    from restore.report import write_report
    from restore.report.spellings import spelled_two_ways

    write_report(records, target, config=options.config.to_json(), spellings=spelled_two_ways(records, options.config))


def _outcomes(
    options: BatchOptions,
    in_root: Path,
    out_root: Path,
    files: list[str],
    *,
    on_step: Callable[[str, str, int, int], None] | None = None,
) -> Iterator[worker.Outcome]:
    """Each file's outcome as it finishes; ``on_step(name, stage, done, total)`` follows long files."""
    # Cross-document consistency: every worker sees which entities the whole batch prints right.
    survey = consistency.survey_batch(options.config, in_root, files, encoding=options.encoding)
    settings = worker.WorkerSettings(
        config=options.config,
        in_root=str(in_root),
        out_root=str(out_root),
        survey=survey,
        encoding=options.encoding,
        overwrite_edited=options.overwrite_edited,
        retry_failed=options.retry_failed,
    )
    if options.jobs == 1 or len(files) <= 1:
        worker.init_worker(settings)
        for name in files:
            yield worker.process(name, progress=functools.partial(on_step, name) if on_step is not None else None)
        return

    def record_death(name: str, message: str) -> None:
        relative = Path(name)
        try:
            input_sha = state.sha256_bytes((in_root / relative).read_bytes())
        except OSError:
            return  # gone or unreadable: the next run reports it as such
        state.record_failure(state.failure_path(out_root, relative), input_sha=input_sha,
                             run=settings.run_hash, message=message)

    pool = WorkerPool(min(options.jobs, len(files)), settings, on_death=record_death, on_step=on_step)
    yield from pool.run(files)


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
