"""Instruction answerer: answers each instruction a writer sent (an evolved instruction,
a homework question). Where the work item has documents (seeds made from a PDF), the
passages most relevant to the instruction are retrieved into the prompt, and a model that
can call tools may search for more; the critic then checks the answer against what it was
shown. Without documents the answer is the model's own."""

from __future__ import annotations

from autogen_core import CancellationToken
from autogen_core.models import SystemMessage, UserMessage
from pydantic import BaseModel, Field

from ..tools.fencing import fence
from ..errors import StructuredOutputError
from ..tools.lookup import search_documents_tool
from .base import RoleAgent, render_prompt, render_system
from .grounding import consult_documents, up_to_sentences
from .instructions import AnswersOutput, Instruction, InstructionAnswer, InstructionContext, InstructionsOutput

REFERENCE_CHUNKS = 2
BOUNDED_SENTENCES = 6
BOUNDED_MAX_TOKENS = 300  # six sentences fit; past that an in-process model is looping


class FreeAnswer(BaseModel):
    answer: str = Field(min_length=1)


class BoundedAnswer(BaseModel):
    # In-process models repeat themselves until max_tokens unless the grammar ends the answer.
    answer: str = Field(min_length=1, pattern=up_to_sentences(BOUNDED_SENTENCES))


class InstructionAnswererAgent(RoleAgent):
    role = "instruction_answerer"
    output_model = AnswersOutput
    max_tokens = 700

    def __init__(self, model_client, context: InstructionContext, *, name: str = "answerer", lookup: bool = True,
                 **kwargs) -> None:
        kwargs.setdefault("name", name)
        kwargs.setdefault("description", "Answers each instruction.")
        super().__init__(model_client, context, **kwargs)
        self._pending: InstructionsOutput | None = None
        can_call_tools = lookup and bool(model_client.model_info.get("function_calling")) and context.index is not None
        self._tool = search_documents_tool(context.index) if can_call_tools else None

    def system_fields(self) -> dict:
        return {"language_name": self.context.language_name}

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, InstructionsOutput):
            self._pending = content

    async def act(self, cancellation_token: CancellationToken) -> AnswersOutput:
        pending = self._pending
        answers = [await self._answer(i, cancellation_token) for i in (pending.instructions if pending else [])]
        return AnswersOutput(round=pending.round if pending else 0, answers=answers)

    def _references(self, instruction: str) -> tuple[str, list[str]]:
        index = self.context.index
        if index is None:
            return "", []
        wanted = set(self.context.source_files)
        hits = [h for h in index.search(instruction, k=REFERENCE_CHUNKS * 3) if not wanted or h.source in wanted]
        chunks = [index.get(h.chunk_id) for h in hits[:REFERENCE_CHUNKS]]
        text = "\n\n".join(f"Reference ({c.locator}):\n{fence(c.text)}" for c in chunks if c is not None)
        return text, [c.chunk_id for c in chunks if c is not None]

    async def _answer(self, instruction: Instruction, cancellation_token: CancellationToken) -> InstructionAnswer:
        if instruction.error:
            return InstructionAnswer(slot=instruction.slot, text="", error=f"no usable instruction ({instruction.error})")
        references, consulted = self._references(instruction.text)
        prompt = render_prompt(
            "instruction_answerer.user", instruction=instruction.text,
            references=f"{references}\n\nAnswer from the references above.\n" if references else "",
        )
        history = []
        if self._tool is not None:
            system = SystemMessage(content=render_system(self.system_name(), **self.system_fields()))
            user = UserMessage(content=prompt + "\nYou may call search_documents to find more first.", source="user")
            history, looked_up = await consult_documents(self, self._tool, system, user, cancellation_token)
            consulted += [c for c in looked_up if c not in consulted]
        reply_model = BoundedAnswer if self.context.bounded else FreeAnswer
        try:
            reply, result = await self.ask(reply_model, prompt if not history else "Now give your final answer.",
                                           cancellation_token, history=history,
                                           max_tokens=BOUNDED_MAX_TOKENS if self.context.bounded else None)
        except StructuredOutputError as exc:
            # One unusable answer costs one instruction, not the work item.
            return InstructionAnswer(slot=instruction.slot, text=exc.raw[:500], consulted=consulted, error=exc.error,
                                     finish_reason="length" if "token limit" in exc.error else None)
        return InstructionAnswer(slot=instruction.slot, text=reply.answer.strip(), finish_reason=result.finish_reason,
                                 consulted=consulted)
