"""``restore lexicon check FILE...`` and ``restore lexicon list``: lint and inspect lexicons."""

from __future__ import annotations

import argparse
import sys

from restore.commands import help_text
from restore.lexicon import bundled_lexicon_dir, bundled_lexicon_files, lint_lexicon, load_bundled_lexicons
from restore.scriptdata import ScriptTables


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``lexicon`` subcommand and its actions."""
    parser = subparsers.add_parser("lexicon", help="check or list lexicons", description=help_text(__doc__))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check",
        help="lint lexicon files; prints file:line: reason and exits 1 on any problem",
        description="Lint lexicon files (format: lexicons/README.md). Without FILE, lint the bundled ones.",
    )
    check.add_argument("files", nargs="*", metavar="FILE", help="lexicon TSV files")
    check.set_defaults(run=run_check)
    listing = actions.add_parser("list", help="list the bundled lexicons")
    listing.set_defaults(run=run_list)


def run_check(args: argparse.Namespace) -> int:
    """Lint each file; every problem goes to stdout as ``file:line: reason``."""
    tables = ScriptTables.load()
    files = list(args.files) or [str(f) for f in bundled_lexicon_files()]
    problems = [problem for path in files for problem in lint_lexicon(path, tables=tables)]
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    noun = "file" if len(files) == 1 else "files"
    if problems:
        sys.stderr.write(f"restore: {len(problems)} problem(s) in {len(files)} lexicon {noun}\n")
        return 1
    sys.stderr.write(f"restore: {len(files)} lexicon {noun} OK\n")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """One line per bundled lexicon: name, kind, entries, file."""
    sys.stdout.write(f"# {bundled_lexicon_dir()}\n")
    for lexicon in load_bundled_lexicons():
        sys.stdout.write(f"{lexicon.name}\t{lexicon.kind}\t{len(lexicon.entries)}\t{lexicon.label}\n")
    return 0
