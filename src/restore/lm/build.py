"""Build a character n-gram model from plain-text corpora, atomically.

Uses kenlm's ``lmplz`` and ``build_binary`` when they are on PATH; otherwise the
project's own modified Kneser-Ney estimator writes ARPA (which kenlm also loads).
Every failure names the file and leaves no partial output behind. The corpus is normalised
as the run-time model normalises what it scores (half-width digits and Latin, traditional
characters mapped to simplified), so a traditional archive's model is not all unknown tokens.

:func:`build_adapted_model` builds an archive's model the same way and mixes it with the
shipped one (:mod:`restore.lm.mixture`).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from restore.errors import InputError, RestoreError
from restore.lm.corpus import corpus_sentences
from restore.lm.estimate import CorpusTooSmall, build_arpa
from restore.lm.mixture import DEFAULT_COMPONENT, Component, file_sha256, manifest_text
from restore.lm.t2s import load_t2s
from restore.textio import atomic_write_text, read_text

log = logging.getLogger(__name__)


def read_corpus(path: Path) -> list[str]:
    """The lines of one corpus file; missing, binary or non-UTF-8 files raise :class:`InputError`."""
    if not path.exists():
        raise InputError(f"{path}: no such corpus file")
    lines = read_text(path).splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(f"{path}: empty corpus (no text)")
    return lines


def _sentences(paths: Sequence[Path]) -> Iterator[str]:
    table = str.maketrans(load_t2s())
    for path in paths:
        yield from corpus_sentences([line.translate(table) for line in read_corpus(path)])


def build_model(
    corpora: Sequence[str | Path],
    output: str | Path,
    *,
    order: int = 5,
    binary: bool | None = None,
    use_kenlm_tools: bool = True,
    discount_fallback: bool = False,
    prune: Sequence[int] = (),
) -> Path:
    """Build a model from ``corpora`` and write it to ``output`` (temp file, then rename).

    ``binary``: write a kenlm trie binary (needs ``build_binary``); by default when the
    tool is on PATH and ``output`` does not end in ``.arpa``. ``prune``: lmplz
    ``--prune`` thresholds per order (ignored by the Python estimator).
    """
    paths = [Path(p) for p in corpora]
    output = Path(output)
    if not paths:
        raise InputError("no corpus file given")
    if order < 1 or order > 6:
        raise InputError(f"--order must be between 1 and 6, got {order}")
    if any(p.resolve() == output.resolve() for p in paths):
        raise InputError(f"{output}: output would overwrite a corpus file")
    sentences = list(_sentences(paths))  # reads every file first: errors before any writing
    lmplz = shutil.which("lmplz") if use_kenlm_tools else None
    build_binary = shutil.which("build_binary") if use_kenlm_tools else None
    if binary is None:
        binary = build_binary is not None and output.suffix != ".arpa"
    if binary and build_binary is None:
        raise RestoreError("a binary model needs kenlm's build_binary on PATH (or write .arpa)")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".lm-build-") as tmp:
        work = Path(tmp)
        arpa = work / "model.arpa"
        if lmplz:
            _run_lmplz(lmplz, sentences, arpa, order, discount_fallback, prune, paths)
        else:
            log.info("lmplz not on PATH: estimating with the Python estimator")
            try:
                build_arpa(sentences, order, arpa, discount_fallback=discount_fallback)
            except CorpusTooSmall as exc:
                raise CorpusTooSmall(f"{', '.join(map(str, paths))}: {exc}") from exc
        result = arpa
        if binary and build_binary is not None:  # checked above: binary needs build_binary
            result = work / "model.klm"
            _run([build_binary, "-s", "trie", "-q", "8", "-b", "8", "-a", "22", str(arpa), str(result)], paths)
        os.replace(result, output)
    return output


def _run_lmplz(lmplz, sentences, arpa, order, discount_fallback, prune, paths) -> None:
    text_file = arpa.with_suffix(".txt")
    text_file.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    command = [lmplz, "-o", str(order), "-S", "20%", "-T", str(arpa.parent), "--text", str(text_file), "--arpa", str(arpa)]
    if discount_fallback:
        command.append("--discount_fallback")
    if prune:
        command += ["--prune", *map(str, prune)]
    _run(command, paths)


def _run(command: list[str], paths: Sequence[Path]) -> None:
    log.info("running %s", " ".join(command))
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = " ".join(proc.stderr.strip().splitlines()[-3:])
        if "BadDiscount" in proc.stderr or "discount" in proc.stderr.lower():
            raise CorpusTooSmall(
                f"{', '.join(map(str, paths))}: too little text for this order ({tail}); "
                "use more text, a lower --order, or --discount-fallback"
            )
        raise RestoreError(f"{Path(command[0]).name} failed on {', '.join(map(str, paths))}: {tail}")


def build_adapted_model(
    corpora: Sequence[str | Path],
    output: str | Path,
    *,
    weight: float,
    default: Path | None = None,
    **options,
) -> Path:
    """Build a model of ``corpora`` and mix it with the shipped model; returns the manifest ``output``.

    The archive's model is written beside ``output`` as ``OUTPUT.archive.klm`` (``.arpa``
    without kenlm's ``build_binary``) by :func:`build_model` with ``options``; ``output`` is
    a JSON manifest (:mod:`restore.lm.mixture`) that gives the archive ``weight`` of every
    token's probability and the shipped model (``default``, for tests) the rest, and names
    the sources (file, bytes, sha256) of both. ``weight`` must lie strictly between 0 and 1
    (:class:`InputError` otherwise, before anything is read).

    >>> import pathlib, shutil, tempfile
    >>> from restore.lm.model import CharLanguageModel
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "paper.txt").write_text("梓潼湾社区举行邻里节。\\n梓潼湾社区居民参加义诊。\\n" * 3, encoding="utf-8")
    >>> manifest = build_adapted_model([folder / "paper.txt"], folder / "paper.lm", weight=0.1,
    ...                                order=3, use_kenlm_tools=False, discount_fallback=True)
    >>> adapted = CharLanguageModel(manifest)
    >>> adapted.name
    'paper.lm (adapted: 0.10 paper.lm.archive.arpa + 0.90 char5.klm)'
    >>> adapted.score("梓潼湾社区") > CharLanguageModel().score("梓潼湾社区")
    True
    >>> shutil.rmtree(folder)
    """
    from restore.lm.model import default_model_path

    if not 0.0 < weight < 1.0:
        raise InputError(f"--weight must be strictly between 0 and 1 (the archive's share), got {weight}")
    output = Path(output)
    default = default or default_model_path()
    if not default.is_file():
        raise RestoreError(f"the shipped model {default} is missing: nothing to mix with")
    binary = options.get("use_kenlm_tools", True) and shutil.which("build_binary") is not None
    component = output.with_name(output.name + (".archive.klm" if binary else ".archive.arpa"))
    paths = [Path(p) for p in corpora]
    if any(p.resolve() in (output.resolve(), component.resolve()) for p in paths):
        raise InputError(f"{output}: output would overwrite a corpus file")
    build_model(paths, component, binary=binary, **options)
    sources = tuple({"file": str(p), "bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in paths)
    shipped_notice = default.with_name(default.name + ".NOTICE")
    components = [
        Component("archive", component, weight, file_sha256(component), sources),
        Component(DEFAULT_COMPONENT, None, round(1.0 - weight, 12), file_sha256(default),
                  ({"file": default.name, "notice": shipped_notice.name},)),
    ]
    atomic_write_text(output, manifest_text(components))
    return output
