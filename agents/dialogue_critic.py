"""Dialogue critic: judges a whole simulated support conversation.

Deterministic, per support turn: every number and named term must be in the passages the
lookup returned for that turn (`numbers_grounded`, `terms_grounded`), citations must be
among them, and a promise (refund, replacement, discount, call-back, …) must be backed by
the documents (`no_invented_promise`). Per dialogue: no speaker repeats itself
(`no_repetition`), and the customer ended it as resolved within the turn limit
(`resolved`). Then the critic model scores resolution, helpfulness and persona
consistency against the hidden success criterion; its objection counts under the "full"
trust policy, or under "verify" when the customer did not end the conversation resolved.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from ..errors import StructuredOutputError
from ..tools.text import normalize
from .base import RoleAgent, render_prompt
from .critic_checks import CheckResult, _fail, _ok, check_numbers_grounded, check_terms_grounded
from .dialogue import DialogueContext, Turn

REPEAT_SIMILARITY = 90  # rapidfuzz ratio at which a speaker's turn repeats an earlier one of theirs
_PROMISE = re.compile(
    r"\b(refund\w*|reimburs\w*|replac(e|ement)|free of charge|for free|discount\w*|voucher|compensat\w*|"
    r"warranty extension|extend (your|the) warranty|we will (send|ship|call|credit)|i will (send|ship|call|credit)|"
    r"call you back|escalat\w*)",
    re.IGNORECASE,
)


class DialogueVerdict(BaseModel):
    resolution: int = Field(ge=1, le=5)
    helpfulness: int = Field(ge=1, le=5)
    persona_consistency: int = Field(ge=1, le=5)
    resolved: bool
    reason: str = Field(pattern=r'^[^"\\\x00-\x1f]{1,300}$')


class TurnCheck(BaseModel):
    turn: int  # 1-based position in the dialogue
    checks: list[CheckResult]


class DialogueJudgement(BaseModel):
    decision: str  # accept | reject
    reasons: list[str]
    turn_checks: list[TurnCheck]
    dialogue_checks: list[CheckResult]
    verdict: DialogueVerdict | None = None
    verdict_overruled: bool = False


def check_no_invented_promise(text: str, source: str) -> CheckResult:
    for match in _PROMISE.finditer(text):
        word = match.group(0).lower().split()[0][:6]
        if word not in normalize(source):
            return _fail("no_invented_promise", f"promises {match.group(0)!r}, which the documents do not offer")
    return _ok("no_invented_promise")


def check_citations(turn: Turn) -> CheckResult:
    stray = [c for c in turn.cited if c not in turn.shown]
    if stray:
        return _fail("citations_shown", f"cites {stray}, which the lookup did not return")
    return _ok("citations_shown")


def check_turns_usable(turns: list[Turn]) -> CheckResult:
    broken = next((i + 1 for i, t in enumerate(turns) if t.error), None)
    if broken is not None:
        return _fail("turns_usable", f"turn {broken}: the {turns[broken - 1].speaker} model gave no usable reply "
                                     f"({turns[broken - 1].error})")
    return _ok("turns_usable")


def check_no_repetition(turns: list[Turn]) -> CheckResult:
    for i, turn in enumerate(turns):
        for earlier in turns[:i]:
            if earlier.speaker == turn.speaker and fuzz.ratio(normalize(earlier.text), normalize(turn.text)) >= REPEAT_SIMILARITY:
                return _fail("no_repetition", f"the {turn.speaker} repeats itself: {turn.text[:60]!r}")
    return _ok("no_repetition")


def check_resolved(turns: list[Turn], max_turns: int) -> CheckResult:
    last_customer = next((t for t in reversed(turns) if t.speaker == "customer"), None)
    if last_customer is None or last_customer.outcome != "resolved":
        outcome = last_customer.outcome if last_customer else "no customer turn"
        return _fail("resolved", f"the customer did not end it resolved ({outcome}) within {max_turns} turns")
    if turns[-1].speaker != "customer":
        return _fail("resolved", "the conversation does not end with the customer")
    return _ok("resolved")


class DialogueCriticAgent(RoleAgent):
    role = "dialogue_critic"
    output_model = DialogueJudgement
    max_tokens = 250

    def support_turn_checks(self, turn: Turn) -> list[CheckResult]:
        c: DialogueContext = self.context
        source = "\n\n".join(chunk.text for chunk in (c.index.get(i) for i in turn.shown) if chunk is not None)
        return [check_numbers_grounded(turn.text, source), check_terms_grounded(turn.text, source),
                check_citations(turn), check_no_invented_promise(turn.text, source)]

    async def act(self, cancellation_token) -> DialogueJudgement:
        c: DialogueContext = self.context
        turn_checks = [TurnCheck(turn=i + 1, checks=self.support_turn_checks(t))
                       for i, t in enumerate(c.turns) if t.speaker == "support"]
        dialogue_checks = [check_turns_usable(c.turns), check_no_repetition(c.turns), check_resolved(c.turns, c.max_turns)]
        reasons = [f"turn {tc.turn}: {x.name}: {x.detail}" for tc in turn_checks for x in tc.checks if not x.passed]
        reasons += [f"{x.name}: {x.detail}" for x in dialogue_checks if not x.passed]
        verdict = None
        try:
            verdict, _ = await self.ask(DialogueVerdict, render_prompt(
                "dialogue_critic.user", persona=c.persona.describe(), success=c.brief.success_criterion,
                transcript=c.transcript()), cancellation_token)
        except StructuredOutputError:
            pass
        overruled = False
        if verdict is not None and (not verdict.resolved or min(verdict.resolution, verdict.helpfulness) <= 2):
            said = f"critic model: not resolved or unhelpful ({verdict.reason})"
            trusted = getattr(c, "critic_trust", "verify") == "full"
            if trusted or not dialogue_checks[-1].passed:
                reasons.append(said)
            else:  # the customer, who knows the criterion, said it was resolved
                overruled = True
        return DialogueJudgement(decision="reject" if reasons else "accept", reasons=reasons, turn_checks=turn_checks,
                                 dialogue_checks=dialogue_checks, verdict=verdict, verdict_overruled=overruled)
