"""Where one long document's time goes, to tell which part of ``Corrector.fix`` grows faster than the text.

Issue 13 asks that a 10 MB document cost no more than 10.5x a 1 MB one (``python -m benchmarks.scaling``).
This script runs one size of that benchmark's document (same text: ``benchmarks.scaling.long_document``)
in this process, after loading and warming a corrector as its worker does, and reports CPU seconds

- per stage (``Stage.propose``) and for the pipeline's own work around it (``EditLog.lift``/``to_edit``/
  ``commit``, the resolver's ``decide``), timed by wrapping those functions (the wrappers cost the
  same per call at every size, so the ratios between sizes stand);
- in the cyclic garbage collector, from ``gc.callbacks`` (seconds per generation, collections,
  objects collected) and the objects the collector tracks at the end (``len(gc.get_objects())``);
- and the total, with the peak RSS.

    PYTHONPATH=src .venv/bin/python scripts/experiments/scaling_profile.py 1M [--one-line] [--count] [--result F]

``--count`` also counts calls of the char stage's per-candidate work (deterministic where seconds
are not); ``--source FILE`` cuts the document from another text (one that does not repeat);
``--result FILE`` writes the fix's ``Result.to_json()`` (sorted keys) to compare two versions byte
for byte. One JSON object on stdout; run each size in a fresh process (the sizes are compared, so
each must start from the same loaded state). ``scaling_instructions.py`` runs it under callgrind.
"""

from __future__ import annotations

import argparse
import gc
import json
import lzma
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def _timed(table: dict[str, float], calls: dict[str, int], name: str, function: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            table[name] += time.process_time() - start
            calls[name] += 1

    return wrapper


def _counted(table: dict[str, int], name: str, function: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        table[name] += 1
        return function(*args, **kwargs)

    return wrapper


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=("100K", "1M", "10M"))
    parser.add_argument("--one-line", action="store_true")
    parser.add_argument("--no-wrap", action="store_true", help="time only the total and the collector")
    parser.add_argument(
        "--count", action="store_true",
        help="also count calls of the char stage's per-candidate work (deterministic, unlike the seconds)",
    )
    parser.add_argument(
        "--source", type=Path,
        help="cut the document from this text (UTF-8, .xz too) instead of repeating the seeds: a text that does not repeat",
    )
    parser.add_argument("--result", type=Path, help="write the fix's Result.to_json() here (sorted keys), to compare two versions")
    parser.add_argument(
        "--repeat", type=int, default=1,
        help="fix the document this many times in this process (caches warm after the first): "
        "N 1 MB fixes against one 10 MB fix tell work that grows with the text from work that grows with the document",
    )
    parser.add_argument("--instrument", action="store_true", help=argparse.SUPPRESS)  # under callgrind: the fix only
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))
    from benchmarks.scaling import SIZES, long_document
    from benchmarks.speed import _peak_rss_mb
    from benchmarks.systems import WARM_UP

    import restore
    from restore import edits as edits_module
    from restore import pipeline

    if args.source is None:
        text = long_document(SIZES[args.size], one_line=args.one_line)
    else:
        opener = lzma.open if args.source.suffix == ".xz" else open
        with opener(args.source, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
            source = handle.read(SIZES[args.size] * 2)
        if args.one_line:
            source = source.replace("\n", "")
        text = source.encode("utf-8")[: SIZES[args.size]].decode("utf-8", "ignore")
    corrector = restore.Corrector()
    for line in WARM_UP:
        corrector.fix(line)

    seconds: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    if not args.no_wrap:
        for stage in corrector.stages:
            stage.propose = _timed(seconds, calls, f"stage:{stage.name}", stage.propose)  # type: ignore[method-assign]
        for name in ("lift", "to_edit", "commit"):
            setattr(edits_module.EditLog, name, _timed(seconds, calls, f"editlog.{name}", getattr(edits_module.EditLog, name)))
        pipeline.decide = _timed(seconds, calls, "resolver.decide", pipeline.decide)  # type: ignore[assignment]
    counted: dict[str, int] = defaultdict(int)
    if args.count:
        from restore.lm.cache import NgramCounts
        from restore.stages.char import CharStage
        from restore.stages.char_features import CharCalibration, ConfidenceBound

        for owner, name in (
            (CharStage, "best_candidate"), (CharStage, "_windows"), (CharStage, "_by_bound"), (CharStage, "in_word"),
            (NgramCounts, "support"), (CharCalibration, "confidence"), (ConfidenceBound, "repeats_bound"),
        ):
            setattr(owner, name, _counted(counted, f"{owner.__name__}.{name}", getattr(owner, name)))

    gc_seconds: dict[int, float] = defaultdict(float)
    gc_runs: dict[int, int] = defaultdict(int)
    gc_collected: dict[int, int] = defaultdict(int)
    started: list[float] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.process_time())
        elif started:
            generation = info["generation"]
            gc_seconds[generation] += time.process_time() - started.pop()
            gc_runs[generation] += 1
            gc_collected[generation] += info["collected"]

    gc.callbacks.append(on_gc)
    toggle = ["callgrind_control", "-i"]
    if args.instrument:
        subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)
    start = time.process_time()
    result = corrector.fix(text)
    total = time.process_time() - start
    repeats = [round(total, 3)]
    for _ in range(args.repeat - 1):
        again = time.process_time()
        corrector.fix(text)
        repeats.append(round(time.process_time() - again, 3))
    if args.instrument:
        subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)
    gc.callbacks.remove(on_gc)
    tracked = len(gc.get_objects())
    if args.result is not None:
        args.result.write_text(json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    report: dict[str, Any] = {
        "size": args.size,
        "one_line": args.one_line,
        "chars": len(text),
        "edits": len(result.edits),
        "cpu_seconds": round(total, 3),
        "cpu_seconds_each": repeats,
        "cpu_us_per_char": round(total / len(text) * 1e6, 3),
        "gc_seconds": {str(g): round(s, 3) for g, s in sorted(gc_seconds.items())},
        "gc_runs": {str(g): n for g, n in sorted(gc_runs.items())},
        "gc_collected": {str(g): n for g, n in sorted(gc_collected.items())},
        "gc_tracked_after": tracked,
        "parts": {name: round(s, 3) for name, s in sorted(seconds.items(), key=lambda kv: -kv[1])},
        "calls": dict(sorted(calls.items())),
        "counted_per_1000_chars": {name: round(n / len(text) * 1000, 3) for name, n in sorted(counted.items())},
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
