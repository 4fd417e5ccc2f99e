"""custom: a flow designed entirely in a team spec (`python run.py --team-file flow.yaml
--input ...`). The spec says what one work item is (`input:`), the task each team gets
(`task:` with the input's $fields), and which agent's fields become the record (`record:`).

Every record is still vetted: the deterministic instruction checks (usable, not truncated,
in the expected language, a substantive answer, not a near-copy of an accepted one) run on
the user and assistant turns, and `record.accept_when` (e.g. a judge agent's verdict field)
must hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from autogen_agentchat.messages import TextMessage
from autogen_core.models import ChatCompletionClient

from ..agents.custom import fenced_fields
from ..agents.context import TrustPolicy
from ..agents.instructions import InstructionContext
from ..backends.metering import UsageLedger, models_label
from ..checks.base import Candidate
from ..checks.catalogue import chosen_checks
from ..checks.custom import CUSTOM_CHECKS
from ..errors import AgentsynthError, InputError, StructuredOutputError
from ..teams.qa import run_unwrapped
from ..teams.queries import content_of, field_value, holds
from ..tools.dedup import NearDuplicateIndex
from ..tools.encoding import read_utf8
from ..tools.language import UNKNOWN, detect_language
from ..tools.personas import read_personas
from ..tools.seeds import read_seeds
from .base import BuildContext, ItemResult, Plan, Scenario, ScenarioEntry, SkippedInput, WorkItem, register
from .inputs import first_user_turn, read_chunks
from .records import BaseMetadata, CriticSummary, ItemUsage, Record, instruction_messages


class CustomMetadata(BaseMetadata):
    input: str  # chunks, seed_rows, personas or taxonomy_leaves
    source: str | None = None
    fields: dict[str, Any] = {}  # everything the record agent sent


@dataclass
class CustomFlowContext(InstructionContext):
    fields: dict[str, str] | None = None  # the input's values, for custom agents' $placeholders


@dataclass
class CustomOptions:
    team_file: Path
    inputs: list[Path]
    language: str | None = None
    critic_trust: TrustPolicy = "verify"


class CustomFlow(Scenario):
    name = "custom"
    shared_state = ("registry",)  # what items accepted so far, in any worker process

    def __init__(self, options: CustomOptions) -> None:
        self.options = options
        self.use_team(None, options.team_file)
        self.registry = NearDuplicateIndex()

    def fingerprint(self) -> dict[str, Any]:
        return {"inputs": [str(p) for p in self.options.inputs], "language": self.options.language}

    def restore(self, accepted: list[dict]) -> None:
        for record in accepted:
            self.registry.add(record["id"], first_user_turn(record))

    def plan(self) -> Plan:
        kind = self.team_spec.spec.input
        if not self.options.inputs:
            raise InputError("--input", f"this flow reads {kind}: pass --input PATH")
        items: list[WorkItem] = []
        skipped: list[SkippedInput] = []
        if kind == "chunks":
            chunks, skipped = read_chunks(self.options.inputs)
            items = [WorkItem(item_id=c.chunk_id, label=f"{Path(c.source).name} {c.locator}", payload={
                "text": c.text, "title": c.title, "source": c.source, "locator": c.locator}) for c in chunks]
        elif kind == "seed_rows":
            for path in self.options.inputs:
                _, seeds, bad = read_seeds(path)
                skipped += [SkippedInput(path=w, reason=r) for w, r in bad]
                items += [WorkItem(item_id=s.seed_id, label=s.instruction[:60], payload={
                    "text": s.instruction, "response": s.response or "", "seed_id": s.seed_id}) for s in seeds]
        elif kind == "personas":
            for path in self.options.inputs:
                items += [WorkItem(item_id=p.persona_id, label=p.role, payload={
                    "text": p.describe(), "role": p.role, "expertise": p.expertise}) for p in read_personas(path)]
        else:  # taxonomy_leaves: one leaf per line ("Field > Sub-field > Discipline" is fine)
            for path in self.options.inputs:
                lines = read_utf8(path, "taxonomy file").splitlines()
                leaves = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
                items += [WorkItem(item_id=f"{path.stem}-{n:04d}", label=leaf[:60], payload={"text": leaf})
                          for n, leaf in enumerate(leaves, 1)]
        if not items:
            raise InputError(", ".join(map(str, self.options.inputs)), f"no {kind} to work on")
        return Plan(items=items, skipped=skipped, info={"team": self.team_name, "input": kind,
                                                        "team_file": str(self.options.team_file)})

    async def run_item(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger) -> ItemResult:
        spec = self.team_spec.spec
        fields: dict[str, str] = {k: str(v) for k, v in item.payload.items()}
        language = self.options.language or detect_language(fields["text"])
        context = CustomFlowContext(item_id=item.item_id, language=language, registry=self.registry,
                                    critic_trust=self.options.critic_trust, fields=fields)
        task = Template(spec.task or "$text").safe_substitute(fenced_fields(fields))
        record_spec = spec.record
        assert record_spec is not None
        try:
            result = await run_unwrapped(self.new_team(clients, context, {}), TextMessage(content=task, source="user"),
                                         context)
        except StructuredOutputError as exc:  # an agent's reply stayed unusable: this record, not the item
            return self._unusable(item, clients, usage, language, fields, task, exc)
        sent = [m for m in result.messages if getattr(m, "source", None) == record_spec.source and content_of(m)]
        if not sent:
            raise RuntimeError(f"{record_spec.source} sent no structured message ({result.stop_reason})")
        content = content_of(sent[-1])
        user = str(field_value(content, record_spec.user) or "")
        assistant = str(field_value(content, record_spec.assistant) or "")
        writer = spec.agent(record_spec.source)
        checks = CUSTOM_CHECKS.run(Candidate(
            question=user, answer=assistant, language=language,
            prompt=f"{writer.prompt or ''} {writer.system_prompt or ''} {spec.task or ''}",
            source=fields["text"] if spec.input == "chunks" and record_spec.grounded else None),
            chosen_checks(record_spec.checks, "custom"))
        reasons = [f"{c.name}: {c.detail}" for c in checks if not c.passed]
        if record_spec.accept_when is not None:
            judge = record_spec.accept_when.source or record_spec.source
            verdicts = [m for m in result.messages if getattr(m, "source", None) == judge and content_of(m)]
            if not verdicts or not holds(record_spec.accept_when, verdicts[-1]):
                reasons.append(f"accept_when: {judge} did not give {record_spec.accept_when.describe()}")
        if not reasons and (match := self.registry.claim(item.item_id, user, owner=item.item_id)) is not None \
                and "not_near_duplicate" in (chosen_checks(record_spec.checks, "custom") or ["not_near_duplicate"]):
            reasons.append(f"not_near_duplicate: a near-copy of accepted {match.key}")
        metadata = CustomMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown",
            critic=CriticSummary(decision="reject" if reasons else "accept", reasons=reasons, scores=None,
                                 model_decision=None, model_reason=None, model_overruled=False,
                                 failed_checks=[c.name for c in checks if not c.passed]),
            usage=ItemUsage.of(usage.total), input=spec.input or "", source=fields.get("source"),
            fields=content.model_dump(mode="json"),
        )
        record = Record(id=item.item_id, messages=instruction_messages(record_spec.system, user, assistant),
                        metadata=metadata)
        return ItemResult.one(record, reasons)


    def _unusable(self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger, language: str,
                  fields: dict[str, str], task: str, exc: StructuredOutputError) -> ItemResult:
        """The item's record, rejected because an agent's reply stayed unusable after the
        repair turns (as a built-in role's unusable reply costs its pair, not the item)."""
        reason = f"unusable_reply: {exc.role} gave no usable reply ({exc.error})"
        metadata = CustomMetadata(
            scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
            language=language if language != UNKNOWN else "unknown",
            critic=CriticSummary(decision="reject", reasons=[reason], scores=None, model_decision=None,
                                 model_reason=None, model_overruled=False, failed_checks=["unusable_reply"]),
            usage=ItemUsage.of(usage.total), input=self.team_spec.spec.input or "", source=fields.get("source"),
            fields={"raw_reply": exc.raw[:2000]},
        )
        record = Record(id=item.item_id, messages=instruction_messages(None, task, exc.raw[:2000] or "(no reply)"),
                        metadata=metadata)
        return ItemResult.one(record, [reason])


# --- registration -------------------------------------------------------------------------


def _from_args(ctx: BuildContext) -> CustomFlow:
    a = ctx.args
    if not a.team_file:
        raise AgentsynthError("--scenario custom runs the flow in --team-file SPEC.yaml")
    return CustomFlow(CustomOptions(team_file=a.team_file, inputs=a.input or [], language=a.language,
                                    critic_trust=ctx.critic_trust))


ENTRY = register(ScenarioEntry(
    name="custom", summary="a flow defined entirely in --team-file", family="instruction", build=_from_args,
))
