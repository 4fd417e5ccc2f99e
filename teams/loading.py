"""Which team a scenario runs: the user's spec file or a built-in one, validated."""

from __future__ import annotations

from pathlib import Path

from ..errors import AgentsynthError
from .registry import scenario_teams
from .spec import LoadedSpec
from .validate import check_spec

SPECS_DIR = Path(__file__).resolve().parent / "specs"


def load_team(scenario: str, team: str | None, team_file: Path | None) -> LoadedSpec:
    """The team a scenario runs: the user's file, or its built-in spec by --team name."""
    if team_file is not None:
        return check_spec(team_file, scenario)
    teams = scenario_teams(scenario).teams
    name = team or next(iter(teams))
    if name not in teams:
        raise AgentsynthError(f"--team {name}: {scenario} runs as {' or '.join(teams)} (or your own with --team-file)")
    return check_spec(SPECS_DIR / teams[name], scenario)
