"""Scoring the LM windows of many candidate replacements at one position, sharing kenlm states.

The char stage weighs each candidate replacement of a suspicious character by the log10
probability of the window it touches: the replacement and the ``order - 1`` tokens after
it (tokens further right have contexts that no longer reach it). All candidates share that
tail, and kenlm's states are right-minimal: once the n-gram through a candidate is unseen,
the state forgets the candidate, so most candidates' walks through the tail meet in the same
few states after one or two tokens. :func:`score_windows` walks the tail token by token for
all candidates at once and scores each distinct state once. Every total is summed in the
same order as a walk per candidate, so the numbers are bit-for-bit those of scoring each
window afresh (on 100 KB of the seeds' text the char stage makes 53 % fewer kenlm calls in windows).

>>> from restore.lm.model import CharLanguageModel
>>> model = CharLanguageModel().model
>>> tokens = list("会议在徐汇区召开")
>>> context = begin_state(model, tokens, 3)
>>> kept, misread = score_windows(model, context, window_tail(model, tokens, 3), ["徐", "涂"])
>>> kept > misread   # 在徐汇区 reads better than 在涂汇区
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from restore.lm.native import WindowsKernel


def state_class(model: Any) -> Any:
    """What makes a fresh state of ``model``: ``kenlm.State``, or a mixture's own (:mod:`restore.lm.mixture`)."""
    import kenlm

    return getattr(model, "State", kenlm.State)


def begin_state(model: Any, tokens: Sequence[str], index: int) -> Any:
    """The kenlm state after the ``order - 1`` tokens before ``index`` (from <s> near the start)."""
    new_state = state_class(model)
    state, scratch = new_state(), new_state()
    start = index - model.order + 1
    if start <= 0:
        model.BeginSentenceWrite(state)
        start = 0
    else:
        model.NullContextWrite(state)
    for token in tokens[start:index]:
        model.BaseScore(state, token, scratch)
        state, scratch = scratch, state
    return state


def window_tail(model: Any, tokens: Sequence[str], index: int) -> list[str]:
    """The tokens after ``index`` whose scores a change at ``index`` can move (with </s> if reached)."""
    end = index + model.order
    tail = list(tokens[index + 1 : end])
    return [*tail, "</s>"] if end > len(tokens) else tail


# How far a walk's partial sum may sit below its final total: every kenlm log10 probability is
# <= 0, but an adapted model's mixture (restore.lm.mixture) may round a certain token to a few
# 1e-7 above 0; a replacement is dropped only when its partial sum is this much under the floor.
FLOOR_SLACK = 1e-5


def score_windows(
    model: Any, context: Any, tail: Sequence[str], replacements: Sequence[str], floor: float | None = None
) -> list[float]:
    """log10 probability of ``replacement + tail`` after ``context``, once per replacement.

    ``model`` is a ``kenlm.Model``, ``context`` a ``kenlm.State`` (:func:`begin_state`); the
    result lists one total per replacement, in their order. With ``floor``, a replacement whose
    window cannot reach it is not walked to the end: its entry is then a partial sum below
    ``floor`` (the tokens still to score only lower a total: log probabilities are <= 0), so
    ``total >= floor`` holds for exactly the replacements it would hold for without ``floor``.
    """
    # The hot loop of the char stage: names bound once, no per-candidate work beyond the kenlm calls.
    new_state = state_class(model)
    score = model.BaseScore
    if not tail:
        scratch = new_state()  # the states after the replacements are never read
        return [score(context, replacement, scratch) for replacement in replacements]
    # The first tail token still sees each replacement (distinct states): no sharing to find.
    # From the second on, the replacements whose walks met in one state are scored together.
    token = tail[0]
    cut = None if floor is None else floor - FLOOR_SLACK
    last = len(tail) == 1
    scratch = new_state()
    totals: list[float] = []
    groups: dict[Any, list[int]] = {}
    for position, replacement in enumerate(replacements):
        total = score(context, replacement, scratch)
        if cut is not None and total < cut:
            totals.append(total)  # cannot reach the floor: the rest of its window is not scored
            continue
        after = new_state()
        total += score(scratch, token, after)
        totals.append(total)
        if cut is not None and total < cut and not last:
            continue
        joined = groups.get(after)
        if joined is None:
            groups[after] = [position]
        else:
            joined.append(position)
    for token in tail[1:]:
        merged: dict[Any, list[int]] = {}
        for state, positions in groups.items():
            after = new_state()
            step = score(state, token, after)
            for position in positions:
                totals[position] += step
            joined = merged.get(after)
            if joined is None:
                merged[after] = positions
            else:
                joined += positions
        groups = merged
    return totals


def score_walk(model: Any, context: Any, tokens: Sequence[str]) -> float:
    """log10 probability of ``tokens`` after the state ``context`` (0.0 for none), summed in order."""
    if not tokens:
        return 0.0
    return score_windows(model, context, tokens[1:], tokens[:1])[0]


def walk_state(model: Any, context: Any, tokens: Sequence[str]) -> tuple[float, Any]:
    """log10 probability of ``tokens`` after ``context`` and the state after them (``context`` for none)."""
    new_state = state_class(model)
    total, state = 0.0, context
    for token in tokens:
        after = new_state()
        total += model.BaseScore(state, token, after)
        state = after
    return total, state


class SentenceWalk:
    """One walk of a sentence's tokens from ``<s>`` to ``</s>``: the kenlm state before each token
    and each token's log10 probability, for the windows of the sentence as printed.

    kenlm's states are right-minimal and never hold more than ``order - 1`` tokens, so the state
    before ``index`` here is the state :func:`begin_state` builds from the ``order - 1`` tokens
    before it, and a window's log10 probability is the sum of this walk's steps over it, in the
    same order (bit for bit the :func:`score_walk` of those tokens). The char stage examines about
    a third of an OCR line's characters; each would otherwise walk its left context and window afresh.

    >>> from restore.lm.model import CharLanguageModel
    >>> model = CharLanguageModel().model
    >>> tokens = list("会议在徐汇区召开")
    >>> walk = SentenceWalk(model, tokens)
    >>> walk.state_before(6) == begin_state(model, tokens, 6)
    True
    >>> walk.window(6) == score_walk(model, begin_state(model, tokens, 6), ["召", *window_tail(model, tokens, 6)])
    True
    """

    def __init__(
        self, model: Any, tokens: Sequence[str], kernel: WindowsKernel | None = None, steps: list[float] | None = None
    ) -> None:
        """``steps``: the walk's steps when the caller has them already (the kernel's
        ``steps(tokens)``, which a kernel's walk would compute)."""
        self.model = model
        self.tokens = tokens
        self.order = int(model.order)
        # states[i]: before tokens[i] (states[len(tokens)]: before </s>); steps[i]: log10 p(tokens[i]),
        # steps[len(tokens)] that of </s>. Walked on first use: most sentences of clean text need none.
        self._states: list[Any] = []
        self._steps: list[float] = steps or []
        # The compiled kernel of the same model (restore.lm.native), when there is one, walks the
        # steps (the same floats); the states are then walked only if asked for.
        self._kernel = kernel

    def _walk(self) -> None:
        model = self.model
        new_state = state_class(model)
        score = model.BaseScore
        state = new_state()
        model.BeginSentenceWrite(state)
        states, steps = [state], []
        for token in [*self.tokens, "</s>"]:
            after = new_state()
            steps.append(score(state, token, after))
            states.append(after)
            state = after
        self._states, self._steps = states, steps

    def state_before(self, index: int) -> Any:
        """The kenlm state before ``tokens[index]`` (the same as ``begin_state(model, tokens, index)``)."""
        if not self._states:
            self._walk()
        return self._states[index]

    def window(self, index: int) -> float:
        """log10 probability of ``tokens[index]`` and the ``order - 1`` tokens after it (with ``</s>``
        when they reach the end), after the state before it: :func:`score_walk` of that window."""
        return self.span(index, index + self.order)

    def span(self, start: int, end: int) -> float:
        """log10 probability of ``tokens[start:end]`` in this walk (``end`` past the last token takes
        in ``</s>``), summed left to right as a walk sums it; 0.0 for none."""
        if not self._steps:
            if self._kernel is not None:
                self._steps = self._kernel.steps(self.tokens)
            else:
                self._walk()
        steps = self._steps
        end = min(end, len(steps))
        if start >= end:
            return 0.0
        total = steps[start]
        for step in steps[start + 1 : end]:
            total += step
        return total
