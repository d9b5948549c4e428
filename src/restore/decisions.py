"""Review decisions (schema ``restore.decisions/1``) and applying them to the original files.

The HTML report exports, for every document, each edit and suggestion with an
``accepted`` flag. :func:`apply_decisions` replays exactly the accepted ones
onto the original file, after checking that the file still has the sha256 the
edits were made for::

    {"schema": "restore.decisions/1",
     "documents": [{"path": "2024/a.txt", "root": "/archive/in", "sha256": "…",
                    "edits": [{"start": 3, "end": 4, "before": ",", "after": "，",
                               "kind": "punct", "source": "punct:halfwidth",
                               "confidence": 0.95, "origin": "edit", "accepted": true}]}]}

Everything is checked before anything is written, so a bad decisions file never
leaves half the outputs behind.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from restore.edits import Edit, conflicts
from restore.errors import EditError, InputError, SchemaError
from restore.formats import output_name
from restore.formats.restoring import apply_bytes
from restore.textio import atomic_write_bytes

SCHEMA = "restore.decisions/1"
ORIGINS = ("edit", "suggestion")


@dataclass(frozen=True)
class Decision:
    """One edit or suggestion of a document and whether the reviewer accepted it."""

    edit: Edit
    origin: str
    accepted: bool

    def describe(self, index: int) -> str:
        """A short human description used in error messages."""
        e = self.edit
        return f"#{index} [{e.start}, {e.end}) {e.before!r} → {e.after!r} ({self.origin}, {e.source})"


@dataclass(frozen=True)
class DocumentDecisions:
    """The decisions about one document."""

    path: str
    root: str
    sha256: str
    decisions: tuple[Decision, ...]

    @property
    def accepted(self) -> list[Edit]:
        return [d.edit for d in self.decisions if d.accepted]


def default_decisions(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The decisions a reviewer starts from: applied edits accepted, suggestions rejected."""
    documents = []
    for record in records:
        items = [_item(edit, "edit", True) for edit in record.get("edits", [])]
        items += [_item(edit, "suggestion", False) for edit in record.get("suggestions", [])]
        documents.append(
            {"path": record["path"], "root": record.get("root", ""), "sha256": record["sha256"], "edits": items}
        )
    return {"schema": SCHEMA, "documents": documents}


def _item(edit: dict[str, Any], origin: str, accepted: bool) -> dict[str, Any]:
    fields = ("start", "end", "before", "after", "kind", "source", "confidence")
    return {**{name: edit[name] for name in fields}, "origin": origin, "accepted": accepted}


def parse_decisions(payload: Any, *, name: str = "decisions") -> list[DocumentDecisions]:
    """Validate a decisions object; errors are :class:`SchemaError` naming the document and edit."""
    if not isinstance(payload, dict) or payload.get("schema") != SCHEMA:
        found = payload.get("schema") if isinstance(payload, dict) else type(payload).__name__
        raise SchemaError(f"{name}: expected schema {SCHEMA!r}, got {found!r}")
    documents = payload.get("documents")
    if not isinstance(documents, list):
        raise SchemaError(f"{name}: 'documents' must be a list")
    parsed = []
    seen: set[str] = set()
    for number, document in enumerate(documents, start=1):
        where = f"{name}: document {number}"
        if not isinstance(document, dict):
            raise SchemaError(f"{where}: must be an object")
        try:
            path, root, sha = document["path"], document.get("root", ""), document["sha256"]
            items = document["edits"]
        except KeyError as exc:
            raise SchemaError(f"{where}: missing field {exc.args[0]!r}") from exc
        if not isinstance(path, str) or not _safe_relative(path):
            raise SchemaError(f"{where}: path {path!r} must be relative and stay inside the root")
        if path in seen:
            raise SchemaError(f"{where}: {path} appears twice")
        seen.add(path)
        if not isinstance(items, list):
            raise SchemaError(f"{where} ({path}): 'edits' must be a list")
        parsed.append(DocumentDecisions(path, str(root), str(sha), tuple(_decision(i, path, name) for i in items)))
    return parsed


def _decision(item: Any, path: str, name: str) -> Decision:
    if not isinstance(item, dict):
        raise SchemaError(f"{name}: {path}: each edit must be an object")
    origin, accepted = item.get("origin", "edit"), item.get("accepted")
    if origin not in ORIGINS:
        raise SchemaError(f"{name}: {path}: unknown origin {origin!r}")
    if not isinstance(accepted, bool):
        raise SchemaError(f"{name}: {path}: 'accepted' must be true or false, got {accepted!r}")
    try:
        edit = Edit.from_json({**item, "evidence": []})
    except SchemaError as exc:
        raise SchemaError(f"{name}: {path}: {exc}") from exc
    return Decision(edit, origin, accepted)


def _safe_relative(path: str) -> bool:
    pure = PurePosixPath(path)
    return bool(path) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in path


def load_decisions(path: str | os.PathLike[str]) -> list[DocumentDecisions]:
    """Read and validate a decisions JSON file."""
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise SchemaError(f"{path}: not a JSON file: {exc}") from exc
    return parse_decisions(payload, name=str(path))


def find_conflicts(document: DocumentDecisions) -> list[tuple[str, str]]:
    """Pairs (described) of accepted decisions that cannot both be applied."""
    accepted = [(i, d) for i, d in enumerate(document.decisions, start=1) if d.accepted]
    accepted.sort(key=lambda pair: (pair[1].edit.start, pair[1].edit.end))
    clashes: list[tuple[str, str]] = []
    open_items: list[tuple[int, Decision]] = []
    for index, decision in accepted:
        # Keep only earlier decisions that may still reach this one.
        open_items = [(j, d) for j, d in open_items if d.edit.end >= decision.edit.start]
        for j, other in open_items:
            if conflicts(other.edit, decision.edit):
                clashes.append((other.describe(j), decision.describe(index)))
        open_items.append((index, decision))
    return clashes


def plan(documents: list[DocumentDecisions], *, root: Path | None = None) -> list[tuple[Path, str, bytes]]:
    """Check every document and compute its output: ``(input file, relative output path, new bytes)``.

    OCR files (ALTO, hOCR, PAGE) get the accepted edits written back in their own format; TSV and
    engine JSON give the restored text as ``NAME.txt`` (:func:`restore.formats.output_name`).

    All problems of all documents are gathered into one error, so a reviewer
    sees everything that needs fixing at once.
    """
    problems: list[str] = []
    planned: list[tuple[Path, str, bytes]] = []
    for document in documents:
        base = root if root is not None else Path(document.root) if document.root else None
        if base is None:
            problems.append(f"{document.path}: the decisions do not say where the original is; pass --root")
            continue
        source = base / document.path
        try:
            data = source.read_bytes()
        except OSError as exc:
            problems.append(f"{source}: cannot read the original: {exc.strerror}")
            continue
        if hashlib.sha256(data).hexdigest() != document.sha256:
            problems.append(f"{source}: sha256 differs from the decisions (the file changed since it was reviewed)")
            continue
        clashes = find_conflicts(document)
        if clashes:
            problems.extend(f"{source}: accepted edits conflict: {a} and {b}" for a, b in clashes)
            continue
        try:
            output = apply_bytes(data, str(source), document.accepted)
        except (EditError, InputError) as exc:
            problems.append(f"{source}: {exc}")
            continue
        planned.append((source, output_name(document.path), output))
    if problems:
        if len(problems) == 1:
            raise EditError(f"{problems[0]}; nothing was written")
        raise EditError(f"{len(problems)} problems; nothing was written:\n  " + "\n  ".join(problems))
    return planned


def apply_decisions(
    documents: list[DocumentDecisions], out_dir: str | os.PathLike[str], *, root: Path | None = None
) -> list[Path]:
    """Write every document with exactly its accepted edits under ``out_dir``; returns the files written.

    Nothing is written unless every document checks out; an output that would
    replace its own original is refused.
    """
    out_root = Path(out_dir).resolve()
    planned = plan(documents, root=root)
    targets = []
    for source, relative, _text in planned:
        target = out_root / relative
        if target.resolve() == source.resolve():
            raise InputError(f"{target}: would overwrite its original; choose another output directory")
        targets.append(target)
    for target, (_source, _relative, output) in zip(targets, planned):
        atomic_write_bytes(target, output)
    return targets
