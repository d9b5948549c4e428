"""Never hang (issue 14, points 2 and 10): workers die with their parent; a dead worker names its file.

Faults are injected from outside the library: the parent is killed with SIGKILL, and a
``sitecustomize`` module on PYTHONPATH makes a worker kill itself on one file (as the OOM
killer or a crash in a C extension would).
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from reliability import OTHER, PAGE, kill_midway, make_many, run_cli, visible_files

import restore

def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its reaper counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads worker pids from /proc")
def test_killing_the_parent_of_clean_jobs_2_leaves_no_orphans_and_a_rerun_succeeds_at_once(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    make_many(source, 60)
    workers = kill_midway("clean", source, "-o", out, "--jobs", "2", out=out, after=3)
    assert len(workers) >= 2
    done = visible_files(out)
    assert len(done) < 60, "the kill did not land mid-batch"

    rerun = run_cli("clean", source, "-o", out, "--jobs", "2")  # at once: no orphan holds the lock
    assert rerun.returncode == 0, rerun.stderr
    assert "another restore clean" not in rerun.stderr
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "workers outlived their parent"
        time.sleep(0.05)
    corrector = restore.Corrector()
    assert visible_files(out) == sorted(p.relative_to(source).as_posix() for p in source.rglob("*.txt"))
    for name in visible_files(out)[::7]:
        assert (out / name).read_text(encoding="utf-8") == corrector.fix((source / name).read_text(encoding="utf-8")).text
    assert not list(out.rglob("*.tmp"))


POISON = textwrap.dedent(
    """
    # Fault injection for tests/test_reliability_workers.py: restoring a text holding the pill
    # kills the process, as the OOM killer or a crash in a C extension would.
    import os
    import signal

    import restore.pipeline as _pipeline

    _real_fix = _pipeline.Corrector.fix


    def fix(self, text, **options):
        if "POISON-PILL" in text:
            os.kill(os.getpid(), signal.SIGKILL)
        return _real_fix(self, text, **options)


    _pipeline.Corrector.fix = fix
    """
)


def test_a_file_that_kills_its_worker_is_named_and_the_batch_goes_on(tmp_path: Path) -> None:
    source, out, hooks = tmp_path / "in", tmp_path / "out", tmp_path / "hooks"
    (source / "sub").mkdir(parents=True)
    (source / "a.txt").write_text(PAGE, encoding="utf-8")
    (source / "sub" / "poison.txt").write_text("POISON-PILL " + OTHER, encoding="utf-8")
    (source / "z.txt").write_text(OTHER, encoding="utf-8")
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(POISON, encoding="utf-8")
    env = {"PYTHONPATH": str(hooks)}

    first = run_cli("clean", source, "-o", out, "--jobs", "2", env=env)
    assert first.returncode == 1
    assert "Traceback" not in first.stderr
    assert "sub/poison.txt: the worker process died (killed by SIGKILL) while restoring it" in first.stderr
    assert "1 of 3 file(s) failed: sub/poison.txt" in first.stderr
    assert visible_files(out) == ["a.txt", "z.txt"]  # the batch went on

    second = run_cli("clean", source, "-o", out, "--jobs", "2", env=env)  # retried once more: dies again
    assert second.returncode == 1 and "died (killed by SIGKILL)" in second.stderr

    third = run_cli("clean", source, "-o", out, "--jobs", "2", env=env)  # now skipped, with its error
    assert third.returncode == 1
    assert "poison.txt" in third.stderr and "skipped: it failed 2 times; --retry-failed" in third.stderr

    healed = run_cli("clean", source, "-o", out, "--jobs", "2")  # the cause is gone, but the record stays
    assert healed.returncode == 1 and "skipped" in healed.stderr
    retried = run_cli("clean", source, "-o", out, "--jobs", "2", "--retry-failed")
    assert retried.returncode == 0, retried.stderr
    assert visible_files(out) == ["a.txt", "sub/poison.txt", "z.txt"]
    assert not list((out / ".restore-state").rglob("*.failed.json"))  # a success clears the record
