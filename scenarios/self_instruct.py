"""self_instruct: user instructions generated from a context, filtered, answered, vetted.

Contexts are the chunks of `--input` documents (answers are then written from the
documents and checked against them) or, with `--application TEXT` alone, the description
of the application. One work item is one context: the writer drafts --instructions
queries, the answerer answers, the critic vets them and drops any whose ROUGE-L with an
instruction already accepted in the run reaches 0.7, as in the Self-Instruct paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..tools.fencing import fence
from ..agents.context import TrustPolicy
from ..agents.instructions import JudgedInstruction
from ..errors import InputError
from ..tools.chunking import Chunk
from ..tools.dedup import RougeLIndex
from ..tools.language import detect_language
from ..tools.lookup import DocumentIndex
from .base import BuildContext, Plan, ScenarioEntry, WorkItem, option, register
from .inputs import read_chunks
from .instruction import InstructionScenario, eliminated_by
from .records import BaseMetadata

DEFAULT_APPLICATION = "An AI assistant that answers questions and does tasks about the documents below."


class SelfInstructMetadata(BaseMetadata):
    application: str
    task_kind: str
    source_file: str | None = None
    chunk_id: str | None = None
    pages: list[int] = []
    consulted_chunks: list[str] = []
    eliminated_by: str | None = None


@dataclass
class SelfInstructOptions:
    inputs: list[Path]
    application: str | None = None
    instructions: int = 5
    language: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one
    bounded: bool = False


class SelfInstruct(InstructionScenario):
    name = "self_instruct"
    metadata_class = SelfInstructMetadata
    registry_class = RougeLIndex

    def __init__(self, options: SelfInstructOptions) -> None:
        if options.instructions < 1:
            raise InputError("--instructions", "must be at least 1")
        if not options.inputs and not options.application:
            raise InputError("--input", "self_instruct needs documents (--input) or --application TEXT")
        super().__init__(options)
        self.index: DocumentIndex | None = None

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"application": o.application, "instructions": o.instructions, "language": o.language,
                "critic_trust": o.critic_trust, "bounded": o.bounded}

    def plan(self) -> Plan:
        chunks, skipped = read_chunks(self.options.inputs, "document")
        self.index = DocumentIndex(chunks) if chunks else None
        if chunks:
            items = [WorkItem(item_id=c.chunk_id, label=f"{Path(c.source).name} {c.locator}", payload=c) for c in chunks]
        else:
            items = [WorkItem(item_id="application", label="application", payload=None)]
        return Plan(items=items, skipped=skipped, info={"team": self.team_name, "contexts": len(items),
                                                        "application": self.application, "filter": "ROUGE-L < 0.7"})

    @property
    def application(self) -> str:
        return self.options.application or DEFAULT_APPLICATION

    def language_of(self, item: WorkItem) -> str:
        chunk: Chunk | None = item.payload
        return self.options.language or detect_language(chunk.text if chunk else self.application)

    def context_extras(self, item: WorkItem) -> dict[str, Any]:
        chunk: Chunk | None = item.payload
        return {"index": self.index if chunk else None, "source_files": [chunk.source] if chunk else []}

    def team_input(self, item: WorkItem) -> tuple[dict[str, Any], str]:
        chunk: Chunk | None = item.payload
        material = f'From "{chunk.title}", {chunk.locator}:\n{fence(chunk.text)}' if chunk else "(no document)"
        writer = {"application": self.application, "material": material, "count": self.options.instructions,
                  "offset": sum(map(ord, item.item_id))}
        return {"writer": writer}, f"Write {self.options.instructions} user queries for {item.label}."

    def metadata_fields(self, item: WorkItem, judged: JudgedInstruction) -> dict[str, Any]:
        chunk: Chunk | None = item.payload
        return dict(application=self.application, task_kind=judged.instruction.path.get("task_kind", ""),
                    source_file=chunk.source if chunk else None, chunk_id=chunk.chunk_id if chunk else None,
                    pages=chunk.pages if chunk else [], consulted_chunks=judged.answer.consulted,
                    eliminated_by=eliminated_by(judged))


# --- registration -------------------------------------------------------------------------

SELF_INSTRUCT_OPTIONS = (
    option("--application", group="self_instruct", metavar="TEXT",
           help="the AI application the queries are for (with no --input, the only context)"),
    option("--instructions", group="self_instruct", type=int, default=5, metavar="N",
           help="queries per context (default: 5)"),
)


def _from_args(ctx: BuildContext) -> SelfInstruct:
    a = ctx.args
    return SelfInstruct(SelfInstructOptions(inputs=a.input or [], application=a.application,
                                            instructions=a.instructions, language=a.language,
                                            critic_trust=ctx.critic_trust, bounded=ctx.bounded, team_file=a.team_file))


ENTRY = register(ScenarioEntry(
    name="self_instruct", summary="Self-Instruct: user queries for an application, filtered by ROUGE-L",
    family="instruction", build=_from_args, teams={"writer": "self_instruct.yaml"}, params=("writer",),
    options=SELF_INSTRUCT_OPTIONS,
))
