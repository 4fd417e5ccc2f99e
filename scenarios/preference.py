"""preference: chosen/rejected pairs for DPO, judged UltraFeedback-style.

For each instruction (any seed format evolve_instruct reads), the responder roles
(`responder_1` … `responder_N`; by default the main model at different temperatures and
seeds, or any model each through --role-model / the run config: model pooling) each
write a response; the judge rates every response 1-5 on four aspects with a rationale,
after the deterministic checks (a response failing them scores 0); the best and the worst
become a pair when their margin reaches --min-margin and the best rates at least
--min-chosen. Ties, low margins, weak chosen responses and items with fewer than two rated
responses are dropped, counted and kept in rejected.jsonl.

Outputs beside data.jsonl (whose `messages` are the chosen conversation):
  dpo.jsonl       prompt, chosen, rejected as strings, with the scores and the margin
  dpo.chat.jsonl  the conversational format TRL's DPOTrainer takes (lists of messages)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_agentchat.messages import StructuredMessage
from autogen_core.models import ChatCompletionClient

from ..agents.context import TrustPolicy
from ..agents.instructions import Instruction, InstructionContext, InstructionsOutput
from ..agents.preference_judge import JudgeOutput, ResponseRating
from ..backends.metering import UsageLedger, models_label
from ..errors import InputError
from ..teams.qa import run_unwrapped
from ..tools.dedup import NearDuplicateIndex
from ..tools.language import UNKNOWN, detect_language
from ..tools.seeds import Seed, read_seeds
from ..tools.writers import read_records
from .base import (
    DATA,
    REJECTED,
    BuildContext,
    ItemResult,
    Plan,
    Scenario,
    ScenarioEntry,
    SkippedInput,
    WorkItem,
    option,
    register,
)
from .records import BaseMetadata, CriticSummary, ItemUsage, Record, RejectedRecord, instruction_messages

# Defaults that make one model give different responses; a role set in the run config or
# by --temperature keeps what was set.
RESPONDER_TEMPERATURES = (0.0, 0.8, 1.2, 0.5, 1.0)


class PreferenceMetadata(BaseMetadata):
    seed_id: str
    chosen_by: str  # responder role of the chosen response
    rejected_by: str
    score_chosen: float
    score_rejected: float
    margin: float
    ratings: list[ResponseRating]  # every candidate, with aspects and rationale
    dropped: str | None = None  # tie, low_margin, low_chosen or unrated: why the pair was not kept


class PreferenceRecord(Record):
    prompt: str
    chosen: str
    rejected: str


class RejectedPreference(RejectedRecord):
    prompt: str
    chosen: str
    rejected: str


@dataclass
class PreferenceOptions:
    input: Path
    responses: int = 2
    min_margin: float = 1.0
    min_chosen: float = 3.0
    language: str | None = None
    critic_trust: TrustPolicy = "verify"
    team_file: Path | None = None  # a team spec instead of the built-in one
    bounded: bool = False


def responder_roles(count: int) -> tuple[str, ...]:
    return tuple(f"responder_{i}" for i in range(1, count + 1))


def dpo_row(record: dict) -> dict:
    meta = record["metadata"]
    return {"prompt": record["prompt"], "chosen": record["chosen"], "rejected": record["rejected"],
            "score_chosen": meta["score_chosen"], "score_rejected": meta["score_rejected"], "margin": meta["margin"]}


def dpo_chat_row(record: dict) -> dict:
    """TRL's conversational preference format: the prompt as messages, each completion as an
    assistant turn (a system turn of the seed goes into the prompt)."""
    prompt = [m for m in record["messages"] if m["role"] != "assistant"]
    return {"prompt": prompt, "chosen": [{"role": "assistant", "content": record["chosen"]}],
            "rejected": [{"role": "assistant", "content": record["rejected"]}],
            "score_chosen": record["metadata"]["score_chosen"], "score_rejected": record["metadata"]["score_rejected"]}


class Preference(Scenario):
    name = "preference"

    def __init__(self, options: PreferenceOptions) -> None:
        if not 2 <= options.responses <= len(RESPONDER_TEMPERATURES):
            raise InputError("--responses", f"must be 2 to {len(RESPONDER_TEMPERATURES)}")
        if options.min_margin < 0:
            raise InputError("--min-margin", "must be 0 or more")
        if not 0 <= options.min_chosen <= 5:
            raise InputError("--min-chosen", "must be 0 to 5")
        self.options = options
        self.responders = responder_roles(options.responses)
        self.use_team(None, options.team_file, {"responses": options.responses})

    def role_defaults(self) -> dict[str, dict[str, Any]]:
        """Per-role sampling that makes one model give different responses."""
        return {role: {"temperature": RESPONDER_TEMPERATURES[i], "seed": i} for i, role in enumerate(self.responders)}

    def fingerprint(self) -> dict[str, Any]:
        o = self.options
        return {"responses": o.responses, "min_margin": o.min_margin, "min_chosen": o.min_chosen, "language": o.language,
                "bounded": o.bounded}

    def views(self) -> dict[str, Any]:
        return {"dpo.jsonl": dpo_row, "dpo.chat.jsonl": dpo_chat_row}

    def plan(self) -> Plan:
        seed_format, seeds, bad_lines = read_seeds(self.options.input)
        items = [WorkItem(item_id=s.seed_id, label=s.instruction[:60], payload=s) for s in seeds]
        return Plan(items=items, skipped=[SkippedInput(path=w, reason=r) for w, r in bad_lines], info={
            "input": str(self.options.input), "seed_format": seed_format, "team": self.team_name,
            "responders": list(self.responders), "min_margin": self.options.min_margin,
        })

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        seed: Seed = item.payload
        language = self.options.language or detect_language(seed.instruction)
        context = InstructionContext(item_id=item.item_id, language=language, registry=NearDuplicateIndex(),
                                     bounded=self.options.bounded, critic_trust=self.options.critic_trust)
        # The instruction is the task itself, a structured message every responder reads.
        team = self.new_team(clients, context, {"responses": self.options.responses})
        task = StructuredMessage[InstructionsOutput](
            content=InstructionsOutput(round=0, instructions=[Instruction(slot=0, text=seed.instruction)]), source="user")
        result = await run_unwrapped(team, task, context)
        verdict = next((m.content for m in reversed(result.messages) if isinstance(getattr(m, "content", None), JudgeOutput)),
                       None)
        if verdict is None:
            raise RuntimeError(f"team ended without the judge's ratings ({result.stop_reason})")
        return self._pair(item, seed, verdict, clients, usage, language)

    def _pair(self, item: WorkItem, seed: Seed, verdict: JudgeOutput, clients, usage: UsageLedger,
              language: str) -> ItemResult:
        o = self.options
        rated = sorted((r for r in verdict.ratings if r.overall is not None), key=lambda r: -r.overall)
        ranked = rated + [r for r in verdict.ratings if r.overall is None]  # stable: earlier responders win ties
        best, worst = ranked[0], (rated[-1] if len(rated) > 1 else ranked[-1])
        margin = round(best.overall - worst.overall, 3) if len(rated) > 1 else 0.0
        if len(rated) < 2:
            dropped, why = "unrated", f"only {len(rated)} response(s) could be rated"
        elif margin == 0:
            dropped, why = "tie", f"all rated {best.overall}"
        elif margin < o.min_margin:
            dropped, why = "low_margin", f"margin {margin} < --min-margin {o.min_margin}"
        elif best.overall < o.min_chosen:
            dropped, why = "low_chosen", f"the best response rates {best.overall} < --min-chosen {o.min_chosen}"
        else:
            dropped, why = None, ""
        reasons = [f"{dropped}: {why}"] if dropped else []
        metadata = PreferenceMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown",
            critic=CriticSummary(decision="reject" if dropped else "accept", reasons=reasons, scores=None,
                                 model_decision=None, model_reason=None, model_overruled=False,
                                 failed_checks=sorted({c for r in verdict.ratings for c in r.failed_checks})),
            usage=ItemUsage.of(usage.total), seed_id=seed.seed_id, chosen_by=best.responder,
            rejected_by=worst.responder, score_chosen=best.overall or 0.0, score_rejected=worst.overall or 0.0,
            margin=margin,
            ratings=verdict.ratings, dropped=dropped,
        )
        fields = dict(id=item.item_id, messages=instruction_messages(seed.system, seed.instruction, best.text),
                      metadata=metadata, prompt=seed.instruction, chosen=best.text, rejected=worst.text)
        if dropped:
            return ItemResult(accepted=[], rejected=[RejectedPreference(**fields, reasons=reasons)])
        return ItemResult(accepted=[PreferenceRecord(**fields)], rejected=[])

    def report(self, out_dir: Path) -> dict[str, Any]:
        kept = list(read_records(out_dir / DATA))
        dropped = Counter(r["metadata"].get("dropped") for r in read_records(out_dir / REJECTED))
        return {"preference": {
            "pairs": len(kept), "dropped_ties": dropped.get("tie", 0), "dropped_low_margin": dropped.get("low_margin", 0),
            "dropped_low_chosen": dropped.get("low_chosen", 0), "dropped_unrated": dropped.get("unrated", 0),
            "chosen_by": dict(Counter(r["metadata"]["chosen_by"] for r in kept).most_common()),
            "mean_margin": round(sum(r["metadata"]["margin"] for r in kept) / len(kept), 3) if kept else None,
        }}


# --- registration -------------------------------------------------------------------------

PREFERENCE_OPTIONS = (
    option("--responses", group="preference", type=int, default=2, metavar="N",
           help="responses per instruction, one per role responder_1..N (default: 2; by default the main model at "
                "different temperatures, or any model per role with --role-model)"),
    option("--min-margin", group="preference", type=float, default=1.0, metavar="X",
           help="keep a pair only when the chosen response's mean rating beats the rejected one's by at least this "
                "(1-5 scale; default: 1.0)"),
    option("--min-chosen", group="preference", type=float, default=3.0, metavar="X",
           help="keep a pair only when the chosen response rates at least this (default: 3.0)"),
)


def _from_args(ctx: BuildContext) -> Preference:
    a = ctx.args
    return Preference(PreferenceOptions(
        input=ctx.one_input("preference", "instructions.jsonl"), responses=a.responses, min_margin=a.min_margin,
        min_chosen=a.min_chosen, language=a.language, critic_trust=ctx.critic_trust, bounded=ctx.bounded,
        team_file=a.team_file))


ENTRY = register(ScenarioEntry(
    name="preference", summary="preference (DPO) pairs: several responses rated side by side", family="instruction",
    build=_from_args, teams={"preference": "preference.yaml"}, params=("responses",),
    task_types=(InstructionsOutput,), options=PREFERENCE_OPTIONS,
))
