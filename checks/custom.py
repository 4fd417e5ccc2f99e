"""Checks on the records of custom flows (team specs with `record:`): the assistant turn is
substantive, whole and in the item's language, neither turn copies the prompt, and a
`grounded` record from document chunks rests on its chunk."""

from __future__ import annotations

from ..tools.text import normalize
from .base import Check, CheckResult, CheckSet, fail, ok
from .instruction import check_answer_substantive
from .qa import (
    check_content_supported,
    check_language,
    check_not_truncated,
    check_numbers_grounded,
    check_terms_grounded,
)


def check_not_prompt_echo(user: str, assistant: str, prompt: str) -> CheckResult:
    """Small models copy the examples in a prompt ("a question a customer would ask")."""
    prompt = normalize(prompt)
    for name, text in (("user", user), ("assistant", assistant)):
        core = normalize(text).strip(" .?!'\"")
        if core and core in prompt:
            return fail("not_prompt_echo", f"the {name} turn copies the prompt")
    return ok("not_prompt_echo")


def _grounded(decide):
    return lambda c: decide(c) if c.source is not None else None


CUSTOM_CHECKS = CheckSet("custom", (
    Check("answer_substantive", 'the assistant turn refuses, apologises (short and "sorry") or has under 5 words',
          lambda c: check_answer_substantive(c.answer)),
    Check("not_truncated", "the assistant turn ends mid-sentence or has unbalanced brackets",
          lambda c: check_not_truncated(c.answer, None)),
    Check("language", "a turn is in another language than the item's", lambda c: check_language(c.question, c.answer,
                                                                                                 c.language)),
    Check("not_prompt_echo", "a turn copies the prompt the writer was given", lambda c: check_not_prompt_echo(
        c.question, c.answer, c.prompt)),
    Check("numbers_grounded", "grounded records: a number the chunk does not contain (one worked out with its arithmetic shown counts "
          "when the arithmetic holds)",
          _grounded(lambda c: check_numbers_grounded(c.answer, c.source, c.question))),
    Check("terms_grounded", "grounded records: a named term (or a colour) the chunk does not contain",
          _grounded(lambda c: check_terms_grounded(c.answer, c.source))),
    Check("content_supported", "grounded records: a sentence whose content words are mostly not in the chunk",
          _grounded(lambda c: check_content_supported(c.answer, c.source))),
    Check("not_near_duplicate", "the user turn is a near-copy (word-trigram Jaccard ≥ 0.5) of a record accepted "
          "earlier in the run (checked as the record is accepted)"),
))
