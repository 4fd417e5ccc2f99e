"""Work items run by Ray actors (`--engine ray`), on one machine or a cluster.

Planning happens here, in the driver, as with the local engine; so do the writer, the dataset
gate, resume and the manifest. What moves to the cluster:

- the plan (the scenario with its chunks and lookup index, and the items to run) goes into
  Ray's object store once; each node holds one copy and each actor deserialises it once,
  and an item travels to its actor as its id;
- each actor builds its own model clients (cache, retries, its share of the concurrency, so
  that the shares add up to the run's limits and a backend's `max_concurrency` holds across
  the cluster) and runs items on its own event loop;
- the duplicate registry (`Scenario.shared_state`) and the budget live in one Ray actor each:
  a claim is one actor call, and an actor runs its calls one at a time, so two items on two
  nodes cannot both keep the same question.

An actor that dies (killed, out of memory, its node gone) loses only its items in flight: it
is replaced, each of those items is tried once more on whichever actor is free, and an item
whose actor dies a second time is recorded as failed with the cause. Ray is imported only
here, and only when the engine is asked for.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
import warnings
from collections import deque
from types import SimpleNamespace
from typing import Any

from .. import __version__
from ..backends.metering import Budget, UsageLedger
from ..backends.models import share_of
from ..errors import AgentsynthError
from .base import Scenario, WorkItem
from .items import ItemOutcome, RunSettings, as_role_model, execute_item, failure_row
from .workers import Record, RemoteState, _answer_call, _without, merge_reports

ATTEMPTS = 2  # an item whose actor died is tried once more; then it is recorded as failed
ACTOR_START_SECONDS = 600  # loading the plan and, for in-process models, the model itself
WAITS_KEPT = 10_000  # round-trip times each actor keeps, for the manifest's median
CLIENT_SERVER_FAILED = "Starting Ray client server failed"  # Ray's words, ray/util/client/server/proxier.py
CLIENT_SERVER_ATTEMPTS = 2


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise AgentsynthError("--engine ray: Ray is not installed; install it with pip install -e \".[ray]\"") from None
    return ray


def connect(address: str | None, actors: int, asked: int) -> dict[str, Any]:
    """Join the cluster at `address` ('auto', 'HOST:PORT', 'ray://HOST:10001'), or start a
    local Ray instance when there is none; what it is, for the manifest."""
    ray = _ray()
    options: dict[str, Any] = {"logging_level": logging.ERROR, "log_to_driver": False, "ignore_reinit_error": True}
    if address:
        _join(ray, address, options)
    else:  # a local instance of this run's own, never a cluster someone else started here
        from ..tools.processes import available_cpus

        ray.init(address="local", num_cpus=max(actors, available_cpus()), include_dashboard=False, **options)
    cpus = ray.cluster_resources().get("CPU", 0)
    nodes = [n for n in ray.nodes() if n.get("Alive")]
    if cpus < actors:
        ray.shutdown()
        raise AgentsynthError(f"--workers {asked}: the Ray cluster{' at ' + address if address else ''} has "
                              f"{cpus:g} CPUs and each of the {actors} actors takes one; use --workers "
                              f"{int(cpus) or 1} or add nodes")
    return {"name": "ray", "address": address or "local", "nodes": len(nodes), "cpus": cpus}


def _join(ray: Any, address: str, options: dict[str, Any]) -> None:
    """ray.init(address), in one line when it fails. Ray Client (`ray://`) starts a server
    process per driver on the head; one that fails to start (a busy head) is asked for again
    once, as a new driver would."""
    for attempt in range(1, CLIENT_SERVER_ATTEMPTS + 1):
        try:
            with warnings.catch_warnings():  # Ray Client warns of a timeout before raising it
                warnings.simplefilter("ignore", UserWarning)
                ray.init(address=address, **options)
            return
        except Exception as exc:  # ConnectionError, a timeout, a bad address: one line
            # A failed ray:// join leaves Ray in client mode, and every later ray.init in this
            # process (a library user's next run) fails on an empty AssertionError; shutting
            # down resets it.
            ray.shutdown()
            if CLIENT_SERVER_FAILED in str(exc) and attempt < CLIENT_SERVER_ATTEMPTS:
                time.sleep(1)
                continue
            cause = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise AgentsynthError(f"--ray-address {address}: cannot join the Ray cluster: {cause}") from None


class _ActorChannel:
    """RemoteState's channel to the actor that holds the run-wide state."""

    def __init__(self, holder: Any) -> None:
        self.holder = holder
        self.calls = 0
        # Seconds the latest calls took, round trip (an item waits that long); bounded, as a run
        # makes a few calls per item, millions in a long one.
        self.waits: deque[float] = deque(maxlen=WAITS_KEPT)

    def __getstate__(self) -> dict[str, Any]:
        return {"holder": self.holder}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["holder"])  # type: ignore[misc]

    def call(self, state: str, attribute: str, args: tuple | None, kwargs: dict | None) -> Any:
        started = time.perf_counter()
        kind, value = _ray().get(self.holder.call.remote(state, attribute, args, kwargs))
        self.calls += 1
        self.waits.append(time.perf_counter() - started)
        if kind == "error":
            raise AgentsynthError(f"shared {state}.{attribute} failed in its Ray actor: {value}")
        return value


class SharedState:
    """The run-wide objects items update (the duplicate registry), in one actor."""

    def __init__(self, names: tuple[str, ...], objects: dict[str, Any]) -> None:
        self.state = SimpleNamespace(shared_state=names, **objects)

    def call(self, state: str, attribute: str, args: tuple | None, kwargs: dict | None) -> tuple:
        return _answer_call(self.state, state, attribute, args, kwargs)  # type: ignore[arg-type]

    def objects(self) -> dict[str, Any]:
        return {name: getattr(self.state, name) for name in self.state.shared_state}


class BudgetKeeper:
    """The run's one budget, in one actor: every actor charges it and asks it before each call."""

    def __init__(self, max_cost: float | None, max_tokens: int | None, cost: float, tokens: int) -> None:
        self.budget = Budget(max_cost, max_tokens)
        self.budget.charge(tokens, cost)

    def charge(self, tokens: int, cost: float | None) -> str | None:
        self.budget.charge(tokens, cost)
        return self.budget.exhausted

    def exhausted(self) -> str | None:
        return self.budget.exhausted

    def spent(self) -> tuple[float, int]:
        return self.budget.cost, self.budget.tokens


class RayBudget(Budget):
    """A Budget whose spending is kept by the BudgetKeeper actor. MeteredClient asks it before
    every model call, so asking must not wait on the keeper: each charge is sent without waiting
    and answers with whether the run's budget (every actor's spending) is spent, which the next
    question reads once it has arrived. Only a budget that has charged nothing yet (the driver's,
    an actor's first call) asks the keeper and waits. A run without limits has no keeper."""

    def __init__(self, keeper: Any, max_cost: float | None, max_tokens: int | None) -> None:
        super().__init__(max_cost, max_tokens)
        self.keeper = keeper
        self._answer: Any = None  # the latest charge's answer, maybe still on its way
        self._spent_reason: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_answer": None}  # an answer belongs to the process that charged

    def charge(self, tokens: int, cost: float | None) -> None:
        self._answer = self.keeper.charge.remote(tokens, cost)

    @property
    def exhausted(self) -> str | None:
        if self._spent_reason is None:
            ray = _ray()
            if self._answer is None:
                self._spent_reason = ray.get(self.keeper.exhausted.remote())
            elif ray.wait([self._answer], timeout=0)[0]:
                self._spent_reason = ray.get(self._answer)
        return self._spent_reason


class ItemRunner:
    """One actor: the plan, deserialised once, and its own model clients; runs the items it is
    given by id, as many at once as its share of the concurrency."""

    def __init__(self, plan: tuple[Scenario, dict[str, WorkItem]], settings: RunSettings, k: int, n: int,
                 share: int) -> None:
        self.scenario, self.items = plan
        self.settings, self.k, self.n, self.share = settings, k, n, share
        self.models: Any = None
        self.role_models: dict[str, Any] = {}
        self._setting_up: asyncio.Lock | None = None

    async def ready(self) -> dict[str, Any]:
        """Build the clients (on this actor's event loop, once) and load what every item needs."""
        self._setting_up = self._setting_up or asyncio.Lock()
        async with self._setting_up:
            if self.models is None:
                assert self.settings.worker_models is not None
                models = self.settings.worker_models(self.k, self.n, self.share)
                self.role_models = {role: as_role_model(models.model_for_role(role), self.settings)
                                    for role in self.scenario.roles}
                if self.scenario.uses_embeddings:
                    from ..tools.semantic import EMBEDDER

                    EMBEDDER.load()
                self.models = models
        return {"node": _ray().get_runtime_context().get_node_id(), "version": __version__}

    async def run_item(self, item_id: str) -> tuple[str, Any]:
        if self.models is None:  # a replacement actor may get items before its `ready` ran
            await self.ready()
        budget = self.settings.budget
        if reason := (budget.exhausted if budget is not None else None) or self.models.stop_reason():
            return "stop", reason
        # A result that cannot travel back is a RayTaskError in the driver: that item fails alone.
        return "item", await execute_item(self.scenario, self.items[item_id], self.role_models, budget)

    def reports(self) -> dict[str, Any]:
        return {name: report() for name, report in self.models.reports.items()} if self.models else {}

    def shared_state_waits(self) -> tuple[int, list[float]]:
        """This actor's calls to the run-wide state, and how long the latest of them took."""
        channels = [getattr(getattr(self.scenario, name), "_channel", None) for name in self.scenario.shared_state]
        channels = [c for c in channels if isinstance(c, _ActorChannel)]
        return sum(c.calls for c in channels), [w for c in channels for w in c.waits]

    async def close(self) -> None:
        if self.models is not None:
            await self.models.close()


class RayActors:
    """Runs `todo` on `count` Ray actors; `run` records their outcomes in the driver as they
    arrive. The same interface as WorkerProcesses."""

    def __init__(self, scenario: Scenario, settings: RunSettings, todo: list[WorkItem], count: int) -> None:
        if settings.worker_models is None:
            raise AgentsynthError("--engine ray: this run cannot build clients in Ray actors")
        ray = _ray()
        self.scenario, self.settings, self.count = scenario, settings, count
        self.items = {item.item_id: item for item in todo}
        self.replaced = self.retried = 0
        self.stopping = False
        self.actors: list[Any] = []
        self.holder: Any = None
        self._reports: list[dict[str, Any]] = []
        self._calls = 0
        self._waits: list[float] = []
        self._local_state = {name: getattr(scenario, name) for name in scenario.shared_state}
        self._local_budget = settings.budget
        self.engine = connect(settings.ray_address, count, settings.workers)
        try:
            self._start_actors(ray)
        except BaseException:
            self.close()
            raise

    def _start_actors(self, ray: Any) -> None:
        scenario, settings = self.scenario, self.settings
        # Run-wide state moves into its actor for the run; the driver reaches it as the actors do.
        self.holder = ray.remote(num_cpus=0)(SharedState).remote(scenario.shared_state, self._local_state)
        for name in scenario.shared_state:
            setattr(scenario, name, RemoteState(name, _ActorChannel(self.holder)))
        if (b := settings.budget) is not None and (b.max_cost is not None or b.max_tokens is not None):
            keeper = ray.remote(num_cpus=0)(BudgetKeeper).remote(b.max_cost, b.max_tokens, b.cost, b.tokens)
            settings.budget = RayBudget(keeper, b.max_cost, b.max_tokens)
        # What every actor shares, once in the object store: actors on one node read one copy.
        self._plan = ray.put((scenario, self.items))
        self._actor_class = ray.remote(ItemRunner)
        self._actor_settings = _for_actors(settings)
        self.shares = [share_of(max(1, settings.concurrency), k, self.count) for k in range(self.count)]
        self.actors = [self._start(k) for k in range(self.count)]
        try:  # a cluster whose CPUs are all taken by other jobs would leave them pending for ever
            started = ray.get([actor.ready.remote() for actor in self.actors], timeout=ACTOR_START_SECONDS)
        except ray.exceptions.GetTimeoutError:
            raise AgentsynthError(f"--engine ray: the actors did not start within {ACTOR_START_SECONDS} s; is the "
                                  "cluster busy with other jobs? (`ray status`)") from None
        except ray.exceptions.RayError as exc:
            raise AgentsynthError(f"--engine ray: the actors could not start: {_first_line(exc)}") from None
        if stale := [s for s in started if s["version"] != __version__]:
            raise AgentsynthError(f"--engine ray: a node runs agentsynth {stale[0]['version']}, this driver "
                                  f"{__version__}; install the same version on every node")
        self.engine["actor_nodes"] = len({s["node"] for s in started})

    def describe(self) -> str:
        e = self.engine
        return (f"Ray: {self.count} actor(s) on {e['actor_nodes']} of {e['nodes']} node(s) "
                f"({'a local instance' if e['address'] == 'local' else e['address']}, {e['cpus']:g} CPUs)")

    def _start(self, k: int) -> Any:
        # SPREAD: actors over the nodes, not packed onto the first; one CPU each for scheduling.
        return self._actor_class.options(num_cpus=1, scheduling_strategy="SPREAD", max_concurrency=self.shares[k] + 4,
                                         name=None).remote(self._plan, self._actor_settings, k, self.count,
                                                           self.shares[k])

    async def run(self, record: Record, stop_reasons: list[str]) -> None:
        ray = _ray()
        LOST_IN_FLIGHT = (ray.exceptions.RayActorError, ray.exceptions.NodeDiedError,  # noqa: N806
                          ray.exceptions.OutOfMemoryError)
        waiting = deque(self.items)
        attempts: dict[str, int] = {}

        async def replace(k: int, dead: Any) -> None:
            if self.actors[k] is dead:  # the first of its items to notice
                self.replaced += 1
                self.actors[k] = self._start(k)
                try:
                    await asyncio.wrap_future(self.actors[k].ready.remote().future())
                except Exception:  # it dies too: its items come back here, each until its attempts run out
                    pass

        async def slot(k: int) -> None:
            while waiting and not self.stopping:
                if reason := self.settings.must_stop():
                    stop_reasons.append(reason)
                    self.stopping = True
                    return
                item_id = waiting.popleft()
                item, actor = self.items[item_id], self.actors[k]
                attempts[item_id] = attempts.get(item_id, 0) + 1
                try:
                    # (a future, not the ref itself: Ray Client's refs, for ray:// addresses, cannot be awaited)
                    kind, value = await asyncio.wrap_future(actor.run_item.remote(item_id).future())
                except LOST_IN_FLIGHT as exc:  # its actor (or node) died with it in flight
                    # What the lost attempt claimed is no record: release it before the next attempt.
                    self.scenario.settle_claims(item_id, [])
                    await replace(k, actor)
                    if attempts[item_id] < ATTEMPTS:
                        self.retried += 1
                        waiting.appendleft(item_id)
                        continue
                    cause = AgentsynthError(f"its Ray actor died {ATTEMPTS} times while running it "
                                            f"({_first_line(exc)})")
                    kind, value = "item", ItemOutcome(item_id, UsageLedger(), failure=failure_row(item, cause))
                except ray.exceptions.RayError as exc:  # the call itself failed in Ray: this item alone
                    failure = failure_row(item, AgentsynthError(f"Ray could not run it: {_first_line(exc)}"))
                    kind, value = "item", ItemOutcome(item_id, UsageLedger(), failure=failure)
                if kind == "stop":  # budget spent or the backend unusable: left for a resume
                    stop_reasons.append(value)
                    self.stopping = True
                    return
                if value.usage.interrupted:
                    self.stopping = True
                await record(item, value)

        results = await asyncio.gather(*(slot(k) for k in range(self.count) for _ in range(self.shares[k])),
                                       return_exceptions=True)
        if errors := [r for r in results if isinstance(r, BaseException)]:
            self.stopping = True
            raise errors[0]

    def reports(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """The actors' manifest sections (gathered by `close`) added up, plus the driver's from planning."""
        merged: dict[str, Any] = {}
        for report in self._reports:
            for name, section in report.items():
                merged[name] = merge_reports(merged.get(name), section)
        for name in merged:
            merged[name] = merge_reports(merged[name], _without(manifest.get(name), "concurrency"))
        merged["workers"] = self.count
        merged["engine"] = {**self.engine, "actors": self.count, "actors_replaced": self.replaced,
                            "items_retried": self.retried}
        if self._waits:  # what a claim in the duplicate registry costs an item, round trip
            waits = sorted(self._waits)
            merged["engine"]["shared_state_calls"] = {
                "calls": self._calls, "median_ms": round(1000 * statistics.median(waits), 2),
                "p90_ms": round(1000 * waits[int(0.9 * (len(waits) - 1))], 2)}
        return merged

    def close(self) -> None:
        """Stop the actors (their items in flight are redone on resume) and bring the run-wide
        state back into the driver, where the end of the run reads it."""
        ray = _ray()
        if not ray.is_initialized():
            return
        for actor in self.actors:  # a dead actor has no report and nothing to close
            try:
                self._reports.append(ray.get(actor.reports.remote(), timeout=30))
                calls, waits = ray.get(actor.shared_state_waits.remote(), timeout=30)
                self._calls += calls
                self._waits.extend(waits)
                ray.get(actor.close.remote(), timeout=10)
            except Exception:
                pass
        for name, value in self._local_state.items():  # the driver's copy from before the run, unless ...
            setattr(self.scenario, name, value)
        try:  # ... the actor's, which holds every claim since
            if self.holder is not None:
                for name, value in ray.get(self.holder.objects.remote(), timeout=60).items():
                    setattr(self.scenario, name, value)
        except Exception:  # the dataset on disk is the truth; a resume rebuilds the registry from it
            pass
        if self._local_budget is not None and isinstance(self.settings.budget, RayBudget):
            try:
                cost, tokens = ray.get(self.settings.budget.keeper.spent.remote(), timeout=10)
                self._local_budget.charge(tokens - self._local_budget.tokens, cost - self._local_budget.cost)
            except Exception:
                pass
            self.settings.budget = self._local_budget
        ray.shutdown()


def _for_actors(settings: RunSettings) -> RunSettings:
    """The settings an actor needs (its budget, its model factory), without the driver's own
    closures over live clients (stop_reason, reports), which cannot travel."""
    from dataclasses import replace

    return replace(settings, stop_reason=None, reports={})


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
