"""``python -m benchmarks [--smoke]``: run the benchmarks and write the report.

Full mode writes ``benchmarks/RESULTS.md``; ``--smoke`` runs tiny subsets (CI,
under a minute) and writes ``benchmarks/out/smoke_results.md``. Missing data,
a missing language model or a missing pycorrector are skipped with a note.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from benchmarks import OUT_DIR, REPO_ROOT, ensure_restore_importable


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, run, write the report; exit 0 unless the runner itself breaks."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny subsets for CI; writes benchmarks/out/smoke_results.md")
    parser.add_argument("--datasets", help="comma-separated dataset names (default: all)")
    parser.add_argument("--no-pycorrector", action="store_true", help="do not run pycorrector")
    parser.add_argument("--pycorrector-cap", type=int, help="inputs per dataset for pycorrector (default 300, smoke 10)")
    parser.add_argument("--limit", type=int, help="inputs per dataset for every system")
    parser.add_argument("--output", type=Path, help="where to write the report")
    parser.add_argument("--scaling", help="long-document sizes to time, of 100K,1M,10M ('' for none; default all, smoke none)")
    parser.add_argument("--workdir", type=Path, help="folder for the seeds' edit listing and scratch files (default benchmarks/out)")
    args = parser.parse_args(argv)

    ensure_restore_importable()
    from benchmarks import datasets, report, runner

    runner.configure_logging()
    settings = runner.Settings.for_smoke() if args.smoke else runner.Settings()
    if args.datasets:
        names = tuple(n.strip() for n in args.datasets.split(",") if n.strip())
        unknown = [n for n in names if n not in datasets.LOADERS]
        if unknown:
            parser.error(f"unknown dataset(s) {unknown}; known: {', '.join(datasets.LOADERS)}")
        settings = replace(settings, datasets=names)
    if args.no_pycorrector:
        settings = replace(settings, use_pycorrector=False)
    if args.pycorrector_cap is not None:
        settings = replace(settings, pycorrector_cap=args.pycorrector_cap)
    if args.limit is not None:
        settings = replace(settings, limit=args.limit, clean_limit=args.limit)

    if args.scaling is not None:
        settings = replace(settings, scaling=tuple(s.strip() for s in args.scaling.split(",") if s.strip()))
    if args.workdir is not None:
        settings = replace(settings, workdir=args.workdir)

    run = runner.execute(settings, runner.main_command(argv))
    text = report.render(run)
    output = args.output or (OUT_DIR / "smoke_results.md" if args.smoke else REPO_ROOT / "benchmarks" / "RESULTS.md")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    sys.stderr.write(f"bench: wrote {output} in {run.duration_s:.0f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
