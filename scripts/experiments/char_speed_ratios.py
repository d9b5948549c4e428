"""The speed section's throughput ratios alone: restore against pycorrector and one kenlm pass, same inputs.

``python -m benchmarks`` builds its speed inputs from the OCR sets (``benchmarks.runner._speed``):
the first 40 of pycorrector's 300 even-stride inputs of ocr_dev, ocr_test and ocr_modern_dev (120
lines), as lines and joined into pages of about 3,000 characters. This script builds the same inputs
and measures each system in a fresh worker process (``benchmarks.speed.measure``: a first and a second pass over the inputs), ``--rounds``
times interleaved (a shared machine's load hits all alike), and prints chars/s, CPU-free wall
ratios per round and the best round's. Without ``--pycorrector`` only restore and the kenlm pass run
(pycorrector's figure moves little between commits; it takes ~20 s a worker).

    .venv/bin/python scripts/experiments/char_speed_ratios.py --rounds 3 --pycorrector
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks import datasets, speed, systems  # noqa: E402
from benchmarks.runner import SPEED_INPUTS_PER_SET, stride_indices  # noqa: E402

OCR_SETS = ("ocr_dev", "ocr_test", "ocr_modern_dev")
PYCORRECTOR_CAP = 300


def speed_inputs() -> tuple[list[str], list[str]]:
    """(lines, pages) as ``python -m benchmarks`` builds them."""
    texts: list[str] = []
    for name in OCR_SETS:
        pairs = datasets.load(name).pairs
        texts += [pairs[i].ocr for i in stride_indices(len(pairs), PYCORRECTOR_CAP)[:SPEED_INPUTS_PER_SET]]
    return texts, speed.pages_of(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pycorrector", action="store_true")
    parser.add_argument("--only-lines", action="store_true")
    args = parser.parse_args(argv)
    lm = systems.find_lm()
    lines, pages = speed_inputs()
    print(f"{len(lines)} lines, {sum(map(len, lines))} chars; {len(pages)} pages", file=sys.stderr)
    names = ["restore", "kenlm-pass"] + (["pycorrector"] if args.pycorrector else [])
    kinds = [("lines", lines)] + ([] if args.only_lines else [("pages", pages)])
    best: dict[tuple[str, str], float] = {}
    for round_ in range(args.rounds):
        for kind, texts in kinds:
            got = {}
            for name in names:
                if name == "pycorrector" and round_ > 0:
                    continue
                result = speed.measure(name, texts, lm=lm)
                if "error" in result:
                    print(f"{name} {kind}: {result['error']}", file=sys.stderr)
                    continue
                for suffix, key in (("", "chars_per_s"), (" second", "second_chars_per_s")):
                    got[name + suffix] = result[key]
                    best[(name, kind + suffix)] = max(best.get((name, kind + suffix), 0.0), result[key])
            print(json.dumps({"round": round_, "kind": kind, **{k: round(v) for k, v in got.items()},
                              "kenlm_over_restore": round(got["kenlm-pass"] / got["restore"], 1),
                              "second: kenlm_over_restore": round(got["kenlm-pass second"] / got["restore second"], 1)}))
    for kind in [k + suffix for k, _texts in kinds for suffix in ("", " second")]:
        line = {"best": kind, **{name: round(best[(name, kind)]) for name in names if (name, kind) in best}}
        line["kenlm_over_restore"] = round(best[("kenlm-pass", kind)] / best[("restore", kind)], 1)
        if ("pycorrector", kind) in best:
            line["restore_over_pycorrector"] = round(best[("restore", kind)] / best[("pycorrector", kind)], 1)
        print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
