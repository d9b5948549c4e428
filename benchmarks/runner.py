"""Run every available system over every available dataset and collect the figures.

The runner only measures; :mod:`benchmarks.report` turns a :class:`Run` into Markdown.
"""

from __future__ import annotations

import logging
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks import OUT_DIR, REPO_ROOT, datasets, metrics, speed, systems

log = logging.getLogger("benchmarks")

# Thresholds of the calibration table and the min_confidence sweep.
CALIBRATION_THRESHOLDS = (0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
BIN_EDGES = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
SWEEP_THRESHOLDS = (0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
# Inputs per dataset in the fresh-process throughput measurement.
SPEED_INPUTS_PER_SET = 40
# Interleaved rounds of the throughput workers (median taken): see benchmarks.speed.median_of_rounds.
THROUGHPUT_ROUNDS = 3
# Never ocr_test: a curve on held-out data invites tuning on it.
SWEEP_DATASETS = ("faspell_test", "ocr_dev", "sighan15_sim", "sighan15_tra", "pd_dev_clean", "sighan15_tra_correct")


@dataclass(frozen=True)
class Settings:
    """What one run does; ``smoke`` picks tiny subsets and skips the slow parts."""

    smoke: bool = False
    datasets: tuple[str, ...] = tuple(datasets.LOADERS)
    # pycorrector runs at ~500 chars/s: at most this many inputs per dataset (even stride).
    pycorrector_cap: int = 300
    use_pycorrector: bool = True
    # Inputs per dataset (None = all); clean sets and the sweep have their own caps.
    limit: int | None = None
    clean_limit: int | None = None
    sweep_limit: int | None = 1000
    # Where the seeds' edit listing, the page and the speed inputs go (git-ignored by default).
    workdir: Path = OUT_DIR
    # Long documents timed by benchmarks/scaling.py (the 10 MB ones take the longest part of a run).
    scaling: tuple[str, ...] = ("100K", "1M", "10M")

    @classmethod
    def for_smoke(cls) -> Settings:
        """Tiny subsets: CI runs this in well under a minute."""
        return cls(smoke=True, pycorrector_cap=5, limit=25, clean_limit=25, sweep_limit=25, scaling=())


@dataclass
class SystemRun:
    """One system over one dataset (or its capped subset)."""

    system: str
    dataset: str
    indices: list[int]  # which pairs of the dataset it ran on
    outputs: list[systems.Output]
    seconds: list[float]  # per input
    scores: list[metrics.Counts]  # per input (gold and clean sets)
    errors: list[str] = field(default_factory=list)

    def total(self, subset: Sequence[int] | None = None) -> metrics.Counts:
        """Summed counts, over all its inputs or over those of ``subset`` (dataset indices)."""
        chosen = self._positions(subset)
        total = metrics.Counts()
        for i in chosen:
            total.add(self.scores[i])
        return total

    def chars_per_s(self, chars: Sequence[int], subset: Sequence[int] | None = None) -> float:
        """Throughput over its inputs (``chars`` is the length of every dataset input)."""
        chosen = self._positions(subset)
        seconds = sum(self.seconds[i] for i in chosen)
        return sum(chars[self.indices[i]] for i in chosen) / seconds if seconds else 0.0

    def _positions(self, subset: Sequence[int] | None) -> list[int]:
        if subset is None:
            return list(range(len(self.indices)))
        wanted = set(subset)
        return [i for i, index in enumerate(self.indices) if index in wanted]


@dataclass
class DatasetRun:
    """A dataset and every system's run on it."""

    dataset: datasets.Dataset
    runs: dict[str, SystemRun] = field(default_factory=dict)
    # restore systems' edits and suggestions, each judged against the truth.
    calibration: dict[str, metrics.Calibration] = field(default_factory=dict)

    @property
    def lengths(self) -> list[int]:
        """Input length of every pair."""
        return [len(p.ocr) for p in self.dataset.pairs]


@dataclass
class Run:
    """Everything one benchmark run measured."""

    settings: Settings
    command: str
    started: str
    environment: dict[str, str]
    stages: systems.StageReport
    system_notes: dict[str, str]
    descriptions: dict[str, str]
    load_seconds: dict[str, float]
    results: list[DatasetRun] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    sweep: list[tuple[float, str, metrics.Counts, int]] = field(default_factory=list)
    sweep_stages: tuple[str, ...] = ()
    seeds: dict[str, Any] = field(default_factory=dict)
    speed: dict[str, Any] = field(default_factory=dict)
    scaling: list[dict[str, Any]] = field(default_factory=list)
    # OCR renders read as OCR files: (renders file, benchmarks.engine_confidence.measure rows).
    engine_confidence: list[tuple[str, list[tuple[str, float, str, metrics.Counts]]]] = field(default_factory=list)
    # Render pages as documents, without and with the batch's n-gram counts: (renders file, benchmarks.batch_adaptation.measure rows).
    batch_adaptation: list[tuple[str, list[tuple[str, int, int, metrics.Counts, metrics.Counts, float]]]] = field(default_factory=list)
    duration_s: float = 0.0


def script_of(dataset: datasets.Dataset, pair: datasets.Pair) -> str:
    """The script used for folding: the pair's own (OCR records carry it), else the dataset's."""
    return pair.meta.get("script") or dataset.script


def run_system(system: Any, dataset: datasets.Dataset, indices: Sequence[int]) -> SystemRun:
    """Run ``system`` on the chosen pairs, timing each call and scoring each output."""
    run = SystemRun(system.name, dataset.name, list(indices), [], [], [])
    for index in indices:
        pair = dataset.pairs[index]
        start = time.perf_counter()
        try:
            output = system.fix(pair.ocr)
        except Exception as exc:  # a crash on one input is a finding to report, not a reason to stop
            log.warning("%s failed on %s #%d: %s: %s", system.name, dataset.name, index, type(exc).__name__, exc)
            run.errors.append(f"#{index}: {type(exc).__name__}: {exc}")
            output = systems.Output(pair.ocr)
        run.seconds.append(time.perf_counter() - start)
        run.outputs.append(output)
        if dataset.kind != "nogold":
            run.scores.append(metrics.score_pair(pair.ocr, pair.truth, output.text, script_of(dataset, pair)))
    return run


def stride_indices(n: int, cap: int | None) -> list[int]:
    """Indices of an even-stride subset of at most ``cap`` out of ``n``."""
    if cap is None or cap >= n:
        return list(range(n))
    return [i * n // cap for i in range(cap)]


def _environment() -> dict[str, str]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    import restore

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "commit": git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if git("status", "--porcelain", "--", "src") else ""),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average at start {load}",
        "restore": restore.__version__,
    }


def build_systems(settings: Settings, stages: systems.StageReport) -> tuple[list[Any], dict[str, str], Path | None]:
    """The systems that can run here, notes on the ones that cannot, and the LM file."""
    notes: dict[str, str] = {}
    built: list[Any] = []
    if stages.default_on:
        built.append(systems.RestoreSystem("restore", systems.restore_config()))
    else:
        notes["restore"] = "no default stage imports yet: " + "; ".join(f"{k}: {v}" for k, v in stages.missing.items())
    extra = [s for s in stages.importable if s not in stages.default]
    if extra:
        built.append(systems.RestoreSystem("restore-all", systems.restore_config(stages.importable)))
    lm = systems.find_lm()
    status = systems.pycorrector_status(lm) if settings.use_pycorrector else "disabled (--no-pycorrector)"
    if status:
        notes["pycorrector"] = status
    else:
        assert lm is not None
        built.append(systems.PycorrectorSystem(lm))
    built.append(systems.DoNothing())
    return built, notes, lm


def execute(settings: Settings, command: str) -> Run:
    """Measure everything the settings ask for."""
    began = time.perf_counter()
    stages = systems.stage_report()
    built, notes, lm = build_systems(settings, stages)
    load_seconds: dict[str, float] = {}
    ready = []
    for system in built:
        start = time.perf_counter()
        try:
            system.load()
        except Exception as exc:  # a system that cannot load is skipped with its reason in the report
            notes[system.name] = f"failed to load: {type(exc).__name__}: {exc}"
            log.warning("%s: %s", system.name, notes[system.name])
            continue
        load_seconds[system.name] = time.perf_counter() - start
        ready.append(system)
    descriptions = {s.name: s.description for s in ready}
    if lm is not None:
        descriptions["LM"] = f"{lm.relative_to(REPO_ROOT) if lm.is_relative_to(REPO_ROOT) else lm} (sha256 {systems.file_digest(lm)})"
    run = Run(settings, command, datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), _environment(), stages, notes, descriptions, load_seconds)

    for name in settings.datasets:
        try:
            dataset = datasets.load(name)
        except datasets.Unavailable as exc:
            run.skipped[name] = str(exc)
            log.info("skip %s: %s", name, exc)
            continue
        limit = settings.clean_limit if dataset.kind == "clean" else settings.limit
        dataset = dataset.spread(limit)
        if dataset.kind == "nogold":
            run.seeds = _run_seeds(dataset, [s for s in ready if s.name == "restore"], settings.workdir)
            continue
        result = DatasetRun(dataset)
        for system in ready:
            cap = settings.pycorrector_cap if system.name == "pycorrector" else None
            indices = stride_indices(len(dataset.pairs), cap)
            system_run = run_system(system, dataset, indices)
            result.runs[system.name] = system_run
            log.info("%-22s %-12s %5d inputs %8.1f s", dataset.name, system.name, len(indices), sum(system_run.seconds))
            if system.name.startswith("restore"):
                judged = result.calibration.setdefault(system.name, metrics.Calibration()).edits
                for pair, output in zip(dataset.pairs, system_run.outputs, strict=True):
                    script = script_of(dataset, pair)
                    judged += metrics.judge_edits(pair.ocr, pair.truth, output.edits, script, applied=True)
                    judged += metrics.judge_edits(pair.ocr, pair.truth, output.suggestions, script, applied=False)
        run.results.append(result)

    if any(s.name == "restore" for s in ready) and not settings.smoke:
        from benchmarks import engine_confidence

        for name in ("ocr_dev", "ocr_test", "ocr_modern_dev"):
            renders = OUT_DIR / f"{name}.jsonl"
            if name in settings.datasets and renders.exists():
                log.info("engine confidences: %s", renders.name)
                run.engine_confidence.append((name, engine_confidence.measure(renders, by_script=True)))
        from benchmarks import batch_adaptation

        renders = OUT_DIR / "ocr_modern_dev.jsonl"
        if "ocr_modern_dev" in settings.datasets and renders.exists():
            log.info("batch adaptation: %s", renders.name)
            run.batch_adaptation.append(("ocr_modern_dev", batch_adaptation.measure(renders)))
    if any(s.name == "restore" for s in ready):
        # Sweep the fullest pipeline that runs here: that is where confidences matter most.
        run.sweep_stages = stages.importable if "restore-all" in load_seconds else stages.default_on
        run.sweep = _sweep(run, settings)
        run.speed = _speed(run, settings, lm, pycorrector="pycorrector" in load_seconds)
        if settings.scaling:
            from benchmarks import scaling

            log.info("speed: long documents %s", ", ".join(settings.scaling))
            run.scaling = scaling.run(settings.scaling)
    run.duration_s = time.perf_counter() - began
    return run


def _sweep(run: Run, settings: Settings) -> list[tuple[float, str, metrics.Counts, int]]:
    """Restore with ``Config(min_confidence=t)`` for each t, on a few datasets."""
    rows = []
    thresholds = SWEEP_THRESHOLDS[::3] if settings.smoke else SWEEP_THRESHOLDS
    by_name = {r.dataset.name: r.dataset for r in run.results}
    for threshold in thresholds:
        system = systems.RestoreSystem("restore", systems.restore_config(run.sweep_stages, min_confidence=threshold))
        for name in SWEEP_DATASETS:
            if name not in by_name:
                continue
            dataset = by_name[name].spread(settings.sweep_limit)
            result = run_system(system, dataset, range(len(dataset.pairs)))
            rows.append((threshold, name, result.total(), sum(len(o.edits) for o in result.outputs)))
        log.info("sweep min_confidence=%.2f done", threshold)
    return rows


def _run_seeds(dataset: datasets.Dataset, restorers: list[Any], workdir: Path) -> dict[str, Any]:
    """Restore each seed document and list its edits for a person to read (under ``workdir``)."""
    if not restorers:
        return {"note": "restore cannot run yet"}
    system = restorers[0]
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "seeds_edits.md"
    kinds: dict[str, int] = {}
    suggestions = 0
    lines = ["# restore's edits on the seed documents (no gold: read them)", ""]
    for pair in dataset.pairs:
        output = system.fix(pair.ocr)
        lines += [f"## {pair.meta['file']} ({len(pair.ocr)} chars, {len(output.edits)} edits, {len(output.suggestions)} suggestions)", ""]
        lines += ["| at | kind | conf | source | before → after | context |", "|---|---|---|---|---|---|"]
        for label, edits in (("", output.edits), ("suggestion: ", output.suggestions)):
            for edit in edits:
                if not label:
                    kinds[edit.kind] = kinds.get(edit.kind, 0) + 1
                else:
                    suggestions += 1
                context = pair.ocr[max(0, edit.start - 8) : edit.end + 8].replace("\n", "⏎").replace("|", "\\|")
                change = f"{_visible(edit.before)} → {_visible(edit.after)}"
                lines.append(f"| {edit.start} | {label}{edit.kind} | {edit.confidence:.2f} | {edit.source} | {change} | {context} |")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    return {"documents": len(dataset.pairs), "chars": dataset.chars, "kinds": kinds, "suggestions": suggestions, "file": str(shown)}


def _visible(text: str) -> str:
    return "`" + text.replace("\n", "⏎").replace(" ", "␠").replace("|", "\\|") + "`"


def _speed(run: Run, settings: Settings, lm: Path | None, *, pycorrector: bool) -> dict[str, Any]:
    """Fresh-process measurements: import time, cold start, warm page, and throughput on shared inputs."""
    out: dict[str, Any] = {}
    page, page_source = speed.page_text()
    settings.workdir.mkdir(parents=True, exist_ok=True)
    page_path = settings.workdir / f"page-{os.getpid()}.txt"
    page_path.write_text(page, encoding="utf-8")
    out["page"] = {"chars": len(page), "source": page_source}
    repeats = 1 if settings.smoke else 5
    log.info("speed: import time")
    out["import"] = speed.import_time(repeats=repeats)
    log.info("speed: cold start")
    out["cold_cli"] = speed.cold_start(page_path, repeats=1 if settings.smoke else 3)
    # The same inputs for every system: the first of pycorrector's inputs from every OCR set (every
    # set when no OCR render is here), as lines and joined into pages of the same characters.
    texts: list[str] = []
    per_set = 5 if settings.smoke else SPEED_INPUTS_PER_SET
    ocr_results = [r for r in run.results if r.dataset.name.startswith("ocr")] or list(run.results)
    for result in ocr_results:
        indices = stride_indices(len(result.dataset.pairs), settings.pycorrector_cap)[:per_set]
        texts += [result.dataset.pairs[i].ocr for i in indices]
    pages = speed.pages_of(texts)
    # pycorrector takes ~20 s per worker: the smoke run leaves it out of the fresh-process figures.
    use_pycorrector = pycorrector and lm is not None and not settings.smoke
    names = (
        ["restore", "restore-fix"]
        + (["restore-all"] if "restore-all" in run.load_seconds else [])
        + (["pycorrector"] if use_pycorrector else [])
        + (["kenlm-pass"] if lm is not None else [])
        + ["do-nothing"]
    )
    # Throughput in interleaved rounds (every system once per round, each in a fresh process): the
    # median of each figure, so one load spike on a shared machine does not make the ratio.
    rounds: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for round_ in range(1 if settings.smoke else THROUGHPUT_ROUNDS):
        for name in names:
            log.info("speed: %s, round %d", name, round_ + 1)
            for shape, inputs in (("throughput", texts), ("pages", pages)):
                if shape == "pages" and name == "restore-fix":  # only the per-call cost on lines is of interest
                    continue
                rounds.setdefault((name, shape), []).append(speed.measure(name, inputs, lm=lm, workdir=settings.workdir))
    for name in names:
        log.info("speed: %s, page and cold start", name)
        entry = {shape: speed.median_of_rounds(rounds[(name, shape)]) for shape in ("throughput", "pages") if (name, shape) in rounds}
        if name == "restore-fix":
            out[name] = entry
            continue
        entry["page"] = speed.measure(name, [page], mode="page", lm=lm, repeats=repeats if name != "pycorrector" else 1, workdir=settings.workdir)
        if not settings.smoke:
            entry["cold"] = speed.measure(name, [page], mode="cold", lm=lm, workdir=settings.workdir)
        out[name] = entry
    page_path.unlink(missing_ok=True)
    out["inputs"] = {"texts": len(texts), "chars": sum(len(t) for t in texts), "pages": len(pages), "sets": [r.dataset.name for r in ocr_results]}
    return out


def main_command(argv: Sequence[str]) -> str:
    """How this run was started, for the report."""
    return " ".join(["python -m benchmarks", *argv])


def configure_logging() -> None:
    """Progress on stderr."""
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)
