"""Why mark errors survive the default pipeline on OCR renders (issue 12): one reason per miss.

For every render of a set (``ocr_dev`` by default; never a test set for choosing anything) the
default pipeline runs once; the text the char stage received (after the layout, punct, script
and lexicon stages applied their edits) is captured with the char stage's proposals. The gold
changes still open in that text (aligned with :func:`benchmarks.metrics.project`) whose kind is
``mark``, ``han-mark`` or ``dropped-mark`` (:mod:`benchmarks.error_kinds`) are then each given
the first reason, in the char stage's order, that it was not fixed:

- ``fixed``: the final output has the truth there;
- ``wrong-edit``: an applied edit put something else there;
- ``suggested``: the char stage proposed the truth, under the threshold;
- ``never-mark``: the printed mark is one the stage never replaces (sentence ends, ``.`` ``;``);
- ``guard-ascii``: a Latin letter or digit stands beside it (``_punct_ok``);
- ``guard-other``: another ``_punct_ok`` rule (a separator look-alike after a separator, half a pair);
- ``not-detected``: the LM's log10 probability of the printed character is above the detection
  threshold (``detect_punct_logprob`` for marks, ``detect_logprob`` for Han,
  ``detect_insert_logprob`` for a gap);
- ``no-candidate``: the truth is not among the printed character's candidates (or, for a gap,
  not an insertable mark, or a neighbour is not Han);
- ``gain-low``: the truth's LM gain is below ``min_lm_gain``;
- ``lost``: the truth was a candidate with enough gain but another candidate or a neighbouring
  change won, or its confidence was under the suggestion floor.

Printed per engine × script the counts of (printed → true, reason); ``--examples N`` prints up
to N lines per reason to stdout (render text: never commit that output).

Run::

    python scripts/experiments/analyse_mark_errors.py ocr_dev --top 40
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import restore  # noqa: E402
from benchmarks import datasets  # noqa: E402
from benchmarks.error_kinds import ErrorKinds  # noqa: E402
from benchmarks.metrics import fold, project  # noqa: E402
from restore.chars import is_bmp_han  # noqa: E402
from restore.stages import char as char_module  # noqa: E402

MARK_KINDS = ("mark", "han-mark", "dropped-mark")


class Capture:
    """Wraps CharStage.propose to keep its input text and proposals (one document at a time)."""

    def __init__(self) -> None:
        self.text = ""
        self.proposals: list[Any] = []
        self.original = char_module.CharStage.propose

    def install(self) -> None:
        capture = self

        def propose(stage, text, document, *, deferred=()):  # type: ignore[no-untyped-def]
            output = capture.original(stage, text, document, deferred=deferred)
            capture.text = text
            capture.proposals = list(output.proposals)
            return output

        char_module.CharStage.propose = propose  # type: ignore[method-assign]


def unit_of(text: str, offset: int) -> tuple[list[int], int]:
    """The non-space positions of the char stage's unit holding ``offset`` and its index there."""
    ends = char_module._SENTENCE_END
    first = max(text.rfind(end, 0, offset) for end in ends) + 1
    last = min((at for at in (text.find(end, offset) for end in ends) if at >= 0), default=len(text) - 1)
    positions = [p for p in range(first, min(last + 1, len(text))) if not text[p].isspace()]
    index = positions.index(offset) if offset in positions else -1
    return positions, index


def reason(stage: char_module.CharStage, text: str, slot: tuple[str, int], meant: str, proposals: list[Any], threshold: float) -> str:
    """The first reason the char stage did not fix the gold change ``slot`` → ``meant`` of ``text``."""
    kind, at = slot
    cfg = stage.config
    for p in proposals:
        if kind == "c" and p.start == at and p.end == at + 1 or kind == "g" and p.start == p.end == at:
            if p.confidence >= threshold:
                return "wrong-edit"
            if p.after == meant:
                return "suggested"
    if kind == "g":
        if at >= len(text) or at == 0:
            return "no-candidate"
        positions, index = unit_of(text, at)
    else:
        positions, index = unit_of(text, at)
    if index < 0:
        return "no-candidate"
    chars = [text[p] for p in positions]
    tokens = list(stage.lm.prepare("".join(chars)))
    logprobs = [p for p, _, _ in stage.lm.model.full_scores(" ".join(tokens), bos=True, eos=True)]
    if len(logprobs) != len(tokens) + 1:
        return "no-candidate"
    if kind == "g":
        if meant not in char_module.INSERT_MARKS or index == 0:
            return "no-candidate"
        if not (is_bmp_han(chars[index]) and (is_bmp_han(chars[index - 1]) or chars[index - 1] in char_module._CLOSERS)):
            return "no-candidate"
        if logprobs[index] >= cfg.detect_insert_logprob:
            return "not-detected"
        cand = stage.best_insertion(tokens, index, logprobs[index])
        return "gain-low" if cand is None else "lost"
    seen = chars[index]
    script = stage._detect_script(text)
    if char_module.is_mark(seen):
        if seen in char_module._SENTENCE_END or seen in char_module._NEVER_MARKS:
            return "never-mark"
        for j in (index - 1, index + 1):
            if 0 <= j < len(chars) and chars[j].isascii() and chars[j].isalnum():
                return "guard-ascii"
        if not stage._punct_ok(chars, index):
            return "guard-other"
        if logprobs[index] >= cfg.detect_punct_logprob:
            return "not-detected"
    elif logprobs[index] >= cfg.detect_logprob:
        return "not-detected"
    line_end = index == len(chars) - 1 and seen not in char_module._SENTENCE_END
    options = stage.candidates_for(seen, script, line_end)
    if not any(option[0] == meant for option in options):
        return "no-candidate"
    context = stage._context(tokens, index)
    before, score = stage._windows(context, tokens, index, [tokens[index], stage.lm.prepare(meant)])
    if score - before < cfg.min_lm_gain:
        return "gain-low"
    return "lost"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", default="ocr_dev", choices=("ocr_dev", "ocr_modern_dev"))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--top", type=int, default=30, help="pairs listed per reason")
    parser.add_argument("--examples", type=int, default=0, help="lines printed per reason (never commit)")
    parser.add_argument("--pair", action="append", default=[], help="print every example of this pair (e.g. 一→—)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = parser.parse_args(argv)
    from benchmarks.edit_precision import _mapping

    capture = Capture()
    capture.install()
    corrector = restore.Corrector(restore.Config.from_mapping(_mapping(args.overrides)))
    stage = next(s for s in corrector.stages if s.name == "char")
    kinds = ErrorKinds.shipped()
    dataset = datasets.load(args.dataset).spread(args.limit)
    table: Counter[tuple[str, str, str]] = Counter()  # (cell, pair, reason)
    early: Counter[tuple[str, str]] = Counter()  # gold mark changes fixed / broken before the char stage
    examples: dict[str, list[str]] = defaultdict(list)
    for pair in dataset.pairs:
        script = pair.meta.get("script") or dataset.script
        cell = f"{pair.meta['engine']}/{script[:4]}"
        capture.text, capture.proposals = pair.ocr, []
        result = corrector.fix(pair.ocr)
        text = capture.text
        source = fold(text, script)
        gold = project(source, fold(pair.truth, script)).changes()
        output = project(source, fold(result.text, script)).changes()
        before_gold = sum(1 for slot, meant in project(fold(pair.ocr, script), fold(pair.truth, script)).changes().items()
                          if kinds.classify(fold(pair.ocr, script)[slot[1]] if slot[0] == "c" else "", meant) in MARK_KINDS)
        early[(cell, "gold in OCR")] += before_gold
        for slot, meant in sorted(gold.items()):
            seen = source[slot[1]] if slot[0] == "c" else ""
            kind = kinds.classify(seen, meant)
            if kind not in MARK_KINDS:
                continue
            early[(cell, "gold at char input")] += 1
            if output.get(slot) == meant:
                why = "fixed"
            else:
                why = reason(stage, text, slot, meant, capture.proposals, args.threshold)
            edge = " (line end)" if slot[1] >= len(text.rstrip()) - (slot[0] == "c") else ""
            table[(cell, f"{kind} {seen or '∅'}→{meant}{edge}", why)] += 1
            if len(examples[why]) < args.examples or args.pair and f"{seen or '∅'}→{meant}" in args.pair:
                at = slot[1]
                examples[why].append(f"{cell} {seen or '∅'}→{meant} …{text[max(0, at - 8):at]}[{text[at:at + 1]}]{text[at + 1:at + 8]}…")
    by_reason: Counter[str] = Counter()
    by_cell_reason: Counter[tuple[str, str]] = Counter()
    by_pair: dict[str, Counter[str]] = defaultdict(Counter)
    for (cell, pair_name, why), n in table.items():
        by_reason[why] += n
        by_cell_reason[(cell, why)] += n
        by_pair[why][pair_name] += n
    cells = sorted({cell for cell, _ in by_cell_reason})
    reasons = [r for r, _ in by_reason.most_common()]
    print("gold mark changes (mark, han-mark, dropped-mark) in the OCR and still open at the char stage's input:")
    for cell in cells:
        print(f"  {cell:18s} {early[(cell, 'gold in OCR')]:6d} {early[(cell, 'gold at char input')]:6d}")
    print("\nreason per engine × script (gold changes open at the char stage's input)")
    print(f"  {'':18s}" + "".join(f"{r:>14s}" for r in reasons))
    for cell in cells:
        print(f"  {cell:18s}" + "".join(f"{by_cell_reason[(cell, r)]:14d}" for r in reasons))
    print(f"  {'all':18s}" + "".join(f"{by_reason[r]:14d}" for r in reasons))
    for why in reasons:
        print(f"\n{why}: {by_reason[why]}")
        for pair_name, n in by_pair[why].most_common(args.top):
            print(f"  {n:5d}  {pair_name}")
        for line in examples[why]:
            print("   ex " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
