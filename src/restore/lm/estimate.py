"""A pure-Python interpolated modified Kneser-Ney estimator that writes ARPA.

Used by ``restore lm build`` when kenlm's ``lmplz`` is not on PATH, and by the
tests (tiny models). It follows what ``lmplz`` does (Heafield et al. 2013):

- the highest order keeps raw counts; lower orders use continuation counts
  (the number of distinct words seen before them), except n-grams that start
  with ``<s>``, which keep raw counts because nothing can precede ``<s>``;
- three discounts per order (D1, D2, D3+) from the counts of counts
  (Chen and Goodman's estimates);
- probabilities are interpolated with the lower order, and unigrams with the
  uniform distribution over the vocabulary (which gives ``<unk>`` its mass);
- the ARPA back-off of a context is its interpolation weight, so the ARPA
  back-off rule reproduces the interpolated model exactly.

It holds every n-gram in memory: fine for a few million characters.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from restore.errors import InputError
from restore.lm.arpa import BOS, EOS, UNK

Ngram = tuple[str, ...]


class CorpusTooSmall(InputError):
    """The corpus has too few n-grams to estimate the discounts of the order asked."""


def _discounts(counts: dict[Ngram, int], order: int, fallback: bool) -> tuple[float, float, float]:
    """Chen-Goodman discounts D1, D2, D3+ from the counts of counts."""
    n = Counter(c for c in counts.values() if c <= 4)  # n_k: n-grams seen exactly k times
    n1, n2, n3, n4 = n[1], n[2], n[3], n[4]
    try:
        y = n1 / (n1 + 2 * n2)
        d = (1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
    except ZeroDivisionError:
        d = (-1.0, -1.0, -1.0)
    if all(0 < d[i] <= i + 1 for i in range(3)):
        return d
    if fallback:
        return (0.5, 1.0, 1.5)
    raise CorpusTooSmall(
        f"too little text to estimate {order}-gram discounts: counts of counts n1..n4 = {n1}, {n2}, {n3}, {n4} "
        "(use more text, a lower --order, or --discount-fallback)"
    )


def estimate(sentences: Iterable[str], order: int, *, discount_fallback: bool = False) -> dict[int, dict]:
    """Estimate a model from space-separated sentences.

    Returns ``{n: {ngram: (log10 prob, log10 backoff or None)}}``.
    """
    if order < 1:
        raise ValueError("order must be at least 1")
    raw: list[Counter[Ngram]] = [Counter() for _ in range(order + 1)]
    vocab: set[str] = set()
    for sentence in sentences:
        words = [BOS, *sentence.split(), EOS]
        vocab.update(words)
        # Only the top order's raw counts (plus <s>-anchored lower orders) are needed.
        for i in range(1, len(words)):
            ngram = tuple(words[max(0, i - order + 1) : i + 1])
            raw[len(ngram)][ngram] += 1
    if not raw[order] and order > 1:
        raise CorpusTooSmall(f"too little text: no sentence is long enough for a {order}-gram")
    # Adjusted counts: continuation counts for lower orders (raw when the n-gram starts with <s>).
    adjusted: list[dict[Ngram, int]] = [dict() for _ in range(order + 1)]
    adjusted[order] = dict(raw[order])
    for n in range(order - 1, 0, -1):
        cont: Counter[Ngram] = Counter()
        for ngram in adjusted[n + 1]:
            cont[ngram[1:]] += 1
        for ngram, count in raw[n].items():
            if ngram[0] == BOS:
                cont[ngram] = count
        adjusted[n] = dict(cont)
    vocab.discard(BOS)
    vocab_size = len(vocab) + 1  # + <unk>
    models: dict[int, dict[Ngram, tuple[float, float | None]]] = {}
    interp: dict[int, dict[Ngram, float]] = {}
    lower_prob: dict[Ngram, float] = {}
    for n in range(1, order + 1):
        counts = adjusted[n]
        d = _discounts(counts, n, discount_fallback)
        totals: dict[Ngram, int] = defaultdict(int)
        kinds: dict[Ngram, list[int]] = defaultdict(lambda: [0, 0, 0])
        for ngram, count in counts.items():
            ctx = ngram[:-1]
            totals[ctx] += count
            kinds[ctx][min(count, 3) - 1] += 1
        gamma = {
            ctx: (d[0] * k[0] + d[1] * k[1] + d[2] * k[2]) / totals[ctx] for ctx, k in kinds.items()
        }
        probs: dict[Ngram, float] = {}
        for ngram, count in counts.items():
            ctx = ngram[:-1]
            discounted = (count - d[min(count, 3) - 1]) / totals[ctx]
            lower = 1.0 / vocab_size if n == 1 else lower_prob[ngram[1:]]
            probs[ngram] = discounted + gamma[ctx] * lower
        if n == 1:
            probs[(UNK,)] = gamma[()] / vocab_size
        interp[n] = gamma
        # Every (n+1)-gram's suffix is among these n-grams (continuation counts guarantee it).
        lower_prob = probs
        models[n] = {g: (math.log10(p), None) for g, p in probs.items()}
    # <s> is never predicted; ARPA convention gives it -99.
    models[1][(BOS,)] = (-99.0, None)
    for n in range(1, order):
        gamma = interp[n + 1]
        models[n] = {
            g: (lp, math.log10(gamma[g]) if g in gamma else (0.0 if g[-1] != EOS else None))
            for g, (lp, _) in models[n].items()
        }
    return models


def write_arpa(models: dict[int, dict], handle: TextIO) -> None:
    """Write an estimated model in ARPA format (sorted, for reproducible files)."""
    order = max(models)
    handle.write("\\data\\\n")
    for n in range(1, order + 1):
        handle.write(f"ngram {n}={len(models[n])}\n")
    for n in range(1, order + 1):
        handle.write(f"\n\\{n}-grams:\n")
        for ngram in sorted(models[n]):
            prob, backoff = models[n][ngram]
            line = f"{prob:.6f}\t{' '.join(ngram)}"
            if backoff is not None and n < order:
                line += f"\t{backoff:.6f}"
            handle.write(line + "\n")
    handle.write("\n\\end\\\n")


def build_arpa(sentences: Iterable[str], order: int, output: Path, *, discount_fallback: bool = False) -> None:
    """Estimate from sentences and write ARPA to ``output`` (the caller handles atomic renames)."""
    models = estimate(sentences, order, discount_fallback=discount_fallback)
    with open(output, "w", encoding="utf-8") as handle:
        write_arpa(models, handle)
