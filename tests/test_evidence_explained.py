"""Evidence says why a confidence is what it is (issue 12, newcomer findings 2 and 3).

Sentences written for these tests.
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import restore
from restore.config import Config
from restore.edits import Edit
from restore.errors import SchemaError
from restore.evidence import ConfidenceCap, evidence_from_json, evidence_to_json
from restore.explain import describe_evidence, describe_edit
from restore.stages.base import Document, StagePlan
from restore.stages.punct import PunctStage

SETTING = "punct.confusable_confidence"


def _caps(edit) -> list[ConfidenceCap]:
    return [e for e in edit.evidence if isinstance(e, ConfidenceCap)]


# -- ConfidenceCap: a value that validates itself and round-trips through JSON ---------------------


@given(
    st.floats(0.0, 1.0, allow_nan=False),
    st.floats(0.0, 1.0, allow_nan=False),
    st.text(min_size=1, max_size=30),
    st.text(max_size=60),
)
def test_a_cap_round_trips_through_json(a: float, b: float, setting: str, reason: str) -> None:
    if a == b:
        return
    record = ConfidenceCap(setting, min(a, b), max(a, b), reason)
    assert evidence_from_json(json.loads(json.dumps(evidence_to_json(record)))) == record


def test_a_cap_round_trips_inside_an_edit() -> None:
    cap = ConfidenceCap(SETTING, 0.6, 0.95, "':' after no cue")
    edit = Edit(4, 5, ":", "：", kind="punct", confidence=0.6, source="punct:halfwidth-mark", evidence=(cap,))
    payload = json.loads(json.dumps(edit.to_json(), ensure_ascii=False))
    assert payload["evidence"][0] == {"type": "cap", "setting": SETTING, "ceiling": 0.6, "uncapped": 0.95, "reason": "':' after no cue"}
    assert Edit.from_json(payload) == edit


@pytest.mark.parametrize(
    "fields",
    [
        ("", 0.6, 0.95, "r"),  # no setting
        (SETTING, 0.95, 0.6, "r"),  # raises the confidence
        (SETTING, 0.6, 0.6, "r"),  # lowers nothing
        (SETTING, -0.1, 0.95, "r"),
        (SETTING, 0.6, 1.5, "r"),
        (SETTING, math.nan, 0.95, "r"),
        (SETTING, True, 0.95, "r"),
        (SETTING, "0.6", 0.95, "r"),
        (SETTING, 0.6, 0.95, None),
    ],
)
def test_a_cap_refuses_bad_values(fields: tuple) -> None:
    with pytest.raises(ValueError):
        ConfidenceCap(*fields)
    payload = {"type": "cap", **dict(zip(("setting", "ceiling", "uncapped", "reason"), fields, strict=True))}
    with pytest.raises(SchemaError):
        evidence_from_json(payload)


def test_a_cap_missing_a_field_is_a_schema_error() -> None:
    with pytest.raises(SchemaError):
        evidence_from_json({"type": "cap", "setting": SETTING, "ceiling": 0.6, "uncapped": 0.95})


# -- the punct stage says which rule capped a mark ------------------------------------------------


def test_a_colon_after_no_cue_says_what_capped_it() -> None:
    config = Config()
    [proposal] = PunctStage(config, plan=StagePlan(("char",))).propose("报名地点:三楼大厅", Document()).proposals
    [cap] = [e for e in proposal.evidence if isinstance(e, ConfidenceCap)]
    assert proposal.confidence == cap.ceiling == config.punct.confusable_confidence
    assert cap.setting == SETTING and cap.uncapped == config.punct.confidence
    assert "点" in cap.reason and "说道曰问答" in cap.reason


def test_after_a_cue_or_without_the_char_stage_nothing_is_capped() -> None:
    config = Config()
    [cued] = PunctStage(config, plan=StagePlan(("char",))).propose("老师说:明天交作业", Document()).proposals
    assert cued.confidence == config.punct.confidence and not _caps(cued)
    [alone] = PunctStage(config, plan=StagePlan(())).propose("报名地点:三楼大厅", Document()).proposals
    assert alone.confidence == config.punct.confidence and not _caps(alone)


def test_a_mark_after_a_separator_says_so() -> None:
    [proposal] = PunctStage(Config(), plan=StagePlan(())).propose("活动结束。,大家回家", Document()).proposals
    [cap] = _caps(proposal)
    assert proposal.confidence == cap.ceiling and "separator" in cap.reason


def test_a_cap_at_or_above_the_rule_adds_no_record() -> None:
    config = Config.from_mapping({"punct": {"confusable_confidence": 0.99}})
    [proposal] = PunctStage(config, plan=StagePlan(("char",))).propose("报名地点:三楼大厅", Document()).proposals
    assert proposal.confidence == config.punct.confidence and not _caps(proposal)


def test_the_explanation_of_two_colons_says_why_they_differ() -> None:
    result = restore.fix("主持人问:报名地点:三楼大厅吗？")
    edits = {edit.start: edit for edit in (*result.edits, *result.suggestions) if edit.before == ":"}
    cued, capped = edits[4], edits[9]
    assert cued.confidence > capped.confidence
    assert "capped" not in describe_edit(result.original, cued)
    line = describe_edit(result.original, capped)
    assert "confidence capped at 0.60 (the rule alone gives 0.95) by punct.confusable_confidence" in line
    assert "after 点" in line
    assert "capped at 0.60" in describe_evidence(_caps(capped)[0])


# -- a lexicon match says what its similarity is --------------------------------------------------


def _lexicon_edit(before: str, after: str, match: str, similarity: float, confidence: float = 0.6) -> Edit:
    from restore.evidence import LexiconMatch

    record = LexiconMatch(lexicon="people.tsv", entry="林晓咏", line=3, match=match, similarity=similarity, cue="主任")
    return Edit(2, 2 + len(before), before, after, kind="entity", confidence=confidence, source="lexicon:people", evidence=(record,))


def test_a_fuzzy_lexicon_match_says_its_similarity_is_of_glyphs_not_the_confidence() -> None:
    edit = _lexicon_edit("味", "咏", "fuzzy", 0.3)
    line = describe_edit("林晓味到场", edit)
    assert "0.60" in line and "glyph similarity of the changed characters 0.30" in line
    assert "one input of the confidence" in line and "cue 主任" in line


def test_a_dropped_character_is_no_glyph_comparison() -> None:
    edit = _lexicon_edit("", "咏", "fuzzy", 0.3, confidence=0.9)
    line = describe_edit("林晓到场", edit)
    assert "a dropped character, no glyphs to compare: scored as glyph similarity 0.30" in line
    stray = describe_edit("林晓咏咏到场", _lexicon_edit("咏", "", "fuzzy", 0.3, confidence=0.9))
    assert "a doubled or stray character" in stray


def test_a_listed_variant_shows_no_similarity() -> None:
    line = describe_edit("林晓味到场", _lexicon_edit("味", "咏", "variant", 1.0, confidence=0.95))
    assert "variant match of 林晓咏 (people.tsv:3), cue 主任" in line and "similarity" not in line


def test_the_pipelines_fuzzy_suggestion_explains_its_similarity() -> None:
    result = restore.fix("会议强调坚持习近平新时代中国特色社会主思想。")
    [edit] = [e for e in (*result.edits, *result.suggestions) if e.kind == "entity"]
    assert "a dropped character, no glyphs to compare" in describe_edit(result.original, edit)


def test_the_word_models_line_says_its_margin_not_a_channel() -> None:
    from restore.evidence import LanguageModelScore
    from restore.explain import describe_evidence

    word = describe_evidence(LanguageModelScore("zh_CN.lm", -29.58, -22.44))
    assert "(word model)" in word and "margin +7.14" in word and "channel" not in word
    # Without the document's lowered hinge it is weighed against the configured one.
    assert "weighed only above [char] word_gain_hinge, 6.00 by default; counted: +1.14 over it" in word
    # With the settings the edit was made with, their hinge, and whether the margin cleared it.
    from restore.config import CharConfig

    configured = describe_evidence(LanguageModelScore("zh_CN.lm", -29.58, -22.44), char=CharConfig(word_gain_hinge=8.0))
    assert "weighed only above [char] word_gain_hinge, 8.00; not counted" in configured and "by default" not in configured
    char = describe_evidence(LanguageModelScore("char5.klm", -9.0, -2.86, 0.24))
    assert "channel 0.24" in char and "word model" not in char
