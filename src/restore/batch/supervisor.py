"""Worker processes that die with their parent, and a parent that outlives its workers.

Each worker is a fresh interpreter (the ``spawn`` start method), so it inherits
none of the parent's descriptors: the lock on the output tree stays with the
parent alone, and a killed parent releases it at once. Each worker gets one file
at a time over its own pipe, so when a worker dies (a signal, the OOM killer, a
crash in a C extension) the parent knows the file it was on: that file is
reported by name and recorded as failed, a new worker takes the place of the
dead one, and the batch goes on.

A worker leaves when its parent does: on Linux the kernel sends it SIGKILL
(``PR_SET_PDEATHSIG``); everywhere a watchdog thread sees its parent change and
exits. Either way no orphan keeps writing into the output tree.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from restore.batch import worker
from restore.errors import RestoreError
from restore.textio import display_path

log = logging.getLogger(__name__)

# How often a worker tells the parent how far its current document is, at most (seconds).
STEP_INTERVAL = 0.5
# How often a worker's watchdog checks that its parent is alive (seconds).
_PARENT_CHECK_INTERVAL = 0.2
# How long a stopping worker may take to leave before it is killed (seconds).
_STOP_GRACE = 2.0
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass
class _Slot:
    """One running worker and the file it is restoring (``None`` when idle)."""

    process: multiprocessing.process.BaseProcess
    connection: Connection
    current: str | None = None


class WorkerPool:
    """``size`` supervised worker processes restoring files with :func:`worker.process`.

    ``on_death(name, message)`` is called in the parent when a worker dies on
    file ``name`` (the runner records the failure); the file's outcome is then an
    error naming it. ``on_step(name, stage, done, total)`` is called in the parent as a
    worker gets through file ``name`` (at most every ``step_interval`` seconds per worker).
    """

    def __init__(
        self,
        size: int,
        settings: worker.WorkerSettings,
        *,
        on_death: Callable[[str, str], None] | None = None,
        on_step: Callable[[str, str, int, int], None] | None = None,
        step_interval: float = STEP_INTERVAL,
    ) -> None:
        if size < 1:
            raise ValueError(f"a pool needs at least one worker, got {size}")
        self.size = size
        self.settings = settings
        self.on_death = on_death
        self.on_step = on_step
        # None: the workers do not report steps at all.
        self._step_interval = step_interval if on_step is not None else None
        self._context = multiprocessing.get_context("spawn")
        self._slots: list[_Slot] = []

    def run(self, names: Iterable[str]) -> Iterator[worker.Outcome]:
        """Restore every file in ``names``; yields one outcome per file as workers finish them."""
        queue = deque(names)
        try:
            for _ in range(min(self.size, len(queue))):
                self._slots.append(self._start())
            while queue or any(slot.current is not None for slot in self._slots):
                for slot in list(self._slots):
                    if slot.current is None and queue:
                        self._assign(slot, queue)
                busy = [slot for slot in self._slots if slot.current is not None]
                ready = wait([slot.connection for slot in busy])
                for slot in [slot for slot in busy if slot.connection in ready]:
                    received = self._receive(slot)
                    if isinstance(received, worker.Outcome):
                        yield received
                    elif received is None:  # the worker died on its file
                        yield self._replace(slot, more=bool(queue))
                    # else a progress report: the worker is still on its file
        finally:
            self._stop()

    def _assign(self, slot: _Slot, queue: deque[str]) -> None:
        """Send the next file to an idle worker; one that died idle is replaced and blamed for nothing."""
        name = queue.popleft()
        try:
            slot.connection.send(name)
        except OSError:
            queue.appendleft(name)
            log.debug("worker %s died while idle; starting another", slot.process.pid)
            self._retire(slot)
            self._slots.append(self._start())
            return
        slot.current = name

    def _receive(self, slot: _Slot) -> worker.Outcome | object | None:
        """The file's outcome, :data:`_STEP` for a progress report, ``None`` when the worker died."""
        try:
            kind, payload = slot.connection.recv()
        except (EOFError, OSError):
            return None
        if kind == "step":
            if self.on_step is not None and slot.current is not None:
                self.on_step(slot.current, *payload)
            return _STEP
        if kind != "outcome":
            raise RestoreError(f"a worker process sent {kind!r} instead of an outcome")
        slot.current = None
        return payload

    def _replace(self, slot: _Slot, *, more: bool) -> worker.Outcome:
        """Report the file a dead worker was on, and start another worker if work remains."""
        name = slot.current
        assert name is not None
        slot.process.join(_STOP_GRACE)
        message = (
            f"{display_path(os.path.join(self.settings.in_root, name))}: the worker process died "
            f"({_exit_description(slot.process.exitcode)}) while restoring it"
        )
        log.debug("worker %s died on %s", slot.process.pid, name)
        if self.on_death is not None:
            self.on_death(name, message)
        self._retire(slot)
        if more:
            self._slots.append(self._start())
        return worker.Outcome(name, worker.ERROR, message=message)

    def _retire(self, slot: _Slot) -> None:
        slot.process.join(_STOP_GRACE)
        slot.connection.close()
        self._slots.remove(slot)

    def _start(self) -> _Slot:
        """Start one worker and wait until its corrector is built."""
        parent_end, child_end = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=serve,
            args=(child_end, self.settings, os.getpid(), self._step_interval),
            name="restore-worker",
            daemon=True,
        )
        process.start()
        child_end.close()  # the parent keeps only its end, so a dead worker reads as end-of-file
        try:
            kind, payload = parent_end.recv()
        except (EOFError, OSError) as exc:
            process.join(_STOP_GRACE)
            raise RestoreError(
                f"a worker process could not start ({_exit_description(process.exitcode)})"
            ) from exc
        if kind != "ready":
            process.join(_STOP_GRACE)
            raise RestoreError(f"a worker process could not start: {payload}")
        return _Slot(process, parent_end)

    def _stop(self) -> None:
        """Ask every worker to leave; kill the ones that do not (a file still running, say)."""
        for slot in self._slots:
            with contextlib.suppress(OSError):
                slot.connection.send(None)
        deadline = time.monotonic() + _STOP_GRACE
        for slot in self._slots:
            if slot.current is not None:  # interrupted mid-file: do not wait for it
                slot.process.kill()
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.connection.close()
        self._slots.clear()


# What _receive returns for a worker's progress report (the file is not done).
_STEP = object()


class _StepReporter:
    """``progress(stage, done, total)`` for a worker's document: sent to the parent as
    ``("step", (stage, done, total))``, at most every ``interval`` seconds (a page sends none)."""

    def __init__(self, connection: Connection, interval: float) -> None:
        self.connection = connection
        self.interval = interval
        self._last = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            self.connection.send(("step", (stage, done, total)))


def serve(
    connection: Connection, settings: worker.WorkerSettings, parent_pid: int, step_interval: float | None = None
) -> None:
    """A worker process's main loop: restore each file name received, send back its outcome.

    With a ``step_interval`` the worker also reports how far each document is (see
    :class:`_StepReporter`)."""
    _leave_with_parent(parent_pid)
    # Ctrl-C goes to the whole process group: the parent decides, the worker just finishes or is stopped.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        worker.init_worker(settings)
    except RestoreError as exc:
        connection.send(("failed", str(exc)))
        return
    connection.send(("ready", None))
    while True:
        try:
            name = connection.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if name is None:
            return
        reporter = _StepReporter(connection, step_interval) if step_interval is not None else None
        connection.send(("outcome", worker.process(name, progress=reporter)))


def _leave_with_parent(parent_pid: int) -> None:
    """Make this process exit as soon as ``parent_pid`` is no longer its parent."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_PARENT_CHECK_INTERVAL)
        os._exit(1)

    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=watch, name="restore-parent-watch", daemon=True).start()


def _exit_description(code: int | None) -> str:
    """``killed by SIGKILL``, ``exit code 3``… for a worker's exit code."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
