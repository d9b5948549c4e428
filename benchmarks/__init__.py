"""Benchmarks of ``restore`` against real OCR errors, public test sets and pycorrector.

Run ``python -m benchmarks`` (full, regenerates ``benchmarks/RESULTS.md``) or
``python -m benchmarks --smoke`` (tiny subsets, for CI). Data are read at run
time from ``../shared/data`` (or ``$RESTORE_SHARED/data``) and never copied in.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "benchmarks" / "out"


def ensure_restore_importable() -> None:
    """Let ``python -m benchmarks`` run from a checkout where the package is not installed."""
    try:
        import restore  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(REPO_ROOT / "src"))
