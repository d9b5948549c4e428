"""Record restore's results on fixed inputs, byte for byte, to check that a speed change moves no edit.

Issue 13 makes the char stage faster with identical edits. ``record`` writes one JSON line per
input with ``Result.to_json()`` serialised (sorted keys), over

- ``ocr_dev``: the first ``--dev`` records of ``benchmarks/out/ocr_dev.jsonl`` (default 1000);
- ``ocr_modern_dev``: the first ``--modern`` records of ``benchmarks/out/ocr_modern_dev.jsonl`` (500);
- ``seeds``: every ``../shared/seeds/*.txt`` document, whole;
- ``engine:<set>``: every 5th of those records read through its engine's file (hOCR, PAGE, ALTO:
  the engine prior, its alternatives and box gaps);
- ``variant:<set>``: every 5th (offset 2) under the char stage's other switches (phonetic channel,
  look-ahead detection, doubled-character deletion);
- ``joint:<set>``: every 5th (offset 4) with joint decisions and context candidates on (the
  shortlists keep every candidate's window);
- ``pages``: the records joined into pages of about 3,000 characters (as the speed benchmark's).

``compare`` reports per group how many records differ (the serialised JSON compared as bytes) and
prints the first few; it exits 1 when any differs.

    .venv/bin/python scripts/experiments/char_speed_identity.py record -o /tmp/before.jsonl
    .venv/bin/python scripts/experiments/char_speed_identity.py compare /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _records(name: str, limit: int) -> list[dict]:
    path = REPO_ROOT / "benchmarks" / "out" / f"{name}.jsonl"
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if len(rows) >= limit:
                break
            if line.strip():
                rows.append(json.loads(line))
    return rows


def record(output: Path, dev: int, modern: int) -> int:
    sys.path.insert(0, str(REPO_ROOT))
    from benchmarks.datasets import shared_root
    from benchmarks.ocrgen.formats import to_file
    from benchmarks.speed import pages_of

    import restore
    from restore.formats import read_document

    default = restore.Config()
    corrector = restore.Corrector(default)
    char = dataclasses.replace(default.char, phonetic=True, detect_lookahead=True, delete_doubled=True)
    variant = restore.Corrector(default.replace(char=char))
    joint = restore.Corrector(default.replace(char=dataclasses.replace(default.char, joint_decisions=True, context_candidates=True)))
    start = time.process_time()
    written = 0
    texts: list[str] = []
    with output.open("w", encoding="utf-8") as handle:

        def write(group: str, key: str, result: restore.Result) -> None:
            nonlocal written
            line = {"group": group, "key": key, "result": json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True)}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1

        for name, limit in (("ocr_dev", dev), ("ocr_modern_dev", modern)):
            rows = [row for row in _records(name, limit) if row.get("ocr")]
            texts += [row["ocr"] for row in rows]
            for index, row in enumerate(rows):
                write(name, str(index), corrector.fix(row["ocr"]))
                if index % 5 == 0:
                    data, suffix = to_file(row)
                    document = read_document(data, row["id"] + suffix)
                    if document is not None and document.text == row["ocr"]:
                        write(f"engine:{name}", str(index), corrector.fix(document.text, ocr=document))
                if index % 5 == 2:
                    write(f"variant:{name}", str(index), variant.fix(row["ocr"]))
                if index % 5 == 4:
                    write(f"joint:{name}", str(index), joint.fix(row["ocr"]))
        for path in sorted((shared_root() / "seeds").glob("*.txt")):
            write("seeds", path.name, corrector.fix(path.read_text(encoding="utf-8")))
        for index, page in enumerate(pages_of(texts)):
            write("pages", str(index), corrector.fix(page))
    print(f"wrote {written} results to {output} ({time.process_time() - start:.1f} s CPU)", file=sys.stderr)
    return 0


def _load(path: Path) -> dict[tuple[str, str], str]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {(row["group"], row["key"]): row["result"] for row in rows}


def compare(before_path: Path, after_path: Path, show: int) -> int:
    before, after = _load(before_path), _load(after_path)
    compared: Counter[str] = Counter()
    differing: Counter[str] = Counter()
    examples = []
    for key in sorted(before.keys() | after.keys()):
        compared[key[0]] += 1
        old, new = before.get(key), after.get(key)
        if old is None or new is None or old.encode() != new.encode():
            differing[key[0]] += 1
            examples.append((key, old, new))
    print(f"{'group':28} {'records':>8} {'differ':>7}")
    for group in sorted(compared):
        print(f"{group:28} {compared[group]:8} {differing[group]:7}")
    print(f"{'total':28} {sum(compared.values()):8} {sum(differing.values()):7}")
    for key, old, new in examples[:show]:
        print(f"\n{key}:\n  before: {(old or '')[:800]}\n  after:  {(new or '')[:800]}")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="run the inputs and write their results")
    rec.add_argument("-o", "--output", type=Path, required=True)
    rec.add_argument("--dev", type=int, default=1000, help="first records of ocr_dev (default 1000)")
    rec.add_argument("--modern", type=int, default=500, help="first records of ocr_modern_dev (default 500)")
    cmp_ = sub.add_parser("compare", help="compare two records")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    cmp_.add_argument("--show", type=int, default=5)
    args = parser.parse_args(argv)
    if args.command == "record":
        return record(args.output, args.dev, args.modern)
    return compare(args.before, args.after, args.show)


if __name__ == "__main__":
    raise SystemExit(main())
