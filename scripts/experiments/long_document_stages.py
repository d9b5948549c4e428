"""CPU time per stage of one long document, with the cyclic garbage collector on, off or frozen.

The long-document benchmark (``python -m benchmarks.scaling``) gives one figure per document; this
splits it by stage (``Corrector.fix``'s progress callback marks each stage's start and end;
"between" is the resolver and edit log between stages) and lets the collector be switched:
``--gc off`` runs ``fix`` under ``gc.disable()``, ``--gc freeze`` calls ``gc.freeze()`` after
loading. Session 9 (2026-11-30), many lines, 4 MB ÷ 1 MB CPU: 4.70× with the collector on, 4.06×
with it off, but the collector's own pauses (``gc.callbacks``) were only 0.24 s at 1 MB and 0.88 s
at 4 MB, and one process's CPU time for the same 1 MB input ranged from 13.0 to 16.3 s across runs
on this shared machine: compare several runs before reading a cause into one.

    .venv/bin/python scripts/experiments/long_document_stages.py 1000000 --gc on
    .venv/bin/python scripts/experiments/long_document_stages.py 4000000 --one-line
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks import scaling  # noqa: E402
from benchmarks.speed import _peak_rss_mb  # noqa: E402
from benchmarks.systems import WARM_UP  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="UTF-8 bytes of the document")
    parser.add_argument("--one-line", action="store_true")
    parser.add_argument("--gc", choices=("on", "off", "freeze"), default="on")
    args = parser.parse_args(argv)
    import restore

    text = scaling.long_document(args.size, one_line=args.one_line)
    corrector = restore.Corrector()
    for line in WARM_UP:
        corrector.fix(line)
    if args.gc == "freeze":
        gc.freeze()
    marks: list[tuple[str, bool, float]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if done in (0, total):
            marks.append((stage, done == 0, time.process_time()))

    if args.gc == "off":
        gc.disable()
    start = time.process_time()
    corrector.fix(text, progress=progress)
    end = time.process_time()
    gc.enable()
    stages: dict[str, float] = {}
    began: dict[str, float] = {}
    between, last = 0.0, start
    for stage, is_start, at in marks:
        if is_start and stage not in began:
            began[stage] = at
            between += at - last
        elif not is_start:
            stages[stage] = round(at - began[stage], 2)
            last = at
    stages["between"] = round(between + end - last, 2)
    stages["total"] = round(end - start, 2)
    print(json.dumps({"size": args.size, "chars": len(text), "one_line": args.one_line, "gc": args.gc,
                      "cpu_s": stages, "peak_rss_mb": round(_peak_rss_mb())}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
