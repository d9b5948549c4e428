"""The bound that lets the char stage stop weighing candidates early (ConfidenceBound)."""

from __future__ import annotations

import pytest

import math

from hypothesis import given
from hypothesis import strategies as st

from restore.config import CharConfig, Config
from restore.stages.char import CharStage
from restore.stages.char_features import CharCalibration, CharFeatures, ConfidenceBound

CALIBRATION = CharCalibration(CharConfig())
BOOLEANS = ("word_before", "word_after", "name", "punct", "width", "phonetic", "context")


@given(
    gain=st.floats(-20.0, 20.0),
    similarity=st.floats(0.0, 1.0),
    mined=st.integers(0, 10_000),
    logprob=st.floats(-20.0, 0.0),
    flags=st.fixed_dictionaries({name: st.booleans() for name in BOOLEANS}),
    context_similarity=st.floats(-1.0, 1.0),
    repeats=st.integers(0, 1000),
    support=st.integers(0, 1000),
    support_before=st.integers(0, 1000),
)
def test_no_candidate_is_more_confident_than_its_bound(
    gain: float, similarity: float, mined: int, logprob: float, flags: dict[str, bool],
    context_similarity: float, repeats: int, support: int, support_before: int,
) -> None:
    support = min(support, repeats)  # no n-gram holding the candidate repeats more than its peak
    punct = flags["punct"]
    features = CharFeatures(
        lm_gain=gain, glyph_similarity=similarity, mined=mined, logprob=logprob,
        cache=0.0 if punct else math.log10((1 + support) / (1 + max(0, support_before - 1))),
        word_after=flags["word_after"] and not punct,
        context_similarity=context_similarity if flags["context"] else 0.0,
        **{name: flags[name] for name in BOOLEANS if name != "word_after"},
    )
    bound = ConfidenceBound.of(CALIBRATION)
    assert bound is not None
    own = bound.candidate_bound(
        similarity, mined, punct=punct, width=flags["width"], phonetic=flags["phonetic"], context=flags["context"],
        context_similarity=features.context_similarity,
    ) + (0.0 if punct else bound.repeats_bound(repeats))
    upper = bound.upper(bound.position_bound(logprob), own, gain)
    assert CALIBRATION.logodds(features) <= upper
    assert CALIBRATION.confidence(features) <= bound.confidence(upper)


def test_the_bound_is_reached_by_a_candidate_with_every_unknown_at_its_best() -> None:
    bound = ConfidenceBound.of(CALIBRATION)
    assert bound is not None
    features = CharFeatures(lm_gain=2.5, glyph_similarity=0.8, mined=40, logprob=-5.0, word_after=True, cache=math.log10(4))
    upper = bound.upper(bound.position_bound(-5.0), bound.candidate_bound(0.8, 40, punct=False) + bound.repeats_bound(3), 2.5)
    # word_before and name weigh against a change (negative weights): at their best they are False.
    assert math.isclose(CALIBRATION.logodds(features), upper, abs_tol=1e-5)


def test_no_bound_when_the_word_model_weighs_every_candidate() -> None:
    assert ConfidenceBound.of(CharCalibration(CharConfig(calib_word_gain=0.5, word_lm_best_only=False))) is None
    # Weighing the best alone, after the bound has ranked the others without it: the bound holds.
    assert ConfidenceBound.of(CharCalibration(CharConfig(calib_word_gain=0.5, word_lm_best_only=True))) is not None


# Sentences written for this test, with misreads of several kinds (a glyph neighbour, a mined pair,
# a mark, two side by side) and clean stretches: positions with candidates on both sides of the floors.
SENTENCES = (
    "街道今年新建了两个社区食堂，方便老人就近用餐。",
    "市场自前情况良好，菜价基本稳定。",
    "他认为,这项工作必须尽快完成。",
    "区图书馆新添了三千册地方志，供巿民查阅。",
    "游客在大安门广场前合影留念。",
    "志愿服务圃隧应当及时组织救助。",
)


def _positions(stage: CharStage):
    lm = stage.lm
    for sentence in SENTENCES:
        chars = list(sentence)
        tokens = [lm.prepare(ch) for ch in chars]
        logprobs = [p for p, _, _ in lm.model.full_scores(" ".join(tokens), bos=True, eos=True)]
        for index in range(len(chars)):
            yield tokens, chars, index, logprobs[index]


@pytest.mark.parametrize("word_gain", [0.0, CharConfig().calib_word_gain])
def test_the_bound_leaves_every_best_as_weighing_every_candidate_finds_it(word_gain: float) -> None:
    # With the word model on (the default), it weighs the best of each position once more after
    # the loop, in both stages: that weighing is not the loop's and is not counted.
    config = Config(char=CharConfig(calib_word_gain=word_gain))
    bounded = CharStage(config)
    unbounded = CharStage(config)
    unbounded._bound = None  # weighs every candidate that gains, in listed order
    weighed = {"bounded": 0, "unbounded": 0}
    for name, stage in (("bounded", bounded), ("unbounded", unbounded)):
        confidence = stage.calibration.confidence

        def counted(features: CharFeatures, name: str = name, confidence=confidence) -> float:
            weighed[name] += 1
            return confidence(features)

        stage.calibration.confidence = counted  # type: ignore[method-assign]
    bests = han_bests = 0
    for tokens, chars, index, logprob in _positions(bounded):
        best = bounded.best_candidate(tokens, chars, index, logprob, "simplified")
        assert best == unbounded.best_candidate(tokens, chars, index, logprob, "simplified")
        bests += best is not None
        han_bests += best is not None and not best.features.punct
    assert bests >= 10
    rescored = han_bests if word_gain else 0  # _with_word_model's weighing of each Han best
    # the same bests, most candidates never weighed
    assert weighed["bounded"] - rescored < (weighed["unbounded"] - rescored) / 2
