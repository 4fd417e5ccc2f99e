"""Teams for instruction data.

evolution (evolve_instruct): an AutoGen GraphFlow evolver → answerer → critic, with a
loop edge from the critic back to the evolver while rounds remain and an edge to the
recorder (the leaf) after the last; both are callables on the critic's structured
`more_rounds` field. The loop is bounded by the round count the critic counts down.

response evolution (evol_quality): evolver → critic with the same loop, the instruction
given as the task.

writer (glan's homework, self_instruct): writer → answerer → critic, a straight GraphFlow
ending at the critic.
"""

from __future__ import annotations

from collections.abc import Sequence

from autogen_agentchat.base import Team
from autogen_agentchat.conditions import MaxMessageTermination
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StructuredMessage, TextMessage
from autogen_agentchat.teams import DiGraphBuilder, GraphFlow
from autogen_core.models import ChatCompletionClient

from ..agents.base import RoleAgent
from ..agents.evolver import EvolverAgent
from ..agents.instruction_answerer import InstructionAnswererAgent
from ..agents.instruction_critic import InstructionCriticAgent
from ..agents.instructions import InstructionContext, InstructionsOutput, InstructionVerdicts
from ..agents.recorder import RecorderAgent
from ..agents.response_evolver import ResponseEvolverAgent
from .qa import run_unwrapped


def _verdicts(message: BaseChatMessage) -> InstructionVerdicts | None:
    if isinstance(message, StructuredMessage) and isinstance(message.content, InstructionVerdicts):
        return message.content
    return None


def another_round(message: BaseChatMessage) -> bool:
    verdicts = _verdicts(message)
    return verdicts is not None and verdicts.more_rounds


def last_round(message: BaseChatMessage) -> bool:
    verdicts = _verdicts(message)
    return verdicts is not None and not verdicts.more_rounds


def build_evolution_team(
    clients: dict[str, ChatCompletionClient], context: InstructionContext, *, seed_id: str, seed_text: str, rounds: int
) -> Team:
    evolver = EvolverAgent(clients["evolver"], context, seed_id=seed_id, seed_text=seed_text)
    answerer = InstructionAnswererAgent(clients["answerer"], context)
    critic = InstructionCriticAgent(clients["critic"], context, rounds=rounds, evolution="instruction")
    recorder = RecorderAgent(verdict_type=InstructionVerdicts)
    builder = DiGraphBuilder()
    for agent in (evolver, answerer, critic, recorder):
        builder.add_node(agent)
    builder.add_edge(evolver, answerer)
    builder.add_edge(answerer, critic)
    builder.add_edge(critic, evolver, condition=another_round)
    builder.add_edge(critic, recorder, condition=last_round)
    builder.set_entry_point(evolver)
    safety = MaxMessageTermination(1 + 3 * rounds + 2)  # task + 3 per round + recorder, and one spare
    return GraphFlow(participants=builder.get_participants(), graph=builder.build(), termination_condition=safety)


def build_response_evolution_team(
    clients: dict[str, ChatCompletionClient], context: InstructionContext, *, seed_id: str, response: str, rounds: int
) -> Team:
    """evol_quality: evolver → critic, looping while rounds remain, then the recorder. The
    instruction is the task (a structured message both agents read)."""
    evolver = ResponseEvolverAgent(clients["evolver"], context, seed_id=seed_id, response=response)
    critic = InstructionCriticAgent(clients["critic"], context, rounds=rounds, evolution="response")
    recorder = RecorderAgent(verdict_type=InstructionVerdicts)
    builder = DiGraphBuilder()
    for agent in (evolver, critic, recorder):
        builder.add_node(agent)
    builder.add_edge(evolver, critic)
    builder.add_edge(critic, evolver, condition=another_round)
    builder.add_edge(critic, recorder, condition=last_round)
    builder.set_entry_point(evolver)
    return GraphFlow(participants=builder.get_participants(), graph=builder.build(),
                     termination_condition=MaxMessageTermination(1 + 2 * rounds + 2),
                     custom_message_types=[StructuredMessage[InstructionsOutput]])


def build_writer_team(writer: RoleAgent, clients: dict[str, ChatCompletionClient], context: InstructionContext) -> Team:
    answerer = InstructionAnswererAgent(clients["answerer"], context)
    critic = InstructionCriticAgent(clients["critic"], context)
    builder = DiGraphBuilder()
    for agent in (writer, answerer, critic):
        builder.add_node(agent)
    builder.add_edge(writer, answerer)
    builder.add_edge(answerer, critic)
    builder.set_entry_point(writer)
    return GraphFlow(participants=builder.get_participants(), graph=builder.build(),
                     termination_condition=MaxMessageTermination(5))


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
