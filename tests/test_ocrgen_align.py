"""Unit tests for the OCR pair generator's pure-Python parts (no OCR engines, fonts or images)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `benchmarks` is a top-level folder, not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks.ocrgen.align import (  # noqa: E402
    ConfusionCounts,
    Op,
    align,
    cer,
    char_class,
    edit_distance,
    split_by_reference,
)
from benchmarks.ocrgen.source import SPLITS, chunk_text, normalize_line  # noqa: E402


def test_align_identical():
    assert all(op.kind == "equal" for op in align("天气很好", "天气很好"))


def test_align_substitution():
    ops = align("我们末来见", "我们未来见")
    assert [op.kind for op in ops] == ["equal", "equal", "sub", "equal", "equal"]
    assert ops[2] == Op("sub", meant="末", seen="未")


def test_align_deletion_and_insertion():
    ops = align("今天下雨了。", "今天下雨了")
    assert ops[-1] == Op("del", meant="。", seen="")
    ops = align("书包很重", "书包包很重")
    assert [op.kind for op in ops].count("ins") == 1
    assert edit_distance("书包很重", "书包包很重") == 1


def test_align_folds_fullwidth_percent_and_dot():
    assert edit_distance("涨了5．5％", "涨了5.5%") == 0


def test_align_empty_sides():
    assert [op.kind for op in align("", "字")] == ["ins"]
    assert [op.kind for op in align("字", "")] == ["del"]
    assert align("", "") == []


def test_cer_counts_edits_per_truth_char():
    assert cer([("一二三四", "一二三四"), ("五六七八", "五六七")]) == pytest.approx(1 / 8)
    assert cer([]) == 0.0


def test_split_by_reference_recovers_lines():
    truth = ["春天来了，", "花都开了。", "我们去公园"]
    ocr = "春天来了,花都开丁。我们去公园"
    assert split_by_reference(ocr, truth) == ["春天来了,", "花都开丁。", "我们去公园"]


def test_split_by_reference_dropped_line_and_trailing_insert():
    truth = ["春天来了", "夏日炎炎", "秋风送爽"]
    assert split_by_reference("春天来了秋风送爽", truth) == ["春天来了", "", "秋风送爽"]
    assert split_by_reference("春天来了.夏日炎炎秋风送爽", truth) == ["春天来了.", "夏日炎炎", "秋风送爽"]


def test_confusion_counts():
    counts = ConfusionCounts()
    counts.add("我们末来，再见。", "我们未来,再见")
    assert counts.subs[("未", "末")] == 1
    assert counts.subs[(",", "，")] == 1
    assert counts.deletions["。"] == 1
    assert counts.chars == 8 and counts.lines == 1
    assert counts.substitution_rows() == [(",", "，", 1), ("未", "末", 1)]


def test_confusion_rows_skip_digits_and_latin():
    counts = ConfusionCounts()
    counts.add("第3号a门", "第8号o门")
    assert counts.substitution_rows() == []


def test_char_class():
    assert [char_class(c) for c in "字，,7xé"] == ["han", "punct", "punct", "digit", "latin", "other"]


def test_normalize_line_strips_tags_and_widths():
    raw = "今天/t  下午/t  ３/m  点/q  ，/w  ＡＢ/nx  公司/n  开会/v  。/w\n"
    assert normalize_line(raw) == "今天下午3点，AB公司开会。"
    assert normalize_line("[中国/ns  银行/n]nt  成立/v") == "中国银行成立"
    assert normalize_line("  \n") == ""


def test_chunk_text_sizes():
    text = "今天天气很好。我们一起去公园散步，看到很多花开了，红的黄的白的都有，真是好看极了，大家都很高兴。好。"
    pieces = chunk_text(text, lo=10, hi=20)
    assert all(10 <= len(p) <= 20 for p in pieces)
    assert "".join(pieces) in text or text.startswith("".join(pieces))
    assert pieces[0] == "今天天气很好。我们一起去公园散步，"


def test_splits_do_not_overlap():
    spans = sorted(SPLITS.values())
    assert spans[0][1] < spans[1][0] and spans[1][1] < spans[2][0]
    assert SPLITS["test"] == (16001, 19484)


def test_plan_is_seeded_and_skip_continues():
    pytest.importorskip("PIL")
    pytest.importorskip("numpy")
    from benchmarks.ocrgen.generate import Options, plan
    from benchmarks.ocrgen.source import Chunk

    chunks = [Chunk(line=i, index=0, text=f"第{i}行的文字内容在这里") for i in range(1, 101)]
    opts = Options(n=100, lines_per_page=10, seed=3)
    pages = plan(chunks, opts)
    assert plan(chunks, opts) == pages
    assert [len(p.chunks) for p in pages] == [10] * 10
    assert {c for p in pages for c in p.chunks} == set(chunks)
    assert {p.engine for p in pages} == set(opts.engines)
    assert all(15 <= p.size <= 24 for p in pages)
    first, rest = plan(chunks, Options(n=40, lines_per_page=10, seed=3)), plan(
        chunks, Options(n=60, skip=40, lines_per_page=10, seed=3))
    assert first + rest == pages


def test_degradation_draws_are_bounded():
    pytest.importorskip("numpy")
    import random

    from benchmarks.ocrgen.render import sample_degradation

    rng = random.Random(5)
    for _ in range(200):
        d = sample_degradation(rng)
        assert abs(d["rotate"]) <= 0.8 and 0.1 <= d["blur"] <= 0.7
        assert (d["threshold"] is None) != (d["jpeg"] is None)
        assert d["threshold"] is None or 0.6 <= d["threshold"] <= 0.78
