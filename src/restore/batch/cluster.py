"""``restore clean --scheduler local:N | tcp://HOST:PORT``: the batch on a Dask cluster.

Only imported when a scheduler is asked for (``pip install 'restore[dask]'``);
without one the batch runs on the process pool of :mod:`restore.batch.runner`.

How the work is laid out:

- each worker builds one :class:`~restore.Corrector` through a worker plugin
  (:class:`CorrectorPlugin`) and keeps it for every task (the language model stays
  memory-mapped); a worker that joins later, or a restarted one, gets it too;
- the first pass (:meth:`restore.Corrector.survey`: which entities the batch prints
  right) is a map over chunks on the workers and a merge task on the cluster
  (:meth:`restore.survey.Survey.merged`); its result stays on the cluster;
- tasks carry chunks of files (``--chunk``, default: up to 50 files, at least four
  chunks per worker), so a rerun over up-to-date files costs a few tasks, not one
  per file; at most four chunks per worker are queued at once;
- faults: a chunk whose worker died is rerun by the scheduler; when it kills
  workers again (Dask's ``KilledWorker``), each of its files is retried alone, and
  a file that kills its worker again is reported by name while the rest finish.
  How many deaths a task may cause is the scheduler's
  ``distributed.scheduler.allowed-failures``: 1 on a ``local:N`` cluster (so a file
  is tried twice in its chunk and twice alone), Dask's default 3 on yours;
- every output is written whole and its sidecar after it, so Ctrl-C (or a killed
  driver) leaves finished files and nothing half written; a rerun resumes.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import re
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import dask
from distributed import Client, KilledWorker, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from restore.batch import consistency, paths, runner, state, storage, worker
from restore.config import Config
from restore.errors import ConfigError, RestoreError
from restore.pipeline import Corrector
from restore.survey import Survey

if TYPE_CHECKING:
    from restore.batch.runner import BatchOptions, BatchSummary

log = logging.getLogger(__name__)

_LOCAL = re.compile(r"^local:([0-9]+)$")
_ADDRESS = re.compile(r"^(tcp|tls|ucx|inproc)://.+")
# Worker deaths a task may cause before a local:N scheduler gives up on it (see the module docstring).
_LOCAL_ALLOWED_FAILURES = 1
# Largest default chunk: a rerun over 400 up-to-date files took 0.17 s in chunks of 50 and
# 5-19 s with one task per file (issue 17's measurements); bigger chunks balance worse.
_MAX_CHUNK = 50
# Chunks queued per worker: enough that no worker waits, few enough that memory stays flat.
_CHUNKS_PER_WORKER = 4
# Restored once by every worker's plugin, so the first task does not pay for loading resources.
_WARM_UP = "本報訊 12 月 17 日,區圖書館開放新的閱覽室。\n"


@dataclass(frozen=True)
class Scheduler:
    """Where to run: a new local cluster of ``workers`` processes, or an existing scheduler's ``address``."""

    workers: int | None = None
    address: str | None = None


def parse_scheduler(text: str) -> Scheduler:
    """``local:N`` (N >= 1 worker processes on this machine) or a scheduler address ``tcp://HOST:PORT``.

    >>> parse_scheduler("local:2")
    Scheduler(workers=2, address=None)
    >>> parse_scheduler("tcp://10.0.0.5:8786").address
    'tcp://10.0.0.5:8786'

    Raises :class:`~restore.errors.ConfigError` for anything else.
    """
    match = _LOCAL.match(text)
    if match:
        workers = int(match.group(1))
        if workers < 1:
            raise ConfigError(f"--scheduler local:N needs N >= 1, got {text!r}")
        return Scheduler(workers=workers)
    if _ADDRESS.match(text):
        return Scheduler(address=text)
    raise ConfigError(f"--scheduler: expected local:N or tcp://HOST:PORT, got {text!r}")


class CorrectorPlugin(WorkerPlugin):
    """Gives each worker one :class:`~restore.Corrector` for ``config``, built and warmed up in ``setup``."""

    def __init__(self, config: Config, name: str) -> None:
        self.config = config
        self.name = name
        self.corrector: Corrector | None = None

    def setup(self, worker: Any) -> None:
        self.corrector = Corrector(self.config)
        self.corrector.fix(_WARM_UP)


@dataclass(frozen=True)
class Roots:
    """Both trees of a batch: local directories (``Path``) or fsspec trees (``storage.Tree``)."""

    source: Path | storage.Tree
    target: Path | storage.Tree


def survey_chunk(plugin_name: str, roots: Roots, files: list[str], encoding: str = "utf-8") -> Survey:
    """Map step of the first pass, run on a worker: the survey of one chunk (files are read only if a stage surveys)."""
    corrector = _corrector(plugin_name)
    if isinstance(roots.source, Path):
        return corrector.survey(consistency.readable_texts(roots.source, files, encoding))
    return corrector.survey(storage.readable_texts(roots.source, files, encoding))


def merge_surveys(parts: list[Survey]) -> Survey:
    """Reduce step of the first pass, run on the cluster: the survey every worker gets."""
    return Survey.merged(parts)


def restore_chunk(
    plugin_name: str, roots: Roots, settings: worker.WorkerSettings, survey: Survey, files: list[str]
) -> list[worker.Outcome]:
    """Restore one chunk of files on a worker; a bad file is an ``error`` outcome, never an exception.

    Local trees go through the process pool's own per-file code (:func:`worker.process_in`:
    write guard, encodings, edited outputs, failure records), so outputs are the same bytes.
    """
    corrector = _corrector(plugin_name)
    settings = dataclasses.replace(settings, survey=survey)
    if isinstance(roots.source, Path) and isinstance(roots.target, Path):
        context = worker.make_context(settings, corrector)
        return [worker.process_in(context, name) for name in files]
    assert isinstance(roots.source, storage.Tree) and isinstance(roots.target, storage.Tree)
    outcomes = []
    for name in files:
        try:
            chars = storage.restore_object(corrector, roots.source, roots.target, settings, name)
        except RestoreError as exc:
            outcomes.append(worker.Outcome(name, worker.ERROR, message=str(exc)))
            continue
        except Exception as exc:  # a bug in one stage must not stop the batch; the file is reported
            log.debug("unexpected failure on %s", name, exc_info=True)
            message = f"{roots.source.url}/{name}: internal error: {exc!r}"
            outcomes.append(worker.Outcome(name, worker.ERROR, message=message))
            continue
        done = worker.Outcome(name, worker.DONE, chars=chars) if chars is not None else None
        outcomes.append(done or worker.Outcome(name, worker.SKIPPED))
    return outcomes


def run_on_cluster(
    options: BatchOptions,
    *,
    progress_stream: TextIO | None = None,
    on_error: Callable[[worker.Outcome], None] | None = None,
    on_edited: Callable[[worker.Outcome], None] | None = None,
) -> BatchSummary:
    """:func:`restore.batch.run_batch` with ``options.scheduler`` set; same outputs, sidecars and records."""
    scheduler = parse_scheduler(options.scheduler or "")
    if options.chunk < 0:
        raise ConfigError(f"--chunk must be 0 (automatic) or more, got {options.chunk}")
    roots = _open_roots(options)
    if isinstance(roots.source, Path):
        assert isinstance(roots.target, Path)
        runner.check_side_outputs(options, roots.source)
        files = [p.as_posix() for p in paths.discover(roots.source, options.suffixes)]
        roots.target.mkdir(parents=True, exist_ok=True)
        lock = state.locked(roots.target)
    else:
        assert isinstance(roots.target, storage.Tree)
        files = roots.source.discover()
        lock = roots.target.locked()
    files = [name for name in files if not paths.excluded(name, options.exclude)]
    with lock:
        if isinstance(roots.target, Path):
            stale = state.remove_stale_temporaries(roots.target)
            if stale:
                log.info("removed %d temporary file(s) left by an interrupted run", stale)
        with _connect(scheduler) as client, _interrupt_between_results() as interrupted:
            outcomes = _outcomes(client, options, roots, files, interrupted)
            summary = runner.collect(files, outcomes, progress_stream, on_error, on_edited)
        runner.write_reports(options, summary, files, lambda names: _records(roots, names), on_error)
    runner.log_summary(summary)
    return summary


@contextlib.contextmanager
def _interrupt_between_results() -> Iterator[threading.Event]:
    """Ctrl-C sets the event instead of raising wherever the main thread is: inside Dask's client a
    KeyboardInterrupt can surface as a closed connection (an OSError) or be lost, so the batch raises
    it itself between two results (:func:`_outcomes`). Off the main thread (a library caller's
    worker thread) signals cannot be handled and the event is never set."""
    interrupted = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: interrupted.set())
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


def _outcomes(
    client: Client, options: BatchOptions, roots: Roots, files: list[str], interrupted: threading.Event | None = None
) -> Iterator[worker.Outcome]:
    config = options.config
    plugin = CorrectorPlugin(config, f"restore-corrector-{state.config_hash(config)[:16]}")
    client.register_plugin(plugin)
    workers = max(1, len(client.scheduler_info()["workers"]))
    size = options.chunk or max(1, min(_MAX_CHUNK, len(files) // (workers * _CHUNKS_PER_WORKER)))
    chunks = collections.deque(files[i : i + size] for i in range(0, len(files), size))
    settings = worker.WorkerSettings(
        config=config,
        in_root=str(roots.source) if isinstance(roots.source, Path) else roots.source.url,
        out_root=str(roots.target) if isinstance(roots.target, Path) else roots.target.url,
        encoding=options.encoding,
        overwrite_edited=options.overwrite_edited,
        retry_failed=options.retry_failed,
    )
    survey: Any = Survey()
    run_hash = settings.run_hash
    if files:
        parts = client.map(
            survey_chunk, [plugin.name] * len(chunks), [roots] * len(chunks), list(chunks),
            encoding=options.encoding, pure=False,
        )
        survey = client.submit(merge_surveys, parts, pure=False)  # stays on the cluster; workers fetch it
        run_hash = dataclasses.replace(settings, survey=survey.result()).run_hash
        if interrupted is not None and interrupted.is_set():
            raise KeyboardInterrupt
    window = workers * _CHUNKS_PER_WORKER
    in_flight: dict[Any, list[str]] = {}
    # Files retried alone, one at a time: when a worker dies, the scheduler blames every task queued
    # on it, so two lone files in flight together could take the blame for each other.
    alone: collections.deque[str] = collections.deque()
    retrying: set[Any] = set()
    # Results come with the futures, awaited on this client's loop (another client in the process may be the default).
    finished = as_completed(loop=client.loop, with_results=True, raise_errors=False)

    def submit(chunk: list[str], priority: int = 0) -> Any:
        future = client.submit(
            restore_chunk, plugin.name, roots, settings, survey, chunk, pure=False, priority=priority
        )
        in_flight[future] = chunk
        finished.add(future)
        return future

    def top_up() -> None:
        if alone and not retrying:
            retrying.add(submit([alone.popleft()], priority=1))
        while chunks and len(in_flight) < window:
            submit(chunks.popleft())

    try:
        top_up()
        for future, result in finished:
            if interrupted is not None and interrupted.is_set():
                raise KeyboardInterrupt
            chunk = in_flight.pop(future)
            was_alone = future in retrying
            retrying.discard(future)
            if future.status == "error":  # with raise_errors=False the result is (type, exception, traceback)
                result = result[1]
            if isinstance(result, KilledWorker):
                if not was_alone:  # which file kills its worker? Each is retried alone.
                    log.warning("a chunk of %d file(s) killed its workers; retrying each file alone", len(chunk))
                    alone.extend(chunk)
                else:
                    message = f"{_display(roots, chunk[0])}: {_died(result)}"
                    _record_death(roots, chunk[0], run_hash, message)
                    yield worker.Outcome(chunk[0], worker.ERROR, message=message)
            elif isinstance(result, BaseException):
                raise result
            else:
                yield from result
            top_up()
        if interrupted is not None and interrupted.is_set():
            raise KeyboardInterrupt  # after the last result: the user still asked to stop
    finally:
        if in_flight:  # Ctrl-C or an error: what is finished stays finished, the rest is not started
            client.cancel(list(in_flight))


def _record_death(roots: Roots, name: str, run_hash: str, message: str) -> None:
    """The failure record the process pool writes too, so a rerun retries the file once more, then skips it."""
    if not (isinstance(roots.source, Path) and isinstance(roots.target, Path)):
        return  # object storage keeps no failure records: a rerun tries the file again
    relative = Path(name)
    try:
        input_sha = state.sha256_bytes((roots.source / relative).read_bytes())
    except OSError:
        return  # gone or unreadable: the next run reports it as such
    state.record_failure(state.failure_path(roots.target, relative), input_sha=input_sha, run=run_hash, message=message)


def _died(exc: KilledWorker) -> str:
    return f"its worker process died each time it was restored, alone too ({type(exc).__name__}); left out"


def _display(roots: Roots, name: str) -> str:
    source = roots.source
    return str(source / name) if isinstance(source, Path) else f"{source.url}/{name}"


class _connect:
    """A client on a new local cluster (closed with it) or on an existing scheduler."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None

    def __enter__(self) -> Client:
        if self.scheduler.address is not None:
            self.client = Client(self.scheduler.address)
            return self.client
        # One task on a worker at a time (no queue behind the running one), so a dying worker is
        # blamed on the task that killed it only.
        local_settings = {
            "distributed.scheduler.allowed-failures": _LOCAL_ALLOWED_FAILURES,
            "distributed.scheduler.worker-saturation": 1.0,
        }
        with dask.config.set(local_settings):
            self.cluster = LocalCluster(
                n_workers=self.scheduler.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        self.client = Client(self.cluster)
        return self.client

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _open_roots(options: BatchOptions) -> Roots:
    source_path, target_path = storage.local_path(options.in_dir), storage.local_path(options.out_dir)
    if source_path is not None and target_path is not None:
        source, target = paths.check_roots(source_path, target_path)
        return Roots(source, target)
    source_tree, target_tree = storage.open_tree(options.in_dir), storage.open_tree(options.out_dir)
    storage.check_trees(source_tree, target_tree)
    return Roots(source_tree, target_tree)


def _records(roots: Roots, names: list[str]) -> Iterator[dict[str, Any]]:
    if isinstance(roots.target, Path):
        yield from runner.records_from(roots.target, names)
        return
    target = roots.target
    for name in names:
        record = target.read_json(storage.sidecar_key(name))
        if record is None:
            log.warning("%s: no record found; left out of the JSONL and the report", name)
            continue
        yield runner.published(record)


def _corrector(plugin_name: str) -> Corrector:
    plugin = get_worker().plugins[plugin_name]
    corrector = plugin.corrector if isinstance(plugin, CorrectorPlugin) else None
    if corrector is None:
        raise RuntimeError(f"worker plugin {plugin_name} was not set up")
    return corrector

