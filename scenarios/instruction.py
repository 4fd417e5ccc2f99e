"""The base of the instruction-data scenarios (self_instruct, evolve_instruct, evol_quality,
glan, agentinstruct): one team per work item whose instruction critic judges what was
written; every judged instruction becomes a record, accepted or rejected.

A subclass says only what differs: how its items are planned (`plan`/`aplan`), what its
team is given (`team_input`), the work item's language and context, and its own metadata
fields (`metadata_fields`). The team run, the records, the seven common metadata fields,
the run-wide duplicate registry and its restore on resume are here.
"""

from __future__ import annotations

from typing import Any, ClassVar

from autogen_agentchat.messages import BaseChatMessage
from autogen_core.models import ChatCompletionClient

from ..agents.instructions import InstructionContext, InstructionVerdicts, JudgedInstruction
from ..backends.metering import UsageLedger, models_label
from ..teams.instruction import run_for_verdicts
from ..tools.dedup import NearDuplicateIndex
from ..tools.language import UNKNOWN
from .base import ItemResult, Scenario, WorkItem
from .inputs import first_user_turn
from .records import BaseMetadata, ItemUsage, Record, instruction_critic_summary, instruction_messages, split_judged


class InstructionScenario(Scenario):
    metadata_class: ClassVar[type[BaseMetadata]]
    # A run-wide registry of accepted instructions (near-copies are rejected), kept in the
    # main process when items run in workers; None: each item judges on its own.
    registry_class: ClassVar[type | None] = NearDuplicateIndex
    shared_state: ClassVar[tuple[str, ...]] = ("registry",)
    history: ClassVar[bool] = False  # records from every round's verdicts (evolutions), not only the last

    def __init__(self, options: Any, params: dict[str, Any] | None = None) -> None:
        self.options = options
        self.use_team(None, options.team_file, params)
        self.registry = self.registry_class() if self.registry_class else None
        if self.registry_class is None:
            self.shared_state = ()

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"language": o.language, "critic_trust": o.critic_trust, "bounded": o.bounded}

    def registry_key(self, record: dict) -> str:
        """The key an accepted record had in the registry (lineages use their own prefix)."""
        return record["id"]

    def restore(self, accepted: list[dict]) -> None:
        if self.registry is not None:
            for record in accepted:
                self.registry.add(self.registry_key(record), first_user_turn(record))

    # --- what a subclass says ---------------------------------------------------------------

    def language_of(self, item: WorkItem) -> str:
        return self.options.language or UNKNOWN

    def context_extras(self, item: WorkItem) -> dict[str, Any]:
        """More InstructionContext fields for this item (an index to ground in, a domain, ...)."""
        return {}

    def team_input(self, item: WorkItem) -> tuple[dict[str, Any], str | BaseChatMessage]:
        """The per-item values the team's spec uses, and the task that starts it."""
        raise NotImplementedError

    def metadata_fields(self, item: WorkItem, judged: JudgedInstruction) -> dict[str, Any]:
        """The scenario's own metadata fields for one judged instruction."""
        raise NotImplementedError

    def record_id(self, item: WorkItem, judged: JudgedInstruction) -> str:
        return f"{item.item_id}-i{judged.instruction.slot + 1}"

    def system_of(self, item: WorkItem) -> str | None:
        return None

    def messages_of(self, item: WorkItem, judged: JudgedInstruction) -> tuple[str, str]:
        """(user turn, assistant turn) of the record."""
        return judged.instruction.text, judged.answer.text

    # --- the shared part ---------------------------------------------------------------------

    def context_for(self, item: WorkItem, language: str) -> InstructionContext:
        o = self.options
        registry = self.registry if self.registry is not None else NearDuplicateIndex()
        return InstructionContext(item_id=item.item_id, language=language, registry=registry, bounded=o.bounded,
                                  critic_trust=o.critic_trust, **self.context_extras(item))

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        language = self.language_of(item)
        context = self.context_for(item, language)
        params, task = self.team_input(item)
        verdicts = await run_for_verdicts(self.new_team(clients, context, params), task, context)
        accepted, rejected = split_judged(self.judged_of(verdicts),
                                          lambda judged: self.record(item, judged, clients, usage, language))
        return ItemResult(accepted=accepted, rejected=rejected)

    def judged_of(self, verdicts: InstructionVerdicts) -> list[JudgedInstruction]:
        return verdicts.history if self.history else verdicts.judged

    def record(self, item: WorkItem, judged: JudgedInstruction, clients: dict[str, ChatCompletionClient],
               usage: UsageLedger, language: str) -> Record:
        metadata = self.metadata_class(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown", critic=instruction_critic_summary(judged),
            usage=ItemUsage.of(usage.total), **self.metadata_fields(item, judged),
        )
        user, assistant = self.messages_of(item, judged)
        return Record(id=self.record_id(item, judged), messages=instruction_messages(self.system_of(item), user,
                                                                                      assistant), metadata=metadata)


def eliminated_by(judged: JudgedInstruction) -> str | None:
    """The rule that eliminated a rejected instruction (None when it was accepted)."""
    return judged.rule if judged.decision != "accept" else None
