"""Where does the default pipeline lose precision on OCR renders of DEV text?

Runs ``restore.Corrector`` (default stages) on the held-out part of ``benchmarks/out/ocr_dev.jsonl``
(records made from DEV lines 15001-16000: the char stage's calibration was fitted on the renders
of lines 14001-15000, see ``scripts/build/fit_char_calibration.py``), scores the outputs with the
benchmark harness's alignment (``benchmarks.metrics.score_pair``/``judge_edits``) and breaks the
applied edits down by ``kind``/``source`` (and, for rule edits, the before→after pair):

- right: the edit's replacement is what the truth has for its span;
- partial: not that, but applying this edit alone brings the line closer to the truth;
- wrong: everything else.

``--kinds`` also classifies every gold change (``benchmarks.error_kinds``: mark, Han substitution
in the mined table / a glyph neighbour only / in no table, script variant, dropped, added …) and
prints, per kind, its share and the part the output fixes, overall and per engine × script.

Prints to stdout only (examples are DEV sentences: never commit the output).

Run: ``python scripts/experiments/analyse_ocr_errors.py [--lines 15001-16000] [--examples 5] [--curve] [--kinds] [--families]
[--renders benchmarks/out/ocr_dev2.jsonl --lines 1-99999999] [--set script.print_script=false]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import restore
from benchmarks.edit_precision import _mapping
from benchmarks.metrics import Calibration, Counts, judge_edits, score_pair
from restore.edits import apply_edits

OCR_DEV = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"
CURVE = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)


def load(first: int, last: int, path: Path = OCR_DEV) -> list[dict]:
    """Records whose id ``dev-<line>-<k>`` names a DEV line in ``first..last``."""
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        split, number, _chunk = record["id"].rsplit("-", 2)
        if split not in ("dev", "law-dev"):
            raise SystemExit(f"{path}: record {record['id']} is not from DEV (this script only reads DEV renders)")
        if first <= int(number) <= last:
            records.append(record)
    return records


def run(
    records: list[dict], min_confidence: float, outputs: dict[str, str] | None = None, config: restore.Config | None = None
) -> tuple[Counts, list[tuple[dict, object, bool]]]:
    """Score every record at ``min_confidence``; also (record, applied edit, right) triples.

    ``outputs``: when given, filled with each record's restored text by id. ``config``: the
    settings (default: the shipped ones).
    """
    corrector = restore.Corrector((config or restore.Config()).replace(min_confidence=min_confidence))
    total = Counts()
    judged = []
    for record in records:
        script = record.get("script") or "simplified"
        result = corrector.fix(record["ocr"])
        if outputs is not None:
            outputs[record["id"]] = result.text
        total.add(score_pair(record["ocr"], record["truth"], result.text, script))
        verdicts = judge_edits(record["ocr"], record["truth"], result.edits, script, applied=True)
        judged.extend((record, edit, v.right) for edit, v in zip(result.edits, verdicts, strict=True))
    return total, judged


def label(edit: object) -> str:
    """Group key: kind/source, plus the before→after pair for rule stages (few distinct pairs)."""
    key = f"{edit.kind}/{edit.source}"  # type: ignore[attr-defined]
    if edit.kind in ("punct", "layout") or (edit.kind == "char" and not any(map(_han, edit.before + edit.after))):  # type: ignore[attr-defined]
        key += f" {edit.before.strip()!r}->{edit.after!r}"  # type: ignore[attr-defined]
    return key


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def verdict(record: dict, edit: object, right: bool) -> str:
    if right:
        return "right"
    alone = apply_edits(record["ocr"], [edit])
    closer = Levenshtein.distance(alone, record["truth"]) < Levenshtein.distance(record["ocr"], record["truth"])
    return "partial" if closer else "wrong"


def summary(name: str, counts: Counts, judged: list) -> str:
    right = sum(r for _, _, r in judged)
    p, r, f = counts.correction
    return (
        f"{name}: CER {counts.cer_before:.4f} -> {counts.cer_after:.4f} ({counts.cer_reduction:+.1%}); "
        f"applied edits {len(judged)}, right {right} ({right / max(len(judged), 1):.3f}); "
        f"slot correction P {p:.3f} R {r:.3f} F1 {f:.3f}; false edits {counts.false_edits}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="15001-16000", help="DEV line range of the records (held out: 15001-16000)")
    parser.add_argument("--threshold", type=float, default=None, help="min_confidence (default: Config's)")
    parser.add_argument("--examples", type=int, default=4, help="wrong examples printed per group")
    parser.add_argument("--curve", action="store_true", help="also run the pipeline at several thresholds")
    parser.add_argument("--kinds", action="store_true", help="gold changes by kind of OCR error, fixed or not")
    parser.add_argument("--families", action="store_true", help="CER reduction per font family of the renders")
    parser.add_argument("--renders", type=Path, default=OCR_DEV, help="JSONL of OCR renders (DEV only)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="a setting, as benchmarks.edit_precision's (char.lm_sweep=true)")
    args = parser.parse_args()
    config = restore.Config.from_mapping(_mapping(args.overrides))
    first, last = map(int, args.lines.split("-"))
    records = load(first, last, args.renders)
    threshold = config.min_confidence if args.threshold is None else args.threshold
    outputs: dict[str, str] = {}
    counts, judged = run(records, threshold, outputs, config)
    print(f"{len(records)} records from DEV lines {first}-{last}, threshold {threshold}")
    print(summary("default pipeline", counts, judged))
    groups: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    by_engine: dict[str, Counter] = defaultdict(Counter)
    for record, edit, right in judged:
        key = label(edit)
        v = verdict(record, edit, right)
        groups[key][v] += 1
        by_engine[f"{record['engine']}/{record.get('script')}"][v] += 1
        if v != "right" and len(examples[key]) < args.examples:
            ocr = record["ocr"]
            s, e = edit.start, edit.end
            examples[key].append(
                f"    {v:7s} {edit.confidence:.2f} {ocr[max(0, s - 8):s]}[{ocr[s:e]!r}->{edit.after!r}]{ocr[e:e + 8]}"
                f"  | truth: {record['truth'][max(0, s - 8):e + 8]}"
            )
    print(f"\n{'group':40s} {'n':>5s} {'right':>6s} {'partial':>7s} {'wrong':>6s} {'prec':>6s}")
    for key, c in sorted(groups.items(), key=lambda kv: -(kv[1]["wrong"] + kv[1]["partial"])):
        n = sum(c.values())
        print(f"{key:40s} {n:5d} {c['right']:6d} {c['partial']:7d} {c['wrong']:6d} {c['right'] / n:6.3f}")
    print("\nby engine/script:")
    for key, c in sorted(by_engine.items()):
        n = sum(c.values())
        print(f"  {key:30s} {n:5d} right {c['right'] / n:.3f}")
    if args.kinds:
        print_kinds(records, outputs)
    if args.families:
        print_families(records, outputs)
    if args.examples:
        print("\nexamples of edits that are not right:")
    for key, lines in examples.items():
        if lines:
            print(f"  {key}")
            print("\n".join(lines))
    if args.curve:
        print("\ncurve:")
        for t in CURVE:
            c, j = run(records, t, config=config)
            print("  " + summary(f"t={t:.2f}", c, j))
    cal = Calibration([v for _, e, r in judged for v in [_judged(e, r)]])
    n9, p9 = cal.at_least(0.9)
    print(f"\napplied edits with confidence >= 0.9: {n9}, precision {p9:.3f}")
    return 0


FAMILIES = ("noto-sans", "noto-serif", "ukai", "uming")


def print_families(records: list[dict], outputs: dict[str, str]) -> None:
    """CER before and after per font family (Noto Sans, Noto Serif, AR PL UKai, AR PL UMing): a gain
    chosen on some families should hold on the others."""
    by_family: dict[str, Counts] = defaultdict(Counts)
    for record in records:
        family = next((f for f in FAMILIES if record["font"].startswith(f)), record["font"])
        by_family[family].add(score_pair(record["ocr"], record["truth"], outputs[record["id"]], record.get("script") or "simplified"))
    print("\nCER by font family: " + ", ".join(f"{f} {c.cer_reduction:+.1%}" for f, c in sorted(by_family.items())))


def print_kinds(records: list[dict], outputs: dict[str, str]) -> None:
    """Gold changes by kind: share, fixed, and per engine × script (n and fixed share)."""
    from benchmarks.error_kinds import KINDS, ErrorKinds

    kinds = ErrorKinds.shipped()
    tally: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for record in records:
        script = record.get("script") or "simplified"
        cell = f"{record['engine']}/{script[:4]}"
        for _, kind, fixed in kinds.gold(record["ocr"], record["truth"], outputs[record["id"]], script):
            for key in ((kind, "all"), (kind, cell), ("all", "all"), ("all", cell)):
                tally[key]["n"] += 1
                tally[key]["fixed"] += fixed
    cells = sorted({cell for _, cell in tally if cell != "all"})
    total = tally[("all", "all")]["n"] or 1
    print("\ngold changes by kind (n, share, fixed share; then per engine/script: n fixed%):")
    print(f"{'kind':14s} {'n':>6s} {'share':>6s} {'fixed':>6s}  " + " ".join(f"{c:>18s}" for c in cells))
    for kind in (*KINDS, "all"):
        row = tally.get((kind, "all"))
        if not row:
            continue
        parts = []
        for cell in cells:
            c = tally.get((kind, cell), Counter())
            parts.append(f"{c['n']:>10d} {c['fixed'] / c['n']:6.1%}" if c["n"] else f"{'-':>18s}")
        print(f"{kind:14s} {row['n']:6d} {row['n'] / total:6.1%} {row['fixed'] / row['n']:6.1%}  " + " ".join(parts))


def _judged(edit: object, right: bool):
    from benchmarks.metrics import JudgedEdit

    return JudgedEdit(edit.confidence, edit.kind, edit.source, True, right)  # type: ignore[attr-defined]


if __name__ == "__main__":
    raise SystemExit(main())
