"""Check a parsed team spec against the registry without calling a model: every problem,
located (file, line, field) and saying what was expected."""

from __future__ import annotations

from pathlib import Path
from string import Template
from typing import Any

from pydantic import BaseModel

from ..agents.custom import ALWAYS, CONTEXT_FIELDS, REVIEW_FIELDS
from ..agents.qa_messages import PairReview, PairReviews
from ..backends.models import parse_model_spec
from ..checks.catalogue import check_names
from ..errors import AgentsynthError
from .queries import is_model_spec, output_model, prompt_file_path
from .registry import ROLES, SCENARIO_TEAMS, SCHEMAS, TOOLS
from .spec import PARAM, Condition, LoadedSpec, SpecError, SpecProblem, Termination, load_spec

CUSTOM_FLOW = "custom"
INPUT_FIELDS = {
    "chunks": ("text", "title", "source", "locator"),
    "seed_rows": ("text", "response", "seed_id"),
    "personas": ("text", "role", "expertise"),
    "taxonomy_leaves": ("text",),
}


def check_spec(path: Path | str, scenario: str | None = None) -> LoadedSpec:
    """Load and fully validate a spec for `scenario` (default: the one it names); raise
    `SpecError` with every problem."""
    try:
        loaded = load_spec(path)
    except SpecError as schema:
        if schema.partial is None:
            raise
        # One pass: the registry's checks on what the schema let through, less what was taken out.
        more = [p for p in Checker(schema.partial, scenario).run()
                if not any(p.field == r or p.field.startswith((f"{r}.", f"{r}[")) for r in schema.removed)]
        raise SpecError(sorted(schema.problems + more, key=lambda p: p.line or 0)) from None
    problems = Checker(loaded, scenario).run()
    if problems:
        raise SpecError(problems)
    return loaded


def scenario_of(loaded: LoadedSpec, given: str | None = None) -> str:
    spec = loaded.spec
    if given:
        return given
    if spec.scenario:
        return spec.scenario
    return CUSTOM_FLOW if spec.input else "seed_from_pdf"


def fields_of(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def missing_field(model: type[BaseModel], path: str) -> str | None:
    """None when `path` (dotted) is a field of `model`; else what is wrong."""
    current: Any = model
    for depth, part in enumerate(path.split(".")):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return f"{'.'.join(path.split('.')[:depth])} has no fields"
        if part not in current.model_fields:
            where = f"{current.__name__}" if depth else "its output"
            return f"{where} has no field {part!r} (fields: {', '.join(fields_of(current))})"
        current = current.model_fields[part].annotation
    return None


class Checker:
    def __init__(self, loaded: LoadedSpec, scenario: str | None) -> None:
        self.loaded, self.spec = loaded, loaded.spec
        self.scenario = scenario_of(loaded, scenario)
        self.problems: list[SpecProblem] = []
        self.names = [a.name for a in self.spec.agents]

    def add(self, loc: tuple, message: str) -> None:
        self.problems.append(self.loaded.problem(loc, message))

    def run(self) -> list[SpecProblem]:
        if self.scenario not in SCENARIO_TEAMS:
            self.add(("scenario",), f"unknown scenario {self.scenario!r} (expected one of {', '.join(SCENARIO_TEAMS)})")
            return self.problems
        self.teams = SCENARIO_TEAMS[self.scenario]
        self._flow()
        self._agents()
        self._params()
        kind = self.spec.topology.type
        {"graph": self._graph, "round_robin": self._round_robin, "selector": self._selector,
         "swarm": self._swarm}[kind]()
        if self.spec.termination is not None:
            self._termination(self.spec.termination, ("termination",))
        if self.spec.record is not None:
            self._record()
        return self.problems

    # --- pieces ---------------------------------------------------------------------------------

    def _flow(self) -> None:
        spec = self.spec
        if self.scenario == CUSTOM_FLOW:
            if spec.input is None:
                self.add(("input",), "a custom flow needs `input:` (chunks, seed_rows, personas or taxonomy_leaves)")
            if spec.record is None:
                self.add(("record",), "a custom flow needs `record:` (from: AGENT, user: FIELD, assistant: FIELD)")
            if spec.task:
                self._placeholders(spec.task, ("task",), set(INPUT_FIELDS.get(spec.input or "chunks", ())))
        elif spec.input is not None or spec.record is not None or spec.task is not None:
            self.add(("input" if spec.input else "record" if spec.record else "task",),
                     f"scenario {self.scenario} feeds its team and makes its records itself; `input`, `task` and "
                     "`record` are for custom flows (leave out `scenario:`)")

    def _agents(self) -> None:
        family = self.teams.family
        seen: set[str] = set()
        for i, agent in enumerate(self.spec.agents):
            loc = ("agents", i)
            if agent.name in seen:
                self.add((*loc, "name"), f"duplicate agent name {agent.name!r}")
            seen.add(agent.name)
            if agent.name == "user":
                self.add((*loc, "name"), "'user' is the task's sender in AutoGen teams; name the agent otherwise")
            role = ROLES.get(agent.role)
            if role is None:
                usable = [r.name for r in ROLES.values() if r.family in (family, "any")]
                self.add((*loc, "role"), f"unknown role {agent.role!r} (roles for {self.scenario}: {', '.join(usable)})")
                continue
            if role.family not in (family, "any"):
                usable = [r.name for r in ROLES.values() if r.family in (family, "any")]
                self.add((*loc, "role"), f"role {agent.role!r} works on {role.family} items; {self.scenario} teams use "
                                         f"{', '.join(usable)}")
                continue
            missing = [n for n in role.needs if n not in self.teams.params]
            if missing:
                self.add((*loc, "role"), f"role {agent.role!r} needs {', '.join(missing)} from its scenario, which "
                                         f"{self.scenario} does not give")
            for j, tool in enumerate(agent.tools):
                if tool not in TOOLS:
                    self.add((*loc, "tools", j), f"unknown tool {tool!r} (tools: {', '.join(TOOLS)})")
                elif tool not in role.tools:
                    self.add((*loc, "tools", j), f"role {agent.role!r} cannot use {tool!r} (it uses: "
                                                 f"{', '.join(role.tools) or 'no tools'})")
            if agent.model and is_model_spec(agent.model):
                try:
                    parse_model_spec(agent.model)
                except AgentsynthError as exc:
                    self.add((*loc, "model"), str(exc))
            for option, value in agent.options.items():
                allowed = role.options.get(option)
                if allowed is None:
                    self.add((*loc, "options", option), f"role {agent.role!r} has no option {option!r}"
                             + (f" (options: {', '.join(role.options)})" if role.options else ""))
                elif value not in allowed:
                    self.add((*loc, "options", option), f"{value!r} is not one of {', '.join(map(repr, allowed))}")
            if agent.checks is not None:
                self._checks(agent.checks, role.checks, (*loc, "checks"), f"role {agent.role!r}")
            if agent.replicas != 1 and self.spec.topology.type != "graph":
                self.add((*loc, "replicas"), "replicas are for graph topologies")
            if agent.role == "custom":
                self._custom(i)
            else:
                for key in ("output", "system_prompt", "prompt_file", "prompt"):
                    if getattr(agent, key) is not None:
                        self.add((*loc, key), f"only custom roles take `{key}`; role {agent.role!r} has its own "
                                              "(see python run.py --list)")

    def _custom(self, i: int) -> None:
        agent, loc = self.spec.agents[i], ("agents", i)
        if (agent.system_prompt is None) == (agent.prompt_file is None):
            self.add(loc, "a custom agent needs exactly one of system_prompt (text) or prompt_file (a path)")
        if agent.prompt_file is not None:
            inside = prompt_file_path(self.loaded, agent)
            if inside is None:
                self.add((*loc, "prompt_file"), f"{agent.prompt_file!r} is outside the spec's folder: a prompt file "
                                                "must lie in the spec's folder or below it")
            elif not inside.is_file():
                self.add((*loc, "prompt_file"), f"no such file {self.loaded.path.parent / agent.prompt_file}")
        if agent.output is None:
            self.add((*loc, "output"), "a custom agent needs `output:` (fields: {...}, or a schema such as "
                                       f"pair_reviews; schemas: {', '.join(SCHEMAS)})")
        elif isinstance(agent.output, str) and agent.output not in SCHEMAS:
            self.add((*loc, "output"), f"unknown schema {agent.output!r} (schemas: {', '.join(SCHEMAS)})")
        review = agent.output == "pair_reviews"
        if review and self.teams.family != "qa":
            self.add((*loc, "output"), "pair_reviews are weighed by the QA critic; this team has none")
        available = set(ALWAYS) | set(CONTEXT_FIELDS.get(self.teams.family, ()))
        if self.scenario == CUSTOM_FLOW:
            available |= set(INPUT_FIELDS.get(self.spec.input or "chunks", ()))
        if review:
            available |= set(REVIEW_FIELDS)
        for key in ("prompt", "system_prompt"):
            if getattr(agent, key):
                self._placeholders(getattr(agent, key), (*loc, key), available)

    def _placeholders(self, text: str, loc: tuple, available: set[str]) -> None:
        for match in Template.pattern.finditer(text):
            name = match.group("named") or match.group("braced")
            if name and name not in available:
                self.problems.append(self.loaded.problem(
                    loc, f"unknown placeholder ${name} (available: {', '.join('$' + a for a in sorted(available))})",
                    offset=match.start()))

    def _params(self) -> None:
        def walk(value: Any, loc: tuple) -> None:
            if isinstance(value, BaseModel):
                for key in type(value).model_fields:
                    walk(getattr(value, key), (*loc, type(value).model_fields[key].alias or key))
            elif isinstance(value, list):
                for j, v in enumerate(value):
                    walk(v, (*loc, j))
            elif isinstance(value, str) and (m := PARAM.match(value)) and m.group(1) not in self.teams.params:
                given = ", ".join(f"${{{p}}}" for p in self.teams.params) or "none"
                self.add(loc, f"{value} is not a value {self.scenario} gives its team (it gives: {given})")
        walk(self.spec, ())

    def _agent_ref(self, name: str | None, loc: tuple) -> bool:
        if name is None or PARAM.match(name):
            return True
        if name not in self.names:
            self.add(loc, f"unknown agent {name!r} (agents: {', '.join(self.names)})")
            return False
        return True

    def _output(self, name: str) -> type[BaseModel] | None:
        agent = self.spec.agent(name)
        if agent is None or agent.role not in ROLES:
            return None
        if agent.role == "recorder" and self.spec.topology.type == "graph":
            before = next((e.source for e in self.spec.topology.edges if e.target == name), None)
            return self._output(before) if before and before != name else None
        try:
            return output_model(agent)
        except Exception:  # a declared schema that failed its own checks: reported there
            return None

    def _condition(self, condition: Condition | None, source: str | None, loc: tuple) -> None:
        if condition is None or source is None or PARAM.match(source):
            return
        model = self._output(source)
        if model is None:
            agent = self.spec.agent(source)
            if agent is not None and agent.role in ROLES:
                self.add((*loc, "field"), f"{source} sends no structured message to test")
            return
        problem = missing_field(model, condition.field)
        if problem:
            self.add((*loc, "field"), f"{source}: {problem}")

    def _graph(self) -> None:
        topo = self.spec.topology
        entry = topo.entry or self.names[0]
        self._agent_ref(topo.entry, ("topology", "entry"))
        out: dict[str, list[tuple[int, str]]] = {}
        broken = False
        for i, edge in enumerate(topo.edges):
            loc = ("topology", "edges", i)
            ok = self._agent_ref(edge.source, (*loc, "from")) & self._agent_ref(edge.target, (*loc, "to"))
            if ok:
                out.setdefault(edge.source, []).append((i, edge.target))
                self._condition(edge.when, edge.source, (*loc, "when"))
            broken |= not ok
        if broken:
            return  # the graph's shape is unknown until its edges name real agents: no knock-on errors
        for source, edges in out.items():
            siblings = [topo.edges[i] for i, _ in edges]
            if any(e.otherwise for e in siblings) and not any(e.when or e.max_times is not None for e in siblings):
                i = next(i for i, _ in edges if topo.edges[i].otherwise)
                self.add(("topology", "edges", i, "otherwise"),
                         f"`otherwise` is taken when none of {source}'s conditional edges is; it has none")
        for i, agent in enumerate(self.spec.agents):
            if agent.role == "recorder" and not any(e.target == agent.name for e in topo.edges):
                self.add(("agents", i), "a recorder needs an edge into it (it restates its predecessor's message)")
        if PARAM.match(entry):
            return  # reachability depends on the item
        reached, stack = {entry}, [entry]
        while stack:
            for _, nxt in out.get(stack.pop(), []):
                if nxt not in reached:
                    reached.add(nxt)
                    stack.append(nxt)
        for i, name in enumerate(self.names):
            if name not in reached:
                self.add(("agents", i, "name"), f"agent {name!r} is unreachable from the entry {entry!r}")
        if not any(name not in out for name in self.names):
            self.add(("topology", "edges"), "every agent has an edge out, so the graph has no end; add a leaf "
                                            "(e.g. a recorder)")
        self._loops(entry, out)

    def _loops(self, entry: str, out: dict[str, list[tuple[int, str]]]) -> None:
        """Every cycle needs an edge with max_times, or it could run until the safety net."""
        edges = self.spec.topology.edges
        reported: set[int] = set()
        stack: list[tuple[str, int | None]] = []

        def visit(node: str, via: int | None) -> None:
            stack.append((node, via))
            for i, nxt in out.get(node, []):
                on_stack = [n for n, _ in stack]
                if nxt in on_stack:
                    cycle = [v for _, v in stack[on_stack.index(nxt) + 1:]] + [i]
                    if not any(edges[j].max_times is not None for j in cycle) and i not in reported:
                        reported.add(i)
                        names = " -> ".join([*on_stack[on_stack.index(nxt):], nxt])
                        self.add(("topology", "edges", i), f"the loop {names} has no limit; give one of its edges "
                                                           "max_times: N")
                elif len(stack) <= len(self.names):
                    visit(nxt, i)
            stack.pop()

        visit(entry, None)

    def _needs_termination(self, kind: str) -> None:
        if self.spec.termination is None:
            self.add(("topology", "type"), f"a {kind} team never stops by itself; add `termination:` "
                                           "(e.g. max_messages, or a verdict field)")

    def _round_robin(self) -> None:
        topo = self.spec.topology
        for j, name in enumerate(topo.order or []):
            self._agent_ref(name, ("topology", "order", j))
        self._agent_ref(topo.first, ("topology", "first"))
        self._needs_termination("round_robin")

    def _selector(self) -> None:
        topo = self.spec.topology
        for i, rule in enumerate(topo.rules):
            loc = ("topology", "rules", i)
            if self._agent_ref(rule.after, (*loc, "after")):
                self._condition(rule.when, rule.after, (*loc, "when"))
            for j, name in enumerate([rule.next] if isinstance(rule.next, str) else rule.next):
                self._agent_ref(name, (*loc, "next") if isinstance(rule.next, str) else (*loc, "next", j))
        self._needs_termination("selector")

    def _swarm(self) -> None:
        topo = self.spec.topology
        self._agent_ref(topo.start, ("topology", "start"))
        for i, handoff in enumerate(topo.handoffs):
            loc = ("topology", "handoffs", i)
            if self._agent_ref(handoff.source, (*loc, "from")):
                self._condition(handoff.when, handoff.source, (*loc, "when"))
            self._agent_ref(handoff.target, (*loc, "to"))
        start = topo.start or self.names[0]
        if not any(h.source == start for h in topo.handoffs):
            self.add(("topology", "start") if topo.start else ("topology", "handoffs"),
                     f"a swarm starts with {start}, which has no handoff (AutoGen requires one)")
        self._needs_termination("swarm")

    def _termination(self, rule: Termination, loc: tuple) -> None:
        for key, parts in (("any", rule.any_of), ("all", rule.all_of)):
            for j, part in enumerate(parts or []):
                self._termination(part, (*loc, key, j))
        if rule.verdict is not None:
            if self._agent_ref(rule.verdict.source, (*loc, "verdict", "source")) and rule.verdict.source:
                self._condition(rule.verdict, rule.verdict.source, (*loc, "verdict"))
        if rule.text_source is not None:
            self._agent_ref(rule.text_source, (*loc, "text_source"))

    def _record(self) -> None:
        record = self.spec.record
        assert record is not None
        if not self._agent_ref(record.source, ("record", "from")):
            return
        model = self._output(record.source)
        if model is None:
            self.add(("record", "from"), f"{record.source} sends no structured message to make a record of")
            return
        for key in ("user", "assistant"):
            problem = missing_field(model, getattr(record, key))
            if problem:
                self.add(("record", key), f"{record.source}: {problem}")
        if record.checks is not None:
            self._checks(record.checks, "custom", ("record", "checks"), "a custom flow's record")
        if record.accept_when is not None:
            source = record.accept_when.source or record.source
            if self._agent_ref(source, ("record", "accept_when", "source")):
                self._condition(record.accept_when, source, ("record", "accept_when"))

    def _checks(self, names: list[str], family: str | None, loc: tuple, who: str) -> None:
        if family is None:
            self.add(loc, f"{who} runs no deterministic checks to choose from")
            return
        known = check_names(family)
        dropped = [n.startswith("-") for n in names]
        if any(dropped) and not all(dropped):
            self.add(loc, "list the checks to run, or write every one as -name to run all but those; not both")
        for j, name in enumerate(names):
            if name.removeprefix("-") not in known:
                self.add((*loc, j), f"unknown check {name!r} for {who} (checks: {', '.join(known)})")


# --- warnings: valid, but likely to fail when it runs ----------------------------------------

TEXT_TOKENS = 30  # a free-text field: a sentence, as models write them
QA_SLOTS = 3  # questions per chunk by default: list fields of QA schemas hold one entry per slot


def reply_tokens(model: type[BaseModel], slots: int) -> int:
    """About how many tokens a reply in `model`'s schema takes (JSON keys and punctuation
    included), with `slots` entries in each list of objects. Fields whose default is null or
    an empty list are left out: models leave them out, and the code fills them."""
    import typing

    def estimate(annotation: Any) -> int:
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is typing.Literal:
            return 4
        if origin is list:
            inner = args[0] if args else str
            many = slots if isinstance(inner, type) and issubclass(inner, BaseModel) else 3
            return 2 + many * estimate(inner)
        if args and origin is not None:  # X | None: the larger member
            return max(estimate(a) for a in args if a is not type(None))
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return 2 + sum(len(name) // 4 + 3 + estimate(f.annotation)
                           for name, f in annotation.model_fields.items()
                           if f.is_required() or (f.default is not None and f.default != []))
        return TEXT_TOKENS if annotation is str else 3

    return estimate(model)


def spec_warnings(loaded: LoadedSpec, scenario: str | None = None) -> list[SpecProblem]:
    """What a valid spec will likely get wrong at run time: a custom agent whose `max_tokens`
    cannot hold a reply of its declared output (a reply cut off at its limit is unusable)."""
    family = SCENARIO_TEAMS[scenario_of(loaded, scenario)].family
    warnings = []
    for i, agent in enumerate(loaded.spec.agents):
        model = output_model(agent) if agent.role == "custom" else None
        if agent.max_tokens is None or model is None:
            continue
        if model is PairReviews:  # a reviewer is asked once per answer
            model = PairReview
        slots = QA_SLOTS if family == "qa" else 1
        needed = reply_tokens(model, slots)
        if agent.max_tokens < needed:
            per = f" for {slots} questions (the default --questions-per-chunk)" if slots > 1 else ""
            warnings.append(loaded.problem(("agents", i, "max_tokens"), (
                f"{agent.max_tokens} tokens will likely cut off a {model.__name__} reply{per}, which takes about "
                f"{needed}; raise it to {((needed * 3 // 2) // 50 + 1) * 50} or more")))
    return warnings
