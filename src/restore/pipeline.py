"""The restoration pipeline: stages propose in order, the resolver decides after each.

>>> Corrector().fix("会议于 12 月 17 日召开,地点在徐汇.").text
'会议于12月17日召开，地点在徐汇.'

The contract between the stages (what each reads and writes, deferral, the batch survey) is
described in ``src/restore/README.md``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from restore.config import Config
from restore.edits import Edit, EditLog, carry_span
from restore.resolver import Candidate, decide
from restore.result import Result
from restore.stages import build_stages
from restore.stages.base import Arbiter, Deferred, Document, Proposal, Stage, Surveyor
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
        """The stage objects, built on first access."""
        if self._stages is None:
            with self._building:
                if self._stages is None:
                    self._stages = build_stages(self.config)
        return self._stages

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

    def fix(self, text: str, *, notes: Mapping[str, object] | None = None, survey: Survey | None = None) -> Result:
        """Restore one document; see :func:`restore.fix`.

        ``survey`` is what :meth:`survey` learned from the batch the document belongs to;
        ``notes`` seed :attr:`Document.notes` with other facts known from outside the document.
        """
        if isinstance(text, (bytes, bytearray, memoryview)):
            raise TypeError("restore.fix expects str, got bytes: decode it first, e.g. data.decode('utf-8')")
        if not isinstance(text, str):
            raise TypeError(f"restore.fix expects str, got {type(text).__name__}")
        if not text:
            return Result(text, text, (), ())
        editlog = EditLog(text)
        document = Document(notes=dict(notes) if notes else {}, batch=survey if survey is not None else Survey())
        protected: list[tuple[int, int]] = []
        suggestions: list[Edit] = []
        # Deferrals waiting for the next arbiter, in the coordinates of the current working text.
        pending: list[Deferred] = []
        stages = self.stages
        for position, stage in enumerate(stages):
            if isinstance(stage, Arbiter) and stage.arbitrates:
                output = stage.propose(editlog.text, document, deferred=tuple(pending))
                pending = []
            else:
                output = stage.propose(editlog.text, document)
            proposals = list(output.proposals)
            if output.deferred:
                if any(isinstance(later, Arbiter) and later.arbitrates for later in stages[position + 1 :]):
                    pending.extend(output.deferred)
                else:
                    proposals.extend(deferral.proposal for deferral in output.deferred)
            for guard in output.protections:
                lifted = editlog.lift(guard.start, guard.end, editlog.text[guard.start : guard.end])
                protected.append((lifted.start, lifted.end))
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
            decision = decide(candidates, min_confidence=self.config.min_confidence, protected=protected)
            editlog.commit(decision.applied, decision.absorbed)
            suggestions.extend(decision.suggestions)
            if pending:
                pending = _carry(pending, [spans[id(edit)] for edit in decision.applied])
            log.debug("%s: %d applied, %d held back", stage.name, len(decision.applied), len(decision.suggestions))
        return Result(text, editlog.text, editlog.edits, tuple(sorted(suggestions, key=lambda e: (e.start, e.end))))


def _carry(deferred: Sequence[Deferred], changes: Sequence[tuple[int, int, int]]) -> list[Deferred]:
    """Deferrals moved across a stage's applied changes; those whose span a change resized are dropped."""
    carried = []
    for deferral in deferred:
        start = carry_span(deferral.proposal.start, deferral.proposal.end, changes)
        if start is None:
            continue
        end = start + deferral.proposal.end - deferral.proposal.start
        carried.append(
            Deferred(_moved(deferral.proposal, start, end), _moved(deferral.hedged, start, end), deferral.recheck)
        )
    return carried


def _moved(proposal: Proposal, start: int, end: int) -> Proposal:
    return proposal if (proposal.start, proposal.end) == (start, end) else replace(proposal, start=start, end=end)


def fix(text: str, *, config: Config | None = None) -> Result:
    """Restore ``text``: the restored text, every applied edit and every suggestion.

    For many documents build one :class:`Corrector` and reuse it.
    """
    return Corrector(config).fix(text)
