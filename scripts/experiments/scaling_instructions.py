"""Instructions of one ``Corrector.fix`` of the scaling benchmark's document, counted by callgrind.

CPU seconds of the 1 MB and 10 MB documents swing ±15 % on a shared machine; instruction counts
do not. This runs ``scaling_profile.py SIZE --instrument`` under ``valgrind --tool=callgrind`` with
instrumentation off until the fix starts and off again when it ends, and prints the fix's
instructions ("Collected") and instructions per character. ``PYTHONHASHSEED=0``. Instructions
miss what the memory hierarchy adds (cache misses of a larger heap); they show any work that
grows faster than the text (a scan, a log factor, the cyclic collector). 10 MB takes ~1.5 h under
valgrind: compare 100K with 1M.

    PYTHONPATH=src .venv/bin/python scripts/experiments/scaling_instructions.py 1M [--one-line]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=("100K", "1M", "10M"))
    parser.add_argument("--one-line", action="store_true")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1"}
    extra = ["--one-line"] if args.one_line else []
    with tempfile.TemporaryDirectory(prefix="restore-callgrind-") as scratch:
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={scratch}/out",
             sys.executable, str(HERE.parent / "scaling_profile.py"), args.size, *extra, "--no-wrap", "--instrument"],
            capture_output=True, text=True, env=env,
        )
    found = re.search(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        sys.stderr.write(proc.stderr[-2000:])
        return 1
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    instructions = int(found.group(1))
    print(json.dumps({
        "size": args.size, "one_line": args.one_line, "chars": report["chars"], "edits": report["edits"],
        "instructions": instructions, "per_char": round(instructions / report["chars"], 1),
        "gc_runs": report["gc_runs"],
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
