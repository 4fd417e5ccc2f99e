"""curate: the critic alone over existing pairs (`question`, `answer`, `context`, optional `id`
and `source`, the document's title).

Each line is one work item judged by a fresh critic agent; accepted and rejected pairs
keep the input's `id`. Bad lines are reported and skipped; the rest still run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_agentchat.messages import StructuredMessage
from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel, ValidationError

from ..agents.context import QAContext, TrustPolicy
from ..agents.qa_messages import Answer, AnswererOutput, JudgedPair, Question, WriterOutput
from ..backends.metering import UsageLedger, models_label
from ..errors import InputError
from ..teams.qa import final_verdict, run_unwrapped
from ..tools.dedup import QuestionRegistry
from ..tools.language import UNKNOWN, detect_language
from .base import ItemResult, Plan, Scenario, ScenarioEntry, SkippedInput, WorkItem, register
from .records import ItemUsage, RecordMetadata, critic_summary, restore_registry, sme_messages, split_records

DEFAULT_DOMAIN = "the source documents"


class InputPair(BaseModel):
    question: str
    answer: str
    context: str
    id: str | int | None = None
    source: str | None = None  # the document's title or name: its subject may stay implicit


@dataclass
class CurateOptions:
    input: Path
    language: str | None = None
    domain: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one


def read_pairs(path: Path) -> tuple[list[tuple[str, InputPair]], list[SkippedInput]]:
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, expected a JSONL file of pairs")
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if not text.strip():
        raise InputError(path, "file is empty")
    pairs, skipped, seen = [], [], set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            pair = InputPair.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            skipped.append(SkippedInput(path=where, reason=f"invalid JSON ({exc.msg})"))
            continue
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}" for e in exc.errors()[:3])
            skipped.append(SkippedInput(path=where, reason=f"expected question, answer, context ({problems})"))
            continue
        pair_id = str(pair.id) if pair.id is not None else f"line-{number}"
        if pair_id in seen:
            skipped.append(SkippedInput(path=where, reason=f"duplicate id {pair_id!r}"))
            continue
        seen.add(pair_id)
        pairs.append((pair_id, pair))
    if not pairs:
        raise InputError(path, "no valid pairs (" + "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3]) + ")")
    return pairs, skipped


class Curate(Scenario):
    uses_embeddings = True  # the QA critic's checks and duplicate registry
    name = "curate"
    shared_state = ("registry",)  # what items accepted so far, in any worker process

    def __init__(self, options: CurateOptions) -> None:
        self.options = options
        self.use_team(None, options.team_file)
        self.registry = QuestionRegistry()

    def fingerprint(self) -> dict[str, Any]:
        return {"language": self.options.language, "domain": self.options.domain, "critic_trust": self.options.critic_trust}

    def restore(self, accepted: list[dict]) -> None:
        restore_registry(self.registry, accepted)

    def plan(self) -> Plan:
        pairs, skipped = read_pairs(self.options.input)
        items = [WorkItem(item_id=pair_id, label=pair_id, payload=pair) for pair_id, pair in pairs]
        return Plan(items=items, skipped=skipped, info={"input": str(self.options.input), "team": self.team_name})

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        pair: InputPair = item.payload
        language = self.options.language or detect_language(pair.context)
        domain = self.options.domain or DEFAULT_DOMAIN
        context = QAContext(
            item_id=item.item_id, passage=pair.context, title=pair.source or "", pages=[], domain=domain, language=language,
            question_types=["unknown"], max_revisions=0, registry=self.registry,
            critic_trust=self.options.critic_trust,
        )
        task = [
            StructuredMessage[WriterOutput](
                content=WriterOutput(round=0, questions=[Question(slot=0, type="unknown", question=pair.question)]),
                source="input",
            ),
            StructuredMessage[AnswererOutput](
                content=AnswererOutput(round=0, answers=[Answer(slot=0, evidence=None, answerable=True, answer=pair.answer)]),
                source="input",
            ),
        ]
        result = await run_unwrapped(self.new_team(clients, context, {}), task, context)
        verdict = final_verdict(result.messages)
        if verdict is None:
            raise RuntimeError(f"team ended without a critic verdict ({result.stop_reason})")
        total = usage.total

        def make(judged: JudgedPair):
            metadata = RecordMetadata(
                scenario=self.name, item_id=item.item_id, team=None, model=models_label(clients),
                source_file=str(self.options.input), pages=[], chunk_id=None, input_id=item.item_id,
                question_type=None, language=language if language != UNKNOWN else "unknown", evidence=None,
                revision=0, critic=critic_summary(judged),
                usage=ItemUsage.of(total),
            )
            return item.item_id, sme_messages(domain, pair.question, pair.answer), metadata

        accepted, rejected = split_records(verdict.pairs, make)
        return ItemResult(accepted=accepted, rejected=rejected)


# --- registration -------------------------------------------------------------------------

ENTRY = register(ScenarioEntry(
    name="curate", summary="the critic alone, on your question/answer/context pairs", family="qa",
    build=lambda ctx: Curate(CurateOptions(
        input=ctx.one_input("curate", "pairs.jsonl"), language=ctx.args.language, domain=ctx.args.domain,
        critic_trust=ctx.critic_trust, team_file=ctx.args.team_file)),
    teams={"critic": "curate.yaml"}, task_types=(WriterOutput, AnswererOutput),
))
