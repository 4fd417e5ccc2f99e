"""A cheaper request path for AutoGen's OpenAI and Azure OpenAI clients, same bytes on the wire.

At 32 items in flight the runner's own CPU decides how busy it keeps a backend
(`benchmarks/throughput.py`), and the OpenAI SDK's request path was the largest part of it:

- The SDK walks every request body through `async_maybe_transform`, a type-driven recursion
  over the TypedDict unions of each message, tool and response format. For chat completion
  parameters it changes nothing (no aliases, dates or files: the output equals the input),
  yet it took about a fifth of the runner's CPU. `LeanCompletions` sends every body
  parameter through `extra_body`, which the SDK merges into the body untouched (no chat
  completion parameter has an alias or a special format); only `model` and `stream` are
  still transformed. Streaming calls take the SDK's own path.
- The SDK's default transport (httpx) costs more per request than its aiohttp transport
  (`DefaultAioHttpClient`, the SDK's `aiohttp` extra), which honours the same proxy
  environment variables.
"""

from __future__ import annotations

from typing import Any

from openai import NOT_GIVEN, DefaultAioHttpClient, Omit
from openai.resources.chat.completions import AsyncCompletions

_REQUEST_OPTIONS = ("extra_headers", "extra_query", "timeout")  # the SDK's, not the body's


def _given(value: Any) -> bool:
    return value is not NOT_GIVEN and not isinstance(value, Omit)


class LeanCompletions(AsyncCompletions):
    async def create(self, *, messages: Any, model: Any, extra_body: Any = None, stream: Any = False,
                     **params: Any) -> Any:
        if stream:
            return await super().create(messages=messages, model=model, extra_body=extra_body, stream=stream, **params)
        options = {name: params.pop(name) for name in _REQUEST_OPTIONS if name in params}
        body = {**{name: value for name, value in params.items() if _given(value)},
                **(extra_body or {}), "messages": list(messages)}
        return await super().create(messages=[], model=model, extra_body=body, stream=stream, **options)


def use_lean_completions(client: Any) -> bool:
    """Route an AutoGen OpenAI/Azure client's chat completions through `LeanCompletions`.
    Returns False (and changes nothing) when the client is not built the way this expects,
    so an AutoGen or SDK upgrade costs speed, never correctness."""
    sdk = getattr(client, "_client", None)
    chat = getattr(sdk, "chat", None)
    if not isinstance(getattr(chat, "completions", None), AsyncCompletions):
        return False
    chat.completions = LeanCompletions(sdk)
    return True


def aiohttp_client() -> Any:
    """The SDK's aiohttp transport. It opens its session lazily, inside the event loop of the
    first request; the AutoGen client's `close()` closes it."""
    return DefaultAioHttpClient()
