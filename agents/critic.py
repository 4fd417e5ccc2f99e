"""Critic: vets every question-answer pair with deterministic checks AND a model verdict.

How the two combine (`combine`):
1. Any deterministic check fails → revise (if a revision round is left) or reject.
   The model is not asked: no verdict can wave a hallucinated number through.
2. Checks pass and the model accepts (groundedness and relevance above 2) → accept.
3. Checks pass but the model objects → revise/reject, UNLESS deterministic evidence
   shows the pair is both grounded and on point: nearly all of the answer's words occur
   in the source, it cites a source sentence, and the answer with that sentence covers
   most of the question's content words. Then the pair is accepted and the overruled
   verdict is recorded, so a weak model cannot reject a correct, grounded pair on a
   whim — while an answer that is grounded but answers something else stays rejected.
"""

from __future__ import annotations

from typing import Literal

from autogen_core import CancellationToken
from pydantic import BaseModel, Field

from ..errors import StructuredOutputError
from .answerer import Answer, AnswererOutput
from .base import RoleAgent, render_prompt
from .context import QAContext
from .critic_checks import CheckResult, run_checks
from .question_writer import Question, WriterOutput

Decision = Literal["accept", "revise", "reject"]
STRONG_SUPPORT = 0.85  # answer words found in the source, needed to overrule the model
STRONG_RELEVANCE = 0.7  # question words covered by answer + evidence, needed to overrule


class LLMVerdict(BaseModel):
    groundedness: int = Field(ge=1, le=5)
    relevance: int = Field(ge=1, le=5)
    clarity: int = Field(ge=1, le=5)
    decision: Decision
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


def combine(
    checks: list[CheckResult], verdict: LLMVerdict | None, *, can_revise: bool, cites_source: bool
) -> tuple[Decision, list[str], bool]:
    """(decision, reasons, model_overruled) — see the module docstring."""
    fallback: Decision = "revise" if can_revise else "reject"
    failed = [c for c in checks if not c.passed]
    if failed:
        return fallback, [f"{c.name}: {c.detail}" for c in failed], False
    if verdict is not None and not verdict.objects:
        return "accept", [], False
    said = f"critic model: {verdict.decision} ({verdict.reason})" if verdict else "critic model gave no valid verdict"
    scores = {c.name: c.score for c in checks}
    support = scores.get("content_supported") or 0.0
    relevance = scores.get("answers_question") or 0.0
    if cites_source and support >= STRONG_SUPPORT and relevance >= STRONG_RELEVANCE:
        reason = f"{said}; overruled: {support:.0%} of the answer's words are in the source and it covers {relevance:.0%} of the question"
        return "accept", [reason], True
    return fallback, [said], False


class CriticAgent(RoleAgent):
    role = "critic"
    output_model = CriticOutput
    max_tokens = 300

    def __init__(self, model_client, context: QAContext, **kwargs) -> None:
        super().__init__(model_client, context, **kwargs)
        self._questions: dict[int, Question] = {}
        self._answers: list[Answer] = []
        self._final: dict[int, JudgedPair] = {}
        self._round = 0

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, WriterOutput):
            self._questions.update({q.slot: q for q in content.questions})
        elif isinstance(content, AnswererOutput):
            self._answers = content.answers

    def _source(self, answer: Answer) -> str:
        parts = [self.context.passage]
        for chunk_id in answer.consulted:
            chunk = self.context.index.get(chunk_id) if self.context.index else None
            if chunk is not None:
                parts.append(chunk.text)
        return "\n\n".join(parts)

    async def act(self, cancellation_token: CancellationToken) -> CriticOutput:
        ctx = self.context
        can_revise = self._round < ctx.max_revisions
        for answer in self._answers:
            question = self._questions[answer.slot]
            source = self._source(answer)
            checks = run_checks(
                question=question.question, answer=answer.answer, source=source, language=ctx.language,
                registry=ctx.registry, answerable=answer.answerable, finish_reason=answer.finish_reason,
                answer_error=answer.error, evidence=answer.evidence,
            )
            verdict = None
            if all(c.passed for c in checks):
                verdict = await self._judge(question.question, answer.answer, source, cancellation_token)
            decision, reasons, overruled = combine(
                checks, verdict, can_revise=can_revise, cites_source=answer.answerable
            )
            if decision == "accept":
                ctx.registry.add(question.question)
            self._final[answer.slot] = JudgedPair(
                slot=answer.slot, question_type=question.type, question=question.question, answer=answer.answer,
                evidence=answer.evidence, fact=question.fact, consulted=answer.consulted,
                revision=question.revision, decision=decision, reasons=reasons, checks=checks,
                llm=verdict, llm_overruled=overruled,
            )
        self._answers = []
        self._round += 1
        pairs = [self._final[slot] for slot in sorted(self._final)]
        return CriticOutput(
            round=self._round - 1, pairs=pairs, needs_revision=any(p.decision == "revise" for p in pairs)
        )

    async def _judge(self, question: str, answer: str, source: str, cancellation_token: CancellationToken) -> LLMVerdict | None:
        prompt = render_prompt("critic.user", passage=source, question=question, answer=answer)
        try:
            verdict, _ = await self.ask(LLMVerdict, prompt, cancellation_token)
        except StructuredOutputError:
            return None  # `combine` then decides on the deterministic evidence alone
        return verdict
