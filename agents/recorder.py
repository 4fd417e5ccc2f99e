"""Recorder: a graph's leaf. It makes no model call; it closes the work item by
restating the critic's final verdict, which the scenario turns into records."""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.agents import BaseChatAgent
from autogen_agentchat.base import Response
from autogen_agentchat.messages import BaseChatMessage, StructuredMessage
from autogen_core import CancellationToken
from pydantic import BaseModel

from .qa_messages import CriticOutput


class RecorderAgent(BaseChatAgent):
    role = "recorder"

    def __init__(self, name: str = "recorder", verdict_type: type[BaseModel] = CriticOutput) -> None:
        super().__init__(name, "Closes the work item with the critic's final verdict.")
        self.verdict_type = verdict_type
        self._verdict: BaseModel | None = None

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (StructuredMessage[self.verdict_type],)  # type: ignore[name-defined]

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:
        for message in messages:
            if isinstance(message, StructuredMessage) and isinstance(message.content, self.verdict_type):
                self._verdict = message.content
        if self._verdict is None:
            raise RuntimeError("recorder reached without a critic verdict")
        return Response(chat_message=StructuredMessage[self.verdict_type](  # type: ignore[name-defined]
            content=self._verdict, source=self.name))

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        self._verdict = None
