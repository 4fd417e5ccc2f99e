"""Structured output over the OpenAI wire protocol, whatever the server behind it accepts.

The agents ask for `json_output=<pydantic model>`. AutoGen's OpenAI client turns that into
the SDK's `parse()`, which raises on a reply that fails the schema (losing the raw reply
the repair loop needs) and sends only strict `json_schema`, which llama.cpp's server
rejects. So this layer builds `response_format` itself, in one of three modes:

- `json_schema`: strict JSON schema (OpenAI, Azure OpenAI, vLLM, LM Studio);
- `json_object_schema`: `{"type": "json_object", "schema": ...}` (llama.cpp's server);
- `json_object`: JSON mode, with the schema written into the system prompt.

`auto` tries them in that order and keeps the first one the server accepts. Replies
are returned raw; `RoleAgent.ask` validates them and asks for repairs.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, TypeVar

from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from .client_base import DelegatingClient

T = TypeVar("T", bound=BaseModel)

_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


def parse_reply(raw: str, model: type[T]) -> T:
    """Validate a JSON reply; tolerate prose or code fences around the object."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as first_error:
        match = _JSON_OBJECT.search(raw)
        if match and match.group() != raw:
            try:
                return model.model_validate_json(match.group())
            except ValidationError:
                pass
        raise first_error


StructuredMode = Literal["auto", "json_schema", "json_object_schema", "json_object"]
AUTO_ORDER: tuple[str, ...] = ("json_schema", "json_object_schema", "json_object")
_FORMAT_WORDS = ("response_format", "json_schema", "schema", "json_object")


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema in the form strict mode demands: every object closed
    (`additionalProperties: false`) with every property required, and no defaults."""
    schema = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" or "properties" in node:
                node["additionalProperties"] = False
                node["required"] = list(node.get("properties", {}))
            node.pop("default", None)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema)
    return schema


@lru_cache(maxsize=256)  # building a schema costs more than the rest of a call; roles reuse their models
def response_format(mode: str, model: type[BaseModel]) -> dict[str, Any]:
    """What to send as `response_format` (cached: treat the result as read-only)."""
    schema = model.model_json_schema()
    if mode == "json_schema":
        name = "".join(c if c.isalnum() or c in "_-" else "_" for c in model.__name__)[:64]
        return {"type": "json_schema", "json_schema": {"name": name, "schema": strict_schema(schema), "strict": True}}
    if mode == "json_object_schema":
        return {"type": "json_object", "schema": schema}
    return {"type": "json_object"}


def with_schema_in_prompt(messages: Sequence[LLMMessage], model: type[BaseModel]) -> list[LLMMessage]:
    """JSON mode enforces only "some JSON": say which JSON in the system prompt."""
    note = (
        "\n\nReply with one JSON object that matches this JSON schema, and nothing else:\n"
        + _schema_text(model)
    )
    out = list(messages)
    for i, message in enumerate(out):
        if isinstance(message, SystemMessage):
            out[i] = SystemMessage(content=message.content + note)
            return out
    return [SystemMessage(content=note.strip()), *out]


@lru_cache(maxsize=256)
def _schema_text(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), ensure_ascii=False)


def rejects_response_format(error: BaseException) -> bool:
    """Did the server refuse the request because of its `response_format`?"""
    status = getattr(error, "status_code", None)
    if status not in (400, 415, 422, 500, 501):
        return False
    text = str(getattr(error, "body", "") or "") + " " + str(error)
    return any(word in text.lower() for word in _FORMAT_WORDS)


class OpenAIProtocolAdapter(DelegatingClient):
    """Wraps AutoGen's OpenAI / Azure OpenAI client (see the module docstring).

    `token_param`: the name the server gives the completion-length limit
    (`max_completion_tokens` for OpenAI and Azure, whose reasoning models refuse
    `max_tokens`; `max_tokens` for most compatible servers)."""

    def __init__(self, inner: ChatCompletionClient, *, mode: StructuredMode = "auto", token_param: str = "max_tokens") -> None:
        super().__init__(inner)
        self.token_param = token_param
        self._candidates = list(AUTO_ORDER) if mode == "auto" else [mode]
        self.mode: str = mode  # "auto" until a structured call has succeeded

    async def forward(self, messages: list[LLMMessage], request: dict[str, Any]) -> CreateResult:
        extra = request["extra_create_args"]
        if "max_tokens" in extra and self.token_param != "max_tokens":
            extra[self.token_param] = extra.pop("max_tokens")
        output = request["json_output"]
        if not (isinstance(output, type) and issubclass(output, BaseModel)):
            return await self.inner.create(messages, **request)
        while True:
            mode = self._candidates[0]
            prompt = with_schema_in_prompt(messages, output) if mode == "json_object" else messages
            try:
                result = await self.inner.create(prompt, **{
                    **request, "json_output": None,
                    "extra_create_args": {**extra, "response_format": response_format(mode, output)},
                })
            except Exception as exc:
                if len(self._candidates) > 1 and rejects_response_format(exc):
                    if self._candidates[0] == mode:  # another call may have moved on already
                        self._candidates.pop(0)
                    continue
                raise
            self.mode = mode
            return result


class OllamaAdapter(DelegatingClient):
    """Ollama takes sampling limits in `options` (`num_predict`, not `max_tokens`);
    structured output is native there (`format=<schema>`, sent by AutoGen's client)."""

    def __init__(self, inner: ChatCompletionClient, options: Mapping[str, Any]) -> None:
        super().__init__(inner)
        self.options = dict(options)
        self.mode = "ollama_format"

    async def forward(self, messages: list[LLMMessage], request: dict[str, Any]) -> CreateResult:
        extra = request["extra_create_args"]
        options = {**self.options, **extra.pop("options", {})}
        if "max_tokens" in extra:
            options["num_predict"] = extra.pop("max_tokens")
        for name in ("temperature", "seed"):
            if name in extra:
                options[name] = extra.pop(name)
        extra["options"] = options
        return await self.inner.create(messages, **request)
