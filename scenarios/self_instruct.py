"""self_instruct: user instructions generated from a context, filtered, answered, vetted.

Contexts are the chunks of `--input` documents (answers are then written from the
documents and checked against them) or, with `--application TEXT` alone, the description
of the application. One work item is one context: the writer drafts --instructions
queries, the answerer answers, the critic vets them and drops any whose ROUGE-L with an
instruction already accepted in the run reaches 0.7, as in the Self-Instruct paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient

from ..agents.context import TrustPolicy
from ..agents.instructions import InstructionContext, JudgedInstruction
from ..agents.metering import UsageLedger, models_label
from ..errors import InputError
from ..teams.instruction import run_for_verdicts
from ..tools.chunking import Chunk
from ..tools.dedup import RougeLIndex
from ..tools.language import UNKNOWN, detect_language
from ..tools.lookup import DocumentIndex
from .records import BaseMetadata, ItemUsage, Record, instruction_critic_summary, instruction_messages, split_judged
from .inputs import first_user_turn, read_chunks
from .runner import ItemResult, Plan, Scenario, WorkItem

DEFAULT_APPLICATION = "An AI assistant that answers questions and does tasks about the documents below."


class SelfInstructMetadata(BaseMetadata):
    application: str
    task_kind: str
    source_file: str | None = None
    chunk_id: str | None = None
    pages: list[int] = []
    consulted_chunks: list[str] = []
    eliminated_by: str | None = None


@dataclass
class SelfInstructOptions:
    inputs: list[Path]
    application: str | None = None
    instructions: int = 5
    language: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one
    bounded: bool = False


class SelfInstruct(Scenario):
    name = "self_instruct"
    shared_state = ("registry",)  # what items accepted so far, in any worker process

    def __init__(self, options: SelfInstructOptions) -> None:
        if options.instructions < 1:
            raise InputError("--instructions", "must be at least 1")
        if not options.inputs and not options.application:
            raise InputError("--input", "self_instruct needs documents (--input) or --application TEXT")
        self.options = options
        self.use_team(None, options.team_file)
        self.registry = RougeLIndex()
        self.index: DocumentIndex | None = None

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"application": o.application, "instructions": o.instructions, "language": o.language,
                "critic_trust": o.critic_trust, "bounded": o.bounded}

    def restore(self, accepted: list[dict]) -> None:
        for record in accepted:
            self.registry.add(record["id"], first_user_turn(record))

    def plan(self) -> Plan:
        chunks, skipped = read_chunks(self.options.inputs, "document")
        self.index = DocumentIndex(chunks) if chunks else None
        if chunks:
            items = [WorkItem(item_id=c.chunk_id, label=f"{Path(c.source).name} {c.locator}", payload=c) for c in chunks]
        else:
            items = [WorkItem(item_id="application", label="application", payload=None)]
        return Plan(items=items, skipped=skipped, info={"team": self.team_name, "contexts": len(items),
                                                        "application": self.application, "filter": "ROUGE-L < 0.7"})

    @property
    def application(self) -> str:
        return self.options.application or DEFAULT_APPLICATION

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        chunk: Chunk | None = item.payload
        material = f'From "{chunk.title}", {chunk.locator}:\n"""\n{chunk.text}\n"""' if chunk else "(no document)"
        language = self.options.language or detect_language(chunk.text if chunk else self.application)
        context = InstructionContext(
            item_id=item.item_id, language=language, registry=self.registry, index=self.index if chunk else None,
            source_files=[chunk.source] if chunk else [], bounded=self.options.bounded,
            critic_trust=self.options.critic_trust,
        )
        writer = {"application": self.application, "material": material, "count": self.options.instructions,
                  "offset": sum(map(ord, item.item_id))}
        verdicts = await run_for_verdicts(self.new_team(clients, context, {"writer": writer}),
                                          f"Write {self.options.instructions} user queries for {item.label}.", context)
        accepted, rejected = split_judged(verdicts.judged, lambda judged: self._record(item, chunk, judged, clients,
                                                                                        usage, language))
        return ItemResult(accepted=accepted, rejected=rejected)

    def _record(self, item: WorkItem, chunk: Chunk | None, judged: JudgedInstruction, clients, usage: UsageLedger,
                language: str) -> Record:
        metadata = SelfInstructMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown", critic=instruction_critic_summary(judged),
            usage=ItemUsage.of(usage.total), application=self.application,
            task_kind=judged.instruction.path.get("task_kind", ""), source_file=chunk.source if chunk else None,
            chunk_id=chunk.chunk_id if chunk else None, pages=chunk.pages if chunk else [],
            consulted_chunks=judged.answer.consulted, eliminated_by=judged.rule if judged.decision != "accept" else None,
        )
        return Record(id=f"{item.item_id}-i{judged.instruction.slot + 1}",
                      messages=instruction_messages(None, judged.instruction.text, judged.answer.text), metadata=metadata)
