r"""JSONL document records: one ``restore.edits/1`` result per line, plus where it came from.

A record is :meth:`restore.Result.to_json` with more fields: ``path``
(relative to the batch input, POSIX separators), ``root`` (the absolute input
directory, so ``restore apply`` finds the originals), ``sha256`` (of the
input file's bytes) and ``encoding`` (how those bytes were decoded; ``utf-8``
when absent). ``Result.from_json`` reads a record unchanged.

Every line end a reader might split on (``str.splitlines`` splits on U+2028,
U+2029, U+0085 and more, not only on ``\n``) is escaped inside a record, so a
record is always exactly one line for any reader:

>>> encode_line({"text": "a\u2028b\x85c"})
'{"text": "a\\u2028b\\u0085c"}'
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from restore.errors import SchemaError
from restore.result import SCHEMA, Result
from restore.textio import atomic_write_text, read_text

RECORD_SCHEMA = SCHEMA
_REQUIRED = ("path", "sha256", "original", "text", "edits")


def make_record(result: Result, *, path: str, root: str, sha256: str) -> dict[str, Any]:
    """The JSONL record of one document."""
    record = result.to_json()
    record.update({"path": path, "root": root, "sha256": sha256})
    return record


# Characters str.splitlines() ends a line at that json.dumps(ensure_ascii=False) leaves raw
# (it escapes the C0 controls \n \r \x0b \x0c \x1c-\x1e itself).
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_LINE_BREAK_TABLE = str.maketrans(_LINE_BREAKS)


def encode_line(record: dict[str, Any]) -> str:
    """One record as one line of JSON (no newline at the end): UTF-8 text, line separators escaped."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True).translate(_LINE_BREAK_TABLE)


def write_records(path: str | os.PathLike[str], records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSONL atomically; returns how many were written."""
    lines = [encode_line(record) for record in records]
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)


def read_records(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read a JSONL file of document records, checking each line's schema; errors name file and line."""
    path = Path(path)
    # Split on "\n" only: a file written raw by an older version may hold U+2028 inside a record.
    lines = read_text(path).split("\n")
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SchemaError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        except RecursionError as exc:
            raise SchemaError(f"{path}:{number}: JSON nested too deeply") from exc
        if not isinstance(record, dict):
            raise SchemaError(f"{path}:{number}: a record must be a JSON object")
        if record.get("schema") != RECORD_SCHEMA:
            raise SchemaError(f"{path}:{number}: expected schema {RECORD_SCHEMA!r}, got {record.get('schema')!r}")
        missing = [name for name in _REQUIRED if name not in record]
        if missing:
            raise SchemaError(f"{path}:{number}: record is missing {', '.join(missing)}")
        try:
            Result.from_json(record)
        except SchemaError as exc:
            raise SchemaError(f"{path}:{number}: {exc}") from exc
        records.append(record)
    return records
