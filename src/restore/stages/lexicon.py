"""Lexicon: repair names, places, institutions and formulas against curated lexicons.

Exact hits of a canonical form protect their span from later stages; a known
wrong variant (``鐘曉暉`` for ``鍾曉詠``) is a confident fix; a span one or two
look-alike characters from an entry is a fuzzy hit, scored from the glyph
similarity of the substituted characters, the entry's length, the context cues
around it, the margin over the runner-up entry and whether the right form
appears elsewhere in the document (see :mod:`restore.lexicon.scoring`). Fixes
are written in the script of the page around them.

>>> from restore.config import Config
>>> from restore.stages.base import Document
>>> out = LexiconStage(Config()).propose("副区长高世均出席。", Document())
>>> [(p.start, p.after, p.confidence >= 0.9) for p in out.proposals]
[(5, '昀', True)]
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ahocorasick

from restore.config import Config, LexiconConfig
from restore.edits import changed_span
from restore.evidence import ConfusionPair, Consistency, Evidence, LearnedRule, LexiconMatch
from restore.lexicon.glyphs import GlyphTable
from restore.lexicon.index import EXACT, FUZZY, VARIANT, ExactHit, FuzzyHit, LexiconIndex
from restore.lexicon.conversions import RememberedConversions
from restore.lexicon.loading import bundled_lexicon_files, load_lexicons
from restore.lexicon.scoring import confidence, fuzzy_logodds, logit, margin_penalty
from restore.scriptdata import SIMPLIFIED, TRADITIONAL, ScriptTables
from restore.spans import SpanIndex
from restore.stages.base import Document, Proposal, Protection, StageOutput, StagePlan

log = logging.getLogger(__name__)

# Document.notes key for callers of ``Corrector.fix(notes=...)``: canonical form -> documents of
# the batch printing it right (as :class:`EntityVotes`, which ``Corrector.survey`` gathers).
BATCH_NOTE = "lexicon.batch"

# A year the text is about: 2023年, 2023 年.
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s?年")

# Breaks ties between proposals of equal confidence: a listed variant beats a fuzzy reading.
_PRIORITY = {VARIANT: 2, FUZZY: 1}


@dataclass(frozen=True)
class EntityVotes:
    """The lexicon stage's batch facts: canonical form -> documents of the batch printing it right.

    A near-miss of such a form gains ``LexiconConfig.batch_consistency_logodds``.

    >>> EntityVotes({"徐匯區": 1}).merge(EntityVotes({"徐匯區": 2})).documents["徐匯區"]
    3
    """

    documents: Mapping[str, int] = field(default_factory=dict)

    def merge(self, other: EntityVotes) -> EntityVotes:
        """Votes of both batches (counts added)."""
        total = dict(self.documents)
        for form, count in other.documents.items():
            total[form] = total.get(form, 0) + count
        return EntityVotes(total)

    def to_json(self) -> dict[str, Any]:
        """``{form: documents}``, sorted by form."""
        return dict(sorted(self.documents.items()))


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    entry: int
    match: str
    spaced: bool
    logodds: float
    similarity: float = 1.0
    cue: str = ""
    consistent: int = 0
    # Where the right form was seen: "document" or "batch".
    scope: str = "document"
    substitutions: tuple[tuple[int, str, str], ...] = ()
    edits: int = 0
    # Positions of the span that differ from the entry (look-alikes and script slips).
    differs: frozenset[int] = frozenset()


class LexiconStage:
    """Propose entity repairs from the bundled and the user's lexicons."""

    name = "lexicon"

    def __init__(self, config: Config, *, plan: StagePlan | None = None, glyphs: GlyphTable | None = None) -> None:
        """``glyphs`` replaces the installed glyph tables (tests, experiments); ``plan`` is unused."""
        self.config = config
        self.settings = config.lexicon
        self._index: LexiconIndex | None = None
        self._glyphs = glyphs
        self._reach: _Reach | None = None

    @property
    def index(self) -> LexiconIndex:
        """The compiled lexicons, built on first use and kept for this corrector."""
        if self._index is None:
            tables = ScriptTables.load()
            script = self.config.script
            lexicons = load_lexicons(self.config, tables=tables)
            # OpenCC is loaded only for strings an earlier process did not convert already.
            bundled = bundled_lexicon_files() if self.settings.bundled else []
            files = [*(Path(str(f)) for f in bundled), *map(Path, self.config.lexicons)]
            conversions = RememberedConversions(script.to_traditional, script.to_simplified, files)
            index = LexiconIndex.build(lexicons, self.settings, tables, conversions.forward, conversions.backward)
            conversions.save()
            self._index = index
        return self._index

    @property
    def glyphs(self) -> GlyphTable:
        """The installed glyph similarity tables (possibly empty), loaded on first use."""
        if self._glyphs is None:
            self._glyphs = GlyphTable.load_installed(
                confusion_similarity=self.settings.observed_confusion_similarity, keep=self.index.characters
            )
        return self._glyphs

    @property
    def reach(self) -> _Reach:
        """Which fuzzy forms can reach the confidence floor, and on what evidence (built once)."""
        if self._reach is None:
            self._reach = _Reach.build(self.index, self.settings, known_glyphs=bool(self.glyphs.pairs))
        return self._reach

    def propose(self, text: str, document: Document) -> StageOutput:
        """Protect exact hits; propose fixes for variant and fuzzy hits."""
        if not text:
            return StageOutput()
        index = self.index
        exact_hits = index.find_exact(text)
        # The repairs' working state (spans, fuzzy hits, candidates) is gone before the protections
        # are built: on a long document both are large.
        proposals = self._repairs(text, exact_hits, document)
        changed = SpanIndex((p.start, p.end) for p in proposals)
        protections: dict[tuple[int, int], Protection] = {}
        for hit in exact_hits:
            span = (hit.start, hit.end)
            if hit.match != EXACT or span in protections or any(_overlaps(span, c) for c in changed.near(*span)):
                continue
            protections[span] = Protection(hit.start, hit.end, index.entries[hit.entry].lexicon.source_id)
        return StageOutput(tuple(proposals), tuple(sorted(protections.values(), key=lambda p: (p.start, p.end))))

    def _repairs(self, text: str, exact_hits: Sequence[ExactHit], document: Document) -> list[Proposal]:
        """The proposals for the variant and fuzzy hits of ``text`` (its exact hits ``exact_hits``)."""
        index = self.index
        found: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for hit in exact_hits:
            if hit.match == EXACT:
                found[hit.entry].append((hit.start, hit.end))
        # Sorted per entry: "printed right elsewhere?" is asked of every candidate, and a long
        # document prints the same name thousands of times.
        found_spans = {entry: SpanIndex(spans) for entry, spans in found.items()}
        batch = self._batch(document)
        # (The pattern opens with a lookbehind, tried at every character: only a text with 年 has a year.)
        years = frozenset(int(match) for match in _YEAR.findall(text)) if "年" in text else frozenset()
        candidates = [self._variant(text, hit, found_spans, batch, years) for hit in exact_hits if hit.match == VARIANT]
        forms = self.reach.forms(text, found_spans, batch)
        fuzzy_hits = [*index.find_fuzzy(text, forms=forms), *index.find_slips(text)]
        candidates.extend(self._fuzzy(text, fuzzy_hits, found_spans, batch, years))
        exact_spans = sorted({(h.start, h.end) for h in exact_hits if h.match == EXACT})
        return self._select(text, candidates, exact_spans, document)

    def entities(self, text: str) -> dict[str, int]:
        """Canonical forms printed right in ``text`` and how often: the first pass of batch consistency."""
        counts: dict[str, int] = defaultdict(int)
        for hit in self.index.find_exact(text):
            if hit.match == EXACT:
                counts[self.index.entries[hit.entry].entry.canonical] += 1
        return dict(counts)

    def survey(self, text: str) -> EntityVotes:
        """This document's vote: one for each canonical form it prints right (the batch's first pass)."""
        return EntityVotes(dict.fromkeys(self.entities(text), 1))

    def _batch(self, document: Document) -> dict[int, int]:
        """Entry ids printed right elsewhere in the batch (``document.batch``, else ``notes[BATCH_NOTE]``)."""
        votes = document.batch.get(self.name)
        seen = votes.documents if isinstance(votes, EntityVotes) else document.notes.get(BATCH_NOTE)
        if not isinstance(seen, Mapping) or not seen:
            return {}
        by_canonical = self.reach.by_canonical
        return {
            entry: int(count) for canonical, count in seen.items() if count for entry in by_canonical.get(canonical, ())
        }

    def _support(
        self, entry: int, start: int, end: int, found: dict[int, SpanIndex], batch: dict[int, int]
    ) -> tuple[int, str, float]:
        """(occurrences, scope, log-odds bonus) of the right form elsewhere in the document, else the batch."""
        spans = found.get(entry)
        elsewhere = _elsewhere(spans, start, end) if spans is not None else 0
        if elsewhere:
            return elsewhere, "document", self.settings.consistency_logodds
        if entry in batch:
            return batch[entry], "batch", self.settings.batch_consistency_logodds
        return 0, "document", 0.0

    def _variant(
        self,
        text: str,
        hit: ExactHit,
        found: dict[int, SpanIndex],
        batch: dict[int, int],
        years: frozenset[int],
    ) -> _Candidate:
        occurrences, scope, bonus = self._support(hit.entry, hit.start, hit.end, found, batch)
        return _Candidate(
            hit.start, hit.end, hit.entry, VARIANT, hit.spaced, logit(self.settings.exact_variant_confidence) + bonus,
            cue=self._cue(text, hit.start, hit.end, hit.entry, years), consistent=occurrences, scope=scope,
        )

    def _fuzzy(
        self,
        text: str,
        hits: Sequence[FuzzyHit],
        found: dict[int, SpanIndex],
        batch: dict[int, int],
        years: frozenset[int],
    ) -> list[_Candidate]:
        """The fuzzy candidates that reach the floor once rivals are weighed, likeliest first.

        Only overlapping candidates are rivals, so each run of overlapping hits is scored and
        weighed on its own: a long document never holds every sub-floor candidate at once.
        """
        floor = self.settings.fuzzy_min_confidence
        # The order of the whole document: by logodds before rivals, then by each span's first hit.
        kept: list[tuple[float, int, _Candidate]] = []
        for run in _overlapping_runs(hits):
            scored = self._scored(text, hits, run, found, batch, years)
            ranked = sorted(scored.values(), key=lambda pair: -pair[1].logodds)
            raw = [candidate.logodds for _, candidate in ranked]
            self._weigh_rivals([candidate for _, candidate in ranked])
            kept.extend(
                (logodds, first, candidate)
                for logodds, (first, candidate) in zip(raw, ranked)
                if confidence(candidate.logodds) >= floor
            )
        kept.sort(key=lambda item: (-item[0], item[1]))
        return [candidate for _, _, candidate in kept]

    def _scored(
        self,
        text: str,
        hits: Sequence[FuzzyHit],
        run: Sequence[int],
        found: dict[int, SpanIndex],
        batch: dict[int, int],
        years: frozenset[int],
    ) -> dict[tuple[int, int, int], tuple[int, _Candidate]]:
        """The best-scored candidate of each span and entry among ``hits[i]`` for ``i`` in ``run``
        (ascending), with the index of the span's first hit."""
        settings = self.settings
        index = self.index
        glyphs = self.glyphs
        candidates: dict[tuple[int, int, int], tuple[int, _Candidate]] = {}
        for position in run:
            hit = hits[position]
            form = index.forms[hit.form]
            length = len(form.text)
            similarities = []
            for _, seen, meant in hit.substitutions:
                known = glyphs.similarity(seen, meant)
                similarities.append(settings.unknown_glyph_similarity if known is None else known)
            if any(value < settings.min_glyph_similarity for value in similarities):
                continue
            similarities.extend([settings.indel_similarity] * hit.indels)
            glyph = sum(similarities) / len(similarities) if similarities else 1.0
            edits = len(hit.substitutions) + hit.indels
            edge = 0
            if length >= settings.fuzzy_indel_min_length:
                edge = sum(1 for position, _, _ in hit.substitutions if position < 2 or position >= length - 2)
            cue = self._cue(text, hit.start, hit.end, hit.entry, years)
            occurrences, scope, bonus = self._support(hit.entry, hit.start, hit.end, found, batch)
            value = fuzzy_logodds(
                settings, length=length, edits=edits, slips=hit.slips, glyph=glyph, edge_edits=edge, cue=bool(cue),
            ) + bonus
            key = (hit.start, hit.end, hit.entry)
            previous = candidates.get(key)
            if previous is None or value > previous[1].logodds:
                window = text[hit.start : hit.end]
                differs = frozenset(i for i, (a, b) in enumerate(zip(window, form.text)) if a != b)
                candidates[key] = (
                    position if previous is None else previous[0],
                    _Candidate(
                        hit.start, hit.end, hit.entry, FUZZY, form.spaced, value, glyph, cue, occurrences, scope,
                        hit.substitutions, edits, differs,
                    ),
                )
        return candidates

    def _weigh_rivals(self, ranked: Sequence[_Candidate]) -> None:
        """Lower each candidate's logodds by the margin to its best rival: another entry over some of
        its characters that asks for a different change."""
        settings = self.settings
        changes = {id(c): self._changes(c) for c in ranked}
        covering: dict[int, list[_Candidate]] = defaultdict(list)
        for candidate in ranked:
            for position in range(candidate.start, candidate.end):
                covering[position].append(candidate)
        raw = {id(c): c.logodds for c in ranked}
        for candidate in ranked:
            # A rival reads the same characters differently; an entry nested in another (中国特色社会主义
            # in the 习近平 formula) that asks for the same change agrees and is no rival.
            rivals = [
                raw[id(other)]
                for position in range(candidate.start, candidate.end)
                for other in covering[position]
                if other.entry != candidate.entry and changes[id(other)] != changes[id(candidate)]
            ]
            candidate.logodds -= margin_penalty(settings, raw[id(candidate)], max(rivals) if rivals else None)

    def _changes(self, candidate: _Candidate) -> frozenset[tuple[int, str]]:
        """What a candidate changes, script-neutral: (text position, simplified character)."""
        if candidate.edits > len(candidate.substitutions):
            return frozenset({(candidate.start, "indel"), (candidate.end, "indel")})
        key = self.index.simplified_key
        return frozenset((candidate.start + position, key(meant)) for position, _, meant in candidate.substitutions)

    def _cue(self, text: str, start: int, end: int, entry: int, years: frozenset[int]) -> str:
        """A context cue of the entry near the span, unless the text is dated outside the entry's period.

        A role (区长) says little about a name in a document about years when someone
        else held it; a text naming no year, or a year inside the period, keeps the cue.
        """
        item = self.index.entries[entry]
        if not item.cues:
            return ""
        period = item.entry.years()
        if period is not None and years and not any(period[0] <= year <= period[1] for year in years):
            return ""
        window = self.settings.cue_window
        nearby = text[max(0, start - window) : end + window]
        return next((cue for cue in item.cues if cue in nearby), "")

    def _script(self, text: str, candidate: _Candidate, document: Document) -> str:
        """The script to write the fix in: the span's own characters, then its surroundings, then the page.

        A fuzzy span's differing characters do not vote: a look-alike misread can be a
        traditional character in a simplified line (曹立弳 for 曹立强, 淩 for 凌); a span
        mixing both scripts (羅华品) does not vote at all.
        """
        index = self.index
        start, end = candidate.start, candidate.end
        span = text[start:end]
        simplified, traditional = index.tables.counts(span)
        if simplified and traditional:
            span = ""  # a span in both scripts (羅华品) cannot say which one is right
        elif candidate.match == FUZZY:
            span = "" if candidate.edits > len(candidate.substitutions) else "".join(
                char for position, char in enumerate(span) if position not in candidate.differs
            )
        own = index.script_of(span)
        if own:
            return own
        window = self.settings.script_window
        local = index.script_of(text[max(0, start - window) : start] + span + text[end : end + window])
        if local:
            return local
        return document.script if document.script in (SIMPLIFIED, TRADITIONAL) else SIMPLIFIED

    def _select(
        self, text: str, candidates: list[_Candidate], exact_spans: list[tuple[int, int]], document: Document
    ) -> list[Proposal]:
        if not candidates:
            return []  # (most lines: no span index to build)
        built: list[tuple[float, int, _Candidate, Proposal]] = []
        exact = SpanIndex(exact_spans)
        exact_set = frozenset(exact_spans)
        for candidate in candidates:
            item = self.index.entries[candidate.entry]
            replacement = item.form(self._script(text, candidate, document), spaced=candidate.spaced)
            window = text[candidate.start : candidate.end]
            if replacement == window:
                continue
            start, end, after = changed_span(window, replacement, candidate.start)
            width = candidate.end - candidate.start
            # A whole entry printed right over the changed characters outranks a near-miss reading.
            if any(_overlaps((s, e), (start, end), point=True) and e - s >= width for s, e in exact.near(start, end)):
                continue
            # 徐汇通 is 徐汇 and a next word, not 徐汇区 misread: the intact side is an entry of its own.
            if candidate.match == FUZZY and (
                ((candidate.start, start) in exact_set and end == candidate.end)
                or ((end, candidate.end) in exact_set and start == candidate.start)
            ):
                continue
            built.append((confidence(candidate.logodds), width, candidate, Proposal(
                start, end, after, kind="entity", confidence=confidence(candidate.logodds),
                source=item.lexicon.source_id, evidence=self._evidence(candidate, text),
                priority=_PRIORITY[candidate.match],
            )))
        built.sort(key=lambda b: (-b[0], -b[3].priority, -b[1], b[2].start))
        kept: list[tuple[_Candidate, Proposal]] = []
        taken = SpanIndex()
        for _, _, candidate, proposal in built:
            span = (candidate.start, candidate.end)
            if any(_overlaps(span, other) for other in taken.near(*span)):
                continue
            kept.append((candidate, proposal))
            taken.add(span)
        return sorted((p for _, p in kept), key=lambda p: (p.start, p.end))

    def _evidence(self, candidate: _Candidate, text: str) -> tuple[Evidence, ...]:
        item = self.index.entries[candidate.entry]
        records: list[Evidence] = [
            LexiconMatch(
                lexicon=item.lexicon.label,
                entry=item.entry.canonical,
                line=item.entry.line,
                match=candidate.match,
                similarity=round(candidate.similarity, 4),
                cue=candidate.cue,
            )
        ]
        if item.entry.confirmed:  # an entry learned from review decisions (restore learn)
            records.append(LearnedRule(
                lexicon=item.lexicon.label, line=item.entry.line, rule=item.entry.rule,
                phrase=text[candidate.start : candidate.end], decisions=item.entry.decisions,
                confirmed=item.entry.confirmed,
            ))
        for _, seen, meant in candidate.substitutions:
            known = self.glyphs.similarity(seen, meant)
            if known is not None:
                records.append(ConfusionPair(table=self.glyphs.name, seen=seen, meant=meant, similarity=known))
        if candidate.consistent:
            records.append(
                Consistency(form=item.entry.canonical, occurrences=candidate.consistent, scope=candidate.scope)
            )
        return tuple(records)


@dataclass(frozen=True)
class _Reach:
    """Fuzzy forms grouped by the evidence they need to reach ``fuzzy_min_confidence``.

    A hit on a three-character name, however close its glyphs, stays below the floor
    unless a cue is nearby or the name is printed right elsewhere; searching such forms
    only in documents holding one of their cues or their right form keeps the scan fast
    without changing any result.
    """

    always: frozenset[int]
    by_cue: dict[str, frozenset[int]]
    by_entry: dict[int, tuple[int, ...]]
    cues: ahocorasick.Automaton | None
    # Canonical form -> entry ids (for batch notes, which name entries by their form).
    by_canonical: dict[str, tuple[int, ...]]

    @classmethod
    def build(cls, index: LexiconIndex, settings: LexiconConfig, *, known_glyphs: bool) -> _Reach:
        floor = logit(settings.fuzzy_min_confidence)
        glyph = 1.0 if known_glyphs else settings.unknown_glyph_similarity
        always: set[int] = set()
        by_cue: dict[str, set[int]] = defaultdict(set)
        by_entry: dict[int, list[int]] = defaultdict(list)
        for form_id, form in enumerate(index.forms):
            best = fuzzy_logodds(settings, length=len(form.text), edits=1, slips=0, glyph=glyph)
            cues = index.entries[form.entry].cues
            if best >= floor:
                always.add(form_id)
                continue
            if cues and best + settings.cue_logodds >= floor:
                for cue in cues:
                    by_cue[cue].add(form_id)
            support = max(settings.consistency_logodds, settings.batch_consistency_logodds)
            if best + support + (settings.cue_logodds if cues else 0.0) >= floor:
                by_entry[form.entry].append(form_id)
        by_canonical: dict[str, list[int]] = defaultdict(list)
        for entry_id, item in enumerate(index.entries):
            by_canonical[item.entry.canonical].append(entry_id)
        automaton = None
        if by_cue:
            automaton = ahocorasick.Automaton()
            for cue in by_cue:
                automaton.add_word(cue, cue)
            automaton.make_automaton()
        return cls(
            frozenset(always),
            {cue: frozenset(ids) for cue, ids in by_cue.items()},
            {entry: tuple(ids) for entry, ids in by_entry.items()},
            automaton,
            {form: tuple(ids) for form, ids in by_canonical.items()},
        )

    def forms(
        self, text: str, found: Mapping[int, object], batch: Mapping[int, int]
    ) -> frozenset[int] | set[int]:
        """The forms worth searching in ``text`` (entries printed right in it or in its batch)."""
        extra: set[int] = set()
        if self.cues is not None:
            for cue in {cue for _, cue in self.cues.iter(text)}:
                extra |= self.by_cue[cue]
        for entry in (*found, *batch):
            extra.update(self.by_entry.get(entry, ()))
        return self.always | extra if extra else self.always


def _overlaps(a: tuple[int, int], b: tuple[int, int], *, point: bool = False) -> bool:
    """Spans share a character (with ``point``, an empty span inside the other counts)."""
    if point and a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if point and b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


def _elsewhere(spans: SpanIndex, start: int, end: int) -> int:
    """How many of ``spans`` lie outside ``[start, end)`` (those inside are among the few ``near`` it)."""
    return len(spans) - sum(1 for s, e in spans.near(start, end) if not (e <= start or s >= end))


def _overlapping_runs(hits: Sequence[FuzzyHit]) -> list[list[int]]:
    """Indices of ``hits`` grouped so that any two hits sharing a character share a group,
    each group in ascending index order.

    >>> from restore.lexicon.index import FuzzyHit
    >>> _overlapping_runs([FuzzyHit(5, 8, 0, 0, (), 1, 0), FuzzyHit(0, 3, 1, 1, (), 1, 0), FuzzyHit(2, 4, 2, 2, (), 1, 0)])
    [[1, 2], [0]]
    """
    runs: list[list[int]] = []
    reach = -1
    for position in sorted(range(len(hits)), key=lambda i: hits[i].start):
        if hits[position].start >= reach:
            runs.append([])
        runs[-1].append(position)
        reach = max(reach, hits[position].end)
    for run in runs:
        run.sort()
    return runs
