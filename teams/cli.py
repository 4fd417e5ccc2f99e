"""What `--list` and `--validate` print."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape

from .registry import ROLES, SCENARIO_TEAMS, SCHEMAS, TOOLS
from .spec import SpecError
from .validate import check_spec, scenario_of, spec_warnings


def print_list(console: Console) -> None:
    console.print("[bold]Scenarios[/bold] (built-in teams in teams/specs/; per-item values for ${...})")
    for name, teams in SCENARIO_TEAMS.items():
        built_in = ", ".join(f"{team} ({file})" for team, file in teams.teams.items()) or "your --team-file"
        values = ", ".join(f"${{{p}}}" for p in teams.params if not p.startswith("on_")) or "-"
        console.print(f"  {name:<18} {teams.family:<12} teams: {built_in}; values: {values}", highlight=False,
                      soft_wrap=True)
    console.print("\n[bold]Roles[/bold] (family: the work items they work on)")
    for role in ROLES.values():
        extra = (f"; needs {', '.join(role.needs)}" if role.needs else "") + \
                (f"; tools: {', '.join(role.tools)}" if role.tools else "") + \
                (f"; options: {', '.join(role.options)}" if role.options else "")
        output = f" → {role.output}" if role.output else ""
        console.print(f"  {role.name:<21} {role.family:<12} {role.summary}{output}{extra}", highlight=False,
                      soft_wrap=True)
    console.print("\n[bold]Tools[/bold]")
    for name, summary in TOOLS.items():
        console.print(f"  {name:<21} {summary}", highlight=False, soft_wrap=True)
    console.print("\n[bold]Schemas[/bold] (fields that edge conditions, selector rules and termination can test)")
    for name, schema in SCHEMAS.items():
        fields = ", ".join(schema.model.model_fields)
        console.print(f"  {name:<21} {schema.family:<12} {schema.summary} (fields: {fields})", highlight=False, soft_wrap=True)


def validate_files(paths: list[Path], scenario: str | None, out: Console, err: Console) -> int:
    """0 when every spec is valid; else 2, after printing every problem of every file."""
    failed = 0
    for path in paths:
        try:
            loaded = check_spec(path, scenario)
        except SpecError as exc:
            failed += 1
            for problem in exc.problems:
                err.print(f"[red]error:[/red] {escape(str(problem))}", highlight=False, soft_wrap=True)
            continue
        spec = loaded.spec
        for warning in spec_warnings(loaded, scenario):
            err.print(f"[yellow]warning:[/yellow] {escape(str(warning))}", highlight=False, soft_wrap=True)
        out.print(f"[green]ok[/green] {escape(str(path))}: team {escape(spec.name)} ({spec.topology.type}, {len(spec.agents)} agents) for "
                  f"{scenario_of(loaded, scenario)}", highlight=False, soft_wrap=True)
    return 2 if failed else 0
