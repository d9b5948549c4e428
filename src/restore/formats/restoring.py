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

from collections.abc import Callable, Mapping, Sequence
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
    # The engine (as the file names it; "" when it names none) whose confidences no calibration
    # weighed, so the text alone was restored; None when they were weighed, or there were none.
    uncalibrated: str | None = None

    def annotate(self, record: dict[str, Any]) -> dict[str, Any]:
        """Add ``format``, ``engine``, ``engine_calibration`` and each edit's and suggestion's
        ``element`` to a JSONL record."""
        return annotate_record(record, self.document, self.calibration)


def annotate_record(record: dict[str, Any], document: OcrDocument | None, calibration: str = "") -> dict[str, Any]:
    """The record with the OCR format named and every edit's element (``string_3``, ``line 2``) added.

    ``engine`` is the engine the file names: restore's name for it when restore knows it
    (``tesseract``, ``ppocrv6``…), else the producer as the file names it (``kraken 4.3``,
    ``ABBYY FineReader 11``; ``""`` when it names none); ``engine_software`` the producer string
    as the file gives it (``tesseract 5.3.0``); ``engine_calibration`` the engine whose calibration
    weighed its confidences (``--engine`` overrides the file; ``""`` = the text alone was used).
    Edits that cannot go into the file (line joins, space edits) get ``"in_file": false``. A plain
    text file's record gets ``"format": "text"`` only (no engine, no elements).
    """
    if document is None:
        record["format"] = "text"
        return record
    record["format"] = f"{document.format} {document.version}".strip()
    record["engine"] = document.engine or document.software
    record["engine_software"] = document.software
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
    uncalibrated = None
    if document.has_confidences and not calibration and corrector.config.char.engine_prior:
        uncalibrated = document.engine or document.software
    result = corrector.fix(document.text, survey=survey, ocr=document, progress=progress)
    return Restored(result, render(document, result.edits), document, calibration=calibration,
                    uncalibrated=uncalibrated)


def uncalibrated_warning(engines: Mapping[str, int], *, file: str = "") -> str:
    """The one warning for files whose confidences no engine calibration weighed.

    ``engines``: the engine each such file names (``""``: none) -> how many files; ``file``: the
    one file's name (``restore fix``). ``restore clean`` says it once per batch, without names.

    >>> uncalibrated_warning({"kraken 4.3": 1}, file="p1.xml")[:72]
    'p1.xml: restored from its text alone: restore has no calibration for kra'
    >>> uncalibrated_warning({"ABBYY FineReader 11": 9998, "": 2})[:153]
    '10000 files were restored from their text alone: restore has no calibration for their engines (ABBYY FineReader 11: 9998 files, no engine named: 2 files)'
    """
    if file:
        engine = next(iter(engines))
        why = f"restore has no calibration for {engine}" if engine else "the file names no OCR engine"
        what = f"{file}: restored from its text alone: {why}, so its"
    else:
        files = sum(engines.values())
        named = ", ".join(f"{engine or 'no engine named'}: {count} file{'s' if count > 1 else ''}"
                          for engine, count in sorted(engines.items(), key=lambda item: (-item[1], not item[0], item[0])))
        what = (f"{files} file{'s were' if files > 1 else ' was'} restored from their text alone: restore has no "
                f"calibration for their engines ({named}), so their")
    return (
        f"{what} confidences and the engine's alternatives are not used. --engine tesseract|ppocrv4|ppocrv6 "
        "weighs them with that engine's calibration instead; pass it only for files that engine read, as each "
        "engine's confidences are on its own scale (README, 'OCR files')"
    )


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
