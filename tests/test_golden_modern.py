"""Golden must-not-change cases of modern phrasing (tests/golden/modern_must_not_change.json).

Policy slogans, technical and civic terms and 2020s coinages, written by us: the default pipeline
must leave every one alone, alone and when the phrase repeats through a document.
"""

from __future__ import annotations

import json

import pytest

import restore
from conftest import GOLDEN

CASES = json.loads((GOLDEN / "modern_must_not_change.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_modern_phrasing_is_not_changed(case: dict, corrector: restore.Corrector) -> None:
    result = corrector.fix(case["input"])
    assert result.edits == (), [f"{e.before!r}→{e.after!r} {e.confidence} ({e.source})" for e in result.edits]


def test_a_page_of_modern_phrasing_is_not_changed(corrector: restore.Corrector) -> None:
    # Together, as paragraphs of one page: document-level evidence must not change any of them.
    page = "\n".join(case["input"] for case in CASES)
    result = corrector.fix(page)
    assert result.edits == (), [f"{e.before!r}→{e.after!r} {e.confidence} ({e.source})" for e in result.edits]
