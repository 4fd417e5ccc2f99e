"""customer_dialogue with scripted models, and a SIGKILL in the middle of a dialogue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import SAMPLE_PDF, run_with_client
from fake_backend import FakeBackend
from scripted import ScriptedClient, persona_ticket, prompt_text

from agentsynth.scenarios.customer_dialogue import CustomerDialogue, DialogueOptions

REPO = Path(__file__).resolve().parents[1]
PERSONAS = REPO / "samples" / "personas.jsonl"


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


def three_message_customer(messages, schema):
    """Asks, follows up, then ends the conversation as resolved."""
    asked = prompt_text(messages).split("Conversation so far:\n", 1)[-1].count("CUSTOMER:")
    return [{"message": f"How long does the Aurora X2 take to charge from the wall? (ticket {persona_ticket(messages)})",
             "outcome": "continuing"},
            {"message": "And how much does it weigh?", "outcome": "continuing"},
            {"message": "Perfect, thank you!", "outcome": "resolved"}][min(asked, 2)]


def test_dialogues_are_grounded_cite_what_the_lookup_returned_and_load_as_chat_lines(tmp_path):
    client = ScriptedClient({"CustomerReply": three_message_customer})
    summary = run_with_client(CustomerDialogue(DialogueOptions(inputs=[SAMPLE_PDF], dialogues=3, max_turns=4,
                                                               personas_file=PERSONAS)), client, tmp_path)
    assert summary.accepted == 3 and summary.failed == 0
    for record in lines(tmp_path / "data.jsonl"):
        roles = [m["role"] for m in record["messages"]]
        assert roles == ["system", "user", "assistant", "user", "assistant"]  # OpenAI chat fine-tuning shape
        meta = record["metadata"]
        assert meta["outcome"] == "resolved" and meta["turns"] == 3 and meta["closing_message"] == "Perfect, thank you!"
        assert meta["persona"]["persona_id"] in {"novice-camper", "field-technician", "safety-auditor"}
        assert meta["brief"]["success_criterion"] and "success" not in record["messages"][0]["content"]
        for source in meta["sources"]:
            assert source["cited"] and set(source["cited"]) <= set(source["shown"])
    train = lines(tmp_path / "train.openai.jsonl")
    assert len(train) == 3 and all(set(line) == {"messages"} for line in train)
    # The lookup really returned what was cited: the support prompt showed those chunk ids.
    shown = [prompt_text(c["messages"]) for c in client.calls_for("SupportReply")]
    cited = {c for r in lines(tmp_path / "data.jsonl") for s in r["metadata"]["sources"] for c in s["cited"]}
    assert all(any(f"[{c}]" in p for p in shown) for c in cited)


def test_the_graph_topology_gives_the_same_dialogues(tmp_path):
    client = ScriptedClient({"CustomerReply": three_message_customer})
    options = dict(inputs=[SAMPLE_PDF], dialogues=2, max_turns=4, personas_file=PERSONAS)
    run_with_client(CustomerDialogue(DialogueOptions(**options)), client, tmp_path / "rr")
    run_with_client(CustomerDialogue(DialogueOptions(**options, team="graph")), ScriptedClient(
        {"CustomerReply": three_message_customer}), tmp_path / "graph")
    round_robin, graph = lines(tmp_path / "rr" / "data.jsonl"), lines(tmp_path / "graph" / "data.jsonl")
    assert [r["messages"] for r in graph] == [r["messages"] for r in round_robin] and len(graph) == 2
    assert {r["metadata"]["team"] for r in graph} == {"customer_dialogue.graph"}


def test_the_critic_rejects_invented_numbers_promises_loops_and_unresolved_dialogues(tmp_path):
    replies = iter(["It charges in 20 minutes.", "We will send you a free replacement unit."])
    client = ScriptedClient({"CustomerReply": three_message_customer,
                             "SupportReply": lambda m, s: {"message": next(replies, "It charges in 20 minutes."),
                                                           "sources": []}})
    run_with_client(CustomerDialogue(DialogueOptions(inputs=[SAMPLE_PDF], dialogues=1, max_turns=4,
                                                     personas_file=PERSONAS)), client, tmp_path / "a")
    [rejected] = lines(tmp_path / "a" / "rejected.jsonl")
    failed = set(rejected["metadata"]["critic"]["failed_checks"])
    assert {"numbers_grounded", "no_invented_promise"} <= failed

    never_done = ScriptedClient({"CustomerReply": {"message": "Still not clear to me.", "outcome": "continuing"}})
    run_with_client(CustomerDialogue(DialogueOptions(inputs=[SAMPLE_PDF], dialogues=1, max_turns=3,
                                                     personas_file=PERSONAS)), never_done, tmp_path / "b")
    [record] = lines(tmp_path / "b" / "rejected.jsonl")
    assert record["metadata"]["turns"] == 3 and record["metadata"]["outcome"] == "abandoned"
    assert {"resolved", "no_repetition"} <= set(record["metadata"]["critic"]["failed_checks"])


def test_sigkill_mid_dialogue_then_resume_finishes_each_dialogue_once_without_repeating_turns(tmp_path):
    handlers = {"CustomerReply": three_message_customer}
    out, reference = tmp_path / "out", tmp_path / "reference"

    def command(target: Path, url: str) -> list[str]:
        return [sys.executable, "run.py", "--scenario", "customer_dialogue", "--personas", str(PERSONAS),
                "--dialogues", "3", "--max-turns", "4", "--model", "openai-compatible:fake", "--base-url", f"{url}/v1",
                "--concurrency", "1", "--no-cache", "--no-progress", "--out", str(target)]

    with FakeBackend(handlers=handlers, latency=0.15) as server:
        process = subprocess.Popen(command(out, server.url), cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 120
        # Kill once dialogue 2 has its brief and two turns on disk: in the middle of a conversation.
        while time.monotonic() < deadline and len(lines(out / "checkpoints" / "dialogue-0002.jsonl")) < 3:
            time.sleep(0.02)
        process.kill()
        process.wait()
        before = len(lines(out / "data.jsonl"))
        interrupted_turns = len(lines(out / "checkpoints" / "dialogue-0002.jsonl")) - 1
        customer_calls = server.titles().count("CustomerReply")
        resumed = subprocess.run(command(out, server.url) + ["--resume"], cwd=REPO, capture_output=True, text=True,
                                 timeout=180)
        resumed_customer_calls = server.titles().count("CustomerReply") - customer_calls
    assert before < 3 and interrupted_turns >= 2, "the kill did not land mid-dialogue"
    assert resumed.returncode == 0, resumed.stderr[-2000:]

    with FakeBackend(handlers=handlers) as server:
        subprocess.run(command(reference, server.url), cwd=REPO, capture_output=True, timeout=180, check=True)
    got = {r["id"]: r for r in lines(out / "data.jsonl")}
    expected = {r["id"]: r for r in lines(reference / "data.jsonl")}
    assert sorted(got) == sorted(expected) == ["dialogue-0001", "dialogue-0002", "dialogue-0003"]  # each once
    for dialogue_id, record in got.items():
        assert record["messages"] == expected[dialogue_id]["messages"]  # no turn repeated or lost
    assert got["dialogue-0002"]["metadata"]["resumed_from_turn"] == interrupted_turns
    # The resumed run asked the customer only for the turns still missing (3 per dialogue in all).
    assert customer_calls + resumed_customer_calls <= 3 * 3 + 1


# --- agentinstruct -----------------------------------------------------------------------------

def test_agentinstruct_runs_every_shipped_skill_through_transformation_seed_and_refinement(tmp_path):
    from agentsynth.scenarios.agentinstruct import AgentInstruct, AgentInstructOptions

    client = ScriptedClient()
    summary = run_with_client(AgentInstruct(AgentInstructOptions(inputs=[SAMPLE_PDF], refinements=2)), client, tmp_path)
    records = lines(tmp_path / "data.jsonl") + lines(tmp_path / "rejected.jsonl")
    assert summary.failed == 0 and len(records) == summary.items
    assert {r["metadata"]["skill"] for r in records} == {"reading_comprehension", "text_modification",
                                                        "analytical_reasoning"}
    for record in records:
        meta = record["metadata"]
        user, answer = record["messages"][0]["content"], record["messages"][1]["content"]
        assert meta["transformation"] and meta["task_type"] and answer
        assert [r["suggestion"] for r in meta["refinements"]] == ["Require the answer to be exactly three sentences."] * 2
        assert meta["refinements"][0]["before"] == meta["seed_task"] != meta["refinements"][-1]["after"]
        assert user.endswith(meta["refinements"][-1]["after"])  # the refined task, after the transformed content
    # The transformer was asked for each skill's own forms, over the chunks.
    asked = " ".join(prompt_text(c["messages"]) for c in client.calls_for("ContentReply"))
    assert "debate" in asked and "email thread" in asked and "markdown table" in asked


def test_agentinstruct_takes_new_skills_from_a_file_and_reports_bad_ones(tmp_path, capsys):
    from agentsynth.run import main
    from agentsynth.scenarios.agentinstruct import AgentInstruct, AgentInstructOptions

    extra = tmp_path / "skills.yaml"
    extra.write_text("follow_up_questions:\n  transformations:\n    support_chat: Rewrite the text as a support chat.\n"
                     "  task_types:\n    follow_up: a follow-up question a reader would ask next\n", encoding="utf-8")
    client = ScriptedClient()
    run_with_client(AgentInstruct(AgentInstructOptions(inputs=[SAMPLE_PDF], skills=["follow_up_questions"],
                                                       skills_file=extra, refinements=0)), client, tmp_path / "out")
    records = lines(tmp_path / "out" / "data.jsonl") + lines(tmp_path / "out" / "rejected.jsonl")
    assert records and {r["metadata"]["transformation"] for r in records} == {"support_chat"}
    assert all(r["metadata"]["refinements"] == [] for r in records)

    broken = tmp_path / "broken.yaml"
    broken.write_text("summaries:\n  transformations: {}\n  task_types:\n    gist: one line\n", encoding="utf-8")
    code = main(["--scenario", "agentinstruct", "--skills-file", str(broken), "--out", str(tmp_path / "b"),
                 "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "broken.yaml" in err and "summaries.transformations" in err and len(err.splitlines()) == 1
    code = main(["--scenario", "agentinstruct", "--skills", "poetry", "--out", str(tmp_path / "c"), "--no-progress"])
    assert code == 2 and "unknown skill 'poetry'" in capsys.readouterr().err


def test_a_tool_calling_support_model_may_search_and_cite_what_it_found(tmp_path):
    from autogen_core import FunctionCall

    calls = iter([[FunctionCall(id="1", name="search_documents",
                                arguments=json.dumps({"query": "warranty years", "k": 1}))], "done"] * 4)

    def support(messages, schema):
        allowed = schema["properties"]["sources"]["items"]["enum"]
        return {"message": "The warranty details are in the manual's warranty section.", "sources": allowed[-1:]}

    client = ScriptedClient({"CustomerReply": three_message_customer, "SupportReply": support},
                            function_calling=True, tool_handler=lambda messages, tools: next(calls))
    run_with_client(CustomerDialogue(DialogueOptions(inputs=[SAMPLE_PDF], dialogues=1, max_turns=2,
                                                     personas_file=PERSONAS)), client, tmp_path)
    record = (lines(tmp_path / "data.jsonl") + lines(tmp_path / "rejected.jsonl"))[0]
    from agentsynth.tools.chunking import chunk_document
    from agentsynth.tools.reading import read_document

    warranty_chunk = next(c.chunk_id for c in chunk_document(read_document(SAMPLE_PDF)) if "warranty" in c.text)
    cited = [s for s in record["metadata"]["sources"] if s["cited"]]
    assert cited and all(set(s["cited"]) <= set(s["shown"]) for s in cited)
    assert warranty_chunk in cited[0]["shown"] and cited[0]["cited"] == [warranty_chunk]  # found by the search
    assert any(c["tools"] and c["tools"][0].name == "search_documents" for c in client.calls)
