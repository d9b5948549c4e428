"""The first pass of a batch: what the stages that learn from a whole batch need to know.

A near-miss of a name in one document gains support when the right form is
printed elsewhere in the batch (evidence ``Consistency(scope="batch")``). The
facts are surveyed here (:meth:`restore.pipeline.Corrector.survey`) before any
document is restored and handed to every worker as a :class:`~restore.survey.Survey`.
On a Dask cluster the same survey runs as a map over chunks of files and a merge
(:mod:`restore.batch.cluster`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from restore.config import Config
from restore.errors import RestoreError
from restore.pipeline import Corrector
from restore.survey import Survey
from restore.textio import read_text

log = logging.getLogger(__name__)


def survey_batch(config: Config, in_root: Path, files: Sequence[str], *, encoding: str = "utf-8") -> Survey:
    """The merged survey of every readable file (empty when no stage surveys or no file is given).

    ``encoding`` is how the files are decoded (one of :data:`restore.encodings.ENCODINGS`).

    Files that cannot be read are passed over here; the restoring pass reports them.
    """
    if not files:
        return Survey()
    survey = Corrector(config).survey(readable_texts(in_root, files, encoding))
    log.debug("batch survey of %d files: %s", len(files), ", ".join(survey.facts) or "nothing to learn")
    return survey


def readable_texts(in_root: Path, files: Sequence[str], encoding: str = "utf-8") -> Iterator[str]:
    """The texts of ``files`` under ``in_root`` that can be read; the restoring pass reports the others."""
    for relative in files:
        path = in_root / relative
        if not path.is_file():
            continue
        try:
            yield read_text(path, encoding=encoding)
        except RestoreError:
            continue


def notes_hash(notes: dict[str, Any]) -> str:
    """A short stable hash of the batch's facts, so resumed outputs are redone when they change."""
    payload = json.dumps(notes, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:16]
