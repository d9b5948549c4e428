"""The calibration's sums, unrolled (CharCalibration.logodds, logistic), are the loop's bit for bit."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from restore.config import CharConfig
from restore.stages.char_features import FEATURES, CharCalibration, CharFeatures, logistic

_FLOATS = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e3, max_value=1e3)
_STRATEGY = {float: _FLOATS, int: st.integers(min_value=0, max_value=10**6), bool: st.booleans()}


def _reference_logodds(calibration: CharCalibration, features: CharFeatures) -> float:
    """The definition: bias + prior, then z += w * x in FEATURES order."""
    config = calibration.config
    z = config.calib_bias + config.prior_logodds
    for feature, value in zip(FEATURES, calibration.values(features)):
        z += float(getattr(config, f"calib_{feature.name}")) * value
    return z


def _reference_logistic(logodds: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, logodds))))


def _features() -> st.SearchStrategy[CharFeatures]:
    kinds = {f.name: type(f.default) if f.default is not dataclasses.MISSING else float for f in dataclasses.fields(CharFeatures)}
    return st.builds(CharFeatures, **{name: _STRATEGY[kind] for name, kind in kinds.items()})


def _config(data: st.DataObject) -> CharConfig:
    # Any weights, bias and prior (zeros and negative zeros included: their terms still count).
    weights: dict[str, Any] = {f"calib_{f.name}": data.draw(_FLOATS | st.sampled_from([0.0, -0.0])) for f in FEATURES}
    return dataclasses.replace(
        CharConfig(), calib_bias=data.draw(_FLOATS), prior_logodds=data.draw(_FLOATS | st.just(0.0)), **weights
    )


@settings(max_examples=300, deadline=None)
@given(features=_features(), data=st.data())
def test_logodds_is_the_loops_sum_bit_for_bit(features: CharFeatures, data: st.DataObject) -> None:
    calibration = CharCalibration(_config(data) if data.draw(st.booleans()) else CharConfig())
    expected = _reference_logodds(calibration, features)
    assert calibration.logodds(features).hex() == expected.hex()
    assert calibration.confidence(features).hex() == _reference_logistic(expected).hex()


@given(logodds=st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([50.0, -50.0, 0.0, -0.0, 49.99999]))
def test_logistic_clamps_as_min_and_max_do(logodds: float) -> None:
    assert logistic(logodds).hex() == _reference_logistic(logodds).hex()
