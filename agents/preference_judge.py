"""Preference judge: rates every candidate response to an instruction, UltraFeedback-style
(Cui et al. 2023): helpfulness, honesty, instruction following and truthfulness, each 1-5,
with a rationale. The deterministic instruction checks go first: a response that refuses,
is cut off, is empty or is in the wrong language scores 0, below anything the judge can
give, without a model call, so no judge can prefer a broken response.

A strong judge (chat or reasoning profile) rates all sound responses side by side in one call,
as UltraFeedback's annotators did, against the named level of each score, rationale first,
with honesty N/A where the instruction leaves nothing to be honest about: rated one by one, a
strong judge gives most good responses the same top marks and the pairs lose their margin. A
small judge rates one response per call (it cannot keep several apart)."""

from __future__ import annotations

from functools import cache
from typing import Literal

from autogen_core import CancellationToken
from pydantic import BaseModel, Field, create_model, model_validator

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


class SideBySideRating(BaseModel):
    """One response's rating in a strong judge's side-by-side reply: the rationale first."""
    response: int
    rationale: str = Field(min_length=1, max_length=600)
    helpfulness: int = Field(ge=1, le=5)
    honesty: int | None = Field(ge=1, le=5)  # None: N/A, nothing in the instruction to be honest about
    instruction_following: int = Field(ge=1, le=5)
    truthfulness: int = Field(ge=1, le=5)


class _EachResponseOnce(BaseModel):
    ratings: list[SideBySideRating]

    @model_validator(mode="after")
    def _each_once(self) -> "_EachResponseOnce":
        numbers = sorted(r.response for r in self.ratings)
        if numbers != list(range(1, len(self.ratings) + 1)):
            raise ValueError(f"rate each response once, numbered 1 to {len(self.ratings)} (got {numbers})")
        return self


@cache
def side_by_side_model(count: int) -> type[_EachResponseOnce]:
    item = create_model("SideBySideRating", __base__=SideBySideRating,
                        response=(Literal[tuple(range(1, count + 1))], ...))  # type: ignore[misc]
    return create_model("SideBySideRatings", __base__=_EachResponseOnce,
                        ratings=(list[item], Field(min_length=count, max_length=count)))  # type: ignore[valid-type]


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
        ratings, sound = [], []
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
            sound.append((responder, answer.text))
        if len(sound) > 1 and not self.small_model:
            ratings += await self._rate_side_by_side(sound, cancellation_token)
        else:
            ratings += [await self._rate(responder, text, cancellation_token) for responder, text in sound]
        order = list(self._responses)
        return JudgeOutput(instruction=self._instruction, ratings=sorted(ratings, key=lambda r: order.index(r.responder)))

    async def _rate_side_by_side(self, sound: list[tuple[str, str]],
                                 cancellation_token: CancellationToken) -> list[ResponseRating]:
        responses = "\n\n".join(f"Response {n}:\n{fence(text, 'RESPONSE')}" for n, (_, text) in enumerate(sound, 1))
        prompt = render_prompt("preference_judge.side_by_side", instruction=self._instruction, responses=responses,
                               count=len(sound))
        try:
            reply, _ = await self.ask(side_by_side_model(len(sound)), prompt, cancellation_token,
                                      max_tokens=self.max_tokens * len(sound))
        except StructuredOutputError as exc:  # unrated: left out of the pairing, not guessed
            return [ResponseRating(responder=responder, text=text, overall=None,
                                   rationale=f"judge gave no rating ({exc.error})") for responder, text in sound]
        rated = []
        for rating in sorted(reply.ratings, key=lambda r: r.response):
            responder, text = sound[rating.response - 1]
            scores = {a: getattr(rating, a) for a in ASPECTS if getattr(rating, a) is not None}
            rated.append(ResponseRating(responder=responder, text=text, ratings=scores,
                                        overall=sum(scores.values()) / len(scores), rationale=rating.rationale,
                                        judged_by_model=True))
        return rated

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
