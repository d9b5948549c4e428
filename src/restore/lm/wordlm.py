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
from dataclasses import dataclass
from pathlib import Path

from restore.lm.corpus import normalize_chars
from restore.lm.model import LazyKenlmModel

DEFAULT_WORD_MODEL = "zh_CN.lm"
# The longest word tried at a position, in characters (longer words are rare: 7+ character
# entries are mostly transliterated names and set phrases, which split into known parts).
MAX_WORD = 6
# Paths kept per lattice position (recombined by last word); 4 loses no best path on our
# own test sentences while keeping the search linear in the window.
BEAM = 4


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

    def _pieces(self, text: str) -> list[str]:
        """Characters, with each run of ASCII letters/digits kept as one piece."""
        pieces: list[str] = []
        for ch in text:
            if ch.isascii() and ch.isalnum() and pieces and pieces[-1][-1].isascii() and pieces[-1][-1].isalnum():
                pieces[-1] += ch
            else:
                pieces.append(ch)
        return pieces

    def segment(self, text: str, *, bos: bool = False, eos: bool = False) -> Segmentation:
        """The best segmentation of ``text`` (spaces dropped) and its log10 probability.

        ``bos`` / ``eos``: the text starts / ends a sentence (score ``<s>`` / ``</s>``); a window cut
        from inside a sentence uses neither.

        Shapes: ``text`` of n characters costs about ``n * max_word * beam`` kenlm look-ups.
        An empty text has log10 probability 0 (or that of ``</s>`` after ``<s>``).
        """
        import kenlm

        model = self.model
        written = "".join(ch for ch in text if not ch.isspace())
        prepared = normalize_chars(written)
        if self._table:
            prepared = prepared.translate(self._table)
        pieces = self._pieces(prepared)
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
    lm.model  # noqa: B018 - load now: a missing model is an error, never a silent no-op
    return lm
