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
from pydantic import BaseModel, Field, ValidationError

from ..agents.agentinstruct import (
    SkillPlan,
)
from ..agents.context import TrustPolicy
from ..agents.instructions import JudgedInstruction
from ..errors import InputError
from ..tools.encoding import read_utf8
from ..tools.yaml_bounds import load_bounded
from ..tools.language import detect_language
from .base import BuildContext, Plan, ScenarioEntry, WorkItem, option, register
from .inputs import SAMPLE_PDF, read_chunks
from .instruction import InstructionScenario, eliminated_by
from .records import BaseMetadata


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
        sources.append((str(extra), read_utf8(extra, "skills file")))
    skills: dict[str, Skill] = {}
    for where, text in sources:
        try:
            data = load_bounded(text, where)[0] or {}
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


class AgentInstruct(InstructionScenario):
    name = "agentinstruct"
    metadata_class = AgentInstructMetadata

    def __init__(self, options: AgentInstructOptions) -> None:
        if options.refinements < 0:
            raise InputError("--refinements", "must be 0 or more")
        super().__init__(options)
        taxonomy = load_skills(options.skills_file)
        wanted = options.skills or list(taxonomy)
        unknown = [s for s in wanted if s not in taxonomy]
        if unknown:
            raise InputError("--skills", f"unknown skill {unknown[0]!r} (known: {', '.join(taxonomy)})")
        self.skills = {s: taxonomy[s] for s in wanted}

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"skills": {k: v.model_dump() for k, v in self.skills.items()}, "refinements": o.refinements,
                "language": o.language, "critic_trust": o.critic_trust, "bounded": o.bounded}

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

    def language_of(self, item: WorkItem) -> str:
        chunk, _ = item.payload
        return self.options.language or detect_language(chunk.text)

    def context_extras(self, item: WorkItem) -> dict[str, Any]:
        chunk, _ = item.payload
        return {"kin_prefix": f"{chunk.chunk_id}-"}  # the same chunk's other skills are kin, not copies

    def team_input(self, item: WorkItem) -> tuple[dict[str, Any], str]:
        chunk, plan = item.payload
        o = self.options
        return ({"plan": plan, "passage": chunk.text, "refinements": o.refinements,
                 "more_refinements": max(o.refinements - 1, 0)}, f"Make a {plan.skill} task from {item.label}.")

    def record_id(self, item: WorkItem, judged: JudgedInstruction) -> str:
        return item.item_id

    def metadata_fields(self, item: WorkItem, judged: JudgedInstruction) -> dict[str, Any]:
        chunk, plan = item.payload
        path = judged.instruction.path
        refinements = path.get("refinements", [])
        return dict(skill=plan.skill, transformation=plan.transformation, task_type=plan.task_type,
                    seed_task=refinements[0]["before"] if refinements else path.get("task", ""),
                    refinements=refinements, source_file=chunk.source, chunk_id=chunk.chunk_id, pages=chunk.pages,
                    eliminated_by=eliminated_by(judged))


# --- registration -------------------------------------------------------------------------

AGENTINSTRUCT_OPTIONS = (
    option("--skills", group="agentinstruct", metavar="A,B",
           help="skills to make data for (default: every skill in the taxonomy: reading_comprehension, "
                "text_modification, analytical_reasoning)"),
    option("--skills-file", group="agentinstruct", type=Path, metavar="YAML",
           help="your own skills, transformations and task types, merged over the shipped taxonomy"),
    option("--refinements", group="agentinstruct", type=int, default=1, metavar="N",
           help="suggester → editor rounds that make each task harder or more precise (default: 1)"),
)


def _from_args(ctx: BuildContext) -> AgentInstruct:
    a = ctx.args
    skills = [s.strip() for s in a.skills.split(",") if s.strip()] if a.skills else None
    return AgentInstruct(AgentInstructOptions(
        inputs=a.input or [SAMPLE_PDF], skills=skills, skills_file=a.skills_file, refinements=a.refinements,
        language=a.language, critic_trust=ctx.critic_trust, bounded=ctx.bounded, team_file=a.team_file))


ENTRY = register(ScenarioEntry(
    name="agentinstruct", summary="AgentInstruct: content transformation → task → refinement, per skill",
    family="instruction", build=_from_args, teams={"agentinstruct": "agentinstruct.yaml"},
    params=("plan", "passage", "refinements", "more_refinements"), options=AGENTINSTRUCT_OPTIONS,
))
