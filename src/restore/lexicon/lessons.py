"""Lessons: the items of decisions files a reviewer decided, with the original text around them.

:func:`read_lessons` reads decisions files (schema ``restore.decisions/1``), keeps the
decided items and reads each document's original, checking that its path stays inside its
root (links too), that its sha256 is the one reviewed and that every item's text is there.
All problems of all files are gathered into one error, so nothing is learned from half a
review.

>>> lesson = Lesson("工程尚末完成。", 3, 4, "末", "未", True, "char", "char:lm", "a.json", "p.txt")
>>> lesson.phrase(2)
('程尚末完成', 2, 3)
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from restore.decisions import parse_decisions
from restore.errors import EditError, InputError, SchemaError
from restore.formats import text_of

# Items (decided or not) one decisions file may hold: 200,000 is about 10,000 pages reviewed
# at 20 items each, and keeps the parsed file within a few hundred MB.
MAX_ITEMS = 200_000
# A decisions file larger than this is refused before it is parsed (bytes).
MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Lesson:
    """One explicit decision with the original text it was made on.

    ``text[start:end]`` is ``before``; ``accepted`` says whether ``after`` was accepted;
    ``origin`` names the decisions file, ``path`` the document.
    """

    text: str
    start: int
    end: int
    before: str
    after: str
    accepted: bool
    kind: str
    source: str
    origin: str
    path: str

    def phrase(self, context: int) -> tuple[str, int, int]:
        """The printed phrase with up to ``context`` characters each side, and the change's span in it."""
        left = self.text[max(0, self.start - context) : self.start]
        cut = left.rfind("\n")
        if cut >= 0:
            left = left[cut:]  # the line break stays: the phrase starts a line
        right = self.text[self.end : self.end + context]
        cut = right.find("\n")
        if cut >= 0:
            right = right[: cut + 1]
        return left + self.before + right, len(left), len(left) + len(self.before)

    def describe(self) -> str:
        return f"{self.origin}: {self.path} [{self.start}, {self.end}) {self.before!r} → {self.after!r}"


def read_lessons(
    paths: Sequence[str | os.PathLike[str]], *, root: Path | None = None, only_rules: bool = False
) -> list[Lesson]:
    """Every decided item of the decisions files, with its original text (sha256-checked).

    ``root`` overrides the roots the files record. ``only_rules`` keeps only the items a
    reviewer marked "never change this" or "always make this change". Every problem of
    every file is gathered into one :class:`EditError` (or the first :class:`SchemaError`).
    """
    lessons: list[Lesson] = []
    problems: list[str] = []
    for path in paths:
        name = Path(path).name
        documents = parse_decisions(_read_json(Path(path)), name=str(path))
        for document in documents:
            chosen = [d for d in document.decisions if d.decided and (d.rule or not only_rules)]
            if not chosen:
                continue
            text = _original(document.path, document.root, document.sha256, document.encoding, root, problems)
            if text is None:
                continue
            for decision in chosen:
                edit = decision.edit
                if text[edit.start : edit.end] != edit.before:
                    problems.append(f"{path}: {document.path}: item [{edit.start}, {edit.end}) expects "
                                    f"{edit.before[:40]!r}, the original has {text[edit.start:edit.end][:40]!r}")
                    continue
                lessons.append(Lesson(text, edit.start, edit.end, edit.before, edit.after, decision.accepted,
                                      edit.kind, edit.source, name, document.path))
    if problems:
        raise EditError(f"{len(problems)} problem(s); nothing was learned:\n  " + "\n  ".join(problems[:20]))
    return lessons


def _read_json(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from exc
    if size > MAX_FILE_BYTES:
        raise SchemaError(f"{path}: {size:,} bytes is more than a decisions file may have ({MAX_FILE_BYTES:,})")
    try:
        payload = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise SchemaError(f"{path}: not a JSON file: {exc}") from exc
    documents = payload.get("documents") if isinstance(payload, dict) else None
    if isinstance(documents, list):
        items = sum(len(d["edits"]) for d in documents if isinstance(d, dict) and isinstance(d.get("edits"), list))
        if items > MAX_ITEMS:
            raise SchemaError(f"{path}: {items:,} items, more than restore learn reads from one file "
                              f"({MAX_ITEMS:,}); split the review into several decisions files")
    return payload


def _original(
    relative: str, recorded_root: str, sha256: str, encoding: str, root: Path | None, problems: list[str]
) -> str | None:
    """The text of the original whose offsets the decisions count (as ``restore apply`` reads it), or None."""
    base = root if root is not None else Path(recorded_root) if recorded_root else None
    if base is None:
        problems.append(f"{relative}: the decisions do not say where the original is; pass --root")
        return None
    source = base / relative
    try:
        inside = source.resolve().is_relative_to(base.resolve())
        data = source.read_bytes() if inside else b""
    except OSError as exc:
        problems.append(f"{source}: cannot read the original: {exc.strerror or exc}")
        return None
    if not inside:
        problems.append(f"{source}: leads outside {base} (a link?); refused")
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        problems.append(f"{source}: sha256 differs from the decisions (the file changed since it was reviewed)")
        return None
    try:
        # The text restore restored: an OCR file's text as its reader gives it (not the file's bytes),
        # plain text in the encoding the run read it in.
        return text_of(data, str(source), encoding=encoding)
    except InputError as exc:
        problems.append(str(exc))
        return None
