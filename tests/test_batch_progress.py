"""``restore clean`` follows a long file inside, stage by stage, not only file by file."""

from __future__ import annotations

import io
from pathlib import Path

from restore.batch import worker
from restore.batch.progress import Progress
from restore.batch.runner import BatchOptions, run_batch
from restore.batch.supervisor import WorkerPool
from restore.config import Config

CONFIG = Config(stages=("layout", "punct", "char"))
PAGE = "会议于12月17日召开,地点在北京。他们在北京工作了三年,今年回到上海。\n" * 3


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_shows_the_document_a_worker_is_on() -> None:
    stream = io.StringIO()
    progress = Progress(2, stream, enabled=True)
    progress.document("book.txt", "char", 450, 1000)
    assert "book.txt char 45%" in stream.getvalue()
    progress.update(1000)
    progress.close()
    assert "1/2 files" in stream.getvalue()
    silent = io.StringIO()
    Progress(2, silent).document("book.txt", "char", 450, 1000)
    assert silent.getvalue() == ""


def test_worker_processes_report_each_stage_of_their_file(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    names = ["a.txt", "b.txt"]
    for name in names:
        (source / name).write_text(PAGE, encoding="utf-8")
    settings = worker.WorkerSettings(config=CONFIG, in_root=str(source), out_root=str(out))
    steps: list[tuple[str, str, int, int]] = []
    pool = WorkerPool(2, settings, on_step=lambda *step: steps.append(step), step_interval=0.0)
    outcomes = list(pool.run(names))
    assert sorted((o.path, o.status) for o in outcomes) == [("a.txt", "done"), ("b.txt", "done")]
    for name in names:
        mine = [(stage, done, total) for file, stage, done, total in steps if file == name]
        assert [stage for stage, done, _ in mine if done == 0] == ["layout", "punct", "char"]
        assert all(0 <= done <= total for _, done, total in mine)
        assert mine[-1][0] == "char" and mine[-1][1] == mine[-1][2] > 0


def test_a_pool_without_a_listener_sends_no_steps(tmp_path: Path) -> None:
    source, out = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    (source / "a.txt").write_text(PAGE, encoding="utf-8")
    settings = worker.WorkerSettings(config=CONFIG, in_root=str(source), out_root=str(out))
    (outcome,) = WorkerPool(1, settings).run(["a.txt"])
    assert outcome.status == "done"


def test_clean_in_one_process_draws_the_file_and_its_stage(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "book.txt").write_text(PAGE, encoding="utf-8")
    drawn = Terminal()
    summary = run_batch(BatchOptions(source, tmp_path / "out", config=CONFIG), progress_stream=drawn)
    assert summary.done == 1
    assert "book.txt layout 0%" in drawn.getvalue()
    assert "1/1 files" in drawn.getvalue()
