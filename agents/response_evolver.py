"""Response evolver: EvolQuality (Liu et al. 2024, "What Makes Good Data for Alignment?",
the Deita paper; as distilabel implements it). Each round rewrites the current response to
the seed's instruction with one mutation: more helpful, more relevant, deeper, more creative
or more detailed, drawn per seed and round (reproducibly). An eliminated rewrite leaves the
previous response in place for the next round, as in Evol-Instruct."""

from __future__ import annotations

import random

from autogen_core import CancellationToken
from pydantic import BaseModel

from ..errors import StructuredOutputError
from .base import RoleAgent, render_prompt
from .instruction_answerer import BoundedAnswer, FreeAnswer
from .instructions import AnswersOutput, InstructionAnswer, InstructionContext, InstructionsOutput, InstructionVerdicts

MUTATIONS = {
    "helpfulness": "Please make the Response more helpful to the user.",
    "relevance": "Please make the Response more relevant to #Given Prompt#.",
    "deepening": "Please make the Response more in-depth.",
    "creativity": "Please increase the creativity of the response.",
    "details": "Please increase the detail level of Response.",
}


def choose_mutation(item_id: str, round_number: int) -> str:
    return random.Random(f"quality:{item_id}:{round_number}").choice(tuple(MUTATIONS))


def evolved_response_id(item_id: str, round_number: int) -> str:
    return f"{item_id}-q{round_number + 1}"


class ResponseEvolverAgent(RoleAgent):
    role = "response_evolver"
    output_model = AnswersOutput
    max_tokens = 700

    def __init__(self, model_client, context: InstructionContext, *, seed_id: str, response: str, **kwargs) -> None:
        kwargs.setdefault("name", "evolver")
        kwargs.setdefault("description", "Rewrites the response.")
        super().__init__(model_client, context, **kwargs)
        self._instruction = ""
        self._parent_id, self._parent_text = seed_id, response
        self._round = 0

    def system_fields(self) -> dict:
        return {"language_name": self.context.language_name}

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, InstructionsOutput) and content.instructions:
            self._instruction = content.instructions[0].text
        elif isinstance(content, InstructionVerdicts):
            for judged in content.judged:
                if judged.decision == "accept":
                    self._parent_id = evolved_response_id(self.context.item_id, judged.answer.round)
                    self._parent_text = judged.answer.text

    async def act(self, cancellation_token: CancellationToken) -> AnswersOutput:
        mutation = choose_mutation(self.context.item_id, self._round)
        prompt = render_prompt("response_evolver.user", method=MUTATIONS[mutation], instruction=self._instruction,
                               response=self._parent_text)
        try:
            reply, result = await self.ask(BoundedAnswer if self.context.bounded else FreeAnswer, prompt,
                                           cancellation_token)
            text, error, finish = reply.answer.strip(), None, result.finish_reason
        except StructuredOutputError as exc:  # the critic eliminates it with this reason
            text, error, finish = exc.raw[:500], exc.error, None
        answer = InstructionAnswer(slot=0, text=text, error=error, finish_reason=finish, round=self._round,
                                   parent_id=self._parent_id, parent_text=self._parent_text, operation=mutation)
        self._round += 1
        return AnswersOutput(round=answer.round, answers=[answer])
