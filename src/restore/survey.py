"""What a batch's first pass learns: per-stage facts, surveyed one document at a time and merged.

A stage that learns from a whole batch (a :class:`restore.stages.base.Surveyor`) returns a
:class:`Facts` record for one document; records merge associatively and commutatively, so
the survey is a map over documents and a merge (in one process, a pool or a cluster alike).
The merged :class:`Survey` goes back to every document as ``Document.batch``.

>>> from restore.stages.lexicon import EntityVotes
>>> a = Survey({"lexicon": EntityVotes({"徐汇区": 1})})
>>> b = Survey({"lexicon": EntityVotes({"徐汇区": 1, "上海市": 1})})
>>> a.merge(b).to_json()
{'lexicon': {'上海市': 1, '徐汇区': 2}}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

F = TypeVar("F", bound="Facts")


class Facts(Protocol):
    """One stage's facts about a batch: merge two, write them as JSON."""

    def merge(self: F, other: F) -> F:
        """The facts of both batches together (associative and commutative)."""
        ...

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (hashed to decide whether resumed outputs are stale)."""
        ...


@dataclass(frozen=True)
class Survey:
    """Facts of a batch, by the name of the stage that gathered them (empty: no batch)."""

    facts: Mapping[str, Facts] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))

    def __bool__(self) -> bool:
        return bool(self.facts)

    def get(self, stage: str) -> Facts | None:
        """The facts stage ``stage`` gathered, or None."""
        return self.facts.get(stage)

    def merge(self, other: Survey) -> Survey:
        """Both surveys together: each stage's facts merged."""
        merged = dict(self.facts)
        for stage, facts in other.facts.items():
            mine = merged.get(stage)
            merged[stage] = facts if mine is None else mine.merge(facts)
        return Survey(merged)

    @classmethod
    def merged(cls, surveys: Iterable[Survey]) -> Survey:
        """The merge of any number of surveys (empty for none)."""
        total = cls()
        for survey in surveys:
            total = total.merge(survey)
        return total

    def to_json(self) -> dict[str, Any]:
        """``{stage: facts.to_json()}``, sorted by stage."""
        return {stage: self.facts[stage].to_json() for stage in sorted(self.facts)}

    def __reduce__(self) -> tuple[Any, ...]:
        # MappingProxyType does not pickle; workers receive the survey from the parent.
        return (Survey, (dict(self.facts),))
