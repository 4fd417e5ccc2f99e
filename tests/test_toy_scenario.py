"""A new scenario is one module, one team spec and one prompt file: tests/toy_scenario/ holds
a toy written from docs/extending.md, and the CLI runs it like a built-in one."""

from __future__ import annotations

import json
import re

from fake_backend import FakeBackend
from scripted import prompt_text
from toy_scenario import tip_cards

from agentsynth.run import main
from agentsynth.scenarios.base import SCENARIOS
from agentsynth.teams.registry import SCENARIO_TEAMS
from agentsynth.tools.writers import read_records

TIPS = "Charge the battery to 80% before storing it for winter.\nClean the solar panel with a soft cloth.\n"


def write_card(messages, schema):
    """A card from the tip in the prompt; the second tip's answer invents a number."""
    tip = re.search(r"Tip \(\w+ style\): (.+)", prompt_text(messages)).group(1)
    if "solar" in tip:
        return {"question": "How should the solar panel be cleaned?", "answer": "Clean it with 3 soft cloths."}
    return {"question": "How full should the battery be for winter storage?", "answer": tip}


def test_the_toy_registers_itself_with_its_option_and_team():
    assert SCENARIOS["tip_cards"] is tip_cards.ENTRY
    assert SCENARIO_TEAMS["tip_cards"].teams == {"cards": tip_cards.ENTRY.teams["cards"]}
    assert tip_cards.ENTRY.options[0].flags == ("--card-style",)


def test_the_cli_runs_the_toy_end_to_end(tmp_path, capsys):
    tips = tmp_path / "tips.txt"
    tips.write_text(TIPS, encoding="utf-8")
    out = tmp_path / "out"
    with FakeBackend(handlers={"CardWriterOutput": write_card}) as server:
        code = main(["--scenario", "tip_cards", "--input", str(tips), "--card-style", "terse",
                     "--model", "openai-compatible:fake", "--base-url", f"{server.url}/v1", "--no-cache",
                     "--no-progress", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    accepted = list(read_records(out / "data.jsonl"))
    rejected = list(read_records(out / "rejected.jsonl"))
    assert [r["messages"][-1]["content"] for r in accepted] == [TIPS.splitlines()[0]]
    assert accepted[0]["metadata"]["tip"] == TIPS.splitlines()[0] and accepted[0]["metadata"]["team"] == "tip_cards"
    assert rejected[0]["metadata"]["critic"]["failed_checks"] == ["numbers_grounded"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["accepted"] == 1 and manifest["counts"]["rejected"] == 1


def test_the_toys_spec_validates_and_its_option_is_in_the_help(capsys):
    assert main(["--validate", str(tip_cards.ENTRY.teams["cards"])]) == 0
    try:
        main(["--help"])
    except SystemExit:
        pass
    assert "--card-style" in capsys.readouterr().out
