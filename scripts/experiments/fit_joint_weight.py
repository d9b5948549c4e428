"""Fit ``CharConfig.calib_joint``: the weight of "this change is one of a pair decided together".

With ``joint_decisions`` on and the weight at 0, every pair the char stage decides jointly
(:mod:`restore.stages.joint`) is recorded with the log-odds :func:`~restore.stages.joint.marginals`
weighs (the best change alone at each position, the pair) and each member is labelled right
when it gives the truth's character. The weight enters the pair's log-odds once per member;
it is the value maximising the likelihood of the members' labels under their marginal
probabilities (one parameter, a grid then a finer grid; a small L2 penalty). Like the other
weights it is fitted without the run-time prior (``prior_logodds`` stays in the alone and pair
log-odds as the stage computes them: it is part of what the weight corrects).

Fitting data (DEV only): the OCR renders of DEV lines 14001-15000 (``benchmarks/out/ocr_dev.jsonl``)
and the same DEV text with synthetic adjacent misreads: in ``--rate`` of the sentences, two
neighbouring Han characters both replaced by characters OCR engines printed for them (mined
pairs seen at least 3 times), the case joint decisions exist for. Held out: renders of DEV
15001-16000 and the same corruption of DEV 15001-16000 (members kept at the default threshold,
right, and the greedy stage's result there).

Run: ``python scripts/experiments/fit_joint_weight.py [--rate 0.15]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import sys
from pathlib import Path

from restore.chars import is_bmp_han
from restore.config import Config
from restore.stages import joint
from restore.stages.char import CharStage

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "experiments"))
sys.path.insert(0, str(ROOT))
from benchmarks.metrics import truth_map  # noqa: E402
from fit_delete_weight import dev_sentences  # noqa: E402

OCR_DEV = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"


def renders(first: int, last: int) -> list[tuple[str, dict[int, str], str]]:
    """(ocr, {offset: truth there}, script) of the DEV renders of lines first..last."""
    items = []
    for line in OCR_DEV.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if first <= int(record["id"].split("-")[-2]) <= last:
            items.append((record["ocr"], truth_map(record["ocr"], record["truth"]), record.get("script", "")))
    return items


def corrupt_pairs(stage: CharStage, sentences: list[str], rate: float, seed: int) -> list[tuple[str, dict[int, str], str]]:
    """Sentences with, in ``rate`` of them, two neighbouring Han characters both replaced by a
    character engines printed for them (mined count >= 3); the truth map of each."""
    printed_for: dict[str, list[str]] = {}
    for seen, meants in stage.resources.confusions.by_seen.items():
        for meant, count in meants.items():
            if count >= 3 and len(meant) == 1 and is_bmp_han(seen) and is_bmp_han(meant):
                printed_for.setdefault(meant, []).append(seen)
    rng = random.Random(seed)
    items = []
    for sentence in sentences:
        places = [i for i in range(len(sentence) - 1) if sentence[i] in printed_for and sentence[i + 1] in printed_for]
        text = sentence
        if places and rng.random() < rate:
            i = rng.choice(places)
            text = sentence[:i] + rng.choice(printed_for[sentence[i]]) + rng.choice(printed_for[sentence[i + 1]]) + sentence[i + 2 :]
        items.append((text, {k: ch for k, ch in enumerate(sentence)}, "simplified"))
    return items


def pairs(stage: CharStage, items: list[tuple[str, dict[int, str], str]]) -> list[tuple[tuple, bool, bool]]:
    """((z_first, z_second, z_pair, same_first, same_second), first right, second right) of every pair decided."""
    weighed: dict[tuple[float, float], tuple] = {}
    marginals = joint.marginals

    def recording(*args: object) -> tuple[float, float, float]:
        result = marginals(*args)  # type: ignore[arg-type]
        weighed[(round(result[0], 4), round(result[1], 9))] = args
        return result

    joint.marginals = recording  # type: ignore[assignment]
    found = []
    try:
        for text, truth, script in items:
            members: dict[int, list] = {}
            for offset, cand in stage.examine_text(text, script or "simplified"):
                if cand.joint is not None:
                    members.setdefault(id(cand.joint), []).append((offset, cand))
            for group in members.values():
                (a_off, a), (b_off, b) = sorted(group, key=lambda item: item[0])
                assert a.joint is not None
                args = weighed[(a.joint.probability, round(a.confidence, 9))]
                found.append((args, truth.get(a_off) == a.after, truth.get(b_off) == b.after))
    finally:
        joint.marginals = marginals  # type: ignore[assignment]
    return found


def likelihood(data: list[tuple[tuple, bool, bool]], w: float) -> float:
    total = -0.01 * w * w
    for (z_first, z_second, z_pair, same_first, same_second), right_first, right_second in data:
        _, p_first, p_second = joint.marginals(z_first, z_second, z_pair + 2 * w, same_first, same_second)
        for p, y in ((p_first, right_first), (p_second, right_second)):
            p = min(max(p, 1e-9), 1 - 1e-9)
            total += math.log(p if y else 1 - p)
    return total


def fit(data: list[tuple[tuple, bool, bool]]) -> float:
    grid = [x / 4 for x in range(-40, 41)]
    best = max(grid, key=lambda w: likelihood(data, w))
    fine = [best + x / 100 for x in range(-25, 26)]
    return max(fine, key=lambda w: likelihood(data, w))


def summary(name: str, data: list[tuple[tuple, bool, bool]], w: float, threshold: float) -> None:
    kept = right = 0
    for (z_first, z_second, z_pair, same_first, same_second), right_first, right_second in data:
        _, p_first, p_second = joint.marginals(z_first, z_second, z_pair + 2 * w, same_first, same_second)
        for p, y in ((p_first, right_first), (p_second, right_second)):
            if p >= threshold:
                kept += 1
                right += y
    members = 2 * len(data)
    labelled = sum(a + b for _, a, b in data)
    print(f"{name}: {len(data)} pairs, {labelled}/{members} members right; at {threshold}: {kept} kept, {right} right"
          f" (precision {right / max(kept, 1):.3f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=0.15, help="share of synthetic sentences with an adjacent misread pair")
    args = parser.parse_args()
    config = Config()
    on = dataclasses.replace(config.char, joint_decisions=True, calib_joint=0.0)
    stage = CharStage(config.replace(char=on))
    fit_renders = pairs(stage, renders(14001, 15000))
    fit_synthetic = pairs(stage, corrupt_pairs(stage, dev_sentences(14001, 15000), args.rate, seed=1))
    w = fit(fit_renders + fit_synthetic)
    print(f"calib_joint = {w:.3f}  (renders only: {fit(fit_renders):.3f}, synthetic only: {fit(fit_synthetic):.3f})")
    threshold = config.min_confidence
    summary("fit renders 14001-15000", fit_renders, w, threshold)
    summary("fit synthetic 14001-15000", fit_synthetic, w, threshold)
    summary("held-out renders 15001-16000", pairs(stage, renders(15001, 16000)), w, threshold)
    held = corrupt_pairs(stage, dev_sentences(15001, 16000), args.rate, seed=2)
    summary("held-out synthetic 15001-16000", pairs(stage, held), w, threshold)
    summary("held-out clean 15001-16000", pairs(stage, [(s, dict(enumerate(s)), "simplified") for s in dev_sentences(15001, 16000)]), w, threshold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
