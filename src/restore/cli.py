"""The ``restore`` command line: a thin dispatcher over ``restore.commands.*``.

Each subcommand lives in its own module under :mod:`restore.commands` with a
``register(subparsers)`` function; modules are imported only when the CLI runs.
Errors of the :class:`~restore.errors.RestoreError` family print one line on
stderr and exit 1; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from restore import __version__
from restore.errors import RestoreError

# Module names under restore.commands; each registers one or more subcommands.
COMMAND_MODULES = ("fix", "clean", "report", "apply", "learn", "lexicon", "lm")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(prog="restore", description="Restore Chinese text damaged by OCR.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeat for debug)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"restore.commands.{name}").register(subparsers)
    for subparser in subparsers.choices.values():
        # Also after the subcommand (``restore clean IN -o OUT -v``); absent there, the count given
        # before it stands (SUPPRESS: the subcommand's namespace does not reset it to 0).
        subparser.add_argument(
            "-v", "--verbose", action="count", default=argparse.SUPPRESS, help="log more (repeat for debug)"
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 1 restore error, 2 usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    handler = logging.StreamHandler()
    handler.setFormatter(_MessageFormatter())
    logging.basicConfig(level=level, handlers=[handler])
    try:
        return int(args.run(args) or 0)
    except RestoreError as exc:
        sys.stderr.write(f"restore: error: {exc}\n")
        return 1
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except OSError as exc:  # standard output on a full disk, say: the environment, not a bug
        where = exc.filename if exc.filename is not None else "standard output"
        sys.stderr.write(f"restore: error: {where}: {exc.strerror or exc}\n")
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("restore: interrupted\n")
        return 130


class _MessageFormatter(logging.Formatter):
    """``restore: message`` for information (``-v``), ``restore: warning: message`` and the like
    otherwise, as argparse writes ``restore: error: ...``."""

    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        if record.levelno == logging.INFO:
            return f"restore: {message}"
        return f"restore: {record.levelname.lower()}: {message}"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail a second time."""
    with contextlib.suppress(OSError, ValueError):  # stdout already closed or not a real file
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    raise SystemExit(main())
