"""Does a sentence end here? The char LM weighs a full stop against a comma between two clauses.

OCR engines print ``。`` for ``，`` (a small comma read as a round stop) and, less often, the
reverse or an ASCII ``,`` where the sentence ends. The char stage cannot weigh those marks like
other characters: its LM was trained on sentences (``。`` is followed by ``</s>``), so a full
stop ends the scored unit. Here both readings of a mark between two Han clauses are scored over
the same tokens:

- as a comma: ``left ， right`` (one sentence);
- as a full stop: ``left 。 </s>`` then ``<s> right`` (two sentences),

where ``left`` is the ``order - 1`` tokens before the mark (from ``<s>`` when the sentence starts
there) and ``right`` the ``order - 1`` tokens after it (to the next sentence end, then ``</s>``).
:func:`stop_and_comma` returns the log10 probabilities of both readings over the same tokens.

>>> from restore.lm.model import CharLanguageModel
>>> lm = CharLanguageModel()
>>> stop, comma = stop_and_comma(lm.model, list("尽管下着大雨，比赛照常进行"), 6)
>>> comma > stop   # the clause after the mark does not start a sentence
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from restore.lm.windows import begin_state, state_class

if TYPE_CHECKING:
    from restore.lm.native import WindowsKernel


def stop_and_comma(model: Any, tokens: Sequence[str], index: int, kernel: WindowsKernel | None = None) -> tuple[float, float]:
    """(log10 P of the full-stop reading, log10 P of the comma reading) of the mark at ``index``.

    ``model``: a ``kenlm.Model``; ``tokens``: one sentence-like unit in the LM's view (the mark at
    ``index`` is ignored: both readings replace it); the unit ends at ``len(tokens)``. ``kernel``:
    the compiled windows of the same model (:mod:`restore.lm.native`), which then score both
    readings: the same floats summed in the same order, without reading kenlm's own mapping.
    Raises IndexError when ``index`` is outside ``tokens``.
    """
    if not 0 <= index < len(tokens):
        raise IndexError(f"mark index {index} outside {len(tokens)} tokens")
    order = model.order
    right = list(tokens[index + 1 : index + order])
    if index + order >= len(tokens):
        right.append("</s>")
    # The kernel's window after the mark is ``window_tail``'s, which takes in </s> only past the
    # unit's end: the one position where the unit ends exactly ``order`` tokens on is scored here.
    if kernel is not None and index + order != len(tokens):
        comma = kernel.windows(tokens, index, ["，"])[0]
        # 。 then </s>: the mark as the last token of a unit that ends after it.
        stop_mark = kernel.windows(list(tokens[: index + 1]), index, ["。"])[0]
        steps = kernel.steps(right[:-1] if right[-1] == "</s>" else right)
        opened = 0.0
        for step in steps if right[-1] == "</s>" else steps[:-1]:
            opened += step
        return stop_mark + opened, comma
    context = begin_state(model, tokens, index)
    new_state = state_class(model)  # kenlm.State, or an adapted model's (restore.lm.mixture)

    def walk(state: Any, sequence: Sequence[str]) -> float:
        total, scratch = 0.0, new_state()
        for token in sequence:
            total += model.BaseScore(state, token, scratch)
            state, scratch = scratch, new_state()
        return total

    comma = walk(context, ["，", *right])
    start = new_state()
    model.BeginSentenceWrite(start)
    stop = walk(context, ["。", "</s>"]) + walk(start, right)
    return stop, comma


def span_readings(model: Any, tokens: Sequence[str], start: int, end: int, readings: Sequence[Sequence[str]]) -> list[float]:
    """log10 P of each reading of ``tokens[start:end]``, each followed by the ``order - 1`` tokens
    after the span (and ``</s>`` when they reach the unit's end), all from the same context.

    ``model``: a ``kenlm.Model``; ``tokens``: one unit in the LM's view; ``readings``: token
    sequences that may replace the span (of any length). Raises IndexError for a span outside ``tokens``.

    >>> from restore.lm.model import CharLanguageModel
    >>> lm = CharLanguageModel()
    >>> dash, ones = span_readings(lm.model, list("他说一一我们走吧"), 2, 4, [["—", "—"], ["一", "一"]])
    >>> dash > ones
    True
    """
    if not 0 <= start <= end <= len(tokens):
        raise IndexError(f"span {start}:{end} outside {len(tokens)} tokens")
    tail = list(tokens[end : end + model.order - 1])
    if end + model.order - 1 > len(tokens):
        tail.append("</s>")
    context = begin_state(model, tokens, start)
    new_state = state_class(model)
    totals = []
    for reading in readings:
        state, scratch, total = context, new_state(), 0.0
        for token in [*reading, *tail]:
            total += model.BaseScore(state, token, scratch)
            state, scratch = scratch, new_state()
        totals.append(total)
    return totals
