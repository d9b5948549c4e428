"""Helpers shared by the reliability tests (issue 14): running the CLI as a user does, and reading trees."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
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
