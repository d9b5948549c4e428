"""Count which script-distinctive characters OCR engines print on traditional and on simplified print.

Builds ``src/restore/data/print_script.tsv`` for :class:`restore.printscript.PrintScriptModel`:
for every simplified-only or traditional-only character (``restore.scriptdata.ScriptTables``),
how often each engine's OCR output of a render of traditional print and of simplified print holds it.
Reads the TRAIN renders of the benchmark generator only (ids ``train-<line>-<k>``; any other
record is refused), so no DEV or TEST text is counted:

    python -m benchmarks.ocrgen --split train --n 24000 --seed 11 --out benchmarks/out/ocr_train.jsonl ...
    python scripts/build/build_print_script.py benchmarks/out/ocr_train.jsonl [-o src/restore/data/print_script.tsv]

Characters printed fewer than ``--min-count`` times in all are left out (no evidence either way).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from restore.scriptdata import ScriptTables  # noqa: E402

OUT = ROOT / "src" / "restore" / "data" / "print_script.tsv"


def count(paths: list[Path]) -> tuple[dict[tuple[str, str], Counter[str]], Counter[str]]:
    """(counts per (engine, print script), records per engine and script) over ``paths``."""
    tables = ScriptTables.load()
    counts: dict[tuple[str, str], Counter[str]] = {}
    records: Counter[str] = Counter()
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            record = json.loads(line)
            if not str(record.get("id", "")).startswith("train-"):
                raise SystemExit(f"{path}:{number}: record {record.get('id')!r} is not from the TRAIN split")
            script = record.get("script") or "simplified"
            for side in ("traditional", "simplified"):
                counts.setdefault((record["engine"], side), Counter())
            counts[(record["engine"], script)].update(
                ch for ch in record["ocr"] if tables.is_traditional_only(ch) or tables.is_simplified_only(ch)
            )
            records[f"{record['engine']}/{script}"] += 1
    return counts, records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("renders", nargs="+", type=Path, help="TRAIN render JSONL files")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args(argv)
    counts, records = count(args.renders)
    columns = sorted(counts)
    total: Counter[str] = sum(counts.values(), Counter())
    chars = sorted(ch for ch, n in total.items() if n >= args.min_count)
    lines = [
        "# restore print-script counts: per simplified-only or traditional-only character, how often each",
        "# OCR engine printed it on traditional and on simplified print (restore.printscript.PrintScriptModel).",
        "# Source: TRAIN renders of People's Daily 1998 lines 1-14000 by benchmarks.ocrgen",
        f"# ({', '.join(a.name for a in args.renders)}; records {', '.join(f'{k} {v}' for k, v in sorted(records.items()))});",
        f"# built by scripts/build/build_print_script.py --min-count {args.min_count}",
        "\t".join(["char", *(f"{engine}/{side}" for engine, side in columns)]),
    ]
    lines += ["\t".join([ch, *(str(counts[column][ch]) for column in columns)]) for ch in chars]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(chars)} characters, {len(columns)} columns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
