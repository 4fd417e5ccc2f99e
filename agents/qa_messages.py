"""The messages a QA team's agents exchange (reader → question writer → answerer → critic,
with reviewers alongside). Every agent imports its types from here, never from another
agent, so no agent module depends on another (agents/instructions.py does the same for the
instruction family)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..checks.base import CheckResult


class Fact(BaseModel):
    fact: str
    source_sentence: str


class ReaderOutput(BaseModel):
    facts: list[Fact]
    fallback: str | None = None  # why the facts are the passage's own sentences, if they are


class Question(BaseModel):
    slot: int
    type: str
    question: str
    fact: str | None = None
    revision: int = 0
    error: str | None = None  # the writer's reply for this slot could not be used


class WriterOutput(BaseModel):
    round: int
    questions: list[Question]  # the slots written this round


class Answer(BaseModel):
    slot: int
    evidence: str | None
    answerable: bool
    answer: str
    finish_reason: str | None = None
    consulted: list[str] = []  # chunk ids returned by search_documents
    error: str | None = None  # the reply could not be used (kept so the critic can say why)


class AnswererOutput(BaseModel):
    round: int
    answers: list[Answer]


Decision = Literal["accept", "revise", "reject"]
Problem = Literal["none", "unsupported_claim", "does_not_answer", "unclear_question"]


class LLMVerdict(BaseModel):
    groundedness: int = Field(ge=1, le=5)
    relevance: int = Field(ge=1, le=5)
    clarity: int = Field(ge=1, le=5)
    decision: Decision
    problem: Problem
    quote: str = Field(max_length=200)  # the words of the answer at fault ("" when none)
    reason: str = Field(max_length=300)

    @property
    def objects(self) -> bool:
        return self.decision != "accept" or min(self.groundedness, self.relevance) <= 2


class JudgedPair(BaseModel):
    slot: int
    question_type: str
    question: str
    answer: str
    evidence: str | None = None
    fact: str | None = None
    consulted: list[str] = []
    revision: int = 0
    decision: Decision
    reasons: list[str] = []
    checks: list[CheckResult] = []
    llm: LLMVerdict | None = None
    llm_overruled: bool = False


class CriticOutput(BaseModel):
    round: int
    pairs: list[JudgedPair]  # the latest judgement of every slot so far
    needs_revision: bool


class PairReview(BaseModel):
    supported: bool
    quote: str = Field(default="", description="the words of the answer that the source does not support")
    reason: str = ""


class SlotReview(PairReview):
    slot: int
    error: str | None = None


class PairReviews(BaseModel):
    """What a reviewer says about each answer of the latest round."""

    reviewer: str
    reviews: list[SlotReview]
