"""Answerer: answers each question from its source passage only, citing the sentence it
relies on (decoded against the passage's sentences, or "NONE"), and says so when the
source does not answer. In the extractive style (for small models) the answer itself is
picked from the passage sentences most relevant to the question. Models that can call tools may first look up more passages
with `search_documents`; whatever they consult becomes part of the critic's source."""

from __future__ import annotations

import re
from typing import Literal

from autogen_core import CancellationToken
from autogen_core.models import LLMMessage, SystemMessage, UserMessage
from pydantic import BaseModel, Field, create_model

from ..checks.qa import UNUSABLE_QUESTION
from ..errors import StructuredOutputError
from ..tools.lookup import search_documents_tool
from ..tools.text import sentences, stems
from ..tools.fencing import fence
from .base import RoleAgent, render_prompt, render_system
from .context import QAContext, enum_safe
from .grounding import SENTENCE, consult_documents
from .qa_messages import Answer, AnswererOutput, Question, WriterOutput

NO_EVIDENCE = "NONE"
EVIDENCE_CANDIDATES = 5  # sentences offered as evidence: the ones most relevant to the question
# A model that needs no grammar may cite any of many more: ranking by shared words misses the
# sentence a paraphrased question is about, and a long enum costs a served model nothing.
STRONG_EVIDENCE_CANDIDATES = 30
_PARTIAL_ANSWER = re.compile(r'"answer"\s*:\s*"(.*)', re.DOTALL)

ONE_SENTENCE = f"^{SENTENCE}$"
UP_TO_FOUR_SENTENCES = f"^{SENTENCE}( ?{SENTENCE}( ?{SENTENCE}( ?{SENTENCE})?)?)?$"
ANSWER_PATTERN = {
    "short_fact": ONE_SENTENCE,
    "yes_no": f"^{SENTENCE}( ?{SENTENCE})?$",
    "long_answer": UP_TO_FOUR_SENTENCES,
    "summary": UP_TO_FOUR_SENTENCES,
}

ANSWER_STYLE = {
    "short_fact": "Answer in one sentence.",
    "long_answer": "Answer in two to four sentences.",
    "yes_no": "Start with Yes or No, then justify it in one sentence.",
    "summary": "Summarise in two to four sentences.",
}


def extractive_reply_model(candidates: list[str], question_type: str) -> type[BaseModel]:
    """Answers picked from the source's own sentences (for small models): grounded by
    construction; the critic still checks that they answer the question."""
    sentence = Literal[tuple([*candidates, NO_EVIDENCE])]  # type: ignore[valid-type]
    if question_type == "yes_no":
        return create_model("ExtractiveReply", answer=(sentence, ...), yes_or_no=(Literal["Yes", "No"], ...))
    if question_type in ("long_answer", "summary"):
        return create_model("ExtractiveReply", answer=(list[sentence], Field(min_length=1, max_length=3)))  # type: ignore[valid-type]
    return create_model("ExtractiveReply", answer=(sentence, ...))


def from_extractive(reply: BaseModel) -> tuple[str | None, str]:
    """(evidence, answer text) of an extractive reply."""
    picked = reply.answer if isinstance(reply.answer, list) else [reply.answer]  # type: ignore[attr-defined]
    picked = [s for s in dict.fromkeys(picked) if s != NO_EVIDENCE]
    if not picked:
        return None, "The source does not answer this question."
    text = " ".join(picked)
    if hasattr(reply, "yes_or_no"):
        text = f"{reply.yes_or_no}. {text}"
    return picked[0], text


def reply_model(evidence_sentences: list[str], question_type: str, *, grammar: bool = True) -> type[BaseModel]:
    """A free answer; with `grammar` (small models) held to the question type's sentences. A
    model that needs no grammar may quote ('Press "Save"'), list steps and write paragraphs."""
    evidence_type = Literal[tuple([*evidence_sentences, NO_EVIDENCE])]  # type: ignore[valid-type]
    # Bounded by sentence count, not maxLength: llama.cpp unrolls a large maxLength
    # into a grammar too big to compile.
    answer = Field(min_length=1, pattern=ANSWER_PATTERN.get(question_type, UP_TO_FOUR_SENTENCES)) if grammar \
        else Field(min_length=1)
    return create_model("AnswerReply", evidence=(evidence_type, ...), answerable=(bool, ...), answer=(str, answer))


class AnswererAgent(RoleAgent):
    role = "answerer"
    output_model = AnswererOutput
    max_tokens = 300

    def __init__(self, model_client, context: QAContext, *, lookup: bool = True, **kwargs) -> None:
        super().__init__(model_client, context, **kwargs)
        self.extractive = context.answer_style == "extractive"
        self._pending: WriterOutput | None = None
        self._round = 0
        can_call_tools = lookup and bool(model_client.model_info.get("function_calling")) and context.index is not None
        self._tool = search_documents_tool(context.index) if can_call_tools else None

    def system_fields(self) -> dict:
        return {"language_name": self.context.language_name}

    def examples_language(self) -> str | None:
        return self.context.language

    @property
    def evidence_candidates(self) -> int:
        return EVIDENCE_CANDIDATES if self.grammar else STRONG_EVIDENCE_CANDIDATES

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, WriterOutput):
            self._pending = content

    async def act(self, cancellation_token: CancellationToken) -> AnswererOutput:
        questions = self._pending.questions if self._pending else []
        answers = [await self._answer(q, cancellation_token) for q in questions]
        output = AnswererOutput(round=self._round, answers=answers)
        self._round += 1
        return output

    def _prompt(self, question: Question, candidates: list[str], lookups: str = "") -> str:
        ctx = self.context
        return render_prompt(
            "answerer.user", title=ctx.title, pages=ctx.pages_label, passage=fence(ctx.passage), lookups=lookups,
            relevant=fence("\n".join(f"- {s}" for s in candidates)), question_type=question.type.replace("_", " "),
            question=question.question, style=ANSWER_STYLE.get(question.type, ""),
        )

    async def _answer(self, question: Question, cancellation_token: CancellationToken) -> Answer:
        if question.error:
            return Answer(slot=question.slot, evidence=None, answerable=False, answer="",
                          error=f"{UNUSABLE_QUESTION} ({question.error})")
        history: list[LLMMessage] = []
        consulted: list[str] = []
        if self._tool is not None:
            history, consulted = await self._look_up(question, cancellation_token)
        evidence = list(self.context.passage_sentences)
        for chunk_id in consulted:
            chunk = self.context.index.get(chunk_id) if self.context.index else None
            if chunk is not None:
                evidence += [s for s in enum_safe(sentences(chunk.text)) if s not in evidence]
        candidates = rank_sentences(question.question, evidence, self.context.subject)[:self.evidence_candidates]
        prompt = self._prompt(question, candidates) if not history else "Now give your final answer."
        model = extractive_reply_model(candidates, question.type) if self.extractive \
            else reply_model(candidates, question.type, grammar=self.grammar)
        try:
            reply, result = await self.ask(
                model, prompt, cancellation_token, history=history, examples=not self.extractive
            )
        except StructuredOutputError as exc:
            # One unusable answer costs one pair, not the work item: the critic rejects
            # it (or sends the question back) with this reason.
            partial = _PARTIAL_ANSWER.search(exc.raw)
            return Answer(
                slot=question.slot, evidence=None, answerable=False,
                answer=partial.group(1)[:500] if partial else exc.raw[:500],
                finish_reason="length" if "token limit" in exc.error else None,
                consulted=consulted, error=exc.error,
            )
        if self.extractive:
            cited, text = from_extractive(reply)
            answerable = cited is not None
        else:
            cited = None if reply.evidence == NO_EVIDENCE else reply.evidence  # type: ignore[attr-defined]
            answerable = bool(reply.answerable) and cited is not None  # type: ignore[attr-defined]
            text = reply.answer.strip()  # type: ignore[attr-defined]
        return Answer(
            slot=question.slot, evidence=cited, answerable=answerable, answer=text,
            finish_reason=result.finish_reason, consulted=consulted,
        )

    async def _look_up(self, question: Question, cancellation_token: CancellationToken) -> tuple[list[LLMMessage], list[str]]:
        """Let a tool-calling model search the documents before it answers."""
        assert self._tool is not None
        system = SystemMessage(content=render_system(self.system_name(), **self.system_fields()))
        candidates = rank_sentences(question.question, self.context.passage_sentences,
                                    self.context.subject)[:self.evidence_candidates]
        user = UserMessage(
            content=self._prompt(question, candidates, lookups="\nYou may call search_documents to find more context first."),
            source="user",
        )
        return await consult_documents(self, self._tool, system, user, cancellation_token)


def rank_sentences(question: str, candidates: list[str], subject: str = "") -> list[str]:
    """Candidates ordered by how many of the question's content words they share, not
    counting the document's subject (every sentence is about it); ties keep passage
    order. Sentence-level retrieval inside the chunk."""
    wanted = set(stems(question)) - set(stems(subject))
    scored = [(-len(wanted & set(stems(s))), i, s) for i, s in enumerate(candidates)]
    return [s for _, _, s in sorted(scored)]
