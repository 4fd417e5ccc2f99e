"""glan: GLAN (Li et al. 2024): a curriculum built by models, then homework questions
and answers for every class session.

Planning (saved as curriculum.json, reused by --resume; or `--curriculum FILE`, one written
or edited by hand in the same shape): disciplines (a file, or fields →
sub-fields → disciplines from the curriculum model) → subjects with level and subtopics →
a syllabus of class sessions with key concepts. One work item is one class session: the
homework writer writes one question per slot (a distinct combination of key concepts,
style and difficulty, so no prompt is sent twice), the answerer answers, the critic vets,
and near-duplicates of questions accepted anywhere in the run are removed.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from ..agents.context import LANGUAGE_NAMES, TrustPolicy
from ..agents.curriculum import CurriculumAgent, SubjectReply, sessions_from_subtopics
from ..agents.homework_writer import DIFFICULTIES, STYLES, QuestionSlot, Session
from ..agents.instructions import JudgedInstruction
from ..errors import AgentsynthError, InputError, StructuredOutputError
from ..tools.encoding import read_utf8
from ..tools.writers import read_records, write_json
from .base import (
    DATA,
    REJECTED,
    BuildContext,
    Plan,
    PlanContext,
    ScenarioEntry,
    SkippedInput,
    WorkItem,
    option,
    register,
)
from .instruction import InstructionScenario, eliminated_by
from .records import BaseMetadata

CURRICULUM = "curriculum.json"
TAXONOMY_SIZE = (2, 2, 2)  # fields, sub-fields per field, disciplines per sub-field
DEFAULT_TAXONOMY_DOMAIN = "human knowledge and skills"


class GlanMetadata(BaseMetadata):
    discipline: str
    subject: str
    level: int
    subtopics: list[str]
    session: str
    key_concepts: list[str]
    question_style: str
    difficulty: str
    eliminated_by: str | None = None


@dataclass
class GlanOptions:
    disciplines: Path | None = None
    curriculum: Path | None = None  # a curriculum.json to use instead of planning one
    generate_taxonomy: bool = False
    domain: str | None = None  # root of a generated taxonomy
    subjects_per_discipline: int = 2
    sessions_per_subject: int = 2
    questions_per_session: int = 2
    language: str = "en"
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one
    bounded: bool = False


def read_disciplines(path: Path) -> list[str]:
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "is not a file")
    names = [line.strip() for line in read_utf8(path, "disciplines file").splitlines()]
    names = list(dict.fromkeys(n for n in names if n and not n.startswith("#")))
    if not names:
        raise InputError(path, "no disciplines (expected one per line)")
    return names


class _Session(BaseModel):
    title: str
    key_concepts: list[str] = Field(min_length=2)


class _Subject(BaseModel):
    name: str
    level: int
    subtopics: list[str] = []
    sessions: list[_Session] = Field(min_length=1)


class _Discipline(BaseModel):
    name: str
    subjects: list[_Subject] = Field(min_length=1)


class Curriculum(BaseModel):
    """curriculum.json: what planning saves, and what --curriculum FILE takes (written or edited by hand)."""

    disciplines: list[_Discipline] = Field(min_length=1)
    skipped: list[dict[str, str]] = []
    fallbacks: list[dict[str, str]] = []  # subjects whose sessions were planned from their subtopics
    taxonomy: dict[str, Any] | None = None


def read_curriculum(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "is not a file")
    try:
        return Curriculum.model_validate_json(read_utf8(path, "curriculum")).model_dump()
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "file"
        raise InputError(path, f"{where}: {problem['msg']} (expected the shape of a run's curriculum.json)") from None


def plan_slots(item_id: str, concepts: list[str], count: int) -> list[QuestionSlot]:
    """`count` slots with distinct (concept combination, style) pairs: every combination
    once before any is reused, and a reused one gets another style. Shuffled by the item's
    id, so a rerun plans the same; difficulty rotates."""
    rng = random.Random(item_id)
    combos = [list(c) for size in (2, 3, 1) for c in itertools.combinations(concepts, size)]
    rng.shuffle(combos)
    styles = list(STYLES)
    rng.shuffle(styles)
    start = rng.randrange(len(DIFFICULTIES))
    slots = []
    for i in range(min(count, len(combos) * len(styles))):
        lap, c = divmod(i, len(combos))
        slots.append(QuestionSlot(concepts=combos[c], style=styles[(c + lap) % len(styles)],
                                  difficulty=DIFFICULTIES[(start + i) % len(DIFFICULTIES)]))
    return slots


class Glan(InstructionScenario):
    name = "glan"
    metadata_class = GlanMetadata
    planning_roles = ("curriculum",)

    def __init__(self, options: GlanOptions) -> None:
        for flag, value in (("--subjects-per-discipline", options.subjects_per_discipline),
                            ("--sessions-per-subject", options.sessions_per_subject),
                            ("--questions-per-session", options.questions_per_session)):
            if value < 1:
                raise InputError(flag, "must be at least 1")
        if options.disciplines is not None:
            read_disciplines(options.disciplines)  # a bad file is one line before any model is loaded
        if options.curriculum is not None:
            read_curriculum(options.curriculum)
        super().__init__(options)

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"subjects": o.subjects_per_discipline, "sessions": o.sessions_per_subject,
                "questions": o.questions_per_session, "language": o.language, "critic_trust": o.critic_trust,
                "bounded": o.bounded, "taxonomy": o.generate_taxonomy, "domain": o.domain,
                "curriculum": str(o.curriculum) if o.curriculum else None}

    async def aplan(self, context: PlanContext) -> Plan:
        saved = context.saved(CURRICULUM) or self.options.curriculum
        if saved is not None:
            curriculum = read_curriculum(saved)
        else:
            curriculum = await self._build_curriculum(context)
            if context.out_dir is not None:
                write_json(context.out_dir / CURRICULUM, curriculum)
        items, sessions = [], 0
        for d, discipline in enumerate(curriculum["disciplines"], 1):
            for s, subject in enumerate(discipline["subjects"], 1):
                for c, session in enumerate(subject["sessions"], 1):
                    item_id = f"d{d}.s{s}.c{c}"
                    work = Session(
                        discipline=discipline["name"], subject=subject["name"], level=subject["level"],
                        subtopics=subject["subtopics"], title=session["title"], key_concepts=session["key_concepts"],
                        slots=plan_slots(item_id, session["key_concepts"], self.options.questions_per_session),
                    )
                    items.append(WorkItem(item_id=item_id, label=f"{work.subject}: {work.title}", payload=work))
                    sessions += 1
        skipped = [SkippedInput(**s) for s in curriculum["skipped"]]
        if not items:
            raise InputError(CURRICULUM, "no class sessions could be planned ("
                             + "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3]) + ")")
        return Plan(items=items, skipped=skipped, info={
            "team": self.team_name, "taxonomy": curriculum.get("taxonomy"),
            "curriculum": {"disciplines": len(curriculum["disciplines"]),
                           "subjects": sum(len(d["subjects"]) for d in curriculum["disciplines"]),
                           "sessions": sessions, "question_slots": sessions * self.options.questions_per_session,
                           "planned_from_subtopics": curriculum.get("fallbacks", []), "file": CURRICULUM},
        })

    async def _build_curriculum(self, context: PlanContext) -> dict[str, Any]:
        o = self.options
        agent = CurriculumAgent(context.clients["curriculum"], language_name=LANGUAGE_NAMES.get(o.language, o.language))
        skipped: list[dict[str, str]] = []
        fallbacks: list[dict[str, str]] = []  # subjects planned without the model's syllabus
        taxonomy = None
        if o.generate_taxonomy:
            taxonomy = await self._taxonomy(agent, context, skipped)
            names = [d for field in taxonomy["fields"] for sub in field["sub_fields"] for d in sub["disciplines"]]
            names = list(dict.fromkeys(names))
        else:
            names = read_disciplines(o.disciplines)  # type: ignore[arg-type]
        gate = asyncio.Semaphore(context.concurrency)
        with context.progress("planning curriculum", len(names) * (1 + o.subjects_per_discipline)) as advance:
            async def plan_subject(discipline: str, subject: SubjectReply) -> dict[str, Any] | None:
                async with gate:
                    try:
                        sessions = await agent.syllabus(discipline, subject, o.sessions_per_subject)
                        degraded = None
                    except StructuredOutputError as exc:
                        sessions, degraded = [], f"no syllabus from the model ({exc.error})"
                    finally:
                        advance()
                if not sessions:
                    # Plan what can be planned: sessions made from the subject's subtopics.
                    sessions = sessions_from_subtopics(subject, o.sessions_per_subject)
                    degraded = degraded or "no class session with two distinct key concepts from the model"
                    if sessions:
                        fallbacks.append({"path": f"{discipline} / {subject.name}",
                                          "reason": f"{degraded}: sessions planned from its subtopics"})
                if not sessions:
                    skipped.append({"path": f"{discipline} / {subject.name}",
                                    "reason": f"{degraded}, and no subtopics"})
                    return None
                return {**subject.model_dump(), "sessions": [s.model_dump() for s in sessions]}

            async def plan_discipline(name: str) -> dict[str, Any]:
                async with gate:
                    try:
                        subjects = await agent.subjects(name, o.subjects_per_discipline)
                    except StructuredOutputError as exc:
                        skipped.append({"path": name, "reason": f"no subjects ({exc.error})"})
                        subjects = []
                    finally:
                        advance()
                planned = [s for s in await asyncio.gather(*(plan_subject(name, s) for s in subjects)) if s]
                if subjects and not planned:
                    skipped.append({"path": name, "reason": "no subject with a usable syllabus"})
                return {"name": name, "subjects": planned}

            disciplines = await asyncio.gather(*(plan_discipline(n) for n in names))
        return {"disciplines": [d for d in disciplines if d["subjects"]], "skipped": skipped, "fallbacks": fallbacks,
                "taxonomy": taxonomy}

    async def _taxonomy(self, agent: CurriculumAgent, context: PlanContext, skipped: list) -> dict[str, Any]:
        n_fields, n_sub, n_disc = TAXONOMY_SIZE
        domain = self.options.domain or DEFAULT_TAXONOMY_DOMAIN
        with context.progress("building taxonomy", 1 + n_fields * (1 + n_sub)) as advance:
            fields = await agent.fields(domain, n_fields)
            advance()
            tree = []
            for field_name in fields:
                try:
                    subs = await agent.sub_fields(field_name, n_sub)
                except StructuredOutputError as exc:
                    skipped.append({"path": field_name, "reason": f"no sub-fields ({exc.error})"})
                    continue
                finally:
                    advance()
                branch = []
                for sub in subs:
                    try:
                        branch.append({"name": sub, "disciplines": await agent.disciplines(field_name, sub, n_disc)})
                    except StructuredOutputError as exc:
                        skipped.append({"path": f"{field_name} / {sub}", "reason": f"no disciplines ({exc.error})"})
                    finally:
                        advance()
                tree.append({"name": field_name, "sub_fields": branch})
        return {"domain": domain, "fields": tree}

    def context_extras(self, item: WorkItem) -> dict[str, Any]:
        return {"domain": item.payload.discipline}

    def team_input(self, item: WorkItem) -> tuple[dict[str, Any], str]:
        session: Session = item.payload
        return {"session": session}, f"Write {len(session.slots)} homework questions for {item.label}."

    def record_id(self, item: WorkItem, judged: JudgedInstruction) -> str:
        return f"{item.item_id}-q{judged.instruction.slot + 1}"

    def metadata_fields(self, item: WorkItem, judged: JudgedInstruction) -> dict[str, Any]:
        session: Session = item.payload
        slot = session.slots[judged.instruction.slot]
        return dict(discipline=session.discipline, subject=session.subject, level=session.level,
                    subtopics=session.subtopics, session=session.title, key_concepts=slot.concepts,
                    question_style=slot.style, difficulty=slot.difficulty, eliminated_by=eliminated_by(judged))

    def report(self, out_dir: Path) -> dict[str, Any]:
        accepted = list(read_records(out_dir / DATA))
        rejected = list(read_records(out_dir / REJECTED))
        return {"glan": {
            "accepted_by_discipline": dict(Counter(r["metadata"]["discipline"] for r in accepted).most_common()),
            "accepted_by_style": dict(Counter(r["metadata"]["question_style"] for r in accepted).most_common()),
            "rejected_by_rule": dict(Counter(r["metadata"].get("eliminated_by") or "unknown" for r in rejected).most_common()),
        }}


# --- registration -------------------------------------------------------------------------

GLAN_GROUP = "glan"
GLAN_OPTIONS = (
    option("--disciplines", group=GLAN_GROUP, type=Path, metavar="FILE", help="disciplines, one per line"),
    option("--curriculum", group=GLAN_GROUP, type=Path, metavar="FILE",
           help="a curriculum.json (from a run, or edited by hand) instead of planning one"),
    option("--generate-taxonomy", group=GLAN_GROUP, action="store_true",
           help="have the curriculum model build fields → sub-fields → disciplines first"),
    option("--subjects-per-discipline", group=GLAN_GROUP, type=int, default=2, metavar="N", help="(default: 2)"),
    option("--sessions-per-subject", group=GLAN_GROUP, type=int, default=2, metavar="N", help="(default: 2)"),
    option("--questions-per-session", group=GLAN_GROUP, type=int, default=2, metavar="N", help="(default: 2)"),
)


def _from_args(ctx: BuildContext) -> Glan:
    a = ctx.args
    if not a.disciplines and not a.generate_taxonomy and not a.curriculum:
        raise AgentsynthError("--scenario glan needs --disciplines FILE, --generate-taxonomy or --curriculum FILE")
    return Glan(GlanOptions(
        disciplines=a.disciplines, curriculum=a.curriculum, generate_taxonomy=a.generate_taxonomy, domain=a.domain,
        subjects_per_discipline=a.subjects_per_discipline, sessions_per_subject=a.sessions_per_subject,
        questions_per_session=a.questions_per_session, language=a.language or "en", critic_trust=ctx.critic_trust,
        bounded=ctx.bounded, team_file=a.team_file))


ENTRY = register(ScenarioEntry(
    name="glan", summary="GLAN: taxonomy → syllabus → homework questions", family="instruction", build=_from_args,
    teams={"homework": "glan.yaml"}, params=("session",), options=GLAN_OPTIONS,
))
