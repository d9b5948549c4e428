"""Subcommands of the ``restore`` CLI, one module each (see :mod:`restore.cli`)."""
