"""Glyph embedding (similarity for any pair), context gaps and context candidates (issue 12)."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.errors import ResourceError
from restore.glyphs.context import GAPS_ID, WORDS_ID, ContextCandidates, ContextGaps
from restore.glyphs.embedding import GlyphEmbedding
from restore.glyphs.tables import GlyphNeighbours


@pytest.fixture(scope="module")
def embedding() -> GlyphEmbedding:
    return GlyphEmbedding()


@pytest.fixture(scope="module")
def context(embedding) -> ContextCandidates:
    return ContextCandidates(embedding=embedding)


def test_embedding_covers_simplified_and_traditional(embedding):
    assert len(embedding) >= 10_000
    for ch in "基墓间问門們井並舉要適适臺台":
        assert ch in embedding, ch


def test_near_identical_glyphs_score_higher_than_unrelated_ones(embedding):
    assert embedding.similarity("未", "末") > 0.8
    assert embedding.similarity("间", "问") > 0.8
    # A shared component in the same place: alike, but less.
    assert 0.45 < embedding.similarity("墓", "基") < embedding.similarity("未", "末")
    for a, b in ("一鬱", "口森", "的是"):
        assert embedding.similarity(a, b) < 0.4, (a, b)


def test_embedding_agrees_with_the_glyph_table_on_its_pairs(embedding):
    # The listed top neighbours (rendered from SC faces only) stay close in the embedding.
    table = GlyphNeighbours()
    gaps = []
    for ch in "未间己土大問們":
        for other, sim in table.get(ch)[:3]:
            gaps.append(abs(embedding.similarity(ch, other) - sim))
    assert sum(gaps) / len(gaps) < 0.15


@settings(max_examples=50, deadline=None)
@given(st.sampled_from("未末间问基墓己已土士大天門們"), st.sampled_from("未末间问基墓己已土士大天門們x"))
def test_similarity_is_symmetric_bounded_and_one_on_the_diagonal(embedding, a, b):
    sim = embedding.similarity(a, b)
    assert sim == embedding.similarity(b, a)
    assert -1.0 <= sim <= 1.0 or a == b
    assert (sim == 1.0) == (a == b) or sim < 1.0
    assert embedding.similarities(a, [b]) == [sim]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(width=32, min_value=-2.0, max_value=2.0) | st.sampled_from([0.0625, -1.9375, 0.4215, -0.0004]), max_size=40))
def test_thousandths_are_rounds_to_three_places_bit_for_bit(values):
    # alike() rounds its similarities in one vectorised step: the very floats (and zero signs) of round().
    import math

    import numpy as np

    from restore.glyphs.embedding import _thousandths

    array = np.array(values, dtype=np.float32)
    expected = [round(float(v), 3) for v in array]
    got = _thousandths(array)
    assert [(v, math.copysign(1.0, v)) for v in got] == [(v, math.copysign(1.0, v)) for v in expected]


def test_alike_keeps_the_rounded_similarities_of_each_pair(embedding):
    found = embedding.alike("间", 0.5)
    assert "问" in found and "间" not in found
    assert all(sim >= 0.5 for sim in found.values())
    # The same value similarity() rounds for the pair alone, within float32 rounding of the products.
    assert abs(found["问"] - embedding.similarity("间", "问")) <= 0.001


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from("间未基己土大門們减滅舉"),
    st.floats(min_value=0.3, max_value=0.9),
    st.sets(st.sampled_from("问末朱墓基已巳士王天太门们闪减滅灭舉举x间"), max_size=15),
)
def test_alike_among_a_pool_is_alike_restricted_to_it(embedding, char, floor, pool):
    # Scored on the pool's rows alone before alike() is cached for (char, floor), filtered after:
    # the same characters, order and floats as the whole alike() restricted to the pool.
    first = embedding.alike_among(char, floor, pool)
    whole = {other: sim for other, sim in embedding.alike(char, floor).items() if other in pool}
    assert list(first.items()) == list(whole.items())
    assert list(embedding.alike_among(char, floor, pool).items()) == list(whole.items())


def test_neighbours_are_sorted_and_exclude_the_character(embedding):
    found = embedding.neighbours("间", 10)
    assert "间" not in found and "问" in found
    sims = list(found.values())
    assert sims == sorted(sims, reverse=True)


def test_a_damaged_embedding_file_is_a_resource_error(tmp_path, embedding):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"NOPE" + b"\0" * 32)
    with pytest.raises(ResourceError, match="bad magic"):
        GlyphEmbedding(bad)
    truncated = tmp_path / "short.bin"
    raw = embedding.path.read_bytes()
    truncated.write_bytes(raw[:-7])
    with pytest.raises(ResourceError, match="does not match its size"):
        GlyphEmbedding(truncated)
    wrong_version = tmp_path / "v9.bin"
    wrong_version.write_bytes(raw[:4] + struct.pack("<H", 9) + raw[6:])
    with pytest.raises(ResourceError, match="version 9"):
        GlyphEmbedding(wrong_version)


def test_gaps_give_what_train_has_between_two_characters():
    gaps = ContextGaps()
    assert len(gaps) > 50_000
    middles = dict(gaps.middles("天", "门"))
    assert middles.get("安", 0) >= 2
    counts = [n for _, n in gaps.middles("中", "国")]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 2
    assert gaps.middles("鬱", "鬱") == ()


def test_a_malformed_gaps_row_names_file_and_line(tmp_path):
    path = tmp_path / "gaps.tsv"
    path.write_text("# header\n天门\t安:3\n天\t安:3\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"gaps.tsv:3"):
        ContextGaps(path)
    path.write_text("天门\t安:x\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"gaps.tsv:1: bad middle"):
        ContextGaps(path).middles("天", "门")
    # Rows are looked up by binary search: out of order or repeated, the file is refused.
    path.write_text("天门\t安:3\n中国\t华:2\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"gaps.tsv:2: rows must be sorted"):
        ContextGaps(path)
    path.write_text("中国\t华:2\n\n天门\t安:3\n", encoding="utf-8")
    gaps = ContextGaps(path)
    assert len(gaps) == 2 and gaps.middles("天", "门") == (("安", 3),) and gaps.middles("中", "国") == (("华", 2),)
    assert gaps.middles("国", "天") == () and gaps.middles("一", "一") == () and gaps.middles("龟", "龟") == ()


def test_context_proposes_what_no_table_pairs(context):
    # 墓 for 基 (工作墓本完成): 基本 is a word; the context proposes 基 whatever the tables hold.
    found = {c.char: c for c in context.propose("墓", "作", "本", min_similarity=0.45)}
    assert "基" in found and found["基"].source in (GAPS_ID, WORDS_ID)
    # 大 for 天 in 在大安门: the gap 在_安 and the word 天安 both predict 天.
    assert "天" in {c.char for c in context.propose("大", "在", "安", min_similarity=0.45)}


def test_context_candidates_must_look_like_the_printed_character(context):
    loose = context.propose("墓", "作", "本", min_similarity=-1.0)
    strict = context.propose("墓", "作", "本", min_similarity=0.45)
    assert len(strict) < len(loose)
    assert all(c.similarity >= 0.45 for c in strict)
    assert [c.similarity for c in strict] == sorted((c.similarity for c in strict), reverse=True)
    assert "墓" not in {c.char for c in loose}
    assert context.propose("墓", "", "", min_similarity=0.0) == []


def test_char_stage_fixes_a_pair_no_table_has_with_context_evidence():
    from restore.config import CharConfig, Config
    from restore.evidence import ConfusionPair, LanguageModelScore
    from restore.stages.base import Document
    from restore.stages.char import EMBEDDING_ID, CharStage

    # 暴 for 基: no mined pair, not a listed glyph neighbour (墓 for 基 is mined since the tables
    # hold 120,910 rendered lines).
    text = "这项调查工作已经暴本结束。"
    on = Config(char=CharConfig(context_candidates=True))
    proposals = CharStage(on).propose(text, Document()).proposals
    (p,) = [p for p in proposals if text[p.start : p.end] == "暴"]
    assert p.after == "基" and p.confidence >= on.min_confidence
    pairs = {e.table: e for e in p.evidence if isinstance(e, ConfusionPair)}
    assert pairs.keys() & {GAPS_ID, WORDS_ID}
    assert 0.5 < pairs[EMBEDDING_ID].similarity < 0.8
    assert any(isinstance(e, LanguageModelScore) and e.logprob_after > e.logprob_before for e in p.evidence)
    # With context candidates off (the default) and no LM sweep (off by default), no table proposes
    # 基 there; the LM sweep finds it, as its own source (tests/test_lm_sweep.py).
    off = CharStage(Config()).propose(text, Document()).proposals
    assert not any(p.after == "基" for p in off)
    swept = [p for p in CharStage(Config(char=CharConfig(lm_sweep=True))).propose(text, Document()).proposals if p.after == "基"]
    assert swept and not {e.table for e in swept[0].evidence if isinstance(e, ConfusionPair)} & {GAPS_ID, WORDS_ID}


@pytest.fixture(scope="module")
def deleting_stage():
    from restore.config import CharConfig, Config
    from restore.stages.char import CharStage

    return CharStage(Config(char=CharConfig(delete_doubled=True)))


def test_a_doubled_character_is_a_deletion_candidate_with_evidence(deleting_stage):
    from restore.evidence import ConfusionPair

    text = "他昨天去看了了一场演出。"
    found = [(offset, c) for offset, c in deleting_stage.examine_text(text, "simplified") if c.features.delete]
    assert [offset for offset, _ in found] == [6]
    offset, cand = found[0]
    assert cand.after == "" and cand.features.lm_gain > 2.0
    proposal = deleting_stage._proposal(text, offset, cand)
    assert (proposal.start, proposal.end, proposal.after) == (6, 7, "")
    assert any(isinstance(e, ConfusionPair) and e.table == "doubled-char" for e in proposal.evidence)


@pytest.mark.parametrize("text", ["他们天天都去公园散步。", "你看看这本书写得怎么样。", "这件事情情况比较复杂。", "观众们哈哈哈地笑了起来。"])
def test_reduplications_runs_and_word_junctions_are_never_deletion_candidates(deleting_stage, text):
    assert not [c for _, c in deleting_stage.examine_text(text, "simplified") if c.features.delete]


def test_deletion_is_off_by_default():
    from restore.config import Config
    from restore.stages.char import CharStage

    found = CharStage(Config()).examine_text("他昨天去看了了一场演出。", "simplified")
    assert not [c for _, c in found if c.features.delete]


def test_module_examples_hold() -> None:
    import doctest

    from benchmarks import error_kinds
    from restore.glyphs import context as context_module
    from restore.glyphs import embedding as embedding_module
    from restore.stages import char_features

    for module in (embedding_module, context_module, error_kinds, char_features):
        assert doctest.testmod(module).failed == 0, module.__name__
