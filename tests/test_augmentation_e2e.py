"""evolve_instruct, glan and persona_qa end to end on the real embedded model, at the
smallest sizes that still exercise every step. Whatever the small model writes, every
item must end as records (accepted or rejected with reasons) with their provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import LAB_DATA, assert_no_runaway

from agentsynth.agents.evolver import OPERATIONS
from agentsynth.run import main

pytestmark = pytest.mark.e2e


def read(out: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def run(out: Path, *args: str) -> tuple[list[dict], list[dict], dict]:
    assert main([*args, "--out", str(out), "--no-progress"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["failed"] == 0
    assert_no_runaway(manifest)
    return read(out, "data.jsonl"), read(out, "rejected.jsonl"), manifest


def test_evolve_instruct_on_the_embedded_model(tmp_path):
    seeds = LAB_DATA / "reference" / "evolve" / "seed_data.jsonl"
    data, rejected, manifest = run(tmp_path, "--scenario", "evolve_instruct", "--input", str(seeds), "--rounds", "2",
                                   "--limit", "2")
    assert len(data) + len(rejected) == 2 * 2
    for record in data + rejected:
        meta = record["metadata"]
        assert meta["operation"] in OPERATIONS and meta["root_id"] in ("1", "2") and meta["parent_id"]
    assert sum(manifest["evolution"]["eliminated_by_rule"].values()) == len(rejected)
    assert all(r["reasons"] and r["metadata"]["eliminated_by"] for r in rejected)


def test_glan_on_the_embedded_model(tmp_path):
    disciplines = tmp_path / "d.txt"
    disciplines.write_text("Thermodynamics\n", encoding="utf-8")
    data, rejected, manifest = run(tmp_path / "out", "--scenario", "glan", "--disciplines", str(disciplines),
                                   "--subjects-per-discipline", "1", "--sessions-per-subject", "1",
                                   "--questions-per-session", "2")
    assert manifest["curriculum"]["sessions"] == 1
    assert len(data) + len(rejected) == 2
    for record in data + rejected:
        meta = record["metadata"]
        assert meta["discipline"] == "Thermodynamics" and meta["subject"] and meta["session"] and meta["key_concepts"]


def test_persona_qa_on_the_embedded_model(tmp_path, one_page_pdf):
    data, rejected, manifest = run(tmp_path, "--scenario", "persona_qa", "--input", str(one_page_pdf),
                                   "--persona-count", "2", "--questions-per-chunk", "1")
    personas = read(tmp_path, "personas.jsonl")
    assert 1 <= len(personas) <= 2 and manifest["personas"]["count"] == len(personas)
    assert len(data) + len(rejected) == len(personas)
    assert {r["metadata"]["persona"]["persona_id"] for r in data + rejected} == {p["persona_id"] for p in personas}


def test_magpie_on_the_embedded_gguf_writes_its_own_user_turns(tmp_path):
    data, rejected, manifest = run(tmp_path, "--scenario", "magpie", "--conversations", "1", "--turns", "2",
                                   "--system", "You are an expert in training deep learning models.")
    [record] = data + rejected
    users = [m["content"] for m in record["messages"] if m["role"] == "user"]
    assert len(users) == 2 and all(u.strip() for u in users)  # written by the model: no instruction was given
    assert manifest["usage"]["per_role"]["user"]["calls"] == 2


def test_preference_on_the_embedded_model(tmp_path):
    seeds = tmp_path / "s.jsonl"
    seeds.write_text('{"instruction": "Explain what a learning rate is in one paragraph."}\n', encoding="utf-8")
    data, rejected, manifest = run(tmp_path / "out", "--scenario", "preference", "--input", str(seeds))
    [record] = data + rejected
    assert record["prompt"] and record["chosen"] and record["rejected"]
    assert {r["responder"] for r in record["metadata"]["ratings"]} == {"responder_1", "responder_2"}
    assert manifest["preference"]["pairs"] == len(data)


def test_self_instruct_and_evol_quality_on_the_embedded_model(tmp_path, one_page_pdf):
    data, rejected, _ = run(tmp_path / "si", "--scenario", "self_instruct", "--input", str(one_page_pdf),
                            "--instructions", "2")
    assert len(data) + len(rejected) == 2 and all(r["metadata"]["task_kind"] for r in data + rejected)
    seeds = tmp_path / "s.jsonl"
    seeds.write_text('{"instruction": "What does the Aurora X2 weigh?", "output": "It weighs 12.5 kg."}\n',
                     encoding="utf-8")
    data, rejected, manifest = run(tmp_path / "eq", "--scenario", "evol_quality", "--input", str(seeds),
                                   "--rounds", "2")
    assert len(data) + len(rejected) == 2
    assert sum(manifest["evolution"]["eliminated_by_rule"].values()) == len(rejected)


def test_customer_dialogue_on_the_embedded_model(tmp_path, one_page_pdf):
    personas = Path(__file__).resolve().parents[1] / "samples" / "personas.jsonl"
    data, rejected, _ = run(tmp_path, "--scenario", "customer_dialogue", "--input", str(one_page_pdf),
                            "--personas", str(personas), "--dialogues", "1", "--max-turns", "2")
    [record] = data + rejected
    roles = [m["role"] for m in record["messages"]]
    assert roles[0] == "system" and roles[1:] == [("user", "assistant")[i % 2] for i in range(len(roles) - 1)]
    assert record in data or record["reasons"]  # the small model's dialogues may fail, never silently
    for source in record["metadata"]["sources"]:
        assert set(source["cited"]) <= set(source["shown"])  # citations only from what the lookup returned


def test_agentinstruct_on_the_embedded_model(tmp_path, one_page_pdf):
    data, rejected, _ = run(tmp_path, "--scenario", "agentinstruct", "--input", str(one_page_pdf),
                            "--skills", "reading_comprehension,text_modification")
    records = data + rejected
    assert {r["metadata"]["skill"] for r in records} == {"reading_comprehension", "text_modification"}
    for record in records:
        assert record["metadata"]["transformation"] and len(record["metadata"]["refinements"]) == 1
