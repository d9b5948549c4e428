"""The char stage's modern knowledge and adaptation: the word model's opinion and the n-gram cache."""

from __future__ import annotations

import pytest

import restore
from restore.evidence import Consistency, LanguageModelScore, Repetition
from restore.stages.base import Document

# Written by us in the style of a regulation; the 1998 news model prefers 五倍 here on its own.
PENALTY = "没收其违法所得，另处违法所得二倍以上四倍以下的罚款。"


@pytest.fixture(scope="module")
def adapted() -> restore.Corrector:
    return restore.Corrector(
        restore.Config.from_mapping({"char": {"calib_cache": 1.0, "calib_word_gain": 0.5, "batch_cache": True}})
    )


@pytest.fixture(scope="module")
def no_cache() -> restore.Corrector:
    return restore.Corrector(restore.Config.from_mapping({"char": {"calib_cache": 0.0}}))


def _changes(result: restore.Result) -> list[tuple[str, str]]:
    return [(e.before, e.after) for e in result.edits]


def _proposed(result: restore.Result) -> list[tuple[str, str]]:
    return [(e.before, e.after) for e in (*result.edits, *result.suggestions)]


def test_a_repeated_correct_phrase_is_never_changed(corrector, no_cache):
    page = "\n".join([PENALTY, "经营者应当依法纳税。", PENALTY, PENALTY])
    # Without the cache the model doubts 二 in every occurrence alike (the 1998-only model
    # applied 二 -> 五 at 0.97; the law-mixed model still suggests it).
    alone = no_cache.fix(page)
    assert _proposed(alone).count(("二", "五")) == 3
    result = corrector.fix(page)  # the defaults: the cache on
    assert result.edits == (), _changes(result)
    assert result.text == page
    assert ("二", "五") not in _proposed(result)  # the repetition answers the doubt


def test_the_batch_cache_comes_from_the_first_pass(adapted):
    # One document alone says nothing; a batch that repeats the phrase does.
    survey = adapted.survey([PENALTY, PENALTY, PENALTY])
    assert survey.get("char").count("二倍以") == 3
    assert adapted.fix(PENALTY, survey=survey).edits == ()


def test_the_cache_supports_a_form_the_document_prints_right():
    # 议事会 three times as printed, once misread as 仪事会: the text itself backs 议.
    corrector = restore.Corrector(restore.Config.from_mapping({"char": {"calib_cache": 1.0, "word_lm": False}}))
    stage = next(s for s in corrector.stages if s.name == "char")
    text = "居民议事会讨论停车。居民议事会投票。居民议事会闭幕。居民仪事会通知。"
    cache, scope = stage.cache_for(text, Document())
    assert scope == "document"
    tokens = list(stage.lm.prepare("居民仪事会通知。"))
    assert cache.log_ratio(tokens, 2, "议", own=1) > 0.5


def test_word_model_evidence_records_its_scores(adapted):
    result = adapted.fix("区快链技术在政务服务中得到应用。")
    records = [r for e in (*result.edits, *result.suggestions) for r in e.evidence if isinstance(r, LanguageModelScore)]
    word_records = [r for r in records if r.model == "zh_CN.lm"]
    for record in word_records:
        assert record.logprob_before <= 0 and record.logprob_after <= 0


def test_cache_evidence_is_a_consistency_record(adapted):
    text = "居民议事会讨论停车。居民议事会投票。居民议事会闭幕。居民仪事会通知。"
    result = adapted.fix(text)
    for edit in (*result.edits, *result.suggestions):
        for record in edit.evidence:
            if isinstance(record, Consistency):
                assert record.scope == "document" and record.occurrences >= 1


def test_a_misread_the_engine_repeats_is_still_offered_and_says_why(corrector, no_cache):
    # 己经 on three lines: a mined OCR confusion whose change makes a known word is not held back
    # as a repeated phrase, but the repetition weighs on it, and its evidence says so.
    line = "市政府己经公布了新的交通规划方案。"
    alone = corrector.fix(line)
    assert [(e.before, e.after) for e in alone.edits] == [("己", "已")]
    page = corrector.fix("\n".join([line] * 3))
    offered = [e for e in (*page.edits, *page.suggestions) if (e.before, e.after) == ("己", "已")]
    assert len(offered) == 3
    cap = restore.Config().char.cache_repeat_max_confidence
    assert all(e.confidence > cap for e in offered)  # not capped as a repeated phrase
    assert all(e.confidence < alone.edits[0].confidence for e in offered)  # but weighed down
    records = [r for e in offered for r in e.evidence if isinstance(r, Repetition)]
    assert len(records) == 3 and all(r.reading == "己" and r.occurrences == 2 and r.scope == "document" for r in records)
    # Without the cache every occurrence is what one line alone is.
    assert [e.confidence for e in no_cache.fix("\n".join([line] * 3)).edits] == [alone.edits[0].confidence] * 3
    # The record round-trips through JSON and reads as a sentence in `restore explain`.
    from restore.evidence import evidence_from_json, evidence_to_json
    from restore.explain import describe_evidence

    assert evidence_from_json(evidence_to_json(records[0])) == records[0]
    assert describe_evidence(records[0]) == 'the document repeats "己" as read 2 more times (weighed against the change)'


def test_a_repeated_look_alike_misread_that_makes_a_word_is_fixed_in_every_copy(corrector):
    # An engine repeats its misread of the same glyph: 厉 for 历 (a rendered-glyph neighbour, in no
    # mined table) in every copy of a line. The change makes a known word (历史), so the repetition
    # does not hold it back (it did: a 0.6 suggestion in each copy).
    line = "这座城市有着悠久的厉史和文化。"
    result = corrector.fix("\n".join([line] * 5))
    assert _changes(result) == [("厉", "历")] * 5
    assert all(e.confidence >= 0.8 for e in result.edits)
    # The repetition is still weighed and said (a correct repeated phrase stays: the test above).
    assert all(any(isinstance(v, Repetition) for v in e.evidence) for e in result.edits)
