"""A progress bar inside one long document (tqdm), on a terminal only.

``Corrector.fix(text, progress=...)`` reports each stage's characters done; the bar shows
the current stage and its progress through the document, and appears only when the
document takes longer than :data:`SHOW_AFTER_S` (a page is done before it would).
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tqdm import tqdm

# Seconds before the bar appears; shorter runs never draw it.
SHOW_AFTER_S = 1.0
# Redraw at most this often (seconds), so drawing never costs measurable time.
MIN_INTERVAL_S = 0.2


class DocumentProgress:
    """``progress(stage, done, total)`` for :meth:`restore.Corrector.fix`, drawn on ``stream`` when a terminal.

    Used as a context manager: the bar is closed (and its line ended) on exit. tqdm is imported
    only when a bar may be drawn (it costs a cold ``restore fix`` 40 ms otherwise).
    """

    def __init__(
        self, stream: TextIO, name: str, *, enabled: bool | None = None, delay: float = SHOW_AFTER_S
    ) -> None:
        self.name = name
        self._stage = ""
        self._bar: tqdm | None = None
        if stream.isatty() if enabled is None else enabled:
            from tqdm import tqdm

            self._bar = tqdm(
                total=0,
                file=stream,
                unit=" chars",
                unit_scale=True,
                delay=delay,
                mininterval=MIN_INTERVAL_S,
                leave=False,
            )

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Move the bar to ``done`` of ``total`` characters of ``stage``'s input."""
        bar = self._bar
        if bar is None:
            return
        if stage != self._stage:
            self._stage = stage
            bar.reset(total=total)
            bar.set_description_str(f"{self.name}: {stage}")
        bar.update(done - bar.n)

    def __enter__(self) -> DocumentProgress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.close()
