"""Learning project rules from review decisions (``restore learn``).

Only items a reviewer decided explicitly (``decided`` in the decisions file) teach:

- a rejected change becomes a **keep** rule: the text as printed with a little context
  around it; the pipeline protects that text from every stage wherever the phrase recurs;
- an accepted change becomes a **variant** rule: the phrase as printed → the right phrase,
  fixed wherever the printed phrase recurs;
- an accepted name fix (an ``entity`` edit of a name some lexicon lists) becomes an
  **entity** entry: the name with the printed form as a known variant, which the lexicon
  stage then fixes in either script.

The context starts at :data:`MIN_CONTEXT` characters each side (stopping after a line
break, which marks a line end) and grows, up to :data:`MAX_CONTEXT`, only for decisions
whose phrase some other decision decided differently. Decisions that still disagree are
*contradictions*: reported, never guessed, and no rule is made of them. Learning into an
existing rule file merges: a rule decided again counts one more confirmation; a new
decision against an existing rule is a contradiction and the file's rule stays.

Decisions files are read and checked by :mod:`restore.lexicon.lessons`; the rules are
rendered and linted before anything is written, so a bad decisions file never leaves a
corrupt lexicon.

>>> text = "工程尚末完成。"
>>> lessons = [Lesson(text, 3, 4, "末", "未", True, "char", "char:lm", "a.json", "doc.txt")]
>>> [(r.rule, r.canonical, r.variants) for r in learn_rules(lessons).rules]
[('variant', '程尚未完成', ('程尚末完成',))]
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from restore.config import Config
from restore.edits import changed_span
from restore.errors import LexiconError
from restore.lexicon.escape import encode_rule_text, needs_escape
from restore.lexicon.model import (
    COLUMNS_V2,
    ENTITY,
    ITEM_SEPARATOR,
    KEEP,
    MAX_RULE_PHRASE,
    PROJECT_KIND,
    RULES_VERSION,
    VARIANT,
    Entry,
    Lexicon,
)
from restore.lexicon.lessons import Lesson
from restore.lexicon.parse import parse_lexicon

log = logging.getLogger(__name__)

# Characters of context each side a rule starts with: enough that a one-character change in
# a common word (的 -> 地) is only learned in its phrase, not everywhere the character occurs.
MIN_CONTEXT = 2
# Context grows one character a side at a time up to this, to separate decisions that disagree.
MAX_CONTEXT = 8
# Longest changed text (before or after) learned, in code points: a keep rule of a page or a
# paragraph rewritten is no rule about a word (such decisions are skipped and listed).
MAX_CHANGE = MAX_RULE_PHRASE - 2 * MAX_CONTEXT


@dataclass(frozen=True)
class Rule:
    """One line of a learned rule file (see ``lexicons/README.md``, version 2).

    keep: ``canonical`` is the phrase as printed, ``span`` the protected text in it;
    variant: ``canonical`` the right phrase, ``variants`` the printed one;
    entity: a lexicon entry (``canonical``, ``traditional``, printed ``variants``).
    """

    rule: str
    canonical: str
    variants: tuple[str, ...] = ()
    span: tuple[int, int] | None = None
    traditional: str = ""
    edit_kind: str = ""
    note: str = ""
    confirmed: int = 1
    decisions: tuple[str, ...] = ()

    @property
    def seen(self) -> str:
        """The printed phrase a keep or variant rule matches."""
        return self.canonical if self.rule == KEEP else self.variants[0]

    def seen_span(self) -> tuple[int, int]:
        """Where the printed text the rule keeps or changes lies in :attr:`seen`."""
        if self.rule == KEEP:
            assert self.span is not None
            return self.span
        start, end, _after = changed_span(self.variants[0], self.canonical)
        return start, end

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The TSV fields of the rule's line (phrases escaped)."""
        if self.rule == ENTITY:
            canonical, variants = self.canonical, ITEM_SEPARATOR.join(self.variants)
        else:
            canonical = encode_rule_text(self.canonical)
            variants = ITEM_SEPARATOR.join(encode_rule_text(v) for v in self.variants)
        span = f"{self.span[0]}:{self.span[1]}" if self.span is not None else ""
        decisions = ITEM_SEPARATOR.join(encode_rule_text(d) for d in self.decisions)
        return (canonical, self.traditional, variants, "", "", self.note, self.rule, self.edit_kind, span,
                str(self.confirmed), decisions)

    @classmethod
    def from_entry(cls, entry: Entry) -> Rule:
        """The rule a version-2 line holds."""
        return cls(entry.rule or ENTITY, entry.canonical, entry.variants, entry.span, entry.traditional,
                   entry.edit_kind, entry.note, max(1, entry.confirmed), entry.decisions)


@dataclass
class Learned:
    """What learning produced: the rules, and the decisions that made none, with why."""

    rules: list[Rule] = field(default_factory=list)
    contradictions: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rules by kind."""
        counts = {KEEP: 0, VARIANT: 0, ENTITY: 0}
        for rule in self.rules:
            counts[rule.rule] += 1
        return counts


# Finds the name an accepted entity fix completes: (lesson) -> (canonical, traditional, printed) or None.
EntityFinder = Callable[[Lesson], "tuple[str, str, str] | None"]


def learn_rules(
    lessons: Iterable[Lesson], *, existing: Sequence[Rule] = (), find_entity: EntityFinder | None = None
) -> Learned:
    """Turn lessons into rules, merged with ``existing`` ones (see the module docstring)."""
    learned = Learned()
    phrased: list[Lesson] = []
    entities: dict[str, list[tuple[Lesson, str, str]]] = defaultdict(list)
    for lesson in lessons:
        if max(len(lesson.before), len(lesson.after)) > MAX_CHANGE:
            learned.skipped.append(f"{lesson.describe()[:160]}: longer than {MAX_CHANGE} characters, not a rule")
            continue
        found = find_entity(lesson) if find_entity is not None and lesson.accepted and lesson.kind == "entity" else None
        if found is not None:
            canonical, traditional, printed = found
            entities[canonical].append((lesson, traditional, printed))
            continue
        phrased.append(lesson)
    phrased = _entity_contradictions(entities, phrased, learned)
    new_rules = _phrase_rules(phrased, learned)
    for canonical, group in sorted(entities.items()):
        traditional = group[0][1]
        misprints = tuple(sorted({p for _, _, p in group} - {canonical, traditional}))
        if not misprints:
            learned.skipped.append(f"{group[0][0].describe()}: the name is printed right already")
            continue
        new_rules.append(Rule(ENTITY, canonical, misprints, None, traditional, "entity", "",
                              len(group), tuple(sorted({lesson.origin for lesson, _, _ in group}))))
    learned.rules = _merge(existing, new_rules, learned)
    return learned


def _entity_contradictions(
    entities: dict[str, list[tuple[Lesson, str, str]]], phrased: list[Lesson], learned: Learned
) -> list[Lesson]:
    """Drop (and report) a name fix accepted once and rejected elsewhere on the same misprint."""
    clashes: set[int] = set()
    for canonical in sorted(entities):
        group = entities[canonical]
        against = [
            rejected for rejected in phrased
            if not rejected.accepted and any(
                (rejected.before, rejected.after) == (lesson.before, lesson.after)
                and printed in rejected.text[max(0, rejected.start - len(printed)) : rejected.end + len(printed)]
                for lesson, _, printed in group
            )
        ]
        if against:
            clashes.update(id(lesson) for lesson in against)
            listed = "; ".join(sorted(lesson.describe() for lesson, _, _ in group)[:3] +
                               sorted(lesson.describe() for lesson in against)[:3])
            learned.contradictions.append(f"{canonical!r}: the fix accepted and rejected: {listed}")
            del entities[canonical]
    return [lesson for lesson in phrased if id(lesson) not in clashes]


def _phrase_rules(lessons: list[Lesson], learned: Learned) -> list[Rule]:
    """Keep and variant rules with just enough context; disagreeing groups grow, then are contradictions."""
    rules: list[Rule] = []
    pending = lessons
    for context in range(MIN_CONTEXT, MAX_CONTEXT + 1):
        groups: dict[tuple[str, int, int], list[Lesson]] = defaultdict(list)
        for lesson in pending:
            groups[lesson.phrase(context)].append(lesson)
        pending = []
        for (phrase, start, end), group in groups.items():
            outcomes = {(lesson.accepted, lesson.after if lesson.accepted else "") for lesson in group}
            if len(outcomes) > 1:
                pending.extend(group)
                continue
            if len(phrase) == end - start:
                learned.skipped.append(f"{group[0].describe()}: no context around it to make a rule specific")
                continue
            rules.append(_rule(phrase, start, end, group))
        if not pending:
            break
    by_phrase: dict[tuple[str, int, int], list[Lesson]] = defaultdict(list)
    for lesson in pending:
        by_phrase[lesson.phrase(MAX_CONTEXT)].append(lesson)
    for (phrase, _start, _end), group in sorted(by_phrase.items()):
        listed = "; ".join(sorted(lesson.describe() + (" accepted" if lesson.accepted else " rejected")
                                  for lesson in group)[:6])
        learned.contradictions.append(f"{phrase!r}: decided both ways: {listed}")
    return rules


def _rule(phrase: str, start: int, end: int, group: list[Lesson]) -> Rule:
    first = group[0]
    origins = tuple(sorted({lesson.origin for lesson in group}))
    kinds = sorted({lesson.kind for lesson in group})
    note = "from " + ITEM_SEPARATOR.join(sorted({lesson.source for lesson in group}))
    if not first.accepted:
        return Rule(KEEP, phrase, (), (start, end), "", kinds[0], note, len(group), origins)
    right = phrase[:start] + first.after + phrase[end:]
    return Rule(VARIANT, right, (phrase,), None, "", kinds[0], note, len(group), origins)


def _rule_key(rule: Rule) -> tuple[str, ...]:
    fields = rule.fields
    return (fields[0], rule.rule, fields[2], fields[8])


def _merge(existing: Sequence[Rule], new: list[Rule], learned: Learned) -> list[Rule]:
    """Existing rules plus new ones; a rule learned again adds its confirmations and decisions files."""
    merged: dict[tuple[str, ...], Rule] = {_rule_key(rule): rule for rule in existing}
    # The printed text each existing keep or variant rule is about -> those rules, to find disagreements.
    decided: dict[str, list[Rule]] = defaultdict(list)
    entities = {rule.canonical: key for key, rule in merged.items() if rule.rule == ENTITY}
    for rule in existing:
        if rule.rule != ENTITY:
            start, end = rule.seen_span()
            decided[rule.seen[start:end]].append(rule)
    for rule in new:
        if rule.rule == ENTITY:
            key = entities.get(rule.canonical, _rule_key(rule))
            old = merged.pop(key, None)
            if old is not None:
                rule = replace(old, variants=tuple(sorted({*old.variants, *rule.variants})),
                               confirmed=old.confirmed + rule.confirmed,
                               decisions=tuple(sorted({*old.decisions, *rule.decisions})))
            merged[_rule_key(rule)] = rule
            entities[rule.canonical] = _rule_key(rule)
            continue
        clash = _clash(rule, decided)
        if clash is not None:
            learned.contradictions.append(
                f"{rule.seen!r}: new decisions ({', '.join(rule.decisions)}) {_outcome(rule)} "
                f"but the rule file says {_outcome(clash)} ({', '.join(clash.decisions)}); the file's rule stays"
            )
            continue
        key = _rule_key(rule)
        old = merged.get(key)
        if old is not None:
            rule = replace(old, confirmed=old.confirmed + rule.confirmed,
                           decisions=tuple(sorted({*old.decisions, *rule.decisions})))
        merged[key] = rule
    return [merged[key] for key in sorted(merged)]


def _outcome(rule: Rule) -> str:
    return "keep it as printed" if rule.rule == KEEP else f"change it to {rule.canonical!r}"


def _clash(rule: Rule, decided: dict[str, list[Rule]]) -> Rule | None:
    """An existing rule deciding the same printed text differently, where one rule's phrase holds the other's."""
    start, end = rule.seen_span()
    outcome = _outcome(rule)
    for other in decided.get(rule.seen[start:end], ()):
        if _outcome(other) == outcome:
            continue
        other_start, other_end = other.seen_span()
        # Align the two phrases at their changed text; they clash when one phrase contains the other there.
        left = min(start, other_start)
        if rule.seen[start - left : start] != other.seen[other_start - left : other_start]:
            continue
        right = min(len(rule.seen) - end, len(other.seen) - other_end)
        if rule.seen[end : end + right] == other.seen[other_end : other_end + right]:
            return other
    return None


def lexicon_entity_finder(config: Config) -> EntityFinder:
    """Finds accepted name fixes with the lexicon stage's own matcher (the lexicons ``config`` loads).

    An accepted ``entity`` edit completes a name when the corrected text prints a lexicon
    entry right over the edit; the printed form is the original text under that entry.
    """
    from restore.stages.lexicon import LexiconStage

    stage = LexiconStage(config)

    def find(lesson: Lesson) -> tuple[str, str, str] | None:
        found = stage.index.fixed_entry(lesson.text, lesson.start, lesson.end, lesson.after, reach=MAX_RULE_PHRASE)
        if found is None:
            return None
        entry = stage.index.entries[found[0]].entry
        printed = lesson.text[found[1] : found[2]]
        if printed in (entry.canonical, entry.traditional) or any(needs_escape(c) for c in printed):
            return None
        return entry.canonical, entry.traditional, printed

    return find


# ---------------------------------------------------------------------------------------------
# The rule file.


def existing_rules(lexicon: Lexicon) -> list[Rule]:
    """The rules of a learned file (:class:`LexiconError` unless it is a version-2 file)."""
    if lexicon.version != RULES_VERSION:
        raise LexiconError(f"{lexicon.label}: not a rule file (restore-lexicon {lexicon.version}); choose another -o")
    return [Rule.from_entry(entry) for entry in lexicon.entries]


def render_rules(rules: Sequence[Rule], *, name: str = "project") -> str:
    """The version-2 lexicon text of ``rules`` (sorted; byte-identical for the same rules)."""
    origins = sorted({origin for rule in rules for origin in rule.decisions})
    shown = ", ".join(encode_rule_text(origin) for origin in origins[:20])
    more = f" and {len(origins) - 20} more" if len(origins) > 20 else ""
    lines = [
        f"# restore-lexicon: {RULES_VERSION}",
        f"# name: {name}",
        f"# kind: {PROJECT_KIND}",
        f"# source: review decisions learned by restore learn ({shown or 'none'}{more})",
        "# licence: the project's own review decisions",
        "# columns: " + "\t".join(COLUMNS_V2),
    ]
    lines.extend("\t".join(rule.fields) for rule in sorted(rules, key=_rule_key))
    text = "\n".join(lines) + "\n"
    lexicon, problems = parse_lexicon(text, f"{name}.tsv")
    if problems or lexicon is None:  # a bug here must never leave a corrupt file behind
        raise LexiconError(f"learned rules do not lint: {problems[0] if problems else 'unreadable'}")
    return text
