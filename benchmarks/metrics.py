"""Alignment-based scoring: output and truth are both aligned to the OCR input.

Aligning each to the input (Levenshtein, unit costs) turns a text into a
*projection*: for every input character what the text has in its place (one
character, or ``""`` when dropped) and, for every gap between input characters,
what the text inserts there. A *change* is a slot (character ``("c", i)`` or gap
``("g", i)``) where the projection differs from the input. Gold changes come from
the truth, system changes from the output; dropped and doubled characters count.

- detection: a system change at a slot the truth also changes;
- correction: ... and with the same content;
- false edit: a system change at a slot the truth leaves alone.

Before comparing, spellings that are equally right are folded (1:1, so offsets
hold): 爲/為, 衆/眾, 啓/啟, full-width ％ and ．; and 着/著 in traditional text only,
where OpenCC's ``s2t`` writes 着 but print writes 著 (in simplified text they differ). Where the
alignment ties, a character is aligned with its script variant or a mark with a mark
(:func:`_variants_aligned`).

>>> s = score_pair("他们在公圆里", "他们在公园里", "他们在公园里", "simplified")
>>> (s.gold, s.system, s.detected, s.corrected, s.false_edits)
(1, 1, 1, 1, 0)
>>> s = score_pair("好好的", "好的", "好的", "simplified")   # a doubled character removed
>>> (s.gold, s.corrected, s.distance_after)
(1, 1, 0)
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

# Equally right spellings, folded before any comparison; each maps one character to one.
FOLDS = {"爲": "為", "衆": "眾", "啓": "啟", "％": "%", "．": "."}
TRADITIONAL_FOLDS = {"着": "著"}
_FOLD = str.maketrans(FOLDS)
_FOLD_TRADITIONAL = str.maketrans({**FOLDS, **TRADITIONAL_FOLDS})

Slot = tuple[str, int]


def fold(text: str, script: str = "simplified") -> str:
    """Fold equally right spellings; ``script`` is ``simplified``, ``traditional`` or ``mixed``.

    >>> fold("爲衆人啓着５０％", "traditional"), fold("看着", "simplified")
    ('為眾人啟著５０%', '看着')
    """
    return text.translate(_FOLD if script == "simplified" else _FOLD_TRADITIONAL)


@dataclass(frozen=True)
class Projection:
    """A target text seen from the source: ``sub[i]`` replaces source char ``i``, ``ins[g]`` goes before it."""

    source: str
    sub: tuple[str, ...]
    ins: tuple[str, ...]

    def changes(self) -> dict[Slot, str]:
        """Slots where the target differs from the source, with the target's content there."""
        found: dict[Slot, str] = {}
        for i, (old, new) in enumerate(zip(self.source, self.sub, strict=True)):
            if old != new:
                found[("c", i)] = new
        for g, inserted in enumerate(self.ins):
            if inserted:
                found[("g", g)] = inserted
        return found

    def span(self, start: int, end: int) -> set[str]:
        """What the target may have for ``source[start:end]``: with or without the insertions at either edge.

        >>> sorted(project("ab", "xaYb").span(1, 2))
        ['Yb', 'b']
        """
        if start == end:
            return {self.ins[start]}
        inner = self.sub[start] + "".join(self.ins[i] + self.sub[i] for i in range(start + 1, end))
        heads = {"", self.ins[start]}
        tails = {"", self.ins[end]}
        return {head + inner + tail for head in heads for tail in tails}


def project(source: str, target: str) -> Projection:
    """Align ``target`` to ``source`` with unit-cost Levenshtein editops.

    >>> p = project("abc", "axcd")
    >>> p.sub, p.ins
    (('a', 'x', 'c'), ('', '', '', 'd'))
    """
    sub = list(source)
    ins = [""] * (len(source) + 1)
    for op in Levenshtein.editops(source, target):
        if op.tag == "replace":
            sub[op.src_pos] = target[op.dest_pos]
        elif op.tag == "delete":
            sub[op.src_pos] = ""
        elif op.tag == "insert":
            ins[op.src_pos] += target[op.dest_pos]
    _deletions_first(source, sub)
    _variants_aligned(source, sub, ins)
    return Projection(source, tuple(sub), tuple(ins))


def _variants_aligned(source: str, sub: list[str], ins: list[str]) -> None:
    """Where a replaced character sits beside an insertion and the aligner gave it the inserted
    character's neighbour, give it its own script variant, or a mark for a mark, instead (组
    against 組織: 组 → 組 and 織 inserted, not 组 → 織 and 組 inserted; 丶 against 、錢: 丶 → 、).

    Both alignments cost the same (one replacement, one insertion), so which one unit-cost
    Levenshtein returns is arbitrary; without this, a right script conversion next to a dropped
    character is scored as a wrong change and the drop as fixed by it.

    >>> sub, ins = ["織"], ["組", ""]
    >>> _variants_aligned("组", sub, ins); sub, ins
    (['組'], ['', '織'])
    >>> sub, ins = ["…"], ["見…", "”"]   # 见 against 見……”
    >>> _variants_aligned("见", sub, ins); sub, ins
    (['見'], ['', '……”'])
    >>> sub, ins = ["錢"], ["、", ""]
    >>> _variants_aligned("丶", sub, ins); sub, ins
    (['、'], ['', '錢'])
    >>> sub, ins = ["歡"], ["", "樂"]   # no variant beside it: left as aligned
    >>> _variants_aligned("欢", sub, ins); sub, ins
    (['歡'], ['', '樂'])

    Failing a variant, a character (not a mark) given a mark takes a character beside it (币 against
    制，: 币 → 制 and ， inserted, not 币 → ， and 制 inserted): engines print a character for a
    character far more often than for a mark.

    >>> sub, ins = ["，"], ["制", ""]
    >>> _variants_aligned("币", sub, ins); sub, ins
    (['制'], ['', '，'])

    A mark given another mark beside its own other width takes that width (``)`` against ``）、``).

    >>> sub, ins = ["、"], ["）", ""]
    >>> _variants_aligned(")", sub, ins); sub, ins
    (['）'], ['', '、'])
    >>> sub, ins = ["、"], ["", ""]   # a mark for a mark, nothing beside it: left as aligned
    >>> _variants_aligned(")", sub, ins); sub, ins
    (['、'], ['', ''])
    """
    for i, char in enumerate(source):
        given = sub[i]
        if not given or given == char or _same_mark(char, given):
            continue
        run = ins[i] + given + ins[i + 1]
        at = len(ins[i])
        if _mark_like(char) and _mark_like(given):
            # A mark given another mark stays, unless its own other width sits beside it: ) against
            # ）、 is ) → ） and 、 inserted, not ) → 、 and ） inserted.
            found = [k for k, other in enumerate(run) if k != at and _same_mark(char, other)]
        elif _is_variant(char, given):
            continue
        else:
            found = [k for k, other in enumerate(run) if k != at and _akin(char, other)]
            if not found and _mark_like(given) and not _mark_like(char):
                found = [k for k, other in enumerate(run) if k != at and not _mark_like(other)]
        if found:
            k = min(found, key=lambda k: abs(k - at))  # the nearest: the fewest characters move
            sub[i], ins[i], ins[i + 1] = run[k], run[:k], run[k + 1 :]


def _akin(char: str, other: str) -> bool:
    """Whether ``other`` is ``char``'s script variant, or both are marks (丶, the radical engines print
    for 、, counts as one): what an OCR engine prints for a character."""
    return _is_variant(char, other) or (_mark_like(char) and _mark_like(other))


def _same_mark(char: str, other: str) -> bool:
    """Whether ``other`` is ``char`` in its other width (``)`` and ``）``; NFKC folds one into the other)."""
    return char != other and unicodedata.normalize("NFKC", char) == unicodedata.normalize("NFKC", other)


def _mark_like(char: str) -> bool:
    return char == "丶" or unicodedata.category(char).startswith("P")


def _is_variant(char: str, other: str) -> bool:
    """Whether ``other`` is ``char``'s form in the other script (OpenCC's tables, as restore ships them)."""
    tables = _script_tables()
    return other in tables.to_traditional.get(char, ()) or other in tables.to_simplified.get(char, ())


@functools.cache
def _script_tables():  # -> restore.scriptdata.ScriptTables, loaded once per process
    from restore.scriptdata import ScriptTables

    return ScriptTables.load()


def _deletions_first(source: str, sub: list[str]) -> None:
    """In a run of identical characters (。。) of which some are deleted, delete the first ones.

    Which copy an aligner drops is arbitrary and depends on the rest of the line; one fixed
    choice makes the truth's and the output's projections agree on the slot.

    >>> sub = ["好", "。", ""]
    >>> _deletions_first("好。。", sub); sub
    ['好', '', '。']
    """
    start = 0
    while start < len(source):
        end = start
        while end < len(source) and source[end] == source[start]:
            end += 1
        run = sub[start:end]
        if end - start > 1 and "" in run and all(x in ("", source[start]) for x in run):
            kept = sum(1 for x in run if x)
            sub[start:end] = [""] * (end - start - kept) + [source[start]] * kept
        start = end


@dataclass
class Counts:
    """Summable counts; every rate the report prints derives from these."""

    sentences: int = 0
    chars: int = 0  # input characters
    truth_chars: int = 0
    gold: int = 0  # slots the truth changes
    system: int = 0  # slots the output changes
    detected: int = 0
    corrected: int = 0
    false_edits: int = 0  # system changes where the truth has none
    distance_before: int = 0  # Levenshtein(input, truth)
    distance_after: int = 0  # Levenshtein(output, truth)
    sent_gold: int = 0  # sentences whose truth differs from the input
    sent_changed: int = 0  # sentences the system changed
    sent_right: int = 0  # truth differs from input and output is exactly the truth

    def add(self, other: Counts) -> Counts:
        """Add ``other`` into this one and return it."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def detection(self) -> tuple[float, float, float]:
        """Character-level detection precision, recall, F1."""
        return prf(self.detected, self.system, self.gold)

    @property
    def correction(self) -> tuple[float, float, float]:
        """Character-level correction precision, recall, F1."""
        return prf(self.corrected, self.system, self.gold)

    @property
    def sentence(self) -> tuple[float, float, float]:
        """Strict sentence-level correction: a changed sentence not exactly the truth is a false positive."""
        return prf(self.sent_right, self.sent_changed, self.sent_gold)

    @property
    def cer_before(self) -> float:
        """Character error rate of the input against the truth."""
        return self.distance_before / self.truth_chars if self.truth_chars else 0.0

    @property
    def cer_after(self) -> float:
        """Character error rate of the output against the truth."""
        return self.distance_after / self.truth_chars if self.truth_chars else 0.0

    @property
    def cer_reduction(self) -> float:
        """Relative CER change, negative when the output is better (−0.10 = 10% fewer errors)."""
        if not self.distance_before:
            return 0.0
        return (self.distance_after - self.distance_before) / self.distance_before

    @property
    def false_per_10k(self) -> float:
        """System changes where the truth has none, per 10,000 input characters."""
        return 10_000 * self.false_edits / self.chars if self.chars else 0.0


def prf(tp: int, predicted: int, actual: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty denominator gives 0.

    >>> prf(1, 2, 4)
    (0.5, 0.25, 0.3333333333333333)
    """
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_pair(ocr: str, truth: str, output: str, script: str = "simplified") -> Counts:
    """Score one output against its truth, both aligned to the OCR input (all folded first)."""
    source, truth, output = fold(ocr, script), fold(truth, script), fold(output, script)
    gold = project(source, truth).changes()
    system = project(source, output).changes()
    shared = gold.keys() & system.keys()
    needs_fix = truth != source
    changed = output != source
    return Counts(
        sentences=1,
        chars=len(source),
        truth_chars=len(truth),
        gold=len(gold),
        system=len(system),
        detected=len(shared),
        corrected=sum(1 for slot in shared if gold[slot] == system[slot]),
        false_edits=len(system.keys() - gold.keys()),
        distance_before=Levenshtein.distance(source, truth),
        distance_after=Levenshtein.distance(output, truth),
        sent_gold=int(needs_fix),
        sent_changed=int(changed),
        sent_right=int(needs_fix and output == truth),
    )


@dataclass(frozen=True)
class JudgedEdit:
    """One proposed edit and whether it agrees with the truth."""

    confidence: float
    kind: str
    source: str
    applied: bool
    right: bool


def judge_edits(ocr: str, truth: str, edits: Iterable[object], script: str, *, applied: bool) -> list[JudgedEdit]:
    """Judge each edit (``start``, ``end``, ``after`` on ``ocr``) on its own against the truth.

    An edit is right when its ``after`` is what the truth has for its span.

    >>> from types import SimpleNamespace as E
    >>> e = E(start=4, end=5, after="园", confidence=0.9, kind="char", source="t")
    >>> judge_edits("他们在公圆里", "他们在公园里", [e], "simplified", applied=True)[0].right
    True
    >>> d = E(start=2, end=3, after="", confidence=0.9, kind="punct", source="t")
    >>> judge_edits("好了。。", "好了。", [d], "simplified", applied=True)[0].right
    True
    """
    projection = project(fold(ocr, script), fold(truth, script))
    judged = []
    for edit in edits:
        after = fold(edit.after, script)  # type: ignore[attr-defined]
        start, end = edit.start, edit.end  # type: ignore[attr-defined]
        right = after in projection.span(start, end)
        if not right and not after and end - start == 1:
            # Deleting one of two identical neighbours (。。): the alignment may have dropped the other.
            right = any(
                0 <= j < len(ocr) and ocr[j] == ocr[start] and "" in projection.span(j, j + 1) for j in (start - 1, end)
            )
        judged.append(JudgedEdit(edit.confidence, edit.kind, edit.source, applied, right))  # type: ignore[attr-defined]
    return judged


@dataclass
class Calibration:
    """Precision of edits at confidence ≥ t, and per confidence bin."""

    edits: list[JudgedEdit] = field(default_factory=list)

    def at_least(self, threshold: float) -> tuple[int, float]:
        """How many edits have confidence ≥ ``threshold``, and the fraction of them that are right."""
        chosen = [e for e in self.edits if e.confidence >= threshold - 1e-9]
        return len(chosen), (sum(e.right for e in chosen) / len(chosen) if chosen else 0.0)

    def bins(self, edges: tuple[float, ...]) -> list[tuple[float, float, int, float, float]]:
        """Rows ``(low, high, n, mean confidence, precision)`` for ``low <= confidence < high``."""
        rows = []
        for low, high in zip(edges, edges[1:], strict=False):
            chosen = [e for e in self.edits if low <= e.confidence < high or (high >= 1.0 and e.confidence == 1.0)]
            if chosen:
                mean = sum(e.confidence for e in chosen) / len(chosen)
                rows.append((low, high, len(chosen), mean, sum(e.right for e in chosen) / len(chosen)))
            else:
                rows.append((low, high, 0, 0.0, 0.0))
        return rows

    def by_kind(self) -> dict[str, tuple[int, float]]:
        """Applied edits per kind: count and precision."""
        kinds: dict[str, list[JudgedEdit]] = {}
        for e in self.edits:
            if e.applied:
                kinds.setdefault(e.kind, []).append(e)
        return {k: (len(v), sum(e.right for e in v) / len(v)) for k, v in sorted(kinds.items())}


def truth_map(ocr: str, truth: str) -> dict[int, str]:
    """OCR position -> truth character, for positions kept or substituted one for one.

    >>> truth_map("公圆里", "公园里")
    {0: '公', 1: '园', 2: '里'}
    """
    mapping = {}
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(ocr, truth):
        if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                mapping[i1 + k] = truth[j1 + k]
    return mapping
