"""Shared fixtures: one corrector per session (resources load once), paths to shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import restore

# CI runs the properties with a fixed seed so a rare counterexample cannot make a run flaky;
# developers' runs stay random and find new ones.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


def shared_dir() -> Path:
    """The ``shared`` folder beside the checkout (override with RESTORE_SHARED)."""
    return Path(os.environ.get("RESTORE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def corrector() -> restore.Corrector:
    return restore.Corrector()


@pytest.fixture(scope="session")
def core_corrector() -> restore.Corrector:
    """Only the core stages (layout, punct, script), for tests of those stages alone."""
    return restore.Corrector(restore.Config(stages=("layout", "punct", "script")))
