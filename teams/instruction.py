"""What the instruction-data teams (teams/specs/: evolve_instruct, evol_quality, glan,
self_instruct, magpie, agentinstruct) share with their scenarios: running a team and
reading the critic's last verdicts."""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.base import Team
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StructuredMessage, TextMessage

from ..agents.instructions import InstructionContext, InstructionVerdicts
from .qa import run_unwrapped


def _verdicts(message: BaseChatMessage) -> InstructionVerdicts | None:
    if isinstance(message, StructuredMessage) and isinstance(message.content, InstructionVerdicts):
        return message.content
    return None


async def run_for_verdicts(team: Team, task: str | BaseChatMessage, context: InstructionContext) -> InstructionVerdicts:
    """Run the team on `task`; the critic's last verdicts (typed agent errors re-raised)."""
    message = TextMessage(content=task, source="user") if isinstance(task, str) else task
    result = await run_unwrapped(team, message, context)
    verdicts = final_verdicts(result.messages)
    if verdicts is None:
        raise RuntimeError(f"team ended without a critic verdict ({result.stop_reason})")
    return verdicts


def final_verdicts(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> InstructionVerdicts | None:
    for message in reversed(messages):
        if isinstance(message, BaseChatMessage) and (verdicts := _verdicts(message)) is not None:
            return verdicts
    return None
