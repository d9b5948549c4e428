"""Never lose a user's file (issue 14, points 1, 3 and 7), through the CLI as a user meets it.

The README promises that ``clean`` "never writes into its input", that bad input writes
nothing, and that ``apply`` writes nothing when anything fails; each promise is tested here.
"""

from __future__ import annotations

import hashlib
import json
import resource
import time
from pathlib import Path

import pytest
from reliability import OTHER, PAGE, digest_tree, one_error_line, run_cli, visible_files

import restore
from restore.batch.records import make_record, write_records
from restore.decisions import default_decisions


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "a").mkdir(parents=True)
    (root / "a" / "page.txt").write_text(PAGE, encoding="utf-8")
    (root / "other.txt").write_text(OTHER, encoding="utf-8")
    return root


# --- 1. never writes into its input --------------------------------------------------------


def test_clean_never_writes_through_a_symlinked_folder_in_out(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").symlink_to(tree / "a")  # OUT/a is IN/a
    before = digest_tree(tree)
    proc = run_cli("clean", tree, "-o", out)
    assert proc.returncode == 1
    assert "out/a: is a symbolic link" in proc.stderr and "a/page.txt" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert digest_tree(tree) == before  # the original under IN/a is untouched
    assert (out / "other.txt").read_text(encoding="utf-8") == "天氣晴朗，適合出門散步。\n"  # the rest is done


def test_clean_never_follows_a_planted_state_folder_or_output_link(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "other.txt").symlink_to(tree / "other.txt")
    before = digest_tree(tree)
    proc = run_cli("clean", tree, "-o", out)
    assert proc.returncode == 1 and "other.txt: is a symbolic link" in proc.stderr
    assert digest_tree(tree) == before


@pytest.mark.parametrize("option", ["--jsonl", "--report"])
def test_clean_refuses_a_jsonl_or_report_inside_its_input(tree: Path, tmp_path: Path, option: str) -> None:
    before = digest_tree(tree)
    proc = run_cli("clean", tree, "-o", tmp_path / "out", option, tree / "a" / "page.txt")
    one_error_line(proc.stderr, "page.txt", "refusing")
    assert proc.returncode == 1 and digest_tree(tree) == before
    assert not (tmp_path / "out").exists() or visible_files(tmp_path / "out") == []


def test_fix_never_writes_over_its_input_through_a_link(tmp_path: Path) -> None:
    page, link = tmp_path / "page.txt", tmp_path / "link.txt"
    page.write_text(PAGE, encoding="utf-8")
    link.symlink_to(page)
    for option in ("-o", "--jsonl"):
        proc = run_cli("fix", page, option, link)
        assert proc.returncode == 1
        one_error_line(proc.stderr, "link.txt", "refusing to overwrite")
        assert page.read_text(encoding="utf-8") == PAGE


def originals_with_jsonl(tmp_path: Path) -> tuple[Path, Path, dict]:
    """Originals, the JSONL `clean` wrote for them, and the decisions a reviewer exports."""
    root = tmp_path / "originals"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "page.txt").write_text(PAGE, encoding="utf-8")
    (root / "other.txt").write_text(OTHER, encoding="utf-8")
    corrector = restore.Corrector(restore.Config(stages=("layout", "punct")))
    records = []
    for name in ("other.txt", "sub/page.txt"):
        data = (root / name).read_bytes()
        result = corrector.fix(data.decode("utf-8"))
        records.append(make_record(result, path=name, root=str(root), sha256=hashlib.sha256(data).hexdigest()))
    jsonl = tmp_path / "edits.jsonl"
    write_records(jsonl, records)
    return root, jsonl, default_decisions(records)


def write_json(path: Path, payload: object) -> Path:
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def test_apply_never_writes_through_a_symlinked_folder_in_out(tmp_path: Path) -> None:
    root, jsonl, decisions = originals_with_jsonl(tmp_path)
    out = tmp_path / "reviewed"
    out.mkdir()
    (out / "sub").symlink_to(root / "sub")
    before = digest_tree(root)
    proc = run_cli("apply", write_json(tmp_path / "d.json", decisions), "-o", out, "--jsonl", jsonl)
    one_error_line(proc.stderr, "sub", "symbolic link")
    assert proc.returncode == 1 and digest_tree(root) == before
    assert visible_files(out) == []  # other.txt was not written either


def test_apply_does_not_trust_a_root_named_only_by_the_decisions(tmp_path: Path) -> None:
    root, jsonl, decisions = originals_with_jsonl(tmp_path)
    secret = tmp_path / "private"
    secret.mkdir()
    (secret / "keys.txt").write_text("not for the output\n", encoding="utf-8")
    forged = {
        "schema": "restore.decisions/1",
        "documents": [{"path": "keys.txt", "root": str(secret), "edits": [],
                       "sha256": hashlib.sha256((secret / "keys.txt").read_bytes()).hexdigest()}],
    }
    out = tmp_path / "reviewed"
    for extra in ((), ("--jsonl", jsonl)):  # with no JSONL, and with one that does not record it
        proc = run_cli("apply", write_json(tmp_path / "forged.json", forged), "-o", out, *extra)
        assert proc.returncode == 1, proc.stderr
        assert "keys.txt" in proc.stderr and "nothing was written" in proc.stderr
        assert not out.exists() or visible_files(out) == []
    # The reviewer's own decisions, confirmed by the JSONL, go through.
    proc = run_cli("apply", write_json(tmp_path / "d.json", decisions), "-o", out, "--jsonl", jsonl)
    assert proc.returncode == 0, proc.stderr
    assert visible_files(out) == ["other.txt", "sub/page.txt"]


# --- 3. hand corrections in OUT are kept ------------------------------------------------------


def test_hand_edited_outputs_are_kept_with_a_warning(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("clean", tree, "-o", out).returncode == 0
    edited = "天氣晴朗，適合出門散步（已人工校對）。\n"
    (out / "other.txt").write_text(edited, encoding="utf-8")
    (tree / "other.txt").write_text(OTHER.replace("散步", "跑步"), encoding="utf-8")  # even with a changed input
    proc = run_cli("clean", tree, "-o", out, "--jsonl", tmp_path / "e.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert "warning" in proc.stderr and "out/other.txt: edited since restore wrote it" in proc.stderr
    assert "kept 1 output(s) edited by hand: other.txt" in proc.stderr
    assert (out / "other.txt").read_text(encoding="utf-8") == edited
    paths = [json.loads(line)["path"] for line in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()]
    assert paths == ["a/page.txt"]  # its record no longer describes the file in OUT

    proc = run_cli("clean", tree, "-o", out, "--overwrite-edited")
    assert proc.returncode == 0 and "edited" not in proc.stderr
    assert (out / "other.txt").read_text(encoding="utf-8") == "天氣晴朗，適合出門跑步。\n"


def test_a_file_in_out_that_restore_did_not_write_is_kept(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "page.txt").write_text("someone's own file\n", encoding="utf-8")
    proc = run_cli("clean", tree, "-o", out)
    assert proc.returncode == 0 and "a/page.txt: edited since restore wrote it" in proc.stderr
    assert (out / "a" / "page.txt").read_text(encoding="utf-8") == "someone's own file\n"


def test_an_output_restore_wrote_but_did_not_record_is_not_taken_for_an_edit(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("clean", tree, "-o", out).returncode == 0
    for sidecar in (out / ".restore-state").rglob("*.json"):  # as if killed between output and sidecar
        sidecar.unlink()
    stamp = (out / "other.txt").stat().st_mtime_ns
    time.sleep(0.05)
    proc = run_cli("clean", tree, "-o", out)
    assert proc.returncode == 0 and proc.stderr == ""
    assert (out / "other.txt").stat().st_mtime_ns != stamp  # rewritten with the same text, now recorded


# --- 7. apply: one document per file, all outputs or none ------------------------------------


@pytest.mark.parametrize("spelling", ["./other.txt", "other.txt/", ".//other.txt"])
def test_apply_sees_two_spellings_of_one_path_as_one_document(tmp_path: Path, spelling: str) -> None:
    _root, jsonl, decisions = originals_with_jsonl(tmp_path)
    twin = json.loads(json.dumps(decisions["documents"][0]))
    twin["path"] = spelling
    for item in twin["edits"]:
        item["accepted"] = False
    decisions["documents"].append(twin)
    out = tmp_path / "reviewed"
    proc = run_cli("apply", write_json(tmp_path / "d.json", decisions), "-o", out, "--jsonl", jsonl)
    one_error_line(proc.stderr, "other.txt appears twice")
    assert not out.exists()


def test_apply_writes_nothing_when_a_write_fails_after_the_checks(tmp_path: Path) -> None:
    _root, jsonl, decisions = originals_with_jsonl(tmp_path)
    out = tmp_path / "reviewed"
    out.mkdir()
    (out / "sub").write_text("a file where a folder must go\n", encoding="utf-8")
    proc = run_cli("apply", write_json(tmp_path / "d.json", decisions), "-o", out, "--jsonl", jsonl)
    one_error_line(proc.stderr, "sub/page.txt", "cannot write")
    assert sorted(p.name for p in out.iterdir()) == ["sub"]  # other.txt, checked and fine, was not written


# --- the README's "nothing is written" for bad input and failing writes -----------------------


def limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    """A preexec function: writes past ``limit`` bytes fail (EFBIG), the way a full disk makes them fail."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_fix_on_a_full_disk_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE * 40, encoding="utf-8")
    out, jsonl = tmp_path / "out.txt", tmp_path / "e.jsonl"
    proc = run_cli("fix", page, "-o", out, "--jsonl", jsonl, preexec=limit_file_size(2_000))
    assert proc.returncode == 1
    one_error_line(proc.stderr, "cannot write")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.txt"]  # no output, no JSONL, no temporary


def test_clean_keeps_its_summary_when_the_jsonl_cannot_be_written(tree: Path, tmp_path: Path) -> None:
    # A limit the outputs and their sidecars fit under and the JSONL (all records) does not.
    scratch = tmp_path / "scratch"
    assert run_cli("clean", tree, "-o", scratch, "--jsonl", scratch / "all.jsonl").returncode == 0
    largest = max(p.stat().st_size for p in scratch.rglob("*") if p.is_file() and p.name != "all.jsonl")
    whole = (scratch / "all.jsonl").stat().st_size
    assert largest < whole
    out, jsonl = tmp_path / "out", tmp_path / "e.jsonl"
    proc = run_cli("clean", tree, "-o", out, "--jsonl", jsonl, preexec=limit_file_size((largest + whole) // 2))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "e.jsonl: cannot write" in proc.stderr and "failed: " in proc.stderr
    assert visible_files(out) == ["a/page.txt", "other.txt"]  # the documents themselves are done
    assert not jsonl.exists() and not list(tmp_path.glob(".e.jsonl*"))


def test_module_examples_hold() -> None:
    import doctest

    from restore import config, decisions, encodings, textio, writeguard
    from restore.batch import records

    for module in (writeguard, textio, encodings, records, config, decisions):
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0, module.__name__
