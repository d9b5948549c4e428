"""Golden cases of the char stage's candidates and decisions (tests/golden/char_*.json, issue 12).

Sentences written for these tests. Must-fix cases run the default pipeline, or the settings in
the case's ``config`` (``Config.from_mapping``: a switch that is off by default, such as
``char.context_candidates``); must-not-change twins (a correct 大安, a legitimate reduplication,
a traditional character right where it stands) must come back untouched with the defaults and
with every switch the must-fix cases use; known failures are strict xfails, so fixing one is
noticed.
"""

from __future__ import annotations

import json

import pytest

import restore
from conftest import GOLDEN


def _cases(name: str) -> list[dict]:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


_CORRECTORS: dict[str, restore.Corrector] = {}


def _corrector_for(case: dict, default: restore.Corrector) -> restore.Corrector:
    """The default corrector, or one built from the case's ``config`` (built once per config)."""
    if "config" not in case:
        return default
    key = json.dumps(case["config"], sort_keys=True)
    if key not in _CORRECTORS:
        _CORRECTORS[key] = restore.Corrector(restore.Config.from_mapping(case["config"]))
    return _CORRECTORS[key]


def _switches() -> list[dict]:
    """Every distinct config the must-fix cases use."""
    found = {json.dumps(c["config"], sort_keys=True) for c in _cases("char_must_fix.json") if "config" in c}
    return [json.loads(item) for item in sorted(found)]


@pytest.mark.parametrize("case", _cases("char_must_fix.json"), ids=lambda c: c["id"])
def test_must_fix(case: dict, corrector: restore.Corrector) -> None:
    result = _corrector_for(case, corrector).fix(case["input"])
    assert result.text == case["output"], [(e.before, e.after, e.confidence) for e in result.suggestions]
    assert restore.apply_edits(result.original, result.edits) == result.text
    # Every char edit says what proposed it and how alike the glyphs are.
    for edit in result.edits:
        if edit.source == "lm:char5":
            tables = {getattr(e, "table", "") for e in edit.evidence}
            assert tables & {"ocr-mined", "glyph:noto-cjk", "context:pd-train-gaps", "context:words", "context:lm-sweep", "misread-dash", "glued-list-items"}, edit


@pytest.mark.parametrize("case", _cases("char_must_not_change.json"), ids=lambda c: c["id"])
def test_must_not_change(case: dict, corrector: restore.Corrector) -> None:
    for chosen in [corrector, *(_corrector_for({"config": config}, corrector) for config in _switches())]:
        result = chosen.fix(case["input"])
        assert result.edits == (), [f"{e.before!r}→{e.after!r} ({e.source})" for e in result.edits]


@pytest.mark.parametrize("case", _cases("char_known_failures.json"), ids=lambda c: c["id"])
@pytest.mark.xfail(strict=True, reason="known failure; see the case's 'why'")
def test_known_failures(case: dict, corrector: restore.Corrector) -> None:
    assert _corrector_for(case, corrector).fix(case["input"]).text == case["output"]
