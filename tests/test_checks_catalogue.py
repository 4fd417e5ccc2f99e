"""Checks are named components: each family runs its named set, a team spec may choose from
it, the README's tables and the report's reasons come from the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PASSAGE, run_with_client
from scripted import ScriptedClient

from agentsynth.checks.base import Candidate, Check, CheckSet, fail, ok
from agentsynth.checks.catalogue import CHECK_SETS, FAMILY_SETS, check_names, markdown_table, reason_rule
from agentsynth.checks.qa import QA_CHECKS, run_checks
from agentsynth.run import main
from agentsynth.scenarios.curate import Curate, CurateOptions
from agentsynth.teams.spec import SpecError
from agentsynth.teams.validate import check_spec
from agentsynth.tools.dedup import QuestionRegistry
from agentsynth.tools.writers import read_records

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "teams" / "specs"


def test_every_check_has_a_name_and_says_what_it_rejects():
    for family_set in CHECK_SETS.values():
        for check in family_set.checks:
            assert check.name and check.name == check.name.strip() and " " not in check.name
            assert len(check.rejects) > 10, check.name


def test_a_set_runs_its_applicable_checks_in_order_and_only_those_named():
    checks = CheckSet("toy", (
        Check("short", "over 3 words", lambda c: ok("short") if len(c.answer.split()) <= 3 else fail("short", "long")),
        Check("grounded", "not in the source", lambda c: None if c.source is None else ok("grounded")),
    ))
    assert [r.name for r in checks.run(Candidate(answer="a b c d"))] == ["short"]  # no source: not applicable
    assert [(r.name, r.passed) for r in checks.run(Candidate(answer="a", source="x"))] == [("short", True),
                                                                                          ("grounded", True)]
    assert [r.name for r in checks.run(Candidate(answer="a", source="x"), only=["grounded"])] == ["grounded"]


def test_the_qa_set_is_what_the_critic_runs():
    results = run_checks(question="How much energy does the Aurora X2 store?", answer="It stores 2,048 Wh.",
                         source=PASSAGE, language="en", registry=QuestionRegistry())
    assert [r.name for r in results] == QA_CHECKS.names
    failed = [r.name for r in results if not r.passed]
    assert failed == ["numbers_grounded"]


def test_the_readme_tables_are_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for family in FAMILY_SETS:
        assert markdown_table(family) in readme, f"README's {family} table differs from `python -m agentsynth.checks`"


def test_the_command_prints_a_family_table(capsys):
    from agentsynth.checks.__main__ import main as checks_main

    assert checks_main(["qa"]) == 0
    assert markdown_table("qa") in capsys.readouterr().out
    assert checks_main(["nonsense"]) == 2


@pytest.mark.parametrize(("reason", "rule"), [
    ("numbers_grounded: 2,048 is not in the source", "numbers_grounded"),
    ("turn 2: terms_grounded: 'X9' is not in the passages", "terms_grounded"),
    ("critic model: reject, does_not_answer (…); confirmed: …", "critic model objection"),
    ("holdout_leak: a copy of holdout item 3", "holdout_leak"),
    ("low_margin: margin 0.5 < --min-margin 1.0", "low_margin"),
    ("something: never heard of it", "other"),
])
def test_report_reasons_are_named_by_the_catalogue(reason, rule):
    assert reason_rule(reason) == rule


def _critic_spec(tmp_path: Path, checks: str) -> Path:
    text = (SPECS / "curate.yaml").read_text(encoding="utf-8")
    marker = "{name: critic, role: critic}"
    assert marker in text
    spec = tmp_path / "curate-narrow.yaml"
    spec.write_text(text.replace(marker, f"{{name: critic, role: critic, checks: {checks}}}", 1), encoding="utf-8")
    return spec


def test_a_spec_may_narrow_the_critic_to_the_checks_it_wants(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"question": "How much energy does the Aurora X2 store?",
                                 "answer": "It stores 2,048 Wh.", "context": PASSAGE}) + "\n", encoding="utf-8")
    client = ScriptedClient()
    full = run_with_client(Curate(CurateOptions(input=pairs)), client, tmp_path / "all")
    assert full.rejected == 1
    rejected = list(read_records(tmp_path / "all" / "rejected.jsonl"))
    assert rejected[0]["metadata"]["critic"]["failed_checks"] == ["numbers_grounded"]
    spec = _critic_spec(tmp_path, "[not_empty, not_refusal, question_well_formed]")
    narrow = run_with_client(Curate(CurateOptions(input=pairs, team_file=spec)), client, tmp_path / "narrow")
    assert narrow.accepted == 1  # the number is not checked, so the scripted critic model's accept stands
    record = next(read_records(tmp_path / "narrow" / "data.jsonl"))
    assert record["metadata"]["critic"]["failed_checks"] == []


def test_validation_names_an_unknown_check_and_lists_the_family(tmp_path):
    spec = _critic_spec(tmp_path, "[not_empty, numbers_grounded_typo]")
    with pytest.raises(SpecError) as raised:
        check_spec(spec, "curate")
    message = str(raised.value)
    assert "unknown check 'numbers_grounded_typo'" in message and "numbers_grounded" in message


def test_a_role_without_checks_cannot_be_given_some(tmp_path, capsys):
    text = (SPECS / "seed_qa.graph.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "bad.yaml"
    spec.write_text(text.replace("{name: reader, role: reader}", "{name: reader, role: reader, checks: [not_empty]}"),
                    encoding="utf-8")
    assert main(["--validate", str(spec)]) == 2
    assert "agents[0].checks: role 'reader' runs no deterministic checks" in capsys.readouterr().err


def test_every_family_names_checks_a_spec_can_use():
    assert "numbers_grounded" in check_names("qa") and "information_gain" in check_names("instruction")
    assert {"citations_shown", "resolved"} <= set(check_names("dialogue"))
    assert "not_near_duplicate" in check_names("custom")
