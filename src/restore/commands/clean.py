"""``restore clean IN -o OUT``: restore every ``.txt`` file of a tree into a parallel tree."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from restore.commands.options import add_config_arguments, add_encoding_argument, config_from_arguments
from restore.errors import ConfigError
from restore.formats import SUFFIXES, suffixes_for


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``clean`` subcommand."""
    parser = subparsers.add_parser(
        "clean",
        help="restore every text and OCR file under a directory into another directory",
        description="Restore every .txt file and OCR file (ALTO/PAGE .xml, hOCR .hocr/.html, Tesseract "
        ".tsv, engine .json) under IN (recursively) into OUT, keeping the tree; each is written in its "
        "own format (TSV and JSON as text: NAME.tsv.txt, NAME.json.txt). Finished outputs are skipped on a rerun; bad files "
        "are reported and skipped; outputs edited by hand are kept.",
    )
    # Kept as strings: Path would fold the '//' of s3://bucket/key.
    parser.add_argument("input", metavar="IN", help="directory of text and OCR files, or a URL with --scheduler (never written to)")
    parser.add_argument("-o", "--output", metavar="OUT", required=True, help="output directory, or a URL with --scheduler")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="worker processes (0: one per CPU; default 1)")
    parser.add_argument(
        "--scheduler",
        metavar="local:N|tcp://HOST:PORT",
        help="run on Dask instead of --jobs: a local cluster of N workers, or an existing scheduler "
        "(needs restore[dask]; IN and OUT may then be s3://, gs:// or file:// URLs)",
    )
    parser.add_argument("--chunk", type=int, default=0, metavar="K", help="files per Dask task (default: automatic)")
    parser.add_argument("--jsonl", type=Path, metavar="FILE", help="write one JSON record per document")
    parser.add_argument("--report", type=Path, metavar="FILE", help="write the HTML review report")
    parser.add_argument(
        "--formats", default=",".join(SUFFIXES), metavar="LIST",
        help=f"comma-separated kinds of file to restore (default: {','.join(SUFFIXES)})",
    )
    parser.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB",
        help="leave out files whose path under IN or whose name matches GLOB (repeatable; "
        "e.g. 'mets.xml' beside ALTO pages)",
    )
    add_encoding_argument(parser)
    parser.add_argument(
        "--overwrite-edited",
        action="store_true",
        help="replace outputs edited by hand since restore wrote them (default: keep them, with a warning)",
    )
    parser.add_argument(
        "--retry-failed",
        action="store_true",
        help="try again files whose worker process died on them twice before (default: skip them)",
    )
    add_config_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the batch; exit code 1 when any file failed."""
    from restore.batch import BatchOptions, run_batch
    from restore.batch.worker import Outcome
    from restore.formats.restoring import uncalibrated_warning

    if args.jobs < 0:
        raise ConfigError(f"--jobs must be 0 or more, got {args.jobs}")
    if args.scheduler is None and args.chunk:
        raise ConfigError("--chunk needs --scheduler")
    if args.scheduler is not None:
        _quiet_dask(args.verbose)
    jobs = args.jobs or os.cpu_count() or 1
    options = BatchOptions(
        in_dir=args.input,
        out_dir=args.output,
        config=config_from_arguments(args, open_model=True),
        jobs=jobs,
        jsonl=args.jsonl,
        report=args.report,
        suffixes=suffixes_for([name.strip() for name in args.formats.split(",") if name.strip()]),
        exclude=tuple(args.exclude),
        encoding=args.encoding,
        overwrite_edited=args.overwrite_edited,
        retry_failed=args.retry_failed,
        scheduler=args.scheduler,
        chunk=args.chunk,
    )

    def report_error(outcome: Outcome) -> None:
        sys.stderr.write(f"restore: error: {outcome.message}\n")
        sys.stderr.flush()

    def report_edited(outcome: Outcome) -> None:
        sys.stderr.write(f"restore: warning: {outcome.message}\n")
        sys.stderr.flush()

    summary = run_batch(options, progress_stream=sys.stderr, on_error=report_error, on_edited=report_edited)
    if summary.uncalibrated:
        sys.stderr.write(f"restore: warning: {uncalibrated_warning(summary.uncalibrated)}\n")
    if summary.edited:
        sys.stderr.write(
            f"restore: kept {len(summary.edited)} output(s) edited by hand: "
            + ", ".join(outcome.path for outcome in summary.edited)
            + "\n"
        )
    if summary.errors:
        sys.stderr.write(
            f"restore: {len(summary.errors)} of {summary.total} file(s) failed: "
            + ", ".join(outcome.path for outcome in summary.errors)
            + "\n"
        )
        return 1
    return 0


def _quiet_dask(verbose: int) -> None:
    """Check that Dask is installed; keep its lifecycle chatter (INFO) out of the user's terminal unless -vv."""
    try:
        import distributed  # noqa: F401  (importing it sets its own log levels, so set ours after)
    except ImportError as exc:
        raise ConfigError("--scheduler needs Dask: pip install 'restore[dask]' (and 'restore[s3]' for s3:// URLs)") from exc
    level = logging.WARNING if verbose < 2 else logging.DEBUG
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(level)
    # Closing a local cluster on a busy machine kills workers that are slow to exit, with a warning
    # each time; restore names the files whose worker died, so the nanny's own line is noise.
    logging.getLogger("distributed.nanny").setLevel(logging.ERROR if verbose == 0 else level)
