"""seed_from_pdf: documents → chunks → one QA team per chunk → critic-vetted QA records.

Despite the lab's name it reads every supported kind (PDF, CSV, text, markdown, Word,
and folders of them): one scenario, one set of options, one output format. Figures and
image-only pages are described by the `vision` role's model before chunking, when that
model can see images.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_agentchat.messages import TextMessage
from autogen_core.models import ChatCompletionClient

from ..agents.context import QAContext, TrustPolicy, plan_question_types
from ..agents.figure_describer import FigureReport, can_see, describe_document
from ..agents.qa_messages import JudgedPair
from ..backends.metering import UsageLedger, models_label
from ..backends.tokens import CHARACTERS, DEFAULT_OVERLAP, DEFAULT_SIZE, ChunkMeasure
from ..errors import InputError
from ..teams.qa import final_verdict, max_messages, run_unwrapped
from ..tools.chunking import Chunk, chunk_document
from ..tools.dedup import QuestionRegistry
from ..tools.documents import Document, ReaderName
from ..tools.language import UNKNOWN, detect_language
from ..tools.lookup import DocumentIndex
from ..tools.personas import Persona
from ..tools.reading import IntakeOptions, find_inputs, input_signature, read_stream
from ..tools.text import normalize, plain
from .base import (
    BuildContext,
    ItemResult,
    Plan,
    PlanContext,
    Scenario,
    ScenarioEntry,
    SkippedInput,
    WorkItem,
    option,
    register,
)
from .inputs import SAMPLE_PDF
from .records import ItemUsage, RecordMetadata, critic_summary, restore_registry, sme_messages, split_records

LANGUAGE_SAMPLE_CHARS = 5000


@dataclass
class SeedOptions:
    inputs: list[Path]
    team: str = "graph"  # a built-in team (teams/specs/seed_qa.<team>.yaml) ...
    team_file: Path | None = None  # ... or the user's spec
    questions_per_chunk: int = 3
    max_revisions: int = 1
    language: str | None = None  # None: each document's own language
    domain: str | None = None  # None: each document's title
    chunk_size: int | None = None  # None: the measure's default (500 tokens or 2000 characters)
    chunk_overlap: int | None = None
    measure: ChunkMeasure = CHARACTERS  # tokens of the writer's model, or characters
    rows_per_chunk: int = 1  # CSV rows packed into one chunk
    reader: ReaderName = "pymupdf"
    critic_trust: TrustPolicy = "verify"
    answer_style: str = "free"

    @property
    def size(self) -> int:
        return self.chunk_size or DEFAULT_SIZE[self.measure.unit]

    @property
    def overlap(self) -> int:
        if self.chunk_overlap is not None:
            return self.chunk_overlap
        return min(DEFAULT_OVERLAP[self.measure.unit], self.size // 4)


@dataclass
class ChunkWork:
    chunk: Chunk
    language: str
    domain: str
    question_offset: int
    page_texts: dict[int, str]  # plain text of each of the chunk's pages, to locate evidence

    def evidence_pages(self, evidence: str | None) -> list[int]:
        """The chunk's pages on which the cited sentence occurs (a sentence may straddle two)."""
        if not evidence or self.chunk.unit != "page":
            return []
        wanted = normalize(evidence)
        pages = [n for n, text in self.page_texts.items() if wanted in text]
        if pages:
            return pages
        head, tail = wanted[:40], wanted[-40:]
        return [n for n, text in self.page_texts.items() if head in text or tail in text]


class SeedFromPdf(Scenario):
    uses_embeddings = True  # the QA critic's checks and duplicate registry
    name = "seed_from_pdf"
    shared_state = ("registry",)  # what items accepted so far, in any worker process
    planning_roles = ("vision",)

    def __init__(self, options: SeedOptions) -> None:
        if options.questions_per_chunk < 1:
            raise InputError("--questions-per-chunk", "must be at least 1")
        if options.max_revisions < 0:
            raise InputError("--max-revisions", "must be 0 or more")
        if options.size < 50 if options.measure.unit == "chars" else options.size < 16:
            raise InputError("--chunk-size", f"{options.size} {options.measure.unit} is too small for a passage")
        if not 0 <= options.overlap < options.size:
            raise InputError("--chunk-overlap", f"must be at least 0 and smaller than the chunk size ({options.size})")
        if options.rows_per_chunk < 1:
            raise InputError("--rows-per-chunk", "must be at least 1")
        self.options = options
        self.use_team(options.team, options.team_file)
        self.registry = QuestionRegistry()
        self.index: DocumentIndex | None = None

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {
            "team": self.team_name, "questions_per_chunk": o.questions_per_chunk, "max_revisions": o.max_revisions,
            "language": o.language, "domain": o.domain, "chunk_size": o.size, "chunk_overlap": o.overlap,
            "chunk_measure": o.measure.tokenizer, "rows_per_chunk": o.rows_per_chunk, "reader": o.reader,
            "critic_trust": o.critic_trust, "answer_style": o.answer_style,
        }

    def restore(self, accepted: list[dict]) -> None:
        restore_registry(self.registry, accepted)

    async def aplan(self, context: PlanContext) -> Plan:
        return await (await self._plan_while_reading(context)).complete()

    async def astream_plan(self, context: PlanContext) -> Plan:
        return await self._plan_while_reading(context)

    async def _plan_while_reading(self, context: PlanContext) -> Plan:
        """The first readable document's work items now, the others as they are read: items
        run while the rest of the corpus is still being read, and no more of it is held than
        the items waiting for a team."""
        o = self.options
        vision = context.clients.get("vision")
        intake = IntakeOptions(reader=o.reader, figures=vision is not None and can_see(vision))
        paths: list[Path] = []
        for given in o.inputs:
            paths.extend(find_inputs(given))  # a missing path is fatal: nothing sensible to run
        self.index = DocumentIndex()
        plan = Plan(items=[], inputs=input_signature(paths), info={
            "documents": [], "team": self.team_name,
            "figures": {"found": 0, "described": 0, "pages_described": 0, "not_described": 0},
            "chunking": {"unit": o.measure.unit, "measure": o.measure.tokenizer, "size": o.size, "overlap": o.overlap,
                         "rows_per_chunk": o.rows_per_chunk},
        })
        batches = self._document_items(paths, intake, context, plan)
        plan.items = await anext(batches)  # none readable: the InputError that says why, before any output
        plan.more = batches
        return plan

    async def _document_items(self, paths: list[Path], intake: IntakeOptions, context: PlanContext,
                              plan: Plan) -> AsyncIterator[list[WorkItem]]:
        """Each readable document's work items, in the order of `paths`; unreadable files are
        listed in `plan.skipped`, and each document's facts added to `plan.info`."""
        planned = 0
        async for path, read in read_stream(paths, intake):
            if isinstance(read, InputError):
                plan.skipped.append(SkippedInput(path=str(path), reason=read.cause))
                continue
            items = await self._chunk_items(read, context, plan, first_item=planned)
            planned += len(items)
            yield items
        if not plan.info["documents"]:
            if len(paths) == 1:
                raise InputError(paths[0], plan.skipped[0].reason)
            raise InputError(
                ", ".join(str(p) for p in self.options.inputs),
                "no readable document (" + "; ".join(f"{Path(s.path).name}: {s.reason}" for s in plan.skipped) + ")",
            )

    async def _chunk_items(self, doc: Document, context: PlanContext, plan: Plan, first_item: int) -> list[WorkItem]:
        """One document's figures described, its chunks indexed, its work items."""
        o = self.options
        language = o.language or _document_language(doc)
        doc, figures = await self._describe(doc, language, context)
        chunks = chunk_document(doc, size=o.size, overlap=o.overlap, measure=o.measure.count,
                                rows_per_chunk=o.rows_per_chunk)
        domain = o.domain or doc.title
        page_texts = {p.number: plain(p.markdown) for p in doc.pages}
        items = []
        for chunk in chunks:
            work = ChunkWork(
                chunk, language, domain, question_offset=(first_item + len(items)) * o.questions_per_chunk,
                page_texts={n: page_texts[n] for n in chunk.pages},
            )
            items.append(WorkItem(item_id=chunk.chunk_id, label=f"{Path(doc.path).name} {chunk.locator}", payload=work))
        assert self.index is not None
        self.index.add(chunks)
        info = {
            "path": doc.path, "doc_id": doc.doc_id, "title": doc.title, "reader": doc.reader, "unit": doc.unit,
            f"{doc.unit}s": len(doc.pages), "language": language, "chunks": len(chunks),
        }
        if doc.encoding:
            info["encoding"] = doc.encoding
        if doc.unit == "page":
            info.update({
                "page_triage": {str(p.number): p.kind for p in doc.pages}, "triage_counts": doc.triage,
                "pages_without_text": [p.number for p in doc.pages if p.kind == "empty"
                                       or (p.kind == "image" and p.number not in figures.described_pages)],
                "figures": figures.as_dict(),
            })
            if figures.not_described:
                plan.warnings.append(f"{doc.path}: {figures.not_described} image(s) not described: the model for role "
                                     "'vision' cannot see images (e.g. --role-model vision=openai:gpt-4o)")
            if figures.failed:
                plan.warnings.append(f"{doc.path}: {len(figures.failed)} figure(s) could not be described "
                                     f"({figures.failed[0]})")
        plan.info["documents"].append(info)
        for key in plan.info["figures"]:
            plan.info["figures"][key] += getattr(figures, key)
        return items

    async def _describe(self, doc: Document, language: str, context: PlanContext) -> tuple[Document, FigureReport]:
        """Figures → text, with a progress bar; without a vision model, count what is lost."""
        vision = context.clients.get("vision")
        seeing = vision is not None and can_see(vision)
        with context.progress(f"describing figures of {Path(doc.path).name}",
                              len(doc.figures) if seeing else 0) as advance:
            described, report = await describe_document(
                doc, vision if seeing else None, language=language, concurrency=context.concurrency, on_figure=advance,
            )
        if not seeing and doc.reader == "pymupdf":
            report.not_described = sum(p.images for p in doc.pages)  # not even located
        return described, report

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        return await self.run_chunk(item, item.payload, clients, usage)

    async def run_chunk(self, item: WorkItem, work: ChunkWork, clients: dict[str, ChatCompletionClient],
                        usage: UsageLedger, persona: Persona | None = None) -> ItemResult:
        """One QA team over one chunk; with a persona, the questions are that reader's."""
        chunk, o = work.chunk, self.options
        context = QAContext(
            item_id=item.item_id, passage=chunk.text, title=chunk.title, pages=chunk.pages, rows=chunk.rows,
            domain=work.domain,
            language=work.language, question_types=plan_question_types(o.questions_per_chunk, work.question_offset),
            max_revisions=o.max_revisions, registry=self.registry, critic_trust=o.critic_trust,
            # Lookups search this document and those read before it: the same passages whether the
            # documents after it were read yet or not (they are read while items run).
            index=self.index.through(chunk.doc_id) if self.index is not None else None,
            answer_style=o.answer_style, persona=persona.describe() if persona else "",
        )
        team = self.new_team(clients, context, {"max_revisions": o.max_revisions,
                                                "max_messages": max_messages(context) + 1})
        task = TextMessage(
            content=f"Write {o.questions_per_chunk} question-answer pairs from chunk {chunk.chunk_id} "
                    f"of {Path(chunk.source).name}, {chunk.locator}.",
            source="user",
        )
        result = await run_unwrapped(team, task, context)
        verdict = final_verdict(result.messages)
        if verdict is None:
            raise RuntimeError(f"team ended without a critic verdict ({result.stop_reason})")
        total = usage.total

        def make(pair: JudgedPair):
            metadata = RecordMetadata(
                scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
                source_file=chunk.source, pages=chunk.pages, rows=chunk.rows or None, chunk_id=chunk.chunk_id,
                question_type=pair.question_type,
                language=work.language if work.language != UNKNOWN else "unknown", evidence=pair.evidence,
                evidence_pages=work.evidence_pages(pair.evidence),
                consulted_chunks=pair.consulted, revision=pair.revision, critic=critic_summary(pair),
                usage=ItemUsage.of(total), persona=persona.as_metadata() if persona else None,
            )
            return f"{item.item_id}-q{pair.slot}", sme_messages(work.domain, pair.question, pair.answer), metadata

        accepted, rejected = split_records(verdict.pairs, make)
        return ItemResult(accepted=accepted, rejected=rejected)


def _document_language(doc: Document) -> str:
    return detect_language("\n".join(p.markdown for p in doc.pages)[:LANGUAGE_SAMPLE_CHARS])


# --- registration -------------------------------------------------------------------------

QA_GROUP = "questions (seed_from_pdf, persona_qa)"
INTAKE_GROUP = "documents and chunking (seed_from_pdf, persona_qa)"
QA_OPTIONS = (
    option("--questions-per-chunk", group=QA_GROUP, type=int, default=3, metavar="N",
           help="questions per chunk (default: 3)"),
    option("--max-revisions", group=QA_GROUP, type=int, default=1, metavar="N",
           help="critic → writer revision rounds per chunk (default: 1)"),
    option("--reader", group=INTAKE_GROUP, choices=("pymupdf", "docai"), default="pymupdf",
           help="PDF reader: pymupdf (local, default) or docai (Azure Document Intelligence prebuilt-layout; "
                "AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT and _KEY or Entra ID)"),
    option("--chunk-unit", group=INTAKE_GROUP, choices=("auto", "tokens", "chars"), default="auto",
           help="what --chunk-size counts: tokens of the question writer's model (when its tokenizer is "
                "available offline) or characters (default: auto, tokens when possible)"),
    option("--chunk-size", group=INTAKE_GROUP, type=int, metavar="N",
           help="chunk size (default: 500 tokens or 2000 characters)"),
    option("--chunk-overlap", group=INTAKE_GROUP, type=int, metavar="N",
           help="chunk overlap (default: 50 tokens or 200 characters)"),
    option("--rows-per-chunk", group=INTAKE_GROUP, type=int, default=1, metavar="N",
           help="CSV rows per chunk (default: 1)"),
)


def document_qa_settings(ctx: BuildContext) -> dict[str, Any]:
    """The options seed_from_pdf and persona_qa share, from the command line."""
    a = ctx.args
    return dict(inputs=a.input or [SAMPLE_PDF], team=a.team or "graph", questions_per_chunk=a.questions_per_chunk,
                max_revisions=a.max_revisions, language=a.language, domain=a.domain, chunk_size=a.chunk_size,
                chunk_overlap=a.chunk_overlap, rows_per_chunk=a.rows_per_chunk, measure=ctx.chunk_measure(),
                reader=a.reader, critic_trust=ctx.critic_trust, answer_style=ctx.answer_style,
                team_file=a.team_file)


ENTRY = register(ScenarioEntry(
    name="seed_from_pdf", summary="documents → question-answer pairs (the main job)", family="qa",
    build=lambda ctx: SeedFromPdf(SeedOptions(**document_qa_settings(ctx))),
    teams={"graph": "seed_qa.graph.yaml", "round_robin": "seed_qa.round_robin.yaml"}, params=("max_revisions", "max_messages"), options=QA_OPTIONS,
))
