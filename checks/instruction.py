"""Deterministic checks for instruction data, including WizardLM's elimination rules
for Evol-Instruct (Xu et al. 2023, section 3.2): an evolution fails when

1. it adds no information over its parent instruction;
2. the answer is an apology or refusal, or too short to be an answer;
3. the answer is only punctuation and stop words;
4. the evolved instruction copies the rewriter's own wording ("#Rewritten Prompt#", ...).

The paper asks ChatGPT whether two instructions are "equal"; here rule 1 is decided on
the text (identical after normalising, or no new content word), so no model can wave a
copy through. Each check returns a `CheckResult` named after its rule; `INSTRUCTION_CHECKS`
runs them all, elimination rules first (the first failure names the rule).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ..tools.dedup import Match, NearDuplicateIndex, RougeLIndex
from ..tools.text import STOPWORDS, normalize, stems, words
from .arithmetic import worked_calculations
from .base import Candidate, Check, CheckResult, CheckSet, fail, ok
from .qa import (
    check_adds_information,
    check_language,
    check_not_refusal,
    check_not_truncated,
    check_numbers_grounded,
    check_terms_grounded,
)

MIN_ANSWER_WORDS = 5
APOLOGY_WORDS = 80  # the paper: "contains 'sorry' and is relatively short (less than 80 words)"
SAME_INSTRUCTION_RATIO = 95  # rapidfuzz token_sort_ratio at which an evolution is a copy

# The rewriter prompts' own scaffolding leaking into the output.
_REWRITER_WORDING = re.compile(
    r"#\s*(the\s+)?(given|rewritten|created)\s+prompt\s*#|\b(the\s+)?(given|rewritten|created)\s+prompt\b"
    r"|#\s*(the\s+)?(given|rewritten)\s+(instruction|response)\s*#|\b(given|rewritten)\s+response\b"
    r"|\brewritten\s+(version|instruction)\b",
    re.IGNORECASE,
)


def check_information_gain(evolved: str, parent: str, what: str = "instruction") -> CheckResult:
    if normalize(evolved) == normalize(parent) or fuzz.token_sort_ratio(normalize(evolved), normalize(parent)) >= SAME_INSTRUCTION_RATIO:
        return fail("information_gain", f"the evolved {what} is the same as its parent")
    if not set(stems(evolved)) - set(stems(parent)):
        return fail("information_gain", f"the evolved {what} adds no new content word to its parent")
    return ok("information_gain")


def check_answer_substantive(answer: str, error: str | None = None) -> CheckResult:
    refusal = check_not_refusal(answer, True, error)
    if not refusal.passed:
        return fail("answer_substantive", refusal.detail)
    count = len(words(answer))
    if count < APOLOGY_WORDS and re.search(r"\bsorry\b", answer, re.IGNORECASE):
        return fail("answer_substantive", f"a short answer ({count} words) that apologises")
    if count < MIN_ANSWER_WORDS:
        return fail("answer_substantive", f"the answer is too short ({count} words)")
    return ok("answer_substantive")


def check_answer_has_content(answer: str) -> CheckResult:
    content = [w for w in words(answer) if w not in STOPWORDS]
    if not content:
        return fail("answer_has_content", "the answer is only punctuation and stop words")
    return ok("answer_has_content")


def check_arithmetic_holds(answer: str, instruction: str = "") -> CheckResult:
    """Every calculation the answer writes out as an equation ("12 × 4 = 48") holds: with no
    source to check its numbers against, its own arithmetic is what can be checked. A
    calculation the instruction states itself (a puzzle's "2 + 5 = 12") is the instruction's."""
    given = {w.text for w in worked_calculations(instruction)}
    for worked in worked_calculations(answer):
        if worked.claimed and worked.computed is not None and not worked.holds and worked.text not in given:
            return fail("arithmetic_holds", f"{worked.text!r} does not hold (it is {worked.computed:,.6g})")
    return ok("arithmetic_holds")


def check_no_rewriter_wording(instruction: str) -> CheckResult:
    match = _REWRITER_WORDING.search(instruction)
    if match:
        return fail("no_rewriter_wording", f"the instruction copies the rewriter's wording: {match.group()!r}")
    return ok("no_rewriter_wording")


def check_instruction_usable(instruction: str, error: str | None) -> CheckResult:
    if error:
        return fail("instruction_usable", f"the writer gave no usable instruction ({error})")
    if len(words(instruction)) < 3:
        return fail("instruction_usable", f"the instruction is too short: {instruction[:60]!r}")
    return ok("instruction_usable")


def check_covers_concepts(instruction: str, concepts: list[str]) -> CheckResult:
    """A homework question must be about its session: it names at least one key concept
    (by a content word of it), or it is off topic however good it is."""
    wanted = {s for concept in concepts for s in stems(concept)}
    if wanted and not wanted & set(stems(instruction)):
        return fail("covers_concepts", f"the question names none of its key concepts ({', '.join(concepts)[:100]})")
    return ok("covers_concepts")


def check_not_near_duplicate(instruction: str, registry: NearDuplicateIndex | RougeLIndex,
                             own_prefix: str | None = None) -> CheckResult:
    return near_duplicate_result(registry.find(instruction, ignore_prefix=own_prefix), registry)


def near_duplicate_result(match: Match | None, registry: NearDuplicateIndex | RougeLIndex) -> CheckResult:
    if match is not None:
        return fail("not_near_duplicate",
                     f"{registry.measure} {match.similarity:.2f} with an accepted instruction: {match.text[:80]!r}",
                     round(match.similarity, 3))
    return ok("not_near_duplicate")


def _renamed(result: CheckResult, name: str) -> CheckResult:
    return result.model_copy(update={"name": name})


def _when(present, decide):
    return lambda c: decide(c) if present(c) else None


INSTRUCTION_CHECKS = CheckSet("instruction", (
    Check("instruction_usable", "the writer gave no usable instruction, or one under 3 words",
          lambda c: check_instruction_usable(c.question, c.question_error)),
    Check("covers_concepts", "GLAN: the question names none of its session's key concepts",
          _when(lambda c: c.concepts, lambda c: check_covers_concepts(c.question, c.concepts))),
    Check("information_gain", "an evolution identical to its parent, or adding no new content word",
          _when(lambda c: c.parent is not None, lambda c: check_information_gain(c.question, c.parent))),
    Check("no_rewriter_wording", 'an instruction that copies the rewriter\'s scaffolding (`#Rewritten Prompt#`, '
          '"given prompt", …)', _when(lambda c: c.parent is not None, lambda c: check_no_rewriter_wording(c.question))),
    Check("information_gain", "an evolved response identical to its parent, or adding no new content word",
          _when(lambda c: c.parent_response is not None,
                lambda c: check_information_gain(c.answer, c.parent_response, "response"))),
    Check("no_rewriter_wording", "an evolved response that copies the rewriter's scaffolding",
          _when(lambda c: c.parent_response is not None, lambda c: check_no_rewriter_wording(c.answer))),
    # No instruction, no answer: instruction_usable alone gives the reason, not three checks.
    Check("answer_substantive", f'an answer that refuses or apologises (short and "sorry", as in the paper) or has '
          f"under {MIN_ANSWER_WORDS} words", _when(lambda c: not c.question_error,
                                                   lambda c: check_answer_substantive(c.answer, c.answer_error))),
    Check("answer_has_content", "an answer of only punctuation and stop words",
          _when(lambda c: not c.question_error, lambda c: check_answer_has_content(c.answer))),
    # With content in the message (AgentInstruct), quoting the content is answering: only
    # restating the task is not.
    Check("adds_information", "an answer that only restates the instruction",
          lambda c: check_adds_information(c.task or c.question, c.answer)),
    Check("not_truncated", "a cut-off answer", lambda c: check_not_truncated(c.answer, c.finish_reason)),
    # Without documents, nothing else vouches for a number; a calculation written out can be redone.
    Check("arithmetic_holds", "no source: a calculation the answer writes out (12 × 4 = 48) does not hold",
          _when(lambda c: not c.source and not c.question_error,
                lambda c: check_arithmetic_holds(c.answer, c.question))),
    Check("language", "the instruction or answer is in another language than the run's",
          lambda c: check_language(c.question, c.answer, c.language)),
    Check("not_near_duplicate", "a near-copy (word-trigram Jaccard ≥ 0.5, or ROUGE-L ≥ 0.7 for Self-Instruct) of "
          "an instruction accepted elsewhere in the run",
          lambda c: check_not_near_duplicate(c.question, c.registry, c.own_prefix)),
    # AgentInstruct: the transformed content is the record's context, so it may not change the
    # passage's numbers ("150 minutes" becoming "15") any more than an answer may.
    Check("content_grounded", "AgentInstruct: the transformed content states a number its passage does not",
          _when(lambda c: c.extra.get("passage") and c.extra.get("content"),
                lambda c: _renamed(check_numbers_grounded(c.extra["content"], c.extra["passage"]),
                                   "content_grounded"))),
    # Written from documents: no number or named term the references lack.
    Check("numbers_grounded", "seeds made from documents: a number their source does not contain (one worked out with its "
          "arithmetic shown, from the source's or the instruction's numbers, counts when the arithmetic holds)",
          _when(lambda c: c.source, lambda c: check_numbers_grounded(c.answer, c.source, c.question))),
    Check("terms_grounded", "seeds made from documents: a named term (or a colour) their source does not contain",
          _when(lambda c: c.source, lambda c: check_terms_grounded(c.answer, c.source))),
))


def instruction_checks(
    *, instruction: str, answer: str, language: str, registry: NearDuplicateIndex | RougeLIndex, parent: str | None = None,
    instruction_error: str | None = None, answer_error: str | None = None, finish_reason: str | None = None,
    source: str | None = None, own_prefix: str | None = None, concepts: list[str] | None = None,
    parent_response: str | None = None, task: str | None = None, only: list[str] | None = None,
    content: str | None = None, passage: str | None = None,
) -> list[CheckResult]:
    """Every check, elimination rules first (the first failure names the rule). `parent` is
    the instruction an evolved instruction came from; `parent_response` the response an
    evolved response came from (EvolQuality); `task` the task part of a message that also
    carries its content."""
    return INSTRUCTION_CHECKS.run(Candidate(
        question=instruction, answer=answer, language=language, registry=registry, parent=parent,
        question_error=instruction_error, answer_error=answer_error, finish_reason=finish_reason, source=source,
        own_prefix=own_prefix, concepts=concepts, parent_response=parent_response, task=task,
        extra={"content": content, "passage": passage}), only)
