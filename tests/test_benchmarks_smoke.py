"""``python -m benchmarks --smoke`` end to end, in a subprocess as CI runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _shared() -> Path:
    return Path(os.environ.get("RESTORE_SHARED") or REPO.parent / "shared")


def _smoke(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], str]:
    report = tmp_path / "smoke.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--output", str(report), "--workdir", str(tmp_path / "work"), *extra],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc, report.read_text(encoding="utf-8")


@pytest.mark.slow
def test_smoke_run_on_the_shared_data(tmp_path: Path) -> None:
    if not (_shared() / "data" / "faspell_ocr").is_dir():
        pytest.skip(f"{_shared() / 'data'} is absent")
    _, text = _smoke(tmp_path)
    assert "## Correction quality" in text
    assert "| faspell_test | restore |" in text
    assert "| faspell_test | do-nothing |" in text
    assert "stages on:" in text
    assert "## Speed and memory" in text


@pytest.mark.slow
def test_smoke_run_skips_cleanly_without_data(tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    proc, text = _smoke(tmp_path, "--no-pycorrector", "--datasets", "faspell_test,sighan15_tra,seeds", env={"RESTORE_SHARED": str(empty)})
    assert "skipped **faspell_test**" in text
    assert "skipped **sighan15_tra**" in text
    assert "not run: **pycorrector**" in text
    assert "skip faspell_test" in proc.stderr
