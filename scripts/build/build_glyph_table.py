"""Build ``src/restore/data/glyph_neighbours.tsv``: visually similar characters from rendered glyphs.

Characters: GB2312 levels 1 and 2, their traditional counterparts (OpenCC s2t table) and every
Han character in the bundled lexicons. Each is rendered with Noto Sans CJK SC and Noto Serif
CJK SC (Debian ``fonts-noto-cjk``; the SC faces cover traditional forms too) at 64 px on a
fixed em box (position matters: 未 and 末 differ only in stroke length), box-filtered to 16x16,
mean-centred and L2-normalised; similarity is the cosine averaged over the two faces. The top-K
neighbours of each character above a floor are written, one character per line.

Run: ``python scripts/build/build_glyph_table.py`` (about a minute on 2 cores; needs numpy and Pillow).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "restore" / "data" / "glyph_neighbours.tsv"
FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
]
SIZE = 64
GRIDS = tuple(int(g) for g in os.environ.get("GLYPH_GRIDS", "16 8").split())


def gb2312_chars() -> list[str]:
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def charset() -> list[str]:
    chars = set(gb2312_chars())
    tables = ROOT / "src" / "restore" / "data" / "opencc_tables.tsv"
    for line in tables.read_text(encoding="utf-8").splitlines():
        if line.startswith("s2t-char\t") or line.startswith("t2s-char\t"):
            _, key, values = line.split("\t")
            if key in chars or line.startswith("t2s-char\t"):
                chars.update(v for v in values.split(" ") if len(v) == 1)
    for tsv in (ROOT / "lexicons").glob("*.tsv"):
        chars.update(ch for ch in tsv.read_text(encoding="utf-8") if is_han(ch))
    return sorted(ch for ch in chars if is_han(ch))


def _normalise(features: np.ndarray) -> np.ndarray:
    features = features - features.mean(axis=1, keepdims=True)
    return features / (np.linalg.norm(features, axis=1, keepdims=True) + 1e-6)


def render(chars: list[str], path: str, index: int) -> list[np.ndarray]:
    """One feature block per grid size (fine grids see strokes, coarse ones tolerate shifts)."""
    font = ImageFont.truetype(path, SIZE, index=index)
    blocks = [np.zeros((len(chars), grid * grid), dtype=np.float32) for grid in GRIDS]
    for i, ch in enumerate(chars):
        image = Image.new("L", (SIZE, SIZE), 0)
        ImageDraw.Draw(image).text((0, 0), ch, fill=255, font=font, anchor="lt")
        pixels = np.asarray(image, dtype=np.float32) / 255.0
        for block, grid in zip(blocks, GRIDS):
            cell = SIZE // grid
            block[i] = pixels.reshape(grid, cell, grid, cell).mean(axis=(1, 3)).ravel()
    return [_normalise(block) for block in blocks]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("-k", type=int, default=30, help="neighbours kept per character")
    parser.add_argument("--floor", type=float, default=0.45, help="lowest similarity kept")
    args = parser.parse_args()
    start = time.time()
    chars = charset()
    blocks = [block for path, index in FONTS for block in render(chars, path, index)]
    features = np.concatenate(blocks, axis=1) / np.sqrt(len(blocks))
    print(f"{len(chars)} characters rendered in {time.time() - start:.0f}s")
    lines = [
        "# restore glyph neighbours: cosine similarity of rendered glyphs (Noto Sans/Serif CJK SC, 16x16)",
        f"# built by scripts/build/build_glyph_table.py; k={args.k} floor={args.floor}; {len(chars)} characters",
        "# char<TAB>space-separated neighbour:similarity, most similar first",
    ]
    step = 1024
    for begin in range(0, len(chars), step):
        sims = features[begin : begin + step] @ features.T
        for row, i in enumerate(range(begin, min(begin + step, len(chars)))):
            sims[row, i] = -1.0
            top = np.argpartition(-sims[row], args.k)[: args.k]
            top = top[np.argsort(-sims[row, top])]
            kept = [f"{chars[j]}:{sims[row, j]:.3f}" for j in top if sims[row, j] >= args.floor]
            if kept:
                lines.append(f"{chars[i]}\t{' '.join(kept)}")
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB) in {time.time() - start:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
