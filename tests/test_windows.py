"""score_windows shares kenlm states yet gives exactly the totals of one walk per replacement."""

from __future__ import annotations

import kenlm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.lm.model import CharLanguageModel
from restore.lm.windows import begin_state, score_windows, window_tail

# Frequent and rare characters, a mark and a character outside the model's vocabulary (Ꙃ).
ALPHABET = "会议在徐汇区召开的了是一人民图书馆涂斜钭，。Ꙃ"


@pytest.fixture(scope="module")
def model() -> kenlm.Model:
    return CharLanguageModel().model


def _one_walk_each(model: kenlm.Model, context: kenlm.State, tail: list[str], replacements: list[str]) -> list[float]:
    totals = []
    for replacement in replacements:
        state, scratch = kenlm.State(), kenlm.State()
        total = model.BaseScore(context, replacement, state)
        for token in tail:
            total += model.BaseScore(state, token, scratch)
            state, scratch = scratch, state
        totals.append(total)
    return totals


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=12),
    data=st.data(),
    replacements=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=12),
)
def test_shared_walk_equals_one_walk_per_replacement(
    model: kenlm.Model, tokens: list[str], data: st.DataObject, replacements: list[str]
) -> None:
    index = data.draw(st.integers(0, len(tokens) - 1))
    context = begin_state(model, tokens, index)
    tail = window_tail(model, tokens, index)
    assert score_windows(model, context, tail, replacements) == _one_walk_each(model, context, tail, replacements)


def test_window_tail_reaches_the_sentence_end(model: kenlm.Model) -> None:
    tokens = list("会议在徐汇区召开")
    assert window_tail(model, tokens, 1) == list("在徐汇区")  # order 5: four tokens after
    assert window_tail(model, tokens, 5) == ["召", "开", "</s>"]
