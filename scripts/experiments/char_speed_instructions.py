"""Instructions of restore's timed pass over the speed benchmark's inputs, counted by callgrind.

Wall-clock ratios swing 2-4x on a shared machine; instruction counts do not. This runs
``python`` under ``valgrind --tool=callgrind`` with instrumentation off, builds and warms the
corrector as the speed worker does (``benchmarks.speed``: ``WARM_UP``), runs ``--passes - 1``
untimed passes, and switches instrumentation on (``callgrind_control -i on PID``) for exactly the
last pass over the inputs (``char_speed_ratios.speed_inputs()``: 120 OCR lines, or the same as
2 pages). Prints the pass's instruction count (valgrind's "Collected") and CPU seconds under
valgrind. ``PYTHONHASHSEED=0`` and ``OPENBLAS_NUM_THREADS=1`` keep the count the same run to run.

    .venv/bin/python scripts/experiments/char_speed_instructions.py lines            # the benchmark's first pass
    .venv/bin/python scripts/experiments/char_speed_instructions.py pages --passes 2 # a later pass
    PYTHONPATH=/tmp/base/src .venv/bin/python scripts/experiments/char_speed_instructions.py lines  # other code

Needs valgrind (Debian ``valgrind``); takes ~40 s a run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parents[2]))


def inner(kind: str, passes: int) -> None:
    """Under valgrind: load, warm, untimed passes, then the one instrumented pass."""
    from char_speed_ratios import speed_inputs

    from benchmarks import speed

    lines, pages = speed_inputs()
    texts = lines if kind == "lines" else pages
    system = speed._build_system("restore", None)
    system.load()
    for _ in range(passes - 1):
        for text in texts:
            system.fix(text)
    toggle = ["callgrind_control", "-i"]
    subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)
    start = time.process_time()
    for text in texts:
        system.fix(text)
    seconds = time.process_time() - start
    subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)
    print(f"cpu under valgrind {seconds:.2f} s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("lines", "pages"))
    parser.add_argument("--passes", type=int, default=1, help="the instrumented pass is this one (1 = the first)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        inner(args.kind, args.passes)
        return 0
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory(prefix="restore-callgrind-") as scratch:
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={scratch}/out",
             sys.executable, str(HERE), args.kind, "--passes", str(args.passes), "--inner"],
            capture_output=True, text=True, env=env,
        )
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        sys.stderr.write(proc.stderr[-2000:])
        return 1
    cpu = re.search(r"cpu under valgrind [\d.]+ s", proc.stderr)
    print(f"{args.kind} pass {args.passes}: {int(found.group(1)):,} instructions ({cpu.group(0) if cpu else ''})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
