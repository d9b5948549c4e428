"""Restoring a file of any supported format: what ``restore fix``, ``clean`` and ``apply`` call.

:func:`restore_bytes` reads the bytes (plain text or an OCR format, detected by content), restores
the text with the engine's confidences, and gives back the output bytes in the same format (text
for text, TSV and engine JSON) with the record fields that name the element of every edit.

>>> from restore.pipeline import Corrector
>>> done = restore_bytes(Corrector(), "会议于12月17日召开,地点在徐汇。".encode(), "a.txt")
>>> done.output.decode(), done.document is None
('会议于12月17日召开，地点在徐汇。', True)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from restore.edits import Edit, apply_edits
from restore.encodings import decode_document
from restore.formats import read_document, write_document
from restore.formats.model import OcrDocument
from restore.formats.placement import place
from restore.pipeline import Corrector
from restore.result import Result
from restore.stages.engine_prior import calibration_for
from restore.survey import Survey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Restored:
    """One restored file: the result on its text, the bytes to write, and the OCR document read (or None)."""

    result: Result
    output: bytes
    document: OcrDocument | None
    # The encoding the text was read in (restore.encodings; OCR files: their own, reported as utf-8).
    encoding: str = "utf-8"
    # The engine calibration that weighed the file's confidences ("" = none: text only).
    calibration: str = ""

    def annotate(self, record: dict[str, Any]) -> dict[str, Any]:
        """Add ``format``, ``engine``, ``engine_calibration`` and each edit's and suggestion's
        ``element`` to a JSONL record."""
        return annotate_record(record, self.document, self.calibration)


def annotate_record(record: dict[str, Any], document: OcrDocument | None, calibration: str = "") -> dict[str, Any]:
    """The record with the OCR format named and every edit's element (``string_3``, ``line 2``) added.

    ``engine`` is the engine the file names; ``engine_calibration`` the one whose calibration
    weighed its confidences (``--engine`` overrides the file; ``""`` = the text alone was used).
    Edits that cannot go into the file (line joins, space edits) get ``"in_file": false``.
    """
    if document is None:
        return record
    record["format"] = f"{document.format} {document.version}".strip()
    record["engine"] = document.engine
    record["engine_calibration"] = calibration
    for key in ("edits", "suggestions"):
        items = record.get(key, [])
        edits = [Edit.from_json({**item, "evidence": []}) for item in items]
        skipped = {(e.start, e.end, e.after) for e in place(document, edits).not_written}
        for item, edit in zip(items, edits):
            item["element"] = document.describe(edit.start, edit.end)
            if (edit.start, edit.end, edit.after) in skipped:
                item["in_file"] = False
    return record


def restore_bytes(
    corrector: Corrector,
    data: bytes,
    name: str,
    *,
    survey: Survey | None = None,
    encoding: str = "utf-8",
    progress: Callable[[str, int, int], None] | None = None,
) -> Restored:
    """Restore the file ``name`` whose content is ``data``; errors are :class:`InputError` naming it.

    ``survey`` is passed to :meth:`Corrector.fix` (what the batch's first pass learned); plain
    text is decoded in ``encoding`` (:data:`restore.encodings.ENCODINGS`), OCR files as they declare;
    ``progress`` as in :meth:`Corrector.fix`.
    """
    document = read_document(data, name)
    if document is None:
        decoded = decode_document(data, name, encoding)
        result = corrector.fix(decoded.text, survey=survey, progress=progress)
        return Restored(result, result.text.encode("utf-8"), None, decoded.encoding)
    calibration = calibration_for(document.engine, corrector.config.char) if document.has_confidences else ""
    if document.has_confidences and not calibration and corrector.config.char.engine_prior:
        log.warning(
            "%s: the file names no OCR engine restore has a calibration for, so its confidences are not used "
            "(--engine tesseract|ppocrv4|ppocrv6 names the one that read it)",
            name,
        )
    result = corrector.fix(document.text, survey=survey, ocr=document, progress=progress)
    return Restored(result, render(document, result.edits), document, calibration=calibration)


def render(document: OcrDocument, edits: Sequence[Edit]) -> bytes:
    """The output bytes of ``document`` with ``edits``: the file in its format, or the restored text."""
    written = write_document(document, edits)
    if written is not None:
        return written
    return apply_edits(document.text, list(edits)).encode("utf-8")


def apply_bytes(data: bytes, name: str, edits: Sequence[Edit], *, encoding: str = "utf-8") -> bytes:
    """``edits`` (offsets in the text read from ``data``) applied to the file, in its own format
    (plain text is decoded in ``encoding`` and written as UTF-8)."""
    document = read_document(data, name)
    if document is None:
        return apply_edits(decode_document(data, name, encoding, suggest=False).text, list(edits)).encode("utf-8")
    return render(document, edits)
