"""The restoration pipeline: stages propose in order, the resolver decides after each.

>>> Corrector().fix("会议于 12 月 17 日召开,地点在徐汇.").text
'会议于12月17日召开，地点在徐汇.'
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping, Sequence

from restore.config import Config
from restore.edits import Edit, EditLog
from restore.resolver import Candidate, decide
from restore.result import Result
from restore.stages.base import Document, EngineReading, EngineView, Stage

log = logging.getLogger(__name__)

# Stage name -> "module:factory"; a factory takes the Config and returns a Stage.
STAGE_FACTORIES = {
    "layout": "restore.stages.layout:LayoutStage",
    "punct": "restore.stages.punct:PunctStage",
    "script": "restore.stages.script:ScriptStage",
    "lexicon": "restore.stages.lexicon:LexiconStage",
    "char": "restore.stages.char:CharStage",
}


def build_stages(config: Config) -> list[Stage]:
    """Instantiate the configured stages in pipeline order (resources still load lazily)."""
    stages: list[Stage] = []
    for name in config.stages:
        module_name, _, factory_name = STAGE_FACTORIES[name].partition(":")
        factory = getattr(importlib.import_module(module_name), factory_name)
        stages.append(factory(config))
    return stages


class Corrector:
    """A reusable restorer: build once, call :meth:`fix` on many documents.

    Resources (OpenCC, lexicons, the language model) load on first use and stay
    with this object, so a worker process builds one and keeps it.
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config if config is not None else Config()
        self._stages: list[Stage] | None = None

    @property
    def stages(self) -> list[Stage]:
        """The stage objects, built on first access."""
        if self._stages is None:
            self._stages = build_stages(self.config)
        return self._stages

    def fix(
        self, text: str, *, notes: Mapping[str, object] | None = None, ocr: EngineReading | None = None
    ) -> Result:
        """Restore one document; see :func:`restore.fix`.

        ``notes`` seed :attr:`Document.notes` with what is known from outside the
        document (batch mode passes the entities printed right across the batch).
        ``ocr`` is the engine's reading of ``text`` (per-character confidences and
        alternatives, e.g. a :class:`restore.formats.OcrDocument`); ``ValueError`` when
        its confidences do not cover ``text`` one per code point.
        """
        if isinstance(text, (bytes, bytearray, memoryview)):
            raise TypeError("restore.fix expects str, got bytes: decode it first, e.g. data.decode('utf-8')")
        if not isinstance(text, str):
            raise TypeError(f"restore.fix expects str, got {type(text).__name__}")
        if ocr is not None and len(ocr.confidences) != len(text):
            raise ValueError(f"ocr has {len(ocr.confidences)} confidences for {len(text)} characters")
        editlog = EditLog(text)
        document = Document(notes=dict(notes) if notes else {})
        protected: list[tuple[int, int]] = []
        suggestions: list[Edit] = []
        if not text:
            return Result(text, text, (), ())
        for stage in self.stages:
            if ocr is not None:
                document.engine = engine_view(ocr, editlog.edits)
            output = stage.propose(editlog.text, document)
            for guard in output.protections:
                lifted = editlog.lift(guard.start, guard.end, editlog.text[guard.start : guard.end])
                protected.append((lifted.start, lifted.end))
            candidates = []
            for proposal in output.proposals:
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
            decision = decide(candidates, min_confidence=self.config.min_confidence, protected=protected)
            editlog.commit(decision.applied, decision.absorbed)
            suggestions.extend(decision.suggestions)
            log.debug("%s: %d applied, %d held back", stage.name, len(decision.applied), len(decision.suggestions))
        return Result(text, editlog.text, editlog.edits, tuple(sorted(suggestions, key=lambda e: (e.start, e.end))))


def engine_view(ocr: EngineReading, edits: Sequence[Edit]) -> EngineView:
    """The engine's reading moved onto the text with ``edits`` applied (edited characters: ``None``).

    >>> from restore.edits import Edit
    >>> class Reading:
    ...     engine, confidences, alternatives = "tesseract", (0.9, 0.2, 0.8), {1: (("已", 0.1),)}
    >>> view = engine_view(Reading(), [Edit(0, 0, "", "「", kind="punct", confidence=0.9, source="p")])
    >>> view.confidences, view.alternatives
    ((None, 0.9, 0.2, 0.8), {2: (('已', 0.1),)})
    """
    confidences: list[float | None] = []
    alternatives: dict[int, tuple[tuple[str, float | None], ...]] = {}
    cursor = 0

    def keep(until: int) -> None:
        for offset in range(cursor, until):
            if offset in ocr.alternatives:
                alternatives[len(confidences)] = ocr.alternatives[offset]
            confidences.append(ocr.confidences[offset])

    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        keep(edit.start)
        confidences.extend([None] * len(edit.after))
        cursor = edit.end
    keep(len(ocr.confidences))
    return EngineView(ocr.engine, tuple(confidences), alternatives)


def fix(text: str, *, config: Config | None = None) -> Result:
    """Restore ``text``: the restored text, every applied edit and every suggestion.

    For many documents build one :class:`Corrector` and reuse it.
    """
    return Corrector(config).fix(text)


def fix_all(texts: Sequence[str], *, config: Config | None = None) -> list[Result]:
    """Restore several documents with one corrector."""
    corrector = Corrector(config)
    return [corrector.fix(t) for t in texts]
