"""Subcommands of the ``restore`` CLI, one module each (see :mod:`restore.cli`)."""

from __future__ import annotations


def help_text(docstring: str | None) -> str:
    """A module docstring as ``--help`` shows it: without the reStructuredText literal quotes.

    >>> help_text("``restore fix FILE``: restore one document.")
    'restore fix FILE: restore one document.'
    """
    return (docstring or "").replace("``", "")
