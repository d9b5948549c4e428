"""The restoration pipeline: stages propose in order, the resolver decides after each.

>>> Corrector().fix("会议于 12 月 17 日召开,地点在徐汇.").text
'会议于12月17日召开，地点在徐汇.'
"""

from __future__ import annotations

import functools
import importlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

from restore.config import Config
from restore.edits import Edit, EditLog
from restore.resolver import Candidate, decide
from restore.result import Result
from restore.stages.base import Document, Stage

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
        self._stages_lock = threading.Lock()

    @property
    def stages(self) -> list[Stage]:
        """The stage objects, built once on first access (also when several threads ask at once)."""
        if self._stages is None:
            with self._stages_lock:
                if self._stages is None:
                    self._stages = build_stages(self.config)
        return self._stages

    def fix(
        self,
        text: str,
        *,
        notes: Mapping[str, object] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> Result:
        """Restore one document; see :func:`restore.fix`.

        ``notes`` seed :attr:`Document.notes` with what is known from outside the
        document (batch mode passes the entities printed right across the batch).
        ``progress(stage, done, total)`` is called as each stage works through the text
        (``done`` of ``total`` characters of its input; ``done == total`` when it finishes),
        so a caller can draw a bar for a long document.
        """
        if isinstance(text, (bytes, bytearray, memoryview)):
            raise TypeError("restore.fix expects str, got bytes: decode it first, e.g. data.decode('utf-8')")
        if not isinstance(text, str):
            raise TypeError(f"restore.fix expects str, got {type(text).__name__}")
        editlog = EditLog(text)
        document = Document(notes=dict(notes) if notes else {})
        protected: list[tuple[int, int]] = []
        suggestions: list[Edit] = []
        if not text:
            return Result(text, text, (), ())
        for stage in self.stages:
            if progress is not None:
                document.progress = functools.partial(progress, stage.name)
                progress(stage.name, 0, len(editlog.text))
            output = stage.propose(editlog.text, document)
            if progress is not None:
                progress(stage.name, len(editlog.text), len(editlog.text))
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


# How many configs keep a shared corrector; the least recently used one is dropped beyond this
# (each holds its stages' tables, about 100 MB; the language model is memory-mapped and shared).
SHARED_CORRECTORS = 4
_shared: OrderedDict[Config, Corrector] = OrderedDict()
_shared_lock = threading.Lock()


def shared_corrector(config: Config | None = None) -> Corrector:
    """The process-wide :class:`Corrector` for ``config`` (the default config when None), built once.

    :func:`fix`, :func:`fix_all` and ``restore fix`` go through here, so calling
    ``restore.fix`` once per line costs what a reused corrector costs, not a reload of the
    lexicons, tables and language model each time. Configs are frozen and hashable: equal
    configs share one corrector. At most :data:`SHARED_CORRECTORS` are kept (least recently
    used dropped). Safe to call from several threads: each config's corrector is built once.

    >>> shared_corrector() is shared_corrector(Config())
    True
    >>> shared_corrector(Config(min_confidence=0.9)) is shared_corrector()
    False
    """
    config = config if config is not None else Config()
    with _shared_lock:
        corrector = _shared.get(config)
        if corrector is None:
            corrector = _shared[config] = Corrector(config)
            while len(_shared) > SHARED_CORRECTORS:
                _shared.popitem(last=False)
        else:
            _shared.move_to_end(config)
    return corrector


def fix(text: str, *, config: Config | None = None) -> Result:
    """Restore ``text``: the restored text, every applied edit and every suggestion.

    The corrector for ``config`` is built on the first call and reused by the next ones
    (:func:`shared_corrector`), from any thread; ``Corrector(config)`` gives a private one.
    """
    return shared_corrector(config).fix(text)


def fix_all(texts: Sequence[str], *, config: Config | None = None) -> list[Result]:
    """Restore several documents with the shared corrector for ``config``."""
    corrector = shared_corrector(config)
    return [corrector.fix(t) for t in texts]
