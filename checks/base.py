"""What a check is: a small named object that looks at one candidate record and passes it or
says why not. Checks never call a model; the critic roles run a named set of them.

A check reads the fields of a `Candidate` it needs (the question, the answer, the source it
must rest on, ...) and returns None when it does not apply (no source to ground against, no
parent to compare with), so one set serves every scenario of its data family.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel


class CheckResult(BaseModel):
    name: str
    passed: bool
    detail: str = ""
    score: float | None = None


def ok(name: str, score: float | None = None) -> CheckResult:
    return CheckResult(name=name, passed=True, score=score)


def fail(name: str, detail: str, score: float | None = None) -> CheckResult:
    return CheckResult(name=name, passed=False, detail=detail, score=score)


@dataclass
class Candidate:
    """Everything a check may look at for one record; each family fills what it has."""

    question: str = ""  # the user turn: a question, an instruction, a customer message
    answer: str = ""  # the assistant turn
    source: str | None = None  # the text the answer must rest on (None: nothing to ground against)
    language: str = "unknown"
    answerable: bool = True
    finish_reason: str | None = None
    question_error: str | None = None  # the writer's reply for the question was unusable
    answer_error: str | None = None  # the answerer's reply was unusable
    evidence: str | None = None  # the source sentence the answer cites
    subject: str = ""  # the document's title or domain: may stay implicit in a question
    registry: Any = None  # the run's accepted questions or instructions (duplicate checks)
    own_prefix: str | None = None  # registry keys of the record's own lineage (not duplicates)
    parent: str | None = None  # the instruction an evolved instruction came from
    parent_response: str | None = None  # the response an evolved response came from
    task: str | None = None  # the task part of a message that also carries its content
    concepts: list[str] | None = None  # GLAN: the key concepts a homework question must name
    prompt: str = ""  # custom flows: the prompts the writer saw (copies of them are rejected)
    extra: dict[str, Any] = field(default_factory=dict)  # what a family's own checks need besides


@dataclass(frozen=True)
class Check:
    """One deterministic check: its result name, what it rejects (in a reader's words, for
    the README and the report), and how it decides for a candidate. A check with no `decide`
    is made when a record is accepted (claiming its question in the run-wide registry), by
    the critic role itself."""

    name: str
    rejects: str
    decide: Callable[[Any], CheckResult | None] | None = None

    def __call__(self, candidate: Any) -> CheckResult | None:
        return self.decide(candidate) if self.decide is not None else None


@dataclass(frozen=True)
class CheckSet:
    """A data family's checks, in the order a reader wants the reasons."""

    family: str
    checks: tuple[Check, ...]

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(c.name for c in self.checks))

    def run(self, candidate: Any, only: Iterable[str] | None = None) -> list[CheckResult]:
        """Every applicable check (or only those named), each result in order."""
        chosen = None if only is None else set(only)
        results = []
        for check in self.checks:
            if chosen is not None and check.name not in chosen:
                continue
            result = check(candidate)
            if result is not None:
                results.append(result)
        return results
