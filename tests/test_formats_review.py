"""The review loop on OCR files, through the CLI: clean → decisions → learn / apply.

Edit offsets in JSONL records and decisions count code points of the text restore read out of
the file, never its bytes; ``learn`` and ``apply`` must read the originals the same way. The pages
are built here (``ocrfiles``) from sentences written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ocrfiles import alto4, hocr, run_cli

from restore.decisions import default_decisions
from restore.formats import read_document

# 己 -> 已 is only suggested in this sentence (己 alone before 投入: 0.56; 己经 is fixed since the
# known-word list left the misspelling out); 廷 -> 延 is applied in the other.
ALTO_LINES = [["体育馆", "己", "投入", "使用，"], ["市民", "可以", "在", "网上", "预约。"]]
HOCR_LINES = [["图书馆", "周末", "开放"], ["时间", "廷长", "到", "晚上", "九点。"]]


def clean_batch(tmp_path: Path) -> tuple[Path, Path, dict[str, dict[str, Any]]]:
    scans = tmp_path / "scans"
    (scans / "vol1").mkdir(parents=True)
    (scans / "vol1" / "p1.alto.xml").write_bytes(alto4(ALTO_LINES))
    (scans / "vol1" / "p2.hocr").write_bytes(hocr(HOCR_LINES))
    jsonl = tmp_path / "edits.jsonl"
    done = run_cli("clean", scans, "-o", tmp_path / "restored", "--jsonl", jsonl)
    assert done.returncode == 0, done.stderr
    records = {r["path"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    return scans, jsonl, records


def test_learn_reads_ocr_originals_as_their_text_not_their_bytes(tmp_path: Path) -> None:
    scans, jsonl, records = clean_batch(tmp_path)
    alto, page = records["vol1/p1.alto.xml"], records["vol1/p2.hocr"]
    assert ("己", "已") in {(s["before"], s["after"]) for s in alto["suggestions"]}
    assert ("廷", "延") in {(e["before"], e["after"]) for e in page["edits"]}
    decisions = default_decisions([alto, page])
    for document in decisions["documents"]:
        for item in document["edits"]:
            if (item["before"], item["after"]) == ("己", "已"):
                item.update(accepted=True, decided=True)     # the reviewer accepts the suggestion
            if (item["before"], item["after"]) == ("廷", "延"):
                item.update(accepted=False, decided=True)    # and rejects the applied edit
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")

    rules = tmp_path / "project.tsv"
    done = run_cli("learn", path, "-o", rules)
    assert done.returncode == 0, done.stderr
    assert "2 rule(s) (1 keep, 1 variant, 0 entity)" in done.stderr
    lines = [line.split("\t") for line in rules.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    learned = {(fields[6], fields[0], fields[2]) for fields in lines}
    # Phrases of the text read out of the files: the ALTO Strings joined, the hOCR words across no line.
    assert learned == {("variant", "育馆已投入", "育馆己投入"), ("keep", "时间廷长到", "")}

    # The next run on the same files follows the rules, in the files themselves.
    again = tmp_path / "again"
    done = run_cli("clean", scans, "-o", again, "--lexicon", rules)
    assert done.returncode == 0, done.stderr
    assert read_document((again / "vol1" / "p1.alto.xml").read_bytes(), "a.xml").text.startswith("体育馆已投入")
    assert "时间廷长到" in read_document((again / "vol1" / "p2.hocr").read_bytes(), "b.hocr").text
    applied = tmp_path / "applied"
    done = run_cli("apply", path, "-o", applied, "--jsonl", jsonl)
    assert done.returncode == 0, done.stderr
    assert read_document((applied / "vol1" / "p1.alto.xml").read_bytes(), "a.xml").text.startswith("体育馆已投入")


def test_learn_reads_a_legacy_encoded_text_in_the_encoding_the_run_used(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "gb.txt").write_bytes("图书馆周末开放时间廷长到晚上九点。\n".encode("gb18030"))
    jsonl = tmp_path / "edits.jsonl"
    done = run_cli("clean", scans, "-o", tmp_path / "out", "--jsonl", jsonl, "--encoding", "gb18030")
    assert done.returncode == 0, done.stderr
    decisions = default_decisions(map(json.loads, jsonl.read_text(encoding="utf-8").splitlines()))
    (item,) = decisions["documents"][0]["edits"]
    item.update(accepted=False, decided=True)
    assert decisions["documents"][0]["encoding"] == "gb18030"
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    done = run_cli("learn", path, "-o", tmp_path / "project.tsv")
    assert done.returncode == 0, done.stderr
    assert "\t".join(["时间廷长到", "", "", "", "", "from lm:char5", "keep"]) in (tmp_path / "project.tsv").read_text(encoding="utf-8")


def test_a_hand_written_decisions_file_without_roots_applies_with_the_jsonl_and_its_suggestions(tmp_path: Path) -> None:
    # As the README describes it: suggestions inside "edits" with "origin": "suggestion", no root
    # (the JSONL names it), the JSONL's extra fields (evidence, element) carried along.
    _scans, jsonl, records = clean_batch(tmp_path)
    alto, page = records["vol1/p1.alto.xml"], records["vol1/p2.hocr"]
    documents = []
    for record in (alto, page):
        items = [{**e, "origin": "edit", "accepted": e["before"] != "廷"} for e in record["edits"]]
        items += [{**s, "origin": "suggestion", "accepted": True} for s in record["suggestions"]]
        documents.append({"path": record["path"], "sha256": record["sha256"], "edits": items})
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"schema": "restore.decisions/1", "documents": documents}, ensure_ascii=False),
                    encoding="utf-8")
    out = tmp_path / "reviewed"
    done = run_cli("apply", path, "-o", out, "--jsonl", jsonl)
    assert done.returncode == 0, done.stderr
    assert read_document((out / "vol1" / "p1.alto.xml").read_bytes(), "a.xml").text.startswith("体育馆已投入")
    assert "时间廷长到" in read_document((out / "vol1" / "p2.hocr").read_bytes(), "b.hocr").text
    # Without --jsonl nothing says where the originals are: one line per document, nothing written.
    done = run_cli("apply", path, "-o", tmp_path / "nowhere")
    assert done.returncode == 1 and "pass --root, or --jsonl EDITS.jsonl" in done.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_suggestions_list_beside_edits_is_an_error_not_a_dropped_acceptance(tmp_path: Path) -> None:
    _scans, jsonl, records = clean_batch(tmp_path)
    alto = records["vol1/p1.alto.xml"]
    guess = {"schema": "restore.decisions/1", "documents": [{
        "path": alto["path"], "root": alto["root"], "sha256": alto["sha256"],
        "edits": [{**e, "accepted": True} for e in alto["edits"]],
        "suggestions": [{**s, "accepted": True} for s in alto["suggestions"]],
    }]}
    path = tmp_path / "guess.json"
    path.write_text(json.dumps(guess, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "reviewed"
    done = run_cli("apply", path, "-o", out, "--jsonl", jsonl)
    assert done.returncode == 1
    assert "unknown key 'suggestions': suggestions go inside 'edits'" in done.stderr and '"origin": "suggestion"' in done.stderr
    assert not out.exists()
    learn = run_cli("learn", path, "-o", tmp_path / "p.tsv")
    assert learn.returncode == 1 and "unknown key 'suggestions'" in learn.stderr


def test_clean_warns_once_per_batch_for_engines_without_a_calibration_and_records_their_names(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    producers = {"a.xml": "ABBYY FineReader 11", "b.xml": "ABBYY FineReader 11", "c.xml": "ABBYY FineReader 11",
                 "d.xml": "kraken 4.3.13", "e.xml": "", "f.hocr": "tesseract 5.3.0"}
    for name, engine in producers.items():
        make = hocr if name.endswith(".hocr") else alto4
        (scans / name).write_bytes(make(HOCR_LINES, engine=engine))
    jsonl = tmp_path / "edits.jsonl"
    for jobs in ("1", "2"):
        done = run_cli("clean", scans, "-o", tmp_path / f"out{jobs}", "--jsonl", jsonl, "--jobs", jobs)
        assert done.returncode == 0, done.stderr
        (warning,) = done.stderr.splitlines()   # one line for the batch, whatever the number of workers
        assert warning.startswith("restore: warning: 5 files were restored from their text alone: restore has no "
                                  "calibration for their engines (ABBYY FineReader 11: 3 files, kraken 4.3.13: 1 file, "
                                  "no engine named: 1 file)")
        assert "pass it only for files that engine read" in warning
    records = {r["path"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    assert {path: (r["engine"], r["engine_software"], r["engine_calibration"]) for path, r in records.items()} == {
        "a.xml": ("ABBYY FineReader 11", "ABBYY FineReader 11", ""),
        "b.xml": ("ABBYY FineReader 11", "ABBYY FineReader 11", ""),
        "c.xml": ("ABBYY FineReader 11", "ABBYY FineReader 11", ""),
        "d.xml": ("kraken 4.3.13", "kraken 4.3.13", ""),
        "e.xml": ("", "", ""),
        "f.hocr": ("tesseract", "tesseract 5.3.0", "tesseract"),
    }
