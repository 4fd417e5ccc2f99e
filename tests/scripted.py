"""A deterministic, schema-aware model client for tests.

Replies are chosen by the name of the requested reply model (ReaderReply, QuestionReply,
AnswerReply, LLMVerdict, ...), so they do not depend on call order and work under
concurrency. Default replies are grounded in the passage found in the prompt; tests
override any role with their own handler (a dict, a JSON string, or a function).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, ModelInfo, RequestUsage
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

PASSAGE = re.compile(r'"""\n(.*?)\n"""', re.DOTALL)

Handler = Callable[[Sequence[LLMMessage], dict], Any]


def prompt_text(messages: Sequence[LLMMessage]) -> str:
    """The final user turn (few-shot examples come before it)."""
    for message in reversed(messages):
        if type(message).__name__ == "UserMessage" and isinstance(message.content, str):
            return message.content
    return ""


def passage_of(messages: Sequence[LLMMessage]) -> str:
    match = PASSAGE.search(prompt_text(messages))
    return match.group(1) if match else ""


def _enum(schema: dict, *path: str) -> list[str]:
    node = schema
    for key in path:
        node = node[key]
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node.get("enum", [])


def default_reader(messages, schema):
    sentences = _enum(schema, "$defs", "FactReply", "properties", "source_sentence")
    return {"facts": [{"fact": s, "source_sentence": s} for s in sentences[:5]]}


def default_writer(messages, schema):
    """A question built from the fact in the prompt (or the passage's first words)."""
    text = prompt_text(messages)
    fact = re.search(r"Fact: (.+)", text)
    topic = fact.group(1) if fact else passage_of(messages)
    words = [w.strip(".,;:()|\"?") for w in topic.replace("|", " ").split()][:8]
    return {"question": f"What does the manual state about {' '.join(words)}?"}


def default_answer(messages, schema):
    from agentsynth.agents.answerer import rank_sentences

    sentences = [s for s in _enum(schema, "properties", "evidence") if s != "NONE"]
    question = re.search(r"Question \([^)]*\): (.+)", prompt_text(messages))
    # Answer with the evidence sentence that best matches the question.
    title = re.search(r'Source \(from "([^"]*)"', prompt_text(messages))
    subject = title.group(1) if title else ""
    best = rank_sentences(question.group(1) if question else "", sentences, subject)[0] if sentences else "NONE"
    return {"evidence": best, "answerable": best != "NONE", "answer": best if best != "NONE" else "Not in source."}


def default_verdict(messages, schema):
    return {"groundedness": 5, "relevance": 5, "clarity": 4, "decision": "accept", "problem": "none", "quote": "",
            "reason": "Grounded and clear."}


DEFAULT_HANDLERS: dict[str, Handler] = {
    "ReaderReply": default_reader,
    "QuestionReply": default_writer,
    "AnswerReply": default_answer,
    "LLMVerdict": default_verdict,
    "": "A bar chart of throughput per GPU count: 1 GPU 1,200 images/s, 8 GPUs 9,100 images/s.",  # plain text: figures
}


class ScriptedClient(ChatCompletionClient):
    def __init__(
        self,
        handlers: Mapping[str, Handler | dict | str] | None = None,
        *,
        function_calling: bool = False,
        vision: bool = False,
        tool_handler: Callable[[Sequence[LLMMessage], Sequence[Tool | ToolSchema]], Any] | None = None,
    ) -> None:
        self.handlers: dict[str, Any] = {**DEFAULT_HANDLERS, **(handlers or {})}
        self.function_calling = function_calling
        self.vision = vision
        self.tool_handler = tool_handler
        self.calls: list[dict[str, Any]] = []
        self._usage = RequestUsage(prompt_tokens=0, completion_tokens=0)

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
        name = json_output.__name__ if isinstance(json_output, type) else None
        self.calls.append({"reply_model": name, "messages": list(messages), "tools": list(tools)})
        if tools and self.tool_handler is not None:
            content = self.tool_handler(messages, tools)
        else:
            handler = self.handlers.get(name or "", "")
            schema = json_output.model_json_schema() if isinstance(json_output, type) else {}
            content = handler(messages, schema) if callable(handler) else handler
            if not isinstance(content, (str, list)):
                content = json.dumps(content)
        prompt_tokens = sum(len(str(getattr(m, "content", "")).split()) for m in messages)
        completion_tokens = len(str(content).split())
        usage = RequestUsage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        self._usage = RequestUsage(
            prompt_tokens=self._usage.prompt_tokens + prompt_tokens,
            completion_tokens=self._usage.completion_tokens + completion_tokens,
        )
        return CreateResult(finish_reason="function_calls" if isinstance(content, list) else "stop",
                            content=content, usage=usage, cached=False)

    async def create_stream(self, messages, **kwargs):  # type: ignore[override]
        yield await self.create(messages, **kwargs)

    def calls_for(self, reply_model: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["reply_model"] == reply_model]

    async def close(self) -> None:
        pass

    def actual_usage(self) -> RequestUsage:
        return self._usage

    def total_usage(self) -> RequestUsage:
        return self._usage

    def count_tokens(self, messages, *, tools=[]) -> int:  # type: ignore[override]
        return sum(len(str(getattr(m, "content", "")).split()) for m in messages)

    def remaining_tokens(self, messages, *, tools=[]) -> int:  # type: ignore[override]
        return 8192 - self.count_tokens(messages)

    @property
    def capabilities(self) -> ModelInfo:  # type: ignore[override]
        return self.model_info

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(vision=self.vision, function_calling=self.function_calling, json_output=True,
                         structured_output=True, family="scripted")
