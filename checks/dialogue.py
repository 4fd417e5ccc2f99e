"""Deterministic checks on simulated support dialogues: per support turn (grounded in the
passages its lookup returned, citations among them, no promise the documents do not offer)
and per dialogue (every turn usable, no speaker repeating itself, ended resolved).

A turn is anything with `speaker`, `text`, `cited`, `shown`, `error` and `outcome`
(agents/dialogue.py's `Turn`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from ..tools.text import normalize
from .base import Check, CheckResult, CheckSet, fail, ok
from .qa import check_numbers_grounded, check_terms_grounded

REPEAT_SIMILARITY = 90  # rapidfuzz partial ratio at which a turn repeats an earlier one
_PROMISE = re.compile(
    r"\b(refund\w*|reimburs\w*|replac(e|ement)|free of charge|for free|discount\w*|voucher|compensat\w*|"
    r"warranty extension|extend (your|the) warranty|we will (send|ship|call|credit)|i will (send|ship|call|credit)|"
    r"call you back|escalat\w*)",
    re.IGNORECASE,
)


def check_no_invented_promise(text: str, source: str) -> CheckResult:
    for match in _PROMISE.finditer(text):
        word = match.group(0).lower().split()[0][:6]
        if word not in normalize(source):
            return fail("no_invented_promise", f"promises {match.group(0)!r}, which the documents do not offer")
    return ok("no_invented_promise")


def check_citations(turn: Any) -> CheckResult:
    stray = [c for c in turn.cited if c not in turn.shown]
    if stray:
        return fail("citations_shown", f"cites {stray}, which the lookup did not return")
    return ok("citations_shown")


def check_turns_usable(turns: list[Any]) -> CheckResult:
    broken = next((i + 1 for i, t in enumerate(turns) if t.error), None)
    if broken is not None:
        return fail("turns_usable", f"turn {broken}: the {turns[broken - 1].speaker} model gave no usable reply "
                                     f"({turns[broken - 1].error})")
    return ok("turns_usable")


def check_no_repetition(turns: list[Any]) -> CheckResult:
    """No turn repeats an earlier one, the speaker's own or the other side's (a small model
    playing the customer echoes support's last reply)."""
    for i, turn in enumerate(turns):
        for earlier in turns[:i]:
            if fuzz.partial_ratio(normalize(earlier.text), normalize(turn.text)) >= REPEAT_SIMILARITY \
                    and min(len(earlier.text), len(turn.text)) >= 20:
                whose = "itself" if earlier.speaker == turn.speaker else f"the {earlier.speaker}"
                return fail("no_repetition", f"the {turn.speaker} repeats {whose}: {turn.text[:60]!r}")
    return ok("no_repetition")


def check_resolved(turns: list[Any], max_turns: int) -> CheckResult:
    if not any(t.speaker == "support" for t in turns):
        return fail("resolved", "support never replied")
    last_customer = next((t for t in reversed(turns) if t.speaker == "customer"), None)
    if last_customer is None or last_customer.outcome != "resolved":
        outcome = last_customer.outcome if last_customer else "no customer turn"
        return fail("resolved", f"the customer did not end it resolved ({outcome}) within {max_turns} turns")
    if turns[-1].speaker != "customer":
        return fail("resolved", "the conversation does not end with the customer")
    return ok("resolved")


@dataclass
class SupportTurn:
    """One support turn and the passages its lookup returned."""

    turn: Any
    source: str
    said: str = ""  # what the customer wrote before it: support may use their name and their words


@dataclass
class Dialogue:
    turns: list[Any]
    max_turns: int


SUPPORT_TURN_CHECKS = CheckSet("support_turn", (
    Check("numbers_grounded", "a support turn states a number its looked-up passages do not contain",
          lambda c: check_numbers_grounded(c.turn.text, c.source)),
    Check("terms_grounded", "a support turn names a term (or a colour) neither its looked-up passages nor the "
          "customer's messages contain", lambda c: check_terms_grounded(c.turn.text, f"{c.source}\n{c.said}")),
    Check("citations_shown", "a support turn cites a passage its lookup did not return",
          lambda c: check_citations(c.turn)),
    Check("no_invented_promise", "a support turn promises a refund, replacement, discount, call-back, escalation … "
          "that the documents do not offer", lambda c: check_no_invented_promise(c.turn.text, c.source)),
))

DIALOGUE_CHECKS = CheckSet("dialogue", (
    Check("turns_usable", "a speaker's model gave no usable reply for a turn", lambda c: check_turns_usable(c.turns)),
    Check("no_repetition", f"a turn repeats an earlier one, the speaker's own or the other side's (similarity ≥ "
          f"{REPEAT_SIMILARITY})",
          lambda c: check_no_repetition(c.turns)),
    Check("resolved", "the customer did not end the dialogue resolved within the turn limit, support never replied, or "
          "support spoke last",
          lambda c: check_resolved(c.turns, c.max_turns)),
))
