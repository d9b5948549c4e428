"""``restore clean --scheduler``: the batch on a real 2-worker Dask ``LocalCluster``, and on S3 (moto, loopback).

Skipped when the ``dask`` extra is not installed. Faults are real: worker
processes are SIGKILLed (by a test plugin that kills its own worker when it
meets a marker in a page) and the nanny restarts them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

from restore.batch import BatchOptions, run_batch  # noqa: E402
from restore.errors import InputError  # noqa: E402

from test_batch_cli import digest_tree, outputs, run_cli  # noqa: E402

# Lines written for these tests, in the shape of a district paper's OCR output.
LINES = (
    "本報訊 12 月 17 日,徐匯區舉行社區服務座談會,居民代表就基层治理提出建議。\n",
    "會上,街道負責人介紹了今年的养老服务進展!\n",
    "區圖書館開放新的閱覽室,市民可以免費借閱報刊。\n",
    "社區衛生服務中心推出便民措施,老人可以就近辦理業務。\n",
)
# A page containing one of these kills the worker restoring it (see KillerPlugin).
KILL_ONCE = "（本頁掃描中斷一次）"
KILL_ALWAYS = "（本頁每次都讓程序崩潰）"

# The worker plugin below travels to the workers by value: they cannot import this test module.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


class KillerPlugin(distributed.WorkerPlugin):
    """Makes a worker SIGKILL itself on a marked page: always, or once per ``flag`` file."""

    name = "test-killer"

    def __init__(self, flag: str) -> None:
        self.flag = flag

    def setup(self, worker: Any) -> None:
        from restore import pipeline

        original = getattr(pipeline.Corrector.fix, "__wrapped__", pipeline.Corrector.fix)
        flag = self.flag

        def fix(self: Any, text: str, **kwargs: Any) -> Any:
            if KILL_ALWAYS in text:
                os.kill(os.getpid(), signal.SIGKILL)
            if KILL_ONCE in text and not os.path.exists(flag):
                Path(flag).write_text("killed", encoding="utf-8")
                os.kill(os.getpid(), signal.SIGKILL)
            return original(self, text, **kwargs)

        fix.__wrapped__ = original  # type: ignore[attr-defined]
        pipeline.Corrector.fix = fix  # type: ignore[method-assign]


def make_tree(root: Path, pages: int, *, extra: dict[str, str] | None = None, lines: int = 3) -> Path:
    for index in range(pages):
        path = root / f"issue{index // 5}" / f"page{index:02d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(LINES[(index + k) % len(LINES)] for k in range(lines + index % 3))
        path.write_text(f"第 {index + 1} 版\n\n{body}", encoding="utf-8")
    for name, text in (extra or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def cluster() -> Any:
    """A 2-worker local cluster shared by this module's API tests (its scheduler gives up after 2 deaths)."""
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):  # Dask's queueing otherwise default
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as local:
            yield local


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tree of 12 pages (one bad) and its output by ``--jobs 2``."""
    root = tmp_path_factory.mktemp("ref")
    source = make_tree(root / "in", 12)
    (source / "scan.txt").write_bytes(b"\x89PNG\x00\x00")
    out = root / "out-jobs2"
    proc = run_cli("clean", source, "-o", out, "--jobs", "2", "--jsonl", root / "jobs2.jsonl")
    assert proc.returncode == 1 and "scan.txt" in proc.stderr
    return source, out


def test_local_cluster_output_is_byte_identical_to_jobs_2(reference: tuple[Path, Path], tmp_path: Path) -> None:
    source, expected = reference
    out = tmp_path / "out"
    before = digest_tree(source)
    proc = run_cli("clean", source, "-o", out, "--scheduler", "local:2", "--chunk", "3", "--jsonl", tmp_path / "c.jsonl")
    assert proc.returncode == 1, proc.stderr
    assert "scan.txt: binary file" in proc.stderr and "1 of 13 file(s) failed: scan.txt" in proc.stderr
    assert "INFO" not in proc.stderr  # Dask's lifecycle chatter stays out of the terminal
    assert digest_tree(source) == before
    assert digest_tree(out) == digest_tree(expected)  # outputs and sidecars, byte for byte
    assert (tmp_path / "c.jsonl").read_bytes() == (expected.parent / "jobs2.jsonl").read_bytes()


def test_rerun_rewrites_nothing_and_a_changed_input_is_the_only_one_redone(
    cluster: Any, reference: tuple[Path, Path], tmp_path: Path
) -> None:
    source, expected = reference
    local = tmp_path / "in"
    make_tree(local, 12)
    out = tmp_path / "out"
    options = BatchOptions(in_dir=local, out_dir=out, scheduler=cluster.scheduler_address, chunk=4)
    first = run_batch(options)
    assert (first.done, first.skipped, first.errors) == (12, 0, [])
    stamps, digests = outputs(out), digest_tree(out)
    time.sleep(0.05)

    second = run_batch(options)
    assert (second.done, second.skipped) == (0, 12)
    assert outputs(out) == stamps and digest_tree(out) == digests

    # A line naming no entity: the batch's votes stay the same, so only this page is redone.
    changed = "issue1/page07.txt"
    with (local / changed).open("a", encoding="utf-8") as page:
        page.write("天氣晴朗,適合出門散步。\n")
    third = run_batch(options)
    assert (third.done, third.skipped) == (1, 11)
    after = outputs(out)
    assert [name for name in after if after[name] != stamps[name]] == [changed]


def test_a_worker_killed_mid_batch_and_the_batch_completes_identically(cluster: Any, tmp_path: Path) -> None:
    extra = {"issue0/killer.txt": "第 9 版\n\n" + LINES[0] + KILL_ONCE + "\n"}
    source = make_tree(tmp_path / "in", 10, extra=extra)
    expected = tmp_path / "out-jobs2"
    assert run_cli("clean", source, "-o", expected, "--jobs", "2").returncode == 0
    flag = tmp_path / "killed-once"
    with distributed.Client(cluster) as client:
        before = set(client.run(os.getpid).values())
        client.register_plugin(KillerPlugin(str(flag)))
        summary = run_batch(BatchOptions(in_dir=source, out_dir=tmp_path / "out", scheduler=cluster.scheduler_address, chunk=3))
        after = set(client.run(os.getpid).values())
        client.unregister_worker_plugin(KillerPlugin.name)
    assert flag.exists(), "no worker was killed"
    assert len(before - after) == 1  # one worker process died and was replaced
    assert summary.ok and summary.done == 11
    assert digest_tree(tmp_path / "out") == digest_tree(expected)


def test_a_file_that_kills_its_worker_ends_as_a_named_error(cluster: Any, tmp_path: Path) -> None:
    extra = {"issue1/poison.txt": LINES[1] + KILL_ALWAYS + "\n"}
    source = make_tree(tmp_path / "in", 8, extra=extra)
    errors: list[Any] = []
    with distributed.Client(cluster) as client:
        client.register_plugin(KillerPlugin(str(tmp_path / "unused")))
        summary = run_batch(
            BatchOptions(in_dir=source, out_dir=tmp_path / "out", scheduler=cluster.scheduler_address, chunk=3),
            on_error=errors.append,
        )
        client.unregister_worker_plugin(KillerPlugin.name)
    assert [e.path for e in summary.errors] == ["issue1/poison.txt"] and errors == summary.errors
    assert "poison.txt" in summary.errors[0].message and "died" in summary.errors[0].message
    # Every other file finished; chunk-mates done before a death are up to date when retried alone.
    assert summary.done + summary.skipped == 8
    assert not (tmp_path / "out" / "issue1" / "poison.txt").exists()


@pytest.mark.slow
def test_ctrl_c_stops_the_batch_with_nothing_half_written(tmp_path: Path) -> None:
    # Files long enough that the batch cannot finish between the third output and the signal,
    # even on a loaded machine (with 60 lines a file it sometimes did).
    source, out = make_tree(tmp_path / "in", 40, lines=200), tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "restore.cli", "clean", str(source), "-o", str(out), "--scheduler", "local:1",
         "--chunk", "2"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while len(outputs(out) if out.exists() else {}) < 3:
            assert proc.poll() is None, "the batch finished before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "interrupted" in stderr, stderr[-2000:]
    done = outputs(out)
    assert 3 <= len(done) < 40, "the interrupt did not land mid-batch"
    snapshot = {name: (out / name).read_bytes() for name in done}

    rerun = run_cli("clean", source, "-o", out, "--jobs", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert len(outputs(out)) == 40
    for name, data in snapshot.items():  # whatever existed after the interrupt was whole
        assert (out / name).read_bytes() == data, name
    assert not list(out.rglob("*.tmp"))


def test_without_a_scheduler_dask_is_never_imported(tmp_path: Path) -> None:
    source = make_tree(tmp_path / "in", 2)
    script = (
        "import sys\n"
        "from restore.batch import BatchOptions, run_batch\n"
        f"summary = run_batch(BatchOptions(in_dir={str(source)!r}, out_dir={str(tmp_path / 'out')!r}, jobs=2))\n"
        "assert summary.done == 2, summary\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'fsspec', 's3fs')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_url_trees_keep_the_overlap_refusals_and_one_driver_per_output() -> None:
    from restore.batch import storage

    source = storage.open_tree("memory://refusals/in")
    source.write_text("a.txt", "天氣晴朗。\n")
    for target, reason in (
        ("memory://refusals/in", "is the input directory"),
        ("memory://refusals/in/out", "inside the input directory"),
        ("memory://refusals", "contains the input directory"),
    ):
        with pytest.raises(InputError, match=reason):
            storage.check_trees(source, storage.open_tree(target))
    storage.check_trees(source, storage.open_tree("memory://refusals/out"))  # apart: fine
    storage.check_trees(source, storage.open_tree("memory://refusals/input-2"))  # a shared prefix is not nesting

    target = storage.open_tree("memory://refusals/out")
    with target.locked():
        with pytest.raises(InputError, match="another restore clean .* delete memory://refusals/out/.restore-state/lock.json"):
            with target.locked():
                pass
    with target.locked():  # released at the end
        pass


def test_object_storage_without_a_scheduler_is_refused(tmp_path: Path) -> None:
    proc = run_cli("clean", "s3://bucket/in", "-o", tmp_path / "out")
    assert proc.returncode != 0 and "needs a Dask scheduler" in proc.stderr


@pytest.fixture()
def s3_server(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A moto S3 server on the loopback, and the AWS variables pointing at it (fake credentials)."""
    moto_server = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "AWS_ACCESS_KEY_ID": "test-key-id",
        "AWS_SECRET_ACCESS_KEY": "test-secret-never-printed",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    try:
        yield env
    finally:
        server.stop()


def test_s3_in_and_out_match_the_local_batch(
    s3_server: dict[str, str], reference: tuple[Path, Path], tmp_path: Path
) -> None:
    import s3fs

    source, expected = reference
    fs = s3fs.S3FileSystem()
    fs.mkdir("archive")
    for path in sorted(source.rglob("*.txt")):
        fs.pipe_file(f"archive/in/{path.relative_to(source).as_posix()}", path.read_bytes())

    proc = run_cli("-v", "clean", "s3://archive/in", "-o", "s3://archive/out", "--scheduler", "local:2",
                   "--jsonl", tmp_path / "s3.jsonl")
    assert proc.returncode == 1 and "s3://archive/in/scan.txt: binary file" in proc.stderr
    assert s3_server["AWS_SECRET_ACCESS_KEY"] not in proc.stderr + proc.stdout
    for path in sorted(expected.rglob("*.txt")):
        relative = path.relative_to(expected).as_posix()
        if not relative.startswith("."):
            assert fs.cat_file(f"archive/out/{relative}") == path.read_bytes(), relative
    assert not fs.exists("archive/out/.restore-state/lock.json")  # released
    records = (tmp_path / "s3.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == 12 and all('"root": "s3://archive/in"' in line for line in records)

    stamps = {key: info["LastModified"] for key, info in fs.find("archive/out", detail=True).items()}
    again = run_cli("-v", "clean", "s3://archive/in", "-o", "s3://archive/out", "--scheduler", "local:1")
    assert "0 restored, 12 up to date, 0 edited by hand and kept, 1 failed" in again.stderr
    fs.invalidate_cache()
    assert {key: info["LastModified"] for key, info in fs.find("archive/out", detail=True).items()} == stamps

    refused = run_cli("clean", "s3://archive/in", "-o", "s3://archive/in/restored", "--scheduler", "local:1")
    assert refused.returncode != 0 and "inside the input directory" in refused.stderr
