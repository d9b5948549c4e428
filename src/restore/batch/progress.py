"""The progress bar of a batch on a terminal (files done, characters per second), drawn by tqdm; silent otherwise.

The same bar serves the process pool and a Dask cluster: the runner counts each
finished file (a cluster reports them a chunk at a time).
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
        rate = self.chars / max(time.monotonic() - self._started, 1e-9)
        self._bar.set_postfix_str(f"{rate:,.0f} chars/s", refresh=False)
        self._bar.update(1)

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
