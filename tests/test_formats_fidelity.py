"""What an edited OCR file keeps byte for byte: its XML declaration, comments and line breaks around
the root, its encoding and line ends, and the lines of every element restore did not change.

A newcomer found the writers rewrote the declaration (``<?xml version='1.0' encoding='UTF-8'
standalone='no'?>``), lost the line break after a leading comment, and left a corrected ALTO Glyph a
Variant equal to its new CONTENT; each test here failed on the main of 2026-11-29.
"""

from __future__ import annotations

import difflib
import logging
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from restore.edits import Edit, apply_edits
from restore.formats import read_document, write_document
from restore.formats.xmledit import root_span

DATA = Path(__file__).resolve().parent / "data" / "formats"
ALTO4 = "{http://www.loc.gov/standards/alto/ns-v4#}"
PAGE = "{http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15}"
XML_FILES = ["handmade-alto4.xml", "handmade-page2019.xml", "tesseract-sim.alto.xml", "tesseract-sim.hocr"]
DECLARATIONS = [
    b'<?xml version="1.0" encoding="UTF-8"?>',
    b"<?xml version='1.0' encoding='utf-8'?>",
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
    b"<?xml version='1.0'   standalone='no' ?>",
    b'<?xml version="1.0"?>',
    b"",
]


def fix_one(data: bytes, name: str, char: str = "己", after: str = "已") -> bytes:
    document = read_document(data, name)
    start = document.text.index(char)
    edit = Edit(start, start + 1, char, after, kind="char", confidence=0.93, source="lm:char5")
    output = write_document(document, [edit])
    assert read_document(output, name).text == apply_edits(document.text, [edit])
    return output


def with_declaration(data: bytes, declaration: bytes) -> bytes:
    first, rest = data.split(b"\n", 1)
    assert first.startswith(b"<?xml ")
    return declaration + b"\n" + rest if declaration else rest


def diff_lines(source: bytes, output: bytes) -> tuple[list[str], list[str]]:
    removed, added = [], []
    for line in difflib.unified_diff(source.decode().splitlines(), output.decode().splitlines(), n=0, lineterm=""):
        if line.startswith("-") and not line.startswith("---"):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++"):
            added.append(line[1:])
    return removed, added


@pytest.mark.parametrize("declaration", DECLARATIONS)
@pytest.mark.parametrize("name", XML_FILES)
def test_an_edited_file_keeps_its_xml_declaration_byte_for_byte(name: str, declaration: bytes) -> None:
    source = with_declaration((DATA / name).read_bytes(), declaration)
    output = fix_one(source, name)
    assert output.startswith(declaration + b"\n" if declaration else b"<")
    assert b"standalone" not in output or b"standalone" in declaration
    assert output.count(b"<?xml ") == source.count(b"<?xml ")


@pytest.mark.parametrize("name", XML_FILES)
def test_everything_around_the_root_element_is_kept(name: str) -> None:
    source = (DATA / name).read_bytes()
    start, end = root_span(source)
    source = source[:start] + b"<!-- before -->\n\n<?scanner batch=\"7\"?>\r\n" + source[start:end] + b"\n<!-- after -->\n"
    start, end = root_span(source)
    output = fix_one(source, name)
    out_start, out_end = root_span(output)
    assert output[:out_start] == source[:start]
    assert output[out_end:] == source[end:]


def test_the_line_break_after_a_leading_comment_is_kept() -> None:
    source = (DATA / "handmade-alto4.xml").read_bytes()
    assert b"SP. -->\n<alto " in source
    assert b"SP. -->\n<alto " in fix_one(source, "a.xml")
    page = (DATA / "handmade-page2019.xml").read_bytes()
    assert b"Words. -->\n<PcGts " in fix_one(page, "p.xml")


def test_only_the_lines_of_changed_elements_change() -> None:
    """A diff of the edited file shows the corrected String, Glyph and Variant and the new provenance,
    each new element on its own line at its siblings' depth, and nothing else."""
    source = (DATA / "handmade-alto4.xml").read_bytes()
    output = fix_one(source, "a.xml")
    removed, added = diff_lines(source, output)
    assert [line.split(" HPOS")[0].strip() for line in removed] == [
        '<String ID="s_1"', '<Glyph ID="g_1_3"', '<Variant CONTENT="已" VC="0.38"/>']
    assert added[0] == '    <Processing ID="restore_correction">' and added[7] == "    </Processing>"
    assert '              <ALTERNATIVE PURPOSE="ocr">新馆己经开放</ALTERNATIVE>' in added
    assert '                <Variant CONTENT="己" VC="0.41"/>' in added
    assert len(added) == 12


def test_a_corrected_glyph_has_no_variant_equal_to_its_content() -> None:
    output = fix_one((DATA / "handmade-alto4.xml").read_bytes(), "a.xml")
    glyph = etree.fromstring(output).find(f".//{ALTO4}Glyph[@ID='g_1_3']")
    variants = [(v.get("CONTENT"), v.get("VC")) for v in glyph.iter(f"{ALTO4}Variant")]
    # 已 was the engine's second reading and is the CONTENT now; the OCR reading 己 stays a Variant.
    assert glyph.get("CONTENT") == "已"
    assert variants == [("己", "0.41"), ("巳", "0.12")]
    document = read_document(output, "a.xml")
    assert document.alternatives[document.text.index("已")] == (("己", 0.41), ("巳", 0.12))


def test_correcting_a_corrected_file_again_keeps_one_ocr_variant() -> None:
    once = fix_one((DATA / "handmade-alto4.xml").read_bytes(), "a.xml")
    twice = fix_one(once, "a.xml", "已", "巳")
    glyph = etree.fromstring(twice).find(f".//{ALTO4}Glyph[@ID='g_1_3']")
    assert glyph.get("CONTENT") == "巳"
    assert [v.get("CONTENT") for v in glyph.iter(f"{ALTO4}Variant")] == ["已", "己"]
    string = etree.fromstring(twice).find(f".//{ALTO4}String[@ID='s_1']")
    assert [a.text for a in string.iter(f"{ALTO4}ALTERNATIVE")] == ["新馆己经开放"]


def test_a_gb18030_file_is_written_in_gb18030() -> None:
    source = (DATA / "handmade-page2019.xml").read_text(encoding="utf-8")
    source = source.replace('encoding="UTF-8"', 'encoding="GB18030"').encode("gb18030")
    output = fix_one(source, "p.xml")
    assert output.startswith(b'<?xml version="1.0" encoding="GB18030"?>\n')
    assert "已经".encode("gb18030") in output
    with pytest.raises(UnicodeDecodeError):
        output.decode("utf-8")
    equiv = etree.fromstring(output).find(f".//{PAGE}Word[@id='w2']/{PAGE}TextEquiv")
    assert equiv.findtext(f"{PAGE}Unicode") == "已经"
    # Character for character what the UTF-8 file gives: only the changed elements differ.
    utf8 = fix_one((DATA / "handmade-page2019.xml").read_bytes(), "p.xml").decode("utf-8")
    assert output.decode("gb18030") == utf8.replace('encoding="UTF-8"', 'encoding="GB18030"')


def test_crlf_line_ends_are_kept() -> None:
    source = (DATA / "handmade-alto4.xml").read_bytes().replace(b"\n", b"\r\n")
    output = fix_one(source, "a.xml")
    assert output.count(b"\n") == output.count(b"\r\n") > source.count(b"\r\n")


_PROLOG_ITEMS = st.sampled_from([
    b"\n", b"\r\n", b"  ", b"<!-- a > b -->", b"<!---->", b"<?scanner id='1' ?>",
    b'<!DOCTYPE r SYSTEM "r.dtd">', b"<!DOCTYPE r [<!ELEMENT r ANY><!ATTLIST r a CDATA '>'>]>",
])
_ROOTS = st.sampled_from([b"<r/>", b"<r a='1>'><x>t</x></r>", b"<p:r xmlns:p='urn:x'>\n<!-- in -->\n</p:r>"])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([b"", b'<?xml version="1.0"?>', b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?>"]),
       st.lists(_PROLOG_ITEMS, max_size=5), _ROOTS, st.lists(_PROLOG_ITEMS.filter(lambda b: b"DOCTYPE" not in b), max_size=4))
def test_root_span_finds_exactly_the_root_element(declaration: bytes, before: list[bytes], root: bytes, after: list[bytes]) -> None:
    prolog = declaration + b"".join(before)
    source = prolog + root + b"".join(after)
    try:
        etree.fromstring(source, etree.XMLParser(load_dtd=False, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        assume(False)  # two DOCTYPEs, a declaration after whitespace: not XML, never given to root_span
    assert root_span(source) == (len(prolog), len(prolog) + len(root))


def test_a_utf16_file_is_read_as_xml_and_written_in_utf16() -> None:
    """Found while re-checking: a UTF-16 PAGE file was taken for plain text (its XML markup restored)."""
    text = (DATA / "handmade-page2019.xml").read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    output = fix_one(text.encode("utf-16"), "p.xml")
    assert output.startswith(b"\xff\xfe") and output.decode("utf-16").startswith("<?xml")
    assert read_document(output, "p.xml").text.startswith("新馆已经开放")


def test_an_edited_tesseract_hocr_differs_in_the_corrected_character_only() -> None:
    """Tesseract quotes most hOCR attributes with '; lxml would rewrite every line with "."""
    source = (DATA / "tesseract-sim.hocr").read_bytes()
    removed, added = diff_lines(source, fix_one(source, "a.hocr"))
    assert removed == ["       <span class='ocrx_cinfo' title='x_bboxes 80 135 114 160; x_conf 96.568298'>己</span>"]
    # The box stays; x_conf becomes restore's confidence in the new character (0-100, as GC in ALTO).
    (line,) = added
    assert re.fullmatch(r"       <span class='ocrx_cinfo' title='x_bboxes 80 135 114 160; x_conf \d+\.\d\d'>已</span>", line)
    confidence = float(line.split("x_conf ")[1].split("'")[0])
    assert 80.0 <= confidence <= 100.0  # applied at the default threshold


def test_untouched_bytes_stay_as_written_quotes_references_and_comments() -> None:
    source = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<alto xmlns='http://www.loc.gov/standards/alto/ns-v4#'><Layout><Page ID='p' PHYSICAL_IMG_NR='1'><PrintSpace>"
        "<TextBlock ID='b'><TextLine ID='l'>\n"
        "  <String ID='s1' CONTENT='&#x65B0;馆' STYLEREFS=\"a 'b'\" HPOS='1'/>\n"
        "  <String ID='s2' CONTENT='己经'   HPOS = '9' ><!-- engine note --></String>\n"
        "</TextLine></TextBlock></PrintSpace></Page></Layout></alto>\n"
    ).encode()
    output = fix_one(source, "a.xml")
    assert "<String ID='s1' CONTENT='&#x65B0;馆' STYLEREFS=\"a 'b'\" HPOS='1'/>".encode() in output
    # The changed String keeps its own spacing and quotes; what restore adds takes the document's quote.
    assert "<String ID='s2' CONTENT='已经'   HPOS = '9' PROCESSINGREFS='restore_correction' >".encode() in output
    assert "<ALTERNATIVE PURPOSE='ocr'>己经</ALTERNATIVE><!-- engine note --></String>".encode() in output
    assert b"xmlns=" not in output.split(b"<Layout>", 1)[1]  # no namespace repeated on new elements


def _single_quoted(data: bytes) -> bytes:
    return re.sub(rb'(\s[\w:]+)="([^"\']*)"', rb"\1='\2'", data)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_random_edits_are_spliced_into_the_source(data: st.DataObject) -> None:
    """Whatever the edits, the writers take the faithful path (no fallback to lxml's whole rewrite)
    and the file reads back as the edited text."""
    name = data.draw(st.sampled_from(XML_FILES))
    source = (DATA / name).read_bytes()
    if data.draw(st.booleans()):
        source = _single_quoted(source)
    document = read_document(source, name)
    han = [i for i, ch in enumerate(document.text) if "\u4e00" <= ch <= "\u9fff"]
    edits = []
    for offset in sorted(data.draw(st.sets(st.sampled_from(han), min_size=1, max_size=4))):
        after = data.draw(st.sampled_from(["甲", "", "乙丙"]))
        edits.append(Edit(offset, offset + 1, document.text[offset], after, kind="char", confidence=0.9, source="x"))
    handler = _Records()
    logger = logging.getLogger("restore.formats.splice")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        output = write_document(document, edits)
    finally:
        logger.removeHandler(handler)
    assert handler.messages == []
    again = read_document(output, name)
    assert re.sub(r"\s+", "", again.text) == re.sub(r"\s+", "", apply_edits(document.text, edits))
    if name.startswith("tesseract-sim.hocr"):
        assert b'class="' not in output  # Tesseract's quotes everywhere


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
