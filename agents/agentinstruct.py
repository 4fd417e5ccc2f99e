"""AgentInstruct's three flows (Mitra et al. 2024) as agents:

1. content transformation: `ContentTransformerAgent` turns a raw passage into a form suited
   to the skill (a debate, a meeting transcript, an email thread, a table, …);
2. seed instruction generation: `SeedInstructionAgent` writes a task of one of the skill's
   task types about the transformed content;
3. refinement: pairs of `SuggesterAgent` (how to make the task harder or more precise) and
   `EditorAgent` (rewrites the task accordingly).

Skills, their transformations and task types live in a data file
(scenarios/data/agentinstruct_skills.yaml), not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from autogen_core import CancellationToken
from pydantic import BaseModel, Field, create_model

from ..errors import StructuredOutputError
from ..tools.fencing import fence
from .base import RoleAgent, render_prompt
from .grounding import up_to_sentences
from .instructions import Instruction, InstructionContext, InstructionsOutput


@dataclass
class SkillPlan:
    skill: str
    description: str
    transformation: str
    transformation_text: str
    task_type: str
    task_text: str


class TransformedContent(BaseModel):
    skill: str
    transformation: str
    content: str
    error: str | None = None
    passage: str = ""  # what the content was transformed from


class Suggestion(BaseModel):
    round: int
    suggestion: str


class ContentReply(BaseModel):
    content: str = Field(min_length=40)


# In-process models: the transformed passage held to sentences (it otherwise loops on), kept
# under the same reply name so that scripted tests and caches see one role.
CONTENT_SENTENCES = 10
ContentBounded = create_model("ContentReply", __base__=ContentReply,
                              content=(str, Field(min_length=40, pattern=up_to_sentences(CONTENT_SENTENCES))))


class TaskFree(BaseModel):
    task: str = Field(min_length=10)


class TaskBounded(BaseModel):
    task: str = Field(min_length=10, pattern=up_to_sentences(3))


class SuggestionReply(BaseModel):
    suggestion: str = Field(min_length=10, pattern=up_to_sentences(2))


def user_message(content: str, task: str) -> str:
    return f"{content}\n\n{task}"


class ContentTransformerAgent(RoleAgent):
    role = "content_transformer"
    output_model = TransformedContent
    max_tokens = 600

    def __init__(self, model_client, context: InstructionContext, *, plan: SkillPlan, passage: str, **kwargs) -> None:
        kwargs.setdefault("name", "transformer")
        kwargs.setdefault("description", "Transforms the content.")
        super().__init__(model_client, context, **kwargs)
        self.plan, self.passage = plan, passage

    def system_fields(self) -> dict:
        return {"language_name": self.context.language_name}

    async def act(self, cancellation_token: CancellationToken) -> TransformedContent:
        prompt = render_prompt("content_transformer.user", how=self.plan.transformation_text, passage=fence(self.passage))
        try:
            reply, _ = await self.ask(ContentBounded if self.context.bounded else ContentReply, prompt,
                                      cancellation_token)
            content, error = reply.content.strip(), None
        except StructuredOutputError as exc:
            content, error = exc.raw[:1500], exc.error
        return TransformedContent(skill=self.plan.skill, transformation=self.plan.transformation, content=content,
                                  error=error, passage=self.passage)


class _TaskAgent(RoleAgent):
    """Shared by the seed writer and the editors: they hold the content and emit the task."""

    output_model = InstructionsOutput
    max_tokens = 250

    def __init__(self, model_client, context: InstructionContext, *, plan: SkillPlan, name: str | None = None, **kwargs) -> None:
        kwargs.setdefault("name", name or self.role)
        kwargs.setdefault("description", f"The {self.role.replace('_', ' ')}.")
        super().__init__(model_client, context, **kwargs)
        self.plan = plan
        self.content: TransformedContent | None = None
        self.task: Instruction | None = None
        self.suggestion: Suggestion | None = None

    def system_fields(self) -> dict:
        return {"language_name": self.context.language_name}

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, TransformedContent):
            self.content = content
        elif isinstance(content, InstructionsOutput) and content.instructions:
            self.task = content.instructions[0]
        elif isinstance(content, Suggestion):
            self.suggestion = content

    async def write(self, prompt: str, cancellation_token: CancellationToken, refinements: list[dict]) -> InstructionsOutput:
        assert self.content is not None
        try:
            reply, _ = await self.ask(TaskBounded if self.context.bounded else TaskFree, prompt, cancellation_token)
            task, error = reply.task.strip(), None
        except StructuredOutputError as exc:
            task, error = exc.raw[:500], exc.error
        error = error or (f"no usable content ({self.content.error})" if self.content.error else None)
        instruction = Instruction(
            slot=0, text=user_message(self.content.content, task), round=len(refinements), error=error,
            path={"task": task, "skill": self.plan.skill, "transformation": self.plan.transformation,
                  "task_type": self.plan.task_type, "content": self.content.content,
                  "passage": self.content.passage, "refinements": refinements},
        )
        return InstructionsOutput(round=instruction.round, instructions=[instruction])


class SeedInstructionAgent(_TaskAgent):
    role = "seed_instruction"

    async def act(self, cancellation_token: CancellationToken) -> InstructionsOutput:
        assert self.content is not None
        prompt = render_prompt("seed_instruction.user", skill=self.plan.skill.replace("_", " "),
                               kind=self.plan.task_text, content=fence(self.content.content))
        return await self.write(prompt, cancellation_token, [])


class SuggesterAgent(_TaskAgent):
    role = "suggester"
    output_model = Suggestion  # type: ignore[assignment]
    max_tokens = 120

    async def act(self, cancellation_token: CancellationToken) -> Suggestion:  # type: ignore[override]
        assert self.content is not None and self.task is not None
        prompt = render_prompt("suggester.user", content=fence(self.content.content), task=self.task.path.get("task", ""))
        try:
            reply, _ = await self.ask(SuggestionReply, prompt, cancellation_token)
            suggestion = reply.suggestion.strip()
        except StructuredOutputError as exc:
            suggestion = f"(no usable suggestion: {exc.error})"
        # One suggester serves every refinement round (a loop in the team): count from the task.
        return Suggestion(round=len(self.task.path.get("refinements", [])) + 1, suggestion=suggestion)


class EditorAgent(_TaskAgent):
    role = "editor"

    async def act(self, cancellation_token: CancellationToken) -> InstructionsOutput:
        assert self.content is not None and self.task is not None and self.suggestion is not None
        before = self.task.path.get("task", "")
        prompt = render_prompt("editor.user", content=fence(self.content.content), task=before,
                               suggestion=self.suggestion.suggestion)
        refinements = [*self.task.path.get("refinements", []), {"suggestion": self.suggestion.suggestion,
                                                                  "before": before}]
        output = await self.write(prompt, cancellation_token, refinements)
        output.instructions[0].path["refinements"][-1]["after"] = output.instructions[0].path["task"]
        self.task = output.instructions[0]  # the next round refines this (an agent never receives its own message)
        return output
