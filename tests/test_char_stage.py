"""The char (LM) stage: look-alike fixes with evidence, clean text untouched, resources checked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.config import CharConfig, Config
from restore.edits import apply_edits
from restore.errors import ResourceError
from restore.evidence import ConfusionPair, LanguageModelScore
from restore.glyphs.tables import load_confusions, load_glyph_neighbours
from restore.lm.t2s import load_script_sets
from restore.pipeline import Corrector
from restore.stages.base import Document
from restore.chars import is_bmp_han as is_han
from restore.stages.char import _SENTENCE_END, INSERT_MARKS, CharStage, is_mark, sentence_around

# Sentences written for these tests.
CLEAN = [
    "今天下午三点在会议室召开全体职工大会。",
    "我们要认真学习，努力工作，为建设美好家园贡献力量。",
    "公司今年的销售额比去年增长了百分之二十。",
    "新建的图书馆明年对外开放。",
    "他从小就喜欢画画，现在是一名美术老师。",
    "城市的綠化面積不斷擴大，居民生活水平明顯提高。",
]


@pytest.fixture(scope="module")
def stage() -> CharStage:
    return CharStage(Config())


def test_fixes_a_look_alike_with_evidence(stage):
    text = "今年我们的经济发展很怏。"
    proposals = stage.propose(text, Document()).proposals
    assert len(proposals) == 1
    p = proposals[0]
    assert (text[p.start : p.end], p.after, p.kind, p.source) == ("怏", "快", "char", "lm:char5")
    assert p.confidence >= Config().min_confidence
    lm = [e for e in p.evidence if isinstance(e, LanguageModelScore)]
    assert lm and lm[0].logprob_after > lm[0].logprob_before
    assert any(isinstance(e, ConfusionPair) and (e.seen, e.meant) == ("怏", "快") for e in p.evidence)


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_gets_no_confident_edit(stage, text):
    for p in stage.propose(text, Document()).proposals:
        assert p.confidence < Config().min_confidence, (text, p)


def test_never_touches_latin_digits_or_punctuation(stage):
    text = "ABC公司在2O26年推出了新产品，价格是l99元。"
    for p in stage.propose(text, Document()).proposals:
        assert is_han(text[p.start]) and is_han(p.after)


def test_traditional_text_gets_traditional_candidates(stage):
    simplified_only, _ = load_script_sets()
    text = "他們的經濟發展很怏，生活越來越好。"
    proposals = stage.propose(text, Document(script="traditional")).proposals
    assert [(text[p.start], p.after) for p in proposals if p.confidence >= 0.8] == [("怏", "快")]
    assert not any(p.after in simplified_only for p in proposals)


def test_pipeline_with_char_stage_replays():
    config = Config(stages=("layout", "punct", "script", "char"))
    text = "今年我们的经济发展很怏,大家都很高兴。\n他从小就喜欢画画。"
    result = Corrector(config).fix(text)
    assert "很快，" in result.text
    assert apply_edits(result.original, result.edits) == result.text


def test_missing_model_is_a_resource_error():
    stage = CharStage(Config(char=CharConfig(model="/nonexistent/char.klm")))
    with pytest.raises(ResourceError, match="/nonexistent/char.klm"):
        stage.propose("今年的经济发展很快。", Document())


def test_shipped_tables_load():
    glyphs = load_glyph_neighbours()
    assert "末" in dict(glyphs["未"])
    assert all(len(c) == 1 for row in list(glyphs.values())[:100] for c, _ in row)
    confusions = load_confusions()
    assert confusions.sources  # at least one mined table ships


def test_mined_tables_merge(tmp_path):
    first = tmp_path / "ocr_confusions_a.tsv"
    first.write_text("# seen<TAB>meant<TAB>count\n末\t未\t3\n已\t己\t1\n", encoding="utf-8")
    second = tmp_path / "ocr_confusions_b.tsv"
    second.write_text("# seen<TAB>meant<TAB>count\n末\t未\t2\n末\t末\t9\n", encoding="utf-8")
    table = load_confusions([first, second])
    assert table.meant_for("末") == {"未": 5} and table.meant_for("已") == {"己": 1}
    assert table.sources == [first.name, second.name]
    stage = CharStage(Config(char=CharConfig(confusion_tables=(str(first), str(second)))))
    assert ("未", "未", 0.96, 5) in [(c, t, round(s, 2), n) for c, t, s, n in stage.candidates_for("末", "simplified")]


def test_malformed_tables_name_file_and_line(tmp_path):
    bad = tmp_path / "glyph.tsv"
    bad.write_text("# header\n未\t末:0.9 朱\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"glyph.tsv:2"):
        load_glyph_neighbours(bad)
    mined = tmp_path / "ocr_confusions.tsv"
    mined.write_text("# seen meant count\n末\t未\tmany\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"ocr_confusions.tsv:2"):
        load_confusions([mined])


def test_lookalike_mark_is_chosen_by_the_lm(stage):
    text = "我们要发展经济丶改善民生。"
    proposals = [p for p in stage.propose(text, Document()).proposals if p.confidence >= 0.8]
    assert [(text[p.start], p.after, p.kind) for p in proposals] == [("丶", "、", "punct")]


def test_sentence_final_and_decimal_marks_are_never_replaced(stage):
    text = "价格是3.5元;我们明天再谈。今天就到这里."
    for p in stage.propose(text, Document()).proposals:
        assert text[p.start] not in ".;。"


_ALPHABET = st.sampled_from(list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经末未己已怏快丶·，。、：；？！“”（）() ,.:;?!\n\t 0123456789ABCabc\ufffd\u200b\x00\x0b\x85\u3000🙂"))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_propose_never_raises_and_stays_in_bounds(stage, text):
    for p in stage.propose(text, Document()).proposals:
        assert 0 <= p.start <= p.end <= len(text) and p.end - p.start in (0, 1)
        assert text[p.start : p.end] != p.after and 0.0 <= p.confidence <= 1.0
        if p.end == p.start:  # an insertion: a dropped mark between two characters
            assert p.after in INSERT_MARKS and 0 < p.start < len(text)
        else:
            assert not (text[p.start].isascii() and text[p.start].isalnum())



def test_dropped_mark_is_put_back_and_replays():
    text = "会议要求各级干部管好配偶子女和身边工作人员。"
    result = Corrector(Config()).fix(text)
    assert result.text == "会议要求各级干部管好配偶、子女和身边工作人员。"
    (edit,) = result.edits
    assert (edit.start, edit.end, edit.before, edit.after, edit.kind) == (12, 12, "", "、", "punct")
    assert apply_edits(result.original, result.edits) == result.text


def test_half_width_pair_is_left_whole_for_the_punct_stage(stage):
    # Widening one half of "(…)" would leave a mismatched pair; the punct stage converts both.
    text = "他说这首歌唱得很(真好)。"
    assert not [p for p in stage.propose(text, Document()).proposals if text[p.start : p.end] in "()"]
    result = Corrector(Config()).fix(text)
    assert "（真好）" in result.text


def test_lone_closer_after_a_full_width_opener_is_widened(stage):
    text = "参加比赛的有张红（女)和李明两位同学。"
    proposals = [p for p in stage.propose(text, Document()).proposals if p.confidence >= 0.8]
    assert [(text[p.start], p.after) for p in proposals] == [(")", "）")]


def test_symbol_ending_a_line_is_read_as_a_full_stop(stage):
    text = "区委书记出席了今天的会议*\n下午继续讨论。"
    proposals = [p for p in stage.propose(text, Document()).proposals if p.confidence >= 0.8]
    assert [(text[p.start], p.after, p.kind) for p in proposals] == [("*", "。", "punct")]


@pytest.mark.parametrize("text", ["大家都叫她\"王阿姨\"", "会议一直开到晚上，\n大家才散去。", "他说：今天的会议到此结束"])
def test_closing_quote_comma_or_han_ending_a_line_is_not_a_full_stop(stage, text):
    assert not [p for p in stage.propose(text, Document()).proposals if p.after == "。"]


def test_han_one_read_for_a_dash_is_chosen_by_the_lm(stage):
    text = "预计明天沿海有5一6级东南风。"
    proposals = [p for p in stage.propose(text, Document()).proposals if p.confidence >= 0.8]
    assert [(text[p.start], p.after, p.kind) for p in proposals] == [("一", "—", "punct")]
    clean = "一年一度的运动会一共有一千人参加。"
    assert not [p for p in stage.propose(clean, Document()).proposals if p.after == "—"]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_sentence_around_matches_a_scan_of_the_whole_text(data):
    # The walk out from the offset finds the bounds a search of the whole text for every sentence end finds.
    text = data.draw(st.text(alphabet=st.sampled_from(list("他来了，好" + "".join(_SENTENCE_END))), min_size=1, max_size=40))
    offset = data.draw(st.integers(0, len(text) - 1))
    first = max(text.rfind(end, 0, offset) for end in _SENTENCE_END) + 1
    last = min((at for at in (text.find(end, offset + 1) for end in _SENTENCE_END) if at >= 0), default=len(text))
    assert sentence_around(text, offset) == (first, last)


def _examined(stage: CharStage, text: str, monkeypatch: pytest.MonkeyPatch) -> set[int]:
    """The positions ``examine`` scores on its first pass over ``text`` (one sentence)."""
    seen: set[int] = set()
    original, original_screen = CharStage.best_candidate, CharStage._screen

    def spy(self, tokens, chars, index, *args, **kwargs):
        if kwargs.get("walk") is not None:  # the detection pass, not a rescoring
            seen.add(index)
        return original(self, tokens, chars, index, *args, **kwargs)

    def screen_spy(self, tokens, chars, suspects, *args, **kwargs):
        seen.update(suspects)  # with the compiled kernel: screened at once, weighed where they gain
        return original_screen(self, tokens, chars, suspects, *args, **kwargs)

    monkeypatch.setattr(CharStage, "best_candidate", spy)
    monkeypatch.setattr(CharStage, "_screen", screen_spy)
    stage.examine(list(text), list(stage.lm.prepare(text)), "simplified")
    monkeypatch.undo()
    return seen


def test_look_ahead_skips_characters_the_lm_finds_likely(monkeypatch: pytest.MonkeyPatch) -> None:
    # 习 is near certain after 学 (log10 p -0.01) and the made-up 锷 after it very unlikely (-6.6):
    # look-ahead examines 习 for 锷's surprise only when the ceiling lets a likely character in.
    text = "老师说同学们要认真学习锷。"
    default = CharStage(Config())
    everything = CharStage(Config(char=CharConfig(detect_lookahead_logprob=0.0)))
    logprobs = [p for p, _, _ in default.lm.model.full_scores(" ".join(default.lm.prepare(text)))]
    ceiling = default.config.detect_lookahead_logprob
    examined, examined_all = _examined(default, text, monkeypatch), _examined(everything, text, monkeypatch)
    assert logprobs[10] > ceiling and logprobs[11] < default.config.detect_logprob
    assert 10 in examined_all and 10 not in examined and 11 in examined
    # Exactly the likely characters before a surprise are skipped; the rest is examined alike.
    detect = default.config.detect_logprob
    skipped = {i for i in examined_all if logprobs[i] >= detect and logprobs[i] > ceiling}
    assert skipped and examined == examined_all - skipped


def test_listed_tokens_before_the_options_are_the_options_tokens() -> None:
    # The compiled screen asks for a character's LM tokens first (CharStage._tokens_listed) and
    # builds its options only where one gains: the same tokens and options in either order.
    text = "会议在涂汇区召开，他己经到了图书馆。國家天夭未末！"
    for script in ("simplified", "traditional", ""):
        lazy, eager = CharStage(Config()), CharStage(Config())
        for char in text:
            for line_end in (False, True):
                key = (char, script, line_end and is_mark(char))
                tokens = lazy._tokens_listed(key)
                options = eager.candidates_for(*key)
                assert tokens == [option[1] for option in options]
                assert lazy.candidates_for(*key) == options
                assert lazy._tokens_listed(key) == tokens
        assert not lazy._listings  # every listing became options
