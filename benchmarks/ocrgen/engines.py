"""OCR engines behind one interface: ``read(lines) -> texts``, one text per line image.

- ``tesseract``: the Debian CLI with chi_sim/chi_tra, one call per page (lines stacked, ``--psm 6``),
  its output lines matched back to the input lines (by count, else by alignment).
- ``ppocrv4``: PP-OCRv4 recognition from ``rapidocr-onnxruntime`` (models in the wheel).
- ``ppocrv6``: PP-OCRv6 small recognition from ``rapidocr`` 3.x (models in the wheel).

The PaddleOCR engines run recognition only, batched, on line crops we made ourselves (we know where
each line is, so detection would only cost time). Each engine runs single-threaded so that two
worker processes share the two cores without oversubscription.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import tempfile
from typing import Protocol, Sequence

import numpy as np
from PIL import Image

from .align import split_by_reference
from .render import stack_page

ENGINES = ("tesseract", "ppocrv4", "ppocrv6")
_SPACE = re.compile(r"\s+")


class Engine(Protocol):
    name: str

    def read(self, lines: Sequence[Image.Image], script: str) -> list[str]: ...


def clean(text: str) -> str:
    """Drop whitespace: the truth has none, and engines space CJK text unpredictably."""
    return _SPACE.sub("", text)


class Tesseract:
    """Tesseract CLI, one process per page."""

    name = "tesseract"

    def __init__(self) -> None:
        self.env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def read(self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()) -> list[str]:
        lang = "chi_tra" if script == "traditional" else "chi_sim"
        page = stack_page(list(lines), gap=max(8, lines[0].height // 2))
        with tempfile.NamedTemporaryFile(suffix=".png") as tmp:
            page.save(tmp.name)
            proc = subprocess.run(
                ["tesseract", tmp.name, "stdout", "-l", lang, "--psm", "6"],
                capture_output=True, text=True, env=self.env, check=False,
            )
        if proc.returncode != 0:
            raise RuntimeError(f"tesseract failed: {proc.stderr.strip()[:300]}")
        out = [clean(t) for t in proc.stdout.splitlines()]
        out = [t for t in out if t]
        if len(out) == len(lines):
            return out
        if truth:
            # Lines merged or split by the engine: cut the page text where the truth lines end.
            return split_by_reference("".join(out), list(truth))
        return (out + [""] * len(lines))[: len(lines)]


def _rgb(lines: Sequence[Image.Image]) -> list[np.ndarray]:
    return [np.asarray(im.convert("RGB")) for im in lines]


class PPOCRv4:
    """PP-OCRv4 recognition via rapidocr-onnxruntime 1.4."""

    name = "ppocrv4"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self.ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)

    def read(self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()) -> list[str]:
        results, _ = self.ocr.text_rec(_rgb(lines))
        return [clean(text) for text, _score in results]


class PPOCRv6:
    """PP-OCRv6 small recognition via rapidocr 3.x."""

    name = "ppocrv6"

    def __init__(self) -> None:
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        self.ocr = RapidOCR(params={
            "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })
        self.rec = None

    def read(self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()) -> list[str]:
        imgs = _rgb(lines)
        loader = getattr(self.ocr, "_load_rec_model", None)
        if loader is None:  # other rapidocr versions: recognition one line at a time
            out = []
            for img in imgs:
                res = self.ocr(img, use_det=False, use_cls=False, use_rec=True)
                out.append(clean("".join(res.txts or ())))
            return out
        from rapidocr.ch_ppocr_rec.typings import TextRecInput

        if self.rec is None:
            self.rec = loader()
        res = self.rec(TextRecInput(img=imgs))
        return [clean(t) for t in res.txts]


def make_engine(name: str) -> Engine:
    """Construct an engine by name (models load here, in the worker process)."""
    if name == "tesseract":
        return Tesseract()
    if name == "ppocrv4":
        return PPOCRv4()
    if name == "ppocrv6":
        return PPOCRv6()
    raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")
