"""Building the report page from document records (the JSONL lines of ``restore clean``)."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable
from importlib import resources
from typing import Any

from restore import __version__
from restore.decisions import SCHEMA as DECISIONS_SCHEMA
from restore.textio import atomic_write_text

REPORT_SCHEMA = "restore.report/1"
# Fields of a record the page needs; the rest (config hash, restored text) stays out to keep it small.
_DOCUMENT_FIELDS = ("path", "root", "sha256", "encoding", "original", "edits", "suggestions")


def _asset(name: str) -> str:
    return (resources.files("restore.report") / name).read_text(encoding="utf-8")


def embed_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` and line separators escaped.

    >>> embed_json({"t": "</script><b>&"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def build_report(
    records: Iterable[dict[str, Any]],
    *,
    title: str = "restore review report",
    config: dict[str, Any] | None = None,
    spellings: list[dict[str, Any]] | None = None,
) -> str:
    """The report page for some document records, as one HTML string.

    ``config`` (:meth:`restore.Config.to_json`) is shown on the page when given;
    ``spellings`` (:func:`restore.report.spellings.spelled_two_ways`) lists the names and
    terms the batch prints two ways.
    """
    documents = []
    for record in records:
        document = {name: record.get(name) for name in _DOCUMENT_FIELDS}
        document["edits"] = document["edits"] or []
        document["suggestions"] = document["suggestions"] or []
        documents.append(document)
    payload = {
        "schema": REPORT_SCHEMA,
        "decisions_schema": DECISIONS_SCHEMA,
        "generator": f"restore {__version__}",
        "documents": documents,
        "config": config,
        "spellings": spellings or [],
    }
    page = _asset("template.html")
    # The data goes in last so that nothing inside it is ever taken for a placeholder.
    page = page.replace("{{CSS}}", _asset("report.css"), 1).replace("{{JS}}", _asset("report.js"), 1)
    # Braces escaped too, so a title can never look like a placeholder.
    page = page.replace("{{TITLE}}", html.escape(title).replace("{", "&#123;"))
    return page.replace("{{DATA}}", embed_json(payload), 1)


def write_report(records: Iterable[dict[str, Any]], path: str | os.PathLike[str], **options: Any) -> None:
    """Write the report page atomically."""
    atomic_write_text(path, build_report(records, **options))
