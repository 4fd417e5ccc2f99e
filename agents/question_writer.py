"""Question writer: N questions per passage, one per slot of a question-type plan, each
built on one of the reader's facts (one model call per slot: small models write one good
question far more reliably than a list). On a revise round it rewrites only the slots the
critic sent back, on a different fact, with the critic's reasons.

No two slots of a passage reach the critic with the same question: small models often ask
the same thing whatever fact they are shown, so a repeat is re-asked once, on a fact no
other slot uses, before any answer or critic call is spent on it; a slot that repeats again
carries the repeat as its error, so no answer or verdict is spent on it either."""

from __future__ import annotations

import re
from functools import cache

from autogen_core import CancellationToken
from pydantic import BaseModel, Field, create_model

from ..tools.fencing import fence
from ..errors import StructuredOutputError
from ..tools.dedup import repeated_question
from .base import RoleAgent, render_prompt
from .context import QAContext
from .qa_messages import CriticOutput, Fact, Question, ReaderOutput, WriterOutput

TYPE_GUIDANCE = {
    "short_fact": "a short factual question (who/what/which/how many) answered by a name, number or phrase",
    "long_answer": "a how/why question that needs a few sentences to answer",
    "yes_no": "a question answered with yes or no plus a short justification",
    "summary": "a request to summarise or explain this part of the document",
}


# One question or request, ending at its first "?" (or a final "."; Japanese and Korean
# "？" and "。" too): small models otherwise repeat the question until max_tokens.
QUESTION_PATTERN = r'^[^?!？"\\|\x00-\x1f]+[?.？。]$'


class QuestionReply(BaseModel):
    question: str = Field(min_length=10, pattern=QUESTION_PATTERN)


# For models that need no grammar: a question may quote a name ('What does "Eco mode" do?').
FreeQuestion = create_model("QuestionReply", question=(str, Field(min_length=4)))


# Letters of the languages whose script shows what a question is written in. A question in one
# of them starts in that script within its first few characters (a name such as "SL-7" may come
# first) and ends in it before its final mark ("…무엇인가요?", "…ですか？"): a model cannot answer a
# Korean document in English.
SCRIPT_LETTERS = {"ko": "\uac00-\ud7a3", "ja": "\u3040-\u30ff\u4e00-\u9fff", "zh": "\u4e00-\u9fff"}
LATIN_LEAD = 12  # characters a question may open with before its script starts


@cache
def question_reply_model(language: str) -> type[QuestionReply]:
    """The reply schema for questions in `language` (held to its script when it has one above)."""
    letters = SCRIPT_LETTERS.get(language)
    if letters is None:
        return QuestionReply
    other = '?!？"\\\\|\\x00-\\x1f'
    pattern = f"^[^{other}{letters}]{{0,{LATIN_LEAD}}}[{letters}]([^{other}]*[{letters}])?[?.？。]$"
    return create_model("QuestionReply", __base__=QuestionReply, question=(str, Field(min_length=4, pattern=pattern)))


_PARTIAL_QUESTION = re.compile(r'"question"\s*:\s*"(.*)', re.DOTALL)

# JSON debris small models leave in a string ("...Aurora X2?},{"), and surrounding quotes.
_TRAILING_DEBRIS = re.compile(r"[\s\"'}{\],\[]+$")


def clean_question(text: str) -> str:
    text = " ".join(text.split())
    text = _TRAILING_DEBRIS.sub("", text.split("},{")[0])
    return text.strip().strip("\"'")


REASKS_PER_SLOT = 1  # extra calls a slot may spend to get away from a repeated question


class QuestionWriterAgent(RoleAgent):
    role = "question_writer"
    output_model = WriterOutput
    max_tokens = 120

    def __init__(self, model_client, context: QAContext, **kwargs) -> None:
        super().__init__(model_client, context, **kwargs)
        self._facts: list[Fact] = []
        self._critic = None  # the critic's last CriticOutput
        self._written: dict[int, Question] = {}
        self._round = 0

    def system_fields(self) -> dict:
        return {"domain": self.context.domain, "language_name": self.context.language_name}

    def examples_language(self) -> str | None:
        return self.context.language

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, ReaderOutput):
            self._facts = content.facts
        elif isinstance(content, CriticOutput):
            self._critic = content

    def _feedback(self) -> dict[int, str]:
        if self._critic is None:
            return {}
        return {p.slot: "; ".join(p.reasons) for p in self._critic.pairs if p.decision == "revise"}

    def _fact_for(self, slot: int) -> Fact | None:
        if not self._facts or self.context.question_types[slot] == "summary":
            return None
        # Each revision moves the slot to another fact, away from what failed.
        return self._facts[(slot + self._round * len(self.context.question_types)) % len(self._facts)]

    def _other_fact(self, slot: int, taken: list[Question], current: str | None) -> Fact | None:
        """A fact to re-ask a repeated question on: the first after the slot's own that no
        other question of this passage is on, else the first that differs from the one the
        repeat was written on (a revise round's old questions still hold their facts); None
        (the whole passage) when there is no other."""
        if not self._facts:
            return None
        used = {q.fact for q in taken}
        start = self._facts.index(own) if (own := self._fact_for(slot)) in self._facts else slot % len(self._facts)
        ordered = self._facts[start + 1:] + self._facts[:start + 1]
        return next((f for f in ordered if f.fact not in used), None) \
            or next((f for f in ordered if f.fact != current), None)

    async def _write(self, slot: int, fact: Fact | None, others: list[str], revision: str,
                     cancellation_token: CancellationToken) -> Question:
        ctx = self.context
        if fact is None:
            material = f"Passage:\n{fence(ctx.passage)}"
        else:
            material = f"Fact: {fact.fact}\nSource sentence: {fact.source_sentence}"
        avoid = ("Ask something different from: " + " | ".join(others) + "\n") if others else ""
        prompt = render_prompt(
            "question_writer.user", title=ctx.title, pages=ctx.pages_label, material=material,
            guidance=TYPE_GUIDANCE[ctx.question_types[slot]], avoid=avoid, revision=revision,
            persona=f"Ask it as this reader would, about what they need: {ctx.persona}\n" if ctx.persona else "",
        )
        try:
            # Names may come from the document, not from earlier questions quoted back in the prompt.
            reply_model = question_reply_model(ctx.language) if self.grammar else FreeQuestion
            reply, _ = await self.ask(reply_model, prompt, cancellation_token,
                                      own_words=f"{ctx.title} {material} {ctx.persona}")
            text, error = clean_question(reply.question), None
        except StructuredOutputError as exc:
            # One unusable reply costs its slot, not the chunk: the pair is rejected
            # (or sent back for revision) with this reason.
            partial = _PARTIAL_QUESTION.search(exc.raw)
            text, error = clean_question(partial.group(1) if partial else exc.raw)[:300], exc.error
        return Question(slot=slot, type=ctx.question_types[slot], question=text,
                        fact=fact.fact if fact else None, revision=self._round, error=error)

    async def act(self, cancellation_token: CancellationToken) -> WriterOutput:
        ctx = self.context
        feedback = self._feedback()
        slots = sorted(feedback) if self._critic is not None else list(range(len(ctx.question_types)))
        questions: list[Question] = []
        for slot in slots:
            taken = [q for s, q in self._written.items() if s != slot]  # this round's included
            others = [q.question for q in taken]
            revision = ""
            if slot in feedback:
                revision = f"Your earlier question {self._written[slot].question!r} was rejected ({feedback[slot]}). Write a new one."
            question = await self._write(slot, self._fact_for(slot), others, revision, cancellation_token)
            reasks = 0
            while not question.error and (repeat := repeated_question(question.question, others)) is not None:
                if reasks == REASKS_PER_SLOT:
                    # Still a repeat: no answer or verdict is spent on it; the critic rejects
                    # it (or sends it back) with this reason.
                    question = question.model_copy(update={"error": f"repeats {repeat!r} after a re-ask"})
                    break
                reasks += 1
                summary = ctx.question_types[slot] == "summary"
                fact = None if summary else self._other_fact(slot, taken, question.fact)
                revision = (f"Your question {question.question!r} repeats {repeat!r}, which this passage already has. "
                            "Ask about something else.")
                question = await self._write(slot, fact, others, revision, cancellation_token)
            self._written[slot] = question
            questions.append(question)
        output = WriterOutput(round=self._round, questions=questions)
        self._round += 1
        return output
