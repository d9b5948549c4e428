"""Which script a document is printed in, when OCR mixed the two (issue 11/12: script damage).

A simplified-trained OCR model reads traditional print half in simplified forms, while simplified
print gains traditional-only characters only by misreads; so a document neither script dominates
is traditional once its traditional-only characters reach its simplified-only ones
(``ScriptConfig.traditional_dominance_ratio``). Sentences written for these tests.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restore
from restore.scriptdata import TRADITIONAL, ScriptTables
from restore.stages.base import Document
from restore.stages.script import ScriptStage


def _script_config(**changes: object) -> restore.Config:
    config = restore.Config()
    return config.replace(script=dataclasses.replace(config.script, **changes))


@pytest.mark.parametrize(
    ("text", "restored"),
    [
        # 5 traditional-only, 3 simplified-only characters: no 3:1 majority either way.
        ("這個问题已經讨論過了。", "這個問題已經討論過了。"),
        # 3 and 2.
        ("他們對這项工作很满意。", "他們對這項工作很滿意。"),
    ],
)
def test_a_half_simplified_traditional_line_is_restored(text: str, restored: str, corrector: restore.Corrector) -> None:
    simplified, traditional = ScriptTables.load().counts(text)
    assert traditional < 3 * simplified  # the symmetric rule alone leaves the line undecided
    assert corrector.fix(text).text == restored
    symmetric = restore.Corrector(_script_config(traditional_dominance_ratio=1000.0))
    assert symmetric.fix(text).text == text


def test_the_document_decides_not_a_line_of_a_simplified_page() -> None:
    # The second line alone would lean traditional (two traditional-only 紅, 樓 against 书, 买);
    # on a page that is clearly simplified it takes the page's script.
    text = "他在书店买了紅樓梦。\n这本书是他送给妹妹的生日礼物，她一直很喜欢读小说。"
    document = Document()
    out = ScriptStage(restore.Config()).propose(text, document)
    assert document.script == "simplified"
    converted = {p.after for p in out.proposals} | {d.proposal.after for d in out.deferred}
    assert converted == {"红", "楼"}


@given(simplified=st.integers(0, 200), traditional=st.integers(0, 200))
def test_the_document_rule_never_picks_traditional_against_a_simplified_majority(simplified: int, traditional: int) -> None:
    config = restore.Config().script
    decided = ScriptStage(restore.Config())._traditional_print(simplified, traditional)
    if traditional < config.traditional_min_chars or traditional < config.traditional_dominance_ratio * simplified:
        assert decided == ""
    else:
        assert decided == TRADITIONAL
        assert not simplified >= config.dominance_ratio * traditional  # never where simplified dominates


def test_one_traditional_form_on_a_simplified_line_is_not_enough() -> None:
    document = Document()
    ScriptStage(restore.Config()).propose("陈國平是我们的老师。", document)
    assert document.script == "simplified"
