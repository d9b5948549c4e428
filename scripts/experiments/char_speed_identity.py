"""Record restore's results on fixed inputs, byte for byte, to check that a speed change moves no edit.

Issue 13 makes the char stage faster with identical edits. It writes one JSON line per
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

The records have ``compare_edits.py``'s format; its ``compare`` reports per group how many differ
(the serialised results compared byte for byte) and exits 1 when any does.

    git archive main src lexicons | tar -x -C /tmp/base      # the code to compare against
    PYTHONPATH=/tmp/base/src .venv/bin/python scripts/experiments/char_speed_identity.py -o /tmp/before.jsonl
    .venv/bin/python scripts/experiments/char_speed_identity.py -o /tmp/after.jsonl
    .venv/bin/python scripts/experiments/compare_edits.py compare /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
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

        def write(group: str, index: int, result: restore.Result, name: str = "") -> None:
            nonlocal written
            line = {"dataset": group, "index": index, "id": name, "result": result.to_json()}
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
            written += 1

        for name, limit in (("ocr_dev", dev), ("ocr_modern_dev", modern)):
            rows = [row for row in _records(name, limit) if row.get("ocr")]
            texts += [row["ocr"] for row in rows]
            for index, row in enumerate(rows):
                write(name, index, corrector.fix(row["ocr"]))
                if index % 5 == 0:
                    data, suffix = to_file(row)
                    document = read_document(data, row["id"] + suffix)
                    if document is not None and document.text == row["ocr"]:
                        write(f"engine:{name}", index, corrector.fix(document.text, ocr=document))
                if index % 5 == 2:
                    write(f"variant:{name}", index, variant.fix(row["ocr"]))
                if index % 5 == 4:
                    write(f"joint:{name}", index, joint.fix(row["ocr"]))
        for index, path in enumerate(sorted((shared_root() / "seeds").glob("*.txt"))):
            write("seeds", index, corrector.fix(path.read_text(encoding="utf-8")), path.name)
        for index, page in enumerate(pages_of(texts)):
            write("pages", index, corrector.fix(page))
    print(f"wrote {written} results to {output} ({time.process_time() - start:.1f} s CPU)", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--dev", type=int, default=1000, help="first records of ocr_dev (default 1000)")
    parser.add_argument("--modern", type=int, default=500, help="first records of ocr_modern_dev (default 500)")
    args = parser.parse_args(argv)
    return record(args.output, args.dev, args.modern)


if __name__ == "__main__":
    raise SystemExit(main())
