"""Deterministic checks for instruction data, including WizardLM's elimination rules
for Evol-Instruct (Xu et al. 2023, section 3.2): an evolution fails when

1. it adds no information over its parent instruction;
2. the answer is an apology or refusal, or too short to be an answer;
3. the answer is only punctuation and stop words;
4. the evolved instruction copies the rewriter's own wording ("#Rewritten Prompt#", ...).

The paper asks ChatGPT whether two instructions are "equal"; here rule 1 is decided on
the text (identical after normalising, or no new content word), so no model can wave a
copy through. Each check returns a `CheckResult` named after its rule.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ..tools.dedup import Match, NearDuplicateIndex, RougeLIndex
from ..tools.text import STOPWORDS, normalize, stems, words
from .critic_checks import (
    CheckResult,
    _fail,
    _ok,
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


def check_information_gain(evolved: str, parent: str) -> CheckResult:
    if normalize(evolved) == normalize(parent) or fuzz.token_sort_ratio(normalize(evolved), normalize(parent)) >= SAME_INSTRUCTION_RATIO:
        return _fail("information_gain", "the evolved instruction is the same as its parent")
    if not set(stems(evolved)) - set(stems(parent)):
        return _fail("information_gain", "the evolved instruction adds no new content word to its parent")
    return _ok("information_gain")


def check_answer_substantive(answer: str, error: str | None = None) -> CheckResult:
    refusal = check_not_refusal(answer, True, error)
    if not refusal.passed:
        return _fail("answer_substantive", refusal.detail)
    count = len(words(answer))
    if count < APOLOGY_WORDS and re.search(r"\bsorry\b", answer, re.IGNORECASE):
        return _fail("answer_substantive", f"a short answer ({count} words) that apologises")
    if count < MIN_ANSWER_WORDS:
        return _fail("answer_substantive", f"the answer is too short ({count} words)")
    return _ok("answer_substantive")


def check_answer_has_content(answer: str) -> CheckResult:
    content = [w for w in words(answer) if w not in STOPWORDS]
    if not content:
        return _fail("answer_has_content", "the answer is only punctuation and stop words")
    return _ok("answer_has_content")


def check_no_rewriter_wording(instruction: str) -> CheckResult:
    match = _REWRITER_WORDING.search(instruction)
    if match:
        return _fail("no_rewriter_wording", f"the instruction copies the rewriter's wording: {match.group()!r}")
    return _ok("no_rewriter_wording")


def check_instruction_usable(instruction: str, error: str | None) -> CheckResult:
    if error:
        return _fail("instruction_usable", f"the writer gave no usable instruction ({error})")
    if len(words(instruction)) < 3:
        return _fail("instruction_usable", f"the instruction is too short: {instruction[:60]!r}")
    return _ok("instruction_usable")


def check_covers_concepts(instruction: str, concepts: list[str]) -> CheckResult:
    """A homework question must be about its session: it names at least one key concept
    (by a content word of it), or it is off topic however good it is."""
    wanted = {s for concept in concepts for s in stems(concept)}
    if wanted and not wanted & set(stems(instruction)):
        return _fail("covers_concepts", f"the question names none of its key concepts ({', '.join(concepts)[:100]})")
    return _ok("covers_concepts")


def check_not_near_duplicate(instruction: str, registry: NearDuplicateIndex | RougeLIndex,
                             own_prefix: str | None = None) -> CheckResult:
    return near_duplicate_result(registry.find(instruction, ignore_prefix=own_prefix), registry)


def near_duplicate_result(match: Match | None, registry: NearDuplicateIndex | RougeLIndex) -> CheckResult:
    if match is not None:
        return _fail("not_near_duplicate",
                     f"{registry.measure} {match.similarity:.2f} with an accepted instruction: {match.text[:80]!r}",
                     round(match.similarity, 3))
    return _ok("not_near_duplicate")


def instruction_checks(
    *, instruction: str, answer: str, language: str, registry: NearDuplicateIndex | RougeLIndex, parent: str | None = None,
    instruction_error: str | None = None, answer_error: str | None = None, finish_reason: str | None = None,
    source: str | None = None, own_prefix: str | None = None, concepts: list[str] | None = None,
    parent_response: str | None = None, task: str | None = None,
) -> list[CheckResult]:
    """Every check, elimination rules first (the first failure names the rule). `parent` is
    the instruction an evolved instruction came from; `parent_response` the response an
    evolved response came from (EvolQuality); `task` the task part of a message that also
    carries its content."""
    checks = [check_instruction_usable(instruction, instruction_error)]
    if concepts:
        checks.append(check_covers_concepts(instruction, concepts))
    if parent is not None:
        checks += [check_information_gain(instruction, parent), check_no_rewriter_wording(instruction)]
    if parent_response is not None:
        checks += [check_information_gain(answer, parent_response), check_no_rewriter_wording(answer)]
    checks += [
        check_answer_substantive(answer, answer_error),
        check_answer_has_content(answer),
        # With content in the message (AgentInstruct), quoting the content is answering: only
        # restating the task is not.
        check_adds_information(task or instruction, answer),
        check_not_truncated(answer, finish_reason),
        check_language(instruction, answer, language),
        check_not_near_duplicate(instruction, registry, own_prefix),
    ]
    if source:  # written from documents: no number or named term the references lack
        checks += [check_numbers_grounded(answer, source), check_terms_grounded(answer, source)]
    return checks
