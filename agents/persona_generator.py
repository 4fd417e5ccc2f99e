"""Persona generator: diverse readers of a document collection, each with a role, an
expertise level, goals and a writing style.

From documents it follows Persona Hub's text-to-persona (Ge et al. 2024): "who is likely
to read this text, and why?", asked of passages spread over the collection; from a short
audience description it asks for one reader at a time. Diversity is built in, not hoped
for: each request names a different angle (a novice, an operator, an auditor, a buyer, …,
from `prompts/persona_generator.angles.md`), each new persona is told the roles already
taken, and a near-copy of one (same role, by fuzzy match) takes the angle it was asked for
as its role instead (a small model names the same reader whatever it is asked); only when
that angle is taken too is it dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from ..errors import StructuredOutputError
from ..tools.personas import Expertise, Persona
from ..tools.text import normalize
from ..tools.fencing import fence
from .base import RoleAgent, render_prompt
from .instructions import InstructionsOutput

SAME_ROLE = 85  # rapidfuzz token_set_ratio at which two roles are the same reader
_PHRASE = r'^[^"\\\x00-\x1f ][^"\\\x00-\x1f]{2,119}$'
PASSAGE_CHARS = 1500


class PersonaReply(BaseModel):
    role: str = Field(pattern=_PHRASE)
    expertise: Expertise
    goals: str = Field(pattern=_PHRASE)
    style: str = Field(pattern=_PHRASE)


@cache
def angles() -> tuple[str, ...]:
    text = resources.files(__package__).joinpath("prompts", "persona_generator.angles.md").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass
class _PlanningContext:
    failure: Exception | None = None


class PersonaGeneratorAgent(RoleAgent):
    role = "persona_generator"
    output_model = InstructionsOutput  # used while planning through `ask`, never in a team
    max_tokens = 200

    def __init__(self, model_client: ChatCompletionClient, **kwargs: Any) -> None:
        super().__init__(model_client, _PlanningContext(), **kwargs)
        self.personas: list[Persona] = []
        self.dropped: list[str] = []  # roles that repeated one already taken
        self.from_angles: list[str] = []  # repeated roles replaced by the angle asked for
        self.failures: list[str] = []

    def is_new(self, role: str) -> bool:
        return all(fuzz.token_set_ratio(normalize(role), normalize(p.role)) < SAME_ROLE for p in self.personas)

    async def _one(self, prompt: str, source: str, angle: str) -> Persona | None:
        taken = "; ".join(p.role for p in self.personas)
        if taken:
            prompt += f"\nThese readers are already taken, describe a different one: {taken}."
        try:
            reply, _ = await self.ask(PersonaReply, prompt, CancellationToken())
        except StructuredOutputError as exc:
            self.failures.append(exc.error)
            return None
        fields = reply.model_dump()
        if not self.is_new(reply.role):
            if not self.is_new(angle):
                self.dropped.append(reply.role)
                return None
            self.from_angles.append(f"{reply.role} → {angle}")
            fields["role"] = angle
        persona = Persona(persona_id=f"p{len(self.personas) + 1}", source=source, **fields)
        self.personas.append(persona)
        return persona

    def _angle(self, attempt: int) -> str:
        return angles()[attempt % len(angles())]

    async def from_text(self, text: str, title: str, source: str, attempt: int) -> Persona | None:
        prompt = render_prompt("persona_generator.from_text", title=title, passage=fence(text[:PASSAGE_CHARS]),
                               angle=self._angle(attempt))
        return await self._one(prompt, source, self._angle(attempt))

    async def from_audience(self, audience: str, attempt: int) -> Persona | None:
        prompt = render_prompt("persona_generator.from_audience", audience=audience, angle=self._angle(attempt))
        return await self._one(prompt, "audience", self._angle(attempt))
