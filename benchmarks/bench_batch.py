"""Batch throughput: ``restore clean --jobs 2`` against ``--jobs 1`` on 200 generated pages.

Run: ``nice python benchmarks/bench_batch.py [--pages 200] [--repeat 2]``. Pages are generated
from phrases written for this benchmark (no outside text) into ``benchmarks/out/bench_batch/``;
each run is a fresh ``restore clean`` subprocess into an empty output directory, so the time
includes process start-up and resource loading, as a user would see it. Prints the best time of
each setting, characters per second and the jobs-2 / jobs-1 throughput ratio (target: >= 1.7).
"""

from __future__ import annotations

import argparse
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


def run_clean(source: Path, jobs: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds (all processes of the run) of one fresh ``restore clean``."""
    target = OUT / f"clean-j{jobs}"
    if target.exists():
        shutil.rmtree(target)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "restore.cli", "clean", str(source), "-o", str(target), "--jobs", str(jobs)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--lines", type=int, default=60, help="news lines per page (about 40 characters each)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per setting; the best is kept")
    args = parser.parse_args()
    source = OUT / "in"
    chars = generate(source, args.pages, args.lines)
    print(f"{args.pages} pages, {chars:,} characters, {os.cpu_count()} CPUs")
    best: dict[int, tuple[float, float]] = {}
    for _ in range(args.repeat):
        for jobs in (1, 2):
            load = os.getloadavg()[0]
            wall, cpu = run_clean(source, jobs)
            print(f"  --jobs {jobs}: {wall:.2f} s wall, {cpu:.2f} s CPU (load average before: {load:.1f})")
            if jobs not in best or wall < best[jobs][0]:
                best[jobs] = (wall, cpu)
    for jobs in (1, 2):
        wall, cpu = best[jobs]
        print(f"--jobs {jobs}: {wall:.2f} s, {chars / wall:,.0f} chars/s, {cpu:.2f} CPU s")
    print(f"throughput ratio jobs 2 / jobs 1: {best[1][0] / best[2][0]:.2f}")
    # Other processes on a shared machine steal CPU from the parallel run first; the CPU
    # seconds show whether the parallel run itself wastes work (the bound on an idle machine).
    print(f"CPU seconds jobs 2 / jobs 1: {best[2][1] / best[1][1]:.2f}")
    summary = {
        "pages": args.pages,
        "chars": chars,
        "cpus": os.cpu_count(),
        "wall_seconds": {str(jobs): round(best[jobs][0], 3) for jobs in (1, 2)},
        "cpu_seconds": {str(jobs): round(best[jobs][1], 3) for jobs in (1, 2)},
        "ratio_jobs2_over_jobs1": round(best[1][0] / best[2][0], 3),
    }
    (OUT / "result.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
