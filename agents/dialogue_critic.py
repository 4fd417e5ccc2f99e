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

from pydantic import BaseModel, Field

from ..checks.base import CheckResult
from ..checks.dialogue import DIALOGUE_CHECKS, SUPPORT_TURN_CHECKS, Dialogue, SupportTurn
from ..errors import StructuredOutputError
from ..tools.fencing import fence
from .base import RoleAgent, render_prompt
from .dialogue import DialogueContext, Turn


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


class DialogueCriticAgent(RoleAgent):
    role = "dialogue_critic"
    output_model = DialogueJudgement
    max_tokens = 250

    def support_turn_checks(self, turn: Turn) -> list[CheckResult]:
        c: DialogueContext = self.context
        source = "\n\n".join(chunk.text for chunk in (c.index.get(i) for i in turn.shown) if chunk is not None)
        before = c.turns[: c.turns.index(turn)] if turn in c.turns else []
        said = "\n".join(t.text for t in before if t.speaker == "customer")
        return SUPPORT_TURN_CHECKS.run(SupportTurn(turn, source, said))

    def documentation(self) -> str:
        """The passages support was shown, once each, for a critic model asked whether its answers
        were correct (not for a small one: its context is short and its judgement of them weak)."""
        c: DialogueContext = self.context
        if self.small_model:
            return ""
        shown = dict.fromkeys(i for t in c.turns if t.speaker == "support" for i in t.shown)
        passages = [f"[{i}]\n{chunk.text}" for i in shown if (chunk := c.index.get(i)) is not None]
        return f"Documentation support was shown:\n{fence(chr(10).join(passages))}\n\n" if passages else ""

    async def act(self, cancellation_token) -> DialogueJudgement:
        c: DialogueContext = self.context
        turn_checks = [TurnCheck(turn=i + 1, checks=self.support_turn_checks(t))
                       for i, t in enumerate(c.turns) if t.speaker == "support"]
        dialogue_checks = DIALOGUE_CHECKS.run(Dialogue(c.turns, c.max_turns))
        reasons = [f"turn {tc.turn}: {x.name}: {x.detail}" for tc in turn_checks for x in tc.checks if not x.passed]
        reasons += [f"{x.name}: {x.detail}" for x in dialogue_checks if not x.passed]
        verdict = None
        try:
            if getattr(c, "critic_trust", "verify") != "checks-only":
                verdict, _ = await self.ask(DialogueVerdict, render_prompt(
                    "dialogue_critic.user", persona=c.persona.describe(), success=c.brief.success_criterion,
                    documentation=self.documentation(), transcript=c.transcript()), cancellation_token)
        except StructuredOutputError as exc:  # fail closed: no usable verdict is no acceptance
            reasons.append(f"critic_unavailable: {exc.error}")
        overruled = False
        if verdict is not None and (not verdict.resolved or min(verdict.resolution, verdict.helpfulness) <= 2):
            said = f"critic model: not resolved or unhelpful ({verdict.reason})"
            trusted = getattr(c, "critic_trust", "verify") == "full"
            if trusted or any(x.name == "resolved" and not x.passed for x in dialogue_checks):
                reasons.append(said)
            else:  # the customer, who knows the criterion, said it was resolved
                overruled = True
        return DialogueJudgement(decision="reject" if reasons else "accept", reasons=reasons, turn_checks=turn_checks,
                                 dialogue_checks=dialogue_checks, verdict=verdict, verdict_overruled=overruled)
