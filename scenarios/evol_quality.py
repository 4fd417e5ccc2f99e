"""evol_quality: EvolQuality over an existing dataset's responses, for several rounds.

One work item is one seed (an instruction with its response, in any format
evolve_instruct reads). Round after round the evolver rewrites the current response with
one mutation and the critic applies the evolution rules to the response (it must add
something to its parent, must not leak the rewriter's wording, must stay a real answer)
and its model verdict. Survivors become records and the next round's parent; records keep
their lineage (root seed, parent, round, mutation).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_agentchat.messages import StructuredMessage

from ..agents.context import TrustPolicy
from ..agents.instructions import Instruction, InstructionsOutput, JudgedInstruction
from ..agents.response_evolver import MUTATIONS, evolved_response_id
from ..errors import InputError
from ..tools.language import detect_language
from ..tools.seeds import Seed, read_seeds
from ..tools.writers import read_records
from .base import DATA, REJECTED, Plan, ScenarioEntry, SkippedInput, WorkItem, register
from .evolve_instruct import ROUNDS
from .instruction import InstructionScenario, eliminated_by
from .records import BaseMetadata


class EvolQualityMetadata(BaseMetadata):
    root_id: str
    parent_id: str
    round: int
    mutation: str
    eliminated_by: str | None = None
    seed_format: str


@dataclass
class EvolQualityOptions:
    input: Path
    rounds: int = 3
    language: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one
    bounded: bool = False


class EvolQuality(InstructionScenario):
    name = "evol_quality"
    metadata_class = EvolQualityMetadata
    registry_class = None  # a lineage is judged on its own: responses may resemble other seeds' responses
    history = True  # every round's evolution is a record

    def __init__(self, options: EvolQualityOptions) -> None:
        if options.rounds < 1:
            raise InputError("--rounds", "must be at least 1")
        super().__init__(options)
        self.seed_format = "unknown"

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"rounds": o.rounds, "language": o.language, "critic_trust": o.critic_trust, "bounded": o.bounded}

    def plan(self) -> Plan:
        self.seed_format, seeds, bad_lines = read_seeds(self.options.input)
        skipped = [SkippedInput(path=w, reason=r) for w, r in bad_lines]
        usable = []
        for seed in seeds:
            if seed.response and seed.response.strip():
                usable.append(seed)
            else:
                skipped.append(SkippedInput(path=f"{self.options.input} id {seed.seed_id}",
                                            reason="no response to evolve (expected an output or assistant turn)"))
        if not usable:
            raise InputError(self.options.input, "no seed has a response to evolve (expected Alpaca `output`, or an "
                                                 "assistant turn in `messages`)")
        return Plan(items=[WorkItem(item_id=s.seed_id, label=s.instruction[:60], payload=s) for s in usable],
                    skipped=skipped, info={"input": str(self.options.input), "seed_format": self.seed_format,
                                           "rounds": self.options.rounds, "team": self.team_name})

    def language_of(self, item: WorkItem) -> str:
        seed: Seed = item.payload
        return self.options.language or detect_language(f"{seed.instruction}\n{seed.response}")

    def team_input(self, item: WorkItem) -> tuple[dict[str, Any], StructuredMessage]:
        seed: Seed = item.payload
        task = StructuredMessage[InstructionsOutput](
            content=InstructionsOutput(round=0, instructions=[Instruction(slot=0, text=seed.instruction)]), source="user")
        return {"seed_id": seed.seed_id, "response": seed.response or "", "rounds": self.options.rounds}, task

    def system_of(self, item: WorkItem) -> str | None:
        return item.payload.system

    def messages_of(self, item: WorkItem, judged: JudgedInstruction) -> tuple[str, str]:
        return item.payload.instruction, judged.answer.text  # the seed's instruction, the evolved response

    def record_id(self, item: WorkItem, judged: JudgedInstruction) -> str:
        return evolved_response_id(item.item_id, judged.answer.round)

    def metadata_fields(self, item: WorkItem, judged: JudgedInstruction) -> dict[str, Any]:
        seed: Seed = item.payload
        answer = judged.answer
        return dict(root_id=seed.seed_id, parent_id=answer.parent_id or seed.seed_id, round=answer.round + 1,
                    mutation=answer.operation or "", eliminated_by=eliminated_by(judged), seed_format=self.seed_format)

    def report(self, out_dir: Path) -> dict[str, Any]:
        eliminated = Counter(r["metadata"].get("eliminated_by") or "unknown" for r in read_records(out_dir / REJECTED))
        survived = Counter(r["metadata"]["mutation"] for r in read_records(out_dir / DATA))
        return {"evolution": {"eliminated_by_rule": dict(eliminated.most_common()),
                              "survivors_by_mutation": {m: survived.get(m, 0) for m in MUTATIONS}}}


# --- registration -------------------------------------------------------------------------

ENTRY = register(ScenarioEntry(
    name="evol_quality", summary="EvolQuality: evolve an existing dataset's responses", family="instruction",
    build=lambda ctx: EvolQuality(EvolQualityOptions(
        input=ctx.one_input("evol_quality", "dataset.jsonl (with responses)"), rounds=ctx.args.rounds,
        language=ctx.args.language, critic_trust=ctx.critic_trust, bounded=ctx.bounded,
        team_file=ctx.args.team_file)),
    teams={"response_evolution": "evol_quality.yaml"}, params=("seed_id", "response", "rounds"),
    task_types=(InstructionsOutput,), options=(ROUNDS,),
))
