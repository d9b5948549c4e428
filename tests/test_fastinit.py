"""restore.fastinit: a frozen dataclass built by the cheaper __init__ is the one its own
generated __init__ builds (equality, hash, repr, attribute order, replace, pickling, refusal)."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.fastinit import fast_frozen_init
from restore.stages.char import CharCandidate
from restore.stages.char_features import CharFeatures


def _original(cls: type, *args: Any, **kwargs: Any) -> Any:
    """An instance of ``cls`` built by the dataclass's own generated __init__."""
    made = object.__new__(cls)
    cls.__init__.__dataclass_init__(made, *args, **kwargs)
    return made


def _same(fast: Any, slow: Any) -> None:
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert list(vars(fast).items()) == list(vars(slow).items())
    assert pickle.loads(pickle.dumps(fast)) == slow


_VALUES = {
    float: st.floats(allow_nan=False, min_value=-1e6, max_value=1e6),
    int: st.integers(min_value=0, max_value=10**6),
    bool: st.booleans(),
}


def _feature_kwargs() -> st.SearchStrategy[dict[str, Any]]:
    # Any subset of CharFeatures' fields (lm_gain always: it has no default), of its own types.
    kinds = {f.name: type(f.default) if f.default is not dataclasses.MISSING else float for f in dataclasses.fields(CharFeatures)}
    optional = {name: _VALUES[kind] for name, kind in kinds.items() if name != "lm_gain"}
    return st.fixed_dictionaries({"lm_gain": _VALUES[float]}, optional=optional)


@settings(max_examples=200, deadline=None)
@given(kwargs=_feature_kwargs())
def test_char_features_are_the_dataclasses_own(kwargs: dict[str, Any]) -> None:
    fast, slow = CharFeatures(**kwargs), _original(CharFeatures, **kwargs)
    _same(fast, slow)
    # Positionally too, and through dataclasses.replace (which calls __init__).
    values = [getattr(slow, f.name) for f in dataclasses.fields(CharFeatures)]
    _same(CharFeatures(*values), slow)
    _same(dataclasses.replace(fast, word_gain=1.5), _original(CharFeatures, **{**kwargs, "word_gain": 1.5}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.lm_gain = 0.0  # type: ignore[misc]


@settings(max_examples=100, deadline=None)
@given(
    kwargs=_feature_kwargs(),
    index=st.integers(min_value=0, max_value=50),
    after=st.sampled_from(["已", "，", "涂"]),
    scores=st.tuples(_VALUES[float], _VALUES[float], st.floats(min_value=0.0, max_value=1.0)),
    word_logprobs=st.none() | st.tuples(_VALUES[float], _VALUES[float]),
    support=st.integers(min_value=0, max_value=9),
)
def test_char_candidates_are_the_dataclasses_own(
    kwargs: dict[str, Any], index: int, after: str, scores: tuple[float, float, float], word_logprobs: Any, support: int
) -> None:
    features = CharFeatures(**kwargs)
    args = (index, after, features, *scores, "", word_logprobs, support, "document" if support else "")
    fast, slow = CharCandidate(*args, engine_reading=None), _original(CharCandidate, *args, engine_reading=None)
    _same(fast, slow)
    assert dataclasses.replace(fast, confidence=0.5) == dataclasses.replace(slow, confidence=0.5)


def test_the_signature_and_defaults_are_kept() -> None:
    for cls in (CharFeatures, CharCandidate):
        assert inspect.signature(cls.__init__) == inspect.signature(cls.__init__.__dataclass_init__)
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
    with pytest.raises(TypeError):
        CharFeatures()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        CharFeatures(1.0, nonsense=1)  # type: ignore[call-arg]


def test_only_plain_frozen_dataclasses() -> None:
    @dataclass
    class Open:
        x: int

    @dataclass(frozen=True)
    class Factory:
        x: list[int] = field(default_factory=list)

    @dataclass(frozen=True)
    class Later:
        x: int

        def __post_init__(self) -> None:
            pass

    @dataclass(frozen=True, slots=True)
    class Slotted:
        x: int

    @dataclass(frozen=True)
    class Keyword:
        x: int = field(default=0, kw_only=True)

    for cls in (Open, Factory, Later, Slotted, Keyword, int):
        with pytest.raises(TypeError):
            fast_frozen_init(cls)
