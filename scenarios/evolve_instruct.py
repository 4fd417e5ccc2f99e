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

from ..agents.context import TrustPolicy
from ..agents.evolver import OPERATIONS, evolved_id
from ..agents.instructions import JudgedInstruction
from ..errors import InputError
from ..tools.chunking import chunk_document
from ..tools.language import detect_language
from ..tools.lookup import DocumentIndex
from ..tools.reading import read_document
from ..tools.seeds import Seed, read_seeds
from ..tools.writers import read_records
from .base import REJECTED, Plan, ScenarioEntry, SkippedInput, WorkItem, option, register
from .instruction import InstructionScenario, eliminated_by
from .records import BaseMetadata


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


class EvolveInstruct(InstructionScenario):
    name = "evolve_instruct"
    metadata_class = EvolMetadata
    history = True  # every round's evolution is a record

    def __init__(self, options: EvolveOptions) -> None:
        if options.rounds < 1:
            raise InputError("--rounds", "must be at least 1")
        super().__init__(options)
        self.index: DocumentIndex | None = None
        self.grounded_sources: set[str] = set()
        self.seed_format = "unknown"

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"rounds": o.rounds, "language": o.language, "critic_trust": o.critic_trust, "bounded": o.bounded}

    def registry_key(self, record: dict) -> str:
        return f"{record['metadata']['item_id']}:{record['id']}"  # a lineage may resemble its ancestors

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

    def _grounded(self, item: WorkItem) -> bool:
        return item.payload.source_file in self.grounded_sources

    def language_of(self, item: WorkItem) -> str:
        return self.options.language or detect_language(item.payload.instruction)

    def context_extras(self, item: WorkItem) -> dict[str, Any]:
        grounded = self._grounded(item)
        return {"index": self.index if grounded else None,
                "source_files": [item.payload.source_file] if grounded else []}

    def team_input(self, item: WorkItem) -> tuple[dict[str, Any], str]:
        seed: Seed = item.payload
        return ({"seed_id": seed.seed_id, "seed_text": seed.instruction, "rounds": self.options.rounds},
                f"Evolve seed {seed.seed_id} for {self.options.rounds} rounds.")

    def system_of(self, item: WorkItem) -> str | None:
        return item.payload.system

    def record_id(self, item: WorkItem, judged: JudgedInstruction) -> str:
        return evolved_id(item.item_id, judged.instruction.round)

    def metadata_fields(self, item: WorkItem, judged: JudgedInstruction) -> dict[str, Any]:
        seed: Seed = item.payload
        instruction = judged.instruction
        return dict(root_id=seed.seed_id, parent_id=instruction.parent_id or seed.seed_id, round=instruction.round + 1,
                    operation=instruction.operation or "", eliminated_by=eliminated_by(judged),
                    source_file=seed.source_file if self._grounded(item) else None,
                    consulted_chunks=judged.answer.consulted, seed_format=self.seed_format, seed_extra=seed.extra)

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


# --- registration -------------------------------------------------------------------------

ROUNDS = option("--rounds", group="evolution (evolve_instruct, evol_quality)", type=int, default=3, metavar="N",
                help="evolution rounds; each evolves the survivors of the last (default: 3)")

ENTRY = register(ScenarioEntry(
    name="evolve_instruct", summary="WizardLM's Evol-Instruct over seed instructions", family="instruction",
    build=lambda ctx: EvolveInstruct(EvolveOptions(
        input=ctx.one_input("evolve_instruct", "seeds.jsonl"), rounds=ctx.args.rounds, language=ctx.args.language,
        critic_trust=ctx.critic_trust, bounded=ctx.bounded, team_file=ctx.args.team_file)),
    teams={"evolution": "evolve_instruct.yaml"}, params=("seed_id", "seed_text", "rounds"), options=(ROUNDS,),
))
