"""The runner every scenario shares: bounded concurrency, one fresh team per work item,
per-item durable output, resume, progress, usage accounting and the manifest. Items run in
this process, or in worker processes (`workers.py`) whose outcomes this process records.

Output directory:
  data.jsonl          accepted records
  rejected.jsonl      rejected records with the critic's reasons
  failed.jsonl        work items that raised (error, raw model reply when there is one)
  train.openai.jsonl  only `messages` of accepted records, ready to upload
  progress.jsonl      one line per finished work item (what `--resume` skips)
  manifest.json       arguments, model, counts, usage per role, documents, skipped inputs
  <views>             per-scenario files derived from accepted records (preference: dpo.jsonl, ...)
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import __version__
from ..backends.metering import MeteredClient, UsageLedger
from ..checks.catalogue import rejection_rules
from ..errors import AgentsynthError
from ..tools.semantic import EMBEDDER
from ..tools.writers import (
    FolderBusy,
    JsonlAppender,
    folder_lock,
    read_manifest,
    read_records,
    rewrite_records,
    write_json,
)
from .base import DATA, FAILED, MANIFEST, PROGRESS, REJECTED, TRAIN, ItemResult, Plan, PlanContext, Scenario, WorkItem
from .gate import DatasetGate
from .steering import steering_report
from .items import ItemOutcome, RoleModel, RunSettings, as_role_model, execute_item


class RunSummary(BaseModel):
    out_dir: str
    status: str
    items: int
    items_done: int
    accepted: int
    rejected: int
    failed: int
    skipped_inputs: int
    prompt_tokens: int
    completion_tokens: int
    model_calls: int
    cached_calls: int
    cost_usd: float | None
    wall_seconds: float
    stop_reason: str | None = None


def _count_lines(path: Path) -> int:
    return sum(1 for _ in read_records(path))


def _fingerprint_hash(scenario: Scenario, settings: RunSettings, item_ids: list[str]) -> str:
    payload = {
        "scenario": scenario.name,
        "model": settings.model_label,
        "model_settings": settings.model_settings,
        "settings": scenario.fingerprint(),
        "holdout": hashlib.sha256(settings.holdout.read_bytes()).hexdigest()[:16] if settings.holdout else None,
        # A changed team (another --team-file, or an edited one) is a different run.
        "team": scenario.team_spec.digest if scenario.team_spec is not None else None,
        "items": item_ids,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


class _Outputs:
    """The run's output files, opened for appending.

    `save_item` and `save_failure` write on one thread of their own, in the order they are
    called: each item is fsynced file by file, and an fsync on the event loop's thread (a few
    milliseconds a file on real disks) would stall every team in flight."""

    def __init__(self, out_dir: Path, views: dict[str, Callable[[dict], dict]]) -> None:
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="agentsynth-writer")
        self.dir = out_dir
        self.data = JsonlAppender(out_dir / DATA)
        self.rejected = JsonlAppender(out_dir / REJECTED)
        self.failed = JsonlAppender(out_dir / FAILED)
        self.train = JsonlAppender(out_dir / TRAIN)
        self.progress = JsonlAppender(out_dir / PROGRESS)
        self.views = {name: (view, JsonlAppender(out_dir / name)) for name, view in views.items()}

    async def save_item(self, item: WorkItem, result: ItemResult, usage: UsageLedger) -> None:
        await asyncio.get_running_loop().run_in_executor(self._writer, self.write_item, item, result, usage)

    async def save_failure(self, failure: dict[str, Any], usage: UsageLedger) -> None:
        await asyncio.get_running_loop().run_in_executor(self._writer, self.write_failure, failure, usage)

    def write_item(self, item: WorkItem, result: ItemResult, usage: UsageLedger) -> None:
        # Records first, the progress line last: an item is "done" only once all of its
        # records are on disk, and resume drops records of items that are not done.
        self.data.write_many(result.accepted)
        self.train.write_many([{"messages": [m.model_dump() for m in r.messages]} for r in result.accepted])
        for view, appender in self.views.values():
            appender.write_many([view(r.model_dump(mode="json")) for r in result.accepted])
        self.rejected.write_many(result.rejected)
        self.progress.write_many([{
            "item_id": item.item_id, "status": "ok", "accepted": len(result.accepted),
            "rejected": len(result.rejected), "usage": usage.as_dict(), "at": round(time.time(), 3),
        }])

    def write_failure(self, failure: dict[str, Any], usage: UsageLedger) -> None:
        self.failed.write_many([failure])
        self.progress.write_many([{"item_id": failure["item_id"], "status": "failed", "usage": usage.as_dict(),
                                    "at": round(time.time(), 3)}])

    def close(self) -> None:
        self._writer.shutdown(wait=True)  # an item being written when the run stops is finished
        for appender in (self.data, self.rejected, self.failed, self.train, self.progress,
                         *(a for _, a in self.views.values())):
            appender.close()


def _unfinished(out_dir: Path) -> bool:
    """Does `out_dir` hold a run that did not finish (its manifest never said "complete")?"""
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")).get("status") != "complete"
    except (OSError, ValueError):
        return (out_dir / PROGRESS).exists()  # killed before its manifest was written


def _prepare_resume(out_dir: Path, fingerprint: str, scenario: Scenario) -> set[str]:
    """Keep what finished items wrote; drop partial output of items in flight at the crash."""
    manifest_path = out_dir / MANIFEST
    if not manifest_path.exists():
        raise AgentsynthError(f"{out_dir}: nothing to resume (no {MANIFEST})")
    previous = read_manifest(manifest_path)
    if previous.get("fingerprint") != fingerprint:
        raise AgentsynthError(
            f"{out_dir}: was made with a different scenario, model, settings or inputs; "
            "use a new --out directory instead of --resume"
        )
    finished = {p["item_id"]: p["status"] for p in read_records(out_dir / PROGRESS)}
    done = {item_id for item_id, status in finished.items() if status == "ok"}  # failed items are retried
    for name, keep in ((DATA, done), (REJECTED, done), (FAILED, set())):
        path = out_dir / name
        if path.exists():
            rewrite_records(path, [r for r in read_records(path) if _item_id(r) in keep])
    kept = list(read_records(out_dir / DATA))
    rewrite_records(out_dir / TRAIN, [{"messages": r["messages"]} for r in kept])
    for name, view in scenario.views().items():
        rewrite_records(out_dir / name, [view(r) for r in kept])
    rewrite_records(out_dir / PROGRESS, [p for p in read_records(out_dir / PROGRESS) if p["item_id"] in done])
    scenario.restore(kept)
    return done


def _item_id(record: dict) -> str | None:
    return record.get("item_id") or record.get("metadata", {}).get("item_id")


class _Progress:
    """A rich progress bar showing items, accepted, rejected, failed and tokens; while documents
    are still being read, the number of items grows and the bar says so."""

    def __init__(self, total: int, enabled: bool, console: Console, reading: bool = False) -> None:
        self.bar = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(bar_width=24), MofNCompleteColumn(),
            TextColumn("[green]✓ {task.fields[accepted]}"), TextColumn("[yellow]✗ {task.fields[rejected]}"),
            TextColumn("[red]! {task.fields[failed]}"), TimeElapsedColumn(), TextColumn("[dim]{task.fields[usage]}"),
            console=console, disable=not enabled, transient=False,
        )
        self.task = self.bar.add_task("items (reading)" if reading else "items", total=total, accepted=0, rejected=0,
                                      failed=0, usage="")

    def update(self, **fields: Any) -> None:
        self.bar.update(self.task, **fields)

    def planned(self, total: int) -> None:
        self.bar.update(self.task, total=total)

    def reading_done(self, total: int) -> None:
        self.bar.update(self.task, total=total, description="items")


async def run_scenario(
    scenario: Scenario,
    settings: RunSettings,
    client_for_role: Callable[[str], ChatCompletionClient | RoleModel],
    console: Console | None = None,
) -> RunSummary:
    console = console or Console(stderr=True)
    try:
        with folder_lock(settings.out_dir):
            return await _run_locked(scenario, settings, client_for_role, console)
    except FolderBusy as busy:
        raise AgentsynthError(f"{settings.out_dir}: another run is writing to this folder ({busy}); wait for it to "
                              "finish or choose another --out") from None


async def _run_locked(
    scenario: Scenario,
    settings: RunSettings,
    client_for_role: Callable[[str], ChatCompletionClient | RoleModel],
    console: Console,
) -> RunSummary:
    started = time.monotonic()
    # Clients are built once per role and shared by all teams (AutoGen's clients are
    # safe to share across concurrent teams; agents are not, and are built per item).
    gate = DatasetGate(settings.holdout)  # a bad holdout file is one line before any model is loaded
    role_models = {role: as_role_model(client_for_role(role), settings) for role in scenario.roles}
    out_dir = settings.out_dir
    if not settings.resume and any((out_dir / name).exists() for name in (DATA, PROGRESS)):
        if _unfinished(out_dir):  # killed, interrupted or stopped: go on where it stopped
            console.print(f"[yellow]resuming[/yellow] the unfinished run in {escape(str(out_dir))} (same configuration required)",
                          highlight=False, soft_wrap=True)
            settings.resume = True
        else:
            raise AgentsynthError(f"{out_dir}: already holds a run (finished); choose another --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    plan_usage = UsageLedger()
    plan = await scenario.astream_plan(PlanContext(
        clients={role: MeteredClient(m.client, role, plan_usage, m.label, price=m.price, budget=settings.budget)
                 for role, m in role_models.items()},
        console=console, show_progress=settings.show_progress, concurrency=max(1, settings.concurrency),
        out_dir=out_dir, resume=settings.resume,
    ))
    if plan.more is not None and (settings.engine == "ray" or settings.workers > 1 and settings.concurrency > 1):
        await plan.complete()  # worker processes and Ray actors share a plan that is made: all of it first
    streaming = plan.more is not None
    items = plan.items[: settings.limit] if settings.limit else plan.items
    steering = steering_report(items)
    # A plan that can be made while items run is known by its inputs (and the --limit that cuts
    # it), not by its items: a resume with worker processes, which reads everything first, is
    # the same run as one that read while items ran.
    identity = [*plan.inputs, f"limit={settings.limit}"] if plan.inputs is not None else [i.item_id for i in items]
    fingerprint = _fingerprint_hash(scenario, settings, identity)
    done: set[str] = set()
    if settings.resume:
        done = _prepare_resume(out_dir, fingerprint, scenario)
        gate.restore(list(read_records(out_dir / DATA)))

    run_usage = UsageLedger()
    for line in read_records(out_dir / PROGRESS):  # usage of items finished before a resume
        run_usage.merge(UsageLedger.from_dict(line.get("usage", {})))
    if settings.budget is not None:  # what finished items spent before a resume
        settings.budget.charge(run_usage.total.total_tokens, run_usage.total.cost_usd)

    manifest: dict[str, Any] = {
        "tool": f"agentsynth {__version__}",
        "scenario": scenario.name,
        "model": settings.model_label,
        "arguments": settings.arguments,
        "model_settings": settings.model_settings,  # per role, with the model profile in force
        "fingerprint": fingerprint,
        "status": "running",
        "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "skipped_inputs": [s.model_dump() for s in plan.skipped],
        "warnings": plan.warnings,
        "steering_text": steering,
        **plan.info,  # a plan still being made adds its documents to these as it reads them
    }
    write_json(out_dir / MANIFEST, manifest)

    todo = [item for item in items if item.item_id not in done]
    outputs = _Outputs(out_dir, scenario.views())
    progress = _Progress(len(items), settings.show_progress, console, reading=streaming)
    counts = {"accepted": _count_lines(out_dir / DATA), "rejected": _count_lines(out_dir / REJECTED), "failed": 0}
    progress.update(usage=run_usage.short(), **counts)
    stop_reasons: list[str] = []
    planned = {"items": len(items), "first_item_seconds": None}

    async def record(item: WorkItem, outcome: ItemOutcome) -> None:
        """Gate, write and count one item's outcome (here, whichever process ran it)."""
        usage = outcome.usage
        kept: list = []
        if outcome.failure is not None:
            await outputs.save_failure(outcome.failure, usage)
            counts["failed"] += 1
        elif outcome.result is not None:
            kept, stopped = gate.sort(outcome.result.accepted)
            result = ItemResult(accepted=kept, rejected=[*outcome.result.rejected, *stopped])
            await outputs.save_item(item, result, usage)
            counts["accepted"] += len(result.accepted)
            counts["rejected"] += len(result.rejected)
        scenario.settle_claims(item.item_id, kept)
        if usage.interrupted:
            stop_reasons.append(usage.interrupted)
        run_usage.merge(usage)
        progress.update(advance=0 if usage.interrupted else 1, usage=run_usage.short(), **counts)

    teams = max(1, settings.concurrency)
    waiting: asyncio.Queue[WorkItem | None] = asyncio.Queue()
    # Items planned but not started: enough to keep every team busy, few enough that a corpus
    # read while items run is not held in memory whole. (A bound of its own, not the queue's:
    # the end-of-plan marks must never wait for room, least of all when the run is cancelled.)
    room = asyncio.Semaphore(max(4 * teams, 64))
    stopping = False
    failures: list[Exception] = []

    async def plan_items() -> None:
        """Hand the plan's items to the teams: those made, then those still being made."""
        nonlocal stopping
        try:
            for item in items:
                await hand_over(item)
            if streaming:
                assert plan.more is not None
                async for batch in plan.more:
                    for item in batch:
                        if stopping or (settings.limit and planned["items"] >= settings.limit):
                            return
                        planned["items"] += 1
                        steering.extend(steering_report([item]))
                        await hand_over(item)
        finally:
            if streaming and plan.more is not None:
                await plan.more.aclose()  # read no further: the run stops, or --limit is reached
            progress.reading_done(planned["items"])
            for _ in range(teams):
                waiting.put_nowait(None)

    async def hand_over(item: WorkItem) -> None:
        progress.planned(planned["items"])
        if item.item_id in done:  # finished before a resume
            progress.update(advance=1)
        elif not stopping:
            await room.acquire()
            waiting.put_nowait(item)

    async def run_items() -> None:
        nonlocal stopping
        while (item := await waiting.get()) is not None:
            room.release()
            if stopping:
                continue  # left for a resume; the queue is drained so that planning can end
            if reason := settings.must_stop():  # budget spent or backend unusable: leave it for a resume
                stop_reasons.append(reason)
                stopping = True
                continue
            if planned["first_item_seconds"] is None:
                planned["first_item_seconds"] = round(time.monotonic() - started, 2)
            try:
                await record(item, await execute_item(scenario, item, role_models, settings.budget))
            except Exception as exc:  # writing failed (a full disk): no further item starts, the run ends with it
                failures.append(exc)
                stopping = True

    if (todo or streaming) and (scenario.uses_embeddings or gate.uses_embeddings):
        if streaming:  # a second of loading, while the first items wait on their models
            threading.Thread(target=EMBEDDER.load, name="agentsynth-embedder", daemon=True).start()
        else:  # before worker processes fork, so that they share it
            EMBEDDER.load()
    status = "complete"
    items_started, items_started_at = time.monotonic(), time.time()
    engine_seconds = 0.0
    workers = None
    try:
        with _startup_objects_frozen():
            count = min(settings.workers, len(todo), teams)
            if settings.engine == "ray" and todo:
                from .ray_engine import RayActors

                workers = RayActors(scenario, settings, todo, count)
                console.print(escape(workers.describe()), highlight=False, soft_wrap=True)
            elif not streaming and count > 1:
                from .workers import WorkerProcesses

                # Forked before the progress bar's and the writer's threads start.
                workers = WorkerProcesses(scenario, settings, todo, count)
            if workers is not None:
                # Starting the engine (Ray: joining the cluster, actors loading the plan) is
                # neither planning nor items: timed apart, so throughput is the items' own.
                engine_seconds = time.monotonic() - items_started
                items_started, items_started_at = time.monotonic(), time.time()
            with progress.bar:
                if workers is not None:
                    progress.update(completed=len(items) - len(todo))
                    await workers.run(record, stop_reasons)
                else:
                    planning = await asyncio.gather(plan_items(), *(run_items() for _ in range(teams)),
                                                    return_exceptions=True)
                    if errors := [*failures, *(o for o in planning if isinstance(o, BaseException))]:
                        raise errors[0]
    except (asyncio.CancelledError, KeyboardInterrupt):
        status = "interrupted"
        raise
    except Exception:  # e.g. the disk filled up: what was written stands, and the next start resumes
        status = "failed"
        raise
    finally:
        if workers is not None:
            workers.close()
        outputs.close()
        stop_reason = stop_reasons[0] if stop_reasons else None
        if stop_reason and status == "complete":
            status = "stopped"
        manifest["stop_reason"] = stop_reason
        manifest["skipped_inputs"] = [s.model_dump() for s in plan.skipped]  # a streamed plan found more
        if steering:
            plan.warnings.append(
                f"{len(steering)} source passage(s) hold text written to instruct a model (e.g. "
                f"{steering[0]['phrases'][0]!r} in {steering[0]['source']} {steering[0]['where']}); "
                "the prompts fence them as data, but check their records: manifest steering_text")
        run_usage.merge(plan_usage)  # planning's own calls (charged to the budget as they were made)
        for name, report in settings.reports.items():
            manifest[name] = report()
        manifest["workers"] = 1
        if workers is not None:
            manifest.update(workers.reports(manifest))
        manifest.update(scenario.report(out_dir))
        rejected = list(read_records(out_dir / REJECTED))  # read once for both sections
        manifest["dataset_gate"] = gate.report(rejected)
        manifest["rejected_by_rule"] = rejection_rules(rejected)
        manifest["views"] = list(scenario.views())
        # Planning (of the first document, when items run while the rest are read) apart from the
        # items: throughput is items_seconds'.
        manifest["timing"] = {"planning_seconds": round(items_started - started - engine_seconds, 2),
                              "engine_start_seconds": round(engine_seconds, 2),
                              "first_item_seconds": planned["first_item_seconds"],
                              "items_seconds": round(time.monotonic() - items_started, 2),
                              "items_started_at": round(items_started_at, 3)}  # progress lines' clock
        summary = _finish(manifest, out_dir, planned["items"], run_usage, plan, started, status)
    return summary


@contextmanager
def _startup_objects_frozen() -> Iterator[None]:
    """Keep the objects that outlive every item (imported modules, language profiles,
    the plan's chunks) out of the cyclic garbage collector while the items run.

    A full collection scans every tracked object; with ~350k of them it paused the event
    loop for 150-300 ms, ten times in a 15-second run at 32 items in flight, stalling
    every team at once. Frozen objects are skipped (and unfrozen after the run, so a
    process that goes on to other work can still reclaim them).

    (Raising the young generation's threshold to 20,000 gave ~13% more calls/s at 128 in
    flight, but peak memory then grew with the run's length: 465 MiB at 512 items, 593 at
    1,024, against 370 and 392. Unattended runs of thousands of items come first.)"""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _finish(
    manifest: dict[str, Any], out_dir: Path, item_count: int, usage: UsageLedger, plan: Plan,
    started: float, status: str,
) -> RunSummary:
    # Counts are read back from the files, so the manifest matches them line for line.
    progress_lines = list(read_records(out_dir / PROGRESS))
    counts = {
        "items": item_count,
        "items_done": sum(1 for p in progress_lines if p["status"] == "ok"),
        "accepted": _count_lines(out_dir / DATA),
        "rejected": _count_lines(out_dir / REJECTED),
        "failed": _count_lines(out_dir / FAILED),
    }
    wall = round(time.monotonic() - started, 2)
    manifest.update(
        status=status,
        finished_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        wall_seconds=wall,
        counts=counts,
        usage={
            "per_role": usage.as_dict(),
            "per_model": {model: u.model_dump(exclude={"model"}) for model, u in usage.by_model().items()},
            "total": usage.total.model_dump(exclude={"model"}),
        },
        files=[DATA, REJECTED, FAILED, TRAIN, PROGRESS],
    )
    write_json(out_dir / MANIFEST, manifest)
    total = usage.total
    return RunSummary(
        out_dir=str(out_dir), status=status, skipped_inputs=len(plan.skipped),
        prompt_tokens=total.prompt_tokens, completion_tokens=total.completion_tokens, model_calls=total.calls,
        cached_calls=total.cached_calls, cost_usd=total.cost_usd, wall_seconds=wall,
        stop_reason=manifest.get("stop_reason"), **counts,
    )
