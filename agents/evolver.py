"""Evolver: WizardLM's Evol-Instruct rewriter (Xu et al. 2023).

Each round it evolves the current pool member of its lineage with one operation, drawn
per item and round from a seeded generator (so a rerun draws the same): five in-depth
operations (add constraints, deepen, concretize, increase reasoning steps, complicate the
input) and in-breadth (a new, rarer instruction in the same domain), each equally likely
as in the paper. When the critic eliminates an evolution, the parent stays in the pool
and the next round evolves it again.
"""

from __future__ import annotations

import random

from autogen_core import CancellationToken
from pydantic import BaseModel, Field

from ..errors import StructuredOutputError
from .base import RoleAgent, render_prompt
from .grounding import up_to_sentences
from .instructions import Instruction, InstructionContext, InstructionsOutput, InstructionVerdicts

# In-depth methods, worded as in the paper's prompts.
DEPTH_METHODS = {
    "add_constraints": "Please add one more constraint or requirement into #The Given Prompt#.",
    "deepen": "If #The Given Prompt# contains inquiries about certain issues, the depth and breadth of the inquiry "
              "can be increased.",
    "concretize": "Please replace general concepts with more specific concepts.",
    "increase_reasoning": "If #The Given Prompt# can be solved with just a few simple thinking processes, you can "
                          "rewrite it to explicitly request multiple-step reasoning.",
    "complicate_input": "Please add a small piece of input data (a table, a code snippet, a JSON object or a formula) "
                        "to #The Given Prompt# and make the task use it.",
}
BREADTH = "in_breadth"
OPERATIONS = (*DEPTH_METHODS, BREADTH)
BOUNDED_MAX_TOKENS = 160


def choose_operation(item_id: str, round_number: int) -> str:
    return random.Random(f"{item_id}:{round_number}").choice(OPERATIONS)


class EvolvedFree(BaseModel):
    instruction: str = Field(min_length=10)


class EvolvedBounded(BaseModel):
    # Grammar-bounded for in-process models, which otherwise ramble until max_tokens.
    instruction: str = Field(min_length=10, pattern=up_to_sentences(4))


class EvolverAgent(RoleAgent):
    role = "evolver"
    output_model = InstructionsOutput
    max_tokens = 400

    def __init__(self, model_client, context: InstructionContext, *, seed_id: str, seed_text: str, **kwargs) -> None:
        super().__init__(model_client, context, **kwargs)
        self._parent_id, self._parent_text = seed_id, seed_text
        self._round = 0

    def system_fields(self) -> dict:
        return {"language_name": self.context.language_name}

    def observe(self, content: BaseModel) -> None:
        # A survivor becomes the pool member; an eliminated evolution leaves its parent there.
        if isinstance(content, InstructionVerdicts):
            for judged in content.judged:
                if judged.decision == "accept":
                    self._parent_id = evolved_id(self.context.item_id, judged.instruction.round)
                    self._parent_text = judged.instruction.text

    async def act(self, cancellation_token: CancellationToken) -> InstructionsOutput:
        operation = choose_operation(self.context.item_id, self._round)
        if operation == BREADTH:
            prompt = render_prompt("evolver.breadth", instruction=self._parent_text)
        else:
            prompt = render_prompt("evolver.depth", method=DEPTH_METHODS[operation], instruction=self._parent_text)
        reply_model = EvolvedBounded if self.context.bounded else EvolvedFree
        try:
            # WizardLM adds 10 to 20 words: a bounded model that runs on past that is looping.
            reply, _ = await self.ask(reply_model, prompt, cancellation_token,
                                      max_tokens=BOUNDED_MAX_TOKENS if self.context.bounded else None)
            text, error = reply.instruction.strip(), None
        except StructuredOutputError as exc:  # the critic eliminates it with this reason
            text, error = exc.raw[:500], exc.error
        instruction = Instruction(slot=0, text=text, round=self._round, parent_id=self._parent_id,
                                  parent_text=self._parent_text, operation=operation, error=error)
        self._round += 1
        return InstructionsOutput(round=instruction.round, instructions=[instruction])


def evolved_id(item_id: str, round_number: int) -> str:
    return f"{item_id}-r{round_number + 1}"
