"""Applied-edit precision per engine × script and per edit kind, with leave-one-font-out folds.

Two steps, so one slow pipeline run serves many analyses:

1. ``run``: the default pipeline (or ``--set section.key=value`` overrides) over an OCR render
   set (``ocr_dev``, ``ocr_dev2``, ``ocr_test``, ``ocr_modern_dev``); every applied edit and every suggestion
   is judged on its own against the truth (``benchmarks.metrics.judge_edits``) and written as
   one JSON row: engine, script, font, kind (below), confidence, applied, right; the CER before
   and after, overall and per engine × script, go to ``OUT.cer.json``. No text is written, so
   the files may be kept anywhere.
2. ``report``: from such a file, precision of the edits a threshold applies, per engine ×
   script and per kind, and with ``--lofo`` thresholds per group (engine × script cell, cell ×
   kind, or script × kind) fitted on the other fonts and measured on the held-out font
   (leave-one-font-out), against the global threshold.

Kinds: the edit's stage kind (``layout``, ``punct``, ``script``, ``entity``), the char stage's
split into ``char-han`` (a Han character replaced) and ``char-mark`` (a mark replaced,
inserted or deleted), and ``mark`` = every edit whose before and after hold no Han character
(punctuation from any stage).

Thresholds are only ever fitted on a DEV set; a test set is only reported.

Run::

    python -m benchmarks.edit_precision run ocr_dev --out /tmp/dev.jsonl
    python -m benchmarks.edit_precision report /tmp/dev.jsonl --lofo cell,script-kind

>>> kind_of("char", "舉", "要"), kind_of("char", ",", "，"), kind_of("punct", "!", "！")
('char-han', 'char-mark', 'punct')
>>> cells = fit_thresholds([Row("e", "s", "f", "k", 0.85, True, False)] * 5 + [Row("e", "s", "f", "k", 0.95, True, True)] * 60,
...                        base=0.8, target=0.95, min_n=50)
>>> cells["e/s"]
0.88
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Candidate thresholds a cell may be raised to (the pipeline's confidences cluster on rule values
# such as 0.85, 0.9, 0.95, 0.97).
GRID = (0.8, 0.82, 0.85, 0.88, 0.9, 0.92, 0.95, 0.96, 0.97, 0.98, 0.99)


@dataclass(frozen=True)
class Row:
    """One judged edit: the render's engine, script and font, the edit's kind and confidence."""

    engine: str
    script: str
    font: str
    kind: str
    confidence: float
    applied: bool
    right: bool

    @property
    def cell(self) -> str:
        return f"{self.engine}/{self.script[:4]}"


def _han(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" for c in text)


def kind_of(kind: str, before: str, after: str) -> str:
    """The reporting kind of an edit (see the module docstring)."""
    if kind == "char":
        return "char-han" if _han(before) and _han(after) else "char-mark"
    return kind


def run(name: str, overrides: Sequence[str], out: Path, limit: int | None = None, detail: bool = False) -> None:
    """Run the pipeline over the render set ``name`` and write one row per judged edit to ``out``.

    ``detail`` adds, per row, the record's ``id`` and ``page``, the edit's ``source``, ``before``,
    ``after`` and ``evidence`` (``restore.evidence`` JSON): DEV text, so such a file is for local
    analysis (``benchmarks.crossfit`` reads it), not for the repository."""
    import restore
    from benchmarks import datasets
    from benchmarks.metrics import Counts, judge_edits, score_pair
    from restore.evidence import evidence_to_json

    config = restore.Config.from_mapping(_mapping(overrides))
    corrector = restore.Corrector(config)
    dataset = datasets.load(name).spread(limit)
    counts: dict[str, Counts] = defaultdict(Counts)
    with out.open("w", encoding="utf-8") as sink:
        for pair in dataset.pairs:
            meta = pair.meta
            script = meta.get("script") or dataset.script
            result = corrector.fix(pair.ocr)
            line = score_pair(pair.ocr, pair.truth, result.text, script)
            for key in ("all", f"{meta['engine']}/{script[:4]}"):
                counts[key].add(line)
            record = {"id": meta.get("id", ""), "page": meta.get("page", "")} if detail else {}
            for edits, applied in ((result.edits, True), (result.suggestions, False)):
                verdicts = judge_edits(pair.ocr, pair.truth, edits, script, applied=applied)
                for edit, verdict in zip(edits, verdicts, strict=True):
                    row = Row(meta["engine"], script, meta["font"], kind_of(edit.kind, edit.before, edit.after),
                              round(edit.confidence, 4), applied, verdict.right)
                    marks = not _han(edit.before + edit.after)
                    extra = {}
                    if detail:
                        extra = {**record, "source": edit.source, "before": edit.before, "after": edit.after,
                                 "evidence": [evidence_to_json(e) for e in edit.evidence]}
                    sink.write(json.dumps({**dataclasses.asdict(row), "mark": marks, **extra}, ensure_ascii=False) + "\n")
    cer = {key: {"cer_before": round(c.cer_before, 5), "cer_after": round(c.cer_after, 5), "change": round(c.cer_reduction, 4),
                 "cor_p": round(c.correction[0], 4), "system": c.system, "corrected": c.corrected}
           for key, c in sorted(counts.items())}
    out.with_suffix(".cer.json").write_text(json.dumps(cer, indent=1) + "\n", encoding="utf-8")


def _mapping(overrides: Sequence[str]) -> dict:
    """``["char.context_candidates=true", "min_confidence=0.8"]`` as a Config mapping (JSON values)."""
    mapping: dict = {}
    for item in overrides:
        key, _, raw = item.partition("=")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        *sections, field = key.split(".")
        target = mapping
        for section in sections:
            target = target.setdefault(section, {})
        target[field] = value
    return mapping


def load_rows(path: Path) -> tuple[list[Row], list[bool]]:
    """The rows of a ``run`` file and, beside them, whether each edit touches marks only."""
    rows, marks = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        marks.append(bool(data.pop("mark")))
        rows.append(Row(**{name: data[name] for name in ROW_FIELDS}))
    return rows, marks


ROW_FIELDS = tuple(f.name for f in dataclasses.fields(Row))


def applies(row: Row, threshold: float) -> bool:
    """Whether ``row`` is applied at ``threshold`` (the run's threshold must be no higher: a
    suggestion under the run's threshold cannot be judged as applied above it)."""
    return row.confidence >= threshold - 1e-9


def precision(rows: Iterable[Row], threshold: float) -> tuple[int, int]:
    """(applied, right) among ``rows`` at ``threshold``."""
    chosen = [r for r in rows if applies(r, threshold)]
    return len(chosen), sum(r.right for r in chosen)


def fit_thresholds(
    rows: Sequence[Row], *, base: float, target: float, min_n: int, key: Callable[[Row], str] = lambda r: r.cell
) -> dict[str, float]:
    """Per group (``key``; default the engine × script cell): the lowest threshold in ``GRID``
    (≥ ``base``) at which the group's applied edits reach ``target`` precision; groups with fewer
    than ``min_n`` edits at ``base``, or already at ``target``, keep ``base``; a group that never
    reaches it gets the best grid value."""
    by_cell: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_cell[key(row)].append(row)
    fitted: dict[str, float] = {}
    for cell, members in by_cell.items():
        n, right = precision(members, base)
        fitted[cell] = base
        if n < min_n or right >= target * n:
            continue
        best = (right / n if n else 0.0, base)
        for threshold in (t for t in GRID if t > base):
            n, right = precision(members, threshold)
            if not n:
                break
            if right >= target * n:
                fitted[cell] = threshold
                break
            best = max(best, (right / n, threshold))
        else:
            fitted[cell] = best[1]
    return fitted


def report(path: Path, threshold: float, lofo: str, target: float, min_n: int) -> None:
    rows, marks = load_rows(path)
    print(f"{path}: {sum(r.applied for r in rows)} applied edits in the run; threshold {threshold}")
    _table("engine × script", rows, lambda r: r.cell, threshold, min_n, target)
    _table("kind", rows, lambda r: r.kind, threshold, min_n, target)
    _table("engine × script × kind", rows, lambda r: f"{r.cell} {r.kind}", threshold, min_n, target)
    _table("engine × script, marks only", [r for r, m in zip(rows, marks) if m], lambda r: r.cell, threshold, min_n, target)
    for grouping in filter(None, lofo.split(",")):
        _lofo(rows, threshold, target, min_n, grouping)


def _table(title: str, rows: Sequence[Row], key, threshold: float, min_n: int, target: float) -> None:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    print(f"\n{title} (applied at {threshold}): n, right, precision; * = n >= {min_n} under {target}")
    for name in sorted(groups):
        n, right = precision(groups[name], threshold)
        flag = "*" if n >= min_n and right < target * n else " "
        print(f"  {name:28s} {n:6d} {right:6d} {right / n if n else 0:7.3f} {flag}")
    n, right = precision(rows, threshold)
    print(f"  {'all':28s} {n:6d} {right:6d} {right / n if n else 0:7.3f}")


# Groups a threshold may be fitted for: the engine × script cell (needs the engine: an OCR file's
# metadata or CharConfig.engine), the edit kind on a page of one script (known from the text).
GROUPINGS: dict[str, Callable[[Row], str]] = {
    "cell": lambda r: r.cell,
    "cell-kind": lambda r: f"{r.cell} {r.kind}",
    "script-kind": lambda r: f"{r.script[:4]} {r.kind}",
}


def _lofo(rows: Sequence[Row], threshold: float, target: float, min_n: int, grouping: str = "cell") -> None:
    """Per-group thresholds fitted on all fonts but one, measured on that font; summed over folds."""
    key = GROUPINGS[grouping]
    fonts = sorted({r.font for r in rows})
    held: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # cell -> n_base, right_base, n_fit, right_fit
    for font in fonts:
        train = [r for r in rows if r.font != font]
        test = [r for r in rows if r.font == font]
        groups = fit_thresholds(train, base=threshold, target=target, min_n=min_n, key=key)
        by_cell: dict[str, list[Row]] = defaultdict(list)
        for row in test:
            by_cell[key(row)].append(row)
        for cell, members in by_cell.items():
            base = precision(members, threshold)
            kept = [r for r in members if applies(r, groups.get(cell, threshold))]
            fitted = (len(kept), sum(r.right for r in kept))
            totals = held[cell]
            totals[0] += base[0]
            totals[1] += base[1]
            totals[2] += fitted[0]
            totals[3] += fitted[1]
    print(f"\nleave-one-font-out ({len(fonts)} folds): thresholds per {grouping} fitted on the other fonts")
    print(f"  {grouping:24s} {'base n':>7s} {'P':>6s} {'fit n':>7s} {'P':>6s} {'right lost':>10s}")
    for cell in sorted(held):
        n0, r0, n1, r1 = held[cell]
        if n0 < min_n:
            continue
        print(f"  {cell:24s} {n0:7d} {r0 / max(n0, 1):6.3f} {n1:7d} {r1 / max(n1, 1):6.3f} {r0 - r1:10d}")
    full = fit_thresholds(rows, base=threshold, target=target, min_n=min_n, key=key)
    print("  fitted on every font: " + ", ".join(f"{c} {t}" for c, t in sorted(full.items()) if t != threshold))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.edit_precision", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="run the pipeline over a render set and judge every edit")
    run_parser.add_argument("dataset", choices=("ocr_dev", "ocr_dev2", "ocr_test", "ocr_modern_dev"))
    run_parser.add_argument("--out", type=Path, required=True)
    run_parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE")
    run_parser.add_argument("--limit", type=int)
    run_parser.add_argument("--detail", action="store_true", help="also write id, page, source, before/after and evidence")
    report_parser = sub.add_parser("report", help="precision tables from a run file")
    report_parser.add_argument("rows", type=Path)
    report_parser.add_argument("--threshold", type=float, default=0.8)
    report_parser.add_argument(
        "--lofo", default="", metavar="GROUPINGS", help=f"comma-separated: {', '.join(GROUPINGS)} (thresholds fitted per group)"
    )
    report_parser.add_argument("--target", type=float, default=0.95)
    report_parser.add_argument("--min-n", type=int, default=50)
    args = parser.parse_args(argv)
    if args.command == "report":
        unknown = [g for g in filter(None, args.lofo.split(",")) if g not in GROUPINGS]
        if unknown:
            parser.error(f"--lofo: unknown grouping {', '.join(unknown)} (known: {', '.join(GROUPINGS)})")
    if args.command == "run":
        run(args.dataset, args.overrides, args.out, args.limit, args.detail)
    else:
        report(args.rows, args.threshold, args.lofo, args.target, args.min_n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
