"""The print-script model: which script a text was printed in, from the distinctive characters OCR printed."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from restore import printscript
from restore.errors import ResourceError
from restore.printscript import PrintScriptModel
from restore.scriptdata import ScriptTables

# Two made-up engines: a simplified-model one that prints 對 only off traditional print and
# half of traditional print in simplified forms, and a bilingual one that slips into 對 on
# simplified print now and then.
SIMPLIFIED_MODEL = ({"對": 40, "对": 40, "们": 30}, {"对": 400, "们": 300})
BILINGUAL = ({"對": 80, "們": 60}, {"對": 8, "对": 392, "们": 300})


def test_one_engine_is_a_plain_likelihood_ratio() -> None:
    model = PrintScriptModel({"a": SIMPLIFIED_MODEL}, alpha=0.5)
    # vocabulary 3 (對, 对, 们): P(對 | T) = 40.5 / 111.5, P(對 | S) = 0.5 / 701.5
    assert model.log_ratio("對") == pytest.approx(math.log10((40.5 / 111.5) / (0.5 / 701.5)))
    assert model.log_ratio("对们") < 0
    assert model.log_ratio("對对") == pytest.approx(model.log_ratio("對") + model.log_ratio("对"))


def test_the_engine_is_a_hidden_variable_unless_it_is_known() -> None:
    model = PrintScriptModel({"simplified-model": SIMPLIFIED_MODEL, "bilingual": BILINGUAL})
    assert model.engines == ("bilingual", "simplified-model")
    # 對 among simplified forms: traditional print read by the simplified model, or a slip of the
    # bilingual one on simplified print. Each engine alone answers differently; the mixture's
    # ratio of sums lies between the engines' own ratios (the mediant inequality).
    mixed = "對对们对"
    alone = {engine: model.log_ratio(mixed, engine) for engine in model.engines}
    assert alone["simplified-model"] > 0 > alone["bilingual"]
    assert alone["bilingual"] < model.log_ratio(mixed) < alone["simplified-model"]
    assert model.log_ratio(mixed, "an engine the table lacks") == model.log_ratio(mixed)


def test_characters_the_table_lacks_add_nothing() -> None:
    model = PrintScriptModel({"a": SIMPLIFIED_MODEL, "b": BILINGUAL})
    assert model.log_ratio("") == 0.0
    assert model.log_ratio("abc，。中国") == 0.0
    assert model.log_ratio("對x中") == model.log_ratio("對")


@given(st.text(alphabet="對对們们的x", max_size=30))
def test_the_mixture_lies_between_the_engines_and_ignores_order(text: str) -> None:
    model = PrintScriptModel({"a": SIMPLIFIED_MODEL, "b": BILINGUAL})
    ratio = model.log_ratio(text)
    assert ratio == pytest.approx(model.log_ratio("".join(sorted(text))), abs=1e-9)
    alone = [model.log_ratio(text, engine) for engine in model.engines]
    assert min(alone) - 1e-9 <= ratio <= max(alone) + 1e-9


@pytest.mark.parametrize(
    ("counts", "alpha"),
    [
        ({}, 0.5),
        ({"a": ({"對": -1}, {})}, 0.5),
        ({"a": ({"對對": 1}, {})}, 0.5),
        ({"a": ({"對": 1}, {"对": 1})}, 0.0),
    ],
)
def test_bad_counts_are_refused(counts: dict, alpha: float) -> None:
    with pytest.raises(ValueError):
        PrintScriptModel(counts, alpha=alpha)


def test_the_shipped_table_holds_distinctive_characters_of_both_scripts() -> None:
    model = PrintScriptModel.load()
    tables = ScriptTables.load()
    assert model.engines == ("ppocrv4", "ppocrv6", "tesseract")
    chars = model.characters
    assert len(chars) > 500
    assert all(tables.is_traditional_only(ch) or tables.is_simplified_only(ch) for ch in chars)
    # On the whole a traditional-only character is evidence for traditional print and a
    # simplified-only one for simplified print (not each: a bilingual engine slips).
    traditional_side = [model.log_ratio(ch) > 0 for ch in chars if tables.is_traditional_only(ch)]
    simplified_side = [model.log_ratio(ch) < 0 for ch in chars if tables.is_simplified_only(ch)]
    assert sum(traditional_side) > 0.8 * len(traditional_side)
    assert sum(simplified_side) > 0.8 * len(simplified_side)


def test_a_malformed_table_is_a_resource_error(monkeypatch: pytest.MonkeyPatch) -> None:
    header = "char\ta/traditional\ta/simplified"
    for lines, message in [
        ([header, "對\t3\t1", "們\tmany\t2"], "data line 3"),
        ([header, "對\t3"], "data line 2"),
        ([header, "對\t-3\t1"], "print_script.tsv"),
        (["對\t3\t1"], "first data line"),
        (["char\ta/cursive\ta/simplified"], "first data line"),
        ([], "first data line"),
    ]:
        monkeypatch.setattr(printscript, "read_data_lines", lambda name, lines=lines: lines)
        with pytest.raises(ResourceError, match=message):
            PrintScriptModel.load()
