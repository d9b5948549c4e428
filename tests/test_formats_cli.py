"""OCR files through the command line (subprocess), as a user runs ``restore fix``, ``clean`` and ``apply``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_dir
from lxml import etree

from restore.decisions import default_decisions
from restore.formats import read_document

DATA = Path(__file__).resolve().parent / "data" / "formats"
ALTO4 = "{http://www.loc.gov/standards/alto/ns-v4#}"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
    b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'><Layout>&lol2;</Layout></alto>"
)


def run_restore(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "restore.cli", *args], capture_output=True, timeout=300)


def test_fix_an_alto_file_writes_alto_with_the_correction(tmp_path: Path) -> None:
    out, jsonl = tmp_path / "page.xml", tmp_path / "edits.jsonl"
    done = run_restore("fix", str(DATA / "handmade-alto4.xml"), "-o", str(out), "--jsonl", str(jsonl))
    assert done.returncode == 0, done.stderr.decode()
    root = etree.parse(str(out)).getroot()
    string = root.find(f".//{ALTO4}String[@ID='s_1']")
    assert string.get("CONTENT") == "新馆已经开放"
    assert string.find(f"{ALTO4}ALTERNATIVE").text == "新馆己经开放"
    record = json.loads(jsonl.read_text(encoding="utf-8"))
    assert record["format"] == "alto 4.4"
    fixed = next(e for e in record["edits"] if e["before"] == "己")
    assert fixed["element"] == "s_1"


def test_fix_tsv_and_json_give_restored_text(tmp_path: Path) -> None:
    for name in ("tesseract-sim.tsv", "rapidocr-sim.json"):
        done = run_restore("fix", str(DATA / name))
        assert done.returncode == 0, done.stderr.decode()
        assert "新馆已经开放三层阅览室" in done.stdout.decode("utf-8")


def test_fix_a_read_only_format_to_a_file_warns_that_it_holds_text(tmp_path: Path) -> None:
    out = tmp_path / "restored.json"
    done = run_restore("fix", str(DATA / "rapidocr-sim.json"), "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    assert "新馆已经开放三层阅览室" in out.read_text(encoding="utf-8")
    assert f"{out}: rapidocr-json is read, not written" in done.stderr.decode()
    alto = run_restore("fix", str(DATA / "handmade-alto4.xml"), "-o", str(tmp_path / "page.xml"))
    assert alto.returncode == 0 and b"is read, not written" not in alto.stderr  # a writable format
    named_as_text = run_restore("fix", str(DATA / "rapidocr-sim.json"), "-o", str(tmp_path / "restored.json.txt"))
    assert named_as_text.returncode == 0 and b"is read, not written" not in named_as_text.stderr  # said by its name


def test_the_engine_calibration_used_is_recorded_and_a_missing_one_is_said(tmp_path: Path) -> None:
    # The hand-made ALTO names kraken, which restore has no calibration for: its confidences go unused.
    source = str(DATA / "handmade-alto4.xml")
    jsonl = tmp_path / "edits.jsonl"
    plain = run_restore("fix", source, "-o", str(tmp_path / "a.xml"), "--jsonl", str(jsonl))
    assert plain.returncode == 0, plain.stderr.decode()
    warning = plain.stderr.decode()
    assert f"{source}: restored from its text alone: restore has no calibration for kraken" in warning
    assert "pass it only for files that engine read" in warning
    record = json.loads(jsonl.read_text(encoding="utf-8"))
    # The engine the file names is recorded even without a calibration for it.
    assert (record["engine"], record["engine_software"], record["engine_calibration"]) == ("kraken", "kraken", "")
    named = run_restore("fix", source, "-o", str(tmp_path / "b.xml"), "--jsonl", str(jsonl), "--engine", "ppocr")
    assert named.returncode == 0 and b"calibration" not in named.stderr
    record = json.loads(jsonl.read_text(encoding="utf-8"))
    assert (record["engine"], record["engine_calibration"]) == ("kraken", "ppocrv4")  # --engine ppocr: PP-OCRv4's


def test_fix_hostile_file_is_one_line_exit_1_nothing_written(tmp_path: Path) -> None:
    bad, out = tmp_path / "laughs.xml", tmp_path / "out.xml"
    bad.write_bytes(BILLION_LAUGHS)
    done = run_restore("fix", str(bad), "-o", str(out))
    assert done.returncode == 1
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "entit" in lines[0]
    assert not out.exists()


def test_clean_a_mixed_tree_then_apply_the_decisions(tmp_path: Path) -> None:
    scans, out, jsonl = tmp_path / "scans", tmp_path / "out", tmp_path / "edits.jsonl"
    (scans / "2026").mkdir(parents=True)
    shutil.copy(DATA / "handmade-alto4.xml", scans / "2026" / "alto.xml")
    shutil.copy(DATA / "tesseract-sim.hocr", scans / "2026" / "page.hocr")
    shutil.copy(DATA / "handmade-page2019.xml", scans / "2026" / "page.xml")
    shutil.copy(DATA / "rapidocr-sim.json", scans / "2026" / "rapid.json")
    shutil.copy(DATA / "tesseract-sim.tsv", scans / "2026" / "tess.tsv")
    (scans / "note.txt").write_text("会议于12月17日召开,地点在徐汇。", encoding="utf-8")
    (scans / "settings.json").write_text('{"dpi": 300}', encoding="utf-8")
    (scans / "laughs.xml").write_bytes(BILLION_LAUGHS)
    done = run_restore("clean", str(scans), "-o", str(out), "--jsonl", str(jsonl))
    assert done.returncode == 1
    errors = done.stderr.decode()
    assert "settings.json: not OCR engine JSON" in errors and "laughs.xml: refused: the file declares XML entities" in errors
    assert not (out / "settings.json").exists() and not (out / "settings.json.txt").exists()
    assert not (out / "laughs.xml").exists()
    # The rest of the batch is finished, each file in its own format.
    assert read_document((out / "2026" / "alto.xml").read_bytes(), "alto.xml").text.startswith("新馆已经")
    assert read_document((out / "2026" / "page.hocr").read_bytes(), "a.hocr").format == "hocr"
    assert "已经开放" in read_document((out / "2026" / "page.hocr").read_bytes(), "a.hocr").text
    assert read_document((out / "2026" / "page.xml").read_bytes(), "p.xml").text.startswith("新馆已经")
    assert "新馆已经开放" in (out / "2026" / "rapid.json.txt").read_text(encoding="utf-8")
    assert "新馆已经开放" in (out / "2026" / "tess.tsv.txt").read_text(encoding="utf-8")
    assert (out / "note.txt").read_text(encoding="utf-8") == "会议于12月17日召开，地点在徐汇。"
    records = {r["path"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    assert records["2026/page.hocr"]["format"] == "hocr"
    assert next(e for e in records["2026/page.hocr"]["edits"] if e["before"] == "己")["element"] == "word_1_23"
    assert records["note.txt"]["format"] == "text" and "engine" not in records["note.txt"]

    # Review: accept only the 己 -> 已 edit of the ALTO page, then apply.
    decisions = default_decisions([records["2026/alto.xml"]])
    for item in decisions["documents"][0]["edits"]:
        item["accepted"] = item["before"] == "己"
    (tmp_path / "decisions.json").write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    applied = tmp_path / "applied"
    done = run_restore("apply", str(tmp_path / "decisions.json"), "-o", str(applied), "--jsonl", str(jsonl))
    assert done.returncode == 0, done.stderr.decode()
    root = etree.parse(str(applied / "2026" / "alto.xml")).getroot()
    assert root.find(f".//{ALTO4}String[@ID='s_1']").get("CONTENT") == "新馆已经开放"


def test_clean_formats_option_restricts_the_kinds(tmp_path: Path) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    scans.mkdir()
    shutil.copy(DATA / "handmade-alto4.xml", scans / "alto.xml")
    (scans / "note.txt").write_text("会议于12月17日召开,地点在徐汇。", encoding="utf-8")
    done = run_restore("clean", str(scans), "-o", str(out), "--formats", "txt")
    assert done.returncode == 0, done.stderr.decode()
    assert (out / "note.txt").exists() and not (out / "alto.xml").exists()
    done = run_restore("clean", str(scans), "-o", str(out), "--formats", "txt,pdf")
    assert done.returncode == 1 and "unknown format 'pdf'" in done.stderr.decode()


def test_clean_leaves_out_excluded_files_such_as_a_mets_file(tmp_path: Path) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    (scans / "1923").mkdir(parents=True)
    shutil.copy(DATA / "handmade-alto4.xml", scans / "1923" / "page1.xml")
    # A METS file (written for this test) beside the pages, as library deliveries have.
    (scans / "1923" / "mets.xml").write_text(
        '<?xml version="1.0"?><mets xmlns="http://www.loc.gov/METS/"><fileSec/></mets>', encoding="utf-8"
    )
    failed = run_restore("clean", str(scans), "-o", str(out))
    assert failed.returncode == 1 and "a METS file: restore clean --exclude leaves it out" in failed.stderr.decode()
    done = run_restore("clean", str(scans), "-o", str(tmp_path / "out2"), "--exclude", "mets.xml")
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "out2" / "1923" / "page1.xml").exists() and not (tmp_path / "out2" / "1923" / "mets.xml").exists()


def test_fix_puts_back_a_mark_the_engine_dropped_where_its_glyph_boxes_leave_room(tmp_path: Path) -> None:
    # Written for this test: PP-OCRv6 read 主席、副主席 without its 、, its Glyphs one cell apart there.
    source = DATA / "ppocrv6-dropped-mark-alto4.xml"
    out, jsonl = tmp_path / "page.xml", tmp_path / "edits.jsonl"
    done = run_restore("fix", str(source), "-o", str(out), "--jsonl", str(jsonl))
    assert done.returncode == 0, done.stderr.decode()
    root = etree.parse(str(out)).getroot()
    string = root.find(f".//{ALTO4}String[@ID='s_1']")
    assert string.get("CONTENT") == "大会选举了主席、副主席和秘书长。"
    # The mark gets a Glyph of its own (ALTO has no coordinates for it); every Glyph the engine wrote
    # keeps its coordinates.
    before = etree.parse(str(source)).getroot()

    def geometry(tree: etree._Element) -> list[tuple[str | None, ...]]:
        return [(g.get("ID"), g.get("HPOS"), g.get("VPOS"), g.get("WIDTH"), g.get("HEIGHT")) for g in tree.iter(f"{ALTO4}Glyph") if g.get("ID")]

    assert geometry(root) == geometry(before)
    assert [g.get("CONTENT") for g in string.iter(f"{ALTO4}Glyph")][7] == "、"
    record = json.loads(jsonl.read_text(encoding="utf-8"))
    (inserted,) = [e for e in record["edits"] if e["after"] == "、"]
    assert inserted["before"] == "" and inserted["start"] == inserted["end"] == 7
    gap = next(r for r in inserted["evidence"] if r["type"] == "engine-gap")
    assert gap["engine"] == "ppocrv6" and abs(gap["excess"] - 1.0) < 0.05
    xsd = shared_dir() / "data" / "schemas" / "alto-4-4.xsd"
    if not xsd.exists():
        pytest.skip(f"{xsd} is not beside this checkout")
    etree.XMLSchema(etree.parse(str(xsd), etree.XMLParser(no_network=True))).assertValid(root)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.xml", b"", "the file is empty (0 bytes), not an OCR file"),
        ("html5.hocr", b"<!DOCTYPE html>\n<html><head><meta charset='utf-8'></head><body></body></html>",
         "only XHTML hOCR is read"),
        ("attr.xml", b'<?xml version="1.0"?>\n<!DOCTYPE alto [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n'
                     b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#' ID='&x;'/>",
         "refused: the file declares XML entities"),
        ("counts.json", '{"rec_texts": ["路灯修好了"], "rec_scores": [0.9, 0.8]}'.encode(),
         "rec_scores must give one score per line of rec_texts"),
    ],
)
def test_fix_bad_input_is_one_clear_line_and_nothing_written(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    source, out = tmp_path / name, tmp_path / "out" / name
    source.write_bytes(content)
    done = run_restore("fix", str(source), "-o", str(out))
    assert done.returncode == 1
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith(f"restore: error: {source}: {message}") and "xmlCtxt" not in line
    assert not out.exists()


def test_explain_and_the_processing_entry_count_the_same_written_edits(tmp_path: Path) -> None:
    # Written for this test: a sentence broken across two Strings on two lines, a half-width comma in each.
    from ocrfiles import alto4

    source = tmp_path / "join.xml"
    source.write_bytes(alto4([["今年春天,镇上新开了一家专门修理旧家具的"], ["小店,生意一直很好。"]]))
    out = tmp_path / "out.xml"
    done = run_restore("fix", str(source), "-o", str(out), "--explain")
    assert done.returncode == 0, done.stderr.decode()
    explained = done.stderr.decode().splitlines()
    assert explained[0] == (f"{source}: 3 edits applied, 2 written into the file "
                            "(1 line join or space edit is not: geometry there), 0 suggestions")
    (join,) = [line for line in explained if "layout:join-lines" in line]
    assert join.endswith("[text only: not written into the file]")
    description = etree.parse(str(out)).getroot().find(f".//{ALTO4}processingStepDescription").text
    assert description.startswith("restore: 2 OCR correction(s)")
