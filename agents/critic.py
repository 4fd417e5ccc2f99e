"""Critic: vets every question-answer pair with deterministic checks AND a model verdict.

How the two combine (`combine`):
1. Any deterministic check fails → revise (if a revision round is left) or reject.
   The model is not asked: no verdict can wave a hallucinated number through.
2. Checks pass and the model accepts → accept.
3. Checks pass and the model objects. The model must name the problem and quote the words
   at fault. How much that objection counts is the critic's trust policy:
   - "full" (models strong enough to judge): the objection stands → revise/reject.
   - "verify" (the default for small in-process models): the objection stands only when
     the deterministic side confirms it; otherwise it is overruled and recorded, so a weak
     model cannot reject a correct, grounded pair on a whim:
       unsupported_claim → the quoted words are in the answer and not in the source;
       does_not_answer   → the answer covers under half of what the question asks (or
                           overlap cannot tell: the question's words are not in the source);
       unclear_question  → never: the checks already reject questions that are not
                           standalone, and clarity beyond that is taste;
       none              → nothing to confirm: a whim.
4. Checks pass and the model gives no usable verdict (invalid after repairs, cut off, a quote
   over its cap) → reject with `critic_unavailable`: the critic fails closed, so a passage that
   makes the model ramble cannot turn into an accept. `--critic-trust checks-only` never asks.
"""

from __future__ import annotations

from autogen_core import CancellationToken
from pydantic import BaseModel

from ..checks.base import CheckResult
from ..checks.facts import facts_of
from ..checks.qa import (
    CONFIRMED_OFF_TARGET,
    MIN_WORDS_FOR_SUPPORT,
    SUPPORT_SEMANTIC,
    SUPPORT_THRESHOLD,
    answer_relevance,
    check_numbers_grounded,
    duplicate_result,
    run_checks,
    support_ratio,
)
from ..checks.roles import gives_asked_kind, is_yes_no_question, rests_on_asked_fact
from ..errors import StructuredOutputError
from ..tools.semantic import best_similarity, masked
from ..tools.text import answer_polarity, normalize, plain
from ..tools.fencing import fence
from .base import RoleAgent, render_prompt
from .context import QAContext, TrustPolicy
from .qa_messages import (
    Answer,
    AnswererOutput,
    CriticOutput,
    Decision,
    JudgedPair,
    LLMVerdict,
    PairReviews,
    Question,
    SlotReview,
    WriterOutput,
)


def unsupported_quote(quote: str, answer: str, source: str) -> tuple[bool, str]:
    """(confirmed, why): are the quoted words of the answer really missing from the source?"""
    quote = normalize(quote)
    if len(quote.split()) < 2 or quote not in normalize(answer):
        return False, "the quoted words are not in the answer"
    if quote in plain(source):
        return False, "the quoted words are in the source"
    numbers = check_numbers_grounded(quote, source)
    if not numbers.passed:
        return True, f"the quoted words hold a value the source lacks ({numbers.detail})"
    ratio, count, _ = support_ratio(quote, source)
    if count and ratio >= SUPPORT_THRESHOLD:
        return False, f"{ratio:.0%} of the quoted words are in the source"
    if count >= MIN_WORDS_FOR_SUPPORT:  # enough words to mean something: maybe the source's in other words
        meaning, _ = best_similarity(masked(quote), [masked(f.text) for f in facts_of(source)] or [masked(source)])
        if meaning >= SUPPORT_SEMANTIC:
            return False, f"the quoted words say what the source says in other words (similarity {meaning:.2f})"
    return True, "the quoted words are not in the source"


def weigh_review(review: SlotReview, reviewer: str, answer: str, source: str, trust: TrustPolicy) -> CheckResult | None:
    """A reviewer's objection (a custom agent with `pair_reviews` output, e.g. a fact-checker)
    as a check. Under "verify" it counts only when the quoted words are not in the source,
    the same test the critic's own model is held to; an overruled one passes, saying why.
    An unusable review fails closed, as the critic's own verdict does."""
    if review.error:
        return None if trust == "checks-only" else CheckResult(
            name="critic_unavailable", passed=False, detail=f"{reviewer} gave no usable review: {review.error}")
    if review.supported:
        return None
    name = f"review:{reviewer}"
    said = f"{reviewer}: unsupported {review.quote!r} ({review.reason})"
    if trust == "full":
        return CheckResult(name=name, passed=False, detail=said)
    confirmed, why = unsupported_quote(review.quote, answer, source)
    return CheckResult(name=name, passed=not confirmed, detail=f"{said}; {'confirmed' if confirmed else 'overruled'}: {why}")


def confirm_objection(
    verdict: LLMVerdict, question: str, answer: str, source: str, subject: str = ""
) -> tuple[bool, str]:
    """(confirmed, why): can the deterministic side confirm the model's objection?"""
    if verdict.problem == "unsupported_claim":
        return unsupported_quote(verdict.quote, answer, source)
    if verdict.problem == "does_not_answer":
        if gives_asked_kind(question, answer):
            return False, "the answer gives the kind of value the question asks for"
        if answer_polarity(answer) is not None and is_yes_no_question(question):
            return False, "a yes or a no answers a yes/no question"
        if rests_on_asked_fact(question, answer, source, subject):
            return False, "the answer rests on the statement the question asks about"
        relevance = answer_relevance(question, answer, source, subject=subject)
        if relevance is None:
            return True, "word overlap cannot show that the answer addresses the question"
        if relevance < CONFIRMED_OFF_TARGET:
            return True, f"the answer covers {relevance:.0%} of the question"
        return False, f"the answer covers {relevance:.0%} of the question"
    if verdict.problem == "unclear_question":
        return False, "the question passed the standalone and well-formedness checks"
    return False, "no problem named"


def combine(
    checks: list[CheckResult], verdict: LLMVerdict | None, *, can_revise: bool,
    trust: TrustPolicy = "verify", question: str = "", answer: str = "", source: str = "", subject: str = "",
    unavailable: str = "no verdict",
) -> tuple[Decision, list[str], bool]:
    """(decision, reasons, model_overruled) — see the module docstring. `unavailable` says why
    `verdict` is None."""
    fallback: Decision = "revise" if can_revise else "reject"
    failed = [c for c in checks if not c.passed]
    if failed:
        return fallback, [f"{c.name}: {c.detail}" for c in failed], False
    if trust == "checks-only":
        return "accept", [], False
    if verdict is None:  # fail closed: a reply the model could not shape is no acceptance
        return "reject", [f"critic_unavailable: {unavailable}"], False
    if not verdict.objects:
        return "accept", [], False
    said = f"critic model: {verdict.decision}, {verdict.problem} ({verdict.reason})"
    if trust == "full":
        return fallback, [said], False
    confirmed, why = confirm_objection(verdict, question, answer, source, subject)
    if confirmed:
        return fallback, [f"{said}; confirmed: {why}"], False
    return "accept", [f"{said}; overruled: {why}"], True


class CriticAgent(RoleAgent):
    role = "critic"
    output_model = CriticOutput
    max_tokens = 300

    def __init__(self, model_client, context: QAContext, *, checks: list[str] | None = None, **kwargs) -> None:
        super().__init__(model_client, context, **kwargs)
        self.checks = checks  # the deterministic checks a team spec chose (None: all)
        self._questions: dict[int, Question] = {}
        self._answers: list[Answer] = []
        self._final: dict[int, JudgedPair] = {}
        self._reviews: dict[str, dict[int, SlotReview]] = {}  # reviewer → slot → this round's review
        self._round = 0

    def _runs(self, check: str) -> bool:
        return self.checks is None or check in self.checks

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, WriterOutput):
            self._questions.update({q.slot: q for q in content.questions})
        elif isinstance(content, AnswererOutput):
            self._answers = content.answers
        elif isinstance(content, PairReviews):
            self._reviews[content.reviewer] = {r.slot: r for r in content.reviews}

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
                answer_error=answer.error, evidence=answer.evidence, subject=ctx.subject, only=self.checks,
            )
            for reviewer, reviews in self._reviews.items():
                if answer.slot in reviews and (weighed := weigh_review(
                        reviews[answer.slot], reviewer, answer.answer, source, ctx.critic_trust)) is not None:
                    checks.append(weighed)
            verdict, unavailable = None, "no verdict"
            if all(c.passed for c in checks) and ctx.critic_trust != "checks-only":
                verdict, unavailable = await self._judge(question.question, answer.answer, source, cancellation_token)
            decision, reasons, overruled = combine(
                checks, verdict, can_revise=can_revise, trust=ctx.critic_trust,
                question=question.question, answer=answer.answer, source=source, subject=ctx.subject,
                unavailable=unavailable,
            )
            if decision == "accept" and (duplicate := ctx.registry.claim(
                    question.question, answer.answer, owner=ctx.item_id)) is not None \
                    and self._runs("not_duplicate"):
                # Another item accepted the same question while the critic model was judging this one.
                checks.append(duplicate_result(duplicate))
                decision, reasons, overruled = combine(checks, verdict, can_revise=can_revise, trust=ctx.critic_trust)
            self._final[answer.slot] = JudgedPair(
                slot=answer.slot, question_type=question.type, question=question.question, answer=answer.answer,
                evidence=answer.evidence, fact=question.fact, consulted=answer.consulted,
                revision=question.revision, decision=decision, reasons=reasons, checks=checks,
                llm=verdict, llm_overruled=overruled,
            )
        self._answers, self._reviews = [], {}
        self._round += 1
        pairs = [self._final[slot] for slot in sorted(self._final)]
        return CriticOutput(
            round=self._round - 1, pairs=pairs, needs_revision=any(p.decision == "revise" for p in pairs)
        )

    async def _judge(self, question: str, answer: str, source: str,
                     cancellation_token: CancellationToken) -> tuple[LLMVerdict | None, str]:
        """(verdict, why there is none)."""
        prompt = render_prompt("critic.user", passage=fence(source), question=question, answer=answer)
        try:
            verdict, _ = await self.ask(LLMVerdict, prompt, cancellation_token)
        except StructuredOutputError as exc:
            return None, exc.error  # `combine` rejects the pair: the critic fails closed
        return verdict, ""
