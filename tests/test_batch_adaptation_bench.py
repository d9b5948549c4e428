"""benchmarks.batch_adaptation: render pages restored as lines, pages and one batch (sentences written for this test)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import batch_adaptation

LINES = [
    ("会议于下午三点召开,大家讨论了方案。", "会议于下午三点召开，大家讨论了方案。"),
    ("新馆己经开放三层阅览室。", "新馆已经开放三层阅览室。"),
    ("欢迎市民带孩子来借书。", "欢迎市民带孩子来借书。"),
    ("社区工作人员上门服务,居民很满意。", "社区工作人员上门服务，居民很满意。"),
]


def _renders(tmp_path: Path) -> Path:
    path = tmp_path / "renders.jsonl"
    records = [
        {"id": f"x-{i}", "ocr": ocr, "truth": truth, "engine": "tesseract", "font": "f", "script": "simplified", "page": i // 2}
        for i, (ocr, truth) in enumerate(LINES)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_pages_are_grouped_in_order_and_spread_when_limited(tmp_path: Path) -> None:
    pages = batch_adaptation.read_pages(_renders(tmp_path))
    assert [[r["id"] for r in page] for page in pages] == [["x-0", "x-1"], ["x-2", "x-3"]]
    assert [page[0]["page"] for page in batch_adaptation.read_pages(_renders(tmp_path), limit=1)] == [0]


def test_every_mode_restores_the_same_lines_and_the_table_has_a_row_each(tmp_path: Path) -> None:
    rows = batch_adaptation.measure(_renders(tmp_path))
    assert [(mode, pages, lines) for mode, pages, lines, *_ in rows] == [("lines", 2, 4), ("pages", 2, 4), ("batch", 2, 4)]
    for _mode, _pages, _lines, total, odd, _seconds in rows:
        assert total.cer_after < total.cer_before  # the comma and 己 are fixed in every mode
        assert odd.chars < total.chars  # page 1 only
    table = batch_adaptation.table(rows)
    assert len(table) == 2 + len(rows) and table[2].startswith("| lines | 2 | 4 |")
