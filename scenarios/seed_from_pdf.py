"""seed_from_pdf: PDFs → chunks → one QA team per chunk → critic-vetted QA records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_agentchat.messages import TextMessage
from autogen_core.models import ChatCompletionClient

from ..agents.context import QAContext, TrustPolicy, plan_question_types
from ..agents.critic import JudgedPair
from ..agents.critic_checks import QuestionRegistry
from ..agents.metering import UsageLedger, models_label
from ..errors import InputError
from ..teams.qa import ROLES, build_qa_team, final_verdict, run_unwrapped
from ..tools.chunking import Chunk, chunk_document
from ..tools.language import UNKNOWN, detect_language
from ..tools.lookup import DocumentIndex
from ..tools.pdf_reader import Document, find_pdfs, read_pdf
from ..tools.text import normalize, plain
from .records import ItemUsage, RecordMetadata, critic_summary, restore_registry, sme_messages, split_records
from .runner import ItemResult, Plan, Scenario, SkippedInput, WorkItem

SAMPLE_PDF = Path(__file__).resolve().parent.parent / "samples" / "aurora-x2-power-station-manual.pdf"
LANGUAGE_SAMPLE_CHARS = 5000


@dataclass
class SeedOptions:
    inputs: list[Path]
    team: str = "graph"
    questions_per_chunk: int = 3
    max_revisions: int = 1
    language: str | None = None  # None: each document's own language
    domain: str | None = None  # None: each document's title
    chunk_chars: int = 2000
    chunk_overlap: int = 200
    critic_trust: TrustPolicy = "verify"
    answer_style: str = "free"


@dataclass
class ChunkWork:
    chunk: Chunk
    language: str
    domain: str
    question_offset: int
    page_texts: dict[int, str]  # plain text of each of the chunk's pages, to locate evidence

    def evidence_pages(self, evidence: str | None) -> list[int]:
        """The chunk's pages on which the cited sentence occurs (a sentence may straddle two)."""
        if not evidence:
            return []
        wanted = normalize(evidence)
        pages = [n for n, text in self.page_texts.items() if wanted in text]
        if pages:
            return pages
        head, tail = wanted[:40], wanted[-40:]
        return [n for n, text in self.page_texts.items() if head in text or tail in text]


class SeedFromPdf(Scenario):
    name = "seed_from_pdf"
    roles = ROLES

    def __init__(self, options: SeedOptions) -> None:
        if options.questions_per_chunk < 1:
            raise InputError("--questions-per-chunk", "must be at least 1")
        if options.max_revisions < 0:
            raise InputError("--max-revisions", "must be 0 or more")
        self.options = options
        self.registry = QuestionRegistry()
        self.index: DocumentIndex | None = None

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {
            "team": o.team, "questions_per_chunk": o.questions_per_chunk, "max_revisions": o.max_revisions,
            "language": o.language, "domain": o.domain, "chunk_chars": o.chunk_chars, "chunk_overlap": o.chunk_overlap,
            "critic_trust": o.critic_trust, "answer_style": o.answer_style,
        }

    def restore(self, accepted: list[dict]) -> None:
        restore_registry(self.registry, accepted)

    def _read_all(self) -> tuple[list[Document], list[SkippedInput]]:
        documents, skipped = [], []
        paths: list[Path] = []
        for given in self.options.inputs:
            paths.extend(find_pdfs(given))  # a missing path is fatal: nothing sensible to run
        for path in paths:
            try:
                documents.append(read_pdf(path))
            except InputError as exc:
                skipped.append(SkippedInput(path=str(path), reason=exc.cause))
        if not documents:
            if len(paths) == 1:
                raise InputError(paths[0], skipped[0].reason)
            raise InputError(
                ", ".join(str(p) for p in self.options.inputs),
                "no readable PDF (" + "; ".join(f"{Path(s.path).name}: {s.reason}" for s in skipped) + ")",
            )
        return documents, skipped

    def plan(self) -> Plan:
        o = self.options
        documents, skipped = self._read_all()
        items: list[WorkItem] = []
        all_chunks: list[Chunk] = []
        doc_info = []
        for doc in documents:
            chunks = chunk_document(doc, max_chars=o.chunk_chars, overlap_chars=o.chunk_overlap)
            text = "\n".join(p.markdown for p in doc.pages)[:LANGUAGE_SAMPLE_CHARS]
            language = o.language or detect_language(text)
            domain = o.domain or doc.title
            page_texts = {p.number: plain(p.markdown) for p in doc.pages}
            for chunk in chunks:
                work = ChunkWork(
                    chunk, language, domain, question_offset=len(items) * o.questions_per_chunk,
                    page_texts={n: page_texts[n] for n in chunk.pages},
                )
                items.append(WorkItem(item_id=chunk.chunk_id, label=f"{Path(doc.path).name} p.{chunk.pages}", payload=work))
            all_chunks.extend(chunks)
            skipped_pages = [p.number for p in doc.pages if p.kind in ("image", "empty")]
            doc_info.append({
                "path": doc.path, "doc_id": doc.doc_id, "title": doc.title, "pages": len(doc.pages),
                "page_triage": {str(p.number): p.kind for p in doc.pages}, "triage_counts": doc.triage,
                "images_not_described": sum(p.images for p in doc.pages),
                "pages_without_text": skipped_pages, "language": language, "chunks": len(chunks),
            })
        self.index = DocumentIndex(all_chunks)
        return Plan(items=items, skipped=skipped, info={"documents": doc_info, "team": o.team})

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        work: ChunkWork = item.payload
        chunk, o = work.chunk, self.options
        context = QAContext(
            item_id=item.item_id, passage=chunk.text, title=chunk.title, pages=chunk.pages, domain=work.domain,
            language=work.language, question_types=plan_question_types(o.questions_per_chunk, work.question_offset),
            max_revisions=o.max_revisions, registry=self.registry, index=self.index, critic_trust=o.critic_trust,
            answer_style=o.answer_style,
        )
        team = build_qa_team(o.team, clients, context)
        task = TextMessage(
            content=f"Write {o.questions_per_chunk} question-answer pairs from chunk {chunk.chunk_id} "
                    f"of {Path(chunk.source).name}, pages {context.pages_label}.",
            source="user",
        )
        result = await run_unwrapped(team, task, context)
        verdict = final_verdict(result.messages)
        if verdict is None:
            raise RuntimeError(f"team ended without a critic verdict ({result.stop_reason})")
        total = usage.total

        def make(pair: JudgedPair):
            metadata = RecordMetadata(
                scenario=self.name, item_id=item.item_id, team=o.team, model=models_label(clients),
                source_file=chunk.source, pages=chunk.pages, chunk_id=chunk.chunk_id, question_type=pair.question_type,
                language=work.language if work.language != UNKNOWN else "unknown", evidence=pair.evidence,
                evidence_pages=work.evidence_pages(pair.evidence),
                consulted_chunks=pair.consulted, revision=pair.revision, critic=critic_summary(pair),
                usage=ItemUsage.of(total),
            )
            return f"{item.item_id}-q{pair.slot}", sme_messages(work.domain, pair.question, pair.answer), metadata

        accepted, rejected = split_records(verdict.pairs, make)
        return ItemResult(accepted=accepted, rejected=rejected)
