"""Teams for document QA: reader → question writer → answerer → critic.

`graph` (default): an AutoGen GraphFlow with a revise edge from the critic back to the
writer, taken when the critic's structured verdict asks for revision, and an edge to the
recorder (the graph's leaf) otherwise; both are callables on the `needs_revision` field,
never substring matches. The critic stops asking after `max_revisions` rounds, which
bounds the loop.

`round_robin`: the same agents in a RoundRobinGroupChat; the reader repeats its facts
without a model call on later rounds, and the team stops when the critic needs no
revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autogen_agentchat.base import TaskResult, Team
from autogen_agentchat.conditions import FunctionalTermination, MaxMessageTermination
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StructuredMessage
from autogen_agentchat.teams import DiGraphBuilder, GraphFlow, RoundRobinGroupChat
from autogen_core.models import ChatCompletionClient

from ..agents.answerer import AnswererAgent
from ..agents.context import QAContext
from ..agents.critic import CriticAgent, CriticOutput
from ..agents.question_writer import QuestionWriterAgent
from ..agents.reader import ReaderAgent
from ..agents.recorder import RecorderAgent

TOPOLOGIES = ("graph", "round_robin")
ROLES = ("reader", "question_writer", "answerer", "critic")


def critic_wants_revision(message: BaseChatMessage) -> bool:
    return isinstance(message, StructuredMessage) and isinstance(message.content, CriticOutput) and message.content.needs_revision


def critic_is_done(message: BaseChatMessage) -> bool:
    return isinstance(message, StructuredMessage) and isinstance(message.content, CriticOutput) and not message.content.needs_revision


def _critic_done(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> bool:
    return bool(messages) and isinstance(messages[-1], BaseChatMessage) and critic_is_done(messages[-1])


def max_messages(context: QAContext) -> int:
    """Task + 4 agents per round (graph: 3 per revision + the recorder)."""
    return 1 + 4 * (context.max_revisions + 1)


def build_qa_team(topology: str, clients: dict[str, ChatCompletionClient], context: QAContext) -> Team:
    """A fresh team with fresh agents for one work item. `clients` maps role → client."""
    reader = ReaderAgent(clients["reader"], context)
    writer = QuestionWriterAgent(clients["question_writer"], context)
    answerer = AnswererAgent(clients["answerer"], context)
    critic = CriticAgent(clients["critic"], context)
    # A safety net only: the graph ends by itself and the critic bounds revisions.
    safety = MaxMessageTermination(max_messages(context) + 1)
    if topology == "graph":
        recorder = RecorderAgent()
        builder = DiGraphBuilder()
        for agent in (reader, writer, answerer, critic, recorder):
            builder.add_node(agent)
        builder.add_edge(reader, writer, activation_group="first_draft")
        builder.add_edge(writer, answerer)
        builder.add_edge(answerer, critic)
        builder.add_edge(critic, writer, condition=critic_wants_revision, activation_group="revision")
        builder.add_edge(critic, recorder, condition=critic_is_done)
        builder.set_entry_point(reader)
        return GraphFlow(participants=builder.get_participants(), graph=builder.build(), termination_condition=safety)
    if topology == "round_robin":
        return RoundRobinGroupChat(
            [reader, writer, answerer, critic], termination_condition=FunctionalTermination(_critic_done) | safety
        )
    raise ValueError(f"unknown team topology {topology!r} (choose from {', '.join(TOPOLOGIES)})")


async def run_unwrapped(runnable: Any, task: Any, context: QAContext) -> TaskResult:
    """Run a team or agent; if an agent failed with a typed error (with the raw model
    reply), raise that instead of AutoGen's plain RuntimeError string."""
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
