"""Joint decisions of the char stage: two suspects within one LM window decided together.

The char stage decides each examined character alone and then, one at a time, re-scores the
others in the light of the most confident change (greedy). That misses two changes that only
make sense together (both characters of a word misread: 墓木 for 基本, where neither 基木 nor
墓本 reads better than the print), and a first decision can block a better pair. So a pair of
examined positions fewer than ``order`` tokens apart is scored over the window both touch
(``CharConfig.joint_decisions``):

- each position's shortlist: its ``joint_candidates`` best candidates alone (:func:`shortlist`);
- every pairing of the two shortlists that makes a known word of 2-4 characters covering both
  positions (:func:`word_pairings`: the cheap gate, as suspects are many in OCR text): the LM gain of
  the window with both changes made, and its *interaction*, the gain beyond the sum of the two
  gains alone (0 for independent changes);
- a pairing whose interaction reaches ``joint_min_interaction`` is calibrated: each member's
  features are taken with its partner's change made (基 then makes the word 基本), and the pair's
  log-odds are ``z_pair = n_a + n_b + w_lm · gain``, ``n`` a member's calibrated log-odds without
  its LM term (the prior of a change is counted once per change);
- the best pairing is weighed against neither change (log-odds 0) and either alone (the stage's
  own best candidates there, ``z_a``, ``z_b``) by :func:`marginals`. It is decided when it is the
  likeliest of the four; each member's confidence is its probability of being right (the pair's
  share plus that of the change alone when it is the same character). When the two changes do
  not interact these are exactly the one-at-a-time confidences.

Everything here is arithmetic on scores the char stage computed (no LM access): the stage
(:meth:`restore.stages.char.CharStage.joint_decisions`) supplies them.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from restore.lm.model import KnownWords

# Pairs are looked for this many tokens apart at most (and closer): a word of up to four characters
# covers them (土地, 哈尔滨 for 雨演 in 哈雨演); on DEV renders every pair decided was one or two apart.
WORD_REACH = 3
# Log-odds of "no candidate": a change that cannot happen weighs nothing in the softmax.
NONE = -math.inf


def shortlist(scores: Sequence[float], bonuses: Sequence[float], k: int) -> list[int]:
    """Indices of the ``k`` candidates with the highest ``score + bonus`` (the LM window's log10
    score with the candidate, or its gain, plus the channel's evidence in log10 units), best first.

    >>> shortlist([0.2, 1.5, -3.0, 0.9], [1.0, 0.0, 0.0, 0.0], 2)
    [1, 0]
    """
    keys = [score + bonus for score, bonus in zip(scores, bonuses)]
    return heapq.nlargest(k, range(len(keys)), key=keys.__getitem__)


def word_pairings(
    words: AbstractSet[str], tokens: Sequence[str], first: int, second: int, firsts: Sequence[str], seconds: Sequence[str]
) -> list[tuple[int, int]]:
    """Indices ``(x, y)`` of the readings ``firsts[x]`` at ``first`` and ``seconds[y]`` at
    ``second`` of ``tokens`` that make a known word of 2-4 characters covering both positions: the
    cheap gate before a pairing is scored (two changes that only make sense together make a word
    together; other pairs are left to the one-at-a-time decisions).

    >>> word_pairings({"土地", "率先垂范"}, list("这片士她很肥"), 2, 3, ["土", "上"], ["她", "地"])
    [(0, 1)]
    >>> word_pairings({"率先垂范"}, list("要率光重范"), 2, 3, ["先"], ["垂"])
    [(0, 0)]
    """
    if second - first >= WORD_REACH:
        return []
    middle = "".join(tokens[first + 1 : second])
    # (text before the first position, text after the second) of every word window covering both.
    windows = [
        ("".join(tokens[start:first]), "".join(tokens[second + 1 : end]))
        for start in range(max(0, second - 3), first + 1)
        for end in range(second + 1, min(len(tokens), start + 4) + 1)
        if end - start >= 2
    ]
    starting_with = words.starting_with if isinstance(words, KnownWords) else lambda _first: words
    found: set[tuple[int, int]] = set()
    for left, right in windows:
        fixed = starting_with(left[0]) if left else None  # the word's first character is printed
        for x, one in enumerate(firsts):
            head = left + one + middle
            bucket = fixed if fixed is not None else starting_with(one[0])
            found.update((x, y) for y, other in enumerate(seconds) if head + other + right in bucket)
    return sorted(found)


def interaction(both: float, first_alone: float, second_alone: float, neither: float) -> float:
    """log10 gain of two changes made together beyond the sum of their gains alone, from the
    window's log10 probabilities with both, with each alone and with neither (0: independent).

    >>> interaction(-10.0, -14.0, -15.0, -16.0)   # together +6, alone +2 and +1
    3.0
    """
    return (both - neither) - (first_alone - neither) - (second_alone - neither)


def pair_logodds(first_rest: float, second_rest: float, lm_weight: float, gain: float) -> float:
    """Calibrated log-odds of a pair of changes against neither: each member's log-odds without
    its LM term (``first_rest``, ``second_rest``) plus the LM weight times the pair's window gain.

    >>> pair_logodds(-6.0, -5.0, 1.3, 10.0)
    2.0
    """
    return first_rest + second_rest + lm_weight * gain


def marginals(first_alone: float, second_alone: float, pair: float, same_first: bool, same_second: bool) -> tuple[float, float, float]:
    """``(P(pair), P(first member right), P(second member right))`` among four readings of the
    window: neither change (log-odds 0), the best change at the first position alone
    (``first_alone``, :data:`NONE` when there is none), the best at the second alone, and the pair.

    ``same_first``: the first position's best change alone is the pair's change there, so its
    probability counts for the member too (likewise ``same_second``).

    >>> p, a, b = marginals(NONE, NONE, 2.0, False, False)   # neither change alone: pair vs neither
    >>> round(p, 3), round(a, 3), round(b, 3)
    (0.881, 0.881, 0.881)
    >>> # Independent changes (pair = sum of the two): each member keeps its own sigmoid.
    >>> [round(x, 3) for x in marginals(1.0, -0.5, 0.5, True, True)[1:]]
    [0.731, 0.378]
    """
    top = max(0.0, first_alone, second_alone, pair)
    weights = [math.exp(z - top) if z != NONE else 0.0 for z in (0.0, first_alone, second_alone, pair)]
    total = sum(weights)
    both = weights[3] / total
    first = both + (weights[1] / total if same_first else 0.0)
    second = both + (weights[2] / total if same_second else 0.0)
    return both, first, second


def disjoint(pairs: Sequence[tuple[float, int, int]]) -> list[tuple[int, int]]:
    """From ``(score, first, second)`` pairs of positions, the best-scoring ones sharing no position.

    >>> disjoint([(0.7, 3, 5), (0.9, 5, 6), (0.4, 1, 2)])
    [(5, 6), (1, 2)]
    """
    taken: set[int] = set()
    chosen: list[tuple[int, int]] = []
    for _score, first, second in sorted(pairs, key=lambda item: -item[0]):
        if first not in taken and second not in taken:
            taken.update((first, second))
            chosen.append((first, second))
    return chosen
