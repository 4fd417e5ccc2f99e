"""Agents of a simulated customer-support dialogue, and what they share.

- `CustomerBriefAgent` turns a persona and a passage of the product documents into a
  customer: their product, problem or goal, mood, and a hidden success criterion (what must
  happen for them to call the conversation resolved). The support agent never sees it.
- `CustomerAgent` plays that customer: stays in persona, pursues the goal, may push back
  or follow up, and ends the conversation (resolved or abandoned) in a structured field.
- `SupportAgent` answers from the product documents only: before each reply the passages
  most relevant to the customer's message are looked up (a tool-calling model may search
  more) and it may cite only passages it was shown.

Every turn is appended to the dialogue's checkpoint file as soon as it is written, so a
crashed run resumes the conversation instead of starting it again.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import LLMMessage, SystemMessage, UserMessage
from pydantic import BaseModel, Field, create_model

from ..checks.dialogue import check_no_repetition
from ..errors import StructuredOutputError
from ..tools.lookup import DocumentIndex, search_documents_tool
from ..tools.personas import Persona
from ..tools.fencing import fence
from .base import RESHAPE_SAMPLING, RoleAgent, render_prompt, render_system
from .grounding import consult_documents, up_to_sentences

Outcome = Literal["continuing", "resolved", "abandoned"]
LOOKUP_CHUNKS = 3


# One phrase or sentence each: bounded in the pattern (not maxLength, which llama.cpp unrolls
# into grammars too big to compile), so a small model cannot run on in one field.
_PHRASE = r'^[^"\\\x00-\x1f]{2,200}$'


class CustomerBrief(BaseModel):
    product: str = Field(pattern=_PHRASE)
    problem: str = Field(pattern=_PHRASE)  # what they need or what went wrong
    mood: str = Field(pattern=_PHRASE)
    success_criterion: str = Field(pattern=_PHRASE)  # hidden from the support agent


class Turn(BaseModel):
    speaker: Literal["customer", "support"]
    text: str
    outcome: Outcome = "continuing"  # customer turns: whether they end the conversation
    shown: list[str] = []  # support turns: chunk ids the lookup returned
    cited: list[str] = []  # support turns: chunk ids the reply relies on
    finish_reason: str | None = None
    error: str | None = None  # the model's reply for this turn could not be used


class TurnMessage(BaseModel):
    """What the customer and support agents send each other: the latest turn."""

    turn: Turn


@dataclass
class DialogueContext:
    item_id: str
    persona: Persona
    brief: CustomerBrief
    index: DocumentIndex
    max_turns: int  # customer messages, each answered by support
    language_name: str = "English"
    checkpoint: Path | None = None
    critic_trust: str = "verify"
    bounded: bool = False  # in-process models: replies bounded by sentence-count grammars
    turns: list[Turn] = field(default_factory=list)
    failure: Exception | None = None

    def record(self, turn: Turn) -> None:
        """Append a turn in memory and durably to the checkpoint (one JSON line)."""
        self.turns.append(turn)
        if self.checkpoint is not None:
            with open(self.checkpoint, "a", encoding="utf-8") as f:
                f.write(json.dumps({"turn": turn.model_dump()}, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())

    @property
    def customer_turns(self) -> int:
        return sum(1 for t in self.turns if t.speaker == "customer")

    @property
    def ended(self) -> bool:
        last = self.turns[-1] if self.turns else None
        return last is not None and last.speaker == "customer" and last.outcome != "continuing"

    def transcript(self) -> str:
        return "\n".join(f"{t.speaker.upper()}: {t.text}" for t in self.turns) or "(no messages yet)"


class CustomerBriefAgent(RoleAgent):
    """Used while starting a dialogue through `ask` (never sent in a team)."""

    role = "customer_brief"
    output_model = CustomerBrief
    max_tokens = 300

    async def brief(self, persona: Persona, passages: Sequence[str], title: str) -> CustomerBrief:
        """A brief drawn from the first passage; one that only copies the title or repeats itself
        is drawn again from the next passage (the last one drawn stands)."""
        reply = None
        for passage in passages[:BRIEF_DRAWS]:
            prompt = render_prompt("customer_brief.user", persona=persona.describe(), title=title,
                                   passage=fence(passage[:1500]))
            reply, _ = await self.ask(CustomerBrief, prompt, CancellationToken())
            if degenerate_brief(reply, title) is None:
                break
        assert reply is not None, "a brief needs at least one passage"
        return reply


BRIEF_DRAWS = 2  # passages a brief may be drawn from before a degenerate one is kept


def degenerate_brief(brief: CustomerBrief, title: str) -> str | None:
    """Why a brief gives the customer nothing to talk about, if it does not: its problem, mood or
    success criterion only copies (part of) the document title or the product, or two of them
    say the same thing ("problem: Owner's Guide, mood: Owner")."""
    def norm(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    title_words = norm(f"{title} {brief.product}")
    fields = {"problem": norm(brief.problem), "mood": norm(brief.mood),
              "success_criterion": norm(brief.success_criterion)}
    for name, value in fields.items():
        if not value or f" {value} " in f" {title_words} ":
            return f"{name} {getattr(brief, name)!r} only repeats the title or product"
    if fields["problem"] in (fields["mood"], fields["success_criterion"]):
        return "the problem is repeated as the mood or success criterion"
    return None


class CustomerReply(BaseModel):
    message: str = Field(min_length=2)
    outcome: Outcome


def _bounded(model: type[BaseModel], sentences: int) -> type[BaseModel]:
    """The reply model with its message held to a few sentences (in-process models loop otherwise)."""
    return create_model(model.__name__, __base__=model,
                        message=(str, Field(min_length=2, pattern=up_to_sentences(sentences))))


_PARTIAL_MESSAGE = re.compile(r'"message"\s*:\s*"(.*)', re.DOTALL)


def _partial(raw: str) -> str:
    found = _PARTIAL_MESSAGE.search(raw)
    return (found.group(1) if found else raw)[:500]


class CustomerAgent(RoleAgent):
    role = "customer"
    output_model = TurnMessage
    max_tokens = 250

    def system_fields(self) -> dict:
        c: DialogueContext = self.context
        return {"persona": c.persona.describe(), "product": c.brief.product, "problem": c.brief.problem,
                "mood": c.brief.mood, "success": c.brief.success_criterion, "language_name": c.language_name}

    async def act(self, cancellation_token: CancellationToken) -> TurnMessage:
        c: DialogueContext = self.context
        last_chance = c.customer_turns + 1 >= c.max_turns
        replies = sum(1 for t in c.turns if t.speaker == "support")
        too_early = replies < MIN_EXCHANGES and not last_chance
        # Small models play a customer far better told exactly what this message must do.
        if not c.turns:
            next_message = (f"Write your first message to support: say what your problem is ({c.brief.problem}) and "
                            "ask how to solve it, in one or two sentences.")
        elif too_early:
            next_message = ("Write your next message to support, in your own words: ask a follow-up question about "
                            "your problem or about what support just said.")
        else:
            next_message = ("Write your next message to support, replying to what support just said: if it solved your "
                            'problem, thank them and set outcome to "resolved"; otherwise ask a follow-up question.')
        prompt = render_prompt(
            "customer.user", transcript=c.transcript(), next=next_message,
            closing="This is your last message: end the conversation (resolved or abandoned).\n" if last_chance else "",
        )
        model = _bounded(CustomerReply, 3) if c.bounded else CustomerReply
        try:
            reply, _ = await _unechoed(self, "customer", model, prompt, c.turns, cancellation_token)
        except StructuredOutputError as exc:  # the dialogue ends here; the critic rejects it with the reason
            turn = Turn(speaker="customer", text=_partial(exc.raw), outcome="abandoned", error=exc.error)
            c.record(turn)
            return TurnMessage(turn=turn)
        outcome = reply.outcome if reply.outcome != "continuing" or not last_chance else "abandoned"
        if too_early:
            # Multi-turn data: the customer follows up until support has replied MIN_EXCHANGES times.
            outcome = "continuing"
        turn = Turn(speaker="customer", text=reply.message.strip(), outcome=outcome)
        c.record(turn)
        return TurnMessage(turn=turn)


MIN_EXCHANGES = 2  # support replies before the customer may end a dialogue (when --max-turns allows)
ECHO_NOTE = ("\n(Asked again: your last reply repeated an earlier message of this conversation. Write a new "
             "message in your own words.)")


async def _unechoed(agent: RoleAgent, speaker: Literal["customer", "support"], model: type[BaseModel], prompt: str,
                    turns: list[Turn], cancellation_token: CancellationToken, *,
                    history: Sequence[LLMMessage] = ()) -> tuple[Any, Any]:
    """A reply whose message does not repeat an earlier turn (a small model echoes the other side);
    asked once more, sampled, when it does. The second reply stands either way: the critic's
    no_repetition check rejects an echo that remains."""
    reply, result = await agent.ask(model, prompt, cancellation_token, history=history)
    if check_no_repetition([*turns, Turn(speaker=speaker, text=reply.message)]).passed:
        return reply, result
    return await agent.ask(model, prompt + ECHO_NOTE, cancellation_token, history=history, sampling=RESHAPE_SAMPLING)


class SupportAgent(RoleAgent):
    role = "support"
    output_model = TurnMessage
    max_tokens = 400

    def __init__(self, model_client, context: DialogueContext, *, lookup: bool = True, **kwargs) -> None:
        super().__init__(model_client, context, **kwargs)
        self.lookup = lookup  # may a tool-calling model search the documents beyond the first lookup

    def system_fields(self) -> dict:
        c: DialogueContext = self.context
        return {"product": c.brief.product, "language_name": c.language_name}

    async def act(self, cancellation_token: CancellationToken) -> TurnMessage:
        c: DialogueContext = self.context
        question = next(t.text for t in reversed(c.turns) if t.speaker == "customer")
        hits = c.index.search(f"{c.brief.product} {question}", k=LOOKUP_CHUNKS)
        shown = [h.chunk_id for h in hits]
        excerpts = "\n\n".join(f"[{h.chunk_id}] ({h.source}, pages {h.pages}):\n{c.index.get(h.chunk_id).text}"
                               for h in hits) or "(nothing found)"
        # Citations are decoded against what the lookup returned: the agent cannot cite anything else.
        prompt = render_prompt("support.user", excerpts=fence(excerpts), transcript=c.transcript())
        history: list[LLMMessage] = []
        if self.lookup and self.model_client.model_info.get("function_calling"):  # it may look up more before replying
            system = SystemMessage(content=render_system(self.system_name(), **self.system_fields()))
            user = UserMessage(content=prompt + "\nYou may call search_documents first if these do not cover it.",
                               source="user")
            history, looked_up = await consult_documents(self, search_documents_tool(c.index), system, user,
                                                         cancellation_token)
            shown += [i for i in looked_up if i not in shown]
        message = Field(min_length=2, pattern=up_to_sentences(5)) if c.bounded else Field(min_length=2)
        reply_model = create_model("SupportReply", message=(str, message),
                                   sources=(list[Literal[tuple(shown)]] if shown else list[str], Field(max_length=3)))  # type: ignore[misc]
        try:
            reply, result = await _unechoed(self, "support", reply_model,
                                            "Now write your reply as JSON." if history else prompt, c.turns,
                                            cancellation_token, history=history)
        except StructuredOutputError as exc:
            turn = Turn(speaker="support", text=_partial(exc.raw), shown=shown, error=exc.error)
            c.record(turn)
            return TurnMessage(turn=turn)
        cited = [s for s in dict.fromkeys(reply.sources) if s in shown]  # type: ignore[attr-defined]
        turn = Turn(speaker="support", text=reply.message.strip(), shown=shown, cited=cited,  # type: ignore[attr-defined]
                    finish_reason=result.finish_reason)
        c.record(turn)
        return TurnMessage(turn=turn)
