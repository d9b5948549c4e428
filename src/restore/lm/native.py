"""The optional compiled kernel of the char stage's LM windows, and when it is used.

:func:`restore.lm.windows.score_windows` is the char stage's hot loop (a third to a half of a
pass over OCR lines). ``restore._windows``, built at install time from ``native/windows.cc``
against kenlm's own C++ code (vendored: ``native/kenlm``, kenlm 0.3.0, LGPL-2.1) by
``hatch_build.py``, runs the same loop in C++: the same kenlm float32 per token, summed as
float64 in the same order, so every total is bit for bit the pure-Python one and so is every
edit (``tests/test_native_windows.py``).

It is used when all of these hold, else the pure-Python loop is:

- the extension was built (an install without a working C++ compiler skips it, with a warning);
- the environment variable ``RESTORE_NATIVE`` is not ``0`` (:data:`ENVIRONMENT`; read when a
  model is first scored, so set it before the first correction);
- the model is a plain ``kenlm.Model``: an adapted model (:mod:`restore.lm.mixture`) is a Python
  object and is always scored in Python.

The same module holds ``Words`` (``native/words.cc``), the char stage's known-word test, used by
:meth:`restore.lm.model.KnownWords.covers` under the first two conditions.

>>> from restore.lm.model import CharLanguageModel
>>> lm = CharLanguageModel()
>>> kernel = load_kernel(lm.model, lm.path)
>>> kernel is None or kernel.windows(list("会议在徐汇区召开"), 3, ["徐", "涂"])[0] < 0
True
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

# RESTORE_NATIVE=0 forces the pure-Python windows (identity checks; a suspect build).
ENVIRONMENT = "RESTORE_NATIVE"


class WindowsKernel(Protocol):
    """What ``restore._windows.Windows`` offers (its C++ is ``native/windows.cc``)."""

    order: int

    def windows(
        self,
        tokens: Sequence[str],
        index: int,
        replacements: Sequence[str],
        cut: float | None = None,
        source: Sequence[int] | None = None,
    ) -> list[float]:
        """log10 probability of each replacement at ``tokens[index]`` and the ``order - 1`` tokens
        after it (and ``</s>`` when they reach the end), after the ``order - 1`` tokens before it (or
        ``<s>``): :func:`~restore.lm.windows.score_windows` of those, with ``floor = cut + FLOOR_SLACK``.
        With ``source``, entry ``i`` is the total of ``replacements[source[i]]``."""
        ...

    def steps(self, tokens: Sequence[str]) -> list[float]:
        """log10 probability of each token walked from ``<s>``, then of ``</s>``: the steps of a
        :class:`~restore.lm.windows.SentenceWalk` of ``tokens``."""
        ...

    def screen(
        self,
        tokens: Sequence[str],
        steps: Sequence[float],
        positions: Sequence[int],
        replacements: Sequence[Sequence[str]],
        min_gain: float,
        slack: float,
        insert: bool = False,
    ) -> list[tuple[float, list[float], list[int]] | None]:
        """For each ``positions[k] = i`` with its ``replacements[k]``: ``before``, the window of
        ``tokens[i]`` as printed (``steps[i : i + order]`` summed left to right, ``steps`` one per
        token and one for ``</s>``: :meth:`~restore.lm.windows.SentenceWalk.window`), and
        ``windows(tokens, i, replacements[k], (before + min_gain) - slack)``; None when no total
        gains ``min_gain`` (``total - before >= min_gain``), else ``(before, the totals, the gaining
        positions)``: :meth:`gaining` of them. One call for a sentence's examined positions.
        With ``insert``, each replacement is inserted before ``tokens[i]`` (``0 <= i <= len(tokens)``):
        ``before`` sums ``steps[i : i + order - 1]`` and the windows are those :meth:`windows` gives
        at ``i`` of the tokens with a placeholder inserted there (``CharStage.best_insertion``)."""
        ...

    def gaining(self, scores: Sequence[float], before: float, min_gain: float) -> list[int]:
        """The positions of ``scores`` whose ``score - before >= min_gain`` (float64), in order."""
        ...


def enabled() -> bool:
    """Whether the environment allows the compiled kernel (``RESTORE_NATIVE`` unset or not ``0``)."""
    return os.environ.get(ENVIRONMENT, "1").strip() != "0"


def extension() -> Any:
    """The compiled module ``restore._windows``, or None when it was not built (or cannot load)."""
    try:
        return importlib.import_module("restore._windows")
    except ModuleNotFoundError as exc:  # not built: the ordinary case without a compiler
        log.debug("restore._windows not built (%s): the pure-Python LM windows are used", exc)
    except ImportError as exc:  # built but unloadable (another Python, a missing library): say so
        log.warning("restore._windows cannot be imported (%s): the pure-Python LM windows are used", exc)
    return None


class WordLatticeKernel(Protocol):
    """What ``restore._windows.WordLattice`` offers (its C++ is ``native/lattice.cc``)."""

    def segment(self, pieces: Sequence[str], max_word: int, beam: int, bos: bool, eos: bool) -> tuple[float, tuple[int, ...]]:
        """``(log10 probability, word lengths in pieces)`` of the best path through the word
        lattice of ``pieces``: :meth:`restore.lm.wordlm.WordLanguageModel.segment`'s search."""
        ...

    def score(self, pieces: Sequence[str], max_word: int, beam: int, bos: bool, eos: bool) -> float:
        """:meth:`segment`'s log10 probability alone."""
        ...


def load_lattice(path: str | Path) -> WordLatticeKernel | None:
    """The compiled word-lattice search over the kenlm word model at ``path``, or None when the
    pure-Python search must be used (not built, or ``RESTORE_NATIVE=0``). Raises
    :class:`~restore.errors.ResourceError` when the file cannot be loaded."""
    if not enabled():
        return None
    module = extension()
    if module is None or not hasattr(module, "WordLattice"):
        return None
    from restore.errors import ResourceError

    if not Path(path).is_file():
        raise ResourceError(f"language model {path}: no such file")
    try:
        kernel: WordLatticeKernel = module.WordLattice(str(path))
    except OSError as exc:
        raise ResourceError(f"language model {path}: {exc}") from exc
    return kernel


def load_kernel(model: Any, path: str | Path) -> WindowsKernel | None:
    """The compiled windows of ``model``, loaded from ``path`` (the file ``model`` was read from), or
    None when the pure-Python loop must be used (see the module's conditions). The kernel maps the
    file again, lazily as :mod:`restore.lm.model` does: the pages are shared through the page cache."""
    if not enabled():
        return None
    module = extension()
    if module is None:
        return None
    import kenlm

    if type(model) is not kenlm.Model:
        return None
    try:
        kernel: WindowsKernel = module.Windows(str(path))
    except OSError as exc:  # kenlm read the file but our build cannot: say so, score in Python
        log.warning("the native LM windows cannot load %s (%s): the pure-Python windows are used", path, exc)
        return None
    if kernel.order != model.order:
        log.warning("the native LM windows read order %d, kenlm %d: the pure-Python windows are used", kernel.order, model.order)
        return None
    return kernel
