"""What a team spec says, asked without building anything: which role's model an agent
uses, how many copies it has, what its messages look like, what a condition makes of a
message. The builder, the validator, the dry run and the export all ask here."""

from __future__ import annotations

from pathlib import Path

from typing import Any

from pydantic import BaseModel

from ..agents.custom import declared_model
from ..tools.encoding import read_utf8
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


def prompt_file_path(loaded: LoadedSpec, agent: AgentSpec) -> Path | None:
    """The file a custom agent's `prompt_file` names, when it lies under the spec's folder: its
    text becomes a prompt sent to a model and written into the AutoGen export, so a spec may not
    reach for any file on the machine (`/etc/…`, `../../secrets`). None when it does not."""
    if not agent.prompt_file:
        return None
    folder = loaded.path.parent.resolve()
    path = (folder / agent.prompt_file).resolve()
    return path if path.is_relative_to(folder) else None


def read_prompt_file(loaded: LoadedSpec, agent: AgentSpec) -> str:
    if not agent.prompt_file:
        return agent.system_prompt or ""
    path = prompt_file_path(loaded, agent)
    if path is None:  # validation refuses such a spec first; never read it regardless
        raise ValueError(f"prompt_file {agent.prompt_file!r} is outside the spec's folder")
    return read_utf8(path, "prompt file")


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
