"""--export-autogen: the nearest AutoGen component config of a team spec (what AutoGen Studio
loads with `Team.load_component`), and a list of what it could not carry over.

AutoGen serialises plain `AssistantAgent`s, model clients, its own termination conditions,
and graph edges whose condition is a substring of the message text. This project's roles
are Python agents (deterministic checks, repair of invalid JSON, tools bound to the run's
documents), so each becomes an AssistantAgent with the role's system prompt; a field
condition becomes the substring `"field": value` of the JSON the agent is told to write.
"""

from __future__ import annotations

import json
from typing import Any

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TerminationCondition
from autogen_agentchat.conditions import (
    MaxMessageTermination,
    TextMentionTermination,
    TimeoutTermination,
    TokenUsageTermination,
)
from autogen_agentchat.teams import DiGraphBuilder, GraphFlow, RoundRobinGroupChat, SelectorGroupChat, Swarm
from autogen_core.models import ModelInfo

from ..agents.base import load_prompt
from ..backends.models import parse_model_spec
from ..errors import AgentsynthError
from ..tools.urls import without_credentials
from .queries import is_model_spec, model_role, output_model, read_prompt_file
from .spec import PARAM, Condition, LoadedSpec, Termination

LOCAL_SERVER = "http://localhost:8080/v1"  # python run.py serve --model <gguf>
OLLAMA_SERVER = "http://localhost:11434/v1"
PLAIN_INFO = ModelInfo(vision=False, function_calling=True, json_output=True, structured_output=False,
                       family="unknown")  # swarm handoffs need tool calls; say so if the server cannot


def export_team(loaded: LoadedSpec, models: dict[str, Any]) -> tuple[dict, list[str]]:
    """(component config as a dict, notes on what could not be represented). `models`
    maps a run-config role to its ModelSettings (model spec, base_url)."""
    notes: list[str] = []
    spec = loaded.spec
    clients: dict[str, Any] = {}
    agents: dict[str, AssistantAgent] = {}
    for agent in spec.agents:
        if agent.role == "recorder":
            notes.append(f"agent {agent.name}: a recorder restates the message before it without a model; exported "
                         "as an AssistantAgent told to repeat it (a model call in AutoGen)")
        if agent.replicas != 1:
            notes.append(f"agent {agent.name}: replicas ({agent.replicas}) need the scenario's value; exported once")
        if agent.tools:
            notes.append(f"agent {agent.name}: tools {', '.join(agent.tools)} search this run's documents in-process "
                         "and are not exported")
        if agent.role == "custom" and agent.prompt:
            notes.append(f"agent {agent.name}: its prompt template (the user message agentsynth builds from $task, "
                         "$conversation and the item's fields) is not exported; AutoGen sends the conversation as is")
        if agent.role == "custom" and agent.output is not None:
            shape = agent.output if isinstance(agent.output, str) else "the declared fields"
            notes.append(f"agent {agent.name}: its reply schema ({shape}) and the JSON repair turns are not exported")
        if agent.max_tokens is not None:
            notes.append(f"agent {agent.name}: max_tokens {agent.max_tokens} is per call in agentsynth; not exported")
        role = model_role(agent, agent.name) or agent.name
        settings = models.get(role)
        model = agent.model if agent.model and is_model_spec(agent.model) else (settings.model if settings else "local")
        key = f"{model}|{getattr(settings, 'base_url', None)}"
        if key not in clients:
            clients[key] = _client(model, getattr(settings, "base_url", None), notes)
        agents[agent.name] = AssistantAgent(agent.name, model_client=clients[key],
                                            system_message=_system_message(loaded, agent, notes),
                                            description=agent.description or f"The {agent.role.replace('_', ' ')}.")
    if spec.agents and any(a.role != "custom" and a.role != "recorder" for a in spec.agents):
        notes.append("built-in roles are Python agents: their deterministic checks, JSON repair and per-item "
                     "inputs (passage, seed, plan) run only in agentsynth; the export keeps their system prompts")
    if spec.input is not None:
        notes.append(f"input: {spec.input} (one team per work item, its task filled from the item) is agentsynth's; "
                     "the export is one team that takes whatever task it is given")
    if spec.record is not None:
        notes.append(f"record: which message becomes the record ({spec.record.source}: {spec.record.user} / "
                     f"{spec.record.assistant}), the custom checks"
                     + (f" and accept_when ({spec.record.accept_when.describe()})" if spec.record.accept_when else "")
                     + " are applied by agentsynth after the team runs; not exported")
    termination = _termination(spec.termination, notes)
    topo = spec.topology
    if topo.type == "graph":
        team: Any = _graph(loaded, agents, termination, notes)
    elif topo.type == "round_robin":
        order = [n for n in (topo.order or [a.name for a in spec.agents]) if n in agents]
        if topo.first:
            notes.append(f"round_robin first: {topo.first} is per item; exported in the listed order")
        team = RoundRobinGroupChat([agents[n] for n in order], termination_condition=termination)
    elif topo.type == "selector":
        if topo.rules:
            notes.append(f"selector rules ({len(topo.rules)}) are Python candidate functions, which AutoGen does not "
                         "serialise; the exported selector lets its model choose every turn")
        selector = models.get(topo.model or "selector")
        team = SelectorGroupChat(list(agents.values()), termination_condition=termination,
                                 model_client=_client(selector.model if selector else "local",
                                                      getattr(selector, "base_url", None), notes),
                                 allow_repeated_speaker=topo.allow_repeated_speaker,
                                 **({"selector_prompt": topo.prompt} if topo.prompt else {}))
    else:
        team = _swarm(loaded, agents, models, clients, termination, notes)
    return json.loads(team.dump_component().model_dump_json()), list(dict.fromkeys(notes))


def export_team_checked(loaded: LoadedSpec, models: dict[str, Any]) -> tuple[dict, list[str]]:
    """`export_team`, with AutoGen's own refusals as one clear line."""
    try:
        return export_team(loaded, models)
    except ValueError as exc:
        raise AgentsynthError(f"{loaded.path}: AutoGen cannot represent this team: {exc}") from None


def _client(model: str, base_url: str | None, notes: list[str]) -> Any:
    from autogen_ext.models.openai import AzureOpenAIChatCompletionClient, OpenAIChatCompletionClient

    spec = parse_model_spec(model)
    if spec.provider == "openai":
        return OpenAIChatCompletionClient(model=spec.name, api_key="set OPENAI_API_KEY")
    if spec.provider == "azure":
        notes.append(f"model {model}: set azure_endpoint and api_version (or Entra ID) in the exported config")
        return AzureOpenAIChatCompletionClient(azure_deployment=spec.name, model=spec.name, api_version="2024-10-21",
                                               azure_endpoint="https://YOUR-RESOURCE.openai.azure.com",
                                               api_key="set AZURE_OPENAI_API_KEY")
    if spec.provider == "local" or spec.provider == "gguf":
        notes.append(f"model {model}: runs in-process here; exported as an OpenAI-compatible server at {LOCAL_SERVER} "
                     "(serve the GGUF with `python run.py serve --model PATH`)")
        return OpenAIChatCompletionClient(model=spec.name, base_url=LOCAL_SERVER, api_key="none", model_info=PLAIN_INFO)
    url = without_credentials(base_url) if base_url else (OLLAMA_SERVER if spec.provider == "ollama" else LOCAL_SERVER)
    return OpenAIChatCompletionClient(model=spec.name, base_url=url, api_key="none", model_info=PLAIN_INFO)


def _system_message(loaded: LoadedSpec, agent, notes: list[str]) -> str:
    if agent.role == "custom":
        text = read_prompt_file(loaded, agent)
    elif agent.role == "recorder":
        text = "Repeat the previous message exactly, and nothing else."
    else:
        try:
            text = load_prompt(f"{agent.role}.system").template
        except FileNotFoundError:
            text = f"You are the {agent.role.replace('_', ' ')}."
    if "$" in text:
        notes.append(f"agent {agent.name}: its system prompt's $placeholders are filled per work item in agentsynth; "
                     "exported unfilled")
    schema = output_model(agent)
    if schema is not None:
        text += ("\n\nReply with one JSON object matching this schema:\n"
                 + json.dumps(schema.model_json_schema(), ensure_ascii=False))
    return text


def _substring(condition: Condition, notes: list[str], where: str) -> str | None:
    """A field condition as the substring AutoGen can test, when there is one."""
    key = condition.field.split(".")[-1]
    if "equals" in condition.model_fields_set and isinstance(condition.equals, (bool, int, str)):
        text = f'"{key}": {json.dumps(condition.equals)}'
        notes.append(f"{where}: `{condition.describe()}` exported as the substring {text!r} (AutoGen matches "
                     "substrings of the message text, not fields)")
        return text
    notes.append(f"{where}: `{condition.describe()}` has no substring form; exported without it")
    return None


def _graph(loaded: LoadedSpec, agents: dict[str, AssistantAgent], termination, notes: list[str]) -> GraphFlow:
    topo = loaded.spec.topology
    builder = DiGraphBuilder()
    for agent in agents.values():
        builder.add_node(agent)
    by_source: dict[str, list] = {}
    for edge in topo.edges:
        if edge.source in agents and edge.target in agents:
            by_source.setdefault(edge.source, []).append(edge)
    for source, edges in by_source.items():
        conditions: list[str | None] = []
        for edge in edges:
            where = f"edge {edge.source} -> {edge.target}"
            if edge.max_times is not None:
                notes.append(f"{where}: max_times {edge.max_times} has no AutoGen form; the team's max_messages "
                             "bounds the loop instead")
            if edge.when is not None:
                conditions.append(_substring(edge.when, notes, where))
            elif edge.otherwise:
                siblings = [e.when for e in edges if e.when is not None]
                if len(siblings) == 1 and isinstance(siblings[0].equals, bool) and "equals" in siblings[0].model_fields_set:
                    flipped = Condition(field=siblings[0].field, equals=not siblings[0].equals)
                    conditions.append(_substring(flipped, notes, where + " (otherwise)"))
                else:
                    notes.append(f"{where}: `otherwise` has no AutoGen form; exported without a condition")
                    conditions.append(None)
            else:
                conditions.append(None)
        conditional = any(c is not None for c in conditions)
        for edge, condition in zip(edges, conditions):
            if conditional and condition is None:
                notes.append(f"edge {edge.source} -> {edge.target}: left out (AutoGen needs all of a node's edges "
                             "conditional or none)")
                continue
            builder.add_edge(agents[edge.source], agents[edge.target], condition=condition)
    entry = topo.entry if topo.entry and not PARAM.match(topo.entry) else next(iter(agents))
    builder.set_entry_point(agents[entry])
    return GraphFlow(participants=builder.get_participants(), graph=builder.build(),
                     termination_condition=termination or MaxMessageTermination(50))


def _swarm(loaded: LoadedSpec, agents, models, clients, termination, notes: list[str]) -> Swarm:
    topo = loaded.spec.topology
    rebuilt = []
    for name, agent in agents.items():
        targets = [h.target for h in topo.handoffs if h.source == name]
        if any(h.when is not None for h in topo.handoffs if h.source == name):
            notes.append(f"swarm handoffs from {name}: their conditions become the model's choice (AutoGen hands "
                         "off by a tool call the model makes)")
        rebuilt.append(AssistantAgent(name, model_client=agent._model_client, system_message=agent._system_messages[0].content
                                      if agent._system_messages else None, description=agent.description,
                                      handoffs=targets))
    start = topo.start or rebuilt[0].name
    rebuilt.sort(key=lambda a: a.name != start)
    return Swarm(rebuilt, termination_condition=termination)


def _termination(rule: Termination | None, notes: list[str]) -> TerminationCondition | None:
    if rule is None:
        return None
    if rule.any_of is not None or rule.all_of is not None:
        parts = [p for p in (_termination(r, notes) for r in (rule.any_of or rule.all_of or [])) if p is not None]
        if not parts:
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined = (combined | part) if rule.any_of is not None else (combined & part)
        return combined
    if rule.max_messages is not None:
        if isinstance(rule.max_messages, str):
            notes.append(f"termination max_messages {rule.max_messages} is per item; exported as 50")
            return MaxMessageTermination(50)
        return MaxMessageTermination(rule.max_messages)
    if rule.max_turns is not None:
        turns = rule.max_turns if isinstance(rule.max_turns, int) else 50
        notes.append("termination max_turns exported as max_messages (turns + the task)")
        return MaxMessageTermination(turns + 1)
    if rule.verdict is not None:
        text = _substring(rule.verdict, notes, "termination verdict")
        return TextMentionTermination(text, sources=[rule.verdict.source] if rule.verdict.source else None) if text else None
    if rule.text is not None:
        return TextMentionTermination(rule.text, sources=[rule.text_source] if rule.text_source else None)
    if rule.max_tokens is not None:
        return TokenUsageTermination(max_total_token=rule.max_tokens)
    return TimeoutTermination(rule.timeout or 0)
