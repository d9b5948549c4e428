"""Cross-document consistency in batch mode: the right form in one file supports a near-miss in another."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RIGHT = "区长钟晓咏表示，街道将继续推进社区服务。\n"
NEAR_MISS = "会上，区长钟晓泳作了讲话。\n"


def clean(source: Path, out: Path, jsonl: Path) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "restore.cli", "clean", str(source), "-o", str(out), "--jsonl", str(jsonl)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]


def batch_support(record: dict) -> list[dict]:
    return [
        change
        for change in record["edits"] + record["suggestions"]
        if any(e["type"] == "consistency" and e["scope"] == "batch" for e in change["evidence"])
    ]


def test_right_form_elsewhere_in_the_batch_supports_a_near_miss(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(RIGHT, encoding="utf-8")
    (source / "b.txt").write_text(NEAR_MISS, encoding="utf-8")
    records = {r["path"]: r for r in clean(source, tmp_path / "out", tmp_path / "edits.jsonl")}
    supported = batch_support(records["b.txt"])
    assert [(c["before"], c["after"]) for c in supported] == [("泳", "咏")]
    assert batch_support(records["a.txt"]) == []


def test_alone_the_near_miss_gets_no_batch_support(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "b.txt").write_text(NEAR_MISS, encoding="utf-8")
    records = clean(source, tmp_path / "out", tmp_path / "edits.jsonl")
    assert batch_support(records[0]) == []
