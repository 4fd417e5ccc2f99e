"""persona_qa: seed_from_pdf's team with the question writer conditioned on a persona,
so one document yields the questions a novice, an operator and an auditor would ask.

Planning reads and chunks the documents as seed_from_pdf does, then takes personas from
`--personas FILE`, or generates them (from passages spread over the documents, or from
`--audience TEXT`) and saves them as personas.jsonl in the output folder, a dataset of its
own that other scenarios take as input. One work item is one chunk for one persona;
records keep the persona.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient

from ..agents.persona_generator import PersonaGeneratorAgent
from ..backends.metering import UsageLedger
from ..errors import InputError
from ..tools.personas import Persona, read_personas
from ..tools.writers import rewrite_records
from .base import ItemResult, Plan, PlanContext, ScenarioEntry, WorkItem, option, register
from .seed_from_pdf import QA_OPTIONS, ChunkWork, SeedFromPdf, SeedOptions, document_qa_settings

PERSONAS = "personas.jsonl"
ATTEMPTS_PER_PERSONA = 3  # generation tries per wanted persona before settling for fewer


@dataclass
class PersonaOptions(SeedOptions):
    personas_file: Path | None = None
    persona_count: int = 3
    audience: str | None = None


async def generate_personas(context: PlanContext, plan: Plan, passages: list[tuple[str, str, str]], count: int,
                            audience: str | None) -> list[Persona]:
    """`count` distinct personas from passages (text, title, source id) spread over the
    documents, or from an audience description; what happened goes into the plan."""
    generator = PersonaGeneratorAgent(context.clients["persona_generator"])
    attempts = count * ATTEMPTS_PER_PERSONA
    with context.progress("generating personas", count) as advance:
        for attempt in range(attempts):
            if len(generator.personas) >= count:
                break
            if audience:
                persona = await generator.from_audience(audience, attempt)
            elif passages:
                # Passages spread evenly over the collection, a different one each try.
                text, title, source = passages[(attempt * len(passages) // count) % len(passages)]
                persona = await generator.from_text(text, title, source, attempt)
            else:
                break
            if persona is not None:
                advance()
    plan.info["persona_generation"] = {"wanted": count, "made": len(generator.personas),
                                       "duplicates_dropped": generator.dropped,
                                       "roles_from_angles": generator.from_angles,
                                       "invalid_replies": len(generator.failures)}
    if len(generator.personas) < count:
        plan.warnings.append(f"only {len(generator.personas)} of {count} personas could be generated "
                             f"({len(generator.dropped)} near-copies dropped, {len(generator.failures)} invalid "
                             "replies); pass --personas FILE or --audience TEXT")
    return generator.personas


class PersonaQA(SeedFromPdf):
    name = "persona_qa"
    planning_roles = ("vision", "persona_generator")

    def __init__(self, options: PersonaOptions) -> None:
        if options.persona_count < 1:
            raise InputError("--persona-count", "must be at least 1")
        super().__init__(options)
        self.options: PersonaOptions = options
        self.personas: list[Persona] = read_personas(options.personas_file) if options.personas_file else []

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {**super().fingerprint(), "persona_count": o.persona_count, "audience": o.audience,
                "personas_file": str(o.personas_file) if o.personas_file else None}

    async def astream_plan(self, context: PlanContext) -> Plan:
        return await self.aplan(context)  # personas are drawn from the whole corpus before any item

    async def aplan(self, context: PlanContext) -> Plan:
        plan = await super().aplan(context)
        plan.inputs = None  # its items (chunk x persona) say what the run is, personas included
        if not self.personas:
            saved = context.saved(PERSONAS)
            self.personas = read_personas(saved) if saved else await self._generate(plan, context)
        if not self.personas:
            raise InputError("--persona-count", "the persona generator produced no usable persona; "
                                                "pass --personas FILE or --audience TEXT")
        if context.out_dir is not None:
            rewrite_records(context.out_dir / PERSONAS, [p.model_dump() for p in self.personas])
        chunk_items = plan.items
        plan.items = [
            WorkItem(item_id=f"{item.item_id}~{persona.persona_id}", label=f"{item.label} · {persona.persona_id}",
                     payload=(item.payload, persona))
            for item in chunk_items for persona in self.personas
        ]
        plan.info["personas"] = {"count": len(self.personas), "file": PERSONAS,
                                 "roles": {p.persona_id: p.role for p in self.personas}}
        return plan

    async def _generate(self, plan: Plan, context: PlanContext) -> list[Persona]:
        works: list[ChunkWork] = [item.payload for item in plan.items]
        return await generate_personas(context, plan, [(w.chunk.text, w.chunk.title, w.chunk.chunk_id) for w in works],
                                       self.options.persona_count, self.options.audience)

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        work, persona = item.payload
        return await self.run_chunk(item, work, clients, usage, persona=persona)


# --- registration -------------------------------------------------------------------------

PERSONA_GROUP = "personas (persona_qa, customer_dialogue)"
PERSONA_OPTIONS = (
    option("--personas", group=PERSONA_GROUP, type=Path, metavar="FILE",
           help="personas.jsonl (from an earlier run, or written by hand) instead of generating them"),
    option("--persona-count", group=PERSONA_GROUP, type=int, default=3, metavar="N",
           help="personas to generate (default: 3)"),
    option("--audience", group=PERSONA_GROUP, metavar="TEXT",
           help="describe the domain and its readers to generate personas from this instead of from the documents"),
)

ENTRY = register(ScenarioEntry(
    name="persona_qa", summary="seed_from_pdf's team writing for one reader (persona) at a time", family="qa",
    build=lambda ctx: PersonaQA(PersonaOptions(
        **document_qa_settings(ctx), personas_file=ctx.args.personas, persona_count=ctx.args.persona_count,
        audience=ctx.args.audience)),
    teams={"graph": "seed_qa.graph.yaml", "round_robin": "seed_qa.round_robin.yaml"}, params=("max_revisions", "max_messages"),
    options=(*QA_OPTIONS, *PERSONA_OPTIONS),
))
