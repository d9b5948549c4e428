"""A word-level second opinion: a kenlm word n-gram scored over the best segmentation of a string.

The char stage asks "is this window likelier with the candidate than with what was read?" of a
character model; a word model answers the same question with word knowledge (区块链 is a word,
区快链 is three unrelated characters). Characters carry no word boundaries, so a string is scored
by the best path through its segmentations (Viterbi over word lattice positions): every piece of
2 to ``max_word`` characters the model knows is a possible word, every single character is
always possible (unknown ones score as ``<unk>``), and a run of ASCII letters or digits is one
token.

The default model is fcitx5's ``zh_CN.lm`` (Debian ``libime-data-language-model`` 1.0.16, a kenlm
binary word trigram of 2022, about 165k words, LGPL-2.1-or-later; shipped in
``restore/data/lm/`` with its licence text, ``zh_CN.lm.LICENSE``). The segmentation recombines
paths by their last word only (exact for a bigram model, a close approximation for a trigram)
and keeps ``beam`` paths per position.

>>> lm = WordLanguageModel("/nonexistent/words.lm")     # nothing is read yet
>>> lm.score("区块链")
Traceback (most recent call last):
...
restore.errors.ResourceError: language model /nonexistent/words.lm: no such file
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from restore.lm.corpus import normalize_chars
from restore.lm.model import LazyKenlmModel
from restore.lm.native import WordLatticeKernel, load_lattice

DEFAULT_WORD_MODEL = "zh_CN.lm"
# The longest word tried at a position, in characters (longer words are rare: 7+ character
# entries are mostly transliterated names and set phrases, which split into known parts).
MAX_WORD = 6
# Paths kept per lattice position (recombined by last word); 4 loses no best path on our
# own test sentences while keeping the search linear in the window.
BEAM = 4
# Window scores remembered per model (the char stage scores the same window with what was read once
# per candidate, and the second look scores windows the first round already scored); the memo is
# emptied when it reaches this many entries, which bounds it to about 2 MB.
WINDOW_MEMO_SIZE = 8192


def default_word_model_path() -> Path:
    """Where the shipped word model lives inside the installed package."""
    return Path(str(importlib.resources.files("restore") / "data" / "lm" / DEFAULT_WORD_MODEL))


@dataclass(frozen=True)
class Segmentation:
    """The best path: its log10 probability and its words (``"".join(words)`` is the input)."""

    logprob: float
    words: tuple[str, ...]


class WordLanguageModel(LazyKenlmModel):
    """A kenlm word n-gram model that scores unsegmented Chinese text.

    ``t2s`` maps characters before scoring (traditional -> simplified, as the char model does;
    one character to one, so segment offsets stay those of the input). The file is opened on
    first use with kenlm's lazy mmap load.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        t2s: dict[str, str] | None = None,
        max_word: int = MAX_WORD,
        beam: int = BEAM,
    ) -> None:
        if max_word < 1 or beam < 1:
            raise ValueError("max_word and beam must be at least 1")
        super().__init__(Path(path) if path else default_word_model_path())
        self._table = str.maketrans(t2s) if t2s else None
        self.max_word = max_word
        self.beam = beam
        self._lattice: WordLatticeKernel | None = None
        self._lattice_checked = False
        # pieces() of single tokens, remembered (whole values: safe between threads).
        self._token_pieces: dict[str, tuple[str, ...]] = {}
        # window_scores() results by (pieces joined by a space, bos, eos): pieces never hold spaces.
        self._window_memo: dict[tuple[str, bool, bool], float] = {}

    def lattice(self) -> WordLatticeKernel | None:
        """The compiled search (``native/lattice.cc``: the same paths and floats as the Python
        loop of :meth:`segment`), or None when the Python loop runs (see
        :func:`restore.lm.native.load_lattice`; a model mixture is always searched in Python)."""
        if not self._lattice_checked:
            with self._lock:
                if not self._lattice_checked:
                    from restore.lm.mixture import is_manifest

                    if not (self.path.is_file() and is_manifest(self.path)):
                        self._lattice = load_lattice(self.path)
                    self._lattice_checked = True
        return self._lattice

    def pieces(self, text: str) -> list[str]:
        """What the search reads of ``text``: its characters normalised and mapped (``t2s``), one
        piece per character but for each run of ASCII letters/digits (spaces dropped)."""
        prepared = normalize_chars("".join(ch for ch in text if not ch.isspace()))
        if self._table:
            prepared = prepared.translate(self._table)
        return self.join_pieces(*([ch] for ch in prepared))

    def token_pieces(self, token: str) -> tuple[str, ...]:
        """:meth:`pieces` of ``token`` (a character as the char LM reads it), remembered."""
        found = self._token_pieces.get(token)
        if found is None:
            found = self._token_pieces[token] = tuple(self.pieces(token))
        return found

    @staticmethod
    def join_pieces(*parts: Sequence[str]) -> list[str]:
        """The :meth:`pieces` of texts joined, from the pieces of each: an ASCII letter/digit run
        that meets another at a seam becomes one piece, as :meth:`pieces` of the joined text has it.

        >>> WordLanguageModel.join_pieces(["在", "5"], ["G"], ["网"])
        ['在', '5G', '网']
        """
        joined: list[str] = []
        for part in parts:
            if not part:
                continue
            last, first = joined[-1][-1] if joined else "", part[0][0]
            if last.isascii() and last.isalnum() and first.isascii() and first.isalnum():
                joined[-1] += part[0]
                joined.extend(part[1:])
            else:
                joined.extend(part)
        return joined

    def window_scores(self, tokens: Sequence[str], index: int, width: int, replacements: Sequence[str]) -> list[float]:
        """:meth:`score_pieces` of the window of ``width`` tokens either side of ``index`` (``<s>`` /
        ``</s>`` where it reaches the ends of ``tokens``, a sentence as the char LM reads it), with
        each of ``replacements`` at ``index``: the window's other tokens are prepared once.

        >>> lm = WordLanguageModel()
        >>> tokens = list("区块连技术")
        >>> lm.window_scores(tokens, 2, 4, ["连", "链"]) == [lm.score_pieces(lm.pieces(t), bos=True, eos=True) for t in ("区块连技术", "区块链技术")]
        True
        """
        start, end = max(0, index - width), min(len(tokens), index + width + 1)
        cached = self._token_pieces.get
        parts = [cached(token) or self.token_pieces(token) for token in tokens[start:end]]
        at = index - start
        join = self.join_pieces
        left, right = join(*parts[:at]), join(*parts[at + 1 :])
        bos, eos = start == 0, end == len(tokens)
        memo = self._window_memo
        scores = []
        for token in replacements:
            middle = cached(token) or self.token_pieces(token)
            # One piece that is not ASCII cannot merge with a neighbour: plain concatenation.
            pieces = left + list(middle) + right if len(middle) == 1 and not middle[0].isascii() else join(left, middle, right)
            key = (" ".join(pieces), bos, eos)
            found = memo.get(key)
            if found is None:
                found = self.score_pieces(pieces, bos=bos, eos=eos)
                if len(memo) >= WINDOW_MEMO_SIZE:
                    memo.clear()
                memo[key] = found
            scores.append(found)
        return scores

    def score_pieces(self, pieces: Sequence[str], *, bos: bool = False, eos: bool = False) -> float:
        """:meth:`score` of the text whose :meth:`pieces` are ``pieces``: callers that score many
        windows differing in one piece prepare the rest once (the char stage's candidates).

        >>> lm = WordLanguageModel()
        >>> lm.score_pieces(lm.pieces("区块链技术")) == lm.score("区块链技术")
        True
        """
        lattice = self.lattice()
        if lattice is not None:
            return lattice.score(pieces, self.max_word, self.beam, bos, eos)
        return self._search(list(pieces), "".join(pieces), bos=bos, eos=eos).logprob

    def segment(self, text: str, *, bos: bool = False, eos: bool = False) -> Segmentation:
        """The best segmentation of ``text`` (spaces dropped) and its log10 probability.

        ``bos`` / ``eos``: the text starts / ends a sentence (score ``<s>`` / ``</s>``); a window cut
        from inside a sentence uses neither.

        Shapes: ``text`` of n characters costs about ``n * max_word * beam`` kenlm look-ups.
        An empty text has log10 probability 0 (or that of ``</s>`` after ``<s>``).
        """
        written = "".join(ch for ch in text if not ch.isspace())
        pieces = self.pieces(written)
        lattice = self.lattice()
        if lattice is not None:
            logprob, counts = lattice.segment(pieces, self.max_word, self.beam, bos, eos)
            lengths, at = [], 0
            for count in counts:  # pieces per word -> characters per word
                lengths.append(sum(map(len, pieces[at : at + count])))
                at += count
            return self._segmentation(logprob, written, lengths)
        return self._search(pieces, written, bos=bos, eos=eos)

    def _search(self, pieces: list[str], written: str, *, bos: bool, eos: bool) -> Segmentation:
        """:meth:`segment`'s search in Python (the definition the compiled one follows)."""
        import kenlm

        model = self.model
        start = kenlm.State()
        (model.BeginSentenceWrite if bos else model.NullContextWrite)(start)
        # lattice[i]: {last word: (logprob, state, word lengths)} for paths covering pieces[:i].
        lattice: list[dict[str, tuple[float, object, tuple[int, ...]]]] = [dict() for _ in range(len(pieces) + 1)]
        lattice[0][""] = (0.0, start, ())
        score = model.BaseScore
        for i in range(len(pieces)):
            paths = sorted(lattice[i].values(), key=lambda p: -p[0])[: self.beam]
            for length in range(1, min(self.max_word, len(pieces) - i) + 1):
                word = "".join(pieces[i : i + length])
                if length > 1 and word not in model:
                    continue
                cell = lattice[i + length]
                for logprob, state, lengths in paths:
                    out = kenlm.State()
                    total = logprob + score(state, word, out)
                    if word not in cell or total > cell[word][0]:
                        cell[word] = (total, out, (*lengths, len(word)))
        logprob, state, lengths = max(lattice[len(pieces)].values(), key=lambda p: p[0])
        if eos:
            logprob += score(state, "</s>", kenlm.State())
        return self._segmentation(logprob, written, lengths)

    @staticmethod
    def _segmentation(logprob: float, written: str, lengths: Sequence[int]) -> Segmentation:
        words, offset = [], 0
        for length in lengths:  # the input's own characters (prepared text has the same length)
            words.append(written[offset : offset + length])
            offset += length
        return Segmentation(float(logprob), tuple(words))

    def score(self, text: str, *, bos: bool = False, eos: bool = False) -> float:
        """log10 probability of ``text``'s best segmentation (see :meth:`segment`)."""
        return self.segment(text, bos=bos, eos=eos).logprob


def load_word_model(path: str | Path | None = None, *, t2s: dict[str, str] | None = None) -> WordLanguageModel:
    """Open the word model now (a missing or corrupt file raises :class:`ResourceError`)."""
    lm = WordLanguageModel(path, t2s=t2s)
    # Load now: a missing model is an error, never a silent no-op. The compiled search maps the
    # file itself; kenlm's Python module then never reads it (its pages would count twice in RSS).
    if lm.lattice() is None:
        lm.model  # noqa: B018
    return lm
