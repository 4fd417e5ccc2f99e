"""Reader: turns a passage into the facts worth asking about, each tied to the exact
sentence it comes from. The sentence is decoded against an enum of the passage's own
sentences, so even a tiny model cannot cite a sentence that is not there."""

from __future__ import annotations

import re
from typing import Literal

from autogen_core import CancellationToken
from pydantic import BaseModel, Field, create_model

from ..errors import StructuredOutputError
from ..tools.text import content_tokens
from ..tools.fencing import fence
from .base import WIDE_SCRIPTS, RoleAgent, render_prompt
from .context import QAContext
from .qa_messages import Fact, ReaderOutput

_DIGIT = re.compile(r"\d")


def reply_model(passage_sentences: list[str], max_facts: int, fact_chars: int = 300) -> type[BaseModel]:
    sentence_type = Literal[tuple(passage_sentences)]  # type: ignore[valid-type]
    fact = create_model("FactReply", fact=(str, Field(min_length=8, max_length=fact_chars)),
                        source_sentence=(sentence_type, ...))
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
        # Korean, Japanese and Chinese cost a small model's tokenizer several tokens a character, and
        # each fact repeats its whole source sentence: fewer, shorter facts fit the token limit.
        wide = ctx.language in WIDE_SCRIPTS
        max_facts = max(len(ctx.question_types), 1) if wide else max(len(ctx.question_types) + 2, 5)
        prompt = render_prompt(
            "reader.user", title=ctx.title, pages=ctx.pages_label, passage=fence(ctx.passage), max_facts=max_facts,
            # persona_qa: the facts this reader needs, so each persona's questions are their own
            # (the same facts for every persona come back as duplicate questions).
            for_reader=f", the ones this reader needs most: {ctx.persona}" if ctx.persona else ".",
        )
        try:
            reply, _ = await self.ask(reply_model(ctx.passage_sentences, max_facts, 150 if wide else 300), prompt,
                                      cancellation_token)
        except StructuredOutputError as exc:
            # The writer can still work from the passage's own sentences; losing the
            # whole chunk to one unusable reader reply would waste the other roles' work.
            self._facts = ReaderOutput(facts=sentence_facts(ctx.passage_sentences, max_facts), fallback=exc.error)
            return self._facts
        facts: dict[str, Fact] = {}
        for item in reply.facts:  # type: ignore[attr-defined]
            key = item.fact.strip().lower()
            if key not in facts:  # small models repeat themselves
                facts[key] = Fact(fact=item.fact.strip(), source_sentence=item.source_sentence)
        self._facts = ReaderOutput(facts=list(facts.values()))
        return self._facts


def sentence_facts(passage_sentences: list[str], count: int) -> list[Fact]:
    """The most informative sentences (numbers first, then the most content words) as facts."""
    ranked = sorted(
        passage_sentences,
        key=lambda s: (bool(_DIGIT.search(s)), len(content_tokens(s))),
        reverse=True,
    )
    return [Fact(fact=s, source_sentence=s) for s in ranked[:count]]
