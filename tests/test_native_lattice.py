"""The compiled word-lattice search (``restore._windows.WordLattice``) finds what the Python one does.

The char stage weighs its best candidate with the word model's margin
(``CharConfig.calib_word_gain``): a different log10 probability, even in the last bit, could
change a confidence and so an edit. The search's Python loop (``WordLanguageModel._search``) is
the definition; the compiled one must give the same floats and the same segmentation.
"""

from __future__ import annotations


import pytest
from native_support import native_module
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.lm import native
from restore.lm.t2s import load_t2s
from restore.lm.wordlm import WordLanguageModel, default_word_model_path

# Characters that make known words of several lengths (区块链, 技术, 发展), traditional forms
# (mapped by t2s), full-width and ASCII letters and digits (one piece per run), a space and a
# character beyond the BMP.
ALPHABET = "区块链技术发展迅速农户在抖音平台直播會議召开徐汇區图书馆５Ｇ5Gab12 \U00020000"


@pytest.fixture(scope="module")
def model() -> WordLanguageModel:
    native_module()
    lm = WordLanguageModel(default_word_model_path(), t2s=load_t2s())
    assert lm.lattice() is not None
    return lm


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=14), bos=st.booleans(), eos=st.booleans())
def test_the_compiled_search_is_the_python_search(model: WordLanguageModel, text: str, bos: bool, eos: bool) -> None:
    written = "".join(ch for ch in text if not ch.isspace())
    python = model._search(model.pieces(text), written, bos=bos, eos=eos)
    assert model.segment(text, bos=bos, eos=eos) == python
    assert model.score_pieces(model.pieces(text), bos=bos, eos=eos) == python.logprob


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.text(alphabet=ALPHABET, max_size=5), max_size=4))
def test_pieces_of_a_joined_text_are_the_joined_pieces(model: WordLanguageModel, parts: list[str]) -> None:
    assert WordLanguageModel.join_pieces(*map(model.pieces, parts)) == model.pieces("".join(parts))


def test_bad_arguments_are_refused(model: WordLanguageModel) -> None:
    lattice = model.lattice()
    assert lattice is not None
    with pytest.raises(ValueError):
        lattice.segment(["区"], 0, 4, False, False)
    with pytest.raises(TypeError):
        lattice.segment(["区", 1], 6, 4, False, False)  # type: ignore[list-item]


def test_a_missing_file_is_a_resource_error() -> None:
    from restore.errors import ResourceError

    native_module()
    with pytest.raises(ResourceError):
        native.load_lattice("/nonexistent/words.lm")


def test_searches_of_any_length_in_turn_are_the_python_searches(model: WordLanguageModel) -> None:
    # The compiled search keeps its cells between searches (and lets a long text's go): a long
    # text between short ones changes none of them.
    texts = ["区块链技术", "发展迅速农户在抖音平台直播" * 25, "會議召开", "", "徐汇區图书馆５Ｇ" * 40, "区块链"]
    for text in texts * 2:
        python = model._search(model.pieces(text), text, bos=True, eos=True)
        assert model.segment(text, bos=True, eos=True) == python


@settings(max_examples=150, deadline=None)
@given(
    tokens=st.lists(st.sampled_from([*ALPHABET.replace(" ", "")]), min_size=1, max_size=14),
    data=st.data(),
    replacements=st.lists(st.sampled_from([*ALPHABET.replace(" ", "")]), max_size=3),
    width=st.integers(min_value=0, max_value=5),
)
def test_window_scores_are_the_char_stages_window_scores(
    model: WordLanguageModel, tokens: list[str], data: st.DataObject, replacements: list[str], width: int
) -> None:
    # CharStage._with_word_model asks window_scores for the printed token and its best candidate;
    # CharStage.word_scorer (the same window, one token at a time) is what it replaced.
    import dataclasses

    import restore
    from restore.stages.char import CharStage

    index = data.draw(st.integers(min_value=0, max_value=len(tokens) - 1))
    config = restore.Config()
    stage = CharStage(config.replace(char=dataclasses.replace(config.char, word_lm_context=width)))
    stage.resources.word_lm  # loaded
    score = stage.word_scorer(tokens, index)
    expected = [score(token) for token in replacements]
    got = model.window_scores(tokens, index, width, replacements)
    assert [value.hex() for value in got] == [value.hex() for value in expected]
