"""``restore fix FILE|-``: restore one document to stdout or a file."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

from restore.commands.options import add_config_arguments, config_from_arguments
from restore.commands.progress import DocumentProgress
from restore.errors import InputError
from restore.explain import explain
from restore.pipeline import shared_corrector
from restore.textio import atomic_write_text, decode_text, read_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fix`` subcommand."""
    parser = subparsers.add_parser("fix", help="restore one document", description=__doc__)
    parser.add_argument("input", metavar="FILE", help="UTF-8 text file, or - for standard input")
    parser.add_argument("-o", "--output", metavar="OUT", help="write the restored text here (default: stdout)")
    parser.add_argument("--jsonl", metavar="FILE", help="write the result (edits and suggestions) as one JSON line")
    add_config_arguments(parser)
    parser.add_argument("--explain", action="store_true", help="list every edit and suggestion on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Restore the input and write the outputs; nothing is written unless everything succeeded."""
    config = config_from_arguments(args)
    if args.input == "-":
        name = "<stdin>"
        data = sys.stdin.buffer.read()
        text = decode_text(data, name)
    else:
        name = args.input
        text = read_text(args.input)
        data = text.encode("utf-8")
    if args.output and args.input != "-" and _same_file(args.input, args.output):
        raise InputError(f"{args.output}: refusing to overwrite the input")
    with DocumentProgress(sys.stderr, name) as progress:
        result = shared_corrector(config).fix(text, progress=progress)
    if args.jsonl:
        record = {**result.to_json(), "path": name, "sha256": hashlib.sha256(data).hexdigest()}
        atomic_write_text(args.jsonl, json.dumps(record, ensure_ascii=False) + "\n")
    if args.output:
        atomic_write_text(args.output, result.text)
    else:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    if args.explain:
        sys.stderr.write(explain(result, name=name))
    return 0


def _same_file(a: str, b: str) -> bool:
    from pathlib import Path

    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
