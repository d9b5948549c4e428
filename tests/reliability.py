"""Helpers shared by the reliability tests (issue 14): running the CLI as a user does, and reading trees."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Sentences written for these tests.
PAGE = "本報訊 12 月 17 日,徐匯區舉行社區服務座談會,居民代表就基层治理提出建議。\n"
OTHER = "天氣晴朗,適合出門散步。\n"


def run_cli(
    *args: str | Path,
    env: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
    timeout: float = 180,
) -> subprocess.CompletedProcess[str]:
    """``python -m restore.cli ARGS`` with text output (bad bytes in names shown as escapes)."""
    return subprocess.run(
        [sys.executable, "-m", "restore.cli", *map(os.fsdecode, args)],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        preexec_fn=preexec,
    )


def digest_tree(root: Path) -> dict[str, str]:
    """sha256 of every file under root (hidden state included, links not followed), by relative path."""
    found = {}
    for directory, _subdirs, files in os.walk(root):
        for name in files:
            path = Path(directory) / name
            if not path.is_symlink():
                found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def visible_files(root: Path) -> list[str]:
    """Files under root outside hidden folders, as sorted relative paths."""
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def one_error_line(stderr: str, *needles: str) -> str:
    """Assert stderr is exactly one ``restore: error:`` line holding every needle; return it."""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("restore: error: "), stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in lines[0], (needle, stderr)
    return lines[0]


def make_many(root: Path, count: int) -> None:
    """Pages long enough that a batch of them takes a few seconds on one worker."""
    for index in range(count):
        body = "".join(
            f"第{index}期 {line % 12 + 1} 月 {line % 28 + 1} 日,區文化中心舉辦讀書會,參加者交流了閱讀心得!\n"
            for line in range(40)
        )
        path = root / f"d{index % 7}" / f"page{index:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("社 區 新 聞\n" + body, encoding="utf-8")


def children_of(pid: int) -> set[int]:
    """The live child processes of ``pid`` (Linux /proc; empty elsewhere)."""
    found: set[int] = set()
    tasks = Path(f"/proc/{pid}/task")
    for task in tasks.iterdir() if tasks.is_dir() else ():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


def kill_midway(*args: str | Path, out: Path, after: int, timeout: float = 120) -> set[int]:
    """Start ``restore ARGS``, SIGKILL it once ``out`` holds ``after`` outputs; its children's pids then."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "restore.cli", *map(os.fsdecode, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + timeout
        while len(visible_files(out) if out.exists() else []) < after:
            assert proc.poll() is None, "the batch finished before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        children = children_of(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    return children
