"""The self-contained HTML review report.

One file, no network: the page's CSS and JavaScript (``report.css``,
``report.js``, package data beside this module) are inlined into
``template.html`` and the document records are embedded as JSON in a
``<script type="application/json">`` element whose ``<``, ``>`` and ``&`` are
escaped, so no document text can end the script or become markup.
"""

from __future__ import annotations

from restore.report.html import REPORT_SCHEMA, build_report, embed_json, write_report

__all__ = ["REPORT_SCHEMA", "build_report", "embed_json", "write_report"]
