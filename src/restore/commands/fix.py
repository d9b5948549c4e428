"""``restore fix FILE|-``: restore one document to stdout or a file."""

from __future__ import annotations

import argparse
import hashlib
import sys

from restore.commands.options import add_config_arguments, add_encoding_argument, config_from_arguments
from restore.encodings import decode_document
from restore.errors import OutputError
from restore.explain import explain
from restore.pipeline import Corrector
from restore.textio import display_path, read_bytes, write_all_or_nothing
from restore.writeguard import WriteGuard


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fix`` subcommand."""
    parser = subparsers.add_parser("fix", help="restore one document", description=__doc__)
    parser.add_argument("input", metavar="FILE", help="text file (UTF-8 unless --encoding), or - for standard input")
    parser.add_argument("-o", "--output", metavar="OUT", help="write the restored text here (default: stdout)")
    parser.add_argument("--jsonl", metavar="FILE", help="write the result (edits and suggestions) as one JSON line")
    add_encoding_argument(parser)
    add_config_arguments(parser)
    parser.add_argument("--explain", action="store_true", help="list every edit and suggestion on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Restore the input and write the outputs; nothing is written unless everything succeeded."""
    from restore.batch.records import encode_line

    config = config_from_arguments(args)
    if args.input == "-":
        name = "<stdin>"
        data = sys.stdin.buffer.read()
        guard = WriteGuard()
    else:
        name = display_path(args.input)
        data = read_bytes(args.input)
        guard = WriteGuard(input_files=[args.input])
    targets = [path for path in (args.output, args.jsonl) if path]
    for target in targets:
        guard.check(target)
    if args.output and args.jsonl and guard.check(args.output) == guard.check(args.jsonl):
        raise OutputError(f"{display_path(args.output)}: given both as -o and as --jsonl")
    decoded = decode_document(data, name, args.encoding)
    result = Corrector(config).fix(decoded.text)
    files = []
    if args.jsonl:
        record = {**result.to_json(), "path": name, "sha256": hashlib.sha256(data).hexdigest()}
        record["encoding"] = decoded.encoding
        files.append((args.jsonl, encode_line(record) + "\n"))
    if args.output:
        files.append((args.output, result.text))
    write_all_or_nothing(files)
    if not args.output:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    if args.explain:
        sys.stderr.write(explain(result, name=name))
    return 0
