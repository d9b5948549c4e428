"""Time ``Corrector.fix`` under CharConfig variants on the same inputs, interleaved (a shared machine's load hits all alike).

Inputs: the OCR text of the DEV render records (``benchmarks/out/ocr_dev.jsonl``, first ``--n``),
each fixed as one document. Each round runs every variant once over all inputs, in turn; the
best round per variant is reported in characters per second. Variants are ``name:key=value,key=value``
(``base:context_candidates=false,delete_doubled=false``); ``default`` is the shipped config.

Run: ``python scripts/experiments/time_char_variants.py --n 1000 --rounds 3 default base:context_candidates=false,delete_doubled=false``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import restore  # noqa: E402
from restore.config import Config  # noqa: E402

OCR_DEV = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"


def variant(spec: str) -> tuple[str, Config]:
    name, _, settings = spec.partition(":")
    changes: dict[str, object] = {}
    for item in filter(None, settings.split(",")):
        key, _, raw = item.partition("=")
        default = getattr(Config().char, key)
        changes[key] = raw.lower() in ("1", "true", "yes") if isinstance(default, bool) else type(default)(raw)
    config = Config()
    return name, config.replace(char=dataclasses.replace(config.char, **changes))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    texts = [json.loads(line)["ocr"] for line in OCR_DEV.read_text(encoding="utf-8").splitlines()[: args.n]]
    chars = sum(map(len, texts))
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
