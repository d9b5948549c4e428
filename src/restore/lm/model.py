"""The run-time character language model: kenlm, memory-mapped, loaded on first use.

>>> lm = CharLanguageModel("/nonexistent/model.klm")   # nothing is read yet
>>> lm.score("你好")
Traceback (most recent call last):
...
restore.errors.ResourceError: language model /nonexistent/model.klm: no such file
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from collections.abc import Set as AbstractSet
from functools import partial
from pathlib import Path
from typing import Any

from restore.chars import Translation
from restore.errors import ResourceError
from restore.lm import native
from restore.lm.corpus import normalizing_table
from restore.lm.native import WindowsKernel, load_kernel
from restore.resources import data_path
from restore.tablecache import cached

log = logging.getLogger(__name__)

DEFAULT_MODEL = "char5.klm"
WORDS = "words.txt"
# What KnownWords.starting_with gives for a first character no word has.
_NO_WORDS: Collection[str] = frozenset()


def default_model_path() -> Path:
    """Where the shipped model lives inside the installed package."""
    return data_path(f"lm/{DEFAULT_MODEL}")


class LazyKenlmModel:
    """A kenlm model file opened on first use (lazy mmap, so worker processes share its pages), once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):  # -> kenlm.Model
        """The loaded kenlm model; raises :class:`ResourceError` naming the path when it cannot load."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load(self.path)
        return self._model


class CharLanguageModel(LazyKenlmModel):
    """A character n-gram model backed by kenlm.

    The file is opened on first use with kenlm's lazy mmap load, so worker
    processes share its pages. Text is normalised the way the corpus was
    (full-width digits and Latin to half-width) and passed through ``t2s``,
    a character map applied before scoring (traditional -> simplified).
    """

    def __init__(self, path: str | Path | None = None, *, t2s: dict[str, str] | None = None) -> None:
        super().__init__(Path(path) if path else default_model_path())
        self.t2s = t2s or {}
        # Normalisation and t2s in one translate table (one pass over a text, not two).
        self._table = normalizing_table(self.t2s)
        # Applied through a code-point list (restore.chars.Translation): the same text, in a
        # fraction of the work on a text most of whose characters the table leaves alone.
        self._translate = Translation(self._table)
        # The characters prepare() changes: a list holding none of them is its own tokens (keeps()).
        self._changed = frozenset(chr(code) for code, value in self._table.items() if value not in (code, chr(code)))
        # prepare() of single characters, remembered: candidate lists ask for the same few
        # thousand characters tens of thousands of times (whole values: safe between threads).
        self._chars: dict[str, str] = {}
        # unknown() of tokens, remembered likewise.
        self._unknown: dict[str, bool] = {}
        # The compiled windows kernel (restore.lm.native): [] until asked, then [kernel or None].
        self._kernel: list[WindowsKernel | None] = []

    @property
    def windows_kernel(self) -> WindowsKernel | None:
        """The compiled LM windows of this model (:func:`restore.lm.native.load_kernel`), or None
        when the pure-Python windows are used; decided on first use, once."""
        kernel = self._kernel
        if not kernel:
            model = self.model  # loaded first: it takes the same lock
            with self._lock:
                if not self._kernel:
                    self._kernel = [load_kernel(model, self.path)]
            kernel = self._kernel
        return kernel[0]

    @property
    def name(self) -> str:
        """What evidence records call the model: the file name, or an adapted model's mixture."""
        return str(getattr(self.model, "description", self.path.name))

    @property
    def order(self) -> int:
        """The model's n-gram order."""
        return int(self.model.order)

    def prepare(self, text: str) -> str:
        """Normalise text for scoring, keeping one character per character (offsets stay valid)."""
        if len(text) == 1:
            found = self._chars.get(text)
            if found is None:
                found = self._chars[text] = self._prepare(text)
            return found
        return self._prepare(text)

    def keeps(self, chars: Collection[str]) -> bool:
        """Whether :meth:`prepare` leaves each of ``chars`` (single characters) as it is, so that
        they are their own tokens: a set look-up each, where a translation would fetch every one
        from a table spread over megabytes.

        >>> lm = CharLanguageModel(t2s={"國": "国"})
        >>> lm.keeps(["国", "家"]), lm.keeps(["國", "家"]), lm.keeps(["１"])
        (True, False, False)
        """
        return self._changed.isdisjoint(chars)

    def _prepare(self, text: str) -> str:
        return self._translate(text)

    def unknown(self, token: str) -> bool:
        """Whether ``token`` (one prepared character) is outside the model's vocabulary: kenlm scores
        every such token as ``<unk>``, so all of them score alike after any state (an adapted model's
        only when no component knows it)."""
        return bool(self.unknown_positions([token]))

    def unknown_positions(self, tokens: list[str]) -> list[int]:
        """The indices of the ``tokens`` (prepared characters) :meth:`unknown` holds for. A fifth of
        the char stage's candidates are such rare characters; the tokens not asked about before are
        looked up in one kenlm call."""
        known = self._unknown
        missing = [token for token in tokens if token not in known]
        if missing:
            distinct = list(dict.fromkeys(missing))
            scores = list(self.model.full_scores(" ".join(distinct), bos=False, eos=False))
            if len(scores) != len(distinct):  # a token kenlm splits (a space of its own): one by one
                scores = [next(iter(self.model.full_scores(t, bos=False, eos=False)), (0.0, 0, False)) for t in distinct]
            for token, (_prob, _length, oov) in zip(distinct, scores):
                # Only a token kenlm reads as one word is one of the unknown.
                known[token] = bool(oov) and len(token.split()) == 1
        return [position for position, token in enumerate(tokens) if known[token]]

    def score(self, text: str, *, bos: bool = True, eos: bool = True) -> float:
        """log10 probability of ``text`` as one sentence of characters (spaces ignored)."""
        chars = [ch for ch in self.prepare(text) if not ch.isspace()]
        return float(self.model.score(" ".join(chars), bos=bos, eos=eos))

    def char_logprobs(self, chars: str, *, bos: bool = True, eos: bool = True) -> list[float]:
        """Per-token log10 probabilities of a space-free string (one per char, plus </s> when ``eos``)."""
        prepared = self.prepare(chars)
        return [prob for prob, _length, _oov in self.model.full_scores(" ".join(prepared), bos=bos, eos=eos)]

    def perplexity(self, sentences: list[str]) -> float:
        """Per-token perplexity (``</s>`` counted as a token, as kenlm does) over sentences."""
        total = 0.0
        count = 0
        for sentence in sentences:
            chars = [ch for ch in self.prepare(sentence) if not ch.isspace()]
            if not chars:
                continue
            total += self.model.score(" ".join(chars))
            count += len(chars) + 1
        if not count:
            raise ValueError("no tokens to compute a perplexity over")
        return float(10 ** (-total / count))


def _load(path: Path):
    """A kenlm model, or the mixture a manifest of ``restore lm build --mix-with-default`` names."""
    from restore.lm.mixture import is_manifest, load_mixture

    if path.is_file() and is_manifest(path):
        return load_mixture(path, default_model_path(), _load_kenlm)
    return _load_kenlm(path)


def _load_kenlm(path: Path):
    if not path.is_file():
        raise ResourceError(f"language model {path}: no such file")
    try:
        import kenlm
    except ImportError as exc:
        raise ResourceError(f"language model {path}: the kenlm package is not installed ({exc})") from exc
    config = kenlm.Config()
    config.load_method = kenlm.LoadMethod.LAZY
    try:
        model = kenlm.Model(str(path), config)
    except (OSError, RuntimeError, ValueError) as exc:
        raise ResourceError(f"language model {path}: cannot load (corrupt or not a kenlm model): {exc}") from exc
    log.debug("loaded %s (order %d)", path, model.order)
    return model


def load_words(path: str | Path | None = None) -> frozenset[str]:
    """The known-word list shipped beside the model (``data/lm/words.txt``), one word a line."""
    path = Path(path) if path else default_model_path().with_name(WORDS)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"word list {path}: cannot read: {exc}") from exc
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


class KnownWords(AbstractSet[str]):
    """A word list as a read-only set whose words are hashed per first character, on first lookup.

    A page asks about the words of a few hundred first characters; building the set of all
    173,000 shipped words costs more than the rest of a cold start's loading.

    >>> words = KnownWords({"一": "一一\\n一二", "天": "天天"})
    >>> "天天" in words, "一二" in words, "天下" in words, "" in words, len(words)
    (True, True, False, False, 3)
    """

    def __init__(self, by_first: dict[str, str]) -> None:
        # {first character: its words joined by line breaks}
        self._by_first = by_first
        # Each group as a dict of words to None, not a frozenset: a dict of strings is invisible to
        # the cyclic garbage collector, a set is not, and a page's few hundred groups (tens of
        # thousands of words) would be walked by every full collection in the process.
        self._sets: dict[str, dict[str, None]] = {}
        self._len = sum(chunk.count("\n") + 1 for chunk in by_first.values())
        # The compiled word table (restore._windows.Words): [] until asked, then [table or None].
        self._table: list[Any] = []

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        return word in self.starting_with(word[0])

    def starting_with(self, first: str) -> Collection[str]:
        """The words whose first character is ``first`` (for many lookups sharing it), as a
        collection to test membership in.

        >>> sorted(KnownWords({"天": "天天\\n天下"}).starting_with("天")), "天下" in KnownWords({}).starting_with("天")
        (['天下', '天天'], False)
        """
        found = self._sets.get(first)
        if found is None:
            chunk = self._by_first.get(first)
            if chunk is None:
                return _NO_WORDS
            # A whole group is published at once: threads racing here build equal groups.
            found = self._sets[first] = dict.fromkeys(chunk.split("\n"))
        return found

    def covers(self, tokens: Sequence[str], index: int, token: str) -> bool:
        """:func:`covers_word` over these words: whether one of 2-4 characters covers ``tokens[index]``
        when it holds ``token``.

        With the compiled module (:func:`restore.lm.native.extension`, unless ``RESTORE_NATIVE=0``)
        the test runs against a table of all the words built on first use (~7 ms, ~4 MB); without
        it, in Python over the groups of :meth:`starting_with`. The answers are the same.

        >>> KnownWords({"汇": "汇区"}).covers(list("徐江区"), 1, "汇"), KnownWords({"汇": "汇区"}).covers(list("徐江区"), 1, "江")
        (True, False)
        """
        table = self._compiled()
        if table is None:
            return covers_word(self, tokens, index, token)
        return bool(table.covers(tokens, index, token))

    def test(self) -> Callable[[Sequence[str], int, str], bool]:
        """:meth:`covers` as one callable, for a caller that asks many times: the compiled table's
        own test when there is one (it answers a bool), else :func:`covers_word` over these words.

        >>> KnownWords({"汇": "汇区"}).test()(list("徐江区"), 1, "汇")
        True
        """
        table = self._compiled()
        return partial(covers_word, self) if table is None else table.covers

    def _compiled(self) -> Any:
        """The compiled word table (built on first use), or None without the compiled module."""
        if not self._table:
            module = native.extension() if native.enabled() else None
            # Racing threads build equal tables; the list is published whole.
            self._table = [None if module is None else module.Words("\n".join(self._by_first.values()))]
        return self._table[0]

    def __iter__(self) -> Iterator[str]:
        for chunk in self._by_first.values():
            yield from chunk.split("\n")

    def __len__(self) -> int:
        return self._len


def covers_word(words: AbstractSet[str], tokens: Sequence[str], index: int, token: str) -> bool:
    """Whether a word of ``words`` with 2-4 characters covers ``index`` of ``tokens`` (single
    characters, the LM's view) when that position holds ``token``.

    >>> covers_word({"汇区"}, list("徐江区"), 1, "汇"), covers_word({"汇区"}, list("徐江区"), 1, "江")
    (True, False)
    """
    # Strings, not lists: the left and right neighbours once, each piece one slice of each.
    left = "".join(tokens[max(0, index - 3) : index])
    right = "".join(tokens[index + 1 : index + 4])
    # Known words are hashed per first character: the pieces that share one ask for its set once.
    by_first = words.starting_with if isinstance(words, KnownWords) else None
    for before in range(min(3, len(left)), -1, -1):
        # ``before`` characters of the word lie left of ``index``, ``after`` right of it (2-4 in all).
        head = left[len(left) - before :] + token
        group = by_first(head[0]) if by_first is not None else words
        for after in range(max(0, 1 - before), min(3 - before, len(right)) + 1):
            if head + right[:after] in group:
                return True
    return False


def load_known_words(path: str | Path | None = None) -> KnownWords:
    """The words of :func:`load_words` as a :class:`KnownWords` (grouped once per machine, then
    loaded from :mod:`restore.tablecache`)."""
    path = Path(path) if path else default_model_path().with_name(WORDS)

    def group() -> dict[str, str]:
        by_first: dict[str, list[str]] = {}
        for word in sorted(load_words(path)):
            by_first.setdefault(word[0], []).append(word)
        return {first: "\n".join(words) for first, words in by_first.items()}

    return KnownWords(cached("known-words", [path], group, version=1))


def load_name_chars(path: str | Path | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """(surname characters, given-name characters) from ``data/lm/names.txt``."""
    path = Path(path) if path else default_model_path().with_name("names.txt")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceError(f"name list {path}: cannot read: {exc}") from exc
    sections = dict(line.split("\t", 1) for line in lines if line and not line.startswith("#") and "\t" in line)
    if set(sections) != {"surname", "given"}:
        raise ResourceError(f"name list {path}: expected 'surname' and 'given' lines")
    return frozenset(sections["surname"]), frozenset(sections["given"])
