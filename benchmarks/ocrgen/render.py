"""Render text lines with CJK fonts and degrade them like scanned newsprint.

Pillow and numpy only. Each line is drawn at twice the target size, thickened or thinned (ink
spread), rotated slightly, scaled down to a glyph height of 15-24 px, blurred, given paper/ink
contrast, noise and specks, then either thresholded (a bilevel scan) or JPEG-compressed.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

NOTO = "/usr/share/fonts/opentype/noto/"
ARPHIC = "/usr/share/fonts/truetype/arphic/"


@dataclass(frozen=True)
class FontSpec:
    """A face inside a font collection; ``style`` is song (Song/Ming), kai or hei."""

    name: str
    path: str
    family: str  # exact family name inside the .ttc
    style: str
    script: str  # "simplified" or "traditional": which glyph forms the face is meant for


FONTS: tuple[FontSpec, ...] = (
    FontSpec("noto-serif-sc", NOTO + "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "song", "simplified"),
    FontSpec("noto-serif-sc-bold", NOTO + "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC", "song", "simplified"),
    FontSpec("uming-cn", ARPHIC + "uming.ttc", "AR PL UMing CN", "song", "simplified"),
    FontSpec("ukai-cn", ARPHIC + "ukai.ttc", "AR PL UKai CN", "kai", "simplified"),
    FontSpec("noto-sans-sc", NOTO + "NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "hei", "simplified"),
    FontSpec("noto-sans-sc-bold", NOTO + "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC", "hei", "simplified"),
    FontSpec("noto-serif-tc", NOTO + "NotoSerifCJK-Regular.ttc", "Noto Serif CJK TC", "song", "traditional"),
    FontSpec("uming-tw", ARPHIC + "uming.ttc", "AR PL UMing TW", "song", "traditional"),
    FontSpec("ukai-tw", ARPHIC + "ukai.ttc", "AR PL UKai TW", "kai", "traditional"),
    FontSpec("noto-sans-tc", NOTO + "NotoSansCJK-Regular.ttc", "Noto Sans CJK TC", "hei", "traditional"),
)

SCALE = 2  # draw at twice the size, then scale down as a scanner would
LEVELS = ("light", "medium", "heavy")


@lru_cache(maxsize=64)
def face_index(path: str, family: str) -> int:
    """Index of ``family`` inside the collection ``path``."""
    for index in range(32):
        try:
            font = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        if font.getname()[0] == family:
            return index
    raise LookupError(f"{family!r} not found in {path}")


@lru_cache(maxsize=256)
def load_font(spec: FontSpec, px: int) -> ImageFont.FreeTypeFont:
    """The face at ``px`` pixels per em."""
    return ImageFont.truetype(spec.path, px, index=face_index(spec.path, spec.family))


class Coverage:
    """Which characters a face actually has a glyph for (missing ones render as .notdef boxes)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], bool] = {}
        self._notdef: dict[str, bytes] = {}

    def covers(self, spec: FontSpec, text: str) -> bool:
        font = load_font(spec, 24)
        if spec.name not in self._notdef:
            self._notdef[spec.name] = self._glyph(font, "\U000F0000")
        notdef = self._notdef[spec.name]
        for ch in set(text):
            key = (spec.name, ch)
            if key not in self._known:
                glyph = self._glyph(font, ch)
                self._known[key] = ch.isspace() or (any(glyph) and glyph != notdef)
            if not self._known[key]:
                return False
        return True

    @staticmethod
    def _glyph(font: ImageFont.FreeTypeFont, ch: str) -> bytes:
        img = Image.new("L", (32, 32), 0)
        ImageDraw.Draw(img).text((2, 0), ch, font=font, fill=255)
        return img.tobytes()


def sample_degradation(rng: random.Random, level: str | None = None) -> dict[str, Any]:
    """Draw degradation parameters; ``level`` biases them (light/medium/heavy)."""
    level = level or rng.choices(LEVELS, weights=(4, 4, 2))[0]
    k = {"light": 0.4, "medium": 0.7, "heavy": 1.0}[level]
    bilevel = rng.random() < 0.3
    return {
        "level": level,
        # Erosion at 2x (a "thin" ink) wipes out serif strokes entirely, which no real scan does;
        # spread ink (bold) is common in newsprint.
        "ink": rng.choice(["normal", "normal", "bold"]) if level != "light" else "normal",
        "rotate": round(rng.uniform(-0.8, 0.8) * k, 2),
        "blur": round(rng.uniform(0.1, 0.6) * k + 0.1, 2),
        "noise": round(rng.uniform(2, 20) * k, 1),
        "specks": round(rng.uniform(0.0, 0.008) * k, 4),
        "paper": rng.randint(200, 245),
        "ink_level": rng.randint(0, 60),
        # Bilevel scan: cut at this fraction of the way from ink to paper. At 0.5 thin Song strokes
        # break apart (CER 60%+, no scanner does that); 0.6-0.78 keeps strokes whole but spread.
        "threshold": round(rng.uniform(0.6, 0.78), 2) if bilevel else None,
        "jpeg": None if bilevel else rng.randint(int(75 - 40 * k), int(95 - 40 * k)),
    }


def render_line(text: str, spec: FontSpec, size: int) -> Image.Image:
    """Black text on white at ``SCALE`` times ``size`` px per em, with a margin."""
    px = size * SCALE
    font = load_font(spec, px)
    left, top, right, bottom = font.getbbox(text)
    margin = px // 2
    width = max(right, px) + 2 * margin
    height = px + 2 * margin
    img = Image.new("L", (width, height), 255)
    ImageDraw.Draw(img).text((margin, margin), text, font=font, fill=0)
    return img


def degrade(img: Image.Image, params: dict[str, Any], rng: random.Random) -> Image.Image:
    """Apply ``params`` (from :func:`sample_degradation`) to a ``SCALE``-times rendering."""
    if params["ink"] == "bold":
        img = img.filter(ImageFilter.MinFilter(3))
    elif params["ink"] == "thin":
        img = img.filter(ImageFilter.MaxFilter(3))
    if params["rotate"]:
        img = img.rotate(params["rotate"], resample=Image.BICUBIC, expand=True, fillcolor=255)
    img = img.resize((max(1, img.width // SCALE), max(1, img.height // SCALE)), Image.BOX)
    if params["blur"] > 0:
        img = img.filter(ImageFilter.GaussianBlur(params["blur"]))
    arr = np.asarray(img, dtype=np.float32) / 255.0
    paper, ink = params["paper"], params["ink_level"]
    arr = ink + arr * (paper - ink)
    nrng = np.random.default_rng(rng.getrandbits(32))
    if params["noise"] > 0:
        arr += nrng.normal(0.0, params["noise"], arr.shape)
    if params["specks"] > 0:
        specks = nrng.random(arr.shape)
        arr[specks < params["specks"] / 2] = ink
        arr[specks > 1 - params["specks"] / 2] = 255
    arr = np.clip(arr, 0, 255)
    if params["threshold"]:
        arr = np.where(arr < ink + params["threshold"] * (paper - ink), 0, 255)
    out = Image.fromarray(arr.astype(np.uint8), "L")
    if params["jpeg"]:
        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=params["jpeg"])
        buf.seek(0)
        out = Image.open(buf)
        out.load()
    return out


def stack_page(lines: list[Image.Image], gap: int) -> Image.Image:
    """Stack degraded line images into one page for engines that read whole pages."""
    width = max(im.width for im in lines) + 2 * gap
    height = sum(im.height for im in lines) + gap * (len(lines) + 1)
    bg = int(np.median(np.asarray(lines[0])))
    page = Image.new("L", (width, height), bg)
    y = gap
    for im in lines:
        page.paste(im, (gap, y))
        y += im.height + gap
    return page
