"""Usage, cost and budget accounting by wrapping the model client, so every call is counted
(including calls AutoGen makes on its own, such as selector speaker selection, which never
show up in message `models_usage`)."""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Mapping
from contextlib import nullcontext
from functools import cache
from importlib import resources
from typing import Any

import yaml
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, RequestUsage
from pydantic import BaseModel

from ..errors import BackendError, BudgetExhausted
from .client_base import DelegatingClient


class Price(BaseModel):
    """US dollars per million tokens."""

    input: float
    output: float

    def cost(self, usage: RequestUsage) -> float:
        return (usage.prompt_tokens * self.input + usage.completion_tokens * self.output) / 1_000_000


@cache
def price_table() -> dict[str, Price]:
    """`backends/prices.yaml`, the small editable table of list prices."""
    text = resources.files(__package__).joinpath("prices.yaml").read_text(encoding="utf-8")
    return {name: Price(**entry) for name, entry in (yaml.safe_load(text) or {}).items()}


def price_for(model_name: str) -> Price | None:
    return price_table().get(model_name)


class RoleUsage(BaseModel):
    model: str = ""
    calls: int = 0  # live calls to the backend
    cached_calls: int = 0  # answered from the response cache (no tokens spent)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None  # None: no price known for the model
    cut_off: int = 0  # live replies that ended at their token limit
    trimmed: int = 0  # in-process replies stopped in a loop, a run-on sentence or at the token limit, kept up to it
    reshaped: int = 0  # replies asked again because the first was cut off or looping

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: "RoleUsage") -> None:
        self.calls += other.calls
        self.cached_calls += other.cached_calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cut_off += other.cut_off
        self.trimmed += other.trimmed
        self.reshaped += other.reshaped
        if other.cost_usd is not None:
            self.cost_usd = (self.cost_usd or 0.0) + other.cost_usd


class UsageLedger:
    """Usage per agent role (each role runs on one model per run)."""

    def __init__(self) -> None:
        self.by_role: dict[str, RoleUsage] = defaultdict(RoleUsage)
        # Why a call of this work item was refused (budget spent, backend unusable): such an
        # item is left undone for a resume, not recorded as failed.
        self.interrupted: str | None = None

    def add(self, role: str, model: str, usage: RequestUsage, *, cached: bool = False, cost: float | None = None,
            cut_off: bool = False, loop_trimmed: bool = False) -> None:
        entry = self.by_role[role]
        entry.model = entry.model or model
        if cached:
            entry.cached_calls += 1
            return
        entry.add(RoleUsage(calls=1, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens,
                            cost_usd=cost, cut_off=int(cut_off), trimmed=int(loop_trimmed)))

    def note_reshape(self, role: str) -> None:
        self.by_role[role].reshaped += 1

    @classmethod
    def from_dict(cls, data: Mapping[str, Mapping[str, Any]]) -> "UsageLedger":
        """Inverse of `as_dict` (usage of items finished before a resume)."""
        ledger = cls()
        for role, usage in data.items():
            ledger.by_role[role] = RoleUsage(**usage)
        return ledger

    def merge(self, other: "UsageLedger") -> None:
        for role, usage in other.by_role.items():
            entry = self.by_role[role]
            entry.model = entry.model or usage.model
            entry.add(usage)

    @property
    def total(self) -> RoleUsage:
        out = RoleUsage()
        for usage in self.by_role.values():
            out.add(usage)
        return out

    def by_model(self) -> dict[str, RoleUsage]:
        out: dict[str, RoleUsage] = defaultdict(RoleUsage)
        for usage in self.by_role.values():
            out[usage.model].add(usage)
        return dict(sorted(out.items()))

    def as_dict(self) -> dict[str, dict[str, Any]]:
        return {role: usage.model_dump() for role, usage in sorted(self.by_role.items())}

    def short(self) -> str:
        """One line for the progress bar: tokens per role (prompt+completion), and cost."""
        parts = [f"{role} {_k(u.prompt_tokens)}+{_k(u.completion_tokens)}" for role, u in sorted(self.by_role.items())]
        total = self.total
        if total.cached_calls:
            parts.append(f"{total.cached_calls} cached")
        if total.cost_usd is not None:
            parts.append(f"${total.cost_usd:.4f}")
        return " · ".join(parts)


def _k(n: int) -> str:
    return f"{n / 1000:.1f}k" if n >= 1000 else str(n)


class Budget:
    """`--max-cost` / `--max-tokens`: once spent, no further live model call is made."""

    def __init__(self, max_cost: float | None = None, max_tokens: int | None = None) -> None:
        self.max_cost = max_cost
        self.max_tokens = max_tokens
        self._spent: Any = [0.0, 0.0]  # cost, tokens
        self._lock: Any = nullcontext()

    @property
    def cost(self) -> float:
        return self._spent[0]

    @property
    def tokens(self) -> int:
        return int(self._spent[1])

    def charge(self, tokens: int, cost: float | None) -> None:
        with self._lock:
            self._spent[0] += cost or 0.0
            self._spent[1] += tokens

    def share_with_forked_workers(self) -> None:
        """Keep what was spent in shared memory, so that worker processes forked after this
        charge one budget (a double holds token counts exactly up to 2**53)."""
        context = multiprocessing.get_context("fork")
        self._spent, self._lock = context.RawArray("d", list(self._spent)), context.Lock()

    @property
    def exhausted(self) -> str | None:
        if self.max_cost is not None and self.cost >= self.max_cost:
            return f"cost budget reached (${self.cost:.4f} of ${self.max_cost:.4f})"
        if self.max_tokens is not None and self.tokens >= self.max_tokens:
            return f"token budget reached ({self.tokens:,} of {self.max_tokens:,})"
        return None


class MeteredClient(DelegatingClient):
    """Records each call's usage (and cost, when `price` is known) under `role` in `ledger`,
    charges `budget`, and refuses calls once the budget is spent.
    `label` names the model (its spec) in records and the manifest."""

    def __init__(
        self, inner: ChatCompletionClient, role: str, ledger: UsageLedger, label: str = "", *,
        price: Price | None = None, budget: Budget | None = None,
    ) -> None:
        super().__init__(inner)
        self.role = role
        self.ledger = ledger
        self.label = label
        self.price = price
        self.budget = budget

    async def forward(self, messages: list[LLMMessage], request: dict[str, Any]) -> CreateResult:
        if self.budget is not None and (reason := self.budget.exhausted):
            self.ledger.interrupted = reason
            raise BudgetExhausted(reason)
        try:
            result = await self.inner.create(messages, **request)
        except BackendError as exc:
            if exc.fatal:
                self.ledger.interrupted = str(exc)
            raise
        cost = self.price.cost(result.usage) if self.price is not None and not result.cached else None
        self.ledger.add(self.role, self.label, result.usage, cached=result.cached, cost=cost,
                        cut_off=result.finish_reason == "length", loop_trimmed=getattr(result, "loop_trimmed", False))
        if self.budget is not None and not result.cached:
            self.budget.charge(result.usage.prompt_tokens + result.usage.completion_tokens, cost)
        return result


    def note_reshape(self) -> None:
        """Count a reply this role asks for again because its first one ran away."""
        self.ledger.note_reshape(self.role)


def models_label(clients: Mapping[str, ChatCompletionClient]) -> str:
    """The model that made a record: one spec, or "role=spec" pairs when roles differ."""
    return roles_label({role: getattr(client, "label", "") or type(client).__name__ for role, client in clients.items()})


def roles_label(labels: Mapping[str, str]) -> str:
    if len(set(labels.values())) == 1:
        return next(iter(labels.values()))
    return ",".join(f"{role}={label}" for role, label in sorted(labels.items()))
