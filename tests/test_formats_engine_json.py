"""Engine JSON: line scores, RapidOCR lines with spaces, and scores or word_results that cannot be right.

A newcomer found three things (each test here failed before the fix): a PaddleOCR line score was
copied onto every character, so with ``--engine ppocrv6`` the char stage read "the engine was 0.98
sure of this character" on the very character it misread, and right corrections were lost; a
RapidOCR line with a space (kept in ``txt``, left out of ``word_results``) silently lost every
character's score and box; and ``word_results`` of the wrong length, a score of 7.5 or NaN were
accepted without a word. The lines here are written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ocrfiles import run_cli

from restore.errors import InputError
from restore.formats import read_document

CELL = 24
# Three lines with two misreads (己 for 已, 末 for 未), as an engine would print them.
LINES = ["街道办事处的工作人员己经把新书搬进了阅览室，", "馆长说图书馆的末来三年还要再扩建两层，", "周末带孩子来借书的家长越来越多了。"]
BOX = [[0, 0], [480, 0], [480, 30], [0, 30]]


def rapid_line(text: str, scores: list[float], *, keep_spaces: bool = False) -> dict:
    """A RapidOCR 3.x line with ``word_results`` as rapidocr writes them: one entry per character,
    spaces left out (unless ``keep_spaces``), each with a CELL-wide box along the line."""
    entries, x = [], 0
    for char in text:
        if char.isspace() and not keep_spaces:
            x += CELL
            continue
        box = [[x, 0], [x + CELL, 0], [x + CELL, 30], [x, 30]]
        entries.append([char, scores[len(entries)], box])
        x += CELL
    return {"box": BOX, "txt": text, "score": round(sum(scores) / len(scores), 5), "word_results": entries}


LINE_SCORE_ONLY = {
    "paddleocr 3.x save_to_json": {"rec_texts": LINES, "rec_scores": [0.985, 0.979, 0.991]},
    "paddleocr 3.x res": {"res": {"rec_texts": LINES, "rec_scores": [0.985, 0.979, 0.991]}},
    "paddleocr 2.x": [[BOX, [text, 0.98]] for text in LINES],
    "rapidocr-onnxruntime 1.x": [[BOX, text, 0.98] for text in LINES],
    "rapidocr 3.x without word_results": [{"box": BOX, "txt": text, "score": 0.98} for text in LINES],
}


@pytest.mark.parametrize("shape", sorted(LINE_SCORE_ONLY))
def test_a_line_score_is_no_characters_confidence(shape: str) -> None:
    document = read_document(json.dumps(LINE_SCORE_ONLY[shape], ensure_ascii=False).encode(), "scan.json")
    assert document.text == "\n".join(LINES)
    assert not document.has_confidences and not document.boxes


def test_line_scores_with_engine_restore_as_the_text_alone(tmp_path: Path) -> None:
    # Read as per-character confidences, the 0.985 of the first line kept 己 -> 已 from being applied.
    scan, text = tmp_path / "scan.json", tmp_path / "scan.txt"
    scan.write_text(json.dumps(LINE_SCORE_ONLY["paddleocr 3.x save_to_json"], ensure_ascii=False), encoding="utf-8")
    text.write_text("\n".join(LINES), encoding="utf-8")
    records = {}
    for source, extra in ((text, ()), (scan, ("--engine", "ppocrv6"))):
        jsonl = tmp_path / f"{source.name}.jsonl"
        done = run_cli("fix", source, "--jsonl", jsonl, *extra)
        assert done.returncode == 0, done.stderr
        records[source.suffix] = json.loads(jsonl.read_text(encoding="utf-8"))
    from_json, from_text = records[".json"], records[".txt"]
    assert (from_json["format"], from_json["engine_calibration"]) == ("paddleocr-json 3", "")
    for key in ("edits", "suggestions"):  # the same, but for the fields that name the file's elements
        assert [{k: v for k, v in e.items() if k not in ("element", "in_file")} for e in from_json[key]] == from_text[key]
    assert any((e["before"], e["after"]) == ("己", "已") for e in from_json["edits"])


def test_rapidocr_line_with_a_space_keeps_every_characters_score_and_box() -> None:
    text = "Web 版 新馆己经开放"  # rapidocr keeps the two spaces in txt, not in word_results
    scores = [0.99, 0.98, 0.97, 0.96, 0.995, 0.994, 0.41, 0.993, 0.992, 0.991]
    document = read_document(json.dumps([rapid_line(text, scores)], ensure_ascii=False).encode(), "scan.json")
    assert document.text == text
    spaces = [i for i, char in enumerate(text) if char == " "]
    assert [document.confidences[i] for i in range(len(text)) if i not in spaces] == scores
    assert [document.confidences[i] for i in spaces] == [None, None]
    assert document.confidences[text.index("己")] == 0.41
    assert sorted(document.boxes) == [i for i in range(len(text)) if i not in spaces]
    assert document.boxes[text.index("己")] == (text.index("己") * CELL, 0.0, (text.index("己") + 1) * CELL, 30.0)
    # word_results that keep the spaces are read the same way.
    kept = read_document(json.dumps([rapid_line(text, [*scores[:3], 0.5, scores[3], 0.5, *scores[4:]], keep_spaces=True)],
                                    ensure_ascii=False).encode(), "scan.json")
    assert kept.confidences[text.index("己")] == 0.41 and kept.confidences[spaces[0]] == 0.5


def test_a_word_entry_of_several_characters_gives_them_no_score() -> None:
    line = {"box": BOX, "txt": "新馆 Web", "score": 0.9,
            "word_results": [["新", 0.99, BOX], ["馆", 0.6, BOX], ["Web", 0.97, BOX]]}
    document = read_document(json.dumps([line], ensure_ascii=False).encode(), "scan.json")
    assert document.confidences == (0.99, 0.6, None, None, None, None)
    assert sorted(document.boxes) == [0, 1]


def _bad(field: str, value) -> bytes:
    """A RapidOCR file with one line whose ``field`` is ``value`` (``word_results[0][1]`` for a word score)."""
    line = rapid_line("新馆己经开放", [0.99, 0.98, 0.41, 0.97, 0.96, 0.95])
    if field == "word score":
        line["word_results"][0][1] = value
    else:
        line[field] = value
    return json.dumps([line], ensure_ascii=False).encode()


def _short() -> bytes:
    line = rapid_line("新馆己经开放", [0.99, 0.98, 0.41, 0.97, 0.96, 0.95])
    del line["word_results"][3]
    return json.dumps([line], ensure_ascii=False).encode()


def _misspelt() -> bytes:
    line = rapid_line("新馆己经开放", [0.99, 0.98, 0.41, 0.97, 0.96, 0.95])
    line["word_results"][2][0] = "已"
    return json.dumps([line], ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_short(), "line 1: word_results do not spell the line's txt: 5 characters for its 6 (spaces aside), "
                   'first differing at character 4 (word_results: "开", txt: "经")'),
        (_misspelt(), 'first differing at character 3 (word_results: "已", txt: "己")'),
        (_bad("word score", 7.5), "line 1: word_results[0] score must be a number from 0 to 1, got float 7.5"),
        (_bad("word score", -0.2), "line 1: word_results[0] score must be a number from 0 to 1, got float -0.2"),
        (_bad("score", float("nan")), "line 1: 'score' must be a number from 0 to 1, got float NaN"),
        (_bad("word_results", {"新": 0.9}), "line 1: 'word_results' must be a list of [text, score, box], got dict"),
        (_bad("word_results", [["新", 0.9, BOX], "馆"]), "line 1: word_results[1] must be [text, score, box], got str"),
        (json.dumps({"rec_texts": LINES[:1], "rec_scores": [float("inf")]}).encode(),
         "rec_scores[0] must be a number from 0 to 1, got float Infinity"),
        (json.dumps([[BOX, [LINES[0], float("nan")]]], ensure_ascii=False).encode(),
         "line 1: the score must be a number from 0 to 1, got float NaN"),
        (json.dumps([[BOX, LINES[0], 98.5]], ensure_ascii=False).encode(),
         "line 1: the score must be a number from 0 to 1, got float 98.5"),
    ],
)
def test_impossible_scores_and_word_results_are_refused_naming_file_and_field(content: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(content, "scans/scan.json")
    assert str(caught.value).startswith("scans/scan.json: ") and "\n" not in str(caught.value)
    assert message in str(caught.value)


def test_fix_and_clean_refuse_them_exit_1_nothing_written(tmp_path: Path) -> None:
    scans, out = tmp_path / "scans", tmp_path / "out"
    scans.mkdir()
    (scans / "short.json").write_bytes(_short())
    (scans / "nan.json").write_bytes(_bad("score", float("nan")))  # the bare NaN Python's json writes
    (scans / "good.json").write_text(json.dumps([rapid_line("新馆己经开放了三层阅览室。", [0.99] * 13)], ensure_ascii=False),
                                     encoding="utf-8")
    done = run_cli("fix", scans / "short.json", "-o", tmp_path / "short.txt")
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"restore: error: {scans / 'short.json'}: line 1: word_results do not spell")
    assert not (tmp_path / "short.txt").exists()
    done = run_cli("clean", scans, "-o", out)
    assert done.returncode == 1
    assert "nan.json: line 1: 'score' must be a number from 0 to 1, got float NaN" in done.stderr
    assert not (out / "short.json.txt").exists() and not (out / "nan.json.txt").exists()
    assert (out / "good.json.txt").read_text(encoding="utf-8") == "新馆已经开放了三层阅览室。"
