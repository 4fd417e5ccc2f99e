"""A model client that wraps another one.

Backends are built as layers around AutoGen's own clients (structured-output adapter,
retries, cache, metering); each layer overrides `forward` and inherits the rest here.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, ModelInfo, RequestUsage
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel


class WholeReplyStream:
    """`create_stream` as one whole reply: every layer here (retry, cache, metering) and the
    embedded model work on whole replies, and the project's agents never stream."""

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
        result = await self.create(  # type: ignore[attr-defined]
            messages, tools=tools, tool_choice=tool_choice, json_output=json_output,
            extra_create_args=extra_create_args, cancellation_token=cancellation_token,
        )
        if isinstance(result.content, str):
            yield result.content
        yield result


class DelegatingClient(WholeReplyStream, ChatCompletionClient):
    def __init__(self, inner: ChatCompletionClient) -> None:
        self.inner = inner

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
        request = {"tools": tools, "tool_choice": tool_choice, "json_output": json_output,
                   "extra_create_args": dict(extra_create_args), "cancellation_token": cancellation_token}
        return await self.forward(list(messages), request)

    async def forward(self, messages: list[LLMMessage], request: dict[str, Any]) -> CreateResult:
        """What a layer does with a call; `request` holds `create`'s keyword arguments."""
        return await self.inner.create(messages, **request)

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
    def profile(self) -> Any:
        """The model profile a layer below applies (backends/profiles.py), if any."""
        return getattr(self.inner, "profile", None)

    @property
    def capabilities(self) -> ModelInfo:  # type: ignore[override]  # deprecated alias
        return self.inner.model_info

    @property
    def model_info(self) -> ModelInfo:
        return self.inner.model_info
