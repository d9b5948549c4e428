"""Small OCR files built in the tests: ALTO 2–4, hOCR and PAGE 2019 pages from words we write.

Each line is a list of words; every character gets a box of ``CELL`` pixels (words side by side,
no holes), so the files look like Tesseract's (words of 1–3 Han characters) and round-trip through
restore's readers. The producer named in the metadata is ``engine``.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

CELL = 30


@dataclasses.dataclass(frozen=True)
class Reading:
    """An OCR engine's reading without a file, as ``Corrector.fix(text, ocr=...)`` takes it: the
    engine's name, a confidence per character (None: none) and alternatives per offset."""

    engine: str
    confidences: tuple[float | None, ...]
    alternatives: dict[int, tuple[tuple[str, float | None], ...]] = dataclasses.field(default_factory=dict)


def _words(lines: list[list[str]]):
    """``(line number, word number, word, x, y)`` for every word, laid out left to right."""
    for line_number, words in enumerate(lines):
        x, y = 10, 10 + line_number * (CELL + 10)
        for word_number, word in enumerate(words):
            yield line_number, word_number, word, x, y
            x += CELL * len(word)


def alto4(lines: list[list[str]], engine: str = "tesseract 5.3.0") -> bytes:
    """An ALTO 4 page: one String (CONTENT, WC 0.9) per word."""
    return alto(lines, engine, version=4)


def alto(lines: list[list[str]], engine: str = "tesseract 5.3.0", *, version: int = 4) -> bytes:
    """An ALTO ``version`` (2, 3 or 4) page: one String (CONTENT, WC 0.9) per word. ALTO 2/3 name the
    engine in an ``OCRProcessing/ocrProcessingStep`` as Tesseract's ALTO 3 does, ALTO 4 in a ``Processing``."""
    body, current = [], -1
    for line, number, word, x, y in _words(lines):
        if line != current:
            if current >= 0:
                body.append("</TextLine>")
            body.append(f'<TextLine ID="l{line + 1}" HPOS="10" VPOS="{y}" WIDTH="600" HEIGHT="{CELL}">')
            current = line
        body.append(f'<String ID="s{line + 1}_{number + 1}" HPOS="{x}" VPOS="{y}" WIDTH="{CELL * len(word)}" '
                    f'HEIGHT="{CELL}" WC="0.9" CONTENT={quoteattr(word)}/>')
    body.append("</TextLine>")
    software = f"<processingSoftware><softwareName>{engine}</softwareName></processingSoftware>" if engine else ""
    if version == 4:
        processing = f'<Processing ID="ocr"><processingCategory>contentGeneration</processingCategory>{software}</Processing>'
    else:
        processing = f'<OCRProcessing ID="OCR_0"><ocrProcessingStep>{software}</ocrProcessingStep></OCRProcessing>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<alto xmlns="http://www.loc.gov/standards/alto/ns-v{version}#">\n'
        f"<Description><MeasurementUnit>pixel</MeasurementUnit>{processing}"
        "</Description>\n<Layout><Page ID=\"p1\" WIDTH=\"700\" HEIGHT=\"400\" PHYSICAL_IMG_NR=\"1\">"
        '<PrintSpace HPOS="0" VPOS="0" WIDTH="700" HEIGHT="400"><TextBlock ID="b1" HPOS="10" VPOS="10" WIDTH="600" HEIGHT="300">\n'
        + "\n".join(body)
        + "\n</TextBlock></PrintSpace></Page></Layout>\n</alto>\n"
    ).encode("utf-8")


def hocr(lines: list[list[str]], engine: str = "tesseract 5.3.0") -> bytes:
    """An XHTML hOCR page: one ``ocrx_word`` (x_wconf 90) per word, no character boxes."""
    body, current = [], -1
    for line, number, word, x, y in _words(lines):
        if line != current:
            if current >= 0:
                body.append("</span>")
            body.append(f"<span class='ocr_line' id='line_{line + 1}' title='bbox 10 {y} 610 {y + CELL}'>")
            current = line
        right = x + CELL * len(word)
        body.append(f"<span class='ocrx_word' id='word_{line + 1}_{number + 1}' "
                    f"title='bbox {x} {y} {right} {y + CELL}; x_wconf 90'>{word}</span>")
    body.append("</span>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh"><head><title></title>'
        f"<meta name='ocr-system' content={quoteattr(engine)}/></head>\n<body><div class='ocr_page' id='page_1' "
        "title='bbox 0 0 700 400'>\n" + "\n".join(body) + "\n</div></body></html>\n"
    ).encode("utf-8")


def page2019(regions: list[list[list[str]]], engine: str = "tesseract 5.3.0", conf: float = 0.9) -> bytes:
    """A PAGE 2019 page: a TextRegion per item of ``regions``, a TextLine per line, a Word (TextEquiv
    ``conf``) per word; each Line's TextEquiv is its words joined by a space, each Region's its
    lines joined by a line break, as OCR-D writes them. IDs: ``r1``, ``r1l1``, ``r1l1w1``."""
    body = []
    y = 10
    for r, region in enumerate(regions, start=1):
        lines, top = [], y
        for n, words in enumerate(region, start=1):
            line_id, x, word_elements = f"r{r}l{n}", 10, []
            for w, word in enumerate(words, start=1):
                right = x + CELL * len(word)
                word_elements.append(
                    f'<Word id="{line_id}w{w}"><Coords points="{x},{y} {right},{y} {right},{y + CELL} {x},{y + CELL}"/>'
                    f'<TextEquiv conf="{conf}"><Unicode>{escape(word)}</Unicode></TextEquiv></Word>')
                x = right
            lines.append(
                f'<TextLine id="{line_id}"><Coords points="10,{y} {x},{y} {x},{y + CELL} 10,{y + CELL}"/>'
                + "".join(word_elements) + f"<TextEquiv><Unicode>{escape(' '.join(words))}</Unicode></TextEquiv></TextLine>")
            y += CELL + 10
        text = "\n".join(" ".join(words) for words in region)
        body.append(f'<TextRegion id="r{r}"><Coords points="10,{top} 600,{top} 600,{y} 10,{y}"/>' + "\n".join(lines)
                    + f"<TextEquiv><Unicode>{escape(text)}</Unicode></TextEquiv></TextRegion>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">\n'
        f"<Metadata><Creator>{engine}</Creator><Created>2026-11-30T12:00:00</Created>"
        "<LastChange>2026-11-30T12:00:00</LastChange></Metadata>\n"
        f'<Page imageFilename="page.png" imageWidth="700" imageHeight="{y + 10}">\n'
        + "\n".join(body) + "\n</Page>\n</PcGts>\n"
    ).encode("utf-8")


def run_cli(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``python -m restore.cli ARGS`` as a user runs it, text output."""
    return subprocess.run(
        [sys.executable, "-m", "restore.cli", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
