"""The first pass of a batch: which curated entities each document prints right.

A near-miss of a name in one document gains support when the right form is
printed elsewhere in the batch (evidence ``Consistency(scope="batch")``). The
counts are gathered here before any document is restored and handed to every
worker as ``Document.notes``. The survey is a map (:func:`count_documents` over
any slice of the batch) and a merge (:func:`notes_from_counts` of the summed
counts), so a cluster runs it where the files are (:mod:`restore.batch.cluster`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from restore.config import Config
from restore.errors import RestoreError
from restore.pipeline import Corrector
from restore.textio import read_text

log = logging.getLogger(__name__)


def collect_batch_notes(config: Config, in_root: Path, files: Sequence[str]) -> dict[str, object]:
    """``{BATCH_NOTE: {canonical form: documents printing it}}``, or ``{}`` without the lexicon stage.

    Files that cannot be read are passed over here; the restoring pass reports them.
    """
    if "lexicon" not in config.stages or not files:
        return {}
    documents = count_documents(Corrector(config), readable_texts(in_root, files))
    log.debug("batch consistency: %d entities printed right in %d files", len(documents), len(files))
    return notes_from_counts(documents)


def surveys(config: Config) -> bool:
    """True when the configuration has a stage that learns from the whole batch."""
    return "lexicon" in config.stages


def count_documents(corrector: Corrector, texts: Iterable[str]) -> Counter[str]:
    """The map step: ``{canonical form: documents of texts printing it}``; empty without the lexicon stage."""
    from restore.stages.lexicon import LexiconStage

    stage = next((s for s in corrector.stages if isinstance(s, LexiconStage)), None)
    documents: Counter[str] = Counter()
    if stage is not None:
        for text in texts:
            documents.update(stage.entities(text).keys())
    return documents


def notes_from_counts(documents: Counter[str]) -> dict[str, object]:
    """The reduce step's result: the notes every worker gets (``{}`` when nothing was counted)."""
    from restore.stages.lexicon import BATCH_NOTE

    return {BATCH_NOTE: dict(sorted(documents.items()))} if documents else {}


def readable_texts(in_root: Path, files: Sequence[str]) -> Iterator[str]:
    """The texts of ``files`` under ``in_root`` that can be read; the restoring pass reports the others."""
    for relative in files:
        path = in_root / relative
        if not path.is_file():
            continue
        try:
            yield read_text(path)
        except RestoreError:
            continue


def notes_hash(notes: dict[str, object]) -> str:
    """A short stable hash of the notes, so resumed outputs are redone when the batch's votes change."""
    payload = json.dumps(notes, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:16]
