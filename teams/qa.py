"""What the document-QA teams (teams/specs/seed_qa.*.yaml) share with their scenarios:
running a team with typed agent errors, reading the critic's final verdict, and the
round-robin team's message bound."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autogen_agentchat.base import TaskResult
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StructuredMessage

from ..agents.context import QAContext
from ..agents.qa_messages import CriticOutput


def max_messages(context: QAContext) -> int:
    """Task + 4 agents per round (graph: 3 per revision + the recorder)."""
    return 1 + 4 * (context.max_revisions + 1)


async def run_unwrapped(runnable: Any, task: Any, context: Any) -> TaskResult:
    """Run a team or agent; if an agent failed with a typed error (with the raw model
    reply), raise that instead of AutoGen's plain RuntimeError string."""
    from .dry_run import intercept

    intercept(runnable, task)
    try:
        return await runnable.run(task=task)
    except Exception:
        if context.failure is not None:
            raise context.failure from None
        raise


def final_verdict(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> CriticOutput | None:
    """The critic's last verdict in a finished run, which holds every slot's outcome."""
    for message in reversed(messages):
        if isinstance(message, StructuredMessage) and isinstance(message.content, CriticOutput):
            return message.content
    return None
