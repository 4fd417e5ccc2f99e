"""The team spec format: a YAML (or JSON) file that says which agents a team has, how they
talk (round robin, selector, swarm or graph), when it stops, what feeds it and which message
becomes the record. Validated by pydantic here; what needs the registry of roles, tools and
schemas (an unknown role, an edge condition on a missing field, ...) is checked in
`teams/validate.py`. `docs/custom-teams.md` walks through writing one.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import types
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import AgentsynthError, InputError
from ..tools.encoding import read_utf8
from ..tools.yaml_bounds import load_bounded

# "${rounds}": a number the scenario fills in per run (e.g. --rounds).
PARAM = re.compile(r"^\$\{(\w+)\}$")
Count = Union[int, Annotated[str, Field(pattern=PARAM.pattern)]]
NAME = r"^[A-Za-z][A-Za-z0-9_]*$"  # AutoGen agent names are Python identifiers


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Condition(Strict):
    """A test on one field of a structured message, e.g. `{field: needs_revision, equals: true}`.
    `field` may be a dotted path (`turn.outcome`). Exactly one of the tests is given."""

    field: str
    equals: Any = None
    not_equals: Any = None
    one_of: list[Any] | None = Field(default=None, alias="in")

    @model_validator(mode="after")
    def _one_test(self) -> "Condition":
        given = [k for k in ("equals", "not_equals", "one_of") if k in self.model_fields_set]
        if len(given) != 1:
            raise ValueError("give exactly one of equals, not_equals, in")
        return self

    def holds(self, value: Any) -> bool:
        if "equals" in self.model_fields_set:
            return value == self.equals
        if "not_equals" in self.model_fields_set:
            return value != self.not_equals
        return value in (self.one_of or [])

    def describe(self) -> str:
        if "equals" in self.model_fields_set:
            return f"{self.field} == {json.dumps(self.equals)}"
        if "not_equals" in self.model_fields_set:
            return f"{self.field} != {json.dumps(self.not_equals)}"
        return f"{self.field} in {json.dumps(self.one_of)}"


class DeclaredField(Strict):
    type: Literal["str", "int", "float", "bool", "list[str]"] = "str"
    description: str = ""
    values: list[str] | None = None  # str only: the allowed values (an enum)
    ge: float | None = None  # int/float only
    le: float | None = None
    max_sentences: int | None = Field(default=None, ge=1, le=12)  # str only: bounds a small model's reply


class DeclaredSchema(Strict):
    fields: dict[Annotated[str, Field(pattern=NAME)], DeclaredField] = Field(min_length=1)


class AgentSpec(Strict):
    name: str = Field(pattern=NAME)
    role: str
    description: str | None = None
    model: str | None = None  # a role of the run config, or a model spec such as openai:gpt-4o
    tools: list[str] = []
    output: str | DeclaredSchema | None = None  # a built-in schema name or declared fields (custom roles)
    system_prompt: str | None = None  # custom roles: the system prompt text ...
    prompt_file: str | None = None  # ... or a file with it (relative to the spec)
    prompt: str | None = None  # custom roles: the user prompt ($placeholders)
    options: dict[str, Any] = {}  # role options, e.g. the instruction critic's `evolution`
    checks: list[str] | None = None  # critic roles: the deterministic checks to run (default: all of its family's)
    max_tokens: int | None = Field(default=None, ge=16, le=8192)
    replicas: Count = 1  # graphs: this many copies (name_1..name_N), speaking one after another


class Edge(Strict):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    when: Condition | None = None
    otherwise: bool = False  # taken when none of the source's conditional edges is
    max_times: Count | None = None  # the edge is taken at most this often (bounds a loop)

    @model_validator(mode="after")
    def _when_or_otherwise(self) -> "Edge":
        if self.when is not None and self.otherwise:
            raise ValueError("an edge has either `when` or `otherwise: true`, not both")
        return self


class GraphTopology(Strict):
    type: Literal["graph"]
    entry: str | None = None  # default: the first agent
    edges: list[Edge] = Field(min_length=1)


class RoundRobinTopology(Strict):
    type: Literal["round_robin"]
    order: list[str] | None = None  # default: the agents in the order listed
    first: str | None = None  # who speaks first (the order rotates to start there)


class SelectorRule(Strict):
    after: str  # the agent that just spoke
    when: Condition | None = None
    next: str | list[str]  # one agent: chosen without a model call; several: the model picks


class SelectorTopology(Strict):
    type: Literal["selector"]
    model: str | None = None  # the model that picks when rules leave a choice (default: role `selector`)
    rules: list[SelectorRule] = []
    allow_repeated_speaker: bool = False
    prompt: str | None = None  # AutoGen's selector prompt ({roles}, {participants}, {history})


class Handoff(Strict):
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    when: Condition | None = None


class SwarmTopology(Strict):
    type: Literal["swarm"]
    start: str | None = None  # default: the first agent
    handoffs: list[Handoff] = Field(min_length=1)


TOPOLOGY_TAGS = ("graph", "round_robin", "selector", "swarm")
Topology = Annotated[Union[GraphTopology, RoundRobinTopology, SelectorTopology, SwarmTopology],
                     Field(discriminator="type")]


class FieldTermination(Condition):
    source: str | None = None  # only messages from this agent


class Termination(Strict):
    """One stop rule, or `any`/`all` of several."""

    max_messages: Count | None = None
    max_turns: Count | None = None
    verdict: FieldTermination | None = None
    text: str | None = None  # a message mentions this text
    text_source: str | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    timeout: float | None = Field(default=None, gt=0)  # seconds
    any_of: list["Termination"] | None = Field(default=None, alias="any")
    all_of: list["Termination"] | None = Field(default=None, alias="all")

    @model_validator(mode="after")
    def _one_rule(self) -> "Termination":
        given = [k for k in type(self).model_fields if k != "text_source" and getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of max_messages, max_turns, verdict, text, max_tokens, timeout, any, all"
                             + (f" (got {', '.join(given)}; combine them under `any:` or `all:`)" if given else ""))
        return self

    def describe(self) -> str:
        """The rule in words, as the dry run shows it."""
        if self.any_of is not None:
            return "whichever comes first of: " + "; ".join(t.describe() for t in self.any_of)
        if self.all_of is not None:
            return "once all hold: " + "; ".join(t.describe() for t in self.all_of)
        if self.max_messages is not None:
            return f"after {self.max_messages} messages"
        if self.max_turns is not None:
            return f"after {self.max_turns} turns"
        if self.verdict is not None:
            who = f"{self.verdict.source} sends" if self.verdict.source else "a message has"
            return f"when {who} {self.verdict.describe()}"
        if self.text is not None:
            return f"when {self.text_source or 'a message'} mentions {self.text!r}"
        if self.max_tokens is not None:
            return f"after {self.max_tokens:,} tokens"
        return f"after {self.timeout:g} seconds"


Input = Literal["chunks", "seed_rows", "personas", "taxonomy_leaves"]


class RecordSpec(Strict):
    """Custom flows: which agent's last message becomes the record, and which of its fields
    are the user and assistant turns."""

    source: str = Field(alias="from")
    user: str
    assistant: str
    system: str | None = None
    accept_when: FieldTermination | None = None  # e.g. a judge's verdict field
    grounded: bool = True  # chunks input: the assistant turn must be supported by the passage
    checks: list[str] | None = None  # the deterministic checks records must pass (default: all custom checks)


class TeamSpec(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    scenario: str | None = None  # the built-in scenario this team serves; none: a custom flow
    input: Input | None = None  # custom flows: what one work item is
    task: str | None = None  # custom flows: the task message ($text and the input's fields)
    agents: list[AgentSpec] = Field(min_length=1)
    topology: Topology
    termination: Termination | None = None
    record: RecordSpec | None = None

    def agent(self, name: str) -> AgentSpec | None:
        return next((a for a in self.agents if a.name == name), None)


class SpecProblem(BaseModel):
    """One problem in a spec, located: `file:line: field: message`."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class SpecError(AgentsynthError):
    def __init__(self, problems: list[SpecProblem], partial: "LoadedSpec | None" = None,
                 removed: list[str] | None = None) -> None:
        self.problems = problems
        # The spec without the fields that failed its schema (`removed`), when it validates so:
        # the registry's checks still run on the rest, so one pass reports every fault.
        self.partial = partial
        self.removed = removed or []
        super().__init__("\n".join(str(p) for p in problems))


class LoadedSpec(BaseModel):
    """A parsed spec with where it came from, to locate later problems by field path."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    spec: TeamSpec
    path: Path
    node: Any = None  # the YAML node tree (for line numbers)

    @property
    def digest(self) -> str:
        """What the team is, not where its file lies (a run's fingerprint includes it)."""
        return hashlib.sha256(self.spec.model_dump_json().encode()).hexdigest()[:16]

    def problem(self, loc: tuple, message: str, offset: int | None = None) -> SpecProblem:
        """A problem at `loc`; `offset` (a character of the field's text) puts it on the line of
        that character, not on the field's key."""
        line = line_of(self.node, loc)
        if offset is not None and (inner := line_in_text(self.node, loc, offset)) is not None:
            line = inner
        return SpecProblem(path=str(self.path), line=line, field=dotted(loc), message=message)


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(node: Any, loc: tuple) -> int | None:
    """The 1-based line of the YAML node at `loc` (or its nearest existing parent)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if child is None:  # the key exists but the problem is in its value? no key: stay on the parent
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                child = key
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def node_at(node: Any, loc: tuple) -> Any:
    """The YAML node exactly at `loc`, or None."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return None
        if node is None:
            return None
    return node


def line_in_text(root: Any, loc: tuple, offset: int) -> int | None:
    """The 1-based line of character `offset` of the text at `loc`: a block scalar (`|`, `>`)
    starts on the line after its key; a plain or quoted one on the key's line."""
    node = node_at(root, loc)
    if not isinstance(node, yaml.ScalarNode) or not isinstance(node.value, str):
        return None
    before = node.value[:offset].count("\n")
    if node.style in ("|", ">"):
        return node.start_mark.line + 2 + before
    return node.start_mark.line + 1 + before


def _models_at(loc: tuple) -> list[type[BaseModel]]:
    """The spec models a location can be (a topology is one of four)."""

    def models(annotation: Any) -> list[Any]:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            return models(typing.get_args(annotation)[0])
        if origin in (Union, types.UnionType):
            return [m for arg in typing.get_args(annotation) for m in models(arg)]
        if origin in (list, dict):
            return [annotation]
        return [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []

    current: list[Any] = [TeamSpec]
    for part in loc:
        following: list[Any] = []
        for model in current:
            origin = typing.get_origin(model)
            if origin is list and isinstance(part, int):
                following += models(typing.get_args(model)[0])
            elif origin is dict and isinstance(part, str):
                following += models(typing.get_args(model)[1])
            elif isinstance(model, type) and issubclass(model, BaseModel) and isinstance(part, str):
                field = model.model_fields.get(part) or next(
                    (f for f in model.model_fields.values() if f.alias == part), None)
                if field is not None:
                    following += models(field.annotation)
        current = following
    return [m for m in current if isinstance(m, type) and issubclass(m, BaseModel)]


def allowed_fields(loc: tuple) -> list[str]:
    """The field names a spec may use at `loc` (aliases as written in YAML)."""
    names: dict[str, None] = {}
    for model in _models_at(loc):
        for name, field in model.model_fields.items():
            names[field.alias or name] = None
    return list(names)


def _friendly(error: dict) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        allowed = allowed_fields(tuple(error["loc"][:-1]))
        return f"unknown field (fields here: {', '.join(allowed)})" if allowed else "unknown field"
    if kind == "count":
        return f"{error['loc'][-1]} must be a whole number (or a ${{param}} of the scenario, e.g. \"${{rounds}}\")"
    if kind == "missing":
        return "required field missing"
    if kind == "union_tag_invalid":
        return f"unknown topology type {error.get('input', {}).get('type')!r} (expected graph, round_robin, selector, swarm)" \
            if isinstance(error.get("input"), dict) else msg
    if kind == "string_pattern_mismatch" and error["loc"][-1] == "name":
        return f"{error.get('input')!r} is not a valid name (letters, digits and _, starting with a letter)"
    return msg.removeprefix("Value error, ")


def _drop_union_noise(errors: list[dict]) -> list[dict]:
    """pydantic reports a field typed `int | "${param}"` once per member; keep one line per
    location, saying what the field takes in the user's terms. Where one member got far into
    the value (`output:` given as fields, not a schema name), its errors are the ones that
    matter: a shallower "should be a string" about the same value goes."""
    located = [_file_loc(e["loc"]) for e in errors]
    errors = [e for e, loc in zip(errors, located)
              if not (isinstance(e.get("input"), (dict, list)) and e["type"].endswith("_type")
                      and any(len(other) > len(loc) and other[:len(loc)] == loc for other in located))]
    seen: dict[tuple, dict] = {}
    for e in errors:
        loc = _file_loc(e["loc"])
        members = {p for p in e["loc"] if _is_member(p)}
        if loc in seen:
            if members and {seen[loc]["type"], e["type"]} & {"int_parsing", "int_type", "string_pattern_mismatch"}:
                seen[loc] = {**seen[loc], "type": "count"}  # int | "${param}": both members refused it
            continue
        seen[loc] = {**e, "loc": loc}
    return list(seen.values())


_MEMBER = re.compile(r"^(?:int|str|float|bool|[a-z]+(?:-[a-z]+)+(?:\[.*\])?|.*\[.*\])$")


def _is_member(part: Any) -> bool:
    """A union member's name pydantic puts in an error's location ("int", "constrained-str",
    "function-after[...]", a model's class name such as "DeclaredSchema"): no level of the
    file, whose keys are lower case."""
    return isinstance(part, str) and (_MEMBER.match(part) is not None or isinstance(
        globals().get(part), type) and issubclass(globals()[part], Strict))


def _file_loc(loc: tuple) -> tuple:
    """A pydantic error location as a path in the file (no union member names)."""
    out = tuple(p for p in loc if not _is_member(p))
    if out[:1] == ("topology",) and len(out) > 1 and out[1] in TOPOLOGY_TAGS:
        out = out[:1] + out[2:]  # pydantic names the union member; the file has no such level
    return out


def load_spec(path: Path | str) -> LoadedSpec:
    """Parse and validate a spec's shape; raise `SpecError` listing every located problem."""
    path = Path(path)
    try:
        text = read_utf8(path, "team spec")
    except InputError as exc:
        raise SpecError([SpecProblem(path=str(path), line=None, field="", message=exc.cause)]) from None
    try:
        data, node = load_bounded(text, path)  # JSON is YAML: one parser gives the data and its lines
        if path.suffix == ".json":
            data = json.loads(text)
    except InputError as exc:
        raise SpecError([SpecProblem(path=str(path), line=None, field="", message=exc.cause)]) from None
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else getattr(exc, "lineno", None)
        reason = getattr(exc, "problem", None) or getattr(exc, "msg", None) or str(exc)
        if line and "${" in text.splitlines()[line - 1] and "{" in text.splitlines()[line - 1].split("${")[0]:
            reason += ' (inside { }, quote a ${value}: max_times: "${rounds}")'
        raise SpecError([SpecProblem(path=str(path), line=line, field="", message=f"not valid YAML/JSON: {reason}")]) from None
    if not isinstance(data, dict):
        raise SpecError([SpecProblem(path=str(path), line=1, field="", message="a team spec is a mapping (name:, agents:, topology:, ...)")])
    try:
        spec = TeamSpec.model_validate(data)
    except ValidationError as exc:
        loaded = LoadedSpec.model_construct(path=path, node=node)
        problems = [loaded.problem(e["loc"], _friendly(e)) for e in _drop_union_noise(exc.errors())]
        salvaged, removed = _without_faulty_fields(data, _drop_union_noise(exc.errors()))
        partial = LoadedSpec(spec=salvaged, path=path, node=node) if salvaged is not None else None
        raise SpecError(problems, partial, [dotted(loc) for loc in removed]) from None
    return LoadedSpec(spec=spec, path=path, node=node)


def _without_faulty_fields(data: dict, errors: list[dict]) -> tuple[TeamSpec | None, list[tuple]]:
    """The spec with each field that failed the schema taken out, if what is left validates
    (a field of a list item, never the item itself: the indices of the rest must hold)."""
    data, removed = copy.deepcopy(data), []
    for _ in range(8):
        changed = False
        for e in errors:
            loc = e["loc"]
            if e["type"] == "missing":
                loc = loc[:-1]  # what lacks a required field goes
            if loc in removed:  # one field refused by each member of a union
                continue
            parent = _value_at(data, loc[:-1]) if loc else None
            if not loc or isinstance(loc[-1], int) or not isinstance(parent, dict) or loc[-1] not in parent:
                return None, removed
            del parent[loc[-1]]
            removed.append(loc)
            changed = True
        try:
            return TeamSpec.model_validate(data), removed
        except ValidationError as again:
            if not changed:
                break
            errors = _drop_union_noise(again.errors())
    return None, removed


def _value_at(data: Any, loc: tuple) -> Any:
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data
