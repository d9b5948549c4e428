"""The one exception hierarchy of the library: catch :class:`RestoreError` to catch them all."""

from __future__ import annotations


class RestoreError(Exception):
    """Base class of every error the library raises on purpose."""


class InputError(RestoreError):
    """The input cannot be restored: not text, not UTF-8, not a readable file."""


class OutputError(RestoreError):
    """An output cannot be written: it would land in the input, go through a symbolic link, or the write failed."""


class ConfigError(RestoreError):
    """A configuration value or file is invalid (unknown key, wrong type, out of range)."""


class ResourceError(RestoreError):
    """A bundled or user-supplied resource (model, table, lexicon) is missing or corrupt."""


class LexiconError(ResourceError):
    """A lexicon file has a bad header or line; the message names the file and line."""


class SchemaError(RestoreError):
    """Serialised edits or decisions do not follow the versioned schema."""


class EditError(RestoreError, ValueError):
    """An edit is malformed, does not match the text, or overlaps another edit."""
