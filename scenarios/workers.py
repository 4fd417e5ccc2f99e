"""Work items run by several processes (`--workers N`).

One Python process runs out of CPU long before a fast backend runs out of slots: every
model call costs a few milliseconds of parsing, validation and checking, and at 32 calls in
flight the event loop's queue, not the backend, sets the pace. Workers are forked from the
main process after planning, so they share the plan (chunks, index, personas) without
copying or re-reading it; each builds its own model clients and runs its share of the items
and of the concurrency.

Only the main process writes output and runs the dataset gate: a worker sends each finished
item's outcome over a pipe, so a crash of either side loses at most the items in flight, and
resume works as with one process. Run-wide state (`Scenario.shared_state`: the duplicate
registry) stays in the main process, and workers call it through a proxy, so every item is
checked against everything accepted so far, whichever worker accepted it. The budget's
counters live in shared memory.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ..backends.models import share_of
from ..errors import AgentsynthError
from .base import Scenario, WorkItem
from .items import ItemOutcome, RunSettings, as_role_model, execute_item, failure_row

Record = Callable[[WorkItem, ItemOutcome], Awaitable[None]]


class _Channel:
    """A worker's two pipe ends: messages to the main process, replies to its calls."""

    def __init__(self, to_main: Any, replies: Any) -> None:
        self.to_main = to_main
        self.replies = replies
        self._lock = threading.Lock()

    def send(self, message: tuple) -> None:
        with self._lock:
            self.to_main.send(message)

    def call(self, state: str, attribute: str, args: tuple | None, kwargs: dict | None) -> Any:
        with self._lock:  # one call at a time, so each reply answers its own call
            self.to_main.send(("call", state, attribute, args, kwargs))
            kind, value = self.replies.recv()
        if kind == "error":
            raise AgentsynthError(f"shared {state}.{attribute} failed in the main process: {value}")
        return value


class RemoteState:
    """Worker side of a run-wide object that lives in the main process: reading an attribute
    or calling a method is a round trip to it (0.15 ms median at 32 in flight, a few per item)."""

    def __init__(self, name: str, channel: _Channel) -> None:
        self._name = name
        self._channel = channel
        self._methods: set[str] = set()

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        if attribute not in self._methods:
            value = self._channel.call(self._name, attribute, None, None)
            if not isinstance(value, _Method):
                return value
            self._methods.add(attribute)
        return lambda *args, **kwargs: self._channel.call(self._name, attribute, args, kwargs)


@dataclass(frozen=True)
class _Method:
    """Reply to an attribute read: the attribute is a method, call it remotely."""


def _answer_call(scenario: Scenario, state: str, attribute: str, args: tuple | None, kwargs: dict | None) -> tuple:
    if state not in scenario.shared_state:
        return "error", f"{state} is not shared state of {scenario.name}"
    try:
        target = getattr(getattr(scenario, state), attribute)
        if args is None:
            return "ok", (_Method() if callable(target) else target)
        return "ok", target(*args, **(kwargs or {}))
    except Exception as exc:  # the worker raises it in the item that asked
        return "error", f"{type(exc).__name__}: {exc}"


@dataclass
class _Worker:
    index: int
    process: Any
    messages: Any  # main side: outcomes, calls, stop reasons, the final report
    replies: Any  # main side: answers to calls
    done: asyncio.Future | None = None
    reports: dict[str, Any] = field(default_factory=dict)
    finished: bool = False  # said "done" (else it died)
    unrecorded: set[str] = field(default_factory=set)  # its items whose outcome has not arrived


class WorkerProcesses:
    """Forks `count` processes now, each with every n-th item of `todo`; `run` records their
    outcomes as they arrive."""

    def __init__(self, scenario: Scenario, settings: RunSettings, todo: list[WorkItem], count: int) -> None:
        if "fork" not in multiprocessing.get_all_start_methods():
            raise AgentsynthError(f"--workers {settings.workers}: needs fork(), which {sys.platform} lacks; "
                                  "use --workers 1")
        if settings.worker_models is None:
            raise AgentsynthError(f"--workers {settings.workers}: this run cannot build clients in worker processes")
        context = multiprocessing.get_context("fork")
        self.scenario = scenario
        self.items = {item.item_id: item for item in todo}
        self.stop = context.Event()  # set by the main process: start no further items
        if settings.budget is not None:
            settings.budget.share_with_forked_workers()
        self.workers: list[_Worker] = []
        for k in range(count):
            messages_main, messages_worker = context.Pipe(duplex=False)
            replies_worker, replies_main = context.Pipe(duplex=False)
            process = context.Process(
                target=_worker_main, name=f"agentsynth-worker-{k}", daemon=True,
                args=(k, count, todo[k::count], scenario, settings, _Channel(messages_worker, replies_worker),
                      self.stop, os.getpid(), [end for w in self.workers for end in (w.messages, w.replies)]),
            )
            process.start()
            messages_worker.close()
            replies_worker.close()
            self.workers.append(_Worker(k, process, messages_main, replies_main,
                                        unrecorded={item.item_id for item in todo[k::count]}))

    async def run(self, record: Record, stop_reasons: list[str]) -> None:
        loop = asyncio.get_running_loop()
        recording: set[asyncio.Task] = set()
        errors: list[BaseException] = []  # writing an item failed (a full disk): the run stops with it

        def recorded(task: asyncio.Task) -> None:
            recording.discard(task)
            if not task.cancelled() and task.exception() is not None:
                errors.append(task.exception())
                self.stop.set()

        def receive(worker: _Worker) -> None:
            try:
                while worker.messages.poll():
                    handle(worker, worker.messages.recv())
            except (EOFError, OSError):  # the worker is gone; its sentinel says how
                loop.remove_reader(worker.messages.fileno())
            except Exception as exc:  # a message that cannot be read: its item is redone on resume
                stop_reasons.append(f"a message from worker process {worker.index} could not be read: {exc}")
                self.stop.set()

        def handle(worker: _Worker, message: tuple) -> None:
            kind = message[0]
            if kind == "call":
                worker.replies.send(_answer_call(self.scenario, *message[1:]))
            elif kind == "item":
                outcome: ItemOutcome = message[1]
                worker.unrecorded.discard(outcome.item_id)
                if outcome.usage.interrupted:
                    self.stop.set()
                task = loop.create_task(record(self.items[outcome.item_id], outcome))
                recording.add(task)
                task.add_done_callback(recorded)
            elif kind == "stop":
                stop_reasons.append(message[1])
                self.stop.set()
            elif kind == "done":
                worker.reports, worker.finished = message[1], True

        def exited(worker: _Worker) -> None:
            loop.remove_reader(worker.process.sentinel)
            receive(worker)  # what it sent before it exited
            worker.process.join()
            if not worker.finished:
                stop_reasons.append(f"worker process {worker.index} exited with code {worker.process.exitcode}; "
                                    "its unfinished items are left for --resume")
                self.stop.set()
                for item_id in worker.unrecorded:  # what its items in flight claimed is no record
                    self.scenario.settle_claims(item_id, [])
            assert worker.done is not None
            worker.done.set_result(None)

        for worker in self.workers:
            worker.done = loop.create_future()
            loop.add_reader(worker.messages.fileno(), receive, worker)
            loop.add_reader(worker.process.sentinel, exited, worker)
        try:
            await asyncio.gather(*(w.done for w in self.workers if w.done is not None))
            while recording:
                await asyncio.gather(*recording, return_exceptions=True)
            if errors:
                raise errors[0]
        finally:
            for worker in self.workers:
                for fd in (worker.messages.fileno(), worker.process.sentinel):
                    loop.remove_reader(fd)

    def reports(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """The workers' manifest sections, plus the main process's counts from planning (its
        concurrency limits were not in use while the workers ran, so they do not add up)."""
        merged: dict[str, Any] = {}
        for name in {name for w in self.workers for name in w.reports}:
            for worker in self.workers:
                if name in worker.reports:
                    merged[name] = merge_reports(merged.get(name), worker.reports[name])
            merged[name] = merge_reports(merged[name], _without(manifest.get(name), "concurrency"))
        merged["workers"] = len(self.workers)
        return merged

    def close(self) -> None:
        """Stop workers that are still running (an interrupted run): their items in flight are redone on resume."""
        self.stop.set()
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self.workers:
            worker.process.join(timeout=10)
            worker.messages.close()
            worker.replies.close()


def merge_reports(a: Any, b: Any) -> Any:
    """Two processes' report sections as one: numbers add up (calls, retries, each worker's
    concurrency), mappings merge key by key, anything else keeps the first value."""
    if a is None:
        return b
    if isinstance(a, dict) and isinstance(b, dict):
        return {key: merge_reports(a.get(key), b.get(key)) if key in a and key in b else a.get(key, b.get(key))
                for key in {**a, **b}}
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return a + b
    return a


def _without(report: Any, key: str) -> Any:
    if not isinstance(report, dict):
        return report
    return {k: _without(v, key) for k, v in report.items() if k != key}


def _worker_main(k: int, n: int, items: list[WorkItem], scenario: Scenario, settings: RunSettings,
                 channel: _Channel, stop: Any, parent: int, others: list[Any]) -> None:
    _die_with(parent)
    for end in others:  # the main process's ends of earlier workers' pipes: they must see EOF when it dies
        end.close()
    # Ctrl-C reaches the whole process group; the main process decides what stops and how.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in scenario.shared_state:
        setattr(scenario, name, RemoteState(name, channel))
    asyncio.run(_work(k, n, items, scenario, settings, channel, stop, parent))


async def _work(k: int, n: int, items: list[WorkItem], scenario: Scenario, settings: RunSettings,
                channel: _Channel, stop: Any, parent: int) -> None:
    assert settings.worker_models is not None
    concurrency = share_of(max(1, settings.concurrency), k, n)
    models = settings.worker_models(k, n, concurrency)
    role_models = {role: as_role_model(models.model_for_role(role), settings) for role in scenario.roles}
    semaphore = asyncio.Semaphore(concurrency)

    async def run_one(item: WorkItem) -> None:
        async with semaphore:
            if stop.is_set():
                return
            if reason := (settings.budget.exhausted if settings.budget else None) or models.stop_reason():
                stop.set()
                channel.send(("stop", reason))
                return
            outcome = await execute_item(scenario, item, role_models, settings.budget)
            try:
                channel.send(("item", outcome))
            except (pickle.PicklingError, TypeError, AttributeError) as exc:  # a result that cannot travel fails alone
                failure = failure_row(item, AgentsynthError(f"its result could not be sent to the main process: {exc}"))
                channel.send(("item", ItemOutcome(item.item_id, outcome.usage, failure=failure)))

    orphaned = asyncio.get_running_loop().create_task(_main_process_gone(parent))
    try:
        await asyncio.gather(*(run_one(item) for item in items))
    finally:
        orphaned.cancel()
        reports = {name: report() for name, report in models.reports.items()}
        await models.close()
    channel.send(("done", reports))


def _die_with(parent: int) -> None:
    """On Linux the kernel kills this worker when the main process dies (even by kill -9):
    nobody would record its items, and a worker blocked on a call would never notice."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


async def _main_process_gone(parent: int) -> None:
    """Elsewhere, a worker whose main process was killed stops within half a second."""
    while os.getppid() == parent:
        await asyncio.sleep(0.5)
    os._exit(1)
