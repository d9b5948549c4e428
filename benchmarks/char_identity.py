"""Check that a change to the char stage's hot path leaves every edit as it was.

``dump`` restores a fixed sample with the checkout it runs from and writes every result (edits
and suggestions: span, text, confidence, evidence) as JSON lines; ``diff`` compares two dumps
and lists the inputs whose results differ. Run ``dump`` once from the base branch and once from
the changed one (same sample, same data), then ``diff``:

    python -m benchmarks.char_identity dump /tmp/base.jsonl      # in a checkout of main
    python -m benchmarks.char_identity dump /tmp/new.jsonl       # in the changed checkout
    python -m benchmarks.char_identity diff /tmp/base.jsonl /tmp/new.jsonl

The sample (``--lines`` lines per OCR set, every engine by stride): the OCR lines of ocr_dev,
ocr_test and ocr_modern_dev as plain text, the same lines joined into pages of about 3,000
characters, a part of them read with the engine's confidences and alternatives (the engine
prior), and a part under a configuration with the phonetic channel, look-ahead detection and doubled-character deletion on
(the paths the default leaves off). Nothing is scored against the truth: only sameness counts.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from benchmarks import OUT_DIR, ensure_restore_importable

SETS = ("ocr_dev", "ocr_test", "ocr_modern_dev")
ENGINE_SHARE = 5  # every 5th line is also read with its engine's confidences and alternatives
VARIANT_SHARE = 5  # and every 5th (offset) under the variant configuration


def _records(lines_per_set: int) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for name in SETS:
        path = OUT_DIR / f"{name}.jsonl"
        if not path.is_file():
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        rows = [row for row in rows if row.get("ocr")]
        step = max(1, len(rows) // lines_per_set)
        records += rows[::step][:lines_per_set]
    return records


def cases(lines_per_set: int) -> Iterator[tuple[str, str, str, dict[str, Any] | None]]:
    """``(case id, configuration name, text, record for the engine reading or None)``."""
    from benchmarks.speed import pages_of

    records = _records(lines_per_set)
    for number, record in enumerate(records):
        yield f"line:{record['id']}", "default", record["ocr"], None
        if number % ENGINE_SHARE == 0:
            yield f"engine:{record['id']}", "default", record["ocr"], record
        if number % VARIANT_SHARE == 2:
            yield f"variant:{record['id']}", "variant", record["ocr"], None
    for number, page in enumerate(pages_of([record["ocr"] for record in records])):
        yield f"page:{number}", "default", page, None


def _correctors() -> dict[str, Any]:
    from benchmarks import systems
    from restore.pipeline import Corrector

    default = systems.restore_config()
    variant = default.replace(char=dataclasses.replace(default.char, phonetic=True, detect_lookahead=True, delete_doubled=True))
    return {"default": Corrector(default), "variant": Corrector(variant)}


def dump(out: Path, lines_per_set: int) -> dict[str, Any]:
    """Restore the sample and write one JSON line per case; returns counts and seconds."""
    ensure_restore_importable()
    from benchmarks.ocrgen.formats import to_file
    from restore.formats import read_document

    correctors = _correctors()
    started = time.perf_counter()
    count = edits = 0
    with out.open("w", encoding="utf-8") as handle:
        for case, config, text, record in cases(lines_per_set):
            ocr = None
            if record is not None:
                data, suffix = to_file(record)
                ocr = read_document(data, record["id"] + suffix)
                if ocr is None or ocr.text != text:
                    continue
            result = correctors[config].fix(text, ocr=ocr)
            payload = result.to_json()
            handle.write(json.dumps({"case": case, "edits": payload["edits"], "suggestions": payload["suggestions"]}, ensure_ascii=False) + "\n")
            count += 1
            edits += len(payload["edits"]) + len(payload["suggestions"])
    return {"cases": count, "edits_and_suggestions": edits, "seconds": round(time.perf_counter() - started, 1)}


def diff(base: Path, new: Path) -> list[str]:
    """The case ids whose results differ (or that only one dump has)."""

    def read(path: Path) -> dict[str, str]:
        found = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            found[row.pop("case")] = json.dumps(row, ensure_ascii=False, sort_keys=True)
        return found

    left, right = read(base), read(new)
    return sorted(case for case in left.keys() | right.keys() if left.get(case) != right.get(case))


def main(argv: Sequence[str] | None = None) -> int:
    """``dump OUT [--lines N]`` or ``diff BASE NEW`` (exit status 1 when they differ)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.char_identity", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="restore the sample and write every result")
    d.add_argument("out", type=Path)
    d.add_argument("--lines", type=int, default=500, help="lines per OCR set (default 500)")
    c = sub.add_parser("diff", help="compare two dumps")
    c.add_argument("base", type=Path)
    c.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        sys.stdout.write(json.dumps(dump(args.out, args.lines)) + "\n")
        return 0
    differing = diff(args.base, args.new)
    for case in differing[:50]:
        sys.stdout.write(case + "\n")
    sys.stdout.write(f"{len(differing)} case(s) differ\n")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
