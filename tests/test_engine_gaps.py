"""Gaps in the OCR engine's character boxes: measured, read from every format, moved across edits, filled.

Sentences and boxes are written for these tests.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from restore.config import Config
from restore.edits import Edit
from restore.evidence import EngineGap, evidence_from_json, evidence_to_json
from restore.explain import describe_evidence
from restore.formats import read_document
from restore.formats.model import DocumentBuilder, bounding_box
from restore.pipeline import Corrector, engine_view
from restore.stages.engine_gaps import MIN_EXCESS, GapCalibration, junction_gaps

PITCH = 24.0


def boxes_with_drop(text: str, dropped_before: int | None, *, vertical: bool = False, pitch: float = PITCH) -> dict[int, tuple[float, float, float, float]]:
    """One square cell per character, one empty cell before ``dropped_before``."""
    boxes = {}
    for i in range(len(text)):
        slot = i + (1 if dropped_before is not None and i >= dropped_before else 0)
        a = slot * pitch
        boxes[i] = (0.0, a, pitch - 2, a + pitch - 2) if vertical else (a, 0.0, a + pitch - 2, pitch - 2)
    return boxes


def test_a_dropped_character_leaves_one_pitch_of_excess() -> None:
    text = "图书馆今天开放阅览室"
    gaps = junction_gaps(text, boxes_with_drop(text, 4))
    assert list(gaps) == [4]
    assert gaps[4] == pytest.approx(1.0)


def test_regular_lines_and_vertical_lines() -> None:
    text = "图书馆今天开放阅览室"
    assert junction_gaps(text, boxes_with_drop(text, None)) == {}
    assert list(junction_gaps(text, boxes_with_drop(text, 6, vertical=True))) == [6]


def test_half_width_characters_need_half_a_cell() -> None:
    # 2 0 2 3 年: digits sit half a pitch apart, the Han character after them three quarters.
    text = "今年是2023年了吗"
    xs, x = [], 0.0
    for ch in text:
        width = PITCH if ord(ch) > 0x2000 else PITCH / 2
        xs.append((x, x + width))
        x += width
    boxes = {i: (a, 0.0, b, PITCH) for i, (a, b) in enumerate(xs)}
    assert junction_gaps(text, boxes) == {}


def test_no_pitch_without_enough_neighbours_and_no_gap_across_spaces() -> None:
    assert junction_gaps("图书", boxes_with_drop("图书", 1)) == {}
    text = "图书馆 今天开放阅览"
    boxes = boxes_with_drop(text, 4)
    assert 4 not in junction_gaps(text, boxes)
    assert junction_gaps("图书馆今天开放", {}) == {}


def test_lines_are_measured_separately() -> None:
    text = "图书馆今天开放\n阅览室明天关闭"
    boxes = boxes_with_drop(text[:7], None)
    second = boxes_with_drop(text[8:], 3, pitch=40.0)
    boxes.update({8 + i: (b[0], b[1] + 100, b[2], b[3] + 100) for i, b in second.items()})
    assert list(junction_gaps(text, boxes)) == [11]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet="图书馆今天开放阅览室明", min_size=5, max_size=30),
    data=st.data(),
)
def test_gaps_are_found_exactly_where_cells_were_skipped(text: str, data: st.DataObject) -> None:
    dropped = data.draw(st.sets(st.integers(1, len(text) - 1), max_size=3))
    boxes, slot = {}, 0
    for i in range(len(text)):
        slot += i in dropped
        boxes[i] = (slot * PITCH, 0.0, slot * PITCH + PITCH - 2, PITCH - 2)
        slot += 1
    found = junction_gaps(text, boxes)
    # The pitch is the median step, so it holds while most junctions are regular.
    if len(dropped) * 2 < len(text) - 1:
        assert set(found) == dropped
        assert all(abs(excess - 1.0) < 1e-9 for excess in found.values())


def test_engine_view_keeps_a_gap_only_while_both_neighbours_are_unedited() -> None:
    text = "图书馆今天开放阅览室"
    builder = DocumentBuilder()
    builder.add_word(text, line=0, ref="s1", kind="String", confidences=[0.9] * len(text), boxes=list(boxes_with_drop(text, 4).values()))
    document = builder.build(format="alto", version="4.4", engine="ppocrv6", source=b"", path="a.xml")
    gaps = junction_gaps(document.text, document.boxes)
    assert engine_view(document, [], gaps).gaps == {4: pytest.approx(1.0)}
    # An edit before the gap moves it; an edit touching a neighbour or inserting into it removes it.
    before = Edit(0, 0, "", "《", kind="punct", confidence=0.9, source="t")
    assert set(engine_view(document, [before], gaps).gaps) == {5}
    for edit in (Edit(3, 4, "今", "金", kind="char", confidence=0.9, source="t"),
                 Edit(4, 4, "", "、", kind="punct", confidence=0.9, source="t")):
        assert engine_view(document, [edit], gaps).gaps == {}


def _alto(glyphs: str, content: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page>'
        f'<PrintSpace><TextBlock><TextLine><String ID="s1" CONTENT="{content}" HPOS="0" VPOS="0" WIDTH="200" HEIGHT="20">'
        f"{glyphs}</String></TextLine></TextBlock></PrintSpace></Page></Layout></alto>\n"
    ).encode()


def test_every_format_reads_character_boxes() -> None:
    text = "图书馆今天开放"
    spans = [(int(b[0]), int(b[2])) for b in boxes_with_drop(text, 3).values()]
    alto = _alto("".join(f'<Glyph CONTENT="{c}" HPOS="{a}" VPOS="0" WIDTH="{b - a}" HEIGHT="22"/>' for c, (a, b) in zip(text, spans)), text)
    hocr = (
        "<html xmlns='http://www.w3.org/1999/xhtml'><body><div class='ocr_page'><span class='ocr_line'>"
        + "".join(f"<span class='ocrx_word' title='bbox {a} 0 {b} 22'><span class='ocrx_cinfo' title='x_bboxes {a} 0 {b} 22; x_conf 90'>{c}</span></span>" for c, (a, b) in zip(text, spans))
        + "</span></div></body></html>"
    ).encode()
    page = (
        '<?xml version="1.0" encoding="UTF-8"?><PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">'
        '<Page imageFilename="a.png" imageWidth="300" imageHeight="30"><TextRegion id="r"><TextLine id="l"><Word id="w">'
        + "".join(f'<Glyph id="g{i}"><Coords points="{a},0 {b},0 {b},22 {a},22"/><TextEquiv><Unicode>{c}</Unicode></TextEquiv></Glyph>' for i, (c, (a, b)) in enumerate(zip(text, spans)))
        + f"<TextEquiv><Unicode>{text}</Unicode></TextEquiv></Word></TextLine></TextRegion></Page></PcGts>"
    ).encode()
    rapid = json.dumps([{
        "box": [[0, 0], [200, 0], [200, 22], [0, 22]], "txt": text, "score": 0.9,
        "word_results": [[c, 0.9, [[a, 0], [b, 0], [b, 22], [a, 22]]] for c, (a, b) in zip(text, spans)],
    }], ensure_ascii=False).encode()
    for data, name in ((alto, "a.xml"), (hocr, "a.hocr"), (page, "p.xml"), (rapid, "r.json")):
        document = read_document(data, name)
        assert document is not None and document.text == text, name
        assert len(document.boxes) == len(text), name
        assert list(junction_gaps(document.text, document.boxes)) == [3], name


def test_glyphs_without_coordinates_give_no_boxes() -> None:
    text = "图书馆今天"
    document = read_document(_alto("".join(f'<Glyph CONTENT="{c}"/>' for c in text), text), "a.xml")
    assert document is not None and document.boxes == {}
    assert bounding_box([[0, 0], [float("nan"), 1]]) is None


def test_gap_evidence_round_trips_and_explains_itself() -> None:
    record = EngineGap("ppocrv6", 1.02, 2.5)
    assert evidence_from_json(json.loads(json.dumps(evidence_to_json(record)))) == record
    assert "1.0 character of room" in describe_evidence(record)


def test_calibration_rises_with_the_language_models_preference() -> None:
    calibration = GapCalibration.from_config(Config().char, "ppocrv6")
    weak = calibration.confidence(gain=0.1, margin=0.1, mark=False, excess=MIN_EXCESS)
    strong = calibration.confidence(gain=3.0, margin=2.0, mark=False, excess=1.0)
    assert 0.0 < weak < strong < 1.0


def test_without_boxes_or_with_gaps_off_nothing_is_inserted() -> None:
    text = "代表们在会上进行了讨，提出了很多建议。"
    builder = DocumentBuilder()
    builder.add_word(text, line=0, ref="s1", kind="String", confidences=[0.99] * len(text))
    plain = builder.build(format="alto", version="4.4", engine="ppocrv6", source=b"", path="a.xml")
    corrector = Corrector(Config())
    assert not [e for e in corrector.fix(text, ocr=plain).edits if e.start == e.end and e.start == 10]


def test_each_engine_applies_gap_fills_from_its_own_confidence() -> None:
    # The hand-made ALTO 4 file whose Glyphs leave an empty cell where PP-OCRv6 dropped a 、.
    source = Path(__file__).parent / "data" / "formats" / "ppocrv6-dropped-mark-alto4.xml"
    document = read_document(source.read_bytes(), source.name)
    assert document is not None

    def fills(**settings: float) -> tuple[list[float], list[float]]:
        config = Config().replace(char=dataclasses.replace(Config().char, **settings))
        result = Corrector(config).fix(document.text, ocr=document)
        gap = [e for e in result.edits if any(isinstance(x, EngineGap) for x in e.evidence)]
        held = [e for e in result.suggestions if any(isinstance(x, EngineGap) for x in e.evidence)]
        return [e.confidence for e in gap], [e.confidence for e in held]

    applied, _held = fills()
    assert applied and min(applied) >= Config().char.engine_gap_apply_from_ppocrv6
    # The engine's own floor rules; 0 falls back to the shared engine_gap_apply_from.
    assert fills(engine_gap_apply_from_ppocrv6=1.0) == ([], [Config().char.mixed_line_max_confidence] * len(applied))
    assert fills(engine_gap_apply_from_ppocrv6=0.0, engine_gap_apply_from=1.0)[0] == []
