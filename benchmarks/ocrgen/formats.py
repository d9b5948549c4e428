"""Write a render record (``ocr``, ``conf``, ``alts``, ``engine``) as the file its engine would give.

The benchmarks read renders *through the format path* (restore.formats), as a user's archive
would hand them over: Tesseract renders as hOCR with character boxes and ``x_conf`` (what
``tesseract … -c hocr_char_boxes=1 hocr`` writes), PP-OCRv4 renders as PAGE 2019 with a ``Glyph``
per character whose further ``TextEquiv``s (index 2, 3, with ``@conf``) are the engine's top-k, as
OCR-D's processors keep a recogniser's alternatives, PP-OCRv6 renders as ALTO 4 with a ``Glyph`` per
character (``GC``) and the top-k as ``Variant``/``VC``, as kraken-style ALTO carries them.
(:func:`to_rapidocr_json` writes RapidOCR 3.x JSON, which has per-character scores but no
alternatives, for ``--format json``.) Boxes are
placeholders (20 px per character): the text, the confidences and the alternatives are the
engine's. ``python -m benchmarks.ocrgen.formats RENDERS.jsonl OUTDIR`` writes one file per record.

>>> record = {"id": "dev-1-0", "ocr": "己经", "conf": [0.41, 0.99], "alts": [[["已", 0.38]], []], "engine": "ppocrv6"}
>>> b"<Variant CONTENT=" in to_alto(record)
True
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

CHAR_WIDTH = 20
HEIGHT = 30


def _confidences(record: dict[str, Any]) -> list[float | None]:
    conf = record.get("conf") or []
    return conf if len(conf) == len(record["ocr"]) else [None] * len(record["ocr"])


def _alternatives(record: dict[str, Any]) -> list[list[tuple[str, float]]]:
    alts = record.get("alts") or []
    return alts if len(alts) == len(record["ocr"]) else [[] for _ in record["ocr"]]


def _spans(record: dict[str, Any]) -> list[tuple[int, int]]:
    """Each character's ``(x0, x1)`` in pixels: one pitch around the engine's centre (``x``), or
    :data:`CHAR_WIDTH` per character when the render has no centres."""
    xs = record.get("x") or []
    if len(xs) != len(record["ocr"]) or len(xs) < 2:
        return [(i * CHAR_WIDTH, (i + 1) * CHAR_WIDTH) for i in range(len(record["ocr"]))]
    steps = sorted(abs(b - a) for a, b in zip(xs, xs[1:]))
    half = max(1.0, steps[len(steps) // 2] / 2)
    return [(max(0, round(x - half)), max(1, round(x + half))) for x in xs]


def to_hocr(record: dict[str, Any]) -> bytes:
    """Tesseract-style hOCR: one line; a word per Han character or run of other characters (as the
    reader joins them, so the text reads back unchanged), an ``ocrx_cinfo`` per character."""
    from restore.formats.model import is_cjk

    text, confs, spans = record["ocr"], _confidences(record), _spans(record)
    runs: list[list[int]] = []
    for index, char in enumerate(text):
        if runs and not is_cjk(char) and not is_cjk(text[runs[-1][-1]]):
            runs[-1].append(index)
        else:
            runs.append([index])
    words = []
    for number, run in enumerate(runs, start=1):
        x0, x1 = spans[run[0]][0], spans[run[-1]][1]
        known = [confs[i] for i in run if confs[i] is not None]
        wconf = f"; x_wconf {round(100 * min(known))}" if known else ""
        cinfos = "".join(
            f"<span class='ocrx_cinfo' title='x_bboxes {spans[i][0]} 0 {spans[i][1]} {HEIGHT}"
            + ("" if confs[i] is None else f"; x_conf {confs[i] * 100:.4f}")
            + f"'>{escape(text[i])}</span>"
            for i in run
        )
        words.append(f"<span class='ocrx_word' id='word_1_{number}' title='bbox {x0} 0 {x1} {HEIGHT}{wconf}'>{cinfos}</span>")
    width = max([1, *(x1 for _x0, x1 in spans)])
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title></title>'
        "<meta name='ocr-system' content='tesseract 5.3.0'/></head><body>"
        f"<div class='ocr_page' id='page_1' title='bbox 0 0 {width} {HEIGHT}'>"
        f"<span class='ocr_line' id='line_1_1' title='bbox 0 0 {width} {HEIGHT}'>{''.join(words)}</span>"
        "</div></body></html>\n"
    ).encode("utf-8")


def to_alto(record: dict[str, Any]) -> bytes:
    """ALTO 4.4: one String for the line, a Glyph per character with GC and the top-k as Variants."""
    glyphs = []
    spans = _spans(record)
    for index, (char, conf, alts) in enumerate(zip(record["ocr"], _confidences(record), _alternatives(record))):
        gc = "" if conf is None else f' GC="{min(max(conf, 0.0), 1.0):.4f}"'
        variants = "".join(f"<Variant CONTENT={quoteattr(c)} VC=\"{p:.4f}\"/>" for c, p in alts if len(c) == 1)
        glyphs.append(
            f'<Glyph HPOS="{spans[index][0]}" VPOS="0" WIDTH="{spans[index][1] - spans[index][0]}" HEIGHT="{HEIGHT}" '
            f"CONTENT={quoteattr(char)}{gc}>{variants}</Glyph>"
        )
    width = max([1, *(x1 for _x0, x1 in spans)])
    string = (
        f'<String ID="s1" HPOS="0" VPOS="0" WIDTH="{width}" HEIGHT="{HEIGHT}" CONTENT={quoteattr(record["ocr"])}>'
        f"{''.join(glyphs)}</String>"
        if record["ocr"] else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#" SCHEMAVERSION="4.4"><Description>'
        "<MeasurementUnit>pixel</MeasurementUnit><Processing ID=\"ocr\"><processingSoftware>"
        "<softwareName>PP-OCRv6 (rapidocr 3.10.0)</softwareName></processingSoftware></Processing></Description>"
        f'<Layout><Page ID="p1" PHYSICAL_IMG_NR="1"><PrintSpace><TextBlock ID="b1"><TextLine ID="l1">{string}'
        "</TextLine></TextBlock></PrintSpace></Page></Layout></alto>\n"
    ).encode("utf-8")


def to_rapidocr_json(record: dict[str, Any]) -> bytes:
    """RapidOCR 3.x ``to_json()`` with per-character ``word_results`` (``return_word_box=True``)."""
    confs, spans = _confidences(record), _spans(record)
    known = [c for c in confs if c is not None]
    width = max([1, *(x1 for _x0, x1 in spans)])
    line = {
        "box": [[0, 0], [width, 0], [width, HEIGHT], [0, HEIGHT]],
        "txt": record["ocr"],
        "score": round(sum(known) / len(known), 5) if known else 0.0,
    }
    if known and len(known) == len(confs):
        line["word_results"] = [
            [char, round(conf, 5), [[x0, 0], [x1, 0], [x1, HEIGHT], [x0, HEIGHT]]]
            for char, conf, (x0, x1) in zip(record["ocr"], confs, spans)
        ]
    return (json.dumps([line], ensure_ascii=False) + "\n").encode("utf-8")


def to_page(record: dict[str, Any]) -> bytes:
    """PAGE 2019: one TextLine and Word for the line, a Glyph per character with its confidence at
    TextEquiv index 1 and the engine's top-k at the next indices."""
    glyphs = []
    spans = _spans(record)
    for index, (char, conf, alts) in enumerate(zip(record["ocr"], _confidences(record), _alternatives(record))):
        x0, x1 = spans[index]
        readings = [(char, conf)] + [(c, p) for c, p in alts if len(c) == 1]
        equivs = "".join(
            f'<TextEquiv index="{rank}"' + ("" if p is None else f' conf="{min(max(p, 0.0), 1.0):.4f}"')
            + f"><Unicode>{escape(c)}</Unicode></TextEquiv>"
            for rank, (c, p) in enumerate(readings, start=1)
        )
        glyphs.append(f'<Glyph id="g{index}"><Coords points="{x0},0 {x1},0 {x1},{HEIGHT} {x0},{HEIGHT}"/>{equivs}</Glyph>')
    width = max([1, *(x1 for _x0, x1 in spans)])
    box = f'<Coords points="0,0 {width},0 {width},{HEIGHT} 0,{HEIGHT}"/>'
    text = escape(record["ocr"])
    line = (
        f'<TextLine id="l1">{box}<Word id="w1">{box}{"".join(glyphs)}<TextEquiv><Unicode>{text}</Unicode></TextEquiv>'
        f"</Word><TextEquiv><Unicode>{text}</Unicode></TextEquiv></TextLine>"
        if record["ocr"] else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Metadata>'
        "<Creator>PP-OCRv4 (rapidocr 3.10.0)</Creator><Created>2026-11-30T00:00:00</Created>"
        "<LastChange>2026-11-30T00:00:00</LastChange></Metadata>"
        f'<Page imageFilename="{escape(record["id"])}.png" imageWidth="{width}" imageHeight="{HEIGHT}">'
        f'<TextRegion id="r1">{box}{line}</TextRegion></Page></PcGts>\n'
    ).encode("utf-8")


# Each engine's renders in the format that engine's users keep.
WRITERS = {"tesseract": (to_hocr, ".hocr"), "ppocrv4": (to_page, ".xml"), "ppocrv6": (to_alto, ".xml")}


def to_file(record: dict[str, Any]) -> tuple[bytes, str]:
    """The record as its engine's file: ``(bytes, suffix)``."""
    writer, suffix = WRITERS[record["engine"]]
    return writer(record), suffix


def main(argv: list[str]) -> int:
    source, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for line in source.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        data, suffix = to_file(record)
        (out / f"{record['id']}{suffix}").write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
