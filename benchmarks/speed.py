"""Speed and memory, each measured in a fresh process so one system's resources never count for another.

- ``import restore`` time;
- cold start: ``restore fix PAGE`` from a new process (interpreter start, import, loading, one page);
- warm ``fix`` of a 3,000-character page (median of repeats, after a first call);
- throughput in characters per second and peak RSS over a list of inputs, per system (measured in
  interleaved rounds, one fresh process per system and round; :func:`median_of_rounds` combines them).

The workers are this module's command line (``python -m benchmarks.speed worker ...``);
they print one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import OUT_DIR, REPO_ROOT, ensure_restore_importable

PAGE_CHARS = 3000

# Self-written filler, used for the page only when no DEV text or seed is on this machine.
_FALLBACK_SENTENCES = (
    "区图书馆今年新添了三千册地方志和老报纸的影印本，供市民查阅。",
    "街道社区食堂每天中午为七十岁以上的老人提供优惠午餐。",
    "本报讯 记者从区教育局获悉，新学期全区将新开两所小学。",
    "市民可在工作日上午九时至下午五时前往服务中心办理相关手续。",
)


def page_text(chars: int = PAGE_CHARS) -> tuple[str, str]:
    """A page of about ``chars`` characters and where it came from (People's Daily DEV, a seed, or filler)."""
    from benchmarks import datasets

    lines: list[str] = []
    source = ""
    try:
        lines = [p.ocr for p in datasets.load_pd_dev().pairs]
        source = "People's Daily DEV lines"
    except datasets.Unavailable:
        try:
            lines = datasets.load_seeds().pairs[0].ocr.splitlines()
            source = "the first seed document"
        except datasets.Unavailable:
            lines = list(_FALLBACK_SENTENCES) * (chars // 100 + 1)
            source = "self-written filler sentences"
    page: list[str] = []
    total = 0
    for line in lines:
        if total >= chars:
            break
        page.append(line)
        total += len(line) + 1
    return "\n".join(page)[:chars], source


def pages_of(lines: Sequence[str], chars: int = PAGE_CHARS) -> list[str]:
    """The lines joined by line breaks into pages of about ``chars`` characters (the same text, longer inputs)."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if size >= chars:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line) + 1
    return ["\n".join(page) for page in pages if page]


def _python() -> list[str]:
    return [sys.executable]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(REPO_ROOT), str(REPO_ROOT / "src")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _run(
    cmd: Sequence[str], *, stdin: str | None = None, timeout: float = 900, env: dict[str, str] | None = None
) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(
        list(cmd), input=stdin, capture_output=True, text=True, env={**_env(), **(env or {})}, timeout=timeout, cwd=REPO_ROOT
    )
    return time.perf_counter() - start, proc


def _run_timed(cmd: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds of the child: user + system, the finished process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, proc = _run(cmd, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def as_installed(scratch: str) -> dict[str, str]:
    """The environment of a timed child process started the way an installed restore starts.

    pip compiles a package's bytecode when it installs it, and Python writes it on first import
    otherwise; a machine that sets ``PYTHONDONTWRITEBYTECODE`` (this benchmark's own may) would
    instead compile restore's ~80 modules on every start (0.17 s here). The child may write
    bytecode, into ``scratch`` (``PYTHONPYCACHEPREFIX``), so a first run compiles and later runs
    reuse it, as on a user's machine; restore's table cache goes there too.
    """
    return {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(Path(scratch) / "pycache"), "RESTORE_CACHE_DIR": scratch}


def import_time(repeats: int = 5) -> dict[str, Any]:
    """Seconds to ``import restore`` in a fresh interpreter (best and median of ``repeats``, after
    one run that writes the bytecode: :func:`as_installed`)."""
    code = "import time; t = time.perf_counter(); import restore; print(time.perf_counter() - t)"
    times = []
    with tempfile.TemporaryDirectory(prefix="restore-import-") as scratch:
        for _ in range(repeats + 1):
            _, proc = _run([*_python(), "-c", code], env=as_installed(scratch))
            if proc.returncode != 0:
                return {"error": proc.stderr.strip().splitlines()[-1:]}
            times.append(float(proc.stdout.strip()))
    times = times[1:]
    return {"best_s": min(times), "median_s": statistics.median(times), "repeats": repeats}


def restore_fix_command(page: Path) -> tuple[list[str], str]:
    """The ``restore fix PAGE`` command line, and how it is spelled in the report."""
    script = Path(sys.executable).with_name("restore")
    if script.is_file():
        return [str(script), "fix", str(page)], "restore fix PAGE"
    found = shutil.which("restore")
    if found:
        return [found, "fix", str(page)], "restore fix PAGE"
    return [*_python(), "-m", "restore.cli", "fix", str(page)], "python -m restore.cli fix PAGE"


def cold_start(page: Path, repeats: int = 3) -> dict[str, Any]:
    """Wall and CPU time of ``restore fix PAGE`` from a new process; falls back to the API when the command fails.

    The runs share a new, empty table cache (``RESTORE_CACHE_DIR``, see ``restore.tablecache``)
    and bytecode folder (:func:`as_installed`): the first is restore's first run on a machine (it
    parses the shipped tables and compiles its modules, and stores both), the others every later
    run. CPU time (user + system of the process) is the figure a busy machine disturbs least.
    """
    with tempfile.TemporaryDirectory(prefix="restore-cold-") as cache:
        env = as_installed(cache)
        cmd, label = restore_fix_command(page)
        elapsed, cpu, proc = _run_timed(cmd, env)
        note = ""
        if proc.returncode != 0:
            note = f"`{label}` failed ({(proc.stderr.strip().splitlines() or ['?'])[-1][:120]}); timed the API instead"
            cmd = [*_python(), "-c", "import sys, restore; sys.stdout.write(restore.fix(open(sys.argv[1], encoding='utf-8').read()).text)", str(page)]
            label = "python -c 'restore.fix(page)'"
            elapsed, cpu, proc = _run_timed(cmd, env)
            if proc.returncode != 0:
                return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1], "command": label}
        later = [_run_timed(cmd, env)[:2] for _ in range(max(repeats - 1, 1))]
    return {
        "first_s": elapsed,
        "first_cpu_s": cpu,
        "median_s": statistics.median(wall for wall, _ in later),
        "median_cpu_s": statistics.median(cpu for _, cpu in later),
        "best_s": min(wall for wall, _ in later),
        "repeats": len(later) + 1,
        "command": label,
        "note": note,
    }


def worker_command(system: str, inputs: Path, *, mode: str = "throughput", lm: Path | None = None, repeats: int = 5) -> list[str]:
    """The command line of a measuring worker."""
    cmd = [*_python(), "-m", "benchmarks.speed", "worker", "--system", system, "--inputs", str(inputs), "--mode", mode, "--repeats", str(repeats)]
    if lm is not None:
        cmd += ["--lm", str(lm)]
    return cmd


def measure(
    system: str, texts: Sequence[str], *, mode: str = "throughput", lm: Path | None = None, repeats: int = 5, workdir: Path = OUT_DIR
) -> dict[str, Any]:
    """Run a worker over ``texts`` in a fresh process; its JSON result, or ``{"error": ...}``."""
    if not texts:
        return {"error": "no inputs"}
    workdir.mkdir(parents=True, exist_ok=True)
    # A private file: several runs (a test, a full run) may share the folder.
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=workdir, prefix="speed-", suffix=".jsonl", delete=False) as handle:
        handle.write("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts))
        inputs = Path(handle.name)
    try:
        wall, proc = _run(worker_command(system, inputs, mode=mode, lm=lm, repeats=repeats))
    finally:
        inputs.unlink(missing_ok=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1][:200]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = wall
    return result


# Figures of a throughput worker that :func:`median_of_rounds` takes the median of.
_ROUND_FIGURES = (
    "seconds", "chars_per_s", "second_seconds", "second_chars_per_s",
    "cpu_seconds", "cpu_chars_per_s", "second_cpu_seconds", "second_cpu_chars_per_s",
    "load_s", "peak_rss_mb", "process_wall_s",
)


def median_of_rounds(rounds: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One throughput figure from several rounds of the same worker: the median of each timing.

    One pass of a kenlm scorer over 3,000 characters takes about 5 ms, so a single timing on a
    shared machine can be off by its own size; the rounds run interleaved with the other systems
    (a load spike hits them alike) and the median of three or more discards a spike. ``rounds``
    keeps each round's chars/s (first and second pass), so a ratio can be taken round by round.
    A round that failed makes the whole figure that failure.

    >>> median_of_rounds([{"chars_per_s": 10.0, "inputs": 3}, {"chars_per_s": 30.0, "inputs": 3}, {"chars_per_s": 20.0, "inputs": 3}])
    {'chars_per_s': 20.0, 'inputs': 3, 'rounds': [{'chars_per_s': 10.0}, {'chars_per_s': 30.0}, {'chars_per_s': 20.0}]}
    >>> median_of_rounds([{"chars_per_s": 10.0}, {"error": "boom"}])
    {'error': 'boom'}
    """
    if not rounds:
        raise ValueError("no rounds to combine")
    failed = [r for r in rounds if "error" in r]
    if failed:
        return dict(failed[0])
    combined = dict(rounds[0])
    for key in _ROUND_FIGURES:
        if all(key in r for r in rounds):
            combined[key] = statistics.median(r[key] for r in rounds)
    per_round = ("chars_per_s", "second_chars_per_s", "cpu_chars_per_s", "second_cpu_chars_per_s")
    combined["rounds"] = [{key: r[key] for key in per_round if key in r} for r in rounds]
    return combined


def _build_system(name: str, lm: Path | None) -> Any:
    from benchmarks import systems

    if name == "restore":
        return systems.RestoreSystem("restore", systems.restore_config())
    if name == "restore-all":
        from restore.config import STAGE_NAMES

        return systems.RestoreSystem("restore-all", systems.restore_config(STAGE_NAMES))
    if name == "restore-fix":
        return systems.RestoreFixSystem("restore-fix", systems.restore_config())
    if name in ("pycorrector", "kenlm-pass"):
        if lm is None:
            raise SystemExit(f"{name} needs --lm")
        return systems.PycorrectorSystem(lm) if name == "pycorrector" else systems.KenlmPass(lm)
    if name == "do-nothing":
        return systems.DoNothing()
    raise SystemExit(f"unknown system {name!r}")


def _peak_rss_mb() -> float:
    # VmHWM belongs to this process image; ru_maxrss would carry over the forking parent's peak.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def worker(args: argparse.Namespace) -> dict[str, Any]:
    """Load one system, run it over the inputs and report times and peak RSS."""
    ensure_restore_importable()
    texts = [json.loads(line) for line in Path(args.inputs).read_text(encoding="utf-8").splitlines() if line]
    start = time.perf_counter()
    system = _build_system(args.system, Path(args.lm) if args.lm else None)
    system.load()
    load_s = time.perf_counter() - start
    chars = sum(len(t) for t in texts)
    result: dict[str, Any] = {"system": args.system, "inputs": len(texts), "chars": chars, "load_s": load_s}
    if args.mode == "throughput":
        # The first pass over the inputs (what a single call of this size costs, first sights of
        # characters included), then a second over the same ones: the steady state a long batch runs at.
        # Wall and CPU time of this process both: on a shared machine a pass of a few milliseconds
        # (the kenlm pass) is off by whatever preempts it, which its CPU time does not count.
        for key in ("", "second_"):
            start, cpu_start = time.perf_counter(), time.process_time()
            for text in texts:
                system.fix(text)
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
            result.update({
                f"{key}seconds": seconds,
                f"{key}chars_per_s": chars / seconds if seconds else 0.0,
                f"{key}cpu_seconds": cpu_seconds,
                f"{key}cpu_chars_per_s": chars / cpu_seconds if cpu_seconds else 0.0,
            })
    elif args.mode == "cold":  # one call; the caller reads the process wall time
        start = time.perf_counter()
        system.fix(texts[0])
        result.update(seconds=time.perf_counter() - start)
    else:  # page: warm repeats over one page
        system.fix(texts[0])
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            system.fix(texts[0])
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        result.update(seconds=median, repeats=args.repeats, chars_per_s=len(texts[0]) / median if median else 0.0)
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.speed worker --system NAME --inputs FILE [--mode page] [--lm PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed")
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("worker", help="measure one system in this process and print JSON")
    w.add_argument("--system", required=True)
    w.add_argument("--inputs", required=True, help="JSON lines, one input string per line")
    w.add_argument("--mode", choices=("throughput", "page", "cold"), default="throughput")
    w.add_argument("--repeats", type=int, default=5)
    w.add_argument("--lm")
    args = parser.parse_args(argv)
    sys.stdout.write(json.dumps(worker(args)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
