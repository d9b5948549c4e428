"""A 。 an engine printed for ， is offered back as a comma when the LM finds a comma likelier (issue 12, item 6).

Sentences written for these tests.
"""

from __future__ import annotations

import dataclasses

import pytest

import restore
from restore.lm.model import CharLanguageModel
from restore.lm.sentence_marks import stop_and_comma


@pytest.fixture(scope="module")
def lm() -> CharLanguageModel:
    return CharLanguageModel()


def test_an_introductory_phrase_does_not_end_a_sentence(lm: CharLanguageModel) -> None:
    stop, comma = stop_and_comma(lm.model, list(lm.prepare("近年来。我国的农业发展很快")), 3)
    assert comma - stop > 2.3
    stop, comma = stop_and_comma(lm.model, list(lm.prepare("会议开得很成功。大家都很满意")), 7)
    assert comma - stop < 2.3


def test_both_readings_score_the_same_tokens(lm: CharLanguageModel) -> None:
    # The mark's own character does not matter: both readings replace it.
    tokens = list(lm.prepare("近年来。我国的农业发展很快"))
    assert stop_and_comma(lm.model, tokens, 3) == stop_and_comma(lm.model, [*tokens[:3], "，", *tokens[4:]], 3)
    with pytest.raises(IndexError):
        stop_and_comma(lm.model, tokens, len(tokens))


def test_a_stop_read_for_a_comma_is_a_suggestion(corrector: restore.Corrector) -> None:
    result = corrector.fix("近年来。我国的农业生产发展很快。")
    assert result.edits == ()
    [offer] = [s for s in result.suggestions if s.start == 3]
    assert (offer.before, offer.after, offer.kind) == ("。", "，", "punct")
    assert offer.confidence == restore.Config().char.stop_to_comma_confidence < restore.Config().min_confidence
    scores = [e for e in offer.evidence if getattr(e, "type", "") == "lm"]
    assert scores and scores[0].logprob_after - scores[0].logprob_before >= restore.Config().char.stop_to_comma_margin


def test_a_real_sentence_end_is_not_offered(corrector: restore.Corrector) -> None:
    result = corrector.fix("会议开得很成功。大家都很满意。")
    assert result.edits == () and result.suggestions == ()


def test_margin_zero_switches_it_off() -> None:
    config = restore.Config()
    off = restore.Corrector(config.replace(char=dataclasses.replace(config.char, stop_to_comma_margin=0.0)))
    assert off.fix("近年来。我国的农业生产发展很快。").suggestions == ()
