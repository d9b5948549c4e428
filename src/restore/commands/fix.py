"""``restore fix FILE|-``: restore one document to stdout or a file."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys

from restore.commands.options import add_config_arguments, config_from_arguments
from restore.errors import InputError
from restore.explain import explain
from restore.formats import read_input
from restore.formats.restoring import restore_bytes
from restore.pipeline import Corrector
from restore.textio import atomic_write_bytes, atomic_write_text


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fix`` subcommand."""
    parser = subparsers.add_parser("fix", help="restore one document", description=__doc__)
    parser.add_argument(
        "input", metavar="FILE",
        help="UTF-8 text, ALTO, hOCR, PAGE, Tesseract TSV or engine JSON (detected by content), or - for stdin",
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT",
        help="write the restored file here, in the input's format (TSV and JSON: text) (default: stdout)",
    )
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
    else:
        name = args.input
        data = read_input(args.input)
    if args.output and args.input != "-" and _same_file(args.input, args.output):
        raise InputError(f"{args.output}: refusing to overwrite the input")
    restored = restore_bytes(Corrector(config), data, name)
    result = restored.result
    if args.jsonl:
        record = restored.annotate({**result.to_json(), "path": name, "sha256": hashlib.sha256(data).hexdigest()})
        atomic_write_text(args.jsonl, json.dumps(record, ensure_ascii=False) + "\n")
    if args.output:
        atomic_write_bytes(args.output, restored.output)
    elif restored.document is None:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(restored.output)
        sys.stdout.buffer.flush()
    if args.explain:
        sys.stderr.write(explain(result, name=name))
    return 0


def _same_file(a: str, b: str) -> bool:
    from pathlib import Path

    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
