"""The compiled module ``restore._windows`` for the tests that compare it with the Python code."""

from __future__ import annotations

import os
from types import ModuleType

import pytest

from restore.lm import native


def native_module() -> ModuleType:
    """The module; skips the test when it was not built, and fails it under CI (which must build it)."""
    module = native.extension()
    if module is None:
        reason = "restore._windows is not built (no C++ compiler at install time, or RESTORE_NATIVE_BUILD=0)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must build the native module: {reason}")
        pytest.skip(reason)
    return module
