"""The progress bar of a batch on a terminal (files done, characters per second), drawn by tqdm; silent otherwise.

The same bar serves the process pool and a Dask cluster: the runner counts each
finished file (a cluster reports them a chunk at a time). With local workers it also shows
how far a long file is, stage by stage (:meth:`Progress.document`).
"""

from __future__ import annotations

import io
import os
import time
from typing import TextIO

from tqdm import tqdm

# Redraw at most this often (seconds), so the bar never costs measurable time.
_MIN_INTERVAL = 0.1
# Size of a terminal that does not say its own (a fresh pty reports 0 x 0, which tqdm takes
# literally and then draws nothing).
_DEFAULT_SIZE = (80, 24)


class Progress:
    """Draws ``12/200 files [00:03<00:47] 3,456 chars/s`` on ``stream`` when it is a terminal."""

    def __init__(self, total: int, stream: TextIO, *, enabled: bool | None = None) -> None:
        self.total = total
        self.enabled = stream.isatty() if enabled is None else enabled
        self.chars = 0
        self._started = time.monotonic()
        # The long document a worker is on ("" between files), and when it was last drawn.
        self._document = ""
        self._drawn = 0.0
        columns, rows = _terminal_size(stream)
        self._bar = tqdm(
            total=total,
            file=stream,
            unit=" files",
            bar_format="{n_fmt}/{total_fmt}{unit} |{bar:24}| [{elapsed}<{remaining}{postfix}]",
            mininterval=_MIN_INTERVAL,
            disable=not self.enabled,
            ncols=columns,
            nrows=rows,
            leave=True,
        )

    def update(self, chars: int) -> None:
        """Count one more finished file of ``chars`` characters."""
        self.chars += chars
        self._document = ""
        self._bar.set_postfix_str(self._postfix(), refresh=False)
        self._bar.update(1)

    def document(self, name: str, stage: str, done: int, total: int) -> None:
        """Show how far a long file still running is: ``big.txt char 45%`` after the rate.

        Called as a worker reports its document (``Corrector.fix(progress=...)``); redrawn at
        most every :data:`_MIN_INTERVAL` seconds.
        """
        if not self.enabled:
            return
        self._document = f"{name} {stage} {100 * done // max(total, 1)}%"
        now = time.monotonic()
        if now - self._drawn >= _MIN_INTERVAL:
            self._drawn = now
            self._bar.set_postfix_str(self._postfix(), refresh=True)

    def _postfix(self) -> str:
        rate = self.chars / max(time.monotonic() - self._started, 1e-9)
        return f"{rate:,.0f} chars/s" + (f", {self._document}" if self._document else "")

    def clear(self) -> None:
        """Erase the bar so a message can take its line; the next update draws it again."""
        self._bar.clear()

    def close(self) -> None:
        """Draw the final state and end the bar's line."""
        self._bar.close()


def _terminal_size(stream: TextIO) -> tuple[int, int]:
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        return _DEFAULT_SIZE
    return (size.columns or _DEFAULT_SIZE[0], size.lines or _DEFAULT_SIZE[1])
