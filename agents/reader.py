"""Reader: turns a passage into the facts worth asking about, each tied to the exact
sentence it comes from. The sentence is decoded against an enum of the passage's own
sentences, so even a tiny model cannot cite a sentence that is not there."""

from __future__ import annotations

from typing import Literal

from autogen_core import CancellationToken
from pydantic import BaseModel, Field, create_model

from .base import RoleAgent, render_prompt
from .context import QAContext


class Fact(BaseModel):
    fact: str
    source_sentence: str


class ReaderOutput(BaseModel):
    facts: list[Fact]


def reply_model(passage_sentences: list[str], max_facts: int) -> type[BaseModel]:
    sentence_type = Literal[tuple(passage_sentences)]  # type: ignore[valid-type]
    fact = create_model("FactReply", fact=(str, Field(min_length=8, max_length=300)), source_sentence=(sentence_type, ...))
    return create_model(
        "ReaderReply",
        facts=(list[fact], Field(min_length=1, max_length=max_facts)),  # type: ignore[valid-type]
    )


class ReaderAgent(RoleAgent):
    role = "reader"
    output_model = ReaderOutput
    max_tokens = 900

    def __init__(self, model_client, context: QAContext, **kwargs) -> None:
        super().__init__(model_client, context, **kwargs)
        self._facts: ReaderOutput | None = None

    async def act(self, cancellation_token: CancellationToken) -> ReaderOutput:
        if self._facts is not None:  # later rounds (round-robin): the passage has not changed
            return self._facts
        ctx = self.context
        if not ctx.passage_sentences:
            self._facts = ReaderOutput(facts=[])
            return self._facts
        max_facts = max(len(ctx.question_types) + 2, 5)
        prompt = render_prompt(
            "reader.user", title=ctx.title, pages=ctx.pages_label, passage=ctx.passage, max_facts=max_facts
        )
        reply, _ = await self.ask(reply_model(ctx.passage_sentences, max_facts), prompt, cancellation_token)
        facts: dict[str, Fact] = {}
        for item in reply.facts:  # type: ignore[attr-defined]
            key = item.fact.strip().lower()
            if key not in facts:  # small models repeat themselves
                facts[key] = Fact(fact=item.fact.strip(), source_sentence=item.source_sentence)
        self._facts = ReaderOutput(facts=list(facts.values()))
        return self._facts
