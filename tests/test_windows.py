"""score_windows shares kenlm states yet gives exactly the totals of one walk per replacement, and
the char stage's hot path (shared walks, the gain floor, word lookups by slices) changes no choice."""

from __future__ import annotations

import kenlm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.config import CharConfig, Config
from restore.lm import windows
from restore.lm.model import CharLanguageModel, KnownWords
from restore.lm.windows import SentenceWalk, begin_state, score_walk, score_windows, window_tail
from restore.stages import char as char_stage
from restore.stages.char import CharStage, covers_word

# Frequent and rare characters, a mark and a character outside the model's vocabulary (Ꙃ).
ALPHABET = "会议在徐汇区召开的了是一人民图书馆涂斜钭，。Ꙃ"


@pytest.fixture(scope="module")
def model() -> kenlm.Model:
    return CharLanguageModel().model


@pytest.fixture(scope="module")
def stage() -> CharStage:
    return CharStage(Config())


def _one_walk_each(
    model: kenlm.Model, context: kenlm.State, tail: list[str], replacements: list[str], floor: float | None = None
) -> list[float]:
    # Every window walked to its end, whatever the floor.
    totals = []
    for replacement in replacements:
        state, scratch = kenlm.State(), kenlm.State()
        total = model.BaseScore(context, replacement, state)
        for token in tail:
            total += model.BaseScore(state, token, scratch)
            state, scratch = scratch, state
        totals.append(total)
    return totals


def _walk(model: kenlm.Model, context: kenlm.State, tokens: list[str]) -> float:
    total, state = 0.0, context
    for token in tokens:
        after = kenlm.State()
        total += model.BaseScore(state, token, after)
        state = after
    return total


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
    assert score_walk(model, context, [*replacements, *tail]) == _walk(model, context, [*replacements, *tail])


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=12),
    data=st.data(),
    replacements=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=12),
    margin=st.floats(-3.0, 6.0),
)
def test_a_floor_cuts_only_windows_that_stay_below_it(
    model: kenlm.Model, tokens: list[str], data: st.DataObject, replacements: list[str], margin: float
) -> None:
    """With a floor, the windows that reach it keep their exact totals, the others stay below it."""
    index = data.draw(st.integers(0, len(tokens) - 1))
    context = begin_state(model, tokens, index)
    tail = window_tail(model, tokens, index)
    full = _one_walk_each(model, context, tail, replacements)
    floor = full[0] + margin
    cut = score_windows(model, context, tail, replacements, floor)
    assert [total >= floor for total in cut] == [total >= floor for total in full]
    assert [c for c, f in zip(cut, full) if f >= floor] == [f for f in full if f >= floor]
    assert all(c >= f for c, f in zip(cut, full))  # a cut window's partial sum bounds it from above


@settings(max_examples=300, deadline=None)
@given(tokens=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=14), data=st.data())
def test_one_walk_of_the_sentence_gives_each_positions_context_and_window(
    model: kenlm.Model, tokens: list[str], data: st.DataObject
) -> None:
    """The state before a token after a walk from <s> is the one built from the order - 1 tokens
    before it (kenlm's states are right-minimal), and a window's sum is that of its own walk."""
    index = data.draw(st.integers(0, len(tokens) - 1))
    walk = SentenceWalk(model, tokens)
    context = begin_state(model, tokens, index)
    assert walk.state_before(index) == context
    assert walk.window(index) == _walk(model, context, [tokens[index], *window_tail(model, tokens, index)])
    junction = tokens[index : index + model.order - 1] + (["</s>"] if index + model.order - 1 > len(tokens) else [])
    assert walk.span(index, index + model.order - 1) == _walk(model, context, junction)
    # The states score what follows alike (their backoffs too, not only their words).
    for token in ALPHABET:
        assert model.BaseScore(walk.state_before(index), token, kenlm.State()) == model.BaseScore(context, token, kenlm.State())


# Characters no model of Chinese has seen (Cyrillic letters of Old Church Slavonic), and known ones.
UNSEEN = "ꙂꙀꙄꙆ"


@settings(max_examples=100, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=12),
    data=st.data(),
    replacements=st.lists(st.sampled_from(ALPHABET + UNSEEN), min_size=1, max_size=12),
    margin=st.one_of(st.none(), st.floats(-3.0, 6.0)),
)
def test_the_stage_scores_unknown_characters_once_for_all(
    stage: CharStage, tokens: list[str], data: st.DataObject, replacements: list[str], margin: float | None
) -> None:
    """Characters outside the vocabulary share one window (kenlm scores each as <unk>), with the
    totals of a walk per replacement."""
    assert all(stage.lm.unknown(ch) for ch in UNSEEN) and not stage.lm.unknown("会")
    model = stage.lm.model
    index = data.draw(st.integers(0, len(tokens) - 1))
    context = begin_state(model, tokens, index)
    full = _one_walk_each(model, context, window_tail(model, tokens, index), replacements)
    floor = None if margin is None else full[0] + margin
    shared = stage._windows(context, tokens, index, replacements, floor, stage._sharing(replacements))
    if floor is None:
        assert shared == full
    else:
        assert [c for c, f in zip(shared, full) if f >= floor] == [f for f in full if f >= floor]
        assert all(c < floor for c, f in zip(shared, full) if f < floor)


def test_window_tail_reaches_the_sentence_end(model: kenlm.Model) -> None:
    tokens = list("会议在徐汇区召开")
    assert window_tail(model, tokens, 1) == list("在徐汇区")  # order 5: four tokens after
    assert window_tail(model, tokens, 5) == ["召", "开", "</s>"]


# --- the char stage's use of the shared walk -----------------------------------------------------

WORD_ALPHABET = "会议召开徐汇区图书馆"


def _covers_word_naively(words: set[str], tokens: list[str], index: int, token: str) -> bool:
    """The definition: some 2-4 character piece of the tokens around ``index``, with ``token`` there, is a word."""
    n = len(tokens)
    for length in (2, 3, 4):
        for start in range(max(0, index - length + 1), min(index, n - length) + 1):
            if "".join([*tokens[start:index], token, *tokens[index + 1 : start + length]]) in words:
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(
    words=st.sets(st.text(WORD_ALPHABET, min_size=2, max_size=4), max_size=12),
    tokens=st.lists(st.sampled_from(WORD_ALPHABET), min_size=1, max_size=9),
    token=st.sampled_from(WORD_ALPHABET),
    data=st.data(),
)
def test_covers_word_slices_as_the_definition_reads(words: set[str], tokens: list[str], token: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(tokens) - 1))
    assert covers_word(words, tokens, index, token) == _covers_word_naively(words, tokens, index, token)
    # The shipped list's form, hashed per first character, answers alike.
    by_first: dict[str, list[str]] = {}
    for word in sorted(words):
        by_first.setdefault(word[0], []).append(word)
    known = KnownWords({first: "\n".join(group) for first, group in by_first.items()})
    assert covers_word(known, tokens, index, token) == _covers_word_naively(words, tokens, index, token)


# Sentences written for this test, with look-alike misreads (幵/开, 仑/论, 末/未, 己/已), a doubled
# character, a dropped comma and marks, so every scoring path of the stage runs.
DAMAGED = [
    "区图书馆下周一召幵读者座谈会，大家讨仑了开放时间。",
    "这项工程至今末完成，居民已经等了了三年。",
    "他自己说己经把材料交给社区服务中心了。",
    "会议决定明年春天重修老街的石板路并增设路灯。",
    "今年的雨水比往年多(尤其是七月)河水涨得很快。",
]


def test_the_stage_picks_the_same_candidates_as_with_one_walk_each(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shared walks, the sentence's one walk and the gain floor change no choice: every candidate
    examined (best per position, re-scored neighbours included) is the one a walk per replacement
    from a context of its own gives, with the same scores and confidence to the last bit."""
    stage = CharStage(Config(char=CharConfig(delete_doubled=True)))
    shared = [stage.examine_text(text, "simplified") for text in DAMAGED]
    kinds = {(c.features.insert, c.features.delete) for found in shared for _, c in found}
    assert kinds == {(False, False), (True, False), (False, True)}  # substitutions, insertions, deletions
    monkeypatch.setattr(windows, "score_windows", _one_walk_each)
    monkeypatch.setattr(windows, "score_walk", _walk)
    monkeypatch.setattr(char_stage, "_walk_of", lambda walk, tokens: None)
    walked = [stage.examine_text(text, "simplified") for text in DAMAGED]
    assert shared == walked
