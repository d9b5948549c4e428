"""A truncated OCR file (a copy cut off mid-file, a failed export) is malformed XML, never plain text.

A newcomer found that ``formats.detect`` took a file for XML only when it ended in ``>``: an ALTO,
PAGE or hOCR file cut inside an element was restored as text, exit 0, with edits written into its
markup. A file that begins with an XML declaration or the root element of a format restore reads,
or is named ``.xml``/``.hocr``/``.html``/``.htm``, is now XML however it ends; a ``.txt`` is always
text. Every page here is written for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ocrfiles import alto4, hocr, page2019, run_cli

from restore.errors import InputError
from restore.formats import read_document
from restore.formats.detect import detect_kind

LINES = [["街道", "图书馆", "己经", "开放了"], ["三层", "阅览室。"]]


def cut(data: bytes, marker: bytes) -> bytes:
    """``data`` up to (not including) the first ``marker``: a copy that stopped there."""
    return data[: data.index(marker)]


TRUNCATED = {
    # Inside an attribute value, after the String holding the error; inside a tag name; inside text.
    "page.xml": cut(alto4(LINES), 'CONTENT="三层"'.encode()) + b'CONTENT="',
    "page.hocr": cut(hocr(LINES), b"id='word_2_2'") + b"id='wo",
    "page-page.xml": cut(page2019([LINES]), "阅览室".encode()) + "阅".encode(),
}


@pytest.mark.parametrize("name", sorted(TRUNCATED))
def test_a_truncated_ocr_file_is_malformed_xml_naming_the_file(name: str) -> None:
    data = TRUNCATED[name]
    assert not data.rstrip().endswith(b">")
    for shown in (f"scans/{name}", "-"):  # the file, and the same bytes on stdin
        with pytest.raises(InputError) as caught:
            read_document(data, shown)
        message = str(caught.value)
        assert message.startswith(f"{shown}: malformed XML: ") and "\n" not in message
        assert message.endswith("(the file ends inside an element: a truncated copy?)")


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        # A .txt is text whatever it starts with, an XML declaration included.
        (b'<?xml version="1.0"?><alto><Layout>', "notes.txt", "text"),
        # Text that begins with a tag but neither declares XML nor opens an OCR root, on stdin.
        ("<b>注意</b> 明天上午闭馆".encode(), "-", "text"),
        ("<图书馆>明天上午闭馆".encode(), "-", "text"),
        # The same beginnings that make XML: a declaration, an OCR root (prefixed too), an XML name.
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<alto xmlns="urn:x"><Layout><Page', "-", "xml"),
        (b"<!-- exported -->\n<PcGts xmlns='urn:x'><Page imageFilename='p.png'", "-", "xml"),
        (b"<!DOCTYPE html>\n<html xmlns='http://www.w3.org/1999/xhtml'><body><div class='ocr_page'", "-", "xml"),
        (b"<a:alto xmlns:a='urn:x'><a:Layout", "-", "xml"),
        (b"<Layout><Page ID='p1", "export.xml", "xml"),
        (b"<Layout><Page ID='p1", "-", "text"),
    ],
)
def test_what_makes_a_file_xml_however_it_ends(data: bytes, name: str, kind: str) -> None:
    assert detect_kind(data, name) == kind


def test_fix_refuses_a_truncated_file_exit_1_and_writes_nothing(tmp_path: Path) -> None:
    for name, data in TRUNCATED.items():
        source, out = tmp_path / name, tmp_path / "out" / name
        source.write_bytes(data)
        done = run_cli("fix", source, "-o", out, "--jsonl", tmp_path / "edits.jsonl")
        assert done.returncode == 1, (name, done.stderr)
        (line,) = done.stderr.splitlines()
        assert line.startswith(f"restore: error: {source}: malformed XML: "), line
        assert not out.exists() and not (tmp_path / "edits.jsonl").exists()


def test_clean_refuses_the_truncated_files_and_finishes_the_rest(tmp_path: Path) -> None:
    scans, out, jsonl = tmp_path / "scans", tmp_path / "out", tmp_path / "edits.jsonl"
    scans.mkdir()
    for name, data in TRUNCATED.items():
        (scans / name).write_bytes(data)
    (scans / "whole.xml").write_bytes(alto4(LINES))
    # A .txt that happens to begin with "<" is still a page of text.
    (scans / "note.txt").write_text("<通知>图书馆己经开放了三层阅览室。", encoding="utf-8")
    done = run_cli("clean", scans, "-o", out, "--jsonl", jsonl, "--jobs", "2")
    assert done.returncode == 1
    for name in TRUNCATED:
        assert f"{scans / name}: malformed XML: " in done.stderr or f"{name}: malformed XML: " in done.stderr
        assert not (out / name).exists()
    assert read_document((out / "whole.xml").read_bytes(), "whole.xml").text.startswith("街道图书馆已经开放了")
    assert (out / "note.txt").read_text(encoding="utf-8") == "<通知>图书馆已经开放了三层阅览室。"
    records = {r["path"]: r for r in map(json.loads, jsonl.read_text(encoding="utf-8").splitlines())}
    assert set(records) == {"whole.xml", "note.txt"}


def test_a_run_of_comments_before_the_root_is_read_in_one_pass(tmp_path: Path) -> None:
    # Before, the patterns that look at a file's beginning took a comment body as ".*?", which can
    # swallow the next comment: on a run of comments they backtracked exponentially and restore hung
    # (the subprocess timeout is the failure). Each of these files is refused at once.
    comments = b"".join(b"<!-- page %d -->\n" % number for number in range(60))
    malformed = tmp_path / "comments.xml"  # ends in ">", does not parse: the HTML check reads its start
    malformed.write_bytes(comments + b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'><Layout></alto>")
    unnamed = tmp_path / "comments"  # no suffix, cut off: the start decides whether it is XML
    unnamed.write_bytes(comments + b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'><Layout")
    for source in (malformed, unnamed):
        done = run_cli("fix", source, "-o", tmp_path / "out.xml", timeout=120)
        assert done.returncode == 1
        assert done.stderr.startswith(f"restore: error: {source}: malformed XML: ")
    assert not (tmp_path / "out.xml").exists()
