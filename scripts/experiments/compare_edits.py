"""Record every edit restore makes on the benchmark inputs, and compare two such records.

A refactoring that must not change behaviour is checked with it: record at the old commit,
record at the new one, compare. ``record`` runs ``Corrector().fix`` (default ``Config``) over
the inputs of ``python -m benchmarks`` (each dataset of ``benchmarks.datasets.LOADERS`` that is
available, ``--limit`` pairs at an even stride, as the smoke run picks them) and over
``../shared/seeds/*.txt``, writing one JSON line per input: the dataset, the index, and the
``Result.to_json()`` (text, edits with evidence, suggestions).

    .venv/bin/python scripts/experiments/compare_edits.py record -o /tmp/before.jsonl
    .venv/bin/python scripts/experiments/compare_edits.py compare /tmp/before.jsonl /tmp/after.jsonl

``--char-paths`` adds the char stage's other paths, on the OCR renders
(``benchmarks/out/ocr_*.jsonl``, ``--limit`` records each): the records read with their engine's
confidences and alternatives (``ocr=``, the engine prior; every 5th record), restored under a
configuration with the phonetic channel, look-ahead detection and doubled-character deletion on
(every 5th, offset), and all the records joined into pages of about 3,000 characters (as the speed
benchmark's pages).

``compare`` prints, per dataset, how many inputs were compared and how many differ (texts,
edits or suggestions; the serialised results compared byte for byte), then up to ``--show``
differing inputs; it exits 1 when any differs. ``char_speed_identity.py`` records other inputs in
the same format.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def record(output: Path, limit: int, names: list[str] | None) -> int:
    """Write the results of every available dataset's inputs to ``output`` (JSONL)."""
    sys.path.insert(0, str(REPO_ROOT))
    from benchmarks import datasets

    import restore

    corrector = restore.Corrector()
    written = 0
    with output.open("w", encoding="utf-8") as handle:
        for name in names or list(datasets.LOADERS):
            try:
                dataset = datasets.load(name)
            except datasets.Unavailable as exc:
                print(f"{name}: skipped ({exc})", file=sys.stderr)
                continue
            subset = dataset if name == "seeds" else dataset.spread(limit)
            for index, pair in enumerate(subset.pairs):
                result = corrector.fix(pair.ocr).to_json()
                line = {"dataset": name, "index": index, "id": pair.meta.get("file", ""), "result": result}
                handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                written += 1
            print(f"{name}: {len(subset.pairs)} inputs", file=sys.stderr)
    print(f"wrote {written} results to {output}", file=sys.stderr)
    return 0


def record_char_paths(output: Path, limit: int) -> int:
    """Append the results of the char stage's other paths on the OCR renders to ``output``."""
    import dataclasses

    sys.path.insert(0, str(REPO_ROOT))
    from benchmarks import OUT_DIR
    from benchmarks.ocrgen.formats import to_file
    from benchmarks.speed import pages_of

    import restore
    from restore.formats import read_document

    default = restore.Config()
    corrector = restore.Corrector(default)
    char = dataclasses.replace(default.char, phonetic=True, detect_lookahead=True, delete_doubled=True)
    variant = restore.Corrector(default.replace(char=char))
    texts: list[str] = []
    written = 0
    with output.open("a", encoding="utf-8") as handle:

        def write(dataset: str, index: int, result: restore.Result) -> None:
            line = {"dataset": dataset, "index": index, "id": "", "result": result.to_json()}
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")

        for path in sorted(OUT_DIR.glob("ocr_*.jsonl")):
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            rows = [row for row in rows if row.get("ocr")]
            rows = [rows[i * len(rows) // limit] for i in range(min(limit, len(rows)))]
            texts += [row["ocr"] for row in rows]
            for index, row in enumerate(rows):
                if index % 5 == 0:
                    data, suffix = to_file(row)
                    document = read_document(data, row["id"] + suffix)
                    if document is not None and document.text == row["ocr"]:
                        write(f"engine:{path.stem}", index, corrector.fix(document.text, ocr=document))
                        written += 1
                if index % 5 == 2:
                    write(f"variant:{path.stem}", index, variant.fix(row["ocr"]))
                    written += 1
        for index, page in enumerate(pages_of(texts)):
            write("pages", index, corrector.fix(page))
            written += 1
    print(f"appended {written} char-path results to {output}", file=sys.stderr)
    return 0


def _load(path: Path) -> dict[tuple[str, int], dict]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return {(row["dataset"], row["index"]): row for row in rows}


def _serialised(row: dict) -> str:
    # The result as it was written (sorted keys; floats round-trip), so results compare byte for
    # byte: 0.0 and -0.0, equal as numbers, differ here.
    return json.dumps(row["result"], ensure_ascii=False, sort_keys=True)


def compare(before_path: Path, after_path: Path, show: int) -> int:
    """Print per-dataset agreement of two records; 0 when every result is identical, byte for byte."""
    before, after = _load(before_path), _load(after_path)
    compared: Counter[str] = Counter()
    differing: Counter[str] = Counter()
    edits: Counter[str] = Counter()
    examples = []
    for key in sorted(before.keys() | after.keys()):
        dataset = key[0]
        compared[dataset] += 1
        old, new = before.get(key), after.get(key)
        if old is not None:
            edits[dataset] += len(old["result"]["edits"]) + len(old["result"]["suggestions"])
        if old is None or new is None or _serialised(old) != _serialised(new):
            differing[dataset] += 1
            examples.append((key, old, new))
    print(f"{'dataset':24} {'inputs':>7} {'edits+sugg':>10} {'differ':>7}")
    for dataset in sorted(compared):
        print(f"{dataset:24} {compared[dataset]:7} {edits[dataset]:10} {differing[dataset]:7}")
    total = sum(compared.values())
    print(f"{'total':24} {total:7} {sum(edits.values()):10} {sum(differing.values()):7}")
    for key, old, new in examples[:show]:
        print(f"\n{key}:")
        print("  before:", json.dumps(old and old["result"], ensure_ascii=False)[:600])
        print("  after: ", json.dumps(new and new["result"], ensure_ascii=False)[:600])
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="run the inputs and write their results")
    rec.add_argument("-o", "--output", type=Path, required=True)
    rec.add_argument("--limit", type=int, default=200, help="pairs per dataset, at an even stride (default 200)")
    rec.add_argument("--datasets", help="comma-separated dataset names (default: every available one)")
    rec.add_argument("--char-paths", action="store_true", help="also the OCR renders with engine readings, a variant configuration and as pages")
    cmp_ = sub.add_parser("compare", help="compare two records")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    cmp_.add_argument("--show", type=int, default=5, help="differing inputs to print (default 5)")
    args = parser.parse_args(argv)
    if args.command == "record":
        names = [n.strip() for n in args.datasets.split(",")] if args.datasets else None
        status = record(args.output, args.limit, names)
        return status or (record_char_paths(args.output, args.limit) if args.char_paths else 0)
    return compare(args.before, args.after, args.show)


if __name__ == "__main__":
    raise SystemExit(main())
