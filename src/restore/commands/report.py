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
    parser.add_argument("--config", metavar="TOML",
                        help="configuration of the run: shown on the page (the records do not hold it); its lexicons "
                        "name the spellings")
    parser.add_argument("--lexicon", action="append", default=[], metavar="TSV",
                        help="a lexicon the run used, e.g. learned project rules (repeatable)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Read the records (schema-checked) and write the page with the batch's names spelled two ways."""
    from restore.batch.records import read_records
    from restore.config import Config
    from restore.lexicon.loading import with_user_lexicons
    from restore.report import write_report
    from restore.report.spellings import spelled_two_ways

    config = with_user_lexicons(Config.from_toml(args.config) if args.config else Config(), args.lexicon)
    records = read_records(args.jsonl)
    # The records do not hold the run's settings: the page shows them only when they are given.
    shown = config.to_json() if args.config or args.lexicon else None
    write_report(records, args.output, title=args.title, config=shown, spellings=spelled_two_ways(records, config))
    return 0
