"""Team specs: the built-in ones, a user's variants (fact-checker graph, selector, swarm, a
custom flow) on scripted models, ten kinds of broken spec each with one located error,
--dry-run and --export-autogen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from autogen_agentchat.messages import StructuredMessage
from conftest import LAB_DATA, SAMPLE_PDF, run_with_client
from scripted import ScriptedClient, default_answer

from agentsynth.agents.qa_messages import CriticOutput
from agentsynth.run import main
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions
from agentsynth.teams.build import Router
from agentsynth.teams.registry import SCENARIO_TEAMS
from agentsynth.teams.spec import Edge
from agentsynth.teams.validate import check_spec
from agentsynth.tools.fencing import unfenced

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "teams"
SPECS = ROOT / "teams" / "specs"


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


def seed_run(tmp_path: Path, client: ScriptedClient, team_file: Path | None = None, **options):
    scenario = SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF], team_file=team_file, **options))
    summary = run_with_client(scenario, client, tmp_path, limit=2)
    return summary, lines(tmp_path / "data.jsonl"), lines(tmp_path / "rejected.jsonl")


@pytest.mark.parametrize(("scenario", "team"), [(s, t) for s, teams in SCENARIO_TEAMS.items() for t in teams.teams])
def test_every_built_in_team_is_a_valid_spec(scenario, team):
    loaded = check_spec(SPECS / SCENARIO_TEAMS[scenario].teams[team], scenario)
    assert loaded.spec.agents


def test_every_sample_spec_is_valid():
    assert main(["--validate", *map(str, sorted(SAMPLES.glob("*.yaml")))]) == 0


# --- a user's variants run like the built-in team ------------------------------------------------

def shape(record: dict) -> tuple:
    return tuple(m["role"] for m in record["messages"]), tuple(sorted(record["metadata"]))


def test_fact_checker_graph_runs_and_the_critic_weighs_its_objections(tmp_path):
    def review(messages, schema):
        answer = messages[-1].content.split("Answer: ")[1].split("\n")[0]
        # Objects to every answer, quoting words that are in it; verify-mode confirms only
        # those the passage lacks.
        return {"supported": False, "quote": " ".join(answer.split()[:4]), "reason": "check it"}

    client = ScriptedClient({"PairReview": review})
    summary, data, rejected = seed_run(tmp_path / "fc", client, SAMPLES / "seed_fact_checker.yaml")
    _, built_in, _ = seed_run(tmp_path / "builtin", ScriptedClient())
    assert summary.failed == 0 and client.calls_for("PairReview")
    records = data + rejected
    assert {shape(r) for r in records} <= {shape(r) for r in built_in} | {shape(r) for r in lines(
        tmp_path / "builtin" / "rejected.jsonl")}
    assert all(r["metadata"]["team"] == "seed_fact_checker" for r in records)
    # The reviewer's quote comes from the answer, which is grounded in the passage: overruled.
    assert data and all(r["metadata"]["critic"]["decision"] == "accept" for r in data)
    prompt = client.calls_for("PairReview")[0]["messages"]
    assert "fact-checker" in prompt[0].content and "Question: " in prompt[-1].content


def test_a_confirmed_fact_checker_objection_sends_the_pair_back(tmp_path):
    from agentsynth.agents.critic import weigh_review
    from agentsynth.agents.qa_messages import SlotReview

    review = SlotReview(slot=0, supported=False, quote="stores 9,999 Wh", reason="not in the manual")
    confirmed = weigh_review(review, "fact_checker", "It stores 9,999 Wh of energy.", "It stores 1,024 Wh.", "verify")
    overruled = weigh_review(review.model_copy(update={"quote": "stores 1,024 Wh"}), "fact_checker",
                             "It stores 1,024 Wh of energy.", "It stores 1,024 Wh.", "verify")
    assert confirmed is not None and not confirmed.passed and "confirmed" in confirmed.detail
    assert overruled is not None and overruled.passed and "overruled" in overruled.detail
    full = weigh_review(review.model_copy(update={"quote": "stores 1,024 Wh"}), "fact_checker",
                        "It stores 1,024 Wh of energy.", "It stores 1,024 Wh.", "full")
    assert full is not None and not full.passed  # trusted fully, any objection counts


WORKED_EXAMPLES = {"graph": SAMPLES / "seed_fact_checker.yaml", "round_robin": SPECS / "seed_qa.round_robin.yaml",
                   "selector": SAMPLES / "seed_selector.yaml", "swarm": SAMPLES / "seed_swarm.yaml"}


@pytest.mark.parametrize("topology", sorted(WORKED_EXAMPLES))
def test_each_topologys_worked_example_in_the_docs_runs_one_item(topology, tmp_path):
    path = WORKED_EXAMPLES[topology]
    assert f"`{path.relative_to(ROOT)}`" in (ROOT / "docs" / "custom-teams.md").read_text(encoding="utf-8")
    assert check_spec(path).spec.topology.type == topology
    summary, data, rejected = seed_run(tmp_path, ScriptedClient(), path)
    assert summary.failed == 0 and summary.items == 2 and data


def test_selector_variant_routes_by_rules_without_selector_calls(tmp_path):
    client = ScriptedClient()
    summary, data, rejected = seed_run(tmp_path, client, SAMPLES / "seed_selector.yaml")
    assert summary.failed == 0 and data
    assert all(r["metadata"]["team"] == "seed_selector" for r in data + rejected)
    # Every turn was decided by a rule: the selector model was never asked.
    assert not [c for c in client.calls if c["reply_model"] is None]


def test_swarm_variant_hands_off_and_revises(tmp_path):
    drafts = iter(["How much energy does the Aurora X2 store?", "How much does the Aurora X2 unit weigh?"] * 10)
    calls = {"n": 0}

    def answer(messages, schema):
        calls["n"] += 1
        reply = default_answer(messages, schema)
        if calls["n"] == 1:
            reply["answer"] = "It stores 7,777 Wh."  # not in the source: the critic sends it back
        return reply

    client = ScriptedClient({"QuestionReply": lambda m, s: {"question": next(drafts)}, "AnswerReply": answer})
    summary, data, rejected = seed_run(tmp_path, client, SAMPLES / "seed_swarm.yaml", questions_per_chunk=1)
    assert summary.failed == 0
    revised = [r for r in data + rejected if r["metadata"]["revision"] == 1]
    assert revised, "the critic's handoff back to the writer produced a revision"


def test_custom_flow_makes_vetted_records_from_declared_fields(tmp_path):
    verdicts = iter(["accept", "reject"] * 20)

    def writer(messages, schema):
        passage = unfenced(messages[-1].content)[0]
        sentence = next(x.strip() + "." for x in passage.replace("\n", " ").split(". ") if len(x.split()) >= 8)
        return {"question": "What does the Aurora X2 manual say on this page?", "answer": sentence}

    client = ScriptedClient({"FaqWriterOutput": writer,
                             "ReviewerOutput": lambda m, s: {"verdict": next(verdicts), "reason": "checked"}})
    from agentsynth.scenarios.custom import CustomFlow, CustomOptions

    out = tmp_path / "flow"
    scenario = CustomFlow(CustomOptions(team_file=SAMPLES / "faq_flow.yaml", inputs=[SAMPLE_PDF]))
    assert set(scenario.roles) == {"faq_writer", "critic"}
    summary = run_with_client(scenario, client, out, limit=3)
    data, rejected = lines(out / "data.jsonl"), lines(out / "rejected.jsonl")
    assert summary.failed == 0 and len(data) + len(rejected) == 3
    assert [m["role"] for m in data[0]["messages"]] == ["user", "assistant"]
    assert data[0]["messages"][0]["content"] == "What does the Aurora X2 manual say on this page?"
    assert data[0]["metadata"]["fields"]["question"] == data[0]["messages"][0]["content"]
    reasons = [reason for r in rejected for reason in r["reasons"]]
    assert any(r.startswith("accept_when") for r in reasons)  # the reviewer's reject
    assert any(r.startswith("not_near_duplicate") for r in reasons)  # the same question again


def test_a_flow_agent_whose_reply_stays_unusable_costs_its_record_not_the_item(tmp_path):
    from agentsynth.scenarios.custom import CustomFlow, CustomOptions

    client = ScriptedClient({"FaqWriterOutput": "I would rather write prose"})
    scenario = CustomFlow(CustomOptions(team_file=SAMPLES / "faq_flow.yaml", inputs=[SAMPLE_PDF]))
    summary = run_with_client(scenario, client, tmp_path, limit=2)
    rejected = lines(tmp_path / "rejected.jsonl")
    assert summary.failed == 0 and summary.rejected == 2 and not lines(tmp_path / "failed.jsonl")
    assert all(len(r["reasons"]) == 1 and r["reasons"][0].startswith("unusable_reply: faq_writer gave no usable reply (")
               for r in rejected)
    assert rejected[0]["metadata"]["fields"]["raw_reply"] == "I would rather write prose"
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rejected_by_rule"] == {"unusable_reply": 2}


def test_custom_flow_rejects_ungrounded_and_prompt_copying_records(tmp_path):
    from agentsynth.scenarios.custom import CustomFlow, CustomOptions

    client = ScriptedClient({"FaqWriterOutput": {"question": "A question a customer would ask?",
                                                 "answer": "It can fly to the moon at 9,999 km/h today."},
                             "ReviewerOutput": {"verdict": "accept", "reason": "fine"}})
    scenario = CustomFlow(CustomOptions(team_file=SAMPLES / "faq_flow.yaml", inputs=[SAMPLE_PDF]))
    run_with_client(scenario, client, tmp_path, limit=1)
    [rejected] = lines(tmp_path / "rejected.jsonl")
    failed = rejected["metadata"]["critic"]["failed_checks"]
    assert "not_prompt_echo" in failed and "numbers_grounded" in failed
    # The writer got the chunk through the task template.
    assert "Write one FAQ entry from this passage" in client.calls_for("FaqWriterOutput")[0]["messages"][-1].content


# --- graph routing -------------------------------------------------------------------------------

def message(content) -> StructuredMessage:
    return StructuredMessage[CriticOutput](content=content, source="critic")


def test_a_loop_edge_fires_up_to_max_times_then_the_otherwise_edge():
    loop = Edge.model_validate({"from": "critic", "to": "writer", "when": {"field": "needs_revision", "equals": True}})
    leave = Edge.model_validate({"from": "critic", "to": "recorder", "otherwise": True})
    router = Router([loop, leave], [2, None])
    wants = CriticOutput(round=0, pairs=[], needs_revision=True)
    decisions = []
    for _ in range(3):
        m = message(wants)
        decisions.append((router.fires(0, m), router.fires(1, m)))
    assert decisions == [(True, False), (True, False), (False, True)]
    done = message(CriticOutput(round=0, pairs=[], needs_revision=False))
    assert (router.fires(0, done), router.fires(1, done)) == (False, True)


# --- ten kinds of broken spec, one located error each ---------------------------------------------

GOOD = """\
name: broken
scenario: seed_from_pdf
agents:
  - {name: reader, role: reader}
  - {name: question_writer, role: question_writer}
  - {name: answerer, role: answerer}
  - {name: critic, role: critic}
  - {name: recorder, role: recorder}
topology:
  type: graph
  edges:
    - {from: reader, to: question_writer}
    - {from: question_writer, to: answerer}
    - {from: answerer, to: critic}
    - {from: critic, to: question_writer, when: {field: needs_revision, equals: true}, max_times: 1}
    - {from: critic, to: recorder, otherwise: true}
"""

BROKEN = {
    "unknown role": (("role: answerer}", "role: answerr}"), 6, "agents[2].role: unknown role 'answerr'"),
    "unknown tool": (("{name: answerer, role: answerer}", "{name: answerer, role: answerer, tools: [web_search]}"),
                     6, "agents[2].tools[0]: unknown tool 'web_search'"),
    "tool the role cannot use": (("{name: critic, role: critic}", "{name: critic, role: critic, tools: [search_documents]}"),
                                 7, "role 'critic' cannot use 'search_documents'"),
    "unreachable node": (("    - {from: answerer, to: critic}\n", "    - {from: answerer, to: recorder}\n"), 7,
                         "agents[3].name: agent 'critic' is unreachable"),
    "loop without a limit": ((", max_times: 1}", "}"), 15, "the loop question_writer -> answerer -> critic -> "
                                                             "question_writer has no limit"),
    "condition on a missing field": (("field: needs_revision", "field: needs_revison"), 15,
                                     "when.field: critic: its output has no field 'needs_revison'"),
    "edge to an unknown agent": (("{from: critic, to: recorder,", "{from: critic, to: recoder,"), 16,
                                 "edges[4].to: unknown agent 'recoder'"),
    "role of another family": (("{name: reader, role: reader}", "{name: reader, role: evolver}"), 4,
                               "role 'evolver' works on instruction items"),
    "misspelt field": (("type: graph", "type: graph\n  edgez: []"), 11, "topology.edgez: unknown field"),
    "not YAML": (("  type: graph", "  type: [graph"), 11, "not valid YAML/JSON"),
    "no termination": (("  type: graph\n", "  type: round_robin\n"), None, "never stops by itself"),
    "value the scenario does not give": (("max_times: 1", 'max_times: "${rounds}"'), 15,
                                         "${rounds} is not a value seed_from_pdf gives its team"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_each_broken_spec_gets_one_precise_error(kind, tmp_path, capsys):
    (old, new), line, expected = BROKEN[kind]
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    if kind == "no termination":  # a round robin takes no edges
        text = text.split("  edges:")[0]
    path = tmp_path / f"{kind.replace(' ', '_')}.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["--validate", str(path)]) == 2
    err = capsys.readouterr().err
    errors = [x for x in err.splitlines() if x.startswith("error:")]
    assert len(errors) == 1, err
    assert expected in errors[0] and "Traceback" not in err
    assert errors[0].startswith(f"error: {path}:{line}:" if line else f"error: {path}")


def test_five_faults_of_five_kinds_are_five_located_messages_in_one_pass(tmp_path, capsys):
    text = (SAMPLES / "seed_fact_checker.yaml").read_text(encoding="utf-8")
    faults = [  # (old, new, the message's line holds this, message)
        ("role: answerer, tools", "role: answerr, tools", "role: answerr", "agents[2].role: unknown role 'answerr'"),
        ("    max_tokens: 120", "    max_tokens: 120\n    temperature: 0.2", "temperature: 0.2",
         "agents[3].temperature: unknown field (fields here: name, role, description, model, tools, output,"),
        ("      $passage\n      Question", "      $pasage\n      Question", "$pasage",
         "agents[3].prompt: unknown placeholder $pasage (available: $answer,"),
        ("to: critic}", "to: critc}", "to: critc}", "topology.edges[3].to: unknown agent 'critc'"),
        ("max_times: ${max_revisions}", "max_times: once", "max_times: once",
         "topology.edges[4].max_times: max_times must be a whole number (or a ${param}"),
    ]
    for old, new, _, _ in faults:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["--validate", str(path)]) == 2
    errors = [x for x in capsys.readouterr().err.splitlines() if x.startswith("error:")]
    assert len(errors) == 5, errors
    lines = text.splitlines()
    for (_, _, on_line, message), error in zip(faults, errors):
        line = int(error.split(":")[2])
        assert message in error and on_line in lines[line - 1], (error, lines[line - 1])


def test_a_declared_field_and_the_record_are_located_on_their_own_lines(tmp_path, capsys):
    text = (SAMPLES / "faq_flow.yaml").read_text(encoding="utf-8")
    text = text.replace("question: {type: str,", "question: {type: string,", 1).replace("user: question", "user: questoin")
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["--validate", str(path)]) == 2
    errors = [x for x in capsys.readouterr().err.splitlines() if x.startswith("error:")]
    lines = text.splitlines()
    assert len(errors) == 2, errors  # no "should be a valid string" about the whole output
    assert "output.fields.question.type: Input should be 'str'" in errors[0]
    assert "type: string" in lines[int(errors[0].split(":")[2]) - 1]
    assert "record.user: faq_writer: its output has no field 'questoin'" in errors[1]
    assert "user: questoin" in lines[int(errors[1].split(":")[2]) - 1]


def test_an_unknown_field_lists_the_fields_of_its_place():
    from agentsynth.teams.spec import allowed_fields

    assert allowed_fields(("record",)) == ["from", "user", "assistant", "system", "accept_when", "grounded", "checks"]
    assert {"when", "otherwise", "max_times"} <= set(allowed_fields(("topology", "edges", 0)))


def test_the_good_spec_is_valid(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["--validate", str(path)]) == 0


def test_a_broken_team_file_stops_a_run_before_any_model_call(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("role: answerer}", "role: answerr}"), encoding="utf-8")
    assert main(["--team-file", str(path), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    assert "unknown role 'answerr'" in capsys.readouterr().err and not (tmp_path / "out").exists()


# --- dry run and export --------------------------------------------------------------------------

def test_dry_run_shows_topology_and_prompts_without_a_model_call(capsys):
    assert main(["--team-file", str(SAMPLES / "seed_fact_checker.yaml"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Built for the first work item" in out and "flowchart TD" in out
    assert "answerer        -> fact_checker" in out and "critic          -> recorder   [otherwise]" in out
    assert "You are a meticulous fact-checker" in out and "Write 3 question-answer pairs" in out


def test_dry_run_of_a_scenario_that_plans_with_a_model_says_so(tmp_path, capsys):
    disciplines = tmp_path / "d.txt"
    disciplines.write_text("Physics\n", encoding="utf-8")
    assert main(["--scenario", "glan", "--disciplines", str(disciplines), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Not built for an item (glan needs a model before its team runs" in out
    assert "question_writer -> answerer" in out


def test_export_autogen_writes_a_loadable_component_and_lists_what_it_lost(tmp_path, capsys):
    from autogen_agentchat.base import Team
    from autogen_core import ComponentModel

    out = tmp_path / "team.json"
    assert main(["--team-file", str(SAMPLES / "seed_fact_checker.yaml"), "--export-autogen", str(out)]) == 0
    team = Team.load_component(ComponentModel.model_validate(json.loads(out.read_text())))
    assert [p.name for p in team._participants] == ["reader", "question_writer", "answerer", "fact_checker", "critic",
                                                   "recorder"]
    err = capsys.readouterr().err
    assert "max_times" in err and "not represented" in err and "exported as the substring" in err


def test_dry_run_and_export_of_a_custom_flow_say_in_words_what_a_run_does_and_drops(tmp_path, capsys):
    flow = ["--team-file", str(SAMPLES / "faq_flow.yaml"), "--input", str(SAMPLE_PDF)]
    assert main([*flow, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Replies FaqWriterOutput: question (str), answer (str)" in out
    assert "Replies ReviewerOutput: verdict (one of accept, reject), reason (str)" in out
    record = out.split("## The record", 1)[1]
    assert "from faq_writer's last structured message: user turn = question, assistant turn = answer" in record
    assert 'kept only when reviewer sends verdict == "accept"' in record and "metadata.fields" in record
    assert "{'" not in out  # no Python dicts for a reader to decode
    assert main([*flow, "--export-autogen", str(tmp_path / "flow.json")]) == 0
    err = capsys.readouterr().err
    for dropped in ("faq_writer: its prompt template", "reviewer: its reply schema", "input: chunks",
                    'record: which message becomes the record (faq_writer: question / answer), the custom checks '
                    'and accept_when (verdict == "accept")'):
        assert dropped in err, dropped


def editor_spec(tmp_path: Path, max_tokens: int) -> Path:
    """The main job with a plain-language editor between the answerer and the critic."""
    text = (SAMPLES / "seed_fact_checker.yaml").read_text(encoding="utf-8")
    head, rest = text.split("  - name: fact_checker\n", 1)
    rest = rest[rest.index("  - {name: critic"):]
    editor = (f"  - name: editor\n    role: custom\n    output: answers\n    max_tokens: {max_tokens}\n"
              "    system_prompt: You rewrite answers in plain language without changing what they say.\n"
              "    prompt: |\n      $conversation\n      Rewrite each answer in plain language.\n")
    path = tmp_path / "editor.yaml"
    path.write_text((head + editor + rest).replace("fact_checker", "editor"), encoding="utf-8")
    return path


def test_an_editor_replying_with_answers_is_judged_in_the_answerers_place_and_degrades_like_it(tmp_path, capsys):
    assert main(["--validate", str(editor_spec(tmp_path, 200))]) == 0
    warning = capsys.readouterr().err
    assert "agents[3].max_tokens: 200 tokens will likely cut off a AnswererOutput reply for 3 questions" in warning
    spec = editor_spec(tmp_path, 600)
    assert main(["--validate", str(spec)]) == 0 and "warning" not in capsys.readouterr().err

    slots_per_call: list[int] = []

    def plain(messages, schema):  # the answerer's answers, each said again in plain words
        given = json.loads(messages[-1].content.split("AnswererOutput: ", 1)[1].split("\n")[0])
        slots_per_call.append(len(given["answers"]))
        for answer in given["answers"]:
            answer["answer"] = answer["answer"].replace("The ", "Plainly, the ", 1)
        return given

    client = ScriptedClient({"AnswererOutput": plain})
    summary, data, rejected = seed_run(tmp_path / "edited", client, spec)
    assert summary.failed == 0
    assert slots_per_call[0] == 3 and 2 <= len(slots_per_call) <= 4  # once per round of each item, every slot at once
    judged = [r["messages"][-1]["content"] for r in data + rejected]
    assert judged and all(a.startswith("Plainly, the ") or not a.startswith("The ") for a in judged)

    # An editor whose reply stays unusable costs its pairs, named, never the item.
    broken = ScriptedClient({"AnswererOutput": "I would rather not"})
    summary, data, rejected = seed_run(tmp_path / "broken", broken, spec)
    assert summary.failed == 0 and not data and rejected
    assert all(any("editor gave no usable reply" in reason for reason in r["reasons"]) for r in rejected)


def test_a_stop_rule_reads_as_words():
    from agentsynth.teams.spec import Termination

    rule = Termination.model_validate({"any": [{"verdict": {"field": "turn.outcome", "not_equals": "continuing",
                                                           "source": "customer"}}, {"max_messages": "${max_messages}"},
                                               {"all": [{"text": "DONE"}, {"timeout": 30}]}]})
    assert rule.describe() == ('whichever comes first of: when customer sends turn.outcome != "continuing"; '
                               "after ${max_messages} messages; once all hold: when a message mentions 'DONE'; "
                               "after 30 seconds")


SEEDS = ROOT / "samples" / "personas.jsonl"
SEEDS = ROOT / "samples" / "personas.jsonl"


@pytest.mark.parametrize(("args", "built"), [
    (["--scenario", "agentinstruct", "--refinements", "2"], True),
    (["--scenario", "preference", "--input", str(LAB_DATA / "reference" / "evolve" / "seed_data.jsonl")], True),
    (["--scenario", "customer_dialogue", "--personas", str(SEEDS)], False),  # the brief comes from a model
    (["--scenario", "magpie"], False),  # the user agent needs the local model itself
])
def test_dry_run_of_built_in_scenarios(args, built, capsys):
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "## Who talks to whom" in out and "```mermaid" in out
    assert ("Built for the first work item" in out) is built


@pytest.mark.parametrize("prompt_file", ["/etc/hostname", "../secret.md", "sub/../../secret.md"])
def test_a_prompt_file_outside_the_specs_folder_is_refused(tmp_path, prompt_file):
    """Its text would be sent to a model and written into the AutoGen export (issue 23)."""
    from agentsynth.teams.spec import SpecError

    (tmp_path / "secret.md").write_text("the key is hunter2", encoding="utf-8")
    folder = tmp_path / "specs"
    (folder / "sub").mkdir(parents=True)
    (folder / "writer.md").write_text("You write FAQ entries.", encoding="utf-8")
    text = (SAMPLES / "faq_flow.yaml").read_text(encoding="utf-8")
    marker = "system_prompt: You write FAQ entries for product documentation, using only the passage you are given."
    assert marker in text
    inside = folder / "inside.yaml"
    inside.write_text(text.replace(marker, "prompt_file: writer.md"), encoding="utf-8")
    assert check_spec(inside, "custom").spec.agents[0].prompt_file == "writer.md"
    outside = folder / "outside.yaml"
    outside.write_text(text.replace(marker, f"prompt_file: {prompt_file}"), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        check_spec(outside, "custom")
    assert "outside the spec's folder" in str(raised.value) and "hunter2" not in str(raised.value)
