"""Homework writer (GLAN): one question per slot of a plan, each slot a distinct
combination of the session's key concepts, a question style and a difficulty, so no two
prompts of a run are the same (the lab sent one prompt several times per batch and got
near-identical questions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from autogen_core import CancellationToken
from pydantic import BaseModel, Field

from ..errors import StructuredOutputError
from .base import RoleAgent, render_prompt
from .grounding import up_to_sentences
from .instructions import Instruction, InstructionContext, InstructionsOutput

STYLES = {
    "short_answer": "a short-answer question",
    "problem_solving": "a problem to solve, with the numbers or data it needs",
    "explain": "a question asking to explain how or why",
    "compare": "a question comparing two of the concepts",
    "application": "a realistic scenario in which the student applies the concepts",
    "multiple_choice": "a multiple-choice question with four options labelled A to D",
}
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass
class QuestionSlot:
    concepts: list[str]
    style: str
    difficulty: str


@dataclass
class Session:
    discipline: str
    subject: str
    level: int
    subtopics: list[str]
    title: str
    key_concepts: list[str]
    slots: list[QuestionSlot] = field(default_factory=list)


class HomeworkFree(BaseModel):
    question: str = Field(min_length=15)


class HomeworkBounded(BaseModel):
    question: str = Field(min_length=15, pattern=up_to_sentences(4))


class HomeworkWriterAgent(RoleAgent):
    role = "homework_writer"
    output_model = InstructionsOutput
    max_tokens = 300

    def __init__(self, model_client, context: InstructionContext, session: Session, **kwargs) -> None:
        kwargs.setdefault("name", "question_writer")
        kwargs.setdefault("description", "Writes homework questions.")
        super().__init__(model_client, context, **kwargs)
        self.session = session

    def system_fields(self) -> dict:
        return {"language_name": self.context.language_name}

    async def act(self, cancellation_token: CancellationToken) -> InstructionsOutput:
        s = self.session
        written: list[Instruction] = []
        for number, slot in enumerate(s.slots):
            avoid = " | ".join(i.text for i in written if not i.error)
            prompt = render_prompt(
                "homework_writer.user", discipline=s.discipline, subject=s.subject, level=s.level, session=s.title,
                concepts=", ".join(slot.concepts), style=STYLES[slot.style], difficulty=slot.difficulty,
                avoid=f"Ask something different from: {avoid}\n" if avoid else "",
            )
            reply_model = HomeworkBounded if self.context.bounded else HomeworkFree
            try:
                reply, _ = await self.ask(reply_model, prompt, cancellation_token)
                text, error = reply.question.strip(), None
            except StructuredOutputError as exc:
                text, error = exc.raw[:500], exc.error
            written.append(Instruction(
                slot=number, text=text, error=error,
                path={"key_concepts": slot.concepts, "style": slot.style, "difficulty": slot.difficulty},
            ))
        return InstructionsOutput(round=0, instructions=written)
