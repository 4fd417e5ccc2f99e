"""agentinstruct: AgentInstruct's flows over document chunks, one skill at a time.

One work item is one chunk for one skill. A GraphFlow runs the flows in order: the content
transformer rewrites the chunk into a form suited to the skill, the seed writer drafts a
task of one of the skill's task types, `--refinements` suggester → editor pairs make it
harder or more precise, the answerer answers from the transformed content, the critic
vets. Transformation and task type rotate over the chunks, so every one is used.

Skills come from scenarios/data/agentinstruct_skills.yaml, merged with --skills-file.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel, Field, ValidationError

from ..agents.agentinstruct import (
    SkillPlan,
)
from ..agents.context import TrustPolicy
from ..agents.instructions import InstructionContext, JudgedInstruction
from ..agents.metering import UsageLedger, models_label
from ..errors import InputError
from ..teams.instruction import run_for_verdicts
from ..tools.chunking import Chunk
from ..tools.dedup import NearDuplicateIndex
from ..tools.language import UNKNOWN, detect_language
from .records import BaseMetadata, ItemUsage, Record, instruction_critic_summary, instruction_messages, split_judged
from .inputs import first_user_turn, read_chunks
from .runner import ItemResult, Plan, Scenario, WorkItem


class Skill(BaseModel):
    description: str = ""
    transformations: dict[str, str] = Field(min_length=1)  # name → how to transform
    task_types: dict[str, str] = Field(min_length=1)  # name → what kind of task


class AgentInstructMetadata(BaseMetadata):
    skill: str
    transformation: str
    task_type: str
    seed_task: str  # the task before refinement
    refinements: list[dict[str, str]]  # suggestion, before, after
    source_file: str
    chunk_id: str
    pages: list[int] = []
    eliminated_by: str | None = None


@dataclass
class AgentInstructOptions:
    inputs: list[Path]
    skills: list[str] | None = None  # None: every skill in the taxonomy
    skills_file: Path | None = None
    refinements: int = 1
    language: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one
    bounded: bool = False


def load_skills(extra: Path | None = None) -> dict[str, Skill]:
    """The shipped taxonomy, with a user's file merged over it (a skill there replaces ours)."""
    sources = [("scenarios/data/agentinstruct_skills.yaml",
                resources.files(__package__).joinpath("data", "agentinstruct_skills.yaml").read_text(encoding="utf-8"))]
    if extra is not None:
        if not extra.is_file():
            raise InputError(extra, "no such file")
        sources.append((str(extra), extra.read_text(encoding="utf-8")))
    skills: dict[str, Skill] = {}
    for where, text in sources:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(where, f"line {mark.line + 1}: invalid YAML" if mark else "invalid YAML") from None
        if not isinstance(data, dict):
            raise InputError(where, "expected skill names mapping to transformations and task_types")
        for name, body in data.items():
            try:
                skills[str(name)] = Skill.model_validate(body)
            except ValidationError as exc:
                problem = exc.errors()[0]
                field = ".".join(str(p) for p in problem["loc"])
                raise InputError(where, f"{name}.{field}: {problem['msg']}") from None
    return skills


class AgentInstruct(Scenario):
    name = "agentinstruct"
    shared_state = ("registry",)  # what items accepted so far, in any worker process

    def __init__(self, options: AgentInstructOptions) -> None:
        if options.refinements < 0:
            raise InputError("--refinements", "must be 0 or more")
        self.options = options
        self.use_team(None, options.team_file)
        taxonomy = load_skills(options.skills_file)
        wanted = options.skills or list(taxonomy)
        unknown = [s for s in wanted if s not in taxonomy]
        if unknown:
            raise InputError("--skills", f"unknown skill {unknown[0]!r} (known: {', '.join(taxonomy)})")
        self.skills = {s: taxonomy[s] for s in wanted}
        self.registry = NearDuplicateIndex()

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"skills": {k: v.model_dump() for k, v in self.skills.items()}, "refinements": o.refinements,
                "language": o.language, "critic_trust": o.critic_trust, "bounded": o.bounded}

    def restore(self, accepted: list[dict]) -> None:
        for record in accepted:
            self.registry.add(record["id"], first_user_turn(record))

    def plan(self) -> Plan:
        chunks, skipped = read_chunks(self.options.inputs, "document")
        items = []
        for n, chunk in enumerate(chunks):
            for name, skill in self.skills.items():
                transformation = list(skill.transformations)[n % len(skill.transformations)]
                task_type = list(skill.task_types)[n % len(skill.task_types)]
                plan = SkillPlan(skill=name, description=skill.description, transformation=transformation,
                                 transformation_text=skill.transformations[transformation], task_type=task_type,
                                 task_text=skill.task_types[task_type])
                items.append(WorkItem(item_id=f"{chunk.chunk_id}-{name}", label=f"{chunk.locator} {name}",
                                      payload=(chunk, plan)))
        return Plan(items=items, skipped=skipped, info={
            "team": self.team_name, "skills": list(self.skills), "refinements": self.options.refinements,
            "chunks": len(chunks)})

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        chunk, plan = item.payload
        o = self.options
        language = o.language or detect_language(chunk.text)
        context = InstructionContext(item_id=item.item_id, language=language, registry=self.registry,
                                     bounded=o.bounded, critic_trust=o.critic_trust, kin_prefix=f"{chunk.chunk_id}-")
        team = self.new_team(clients, context, {"plan": plan, "passage": chunk.text, "refinements": o.refinements,
                                                "more_refinements": max(o.refinements - 1, 0)})
        verdicts = await run_for_verdicts(team, f"Make a {plan.skill} task from {item.label}.", context)
        accepted, rejected = split_judged(verdicts.judged, lambda judged: self._record(item, chunk, plan, judged,
                                                                                        clients, usage, language))
        return ItemResult(accepted=accepted, rejected=rejected)

    def _record(self, item: WorkItem, chunk: Chunk, plan: SkillPlan, judged: JudgedInstruction, clients,
                usage: UsageLedger, language: str) -> Record:
        path = judged.instruction.path
        refinements = path.get("refinements", [])
        metadata = AgentInstructMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown", critic=instruction_critic_summary(judged),
            usage=ItemUsage.of(usage.total), skill=plan.skill, transformation=plan.transformation,
            task_type=plan.task_type, seed_task=refinements[0]["before"] if refinements else path.get("task", ""),
            refinements=refinements, source_file=chunk.source, chunk_id=chunk.chunk_id, pages=chunk.pages,
            eliminated_by=judged.rule if judged.decision != "accept" else None,
        )
        return Record(id=item.item_id, messages=instruction_messages(None, judged.instruction.text, judged.answer.text),
                      metadata=metadata)
