"""restore: restore Chinese text damaged by OCR, with every change explained.

>>> import restore
>>> r = restore.fix("会议在 12 月 17 日召开,地点在徐汇")
>>> r.text
'会议在12月17日召开，地点在徐汇'
>>> restore.apply_edits(r.original, r.edits) == r.text
True

Nothing heavy happens at import: the pipeline and its resources load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> defining module; resolved on first attribute access (PEP 562).
_EXPORTS = {
    "fix": "restore.pipeline",
    "Corrector": "restore.pipeline",
    "apply_edits": "restore.edits",
    "Edit": "restore.edits",
    "Result": "restore.result",
    "Config": "restore.config",
    "RestoreError": "restore.errors",
    "InputError": "restore.errors",
    "OutputError": "restore.errors",
    "ConfigError": "restore.errors",
    "ResourceError": "restore.errors",
    "LexiconError": "restore.errors",
    "SchemaError": "restore.errors",
    "EditError": "restore.errors",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from restore.config import Config
    from restore.edits import Edit, apply_edits
    from restore.errors import (
        ConfigError,
        EditError,
        InputError,
        LexiconError,
        OutputError,
        ResourceError,
        RestoreError,
        SchemaError,
    )
    from restore.pipeline import Corrector, fix
    from restore.result import Result


def __dir__() -> list[str]:
    # The exports load on first use (__getattr__): list them for dir() and tab completion.
    return sorted({*globals(), *_EXPORTS})


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'restore' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
