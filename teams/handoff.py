"""Swarm handoffs for role agents. AutoGen's Swarm picks the next speaker from the last
`HandoffMessage`; our agents reply with structured messages, so a wrapper turns a reply into
a handoff when one of the spec's rules for that agent holds, carrying the structured reply
as `payload` for the agents that read it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from autogen_agentchat.agents import BaseChatAgent
from autogen_agentchat.base import Response
from autogen_agentchat.messages import BaseChatMessage, HandoffMessage
from autogen_core import CancellationToken
from pydantic import BaseModel, SerializeAsAny

from .spec import Handoff


class StructuredHandoff(HandoffMessage):
    payload: SerializeAsAny[BaseModel] | None = None
    type: Literal["StructuredHandoff"] = "StructuredHandoff"  # type: ignore[assignment]


class HandoffAgent(BaseChatAgent):
    def __init__(self, inner: BaseChatAgent, rules: list[Handoff], holds: Callable[[Any, Any], bool]) -> None:
        super().__init__(inner.name, inner.description)
        self.inner, self.rules, self.holds = inner, rules, holds

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (HandoffMessage, StructuredHandoff, *self.inner.produced_message_types)

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:
        response = await self.inner.on_messages(messages, cancellation_token)
        reply = response.chat_message
        for rule in self.rules:
            if rule.when is None or self.holds(rule.when, reply):
                content = getattr(reply, "content", None)
                return Response(chat_message=StructuredHandoff(
                    source=self.name, target=rule.target, content=f"to {rule.target}: {reply.to_model_text()}"[:4000],
                    payload=content if isinstance(content, BaseModel) else None, models_usage=reply.models_usage),
                    inner_messages=response.inner_messages)
        return response

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        await self.inner.on_reset(cancellation_token)
