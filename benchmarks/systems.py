"""The systems compared side by side: restore, pycorrector's kenlm corrector, and do-nothing.

Each system has ``name``, ``load()`` (builds resources; timed separately) and
``fix(text) -> Output``. :func:`build_systems` returns those that can run here
and a note for each that cannot.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from benchmarks import OUT_DIR, REPO_ROOT

log = logging.getLogger(__name__)

PYCORRECTOR_VERSION = "1.1.4"


@dataclass(frozen=True)
class Output:
    """A system's text for one input, with restore's edits and suggestions when it has them."""

    text: str
    edits: tuple[Any, ...] = ()
    suggestions: tuple[Any, ...] = ()


class System(Protocol):
    """What the runner needs of a system."""

    name: str
    description: str

    def load(self) -> None:
        """Build the system and its resources (timed apart from the inputs)."""
        ...

    def fix(self, text: str) -> Output:
        """Correct one input."""
        ...


class DoNothing:
    """The baseline: returns the input unchanged."""

    name = "do-nothing"
    description = "returns the input"

    def load(self) -> None:
        """Nothing to load."""

    def fix(self, text: str) -> Output:
        """The input itself."""
        return Output(text)


# --- restore -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageReport:
    """Which stages the pipeline knows, which import here, and which are on by default."""

    default: tuple[str, ...]
    importable: tuple[str, ...]
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def default_on(self) -> tuple[str, ...]:
        """Default stages that can actually run."""
        return tuple(s for s in self.default if s in self.importable)


def stage_report() -> StageReport:
    """Import the stage registry and record which configurable stages it has."""
    from restore.config import STAGE_NAMES, Config

    try:
        from restore.stages import STAGES
    except ImportError as exc:
        return StageReport(Config().stages, (), {name: f"{type(exc).__name__}: {exc}" for name in STAGE_NAMES})
    importable = tuple(name for name in STAGE_NAMES if name in STAGES)
    missing = {name: "not in restore.stages.STAGES" for name in STAGE_NAMES if name not in STAGES}
    return StageReport(Config().stages, importable, missing)


# Self-written: simplified, traditional, and traditional with simplified leftovers; then a
# traditional character on a simplified line that makes no word (the char stage looks for a
# misread rival: the context candidates load) and a simplified candidate on a traditional line
# (OpenCC writes it in traditional form). Each loads a resource on first use that would
# otherwise be timed with the first input that needs it (1.1 s of 1.3 s on the pages).
WARM_UP = (
    "会议在 12 月 17 日召开,地点在徐汇区图书馆。",
    "會議在臺北市舉行，區長出席並講話。",
    "這個區的居民参与社区养老服务的討論。",
    "这个区的居民在湖边舉求帮助。",
    "臺灣的區長出席並講話。这个区的居民参与社区养老服务的讨论。",
    # A deferred conversion on a traditional line with a look-alike rival: the char stage's
    # OpenCC converter (CharStage.traditional_form) is built here, not inside the timed pass.
    "這個社區每年春天都組織减鼠行動。",
)


class RestoreSystem:
    """``restore`` through its public API, one :class:`restore.Corrector` reused for every input."""

    def __init__(self, name: str, config: Any) -> None:
        self.name = name
        self.config = config
        self.description = f"restore, stages {'+'.join(config.stages)}, min_confidence {config.min_confidence}"
        self._corrector: Any = None

    def load(self) -> None:
        """Build the corrector and warm it on short inputs so lazy resources (both scripts) load now."""
        import restore

        self._corrector = restore.Corrector(self.config)
        for text in WARM_UP:
            self._corrector.fix(text)

    def fix(self, text: str) -> Output:
        """Run the pipeline."""
        if self._corrector is None:
            self.load()
        result = self._corrector.fix(text)
        return Output(result.text, tuple(result.edits), tuple(result.suggestions))


class RestoreFixSystem(RestoreSystem):
    """``restore.fix(text)`` called once per input, as a user looping over lines does (the shared corrector)."""

    def load(self) -> None:
        """Warm the shared corrector behind ``restore.fix`` the same way."""
        import restore

        for text in WARM_UP:
            restore.fix(text, config=self.config)

    def fix(self, text: str) -> Output:
        """``restore.fix``."""
        import restore

        result = restore.fix(text, config=self.config)
        return Output(result.text, tuple(result.edits), tuple(result.suggestions))


class KenlmPass:
    """The floor for an LM-based corrector: one kenlm whole-sentence pass over the text with restore's model.

    Each line is scored as one sentence of characters (spaces dropped), as ``CharLanguageModel.score``
    does; nothing is corrected.
    """

    name = "kenlm-pass"

    def __init__(self, lm_path: Path) -> None:
        self.lm_path = lm_path
        self.description = f"one kenlm pass (model.score per line), LM {lm_path.name}"
        self._model: Any = None

    def load(self) -> None:
        """Load the model the way restore does (lazy mmap)."""
        import kenlm

        config = kenlm.Config()
        config.load_method = kenlm.LoadMethod.LAZY
        self._model = kenlm.Model(str(self.lm_path), config)
        self._model.score("会 议", bos=True, eos=True)

    def fix(self, text: str) -> Output:
        """Score every line; return the text unchanged."""
        score = self._model.score
        for line in text.splitlines():
            chars = [ch for ch in line if not ch.isspace()]
            if chars:
                score(" ".join(chars), bos=True, eos=True)
        return Output(text)


def restore_config(stages: Sequence[str] | None = None, **changes: Any) -> Any:
    """``restore.Config()`` with only stages that import here (all defaults when ``stages`` is None)."""
    import restore

    report = stage_report()
    wanted = report.default if stages is None else tuple(stages)
    return restore.Config().replace(stages=tuple(s for s in wanted if s in report.importable), **changes)


# --- pycorrector -------------------------------------------------------------------------------


def find_lm() -> Path | None:
    """The char 5-gram kenlm binary restore ships, or ``$RESTORE_BENCH_LM``; None when there is none yet."""
    env = os.environ.get("RESTORE_BENCH_LM")
    if env:
        return Path(env) if Path(env).is_file() else None
    try:
        lm = importlib.import_module("restore.lm")
    except ImportError:
        lm = None
    if lm is not None:
        for attr in ("default_model_path", "DEFAULT_MODEL_PATH", "default_path", "model_path", "MODEL_PATH"):
            value = getattr(lm, attr, None)
            try:
                value = value() if callable(value) else value
            except Exception as exc:  # a model path helper may raise when the file is absent; report, go on
                log.info("restore.lm.%s() failed: %s", attr, exc)
                continue
            if value and Path(str(value)).is_file():
                return Path(str(value))
    folder = REPO_ROOT / "src" / "restore" / "data" / "lm"
    if folder.is_dir():
        found = sorted(p for ext in ("*.bin", "*.klm") for p in folder.rglob(ext))
        if found:
            return found[0]
    return None


def file_digest(path: Path) -> str:
    """Short SHA-256 of a file, for the report."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def pycorrector_spec_dir() -> Path | None:
    """Where pycorrector is installed, found without importing it (its ``__init__`` imports torch)."""
    spec = importlib.util.find_spec("pycorrector")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def import_pycorrector_kenlm() -> types.ModuleType:
    """Import ``pycorrector.corrector`` without running ``pycorrector/__init__.py``.

    The package ``__init__`` imports every deep-learning corrector (torch,
    transformers). The kenlm corrector only needs jieba, pypinyin, loguru,
    numpy and six, so an empty package module stands in for the real one
    inside this process only; pycorrector's files are not touched.
    """
    folder = pycorrector_spec_dir()
    if folder is None:
        raise ImportError(f"pycorrector is not installed (pip install 'pycorrector=={PYCORRECTOR_VERSION}' --no-deps)")
    # Its detector creates this folder at import; keep it out of the home directory.
    os.environ.setdefault("PYCORRECTOR_DATA_DIR", str(OUT_DIR / "pycorrector_data"))
    if "pycorrector" not in sys.modules:
        package = types.ModuleType("pycorrector")
        package.__path__ = [str(folder)]
        package.__file__ = str(folder / "__init__.py")
        sys.modules["pycorrector"] = package
    _quiet_pycorrector_logs()
    return importlib.import_module("pycorrector.corrector")


def _quiet_pycorrector_logs() -> None:
    try:
        from loguru import logger
    except ImportError:
        return
    logger.remove()
    logger.add(sys.stderr, level="WARNING")
    logging.getLogger("jieba").setLevel(logging.WARNING)


def pycorrector_version() -> str:
    """The installed pycorrector version, read from its metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pycorrector")
    except PackageNotFoundError:
        return "not installed"


class PycorrectorSystem:
    """pycorrector's kenlm ``Corrector`` with the same LM file restore uses."""

    name = "pycorrector"

    def __init__(self, lm_path: Path) -> None:
        self.lm_path = lm_path
        self.description = f"pycorrector {pycorrector_version()} kenlm Corrector, LM {lm_path.name}"
        self._corrector: Any = None

    def load(self) -> None:
        """Build the corrector and run it once (its resources load on the first call)."""
        module = import_pycorrector_kenlm()
        self._corrector = module.Corrector(language_model_path=str(self.lm_path))
        self._corrector.correct("会议在十二月召开。")

    def fix(self, text: str) -> Output:
        """pycorrector's corrected text (it gives no offsets we trust and no scores)."""
        if self._corrector is None:
            self.load()
        return Output(self._corrector.correct(text)["target"])


def pycorrector_status(lm_path: Path | None) -> str:
    """Empty when pycorrector can run here, else why not."""
    if lm_path is None:
        return "no language model file yet (src/restore/data/lm/*.bin or $RESTORE_BENCH_LM)"
    if pycorrector_spec_dir() is None:
        return f"pycorrector is not installed (pip install 'pycorrector=={PYCORRECTOR_VERSION}' --no-deps pypinyin loguru)"
    missing = [m for m in ("pypinyin", "loguru", "jieba", "kenlm", "numpy", "six", "ahocorasick") if importlib.util.find_spec(m) is None]
    if missing:
        return f"pycorrector needs {', '.join(missing)}"
    return ""
