"""The word-level second opinion: best-path segmentation scored by the shipped word trigram."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restore.errors import ResourceError
from restore.lm.t2s import load_t2s
from restore.lm.wordlm import WordLanguageModel, default_word_model_path


@pytest.fixture(scope="module")
def word_lm() -> WordLanguageModel:
    return WordLanguageModel(t2s=load_t2s())


def test_the_model_ships_with_its_licence():
    path = default_word_model_path()
    assert path.is_file() and path.stat().st_size > 10_000_000
    licence = path.with_name(path.name + ".LICENSE").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in licence and "Version 2.1" in licence


def test_segments_modern_terms_into_words(word_lm):
    seg = word_lm.segment("区块链技术发展迅速")
    assert seg.words == ("区块链", "技术", "发展", "迅速")
    assert word_lm.segment("农户在抖音平台直播").words[2] == "抖音"


@pytest.mark.parametrize(
    ("right", "misread"),
    [
        ("区块链技术发展迅速", "区快链技术发展迅速"),
        ("他在抖音平台上直播", "他在斗音平台上直播"),
        ("社区网格化管理", "社区网格化管埋"),
        ("推动高质量发展", "推动高质量发屐"),
    ],
)
def test_the_right_word_scores_higher_than_a_look_alike(word_lm, right, misread):
    # The margin in log10 units is what the char stage's feature sees: at least one order of magnitude.
    assert word_lm.score(right) - word_lm.score(misread) > 1.0


def test_traditional_text_is_scored_through_t2s(word_lm):
    assert word_lm.score("區塊鏈技術") == pytest.approx(word_lm.score("区块链技术"))
    assert word_lm.segment("區塊鏈技術").words == ("區塊鏈", "技術")  # the input's own characters


def test_sentence_boundaries_change_the_score(word_lm):
    inside = word_lm.score("发展迅速")
    assert word_lm.score("发展迅速", bos=True, eos=True) != inside
    assert word_lm.score("") == 0.0


def test_ascii_runs_are_one_token(word_lm):
    assert word_lm.segment("下载App2次").words[1] == "App2"


@given(st.text(alphabet="区块链技术发展的一是App 12，。斗音", max_size=16))
def test_segmentation_covers_the_text_exactly(text):
    lm = _shared_lm()
    seg = lm.segment(text)
    assert "".join(seg.words) == "".join(ch for ch in text if not ch.isspace())
    assert seg.logprob <= 0.0


_LM: list[WordLanguageModel] = []


def _shared_lm() -> WordLanguageModel:
    # Hypothesis forbids function-scoped fixtures; the model is loaded once for the module.
    if not _LM:
        _LM.append(WordLanguageModel())
    return _LM[0]


def test_missing_and_corrupt_models_raise_resource_error(tmp_path):
    with pytest.raises(ResourceError, match="no such file"):
        WordLanguageModel(tmp_path / "absent.lm").score("你好")
    bad = tmp_path / "bad.lm"
    bad.write_bytes(b"not a model")
    with pytest.raises(ResourceError, match="cannot load"):
        WordLanguageModel(bad).score("你好")


def test_arguments_are_checked():
    with pytest.raises(ValueError):
        WordLanguageModel(max_word=0)
