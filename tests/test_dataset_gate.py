"""The dataset gate: run-wide duplicates and leaks of a holdout set, planted on purpose."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from conftest import SAMPLE_PDF, run_with_client
from scripted import ScriptedClient

from agentsynth.run import main
from agentsynth.scenarios.gate import DatasetGate, paraphrase_overlap
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


def record(rid: str, question: str, answer: str = "It stores 1,024 Wh.") -> dict:
    return {"id": rid, "messages": [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]}


def holdout_file(tmp_path: Path, questions: list[str]) -> Path:
    path = tmp_path / "eval.jsonl"
    path.write_text("".join(json.dumps({"instruction": q, "output": "-"}) + "\n" for q in questions), encoding="utf-8")
    return path


def test_every_planted_copy_and_paraphrase_of_a_holdout_question_is_stopped(tmp_path):
    gate = DatasetGate(holdout_file(tmp_path, [
        "How much energy does the Aurora X2 battery store?",
        "What is the maximum output power of the AC outlets on the Aurora X2?",
    ]))
    planted = {
        "copy": "How much energy does the Aurora X2 battery store?",
        "case and spaces": "how much  energy does the AURORA X2 battery store ?",
        "near copy": "How much energy does the Aurora X2 battery store in total?",
        "paraphrase": "What amount of energy is stored in the battery of the Aurora X2?",
        "paraphrase 2": "On the Aurora X2, what's the highest power the AC outlets can output?",
    }
    for name, question in planted.items():
        found = gate.verdict(record(name, question))
        assert found is not None and found[0] == "holdout_leak", name
    for fine in ("How long does the Aurora X2 take to charge from solar panels?",
                 "Which operating temperature range does the manual give for charging?"):
        assert gate.verdict(record("fine", fine)) is None, fine


def test_paraphrase_overlap_needs_enough_content():
    assert paraphrase_overlap("What is it?", "What is it?") == 0.0  # too little to call a paraphrase
    assert paraphrase_overlap("How heavy is the Aurora X2 unit?", "What does the Aurora X2 unit weigh?") >= 0.6
    # Sharing the product's name does not make it the same question.
    assert paraphrase_overlap("How long does the Aurora X2 take to charge from solar panels?",
                              "How much energy does the Aurora X2 battery store?") < 0.6


def test_exact_duplicates_across_the_run_are_stopped_with_their_reason():
    gate = DatasetGate()
    first = record("a", "How much energy does the Aurora X2 battery store?")
    assert gate.verdict(first) is None
    gate.admit(first)
    assert gate.verdict(record("b", "how much energy does the aurora x2 battery store?"))[0] == "duplicate"
    # Another answer to the same question is the critic's call (its registry), not an exact duplicate.
    assert gate.verdict(record("c", "How much energy does the Aurora X2 battery store?", "About 1 kWh.")) is None


def test_a_run_with_a_holdout_keeps_no_copy_of_it(tmp_path):
    reference = tmp_path / "reference"
    run_with_client(SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF])), ScriptedClient(), reference, limit=3)
    questions = [r["messages"][1]["content"] for r in lines(reference / "data.jsonl")]
    assert len(questions) >= 3
    # Plant the first two accepted questions (one verbatim, one lightly edited) in the holdout.
    planted = [questions[0], questions[1].rstrip("?") + " exactly?"]
    holdout = holdout_file(tmp_path, [*planted, "Who wrote the Iliad?"])
    out = tmp_path / "out"
    from agentsynth.scenarios.runner import RunSettings, run_scenario

    settings = RunSettings(out_dir=out, model_label="scripted", show_progress=False, limit=3, holdout=holdout)
    asyncio.run(run_scenario(SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF])), settings, lambda role: ScriptedClient()))
    kept = [r["messages"][1]["content"] for r in lines(out / "data.jsonl")]
    assert questions[0] not in kept and questions[1] not in kept
    leaks = [r for r in lines(out / "rejected.jsonl") if any(x.startswith("holdout_leak") for x in r["reasons"])]
    assert {r["messages"][1]["content"] for r in leaks} >= {questions[0], questions[1]}
    assert all(r["metadata"]["critic"]["decision"] == "reject" for r in leaks)
    assert len(kept) == len(questions) - len(leaks)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dataset_gate"]["removed"]["holdout_leak"] == len(leaks) and manifest["dataset_gate"]["holdout_items"] == 3


def test_a_missing_holdout_file_is_one_line_before_any_model_call(tmp_path, capsys):
    assert main(["--holdout", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "nope.jsonl: no such file" in err and "Traceback" not in err


def test_a_reworded_question_with_the_same_answer_leaks_and_a_sibling_question_does_not(tmp_path):
    holdout = tmp_path / "eval.csv"  # ragas' columns, as a CSV
    holdout.write_text("user_input,reference\n"
                       "How long is the battery warranty?,The battery is covered for 1 year.\n"
                       "What should you do when error E3 appears?,The battery is too hot; let the robot cool down for 30 minutes.\n",
                       encoding="utf-8")
    gate = DatasetGate(holdout)
    leak = gate.verdict(record("a", "For how many years is the battery covered by the warranty?",
                                "The battery has a one-year warranty."))
    assert leak is not None and leak[0] == "holdout_leak" and "with its answer" in leak[1]
    # Worded alike, about another item: the answers conflict (2 years against 1; another cause).
    assert gate.verdict(record("b", "How long is the robot warranty?", "The robot is covered for 2 years.")) is None
    assert gate.verdict(record("c", "What should you do when error E1 appears?", "A wheel is blocked; remove the obstruction.")) is None
    # A copy word for word leaks whatever its answer.
    assert gate.verdict(record("d", "How long is the battery warranty?", "Two years."))[0] == "holdout_leak"


def test_without_reference_answers_the_word_rules_still_apply(tmp_path):
    gate = DatasetGate(holdout_file(tmp_path, ["What should you do when error E3 appears?"]))
    assert gate.verdict(record("a", "What should you do when error E1 appears?", "Remove the blockage."))[0] == "holdout_leak"
    assert gate.verdict(record("b", "For how many years is the battery covered?", "1 year.")) is None
