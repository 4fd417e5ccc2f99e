"""Usage accounting by wrapping the model client, so every call is counted (including
calls AutoGen makes on its own, such as selector speaker selection, which never show up
in message `models_usage`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, ModelInfo, RequestUsage
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel


class RoleUsage(BaseModel):
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class UsageLedger:
    """Token usage per agent role."""

    def __init__(self) -> None:
        self.by_role: dict[str, RoleUsage] = defaultdict(RoleUsage)

    def add(self, role: str, usage: RequestUsage) -> None:
        entry = self.by_role[role]
        entry.calls += 1
        entry.prompt_tokens += usage.prompt_tokens
        entry.completion_tokens += usage.completion_tokens

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, int]]) -> "UsageLedger":
        """Inverse of `as_dict` (usage of items finished before a resume)."""
        ledger = cls()
        for role, usage in data.items():
            ledger.by_role[role] = RoleUsage(**usage)
        return ledger

    def merge(self, other: "UsageLedger") -> None:
        for role, usage in other.by_role.items():
            entry = self.by_role[role]
            entry.calls += usage.calls
            entry.prompt_tokens += usage.prompt_tokens
            entry.completion_tokens += usage.completion_tokens

    @property
    def total(self) -> RoleUsage:
        out = RoleUsage()
        for usage in self.by_role.values():
            out.calls += usage.calls
            out.prompt_tokens += usage.prompt_tokens
            out.completion_tokens += usage.completion_tokens
        return out

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {role: usage.model_dump() for role, usage in sorted(self.by_role.items())}


class MeteredClient(ChatCompletionClient):
    """Delegates to `inner` and records each call's usage under `role` in `ledger`.
    `label` names the model (its spec) in records and the manifest."""

    def __init__(self, inner: ChatCompletionClient, role: str, ledger: UsageLedger, label: str = "") -> None:
        self.inner = inner
        self.role = role
        self.ledger = ledger
        self.label = label

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        result = await self.inner.create(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        )
        self.ledger.add(self.role, result.usage)
        return result

    async def create_stream(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> AsyncGenerator[str | CreateResult, None]:
        async for chunk in self.inner.create_stream(
            messages,
            tools=tools,
            tool_choice=tool_choice,
            json_output=json_output,
            extra_create_args=extra_create_args,
            cancellation_token=cancellation_token,
        ):
            if isinstance(chunk, CreateResult):
                self.ledger.add(self.role, chunk.usage)
            yield chunk

    async def close(self) -> None:
        await self.inner.close()

    def actual_usage(self) -> RequestUsage:
        return self.inner.actual_usage()

    def total_usage(self) -> RequestUsage:
        return self.inner.total_usage()

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return self.inner.count_tokens(messages, tools=tools)

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return self.inner.remaining_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelInfo:  # type: ignore[override]
        return self.inner.model_info

    @property
    def model_info(self) -> ModelInfo:
        return self.inner.model_info


def models_label(clients: dict[str, ChatCompletionClient]) -> str:
    """The model that made a record: one spec, or "role=spec" pairs when roles differ."""
    labels = {role: getattr(client, "label", "") or type(client).__name__ for role, client in clients.items()}
    if len(set(labels.values())) == 1:
        return next(iter(labels.values()))
    return ",".join(f"{role}={label}" for role, label in sorted(labels.items()))
