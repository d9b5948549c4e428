"""The compiled known-word test (``restore._windows.Words``) answers as ``covers_word`` in Python.

The char stage asks it for every candidate that gains (``CharStage.in_word``); a different answer
would change the ``word_before``/``word_after`` features and so the edits.
"""

from __future__ import annotations


import pytest
from native_support import native_module
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.lm import native
from restore.lm.model import KnownWords, covers_word, load_known_words

# BMP characters, one beyond it (a word with it does not fit the table's 64-bit keys) and the
# separator the constructor splits on never inside a word.
CHARS = "会议召开徐汇区图书馆人民\U00020000"
# Tokens are single characters as the LM reads them; a token of two characters must work too.
TOKENS = [*CHARS, "人民", "\U00020000会"]


def _module():
    return native_module()


def _grouped(words: set[str]) -> KnownWords:
    by_first: dict[str, list[str]] = {}
    for word in sorted(words):
        by_first.setdefault(word[0], []).append(word)
    return KnownWords({first: "\n".join(group) for first, group in by_first.items()})


@settings(max_examples=400, deadline=None)
@given(
    words=st.sets(st.text(CHARS, min_size=1, max_size=5), max_size=16),
    tokens=st.lists(st.sampled_from(TOKENS), min_size=1, max_size=9),
    token=st.sampled_from(TOKENS),
    data=st.data(),
)
def test_the_table_answers_as_covers_word(words: set[str], tokens: list[str], token: str, data: st.DataObject) -> None:
    table = _module().Words("\n".join(sorted(words)))
    # Any index, one past the end too (Python's slices clip; so must the table's).
    index = data.draw(st.integers(0, len(tokens)))
    assert table.covers(tokens, index, token) == covers_word(words, tokens, index, token)
    assert all(table.contains(word) for word in words)


def test_known_words_answer_alike_with_and_without_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    _module()
    words = {"图书", "图书馆", "会议", "召开会议", "徐汇区", "\U00020000会"}
    cases = [(list("区图书馆召开"), 2, "书"), (list("区图书馆"), 2, "画"), (list("召开会议"), 3, "议"), (list("召开会以"), 3, "以"),
             (["\U00020000", "今"], 1, "会"), (list("徐汇"), 2, "区"), (list("徐江区"), 1, "汇")]
    compiled = [_grouped(words).covers(*case) for case in cases]
    compiled_test = _grouped(words).test()  # the char stage's one callable for many asks
    assert [compiled_test(*case) for case in cases] == compiled
    monkeypatch.setenv(native.ENVIRONMENT, "0")
    in_python = [_grouped(words).covers(*case) for case in cases]
    python_test = _grouped(words).test()
    assert [python_test(*case) for case in cases] == in_python
    assert compiled == in_python == [covers_word(words, *case) for case in cases]
    assert compiled == [True, False, True, False, True, True, True]
    assert all(type(found) is bool for found in [*compiled, *(compiled_test(*case) for case in cases)])


def test_the_shipped_words_fit_the_table() -> None:
    module = _module()
    words = load_known_words()
    table = module.Words("\n".join(words))
    sample = list(words)[::997]
    assert all(table.contains(word) for word in sample)
    # A word with one character changed to one no word starts with is not in it.
    assert not any(table.contains("\ue000" + word[1:]) for word in sample)


def test_the_table_refuses_what_it_cannot_read() -> None:
    table = _module().Words("会议")
    with pytest.raises(TypeError):
        table.covers([1, 2], 0, "会")
    with pytest.raises(IndexError):
        table.covers(["会"], -1, "会")
    with pytest.raises(TypeError):
        _module().Words(b"\xe4\xbc\x9a")
