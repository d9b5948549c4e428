"""Review decisions (schema ``restore.decisions/1``) and applying them to the original files.

The HTML report exports, for every document, each edit and suggestion with an
``accepted`` flag. :func:`apply_decisions` replays exactly the accepted ones
onto the original file, after checking that the file still has the sha256 the
edits were made for::

    {"schema": "restore.decisions/1",
     "documents": [{"path": "2024/a.txt", "root": "/archive/in", "sha256": "…",
                    "edits": [{"start": 3, "end": 4, "before": ",", "after": "，",
                               "kind": "punct", "source": "punct:halfwidth",
                               "confidence": 0.95, "origin": "edit", "accepted": true,
                               "decided": true, "rule": "never"}]}]}

Each document has its ``path`` (relative to ``root``), its ``sha256`` and its ``edits``: the
edits **and the suggestions** of the JSONL record in one list, each with ``origin``
(``"edit"``, the default, or ``"suggestion"``) and ``accepted``. ``root`` is optional: without it,
``restore apply --jsonl EDITS.jsonl`` takes the folder the JSONL records for that path (and
``--root`` names it for every document). ``encoding`` (optional) is the ``--encoding`` the
original was read in. ``decided`` (optional, default ``false``) says the reviewer set this item
(an untouched default is no lesson); ``rule`` (optional) is ``"never"`` (never change this,
with ``accepted: false``) or ``"always"`` (always make this change, ``accepted: true``) when
the reviewer asked for a project rule. ``restore learn`` (:mod:`restore.lexicon.learn`)
turns decided items into project rules; files without these fields still load, as
undecided. An item may also carry the fields a JSONL edit has (``evidence``, ``element``,
``in_file``), which are not used. Any other key, at the top, in a document or in an item, is an
error (:class:`SchemaError` naming it): a misspelt or misplaced field (a ``suggestions`` list
beside ``edits``) must never make an accepted change vanish without a word.

Everything is checked before anything is written, and the outputs are written
to temporaries and renamed only once all of them are on disk, so a bad decisions
file or a failing disk never leaves half the outputs behind. Paths are
normalised (``./a.txt`` and ``a.txt`` are one document), and a ``root`` is only
trusted when the JSONL the report was built from records it (or it is given on
the command line): a decisions file cannot make ``apply`` copy files from
elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from restore.edits import Edit, conflicts
from restore.encodings import ENCODINGS
from restore.formats import output_name
from restore.formats.restoring import apply_bytes
from restore.errors import EditError, InputError, SchemaError
from restore.textio import display_path, read_bytes, write_all_or_nothing
from restore.writeguard import WriteGuard

SCHEMA = "restore.decisions/1"
ORIGINS = ("edit", "suggestion")
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
# Characters no document path may hold: NUL and the other controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A reviewer's request for a project rule, and the decision it implies (accepted or not).
RULE_REQUESTS = {"never": False, "always": True}
# The keys each level of a decisions file may have (anything else is a SchemaError).
TOP_KEYS = frozenset({"schema", "documents"})
DOCUMENT_KEYS = frozenset({"path", "root", "sha256", "edits", "encoding"})
ITEM_KEYS = frozenset({"start", "end", "before", "after", "kind", "source", "confidence", "origin", "accepted",
                       "decided", "rule"})
# Fields of a JSONL record's edits an item may carry along (copied from the record); not used.
RECORD_ONLY_ITEM_KEYS = frozenset({"evidence", "element", "in_file"})


@dataclass(frozen=True)
class Decision:
    """One edit or suggestion of a document and whether the reviewer accepted it.

    ``decided`` is true when the reviewer set it explicitly; ``rule`` is ``"never"``,
    ``"always"`` or ``""`` (see the module docstring).
    """

    edit: Edit
    origin: str
    accepted: bool
    decided: bool = False
    rule: str = ""

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
    # How the original's bytes are decoded (one of restore.encodings.ENCODINGS but "auto").
    encoding: str = "utf-8"

    @property
    def accepted(self) -> list[Edit]:
        return [d.edit for d in self.decisions if d.accepted]


def default_decisions(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The decisions a reviewer starts from: applied edits accepted, suggestions rejected."""
    documents = []
    for record in records:
        items = [_item(edit, "edit", True) for edit in record.get("edits", [])]
        items += [_item(edit, "suggestion", False) for edit in record.get("suggestions", [])]
        document = {"path": record["path"], "root": record.get("root", ""), "sha256": record["sha256"], "edits": items}
        if record.get("encoding", "utf-8") != "utf-8":
            document["encoding"] = _family(record["encoding"])
        documents.append(document)
    return {"schema": SCHEMA, "documents": documents}


def _item(edit: dict[str, Any], origin: str, accepted: bool) -> dict[str, Any]:
    fields = ("start", "end", "before", "after", "kind", "source", "confidence")
    return {**{name: edit[name] for name in fields}, "origin": origin, "accepted": accepted, "decided": False}


def parse_decisions(payload: Any, *, name: str = "decisions") -> list[DocumentDecisions]:
    """Validate a decisions object; errors are :class:`SchemaError` naming the document and edit.

    Paths are normalised (``./a.txt`` is ``a.txt``) before the duplicate check.
    """
    if not isinstance(payload, dict) or payload.get("schema") != SCHEMA:
        found = payload.get("schema") if isinstance(payload, dict) else type(payload).__name__
        raise SchemaError(f"{name}: expected schema {SCHEMA!r}, got {found!r}")
    _no_unknown_keys(payload, TOP_KEYS, name)
    documents = payload.get("documents")
    if not isinstance(documents, list):
        raise SchemaError(f"{name}: 'documents' must be a list")
    parsed = []
    seen: dict[str, int] = {}
    for number, document in enumerate(documents, start=1):
        where = f"{name}: document {number}"
        if not isinstance(document, dict):
            raise SchemaError(f"{where}: must be an object")
        _no_unknown_keys(document, DOCUMENT_KEYS, f"{where} ({document.get('path', 'no path')})")
        try:
            path, root, sha = document["path"], document.get("root", ""), document["sha256"]
            items = document["edits"]
        except KeyError as exc:
            raise SchemaError(f"{where}: missing field {exc.args[0]!r}") from exc
        normal = normalise_path(path)
        if normal is None:
            raise SchemaError(f"{where}: path {path!r} must be relative and stay inside the root")
        if normal in seen:
            raise SchemaError(f"{where}: {normal} appears twice (as document {seen[normal]} too)")
        seen[normal] = number
        if not isinstance(root, str) or _CONTROL.search(root):
            raise SchemaError(f"{where} ({normal}): 'root' must be a folder name, got {root!r}")
        if not isinstance(sha, str) or not _SHA256.match(sha):
            raise SchemaError(f"{where} ({normal}): 'sha256' must be 64 lowercase hex digits, got {sha!r}")
        encoding = document.get("encoding", "utf-8")
        if encoding not in ENCODINGS or encoding == "auto":
            raise SchemaError(f"{where} ({normal}): unknown encoding {encoding!r}")
        if not isinstance(items, list):
            raise SchemaError(f"{where} ({normal}): 'edits' must be a list")
        decisions = tuple(_decision(i, normal, name) for i in items)
        parsed.append(DocumentDecisions(normal, root, sha, decisions, encoding))
    return parsed


def _decision(item: Any, path: str, name: str) -> Decision:
    if not isinstance(item, dict):
        raise SchemaError(f"{name}: {path}: each edit must be an object")
    _no_unknown_keys(item, ITEM_KEYS | RECORD_ONLY_ITEM_KEYS, f"{name}: {path}: edit [{item.get('start')}, {item.get('end')})")
    origin, accepted = item.get("origin", "edit"), item.get("accepted")
    if origin not in ORIGINS:
        raise SchemaError(f"{name}: {path}: unknown origin {origin!r}")
    if not isinstance(accepted, bool):
        raise SchemaError(f"{name}: {path}: 'accepted' must be true or false, got {accepted!r}")
    decided, rule = item.get("decided", False), item.get("rule", "")
    if not isinstance(decided, bool):
        raise SchemaError(f"{name}: {path}: 'decided' must be true or false, got {decided!r}")
    if rule:
        if not isinstance(rule, str) or rule not in RULE_REQUESTS:
            raise SchemaError(f"{name}: {path}: 'rule' must be one of {sorted(RULE_REQUESTS)}, got {rule!r}")
        if RULE_REQUESTS[rule] != accepted:
            raise SchemaError(f"{name}: {path}: rule {rule!r} contradicts 'accepted': {accepted}")
    try:
        edit = Edit.from_json({**item, "evidence": []})
    except SchemaError as exc:
        raise SchemaError(f"{name}: {path}: {exc}") from exc
    return Decision(edit, origin, accepted, decided or bool(rule), rule)


def _no_unknown_keys(obj: dict[str, Any], known: frozenset[str], where: str) -> None:
    """:class:`SchemaError` for the first key of ``obj`` not in ``known``, saying where it belongs if it can."""
    unknown = sorted(key for key in obj if key not in known)
    if not unknown:
        return
    key = unknown[0]
    if key == "suggestions":
        hint = ("suggestions go inside 'edits', each with \"origin\": \"suggestion\" "
                "(see restore.decisions' docstring); nothing was applied")
    else:
        hint = f"expected only {', '.join(sorted(known))}"
    raise SchemaError(f"{where}: unknown key {key!r}: {hint}")


def normalise_path(path: Any) -> str | None:
    """``path`` in one spelling (``./a.txt`` and ``sub//b.txt`` become ``a.txt`` and ``sub/b.txt``).

    ``None`` when it is not a relative POSIX path that stays inside its root.

    >>> normalise_path("./sub//b.txt"), normalise_path("../a.txt"), normalise_path("a" + chr(0) + ".txt")
    ('sub/b.txt', None, None)
    """
    if not isinstance(path, str) or not path or "\\" in path or _CONTROL.search(path):
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:
        return None
    normal = posixpath.normpath(path)
    return None if normal in (".", "") else normal


def load_decisions(path: str | os.PathLike[str]) -> list[DocumentDecisions]:
    """Read and validate a decisions JSON file; every problem is one :class:`RestoreError` line naming it."""
    shown = display_path(path)
    data = read_bytes(path)
    try:
        payload = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{shown}: not a JSON file (not UTF-8 at byte {exc.start})") from exc
    except ValueError as exc:
        raise SchemaError(f"{shown}: not a JSON file: {exc}") from exc
    except RecursionError as exc:
        raise SchemaError(f"{shown}: not a decisions file (JSON nested too deeply)") from exc
    return parse_decisions(payload, name=shown)


def recorded_roots(records: Iterable[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """``{normalised path: (root, sha256)}`` of JSONL document records, to confirm decisions against."""
    roots = {}
    for record in records:
        normal = normalise_path(record.get("path"))
        if normal is not None:
            roots[normal] = (str(record.get("root", "")), str(record.get("sha256", "")))
    return roots


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


def plan(
    documents: list[DocumentDecisions],
    *,
    root: Path | None = None,
    recorded: dict[str, tuple[str, str]] | None = None,
) -> list[tuple[Path, str, bytes]]:
    """Check every document and compute its output: ``(input file, relative output path, new bytes)``.

    OCR files (ALTO, hOCR, PAGE) get the accepted edits written back in their own format; TSV and
    engine JSON give the restored text as ``NAME.txt`` (:func:`restore.formats.output_name`).

    The originals are looked for under ``root`` when given; otherwise under each
    document's own ``root``, which ``recorded`` (from :func:`recorded_roots`) must
    confirm, or, for a document that names no root, under the root ``recorded`` gives
    its path (with the same sha256). All problems of all documents are gathered into
    one error, so a reviewer sees everything that needs fixing at once.
    """
    problems: list[str] = []
    planned: list[tuple[Path, str, bytes]] = []
    for document in documents:
        base = _originals_folder(document, root=root, recorded=recorded, problems=problems)
        if base is None:
            continue
        source = base / document.path
        try:
            data = read_bytes(source)
        except InputError as exc:
            problems.append(f"cannot read the original: {exc}")
            continue
        if hashlib.sha256(data).hexdigest() != document.sha256:
            problems.append(f"{source}: sha256 differs from the decisions (the file changed since it was reviewed)")
            continue
        clashes = find_conflicts(document)
        if clashes:
            problems.extend(f"{source}: accepted edits conflict: {a} and {b}" for a, b in clashes)
            continue
        try:
            output = apply_bytes(data, str(source), document.accepted, encoding=document.encoding)
        except (EditError, InputError) as exc:
            problems.append(f"{source}: {exc}")
            continue
        planned.append((source, output_name(document.path), output))
    if problems:
        if len(problems) == 1:
            raise EditError(f"{problems[0]}; nothing was written")
        raise EditError(f"{len(problems)} problems; nothing was written:\n  " + "\n  ".join(problems))
    return planned


def _originals_folder(
    document: DocumentDecisions,
    *,
    root: Path | None = None,
    recorded: dict[str, tuple[str, str]] | None = None,
    problems: list[str] | None = None,
) -> Path | None:
    """The folder ``document``'s original is read from (see :func:`plan`), or ``None`` with the
    reason appended to ``problems``."""
    problems = [] if problems is None else problems
    if root is not None:
        return root
    if not document.root:
        return _recorded_root(document, recorded, problems)
    if recorded is None:
        problems.append(
            f"{document.path}: the originals' folder {document.root} is named only by the decisions file; "
            "confirm it with --jsonl EDITS.jsonl (the records the report was built from) or --root"
        )
        return None
    if recorded.get(document.path) != (document.root, document.sha256):
        problems.append(
            f"{document.path}: the JSONL records no such document under {document.root} "
            "(root or sha256 differ); pass --root to name the originals' folder"
        )
        return None
    return Path(document.root)


def _recorded_root(
    document: DocumentDecisions, recorded: dict[str, tuple[str, str]] | None, problems: list[str]
) -> Path | None:
    """The root the JSONL records for a document whose decisions name none."""
    found = recorded.get(document.path) if recorded is not None else None
    if recorded is None:
        problems.append(f"{document.path}: the decisions do not say where the original is; pass --root, "
                        "or --jsonl EDITS.jsonl (the records the report was built from, which name it)")
        return None
    if found is None or not found[0]:
        problems.append(f"{document.path}: neither the decisions nor the JSONL say where the original is "
                        "(no record of this path names a root); pass --root")
        return None
    if found[1] != document.sha256:
        problems.append(
            f"{document.path}: the JSONL records it with another sha256 (under {found[0]}); "
            "pass --root to name the originals' folder"
        )
        return None
    return Path(found[0])


def apply_decisions(
    documents: list[DocumentDecisions],
    out_dir: str | os.PathLike[str],
    *,
    root: Path | None = None,
    recorded: dict[str, tuple[str, str]] | None = None,
) -> list[Path]:
    """Write every document with exactly its accepted edits under ``out_dir``; returns the files written.

    Nothing is written unless every document checks out and every output can be
    written; an output inside the originals' folder, onto an original, or through
    a symbolic link out of ``out_dir`` is refused (:class:`~restore.errors.OutputError`).
    Outputs are UTF-8 whatever the originals' encoding. ``root`` and ``recorded``: see :func:`plan`.
    """
    planned = plan(documents, root=root, recorded=recorded)
    roots = sorted({folder for document in documents
                    if (folder := _originals_folder(document, root=root, recorded=recorded)) is not None})
    guard = WriteGuard(out_dir, input_roots=roots, input_files=[source for source, _relative, _text in planned])
    out_root = Path(out_dir).resolve()
    targets = [out_root / relative for _source, relative, _text in planned]
    for target in targets:
        guard.check(target)
    write_all_or_nothing([(target, text) for target, (_source, _relative, text) in zip(targets, planned)])
    return targets


def _family(encoding: str) -> str:
    """The ``--encoding`` value that reads what a record says was read (``utf-16-le`` → ``utf-16``)."""
    return "utf-16" if encoding.startswith("utf-16") else encoding
