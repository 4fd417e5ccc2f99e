"""Build an AutoGen team for one work item from a validated team spec.

Graph edges become callables on structured fields (never substring matches). Each source's
edges are decided together by a router: conditional edges whose test holds and whose
`max_times` is not used up fire; `otherwise` edges fire when none of them did. A loop is
bounded by its `max_times`, so the flow leaves it by the `otherwise` edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from autogen_agentchat.agents import BaseChatAgent
from autogen_agentchat.base import Team, TerminatedException, TerminationCondition
from autogen_agentchat.conditions import (
    FunctionalTermination,
    MaxMessageTermination,
    TextMentionTermination,
    TimeoutTermination,
    TokenUsageTermination,
)
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage, StopMessage, StructuredMessage
from autogen_agentchat.teams import DiGraphBuilder, GraphFlow, RoundRobinGroupChat, SelectorGroupChat, Swarm
from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel

from ..agents.base import load_prompt
from ..agents.custom import CustomAgent
from ..agents.qa_messages import PairReviews
from ..agents.recorder import RecorderAgent
from ..errors import AgentsynthError
from .handoff import HandoffAgent, StructuredHandoff
from .queries import copy_names, holds, model_role, output_model, read_prompt_file, resolve
from .registry import ROLES, SCENARIO_TEAMS, AgentBuild, scenario_teams
from .spec import AgentSpec, Edge, LoadedSpec, Termination


class Router:
    """Decides all of one source's edges at once, per message (see the module docstring)."""

    def __init__(self, edges: list[Edge], limits: list[int | None]) -> None:
        self.edges, self.limits = edges, limits
        self.taken = [0] * len(edges)
        self._last: tuple[str, list[bool]] | None = None

    def conditional(self, i: int) -> bool:
        return self.edges[i].when is not None or self.limits[i] is not None

    def fires(self, i: int, message: BaseChatMessage) -> bool:
        if self._last is None or self._last[0] != message.id:
            self._last = (message.id, self._decide(message))
        return self._last[1][i]

    def _decide(self, message: BaseChatMessage) -> list[bool]:
        fired = []
        for i, edge in enumerate(self.edges):
            limit = self.limits[i]
            fired.append(not edge.otherwise and (edge.when is None or holds(edge.when, message))
                         and (limit is None or self.taken[i] < limit))
        if not any(f for i, f in enumerate(fired) if self.conditional(i)):
            fired = [f or e.otherwise for f, e in zip(fired, self.edges)]
        for i, f in enumerate(fired):
            if f and self.limits[i] is not None:
                self.taken[i] += 1
        return fired


class MaxTurnsTermination(TerminationCondition):
    """Stops after this many agent replies (the task is not a turn)."""

    def __init__(self, turns: int) -> None:
        self.turns, self._count, self._done = turns, 0, False

    @property
    def terminated(self) -> bool:
        return self._done

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        if self._done:
            raise TerminatedException("already terminated")
        self._count += sum(1 for m in messages if isinstance(m, BaseChatMessage) and m.source != "user")
        if self._count >= self.turns:
            self._done = True
            return StopMessage(content=f"{self.turns} turns", source="MaxTurnsTermination")
        return None

    async def reset(self) -> None:
        self._count, self._done = 0, False


def build_termination(rule: Termination | None, params: dict[str, Any]) -> TerminationCondition | None:
    if rule is None:
        return None
    if rule.any_of is not None or rule.all_of is not None:
        parts = [build_termination(r, params) for r in (rule.any_of or rule.all_of or [])]
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined | part) if rule.any_of is not None else (combined & part)  # type: ignore[operator]
        return combined
    if rule.max_messages is not None:
        return MaxMessageTermination(int(resolve(rule.max_messages, params)))
    if rule.max_turns is not None:
        return MaxTurnsTermination(int(resolve(rule.max_turns, params)))
    if rule.verdict is not None:
        verdict = rule.verdict

        def matched(messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> bool:
            return any(isinstance(m, BaseChatMessage) and (verdict.source is None or m.source == verdict.source)
                       and holds(verdict, m) for m in messages)
        return FunctionalTermination(matched)
    if rule.text is not None:
        return TextMentionTermination(rule.text, sources=[rule.text_source] if rule.text_source else None)
    if rule.max_tokens is not None:
        return TokenUsageTermination(max_total_token=rule.max_tokens)
    return TimeoutTermination(rule.timeout or 0)


@dataclass
class BuiltAgent:
    spec: AgentSpec
    name: str
    agent: BaseChatAgent
    model_role: str | None
    output: type[BaseModel] | None


@dataclass
class BuiltTeam:
    """A built team and what made it, for --dry-run's picture and prompts."""

    loaded: LoadedSpec
    params: dict[str, Any]
    agents: list[BuiltAgent]
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (source, target, label)
    team: Team | None = None


def make_agent(loaded: LoadedSpec, agent: AgentSpec, name: str, clients: dict[str, ChatCompletionClient],
               context: Any, params: dict[str, Any], recorded: type[BaseModel] | None) -> BuiltAgent:
    role = ROLES[agent.role]
    mrole = model_role(agent, name)
    client = clients.get(mrole) if mrole else None
    if mrole and client is None:
        raise AgentsynthError(f"{loaded.path}: agent {name!r} needs a model for role {mrole!r}, which this run has not "
                              "configured")
    if agent.role == "recorder":
        built: BaseChatAgent = RecorderAgent(name=name, verdict_type=recorded or BaseModel)
        return BuiltAgent(agent, name, built, None, recorded)
    if agent.role == "custom":
        model = output_model(agent)
        assert model is not None
        built = CustomAgent(client, context, name=name, system_prompt=read_prompt_file(loaded, agent),
                            user_prompt=agent.prompt or "$task\n\n$conversation", output_model=model,
                            description=agent.description, review=model is PairReviews,
                            lookup="search_documents" in agent.tools, max_tokens=agent.max_tokens)
        return BuiltAgent(agent, name, built, mrole, model)
    assert role.make is not None
    built = role.make(AgentBuild(spec=agent, name=name, client=client, context=context, params=params))
    if agent.max_tokens:
        built.max_tokens = agent.max_tokens  # type: ignore[attr-defined]
    return BuiltAgent(agent, name, built, mrole, output_model(agent))


def build_team(loaded: LoadedSpec, clients: dict[str, ChatCompletionClient], context: Any, params: dict[str, Any],
               scenario: str) -> Team:
    """A fresh team with fresh agents for one work item."""
    spec = loaded.spec
    topology = spec.topology
    copies = {a.name: copy_names(a, params) for a in spec.agents}
    predecessor: dict[str, AgentSpec] = {}
    if topology.type == "graph":
        for edge in topology.edges:
            predecessor.setdefault(edge.target, spec.agent(edge.source))  # type: ignore[arg-type]
    built: list[BuiltAgent] = []
    for agent in spec.agents:
        before = predecessor.get(agent.name)
        recorded = output_model(before) if before is not None else None
        built += [make_agent(loaded, agent, name, clients, context, params, recorded) for name in copies[agent.name]]
    by_name = {b.name: b.agent for b in built}
    info = BuiltTeam(loaded=loaded, params=params, agents=built)
    termination = build_termination(spec.termination, params)
    teams = SCENARIO_TEAMS.get(scenario) or scenario_teams("custom")  # a flow of no scenario: a custom one
    task_types = [StructuredMessage[t] for t in teams.task_types]
    task_types += [StructuredMessage[b.output] for b in built if b.spec.role == "custom" and b.output is not None]

    if topology.type == "graph":
        team: Team = _graph(topology, copies, by_name, termination, task_types, params, info)
    elif topology.type == "round_robin":
        order = [n for name in (topology.order or [a.name for a in spec.agents]) for n in copies[name]]
        first = resolve(topology.first, params) if topology.first else None
        if first:
            start = order.index(copies[first][0])
            order = order[start:] + order[:start]
        info.edges = [(a, b, "") for a, b in zip(order, order[1:] + order[:1])]
        team = RoundRobinGroupChat([by_name[n] for n in order], termination_condition=termination,
                                   custom_message_types=task_types)
    elif topology.type == "selector":
        team = _selector(topology, spec, copies, by_name, clients, termination, task_types, info)
    else:
        team = _swarm(topology, spec, copies, by_name, termination, task_types, info)
    info.team = team
    team._agentsynth_built = info  # type: ignore[attr-defined]
    return team


def _graph(topology, copies, by_name, termination, task_types, params, info: BuiltTeam) -> GraphFlow:
    builder = DiGraphBuilder()
    for agent in by_name.values():
        builder.add_node(agent)
    head = {name: names[0] for name, names in copies.items()}
    tail = {name: names[-1] for name, names in copies.items()}
    entry = head[resolve(topology.entry, params) if topology.entry else next(iter(copies))]
    plain: list[tuple[str, str]] = [(a, b) for names in copies.values() for a, b in zip(names, names[1:])]
    by_source: dict[str, list[Edge]] = {}
    for edge in topology.edges:
        by_source.setdefault(tail[edge.source], []).append(edge)
    back = _back_edges(entry, plain + [(tail[e.source], head[e.target]) for e in topology.edges])
    for a, b in plain:
        builder.add_edge(by_name[a], by_name[b])
        info.edges.append((a, b, ""))
    safety = 1 + len(by_name)
    for source, edges in by_source.items():
        limits = [None if e.max_times is None else int(resolve(e.max_times, params)) for e in edges]
        routed = any(e.when is not None or e.otherwise or limit is not None for e, limit in zip(edges, limits))
        router = Router(edges, limits)
        for i, edge in enumerate(edges):
            target = head[edge.target]
            own_group = routed or (source, target) in back
            builder.add_edge(
                by_name[source], by_name[target],
                condition=(lambda message, i=i, router=router: router.fires(i, message)) if routed else None,
                activation_group=f"{source}->{target}" if own_group else None,
            )
            info.edges.append((source, target, edge_label(edge, limits[i])))
            safety += (limits[i] or 0) * len(by_name)
    builder.set_entry_point(by_name[entry])
    # The graph ends by itself; this only stops a spec whose loops are bounded by conditions alone.
    safety_net = MaxMessageTermination(safety + 1)
    return GraphFlow(participants=builder.get_participants(), graph=builder.build(),
                     termination_condition=(termination | safety_net) if termination else safety_net,
                     custom_message_types=task_types)


def edge_label(edge: Edge, limit: int | str | None) -> str:
    parts = [edge.when.describe()] if edge.when else (["otherwise"] if edge.otherwise else [])
    if limit is not None:
        parts.append(f"at most {limit}×")
    return ", ".join(parts)


def _back_edges(entry: str, edges: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Edges that close a cycle, found by depth-first search from the entry."""
    out: dict[str, list[str]] = {}
    for a, b in edges:
        out.setdefault(a, []).append(b)
    back, done, stack = set(), set(), []

    def visit(node: str) -> None:
        stack.append(node)
        for nxt in out.get(node, []):
            if nxt in stack:
                back.add((node, nxt))
            elif nxt not in done:
                visit(nxt)
        stack.pop()
        done.add(node)

    visit(entry)
    return back


def _selector(topology, spec, copies, by_name, clients, termination, task_types, info: BuiltTeam) -> SelectorGroupChat:
    names = [n for a in spec.agents for n in copies[a.name]]

    def candidates(thread: Sequence[BaseAgentEvent | BaseChatMessage]) -> list[str]:
        last = next((m for m in reversed(thread) if isinstance(m, BaseChatMessage)), None)
        speaker = last.source if last is not None else None
        for rule in topology.rules:
            if speaker == rule.after and (rule.when is None or holds(rule.when, last)):
                return [rule.next] if isinstance(rule.next, str) else list(rule.next)
        if speaker == "user" or speaker is None:
            return [names[0]]  # the first agent opens, as in every other topology
        return [n for n in names if topology.allow_repeated_speaker or n != speaker]

    for rule in topology.rules:
        for target in [rule.next] if isinstance(rule.next, str) else rule.next:
            info.edges.append((rule.after, target, rule.when.describe() if rule.when else ""))
    selector_role = topology.model or "selector"
    extra = {"selector_prompt": topology.prompt} if topology.prompt else {}
    return SelectorGroupChat([by_name[n] for n in names], model_client=clients[selector_role],
                             termination_condition=termination, candidate_func=candidates,
                             allow_repeated_speaker=topology.allow_repeated_speaker, custom_message_types=task_types,
                             **extra)


def _swarm(topology, spec, copies, by_name, termination, task_types, info: BuiltTeam) -> Swarm:
    names = [n for a in spec.agents for n in copies[a.name]]
    start = topology.start or names[0]
    order = [start] + [n for n in names if n != start]  # a Swarm starts with its first participant
    participants = []
    for name in order:
        rules = [h for h in topology.handoffs if h.source == name]
        participants.append(HandoffAgent(by_name[name], rules, holds) if rules else by_name[name])
        info.edges += [(h.source, h.target, h.when.describe() if h.when else "") for h in rules]
    return Swarm(participants, termination_condition=termination,
                 custom_message_types=[*task_types, StructuredHandoff])


def user_prompt_template(agent: BuiltAgent) -> str:
    """What the agent is asked each turn, as a template (its values come from the messages)."""
    if agent.spec.role == "custom":
        return agent.spec.prompt or "$task\n\n$conversation"
    try:
        return load_prompt(f"{agent.spec.role}.user").template
    except FileNotFoundError:
        return "(built from the messages it receives; no prompt file)"
