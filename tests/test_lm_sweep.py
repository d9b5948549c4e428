"""The char stage's LM sweep over a printed character's glyph look-alikes (issue 12, CharConfig.lm_sweep).

Sentences written for these tests.
"""

from __future__ import annotations

import dataclasses

import pytest

import restore
from restore.config import Config
from restore.glyphs.context import SWEEP_ID
from restore.stages.char import CharStage


def _config(**changes) -> Config:
    config = Config()
    return config.replace(char=dataclasses.replace(config.char, **changes))


@pytest.fixture(scope="module")
def stage() -> CharStage:
    return CharStage(_config(lm_sweep=True))


@pytest.fixture(scope="module")
def sweeping() -> restore.Corrector:
    return restore.Corrector(_config(lm_sweep=True))


def _tokens(stage: CharStage, text: str) -> tuple[list[str], list[str]]:
    return list(text), list(stage.lm.prepare(text))


def test_gate_takes_only_very_improbable_han_characters_of_the_chosen_scripts():
    stage = CharStage(_config(lm_sweep=True, sweep_logprob=-4.0, sweep_traditional=False))
    assert stage.sweeps("墓", -4.0, "simplified") and stage.sweeps("墓", -6.5, "")
    assert not stage.sweeps("墓", -3.9, "simplified")  # likely enough as printed
    assert not stage.sweeps("墓", -6.5, "traditional")  # traditional pages need sweep_traditional
    assert CharStage(_config(lm_sweep=True, sweep_traditional=True)).sweeps("墓", -6.5, "traditional")
    for ch in "，a7丶":  # marks, Latin, digits, an ideograph that reads as a mark
        assert not stage.sweeps(ch, -9.0, "simplified"), ch
    assert not CharStage(_config(lm_sweep=False)).sweeps("墓", -9.0, "simplified")


def test_pool_is_the_lm_tokens_of_the_look_alikes_cached_per_character(stage):
    floor = stage.config.sweep_min_similarity
    pool, forms, sims = stage._sweep_pool("墓")
    assert stage._sweep_pool("墓")[0] is pool  # cached
    assert "基" in pool and "墓" not in pool
    assert len(pool) == len(forms) == len(sims) == len(set(pool)) > 50
    embedding = stage.resources.sweep
    for token, form, sim in zip(pool, forms, sims):
        assert stage.lm.prepare(form) == token
        assert sim >= floor - 1e-6
        assert abs(sim - embedding.similarity("墓", form)) < 1e-3
    # A traditional look-alike counts as its simplified token, with the form the glyph resembles.
    pool, forms, _sims = stage._sweep_pool("黛")
    assert forms[pool.index("党")] == "黨"
    assert embedding.similarity("黛", "黨") > embedding.similarity("黛", "党")


def test_sweep_finds_the_one_look_alike_the_sentence_wants(stage):
    text = "这项工程墓本完工了。"
    chars, tokens = _tokens(stage, text)
    cand = stage.sweep_candidate(tokens, chars, 4, -6.0)
    assert cand is not None and cand.after == "基" and cand.proposed_by == SWEEP_ID
    assert cand.features.sweep and cand.features.lm_gain >= stage.config.sweep_min_gain
    assert 0 <= cand.features.sweep_margin <= stage.config.sweep_margin_cap
    assert cand.features.glyph_similarity >= stage.config.sweep_min_similarity
    # Without enough gain or margin over the runner-up there is no candidate.
    for strict in ({"sweep_min_gain": 19.0}, {"sweep_min_margin": 19.0}):
        assert CharStage(_config(lm_sweep=True, **strict)).sweep_candidate(tokens, chars, 4, -6.0) is None, strict


def test_sweep_writes_the_traditional_look_alike_only_where_the_print_was_traditional(stage):
    embedding = stage.resources.sweep
    # 常 resembles 黨 a little more than 党 (0.54, 0.40): written 党 in simplified text, 黨 where the
    # sentence shows traditional print elsewhere.
    assert 0 < embedding.similarity("常", "黨") - embedding.similarity("常", "党") < stage.config.sweep_form_margin
    for text, expected in (("他是一名老共产常员。", "党"), ("他是一名老共產常員。", "黨")):
        chars, tokens = _tokens(stage, text)
        cand = stage.sweep_candidate(tokens, chars, 7, -6.0)
        assert cand is not None and cand.after == expected, text
    # 黛 resembles 黨 far more than 党: the print was 黨 even in a sentence read as simplified.
    assert embedding.similarity("黛", "黨") - embedding.similarity("黛", "党") >= stage.config.sweep_form_margin
    chars, tokens = _tokens(stage, "他是一名老共产黛员。")
    cand = stage.sweep_candidate(tokens, chars, 7, -6.0)
    assert cand is not None and cand.after == "黨"


def test_rival_from_the_tables_is_neither_repeated_nor_beaten_without_a_margin(stage):
    text = "这项工程墓本完工了。"
    chars, tokens = _tokens(stage, text)
    alone = stage.sweep_candidate(tokens, chars, 4, -6.0)
    same = dataclasses.replace(alone, proposed_by="")
    assert stage.sweep_candidate(tokens, chars, 4, -6.0, rival=same) is None
    close = dataclasses.replace(alone, after="草", logprob_after=alone.logprob_after - 0.5)
    assert stage.sweep_candidate(tokens, chars, 4, -6.0, rival=close) is None


def test_switch_off_loads_nothing_and_proposes_nothing():
    corrector = restore.Corrector(_config(lm_sweep=False, context_candidates=False))
    # (暴 for 基: in no mined table, not a listed glyph neighbour; only the sweep or the context finds 基.)
    result = corrector.fix("这项调查工作已经暴本结束。")
    assert result.text == "这项调查工作已经暴本结束。"
    assert not any(getattr(e, "table", "") == SWEEP_ID for edit in result.suggestions for e in edit.evidence)
    stage = next(s for s in corrector.stages if isinstance(s, CharStage))
    assert stage.resources.sweep is None


def test_sweep_edit_carries_its_source_and_the_cosine(sweeping):
    result = sweeping.fix("这项调查工作已经暴本结束。")
    assert result.text == "这项调查工作已经基本结束。"
    (edit,) = result.edits
    pairs = {e.table: e for e in edit.evidence if hasattr(e, "table")}
    assert pairs[SWEEP_ID].seen == "暴" and pairs[SWEEP_ID].meant == "基"
    assert pairs[SWEEP_ID].similarity == pairs["glyph:embedding"].similarity >= 0.5
    assert restore.apply_edits(result.original, result.edits) == result.text
    # The same characters where they are right stay.
    assert sweeping.fix("烈士墓前摆满了鲜花。").edits == ()
    assert sweeping.fix("一场暴雨过后，街道两旁的树木格外青翠。").edits == ()
