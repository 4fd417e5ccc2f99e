"""`--new-team NAME --from TEAM`: a starting spec, with a header that lists what the spec may
use for that team's scenario (roles, tools, schemas, placeholders, per-item values, stop
rules), so nobody has to guess the main job's agents or a placeholder's name."""

from __future__ import annotations

import re
from pathlib import Path

from ..agents.custom import ALWAYS, CONTEXT_FIELDS, REVIEW_FIELDS
from ..errors import AgentsynthError
from .registry import ROLES, SCENARIO_TEAMS, SCHEMAS, TOOLS
from .validate import INPUT_FIELDS

SPECS = Path(__file__).resolve().parent / "specs"
FLOW_SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "teams" / "faq_flow.yaml"
NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def starting_points() -> dict[str, Path]:
    """What --from takes: every built-in team (teams/specs/*.yaml) and `flow` (a custom flow)."""
    return {**{p.stem: p for p in sorted(SPECS.glob("*.yaml"))}, "flow": FLOW_SAMPLE}


def new_team(name: str, start: str, folder: Path) -> Path:
    """Write `<folder>/<name>.yaml` from `start`; refuse to overwrite a file."""
    if not NAME.match(name):
        raise AgentsynthError(f"--new-team {name!r}: a team name is letters, digits, '_', '.' and '-'")
    points = starting_points()
    if start not in points:
        raise AgentsynthError(f"--from {start!r}: not a built-in team (choose from {', '.join(points)})")
    target = folder / f"{name}.yaml"
    if target.exists():
        raise AgentsynthError(f"{target}: already exists; choose another name or remove it")
    body = points[start].read_text(encoding="utf-8")
    body = "\n".join(line for line in body.splitlines() if not line.startswith("#"))  # its own header goes
    body = re.sub(r"^name: .*$", f"name: {name}", body, count=1, flags=re.MULTILINE)
    scenario = re.search(r"^scenario: (\S+)", body, re.MULTILINE)
    target.write_text(_header(name, start, scenario.group(1) if scenario else "custom") + body.lstrip("\n") + "\n",
                      encoding="utf-8")
    return target


def _header(name: str, start: str, scenario: str) -> str:
    teams = SCENARIO_TEAMS[scenario]
    family = teams.family
    roles = [r for r in ROLES.values() if r.family in (family, "custom", "recorder") or r.name in ("custom", "recorder")]
    placeholders = [*ALWAYS, *CONTEXT_FIELDS.get(family, ())]
    lines = [
        f"# {name}: started from {start} (python run.py --new-team {name} --from {start}).",
        f"#   python run.py --validate {name}.yaml          every problem, with its line; no model call",
        f"#   python run.py --team-file {name}.yaml --dry-run   who talks to whom, prompts, models",
        f"#   python run.py --team-file {name}.yaml          run it (docs/custom-teams.md walks through all of it)",
        "#",
        f"# Scenario {scenario} ({family} items). What this spec may use:",
        "#   roles:",
        *(f"#     {r.name}: {r.summary}" for r in roles),
        "#   tools:   " + ", ".join(TOOLS),
        "#   schemas (output: of a custom agent): " + ", ".join(
            n for n, s in SCHEMAS.items() if s.family == family),
        "#   per-item values (${name}): " + (", ".join(f"${{{p}}}" for p in teams.params if not p.startswith("on_"))
                                              or "none"),
        "#   placeholders in a custom agent's prompt: " + " ".join(f"${p}" for p in placeholders)
        + (f"; with output: pair_reviews also {' '.join('$' + p for p in REVIEW_FIELDS)}" if family == "qa" else ""),
    ]
    if scenario == "custom":
        lines.append("#   input: and its placeholders: " + "; ".join(
            f"{kind}: {' '.join('$' + f for f in fields)}" for kind, fields in INPUT_FIELDS.items()))
    lines += [
        "#   topologies: graph (edges, when, otherwise, max_times), round_robin (order, first), "
        "selector (model, rules, allow_repeated_speaker), swarm (start, handoffs)",
        "#   termination: max_messages, max_turns, verdict, text, max_tokens, timeout, any, all",
        "#   an agent: name, role, description, model, tools, output, system_prompt | prompt_file, prompt, "
        "options, checks, max_tokens, replicas",
        "",
    ]
    return "\n".join(lines) + "\n"
