"""Batch trees addressed by URL (``s3://``, ``gs://``, ``file://``, any fsspec protocol).

A local directory keeps the path-based code of :mod:`restore.batch.worker`
(atomic renames, the ``flock`` on OUT). A tree on object storage has no rename
and no lock, so here:

- an output is written whole by a single put (:meth:`Tree.write_text`), and its
  sidecar only after it, so a sidecar never vouches for an output that is not there;
- one driver per OUT is a lock object, ``OUT/.restore-state/lock.json``, created with
  an exclusive put where the store supports one (S3's ``If-None-Match``) and
  deleted at the end; a left-over lock names its owner and the key to delete;
- the same refusals as for directories hold: OUT may not be IN, inside IN, or
  contain IN.

Credentials are fsspec's (for S3: the usual ``AWS_*`` variables, ``~/.aws``
files, instance roles); nothing here prints or logs them, and a tree is shown by
its URL only.

>>> tree = open_tree("memory://doc-example/in")
>>> tree.write_text("a/page.txt", "徐匯")
>>> [tree.read_bytes(name).decode("utf-8") for name in tree.discover()]
['徐匯']
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import os
import posixpath
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from restore.batch import paths, state
from restore.batch.records import make_record
from restore.batch.worker import WorkerSettings
from restore.errors import InputError, RestoreError
from restore.pipeline import Corrector
from restore.encodings import decode_document
from restore.textio import atomic_write_text

log = logging.getLogger(__name__)

_LOCK_KEY = f"{state.STATE_DIR}/lock.json"


def is_url(location: str | os.PathLike[str]) -> bool:
    """True for ``scheme://…`` (``file://`` included); a plain path is not a URL."""
    return isinstance(location, str) and "://" in location


def local_path(location: str | os.PathLike[str]) -> Path | None:
    """The directory a plain path or a ``file://`` URL names; None for other URLs."""
    if not is_url(location):
        return Path(location)
    text = str(location)
    return Path(text[len("file://"):]) if text.startswith("file://") else None


@dataclass(frozen=True)
class Tree:
    """A directory tree on an fsspec filesystem: ``root`` is the path the filesystem understands.

    Relative names use POSIX separators. Picklable (fsspec filesystems are), so a
    tree travels to Dask workers with the task that uses it.
    """

    fs: Any
    root: str
    url: str

    def key(self, relative: str) -> str:
        return posixpath.join(self.root, relative)

    @property
    def is_local(self) -> bool:
        return "file" in _protocols(self.fs)

    def exists(self) -> bool:
        return bool(self.fs.exists(self.root))

    def is_dir(self) -> bool:
        return bool(self.fs.isdir(self.root))

    def discover(self) -> list[str]:
        """Every ``.txt`` under the root, sorted, hidden folders and files skipped (as :func:`paths.discover`)."""
        found = []
        prefix = self.root.rstrip("/") + "/"
        for key in self.fs.find(self.root):
            relative = key[len(prefix):] if key.startswith(prefix) else posixpath.relpath(key, self.root)
            parts = relative.split("/")
            if any(part.startswith(".") for part in parts):
                continue
            if parts[-1].lower().endswith(paths.TEXT_SUFFIX):
                found.append(relative)
        return sorted(found)

    def read_bytes(self, relative: str) -> bytes:
        try:
            return bytes(self.fs.cat_file(self.key(relative)))
        except FileNotFoundError as exc:
            raise InputError(f"{self.url}/{relative}: no such file") from exc
        except OSError as exc:
            raise InputError(f"{self.url}/{relative}: cannot read: {exc}") from exc

    def read_json(self, relative: str) -> dict[str, Any] | None:
        """A JSON object stored at ``relative``, or None when missing or unreadable (the file is then redone)."""
        try:
            data = json.loads(self.fs.cat_file(self.key(relative)))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def write_text(self, relative: str, text: str) -> None:
        """Write UTF-8 text whole: a rename on a local disk, a single put on object storage."""
        if self.is_local:
            atomic_write_text(self.key(relative), text)
            return
        self.fs.pipe_file(self.key(relative), text.encode("utf-8"))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One driver per output tree: a lock object while the batch runs (see the module docstring)."""
        if self.is_local:
            with state.locked(Path(self.root)):
                yield
            return
        key = self.key(_LOCK_KEY)
        owner = json.dumps({
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        })
        try:
            _create_exclusive(self.fs, key, owner.encode("utf-8"))
        except FileExistsError as exc:
            held = self.read_json(_LOCK_KEY) or {}
            raise InputError(
                f"{self.url}: another restore clean is writing into this tree "
                f"(host {held.get('host', '?')}, pid {held.get('pid', '?')}, since {held.get('started', '?')}); "
                f"if it is gone, delete {self.url}/{_LOCK_KEY}"
            ) from exc
        try:
            yield
        finally:
            self.fs.rm_file(key)


def open_tree(location: str | os.PathLike[str]) -> Tree:
    """The tree a path or URL names (fsspec finds the filesystem; credentials are its business)."""
    import fsspec

    text = os.fspath(location)
    if not is_url(text):
        text = str(Path(text).resolve())
    fs, root = fsspec.core.url_to_fs(text)
    if "file" in _protocols(fs):
        root = str(Path(root).resolve())
    return Tree(fs=fs, root=root.rstrip("/") or "/", url=text.rstrip("/"))


def check_trees(source: Tree, target: Tree) -> None:
    """The refusals of :func:`paths.check_roots` for URLs: OUT is not IN, not inside it, does not contain it."""
    if not source.exists():
        raise InputError(f"{source.url}: no such directory")
    if not source.is_dir():
        raise InputError(f"{source.url}: not a directory")
    if target.exists() and not target.is_dir():
        raise InputError(f"{target.url}: exists and is not a directory")
    if _protocols(source.fs) & _protocols(target.fs):  # the same store: compare the keys
        paths.refuse_overlap(source.url, target.url, source.root, target.root)


def sidecar_key(relative: str) -> str:
    """Where the sidecar of one output lives, relative to OUT (as :func:`state.sidecar_path`)."""
    return f"{state.STATE_DIR}/{relative}.json"


def restore_object(
    corrector: Corrector, source: Tree, target: Tree, settings: WorkerSettings, relative: str
) -> int | None:
    """Restore ``source/relative`` into ``target/relative``; returns its characters, or None when up to date.

    Raises :class:`~restore.errors.RestoreError` for a bad file. Same sidecar
    and same bytes as the local worker, so a tree can move between the two.
    """
    data = source.read_bytes(relative)
    input_sha = state.sha256_bytes(data)
    sidecar = target.read_json(sidecar_key(relative))
    output_hash = settings.run_hash
    if _up_to_date(sidecar, input_sha, output_hash, target, relative):
        return None
    decoded = decode_document(data, f"{source.url}/{relative}", settings.encoding)
    text = decoded.text
    result = corrector.fix(text, survey=settings.survey)
    target.write_text(relative, result.text)
    record = make_record(result, path=relative, root=source.url, sha256=input_sha)
    record["encoding"] = decoded.encoding
    record["config_hash"] = output_hash
    record["output_sha256"] = state.sha256_bytes(result.text.encode("utf-8"))
    target.write_text(sidecar_key(relative), json.dumps(record, ensure_ascii=False, sort_keys=True))
    return len(text)


def readable_texts(source: Tree, files: list[str], encoding: str = "utf-8") -> Iterator[str]:
    """The texts of ``files`` that can be read and decoded; the restoring pass reports the others."""
    for relative in files:
        try:
            yield decode_document(source.read_bytes(relative), relative, encoding).text
        except RestoreError:
            continue


def _up_to_date(sidecar: dict[str, Any] | None, input_sha: str, output_hash: str, target: Tree, relative: str) -> bool:
    if sidecar is None or sidecar.get("sha256") != input_sha or sidecar.get("config_hash") != output_hash:
        return False
    try:
        output = target.fs.cat_file(target.key(relative))
    except OSError:
        return False
    return state.sha256_bytes(bytes(output)) == sidecar.get("output_sha256")


def _protocols(fs: Any) -> set[str]:
    protocol = fs.protocol
    return {protocol} if isinstance(protocol, str) else set(protocol)


def _create_exclusive(fs: Any, key: str, data: bytes) -> None:
    """Create ``key`` only if absent; raises FileExistsError. Atomic where the store offers it (S3)."""
    if "s3" in _protocols(fs):
        try:
            fs.pipe_file(key, data, mode="create")
        except OSError as exc:  # s3fs maps 412 Precondition Failed to FileExistsError or a plain OSError
            if isinstance(exc, FileExistsError) or "Precondition" in str(exc):
                raise FileExistsError(key) from exc
            raise
        return
    # Elsewhere the rule is checked, not enforced atomically (documented in the README).
    if fs.exists(key):
        raise FileExistsError(key)
    fs.pipe_file(key, data)
