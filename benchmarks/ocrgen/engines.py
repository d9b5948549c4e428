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
from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np
from PIL import Image

from .align import split_by_reference
from .render import stack_page

ENGINES = ("tesseract", "ppocrv4", "ppocrv6")
_SPACE = re.compile(r"\s+")
# Alternatives kept per character where the engine has them (PP-OCR's CTC softmax).
TOP_K = 3


@dataclass(frozen=True)
class Reading:
    """One line as the engine read it: text, a 0-1 confidence per character (None: the engine gave
    none, or the line's characters could not be matched to its scores), per-character
    alternatives ``[(char, probability), ...]`` (empty where the engine has none) and the centre of
    each character along the line in the line image's pixels (empty where unknown): PP-OCR's CTC
    column as RapidOCR's ``return_word_box`` places it, Tesseract's character box."""

    text: str
    confidences: tuple[float | None, ...]
    alternatives: tuple[tuple[tuple[str, float], ...], ...] = ()
    centres: tuple[float, ...] = ()

    def to_json(self) -> dict:
        out: dict = {"conf": [None if c is None else round(c, 4) for c in self.confidences]}
        if any(self.alternatives):
            out["alts"] = [[[ch, round(p, 4)] for ch, p in alts] for alts in self.alternatives]
        if self.centres and len(self.centres) == len(self.text):
            out["x"] = [round(x, 1) for x in self.centres]
        return out


def without_confidences(texts: Sequence[str]) -> list[Reading]:
    return [Reading(t, (None,) * len(t)) for t in texts]


class Engine(Protocol):
    name: str

    def read(self, lines: Sequence[Image.Image], script: str) -> list[str]: ...

    def read_with_confidences(self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()) -> list[Reading]: ...


def clean(text: str) -> str:
    """Drop whitespace: the truth has none, and engines space CJK text unpredictably."""
    return _SPACE.sub("", text)


class Tesseract:
    """Tesseract CLI, one process per page."""

    name = "tesseract"

    def __init__(self) -> None:
        self.env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def read(self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()) -> list[str]:
        return [r.text for r in self.read_with_confidences(lines, script, truth)]

    def read_with_confidences(
        self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()
    ) -> list[Reading]:
        """Tesseract's hOCR with character boxes, read by restore.formats: x_conf per character."""
        from restore.formats.hocr import read as read_hocr

        lang = "chi_tra" if script == "traditional" else "chi_sim"
        page = stack_page(list(lines), gap=max(8, lines[0].height // 2))
        with tempfile.NamedTemporaryFile(suffix=".png") as tmp:
            page.save(tmp.name)
            proc = subprocess.run(
                ["tesseract", tmp.name, "stdout", "-l", lang, "--psm", "6", "-c", "hocr_char_boxes=1", "hocr"],
                capture_output=True, env=self.env, check=False,
            )
        if proc.returncode != 0:
            raise RuntimeError(f"tesseract failed: {proc.stderr.decode(errors='replace').strip()[:300]}")
        document = read_hocr(proc.stdout, "tesseract.hocr")
        centres = [None if b is None else (b[0] + b[2]) / 2 for b in map(document.boxes.get, range(len(document.text)))]
        readings = _split_lines(document.text, document.confidences, centres)
        if len(readings) == len(lines):
            return readings
        out = [r.text for r in readings]
        if truth:
            # Lines merged or split by the engine: cut the page text where the truth lines end
            # (the cut loses the character-to-score match, so these lines carry no confidences).
            return without_confidences(split_by_reference("".join(out), list(truth)))
        return without_confidences((out + [""] * len(lines))[: len(lines)])


def _split_lines(
    text: str, confidences: Sequence[float | None], centres: Sequence[float | None]
) -> list[Reading]:
    """Non-empty lines of a page read, whitespace dropped, each character with its confidence and
    the centre of its box (a line's centres are dropped unless every character has one)."""
    readings, chars, confs, xs = [], [], [], []
    for ch, conf, x in zip(text + "\n", (*confidences, None), (*centres, None)):
        if ch == "\n":
            if chars:
                known = tuple(v for v in xs if v is not None)
                readings.append(Reading("".join(chars), tuple(confs), (), known if len(known) == len(xs) else ()))
            chars, confs, xs = [], [], []
        elif not ch.isspace():
            chars.append(ch)
            confs.append(conf)
            xs.append(x)
    return readings


def _rgb(lines: Sequence[Image.Image]) -> list[np.ndarray]:
    return [np.asarray(im.convert("RGB")) for im in lines]


class CtcCapture:
    """Wraps a PP-OCR CTC decoder and keeps, per decoded character, its probability and the top-k others.

    The recognisers sort a batch by width before decoding; ``take(widths)`` puts the captured lines
    back in input order the same way (``np.argsort`` of the width ratios).
    """

    def __init__(self, inner) -> None:
        self.inner = inner
        self.captured: list[tuple[list[str], list[float], list[tuple[tuple[str, float], ...]], list[float]]] = []

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def __call__(self, preds, *args, **kwargs):
        character = self.inner.character
        ratios = kwargs.get("wh_ratio_list") or [1.0] * len(preds)
        widest = kwargs.get("max_wh_ratio") or 1.0
        for line, ratio in zip(preds, ratios):
            best = line.argmax(axis=1)
            keep = best != 0
            keep[1:] &= best[1:] != best[:-1]
            # RapidOCR's word boxes: a character's centre is its CTC column + 0.5, over the columns
            # the line's own width fills of the padded batch image (``line_txt_len``).
            columns = len(line) * ratio / widest
            chars, probs, alternatives = [], [], []
            fractions = [(t + 0.5) / columns for t in np.flatnonzero(keep)]
            for t in np.flatnonzero(keep):
                order = np.argsort(line[t])[::-1][: TOP_K + 1]
                chars.append(character[best[t]])
                probs.append(float(line[t, best[t]]))
                alternatives.append(tuple(
                    (character[j], float(line[t, j])) for j in order if j not in (0, best[t])
                )[:TOP_K])
            self.captured.append((chars, probs, alternatives, fractions))
        return self.inner(preds, *args, **kwargs)

    def take(self, images: Sequence[np.ndarray], texts: Sequence[str]) -> list[Reading]:
        widths = [img.shape[1] / float(img.shape[0]) for img in images]
        ordered: list = [None] * len(images)
        for position, index in enumerate(np.argsort(np.array(widths))):
            ordered[index] = self.captured[position]
        self.captured = []
        readings = []
        for image, text, (chars, probs, alternatives, fractions) in zip(images, texts, ordered):
            kept = [(c, p, a, f) for c, p, a, f in zip(chars, probs, alternatives, fractions) if not c.isspace()]
            if "".join(c for c, _p, _a, _f in kept) != text:
                readings.append(Reading(text, (None,) * len(text)))
                continue
            width = image.shape[1]
            readings.append(Reading(
                text, tuple(p for _c, p, _a, _f in kept), tuple(a for _c, _p, a, _f in kept),
                tuple(f * width for _c, _p, _a, f in kept),
            ))
        return readings


class PPOCRv4:
    """PP-OCRv4 recognition via rapidocr-onnxruntime 1.4."""

    name = "ppocrv4"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self.ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
        self.capture = CtcCapture(self.ocr.text_rec.postprocess_op)
        self.ocr.text_rec.postprocess_op = self.capture

    def read(self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()) -> list[str]:
        return [r.text for r in self.read_with_confidences(lines, script, truth)]

    def read_with_confidences(
        self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()
    ) -> list[Reading]:
        images = _rgb(lines)
        results, _ = self.ocr.text_rec(images)
        return self.capture.take(images, [clean(text) for text, _score in results])


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
        return [r.text for r in self.read_with_confidences(lines, script, truth)]

    def read_with_confidences(
        self, lines: Sequence[Image.Image], script: str, truth: Sequence[str] = ()
    ) -> list[Reading]:
        imgs = _rgb(lines)
        loader = getattr(self.ocr, "_load_rec_model", None)
        if loader is None:  # other rapidocr versions: recognition one line at a time, no scores
            out = []
            for img in imgs:
                res = self.ocr(img, use_det=False, use_cls=False, use_rec=True)
                out.append(clean("".join(res.txts or ())))
            return without_confidences(out)
        from rapidocr.ch_ppocr_rec.typings import TextRecInput

        if self.rec is None:
            self.rec = loader()
            self.capture = CtcCapture(self.rec.postprocess_op)
            self.rec.postprocess_op = self.capture
        res = self.rec(TextRecInput(img=imgs))
        return self.capture.take(imgs, [clean(t) for t in res.txts])


def make_engine(name: str) -> Engine:
    """Construct an engine by name (models load here, in the worker process)."""
    if name == "tesseract":
        return Tesseract()
    if name == "ppocrv4":
        return PPOCRv4()
    if name == "ppocrv6":
        return PPOCRv6()
    raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")
