"""The contract between a scenario and the engine: what a scenario provides (its work items,
how one item runs, what it keeps across a run) and what it gets while planning. A new
scenario subclasses `Scenario`; the runner and the worker processes only ever see this."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..backends.metering import UsageLedger
from ..errors import AgentsynthError
from ..teams.build import build_team
from ..teams.loading import load_team
from ..teams.queries import team_roles
from ..teams.registry import ScenarioTeams, register_scenario_teams
from .records import Record, RejectedRecord

# The files of a run's output folder (the runner writes them; a scenario's report reads them).
DATA, REJECTED, FAILED, TRAIN, PROGRESS, MANIFEST = (
    "data.jsonl", "rejected.jsonl", "failed.jsonl", "train.openai.jsonl", "progress.jsonl", "manifest.json",
)


@dataclass
class WorkItem:
    item_id: str
    label: str
    payload: Any


class SkippedInput(BaseModel):
    path: str
    reason: str


@dataclass
class Plan:
    items: list[WorkItem]
    skipped: list[SkippedInput] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # scenario facts for the manifest
    warnings: list[str] = field(default_factory=list)  # shown at the end and kept in the manifest
    # A plan made while its items run (documents still being read): the items still to come,
    # batch by batch. `skipped`, `info` and `warnings` grow as they come.
    more: AsyncIterator[list[WorkItem]] | None = None
    # What identifies such a plan's inputs before they are all read (the run's fingerprint
    # uses it in place of the item ids it does not know yet).
    inputs: list[str] | None = None

    async def complete(self) -> "Plan":
        """Every item planned: what is still to come, read now."""
        if self.more is not None:
            async for items in self.more:
                self.items.extend(items)
            self.more = None
        return self


@dataclass
class PlanContext:
    """What a scenario may use while planning: metered clients per role (e.g. a vision
    model describing figures before chunking) and a progress bar."""

    clients: dict[str, ChatCompletionClient]
    console: Console
    show_progress: bool = True
    concurrency: int = 1
    # Where planning keeps what it made (personas, a curriculum): a resumed run reads it back
    # instead of asking the models again, so its work items stay the same.
    out_dir: Path | None = None
    resume: bool = False

    def saved(self, name: str) -> Path | None:
        """`out_dir/name` when resuming and planning saved it before, else None."""
        path = self.out_dir / name if self.out_dir is not None else None
        return path if self.resume and path is not None and path.exists() else None

    @contextmanager
    def progress(self, description: str, total: int) -> Iterator[Callable[[], None]]:
        """A progress bar for `total` steps (none when total is 0); yields `advance()`."""
        bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(bar_width=24), MofNCompleteColumn(),
                       TimeElapsedColumn(), console=self.console, disable=not self.show_progress or total == 0)
        task = bar.add_task(description, total=total)
        with bar:
            yield lambda: bar.advance(task)


@dataclass
class ItemResult:
    accepted: list[Record]
    rejected: list[RejectedRecord | dict]  # dicts: records the dataset gate stopped

    @classmethod
    def one(cls, record: Record, reasons: list[str]) -> "ItemResult":
        """An item's single record: accepted when nothing speaks against it, else rejected with why."""
        if reasons:
            return cls(accepted=[], rejected=[RejectedRecord(id=record.id, messages=record.messages,
                                                             metadata=record.metadata, reasons=reasons)])
        return cls(accepted=[record], rejected=[])


class Scenario(ABC):
    name: ClassVar[str]
    roles: ClassVar[tuple[str, ...]]

    def plan(self) -> Plan:
        raise NotImplementedError

    async def aplan(self, context: PlanContext) -> Plan:
        """The work items; override this instead of `plan` to call models while planning."""
        return self.plan()

    async def astream_plan(self, context: PlanContext) -> Plan:
        """The plan the runner asks for: a scenario that can start items before it has planned
        them all returns the first ones with the rest in `Plan.more` (seed_from_pdf: items run
        while documents are read); the others plan everything first."""
        return await self.aplan(context)

    @abstractmethod
    async def run_item(
        self, item: WorkItem, clients: dict[str, ChatCompletionClient], usage: UsageLedger
    ) -> ItemResult: ...

    def fingerprint(self) -> dict[str, Any]:
        """Settings that must not change between a run and its resumption."""
        return {}

    # Attributes holding run-wide state that items update as they run (a duplicate registry).
    # With --workers, it stays in the main process and workers reach it through a proxy.
    shared_state: ClassVar[tuple[str, ...]] = ()
    # Whether its checks compare sentence embeddings (tools/semantic.py): the runner then loads
    # the model once before items start and before worker processes fork, so they share it and
    # no item waits a second for it.
    uses_embeddings: ClassVar[bool] = False

    def restore(self, accepted: list[dict]) -> None:
        """On resume, re-seed run-wide state (e.g. the duplicate registry) from kept records."""

    def settle_claims(self, item_id: str, kept: list[Record]) -> None:
        """Once an item's outcome is written: release what it claimed in run-wide registries
        but did not keep (it failed, or the dataset gate removed the record). Registries are
        keyed by user turns (questions, instructions), as `restore` re-seeds them."""
        turns = [m.content for record in kept for m in record.messages if m.role == "user"]
        for name in self.shared_state:
            registry = getattr(self, name, None)
            if registry is not None and hasattr(registry, "settle"):
                registry.settle(item_id, turns)

    def views(self) -> dict[str, Callable[[dict], dict]]:
        """Extra files derived from each accepted record (file name → row of a record's JSON),
        written beside data.jsonl and rebuilt from it on resume; e.g. DPO pairs."""
        return {}

    def report(self, out_dir: Path) -> dict[str, Any]:
        """Manifest sections computed from the finished output (e.g. rejections per rule)."""
        return {}

    # --- the scenario's agent team, from a team spec (teams/specs/ or --team-file) ----------

    team_spec: Any = None  # LoadedSpec
    planning_roles: ClassVar[tuple[str, ...]] = ()  # roles planning calls (vision, curriculum, ...)

    def use_team(self, team: str | None, team_file: Path | None, params: dict[str, Any] | None = None) -> None:
        """Load and validate the team (a built-in by --team name, or a user's file); the
        scenario's roles become the planning roles plus the team's model roles."""
        self.team_spec = load_team(self.name, team, team_file)
        roles = team_roles(self.team_spec, params or {})
        self.roles = (*roles, *[r for r in self.planning_roles if r not in roles])  # type: ignore[misc]

    @property
    def team_name(self) -> str:
        return self.team_spec.spec.name if self.team_spec is not None else ""

    def new_team(self, clients: dict[str, ChatCompletionClient], context: Any, params: dict[str, Any]):
        """A fresh team for one work item."""
        return build_team(self.team_spec, clients, context, params, self.name)


# --- registration: a scenario says, in its own module, how the CLI builds it ---------------


@dataclass(frozen=True)
class Option:
    """One command-line option, as argparse takes it; `group` is its heading in --help. Two
    scenarios that use one option share the same object (defined in one module)."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any]
    group: str

    @property
    def dest(self) -> str:
        return self.flags[0].lstrip("-").replace("-", "_")


def option(*flags: str, group: str, **kwargs: Any) -> Option:
    return Option(flags, kwargs, group)


@dataclass
class BuildContext:
    """What the CLI hands a scenario's factory: the parsed arguments and what run.py derived."""

    args: Any  # argparse.Namespace
    critic_trust: str
    answer_style: str
    bounded: bool  # replies are grammar-bounded (in-process models)
    console: Console
    chunk_measure: Callable[[], Any]  # the question writer's chunk measure (documents only)
    role_spec: Callable[[str], Any]  # a role's model spec (backends.models.ModelSpec)

    def one_input(self, scenario: str, what: str) -> Path:
        inputs = self.args.input or []
        if len(inputs) != 1:
            raise AgentsynthError(f"--scenario {scenario} needs exactly one --input {what}")
        return inputs[0]


@dataclass(frozen=True)
class ScenarioEntry:
    """A scenario as the CLI and the team registry know it."""

    name: str
    summary: str
    family: str  # the roles its teams may use: qa, instruction or dialogue
    build: Callable[[BuildContext], Scenario]
    teams: dict[str, str | Path] = field(default_factory=dict)  # --team name → built-in spec (first: default)
    params: tuple[str, ...] = ()  # per-item values its teams may use (${name} and role needs)
    task_types: tuple[type[BaseModel], ...] = ()  # structured task messages it sends its teams
    options: tuple[Option, ...] = ()  # its own command-line options


SCENARIOS: dict[str, ScenarioEntry] = {}


def register(entry: ScenarioEntry) -> ScenarioEntry:
    """Make a scenario known to `run.py --scenario` and to the team specs' validation."""
    SCENARIOS[entry.name] = entry
    register_scenario_teams(entry.name, ScenarioTeams(entry.family, entry.teams, entry.params, entry.task_types))
    return entry
