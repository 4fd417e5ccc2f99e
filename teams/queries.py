"""What a team spec says, asked without building anything: which role's model an agent
uses, how many copies it has, what its messages look like, what a condition makes of a
message. The builder, the validator, the dry run and the export all ask here."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..agents.custom import declared_model
from .registry import ROLES, schema_of
from .spec import PARAM, AgentSpec, Condition, LoadedSpec


def resolve(value: Any, params: dict[str, Any]) -> Any:
    """`${name}` → the scenario's value for this item."""
    if isinstance(value, str) and (match := PARAM.match(value)):
        return params[match.group(1)]
    return value


def is_model_spec(model: str) -> bool:
    return ":" in model or model == "local"


def model_role(agent: AgentSpec, name: str) -> str | None:
    """The run config role whose model an agent uses: `model:` when it names a role; the
    agent's own name when it is a model spec (run.py registers it) or not given."""
    if not ROLES.get(agent.role, ROLES["custom"]).calls_model:
        return None
    if agent.model and not is_model_spec(agent.model):
        return agent.model
    return name


def copy_names(agent: AgentSpec, params: dict[str, Any]) -> list[str]:
    count = int(resolve(agent.replicas, params))
    return [agent.name] if agent.replicas == 1 else [f"{agent.name}_{i}" for i in range(1, count + 1)]


def content_of(message: Any) -> BaseModel | None:
    """The structured content of a message (a swarm handoff carries it as `payload`)."""
    payload = getattr(message, "payload", None)
    if isinstance(payload, BaseModel):
        return payload
    content = getattr(message, "content", None)
    return content if isinstance(content, BaseModel) else None


def field_value(content: BaseModel, path: str) -> Any:
    value: Any = content
    for part in path.split("."):
        value = getattr(value, part, None)
    return value


def holds(condition: Condition, message: Any) -> bool:
    content = content_of(message)
    return content is not None and condition.holds(field_value(content, condition.field))


def output_model(agent: AgentSpec) -> type[BaseModel] | None:
    """The schema of an agent's messages (None: a recorder's, which is its predecessor's)."""
    role = ROLES.get(agent.role)
    if role is not None and role.output:
        return schema_of(role.output)
    if isinstance(agent.output, str):
        return schema_of(agent.output)
    if agent.output is not None:
        return declared_model(agent.name, agent.output.fields)
    return None


def read_prompt_file(loaded: LoadedSpec, agent: AgentSpec) -> str:
    path = (loaded.path.parent / agent.prompt_file) if agent.prompt_file else None
    if path is None:
        return agent.system_prompt or ""
    return path.read_text(encoding="utf-8")


def team_roles(loaded: LoadedSpec, params: dict[str, Any]) -> list[str]:
    """The run config roles whose models the team's agents (and selector) use."""
    roles: list[str] = []
    for agent in loaded.spec.agents:
        for name in copy_names(agent, params):
            if (role := model_role(agent, name)) and role not in roles:
                roles.append(role)
    topology = loaded.spec.topology
    if topology.type == "selector" and (topology.model or "selector") not in roles:
        roles.append(topology.model or "selector")
    return roles


def model_specs(loaded: LoadedSpec, params: dict[str, Any]) -> dict[str, str]:
    """role → model spec, for agents whose `model:` is a model spec rather than a role."""
    return {name: agent.model for agent in loaded.spec.agents if agent.model and is_model_spec(agent.model)
            for name in copy_names(agent, params)}
