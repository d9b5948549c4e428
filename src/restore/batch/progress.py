"""A one-line progress bar on a terminal (files done, characters per second); silent otherwise."""

from __future__ import annotations

import time
from typing import TextIO

_WIDTH = 24
# Redraw at most this often, so the bar never costs measurable time.
_MIN_INTERVAL = 0.1


class Progress:
    """Draws ``[#####...] 12/200 files  3,456 chars/s`` on ``stream`` when it is a terminal."""

    def __init__(self, total: int, stream: TextIO, *, enabled: bool | None = None) -> None:
        self.total = total
        self.stream = stream
        self.enabled = stream.isatty() if enabled is None else enabled
        self.files = 0
        self.chars = 0
        self._started = time.monotonic()
        self._drawn = 0.0

    def update(self, chars: int) -> None:
        """Count one more finished file of ``chars`` characters."""
        self.files += 1
        self.chars += chars
        now = time.monotonic()
        if self.enabled and (now - self._drawn >= _MIN_INTERVAL or self.files == self.total):
            self._drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        filled = _WIDTH * self.files // self.total if self.total else _WIDTH
        rate = self.chars / max(now - self._started, 1e-9)
        bar = "#" * filled + "." * (_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {self.files}/{self.total} files  {rate:,.0f} chars/s")
        self.stream.flush()

    def clear(self) -> None:
        """Erase the bar so a message can take its line; the next update draws it again."""
        if self.enabled and self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._drawn = 0.0

    def close(self) -> None:
        """End the bar's line (only when something was drawn)."""
        if self.enabled and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
