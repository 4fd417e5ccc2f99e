"""customer_dialogue: simulated support conversations grounded in product documents.

Planning reads and chunks the documents (--input) into a lookup index and takes personas
from --personas FILE or generates them (saved as personas.jsonl). One work item is one
dialogue: a customer brief is drawn from a persona and a passage; the customer and the
support agent talk in a RoundRobinGroupChat until the customer ends it or --max-turns
customer messages are answered; the dialogue critic judges the whole conversation.

Each turn is checkpointed (checkpoints/<item>.jsonl) as it is written: a resumed run
continues a dialogue from its last turn, never repeating one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_agentchat.messages import TextMessage
from autogen_core.models import ChatCompletionClient

from ..agents.base import render_prompt
from ..agents.context import LANGUAGE_NAMES, TrustPolicy
from ..agents.dialogue import CustomerBrief, CustomerBriefAgent, DialogueContext, Turn
from ..agents.dialogue_critic import DialogueCriticAgent, DialogueJudgement
from ..backends.metering import UsageLedger, models_label
from ..errors import InputError
from ..teams.qa import run_unwrapped
from ..tools.chunking import Chunk
from ..tools.language import UNKNOWN, detect_language
from ..tools.lookup import DocumentIndex
from ..tools.personas import Persona, read_personas
from ..tools.writers import replace_durably, rewrite_records
from .base import BuildContext, ItemResult, Plan, PlanContext, Scenario, ScenarioEntry, WorkItem, option, register
from .inputs import SAMPLE_PDF, read_chunks
from .persona_qa import PERSONA_OPTIONS, PERSONAS, generate_personas
from .records import BaseMetadata, ChatMessage, CriticSummary, ItemUsage, Record

CHECKPOINTS = "checkpoints"


class DialogueMetadata(BaseMetadata):
    persona: dict[str, str]
    brief: CustomerBrief
    outcome: str  # the customer's last word: resolved, abandoned, or continuing (cut at the turn limit)
    turns: int  # customer messages
    sources: list[dict[str, Any]]  # per support turn: its position, the chunks shown and cited
    source_files: list[str]
    seed_chunk: str
    closing_message: str | None = None  # the customer's last words (after support's last answer)
    resumed_from_turn: int = 0  # turns restored from a checkpoint after a crash
    judgement: DialogueJudgement


@dataclass
class DialogueOptions:
    inputs: list[Path]
    dialogues: int = 20
    max_turns: int = 8
    team: str = "round_robin"  # or "graph"
    personas_file: Path | None = None
    persona_count: int = 3
    audience: str | None = None
    language: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one
    bounded: bool = False


@dataclass
class DialogueWork:
    number: int
    persona: Persona
    chunk: Chunk



class CustomerDialogue(Scenario):
    name = "customer_dialogue"
    planning_roles = ("persona_generator", "customer", "critic")  # briefs are the customer's; the judge runs after

    def __init__(self, options: DialogueOptions) -> None:
        if options.dialogues < 1:
            raise InputError("--dialogues", "must be at least 1")
        if options.max_turns < 1:
            raise InputError("--max-turns", "must be at least 1")
        self.options = options
        self.use_team(options.team, options.team_file)
        self.index: DocumentIndex | None = None
        self.checkpoints: Path | None = None
        self.personas: list[Persona] = read_personas(options.personas_file) if options.personas_file else []

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"dialogues": o.dialogues, "max_turns": o.max_turns, "team": self.team_name, "persona_count": o.persona_count,
                "audience": o.audience, "language": o.language, "critic_trust": o.critic_trust, "bounded": o.bounded}

    async def aplan(self, context: PlanContext) -> Plan:
        chunks, skipped = read_chunks(self.options.inputs, "product document")
        self.index = DocumentIndex(chunks)
        plan = Plan(items=[], skipped=skipped, info={"team": self.team_name, "documents": sorted({c.source for c in chunks}),
                                                     "chunks": len(chunks), "max_turns": self.options.max_turns})
        if not self.personas:
            saved = context.saved(PERSONAS)
            self.personas = read_personas(saved) if saved else await generate_personas(
                context, plan, [(c.text, c.title, c.chunk_id) for c in chunks], self.options.persona_count,
                self.options.audience)
        if not self.personas:
            raise InputError("--persona-count", "no usable persona; pass --personas FILE or --audience TEXT")
        if context.out_dir is not None:
            rewrite_records(context.out_dir / PERSONAS, [p.model_dump() for p in self.personas])
            self.checkpoints = context.out_dir / CHECKPOINTS
            self.checkpoints.mkdir(exist_ok=True)
        n = self.options.dialogues
        plan.items = [WorkItem(item_id=f"dialogue-{i:04d}", label=f"dialogue {i}", payload=DialogueWork(
            i, self.personas[(i - 1) % len(self.personas)], chunks[((i - 1) * len(chunks) // n) % len(chunks)]))
            for i in range(1, n + 1)]
        plan.info["personas"] = {"count": len(self.personas), "file": PERSONAS}
        return plan

    def _restore(self, item_id: str) -> tuple[CustomerBrief | None, list[Turn]]:
        """The brief and turns a crashed run checkpointed for this dialogue (a torn last line is dropped)."""
        path = self.checkpoints / f"{item_id}.jsonl" if self.checkpoints else None
        if path is None or not path.exists():
            return None, []
        brief, turns = None, []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                break
            if "brief" in row:
                brief = CustomerBrief.model_validate(row["brief"])
            elif "turn" in row:
                turns.append(Turn.model_validate(row["turn"]))
        # Keep what can be rewritten cleanly: the file again holds exactly these lines.
        lines = [json.dumps({"brief": brief.model_dump()}, ensure_ascii=False)] if brief else []
        lines += [json.dumps({"turn": t.model_dump()}, ensure_ascii=False) for t in turns]
        replace_durably(path, "".join(x + "\n" for x in lines))
        return brief, turns

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        work: DialogueWork = item.payload
        o = self.options
        assert self.index is not None
        language = o.language or detect_language(work.chunk.text)
        checkpoint = self.checkpoints / f"{item.item_id}.jsonl" if self.checkpoints else None
        brief, restored = self._restore(item.item_id)
        if brief is None:
            others = [c.text for c in self.index.chunks if c.chunk_id != work.chunk.chunk_id]
            others = others[work.number % len(others):] + others[:work.number % len(others)] if others else []
            brief = await CustomerBriefAgent(clients["customer"], _Failure()).brief(
                work.persona, [work.chunk.text, *others], work.chunk.title)
            if checkpoint is not None:
                replace_durably(checkpoint, json.dumps({"brief": brief.model_dump()}, ensure_ascii=False) + "\n")
        context = DialogueContext(
            item_id=item.item_id, persona=work.persona, brief=brief, index=self.index, max_turns=o.max_turns,
            language_name=LANGUAGE_NAMES.get(language, "the language of the documentation"), checkpoint=checkpoint,
            critic_trust=o.critic_trust, turns=list(restored), bounded=o.bounded,
        )
        if not context.ended and not (context.turns and context.customer_turns >= o.max_turns
                                      and context.turns[-1].speaker == "support"):
            # Whoever speaks next goes first: after a crash, the other side of the last turn.
            first = "support" if context.turns and context.turns[-1].speaker == "customer" else "customer"
            left = o.max_turns - context.customer_turns  # customer messages still to come
            remaining = 2 * left + (1 if first == "support" else 0)
            team = self.new_team(clients, context, {
                "first": first, "max_messages": remaining + 2,
                # support hands back to the customer until the customer has had --max-turns
                "customer_returns": left if first == "support" else left - 1})
            await run_unwrapped(team, TextMessage(content=f"Support conversation {item.item_id}.", source="user"), context)
        judge = DialogueCriticAgent(clients["critic"], context)
        result = await run_unwrapped(judge, TextMessage(content="Judge the conversation.", source="user"), context)
        judgement: DialogueJudgement = result.messages[-1].content
        return self._record(item, work, context, judgement, clients, usage, language, len(restored))

    def _record(self, item: WorkItem, work: DialogueWork, context: DialogueContext, judgement: DialogueJudgement,
                clients, usage: UsageLedger, language: str, restored: int) -> ItemResult:
        messages = [ChatMessage(role="system", content=render_prompt("support.system", product=context.brief.product,
                                                                     language_name=context.language_name).strip())]
        # Fine-tuning lines end on the assistant: the customer's closing words go to metadata.
        turns = list(context.turns)
        closing = turns.pop() if turns and turns[-1].speaker == "customer" and len(turns) > 1 else None
        messages += [ChatMessage(role="user" if t.speaker == "customer" else "assistant", content=t.text) for t in turns]
        last_customer = next((t for t in reversed(context.turns) if t.speaker == "customer"), None)
        verdict = judgement.verdict
        metadata = DialogueMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown", usage=ItemUsage.of(usage.total),
            critic=CriticSummary(
                decision=judgement.decision, reasons=judgement.reasons,
                scores={"resolution": verdict.resolution, "helpfulness": verdict.helpfulness,
                        "persona_consistency": verdict.persona_consistency} if verdict else None,
                model_decision=("resolved" if verdict.resolved else "not resolved") if verdict else None,
                model_reason=verdict.reason if verdict else None, model_overruled=judgement.verdict_overruled,
                failed_checks=sorted({x.name for tc in judgement.turn_checks for x in tc.checks if not x.passed}
                                     | {x.name for x in judgement.dialogue_checks if not x.passed})),
            persona=work.persona.as_metadata(), brief=context.brief,
            outcome=last_customer.outcome if last_customer else "continuing", turns=context.customer_turns,
            sources=[{"turn": i + 1, "shown": t.shown, "cited": t.cited} for i, t in enumerate(context.turns)
                     if t.speaker == "support"],
            source_files=sorted({self.index.get(c).source for t in context.turns for c in t.shown if self.index.get(c)}),
            seed_chunk=work.chunk.chunk_id, resumed_from_turn=restored, judgement=judgement,
            closing_message=closing.text if closing else None,
        )
        return ItemResult.one(Record(id=item.item_id, messages=messages, metadata=metadata), judgement.reasons)


@dataclass
class _Failure:
    failure: Exception | None = None


# --- registration -------------------------------------------------------------------------

DIALOGUE_OPTIONS = (
    option("--dialogues", group="customer_dialogue", type=int, default=20, metavar="N",
           help="dialogues to simulate (default: 20)"),
    option("--max-turns", group="customer_dialogue", type=int, default=8, metavar="N",
           help="customer messages per dialogue, each answered by support (default: 8)"),
)


def _from_args(ctx: BuildContext) -> CustomerDialogue:
    a = ctx.args
    return CustomerDialogue(DialogueOptions(
        inputs=a.input or [SAMPLE_PDF], dialogues=a.dialogues, max_turns=a.max_turns, team=a.team or "round_robin",
        personas_file=a.personas, persona_count=a.persona_count, audience=a.audience, language=a.language,
        critic_trust=ctx.critic_trust, bounded=ctx.bounded, team_file=a.team_file))


ENTRY = register(ScenarioEntry(
    name="customer_dialogue", summary="simulated support dialogues grounded in the documents", family="dialogue",
    build=_from_args, teams={"round_robin": "customer_dialogue.round_robin.yaml",
                             "graph": "customer_dialogue.graph.yaml"},
    params=("first", "max_messages", "customer_returns"), options=(*DIALOGUE_OPTIONS, *PERSONA_OPTIONS),
))
