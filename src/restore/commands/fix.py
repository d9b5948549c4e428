"""``restore fix FILE|-``: restore one document to stdout or a file."""

from __future__ import annotations

import argparse
import sys

from restore.commands import help_text
from restore.commands.options import add_config_arguments, add_encoding_argument, config_from_arguments
from restore.errors import OutputError
from restore.commands.progress import DocumentProgress
from restore.formats import WRITABLE, read_input
from restore.formats.restoring import restore_bytes, uncalibrated_warning
from restore.pipeline import shared_corrector
from restore.textio import display_path, write_all_or_nothing
from restore.writeguard import WriteGuard


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fix`` subcommand."""
    parser = subparsers.add_parser("fix", help="restore one document", description=help_text(__doc__))
    parser.add_argument(
        "input", metavar="FILE",
        help="text (UTF-8 unless --encoding), ALTO, hOCR, PAGE, Tesseract TSV or engine JSON (detected by "
        "content), or - for standard input",
    )
    parser.add_argument(
        "-o", "--output", metavar="OUT",
        help="write the restored file here, in the input's format (TSV and JSON: text) (default: stdout)",
    )
    parser.add_argument("--jsonl", metavar="FILE", help="write the result (edits and suggestions) as one JSON line")
    add_encoding_argument(parser)
    add_config_arguments(parser)
    parser.add_argument("--explain", action="store_true", help="list every edit and suggestion on stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Restore the input and write the outputs; nothing is written unless everything succeeded."""
    config = config_from_arguments(args)
    if args.input == "-":
        name = "<stdin>"
        data = sys.stdin.buffer.read()
        guard = WriteGuard()
    else:
        name = display_path(args.input)
        data = read_input(args.input)
        guard = WriteGuard(input_files=[args.input])
    targets = [path for path in (args.output, args.jsonl) if path]
    for target in targets:
        guard.check(target)
    if args.output and args.jsonl and guard.check(args.output) == guard.check(args.jsonl):
        raise OutputError(f"{display_path(args.output)}: given both as -o and as --jsonl")
    with DocumentProgress(sys.stderr, name) as progress:
        restored = restore_bytes(shared_corrector(config), data, name, encoding=args.encoding, progress=progress)
    result = restored.result
    if restored.uncalibrated is not None:
        sys.stderr.write(f"restore: warning: {uncalibrated_warning({restored.uncalibrated: 1}, file=name)}\n")
    files: list[tuple[str, str | bytes]] = []
    if args.jsonl:
        # Imported here: a plain `restore fix PAGE` does not pay for them at start-up.
        import hashlib

        from restore.batch.records import encode_line

        record = {**result.to_json(), "path": name, "sha256": hashlib.sha256(data).hexdigest()}
        record["encoding"] = restored.encoding
        files.append((args.jsonl, encode_line(restored.annotate(record)) + "\n"))
    if args.output:
        files.append((args.output, restored.output))
    write_all_or_nothing(files)
    document = restored.document
    if (
        args.output
        and document is not None
        and document.format not in WRITABLE
        and not str(args.output).lower().endswith(".txt")
    ):
        # TSV and engine JSON are read-only: the restored text went into a file the user named
        # after the input's format (or anything but .txt), which a reader of that format would refuse.
        sys.stderr.write(
            f"restore: warning: {display_path(args.output)}: {document.format} is read, not written; "
            "this file holds the restored text\n"
        )
    if not args.output and document is None:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    elif not args.output:  # an OCR file: its own bytes, in its own encoding
        sys.stdout.flush()
        sys.stdout.buffer.write(restored.output)
        sys.stdout.buffer.flush()
    if args.explain:
        from restore.explain import explain

        not_in_file = None
        if document is not None and document.format in WRITABLE:
            from restore.formats.placement import place

            not_in_file = place(document, result.edits).not_written
        sys.stderr.write(explain(result, name=name, not_in_file=not_in_file, char=config.char))
    return 0
