"""End-to-end tests of ``restore fix`` through a subprocess, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import restore

PAGE = "徐 匯 報\n\n本報訊 5 月 8 日上午,區長來到社區,調研养老服务工作。\n"


def run_restore(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "restore.cli", *args], input=stdin, capture_output=True, cwd=cwd, timeout=120
    )


def test_fix_file_to_stdout(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    done = run_restore("fix", str(page))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8") == restore.fix(PAGE).text
    assert "徐匯報" in done.stdout.decode("utf-8")
    assert page.read_text(encoding="utf-8") == PAGE  # the input is never touched


def test_fix_stdin_output_file_and_jsonl(tmp_path: Path) -> None:
    out, edits = tmp_path / "out.txt", tmp_path / "edits.jsonl"
    done = run_restore("fix", "-", "-o", str(out), "--jsonl", str(edits), stdin=PAGE.encode("utf-8"))
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b""
    record = json.loads(edits.read_text(encoding="utf-8"))
    assert record["schema"] == "restore.edits/1"
    result = restore.Result.from_json({k: v for k, v in record.items() if k not in ("path", "sha256")})
    assert result.text == out.read_text(encoding="utf-8")
    assert {e.kind for e in result.edits} >= {"layout", "punct", "script"}


def test_min_confidence_turns_edits_into_suggestions(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    done = run_restore("fix", str(page), "--min-confidence", "1.0", "--explain")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8") == PAGE
    assert "suggest" in done.stderr.decode("utf-8")


def test_explain_lists_each_edit_with_confidence_and_source(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    done = run_restore("fix", str(page), "--explain")
    report = done.stderr.decode("utf-8")
    assert "layout:letter-spaced" in report and "script:opencc-s2tw" in report
    assert "0.97" in report


def test_explain_quotes_the_configured_word_model_hinge(tmp_path: Path) -> None:
    # Two neighbouring look-alikes (a sentence we wrote): the word model's line names the hinge of
    # the config file, not the default's, and says whether the margin cleared it.
    page, config = tmp_path / "page.txt", tmp_path / "restore.toml"
    page.write_text("农民在士她上辛勤劳动，收成很好。\n", encoding="utf-8")
    config.write_text("[char]\nword_gain_hinge = 5.5\n", encoding="utf-8")
    done = run_restore("fix", str(page), "--explain", "--config", str(config))
    assert done.returncode == 0, done.stderr.decode()
    words = [line for line in done.stderr.decode("utf-8").splitlines() if "(word model)" in line]
    assert words and all("[char] word_gain_hinge, 5.50;" in line and "by default" not in line for line in words)
    assert any("counted: +" in line or "not counted" in line for line in words)


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"PK\x03\x04\x14\x00\x00\x00", "binary"),
        (b"\xff\xfe\x00b\xe5", "UTF-16"),
        ("徐匯".encode("big5") + b"\xff", "not valid UTF-8"),
    ],
)
def test_bad_input_exits_1_naming_the_file_and_writes_nothing(tmp_path: Path, content: bytes, reason: str) -> None:
    bad, out = tmp_path / "bad.txt", tmp_path / "out.txt"
    bad.write_bytes(content)
    done = run_restore("fix", str(bad), "-o", str(out), "--jsonl", str(tmp_path / "e.jsonl"))
    assert done.returncode == 1
    message = done.stderr.decode("utf-8")
    assert str(bad) in message and reason in message
    assert "Traceback" not in message
    assert not out.exists() and not (tmp_path / "e.jsonl").exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_missing_file_and_bad_config(tmp_path: Path) -> None:
    done = run_restore("fix", str(tmp_path / "nope.txt"))
    assert done.returncode == 1 and "nope.txt" in done.stderr.decode()
    config = tmp_path / "c.toml"
    config.write_text("min_confidense = 0.5\n", encoding="utf-8")
    page = tmp_path / "p.txt"
    page.write_text("好", encoding="utf-8")
    done = run_restore("fix", str(page), "--config", str(config))
    assert done.returncode == 1 and "min_confidense" in done.stderr.decode() and "c.toml" in done.stderr.decode()


def test_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    done = run_restore("fix", str(page), "-o", str(page))
    assert done.returncode == 1
    assert page.read_text(encoding="utf-8") == PAGE


def test_empty_file_gives_empty_output(tmp_path: Path) -> None:
    page = tmp_path / "empty.txt"
    page.write_bytes(b"")
    done = run_restore("fix", str(page))
    assert done.returncode == 0 and done.stdout == b""


def test_bad_user_lexicon_fails_before_any_work(tmp_path: Path) -> None:
    page, lexicon, out = tmp_path / "page.txt", tmp_path / "mine.tsv", tmp_path / "out.txt"
    page.write_text(PAGE, encoding="utf-8")
    lexicon.write_text("not a lexicon\n", encoding="utf-8")
    done = run_restore("fix", str(page), "--lexicon", str(lexicon), "-o", str(out))
    assert done.returncode == 1
    assert "mine.tsv" in done.stderr.decode("utf-8")
    assert not out.exists()


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "abc"])
def test_min_confidence_outside_0_1_is_a_usage_error_naming_the_option(value: str, tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    page.write_text("新馆己经开放。\n", encoding="utf-8")
    proc = run_restore("fix", "--min-confidence", value, str(page))
    assert proc.returncode == 2 and b"--min-confidence" in proc.stderr and proc.stdout == b""


def test_version_names_the_installed_release() -> None:
    from importlib import metadata

    done = run_restore("--version")
    assert done.returncode == 0
    # The package's own version is the distribution's (pyproject.toml): one number, said once.
    assert done.stdout.decode().split() == ["restore", metadata.version("restore")] == ["restore", restore.__version__]
