"""Time ``Corrector.fix`` under CharConfig variants on the same inputs, interleaved (a shared machine's load hits all alike).

Inputs: the OCR text of the DEV render records (``benchmarks/out/ocr_dev.jsonl``, first ``--n``;
``--stride`` takes every k-th record instead, ``--modern`` adds ocr_modern_dev's the same way),
each fixed as one document, or joined into pages of about 3,000 characters (``--pages``, as the
speed benchmark's ``benchmarks.speed.pages_of``). Each round runs every variant once over all
inputs, in turn; the best round per variant is reported in characters per second. Variants are
``name:key=value,key=value`` (``base:context_candidates=false,delete_doubled=false``); ``default``
is the shipped config.

By default every variant is warmed up first (loading and candidate caches, as in a long batch).
``--first-pass`` instead runs each variant and round in a fresh process and reports the CPU time
of its first pass over the inputs (every character seen for the first time: what one call of
this size costs) and of its second pass, best of the rounds.

Run: ``python scripts/experiments/time_char_variants.py --n 1000 --rounds 3 default base:context_candidates=false,delete_doubled=false``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import restore  # noqa: E402
from benchmarks.speed import pages_of  # noqa: E402
from restore.config import Config  # noqa: E402

OCR_DEV = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"
OCR_MODERN_DEV = ROOT / "benchmarks" / "out" / "ocr_modern_dev.jsonl"


def variant(spec: str) -> tuple[str, Config]:
    name, _, settings = spec.partition(":")
    changes: dict[str, object] = {}
    for item in filter(None, settings.split(",")):
        key, _, raw = item.partition("=")
        default = getattr(Config().char, key)
        changes[key] = raw.lower() in ("1", "true", "yes") if isinstance(default, bool) else type(default)(raw)
    config = Config()
    return name, config.replace(char=dataclasses.replace(config.char, **changes))


def inputs(args: argparse.Namespace) -> list[str]:
    texts: list[str] = []
    for path in (OCR_DEV, OCR_MODERN_DEV) if args.modern else (OCR_DEV,):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["ocr"] for line in lines[:: args.stride][: args.n]]
    return pages_of(texts) if args.pages else texts


def first_pass(spec: str, texts: list[str]) -> tuple[float, float]:
    """CPU seconds of the first and the second pass of a fresh corrector (this process)."""
    corrector = restore.Corrector(variant(spec)[1])
    corrector.fix("预热一下。")  # loading, not the inputs
    times = []
    for _ in range(2):
        start = time.process_time()
        for text in texts:
            corrector.fix(text)
        times.append(time.process_time() - start)
    return times[0], times[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--stride", type=int, default=1)
    parser.add_argument("--modern", action="store_true", help="also ocr_modern_dev's records")
    parser.add_argument("--pages", action="store_true", help="join the inputs into pages of about 3,000 characters")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--first-pass", action="store_true", help="fresh process per variant and round; first and second pass CPU")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    texts = inputs(args)
    chars = sum(map(len, texts))
    if args.worker:
        print(json.dumps(first_pass(args.variants[0], texts)))
        return 0
    if args.first_pass:
        passes: dict[str, list[tuple[float, float]]] = {spec: [] for spec in args.variants}
        flags = [f"--n={args.n}", f"--stride={args.stride}"] + ["--modern"] * args.modern + ["--pages"] * args.pages
        for _ in range(args.rounds):
            for spec in args.variants:
                done = subprocess.run([sys.executable, __file__, spec, *flags, "--worker"], capture_output=True, text=True, check=True)
                passes[spec].append(tuple(json.loads(done.stdout)))
        for spec, found in passes.items():
            first, second = min(p[0] for p in found), min(p[1] for p in found)
            print(f"{variant(spec)[0]}: first pass {first:.3f} s CPU ({chars / first:,.0f} chars/s), second pass {second:.3f} s "
                  f"({chars / second:,.0f} chars/s) over {len(texts)} inputs ({chars} chars), best of {args.rounds}")
        return 0
    correctors = []
    for spec in args.variants:
        name, config = variant(spec)
        corrector = restore.Corrector(config)
        for text in texts:  # warm-up: loading and candidate caches, as in a long batch
            corrector.fix(text)
        correctors.append((name, corrector))
    best = {name: 0.0 for name, _ in correctors}
    for _ in range(args.rounds):
        for name, corrector in correctors:
            start = time.perf_counter()
            for text in texts:
                corrector.fix(text)
            best[name] = max(best[name], chars / (time.perf_counter() - start))
    for name, speed in best.items():
        print(f"{name}: {speed:,.0f} chars/s over {len(texts)} inputs ({chars} chars), best of {args.rounds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
