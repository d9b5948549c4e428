"""Project rules learned from review decisions, applied before every other stage.

A rule file (``restore learn``; version 2 of the lexicon format) holds phrases as printed
in the originals. This stage runs first, on the original text itself, so a phrase matches
exactly as it was reviewed and a **keep** rule's protection holds against every later
stage. A **variant** rule (printed phrase → right phrase) is proposed at the lexicon's
variant confidence (``lexicon.exact_variant_confidence``) with :class:`LearnedRule`
evidence naming the file, line, decisions files and confirmations. Entity entries of the
same file are the lexicon stage's. When a keep rule and a variant rule overlap, the keep
rule wins (the resolver drops what touches a protected span).

The stage registry (:func:`restore.stages.build_stages`) adds this stage in front whenever ``Config.lexicons`` names files; without
rules it proposes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import ahocorasick

from restore.config import Config
from restore.edits import changed_span
from restore.evidence import LearnedRule
from restore.lexicon.loading import load_user_lexicons
from restore.lexicon.model import KEEP, RULES_VERSION, VARIANT, Entry, Lexicon
from restore.stages.base import Document, Proposal, Protection, StageOutput, StagePlan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Rule:
    lexicon: Lexicon
    entry: Entry

    @property
    def seen(self) -> str:
        return self.entry.canonical if self.entry.rule == KEEP else self.entry.variants[0]


class ProjectStage:
    """Keep and variant rules of the configured rule files (none: an empty stage)."""

    name = "project"

    def __init__(self, config: Config, *, plan: StagePlan | None = None) -> None:
        """``plan`` is accepted for the stage contract; the rules do not depend on what follows."""
        self.config = config
        self._automaton: ahocorasick.Automaton | None = None
        self._loaded = False

    @property
    def automaton(self) -> ahocorasick.Automaton | None:
        """Printed phrase -> the rules matching it; ``None`` when no file holds keep or variant rules."""
        if not self._loaded:
            rules: dict[str, list[_Rule]] = {}
            for lexicon in load_user_lexicons(self.config.lexicons):
                if lexicon.version != RULES_VERSION:
                    continue
                for entry in lexicon.entries:
                    if entry.rule in (KEEP, VARIANT):
                        rule = _Rule(lexicon, entry)
                        rules.setdefault(rule.seen, []).append(rule)
            if rules:
                self._automaton = ahocorasick.Automaton()
                for phrase, listed in rules.items():
                    self._automaton.add_word(phrase, (len(phrase), tuple(listed)))
                self._automaton.make_automaton()
            self._loaded = True
            log.debug("project rules: %d phrases", len(rules))
        return self._automaton

    def propose(self, text: str, document: Document) -> StageOutput:
        """Protect the kept text of every keep-rule phrase; propose every variant rule's change."""
        automaton = self.automaton
        if automaton is None or not text:
            return StageOutput()
        proposals: list[Proposal] = []
        protections: list[Protection] = []
        confidence = self.config.lexicon.exact_variant_confidence
        for last, (length, rules) in automaton.iter(text):
            start = last + 1 - length
            for rule in rules:
                entry = rule.entry
                if entry.rule == KEEP:
                    assert entry.span is not None
                    protections.append(Protection(start + entry.span[0], start + entry.span[1],
                                                  rule.lexicon.source_id))
                    continue
                edit_start, edit_end, after = changed_span(rule.seen, entry.canonical, start)
                evidence = LearnedRule(lexicon=rule.lexicon.label, line=entry.line, rule=VARIANT,
                                       phrase=rule.seen, decisions=entry.decisions, confirmed=entry.confirmed)
                proposals.append(Proposal(edit_start, edit_end, after, kind=entry.edit_kind or "char",
                                          confidence=confidence, source=rule.lexicon.source_id,
                                          evidence=(evidence,)))
        protections.sort(key=lambda p: (p.start, p.end))
        return StageOutput(tuple(proposals), tuple(protections))
