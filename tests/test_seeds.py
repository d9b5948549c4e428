"""The user's documents (../shared/seeds), as a user would run them; skipped where they are absent.

Only words and short forms are named here, never the seeds' sentences.
"""

from __future__ import annotations

import re

import pytest

import restore
from conftest import shared_dir

SEEDS = sorted((shared_dir() / "seeds").glob("*.txt"))
pytestmark = pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")

LEFTOVERS = ["基层", "养老服务", "语言", "数据", "怎么看", "准确", "示范", "讲政治", "施工图", "分会场", "区位优势"]
KEPT = ["陳杰", "阿里雲", "群眾", "平台"]


@pytest.fixture(scope="module")
def restored(core_corrector: restore.Corrector) -> list[tuple[str, restore.Result]]:
    return [(path.name, core_corrector.fix(path.read_text(encoding="utf-8"))) for path in SEEDS]


def _traditional(results: list[tuple[str, restore.Result]]) -> list[restore.Result]:
    return [r for _, r in results if r.original.count("徐匯") > r.original.count("徐汇")]


def test_edits_replay_on_every_seed(restored: list[tuple[str, restore.Result]]) -> None:
    for _, result in restored:
        assert restore.apply_edits(result.original, result.edits) == result.text


def test_simplified_leftovers_converted_on_traditional_pages(restored: list[tuple[str, restore.Result]]) -> None:
    pages = _traditional(restored)
    assert pages
    found = [word for word in LEFTOVERS if any(word in page.original for page in pages)]
    assert len(found) >= 8  # the seeds hold these words; if not, this test no longer tests anything
    for page in pages:
        for word in LEFTOVERS:
            assert word not in page.text, word
    assert any("發布" in page.text and "发布" in page.original for page in pages)


def test_names_brands_and_accepted_forms_stay(restored: list[tuple[str, restore.Result]]) -> None:
    for page in _traditional(restored):
        for word in KEPT:
            assert page.text.count(word) == page.original.count(word), word


def test_layout_repairs(restored: list[tuple[str, restore.Result]]) -> None:
    texts = [r.text for _, r in restored]
    originals = [r.original for _, r in restored]
    assert any("徐 匯 報" in t for t in originals) and not any("徐 匯 報" in t for t in texts)
    assert any("徐匯報" in t for t in texts)
    assert any("12 月 17 日" in t for t in originals) and any("12月17日" in t for t in texts)
    assert not any("12 月 17 日" in t for t in texts)


def test_halfwidth_commas_between_chinese_converted(restored: list[tuple[str, restore.Result]]) -> None:
    between = re.compile(r"[\u4e00-\u9fff],[\u4e00-\u9fff]")
    assert any(between.search(r.original) for _, r in restored)
    for _, result in restored:
        assert not between.search(result.text)


def test_sentences_joined_and_paragraphs_kept(restored: list[tuple[str, restore.Result]]) -> None:
    comma_break = re.compile(r"[，,][ \t]*\n")
    assert any(comma_break.search(r.original) for _, r in restored)
    for name, result in restored:
        assert not comma_break.search(result.text), name
        # Every paragraph that ended a sentence still ends one: real breaks are kept.
        ends = lambda t: len(re.findall(r"[。！？!?]”?[ \t]*\n", t))  # noqa: E731
        assert ends(result.text) == ends(result.original), name


EXPECTED_ENTITY_FIXES = {
    ("全", "平"): 3,  # 習近全 → 習近平
    ("鐘曉暉", "鍾曉詠"): 2,
    ("均", "昀"): 2,  # 高世均 → 高世昀
}
REAL_NAMES = ["习挺松", "钟晓咏", "俞林伟", "邱錫鵬", "解景昇", "闫俊杰"]


@pytest.fixture(scope="module")
def restored_default(corrector: restore.Corrector) -> list[restore.Result]:
    return [corrector.fix(path.read_text(encoding="utf-8")) for path in SEEDS]


def test_entity_fixes_on_the_seeds(restored_default: list[restore.Result]) -> None:
    from collections import Counter

    fixes = Counter((e.before, e.after) for r in restored_default for e in r.edits if e.kind == "entity")
    for pair, count in EXPECTED_ENTITY_FIXES.items():
        assert fixes[pair] == count, pair
    texts = "".join(r.text for r in restored_default)
    assert "智联世界 生成未来" in texts or "智聯世界 生成未來" in texts
    assert "智能世界 生成未来" not in texts and "智联世界 生态未来" not in texts


def test_real_names_untouched(restored_default: list[restore.Result]) -> None:
    for result in restored_default:
        for name in REAL_NAMES:
            assert result.text.count(name) == result.original.count(name), name
        for edit in result.edits:
            assert not any(name in edit.before for name in REAL_NAMES), edit
