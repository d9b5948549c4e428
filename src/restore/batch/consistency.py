"""The first pass of a batch: which curated entities each document prints right.

A near-miss of a name in one document gains support when the right form is
printed elsewhere in the batch (evidence ``Consistency(scope="batch")``). The
counts are gathered here before any document is restored and handed to every
worker as ``Document.notes``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from restore.config import Config
from restore.errors import RestoreError
from restore.formats import read_text_of

log = logging.getLogger(__name__)


def collect_batch_notes(config: Config, in_root: Path, files: Sequence[str]) -> dict[str, object]:
    """``{BATCH_NOTE: {canonical form: documents printing it}}``, or ``{}`` without the lexicon stage.

    Files that cannot be read are passed over here; the restoring pass reports them.
    """
    if "lexicon" not in config.stages or not files:
        return {}
    from restore.stages.lexicon import BATCH_NOTE, LexiconStage

    stage = LexiconStage(config)
    documents: Counter[str] = Counter()
    for relative in files:
        path = in_root / relative
        if not path.is_file():
            continue
        try:
            text = read_text_of(path)
        except RestoreError:
            continue
        documents.update(stage.entities(text).keys())
    log.debug("batch consistency: %d entities printed right in %d files", len(documents), len(files))
    return {BATCH_NOTE: dict(sorted(documents.items()))} if documents else {}


def notes_hash(notes: dict[str, object]) -> str:
    """A short stable hash of the notes, so resumed outputs are redone when the batch's votes change."""
    payload = json.dumps(notes, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:16]
