"""The confusion-mining script on tiny files written here (no OCR engines needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build" / "mine_ocr_confusions.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)


def rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]


def test_faspell_table_and_coverage(tmp_path):
    train = tmp_path / "ocr_train_tiny.txt"
    train.write_text("1\t我们末来见\t我们未来见\n1\t天气很好,\t天气很好，\n2\t末来已到\t未来己到\n", encoding="utf-8")
    out = tmp_path / "table.tsv"
    proc = run("faspell", str(train), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert "# command: python scripts/build/mine_ocr_confusions.py faspell" in text
    assert rows(out) == [[",", "，", "1"], ["已", "己", "1"], ["末", "未", "2"]]

    held = tmp_path / "held.txt"
    held.write_text("1\t末来\t未来\n1\t大石\t大右\n", encoding="utf-8")
    proc = run("coverage", str(out), "--against", str(held))
    assert proc.returncode == 0, proc.stderr
    assert "covers 1/2 = 50.0% of substitutions" in proc.stdout


def test_faspell_refuses_test_file(tmp_path):
    test = tmp_path / "ocr_test_tiny.txt"
    test.write_text("1\t末来\t未来\n", encoding="utf-8")
    proc = run("faspell", str(test), "-o", str(tmp_path / "t.tsv"))
    assert proc.returncode != 0
    assert "test" in proc.stderr
    assert not (tmp_path / "t.tsv").exists()


def test_renders_table_refuses_non_train(tmp_path):
    record = {"id": "dev-14001-0", "ocr": "末来", "truth": "未来", "engine": "tesseract", "script": "simplified"}
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = run("renders", str(pairs), "-o", str(tmp_path / "t.tsv"))
    assert proc.returncode != 0
    assert "TRAIN" in proc.stderr
    assert not (tmp_path / "t.tsv").exists()


def test_renders_table_and_indels(tmp_path):
    records = [
        {"id": "train-5-0", "ocr": "我们末来见", "truth": "我们未来见。", "engine": "ppocrv4", "script": "simplified"},
        {"id": "train-9-1", "ocr": "天气很好,,", "truth": "天气很好，", "engine": "tesseract", "script": "simplified"},
    ]
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out, indels = tmp_path / "t.tsv", tmp_path / "i.tsv"
    proc = run("renders", str(pairs), "-o", str(out), "--indels", str(indels))
    assert proc.returncode == 0, proc.stderr
    assert rows(out) == [[",", "，", "1"], ["末", "未", "1"]]
    assert sorted(rows(indels)) == [["del", "。", "1"], ["ins", ",", "1"]]

    # A second set of renders mined on top of the first table: the counts add up, the header keeps
    # what the base was mined from.
    more = tmp_path / "more.jsonl"
    record = {"id": "train-7-0", "ocr": "末来可期。", "truth": "未来可期。", "engine": "ppocrv6", "script": "simplified"}
    more.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    summed, summed_indels = tmp_path / "s.tsv", tmp_path / "si.tsv"
    proc = run("renders", str(more), "--base", str(out), "--base-indels", str(indels), "-o", str(summed), "--indels", str(summed_indels))
    assert proc.returncode == 0, proc.stderr
    assert rows(summed) == [[",", "，", "1"], ["末", "未", "2"]]
    assert sorted(rows(summed_indels)) == [["del", "。", "1"], ["ins", ",", "1"]]
    header = summed.read_text(encoding="utf-8")
    assert f"# base (counts added): {out}: lines: 2 " in header
    assert f"# base (counts added): {out}: command: python scripts/build/mine_ocr_confusions.py renders {pairs}" in header
    bad = tmp_path / "bad.tsv"
    bad.write_text("末\t未\n", encoding="utf-8")
    proc = run("renders", str(more), "--base", str(bad), "-o", str(tmp_path / "x.tsv"))
    assert proc.returncode != 0 and "expected seen<TAB>meant<TAB>count" in proc.stderr
    proc = run("renders", str(more), "--base", str(tmp_path / "missing.tsv"), "-o", str(tmp_path / "x.tsv"))
    assert proc.returncode != 0 and "no such base table" in proc.stderr
    proc = run("renders", str(more), "--base-indels", str(indels), "-o", str(tmp_path / "x.tsv"))
    assert proc.returncode != 0 and "--base-indels needs --indels" in proc.stderr
