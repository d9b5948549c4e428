"""OCR formats in and out (restore.formats): readers, writers, round trips, schemas, hostile input.

Engine-made fixtures (tests/data/formats/, made by scripts/make_format_fixtures.py from page images
of sentences written for this project): Tesseract 5.3 hOCR with character boxes, ALTO 3 and TSV
(chi_sim), hOCR (chi_tra), RapidOCR 3.x JSON with per-character scores, rapidocr-onnxruntime 1.x
(PP-OCRv4) JSON. Hand-made: an ALTO 4.4 page with Glyphs, Variants, CC and a vertical column, and a
PAGE 2019 page with Words, Glyphs, alternative TextEquivs and a top-to-bottom line.
"""

from __future__ import annotations

import copy
import doctest
import functools
import importlib
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from restore.edits import Edit, apply_edits
from restore.errors import InputError
from restore.formats import (
    MAX_INPUT_BYTES,
    read_document,
    read_input,
    write_document,
)
from restore.formats.placement import place

from conftest import shared_dir

DATA = Path(__file__).resolve().parent / "data" / "formats"
SCHEMAS = shared_dir() / "data" / "schemas"
ALTO4 = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO3 = "http://www.loc.gov/standards/alto/ns-v3#"
PAGE = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
COORDINATES = ("HPOS", "VPOS", "WIDTH", "HEIGHT", "points", "title")
# What the engines read on the fixture pages (the page text was written with one error, 己 for 已).
# Every refusal of a file declaring XML entities says this (restore.formats.safexml).
REFUSED = "refused: the file declares XML entities, which OCR files never need"
SIMPLIFIED_TEXT = "区图书馆周六上午九点开门，\n欢迎市民带孩子来借书。\n新馆己经开放三层阅览室。"


def load(name: str):
    data = (DATA / name).read_bytes()
    document = read_document(data, name)
    assert document is not None
    return document


def char_edit(document, char: str, after: str, *, occurrence: int = 0, confidence: float = 0.93) -> Edit:
    start = -1
    for _ in range(occurrence + 1):
        start = document.text.index(char, start + 1)
    return Edit(start, start + len(char), char, after, kind="char", confidence=confidence, source="lm:char5")


def page_readings(root: etree._Element, element_id: str) -> list[tuple[str | None, str | None, str]]:
    """``(index, comments, text)`` of each TextEquiv of the PAGE element ``element_id``, in file order."""
    ns = {"p": PAGE}
    element = root.find(f".//*[@id='{element_id}']", ns)
    return [(e.get("index"), e.get("comments"), e.findtext("p:Unicode", namespaces=ns))
            for e in element.findall("p:TextEquiv", ns)]


def schema(name: str) -> etree.XMLSchema:
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"{path} is not beside this checkout")
    return etree.XMLSchema(etree.parse(str(path), etree.XMLParser(no_network=True)))


def _geometry(value: str) -> str:
    """An attribute's value without hOCR's confidence properties (``x_conf``, ``x_wconf``): a
    replaced character's ``x_conf`` becomes restore's confidence, its box must not move."""
    if ";" not in value and not value.startswith("x_bboxes"):
        return value
    return "; ".join(p.strip() for p in value.split(";") if p.strip() and p.split()[0] not in ("x_conf", "x_wconf"))


def coordinates(root: etree._Element) -> list[tuple[str, str | None, dict[str, str]]]:
    """Every element carrying geometry, in order: (local name, id, coordinate attributes)."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        attributes = {k: _geometry(v) for k, v in element.attrib.items() if k in COORDINATES and not v.startswith("x_conf")}
        if name == "Coords" or attributes:
            parent = element.getparent()
            ident = element.get("ID") or element.get("id") or (parent.get("id") if parent is not None else None)
            found.append((name, ident, attributes))
    return found


def skeleton(root: etree._Element, drop_elements: set[str], drop_attributes: set[str]) -> bytes:
    """The document with the named elements and attributes removed and whitespace-only text dropped."""
    root = copy.deepcopy(root)
    for element in list(root.iter()):
        if isinstance(element.tag, str) and etree.QName(element).localname in drop_elements:
            element.getparent().remove(element)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in drop_attributes & set(element.attrib):
            del element.attrib[attribute]
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return etree.tostring(root, method="c14n")


# -- readers ---------------------------------------------------------------------------------------


def test_tesseract_alto3_reads_words_without_spaces_between_han() -> None:
    document = load("tesseract-sim.alto.xml")
    assert (document.format, document.version, document.engine) == ("alto", "3.0", "tesseract")
    assert document.text == SIMPLIFIED_TEXT
    # Tesseract writes SP (some with negative widths) between every pair of Han words.
    assert b'<SP WIDTH="-1"' in document.source
    first = document.element_at(0)
    assert (first.ref, first.kind, first.line) == ("string_0", "String", 0)
    assert document.element_at(document.text.index("\n")) is None
    assert document.confidences[0] == pytest.approx(0.96)
    assert document.confidences[document.text.index("\n")] is None


def test_tesseract_old_wc_percentages_read_as_fractions() -> None:
    data = (DATA / "tesseract-sim.alto.xml").read_bytes()
    percent = re.sub(rb'WC="([01])\.(\d\d)"', lambda m: b'WC="' + str(int(m.group(1) + m.group(2))).encode() + b'"', data)
    assert percent != data and b'WC="96"' in percent
    fraction, old = read_document(data, "a.xml"), read_document(percent, "a.xml")
    assert old.text == fraction.text
    assert old.confidences == pytest.approx(fraction.confidences)


def test_cc_is_one_digit_per_character_with_zero_sure() -> None:
    alto = (
        f'<alto xmlns="{ALTO4}"><Layout><Page ID="p" PHYSICAL_IMG_NR="1"><PrintSpace><TextBlock ID="b">'
        '<TextLine ID="l"><String ID="s" CONTENT="己经开" WC="0.99" CC="900"/><String ID="t" CONTENT="放" '
        'CC="12"/></TextLine></TextBlock></PrintSpace></Page></Layout></alto>'
    ).encode()
    document = read_document(alto, "cc.xml")
    # CC 9 = unsure, 0 = sure (the reverse of WC); a CC that is not one digit per character falls back.
    assert document.confidences[:3] == (0.0, 1.0, 1.0)
    assert document.confidences[3] is None


def test_hocr_reads_character_confidences_and_keeps_the_doctype_unfetched() -> None:
    document = load("tesseract-sim.hocr")
    assert (document.format, document.engine) == ("hocr", "tesseract")
    assert document.text == SIMPLIFIED_TEXT
    assert b"xhtml1-transitional.dtd" in document.source  # an external DTD the reader must not load
    assert document.element_at(2).ref == "word_1_3"  # 书馆: one word of two characters
    # x_conf of each ocrx_cinfo, not the word's x_wconf (93 for 书馆).
    assert document.confidences[2] == pytest.approx(0.99551079)
    assert document.confidences[3] == pytest.approx(0.99004959)


def test_traditional_hocr() -> None:
    document = load("tesseract-tra.hocr")
    assert document.text.startswith("區圖書館週六上午九點開門")
    assert "己經開放" in document.text


def test_tsv_reads_the_same_text_as_alto_from_one_run() -> None:
    document = load("tesseract-sim.tsv")
    assert (document.format, document.engine) == ("tesseract-tsv", "tesseract")
    assert document.text == SIMPLIFIED_TEXT
    assert document.element_at(0).ref == "line 1 word 1"
    assert document.confidences[0] == pytest.approx(0.96897316)


def test_rapidocr_json_gives_every_character_its_score() -> None:
    document = load("rapidocr-sim.json")
    assert (document.format, document.engine) == ("rapidocr-json", "ppocr")
    assert document.text == SIMPLIFIED_TEXT
    payload = json.loads((DATA / "rapidocr-sim.json").read_text(encoding="utf-8"))
    assert document.confidences[:2] == tuple(c[1] for c in payload[0]["word_results"][:2])
    assert document.element_at(14).ref == "line 2"


def test_rapidocr_onnxruntime_1x_json_made_by_the_engine() -> None:
    document = load("rapidocr1-sim.json")  # PP-OCRv4 read 已 right on this page; one score per line
    assert (document.format, document.engine) == ("rapidocr-json", "ppocr")
    assert document.text == SIMPLIFIED_TEXT.replace("己", "已")
    # A line score is no character's confidence: the characters get none (README, engine JSON).
    assert set(document.confidences) == {None} and not document.has_confidences
    assert document.element_at(14).ref == "line 2"


def test_rapidocr_1x_and_paddleocr_3_json() -> None:
    old = json.dumps([[[[0, 0], [9, 0], [9, 9], [0, 9]], "区图书馆", 0.91]], ensure_ascii=False).encode()
    assert read_document(old, "a.json").confidences == (None,) * 4
    paddle = {"res": {"input_path": "page.png", "rec_texts": ["新馆", "开放"], "rec_scores": [0.9, 0.8],
                      "text_rec_score_thresh": 0.5}}
    document = read_document(json.dumps(paddle, ensure_ascii=False).encode(), "b.json")
    assert (document.format, document.text, document.confidences) == ("paddleocr-json", "新馆\n开放", (None,) * 5)


def test_paddleocr_2_lines_and_pages_and_paddleocr_3_save_to_json() -> None:
    box = [[0.0, 0.0], [90.0, 0.0], [90.0, 30.0], [0.0, 30.0]]
    lines = [[box, ["新馆己经", 0.71]], [box, ["开放", 0.98]]]
    one_page = read_document(json.dumps(lines, ensure_ascii=False).encode(), "p2.json")
    assert (one_page.format, one_page.version, one_page.engine) == ("paddleocr-json", "2", "ppocr")
    assert one_page.text == "新馆己经\n开放" and not one_page.has_confidences
    # ocr.ocr() on a PDF: one list per page, None for a page without text.
    pages = read_document(json.dumps([lines, None, [[box, ["三层", 0.9]]]], ensure_ascii=False).encode(), "p.json")
    assert pages.text == "新馆己经\n开放\n三层"
    # PaddleOCR 3.x res.save_to_json() writes the result without the "res" wrapper of res.json.
    saved = {"input_path": "page.png", "page_index": None, "model_settings": {"use_doc_preprocessor": False},
             "dt_polys": [box], "text_rec_score_thresh": 0.0, "rec_texts": ["新馆己经"], "rec_scores": [0.71],
             "rec_polys": [box], "rec_boxes": [[0, 0, 90, 30]]}
    document = read_document(json.dumps(saved, ensure_ascii=False).encode(), "p3.json")
    assert (document.format, document.text, document.has_confidences) == ("paddleocr-json", "新馆己经", False)
    # A list of something else is still refused, naming the line.
    with pytest.raises(InputError, match=r"^x\.json: line 1 is not an OCR result"):
        read_document(json.dumps([[box, ["text", "high"]]]).encode(), "x.json")


def test_page_word_spaces_glyph_confidences_alternatives_and_vertical_line() -> None:
    document = load("handmade-page2019.xml")
    assert (document.format, document.version, document.engine) == ("page", "2019-07-15", "tesseract")
    # Words are joined by a space in PAGE; between Han characters the reader drops it.
    assert document.text == "新馆己经开放\n阅揽室\nPAGE 2019 版本"
    assert document.confidences[2] == 0.41  # the Glyph's TextEquiv, not the Word's 0.6
    assert document.alternatives[2] == (("已", 0.38),)
    vertical = document.element_at(document.text.index("揽"))
    assert (vertical.ref, vertical.kind) == ("w4", "Word")
    assert document.confidences[document.text.index("揽")] == 0.72
    assert document.element_at(document.text.index("版")).kind == "TextLine"


def test_alto4_glyphs_and_variants() -> None:
    document = load("handmade-alto4.xml")
    assert (document.version, document.text) == ("4.4", "新馆己经开放\n阅揽室\nALTO 4版本")
    assert document.confidences[2] == 0.41  # GC wins over CC's 8
    assert document.alternatives[2] == (("已", 0.38), ("巳", 0.12))
    assert document.describe(0, 6) == "s_1" and document.describe(6, 7) == "line 1"


# -- writers ---------------------------------------------------------------------------------------

WRITABLE = ["tesseract-sim.alto.xml", "tesseract-sim.hocr", "tesseract-tra.hocr", "handmade-alto4.xml",
            "handmade-page2019.xml"]


@pytest.mark.parametrize("name", WRITABLE)
def test_no_edits_give_the_file_back_byte_for_byte(name: str) -> None:
    document = load(name)
    assert write_document(document, []) == document.source
    # Joining lines and dropping spaces are not written into XML: still the same bytes.
    join = document.text.index("\n")
    layout = Edit(join, join + 1, "\n", "", kind="layout", confidence=0.95, source="layout:join-lines")
    assert write_document(document, [layout]) == document.source
    assert place(document, [layout]).not_written == (layout,)


@pytest.mark.parametrize("name", WRITABLE)
def test_an_edit_changes_only_text_and_provenance(name: str) -> None:
    document = load(name)
    edit = char_edit(document, document.text[document.text.index("己")], "已")
    output = write_document(document, [edit])
    again = read_document(output, name)
    assert again.text == apply_edits(document.text, [edit])
    before, after = etree.fromstring(document.source), etree.fromstring(output)
    assert coordinates(after) == coordinates(before)
    if document.format == "alto":
        drop = {"ALTERNATIVE", "Processing", "postProcessingStep", "Variant"}
        attributes = {"CONTENT", "CC", "GC", "PROCESSINGREFS"}
    elif document.format == "page":
        drop, attributes = {"TextEquiv"}, set()
    else:
        drop, attributes = set(), set()
        titles = []
        for root in (before, after):
            cinfos = [e for e in root.iter() if isinstance(e.tag, str) and "ocrx_cinfo" in (e.get("class") or "")]
            titles.append([e.get("title") for e in cinfos])
            for element in cinfos:
                element.text = ""
                element.set("title", _geometry(element.get("title") or ""))  # the replaced one's x_conf is restore's
        assert sum(old != new for old, new in zip(*titles, strict=True)) <= 1
    assert skeleton(after, drop, attributes) == skeleton(before, drop, attributes)


def test_alto_keeps_the_ocr_reading_and_references_a_processing_step() -> None:
    document = load("handmade-alto4.xml")
    output = write_document(document, [char_edit(document, "己", "已"), char_edit(document, "揽", "览")])
    schema("alto-4-4.xsd").assertValid(etree.fromstring(output))
    root = etree.fromstring(output)
    ns = {"a": ALTO4}
    processing = root.find("a:Description/a:Processing[@ID='restore_correction']", ns)
    assert processing.findtext("a:processingSoftware/a:softwareName", namespaces=ns) == "restore"
    string = root.find(".//a:String[@ID='s_1']", ns)
    assert string.get("CONTENT") == "新馆已经开放"
    assert string.get("PROCESSINGREFS") == "restore_correction"
    assert string.find("a:ALTERNATIVE[@PURPOSE='ocr']", ns).text == "新馆己经开放"
    glyph = root.find(".//a:Glyph[@ID='g_1_3']", ns)
    assert glyph.get("CONTENT") == "已" and glyph.get("GC") == "0.930"
    assert glyph.find("a:Variant", ns).get("CONTENT") == "己"  # the OCR reading, with its GC as VC
    assert string.get("CC") == "001000"  # one digit per character; 0.93 sure -> round(9 × 0.07) = 1


def test_tesseract_alto3_gets_a_post_processing_step_not_an_alto4_element() -> None:
    document = load("tesseract-sim.alto.xml")
    root = etree.fromstring(write_document(document, [char_edit(document, "己", "已")]))
    ns = {"a": ALTO3}
    assert root.find("a:Description/a:Processing", ns) is None
    step = root.find("a:Description/a:OCRProcessing/a:postProcessingStep", ns)
    assert step.findtext("a:processingSoftware/a:softwareName", namespaces=ns) == "restore"
    string = root.find(".//a:String[@ID='string_22']", ns)
    assert string.get("CONTENT") == "已" and string.get("PROCESSINGREFS") is None


def test_insertion_and_deletion_stay_inside_the_string() -> None:
    document = load("handmade-alto4.xml")
    end_of_line = document.text.index("\n")  # after 放, the last character of s_1
    edits = [
        Edit(1, 2, "馆", "", kind="char", confidence=0.9, source="lm:char5"),
        Edit(end_of_line, end_of_line, "", "了", kind="char", confidence=0.9, source="lm:char5"),
        Edit(8, 8, "", "、", kind="char", confidence=0.8, source="lm:char5"),
    ]
    output = write_document(document, edits)
    schema("alto-4-4.xsd").assertValid(etree.fromstring(output))
    root, ns = etree.fromstring(output), {"a": ALTO4}
    first, column = root.find(".//a:String[@ID='s_1']", ns), root.find(".//a:String[@ID='s_2']", ns)
    assert first.get("CONTENT") == "新己经开放了"
    assert len(first.get("CC")) == len(first.get("CONTENT")) == len(first.findall("a:Glyph", ns))
    assert root.find(".//a:Glyph[@ID='g_1_2']", ns) is None  # the deleted character's glyph
    assert first.findall("a:Glyph", ns)[-1].get("HPOS") is None  # an inserted glyph has no geometry
    assert column.get("CONTENT") == "阅、揽室" and len(column.get("CC")) == 4
    # No String was added or removed and the line still reads as the edits say.
    assert len(root.findall(".//a:String", ns)) == 5
    assert read_document(output, "a.xml").text == apply_edits(document.text, edits)


def test_insertion_between_two_strings_joins_the_left_one() -> None:
    document = load("tesseract-sim.alto.xml")
    between = document.text.index("图")  # 区|图: two Strings, no separator between Han words
    output = write_document(document, [Edit(between, between, "", "、", kind="char", confidence=0.9, source="x")])
    ns = {"a": ALTO3}
    root = etree.fromstring(output)
    assert root.find(".//a:String[@ID='string_0']", ns).get("CONTENT") == "区、"
    assert root.find(".//a:String[@ID='string_1']", ns).get("CONTENT") == "图"


def test_page_corrected_reading_first_ocr_next_and_the_line_rebuilt_with_spaces() -> None:
    document = load("handmade-page2019.xml")
    output = write_document(document, [char_edit(document, "己", "已"), char_edit(document, "揽", "览")])
    schema("pagecontent-2019-07-15.xsd").assertValid(etree.fromstring(output))
    root, ns = etree.fromstring(output), {"p": PAGE}
    readings = functools.partial(page_readings, root)

    assert readings("w2") == [("1", "restore: corrected", "已经"), ("2", "OCR", "己经")]
    # The engine's alternative 已 was chosen: it is the corrected reading now, not repeated below it.
    assert readings("w2g1") == [("1", "restore: corrected", "已"), ("2", "OCR", "己")]
    assert readings("l1")[0] == ("1", "restore: corrected", "新馆 已经 开放")  # PAGE's word spaces kept
    assert readings("r1")[0][2] == "新馆 已经 开放"
    # The vertical line: corrected, still top-to-bottom, its glyph boxes unchanged.
    assert readings("w4")[0][2] == "阅览室"
    assert root.find(".//p:TextLine[@id='l2']", ns).get("readingDirection") == "top-to-bottom"
    assert coordinates(root) == coordinates(etree.fromstring(document.source))
    assert read_document(output, "p.xml").text == "新馆已经开放\n阅览室\nPAGE 2019 版本"


def test_page_insertion_keeps_the_engines_glyphs() -> None:
    document = load("handmade-page2019.xml")
    start = document.text.index("经")
    output = write_document(document, [Edit(start, start, "", "、", kind="char", confidence=0.9, source="x")])
    schema("pagecontent-2019-07-15.xsd").assertValid(etree.fromstring(output))
    assert read_document(output, "p.xml").text.startswith("新馆己、经开放")
    assert coordinates(etree.fromstring(output)) == coordinates(etree.fromstring(document.source))
    # The Word says why its Glyphs no longer spell it.
    word = etree.fromstring(output).find(f".//{{{PAGE}}}Word[@id='w2']")
    assert word.find(f"{{{PAGE}}}TextEquiv").get("comments") == (
        "restore: corrected; its Glyphs read 己经: left as the engine cut them, no room between them for the inserted character"
    )


def test_hocr_text_replaced_boxes_kept() -> None:
    document = load("tesseract-sim.hocr")
    start = document.text.index("己")
    edits = [Edit(start, start + 1, "己", "已", kind="char", confidence=0.9, source="x"),
             Edit(start + 2, start + 2, "", "了", kind="char", confidence=0.9, source="x")]
    output = write_document(document, edits)
    again = read_document(output, "a.hocr")
    assert again.text == apply_edits(document.text, edits)
    assert again.element_at(start).ref == "word_1_23"
    assert coordinates(etree.fromstring(output)) == coordinates(etree.fromstring(document.source))
    assert b"<title></title>" in output  # browsers need it open and closed
    assert b"xhtml1-transitional.dtd" in output


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_edits_round_trip_through_alto_and_page(data: st.DataObject) -> None:
    for name in ("handmade-alto4.xml", "handmade-page2019.xml"):
        document = load(name)
        han = [i for i, ch in enumerate(document.text) if "\u4e00" <= ch <= "\u9fff"]
        chosen = sorted(data.draw(st.sets(st.sampled_from(han), min_size=1, max_size=4)))
        edits = []
        for offset in chosen:
            operation = data.draw(st.sampled_from(["replace", "delete", "insert"]))
            if operation == "replace":
                edits.append(Edit(offset, offset + 1, document.text[offset], "甲", kind="char", confidence=0.9, source="x"))
            elif operation == "delete":
                edits.append(Edit(offset, offset + 1, document.text[offset], "", kind="char", confidence=0.9, source="x"))
            else:
                edits.append(Edit(offset, offset, "", "乙", kind="char", confidence=0.9, source="x"))
        output = write_document(document, edits)
        root = etree.fromstring(output)
        schema("alto-4-4.xsd" if name.startswith("handmade-alto") else "pagecontent-2019-07-15.xsd").assertValid(root)
        again = read_document(output, name)
        # Deleting a whole word (or line) leaves an empty String/Word the reader skips, with the space
        # (line break) beside it: compare without spaces and empty lines.
        def squeeze(text: str) -> str:
            return re.sub(r"\n+", "\n", text.replace(" ", ""))

        assert squeeze(again.text) == squeeze(apply_edits(document.text, edits))
        if document.format == "alto":
            for string in root.iter(f"{{{ALTO4}}}String"):
                if string.get("CC") is not None:
                    assert len(string.get("CC")) == len(string.get("CONTENT"))


# -- hostile and wrong input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'><Layout>", "malformed XML"),
        (b"<alto xmlns='urn:example:other'><Layout/></alto>", "unknown ALTO namespace"),
        (b"<PcGts xmlns='http://schema.primaresearch.org/PAGE/gts/pagecontent/1999'/>", "unknown PAGE namespace"),
        (b"<page xmlns='urn:example:other'><line/></page>", "unknown namespace"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
         b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
         b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
         b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'><Layout>&lol3;</Layout></alto>", REFUSED),
        (b'<?xml version="1.0"?>\n<!DOCTYPE alto [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
         b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'><Layout>&x;</Layout></alto>", REFUSED),
        # libxml2 stops these itself (amplification limit; an external entity in an attribute):
        # the same refusal, not "malformed XML" with libxml2's own words.
        (b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY l0 "lolololololololol">'
         + b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 8))
         + b"]>\n<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'><Layout>&l7;</Layout></alto>", REFUSED),
        (b'<?xml version="1.0"?>\n<!DOCTYPE alto [<!ENTITY x SYSTEM "file:///etc/hostname">]>\n'
         b"<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#' ID='&x;'><Layout/></alto>", REFUSED),
        (b'{"pages": [1, 2, 3]}', "not OCR engine JSON"),
        (b'[{"text": "no txt field"}]', "line 1 is not an OCR result"),
        (b'{"broken": ', "not JSON"),
        (b'[{"box": [[0, 0], [1, 0], [1, 1], [0, 1]], "txt": 123, "score": "x"}]',
         "line 1: 'txt' must be the line's text (a string), got int 123"),
        ('[{"txt": "路灯修好了", "score": "高"}]'.encode(), "line 1: 'score' must be a number from 0 to 1, got str"),
        ('{"rec_texts": ["路灯修好了"], "rec_scores": [0.9, 0.8]}'.encode(),
         "rec_scores must give one score per line of rec_texts (1 line(s)), got 2 scores"),
        ('{"rec_texts": ["路灯修好了"], "rec_scores": ["0.9"]}'.encode(), "rec_scores[0] must be a number from 0 to 1, got str"),
    ],
)
def test_hostile_or_foreign_input_is_a_clear_error_naming_the_file(content: bytes, message: str) -> None:
    name = "hostile.json" if content[:1] in (b"{", b"[") else "hostile.xml"
    with pytest.raises(InputError) as caught:
        read_document(content, f"scans/{name}")
    assert str(caught.value).startswith(f"scans/{name}: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.xml", b"", "the file is empty (0 bytes), not an OCR file"),
        ("lines.json", b"", "the file is empty (0 bytes)"),
        ("page.hocr", b"\n  \r\n", "the file is only whitespace, not an OCR file"),
        ("words.tsv", b"", "the file is empty (0 bytes)"),
        # HTML5-style hOCR (an unclosed <meta>): not XML, and the message says what is read.
        ("page.hocr", b"<!DOCTYPE html>\n<html lang='zh'><head><meta charset='utf-8'><title></title></head>"
                      b"<body><div class='ocr_page'><span class='ocrx_word'>\xe5\x8c\xba</span></div></body></html>",
         "only XHTML hOCR is read (as Tesseract writes it), and this is HTML that is not well-formed XML: "),
        ("about.html", b"<html><head><title>about</title></head><body><p>hello</p></body></html>",
         "an HTML page without hOCR content (no ocr_page or ocrx_word elements)"),
    ],
)
def test_empty_files_and_html_that_is_not_xhtml_hocr_say_what_is_wrong(name: str, content: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_document(content, f"scans/{name}")
    assert str(caught.value).startswith(f"scans/{name}: {message}")


def test_an_empty_txt_file_is_still_an_empty_text() -> None:
    assert read_document(b"", "notes.txt") is None


def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.xml"
    with big.open("wb") as handle:
        handle.write(b"<?xml version='1.0'?><alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'>")
        handle.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written to disk
    with pytest.raises(InputError, match=r"huge\.xml: 209,715,200 bytes is more than"):
        read_input(big)
    assert MAX_INPUT_BYTES < 200 * 1024 * 1024


@pytest.mark.parametrize(
    "module",
    ["restore.formats", "restore.formats.model", "restore.formats.placement", "restore.formats.alto",
     "restore.formats.safexml", "restore.formats.detect", "restore.formats.restoring", "restore.pipeline"],
)
def test_module_examples_hold(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def _page_word(word_equivs: str, glyphs: list[tuple[str, str]]) -> bytes:
    """A PAGE 2019 page of one line: the Word 工程 then the Word under test (its Glyphs, 30 px each)."""
    parts, x = [], 70
    for glyph_id, equivs in glyphs:
        parts.append(f'<Glyph id="{glyph_id}"><Coords points="{x},10 {x + 30},10 {x + 30},40 {x},40"/>{equivs}</Glyph>')
        x += 30
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<PcGts xmlns="{PAGE}"><Metadata><Creator>hand</Creator>'
        "<Created>2026-11-30T10:00:00</Created><LastChange>2026-11-30T10:00:00</LastChange></Metadata>"
        '<Page imageFilename="p.png" imageWidth="300" imageHeight="60"><TextRegion id="r1">'
        '<Coords points="10,10 200,10 200,40 10,40"/><TextLine id="l1"><Coords points="10,10 200,10 200,40 10,40"/>'
        '<Word id="w1"><Coords points="10,10 70,10 70,40 10,40"/><TextEquiv><Unicode>工程</Unicode></TextEquiv></Word>'
        f'<Word id="w2"><Coords points="70,10 {x},10 {x},40 70,40"/>{"".join(parts)}{word_equivs}</Word>'
        "</TextLine></TextRegion></Page></PcGts>"
    ).encode("utf-8")


def _equivs(*readings: tuple[str | None, str]) -> str:
    return "".join(
        f"<TextEquiv{'' if index is None else f' index={chr(34)}{index}{chr(34)}'} conf=\"0.5\"><Unicode>{text}</Unicode></TextEquiv>"
        for index, text in readings
    )


def test_page_an_unindexed_first_textequiv_is_the_reading_not_an_index_2_alternative() -> None:
    # The engine read 尚末 (no @index) with 尚未 as its runner-up (index 2); the Glyph likewise.
    source = _page_word(_equivs((None, "尚末"), ("2", "尚未")),
                        [("g1", _equivs((None, "尚"))), ("g2", _equivs((None, "末"), ("2", "未")))])
    schema("pagecontent-2019-07-15.xsd").assertValid(etree.fromstring(source))
    document = read_document(source, "p.xml")
    assert document.text == "工程尚末"
    assert document.alternatives[3] == (("未", 0.5),)      # the Glyph's runner-up is an alternative
    output = write_document(document, [char_edit(document, "末", "未")])
    schema("pagecontent-2019-07-15.xsd").assertValid(etree.fromstring(output))
    readings = functools.partial(page_readings, etree.fromstring(output))

    # The correction ranks first, the OCR reading next; the alternative it equals goes.
    assert readings("w2") == [("2", "restore: corrected", "尚未"), ("3", "OCR", "尚末")]
    assert readings("g2") == [("2", "restore: corrected", "未"), ("3", "OCR", "末")]
    assert read_document(output, "p.xml").text == "工程尚未"


@pytest.mark.parametrize(
    ("indices", "expected"),
    [((None, "2"), "甲"), (("2", None), "甲"), (("2", "1"), "乙"), (("1", None, "0"), "丙"),
     ((None, "0"), "甲"), (("x", "1"), "甲"), ((None, None), "甲")],
)
def test_page_reading_order_explicit_lowest_first_missing_index_by_document_order(
    indices: tuple[str | None, ...], expected: str
) -> None:
    readings = tuple(zip(indices, "甲乙丙"))
    document = read_document(_page_word(_equivs(*readings), []), "p.xml")
    assert document.text == "工程" + expected


def test_page_glyphs_left_unchanged_say_why_on_the_corrected_word() -> None:
    # Two Glyphs for a Word of three characters: they cannot follow the correction.
    source = _page_word(_equivs(("1", "尚末完")), [("g1", _equivs(("1", "尚"))), ("g2", _equivs(("1", "末")))])
    document = read_document(source, "p.xml")
    output = write_document(document, [char_edit(document, "末", "未")])
    schema("pagecontent-2019-07-15.xsd").assertValid(etree.fromstring(output))
    word = etree.fromstring(output).find(f".//{{{PAGE}}}Word[@id='w2']")
    first = word.find(f"{{{PAGE}}}TextEquiv")
    assert first.findtext(f"{{{PAGE}}}Unicode") == "尚未完"
    assert first.get("comments") == "restore: corrected; its Glyphs read 尚末: not updated, 2 Glyphs for 3 characters"


def test_an_alto_string_emptied_by_a_deletion_stays_with_the_ocr_reading(corrector) -> None:
    from ocrfiles import alto4

    source = alto4([["大桥", "通车", "\ufffd", "以后", "往来", "方便", "多了。"]])
    document = read_document(source, "p.xml")
    assert document.text == "大桥通车\ufffd以后往来方便多了。"
    result = corrector.fix(document.text, ocr=document)
    assert result.text == "大桥通车以后往来方便多了。"
    output = write_document(document, result.edits)
    schema("alto-4-4.xsd").assertValid(etree.fromstring(output))
    string = etree.fromstring(output).find(f".//{{{ALTO4}}}String[@ID='s1_3']")
    # Kept (see restore.formats.alto): empty, with the engine's reading and the provenance reference.
    assert (string.get("CONTENT"), string.get("HPOS"), string.get("PROCESSINGREFS")) == ("", "130", "restore_correction")
    assert string.find(f"{{{ALTO4}}}ALTERNATIVE").text == "\ufffd"
    assert read_document(output, "p.xml").text == "大桥通车以后往来方便多了。"
