"""The restoration pipeline: stages propose in order, the resolver decides after each.

>>> Corrector().fix("会议于 12 月 17 日召开,地点在徐汇.").text
'会议于12月17日召开，地点在徐汇.'

The contract between the stages (what each reads and writes, deferral, the batch survey) is
described in ``src/restore/README.md``.
"""

from __future__ import annotations

import bisect
import functools
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from restore.chars import is_bmp_han
from restore.config import Config
from restore.edits import Edit, EditLog, carry_spans
from restore.evidence import SecondLook
from restore.resolver import Candidate, ProtectedSpans, decide
from restore.result import Result
from restore.stages import build_stages
from restore.stages.base import (
    Arbiter, Deferred, Document, EngineReading, EngineView, Focus, Proposal, Protection, Stage, Surveyor,
)
from restore.stages.engine_gaps import junction_gaps
from restore.survey import Survey

log = logging.getLogger(__name__)


class Corrector:
    """A reusable restorer: build once, call :meth:`fix` on many documents.

    Resources (OpenCC, lexicons, the language model) load on first use and stay
    with this object, so a worker process builds one and keeps it. One corrector may
    be shared by threads: stages are built under a lock and each stage publishes its
    resources only once they are loaded whole.
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config if config is not None else Config()
        self._stages: list[Stage] | None = None
        self._building = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # A pickled corrector is its config: the receiving process builds and loads its own stages.
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        Corrector.__init__(self, state["config"])

    @property
    def stages(self) -> list[Stage]:
        """The stage objects, built once on first access (also when several threads ask at once)."""
        if self._stages is None:
            with self._building:
                if self._stages is None:
                    self._stages = build_stages(self.config)
        return self._stages

    @functools.cached_property
    def _arbiters(self) -> tuple[bool, ...]:
        # Which stages arbitrate, worked out once per corrector: isinstance against a runtime
        # Protocol walks its attributes on every call (4 % of the time on short OCR lines).
        return tuple(isinstance(stage, Arbiter) and stage.arbitrates for stage in self.stages)

    def survey_document(self, text: str) -> Survey:
        """What ``text`` tells the stages that learn from a batch (the map of :meth:`survey`)."""
        return Survey({stage.name: stage.survey(text) for stage in self.stages if isinstance(stage, Surveyor)})

    def survey(self, texts: Iterable[str]) -> Survey:
        """The batch's first pass: every document surveyed, the facts merged.

        Pass the result to :meth:`fix` as ``survey=`` for each document of the batch.

        >>> corrector = Corrector(Config(stages=("lexicon",)))
        >>> survey = corrector.survey(["徐汇区委书记到会。", "徐汇区委召开会议。", "天气晴。"])
        >>> survey.to_json()["lexicon"]["徐汇区委"]
        2
        """
        if not any(isinstance(stage, Surveyor) for stage in self.stages):
            return Survey()  # nothing to learn: the texts are not even read
        return Survey.merged(self.survey_document(text) for text in texts)

    def fix(
        self,
        text: str,
        *,
        notes: Mapping[str, object] | None = None,
        survey: Survey | None = None,
        ocr: EngineReading | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> Result:
        """Restore one document; see :func:`restore.fix`.

        ``survey`` is what :meth:`survey` learned from the batch the document belongs to;
        ``notes`` seed :attr:`Document.notes` with other facts known from outside the document.
        ``ocr`` is the engine's reading of ``text`` (per-character confidences and
        alternatives, e.g. a :class:`restore.formats.OcrDocument`); ``ValueError`` when
        its confidences do not cover ``text`` one per code point.

        ``progress(stage, done, total)`` is called as each stage works through the text
        (``done`` of ``total`` characters of its input; ``done == total`` when it finishes),
        so a caller can draw a bar for a long document.
        """
        if isinstance(text, (bytes, bytearray, memoryview)):
            raise TypeError("restore.fix expects str, got bytes: decode it first, e.g. data.decode('utf-8')")
        if not isinstance(text, str):
            raise TypeError(f"restore.fix expects str, got {type(text).__name__}")
        if ocr is not None and len(ocr.confidences) != len(text):
            raise ValueError(f"ocr has {len(ocr.confidences)} confidences for {len(text)} characters")
        if not text:
            return Result(text, text, (), ())
        editlog = EditLog(text)
        document = Document(notes=dict(notes) if notes else {}, batch=survey if survey is not None else Survey())
        work = _Work(editlog, document, ProtectedSpans(), [], ocr, progress)
        work.gaps = junction_gaps(text, getattr(ocr, "boxes", None) or {}) if ocr is not None else {}
        self._round(range(len(self.stages)), work)
        revisit = self._revisit
        if revisit:
            written = editlog.written(_prompts_second_look)
            if written:
                changed = [span for _, span in written]
                # The second look: where the first round changed a character, in the text as restored.
                # (No progress reports: a bar would run through the revisited stages a second time.)
                document.focus = Focus.of(editlog.text, changed)
                document.progress = work.progress = None
                work.first_round = _FirstRound(changed, [f"{e.before}→{e.after}" for e, _ in written])
                self._round(revisit, work)
        return Result(text, editlog.text, editlog.edits, _distinct(work.suggestions, editlog.edits))

    @functools.cached_property
    def _revisit(self) -> tuple[int, ...]:
        # Positions (in self.stages) of the stages the second look runs: Config.revisit's, in pipeline order.
        wanted = set(self.config.revisit)
        return tuple(position for position, stage in enumerate(self.stages) if stage.name in wanted)

    def _round(self, positions: Sequence[int], work: _Work) -> None:
        """Run the stages at ``positions`` (of :attr:`stages`, in order) once over ``work``'s text,
        each proposing and the resolver deciding after it. On the second look
        (``work.document.focus`` set) a proposal outside the focused lines is dropped."""
        stages = self.stages
        arbiters = self._arbiters
        editlog, document, protected = work.editlog, work.document, work.protected
        focus = document.focus
        # Deferrals waiting for the next arbiter, in the coordinates of the current working text.
        pending: list[Deferred] = []
        for turn, position in enumerate(positions):
            stage = stages[position]
            if work.ocr is not None:
                document.engine = engine_view(work.ocr, editlog.edits, work.gaps)
            reported: _StageProgress | None = None
            progress = work.progress
            if progress is not None:
                document.progress = reported = _StageProgress(progress, stage.name)
                progress(stage.name, 0, len(editlog.text))
            if arbiters[position]:
                output = cast(Arbiter, stage).propose(editlog.text, document, deferred=tuple(pending))
                pending = []
            else:
                output = stage.propose(editlog.text, document)
            if progress is not None and reported is not None and reported.done != len(editlog.text):
                progress(stage.name, len(editlog.text), len(editlog.text))
            proposals = list(output.proposals)
            if output.deferred:
                if any(arbiters[later] for later in positions[turn + 1 :]):
                    pending.extend(output.deferred)
                else:
                    proposals.extend(deferral.proposal for deferral in output.deferred)
            if output.protections:
                protected.add(_lifted_spans(editlog, output.protections))
            if focus is not None and work.first_round is not None:
                first = work.first_round
                proposals = [
                    replace(p, evidence=(*p.evidence, SecondLook(first.prompting(editlog.text, p.start, p.end))))
                    for p in proposals
                    if focus.holds(p.start, p.end)
                ]
            candidates = []
            spans: dict[int, tuple[int, int, int]] = {}
            for proposal in proposals:
                lifted = editlog.lift(proposal.start, proposal.end, proposal.after)
                edit = editlog.to_edit(
                    lifted,
                    kind=proposal.kind,
                    confidence=proposal.confidence,
                    source=proposal.source,
                    evidence=proposal.evidence,
                )
                if edit is not None:
                    candidates.append(Candidate(edit, lifted, proposal.priority))
                    spans[id(edit)] = (proposal.start, proposal.end, len(proposal.after))
            if not candidates:
                # Most stages find nothing in most short lines: nothing to decide, and the text,
                # the edits and the pending deferrals all stay as they are.
                continue
            decision = decide(candidates, min_confidence=self.config.min_confidence, protected=protected)
            if decision.applied or decision.absorbed:
                # (Committing nothing would rebuild the same text and index.)
                editlog.commit(decision.applied, decision.absorbed)
            work.suggestions.extend(decision.suggestions)
            if pending:
                pending = _carry(pending, [spans[id(edit)] for edit in decision.applied])
            log.debug("%s: %d applied, %d held back", stage.name, len(decision.applied), len(decision.suggestions))



def _prompts_second_look(edit: Edit) -> bool:
    """Whether the second look weighs ``edit``'s neighbours again: it changed a Han character
    (layout and mark edits change little of what the LM and the script tables read)."""
    return edit.kind in _CHARACTER_KINDS and any(is_bmp_han(ch) for ch in edit.before + edit.after)


_CHARACTER_KINDS = frozenset({"char", "script", "entity"})


@dataclass(frozen=True)
class _FirstRound:
    """The first round's character changes the second look was prompted by: where each wrote
    into the text (sorted, :meth:`EditLog.written`) and its ``before→after``."""

    spans: Sequence[tuple[int, int]]
    labels: Sequence[str]

    def prompting(self, text: str, start: int, end: int) -> tuple[str, ...]:
        """The changes on the line of ``text[start:end]``, nearest first (at most ``_PROMPTS``)."""
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        first = bisect.bisect_left(self.spans, (line_start, line_start))
        last = bisect.bisect_right(self.spans, (line_end, line_end))
        nearest = sorted(range(first, last), key=lambda i: max(self.spans[i][0] - end, start - self.spans[i][1], 0))
        return tuple(self.labels[i] for i in nearest[:_PROMPTS])


# How many first-round changes a second-look edit's evidence names.
_PROMPTS = 4


@dataclass
class _Work:
    """One document's restoration in progress, shared by the pipeline's rounds."""

    editlog: EditLog
    document: Document
    protected: ProtectedSpans
    suggestions: list[Edit]
    ocr: EngineReading | None
    progress: Callable[[str, int, int], None] | None
    gaps: Mapping[int, float] = field(default_factory=dict)
    first_round: _FirstRound | None = None


class _StageProgress:
    """A stage's ``progress(done, total)``, passed on as ``progress(stage, done, total)``; it
    remembers the last ``done`` so the pipeline does not report a finished stage twice."""

    def __init__(self, progress: Callable[[str, int, int], None], stage: str) -> None:
        self._progress = progress
        self._stage = stage
        self.done = -1

    def __call__(self, done: int, total: int) -> None:
        self.done = done
        self._progress(self._stage, done, total)


def _lifted_spans(editlog: EditLog, protections: Sequence[Protection]) -> Iterator[tuple[int, int]]:
    """The protections of the working text in original coordinates."""
    text = editlog.text
    for guard in protections:
        lifted = editlog.lift(guard.start, guard.end, text[guard.start : guard.end])
        yield lifted.start, lifted.end


def _distinct(suggestions: Sequence[Edit], applied: Sequence[Edit]) -> tuple[Edit, ...]:
    """The suggestions in text order, one per change: two stages that both hold back ``:`` → ``：``
    offer it once (at the higher confidence), and a change another stage applied is not offered.

    >>> a = Edit(2, 3, ":", "：", kind="punct", confidence=0.6, source="punct:halfwidth-mark")
    >>> b = Edit(2, 3, ":", "：", kind="punct", confidence=0.7, source="lm:char5")
    >>> [e.source for e in _distinct([a, b], [])], _distinct([a], [b])
    (['lm:char5'], ())
    """
    done = {(e.start, e.end, e.after) for e in applied}
    best: dict[tuple[int, int, str], Edit] = {}
    for edit in suggestions:
        key = (edit.start, edit.end, edit.after)
        if key not in done and (key not in best or edit.confidence > best[key].confidence):
            best[key] = edit
    return tuple(sorted(best.values(), key=lambda e: (e.start, e.end)))


def engine_view(ocr: EngineReading, edits: Sequence[Edit], gaps: Mapping[int, float] | None = None) -> EngineView:
    """The engine's reading moved onto the text with ``edits`` applied (edited characters: ``None``).

    ``gaps``: junction gaps of the original text (:func:`~restore.stages.engine_gaps.junction_gaps`);
    a junction is kept while both its characters are unedited and nothing was inserted in it.

    >>> from restore.edits import Edit
    >>> class Reading:
    ...     engine, confidences, alternatives = "tesseract", (0.9, 0.2, 0.8), {1: (("已", 0.1),)}
    >>> view = engine_view(Reading(), [Edit(0, 0, "", "「", kind="punct", confidence=0.9, source="p")], {2: 1.0})
    >>> view.confidences, view.alternatives, view.gaps
    ((None, 0.9, 0.2, 0.8), {2: (('已', 0.1),)}, {3: 1.0})
    """
    confidences: list[float | None] = []
    alternatives: dict[int, tuple[tuple[str, float | None], ...]] = {}
    moved_gaps: dict[int, float] = {}
    gaps = gaps or {}
    cursor = 0

    def keep(until: int) -> None:
        for offset in range(cursor, until):
            if offset in ocr.alternatives:
                alternatives[len(confidences)] = ocr.alternatives[offset]
            if offset in gaps and offset > cursor:
                moved_gaps[len(confidences)] = gaps[offset]
            confidences.append(ocr.confidences[offset])

    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        keep(edit.start)
        confidences.extend([None] * len(edit.after))
        cursor = edit.end
    keep(len(ocr.confidences))
    return EngineView(ocr.engine, tuple(confidences), alternatives, moved_gaps)


def _carry(deferred: Sequence[Deferred], changes: Sequence[tuple[int, int, int]]) -> list[Deferred]:
    """Deferrals moved across a stage's applied changes; those whose span a change resized are dropped."""
    carried = []
    starts = carry_spans([(d.proposal.start, d.proposal.end) for d in deferred], changes)
    for deferral, start in zip(deferred, starts):
        if start is None:
            continue
        end = start + deferral.proposal.end - deferral.proposal.start
        carried.append(
            Deferred(_moved(deferral.proposal, start, end), _moved(deferral.hedged, start, end), deferral.recheck)
        )
    return carried


def _moved(proposal: Proposal, start: int, end: int) -> Proposal:
    return proposal if (proposal.start, proposal.end) == (start, end) else replace(proposal, start=start, end=end)


# How many configs keep a shared corrector; the least recently used one is dropped beyond this
# (each holds its stages' tables, about 100 MB; the language model is memory-mapped and shared).
SHARED_CORRECTORS = 4
# Keyed by the config and the state of the files it names, so an edited lexicon is reloaded.
_shared: OrderedDict[tuple[Config, tuple[tuple[str, int, int], ...]], Corrector] = OrderedDict()
_shared_lock = threading.Lock()


def shared_corrector(config: Config | None = None) -> Corrector:
    """The process-wide :class:`Corrector` for ``config`` (the default config when None), built once.

    :func:`fix` and ``restore fix`` go through here, so calling ``restore.fix`` once per
    line costs what a reused corrector costs, not a reload of the lexicons, tables and
    language model each time. Configs are frozen and hashable: equal configs share one
    corrector. At most :data:`SHARED_CORRECTORS` are kept (least recently used dropped).
    A file the config names (a lexicon, a model, a confusion table) that changed on disk since
    (size or modification time) gets a new corrector, so an edited lexicon is never served stale.
    Safe to call from several threads: each config's corrector is built once.

    >>> shared_corrector() is shared_corrector(Config())
    True
    >>> shared_corrector(Config(min_confidence=0.9)) is shared_corrector()
    False
    """
    config = config if config is not None else Config()
    key = (config, _file_states(config))
    with _shared_lock:
        corrector = _shared.get(key)
        if corrector is None:
            corrector = _shared[key] = Corrector(config)
            while len(_shared) > SHARED_CORRECTORS:
                _shared.popitem(last=False)
        else:
            _shared.move_to_end(key)
    return corrector


def _file_states(config: Config) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime in ns) of each file ``config`` names; (path, -1, -1) for a missing one."""
    paths = [*config.lexicons, *config.char.confusion_tables, *([config.char.model] if config.char.model else [])]
    states = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            states.append((path, -1, -1))
        else:
            states.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(states)


def fix(text: str, *, config: Config | None = None) -> Result:
    """Restore ``text``: the restored text, every applied edit and every suggestion.

    The corrector for ``config`` is built on the first call and reused by the next ones
    (:func:`shared_corrector`), from any thread; ``Corrector(config)`` gives a private one.
    ``text``: any string (empty included); the result's edits replay onto it exactly. Raises
    :class:`~restore.errors.ResourceError` when a model or table the config needs cannot be loaded.

    >>> result = fix("农民在士她上辛勤劳动,收成很好。")
    >>> result.text
    '农民在土地上辛勤劳动，收成很好。'
    >>> [(e.start, e.before, e.after, e.kind) for e in result.edits]
    [(3, '士', '土', 'char'), (4, '她', '地', 'char'), (10, ',', '，', 'punct')]
    >>> [e.evidence[-1].type for e in result.edits if e.before == "她"]  # fixed once 士 was
    ['second-look']
    """
    return shared_corrector(config).fix(text)
