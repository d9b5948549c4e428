"""``restore report EDITS.jsonl -o report.html``: the review page of a batch's JSONL records."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand."""
    parser = subparsers.add_parser(
        "report",
        help="build the HTML review report from a JSONL file of edits",
        description="Build one self-contained HTML page for reviewing the edits in EDITS.jsonl "
        "(as written by 'restore clean --jsonl').",
    )
    parser.add_argument("jsonl", metavar="EDITS.jsonl", type=Path, help="document records, one per line")
    parser.add_argument("-o", "--output", metavar="HTML", type=Path, required=True, help="report file to write")
    parser.add_argument("--title", default="restore review report", help="page title")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the records (schema-checked) and write the page."""
    from restore.batch.records import read_records
    from restore.report import write_report

    write_report(read_records(args.jsonl), args.output, title=args.title)
    return 0
