"""A character restore puts back gets the room its neighbours' boxes leave (issue 15: coordinates).

Engines that cut a line into character boxes leave a hole where they dropped one (两 pitches
between 席 and 副); an inserted ALTO or PAGE ``Glyph`` takes that hole, so a viewer can highlight
it on the page image. Where the boxes abut there is no hole and nothing is invented. Documents
written by hand for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from restore.edits import Edit
from restore.formats import read_document, write_document
from restore.formats.model import boxes_between

from conftest import shared_dir

DATA = Path(__file__).resolve().parent / "data" / "formats"
SCHEMAS = shared_dir() / "data" / "schemas"
ALTO4 = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
PAGE = {"p": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}


def _valid(output: bytes, xsd: str) -> etree._Element:
    path = SCHEMAS / xsd
    if not path.exists():
        pytest.skip(f"{path} is not beside this checkout")
    root = etree.fromstring(output)
    etree.XMLSchema(etree.parse(str(path), etree.XMLParser(no_network=True))).assertValid(root)
    return root


def _insert(document, before: str, after: str) -> Edit:
    at = document.text.index(before)
    return Edit(at, at, "", after, kind="char", confidence=0.93, source="lm:char5")


def test_alto_inserted_glyph_takes_the_hole_between_its_neighbours() -> None:
    data = (DATA / "ppocrv6-dropped-mark-alto4.xml").read_bytes()
    document = read_document(data, "line.xml")
    root = _valid(write_document(document, [_insert(document, "副", "、")]), "alto-4-4.xsd")
    glyphs = root.findall(".//a:Glyph", ALTO4)
    index = [g.get("CONTENT") for g in glyphs].index("、")
    left, inserted, right = glyphs[index - 1 : index + 2]
    assert inserted.get("HPOS") == str(int(left.get("HPOS")) + int(left.get("WIDTH")))
    assert int(inserted.get("HPOS")) + int(inserted.get("WIDTH")) == int(right.get("HPOS"))
    assert inserted.get("VPOS") == left.get("VPOS") and inserted.get("HEIGHT") == left.get("HEIGHT")
    # Read back, the new character has that box.
    again = read_document(etree.tostring(root), "line.xml")
    at = again.text.index("、")
    assert again.boxes[at] == (206.0, 50.0, 232.0, 74.0)


def test_alto_abutting_glyphs_leave_no_room_and_get_no_coordinates() -> None:
    data = (DATA / "handmade-alto4.xml").read_bytes()
    document = read_document(data, "page.xml")
    root = _valid(write_document(document, [_insert(document, "经", "、")]), "alto-4-4.xsd")
    inserted = [g for g in root.iter("{*}Glyph") if g.get("CONTENT") == "、"]
    assert len(inserted) == 1 and inserted[0].get("HPOS") is None


def _alto_column(step: int) -> bytes:
    glyphs = "".join(
        f'<Glyph ID="g{i}" HPOS="500" VPOS="{10 + i * step}" WIDTH="30" HEIGHT="30" CONTENT="{c}" GC="0.98"/>'
        for i, c in enumerate("甲乙")
    )
    return (
        '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page ID="p" PHYSICAL_IMG_NR="1">'
        '<PrintSpace><TextBlock ID="b"><TextLine ID="l" HPOS="500" VPOS="10" WIDTH="30" HEIGHT="100">'
        f'<String ID="s" HPOS="500" VPOS="10" WIDTH="30" HEIGHT="100" CONTENT="甲乙">{glyphs}</String>'
        "</TextLine></TextBlock></PrintSpace></Page></Layout></alto>"
    ).encode()


def test_alto_vertical_line_splits_the_hole_top_to_bottom() -> None:
    document = read_document(_alto_column(70), "column.xml")  # 甲 at y 10-40, 乙 at y 80-110
    at = document.text.index("乙")
    output = write_document(document, [Edit(at, at, "", "、，", kind="char", confidence=0.9, source="x")])
    root = _valid(output, "alto-4-4.xsd")
    boxes = [
        (g.get("CONTENT"), g.get("HPOS"), g.get("VPOS"), g.get("WIDTH"), g.get("HEIGHT"))
        for g in root.iter("{*}Glyph")
    ]
    assert boxes == [
        ("甲", "500", "10", "30", "30"),
        ("、", "500", "40", "30", "20"),
        ("，", "500", "60", "30", "20"),
        ("乙", "500", "80", "30", "30"),
    ]


def _page_line(hole: int) -> bytes:
    glyphs, x = [], 10
    for i, char in enumerate("主席副"):
        glyphs.append(
            f'<Glyph id="g{i}"><Coords points="{x},10 {x + 30},10 {x + 30},40 {x},40"/>'
            f'<TextEquiv conf="0.99"><Unicode>{char}</Unicode></TextEquiv></Glyph>'
        )
        x += 30 + (hole if i == 1 else 0)
    return (
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">'
        "<Metadata><Creator>hand</Creator><Created>2026-11-30T00:00:00</Created><LastChange>2026-11-30T00:00:00</LastChange></Metadata>"
        '<Page imageFilename="p.png" imageWidth="400" imageHeight="100"><TextRegion id="r"><Coords points="0,0 300,0 300,50 0,50"/>'
        '<TextLine id="l"><Coords points="10,10 200,10 200,40 10,40"/><Word id="w"><Coords points="10,10 200,10 200,40 10,40"/>'
        f'{"".join(glyphs)}<TextEquiv conf="0.99"><Unicode>主席副</Unicode></TextEquiv></Word>'
        "<TextEquiv><Unicode>主席副</Unicode></TextEquiv></TextLine></TextRegion></Page></PcGts>"
    ).encode()


def test_page_inserted_glyph_gets_coords_a_fresh_id_and_the_corrected_reading() -> None:
    document = read_document(_page_line(hole=28), "line.xml")  # 席 ends at 70, 副 starts at 98
    root = _valid(write_document(document, [_insert(document, "副", "、")]), "pagecontent-2019-07-15.xsd")
    glyphs = root.findall(".//p:Glyph", PAGE)
    assert [g.findtext("p:TextEquiv/p:Unicode", namespaces=PAGE) for g in glyphs] == ["主", "席", "、", "副"]
    inserted = glyphs[2]
    assert inserted.find("p:Coords", PAGE).get("points") == "70,10 98,10 98,40 70,40"
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    assert inserted.get("id") == "g1_restore" and len(ids) == len(set(ids))
    equiv = inserted.find("p:TextEquiv", PAGE)
    assert (equiv.get("comments"), equiv.get("conf")) == ("restore: corrected", "0.930")
    # The engine's glyphs are all still there, with their coordinates.
    before = etree.fromstring(document.source)
    assert [g.find("p:Coords", PAGE).get("points") for g in before.findall(".//p:Glyph", PAGE)] == [
        g.find("p:Coords", PAGE).get("points") for g in glyphs if g is not inserted
    ]


def test_page_deletion_removes_its_glyph_when_it_comes_with_a_placed_insertion() -> None:
    document = read_document(_page_line(hole=28), "line.xml")
    at = document.text.index("副")
    edits = [Edit(at, at, "", "、", kind="char", confidence=0.9, source="x"), Edit(0, 1, "主", "", kind="char", confidence=0.9, source="x")]
    root = _valid(write_document(document, edits), "pagecontent-2019-07-15.xsd")
    assert [g.get("id") for g in root.findall(".//p:Glyph", PAGE)] == ["g1", "g1_restore", "g2"]


def test_page_insertion_without_room_keeps_the_engines_cut() -> None:
    document = read_document(_page_line(hole=0), "line.xml")
    root = _valid(write_document(document, [_insert(document, "副", "、")]), "pagecontent-2019-07-15.xsd")
    assert [g.get("id") for g in root.findall(".//p:Glyph", PAGE)] == ["g0", "g1", "g2"]
    assert root.findtext(".//p:Word/p:TextEquiv/p:Unicode", namespaces=PAGE) == "主席、副"


_coordinate = st.integers(0, 2000)


@given(x=_coordinate, y=_coordinate, width=st.integers(1, 80), height=st.integers(1, 80), room=st.integers(1, 200), count=st.integers(1, 4), vertical=st.booleans())
def test_boxes_between_tile_the_room_and_touch_neither_neighbour(
    x: int, y: int, width: int, height: int, room: int, count: int, vertical: bool
) -> None:
    left = (x, y, x + width, y + height)
    right = (x, y + height + room, x + width, y + 2 * height + room) if vertical else (x + width + room, y, x + 2 * width + room, y + height)
    boxes = boxes_between(left, right, count)
    extent = height if vertical else width  # the characters' size along the line
    if room / count < extent / 2:  # less than half a character per character: spacing, not a hole
        assert boxes is None
        return
    assert boxes is not None and len(boxes) == count
    axis = 1 if vertical else 0
    starts, ends = [b[axis] for b in boxes], [b[axis + 2] for b in boxes]
    assert starts[0] == left[axis + 2] and ends[-1] == pytest.approx(right[axis])  # the whole room, no more
    assert all(a == pytest.approx(b) for a, b in zip(ends, starts[1:]))  # contiguous
    assert all(b[axis + 2] > b[axis] for b in boxes)
    # Boxes that overlap or touch along the line leave no room.
    assert boxes_between(left, (left[2] - 1, y, left[2] + width, y + height), count) is None


def _of_class(root: etree._Element, name: str) -> list[etree._Element]:
    """The elements whose class is ``name`` (``ocrx_cinfo``, ``ocrx_word``), in document order."""
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def _hocr_word(hole: int) -> bytes:
    spans, x = [], 10
    for char in "主席":
        spans.append(f"<span class='ocrx_cinfo' title='x_bboxes {x} 10 {x + 24} 36; x_conf 99.1'>{char}</span>")
        x += 24 + hole
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title></title>'
        "<meta name='ocr-system' content='tesseract 5.3.0'/></head><body><div class='ocr_page' id='page_1' title='bbox 0 0 200 50'>"
        "<span class='ocr_line' id='line_1' title='bbox 10 10 120 36'>"
        f"<span class='ocrx_word' id='word_1' title='bbox 10 10 120 36; x_wconf 95'>{''.join(spans)}</span>"
        "</span></div></body></html>"
    ).encode()


@pytest.mark.parametrize(("hole", "spans"), [(26, ["主", "、", "席"]), (3, ["主、", "席"])])
def test_hocr_inserted_character_gets_its_own_box_only_where_there_is_a_hole(hole: int, spans: list[str]) -> None:
    document = read_document(_hocr_word(hole), "word.hocr")
    output = write_document(document, [_insert(document, "席", "、")])
    cinfos = _of_class(etree.fromstring(output), "ocrx_cinfo")
    assert [c.text for c in cinfos] == spans
    again = read_document(output, "word.hocr")
    assert again.text == "主、席"
    if len(cinfos) == 3:
        assert cinfos[1].get("title") == "x_bboxes 34 10 60 36; x_conf 93.00"
        assert again.boxes[1] == (34.0, 10.0, 60.0, 36.0) and again.confidences[1] == pytest.approx(0.93)


def _hocr_two_words(hole: int) -> bytes:
    """Two Tesseract words 会议 and 决定 on one line, ``hole`` pixels apart (a dropped mark leaves ~26)."""
    words, x = [], 10
    for number, text in enumerate(("会议", "决定"), start=1):
        spans, left = [], x
        for char in text:
            spans.append(f"<span class='ocrx_cinfo' title='x_bboxes {x} 10 {x + 24} 36; x_conf 98.5'>{char}</span>")
            x += 24
        words.append(f"<span class='ocrx_word' id='word_{number}' title='bbox {left} 10 {x} 36; x_wconf 96'>{''.join(spans)}</span>")
        x += hole
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title></title>'
        "<meta name='ocr-system' content='tesseract 5.3.0'/></head><body><div class='ocr_page' id='page_1' title='bbox 0 0 300 50'>"
        f"<span class='ocr_line' id='line_1' title='bbox 10 10 {x} 36'>{''.join(words)}</span></div></body></html>"
    ).encode()


@pytest.mark.parametrize(("hole", "spans"), [(26, ["会", "议", "，", "决", "定"]), (2, ["会", "议，", "决", "定"])])
def test_hocr_insertion_between_two_words_gets_its_own_box_in_the_hole(hole: int, spans: list[str]) -> None:
    document = read_document(_hocr_two_words(hole), "words.hocr")
    assert document.text == "会议决定"
    output = write_document(document, [_insert(document, "决", "，")])
    root = etree.fromstring(output)
    cinfos = _of_class(root, "ocrx_cinfo")
    assert [c.text for c in cinfos] == spans
    assert read_document(output, "words.hocr").text == "会议，决定"
    boxes = [[w.get("title") for w in _of_class(tree, "ocrx_word")] for tree in (root, etree.fromstring(_hocr_two_words(hole)))]
    assert boxes[0] == boxes[1]  # the words' boxes are kept
    if len(cinfos) == 5:  # the hole's box, in the left word (whose own bbox is kept)
        assert cinfos[2].getparent().get("id") == "word_1"
        assert cinfos[2].get("title") == "x_bboxes 58 10 84 36; x_conf 93.00"
        assert read_document(output, "words.hocr").boxes[2] == (58.0, 10.0, 84.0, 36.0)
