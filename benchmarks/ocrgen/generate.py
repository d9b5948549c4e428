"""Plan pages of source chunks, render and degrade them, read them with the engines, emit pairs.

A *page* is up to ``lines_per_page`` chunks sharing one engine, script, font, size and degradation
draw; each chunk becomes one record. Pages are independent and seeded by their index, so the output
is the same whatever the number of workers.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from typing import Any, Iterator, Sequence

from .align import cer
from .render import FONTS, Coverage, FontSpec, degrade, render_line, sample_degradation
from .source import Chunk

log = logging.getLogger(__name__)

FONT_BY_NAME = {f.name: f for f in FONTS}
FALLBACK_FONT = {"simplified": "noto-serif-sc", "traditional": "noto-serif-tc"}


@dataclass(frozen=True)
class Page:
    """Everything needed to produce one page's records, independent of any other page."""

    index: int
    engine: str
    script: str
    font: str
    size: int
    degradation: dict[str, Any]
    chunks: tuple[Chunk, ...]
    seed: int
    split: str


@dataclass
class Options:
    split: str = "dev"
    n: int = 5000
    engines: tuple[str, ...] = ("tesseract", "ppocrv4", "ppocrv6")
    traditional: float = 0.25  # share of pages rendered as traditional (OpenCC s2tw truth)
    lines_per_page: int = 12
    sizes: tuple[int, int] = (15, 24)
    seed: int = 1
    workers: int = 2
    skip: int = 0  # leave out the first `skip` shuffled chunks (a later mining run takes new text)


def plan(chunks: Sequence[Chunk], opts: Options) -> list[Page]:
    """Shuffle the chunks (seeded), keep ``opts.n`` and cut them into pages."""
    rng = random.Random(opts.seed)
    order = list(chunks)
    rng.shuffle(order)
    order = order[opts.skip : opts.skip + opts.n]
    pages = []
    first = opts.skip // opts.lines_per_page  # page numbers (and their seeds) continue across runs
    for i in range(0, len(order), opts.lines_per_page):
        index = first + i // opts.lines_per_page
        prng = random.Random(opts.seed * 1_000_003 + index)
        script = "traditional" if prng.random() < opts.traditional else "simplified"
        fonts = [f for f in FONTS if f.script == script]
        pages.append(Page(
            index=index,
            engine=opts.engines[index % len(opts.engines)],
            script=script,
            font=prng.choice(fonts).name,
            size=prng.randint(*opts.sizes),
            degradation=sample_degradation(prng),
            chunks=tuple(order[i : i + opts.lines_per_page]),
            seed=prng.getrandbits(32),
            split=opts.split,
        ))
    return pages


class Worker:
    """Per-process state: engines and converters load on first use."""

    def __init__(self) -> None:
        self.engines: dict[str, Any] = {}
        self.coverage = Coverage()
        self._s2tw = None

    def engine(self, name: str) -> Any:
        if name not in self.engines:
            from .engines import make_engine

            self.engines[name] = make_engine(name)
        return self.engines[name]

    def to_traditional(self, text: str) -> str:
        if self._s2tw is None:
            import opencc

            self._s2tw = opencc.OpenCC("s2tw")
        return self._s2tw.convert(text)

    def run(self, page: Page) -> list[dict[str, Any]]:
        rng = random.Random(page.seed)
        spec = FONT_BY_NAME[page.font]
        truths, fonts, images = [], [], []
        for chunk in page.chunks:
            truth = self.to_traditional(chunk.text) if page.script == "traditional" else chunk.text
            use: FontSpec = spec
            if not self.coverage.covers(spec, truth):
                use = FONT_BY_NAME[FALLBACK_FONT[page.script]]
            truths.append(truth)
            fonts.append(use)
            images.append(degrade(render_line(truth, use, page.size), page.degradation, rng))
        readings = self.engine(page.engine).read_with_confidences(images, page.script, truth=truths)
        records = []
        for chunk, truth, font, reading in zip(page.chunks, truths, fonts, readings):
            records.append({
                "id": f"{page.split}-{chunk.id}",
                "ocr": reading.text,
                # The engine's confidence of each OCR character (0-1; null: none) and, for the
                # PP-OCR engines, its top-3 other readings: restore reads them from OCR files.
                **reading.to_json(),
                "truth": truth,
                "engine": page.engine,
                "font": font.name,
                "style": font.style,
                "size": page.size,
                "degradation": page.degradation,
                "script": page.script,
                "page": page.index,
            })
        return records


_WORKER: Worker | None = None


def _init() -> None:
    global _WORKER
    _WORKER = Worker()


def _run(page: Page) -> tuple[int, list[dict[str, Any]]]:
    assert _WORKER is not None
    return page.index, _WORKER.run(page)


def run_pages(pages: Sequence[Page], workers: int) -> Iterator[list[dict[str, Any]]]:
    """Yield each page's records as pages finish (unordered when workers > 1)."""
    if workers <= 1:
        worker = Worker()
        for page in pages:
            yield worker.run(page)
        return
    # Pages are sorted so each worker mostly keeps to one engine at a time early on; chunksize 1
    # keeps both workers busy to the end.
    with get_context("fork").Pool(workers, initializer=_init) as pool:
        for _index, records in pool.imap_unordered(_run, pages, chunksize=1):
            yield records


@dataclass
class Stats:
    """Per-engine (and per-script) CER over the generated pairs."""

    started: float = field(default_factory=time.time)
    pairs: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, records: Sequence[dict[str, Any]]) -> None:
        for r in records:
            self.pairs[r["engine"]].append((r["truth"], r["ocr"]))
            self.pairs[f"{r['engine']}/{r['script']}"].append((r["truth"], r["ocr"]))
            self.pairs[f"all/{r['script']}"].append((r["truth"], r["ocr"]))
            self.pairs["all"].append((r["truth"], r["ocr"]))

    def summary(self) -> dict[str, Any]:
        elapsed = time.time() - self.started
        rows = {}
        for key in sorted(self.pairs):
            pairs = self.pairs[key]
            rows[key] = {
                "pairs": len(pairs),
                "chars": sum(len(t) for t, _ in pairs),
                "cer": round(cer(pairs), 4),
                "exact_lines": round(sum(t == o for t, o in pairs) / len(pairs), 4) if pairs else 0.0,
            }
        total = len(self.pairs.get("all", ()))
        return {
            "elapsed_s": round(elapsed, 1),
            "pairs": total,
            "pairs_per_minute": round(total / elapsed * 60, 1) if elapsed else 0.0,
            "by": rows,
        }


def options_dict(opts: Options) -> dict[str, Any]:
    return asdict(opts)
