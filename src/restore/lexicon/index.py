"""The matcher: Aho-Corasick automata over every lexicon form, built once per stage.

Three automata (pyahocorasick) scan the text at C speed:

- *exact*: canonical forms in both scripts and the known wrong variants (with
  their script counterparts), each also without internal spaces;
- *pieces*: pieces of each fuzzy-eligible form such that a span within ``k``
  edits of the form keeps at least one piece intact (pigeonhole: split the form
  into ``k + 1`` parts). Every piece hit names a window to verify;
- *gaps*: for three-character forms, the outer pair (``习_平``), matched on the
  even and odd character streams, since a middle substitution breaks both bigrams.

Verification compares the window with the form character by character
(RapidFuzz's Levenshtein ``editops`` for a dropped or doubled character) and
sorts differences into script slips (鐘 for 鍾: both write 钟) and real substitutions.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import ahocorasick
from rapidfuzz.distance import Hamming, Levenshtein

from restore.chars import Translation, is_han
from restore.config import LexiconConfig
from restore.lexicon.model import Entry, Lexicon
from restore.scriptdata import SIMPLIFIED, TRADITIONAL, ScriptTables

log = logging.getLogger(__name__)

# Window starts searched at a time by LexiconIndex.find_fuzzy: bounds the candidate windows held at
# once (a set entry of ~150 bytes each; the scaling benchmark's 1 MB document, 364,324 characters,
# has 68,102 with every form searched) while the per-block cost (one automaton call over a slice of
# the text per block, never over the whole text: see LexiconIndex._candidates) stays negligible.
FUZZY_BLOCK = 1 << 16

EXACT = "exact"
VARIANT = "variant"
FUZZY = "fuzzy"


@dataclass(frozen=True)
class IndexedEntry:
    """An entry with its forms in both scripts and its cues in both scripts."""

    lexicon: Lexicon
    entry: Entry
    simplified: str
    traditional: str
    cues: tuple[str, ...]

    def form(self, script: str, *, spaced: bool = True) -> str:
        """The canonical form written in ``script``, with or without its internal spaces."""
        text = self.traditional if script == TRADITIONAL else self.simplified
        return text if spaced else text.replace(" ", "")


@dataclass(frozen=True, slots=True)
class ExactHit:
    """A canonical form (``match="exact"``) or a known variant found verbatim at ``[start, end)``."""

    start: int
    end: int
    entry: int
    match: str
    spaced: bool


@dataclass(frozen=True)
class FuzzyForm:
    """A form eligible for fuzzy matching and how many edits it tolerates."""

    entry: int
    text: str
    spaced: bool
    max_edits: int
    indels: bool


@dataclass(frozen=True, slots=True)
class FuzzyHit:
    """A window ``text[start:end]`` a few edits from a form.

    ``substitutions`` are ``(position in the form, seen, meant)`` of real
    look-alike substitutions; ``slips`` counts characters differing only by
    script; ``indels`` counts dropped or doubled characters.
    """

    start: int
    end: int
    entry: int
    form: int
    substitutions: tuple[tuple[int, str, str], ...]
    slips: int
    indels: int


class LexiconIndex:
    """All lexicons compiled for matching. Build with :meth:`build`; then call :meth:`find` per text."""

    def __init__(
        self,
        entries: list[IndexedEntry],
        forms: list[FuzzyForm],
        exact: ahocorasick.Automaton | None,
        pieces: ahocorasick.Automaton | None,
        gaps: ahocorasick.Automaton | None,
        tables: ScriptTables,
    ) -> None:
        self.entries = entries
        self.forms = forms
        self._exact = exact
        self._pieces = pieces
        self._gaps = gaps
        self.tables = tables
        # Every character of a fuzzy-eligible form: the glyph tables need only their look-alikes.
        self.characters = frozenset(c for form in forms for c in form.text)
        self._longest_form = max((len(form.text) for form in forms), default=0)
        self._simplified_key = {c: v[0] for c, v in tables.to_simplified.items() if v}
        # Script-neutral view: every traditional character written as its simplified form, so that
        # a form with script slips (鐘曉詠 for 鍾曉詠) matches exactly; one character for one keeps offsets.
        self._neutral_table = {ord(c): v for c, v in self._simplified_key.items() if len(v) == 1 and v != c}
        # (Each text searched for slips is translated: through a code-point list, restore.chars.Translation.)
        self._neutral_view = Translation(self._neutral_table)
        self._neutral: ahocorasick.Automaton | None = None
        neutral_keys: dict[str, list[int]] = defaultdict(list)
        for form_id, form in enumerate(forms):
            neutral_keys[form.text.translate(self._neutral_table)].append(form_id)
        if neutral_keys:
            self._neutral = ahocorasick.Automaton()
            for key, ids in neutral_keys.items():
                self._neutral.add_word(key, (len(key), tuple(ids)))
            self._neutral.make_automaton()

    @classmethod
    def build(
        cls,
        lexicons: Sequence[Lexicon],
        settings: LexiconConfig,
        tables: ScriptTables,
        to_traditional: Callable[[str], str],
        to_simplified: Callable[[str], str],
    ) -> LexiconIndex:
        """Compile the lexicons (about 0.1 s per 10,000 entries)."""
        entries: list[IndexedEntry] = []
        exact_keys: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
        variant_keys: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
        written: set[str] = set()  # variants as the lexicons write them
        for lexicon in lexicons:
            for entry in lexicon.entries:
                if not entry.is_entity:  # keep and variant rules are the project stage's
                    continue
                traditional = entry.traditional or to_traditional(entry.canonical)
                cues = tuple(dict.fromkeys([*entry.cues, *(to_traditional(c) for c in entry.cues)]))
                index = len(entries)
                entries.append(IndexedEntry(lexicon, entry, entry.canonical, traditional, cues))
                for form in dict.fromkeys((entry.canonical, traditional)):
                    _add_key(exact_keys, form, index, EXACT)
                for variant in entry.variants:
                    written.add(variant)
                    for form in dict.fromkeys((variant, to_traditional(variant), to_simplified(variant))):
                        _add_key(variant_keys, form, index, VARIANT)
        # A variant that is some entry's right form is no slip: the exact reading wins. Worth telling
        # when the lexicon wrote it so; a script form derived from a variant (鐘曉詠 -> 钟晓咏) often is.
        for key in [k for k in variant_keys if k in exact_keys]:
            (log.info if key in written else log.debug)("lexicon variant %r is also a canonical form; treated as right", key)
            del variant_keys[key]
        exact = None
        if exact_keys or variant_keys:
            exact = ahocorasick.Automaton()
            for key, values in (*exact_keys.items(), *variant_keys.items()):
                exact.add_word(key, (len(key), tuple(dict.fromkeys(values))))
            exact.make_automaton()
        forms = _fuzzy_forms(entries, settings)
        pieces, gaps = _piece_automata(forms)
        log.debug("lexicon index: %d entries, %d keys, %d fuzzy forms", len(entries), len(exact or ()), len(forms))
        return cls(entries, forms, exact, pieces, gaps, tables)

    def fixed_entry(
        self, text: str, start: int, end: int, after: str, *, reach: int = 48
    ) -> tuple[int, int, int] | None:
        """The entry a change completes: ``(entry id, start, end)`` of the printed name in ``text``.

        Replacing ``text[start:end]`` by ``after`` fixes a name when the corrected text
        prints an entry right over the change; the longest such entry wins (``None``
        without one). ``reach`` bounds how far around the change a name may extend.
        """
        low = max(0, start - reach)
        window = text[low:start] + after + text[end : end + reach]
        first, last = start - low, start - low + len(after)
        hits = [h for h in self.find_exact(window) if h.match == EXACT and h.start <= first and last <= h.end]
        if not hits:
            return None
        best = min(hits, key=lambda h: (h.start - h.end, h.start, h.entry))
        shift = (end - start) - len(after)
        return best.entry, low + best.start, low + best.end + shift

    def find_exact(self, text: str) -> list[ExactHit]:
        """Every canonical and variant occurrence (overlapping ones included)."""
        hits: list[ExactHit] = []
        if self._exact is None:
            return hits
        for end, (length, values) in self._exact.iter(text):
            start = end + 1 - length
            key_is_latin = text[start].isascii() or text[end].isascii()
            if key_is_latin and not _latin_bounded(text, start, end + 1):
                continue
            for entry, match, spaced in values:
                hits.append(ExactHit(start, end + 1, entry, match, spaced))
        return hits

    def find_fuzzy(self, text: str, *, forms: Collection[int] | None = None) -> list[FuzzyHit]:
        """Windows within the allowed edits of a fuzzy-eligible form (exact occurrences excluded).

        ``forms`` limits the search to those form ids (the stage passes the forms whose hits
        could reach its confidence floor in this document); ``None`` searches them all.
        The text is searched in blocks of :data:`FUZZY_BLOCK` window starts, so only one
        block's candidate windows are held at a time (a 10 MB document has millions).
        """
        if self._pieces is None or (forms is not None and not forms):
            return []
        hits = []
        blocks = range(0, max(len(text), 1), FUZZY_BLOCK)
        for block_start in blocks:
            # Window starts may lie before the text (a piece near its start) or run past its end.
            low = block_start if block_start else -len(text) - self._longest_form
            high = block_start + FUZZY_BLOCK if block_start != blocks[-1] else len(text) + 1
            for form_id, start in sorted(self._candidates(text, low, high, forms)):
                hit = self._verify(text, form_id, start)
                if hit is not None:
                    hits.append(hit)
        # Hits with equal keys are equal (a window is verified once per form), so the order is total.
        hits.sort(key=lambda h: (h.start, h.end, h.entry, h.form))
        return hits

    def _candidates(self, text: str, low: int, high: int, forms: Collection[int] | None) -> set[tuple[int, int]]:
        """``(form id, window start)`` of every piece or gap hit whose window starts in ``[low, high)``."""
        assert self._pieces is not None
        candidates: set[tuple[int, int]] = set()
        # A piece lies inside its window, so the windows starting in [low, high) have their pieces
        # inside [low, high + longest form).
        offset = max(low, 0)
        piece_end = min(high + self._longest_form, len(text))
        # The block's slice, not iter(text, offset, piece_end): pyahocorasick converts the whole
        # string it is given on every call, which made the blocks of one long document quadratic.
        for end, postings in self._pieces.iter(text[offset:piece_end]):
            end += offset
            for form, back in postings:
                start = end - back
                if low <= start < high and (forms is None or form in forms):
                    candidates.add((form, start))
        if self._gaps is not None:
            # The outer pair of a three-character window starting at s: text[s] and text[s + 2].
            window = text[offset : min(high + 2, len(text))]
            for parity in (0, 1):
                for end, postings in self._gaps.iter(window[parity::2]):
                    start = offset + 2 * (end - 1) + parity
                    if low <= start < high:
                        for form in postings:
                            if forms is None or form in forms:
                                candidates.add((form, start))
        return candidates

    def find_slips(self, text: str) -> list[FuzzyHit]:
        """Spans that are a fuzzy-eligible form written with characters of the wrong script only.

        Found on the script-neutral view of the text, so every form is searched at C speed;
        a span printed as some entry's right form is no slip.
        """
        if self._neutral is None:
            return []
        hits = []
        for end, (length, ids) in self._neutral.iter(self._neutral_view(text)):
            start = end + 1 - length
            window = text[start : end + 1]
            if self._is_key(window):
                continue
            best: tuple[int, int] | None = None
            for form_id in ids:
                slips = sum(1 for a, b in zip(window, self.forms[form_id].text) if a != b)
                if best is None or slips < best[0]:
                    best = (slips, form_id)
            if best is not None and best[0] > 0:
                form = self.forms[best[1]]
                hits.append(FuzzyHit(start, end + 1, form.entry, best[1], (), best[0], 0))
        return hits

    def _verify(self, text: str, form_id: int, start: int) -> FuzzyHit | None:
        form = self.forms[form_id]
        target = form.text
        length = len(target)
        if start < 0 or start + length > len(text):
            return self._verify_indel(text, form_id, start) if form.indels else None
        window = text[start : start + length]
        # Most candidates differ in too many places: reject them in C before looking closer.
        if Hamming.distance(window, target, score_cutoff=form.max_edits) > form.max_edits:
            return self._verify_indel(text, form_id, start) if form.indels else None
        if window == target or self._is_key(window):
            return None  # printed right (this entry in the other script, or another entry)
        substitutions = []
        slips = 0
        for position, (seen, meant) in enumerate(zip(window, target)):
            if seen == meant:
                continue
            if not (is_han(seen) and is_han(meant)):
                return self._verify_indel(text, form_id, start) if form.indels else None
            if self._simplified_key.get(seen, seen) == self._simplified_key.get(meant, meant):
                slips += 1
            else:
                # Interned: a long document's hits repeat the same few look-alike pairs.
                substitutions.append((position, sys.intern(seen), sys.intern(meant)))
            if len(substitutions) + slips > form.max_edits:
                return self._verify_indel(text, form_id, start) if form.indels else None
        return FuzzyHit(start, start + length, form.entry, form_id, tuple(substitutions), slips, 0)

    def _verify_indel(self, text: str, form_id: int, start: int) -> FuzzyHit | None:
        """One character dropped, or one doubled, inside the form (never at its ends), and nothing else."""
        form = self.forms[form_id]
        target = form.text
        length = len(target)
        for shift in (0, -1, 1):
            for delta in (-1, 1):
                lo, hi = start + shift, start + shift + length + delta
                if lo < 0 or hi > len(text):
                    continue
                window = text[lo:hi]
                if self._is_key(window) or window[0] != target[0] or window[-1] != target[-1] or "\n" in window:
                    continue
                if Levenshtein.distance(window, target, score_cutoff=1) != 1:
                    continue
                (op,) = Levenshtein.editops(window, target)
                if op.tag == "insert" and not is_han(target[op.dest_pos]):
                    continue
                # OCR doubles a character; an extra character of another kind (的) is a different phrasing.
                if op.tag == "delete" and not _doubled(window, op.src_pos):
                    continue
                return FuzzyHit(lo, hi, form.entry, form_id, (), 0, 1)
        return None

    def _is_key(self, text: str) -> bool:
        return self._exact is not None and text in self._exact

    def simplified_key(self, char: str) -> str:
        """The simplified form of a character (itself when it has none): script-neutral comparison."""
        return self._simplified_key.get(char, char)

    def script_of(self, text: str) -> str:
        """``"simplified"``, ``"traditional"`` or ``""`` from the script-only characters of ``text``."""
        return self.tables.detect(text, ratio=2.0)


def _add_key(keys: dict[str, list[tuple[int, str, bool]]], form: str, index: int, match: str) -> None:
    if not form:
        return
    keys[form].append((index, match, True))
    if " " in form:
        keys[form.replace(" ", "")].append((index, match, False))



def _doubled(window: str, position: int) -> bool:
    """The character at ``position`` repeats a neighbour (and is Han)."""
    char = window[position]
    return is_han(char) and (window[position - 1 : position] == char or window[position + 1 : position + 2] == char)


def _latin_bounded(text: str, start: int, end: int) -> bool:
    """A Latin key (``WAIC``) must not sit inside a longer Latin word."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _fuzzy_forms(entries: list[IndexedEntry], settings: LexiconConfig) -> list[FuzzyForm]:
    forms: list[FuzzyForm] = []
    for index, item in enumerate(entries):
        texts: set[str] = set()
        for spaced in (True, False):
            for script in (SIMPLIFIED, TRADITIONAL):
                text = item.form(script, spaced=spaced)
                if text in texts or sum(1 for c in text if is_han(c)) < settings.fuzzy_min_length:
                    continue
                texts.add(text)
                edits = 2 if len(text) >= settings.fuzzy_two_edit_min_length else 1
                forms.append(FuzzyForm(index, text, spaced, edits, len(text) >= settings.fuzzy_indel_min_length))
    return forms


def _piece_automata(forms: list[FuzzyForm]) -> tuple[ahocorasick.Automaton | None, ahocorasick.Automaton | None]:
    pieces: dict[str, list[tuple[int, int]]] = defaultdict(list)
    gaps: dict[str, list[int]] = defaultdict(list)
    for form_id, form in enumerate(forms):
        text = form.text
        if len(text) == 3:
            # One substitution leaves one of: the first pair, the last pair, the outer pair.
            pieces[text[0:2]].append((form_id, 1))
            pieces[text[1:3]].append((form_id, 2))
            gaps[text[0] + text[2]].append(form_id)
            continue
        parts = form.max_edits + 1
        bounds = [round(i * len(text) / parts) for i in range(parts + 1)]
        for lo, hi in zip(bounds, bounds[1:]):
            # back = distance from the piece's last character to the window start.
            pieces[text[lo:hi]].append((form_id, hi - 1))
    if not pieces:
        return None, None
    piece_automaton = ahocorasick.Automaton()
    for key, values in pieces.items():
        piece_automaton.add_word(key, tuple(values))
    piece_automaton.make_automaton()
    gap_automaton = None
    if gaps:
        gap_automaton = ahocorasick.Automaton()
        for key, ids in gaps.items():
            gap_automaton.add_word(key, tuple(ids))
        gap_automaton.make_automaton()
    return piece_automaton, gap_automaton
