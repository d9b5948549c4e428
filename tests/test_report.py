"""The HTML report as a file: self-contained, escaped, round-trips its data; ``restore report``."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from restore.batch.records import make_record, write_records
from restore.config import Config
from restore.edits import Edit, apply_edits
from restore.report import build_report
from restore.result import Result

# A page that quotes markup, written for this test: the report must show it as text.
HOSTILE = "網頁教學:<script>alert('x')</script> 與 <!-- 註解 --> 及 &amp; 都要原樣顯示,</script>\n"


def hostile_record() -> dict:
    edits = (Edit(4, 5, ":", "：", kind="punct", confidence=0.95, source="punct:halfwidth"),)
    result = Result(HOSTILE, apply_edits(HOSTILE, edits), edits, ())
    return make_record(result, path="<b>odd</b>.txt", root="/in", sha256=hashlib.sha256(HOSTILE.encode()).hexdigest())


def embedded_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="restore-data">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))


def test_document_text_cannot_become_markup() -> None:
    page = build_report([hostile_record()], title="<i>報告</i>")
    assert "alert('x')</script>" not in page
    assert "<!-- 註解" not in page
    assert "<b>odd</b>" not in page and "<i>報告</i>" not in page
    # Exactly two script elements: the data and the page's own code.
    assert len(re.findall(r"<script\b", page)) == 2
    data = embedded_data(page)
    assert data["documents"][0]["original"] == HOSTILE
    assert data["documents"][0]["path"] == "<b>odd</b>.txt"
    assert data["decisions_schema"] == "restore.decisions/1"


def test_report_is_self_contained() -> None:
    page = build_report([hostile_record()])
    assert "<style>" in page and "restore-data" in page
    assert not re.search(r"https?://", page)
    assert not re.search(r"""\b(src|href)\s*=\s*["'](?!data:|#)""", page)
    assert "@import" not in page and 'rel="stylesheet"' not in page
    assert "{{" not in page  # every placeholder filled


def test_report_command_builds_the_page_from_jsonl(tmp_path: Path) -> None:
    jsonl = tmp_path / "edits.jsonl"
    write_records(jsonl, [hostile_record()])
    out = tmp_path / "report.html"
    proc = subprocess.run(
        [sys.executable, "-m", "restore.cli", "report", str(jsonl), "-o", str(out)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert embedded_data(out.read_text(encoding="utf-8"))["documents"][0]["original"] == HOSTILE


def test_report_command_names_the_bad_line(tmp_path: Path) -> None:
    jsonl = tmp_path / "edits.jsonl"
    good = json.dumps(hostile_record(), ensure_ascii=False)
    jsonl.write_text(good + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "report.html"
    proc = subprocess.run(
        [sys.executable, "-m", "restore.cli", "report", str(jsonl), "-o", str(out)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "edits.jsonl:2" in proc.stderr
    assert not out.exists()

    jsonl.write_text(json.dumps({**hostile_record(), "schema": "other/1"}) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "restore.cli", "report", str(jsonl), "-o", str(out)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1 and "edits.jsonl:1" in proc.stderr and "schema" in proc.stderr


def test_clean_report_matches_report_from_its_jsonl(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("徐 匯 報\n區政府 12 月 17 日召開會議,討論养老服务。\n", encoding="utf-8")
    jsonl, first, second = tmp_path / "e.jsonl", tmp_path / "r1.html", tmp_path / "r2.html"
    run = [sys.executable, "-m", "restore.cli"]
    clean = subprocess.run(run + ["clean", str(source), "-o", str(tmp_path / "out"), "--jsonl", str(jsonl),
                                  "--report", str(first)], capture_output=True, text=True, timeout=60)
    assert clean.returncode == 0, clean.stderr
    report = subprocess.run(run + ["report", str(jsonl), "-o", str(second)], capture_output=True, text=True,
                            timeout=60)
    assert report.returncode == 0, report.stderr
    from_clean = embedded_data(first.read_text(encoding="utf-8"))
    from_jsonl = embedded_data(second.read_text(encoding="utf-8"))
    assert from_clean["documents"] == from_jsonl["documents"]
    assert from_clean["documents"][0]["edits"]
    # clean knows its configuration and shows it; a JSONL file carries only its hash.
    assert from_clean["config"] == Config().to_json() and from_jsonl["config"] is None


def test_report_shows_the_configuration_it_is_given(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("區政府 12 月 17 日召開會議,討論养老服务。\n", encoding="utf-8")
    settings = tmp_path / "run.toml"
    settings.write_text("min_confidence = 0.9\n", encoding="utf-8")
    jsonl, first, second = tmp_path / "e.jsonl", tmp_path / "r1.html", tmp_path / "r2.html"
    run = [sys.executable, "-m", "restore.cli"]
    clean = subprocess.run(run + ["clean", str(source), "-o", str(tmp_path / "out"), "--config", str(settings),
                                  "--jsonl", str(jsonl), "--report", str(first)], capture_output=True, text=True, timeout=60)
    assert clean.returncode == 0, clean.stderr
    report = subprocess.run(run + ["report", str(jsonl), "-o", str(second), "--config", str(settings)],
                            capture_output=True, text=True, timeout=60)
    assert report.returncode == 0, report.stderr
    shown = embedded_data(second.read_text(encoding="utf-8"))["config"]
    assert shown == embedded_data(first.read_text(encoding="utf-8"))["config"]
    assert shown["min_confidence"] == 0.9
