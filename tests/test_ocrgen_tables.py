"""Lint the shipped OCR confusion tables (src/restore/data/ocr_confusions*.tsv, ocr_indels.tsv)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "src" / "restore" / "data"
CONFUSION_TABLES = sorted(DATA.glob("ocr_confusions*.tsv"))


def split_table(path: Path) -> tuple[list[str], list[list[str]]]:
    header, rows = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        (header if line.startswith("#") else rows).append(line if line.startswith("#") else line.split("\t"))
    return header, rows


def test_tables_exist():
    assert CONFUSION_TABLES, "no ocr_confusions*.tsv shipped"


@pytest.mark.parametrize("path", CONFUSION_TABLES, ids=lambda p: p.name)
def test_confusion_table_format(path):
    header, rows = split_table(path)
    text = "\n".join(header)
    # Tables built before scripts/ was split into build/ and experiments/ name the old path.
    assert re.search(r"# command: python scripts/(build/)?mine_ocr_confusions\.py", text)
    assert "source:" in text and "columns: seen<TAB>meant<TAB>count" in text
    source = next(h for h in header if h.startswith("# source:"))
    assert "ocr_test" not in source and "16001" not in source, "tables are mined from train splits only"
    keys = []
    for row in rows:
        assert len(row) == 3, row
        seen, meant, count = row
        assert len(seen) == 1 and len(meant) == 1 and seen != meant, row
        assert int(count) >= 1
        keys.append((seen, meant))
    assert keys == sorted(keys), "rows must be sorted by (seen, meant)"
    assert len(set(keys)) == len(keys), "duplicate (seen, meant) rows"


def test_indel_table_format():
    path = DATA / "ocr_indels.tsv"
    if not path.exists():
        pytest.skip("ocr_indels.tsv not shipped")
    header, rows = split_table(path)
    assert any(h.startswith("# command:") for h in header)
    for row in rows:
        assert len(row) == 3 and row[0] in ("del", "ins") and len(row[1]) == 1 and int(row[2]) >= 1, row
