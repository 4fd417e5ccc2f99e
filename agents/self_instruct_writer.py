"""Self-Instruct writer (Wang et al. 2023, as distilabel's SelfInstruct frames it): user
queries that an AI application would receive about a context (a document chunk or a
description of the application). One query per call, each slot asking for a different
kind of task (explain, compare, list, …) and told the queries already written, so the
set varies in verbs and structure; the critic's ROUGE-L filter removes what still repeats."""

from __future__ import annotations

from autogen_core import CancellationToken
from pydantic import BaseModel, Field

from ..errors import StructuredOutputError
from .base import RoleAgent, render_prompt
from .grounding import up_to_sentences
from .instructions import Instruction, InstructionContext, InstructionsOutput

TASK_KINDS = (
    "a question asking to explain how or why something works",
    "a request to compare two things",
    "a request to list steps, options or requirements",
    "a request to summarise for a specific audience",
    "a request to write something (an email, a note, a checklist) that uses the facts",
    "a what-if question about a realistic situation",
    "a request to extract or classify information",
)


class QueryFree(BaseModel):
    query: str = Field(min_length=10)


class QueryBounded(BaseModel):
    query: str = Field(min_length=10, pattern=up_to_sentences(3))


class SelfInstructWriterAgent(RoleAgent):
    role = "self_instruct_writer"
    output_model = InstructionsOutput
    max_tokens = 200

    def __init__(self, model_client, context: InstructionContext, *, application: str, material: str, count: int,
                 offset: int = 0, **kwargs) -> None:
        kwargs.setdefault("name", "instruction_writer")
        kwargs.setdefault("description", "Writes user queries.")
        super().__init__(model_client, context, **kwargs)
        self.application, self.material, self.count, self.offset = application, material, count, offset

    def system_fields(self) -> dict:
        return {"language_name": self.context.language_name}

    async def act(self, cancellation_token: CancellationToken) -> InstructionsOutput:
        written: list[Instruction] = []
        for slot in range(self.count):
            kind = TASK_KINDS[(self.offset + slot) % len(TASK_KINDS)]
            avoid = " | ".join(i.text for i in written if not i.error)
            prompt = render_prompt("self_instruct_writer.user", application=self.application, material=self.material,
                                   kind=kind, avoid=f"Different from: {avoid}\n" if avoid else "")
            try:
                reply, _ = await self.ask(QueryBounded if self.context.bounded else QueryFree, prompt, cancellation_token)
                text, error = reply.query.strip(), None
            except StructuredOutputError as exc:
                text, error = exc.raw[:500], exc.error
            written.append(Instruction(slot=slot, text=text, error=error, path={"task_kind": kind}))
        return InstructionsOutput(round=0, instructions=written)
