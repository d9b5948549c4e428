"""A pure-Python ARPA reader: the slow reference the kenlm-backed model is tested against.

It reads the whole ARPA file into dictionaries, so it is for tiny models (tests,
debugging), not for the shipped one.

Scores are log10 probabilities with the usual back-off rule::

    p(w | h) = prob(h w)                      if "h w" is listed
             = backoff(h) * p(w | h[1:])      otherwise (backoff(h) = 1 when h is not listed)
"""

from __future__ import annotations

from pathlib import Path

from restore.errors import ResourceError

BOS, EOS, UNK = "<s>", "</s>", "<unk>"


class ArpaModel:
    """An n-gram model read from an ARPA file (log10 probabilities and back-offs)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.prob: dict[tuple[str, ...], float] = {}
        self.backoff: dict[tuple[str, ...], float] = {}
        self.order = 0
        self._read()

    def _read(self) -> None:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ResourceError(f"{self.path}: cannot read ARPA model: {exc}") from exc
        section = 0
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line in ("\\data\\", "\\end\\") or line.startswith("ngram "):
                continue
            if line.startswith("\\") and line.endswith("-grams:"):
                section = int(line[1:].split("-")[0])
                self.order = max(self.order, section)
                continue
            if section == 0:
                raise ResourceError(f"{self.path}:{number}: unexpected line before the first n-gram section")
            fields = line.split("\t")
            if len(fields) not in (2, 3):
                raise ResourceError(f"{self.path}:{number}: bad ARPA line {line!r}")
            words = tuple(fields[1].split(" "))
            if len(words) != section:
                raise ResourceError(f"{self.path}:{number}: expected {section} words, got {len(words)}")
            self.prob[words] = float(fields[0])
            if len(fields) == 3:
                self.backoff[words] = float(fields[2])
        if (UNK,) not in self.prob:
            raise ResourceError(f"{self.path}: ARPA model has no {UNK} unigram")

    def logprob(self, context: tuple[str, ...], word: str) -> float:
        """log10 p(word | context); ``context`` is oldest first and may be longer than the order allows."""
        if (word,) not in self.prob:
            word = UNK
        context = context[max(0, len(context) - self.order + 1) :]
        penalty = 0.0
        while True:
            ngram = (*context, word)
            if ngram in self.prob:
                return penalty + self.prob[ngram]
            penalty += self.backoff.get(context, 0.0)
            context = context[1:]

    def score(self, sentence: str, *, bos: bool = True, eos: bool = True) -> float:
        """Total log10 probability of a space-separated sentence, like ``kenlm.Model.score``."""
        words = sentence.split()
        context: tuple[str, ...] = (BOS,) if bos else ()
        total = 0.0
        for word in [*words, EOS] if eos else words:
            total += self.logprob(context, word)
            context = (*context, word)
        return total
