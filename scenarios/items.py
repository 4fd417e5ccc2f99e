"""Running one work item, wherever it runs (this process or a worker process): the models
of its roles, metered; its outcome; and the run's settings both sides read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient

from ..backends.metering import Budget, MeteredClient, Price, UsageLedger
from ..errors import StructuredOutputError
from .base import ItemResult, Scenario, WorkItem


@dataclass
class RoleModel:
    """The model a role runs on: its (shared) client, its label in records, its price."""

    client: ChatCompletionClient
    label: str
    price: Price | None = None


@dataclass
class WorkerModels:
    """The model clients of one process running items: built afresh in each worker process
    (HTTP connections and event loops do not survive a fork), with their stop signal and
    the manifest sections they report (backend statistics, cache hits)."""

    model_for_role: Callable[[str], ChatCompletionClient | RoleModel]
    stop_reason: Callable[[], str | None]
    reports: dict[str, Callable[[], Any]]
    close: Callable[[], Awaitable[None]]


@dataclass
class ItemOutcome:
    """What running one work item gave: its result, or the failed.jsonl row when it raised,
    or neither when a refused call interrupted it (then it is redone on resume)."""

    item_id: str
    usage: UsageLedger
    result: ItemResult | None = None
    failure: dict[str, Any] | None = None


def failure_row(item: WorkItem, error: BaseException) -> dict[str, Any]:
    row = {"item_id": item.item_id, "label": item.label, "error": f"{type(error).__name__}: {error}"}
    if isinstance(error, StructuredOutputError):
        row["raw_reply"] = error.raw
    return row


async def execute_item(
    scenario: Scenario, item: WorkItem, role_models: dict[str, RoleModel], budget: Budget | None
) -> ItemOutcome:
    """Run one item's team on metered clients; one item's failure is recorded, never the end of the run."""
    usage = UsageLedger()
    clients = {role: MeteredClient(m.client, role, usage, m.label, price=m.price, budget=budget)
               for role, m in role_models.items()}
    try:
        result = await scenario.run_item(item, clients, usage)
    except Exception as exc:
        # A refused call (budget spent, backend unusable) leaves the item half done: redo it on resume.
        return ItemOutcome(item.item_id, usage, failure=None if usage.interrupted else failure_row(item, exc))
    return ItemOutcome(item.item_id, usage, result=None if usage.interrupted else result)


@dataclass
class RunSettings:
    out_dir: Path
    model_label: str
    concurrency: int = 1
    limit: int | None = None
    resume: bool = False
    arguments: dict[str, Any] = field(default_factory=dict)
    show_progress: bool = True
    budget: Budget | None = None  # for the whole run, including the part before a resume
    # What shapes the models' replies (per-role model settings): part of the run's fingerprint.
    model_settings: dict[str, Any] = field(default_factory=dict)
    # Why the run must stop early (e.g. a backend refused the key), checked between items.
    stop_reason: Callable[[], str | None] | None = None
    # Extra manifest sections computed at the end (backends, cache).
    reports: dict[str, Callable[[], Any]] = field(default_factory=dict)
    holdout: Path | None = None  # evaluation questions no record may copy or paraphrase
    # Processes running items (--workers): one Python process runs out of CPU before a fast
    # backend does. Each worker builds its own clients with `worker_models`.
    workers: int = 1
    worker_models: Callable[[int, int, int], WorkerModels] | None = None
    # Where those processes run: forked here ("local") or as actors of a Ray cluster ("ray",
    # scenarios/ray_engine.py; `ray_address` None starts a local Ray instance).
    engine: str = "local"
    ray_address: str | None = None

    def must_stop(self) -> str | None:
        if self.budget is not None and (reason := self.budget.exhausted):
            return reason
        return self.stop_reason() if self.stop_reason is not None else None


def as_role_model(model: ChatCompletionClient | RoleModel, settings: RunSettings) -> RoleModel:
    return model if isinstance(model, RoleModel) else RoleModel(model, settings.model_label)
