"""Instruction critic: judges each instruction-answer pair of an instruction-data team.

The deterministic checks (`instruction_checks.py`: for evolutions, WizardLM's elimination
rules first) decide alone when one fails. When all pass, the critic model scores the pair;
as in the document critic, under the "verify" trust policy its objection counts only when
the text confirms it (a "does not answer" objection: the answer covers under half of the
instruction's words), so a weak model cannot throw out a sound pair on a whim. A model
with no usable verdict rejects the pair (`critic_unavailable`): the critic fails closed.
"""

from __future__ import annotations

from typing import Literal

from autogen_core import CancellationToken
from pydantic import BaseModel, Field

from ..checks.instruction import instruction_checks, near_duplicate_result
from ..checks.qa import CONFIRMED_OFF_TARGET, answer_relevance
from ..errors import StructuredOutputError
from ..tools.fencing import fence
from .base import RoleAgent, render_prompt
from .critic import unsupported_quote
from .instructions import (
    AnswersOutput,
    Instruction,
    InstructionAnswer,
    InstructionContext,
    InstructionsOutput,
    InstructionVerdict,
    InstructionVerdicts,
    JudgedInstruction,
)


class VerdictReply(BaseModel):
    """What a small model is asked: scores, a decision, one of two problems."""
    helpfulness: int = Field(ge=1, le=5)
    relevance: int = Field(ge=1, le=5)
    clarity: int = Field(ge=1, le=5)
    decision: Literal["accept", "reject"]
    problem: Literal["none", "does_not_answer", "unclear_instruction"]
    reason: str = Field(max_length=300)


class StrongVerdictReply(BaseModel):
    """What a strong model is asked: its reasoning first, truthfulness against the references,
    and, for a wrong or unsupported answer, the answer's words at fault, verbatim."""
    reason: str = Field(max_length=600)
    truthfulness: int = Field(ge=1, le=5)
    helpfulness: int = Field(ge=1, le=5)
    relevance: int = Field(ge=1, le=5)
    clarity: int = Field(ge=1, le=5)
    problem: Literal["none", "incorrect", "unsupported_claim", "does_not_answer", "unclear_instruction"]
    quote: str = Field(max_length=300)
    decision: Literal["accept", "reject"]


REFERENCE_CHARS = 6000  # of the references shown to a strong critic


def objection_confirmed(verdict: InstructionVerdict, instruction: str, answer: str,
                        source: str | None = None) -> tuple[bool, str]:
    if verdict.problem in ("incorrect", "unsupported_claim"):
        if not source:
            return False, "no references to hold the quoted words against"
        return unsupported_quote(verdict.quote, answer, source)
    if verdict.problem == "does_not_answer":
        relevance = answer_relevance(instruction, answer, answer)
        if relevance is None:
            return True, "the answer shares no word with the instruction"
        if relevance < CONFIRMED_OFF_TARGET:
            return True, f"the answer covers {relevance:.0%} of the instruction"
        return False, f"the answer covers {relevance:.0%} of the instruction"
    if verdict.problem == "unclear_instruction":
        return False, "clarity beyond the checks is taste"
    return False, "no problem named"


class InstructionCriticAgent(RoleAgent):
    role = "instruction_critic"
    output_model = InstructionVerdicts
    max_tokens = 300

    def __init__(self, model_client, context: InstructionContext, *, rounds: int = 1,
                 evolution: Literal["instruction", "response"] | None = None, checks: list[str] | None = None,
                 **kwargs) -> None:
        kwargs.setdefault("name", "critic")
        kwargs.setdefault("description", "Judges each instruction and answer.")
        super().__init__(model_client, context, **kwargs)
        self.rounds = rounds
        self.evolution = evolution  # which side evolves: its elimination rules run against the parent
        self.checks = checks  # the deterministic checks a team spec chose (None: all)
        self._instructions: dict[int, Instruction] = {}
        self._answers: list[InstructionAnswer] = []
        self._history: list[JudgedInstruction] = []
        self._round = 0

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, InstructionsOutput):
            self._instructions = {i.slot: i for i in content.instructions}
        elif isinstance(content, AnswersOutput):
            self._answers = content.answers

    def _source(self, answer: InstructionAnswer) -> str | None:
        index = self.context.index
        if index is None or not answer.consulted:
            return None
        return "\n\n".join(c.text for c in (index.get(i) for i in answer.consulted) if c is not None)

    async def act(self, cancellation_token: CancellationToken) -> InstructionVerdicts:
        judged = [await self._judge_pair(self._instructions[a.slot], a, cancellation_token) for a in self._answers]
        self._history += judged
        self._round += 1
        return InstructionVerdicts(round=self._round - 1, judged=judged, history=list(self._history),
                                   more_rounds=self._round < self.rounds)

    async def _judge_pair(self, instruction: Instruction, answer: InstructionAnswer,
                          cancellation_token: CancellationToken) -> JudgedInstruction:
        ctx = self.context
        # A lineage may resemble its ancestors, and siblings their kin.
        own_prefix = f"{ctx.item_id}:" if self.evolution else ctx.kin_prefix
        checks = instruction_checks(
            instruction=instruction.text, answer=answer.text, language=ctx.language, registry=ctx.registry,
            parent=instruction.parent_text if self.evolution == "instruction" else None,
            parent_response=answer.parent_text if self.evolution == "response" else None,
            instruction_error=instruction.error, answer_error=answer.error, finish_reason=answer.finish_reason,
            source=self._source(answer) or instruction.path.get("content"), concepts=instruction.path.get("key_concepts"),
            task=instruction.path.get("task"), content=instruction.path.get("content"),
            passage=instruction.path.get("passage"), own_prefix=own_prefix, only=self.checks,
        )
        failed = [c for c in checks if not c.passed]
        judged = JudgedInstruction(instruction=instruction, answer=answer, decision="reject", checks=checks)
        if failed:
            judged.rule, judged.reasons = failed[0].name, [f"{c.name}: {c.detail}" for c in failed]
            return judged
        checks_only = ctx.critic_trust == "checks-only"
        source = self._source(answer) or instruction.path.get("content")
        verdict, unavailable = (None, "") if checks_only else await self._ask_model(
            instruction.text, answer.text, source, cancellation_token)
        judged.llm = verdict
        if verdict is None and not checks_only:  # fail closed: no usable verdict is no acceptance
            judged.rule, judged.reasons = "critic_unavailable", [f"critic_unavailable: {unavailable}"]
            return judged
        objects = verdict is not None and (verdict.decision != "accept" or min(
            verdict.helpfulness, verdict.relevance, verdict.truthfulness or 5) <= 2)
        if objects:
            quoted = f" {verdict.quote!r}" if verdict.quote else ""
            said = f"critic model: {verdict.decision}, {verdict.problem}{quoted} ({verdict.reason})"
            confirmed, why = (True, "trusted") if ctx.critic_trust == "full" else objection_confirmed(
                verdict, instruction.text, answer.text, source)
            if confirmed:
                judged.rule, judged.reasons = "critic_model", [said if ctx.critic_trust == "full" else f"{said}; confirmed: {why}"]
                return judged
            judged.reasons, judged.llm_overruled = [f"{said}; overruled: {why}"], True
        duplicate = near_duplicate_result(ctx.registry.claim(
            f"{ctx.item_id}:{instruction.slot}:{instruction.round}", instruction.text, own_prefix, owner=ctx.item_id),
            ctx.registry)
        if not duplicate.passed and (self.checks is None or duplicate.name in self.checks):
            # another item kept a near-copy while the critic model was judging this one
            checks.append(duplicate)
            judged.rule, judged.reasons = duplicate.name, [f"{duplicate.name}: {duplicate.detail}"]
            return judged
        judged.decision = "accept"
        return judged

    async def _ask_model(self, instruction: str, answer: str, source: str | None,
                         cancellation_token: CancellationToken) -> tuple[InstructionVerdict | None, str]:
        """(verdict, why there is none). A strong model is shown the references the answer was
        written from and asked for truthfulness and the words at fault; a small one, whose
        context is short and whose judgement of them is weak, only the pair."""
        strong = not self.small_model
        references = f"References the answer was written from:\n{fence(source[:REFERENCE_CHARS])}\n\n" \
            if strong and source else ""
        prompt = render_prompt("instruction_critic.user", references=references, instruction=instruction,
                               answer=answer)
        try:
            reply, _ = await self.ask(StrongVerdictReply if strong else VerdictReply, prompt, cancellation_token)
        except StructuredOutputError as exc:
            return None, exc.error
        return InstructionVerdict.model_validate(reply.model_dump()), ""
