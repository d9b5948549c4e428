"""A minority-script character that may be a misread is not converted blindly (issue 12, item 5).

The script stage defers a traditional -> simplified conversion on a simplified page; the char
stage keeps it unless a likelier character fits there. Sentences written for these tests.
"""

from __future__ import annotations

import dataclasses

import pytest

import restore
from restore.stages.char import CharStage


def _stage(**changes: object) -> CharStage:
    config = restore.Config()
    return CharStage(config.replace(char=dataclasses.replace(config.char, **changes)))


def test_a_misread_becomes_a_suggestion_beside_the_likelier_character(corrector: restore.Corrector) -> None:
    # 舉 is a misread of 要 here: 举求 is no word, 要求 is one and the LM prefers it.
    result = corrector.fix("居民可以舉求物业公司及时维修。")
    assert result.edits == ()
    offered = {(s.after, s.source): s for s in result.suggestions if s.start == 4}
    assert offered[("举", "script:opencc-t2s")].confidence == restore.Config().script.ambiguous_confidence
    rival = offered[("要", "lm:char5")]
    tables = {getattr(e, "table", "") for e in rival.evidence}
    assert {"context:words", "glyph:embedding"} <= tables


def test_without_the_rival_search_the_misread_is_converted() -> None:
    # The same sentence with the rival search off: the conversion goes through, which the test above guards against.
    config = restore.Config()
    off = restore.Corrector(config.replace(char=dataclasses.replace(config.char, deferral_rivals=False)))
    result = off.fix("居民可以舉求物业公司及时维修。")
    assert [(e.before, e.after, e.confidence) for e in result.edits] == [("舉", "举", config.script.unambiguous_confidence)]


@pytest.mark.parametrize(
    ("text", "offset"),
    [("他们在广场舉行了庆祝活动。", 5), ("这是一个很簡单的问题。", 5)],
)
def test_a_leftover_in_a_word_has_no_rival(text: str, offset: int) -> None:
    # 举行 and 简单 are words: the character is a leftover of the other script, never contested.
    assert _stage().misread_rival(text, offset, "simplified") is None


def test_rival_needs_a_gain_and_a_look_alike() -> None:
    stage = _stage()
    text = "居民可以舉求物业公司及时维修。"
    rival = stage.misread_rival(text, 4, "simplified")
    assert rival is not None and rival.after == "要"
    assert rival.features.lm_gain >= stage.config.deferral_min_gain
    assert rival.features.glyph_similarity >= stage.config.deferral_min_similarity
    assert _stage(deferral_min_gain=rival.features.lm_gain + 5).misread_rival(text, 4, "simplified") is None
    assert _stage(deferral_min_similarity=0.9).misread_rival(text, 4, "simplified") is None
    # Traditional text: the context tables are simplified, so no rival is looked for.
    assert stage.misread_rival(text, 4, "traditional") is None


def test_every_conversion_to_traditional_is_deferred_to_the_char_stage() -> None:
    from restore.stages.base import Document
    from restore.stages.script import ScriptStage

    text = "我們參觀了井网山革命根據地。"
    config = restore.Config()
    out = ScriptStage(config).propose(text, Document())
    assert [(d.proposal.start, d.proposal.after, d.hedged.confidence) for d in out.deferred] == [
        (6, "網", config.script.ambiguous_confidence)
    ]
    # Switched off, only conversions the mined tables show misread are deferred; 网 -> 網 is not one.
    off = config.replace(script=dataclasses.replace(config.script, defer_all_to_traditional=False))
    out = ScriptStage(off).propose(text, Document())
    assert out.deferred == () and [(p.start, p.after) for p in out.proposals] == [(6, "網")]
    assert restore.Corrector(off).fix(text).text == "我們參觀了井網山革命根據地。"
