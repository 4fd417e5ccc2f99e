"""Issue 24: `--new-team NAME --from TEAM` writes a starting spec that validates as written
and names what the spec may use."""

from __future__ import annotations

import pytest

from agentsynth.agents.custom import ALWAYS, CONTEXT_FIELDS
from agentsynth.errors import AgentsynthError
from agentsynth.run import main
from agentsynth.teams.registry import SCENARIO_TEAMS
from agentsynth.teams.starter import new_team, starting_points
from agentsynth.teams.validate import check_spec, scenario_of


@pytest.mark.parametrize("start", sorted(starting_points()))
def test_every_starting_point_gives_a_valid_spec_that_names_its_placeholders(start, tmp_path):
    path = new_team("mine", start, tmp_path)
    loaded = check_spec(path)
    assert loaded.spec.name == "mine"
    header = path.read_text(encoding="utf-8").split("\nname: ", 1)[0]
    family = SCENARIO_TEAMS[scenario_of(loaded)].family
    for placeholder in (*ALWAYS, *CONTEXT_FIELDS.get(family, ())):
        assert f"${placeholder}" in header, (start, placeholder)
    assert "--validate mine.yaml" in header and "#     " in header  # one role per line


def test_the_cli_writes_it_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["--new-team", "editor_team"]) == 0  # from the main job's graph
    assert "seed_from_pdf" in (tmp_path / "editor_team.yaml").read_text(encoding="utf-8")
    assert main(["--new-team", "editor_team"]) == 2
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(AgentsynthError, match="not a built-in team"):
        new_team("x", "no_such_team", tmp_path)
