"""The value :func:`restore.fix` returns, and its versioned JSON form.

>>> from restore.edits import Edit
>>> e = Edit(2, 3, ",", "，", kind="punct", confidence=0.95, source="punct:halfwidth")
>>> r = Result("好的,走", "好的，走", (e,), ())
>>> Result.from_json(r.to_json()) == r
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from restore.edits import Edit, apply_edits
from restore.errors import SchemaError

SCHEMA = "restore.edits/1"


@dataclass(frozen=True)
class Result:
    """The restored ``text`` of ``original``, with the applied ``edits`` and the ``suggestions`` held back.

    ``apply_edits(original, edits) == text`` always holds. Suggestions are edits
    of the original that fell below the confidence threshold or lost to an
    overlapping edit; they may overlap each other and the applied edits.
    """

    original: str
    text: str
    edits: tuple[Edit, ...]
    suggestions: tuple[Edit, ...]

    @property
    def changed(self) -> bool:
        """True when at least one edit was applied."""
        return bool(self.edits)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict tagged ``schema: restore.edits/1``."""
        return {
            "schema": SCHEMA,
            "original": self.original,
            "text": self.text,
            "edits": [edit.to_json() for edit in self.edits],
            "suggestions": [edit.to_json() for edit in self.suggestions],
        }

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> Result:
        """Read a result written by :meth:`to_json`, checking the schema tag and that the edits replay."""
        if payload.get("schema") != SCHEMA:
            raise SchemaError(f"expected schema {SCHEMA!r}, got {payload.get('schema')!r}")
        try:
            original = payload["original"]
            edits = tuple(Edit.from_json(item) for item in payload["edits"])
            suggestions = tuple(Edit.from_json(item) for item in payload.get("suggestions", []))
            text = payload["text"]
        except KeyError as exc:
            raise SchemaError(f"result is missing field {exc.args[0]!r}") from exc
        if apply_edits(original, edits) != text:
            raise SchemaError("the edits do not replay onto the original to give the text")
        return cls(original, text, edits, suggestions)
