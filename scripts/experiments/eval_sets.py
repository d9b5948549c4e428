"""Quick restore figures on benchmark datasets (CER change, precision of applied edits, false edits/10k).

The same metrics as ``python -m benchmarks`` (``benchmarks.metrics.score_pair``), without pycorrector
or the report: for iterating on the char stage. Never pass a test set while tuning.

Run: ``python scripts/experiments/eval_sets.py ocr_modern_dev modern_clean pd_dev_clean [--lm MODEL] [--by engine] [--set char.KEY=VALUE]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import restore  # noqa: E402
from benchmarks import datasets, metrics  # noqa: E402
from benchmarks.edit_precision import _mapping  # noqa: E402
from benchmarks.runner import script_of  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--lm", help="char model path ([char] model)")
    parser.add_argument("--by", help="also split a gold set by this meta field (engine, font, script)")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="a config override, as for benchmarks.edit_precision (char.joint_decisions=true)")
    args = parser.parse_args()
    mapping = _mapping(args.overrides)
    if args.lm:
        mapping.setdefault("char", {})["model"] = args.lm
    config = restore.Config.from_mapping(mapping)
    corrector = restore.Corrector(config)
    for name in args.names:
        dataset = datasets.load(name).spread(args.limit)
        total = metrics.Counts()
        parts: dict[str, metrics.Counts] = defaultdict(metrics.Counts)
        start = time.perf_counter()
        for pair in dataset.pairs:
            output = corrector.fix(pair.ocr).text
            counts = metrics.score_pair(pair.ocr, pair.truth, output, script_of(dataset, pair))
            total.add(counts)
            if args.by:
                parts[pair.meta.get(args.by, "")].add(counts)
        elapsed = time.perf_counter() - start
        print(f"{name}: {line(total, dataset.kind)}  [{dataset.chars / elapsed:,.0f} chars/s]")
        for key in sorted(parts):
            print(f"  {args.by}={key}: {line(parts[key], dataset.kind)}")
    return 0


def line(c: metrics.Counts, kind: str) -> str:
    if kind == "clean":
        return f"{c.chars:,} chars, {c.false_edits} false edits = {c.false_per_10k:.2f}/10k"
    p, r, _ = c.correction
    return (f"CER {c.cer_before:.4f} -> {c.cer_after:.4f} ({100 * c.cer_reduction:+.1f}%), "
            f"P {p:.3f} R {r:.3f} ({c.corrected}/{c.system} right, {c.gold} gold), false {c.false_per_10k:.2f}/10k")


if __name__ == "__main__":
    raise SystemExit(main())
