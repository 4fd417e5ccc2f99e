"""evolve_instruct: WizardLM's Evol-Instruct over seed instructions, for several rounds.

One work item is one seed's lineage: round after round the evolver rewrites the current
pool member, the answerer answers it, and the critic applies the paper's elimination
rules plus its own checks. A survivor becomes a record and the next round's parent; an
eliminated evolution becomes a rejected record (with the rule that removed it) and its
parent goes back to the pool. Records keep their lineage: root seed, parent, round,
operation. Seeds made from documents (this project's data.jsonl) are answered from their
source documents when those files are still there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient

from ..agents.context import TrustPolicy
from ..agents.evolver import OPERATIONS, evolved_id
from ..agents.instructions import InstructionContext, JudgedInstruction
from ..agents.metering import UsageLedger, models_label
from ..errors import InputError
from ..teams.instruction import run_for_verdicts
from ..tools.chunking import chunk_document
from ..tools.dedup import NearDuplicateIndex
from ..tools.documents import read_document
from ..tools.language import UNKNOWN, detect_language
from ..tools.lookup import DocumentIndex
from ..tools.seeds import Seed, read_seeds
from ..tools.writers import read_records
from .records import (
    BaseMetadata,
    ItemUsage,
    Record,
    instruction_critic_summary,
    instruction_messages,
    split_judged,
)
from .inputs import first_user_turn
from .runner import REJECTED, ItemResult, Plan, Scenario, SkippedInput, WorkItem


class EvolMetadata(BaseMetadata):
    root_id: str  # the seed this lineage started from
    parent_id: str  # the seed or the earlier survivor this was evolved from
    round: int  # 1 = evolved from the seed
    operation: str  # one of agents.evolver.OPERATIONS
    eliminated_by: str | None = None  # the rule that eliminated a rejected evolution
    source_file: str | None = None
    consulted_chunks: list[str] = []
    seed_format: str
    seed_extra: dict[str, Any] = {}


@dataclass
class EvolveOptions:
    input: Path
    rounds: int = 3
    language: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one
    bounded: bool = False


class EvolveInstruct(Scenario):
    name = "evolve_instruct"
    shared_state = ("registry",)  # what items accepted so far, in any worker process

    def __init__(self, options: EvolveOptions) -> None:
        if options.rounds < 1:
            raise InputError("--rounds", "must be at least 1")
        self.options = options
        self.use_team(None, options.team_file)
        self.registry = NearDuplicateIndex()
        self.index: DocumentIndex | None = None
        self.grounded_sources: set[str] = set()
        self.seed_format = "unknown"

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"rounds": o.rounds, "language": o.language, "critic_trust": o.critic_trust, "bounded": o.bounded}

    def restore(self, accepted: list[dict]) -> None:
        for record in accepted:
            self.registry.add(f"{record['metadata']['item_id']}:{record['id']}", first_user_turn(record))

    def plan(self) -> Plan:
        self.seed_format, seeds, bad_lines = read_seeds(self.options.input)
        skipped = [SkippedInput(path=where, reason=why) for where, why in bad_lines]
        sources = sorted({s.source_file for s in seeds if s.source_file})
        chunks, grounded = [], []
        for source in sources:
            if not Path(source).is_file():
                skipped.append(SkippedInput(path=source, reason="source document of seeds not found; "
                                                                 "their evolutions are answered without it"))
                continue
            try:
                chunks += chunk_document(read_document(source))
                grounded.append(source)
            except InputError as exc:
                skipped.append(SkippedInput(path=source, reason=exc.cause))
        self.index = DocumentIndex(chunks) if chunks else None
        self.grounded_sources = {c.source for c in chunks}  # seeds whose documents could be read
        items = [WorkItem(item_id=seed.seed_id, label=seed.instruction[:60], payload=seed) for seed in seeds]
        return Plan(items=items, skipped=skipped, info={
            "input": str(self.options.input), "seed_format": self.seed_format, "seeds": len(seeds),
            "rounds": self.options.rounds, "team": self.team_name, "grounding_documents": grounded,
        })

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        seed: Seed = item.payload
        language = self.options.language or detect_language(seed.instruction)
        grounded = seed.source_file in self.grounded_sources
        context = InstructionContext(
            item_id=item.item_id, language=language, registry=self.registry,
            index=self.index if grounded else None, source_files=[seed.source_file] if grounded else [],
            bounded=self.options.bounded, critic_trust=self.options.critic_trust,
        )
        team = self.new_team(clients, context, {"seed_id": seed.seed_id, "seed_text": seed.instruction,
                                                "rounds": self.options.rounds})
        task = f"Evolve seed {seed.seed_id} for {self.options.rounds} rounds."
        verdicts = await run_for_verdicts(team, task, context)
        accepted, rejected = split_judged(
            verdicts.history, lambda judged: self._record(item, seed, judged, clients, usage, language, grounded))
        return ItemResult(accepted=accepted, rejected=rejected)

    def _record(self, item: WorkItem, seed: Seed, judged: JudgedInstruction, clients, usage: UsageLedger,
                language: str, grounded: bool) -> Record:
        instruction = judged.instruction
        metadata = EvolMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown", critic=instruction_critic_summary(judged),
            usage=ItemUsage.of(usage.total), root_id=seed.seed_id, parent_id=instruction.parent_id or seed.seed_id,
            round=instruction.round + 1, operation=instruction.operation or "",
            eliminated_by=judged.rule if judged.decision != "accept" else None,
            source_file=seed.source_file if grounded else None, consulted_chunks=judged.answer.consulted,
            seed_format=self.seed_format, seed_extra=seed.extra,
        )
        return Record(id=evolved_id(item.item_id, instruction.round),
                      messages=instruction_messages(seed.system, instruction.text, judged.answer.text), metadata=metadata)

    def report(self, out_dir: Path) -> dict[str, Any]:
        """How many evolutions each rule eliminated, and operations of survivors, over the whole output."""
        eliminated = Counter(r["metadata"].get("eliminated_by") or "unknown" for r in read_records(out_dir / REJECTED))
        survived = Counter(r["metadata"]["operation"] for r in read_records(out_dir / "data.jsonl"))
        return {"evolution": {
            "eliminated_by_rule": dict(eliminated.most_common()),
            "survivors_by_operation": {op: survived.get(op, 0) for op in OPERATIONS},
            "survivors_by_round": dict(sorted(Counter(
                str(r["metadata"]["round"]) for r in read_records(out_dir / "data.jsonl")).items())),
        }}
