"""Preference judge: rates every candidate response to an instruction, UltraFeedback-style
(Cui et al. 2023): helpfulness, honesty, instruction following and truthfulness, each 1-5,
with a rationale. The deterministic instruction checks go first: a response that refuses,
is cut off, is empty or is in the wrong language scores 0, below anything the judge can
give, without a model call, so no judge can prefer a broken response."""

from __future__ import annotations

from autogen_core import CancellationToken
from pydantic import BaseModel, Field

from ..checks.instruction import instruction_checks
from ..errors import StructuredOutputError
from ..tools.dedup import NearDuplicateIndex
from ..tools.fencing import fence
from .base import RoleAgent, render_prompt
from .instructions import AnswersOutput, InstructionContext, InstructionsOutput

ASPECTS = ("helpfulness", "honesty", "instruction_following", "truthfulness")


class AspectRatings(BaseModel):
    helpfulness: int = Field(ge=1, le=5)
    honesty: int = Field(ge=1, le=5)
    instruction_following: int = Field(ge=1, le=5)
    truthfulness: int = Field(ge=1, le=5)
    rationale: str = Field(pattern=r'^[^"\\\x00-\x1f]{1,300}$')


class ResponseRating(BaseModel):
    responder: str  # the agent (and role) that wrote it
    text: str
    ratings: dict[str, int] = {}
    overall: float | None  # mean of the aspects; 0 when a check failed; None when the judge gave no rating
    rationale: str
    failed_checks: list[str] = []
    judged_by_model: bool = False


class JudgeOutput(BaseModel):
    instruction: str
    ratings: list[ResponseRating]


class PreferenceJudgeAgent(RoleAgent):
    role = "preference_judge"
    output_model = JudgeOutput
    max_tokens = 250

    def __init__(self, model_client, context: InstructionContext, **kwargs) -> None:
        kwargs.setdefault("name", "judge")
        kwargs.setdefault("description", "Rates each response.")
        super().__init__(model_client, context, **kwargs)
        self._instruction = ""
        self._responses: dict[str, AnswersOutput] = {}

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, InstructionsOutput) and content.instructions:
            self._instruction = content.instructions[0].text

    async def on_messages(self, messages, cancellation_token):  # type: ignore[override]
        for message in messages:  # responses are told apart by who sent them
            if isinstance(getattr(message, "content", None), AnswersOutput):
                self._responses[message.source] = message.content
        return await super().on_messages(messages, cancellation_token)

    async def act(self, cancellation_token: CancellationToken) -> JudgeOutput:
        ratings = []
        for responder, output in self._responses.items():
            answer = output.answers[0]
            checks = instruction_checks(
                instruction=self._instruction, answer=answer.text, language=self.context.language,
                registry=NearDuplicateIndex(), answer_error=answer.error, finish_reason=answer.finish_reason,
            )
            failed = [c for c in checks if not c.passed]
            if failed:
                # Below any rating the judge can give: a broken response loses to every sound one.
                ratings.append(ResponseRating(responder=responder, text=answer.text, overall=0.0,
                                              rationale="; ".join(f"{c.name}: {c.detail}" for c in failed),
                                              failed_checks=[c.name for c in failed]))
                continue
            ratings.append(await self._rate(responder, answer.text, cancellation_token))
        return JudgeOutput(instruction=self._instruction, ratings=ratings)

    async def _rate(self, responder: str, text: str, cancellation_token: CancellationToken) -> ResponseRating:
        prompt = render_prompt("preference_judge.user", instruction=self._instruction,
                               response=fence(text, "RESPONSE"))
        try:
            reply, _ = await self.ask(AspectRatings, prompt, cancellation_token)
        except StructuredOutputError as exc:  # unrated: left out of the pairing, not guessed
            return ResponseRating(responder=responder, text=text, overall=None,
                                  rationale=f"judge gave no rating ({exc.error})")
        ratings = {a: getattr(reply, a) for a in ASPECTS}
        return ResponseRating(responder=responder, text=text, ratings=ratings, overall=sum(ratings.values()) / len(ASPECTS),
                              rationale=reply.rationale, judged_by_model=True)
