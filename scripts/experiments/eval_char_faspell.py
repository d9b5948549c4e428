"""Measure the char stage on FASPell's real-OCR sets: precision of changes and correction F1.

For each line the stage proposes once; a threshold keeps proposals at or above it. Character
level: a change is right when the new character equals the truth; recall = right changes /
error characters; F1 from those. Also false edits on clean text (the truth side) per 10k chars.
Use ``--split train`` while tuning; report ``--split test`` (never tune on it).

Run: ``python scripts/experiments/eval_char_faspell.py --split test``
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

from restore.config import Config
from restore.stages.base import Document
from restore.stages.char import CharStage

DATA = Path("/work/shared/data/faspell_ocr")
FILES = {"train": "ocr_train_3575.txt", "test": "ocr_test_1000.txt"}
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(FILES), default="train")
    parser.add_argument("--prior", type=float, help="override CharConfig.prior_logodds")
    parser.add_argument("--tables", nargs="*", help="mined confusion tables to use (default: every shipped one)")
    args = parser.parse_args()
    rows = []
    for line in (DATA / FILES[args.split]).read_text(encoding="utf-8").splitlines():
        _, seen, truth = line.split("\t")
        if len(seen) == len(truth):
            rows.append((seen, truth))
    config = Config()
    if args.prior is not None:
        config = config.replace(char=dataclasses.replace(config.char, prior_logodds=args.prior))
    if args.tables:
        config = config.replace(char=dataclasses.replace(config.char, confusion_tables=tuple(args.tables)))
    stage = CharStage(config)
    errors = sum(a != b for seen, truth in rows for a, b in zip(seen, truth))
    chars = sum(len(seen) for seen, _ in rows)
    start = time.time()
    proposals = []  # (confidence, right)
    for seen, truth in rows:
        for p in stage.propose(seen, Document(script="simplified")).proposals:
            proposals.append((p.confidence, truth[p.start] == p.after))
    elapsed = time.time() - start
    clean = []
    for _, truth in rows:
        clean.extend(p.confidence for p in stage.propose(truth, Document(script="simplified")).proposals)
    print(f"FASPell {args.split}: {len(rows)} lines, {chars} chars, {errors} error chars; {chars / elapsed:.0f} chars/s")
    best = (0.0, 0.0)
    for t in THRESHOLDS:
        kept = [right for conf, right in proposals if conf >= t]
        right = sum(kept)
        precision = right / len(kept) if kept else 0.0
        recall = right / errors
        f1 = 2 * precision * recall / (precision + recall) if right else 0.0
        best = max(best, (f1, t))
        false_clean = sum(1 for c in clean if c >= t)
        print(
            f"  t={t:.2f}: {len(kept):4d} changes, {right:4d} right, P {precision:.3f} R {recall:.3f} F1 {f1:.3f}; "
            f"clean side: {false_clean} false edits ({10000 * false_clean / chars:.1f}/10k)"
        )
    print(f"best F1 {best[0]:.3f} at t={best[1]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
