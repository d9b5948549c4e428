"""Measure the char stage on OCR renders of People's Daily DEV (``benchmarks/out/ocr_dev.jsonl``).

Each record has ``ocr`` and ``truth`` (made by the benchmarks' ocrgen from DEV lines). Proposals
are aligned to the truth with Levenshtein edit operations: a change is right when the OCR
character sits in a substitution whose truth character is the proposal's. Reports, per
threshold, changes, precision and the CER after applying the char edits alone; and the number
of Han-for-Han substitutions whose truth is among the stage's candidates (coverage).

Run: ``python scripts/experiments/eval_char_ocr_dev.py [--limit N]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from restore.config import Config
from restore.stages.base import Document
from restore.chars import is_bmp_han as is_han
from restore.stages.char import CharStage

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from benchmarks.metrics import truth_map  # noqa: E402

DATA = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"
THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--show", type=float, default=None, help="print wrong changes at or above this confidence")
    args = parser.parse_args()
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    if args.limit:
        records = records[: args.limit]
    stage = CharStage(Config())
    chars = sum(len(r["truth"]) for r in records)
    base_distance = sum(Levenshtein.distance(r["ocr"], r["truth"]) for r in records)
    results = []  # (record index, proposal, right)
    han_subs = covered = 0
    by_script: Counter = Counter()
    for n, record in enumerate(records):
        ocr, truth = record["ocr"], record["truth"]
        mapping = truth_map(ocr, truth)
        script = record.get("script", "")
        for i, t in mapping.items():
            if ocr[i] != t and is_han(ocr[i]) and is_han(t):
                han_subs += 1
                by_script[script] += 1
                if any(c == t for c, _, _, _ in stage.candidates_for(ocr[i], script)):
                    covered += 1
        for p in stage.propose(ocr, Document(script=script)).proposals:
            right = mapping.get(p.start) == p.after
            results.append((n, p, right))
            if args.show is not None and p.confidence >= args.show and not right:
                print(f"  {ocr[max(0, p.start - 8):p.start]}[{ocr[p.start]}->{p.after}]{ocr[p.end:p.end + 8]}"
                      f" truth={mapping.get(p.start)} {p.confidence:.2f} {script}")
    print(f"{len(records)} lines, {chars} truth chars, CER {base_distance / chars:.4f}; Han substitutions {han_subs}, "
          f"truth among candidates {covered} ({covered / max(han_subs, 1):.1%})")
    for t in THRESHOLDS:
        kept = [(n, p, r) for n, p, r in results if p.confidence >= t]
        right = sum(r for _, _, r in kept)
        fixed = {}
        for n, p, _ in kept:
            fixed.setdefault(n, []).append(p)
        distance = 0
        for n, record in enumerate(records):
            text = record["ocr"]
            for p in sorted(fixed.get(n, []), key=lambda p: -p.start):
                text = text[: p.start] + p.after + text[p.end :]
            distance += Levenshtein.distance(text, record["truth"])
        print(f"  t={t:.2f}: {len(kept):4d} changes, {right:4d} right, precision {right / max(len(kept), 1):.3f}, "
              f"CER {distance / chars:.4f} ({(base_distance - distance) / base_distance:+.1%} of errors removed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
