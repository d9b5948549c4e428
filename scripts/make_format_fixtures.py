"""Make the engine-written fixtures of tests/data/formats/ (hOCR, ALTO, TSV from Tesseract; JSON from RapidOCR).

The page text is written for this project (no corpus sentences). Run with the OCR venv
(benchmarks/ocrgen/install.sh): Pillow, rapidocr 3.x, rapidocr-onnxruntime 1.x and the Debian tesseract
with chi_sim/chi_tra::

    /tmp/ocrvenv/bin/python scripts/make_format_fixtures.py tests/data/formats

Outputs (a few KB each): tesseract-sim.{hocr,xml,tsv} (ALTO is Tesseract's own, version 3 with WC
only), tesseract-tra.hocr, rapidocr-sim.json (``RapidOCROutput.to_json()`` lines with the per-character
``word_results`` of ``return_word_box=True, return_single_char_box=True``) and the page images are not
kept (regenerate them with this script); rapidocr1-sim.json is rapidocr-onnxruntime 1.x (PP-OCRv4)
``[box, text, score]`` lines, the shape its result has when saved with ``json.dump``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
# Sentences written for this project.
SIMPLIFIED = ["区图书馆周六上午九点开门，", "欢迎市民带孩子来借书。", "新馆己经开放三层阅览室。"]
TRADITIONAL = ["區圖書館週六上午九點開門，", "歡迎市民帶孩子來借書，新館己經開放。"]


def render(lines: list[str], size: int = 28, blur: float = 0.6) -> Image.Image:
    """Lines of black text on white, slightly blurred so the engine is not sure of everything."""
    font = ImageFont.truetype(FONT, size, index=2 if lines is SIMPLIFIED else 3)
    height = size * 2
    image = Image.new("L", (size * 18, height * len(lines) + size), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((size // 2, size // 2 + number * height), line, font=font, fill=0)
    return image.filter(ImageFilter.GaussianBlur(blur))


def tesseract(image: Image.Image, lang: str, out_base: Path, *formats: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        subprocess.run(
            ["tesseract", str(png), str(out_base), "-l", lang, "--psm", "6", "-c", "hocr_char_boxes=1", *formats],
            check=True, capture_output=True, env=env,
        )
    # Tesseract writes the image path it read into hOCR and ALTO; a fixed name keeps fixtures reproducible.
    for suffix in (".hocr", ".xml"):
        path = out_base.with_suffix(suffix)
        if path.exists():
            path.write_text(path.read_text(encoding="utf-8").replace(str(png), "page.png"), encoding="utf-8")


def rapidocr_json(image: Image.Image) -> list[dict]:
    import numpy as np
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "error"})
    result = engine(np.asarray(image.convert("RGB")), return_word_box=True, return_single_char_box=True)
    lines = result.to_json() or []
    for line, words in zip(lines, result.word_results):
        line["score"] = round(float(line["score"]), 5)
        line["word_results"] = [
            [text, round(float(score), 5), [[round(float(x)), round(float(y))] for x, y in box]]
            for text, score, box in words
        ]
        line["box"] = [[round(float(x)), round(float(y))] for x, y in line["box"]]
    return lines


def rapidocr1_json(image: Image.Image) -> list[list]:
    """rapidocr-onnxruntime 1.x (PP-OCRv4): ``[[box, text, score], …]`` as ``json.dump`` writes its result."""
    import numpy as np
    from rapidocr_onnxruntime import RapidOCR

    result, _elapsed = RapidOCR()(np.asarray(image.convert("RGB")))
    return [[[[round(float(x)), round(float(y))] for x, y in box], text, round(float(score), 5)]
            for box, text, score in result or []]


def main(out_dir: str) -> int:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sim, tra = render(SIMPLIFIED), render(TRADITIONAL)
    tesseract(sim, "chi_sim", out / "tesseract-sim", "hocr", "alto", "tsv")
    (out / "tesseract-sim.alto.xml").unlink(missing_ok=True)
    os.replace(out / "tesseract-sim.xml", out / "tesseract-sim.alto.xml")
    tesseract(tra, "chi_tra", out / "tesseract-tra", "hocr")
    payload = rapidocr_json(sim)
    lines = ",\n".join(" " + json.dumps(line, ensure_ascii=False) for line in payload)
    (out / "rapidocr-sim.json").write_text("[\n" + lines + "\n]\n", encoding="utf-8")
    lines = ",\n".join(" " + json.dumps(line, ensure_ascii=False) for line in rapidocr1_json(sim))
    (out / "rapidocr1-sim.json").write_text("[\n" + lines + "\n]\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/formats"))
