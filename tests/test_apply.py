"""``restore apply``: exactly the accepted edits, after checking every original; nothing half-written."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from restore.batch.records import make_record, write_records
from restore.decisions import SCHEMA, DocumentDecisions, default_decisions, find_conflicts, parse_decisions
from restore.edits import Edit, apply_edits
from restore.errors import SchemaError
from restore.result import Result

# Written for these tests: a traditional page with a misread name (twice) and leftovers.
PAGE = "區長鐘曉暉出席會議,鐘曉暉表示將加強基层服務。\n"
OTHER = "今天,天氣晴朗。\n"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "restore.cli", *map(str, args)], capture_output=True, text=True, timeout=60
    )


def page_result() -> Result:
    edits = (
        Edit(9, 10, ",", "，", kind="punct", confidence=0.95, source="punct:halfwidth"),
        Edit(19, 20, "层", "層", kind="script", confidence=0.97, source="script:s2tw"),
    )
    suggestions = (
        Edit(2, 5, "鐘曉暉", "鍾曉詠", kind="entity", confidence=0.6, source="lexicon:xuhui-officials"),
        Edit(4, 5, "暉", "輝", kind="char", confidence=0.3, source="lm:char5"),
        Edit(10, 13, "鐘曉暉", "鍾曉詠", kind="entity", confidence=0.6, source="lexicon:xuhui-officials"),
    )
    return Result(PAGE, apply_edits(PAGE, edits), edits, suggestions)


def other_result() -> Result:
    edits = (Edit(2, 3, ",", "，", kind="punct", confidence=0.95, source="punct:halfwidth"),)
    return Result(OTHER, apply_edits(OTHER, edits), edits, ())


@pytest.fixture()
def originals(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "page.txt").write_text(PAGE, encoding="utf-8")
    (root / "other.txt").write_text(OTHER, encoding="utf-8")
    write_records(tmp_path / "edits.jsonl", records(root))  # what `clean --jsonl` would have written
    return root


def edits_jsonl(originals: Path) -> Path:
    """The JSONL the originals' records were written to (confirms the recorded root for ``apply``)."""
    return originals.parent / "edits.jsonl"


def apply_cli(decisions: Path, out: Path, originals: Path) -> subprocess.CompletedProcess[str]:
    """``restore apply DECISIONS -o OUT --jsonl EDITS`` as the review loop runs it."""
    return run_cli("apply", decisions, "-o", out, "--jsonl", edits_jsonl(originals))


def records(root: Path) -> list[dict]:
    def sha(name: str) -> str:
        return hashlib.sha256((root / name).read_bytes()).hexdigest()

    return [
        make_record(other_result(), path="other.txt", root=str(root), sha256=sha("other.txt")),
        make_record(page_result(), path="sub/page.txt", root=str(root), sha256=sha("sub/page.txt")),
    ]


def write_decisions(path: Path, decisions: dict) -> Path:
    path.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    return path


def decide(decisions: dict, path: str, accept: dict[tuple[int, int, str], bool]) -> dict:
    for document in decisions["documents"]:
        if document["path"] == path:
            for item in document["edits"]:
                key = (item["start"], item["end"], item["after"])
                if key in accept:
                    item["accepted"] = accept[key]
    return decisions


def test_default_decisions_reproduce_the_restored_text(originals: Path, tmp_path: Path) -> None:
    decisions = default_decisions(records(originals))
    assert decisions["schema"] == SCHEMA
    out = tmp_path / "out"
    proc = apply_cli(write_decisions(tmp_path / "d.json", decisions), out, originals)
    assert proc.returncode == 0, proc.stderr
    assert (out / "sub/page.txt").read_text(encoding="utf-8") == page_result().text
    assert (out / "other.txt").read_text(encoding="utf-8") == "今天，天氣晴朗。\n"


def test_applies_exactly_the_accepted_edits(originals: Path, tmp_path: Path) -> None:
    decisions = decide(
        default_decisions(records(originals)),
        "sub/page.txt",
        {(9, 10, "，"): False, (2, 5, "鍾曉詠"): True, (10, 13, "鍾曉詠"): True},
    )
    out = tmp_path / "out"
    proc = apply_cli(write_decisions(tmp_path / "d.json", decisions), out, originals)
    assert proc.returncode == 0, proc.stderr
    assert (out / "sub/page.txt").read_text(encoding="utf-8") == "區長鍾曉詠出席會議,鍾曉詠表示將加強基層服務。\n"


def test_changed_original_is_an_error_and_nothing_is_written(originals: Path, tmp_path: Path) -> None:
    decisions = default_decisions(records(originals))
    (originals / "sub/page.txt").write_text(PAGE.replace("會議", "会议"), encoding="utf-8")
    out = tmp_path / "out"
    proc = apply_cli(write_decisions(tmp_path / "d.json", decisions), out, originals)
    assert proc.returncode == 1
    assert "page.txt" in proc.stderr and "sha256" in proc.stderr
    assert "other.txt" not in proc.stderr
    assert not out.exists() or not any(out.rglob("*"))  # the good document was not written either


def test_conflicting_accepted_edits_are_named(originals: Path, tmp_path: Path) -> None:
    decisions = decide(
        default_decisions(records(originals)), "sub/page.txt", {(2, 5, "鍾曉詠"): True, (4, 5, "輝"): True}
    )
    out = tmp_path / "out"
    proc = apply_cli(write_decisions(tmp_path / "d.json", decisions), out, originals)
    assert proc.returncode == 1
    assert "page.txt" in proc.stderr and "conflict" in proc.stderr
    assert "'鐘曉暉' → '鍾曉詠'" in proc.stderr and "'暉' → '輝'" in proc.stderr
    assert not out.exists() or not any(out.rglob("*"))


def test_root_override_finds_moved_originals(originals: Path, tmp_path: Path) -> None:
    decisions = default_decisions(records(originals))
    moved = originals.rename(tmp_path / "moved")
    out = tmp_path / "out"
    missing = apply_cli(write_decisions(tmp_path / "d.json", decisions), out, originals)
    assert missing.returncode == 1 and "page.txt" in missing.stderr
    proc = run_cli("apply", tmp_path / "d.json", "-o", out, "--root", moved)
    assert proc.returncode == 0, proc.stderr
    assert (out / "other.txt").read_text(encoding="utf-8") == "今天，天氣晴朗。\n"


def test_refuses_to_overwrite_the_originals(originals: Path, tmp_path: Path) -> None:
    decisions = default_decisions(records(originals))
    proc = apply_cli(write_decisions(tmp_path / "d.json", decisions), originals, originals)
    assert proc.returncode == 1 and "overwrite" in proc.stderr
    assert (originals / "sub/page.txt").read_text(encoding="utf-8") == PAGE


def test_edit_that_does_not_match_the_original_is_an_error(originals: Path, tmp_path: Path) -> None:
    decisions = default_decisions(records(originals))
    decisions["documents"][0]["edits"][0]["before"] = "。"
    proc = apply_cli(write_decisions(tmp_path / "d.json", decisions), tmp_path / "out", originals)
    assert proc.returncode == 1 and "other.txt" in proc.stderr


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema="restore.decisions/0"), "expected schema"),
        (lambda d: d["documents"][0].update(path="../escape.txt"), "must be relative"),
        (lambda d: d["documents"][0].update(path="/etc/passwd"), "must be relative"),
        (lambda d: d["documents"][0]["edits"][0].update(accepted="yes"), "'accepted' must be"),
        (lambda d: d["documents"][0]["edits"][0].pop("kind"), "kind"),
        (lambda d: d["documents"].append(dict(d["documents"][0])), "appears twice"),
    ],
)
def test_malformed_decisions_are_schema_errors(originals: Path, mutate, message: str) -> None:
    decisions = default_decisions(records(originals))
    mutate(decisions)
    with pytest.raises(SchemaError, match=message):
        parse_decisions(decisions)


def test_not_json_is_an_error_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "decisions.json"
    bad.write_text("{not json", encoding="utf-8")
    proc = run_cli("apply", bad, "-o", tmp_path / "out")
    assert proc.returncode == 1 and "decisions.json" in proc.stderr


def test_find_conflicts_sees_same_point_insertions_and_overlaps(originals: Path) -> None:
    [_, page] = parse_decisions(default_decisions(records(originals)))
    assert find_conflicts(page) == []  # the applied edits never conflict
    accepted = [d.__class__(d.edit, d.origin, True) for d in page.decisions]
    clashes = find_conflicts(DocumentDecisions(page.path, page.root, page.sha256, tuple(accepted)))
    assert len(clashes) == 1 and "'暉' → '輝'" in clashes[0][1]


@pytest.mark.parametrize(
    ("where", "key"),
    [("top", "documnets"), ("document", "suggestions"), ("document", "sha"), ("item", "acepted"), ("item", "orgin")],
)
def test_an_unknown_key_anywhere_is_an_error_naming_it(where: str, key: str) -> None:
    item = {"start": 0, "end": 1, "before": "末", "after": "未", "kind": "char", "source": "char:lm",
            "confidence": 0.9, "origin": "suggestion", "accepted": True,
            "evidence": [], "element": "s_1", "in_file": True}   # a JSONL edit's own fields are allowed
    document = {"path": "a.xml", "root": "/in", "sha256": "0" * 64, "edits": [item]}
    payload = {"schema": SCHEMA, "documents": [document]}
    assert parse_decisions(payload)[0].accepted[0].after == "未"
    {"top": payload, "document": document, "item": item}[where][key] = []
    with pytest.raises(SchemaError, match=f"unknown key '{key}'"):
        parse_decisions(payload)
