"""Build hook: compile the optional native LM-window kernel ``restore._windows`` (native/).

The char stage scores its candidate windows with kenlm; ``native/windows.cc`` does the same
loop in C++ against kenlm's own code (vendored in ``native/kenlm``, kenlm 0.3.0, LGPL-2.1, see its
``LICENSE``), with the same float64 sums. It is optional: when there is no C++ compiler, or the
build fails, or ``RESTORE_NATIVE_BUILD=0`` is set, the install goes on without it and
``restore.lm.native`` uses the pure-Python loop (same results). Editable installs put the
extension next to the sources (``src/restore/``); wheels carry it as a platform wheel.

Objects are cached in ``build/native/`` by a hash of source, flags and compiler, so a second
install links in a second. ``python hatch_build.py`` builds in place (what an editable install does).
"""

from __future__ import annotations

import glob
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NATIVE = ROOT / "native"
MODULE = "_windows"  # restore._windows
# kenlm's licence files, shipped in a wheel that holds the extension (restore/_windows-kenlm/).
LICENCE_FILES = ("LICENSE", "COPYING", "COPYING.3", "COPYING.LESSER.3")

# -O3 and no -march: kenlm's own flags; -ffp-contract=off so no sum is fused, whatever the default.
FLAGS = ["-O3", "-DNDEBUG", "-DKENLM_MAX_ORDER=6", "-std=c++17", "-fPIC", "-fvisibility=hidden", "-ffp-contract=off", "-w"]


def sources() -> list[Path]:
    """windows.cc, words.cc, lattice.cc and kenlm's library sources (no tests, no programs)."""
    kenlm = NATIVE / "kenlm"
    found = [NATIVE / "windows.cc", NATIVE / "words.cc", NATIVE / "lattice.cc"]
    for pattern in ("util/double-conversion/*.cc", "util/*.cc", "lm/*.cc"):
        found += sorted(Path(p) for p in glob.glob(str(kenlm / pattern)) if not p.endswith(("test.cc", "main.cc")))
    return found


def compiler() -> list[str]:
    """The C++ compiler: ``$CXX``, else Python's own (sysconfig ``CXX``), else ``c++``."""
    return shlex.split(os.environ.get("CXX") or sysconfig.get_config_var("CXX") or "c++")


def build(target_dir: Path, cache: Path = ROOT / "build" / "native") -> Path:
    """Compile and link ``restore._windows`` into ``target_dir``; returns the extension's path.

    Raises ``OSError`` (no compiler) or ``subprocess.CalledProcessError`` (a failed step)."""
    cxx = compiler()
    version = subprocess.run([*cxx, "--version"], check=True, capture_output=True, text=True).stdout
    include = ["-I", str(NATIVE / "kenlm"), "-I", sysconfig.get_paths()["include"]]
    cache.mkdir(parents=True, exist_ok=True)
    headers = [path.read_text(encoding="utf-8") for path in sorted(NATIVE.glob("*.hh"))]

    def compile_one(source: Path) -> Path:
        # Our own headers (native/*.hh) count for every object: windows.cc includes words.hh.
        key = hashlib.sha256("\0".join([source.read_text(encoding="utf-8"), *headers, *FLAGS, *include, version]).encode()).hexdigest()[:20]
        obj = cache / f"{source.stem}-{key}.o"
        if not obj.exists():
            scratch = obj.with_suffix(f".{os.getpid()}.tmp")
            subprocess.run([*cxx, *FLAGS, *include, "-c", str(source), "-o", str(scratch)], check=True, capture_output=True)
            scratch.replace(obj)
        return obj

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        objects = list(pool.map(compile_one, sources()))
    target = target_dir / f"{MODULE}{sysconfig.get_config_var('EXT_SUFFIX') or '.so'}"
    with tempfile.TemporaryDirectory(dir=cache) as scratch:
        linked = Path(scratch) / target.name
        subprocess.run([*cxx, "-shared", *map(str, objects), "-o", str(linked)], check=True, capture_output=True)
        target_dir.mkdir(parents=True, exist_ok=True)
        shutil.move(str(linked), target)
    return target


def _failure(exc: Exception) -> str:
    if isinstance(exc, subprocess.CalledProcessError):
        output = (exc.stderr or b"").decode(errors="replace") if isinstance(exc.stderr, bytes) else str(exc.stderr or "")
        return f"{shlex.join(map(str, exc.cmd))[:200]} failed: {output[-1500:]}"
    return str(exc)


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class NativeWindowsHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    """Hatchling's custom build hook (pyproject ``[tool.hatch.build.targets.wheel.hooks.custom]``)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if os.environ.get("RESTORE_NATIVE_BUILD", "1") == "0":
            self.app.display_info("restore: RESTORE_NATIVE_BUILD=0, native LM-window kernel not built")
            return
        editable = version == "editable"
        target_dir = Path(self.root) / "src" / "restore" if editable else Path(self.directory) / "native-build"
        try:
            built = build(target_dir, Path(self.root) / "build" / "native")
        except (OSError, subprocess.CalledProcessError) as exc:
            self.app.display_warning(
                f"restore: the optional native LM-window kernel was not built ({_failure(exc)}); "
                "restore works without it (the pure-Python path, same results)"
            )
            return
        self.app.display_info(f"restore: built {built}")
        if not editable:
            build_data["force_include"][str(built)] = f"restore/{built.name}"
            # The wheel now carries compiled kenlm (LGPL-2.1+): its licence goes with it.
            for name in LICENCE_FILES:
                build_data["force_include"][str(NATIVE / "kenlm" / name)] = f"restore/_windows-kenlm/{name}"
            build_data["pure_python"] = False
            build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        if version != "editable":
            shutil.rmtree(Path(self.directory) / "native-build", ignore_errors=True)


if __name__ == "__main__":
    print(build(ROOT / "src" / "restore"), file=sys.stderr)
