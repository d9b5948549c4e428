"""Batch throughput: ``restore clean --jobs 1|2`` and ``--scheduler local:1|2`` (Dask) on 200 generated pages.

Run: ``nice python benchmarks/bench_batch.py [--pages 200] [--repeat 2] [--no-dask]``. Pages are
generated from phrases written for this benchmark (no outside text) into ``benchmarks/out/bench_batch/``;
each run is a fresh ``restore clean`` subprocess into an empty output directory, so the time
includes process start-up, resource loading and (for Dask) starting the local cluster, as a user
would see it. Prints the best time of each setting, characters per second, the jobs-2 / jobs-1
throughput ratio (target: >= 1.7), the Dask scaling ratio local:2 / local:1, the per-file overhead
of local:2 over --jobs 2, a rerun over the up-to-date outputs of each parallel setting, and the
peak RSS of the largest worker process (polled every 0.2 s with psutil; target for Dask: <= 400 MB).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out" / "bench_batch"

# Fragments of a district paper's news page, with the damage OCR leaves (spaces, half-width
# marks, simplified leftovers in a traditional page); combined at random into pages.
HEADINGS = ("徐 匯 報", "社 區 新 聞", "文 化 生 活", "街 道 動 態")
SUBJECTS = ("區文化中心", "街道辦事處", "社區衛生服務中心", "區圖書館", "居民委員會", "區體育局")
ACTIONS = (
    "舉辦了讀書分享會,參加者交流了閱讀心得",
    "召開養老服务座談會,居民代表提出了建議",
    "開展垃圾分類宣傳活動,志願者走進樓道講解",
    "組織基层幹部培訓,內容包括應急處置和社區治理",
    "推出便民服務新措施,老人可以就近辦理業務",
    "舉行青少年書法比賽,作品將在大廳展出",
)
ENDINGS = ("。", "!", "。", "。")


def make_page(rng: random.Random, lines: int) -> str:
    body = []
    for _ in range(lines):
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        body.append(f"本報訊 {month} 月 {day} 日,{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{rng.choice(ENDINGS)}\n")
    return rng.choice(HEADINGS) + "\n\n" + "".join(body)


def generate(root: Path, pages: int, lines: int) -> int:
    rng = random.Random(20241217)
    if root.exists():
        shutil.rmtree(root)
    chars = 0
    for index in range(pages):
        text = make_page(rng, lines)
        path = root / f"issue{index // 20:02d}" / f"page{index:03d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


# Settings: how restore clean is asked to run in parallel.
SETTINGS = {
    "jobs 1": ["--jobs", "1"],
    "jobs 2": ["--jobs", "2"],
    "local:1": ["--scheduler", "local:1"],
    "local:2": ["--scheduler", "local:2"],
}
# How often the peak RSS of the run's processes is sampled (seconds).
RSS_INTERVAL = 0.2


def run_clean(source: Path, setting: str, *, fresh: bool = True) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (all processes of the run) and the largest child's peak RSS in bytes."""
    import psutil

    target = OUT / ("clean-" + setting.replace(" ", "").replace(":", ""))
    if fresh and target.exists():
        shutil.rmtree(target)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "restore.cli", "clean", str(source), "-o", str(target), *SETTINGS[setting]],
        stdin=subprocess.DEVNULL,
    )
    peaks: dict[int, int] = {}
    driver = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            # --jobs 1 restores in the driver itself: then it is the worker measured.
            for child in driver.children(recursive=True) or [driver]:
                with contextlib.suppress(psutil.Error):
                    peaks[child.pid] = max(peaks.get(child.pid, 0), child.memory_info().rss)
        except psutil.Error:
            pass  # the run ended between poll() and children()
        time.sleep(RSS_INTERVAL)
    if proc.returncode != 0:
        raise SystemExit(f"restore clean {setting} failed with exit code {proc.returncode}")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, max(peaks.values(), default=0)


def rerun_on_running_cluster(source: Path) -> float:
    """Seconds of a rerun over local:2's up-to-date outputs, on a cluster started (and warmed up) beforehand."""
    from distributed import LocalCluster

    from restore.batch import BatchOptions, run_batch

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        options = BatchOptions(in_dir=source, out_dir=OUT / "clean-local2", scheduler=cluster.scheduler_address)
        run_batch(options)  # registers the worker plugin (each worker loads its corrector) and checks all is done
        started = time.perf_counter()
        summary = run_batch(options)
        elapsed = time.perf_counter() - started
    if summary.done:
        raise SystemExit(f"the rerun restored {summary.done} file(s); expected none")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--lines", type=int, default=60, help="news lines per page (about 40 characters each)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per setting; the best is kept")
    parser.add_argument("--no-dask", action="store_true", help="only --jobs 1 and 2 (without restore[dask])")
    args = parser.parse_args()
    source = OUT / "in"
    chars = generate(source, args.pages, args.lines)
    print(f"{args.pages} pages, {chars:,} characters, {os.cpu_count()} CPUs")
    settings = [name for name in SETTINGS if not (args.no_dask and name.startswith("local"))]
    best: dict[str, tuple[float, float, int]] = {}
    for _ in range(args.repeat):
        for setting in settings:
            load = os.getloadavg()[0]
            wall, cpu, rss = run_clean(source, setting)
            print(f"  {setting}: {wall:.2f} s wall, {cpu:.2f} s CPU, largest worker {rss / 2**20:.0f} MiB "
                  f"(load average before: {load:.1f})")
            if setting not in best or wall < best[setting][0]:
                best[setting] = (wall, cpu, max(rss, best.get(setting, (0, 0, 0))[2]))
    for setting in settings:
        wall, cpu, rss = best[setting]
        print(f"{setting}: {wall:.2f} s, {chars / wall:,.0f} chars/s, {cpu:.2f} CPU s, largest worker {rss / 2**20:.0f} MiB")
    summary: dict[str, object] = {
        "pages": args.pages,
        "chars": chars,
        "cpus": os.cpu_count(),
        "wall_seconds": {name: round(best[name][0], 3) for name in settings},
        "cpu_seconds": {name: round(best[name][1], 3) for name in settings},
        "largest_worker_rss_mib": {name: round(best[name][2] / 2**20, 1) for name in settings},
        "ratio_jobs2_over_jobs1": round(best["jobs 1"][0] / best["jobs 2"][0], 3),
    }
    print(f"throughput ratio jobs 2 / jobs 1: {best['jobs 1'][0] / best['jobs 2'][0]:.2f}")
    # Other processes on a shared machine steal CPU from the parallel run first; the CPU
    # seconds show whether the parallel run itself wastes work (the bound on an idle machine).
    print(f"CPU seconds jobs 2 / jobs 1: {best['jobs 2'][1] / best['jobs 1'][1]:.2f}")
    if not args.no_dask:
        scaling = best["local:1"][0] / best["local:2"][0]
        overhead = (best["local:2"][0] - best["jobs 2"][0]) / args.pages
        print(f"Dask scaling ratio local:2 / local:1: {scaling:.2f}")
        cpu_overhead = (best["local:2"][1] - best["jobs 2"][1]) / args.pages
        print(f"Dask per-file overhead, local:2 over --jobs 2: {overhead * 1000:+.1f} ms/file wall, "
              f"{cpu_overhead * 1000:+.1f} ms/file CPU (start-up included)")
        summary["ratio_local2_over_local1"] = round(scaling, 3)
        summary["overhead_ms_per_file_local2_vs_jobs2"] = round(overhead * 1000, 2)
        summary["cpu_overhead_ms_per_file_local2_vs_jobs2"] = round(cpu_overhead * 1000, 2)
    # A rerun over up-to-date outputs: every file is hashed and skipped, nothing is restored.
    reruns = {}
    for setting in [name for name in ("jobs 2", "local:2") if name in settings]:
        wall, _cpu, _rss = run_clean(source, setting, fresh=False)
        reruns[setting] = round(wall, 3)
        print(f"rerun over {args.pages} up-to-date files, {setting}: {wall:.2f} s")
    if "local:2" in settings:
        reruns["local:2, cluster already running"] = round(rerun_on_running_cluster(source), 3)
        print(f"rerun over {args.pages} up-to-date files on a running 2-worker cluster: "
              f"{reruns['local:2, cluster already running']:.2f} s")
    summary["rerun_wall_seconds"] = reruns
    (OUT / "result.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
