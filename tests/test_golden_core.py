"""Golden cases of the core stages, kept in data files (tests/golden/core_*.json)."""

from __future__ import annotations

import json

import pytest

import restore
from conftest import GOLDEN


def _cases(name: str) -> list[dict]:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _cases("core_must_fix.json"), ids=lambda c: c["id"])
def test_must_fix(case: dict, core_corrector: restore.Corrector) -> None:
    result = core_corrector.fix(case["input"])
    assert result.text == case["output"]
    assert restore.apply_edits(result.original, result.edits) == result.text


@pytest.mark.parametrize("case", _cases("core_must_not_change.json"), ids=lambda c: c["id"])
def test_must_not_change(case: dict, corrector: restore.Corrector) -> None:
    # The full default pipeline: no stage may touch clean text.
    result = corrector.fix(case["input"])
    assert result.edits == (), [f"{e.before!r}→{e.after!r} ({e.source})" for e in result.edits]
    assert result.text == case["input"]


@pytest.mark.parametrize("case", _cases("core_known_failures.json"), ids=lambda c: c["id"])
@pytest.mark.xfail(strict=True, reason="known failure; see the case's 'why'")
def test_known_failures(case: dict, core_corrector: restore.Corrector) -> None:
    assert core_corrector.fix(case["input"]).text == case["output"]
