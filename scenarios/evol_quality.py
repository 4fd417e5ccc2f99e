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
from autogen_core.models import ChatCompletionClient

from ..agents.context import TrustPolicy
from ..agents.instructions import Instruction, InstructionContext, InstructionsOutput, JudgedInstruction
from ..agents.metering import UsageLedger, models_label
from ..agents.response_evolver import MUTATIONS, evolved_response_id
from ..errors import InputError
from ..teams.instruction import run_for_verdicts
from ..tools.dedup import NearDuplicateIndex
from ..tools.language import UNKNOWN, detect_language
from ..tools.seeds import Seed, read_seeds
from ..tools.writers import read_records
from .records import BaseMetadata, ItemUsage, Record, instruction_critic_summary, instruction_messages, split_judged
from .runner import DATA, REJECTED, ItemResult, Plan, Scenario, SkippedInput, WorkItem


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


class EvolQuality(Scenario):
    name = "evol_quality"

    def __init__(self, options: EvolQualityOptions) -> None:
        if options.rounds < 1:
            raise InputError("--rounds", "must be at least 1")
        self.options = options
        self.use_team(None, options.team_file)
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

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        seed: Seed = item.payload
        language = self.options.language or detect_language(f"{seed.instruction}\n{seed.response}")
        context = InstructionContext(item_id=item.item_id, language=language, registry=NearDuplicateIndex(),
                                     bounded=self.options.bounded, critic_trust=self.options.critic_trust)
        team = self.new_team(clients, context, {"seed_id": seed.seed_id, "response": seed.response or "",
                                                "rounds": self.options.rounds})
        task = StructuredMessage[InstructionsOutput](
            content=InstructionsOutput(round=0, instructions=[Instruction(slot=0, text=seed.instruction)]), source="user")
        verdicts = await run_for_verdicts(team, task, context)
        accepted, rejected = split_judged(verdicts.history, lambda judged: self._record(item, seed, judged, clients,
                                                                                         usage, language))
        return ItemResult(accepted=accepted, rejected=rejected)

    def _record(self, item: WorkItem, seed: Seed, judged: JudgedInstruction, clients, usage: UsageLedger,
                language: str) -> Record:
        answer = judged.answer
        metadata = EvolQualityMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown", critic=instruction_critic_summary(judged),
            usage=ItemUsage.of(usage.total), root_id=seed.seed_id, parent_id=answer.parent_id or seed.seed_id,
            round=answer.round + 1, mutation=answer.operation or "",
            eliminated_by=judged.rule if judged.decision != "accept" else None, seed_format=self.seed_format,
        )
        return Record(id=evolved_response_id(item.item_id, answer.round),
                      messages=instruction_messages(seed.system, seed.instruction, answer.text), metadata=metadata)

    def report(self, out_dir: Path) -> dict[str, Any]:
        eliminated = Counter(r["metadata"].get("eliminated_by") or "unknown" for r in read_records(out_dir / REJECTED))
        survived = Counter(r["metadata"]["mutation"] for r in read_records(out_dir / DATA))
        return {"evolution": {"eliminated_by_rule": dict(eliminated.most_common()),
                              "survivors_by_mutation": {m: survived.get(m, 0) for m in MUTATIONS}}}
