"""--dry-run: plan the run, build the team for the first work item, and show who talks to
whom (text and mermaid) and the prompts each agent would get, without a model call.

Planning and the item run as usual with clients that refuse every call; the first team
that is about to run is caught (`intercept`). A scenario that needs a model before its team
exists (a curriculum, personas, a customer brief) gets the spec's picture without the
item's values, and says which call it stopped at.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, ModelInfo, RequestUsage
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from ..agents.base import load_prompt
from ..errors import AgentsynthError
from .build import BuiltTeam, edge_label, user_prompt_template
from .queries import model_role, output_model, read_prompt_file, resolve
from .spec import LoadedSpec

_catching: ContextVar[bool] = ContextVar("agentsynth_dry_run", default=False)


class TeamReached(Exception):
    def __init__(self, built: BuiltTeam, task: Any) -> None:
        super().__init__("dry run reached the team")
        self.built, self.task = built, task


class ModelCallRefused(AgentsynthError):
    pass


def intercept(runnable: Any, task: Any) -> None:
    """Called before any team runs: in a dry run, stop here with the built team."""
    built = getattr(runnable, "_agentsynth_built", None)
    if _catching.get() and built is not None:
        raise TeamReached(built, task)


class NoCallClient(ChatCompletionClient):
    """A client for dry runs: it answers questions about itself but refuses every call."""

    def __init__(self, role: str) -> None:
        self.role = role

    async def create(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = [],
                     tool_choice: Any = "auto", json_output: bool | type[BaseModel] | None = None,
                     extra_create_args: Mapping[str, Any] = {},
                     cancellation_token: CancellationToken | None = None) -> CreateResult:
        what = f" for a {json_output.__name__}" if isinstance(json_output, type) else ""
        raise ModelCallRefused(f"the {self.role!r} model was asked{what}")

    async def create_stream(self, messages, **kwargs):  # type: ignore[override]
        raise ModelCallRefused(f"the {self.role!r} model was asked")
        yield  # pragma: no cover

    async def close(self) -> None:
        pass

    def actual_usage(self) -> RequestUsage:
        return RequestUsage(prompt_tokens=0, completion_tokens=0)

    total_usage = actual_usage

    def count_tokens(self, messages, *, tools=[]) -> int:  # type: ignore[override]
        return 0

    def remaining_tokens(self, messages, *, tools=[]) -> int:  # type: ignore[override]
        return 0

    @property
    def capabilities(self) -> ModelInfo:  # type: ignore[override]
        return self.model_info

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(vision=False, function_calling=True, json_output=True, structured_output=True,
                         family="dry-run")


@contextmanager
def stop_at_first_team() -> Iterator[None]:
    """While inside, the first team a scenario builds is raised as `TeamReached` instead of run."""
    token = _catching.set(True)
    try:
        yield
    finally:
        _catching.reset(token)


def _task_text(task: Any) -> str:
    items = task if isinstance(task, list) else [task]
    return "\n".join(m.to_model_text() if hasattr(m, "to_model_text") else str(m) for m in items)


def static_edges(loaded: LoadedSpec) -> list[tuple[str, str, str]]:
    topo = loaded.spec.topology
    if topo.type == "graph":
        return [(e.source, e.target, edge_label(e, e.max_times)) for e in topo.edges]
    if topo.type == "round_robin":
        order = topo.order or [a.name for a in loaded.spec.agents]
        return [(a, b, "") for a, b in zip(order, order[1:] + order[:1])]
    if topo.type == "selector":
        return [(r.after, n, r.when.describe() if r.when else "") for r in topo.rules
                for n in ([r.next] if isinstance(r.next, str) else r.next)]
    return [(h.source, h.target, h.when.describe() if h.when else "") for h in topo.handoffs]


def mermaid(edges: list[tuple[str, str, str]], entry: str | None) -> str:
    lines = ["flowchart TD"]
    if entry:
        lines.append(f"    task([task]) --> {entry}")
    for a, b, label in edges:
        text = label.replace('"', "'")
        lines.append(f'    {a} -->|"{text}"| {b}' if label else f"    {a} --> {b}")
    return "\n".join(lines)


def render(loaded: LoadedSpec, built: BuiltTeam | None, task: Any, label: str, why_static: str) -> str:
    spec = loaded.spec
    topo = spec.topology
    edges = built.edges if built is not None else static_edges(loaded)
    params = built.params if built is not None else {}
    entry = getattr(topo, "entry", None) or getattr(topo, "start", None) or getattr(topo, "first", None)
    entry = resolve(entry, params) if entry and params else entry
    entry = entry or spec.agents[0].name
    if built is not None:  # a replicated agent starts at its first copy
        entry = next((b.name for b in built.agents if b.spec.name == entry), entry)
    out = [f"# team {spec.name} ({topo.type}) from {loaded.path}", spec.description.strip(), ""]
    if built is not None:
        out.append(f"Built for the first work item: {label}")
    else:
        out.append(f"Not built for an item ({why_static}); placeholders stay unfilled.")
    out += ["", "## Who talks to whom", ""]
    width = max((len(a) for a, _, _ in edges), default=4)
    out += [f"  {a:<{width}} -> {b}" + (f"   [{lab}]" if lab else "") for a, b, lab in edges]
    if spec.termination is not None:
        out.append(f"  stops {spec.termination.describe()}")
    out += ["", "```mermaid", mermaid(edges, entry), "```", ""]
    if task is not None:
        out += ["## Task", "", _task_text(task), ""]
    out += ["## Agents and their prompts", ""]
    agents = built.agents if built is not None else None
    for agent in spec.agents:
        copies = [b for b in agents if b.spec is agent] if agents is not None else []
        model = model_role(agent, copies[0].name if copies else agent.name)
        schema = output_model(agent)
        out.append(f"### {agent.name} — role {agent.role}"
                   + (f", model role {model}" if model else ", no model")
                   + (f", {len(copies)} copies" if len(copies) > 1 else "")
                   + (f", tools: {', '.join(agent.tools)}" if agent.tools else "")
                   + (f", replies {schema.__name__}" if schema else ""))
        if agent.role == "recorder":
            out += ["(no model call: restates the message before it)", ""]
            continue
        if schema is not None:
            out += ["", f"Replies {schema.__name__}: {_schema_in_words(schema)}"]
        out += ["", "System prompt:", "", _indent(_system_prompt(loaded, agent, copies)), "",
                "User prompt (template; $fields come from the messages it receives):", "",
                _indent(_user_prompt(agent, copies)), ""]
    if spec.record is not None:
        out += _record_in_words(spec.record)
    return "\n".join(out)


def _schema_in_words(model: type, depth: int = 0) -> str:
    """A reply schema's fields and their types, nested ones in braces."""
    return ", ".join(f"{name} ({_type_in_words(field.annotation, depth)})" for name, field in model.model_fields.items())


def _type_in_words(annotation: Any, depth: int) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if origin is list:
        return "list of " + (_type_in_words(args[0], depth) if args else "values")
    if origin in (typing.Union, types.UnionType):
        given = [a for a in args if a is not type(None)]
        words = " or ".join(_type_in_words(a, depth) for a in given)
        return f"{words}, or null" if len(given) < len(args) else words
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "{" + _schema_in_words(annotation, depth + 1) + "}" if depth < 2 else annotation.__name__
    return getattr(annotation, "__name__", str(annotation))


def _record_in_words(record) -> list[str]:
    lines = ["## The record", "",
             f"  from {record.source}'s last structured message: user turn = {record.user}, "
             f"assistant turn = {record.assistant}" + (f", system turn = {record.system}" if record.system else ""),
             f"  kept only when {record.accept_when.source or record.source} sends {record.accept_when.describe()}"
             if record.accept_when else "  kept when the checks pass (no accept_when)",
             "  the assistant turn must be supported by the passage (grounded)" if record.grounded else
             "  not held to the passage (grounded: false)",
             f"  checks: {', '.join(record.checks)}" if record.checks else "  checks: every custom check",
             f"  every field {record.source} sent is kept in metadata.fields", ""]
    return lines


def _system_prompt(loaded: LoadedSpec, agent, copies) -> str:
    if copies:
        try:
            return copies[0].agent.system_prompt()
        except Exception as exc:  # a role whose system prompt needs a message first
            return f"(rendered when it runs: {exc})"
    if agent.role == "custom":
        return read_prompt_file(loaded, agent)
    try:
        return load_prompt(f"{agent.role}.system").template
    except FileNotFoundError:
        return "(none)"


def _user_prompt(agent, copies) -> str:
    if copies:
        return user_prompt_template(copies[0])
    if agent.role == "custom":
        return agent.prompt or "$task\n\n$conversation"
    try:
        return load_prompt(f"{agent.role}.user").template
    except FileNotFoundError:
        return "(built from the messages it receives; no prompt file)"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()) or "    (empty)"

