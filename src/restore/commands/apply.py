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
        "exactly the accepted edits. Nothing is written if any document fails a check.",
    )
    parser.add_argument("decisions", metavar="DECISIONS.json", type=Path, help="decisions exported from the report")
    parser.add_argument("-o", "--output", metavar="OUT", type=Path, required=True, help="output directory")
    parser.add_argument("--root", type=Path, help="directory of the originals (default: the one recorded)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Apply the decisions; errors (mismatch, conflicts) raise and exit 1."""
    from restore.decisions import apply_decisions, load_decisions

    written = apply_decisions(load_decisions(args.decisions), args.output, root=args.root)
    log.info("wrote %d file(s) under %s", len(written), args.output)
    return 0
