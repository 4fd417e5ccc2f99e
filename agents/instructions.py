"""What the agents of instruction-data teams (evolve_instruct, glan) exchange and share.

A writer (the evolver, the homework writer) sends `InstructionsOutput`, the instruction
answerer replies with `AnswersOutput`, the instruction critic judges both with
`InstructionVerdicts`. Unlike document QA there may be no source passage: grounding
checks run only where the answer was written from documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from ..checks.base import CheckResult
from ..tools.dedup import NearDuplicateIndex, RougeLIndex
from ..tools.language import UNKNOWN
from ..tools.lookup import DocumentIndex
from .context import LANGUAGE_NAMES, TrustPolicy


class Instruction(BaseModel):
    slot: int
    text: str
    round: int = 0
    parent_id: str | None = None  # evolve: the pool member this was evolved from
    parent_text: str | None = None
    operation: str | None = None  # evolve: the WizardLM operation applied
    path: dict[str, Any] = {}  # glan: key concepts, question style, difficulty
    error: str | None = None  # the writer's reply could not be used


class InstructionsOutput(BaseModel):
    round: int
    instructions: list[Instruction]


class InstructionAnswer(BaseModel):
    slot: int
    text: str
    finish_reason: str | None = None
    consulted: list[str] = []  # chunk ids the answer was written from
    error: str | None = None
    round: int = 0
    parent_id: str | None = None  # evol_quality: the response this was evolved from
    parent_text: str | None = None
    operation: str | None = None  # evol_quality: the EvolQuality mutation applied


class AnswersOutput(BaseModel):
    round: int
    answers: list[InstructionAnswer]


class InstructionVerdict(BaseModel):
    """The critic model's opinion (1-5 scores), counted as `agents/instruction_critic.py` says."""

    helpfulness: int
    relevance: int
    clarity: int
    decision: Literal["accept", "reject"]
    problem: Literal["none", "incorrect", "unsupported_claim", "does_not_answer", "unclear_instruction"]
    reason: str
    truthfulness: int | None = None  # asked of strong models
    quote: str = ""  # the answer's words at fault, verbatim (strong models)


class JudgedInstruction(BaseModel):
    instruction: Instruction
    answer: InstructionAnswer
    decision: Literal["accept", "reject"]
    rule: str | None = None  # the first rule that eliminated it (a check name, "critic_model" or "critic_unavailable")
    reasons: list[str] = []
    checks: list[CheckResult] = []
    llm: InstructionVerdict | None = None
    llm_overruled: bool = False


class InstructionVerdicts(BaseModel):
    round: int
    judged: list[JudgedInstruction]  # this round's judgements
    history: list[JudgedInstruction] = []  # every round's, in order (evolve)
    more_rounds: bool = False


@dataclass
class InstructionContext:
    """What every agent of one instruction work item is given up front."""

    item_id: str
    language: str  # expected ISO code, or "unknown"
    registry: NearDuplicateIndex | RougeLIndex  # instructions accepted so far in the run
    domain: str = ""
    index: DocumentIndex | None = None  # documents the answers may be written from
    source_files: list[str] = field(default_factory=list)  # limit lookups to these documents
    bounded: bool = False  # in-process models: replies bounded by sentence-count grammars
    critic_trust: TrustPolicy = "verify"
    # Registry keys of sibling items that may resemble this one (agentinstruct: the other
    # skills' tasks on the same chunk carry the same content), skipped by the duplicate check.
    kin_prefix: str | None = None
    failure: Exception | None = None

    @property
    def language_name(self) -> str:
        if self.language == UNKNOWN:
            return "the language of the instruction"
        return LANGUAGE_NAMES.get(self.language, self.language)
