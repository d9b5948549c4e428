"""``restore apply DECISIONS.json -o OUT``: write the originals with exactly the accepted edits."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``apply`` subcommand."""
    parser = subparsers.add_parser(
        "apply",
        help="apply the accepted edits of a decisions file to the original files",
        description="Check each original file's sha256 against DECISIONS and write it under OUT with "
        "exactly the accepted edits. Nothing is written if any document fails a check. The originals' folder "
        "recorded in DECISIONS is used only when --jsonl confirms it (a document DECISIONS names no folder for "
        "gets the one --jsonl records); --root names it instead.",
    )
    parser.add_argument("decisions", metavar="DECISIONS.json", type=Path, help="decisions exported from the report")
    parser.add_argument("-o", "--output", metavar="OUT", type=Path, required=True, help="output directory")
    parser.add_argument("--root", type=Path, help="directory of the originals (default: the one recorded)")
    parser.add_argument(
        "--jsonl",
        type=Path,
        metavar="EDITS.jsonl",
        help="the records the report was built from: confirms each document's recorded folder and sha256, "
        "or gives the folder where DECISIONS names none",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Apply the decisions; errors (mismatch, conflicts) raise and exit 1."""
    from restore.batch.records import read_records
    from restore.decisions import apply_decisions, load_decisions, recorded_roots

    documents = load_decisions(args.decisions)
    recorded = recorded_roots(read_records(args.jsonl)) if args.jsonl is not None else None
    written = apply_decisions(documents, args.output, root=args.root, recorded=recorded)
    log.info("wrote %d file(s) under %s", len(written), args.output)
    return 0
