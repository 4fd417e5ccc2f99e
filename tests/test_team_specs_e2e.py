"""The guide's two variants of the main job on the real embedded model: a fact-checker in
the graph, and a selector team. Whatever the tiny model writes, every chunk must end as
records in the built-in team's format, each with the critic's decision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import assert_no_runaway

from agentsynth.run import main

pytestmark = pytest.mark.e2e

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "teams"


def records(out: Path) -> list[dict]:
    rows = []
    for name in ("data.jsonl", "rejected.jsonl"):
        path = out / name
        rows += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []
    return rows


def run(out: Path, *args: str) -> list[dict]:
    assert main([*args, "--out", str(out), "--no-progress", "--limit", "1", "--questions-per-chunk", "2"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["failed"] == 0
    assert_no_runaway(manifest)
    return records(out)


def shape(record: dict) -> tuple:
    return tuple(m["role"] for m in record["messages"]), tuple(sorted(record["metadata"]))


@pytest.fixture(scope="module")
def built_in(tmp_path_factory) -> list[dict]:
    return run(tmp_path_factory.mktemp("built_in"))


@pytest.mark.parametrize("spec", ["seed_fact_checker.yaml", "seed_selector.yaml"])
def test_a_user_team_runs_on_the_embedded_model_with_the_same_record_format(spec, tmp_path, built_in):
    got = run(tmp_path, "--team-file", str(SAMPLES / spec))
    assert len(got) == 2
    assert {shape(r) for r in got} == {shape(r) for r in built_in}
    assert all(r["metadata"]["team"] == spec.removesuffix(".yaml") for r in got)
    assert all(r["metadata"]["critic"]["decision"] in ("accept", "reject") for r in got)
