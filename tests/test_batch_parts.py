"""The parts of the batch: discovery, tree checks, the lock, the progress bar on a terminal."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from restore.batch import paths, state
from restore.batch.progress import Progress
from restore.config import Config
from restore.errors import InputError


def test_discover_finds_txt_files_recursively_and_skips_hidden(tmp_path: Path) -> None:
    for name in ("b.txt", "a/c.TXT", "a/b/d.txt", ".hidden/e.txt", "a/.f.txt", "g.md", "a/b/h.txt.bak"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.as_posix() for p in paths.discover(tmp_path)] == ["a/b/d.txt", "a/c.TXT", "b.txt"]


def test_check_roots_refuses_overlaps_through_symlinks(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    alias = tmp_path / "alias"
    alias.symlink_to(source)
    with pytest.raises(InputError, match="is the input directory"):
        paths.check_roots(source, alias)
    with pytest.raises(InputError, match="inside the input"):
        paths.check_roots(source, alias / "out")
    with pytest.raises(InputError, match="not a directory"):
        (tmp_path / "file.txt").write_text("", encoding="utf-8")
        paths.check_roots(tmp_path / "file.txt", tmp_path / "out")
    assert paths.check_roots(source, tmp_path / "out") == (source.resolve(), (tmp_path / "out").resolve())


def test_config_hash_changes_with_the_configuration() -> None:
    assert state.config_hash(Config()) == state.config_hash(Config())
    assert state.config_hash(Config()) != state.config_hash(Config(min_confidence=0.5))


def test_stale_temporaries_are_removed_and_outputs_kept(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / ".page.txt.k2j4_x9q.tmp").write_text("half", encoding="utf-8")
    (tmp_path / "a" / "page.txt").write_text("whole", encoding="utf-8")
    assert state.remove_stale_temporaries(tmp_path) == 1
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["page.txt"]


def test_a_second_run_into_the_same_output_is_refused(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "a.txt").write_text("好,的\n", encoding="utf-8")
    with state.locked(out):
        proc = subprocess.run(
            [sys.executable, "-m", "restore.cli", "clean", str(source), "-o", str(out)],
            capture_output=True, text=True, timeout=60,
        )
    assert proc.returncode == 1 and "another restore clean" in proc.stderr
    assert not (out / "a.txt").exists()


def test_progress_is_silent_unless_on_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(3, stream)
    for _ in range(3):
        progress.update(100)
    progress.close()
    assert stream.getvalue() == ""

    forced = io.StringIO()
    progress = Progress(2, forced, enabled=True)
    progress.update(10)
    progress.update(10)
    progress.close()
    assert "2/2 files" in forced.getvalue() and "chars/s" in forced.getvalue()


def test_clean_draws_progress_on_a_terminal(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for index in range(3):
        (source / f"{index}.txt").write_text("本報訊 12 月 17 日,天氣晴。\n", encoding="utf-8")
    (source / "scan.txt").write_bytes(b"\x00\x01")
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "restore.cli", "clean", str(source), "-o", str(tmp_path / "out")],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=follower, timeout=60,
        )
        os.close(follower)
        follower = -1
        drawn = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert b"4/4 files" in drawn and b"chars/s" in drawn
    # The error takes its own line: the bar is blanked first (tqdm's clear), not overwritten mid-line.
    assert re.search(rb"\r +\rrestore: error: ", drawn), drawn
    assert b"scan.txt: binary file" in drawn


def test_special_files_are_reported_not_read(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "good.txt").write_text("好,的\n", encoding="utf-8")
    os.mkfifo(source / "pipe.txt")
    (source / "dangling.txt").symlink_to(source / "missing")
    proc = subprocess.run(
        [sys.executable, "-m", "restore.cli", "clean", str(source), "-o", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "pipe.txt: not a regular file" in proc.stderr
    assert "dangling.txt: not a regular file" in proc.stderr
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == "好，的\n"
