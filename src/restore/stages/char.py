"""The char stage: find characters the language model finds improbable and propose look-alikes.

For each sentence the kenlm model scores every character once (``full_scores``). Only Han
characters whose in-context log10 probability falls below ``detect_logprob`` (and marks) are examined, so
the cost grows with the number of suspicious characters, not with the text. Candidates come
from OCR-mined confusion pairs (what engines printed for what was meant) and from rendered-glyph
neighbours. Each candidate is scored by the noisy-channel features

- ``gain``: log10 probability of the window the change touches (the character and the
  ``order - 1`` after it), after minus before;
- ``similarity``: rendered-glyph similarity of the pair raised to ``GLYPH_SHARPNESS`` (0 when not
  neighbours): only near-identical glyphs are likely confusions, so the feature is sharpened;
- ``mined``: log10(1 + count) of the pair in the mined tables (count capped at
  ``mined_count_cap``, so a bigger table does not push confidences past what was fitted);
- ``logprob``: the original character's log10 probability in context;
- ``word_before`` / ``word_after``: whether a known word (``data/lm/words.txt``) of 2-4
  characters covers the position before / after the change;
- ``name``: the character follows a common surname and is a given-name character
  (``data/lm/names.txt``): rare name characters are what a news LM likes least;
- ``punct``: the change is mark for mark. Every mark inside a sentence (not next to Latin or
  digits) is examined against its look-alikes (``PUNCT_LOOKALIKES`` and mined pairs), so the LM
  chooses ``，`` / ``、`` / ``：`` in context rather than a fixed rule; a symbol ending a line
  (``会议*``) is weighed against a full stop, and a Han character against a mark engines print it
  for (``5一6级``: the dash);
- ``insert``: the change puts back a dropped ``、`` or ``，`` between two characters where the
  junction is improbable (its own weight: the LM likes short clauses, so it must earn it);
- ``width``: the candidate is the same mark in the other width (``,`` -> ``，``): the likeliest
  reading unless the LM clearly prefers another mark;
- ``context``: the candidate was proposed by the context, not by a table (issue 12): at an
  examined Han character of simplified text, the characters People's Daily TRAIN has between its
  two neighbours (``data/context_gaps.tsv``) and those completing a two-character word with
  either neighbour, kept when their rendered glyph resembles the printed one
  (:mod:`restore.glyphs.context`; its ``similarity`` is the glyph-embedding cosine);
- ``delete``: the change deletes a doubled Han character (看了了) where the LM prefers one copy;
  a pair that is a known word (天天, 看看) is never examined;
- ``phonetic``: the pair shares a toneless pinyin reading (``data/phonetic_neighbours.tsv``),
  only with ``CharConfig.phonetic`` on: typed text (在/再, 已/以), not OCR, where sound-alike
  candidates add little but false edits. The ``phonetic_candidates`` most frequent characters
  of each reading are tried;

and its confidence is a logistic function of them whose weights are fitted by
``scripts/fit_char_calibration.py``. Latin, digits, punctuation and spaces are never changed;
the resolver drops proposals inside protected spans (lexicon hits).
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass, replace

from restore.config import CharConfig, Config
from restore.evidence import ConfusionPair, Evidence, LanguageModelScore
from restore.stages.base import Document, Proposal, StageOutput

log = logging.getLogger(__name__)

SOURCE = "lm:char5"
GLYPH_TABLE_ID = "glyph:noto-cjk"
EMBEDDING_ID = "glyph:embedding"
PHONETIC_TABLE_ID = "phonetic:pypinyin"
_NO_SOUNDS: frozenset[str] = frozenset()
# Exponent applied to glyph similarity before calibration (0.96 -> 0.72, 0.6 -> 0.02).
GLYPH_SHARPNESS = 8
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Sentence boundaries of the LM (as in training): after these marks and at line breaks.
_SENTENCE_END = frozenset("。！？；!?\n")
# Marks the LM may choose between inside a sentence (sentence-final marks end the scored unit,
# so the LM cannot weigh them against a comma: they are never proposed or replaced).
PUNCT_TARGETS = frozenset("，、：“”‘’（）《》—…")
# Marks an engine drops (small, faint) that the LM may put back between two characters.
INSERT_MARKS = ("、", "，")
# A dropped mark may follow a Han character or one of these closers (（女）、王).
_CLOSERS = frozenset("）”』」")
_SEPARATORS = frozenset("。，、；：！？")
_SEPARATOR_LOOKALIKES = frozenset(",:·丶`")
# Sentence-final marks a symbol ending a line may stand for (mined: * = < read for 。).
_FINAL_TARGETS = frozenset("。！？")
_QUOTES = frozenset("\"'“”‘’")
# Marks a Han character may stand for (mined: 一 read for the dash —).
_HAN_MARKS = frozenset("—")
# Marks never replaced: decimal points and sentence ends whose full-width form ends a scored unit.
_NEVER_MARKS = frozenset(".;．")
# Look-alike marks OCR engines print for those (by shape); mined tables add more. Swaps between
# two real marks (，/、) are left to mined evidence: house styles differ and the LM knows one.
PUNCT_LOOKALIKES = {
    "·": "、，",
    "丶": "、",
    "`": "、",
    "〈": "（",
    "〉": "）",
    "【": "（",
    "】": "）",
    "-": "—",
    "－": "—",
    "~": "—",
    ",": "，",
    ":": "：",
    "(": "（",
    ")": "）",
}


def _widening_pairs(chars: list[str], index: int) -> bool:
    """Whether a half-width parenthesis at ``index`` may be widened on its own.

    Not when its partner is half-width too: ``(好)`` is the punct stage's to convert as a
    pair, and widening one half alone gives ``(好）``. A lone ``)`` after ``（`` or a
    look-alike (``〈女)``) is what this stage fixes.
    """
    mark = chars[index]
    if mark == ")":
        partner = next((c for c in reversed(chars[:index]) if c in "()（）"), "")
        return partner != "("
    if mark == "(":
        partner = next((c for c in chars[index + 1 :] if c in "()（）"), "")
        return partner != ")"
    return True


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (the only characters this stage changes)."""
    return bool(_HAN.match(ch))


def is_mark(ch: str) -> bool:
    """True for a punctuation mark or symbol, including ideographs that only look like one (丶)."""
    return ch in PUNCT_LOOKALIKES or not (is_han(ch) or ch.isalnum() or ch.isspace())


@dataclass(frozen=True)
class Candidate:
    """One scored replacement of the character at token index ``index``."""

    index: int
    after: str
    gain: float
    logprob_before: float
    logprob_after: float
    similarity: float
    mined: int
    char_logprob: float
    word_before: bool
    word_after: bool
    name: bool
    punct: bool
    width: bool
    confidence: float
    # True: ``after`` is inserted before token ``index`` (a mark the engine dropped).
    insert: bool = False
    # True: ``after`` shares a reading with the character it replaces (the phonetic channel).
    phonetic: bool = False
    # Which context source proposed ``after`` (restore.glyphs.context GAPS_ID / WORDS_ID), "" for a table.
    context: str = ""
    # True: token ``index`` is a doubled copy of the one before it and is deleted (``after`` is "").
    delete: bool = False


class CharStage:
    """Noisy-channel correction of single characters with a char n-gram LM."""

    name = "char"

    def __init__(self, config: Config) -> None:
        self.config: CharConfig = config.char
        self._lm = None
        self._glyphs = None
        self._confusions = None
        self._scripts: tuple[frozenset[str], frozenset[str]] | None = None
        self._words: frozenset[str] = frozenset()
        self._surnames: frozenset[str] = frozenset()
        self._given: frozenset[str] = frozenset()
        self._candidates: dict[tuple[str, str, bool], list[tuple[str, str, float, int]]] = {}
        self._phonetic = None
        self._context_candidates = None
        # (seen char, script) -> its sound-alike candidates (filled with _candidates).
        self._sounds: dict[tuple[str, str], frozenset[str]] = {}

    # -- resources (loaded on first propose) --------------------------------------------------
    def _load(self) -> None:
        from restore.glyphs.tables import GlyphNeighbours, load_confusions
        from restore.lm.model import CharLanguageModel, load_name_chars, load_words
        from restore.lm.t2s import load_script_sets, load_t2s

        lm = CharLanguageModel(self.config.model or None, t2s=load_t2s())
        lm.model  # noqa: B018 - load now: a missing model is an error, never a silent no-op
        self._lm = lm
        self._glyphs = GlyphNeighbours()
        tables = list(self.config.confusion_tables) or None
        self._confusions = load_confusions(tables)
        self._scripts = load_script_sets()
        self._words = load_words()
        self._surnames, self._given = load_name_chars()
        if self.config.phonetic:
            from restore.glyphs.tables import PhoneticNeighbours

            self._phonetic = PhoneticNeighbours()
        if self.config.context_candidates:
            from restore.glyphs.context import ContextCandidates

            self._context_candidates = ContextCandidates(words=self._words)

    @property
    def lm(self):
        """The language model (loaded on first use)."""
        if self._lm is None:
            self._load()
        return self._lm

    def candidates_for(self, char: str, script: str, line_end: bool = False) -> list[tuple[str, str, float, int]]:
        """``(candidate, lm token, glyph similarity, mined count)`` for a seen character (cached).

        ``line_end``: the character ends its line, where a symbol may be a misread ``。``.
        """
        key = (char, script, line_end)
        cached = self._candidates.get(key)
        if cached is not None:
            return cached
        if self._lm is None:
            self._load()
        if is_mark(char):
            result = self._punct_candidates(char, line_end)
            self._candidates[key] = result
            return result
        cfg = self.config
        simplified_only, traditional_only = self._scripts
        wrong_script = traditional_only if script == "simplified" else simplified_only if script else frozenset()
        found: dict[str, list] = {}
        for meant, count in self._confusions.meant_for(char).items():
            # A Han character may be a misread mark too (一 for the dash —): the LM weighs it.
            if len(meant) == 1 and (is_han(meant) or meant in _HAN_MARKS) and meant not in wrong_script:
                found[meant] = [0.0, count]
        for neighbour, sim in self._glyphs.get(char, ())[: cfg.glyph_candidates]:
            if sim < cfg.min_glyph_similarity:
                break
            if neighbour in wrong_script:
                continue
            found.setdefault(neighbour, [0.0, 0])[0] = sim
        if self._phonetic is not None:
            sounds = self._phonetic.neighbours(char, cfg.phonetic_candidates, wrong_script)
            for sound in sounds:
                found.setdefault(sound, [0.0, 0])
            self._sounds[(char, script)] = frozenset(sounds)
        prepare = self._lm.prepare
        result = [(c, prepare(c), sim, count) for c, (sim, count) in found.items() if prepare(c) != prepare(char)]
        self._candidates[key] = result
        return result

    def _punct_candidates(self, char: str, line_end: bool = False) -> list[tuple[str, str, float, int]]:
        """Marks an OCR engine may have misread as ``char`` (which is a mark or symbol)."""
        if char in _SENTENCE_END or char in _NEVER_MARKS or not is_mark(char):
            return []
        found = {mark: 0 for mark in PUNCT_LOOKALIKES.get(char, "")}
        if line_end and char not in _SEPARATORS and char not in _SEPARATOR_LOOKALIKES:
            # A symbol ending a line (会议*) is mostly a misread full stop; the LM weighs "。</s>".
            # Separators stay: a line may end inside a sentence (，) and the LM always prefers 。.
            for meant, count in self._confusions.meant_for(char).items():
                if meant in _FINAL_TARGETS:
                    found[meant] = count
        if not char.isascii():
            # ASCII marks only get their full-width form: mined pairs for them (，vs：after 说)
            # reflect another domain's habits and the LM's house style, not the page.
            for meant, count in self._confusions.meant_for(char).items():
                if meant in PUNCT_TARGETS:
                    found[meant] = count
        prepare = self._lm.prepare
        return [(c, prepare(c), 0.0, count) for c, count in found.items() if c != char]

    # -- scoring --------------------------------------------------------------------------------
    def _context(self, tokens: list[str], index: int):
        """The kenlm state after the ``order - 1`` tokens before ``index`` (or <s>)."""
        import kenlm

        model = self.lm.model
        state, scratch = kenlm.State(), kenlm.State()
        start = index - model.order + 1
        if start <= 0:
            model.BeginSentenceWrite(state)
            start = 0
        else:
            model.NullContextWrite(state)
        for token in tokens[start:index]:
            model.BaseScore(state, token, scratch)
            state, scratch = scratch, state
        return state

    def _windows(self, context, tokens: list[str], index: int, replacements: list[str]) -> list[float]:
        """log10 probability of tokens[index : index + order] (and </s> if reached), once per replacement.

        Tokens further right have contexts that no longer reach ``index``: their scores cannot change.
        The tail is the same for every replacement, so it is sliced once (this is the hot loop).
        """
        import kenlm

        model = self.lm.model
        score = model.BaseScore
        end = index + model.order
        tail = tokens[index + 1 : end]
        if end > len(tokens):
            tail = [*tail, "</s>"]
        state, scratch = kenlm.State(), kenlm.State()
        totals = []
        for replacement in replacements:
            total = score(context, replacement, state)
            for token in tail:
                total += score(state, token, scratch)
                state, scratch = scratch, state
            totals.append(total)
        return totals

    def in_word(self, tokens: list[str], index: int, token: str) -> bool:
        """Whether a known word of 2-4 characters covers ``index`` when it holds ``token``."""
        words = self._words
        n = len(tokens)
        for length in (2, 3, 4):
            for start in range(max(0, index - length + 1), min(index, n - length) + 1):
                piece = tokens[start:index] + [token] + tokens[index + 1 : start + length]
                if "".join(piece) in words:
                    return True
        return False

    def name_like(self, tokens: list[str], index: int) -> bool:
        """Whether ``tokens[index]`` reads as part of a given name (after a surname)."""
        if tokens[index] not in self._given or index == 0:
            return False
        if tokens[index - 1] in self._surnames:
            return True
        return index >= 2 and tokens[index - 2] in self._surnames and tokens[index - 1] in self._given

    def _confidence(
        self,
        gain: float,
        similarity: float,
        mined: int,
        char_logprob: float,
        before: bool,
        after: bool,
        name: bool,
        punct: bool,
        width: bool,
        insert: bool = False,
        phonetic: bool = False,
        context: bool = False,
        delete: bool = False,
    ) -> float:
        cfg = self.config
        z = (
            cfg.calib_bias
            + cfg.prior_logodds
            + cfg.calib_name * name
            + cfg.calib_punct * punct
            + cfg.calib_width * width
            + cfg.calib_insert * insert
            + cfg.calib_lm_gain * gain
            + cfg.calib_glyph_similarity * similarity**GLYPH_SHARPNESS
            + cfg.calib_mined * math.log10(1 + min(mined, cfg.mined_count_cap))
            + cfg.calib_logprob * char_logprob
            + cfg.calib_word_before * before
            + cfg.calib_word_after * after
            + cfg.calib_phonetic * phonetic
            + (cfg.calib_context + cfg.calib_context_similarity * (similarity - cfg.context_min_similarity)) * context
            + cfg.calib_delete * delete
        )
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    @staticmethod
    def _punct_ok(chars: list[str], index: int) -> bool:
        """A mark may be changed only between Han characters or other marks, never next to Latin or digits."""
        for j in (index - 1, index + 1):
            if 0 <= j < len(chars) and chars[j].isascii() and chars[j].isalnum():
                return False
        # A separator look-alike that opens the unit or follows a separator (。, 、,) is a double
        # read: making it a separator gives "。，", never right.
        if chars[index] in _SEPARATOR_LOOKALIKES and (index == 0 or chars[index - 1] in _SEPARATORS):
            return False
        return _widening_pairs(chars, index)

    def best_candidate(self, tokens: list[str], chars: list[str], index: int, char_logprob: float, script: str):
        """The highest-confidence candidate for ``chars[index]`` in the current tokens, or None."""
        seen_mark = is_mark(chars[index])
        # A unit ends at a sentence-final mark, a line break or the end of the text. A quote mark
        # there closes a quotation when the unit has another one ("高妈"), not a misread 。.
        line_end = (
            seen_mark
            and index == len(chars) - 1
            and chars[index] not in _SENTENCE_END
            and not (chars[index] in _QUOTES and any(c in _QUOTES for c in chars[:index]))
        )
        options = self.candidates_for(chars[index], script, line_end)
        sources: dict[str, str] = {}
        if self._context_candidates is not None and not seen_mark and script != "traditional":
            options, sources = self._with_context(options, tokens, chars, index)
        if not options:
            return None
        context = self._context(tokens, index)
        before, *scores = self._windows(context, tokens, index, [tokens[index], *(option[1] for option in options)])
        word_before = not seen_mark and self.in_word(tokens, index, tokens[index])
        name = not seen_mark and self.name_like(tokens, index)
        sounds = self._sounds.get((chars[index], script), _NO_SOUNDS) if self._phonetic is not None else _NO_SOUNDS
        best: Candidate | None = None
        for (after, token, sim, count), score in zip(options, scores):
            gain = score - before
            if gain < self.config.min_lm_gain:
                continue
            punct = seen_mark or is_mark(after)
            word_after = not punct and self.in_word(tokens, index, token)
            width = punct and unicodedata.normalize("NFKC", after) == unicodedata.normalize("NFKC", chars[index])
            phonetic = after in sounds
            context = sources.get(after, "")
            confidence = self._confidence(
                gain, sim, count, char_logprob, word_before, word_after, name, punct, width,
                phonetic=phonetic, context=bool(context),
            )
            if best is None or confidence > best.confidence:
                best = Candidate(
                    index,
                    after,
                    gain,
                    before,
                    score,
                    sim,
                    count,
                    char_logprob,
                    word_before,
                    word_after,
                    name,
                    punct,
                    width,
                    confidence,
                    phonetic=phonetic,
                    context=context,
                )
        return best

    def _with_context(self, options: list, tokens: list[str], chars: list[str], index: int) -> tuple[list, dict[str, str]]:
        """``options`` plus the context's candidates the tables lack, and {candidate: context source}.

        The neighbours are read in the LM's view (``tokens``); a neighbour that is a mark or missing
        (a sentence edge) proposes nothing on its side.
        """
        left = tokens[index - 1] if index > 0 and is_han(tokens[index - 1]) else ""
        right = tokens[index + 1] if index + 1 < len(tokens) and is_han(tokens[index + 1]) else ""
        if not (left or right):
            return options, {}
        listed = {option[0] for option in options}
        prepare = self.lm.prepare
        extra, sources = [], {}
        for cand in self._context_candidates.propose(chars[index], left, right, self.config.context_min_similarity):
            if cand.char in listed or not is_han(cand.char):
                continue
            extra.append((cand.char, prepare(cand.char), cand.similarity, 0))
            sources[cand.char] = cand.source
        return [*options, *extra] if extra else options, sources

    def examine(self, chars: list[str], tokens: list[str], script: str) -> list[Candidate]:
        """Best candidates of one sentence, non-overlapping in LM windows, best first.

        ``chars`` are the sentence's characters as written, ``tokens`` the LM's view of them
        (normalised, traditional mapped to simplified), one to one.
        """
        model = self.lm.model
        order = model.order
        logprobs = [p for p, _, _ in model.full_scores(" ".join(tokens), bos=True, eos=True)]
        if len(logprobs) != len(tokens) + 1:
            # kenlm split a token we did not (a character it treats as a separator): skip, never misalign.
            log.debug("skipping a sentence kenlm tokenised differently (%d tokens)", len(tokens))
            return []
        found: list[Candidate] = []
        # A misread is often a likely character that makes the next one unlikely (在大安门: 大 is
        # likely after 在, 安 after 在大 is the surprise; typed 他以经: 经), so a character is
        # also examined when the next one is improbable.
        lookback = self.config.detect_lookahead or self._phonetic is not None
        for i, char in enumerate(chars):
            if not is_mark(char):
                suspicion = min(logprobs[i], logprobs[i + 1]) if lookback else logprobs[i]
                if not is_han(char) or suspicion >= self.config.detect_logprob:
                    continue
            elif (
                not self.config.punctuation
                or logprobs[i] >= self.config.detect_punct_logprob
                or not self._punct_ok(chars, i)
            ):
                continue
            best = self.best_candidate(tokens, chars, i, logprobs[i], script)
            if best is not None:
                found.append(best)
        # Only a sentence that uses marks can have lost one (subtitles and headings use none).
        if self.config.insert_marks and any(is_mark(c) for c in chars):
            for j in range(1, len(chars)):
                if (
                    logprobs[j] < self.config.detect_insert_logprob
                    and is_han(chars[j])
                    and (is_han(chars[j - 1]) or chars[j - 1] in _CLOSERS)
                ):
                    best = self.best_insertion(tokens, j, logprobs[j])
                    if best is not None:
                        found.append(best)
        if self.config.delete_doubled:
            for j in range(1, len(chars)):
                if (
                    chars[j] == chars[j - 1]
                    and is_han(chars[j])
                    and min(logprobs[j], logprobs[j + 1]) < self.config.detect_logprob
                    and chars[j - 1] + chars[j] not in self._words  # 天天, 看看: reduplications
                ):
                    best = self.best_deletion(tokens, j, logprobs[j])
                    if best is not None:
                        found.append(best)
        if len(found) < 2:
            return found
        # Close suspects share LM windows: take the most confident, re-score the rest in its light.
        found.sort(key=lambda c: -c.confidence)
        tokens = list(tokens)
        accepted: list[Candidate] = []
        for cand in found:
            if any(abs(cand.index - a.index) < order for a in accepted):
                if cand.insert or cand.delete or any(a.insert or a.delete for a in accepted if abs(cand.index - a.index) < order):
                    continue  # an insertion or deletion shifts the window: keep only the more confident change
                cand = self.best_candidate(tokens, chars, cand.index, cand.char_logprob, script)
                if cand is None:
                    continue
            accepted.append(cand)
            if not (cand.insert or cand.delete):
                tokens[cand.index] = self.lm.prepare(cand.after)
        return accepted

    def best_insertion(self, tokens: list[str], index: int, char_logprob: float) -> Candidate | None:
        """The best mark to insert before ``tokens[index]``, or None when none gains enough."""
        import kenlm

        model = self.lm.model
        context = self._context(tokens, index)
        end = index + model.order - 1
        tail = tokens[index:end]
        closes = end > len(tokens)

        def run(state, first: str | None) -> float:
            total = 0.0
            scratch = kenlm.State()
            for token in ([first] if first else []) + tail + (["</s>"] if closes else []):
                total += model.BaseScore(state, token, scratch)
                state, scratch = scratch, kenlm.State()
            return total

        before = run(context, None)
        best: Candidate | None = None
        for mark in INSERT_MARKS:
            score = run(context, mark)
            gain = score - before
            if gain < self.config.min_lm_gain:
                continue
            confidence = self._confidence(gain, 0.0, 0, char_logprob, False, False, False, True, False, True)
            if best is None or confidence > best.confidence:
                best = Candidate(
                    index, mark, gain, before, score, 0.0, 0, char_logprob, False, False, False, True, False,
                    confidence, insert=True,
                )
        return best

    def best_deletion(self, tokens: list[str], index: int, char_logprob: float) -> Candidate | None:
        """Deleting ``tokens[index]``, a copy of the token before it (看了了), or None when it gains too little.

        The gain compares the tokens whose context the copy is in (``order - 1`` after it, and
        ``</s>`` if reached) with and without the copy, both from the same context.
        """
        model = self.lm.model
        context = self._context(tokens, index)
        end = index + model.order
        tail = tokens[index + 1 : end] + (["</s>"] if end > len(tokens) else [])
        kept, dropped = [tokens[index], *tail], tail
        before, after = (self._run(context, window) for window in (kept, dropped))
        gain = after - before
        if gain < self.config.min_lm_gain:
            return None
        confidence = self._confidence(gain, 0.0, 0, char_logprob, False, False, False, False, False, delete=True)
        return Candidate(
            index, "", gain, before, after, 0.0, 0, char_logprob, False, False, False, False, False, confidence, delete=True
        )

    def _run(self, context, window: list[str]) -> float:
        """log10 probability of ``window`` after the kenlm state ``context``."""
        import kenlm

        model = self.lm.model
        state, scratch = context, kenlm.State()
        total = 0.0
        for token in window:
            total += model.BaseScore(state, token, scratch)
            state, scratch = scratch, kenlm.State()
        return total

    # -- the stage ------------------------------------------------------------------------------
    def propose(self, text: str, document: Document) -> StageOutput:
        """Propose character and mark substitutions for ``text``."""
        if not any(is_han(ch) for ch in text):
            return StageOutput()  # nothing for a Chinese LM to judge
        script = document.script or self._detect_script(text)
        proposals = []
        examined = self.examine_text(text, script)
        deferred = document.notes.get("script:deferred") or {}
        if deferred:
            # Script conversions that may be misreads (圆 on a traditional page): kept when the LM
            # has no likelier character at that position.
            contested = {offset for offset, cand in examined if cand.confidence >= self.config.min_suggestion_confidence}
            for offset, (char, conversion, hedged) in deferred.items():  # type: ignore[union-attr]
                if offset < len(text) and text[offset] == char:
                    proposals.append(hedged if offset in contested else conversion)
        for offset, cand in examined:
            if self._simplified_on_traditional_line(text, offset, cand.after):
                cand = replace(cand, confidence=min(cand.confidence, self.config.mixed_line_max_confidence))
            if cand.confidence >= self.config.min_suggestion_confidence:
                proposals.append(self._proposal(text, offset, cand))
        return StageOutput(proposals=tuple(proposals))

    def examine_text(self, text: str, script: str) -> list[tuple[int, Candidate]]:
        """Every sentence's best candidates with their offsets in ``text`` (no confidence floor)."""
        prepared = self.lm.prepare(text)
        found: list[tuple[int, Candidate]] = []
        positions: list[int] = []
        last = len(text) - 1
        for offset, ch in enumerate(text):
            if not ch.isspace():
                positions.append(offset)
            if (ch in _SENTENCE_END or offset == last) and positions:
                chars = [text[p] for p in positions]
                if any(is_han(c) for c in chars):
                    tokens = [prepared[p] for p in positions]
                    found.extend((positions[c.index], c) for c in self.examine(chars, tokens, script))
                positions = []
        return found

    def channel_score(self, cand: Candidate) -> float:
        """The channel's evidence for ``cand`` in the LM's log10 units (calibrated weights / LM weight).

        ``logprob_after - logprob_before + channel_score`` is the candidate's noisy-channel score.
        """
        cfg = self.config
        channel = (
            cfg.calib_glyph_similarity * cand.similarity**GLYPH_SHARPNESS
            + cfg.calib_mined * math.log10(1 + min(cand.mined, cfg.mined_count_cap))
            + cfg.calib_punct * cand.punct
            + cfg.calib_width * cand.width
            + cfg.calib_insert * cand.insert
            + cfg.calib_delete * cand.delete
            + cfg.calib_phonetic * cand.phonetic
            + (cfg.calib_context + cfg.calib_context_similarity * (cand.similarity - cfg.context_min_similarity))
            * bool(cand.context)
        )
        return channel / cfg.calib_lm_gain if cfg.calib_lm_gain else channel

    def _proposal(self, text: str, offset: int, cand: Candidate) -> Proposal:
        evidence: list[Evidence] = [
            LanguageModelScore(
                model=self.lm.path.name,
                logprob_before=round(cand.logprob_before, 4),
                logprob_after=round(cand.logprob_after, 4),
                channel_logprob=round(self.channel_score(cand), 4),
            )
        ]
        if cand.delete:
            evidence.append(ConfusionPair("doubled-char", text[offset], "", 0.0))
            return Proposal(
                start=offset,
                end=offset + 1,
                after="",
                kind="char",
                confidence=round(cand.confidence, 4),
                source=SOURCE,
                evidence=tuple(evidence),
            )
        if cand.insert:
            evidence.append(ConfusionPair("dropped-mark", "", cand.after, 0.0))
            return Proposal(
                start=offset,
                end=offset,
                after=cand.after,
                kind="punct",
                confidence=round(cand.confidence, 4),
                source=SOURCE,
                evidence=tuple(evidence),
            )
        if cand.mined:
            evidence.append(ConfusionPair("ocr-mined", text[offset], cand.after, float(cand.mined)))
        elif cand.punct:
            evidence.append(ConfusionPair("punct-lookalike", text[offset], cand.after, 0.0))
        if cand.context:
            evidence.append(ConfusionPair(cand.context, text[offset], cand.after, cand.similarity))
            evidence.append(ConfusionPair(EMBEDDING_ID, text[offset], cand.after, cand.similarity))
        elif cand.similarity:
            evidence.append(ConfusionPair(GLYPH_TABLE_ID, text[offset], cand.after, cand.similarity))
        if cand.phonetic:
            evidence.append(ConfusionPair(PHONETIC_TABLE_ID, text[offset], cand.after, 1.0))
        return Proposal(
            start=offset,
            end=offset + 1,
            after=cand.after,
            kind="punct" if cand.punct else "char",
            confidence=round(cand.confidence, 4),
            source=SOURCE,
            evidence=tuple(evidence),
        )

    def _simplified_on_traditional_line(self, text: str, offset: int, after: str) -> bool:
        """True when ``after`` is simplified-only and its line has traditional-only characters.

        Engines with a simplified model read traditional print as mostly simplified text, so
        such a line is usually traditional and the simplified form of the right character is
        still wrong (13 of 14 on DEV renders; the reverse case was right 74 of 76).
        """
        simplified_only, traditional_only = self._scripts
        if after not in simplified_only:
            return False
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        return any(ch in traditional_only for ch in text[start : end if end >= 0 else len(text)])

    def _detect_script(self, text: str) -> str:
        if self._scripts is None:
            self._load()
        simplified_only, traditional_only = self._scripts
        simp = sum(1 for ch in text if ch in simplified_only)
        trad = sum(1 for ch in text if ch in traditional_only)
        if trad > simp:
            return "traditional"
        if simp > trad:
            return "simplified"
        return ""
