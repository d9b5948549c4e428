"""What restore writes about its own corrections: ALTO 2/3 processing steps, PAGE Line/Region confidences.

A newcomer found that an edited ALTO 2/3 file stopped validating against its own schema (restore's
``postProcessingStep`` began with ``processingCategory``, an element ALTO 4 introduced), and that
every rebuilt PAGE Line and Region TextEquiv took the lowest confidence of the whole document's
edits, not of its own. Each test here failed before the fix. The pages are written for these tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import shared_dir
from lxml import etree
from ocrfiles import alto, page2019, run_cli

from restore.edits import Edit
from restore.formats import read_document, write_document

DATA = Path(__file__).resolve().parent / "data" / "formats"
SCHEMAS = shared_dir() / "data" / "schemas"
PAGE = {"p": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}
# ALTO 2.0–3.1 processingStepType, in schema order: a sequence of optional elements, the description
# repeatable (altoxml/schema v2/alto-2-1.xsd, v3/alto-3-0.xsd, v3/alto-3-1.xsd). No processingCategory.
ALTO3_STEP = ("processingDateTime", "processingAgency", "processingStepDescription", "processingStepSettings",
              "processingSoftware")


def char_edit(document, char: str, after: str, confidence: float) -> Edit:
    start = document.text.index(char)
    return Edit(start, start + 1, char, after, kind="char", confidence=confidence, source="lm:char5")


def step_fits_alto3(step: etree._Element) -> bool:
    """Whether the step's children are what ALTO 2/3's processingStepType allows, in its order."""
    names = [etree.QName(child).localname for child in step if isinstance(child.tag, str)]
    if any(name not in ALTO3_STEP for name in names):
        return False
    ranks = [ALTO3_STEP.index(name) for name in names]
    repeated = {name for name in names if names.count(name) > 1} - {"processingStepDescription"}
    return ranks == sorted(ranks) and not repeated


def schema_for(version: int) -> etree.XMLSchema | None:
    """The ALTO ``version`` schema from ../shared/data/schemas, or None where it is not there."""
    found = sorted(SCHEMAS.glob(f"alto-{version}-*.xsd"))
    return etree.XMLSchema(etree.parse(str(found[-1]), etree.XMLParser(no_network=True))) if found else None


def test_fix_of_tesseract_alto3_writes_a_step_alto3_allows(tmp_path: Path) -> None:
    out = tmp_path / "page.xml"
    done = run_cli("fix", DATA / "tesseract-sim.alto.xml", "-o", out)  # real Tesseract 5.3 ALTO 3.0
    assert done.returncode == 0, done.stderr
    root = etree.parse(str(out)).getroot()
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v3#"}
    steps = root.findall("a:Description/a:OCRProcessing/a:postProcessingStep", ns)
    (step,) = [s for s in steps if s.findtext("a:processingSoftware/a:softwareName", namespaces=ns) == "restore"]
    assert step.findtext("a:processingStepDescription", namespaces=ns).startswith("restore: 1 OCR correction(s)")
    assert root.find(".//a:processingCategory", ns) is None
    assert step_fits_alto3(step)
    schema = schema_for(3)
    if schema is not None:  # the full check where the ALTO 3 schema is beside the checkout
        schema.assertValid(root)


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("has_ocr_processing", [True, False])
def test_alto2_and_3_get_only_their_own_elements(version: int, has_ocr_processing: bool) -> None:
    data = alto([["街道", "图书馆", "己经", "开放了"]], version=version)
    if not has_ocr_processing:  # an ALTO file without OCRProcessing: restore adds one
        data = re.sub(rb"<OCRProcessing .*?</OCRProcessing>", b"", data)
    document = read_document(data, "page.xml")
    root = etree.fromstring(write_document(document, [char_edit(document, "己", "已", 0.9)]))
    ns = {"a": f"http://www.loc.gov/standards/alto/ns-v{version}#"}
    processing = root.findall("a:Description/a:OCRProcessing", ns)
    assert len(processing) == 1
    steps = [step for step in processing[0] if isinstance(step.tag, str)]
    assert [etree.QName(s).localname for s in steps] == ["ocrProcessingStep"] + ["postProcessingStep"] * has_ocr_processing
    assert all(step_fits_alto3(step) for step in steps)
    assert root.find(".//a:processingCategory", ns) is None and root.find(".//a:String[@PROCESSINGREFS]", ns) is None
    assert root.find(".//a:String[@CONTENT='已经']/a:ALTERNATIVE", ns).text == "己经"


def test_alto4_keeps_its_processing_category_and_validates() -> None:
    document = read_document(alto([["街道", "图书馆", "己经", "开放了"]], version=4), "page.xml")
    root = etree.fromstring(write_document(document, [char_edit(document, "己", "已", 0.9)]))
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    step = root.find("a:Description/a:Processing[@ID='restore_correction']", ns)
    assert step.findtext("a:processingCategory", namespaces=ns) == "contentModification"
    schema = schema_for(4)
    if schema is None:
        pytest.skip(f"no ALTO 4 schema in {SCHEMAS}")
    schema.assertValid(root)


def test_page_line_and_region_confidences_come_from_their_own_words() -> None:
    data = page2019([[["读者", "们", "己经", "到了"]], [["馆长", "谈", "末来"], ["还要", "再", "扩见"]]])
    document = read_document(data, "page.xml")
    edits = [char_edit(document, "己", "已", 0.80), char_edit(document, "末", "未", 0.95),
             char_edit(document, "见", "建", 0.99)]
    root = etree.fromstring(write_document(document, edits))

    def corrected(element_id: str) -> tuple[str, str | None]:
        (equiv,) = root.findall(f".//*[@id='{element_id}']/p:TextEquiv[@comments='restore: corrected']", PAGE)
        return equiv.findtext("p:Unicode", namespaces=PAGE), equiv.get("conf")

    assert corrected("r1l1") == ("读者 们 已经 到了", "0.800")
    assert corrected("r1") == ("读者 们 已经 到了", "0.800")
    assert corrected("r2l1") == ("馆长 谈 未来", "0.950")
    assert corrected("r2l2") == ("还要 再 扩建", "0.990")
    assert corrected("r2") == ("馆长 谈 未来\n还要 再 扩建", "0.950")  # its lowest, not r1's 0.800
    assert corrected("r2l2w3") == ("扩建", "0.990")
    xsd = SCHEMAS / "pagecontent-2019-07-15.xsd"
    if xsd.exists():
        etree.XMLSchema(etree.parse(str(xsd), etree.XMLParser(no_network=True))).assertValid(root)
