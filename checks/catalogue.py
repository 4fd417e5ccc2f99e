"""Every named check, by data family: what the critic roles run, what team specs may choose
from, what the README's tables list and how the report names a rejection reason."""

from __future__ import annotations

from collections import Counter

from .base import Check, CheckSet
from .custom import CUSTOM_CHECKS
from .dialogue import DIALOGUE_CHECKS, SUPPORT_TURN_CHECKS
from .instruction import INSTRUCTION_CHECKS
from .qa import QA_CHECKS

CHECK_SETS: dict[str, CheckSet] = {s.family: s for s in (
    QA_CHECKS, INSTRUCTION_CHECKS, SUPPORT_TURN_CHECKS, DIALOGUE_CHECKS, CUSTOM_CHECKS)}

# Which sets a critic role of each family runs (a dialogue critic runs two).
FAMILY_SETS = {"qa": ("qa",), "instruction": ("instruction",), "dialogue": ("support_turn", "dialogue"),
               "custom": ("custom",)}

# Rejection reasons that no deterministic check gives: the critic model's objection (and
# Evol-Instruct's rule for it), a critic model with no usable verdict, a custom flow's agent
# with no usable reply and its `accept_when`, the dataset gate's rules, and the preference
# scenario's pair rules.
OTHER_RULES = ("critic model objection", "critic_model", "critic_unavailable", "unusable_reply", "accept_when",
               "holdout_leak", "duplicate", "unrated", "tie", "low_margin", "low_chosen")


def check_names(family: str | None = None) -> list[str]:
    """The check names of one family (all families when None), each once, in order."""
    sets = [CHECK_SETS[name] for name in FAMILY_SETS[family]] if family else list(CHECK_SETS.values())
    return list(dict.fromkeys(name for s in sets for name in s.names))


def chosen_checks(names: list[str] | None, family: str) -> list[str] | None:
    """What a team spec's `checks:` asks for: the names listed, or with every name written
    `-name`, all of the family's checks but those. None: all of them."""
    if names is None:
        return None
    dropped = {n[1:] for n in names if n.startswith("-")}
    if dropped and len(dropped) == len(names):
        return [n for n in check_names(family) if n not in dropped]
    return [n for n in names if not n.startswith("-")]


def checks_of(family: str) -> list[Check]:
    """One check per name (the first description), for the docs."""
    seen: dict[str, Check] = {}
    for set_name in FAMILY_SETS[family]:
        for check in CHECK_SETS[set_name].checks:
            seen.setdefault(check.name, check)
    return list(seen.values())


def markdown_table(family: str) -> str:
    rows = ["| check | fails when |", "| --- | --- |"]
    rows += [f"| `{c.name}` | {c.rejects} |" for c in checks_of(family)]
    return "\n".join(rows)


def reason_rule(reason: str) -> str:
    """The check (or other rule) a rejection reason names: "numbers_grounded: 7 kg …" and
    "turn 2: terms_grounded: …" name a check; "critic model: …" the critic model."""
    head, _, rest = reason.partition(":")
    head = head.strip()
    if head.startswith("turn ") and rest:
        head = rest.partition(":")[0].strip()
    if head.startswith("critic model"):
        return "critic model objection"
    if head in _ALL_NAMES or head in OTHER_RULES:
        return head
    return "other"


def rejection_rules(records) -> dict[str, int]:
    """How many rejected records each rule (check or other rule) turned down, most first."""
    counts = Counter(reason_rule(r) for record in records for r in record.get("reasons", []) or ["(none given)"])
    return dict(counts.most_common())


_ALL_NAMES = frozenset(check_names())
