"""Where a command may write: never into its input, never through a symbolic link out of its output.

``restore clean``, ``restore fix -o`` and ``restore apply`` check every file
they are about to write with one :class:`WriteGuard`. Comparing only the two
roots is not enough: ``OUT/a`` may be a symbolic link to ``IN/a``, and writing
``OUT/a/page.txt`` would then replace the original.

>>> import tempfile, pathlib
>>> base = pathlib.Path(tempfile.mkdtemp())
>>> (base / "in" / "a").mkdir(parents=True); (base / "out").mkdir()
>>> (base / "out" / "a").symlink_to(base / "in" / "a")
>>> guard = WriteGuard(base / "out", input_roots=[base / "in"])
>>> guard.check(base / "out" / "b" / "page.txt") == (base / "out" / "b" / "page.txt").resolve()
True
>>> guard.check(base / "out" / "a" / "page.txt")
Traceback (most recent call last):
...
restore.errors.OutputError: .../out/a: is a symbolic link; refusing to write .../out/a/page.txt through it
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from restore.errors import OutputError
from restore.textio import display_path


class WriteGuard:
    """Checks output paths before anything is written.

    ``out_root`` (optional) is the folder every output must stay inside, with no
    symbolic link between it and the file; ``input_roots`` are folders nothing may
    be written into; ``input_files`` are files nothing may replace.
    """

    def __init__(
        self,
        out_root: str | os.PathLike[str] | None = None,
        *,
        input_roots: Iterable[str | os.PathLike[str]] = (),
        input_files: Iterable[str | os.PathLike[str]] = (),
    ) -> None:
        self.out_root = Path(out_root).resolve() if out_root is not None else None
        self.input_roots = tuple(Path(root).resolve() for root in input_roots)
        self.input_files = frozenset(Path(name).resolve() for name in input_files)

    def check(self, target: str | os.PathLike[str]) -> Path:
        """The resolved ``target`` when it may be written; :class:`OutputError` naming it otherwise."""
        target = Path(os.path.abspath(target))
        if self.out_root is not None:
            self._check_inside_output(target)
        resolved = target.resolve()
        if resolved in self.input_files:
            raise OutputError(f"{display_path(target)}: is an input file; refusing to overwrite it")
        for root in self.input_roots:
            if resolved.is_relative_to(root):
                raise OutputError(
                    f"{display_path(target)}: lies inside the input directory {display_path(root)}; "
                    "refusing to write there"
                )
        return resolved

    def _check_inside_output(self, target: Path) -> None:
        assert self.out_root is not None
        if not target.is_relative_to(self.out_root):
            raise OutputError(f"{display_path(target)}: outside the output directory {display_path(self.out_root)}")
        # Every existing component below the output root must be a real folder (or, last, a real file).
        current = self.out_root
        for part in target.relative_to(self.out_root).parts:
            current = current / part
            if current.is_symlink():
                if current == target:
                    raise OutputError(f"{display_path(target)}: is a symbolic link; refusing to write through it")
                raise OutputError(
                    f"{display_path(current)}: is a symbolic link; refusing to write {display_path(target)} through it"
                )
            if not current.exists():
                break
