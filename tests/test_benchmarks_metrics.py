"""Scoring of the benchmarks on tiny hand-made cases (sentences written for these tests)."""

from __future__ import annotations

import json

import pytest

from benchmarks import datasets, metrics
from benchmarks.runner import stride_indices
from restore.edits import Edit


def test_fixed_substitution_is_detected_and_corrected() -> None:
    c = metrics.score_pair("他们在公圆里散步", "他们在公园里散步", "他们在公园里散步")
    assert (c.gold, c.system, c.detected, c.corrected, c.false_edits) == (1, 1, 1, 1, 0)
    assert c.correction == (1.0, 1.0, 1.0)
    assert (c.distance_before, c.distance_after) == (1, 0)
    assert c.sentence == (1.0, 1.0, 1.0)


def test_wrong_correction_is_detected_not_corrected() -> None:
    c = metrics.score_pair("他们在公圆里散步", "他们在公园里散步", "他们在公元里散步")
    assert (c.detected, c.corrected, c.false_edits) == (1, 0, 0)
    assert c.detection[0] == 1.0 and c.correction[0] == 0.0
    assert c.distance_after == 1
    # Strict sentence level: changed but not exactly the truth is a false positive.
    assert (c.sent_changed, c.sent_right) == (1, 0)


def test_change_where_truth_has_none_is_a_false_edit() -> None:
    c = metrics.score_pair("他们在公圆里散步", "他们在公园里散步", "她们在公圆里散步")
    assert (c.gold, c.system, c.detected, c.false_edits) == (1, 1, 0, 1)
    assert c.distance_after == 2
    assert c.cer_reduction == pytest.approx(1.0)  # twice the errors


def test_dropped_character_counts_as_a_gap_change() -> None:
    c = metrics.score_pair("今天气很好", "今天天气很好", "今天天气很好")
    assert (c.gold, c.corrected, c.distance_before, c.distance_after) == (1, 1, 1, 0)
    untouched = metrics.score_pair("今天气很好", "今天天气很好", "今天气很好")
    assert (untouched.gold, untouched.system, untouched.distance_after) == (1, 0, 1)


def test_doubled_character_removed() -> None:
    c = metrics.score_pair("我们们去看书", "我们去看书", "我们去看书")
    assert (c.gold, c.detected, c.corrected, c.false_edits) == (1, 1, 1, 0)


def test_equally_right_spellings_are_folded() -> None:
    c = metrics.score_pair("為人民服務", "爲人民服務", "為人民服務", "traditional")
    assert (c.gold, c.system, c.distance_before) == (0, 0, 0)
    c = metrics.score_pair("增长5％", "增长5%", "增长5％")
    assert c.distance_before == 0
    # 着 and 著 are different words in simplified text: not folded there.
    c = metrics.score_pair("看著书", "看着书", "看着书", "simplified")
    assert (c.gold, c.corrected) == (1, 1)
    assert metrics.fold("看着", "traditional") == "看著"


def test_clean_text_false_edit_rate() -> None:
    total = metrics.Counts()
    total.add(metrics.score_pair("今天下雨了", "今天下雨了", "今天下雨了"))
    total.add(metrics.score_pair("明天会晴朗", "明天会晴朗", "明天會晴朗"))
    assert (total.sentences, total.chars, total.false_edits) == (2, 10, 1)
    assert total.false_per_10k == pytest.approx(1000.0)
    assert total.cer_before == 0.0 and total.cer_reduction == 0.0
    assert total.sentence == (0.0, 0.0, 0.0)  # one changed sentence, no sentence needed a change


def test_prf_handles_empty_denominators() -> None:
    assert metrics.prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert metrics.prf(2, 4, 2) == (0.5, 1.0, pytest.approx(2 / 3))


def test_projection_records_insertions_and_deletions() -> None:
    p = metrics.project("abcd", "abxd")
    assert p.changes() == {("c", 2): "x"}
    p = metrics.project("abcd", "abd")
    assert p.changes() == {("c", 2): ""}
    p = metrics.project("abcd", "abcde")
    assert p.changes() == {("g", 4): "e"}


def _edit(text: str, start: int, end: int, after: str, confidence: float, kind: str = "char") -> Edit:
    return Edit(start, end, text[start:end], after, kind=kind, confidence=confidence, source="test")


def test_judge_edits_against_the_truth() -> None:
    ocr, truth = "会议在 12 月召开,地点在区图书管", "会议在12月召开，地点在区图书馆"
    edits = [
        _edit(ocr, 3, 4, "", 0.99, "layout"),  # right: the truth has no space
        _edit(ocr, 10, 11, "，", 0.95, "punct"),  # right
        _edit(ocr, 17, 18, "官", 0.6),  # wrong character
        _edit(ocr, 0, 1, "開", 0.4),  # the truth leaves this alone
    ]
    judged = metrics.judge_edits(ocr, truth, edits, "simplified", applied=True)
    assert [j.right for j in judged] == [True, True, False, False]
    calibration = metrics.Calibration(judged)
    assert calibration.at_least(0.9) == (2, 1.0)
    assert calibration.at_least(0.5) == (3, pytest.approx(2 / 3))
    assert calibration.by_kind() == {"char": (2, 0.0), "layout": (1, 1.0), "punct": (1, 1.0)}
    bins = calibration.bins((0.0, 0.5, 0.9, 1.0))
    assert [(lo, hi, n) for lo, hi, n, _, _ in bins] == [(0.0, 0.5, 1), (0.5, 0.9, 1), (0.9, 1.0, 2)]


def test_insertion_edit_is_judged_at_its_gap() -> None:
    ocr, truth = "今天气很好", "今天天气很好"
    right = Edit(2, 2, "", "天", kind="char", confidence=0.9, source="t")
    wrong = Edit(2, 2, "", "日", kind="char", confidence=0.9, source="t")
    assert [j.right for j in metrics.judge_edits(ocr, truth, [right, wrong], "simplified", applied=False)] == [True, False]


def test_stride_indices() -> None:
    assert stride_indices(10, None) == list(range(10))
    assert stride_indices(10, 20) == list(range(10))
    assert stride_indices(10, 3) == [0, 3, 6]
    assert len(stride_indices(1000, 300)) == 300


def test_pd_plain_strips_tags_and_halves_digits() -> None:
    assert datasets.pd_plain("本区/n  投入/v  ３０/m  万元/q  ，/w  ＡＢ/nx") == "本区投入30万元，AB"


def test_missing_shared_data_is_unavailable(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RESTORE_SHARED", str(tmp_path))
    for name in ("faspell_test", "sighan15_tra", "sighan15_sim_correct", "seeds"):
        with pytest.raises(datasets.Unavailable):
            datasets.load(name)


def test_ocr_dev_loader(tmp_path) -> None:
    path = tmp_path / "ocr_dev.jsonl"
    with pytest.raises(datasets.Unavailable):
        datasets.load_ocr_dev(path)
    records = [
        {"ocr": "今天天气很奷", "truth": "今天天气很好", "engine": "tesseract", "font": "kai", "size": 18, "degradation": "blur", "script": "simplified"},
        {"ocr": "明天会晴郎", "truth": "明天会晴朗", "engine": "ppocrv4", "font": "hei", "size": 20, "degradation": "jpeg", "script": "simplified"},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    dataset = datasets.load_ocr_dev(path)
    assert (dataset.kind, dataset.script, len(dataset.pairs)) == ("gold", "simplified", 2)
    assert dataset.pairs[1].meta["engine"] == "ppocrv4" and dataset.pairs[0].meta["size"] == "18"
    path.write_text('{"ocr": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="ocr_dev.jsonl:1"):
        datasets.load_ocr_dev(path)


def test_dataset_spread_keeps_an_even_subset() -> None:
    pairs = tuple(datasets.Pair(str(i), str(i)) for i in range(10))
    dataset = datasets.Dataset("t", "clean", "simplified", pairs, "test")
    assert [p.ocr for p in dataset.spread(3).pairs] == ["0", "3", "6"]
    assert dataset.spread(None) is dataset and dataset.chars == 10


def test_module_examples_hold() -> None:
    import doctest

    for module in (metrics, datasets):
        assert doctest.testmod(module).failed == 0


def test_a_right_conversion_beside_a_dropped_character_is_judged_right() -> None:
    # Written for this test: the engine dropped 織 after 组 and printed two simplified forms on
    # traditional print; both conversions are right whichever way the aligner breaks the tie.
    from types import SimpleNamespace as E

    ocr, truth = "缺乏服务组。", "缺乏服務組織。"
    edits = [E(start=3, end=4, after="務", confidence=0.97, kind="script", source="t"),
             E(start=4, end=5, after="組", confidence=0.97, kind="script", source="t")]
    assert [j.right for j in metrics.judge_edits(ocr, truth, edits, "traditional", applied=True)] == [True, True]
    wrong = [E(start=4, end=5, after="織", confidence=0.97, kind="char", source="t")]
    assert [j.right for j in metrics.judge_edits(ocr, truth, wrong, "traditional", applied=True)] == [False]


def test_a_mark_beside_a_dropped_character_aligns_with_the_mark() -> None:
    from types import SimpleNamespace as E

    # 丶 printed for 、 with the next name's first character dropped (张三丶李四 against 张三、王李四).
    ocr, truth = "张三丶李四", "张三、王李四"
    edit = E(start=2, end=3, after="、", confidence=0.9, kind="punct", source="t")
    assert metrics.judge_edits(ocr, truth, [edit], "simplified", applied=True)[0].right
    assert metrics.project(ocr, truth).changes() == {("c", 2): "、", ("g", 3): "王"}


def test_a_character_beside_a_dropped_mark_aligns_with_a_character() -> None:
    from types import SimpleNamespace as E

    # 币 misread for 制 at the line's end, with the comma after it dropped (新机币 against 新机制，):
    # both alignments cost two; fixing the character is right, putting a comma in its place is not.
    ocr, truth = "建立新机币", "建立新机制，"
    fixed = E(start=4, end=5, after="制", confidence=0.9, kind="char", source="t")
    marked = E(start=4, end=5, after="，", confidence=0.9, kind="punct", source="t")
    judged = metrics.judge_edits(ocr, truth, [fixed, marked], "simplified", applied=True)
    assert [j.right for j in judged] == [True, False]
    assert metrics.project(ocr, truth).changes() == {("c", 4): "制", ("g", 5): "，"}


def test_speed_ratios_use_the_median_round_and_show_each_rounds_ratio() -> None:
    from benchmarks.report import _shapes
    from benchmarks.speed import median_of_rounds

    def worker(first: float, second: float) -> dict[str, float]:
        return {"chars_per_s": first, "second_chars_per_s": second}

    restore = median_of_rounds([worker(1000, 2000), worker(900, 1800), worker(100, 1900)])  # one load spike
    kenlm = median_of_rounds([worker(40000, 80000), worker(45000, 81000), worker(40000, 76000)])
    assert restore["chars_per_s"] == 900 and kenlm["chars_per_s"] == 40000
    text = "\n".join(_shapes({"restore": {"throughput": restore}, "kenlm-pass": {"throughput": kenlm}, "inputs": {}}))
    assert "median of 3 interleaved rounds" in text
    # 40,000 / 900 = 44x from the medians; round by round 40x, 50x and 400x.
    assert "| OCR lines | restore's time ÷ one kenlm pass | 44× (per round 40–400×) |" in text


def test_speed_ratios_also_compare_cpu_time_when_the_workers_report_it() -> None:
    from benchmarks.report import _shapes
    from benchmarks.speed import median_of_rounds

    def worker(wall: float, cpu: float) -> dict[str, float]:
        return {"chars_per_s": wall, "cpu_chars_per_s": cpu}

    # The kenlm pass was preempted in one round (wall 10,000 chars/s) but used the same CPU.
    restore = median_of_rounds([worker(1000, 1100), worker(1000, 1000), worker(1000, 1050)])
    kenlm = median_of_rounds([worker(10000, 33000), worker(30000, 30000), worker(36000, 36000)])
    text = "\n".join(_shapes({"restore": {"throughput": restore}, "kenlm-pass": {"throughput": kenlm}, "inputs": {}}))
    assert "| OCR lines | restore's time ÷ one kenlm pass | 30× (per round 10–36×) |" in text
    # 33,000 / 1,050 = 31x from the CPU medians; round by round 30x, 30x and 34x.
    assert "| OCR lines | restore's CPU time ÷ one kenlm pass's | 31× (per round 30–34×) |" in text
    # Without CPU figures (older workers) no CPU row is written.
    wall_only = median_of_rounds([{"chars_per_s": 1000.0}])
    text = "\n".join(_shapes({"restore": {"throughput": wall_only}, "kenlm-pass": {"throughput": wall_only}, "inputs": {}}))
    assert "CPU time ÷" not in text


def test_engine_table_pools_the_engines_but_not_their_per_script_rows() -> None:
    from benchmarks.engine_confidence import table

    def counts(chars: int, before: int, after: int) -> metrics.Counts:
        return metrics.Counts(sentences=1, chars=chars, truth_chars=chars, distance_before=before, distance_after=after)

    rows = [
        ("tesseract", 0.8, "with", counts(100, 10, 5)),
        ("tesseract simplified", 0.8, "with", counts(100, 10, 5)),  # the same renders, per script
        ("ppocrv6", 0.8, "with", counts(300, 2, 1)),
    ]
    lines = table(rows, pool=True)
    pooled = [line for line in lines if line.startswith("| all engines")]
    # 400 characters, 12 errors before and 6 after: the per-script row is not counted twice.
    assert pooled == ["| all engines | 0.80 | with | 2 | 3.00% | 1.50% | +50.0% | 0.000 | 0 | 0.0 |"]
    assert not any(line.startswith("| all engines") for line in table(rows))
