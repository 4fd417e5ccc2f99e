"""A custom agent, defined in a team spec: its own system prompt, a user prompt with
$placeholders, and an output schema (fields declared in the spec, or a built-in schema).

Its replies are structured like every role's (JSON matching the schema, repaired when
invalid), so graph edges and selector rules can test its fields. With the built-in
`pair_reviews` output it is a reviewer in a QA team: it is asked once per answered
question ($question, $answer, $evidence) and the critic weighs what it says. With the
built-in `answers` output it is asked once per round for every slot, and its reply replaces
the answerer's: the critic judges what it last received.
"""

from __future__ import annotations

import json
from string import Template
from typing import Any, Literal

from autogen_core import CancellationToken
from pydantic import BaseModel, Field, create_model

from ..errors import StructuredOutputError
from ..tools.lookup import search_documents_tool
from ..tools.fencing import fence
from .base import RoleAgent, with_untrusted_rule
from .grounding import consult_documents, up_to_sentences
from .qa_messages import AnswererOutput, PairReview, PairReviews, SlotReview, WriterOutput

# Placeholders a custom prompt may use, by the family of the team's context.
ALWAYS = ("task", "conversation", "language_name")
CONTEXT_FIELDS = {
    "qa": ("passage", "title", "domain", "pages", "persona"),
    "instruction": ("domain",),
    "dialogue": ("transcript",),
}
REVIEW_FIELDS = ("question", "answer", "evidence")


def declared_model(name: str, fields: dict[str, Any]) -> type[BaseModel]:
    """A pydantic model from a spec's declared fields ({name: DeclaredField})."""
    built: dict[str, Any] = {}
    for field_name, f in fields.items():
        kind: Any = {"str": str, "int": int, "float": float, "bool": bool, "list[str]": list[str]}[f.type]
        if f.type == "str" and f.values:
            kind = Literal[tuple(f.values)]  # type: ignore[valid-type]
        limits = {k: v for k, v in (("ge", f.ge), ("le", f.le)) if v is not None and f.type in ("int", "float")}
        if f.type == "str" and not f.values and f.max_sentences:
            # Grammar-bounded: no runaway repetition. The last sentence may lack its final mark, so
            # a field holding a name or a phrase ("term") can close after it.
            limits["pattern"] = up_to_sentences(f.max_sentences, phrase=True)
        built[field_name] = (kind, Field(..., description=f.description or None, **limits))
    return create_model(f"{name.title().replace('_', '')}Output", **built)


def context_fields(context: Any) -> dict[str, str]:
    """The work item's values a prompt may name, read from whichever context it has."""
    out: dict[str, str] = {}
    for name in ("passage", "title", "domain", "persona", "language_name"):
        value = getattr(context, name, None)
        if isinstance(value, str):
            out[name] = value
    if hasattr(context, "pages_label"):
        out["pages"] = context.pages_label.removeprefix(", ")
    if callable(getattr(context, "transcript", None)):
        out["transcript"] = context.transcript()
    out.update(getattr(context, "fields", None) or {})  # a custom flow's input fields
    return out


DOCUMENT_FIELDS = ("passage", "text")  # an item's document text: fenced as data in every prompt


def fenced_fields(fields: dict[str, str]) -> dict[str, str]:
    """`fields` with the document text fenced (tools/fencing.py), for a prompt or a task."""
    return {k: fence(v) if k in DOCUMENT_FIELDS else v for k, v in fields.items()}


class CustomAgent(RoleAgent):
    role = "custom"
    max_tokens = 400
    relax_patterns = False  # a spec's max_sentences is the user's bound, whatever the model

    def __init__(self, model_client, context: Any, *, name: str, system_prompt: str, user_prompt: str,
                 output_model: type[BaseModel], description: str | None = None, review: bool = False,
                 lookup: bool = False, max_tokens: int | None = None) -> None:
        super().__init__(model_client, context, name=name, description=description or f"The {name.replace('_', ' ')}.")
        self.output_model = output_model  # type: ignore[misc]
        self._system = system_prompt
        self._user = Template(user_prompt)
        self.review = review
        self.max_tokens = max_tokens or self.max_tokens  # type: ignore[misc]
        can_call_tools = lookup and bool(model_client.model_info.get("function_calling")) \
            and getattr(context, "index", None) is not None
        self._tool = search_documents_tool(context.index) if can_call_tools else None
        self._task = ""
        self._latest: dict[str, BaseModel] = {}  # schema class name → its latest message
        self._questions: dict[int, Any] = {}

    def system_prompt(self) -> str:
        return Template(self._system).safe_substitute(context_fields(self.context))

    async def on_messages(self, messages, cancellation_token):
        for message in messages:
            if getattr(message, "source", None) == "user" and isinstance(getattr(message, "content", None), str):
                self._task = message.content
        return await super().on_messages(messages, cancellation_token)

    def observe(self, content: BaseModel) -> None:
        self._latest[type(content).__name__] = content
        if isinstance(content, WriterOutput):
            self._questions.update({q.slot: q for q in content.questions})

    def _conversation(self) -> str:
        return "\n".join(f"{kind}: {json.dumps(content.model_dump(mode='json'), ensure_ascii=False)[:2000]}"
                         for kind, content in self._latest.items()) or "(nothing yet)"

    def render(self, **extra: str) -> str:
        fields = {**fenced_fields(context_fields(self.context)), "task": self._task,
                  "conversation": self._conversation(), **extra}
        return self._user.safe_substitute(fields)

    async def act(self, cancellation_token: CancellationToken) -> BaseModel:
        if self.review:
            return await self._review_all(cancellation_token)
        prompt = self.render()
        if self._tool is not None:
            from autogen_core.models import SystemMessage, UserMessage

            system = SystemMessage(content=with_untrusted_rule(self.system_prompt()))
            history, _ = await consult_documents(self, self._tool, system,
                                                 UserMessage(content=prompt, source="user"), cancellation_token)
            reply, _ = await self.ask(self.output_model, "Now reply as JSON." if history else prompt,
                                      cancellation_token, history=history, examples=False)
            return reply
        try:
            reply, _ = await self.ask(self.output_model, prompt, cancellation_token, examples=False)
        except StructuredOutputError as exc:
            if (degraded := self._unusable_answers(exc)) is not None:
                return degraded
            raise StructuredOutputError(self.name, exc.raw, exc.error) from None  # named as the spec names it
        return reply

    def _unusable_answers(self, exc: StructuredOutputError) -> AnswererOutput | None:
        """A custom agent replying with the `answers` schema (an editor between the answerer
        and the critic) whose reply stays unusable costs those pairs, as the answerer's own
        would, never the item: the answers it was given go on, each marked with why."""
        given = self._latest.get(AnswererOutput.__name__)
        if self.output_model is not AnswererOutput or not isinstance(given, AnswererOutput):
            return None
        why = f"{self.name} gave no usable reply ({exc.error})"
        return given.model_copy(update={"answers": [a.model_copy(update={"error": a.error or why})
                                                    for a in given.answers]})

    async def _review_all(self, cancellation_token: CancellationToken) -> PairReviews:
        answers = self._latest.get(AnswererOutput.__name__)
        reviews = []
        for answer in answers.answers if isinstance(answers, AnswererOutput) else []:
            question = self._questions.get(answer.slot)
            if answer.error or question is None:
                continue  # nothing to review: the critic rejects it anyway
            prompt = self.render(question=question.question, answer=answer.answer, evidence=answer.evidence or "")
            try:
                reply, _ = await self.ask(PairReview, prompt, cancellation_token, examples=False)
                reviews.append(SlotReview(slot=answer.slot, **reply.model_dump()))
            except StructuredOutputError as exc:  # the critic rejects the pair: it fails closed
                reviews.append(SlotReview(slot=answer.slot, supported=True, error=exc.error))
        return PairReviews(reviewer=self.name, reviews=reviews)
