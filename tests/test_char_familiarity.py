"""The word model's hinge in a document the char LM knows less well than the word model does
(CharConfig.unfamiliar_margin, unfamiliar_word_relief; CharStage.familiarity).

Sentences written for these tests (none from a corpus): a spoken one with a misread 本 for 东
(东西, "things"), and a news-style one.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import restore
from restore.config import Config
from restore.evidence import Familiarity, evidence_from_json, evidence_to_json
from restore.explain import describe_evidence, describe_edit
from restore.stages.base import Document
from restore.stages.char import CharStage

SPOKEN = "我跟你讲啊，那家店的本西真的超级好吃，下次带你去。"  # 本 misread for 东 at 10
NEWS = "国务院有关部门负责人今天在新闻发布会上介绍了今年经济运行的基本情况。"


def _config(**char: Any) -> Config:
    config = Config()
    return config.replace(char=dataclasses.replace(config.char, **char))


@pytest.fixture(scope="module")
def stage() -> CharStage:
    return CharStage(Config())


@pytest.fixture(scope="module")
def stage_off() -> CharStage:
    return CharStage(_config(unfamiliar_word_relief=0.0))


def _at(stage: CharStage, text: str, offset: int):
    found = [p for p in stage.propose(text, Document(script="simplified")).proposals if p.start == offset]
    return found[0] if found else None


def test_spoken_text_reads_better_to_the_word_model_and_lowers_the_hinge(stage: CharStage) -> None:
    measured = stage.familiarity(SPOKEN)
    assert measured is not None
    assert measured.word_logprob - measured.char_logprob > stage.config.unfamiliar_margin
    assert measured.hinge == stage.config.word_gain_hinge - stage.config.unfamiliar_word_relief


def test_news_text_keeps_the_hinge(stage: CharStage) -> None:
    measured = stage.familiarity(NEWS)
    assert measured is not None
    assert measured.word_logprob - measured.char_logprob <= stage.config.unfamiliar_margin
    assert measured.hinge == stage.config.word_gain_hinge


def test_no_han_no_measure(stage: CharStage) -> None:
    assert stage.familiarity("OK, 123.") is None


def test_the_lowered_hinge_lifts_a_misread_in_spoken_text(stage: CharStage, stage_off: CharStage) -> None:
    lifted, alone = _at(stage, SPOKEN, 10), _at(stage_off, SPOKEN, 10)
    assert lifted is not None and lifted.after == "东"
    # Without the relief the word model's margin is under the hinge: a suggestion at best.
    assert alone is None or alone.confidence < 0.8 <= lifted.confidence
    [record] = [e for e in lifted.evidence if isinstance(e, Familiarity)]
    assert record.hinge == stage.config.word_gain_hinge - stage.config.unfamiliar_word_relief
    assert not alone or not [e for e in alone.evidence if isinstance(e, Familiarity)]


def test_the_pipeline_fixes_it_and_explains_why() -> None:
    result = restore.fix(SPOKEN)
    assert result.text[10] == "东"
    [edit] = [e for e in result.edits if e.start == 10]
    line = describe_edit(result.original, edit)
    assert "the document is unfamiliar to the char LM" in line and "unfamiliar_margin" in line
    lowered = Config().char.word_gain_hinge - Config().char.unfamiliar_word_relief
    assert f"counts above {lowered:.2f}" in line
    # The word model's own line names the hinge its margin was weighed against: the lowered one.
    assert f"(weighed only above {lowered:.2f} in this document" in line


def test_off_leaves_the_document_unmeasured(stage_off: CharStage) -> None:
    assert restore.Corrector(_config(unfamiliar_word_relief=0.0)).fix(SPOKEN).text[10] == "本"
    assert stage_off.examine_text(SPOKEN, "simplified")  # still examined: only the hinge differs


def test_the_record_round_trips_and_reads() -> None:
    record = Familiarity(-2.65, -2.78, 4.0)
    assert evidence_from_json(evidence_to_json(record)) == record
    line = describe_evidence(record)
    assert "word model -2.780, char LM -2.650, word minus char -0.130" in line and "above 4.00" in line
    # Three decimals and the default threshold: a gap just above it does not print as equal to it.
    near = describe_evidence(Familiarity(-2.68, -3.0277, 4.0))
    assert "word minus char -0.348 above [char] unfamiliar_margin (-0.35 by default)" in near


def test_a_traditional_document_is_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both models read traditional text through t2s, and on traditional renders the lowered hinge
    # cost more than it fixed: such a document keeps the hinge, unmeasured. (Relief 3: the best
    # candidate of a traditional reading here has a word margin of ~3.6, which would ask.)
    stage = CharStage(_config(unfamiliar_word_relief=3.0))
    asked: list[str] = []
    measure = stage.familiarity

    def counted(text: str, prepared: str | None = None) -> Familiarity | None:
        asked.append(text)
        return measure(text, prepared)

    monkeypatch.setattr(stage, "familiarity", counted)
    traditional = stage.examine_text(SPOKEN, "traditional")
    assert asked == [] and any(c.word_logprobs and c.word_logprobs[1] - c.word_logprobs[0] > 3.0 for _, c in traditional)
    stage.examine_text(SPOKEN, "simplified")
    assert asked == [SPOKEN]


def test_weighing_every_candidate_lowers_the_hinge_alike(stage: CharStage) -> None:
    every = CharStage(_config(word_lm_best_only=False))
    lifted, alike = _at(stage, SPOKEN, 10), _at(every, SPOKEN, 10)
    assert lifted is not None and alike is not None
    assert (alike.after, alike.confidence) == (lifted.after, lifted.confidence)
    assert [e for e in alike.evidence if isinstance(e, Familiarity)]


def test_only_a_margin_the_lowered_hinge_counted_carries_the_record(stage: CharStage) -> None:
    lowered = stage.config.word_gain_hinge - stage.config.unfamiliar_word_relief
    found = stage.examine_text(SPOKEN, "simplified")
    margins = {offset: c.word_logprobs[1] - c.word_logprobs[0] for offset, c in found if c.word_logprobs}
    assert any(m < 0 for m in margins.values())  # candidates the word model is against are there
    for offset, cand in found:
        assert (cand.familiarity is not None) == (margins.get(offset, -1.0) > lowered), offset


def test_a_long_sentence_is_measured_on_its_start(stage: CharStage) -> None:
    from restore.stages import char as char_module

    # No sentence end for 60,000 characters: the measure reads the sample's worth, and the same
    # as the sample alone would give.
    sample = char_module._FAMILIARITY_SAMPLE
    endless = "我跟你讲那家店的东西真的超级好吃下次带你去" * 3000
    assert stage.familiarity(endless) == stage.familiarity(endless[:sample])
