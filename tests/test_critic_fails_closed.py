"""Issue 23: a critic model with no usable verdict rejects the record (`critic_unavailable`),
in every critic: QA, instruction, dialogue and a custom `pair_reviews` reviewer. Only
`--critic-trust checks-only`, chosen knowingly, lets the deterministic checks decide alone."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SAMPLE_PDF, run_with_client
from scripted import ScriptedClient
from test_dialogue import PERSONAS, three_message_customer

from agentsynth.checks.catalogue import reason_rule
from agentsynth.scenarios.customer_dialogue import CustomerDialogue, DialogueOptions
from agentsynth.scenarios.evolve_instruct import EvolveInstruct, EvolveOptions
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions

REPO = Path(__file__).resolve().parents[1]
RAMBLE = "The passage says many things and I think that"  # never valid JSON, after every repair


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_the_qa_critic_rejects_when_its_model_gives_no_verdict(tmp_path):
    client = ScriptedClient({"LLMVerdict": RAMBLE})
    summary = run_with_client(SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF])), client, tmp_path / "verify", limit=2)
    rejected = lines(tmp_path / "verify" / "rejected.jsonl")
    assert summary.accepted == 0 and rejected and client.calls_for("LLMVerdict")
    unavailable = [r for r in rejected if any(x.startswith("critic_unavailable:") for x in r["reasons"])]
    assert unavailable  # the pairs that passed every check, turned down for want of a verdict
    assert manifest(tmp_path / "verify")["rejected_by_rule"]["critic_unavailable"] == len(unavailable)
    assert reason_rule(unavailable[0]["reasons"][0]) == "critic_unavailable"

    # The user's knowing choice: the checks alone decide, and the model is never asked.
    quiet = ScriptedClient({"LLMVerdict": RAMBLE})
    summary = run_with_client(SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF], critic_trust="checks-only")), quiet,
                              tmp_path / "checks", limit=2)
    assert summary.accepted == len(unavailable) and not quiet.calls_for("LLMVerdict")


def test_the_instruction_critic_rejects_when_its_model_gives_no_verdict(tmp_path):
    seeds = tmp_path / "seeds.jsonl"
    seeds.write_text(json.dumps({"instruction": "Explain how gradient descent updates the weights of a model."}) + "\n",
                     encoding="utf-8")
    client = ScriptedClient({"VerdictReply": RAMBLE})
    summary = run_with_client(EvolveInstruct(EvolveOptions(input=seeds, rounds=2)), client, tmp_path / "out")
    rejected = lines(tmp_path / "out" / "rejected.jsonl")
    assert summary.accepted == 0 and client.calls_for("VerdictReply")
    assert any(r["metadata"]["eliminated_by"] == "critic_unavailable" for r in rejected)


def test_the_dialogue_critic_rejects_when_its_model_gives_no_verdict(tmp_path):
    client = ScriptedClient({"CustomerReply": three_message_customer, "DialogueVerdict": RAMBLE})
    options = DialogueOptions(inputs=[SAMPLE_PDF], dialogues=1, max_turns=4, personas_file=PERSONAS)
    summary = run_with_client(CustomerDialogue(options), client, tmp_path / "out")
    [rejected] = lines(tmp_path / "out" / "rejected.jsonl")
    assert summary.accepted == 0
    assert [reason_rule(r) for r in rejected["reasons"]] == ["critic_unavailable"]


def test_an_unusable_custom_review_rejects_the_pair(tmp_path):
    client = ScriptedClient({"PairReview": RAMBLE})
    spec = REPO / "samples" / "teams" / "seed_fact_checker.yaml"
    summary = run_with_client(SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF], team_file=spec)), client,
                              tmp_path / "out", limit=1)
    rejected = lines(tmp_path / "out" / "rejected.jsonl")
    assert summary.accepted == 0 and client.calls_for("PairReview")
    assert any("fact_checker gave no usable review" in x for r in rejected for x in r["reasons"])
