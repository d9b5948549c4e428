"""Marks engines misread as other marks or as Han characters (issue 12): decimal commas, range
dashes, lone closing brackets, hyphens for the numeral 一 and runs of 一 for a dash.

Sentences written for these tests.
"""

from __future__ import annotations

import pytest

import restore
from restore.lm.model import CharLanguageModel
from restore.lm.sentence_marks import span_readings


@pytest.fixture(scope="module")
def lm() -> CharLanguageModel:
    return CharLanguageModel()


def test_a_reading_as_printed_scores_the_lm_window(lm: CharLanguageModel) -> None:
    tokens = list(lm.prepare("他们一一握手告别"))
    [same] = span_readings(lm.model, tokens, 2, 4, [tokens[2:4]])
    # The same window scored token by token from the sentence start (order 5: the window is
    # the span plus the four tokens after it, the last of the unit; </s> is one further).
    full = [score for score, _, _ in lm.model.full_scores(" ".join(tokens), bos=True, eos=True)]
    assert same == pytest.approx(sum(full[2:8]), abs=1e-4)
    with pytest.raises(IndexError):
        span_readings(lm.model, tokens, 3, len(tokens) + 1, [[]])


def test_a_hyphen_between_han_becomes_the_numeral(corrector: restore.Corrector) -> None:
    result = corrector.fix("学校今年获得了-系列荣誉。")
    [edit] = result.edits
    assert (edit.before, edit.after) == ("-", "一")
    pairs = [e for e in edit.evidence if getattr(e, "table", "") == "misread-dash"]
    scores = [e for e in edit.evidence if hasattr(e, "logprob_after")]
    assert pairs and scores and scores[0].logprob_after - scores[0].logprob_before >= 1.0


def test_the_margin_decides(corrector: restore.Corrector) -> None:
    strict = restore.Corrector(restore.Config.from_mapping({"char": {"hyphen_to_one_margin": 20.0}}))
    assert strict.fix("学校今年获得了-系列荣誉。").edits == ()
    off = restore.Corrector(restore.Config.from_mapping({"char": {"punctuation": False}}))
    assert off.fix("问题的关键在于一一一人才。").edits == ()


def test_a_dash_and_a_numeral_are_not_one_run(corrector: restore.Corrector) -> None:
    # ——一个: the run starts with a dash, so the numeral of 一个 is left alone.
    assert corrector.fix("礼貌有不同的讲究——一个人要懂得尊重别人。").edits == ()


@pytest.mark.parametrize(
    ("text", "before", "after", "rule"),
    [
        ("产值增长了4，9%。", "，", ".", "punct:decimal-comma"),
        ("风力将达6一7级。", "一", "—", "punct:range-dash"),
        ("记者张明〈女)报道。", ")", "）", "punct:halfwidth-closer"),
    ],
)
def test_rules_between_digits_and_brackets(corrector: restore.Corrector, text: str, before: str, after: str, rule: str) -> None:
    edits = [e for e in corrector.fix(text).edits if e.before == before]
    assert [(e.after, e.evidence[0].rule) for e in edits] == [(after, rule)]


def test_a_separator_lost_in_a_list_is_put_back_with_evidence(corrector: restore.Corrector) -> None:
    text = "出席的有张晓琪、王志远王林峰、李明华、刘德强、陈光、赵丽等。"
    [edit] = corrector.fix(text).edits
    assert (edit.start, edit.end, edit.after) == (11, 11, "、")
    assert [e.table for e in edit.evidence if hasattr(e, "table")] == ["glued-list-items"]
    off = restore.Corrector(restore.Config.from_mapping({"char": {"list_separator_confidence": 0.0}}))
    assert off.fix(text).edits == ()


@pytest.mark.parametrize("text", ["禁止损坏车辆、站台、轨道、信号、电缆等设施。", "保护车辆、道路、桥梁、隧道、管线等设施。"])
def test_no_separator_is_put_back_in_a_list_of_things(corrector: restore.Corrector, text: str) -> None:
    # Every short item is a known word (CharConfig.list_max_word_share): a list of things, where
    # the long item is a compound; with the share at 1.0 (every list) a 、 goes before 车.
    assert corrector.fix(text).edits == ()
    every_list = restore.Corrector(restore.Config.from_mapping({"char": {"list_max_word_share": 1.0}}))
    [edit] = every_list.fix(text).edits
    assert edit.after == "、" and text[edit.start] == "车"
    # A list of names is still split at the default.
    [name_edit] = corrector.fix("出席的有张晓琪、王志远王林峰、李明华、刘德强、陈光、赵丽等。").edits
    assert name_edit.after == "、"


def test_a_speck_after_a_separator_is_deleted(corrector: restore.Corrector) -> None:
    [edit] = corrector.fix("具体来说，.我们要从小事做起。").edits
    assert (edit.before, edit.after, edit.evidence[0].rule) == (".", "", "punct:speck-after-separator")


def test_a_speck_after_a_half_width_comma_goes_with_the_comma_widened(corrector: restore.Corrector) -> None:
    # One edit: deleting the speck alone left ",", which the next run widened (not idempotent).
    for text, expected in (("他说好,.是的", "他说好，是的"), ("“对”,.", "“对”，")):
        result = corrector.fix(text)
        assert result.text == expected
        assert [(e.before, e.after) for e in result.edits] == [(",.", "，")]
        assert corrector.fix(result.text).edits == ()
    assert corrector.fix("Hello,.").edits == ()  # not after Chinese: neither is touched


def test_a_second_separator_ending_a_line_is_deleted(corrector: restore.Corrector) -> None:
    [edit] = corrector.fix("各项工作进展顺利，。\n明天继续。").edits
    assert (edit.start, edit.before, edit.after) == (9, "。", "")
    assert edit.evidence[0].rule == "punct:trailing-separator"
    # Mid-line the pair is left to the other rules (the LM decides a separator after a separator).
    assert all(e.evidence[0].rule != "punct:trailing-separator" for e in corrector.fix("进展顺利，。明天继续。").edits)


def test_a_weak_look_alike_alone_is_held_back_under_its_floor(corrector: restore.Corrector) -> None:
    # 凋 -> 同: glyph cosine 0.56, no mined pair: the LM alone (CharConfig.weak_glyph_similarity /
    # weak_glyph_apply_from). Held back as a suggestion at mixed_line_max_confidence; 0 switches it off.
    text = "这种花经冬不凋，颜色鲜艳。"
    result = corrector.fix(text)
    assert result.edits == ()
    [held] = [e for e in result.suggestions if e.before == "凋"]
    assert held.after == "同" and held.confidence == pytest.approx(0.6)
    [glyph] = [e for e in held.evidence if getattr(e, "table", "").startswith("glyph:")]
    assert glyph.similarity < 0.6
    off = restore.Corrector(restore.Config.from_mapping({"char": {"weak_glyph_apply_from": 0.0}}))
    [edit] = off.fix(text).edits
    assert (edit.before, edit.after) == ("凋", "同") and 0.8 <= edit.confidence < 0.9
