"""Running a batch: discover, restore in worker processes, then write the JSONL and the report."""

from __future__ import annotations

import itertools
import logging
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from restore.batch import consistency, paths, state, worker
from restore.batch.progress import Progress
from restore.batch.records import write_records
from restore.config import Config
from restore.errors import RestoreError

log = logging.getLogger(__name__)

# Files queued per worker beyond the one it is working on, so no worker waits for the next file.
_IN_FLIGHT_PER_WORKER = 4
# Bookkeeping fields of a sidecar that are not part of the published record.
_PRIVATE_FIELDS = ("output_sha256",)


@dataclass(frozen=True)
class BatchOptions:
    """What ``restore clean`` was asked to do."""

    in_dir: Path
    out_dir: Path
    config: Config = field(default_factory=Config)
    jobs: int = 1
    jsonl: Path | None = None
    report: Path | None = None


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
    in_root, out_root = paths.check_roots(options.in_dir, options.out_dir)
    if options.jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {options.jobs}")
    files = [p.as_posix() for p in paths.discover(in_root)]
    summary = BatchSummary(total=len(files))
    out_root.mkdir(parents=True, exist_ok=True)
    with state.locked(out_root):
        stale = state.remove_stale_temporaries(out_root)
        if stale:
            log.info("removed %d temporary file(s) left by an interrupted run", stale)
        progress = Progress(len(files), progress_stream) if progress_stream is not None else None
        try:
            for outcome in _outcomes(options, in_root, out_root, files):
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
        failed = {outcome.path for outcome in summary.errors}
        finished = [name for name in files if name not in failed]
        if options.jsonl is not None or options.report is not None:
            records = list(_records(out_root, finished))
            if options.jsonl is not None:
                write_records(options.jsonl, records)
            if options.report is not None:
                from restore.report import write_report

                write_report(records, options.report, config=options.config.to_json())
    log.info("%d file(s): %d restored, %d up to date, %d failed",
             summary.total, summary.done, summary.skipped, len(summary.errors))
    return summary


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


def _records(out_root: Path, names: list[str]) -> Iterator[dict[str, Any]]:
    for name in names:
        record = state.load_sidecar(state.sidecar_path(out_root, Path(name)))
        if record is None:  # removed behind our back since the file was finished
            log.warning("%s: no record found; left out of the JSONL and the report", name)
            continue
        for private in _PRIVATE_FIELDS:
            record.pop(private, None)
        yield record
