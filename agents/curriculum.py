"""Curriculum builder for GLAN (Li et al. 2024, "Synthetic Data (Almost) from Scratch"):
fields → sub-fields → disciplines (the taxonomy), discipline → subjects with a level and
subtopics, subject → syllabus of class sessions with key concepts.

Each step is one structured call (pydantic schemas, repaired on invalid replies). It runs
while planning, outside any team, so the agent is used through `ask` directly; a step
that cannot be repaired raises `StructuredOutputError` and the scenario skips that
branch of the tree with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel, Field, create_model

from ..tools.text import normalize
from .base import RoleAgent, render_prompt
from .instructions import InstructionsOutput

# Short names without quotes, control characters or the prompt's <placeholders>: bounded so
# llama.cpp's grammar stays small, and a small model cannot echo the reply template.
NAME = r'^[^"\\<>\x00-\x1f ][^"\\<>\x00-\x1f]{1,79}$'
Name = Annotated[str, Field(pattern=NAME)]


class NamesReply(BaseModel):
    names: list[Name] = Field(min_length=1, max_length=8)


class SubjectReply(BaseModel):
    name: str = Field(pattern=NAME)
    level: Literal[100, 200, 300, 400]  # introductory ... advanced, as in GLAN's prompts (an enum: grammar-enforced)
    subtopics: list[Name] = Field(min_length=1, max_length=5)


class SubjectsReply(BaseModel):
    subjects: list[SubjectReply] = Field(min_length=1, max_length=8)


class SessionReply(BaseModel):
    title: str = Field(pattern=NAME)
    key_concepts: list[Name] = Field(min_length=2, max_length=5)


class SyllabusReply(BaseModel):
    sessions: list[SessionReply] = Field(min_length=1, max_length=10)


def exactly(base: type[BaseModel], field: str, item: Any, count: int) -> type[BaseModel]:
    """`base` with its list `field` held to exactly `count` items (the grammar holds the model to it)."""
    return create_model(base.__name__, __base__=base, **{field: (list[item], Field(min_length=count, max_length=count))})


def distinct_items(items: list[Any], key: Any, limit: int) -> list[Any]:
    """The first item per name (case and spacing ignored), at most `limit`."""
    seen: dict[str, Any] = {}
    for item in items:
        name = normalize(key(item)).strip(" .")
        if name and name not in seen:
            seen[name] = item
    return list(seen.values())[:limit]


def distinct(names: list[str], limit: int) -> list[str]:
    """Names without repeats (case and spacing ignored), at most `limit`."""
    return [n.strip() for n in distinct_items(names, lambda n: n, limit)]


@dataclass
class _PlanningContext:
    failure: Exception | None = None


class CurriculumAgent(RoleAgent):
    role = "curriculum"
    output_model = InstructionsOutput  # never sent in a team; planning calls `ask` directly
    max_tokens = 500

    def __init__(self, model_client: ChatCompletionClient, *, language_name: str = "English", **kwargs: Any) -> None:
        super().__init__(model_client, _PlanningContext(), **kwargs)
        self.language_name = language_name

    def system_fields(self) -> dict:
        return {"language_name": self.language_name}

    async def _names(self, prompt: str, count: int) -> list[str]:
        reply, _ = await self.ask(exactly(NamesReply, "names", Name, count), prompt, CancellationToken())
        return distinct(reply.names, count)

    async def fields(self, domain: str, count: int) -> list[str]:
        return await self._names(render_prompt("curriculum.fields", domain=domain, count=count), count)

    async def sub_fields(self, field_name: str, count: int) -> list[str]:
        return await self._names(render_prompt("curriculum.sub_fields", field=field_name, count=count), count)

    async def disciplines(self, field_name: str, sub_field: str, count: int) -> list[str]:
        prompt = render_prompt("curriculum.disciplines", field=field_name, sub_field=sub_field, count=count)
        return await self._names(prompt, count)

    async def subjects(self, discipline: str, count: int) -> list[SubjectReply]:
        prompt = render_prompt("curriculum.subjects", discipline=discipline, count=count)
        reply, _ = await self.ask(exactly(SubjectsReply, "subjects", SubjectReply, count), prompt, CancellationToken())
        subjects = distinct_items(reply.subjects, lambda s: s.name, count)
        for subject in subjects:
            subject.subtopics = distinct(subject.subtopics, 5)
        return subjects

    async def syllabus(self, discipline: str, subject: SubjectReply, count: int) -> list[SessionReply]:
        """`count` class sessions, each with 2+ distinct key concepts. A session the model gave too
        few concepts is filled from the subject's subtopics, then from its own title; sessions the
        model could not write at all are made from the subtopics (`sessions_from_subtopics`)."""
        prompt = render_prompt("curriculum.syllabus", discipline=discipline, subject=subject.name, level=subject.level,
                               subtopics=", ".join(subject.subtopics), count=count)
        reply, _ = await self.ask(exactly(SyllabusReply, "sessions", SessionReply, count), prompt, CancellationToken())
        sessions = distinct_items(reply.sessions, lambda s: s.title, count)
        for session in sessions:
            session.key_concepts = with_fallback_concepts(session.key_concepts, session.title, subject)
        return [s for s in sessions if len(s.key_concepts) >= 2]


def with_fallback_concepts(concepts: list[str], title: str, subject: SubjectReply) -> list[str]:
    """Up to five distinct key concepts: the model's; when it gave fewer than two, topped up with
    the subject's subtopics, then the session title itself (a small model often repeats one
    concept or the title)."""
    own = distinct(concepts, 5)
    return own if len(own) >= 2 else distinct([*own, *subject.subtopics, title], 2)


def sessions_from_subtopics(subject: SubjectReply, count: int) -> list[SessionReply]:
    """Class sessions planned without the model: one per subtopic (the subject's name when it has
    none), each with that subtopic first among its key concepts."""
    topics = distinct(subject.subtopics, 5) or [subject.name]
    sessions = []
    for i, topic in enumerate(topics[:count]):
        concepts = with_fallback_concepts([topic], subject.name, subject)
        if len(concepts) >= 2:
            sessions.append(SessionReply(title=f"{subject.name}: {topic}"[:80], key_concepts=concepts))
    return sessions
