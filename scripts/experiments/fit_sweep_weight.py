"""Choose the LM sweep's gate and fit ``CharConfig.calib_sweep`` and ``calib_sweep_margin``.

The LM sweep (``CharConfig.lm_sweep``, :meth:`restore.stages.char.CharStage.sweep_candidate`)
proposes, at a very improbable Han character no table candidate fixes, the glyph look-alike the
LM likes best. Every sweep candidate the char stage makes on the fitting data with a loose gate
(``LOOSE``: every examined character, gain >= 0.5, any margin) is labelled right or wrong
against the truth, with its LM gain, margin over the runner-up, glyph cosine and the printed
character's log10 p. The script prints, for a grid of gates (printed log10 p, gain, margin),
how many candidates pass and how many are right, then fits for the chosen gate (the config's
values, or ``--set``) the two-parameter logistic regression with the candidate's other log-odds
as an offset,

    P(right) = sigmoid(z + w0 + w1 * min(margin - sweep_min_margin, sweep_margin_cap)),

giving ``calib_sweep = w0`` and ``calib_sweep_margin = w1``, and reports leave-one-font-out
folds (fit on the other fonts, precision at 0.8 on the held-out font).

Fitting data (never TEST, never FASPell's test file): the OCR renders of DEV lines 14001-15000
(``--lines``), aligned with the benchmark harness; 15001-16000 stay held out. Traditional
records are collected with ``sweep_traditional`` on and reported apart (``--traditional``
fits on them too, as the shipped weights were). No text is printed or written; ``--cache`` keeps
the collected numbers for another gate.

Run: ``python scripts/experiments/fit_sweep_weight.py --traditional [--lines 14001-15000] [--set sweep_logprob=-4.5 ...]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_context_weight import dev_renders  # noqa: E402
from fit_context_weight import fit as context_fit  # noqa: E402
from fit_context_weight import report as context_report  # noqa: E402
from restore.config import Config  # noqa: E402
from restore.stages.char import CharStage  # noqa: E402

OCR_DEV = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"
LOOSE = {"sweep_logprob": 0.0, "sweep_min_gain": 0.5, "sweep_min_margin": 0.0, "sweep_margin_cap": 8.0, "sweep_traditional": True}


@dataclasses.dataclass(frozen=True)
class Sample:
    z: float  # log-odds of the candidate with the sweep weights at 0
    gain: float
    margin: float  # over the runner-up (and the tables' rival), capped at sweep_margin_cap
    similarity: float
    logprob: float  # the printed character's
    right: bool
    engine: str
    font: str
    script: str


def samples(stage: CharStage, lines: str, renders: Path) -> list[Sample]:
    prepare = stage.lm.prepare
    found = []
    for record, script, sub in dev_renders(lines, renders):
        for offset, cand in stage.examine_text(record["ocr"], script):
            if not cand.features.sweep:
                continue
            truth = sub[offset]
            z = math.log(cand.confidence / (1 - cand.confidence)) if 0 < cand.confidence < 1 else (50.0 if cand.confidence else -50.0)
            found.append(Sample(
                z, cand.features.lm_gain, cand.features.sweep_margin, cand.features.glyph_similarity, cand.features.logprob,
                truth == cand.after or prepare(truth) == prepare(cand.after),
                record["engine"], record.get("font", "?").split("-")[0], script,
            ))
    return found


def _rows(data: list[Sample], floor: float, cap: float) -> list[tuple[float, float, bool, str]]:
    """``data`` as fit_context_weight's rows: (log-odds, the margin feature's value, right, font)."""
    return [(d.z, min(d.margin - floor, cap), d.right, d.font) for d in data]


def fit(data: list[Sample], floor: float, cap: float) -> tuple[float, float]:
    """(calib_sweep, calib_sweep_margin): fit_context_weight's regression on the margin feature."""
    return context_fit(_rows(data, floor, cap), 0.0)


def report(name: str, data: list[Sample], w: tuple[float, float], floor: float, cap: float) -> None:
    context_report(name, _rows(data, floor, cap), w, 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="14001-15000")
    parser.add_argument("--renders", type=Path, default=OCR_DEV)
    parser.add_argument("--set", action="append", default=[], help="a CharConfig sweep setting of the gate (name=value)")
    parser.add_argument("--traditional", action="store_true", help="fit on traditional records too")
    parser.add_argument("--cache", type=Path, help="keep the collected samples here (numbers only) and reuse them")
    args = parser.parse_args()
    base = Config().char
    if args.cache and args.cache.exists():
        data = [Sample(**row) for row in json.loads(args.cache.read_text())]
    else:
        # Collected with the sweep weights at 0 and a loose gate, so every gate below is a filter.
        config = Config().replace(char=dataclasses.replace(base, lm_sweep=True, calib_sweep=0.0, calib_sweep_margin=0.0, **LOOSE))
        data = samples(CharStage(config), args.lines, args.renders)
        if args.cache:
            args.cache.write_text(json.dumps([dataclasses.asdict(d) for d in data]))
    gate = {name: float(value) for name, value in (item.split("=") for item in args.set)}
    logprob_gate = gate.get("sweep_logprob", base.sweep_logprob)
    gain_gate = gate.get("sweep_min_gain", base.sweep_min_gain)
    margin_gate = gate.get("sweep_min_margin", base.sweep_min_margin)
    similarity_gate = gate.get("sweep_min_similarity", base.sweep_min_similarity)
    by_script = Counter((d.script, d.right) for d in data)
    print(f"{len(data)} sweep candidates (loose gate): "
          + ", ".join(f"{script} {'right' if right else 'wrong'} {n}" for (script, right), n in sorted(by_script.items())))
    for script in ("simplified", "traditional"):
        print(f"\n{script}: passing / right per gate (printed log10 p <=, gain >=, margin >=)")
        for lp in (-3.0, -3.5, -4.0, -4.5, -5.0):
            cells = []
            for gain in (1.0, 2.0, 3.0):
                for margin in (0.5, 1.0, 1.5, 2.0):
                    kept = [d for d in data if d.script == script and d.logprob <= lp and d.gain >= gain and d.margin >= margin
                            and d.similarity >= similarity_gate]
                    cells.append(f"{gain:.0f}/{margin}:{sum(d.right for d in kept)}/{len(kept)}")
            print(f"  lp<={lp}: " + "  ".join(cells))
    scripts = ("simplified", "traditional") if args.traditional else ("simplified",)
    chosen = [d for d in data if d.script in scripts and d.logprob <= logprob_gate and d.gain >= gain_gate
              and d.margin >= margin_gate and d.similarity >= similarity_gate]
    # The margins were collected above a floor of 0: re-express them above the chosen floor.
    cap = base.sweep_margin_cap
    print(f"\ngate lp<={logprob_gate} gain>={gain_gate} margin>={margin_gate} sim>={similarity_gate} ({', '.join(scripts)}): "
          f"{len(chosen)} candidates, {sum(d.right for d in chosen)} right")
    if len(chosen) < 5:
        return 0
    w = fit(chosen, margin_gate, cap)
    print(f"calib_sweep = {w[0]:.3f}, calib_sweep_margin = {w[1]:.3f}")
    report("all (fitted on)", chosen, w, margin_gate, cap)
    for font in sorted({d.font for d in chosen}):
        held = [d for d in chosen if d.font == font]
        rest = [d for d in chosen if d.font != font]
        if len(held) < 3 or len(rest) < 5:
            continue
        fitted = fit(rest, margin_gate, cap)
        report(f"held-out font {font} (fit on the rest: {tuple(round(v, 2) for v in fitted)})", held, fitted, margin_gate, cap)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
