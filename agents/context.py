"""What the agents of one QA work item share: the source passage and the run's settings.

Agents exchange their results as structured messages; this holds only what every agent
is given up front (the passage, its sentences, the question plan, limits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..tools.dedup import QuestionRegistry
from ..tools.language import UNKNOWN
from ..tools.lookup import DocumentIndex, ScopedIndex
from ..tools.text import sentences

# How far the critic trusts its model (agents/critic.py); "checks-only" never asks it.
TrustPolicy = Literal["full", "verify", "checks-only"]

QUESTION_TYPES = ("short_fact", "long_answer", "yes_no", "summary")

LANGUAGE_NAMES = {
    "en": "English", "ja": "Japanese", "ko": "Korean", "zh": "Chinese", "fr": "French",
    "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
}

MAX_EVIDENCE_SENTENCES = 80  # bounds the evidence enum the model decodes against


def enum_safe(units: list[str]) -> list[str]:
    """Sentences usable as JSON-schema enum values for llama.cpp: its schema-to-grammar
    converter mis-escapes quotes and backslashes (the grammar then fails to compile)."""
    return [u for u in units if '"' not in u and "\\" not in u]


def plan_question_types(count: int, offset: int) -> list[str]:
    """Rotate through the lab's question types so every run mixes them evenly."""
    return [QUESTION_TYPES[(offset + i) % len(QUESTION_TYPES)] for i in range(count)]


@dataclass
class QAContext:
    item_id: str
    passage: str
    title: str
    pages: list[int]
    domain: str
    language: str  # expected ISO code of questions and answers, or "unknown"
    question_types: list[str]
    max_revisions: int
    registry: QuestionRegistry
    index: DocumentIndex | ScopedIndex | None = None  # seed_from_pdf: this document and those before it
    passage_sentences: list[str] = field(default_factory=list)
    critic_trust: TrustPolicy = "verify"
    answer_style: str = "free"  # "extractive": answers are picked from the passage's sentences
    rows: list[int] = field(default_factory=list)  # CSV rows the passage comes from
    persona: str = ""  # persona_qa: the reader whose questions the writer writes
    failure: Exception | None = None  # set by an agent whose replies could not be repaired

    def __post_init__(self) -> None:
        if not self.passage_sentences:
            self.passage_sentences = enum_safe(sentences(self.passage))[:MAX_EVIDENCE_SENTENCES]

    @property
    def language_name(self) -> str:
        if self.language == UNKNOWN:
            return "the language of the passage"
        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def subject(self) -> str:
        """What every question here is about (title and domain); answers may leave it implicit."""
        return f"{self.title} {self.domain}"

    @property
    def pages_label(self) -> str:
        """Where the passage is, for prompts: ", pages 3, 4", ", row 7", or nothing."""
        for name, numbers in (("page", self.pages), ("row", self.rows)):
            if numbers:
                return f", {name}{'s' if len(numbers) > 1 else ''} {', '.join(str(n) for n in numbers)}"
        return ""
