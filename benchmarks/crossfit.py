"""Cross-fitted applied-edit precision per engine × script and per edit family, on DEV render sets.

Reads the files ``python -m benchmarks.edit_precision run SET --detail --out F`` writes (one row
per judged edit, with the record's id and the edit's evidence) and measures precision on folds
the thresholds were not chosen on:

- **text folds**: records grouped by their corpus line (``dev-<line>-<chunk>``,
  ``law-dev-<line>-<chunk>``: every render of a line, whatever its engine or font, in one fold),
  ``--folds`` of them (line number modulo the count);
- **font folds**: leave one font out (every line, one typeface held out).

In each fold a threshold per edit *family* (below) is fitted on the other folds: the lowest value
of ``edit_precision.GRID`` (≥ the run's threshold) at which the family's applied edits reach
``--target`` precision there (families with fewer than ``--min-n`` edits keep the run's
threshold), and the held-out fold is measured with those thresholds. The table gives, per
engine × script cell and per family, the held-out precision of the defaults as run ("base") and
with the thresholds fitted on the other folds ("fit"), pooled over the folds, and the right edits
the fitted thresholds lose. A family whose fitted threshold moves in most folds is one the
defaults' single threshold over-trusts.

``--calibration-split``: ocr_dev's lines 14001-15000 are where the char calibration's render
part was fitted (``scripts/build/fit_char_calibration.py``); precision per cell on those lines
and on 15001-16000 (never fitted on) shows how much of the DEV figure is in-sample.

Families (:func:`family`): ``char-han`` edits split by their evidence into ``han-mined`` (a mined
OCR pair), ``han-weak-glyph`` (a glyph neighbour alone at cosine < ``WEAK_GLYPH``: its channel
weight, cosine**8, is under 0.02, so the LM decides alone), ``han-glyph`` (a glyph neighbour
alone), ``han-context`` (context tables or the sweep), ``han-other``; each with ``+trad`` when the
stage wrote the candidate in traditional form on a line with traditional-only characters. Other
edits by their source (``punct:halfwidth-mark``, ``script:opencc-t2s``...) and, for the char
stage's marks, ``mark-lm:<table>``.

Run::

    python -m benchmarks.edit_precision run ocr_dev --detail --out /tmp/dev.jsonl
    python -m benchmarks.crossfit /tmp/dev.jsonl --folds 5 --calibration-split

>>> family({"kind": "char-han", "source": "lm:char5", "evidence": [
...     {"type": "confusion", "table": "glyph:noto-cjk", "similarity": 0.56}]})
'han-weak-glyph'
>>> line_of("dev-15442-0"), line_of("law-dev-291998-3")
(15442, 291998)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.edit_precision import ROW_FIELDS, Row, applies, fit_thresholds, precision

# Glyph cosine under which a glyph neighbour's channel (cosine**8 in the calibration) is negligible.
WEAK_GLYPH = 0.6


def family(data: dict) -> str:
    """The family of one detailed row (see the module docstring)."""
    evidence = data.get("evidence", [])
    tables = [e.get("table", "") for e in evidence if e.get("type") == "confusion"]
    traditional = any(e.get("type") == "script" for e in evidence) and data.get("source") == "lm:char5"
    if data["kind"] == "char-han":
        if "ocr-mined" in tables:
            name = "han-mined"
        elif any(t.startswith("context:") for t in tables):
            name = "han-context"
        elif any(t.startswith("glyph:") for t in tables):
            cosine = max(e["similarity"] for e in evidence if e.get("type") == "confusion" and e["table"].startswith("glyph:"))
            name = "han-weak-glyph" if cosine < WEAK_GLYPH else "han-glyph"
        else:
            name = "han-other"
        return name + ("+trad" if traditional else "")
    source = data.get("source", "")
    if source.startswith("lm:"):
        return "mark-lm:" + (tables[0] if tables else "?")
    return source


def line_of(record_id: str) -> int:
    """The corpus line of a render record id (``dev-<line>-<chunk>``)."""
    return int(record_id.rsplit("-", 2)[-2])


@dataclass(frozen=True)
class Judged:
    """A row of ``edit_precision`` with its family and corpus line."""

    row: Row
    family: str
    line: int


def load(paths: Iterable[Path]) -> list[Judged]:
    """Detailed rows of ``paths`` (``edit_precision run --detail``); a plain run file is an error."""
    judged = []
    for path in paths:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            data = json.loads(text)
            if "evidence" not in data:
                raise SystemExit(f"{path}:{number}: no evidence (write it with edit_precision run --detail)")
            row = Row(**{name: data[name] for name in ROW_FIELDS})
            judged.append(Judged(row, family(data), line_of(data["id"])))
    return judged


def crossfit(
    judged: Sequence[Judged],
    fold_of: Callable[[Judged], object],
    *,
    threshold: float,
    target: float,
    min_n: int,
) -> tuple[dict[str, list[int]], dict[str, list[float]]]:
    """Held-out counts per group and the thresholds fitted per family in each fold.

    Returns ``({group: [n_base, right_base, n_fit, right_fit]}, {family: [threshold per fold]})``;
    groups are ``cell:<engine/scri>``, ``family:<family>`` and ``all``.
    """
    folds = sorted({fold_of(j) for j in judged}, key=str)
    held: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    chosen: dict[str, list[float]] = defaultdict(list)
    by_family = {id(j.row): j.family for j in judged}
    key = lambda r: by_family[id(r)]  # noqa: E731
    for fold in folds:
        train = [j.row for j in judged if fold_of(j) != fold]
        fitted = fit_thresholds(train, base=threshold, target=target, min_n=min_n, key=key)
        for name, value in fitted.items():
            chosen[name].append(value)
        for j in judged:
            if fold_of(j) != fold:
                continue
            base = applies(j.row, threshold)
            fit = applies(j.row, fitted.get(j.family, threshold))
            for group in (f"cell:{j.row.cell}", f"family:{j.family}", "all"):
                counts = held[group]
                counts[0] += base
                counts[1] += base and j.row.right
                counts[2] += fit
                counts[3] += fit and j.row.right
    return held, chosen


def _print(title: str, held: dict[str, list[int]], chosen: dict[str, list[float]], threshold: float, min_n: int) -> None:
    print(f"\n{title}")
    print(f"  {'group':34s} {'base n':>7s} {'P':>6s} {'fit n':>7s} {'P':>6s} {'right lost':>10s}  thresholds per fold")
    for group in sorted(held, key=lambda g: (g.split(":")[0], g)):
        n0, r0, n1, r1 = held[group]
        if not n0:
            continue
        flag = "*" if n1 >= min_n and r1 < 0.95 * n1 else " "
        moved = ""
        if group.startswith("family:"):
            values = chosen.get(group[7:], [])
            if any(v != threshold for v in values):
                moved = " ".join(f"{v:g}" for v in values)
        print(f"  {group:34s} {n0:7d} {r0 / n0:6.3f} {n1:7d} {r1 / max(n1, 1):6.3f} {r0 - r1:10d}{flag} {moved}")


def calibration_split(judged: Sequence[Judged], threshold: float) -> None:
    """Precision per cell on ocr_dev lines inside / outside the calibration's render fit (14001-15000)."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for j in judged:
        if 14001 <= j.line <= 16000:
            part = "fit 14001-15000" if j.line <= 15000 else "held 15001-16000"
            groups[f"{j.row.cell} {part}"].append(j.row)
            groups[f"all {part}"].append(j.row)
    print("\ncalibration split (ocr_dev lines; the char calibration's renders are 14001-15000)")
    for name in sorted(groups):
        n, right = precision(groups[name], threshold)
        print(f"  {name:34s} {n:6d} {right:6d} {right / max(n, 1):7.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.crossfit", description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=Path, nargs="+", help="edit_precision run --detail files (DEV sets only)")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--min-n", type=int, default=20, help="edits a family needs in the training folds to be refitted")
    parser.add_argument("--report-min-n", type=int, default=50, help="cells flagged (*) under 0.95 from this many edits")
    parser.add_argument("--folds", type=int, default=5, help="text folds (by corpus line)")
    parser.add_argument("--calibration-split", action="store_true")
    args = parser.parse_args(argv)
    judged = load(args.rows)
    print(f"{', '.join(map(str, args.rows))}: {sum(j.row.applied for j in judged)} applied edits; threshold {args.threshold}, "
          f"families refitted to P {args.target} from {args.min_n} edits")
    for title, fold_of in (
        (f"text folds ({args.folds}, by corpus line)", lambda j: j.line % args.folds),
        ("font folds (leave one font out)", lambda j: j.row.font),
    ):
        held, chosen = crossfit(judged, fold_of, threshold=args.threshold, target=args.target, min_n=args.min_n)
        _print(title, held, chosen, args.threshold, args.report_min_n)
    if args.calibration_split:
        calibration_split(judged, args.threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
