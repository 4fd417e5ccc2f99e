"""Dataset records: pydantic end to end, JSON only at the writers.

A record is the OpenAI/Azure chat fine-tuning shape (`messages`) plus `metadata` that
lets a user audit it: where it came from, which team and model made it, what the critic
decided and why, and what it cost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, SerializeAsAny

from ..agents.base import render_prompt
from ..agents.qa_messages import JudgedPair
from ..tools.dedup import QuestionRegistry


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class CriticSummary(BaseModel):
    decision: str
    reasons: list[str]
    scores: dict[str, int] | None  # the model's 1-5 scores, when it was asked
    model_decision: str | None
    model_reason: str | None
    model_overruled: bool
    failed_checks: list[str]


class ItemUsage(BaseModel):
    """Tokens spent on the whole work item (all agents, all rounds) that produced the record."""

    calls: int
    prompt_tokens: int
    completion_tokens: int
    cached_calls: int = 0
    cost_usd: float | None = None

    @classmethod
    def of(cls, usage: Any) -> "ItemUsage":
        """From a `RoleUsage` total."""
        return cls(calls=usage.calls, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                   cached_calls=usage.cached_calls, cost_usd=usage.cost_usd)


class BaseMetadata(BaseModel):
    """What every record says about itself; scenarios extend it with their provenance."""

    scenario: str
    item_id: str
    team: str | None
    model: str
    language: str
    critic: CriticSummary
    usage: ItemUsage


class RecordMetadata(BaseMetadata):
    """Question-answer pairs from documents (seed_from_pdf, persona_qa, curate)."""

    source_file: str | None
    pages: list[int]
    rows: list[int] | None = None  # CSV inputs: the data rows (1 = first after the header)
    chunk_id: str | None
    input_id: str | None = None  # curate: the input line's own id
    question_type: str | None
    evidence: str | None
    evidence_pages: list[int] = []  # pages on which the cited source sentence occurs
    consulted_chunks: list[str] = []
    revision: int
    persona: dict[str, str] | None = None  # persona_qa: the reader the question was written for


class Record(BaseModel):
    id: str
    messages: list[ChatMessage]
    metadata: SerializeAsAny[BaseMetadata]  # serialised with the scenario's own fields


class RejectedRecord(Record):
    reasons: list[str]


def sme_messages(domain: str, question: str, answer: str) -> list[ChatMessage]:
    return [
        ChatMessage(role="system", content=render_prompt("sme_system", domain=domain).strip()),
        ChatMessage(role="user", content=question),
        ChatMessage(role="assistant", content=answer),
    ]


def critic_summary(pair: JudgedPair) -> CriticSummary:
    llm = pair.llm
    return CriticSummary(
        decision=pair.decision,
        reasons=pair.reasons,
        scores={"groundedness": llm.groundedness, "relevance": llm.relevance, "clarity": llm.clarity} if llm else None,
        model_decision=llm.decision if llm else None,
        model_reason=llm.reason if llm else None,
        model_overruled=pair.llm_overruled,
        failed_checks=[c.name for c in pair.checks if not c.passed],
    )


def instruction_critic_summary(judged: Any) -> CriticSummary:
    """A `JudgedInstruction` (agents/instructions.py) as the records' critic summary."""
    llm = judged.llm
    return CriticSummary(
        decision=judged.decision,
        reasons=judged.reasons,
        scores={"helpfulness": llm.helpfulness, "relevance": llm.relevance, "clarity": llm.clarity,
                **({"truthfulness": llm.truthfulness} if llm.truthfulness is not None else {})} if llm else None,
        model_decision=llm.decision if llm else None,
        model_reason=llm.reason if llm else None,
        model_overruled=judged.llm_overruled,
        failed_checks=[c.name for c in judged.checks if not c.passed],
    )


def instruction_messages(system: str | None, instruction: str, answer: str) -> list[ChatMessage]:
    head = [ChatMessage(role="system", content=system)] if system else []
    return [*head, ChatMessage(role="user", content=instruction), ChatMessage(role="assistant", content=answer)]


def split_judged(judged: list[Any], make: Callable[[Any], Record]) -> tuple[list[Record], list[RejectedRecord]]:
    """Judged instructions (agents/instructions.py) as accepted and rejected records."""
    accepted: list[Record] = []
    rejected: list[RejectedRecord] = []
    for one in judged:
        record = make(one)
        if one.decision == "accept":
            accepted.append(record)
        else:
            rejected.append(RejectedRecord(id=record.id, messages=record.messages, metadata=record.metadata,
                                           reasons=one.reasons))
    return accepted, rejected


def split_records(
    pairs: list[JudgedPair], make: Callable[[JudgedPair], tuple[str, list[ChatMessage], BaseMetadata]]
) -> tuple[list[Record], list[RejectedRecord]]:
    """Turn judged pairs into accepted and rejected records with `make(pair) -> (id, messages, metadata)`."""
    accepted: list[Record] = []
    rejected: list[RejectedRecord] = []
    for pair in pairs:
        record_id, messages, metadata = make(pair)
        if pair.decision == "accept":
            accepted.append(Record(id=record_id, messages=messages, metadata=metadata))
        else:
            rejected.append(RejectedRecord(id=record_id, messages=messages, metadata=metadata, reasons=pair.reasons))
    return accepted, rejected


def restore_registry(registry: QuestionRegistry, accepted: list[dict]) -> None:
    """On resume, accepted questions of finished items count again for duplicate checks."""
    for record in accepted:
        user = next(i for i, m in enumerate(record["messages"]) if m["role"] == "user")
        reply = next((m["content"] for m in record["messages"][user + 1:] if m["role"] == "assistant"), None)
        registry.add(record["messages"][user]["content"], reply)
