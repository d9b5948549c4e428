"""End-to-end tests of ``restore clean`` through a subprocess, on a temporary tree."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability import kill_midway, make_many

import restore

# Sentences written for these tests, in the shape of a district paper's OCR output.
TRADITIONAL = (
    "徐 匯 報\n\n"
    "本報訊 12 月 17 日,徐匯區舉行社區服務座談會,居民代表就基层治理提出建議。\n"
    "會上,街道負責人介紹了今年的养老服务進展!\n"
)
SIMPLIFIED = "本报讯 3 月 5 日,区图书馆开放新的阅览室,市民可以免费借阅报刊。\n"
SHORT = "天氣晴朗,適合出門散步。\n"


def run_cli(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``python -m restore.cli`` with the current interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "restore.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def digest_tree(root: Path) -> dict[str, str]:
    """sha256 of every file under root (hidden state included), by relative path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def outputs(root: Path) -> dict[str, int]:
    """Output files (not the hidden state) with their modification times."""
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """An input tree with good files, a non-UTF-8 file, an empty file, a binary file and a non-.txt file."""
    root = tmp_path / "in"
    (root / "2024" / "12").mkdir(parents=True)
    (root / "simplified").mkdir()
    (root / "2024" / "12" / "page1.txt").write_text(TRADITIONAL, encoding="utf-8")
    (root / "2024" / "12" / "page2.txt").write_text(SHORT, encoding="utf-8")
    (root / "simplified" / "page.txt").write_text(SIMPLIFIED, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "latin1.txt").write_bytes("café au lait, 12 décembre".encode("latin-1"))
    (root / "2024" / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "notes.md").write_text("not a page", encoding="utf-8")
    return root


GOOD = ("2024/12/page1.txt", "2024/12/page2.txt", "empty.txt", "simplified/page.txt")
BAD = ("latin1.txt", "2024/scan.txt")


def test_clean_restores_good_files_and_reports_bad_ones(tree: Path, tmp_path: Path) -> None:
    out, jsonl = tmp_path / "out", tmp_path / "edits.jsonl"
    before = digest_tree(tree)
    proc = run_cli("clean", tree, "-o", out, "--jobs", "2", "--jsonl", jsonl)

    assert proc.returncode == 1
    assert "latin1.txt" in proc.stderr and "not valid UTF-8" in proc.stderr
    assert "scan.txt" in proc.stderr and "binary" in proc.stderr
    for name in GOOD:
        assert name not in proc.stderr
    assert proc.stdout == ""  # stdout is not a terminal: no progress bar, nothing else either
    assert digest_tree(tree) == before  # inputs untouched

    assert sorted(outputs(out)) == sorted(GOOD)
    corrector = restore.Corrector()
    for name in GOOD:
        expected = corrector.fix((tree / name).read_text(encoding="utf-8")).text
        assert (out / name).read_text(encoding="utf-8") == expected
    assert (out / "empty.txt").read_bytes() == b""
    page = (out / "2024/12/page1.txt").read_text(encoding="utf-8")
    assert page.startswith("徐匯報\n") and "12月17日，徐匯區" in page and "基層" in page

    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["path"] for r in records] == sorted(GOOD)
    for record in records:
        assert record["schema"] == "restore.edits/1"
        assert record["sha256"] == hashlib.sha256((tree / record["path"]).read_bytes()).hexdigest()
        assert record["root"] == str(tree.resolve())
        result = restore.Result.from_json(record)
        assert result.text == (out / record["path"]).read_text(encoding="utf-8")
    assert any(r["edits"] for r in records)


@pytest.mark.parametrize("cache", [False, True], ids=["no-batch-cache", "batch-cache"])
def test_second_run_does_no_work_and_changed_input_is_redone(tree: Path, tmp_path: Path, cache: bool) -> None:
    out, jsonl = tmp_path / "out", tmp_path / "edits.jsonl"
    config = tmp_path / "restore.toml"
    config.write_text("[char]\nbatch_cache = %s\n" % ("true" if cache else "false"), encoding="utf-8")
    first = run_cli("clean", tree, "-o", out, "--jsonl", jsonl, "--config", config)
    assert first.returncode == 1
    stamps, records = outputs(out), jsonl.read_text(encoding="utf-8")
    time.sleep(0.05)  # let a rewrite show in the modification time

    second = run_cli("clean", tree, "-o", out, "--jsonl", jsonl, "--config", config)
    assert second.returncode == 1 and "latin1.txt" in second.stderr  # still bad, still reported
    assert outputs(out) == stamps  # nothing rewritten
    assert jsonl.read_text(encoding="utf-8") == records  # the records come from the saved state

    (tree / "2024/12/page2.txt").write_text("今天,天氣轉涼。\n", encoding="utf-8")
    third = run_cli("clean", tree, "-o", out, "--config", config)
    assert third.returncode == 1
    now = outputs(out)
    assert now["2024/12/page2.txt"] != stamps["2024/12/page2.txt"]
    assert (out / "2024/12/page2.txt").read_text(encoding="utf-8") == "今天，天氣轉涼。\n"
    others_now = {k: v for k, v in now.items() if k != "2024/12/page2.txt"}
    others_before = {k: v for k, v in stamps.items() if k != "2024/12/page2.txt"}
    if cache:
        # The batch's n-gram counts are part of every output's resume hash: they changed, so
        # every document is redone (its cache evidence may have changed).
        assert all(others_now[k] != others_before[k] for k in others_before)
    else:
        assert others_now == others_before


def test_changed_configuration_redoes_the_outputs(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_cli("clean", tree, "-o", out)
    stamps = outputs(out)
    time.sleep(0.05)
    run_cli("clean", tree, "-o", out, "--min-confidence", "0.99")
    assert all(outputs(out)[name] != stamps[name] for name in GOOD)


def test_a_tree_of_good_files_exits_zero(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(SHORT, encoding="utf-8")
    proc = run_cli("clean", source, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "天氣晴朗，適合出門散步。\n"


@pytest.mark.parametrize("before", [True, False])
def test_verbose_before_or_after_the_subcommand_prints_the_summary(tmp_path: Path, before: bool) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(SHORT, encoding="utf-8")
    command = ("clean", source, "-o", tmp_path / "out")
    proc = run_cli("-v", *command) if before else run_cli(*command, "-v")
    assert proc.returncode == 0, proc.stderr
    # The summary only: the bundled lexicon's derived script forms are not news to the user.
    assert proc.stderr == "restore: 1 file(s): 1 restored, 0 up to date, 0 edited by hand and kept, 0 failed\n"


@pytest.mark.parametrize("where", ["same", "inside", "around"])
def test_refuses_overlapping_trees(tree: Path, tmp_path: Path, where: str) -> None:
    before = digest_tree(tree)
    if where == "same":
        source, out = tree, tree
    elif where == "inside":
        source, out = tree, tree / "cleaned"
    else:
        source, out = tree / "2024", tree
    proc = run_cli("clean", source, "-o", out)
    assert proc.returncode == 1
    assert "output directory" in proc.stderr
    assert digest_tree(tree) == before  # nothing written anywhere in the input


def test_missing_input_directory_is_an_error(tmp_path: Path) -> None:
    proc = run_cli("clean", tmp_path / "nowhere", "-o", tmp_path / "out")
    assert proc.returncode == 1 and "nowhere" in proc.stderr and "no such directory" in proc.stderr


@pytest.mark.slow
def test_killed_run_leaves_no_partial_output_and_resumes(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    make_many(source, 120)
    total = 120
    kill_midway("clean", source, "-o", out, "--jobs", "1", out=out, after=5)
    done = outputs(out)
    assert 5 <= len(done) < total, "the kill did not land mid-batch"
    corrector = restore.Corrector()
    expected = {
        p.relative_to(source).as_posix(): corrector.fix(p.read_text(encoding="utf-8")).text
        for p in sorted(source.rglob("*.txt"))
    }
    for name in done:  # whatever exists is complete
        assert (out / name).read_text(encoding="utf-8") == expected[name]

    rerun = run_cli("clean", source, "-o", out, "--jobs", "2")
    assert rerun.returncode == 0, rerun.stderr
    final = outputs(out)
    assert sorted(final) == sorted(expected)
    for name, text in expected.items():
        assert (out / name).read_text(encoding="utf-8") == text
    # Files finished before the kill were not redone (at most the one caught without its sidecar).
    assert sum(final[name] != stamp for name, stamp in done.items()) <= 1
    assert not [p for p in out.rglob("*.tmp")]  # no temporary debris


def test_outputs_get_the_usual_file_mode(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(SHORT, encoding="utf-8")
    assert run_cli("clean", source, "-o", tmp_path / "out").returncode == 0
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "out" / "a.txt").stat().st_mode & 0o777 == 0o666 & ~umask
