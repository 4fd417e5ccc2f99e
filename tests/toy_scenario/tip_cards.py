"""A toy scenario, written the way docs/extending.md says: one module (this), one team spec
(tip_cards.yaml) and one prompt file (tip_cards.prompt.md), nothing else in the project.

`python run.py --scenario tip_cards --input tips.txt`: one work item per line of the file;
a card writer turns the tip into a question and its answer; the custom-record checks vet it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autogen_agentchat.messages import TextMessage

from agentsynth.agents.instructions import InstructionContext
from agentsynth.backends.metering import models_label
from agentsynth.checks.base import Candidate
from agentsynth.checks.custom import CUSTOM_CHECKS
from agentsynth.errors import InputError
from agentsynth.scenarios.base import ItemResult, Plan, Scenario, ScenarioEntry, WorkItem, option, register
from agentsynth.scenarios.records import BaseMetadata, CriticSummary, ItemUsage, Record, instruction_messages
from agentsynth.teams.qa import run_unwrapped
from agentsynth.teams.queries import content_of


class TipCardMetadata(BaseMetadata):
    tip: str


@dataclass
class TipCardOptions:
    input: Path
    style: str = "plain"
    team_file: Path | None = None


class TipCards(Scenario):
    name = "tip_cards"

    def __init__(self, options: TipCardOptions) -> None:
        self.options = options
        self.use_team(None, options.team_file)

    def plan(self) -> Plan:
        if not self.options.input.is_file():
            raise InputError(self.options.input, "no such file")
        tips = [t.strip() for t in self.options.input.read_text(encoding="utf-8").splitlines() if t.strip()]
        return Plan(items=[WorkItem(item_id=f"tip-{n}", label=t[:40], payload=t) for n, t in enumerate(tips, 1)])

    async def run_item(self, item, clients, usage):
        context = InstructionContext(item_id=item.item_id, language="en", registry=None)
        task = TextMessage(content=f"Tip ({self.options.style} style): {item.payload}", source="user")
        result = await run_unwrapped(self.new_team(clients, context, {}), task, context)
        card = content_of(result.messages[-1])
        checks = CUSTOM_CHECKS.run(Candidate(question=card.question, answer=card.answer, language="en",
                                             source=item.payload))
        reasons = [f"{c.name}: {c.detail}" for c in checks if not c.passed]
        critic = CriticSummary(decision="reject" if reasons else "accept", reasons=reasons, scores=None,
                               model_decision=None, model_reason=None, model_overruled=False,
                               failed_checks=[c.name for c in checks if not c.passed])
        metadata = TipCardMetadata(scenario=self.name, item_id=item.item_id, team=self.team_name, model=models_label(clients),
                                   language="en", critic=critic, usage=ItemUsage.of(usage.total), tip=item.payload)
        record = Record(id=item.item_id, messages=instruction_messages(None, card.question, card.answer),
                        metadata=metadata)
        return ItemResult.one(record, reasons)


def _from_args(ctx: Any) -> TipCards:
    return TipCards(TipCardOptions(input=ctx.one_input("tip_cards", "tips.txt"), style=ctx.args.card_style,
                                   team_file=ctx.args.team_file))


ENTRY = register(ScenarioEntry(
    name="tip_cards", summary="a toy: one question/answer card per tip", family="instruction", build=_from_args,
    teams={"cards": Path(__file__).with_name("tip_cards.yaml")},
    options=(option("--card-style", group="tip_cards", default="plain", help="how the cards are written"),),
))
