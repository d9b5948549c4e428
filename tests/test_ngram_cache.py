"""The document / batch n-gram cache (restore.lm.cache): counts, support, merging."""

from __future__ import annotations

import pickle
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.lm import cache
from restore.lm.cache import NgramCounts

texts = st.lists(st.text(alphabet="网格员走访商户记录。\n A1", max_size=30), max_size=4)


@given(texts, texts, texts)
def test_merge_is_associative_and_commutative(a, b, c):
    x, y, z = (NgramCounts.from_texts(t) for t in (a, b, c))
    assert x.merge(y).counts == y.merge(x).counts
    assert x.merge(y).merge(z).counts == x.merge(y.merge(z)).counts
    assert x.merge(y).counts == NgramCounts.from_texts(a + b).counts


def test_counts_stay_inside_lines_and_skip_ngrams_without_han():
    counts = NgramCounts.from_texts(["网格员\n走访", "AB1 2"], n=3)
    assert counts.to_json() == {"n": 3, "counts": {"网格员": 1}}


def test_a_repeated_phrase_supports_what_is_read_and_a_repeated_form_supports_the_candidate():
    counts = NgramCounts.from_texts(["居民议事会讨论停车。居民议事会投票。居民议事会闭幕。"], n=3)
    read = list("居民议事会")
    # Read correctly: the text supports 议 far more than its look-alike 仪.
    assert counts.log_ratio(read, 2, "仪", own=1) < 0
    misread = list("居民仪事会")
    assert counts.log_ratio(misread, 2, "议", own=0) > 0.5
    # A phrase seen once (this sentence itself) is no evidence either way.
    once = NgramCounts.from_texts(["居民议事会讨论停车。"], n=3)
    assert once.log_ratio(read, 2, "仪", own=1) == 0.0


def test_pickles_for_batch_workers():
    counts = NgramCounts.from_texts(["网格员走访网格员"])
    assert pickle.loads(pickle.dumps(counts)) == counts


def test_bad_arguments():
    with pytest.raises(ValueError):
        NgramCounts(n=1)
    with pytest.raises(ValueError):
        NgramCounts(n=3).merge(NgramCounts(n=4))


@given(
    st.lists(st.text(alphabet="网格员 \u3000\t\n\r\x0b\x1c\u2028\u00a0ab", max_size=30), max_size=4),
    st.sampled_from([1, 2, 5, 100_000]),
)
def test_counts_are_those_of_each_line_without_its_whitespace(lines_of_texts, block):
    # Every character str.isspace() calls whitespace is dropped (line breaks of every kind end a line).
    expected: dict[str, int] = {}
    for text in lines_of_texts:
        for line in text.splitlines():
            chars = "".join(ch for ch in line if not ch.isspace())
            for i in range(len(chars) - 2):
                gram = chars[i : i + 3]
                if any("\u3400" <= ch <= "\u9fff" for ch in gram):
                    expected[gram] = expected.get(gram, 0) + 1
    # Long lines are counted in blocks (a one-line book's n-grams are not all listed at once):
    # any block size gives the same counts.
    with mock.patch.object(cache, "_COUNT_BLOCK", block):
        assert dict(NgramCounts.from_texts(lines_of_texts).counts) == expected


def _reference_support(counts: NgramCounts, tokens: list[str], index: int, token: str) -> int:
    """The definition: the most often seen n-gram covering ``index`` when it holds ``token``."""
    n, best = counts.n, 0
    for start in range(max(0, index - n + 1), min(index, len(tokens) - n) + 1):
        best = max(best, counts.count("".join(tokens[start:index]) + token + "".join(tokens[index + 1 : start + n])))
    return best


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(st.text(alphabet="天安门广场人民", min_size=1, max_size=12), min_size=1, max_size=4),
    tokens=st.lists(st.sampled_from(["天", "安", "门", "广", "场", "人", "民", "人民", ""]), min_size=1, max_size=10),
    data=st.data(),
    token=st.sampled_from(["天", "安", "门", "广", "人民", ""]),
    n=st.integers(min_value=2, max_value=4),
)
def test_support_is_the_definitions(texts: list[str], tokens: list[str], data: st.DataObject, token: str, n: int) -> None:
    # One character a token takes the window's slices; any other token the definition's joins.
    counts = NgramCounts.from_texts(texts, n)
    index = data.draw(st.integers(min_value=0, max_value=len(tokens) - 1))
    assert counts.support(tokens, index, token) == _reference_support(counts, tokens, index, token)
