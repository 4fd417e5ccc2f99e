"""What every role that answers from documents shares: replies bounded by sentences in the
grammar, and a tool-calling model's lookups in the documents before it answers."""

from __future__ import annotations

import json

from autogen_core import CancellationToken, FunctionCall
from autogen_core.models import (
    AssistantMessage,
    FunctionExecutionResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from autogen_core.tools import FunctionTool

from .base import RoleAgent

MAX_TOOL_ROUNDS = 2

# Answers are bounded by sentences in the grammar itself: small models otherwise repeat
# their last sentence until max_tokens. A "sentence" may contain "12.5" or "e.g." but
# no raw control characters (invalid inside a JSON string), and no braces: a small model that
# starts writing JSON inside the string ("} 2.", "{ response: … }") has left the sentence.
# Japanese and Korean sentences end in "。", "！" or "？" and need no space after them.
SENTENCE = r'([^.!?。！？{}"\\\x00-\x1f]|[.!?][^ {}"\\\x00-\x1f])+[.!?。！？]'


# The last "sentence" of a field that may also be a phrase ("Spot mode"): no final mark.
FRAGMENT = r'([^.!?。！？{}"\\\x00-\x1f]|[.!?][^ {}"\\\x00-\x1f])+'


def up_to_sentences(count: int, *, phrase: bool = False) -> str:
    """A JSON-schema pattern for 1 to `count` sentences (nested so each is optional). With
    `phrase`, the last may lack its final mark, so a name or a phrase fits too."""
    if phrase:
        before = f"({SENTENCE} ?){{0,{count - 1}}}" if count > 1 else ""
        return f"^{before}{FRAGMENT}[.!?。！？]?$"
    inner = ""
    for _ in range(count - 1):
        inner = f"( ?{SENTENCE}{inner})?"
    return f"^{SENTENCE}{inner}$"


async def consult_documents(
    agent: RoleAgent, tool: FunctionTool, system: SystemMessage, user: UserMessage, cancellation_token: CancellationToken
) -> tuple[list[LLMMessage], list[str]]:
    """Let a tool-calling model search the documents (up to MAX_TOOL_ROUNDS calls) before
    it answers: (the conversation to answer after, chunk ids it was shown). The history is
    empty when the model looked nothing up, so the caller asks afresh."""
    history: list[LLMMessage] = [user]
    consulted: list[str] = []
    for _ in range(MAX_TOOL_ROUNDS):
        result = await agent.complete([system, *history], cancellation_token, tools=[tool])
        calls = result.content if isinstance(result.content, list) else []
        if not calls:
            break
        history.append(AssistantMessage(content=calls, source=agent.name))
        history.append(FunctionExecutionResultMessage(
            content=[await _run_tool(tool, call, consulted, cancellation_token) for call in calls]
        ))
    return (history if consulted else []), consulted


async def _run_tool(
    tool: FunctionTool, call: FunctionCall, consulted: list[str], cancellation_token: CancellationToken
) -> FunctionExecutionResult:
    try:
        if call.name != tool.name:
            raise ValueError(f"unknown tool {call.name!r}")
        hits = await tool.run_json(json.loads(call.arguments), cancellation_token)
        consulted += [h.chunk_id for h in hits if h.chunk_id not in consulted]
        content, is_error = tool.return_value_as_string(hits), False
    except Exception as exc:  # a bad call is reported back to the model, not raised
        content, is_error = f"error: {exc}", True
    return FunctionExecutionResult(call_id=call.id, content=content, name=call.name, is_error=is_error)
