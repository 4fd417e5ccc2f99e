"""magpie: instruction data the model writes from nothing (Magpie, Xu et al. 2024).

Needs a local GGUF model (the embedded default, or gguf:<path>) for the `user` role: the
model completes its own chat template's pre-query part, writing a user turn no one gave it;
the `assistant` role answers it (any model); the critic vets each turn. `--system TEXT`
steers the domain (it goes into the template's system turn), `--turns N` makes
multi-turn conversations, `--conversations N` sets how many.

One work item is one conversation, run by a GraphFlow: user → assistant → user (while
turns remain) → critic. A conversation is accepted only when every turn passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient

from ..agents.context import TrustPolicy
from ..agents.instructions import InstructionContext
from ..backends.metering import UsageLedger, models_label
from ..backends.models import ModelSpec
from ..errors import AgentsynthError, InputError
from ..teams.instruction import run_for_verdicts
from ..tools.dedup import NearDuplicateIndex
from .base import BuildContext, ItemResult, Plan, Scenario, ScenarioEntry, WorkItem, option, register
from .records import BaseMetadata, ChatMessage, CriticSummary, ItemUsage, Record


class MagpieMetadata(BaseMetadata):
    system: str | None
    turns: int
    failed_turns: list[int] = []
    turn_reasons: dict[str, list[str]] = {}


@dataclass
class MagpieOptions:
    conversations: int = 10
    turns: int = 1
    system: str | None = None
    language: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one


def require_local(spec: ModelSpec) -> None:
    """Magpie's pre-query trick needs raw completion; a chat API cannot give it."""
    if not spec.in_process:
        raise AgentsynthError(
            f"magpie: the 'user' role runs on {spec.label}, a chat API; it wraps every user turn in the chat "
            "template itself, so the model can never write the user turn. Use a local GGUF model for that role "
            "(--model local, or --role-model user=gguf:<path>); the assistant and critic may use any model")



class Magpie(Scenario):
    name = "magpie"
    shared_state = ("registry",)  # what items accepted so far, in any worker process

    def __init__(self, options: MagpieOptions) -> None:
        if options.conversations < 1:
            raise InputError("--conversations", "must be at least 1")
        if options.turns < 1:
            raise InputError("--turns", "must be at least 1")
        self.options = options
        self.use_team(None, options.team_file)
        self.registry = NearDuplicateIndex()

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"turns": o.turns, "system": o.system, "language": o.language, "critic_trust": o.critic_trust}

    def restore(self, accepted: list[dict]) -> None:
        for record in accepted:
            for i, m in enumerate(m for m in record["messages"] if m["role"] == "user"):
                self.registry.add(f"{record['id']}:{i}", m["content"])

    def plan(self) -> Plan:
        items = [WorkItem(item_id=f"c{n:05d}", label=f"conversation {n}", payload=n)
                 for n in range(1, self.options.conversations + 1)]
        return Plan(items=items, info={"team": self.team_name, "turns": self.options.turns, "system": self.options.system})

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        o = self.options
        context = InstructionContext(item_id=item.item_id, language=o.language or "unknown", registry=self.registry,
                                     critic_trust=o.critic_trust)
        label = models_label({"user": clients["user"]})
        team = self.new_team(clients, context, {
            "system": o.system, "seed": item.payload * 1000,
            "on_usage": lambda u: usage.add("user", label, u[0], cut_off=u[1] == "length"),
            "turns": o.turns, "follow_up_turns": o.turns - 1})
        verdicts = await run_for_verdicts(team, "Write a conversation.", context)
        judged = verdicts.judged
        failed = [j for j in judged if j.decision != "accept"]
        messages = [ChatMessage(role="system", content=o.system)] if o.system else []
        for j in judged:
            messages += [ChatMessage(role="user", content=j.instruction.text),
                         ChatMessage(role="assistant", content=j.answer.text)]
        reasons = [f"turn {j.instruction.slot + 1}: {r}" for j in failed for r in j.reasons]
        metadata = MagpieMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=context.language, usage=ItemUsage.of(usage.total), system=o.system, turns=len(judged),
            critic=CriticSummary(decision="reject" if failed else "accept", reasons=reasons, scores=None,
                                 model_decision=None, model_reason=None,
                                 model_overruled=any(j.llm_overruled for j in judged),
                                 failed_checks=sorted({c.name for j in judged for c in j.checks if not c.passed})),
            failed_turns=[j.instruction.slot + 1 for j in failed],
            turn_reasons={str(j.instruction.slot + 1): j.reasons for j in judged if j.reasons},
        )
        return ItemResult.one(Record(id=item.item_id, messages=messages, metadata=metadata), reasons)


# --- registration -------------------------------------------------------------------------

MAGPIE_OPTIONS = (
    option("--conversations", group="magpie", type=int, default=10, metavar="N",
           help="conversations to write (default: 10)"),
    option("--turns", group="magpie", type=int, default=1, metavar="N", help="user turns per conversation (default: 1)"),
    option("--system", group="magpie", metavar="TEXT",
           help="system prompt that steers the domain of what the model writes"),
)


def _from_args(ctx: BuildContext) -> Magpie:
    a = ctx.args
    require_local(ctx.role_spec("user"))
    return Magpie(MagpieOptions(conversations=a.conversations, turns=a.turns, system=a.system, language=a.language,
                                critic_trust=ctx.critic_trust, team_file=a.team_file))


ENTRY = register(ScenarioEntry(
    name="magpie", summary="Magpie: user turns from an aligned model's chat template alone", family="instruction",
    build=_from_args, teams={"magpie": "magpie.yaml"},
    params=("system", "seed", "on_usage", "turns", "follow_up_turns"), options=MAGPIE_OPTIONS,
))
