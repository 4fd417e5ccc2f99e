"""Issue 22: model profiles. Each model gets limits, few-shots, grammars and sampling made for its
class (small, chat, reasoning): derived from its name, overridable in the run config, applied on
the wire (loopback servers), recorded in the manifest and shown by --check-model and --dry-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_backend import FakeBackend
from test_backends import config_file
from test_backends import run_cli as run

from agentsynth.agents.base import load_examples
from agentsynth.backends.models import ModelSettings
from agentsynth.backends.profiles import REASONING_TOKENS
from agentsynth.run import main

WRITER_TOKENS = 120  # the question writer's own reply limit (agents/question_writer.py)


@pytest.mark.parametrize("model, model_name, profile", [
    ("local", None, "small"), ("gguf:/models/qwen-0.5b.gguf", None, "small"),
    ("openai:gpt-4o", None, "chat"), ("openai:gpt-4.1-mini", None, "chat"), ("ollama:llama3.1:8b", None, "chat"),
    ("openai:o3-mini", None, "reasoning"), ("openai:o1", None, "reasoning"), ("openai:o4-mini-2025-04-16", None,
                                                                                 "reasoning"),
    ("openai:gpt-5", None, "reasoning"), ("openai:gpt-5-mini", None, "reasoning"),
    ("openai:gpt-5-chat-latest", None, "chat"), ("ollama:deepseek-r1:7b", None, "reasoning"),
    ("openai-compatible:Qwen/QwQ-32B", None, "reasoning"), ("openai-compatible:omni-7b", None, "chat"),
    ("azure:prod-deployment", None, "chat"), ("azure:prod-deployment", "o3-mini", "reasoning"),
])
def test_each_model_gets_the_profile_of_its_class(model, model_name, profile):
    assert ModelSettings(model=model, model_name=model_name).model_profile.name == profile


def test_the_run_config_names_a_profile_over_the_derived_one():
    assert ModelSettings(model="ollama:qwen2.5:0.5b", profile="small").model_profile.grammar
    chat = ModelSettings(model="azure:gpt5-deployment", model_name="gpt-5", profile="chat").model_profile
    assert chat.name == "chat" and chat.sampling and chat.reasoning_tokens == 0


def config(tmp_path: Path, text: str) -> str:
    return str(config_file(tmp_path, text))


def writer_requests(server: FakeBackend) -> list[dict]:
    return [r.body for r in server.requests if r.schema_title == "QuestionReply"]


def test_a_reasoning_model_has_room_to_reason_and_is_sent_no_sampling_settings(tmp_path, one_page_pdf, monkeypatch):
    """The fake server reasons as o-series models do: 3,000 hidden tokens inside max_completion_tokens,
    a 400 for max_tokens or a temperature. With the role limits sized for SmolLM2 (the chat
    profile forced on it) every reply comes back empty; with its profile the run is whole."""
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    with FakeBackend(reasoning_tokens=3000) as server:
        run_config = config(tmp_path, f"default: {{model: 'openai:o3-mini', base_url: '{server.url}/v1', "
                                      "reasoning_effort: low}\nretries: {base_delay: 0.01, max_delay: 0.05}\n")
        rc, manifest, files = run(tmp_path, "reasoning", "--config", run_config, "--input", str(one_page_pdf))
        bodies = [r.body for r in server.requests]
    assert rc == 0 and not files["failed"] and len(files["data"]) + len(files["rejected"]) == 3
    assert files["data"], "a reasoning model's correct pairs are kept"
    limited = [b for b in bodies if "max_completion_tokens" in b]  # a tool-calling turn is sent no limit
    assert limited and all(b["max_completion_tokens"] >= REASONING_TOKENS for b in limited)
    assert all("max_tokens" not in b and "temperature" not in b and b["reasoning_effort"] == "low" for b in bodies)
    assert manifest["model_settings"]["critic"]["profile"]["name"] == "reasoning"

    with FakeBackend(reasoning_tokens=3000) as server:
        forced = config(tmp_path, f"default: {{model: 'openai:o3-mini', base_url: '{server.url}/v1', profile: chat}}\n"
                                  "retries: {base_delay: 0.01, max_delay: 0.05}\n")
        rc, manifest, files = run(tmp_path, "chat-limits", "--config", forced, "--input", str(one_page_pdf))
    assert not files["data"]  # the limits of a chat model leave a reasoning model no room to answer
    assert sum(u["cut_off"] for u in manifest["usage"]["per_role"].values()) > 0


def test_a_chat_model_gets_no_few_shots_and_four_times_each_roles_limit(tmp_path, one_page_pdf):
    shots = {user for user, _ in load_examples("question_writer")}
    assert shots
    with FakeBackend() as server:
        rc, manifest, _ = run(tmp_path, "chat", "--model", "openai-compatible:fake-70b", "--base-url",
                              f"{server.url}/v1", "--input", str(one_page_pdf))
        chat = writer_requests(server)
    with FakeBackend() as server:
        small = config(tmp_path, f"default: {{model: 'openai-compatible:fake-0.5b', base_url: '{server.url}/v1', "
                                 "profile: small}\n")
        rc_small, manifest_small, _ = run(tmp_path, "small", "--config", small, "--input", str(one_page_pdf))
        served_small = writer_requests(server)
    assert rc == rc_small == 0 and chat and served_small
    sent = lambda body: {m["content"] for m in body["messages"] if m["role"] == "user"}  # noqa: E731
    assert all(not (sent(b) & shots) for b in chat)
    assert all(sent(b) & shots for b in served_small)  # a small served model keeps its few-shots
    assert {b["max_tokens"] for b in chat} == {4 * WRITER_TOKENS}
    assert {b["max_tokens"] for b in served_small} == {WRITER_TOKENS}
    # The small profile's sentence-bounded grammar goes into the schema a served small model gets.
    patterns = lambda bodies: ["pattern" in json.dumps(b["response_format"]) for b in bodies]  # noqa: E731
    assert any(patterns(served_small)) and not any(patterns(chat))
    assert manifest["model_settings"]["answerer"]["profile"]["answer_style"] == "free"
    assert manifest_small["model_settings"]["answerer"]["profile"]["answer_style"] == "extractive"


def test_a_scenarios_own_temperatures_are_not_sent_to_a_reasoning_responder(tmp_path, monkeypatch):
    """The preference scenario samples its responders at different temperatures; a reasoning
    model refuses any, so its responders are called without."""
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    seeds = tmp_path / "s.jsonl"
    seeds.write_text('{"instruction": "Explain what a learning rate is in one paragraph."}\n', encoding="utf-8")
    with FakeBackend(reasoning_tokens=100) as server:
        rc, _, files = run(tmp_path, "pref", "--scenario", "preference", "--model", "openai:gpt-5-mini",
                           "--base-url", f"{server.url}/v1", "--input", str(seeds))
        bodies = [r.body for r in server.requests]
    assert rc == 0 and not files["failed"] and len(files["data"]) + len(files["rejected"]) == 1
    assert bodies and not any("temperature" in b for b in bodies)


@pytest.mark.parametrize("args, words", [
    (["--model", "openai:o3-mini", "--temperature", "0.3"], ["role", "reasoning model", "temperature"]),
])
def test_a_temperature_for_a_reasoning_model_is_one_line_naming_the_role(tmp_path, one_page_pdf, capsys, args, words,
                                                                         monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    assert main([*args, "--input", str(one_page_pdf), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words) and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("default, words", [
    ("{model: 'openai:gpt-4o', reasoning_effort: high}", ["reasoning_effort", "profile chat"]),
    ("{model: 'ollama:deepseek-r1:7b', reasoning_effort: high}", ["reasoning_effort", "OpenAI-protocol"]),
])
def test_a_reasoning_effort_where_none_can_be_sent_is_one_line(tmp_path, one_page_pdf, capsys, default, words):
    path = config(tmp_path, f"default: {default}\n")
    assert main(["--config", path, "--input", str(one_page_pdf), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words) and "Traceback" not in err


def test_check_model_and_the_dry_run_name_the_profile(tmp_path, one_page_pdf, capsys):
    with FakeBackend() as server:
        assert main(["--model", "openai-compatible:fake-70b", "--base-url", f"{server.url}/v1", "--check-model"]) == 0
    assert "profile chat: no sentence patterns, no few-shots, reply limits x4" in capsys.readouterr().out
    assert main(["--model", "openai-compatible:fake-70b", "--base-url", "http://127.0.0.1:9/v1", "--input",
                 str(one_page_pdf), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "## Model profiles" in out and "openai-compatible:fake-70b: chat:" in out


# --- prompts made for strong models ---------------------------------------------------------

def test_strong_models_get_the_roles_strong_prompts_which_state_what_the_checks_enforce():
    from scripted import ScriptedClient

    from agentsynth.agents.answerer import AnswererAgent
    from agentsynth.backends.profiles import PROFILES, ProfiledClient
    from conftest import make_context

    small = AnswererAgent(ScriptedClient(), make_context())
    strong = AnswererAgent(ProfiledClient(ScriptedClient(), PROFILES["chat"]), make_context())
    assert small.system_name() == "answerer.system" and strong.system_name() == "answerer.system.strong"
    assert "exactly as it writes them" in strong.system_prompt() and "3,600 s = 10,800 s" in strong.system_prompt()
    from agentsynth.agents.critic import CriticAgent

    critic = CriticAgent(ProfiledClient(ScriptedClient(), PROFILES["reasoning"]), make_context())
    assert "two or more consecutive words the source does not support" in critic.system_prompt()
    assert "two or more" not in CriticAgent(ScriptedClient(), make_context()).system_prompt()
    # What support may not promise is what the promise check flags.
    from agentsynth.checks.dialogue import check_no_invented_promise

    prompt = (Path(__file__).resolve().parents[1] / "agents" / "prompts" / "support.system.strong.md").read_text()
    for promise in ("We will refund you.", "You will be reimbursed.", "I will send a replacement.", "A discount applies.",
                    "Here is a voucher.", "We offer compensation.", "It is free of charge.",
                    "I can extend your warranty.", "I will call you back.", "I will escalate this."):
        word = check_no_invented_promise(promise, "").detail.split("'")[1].split()[0].lower()[:6]
        assert word in prompt.lower(), (promise, word)


def test_a_strong_support_model_may_greet_the_customer_by_the_name_they_gave_and_its_critic_sees_the_documentation(
        tmp_path):
    from conftest import SAMPLE_PDF, run_with_client
    from scripted import ScriptedClient, default_support, prompt_text

    from agentsynth.backends.profiles import PROFILES, ProfiledClient
    from agentsynth.scenarios.customer_dialogue import CustomerDialogue, DialogueOptions

    personas = Path(__file__).resolve().parents[1] / "samples" / "personas.jsonl"

    def customer(messages, schema):
        asked = prompt_text(messages).split("Conversation so far:\n", 1)[-1].count("CUSTOMER:")
        return [{"message": "Hi, I'm Maria. How long does the Aurora X2 take to charge from the wall?",
                 "outcome": "continuing"},
                {"message": "And how much does it weigh?", "outcome": "continuing"},
                {"message": "Perfect, thank you!", "outcome": "resolved"}][min(asked, 2)]

    def run_dialogue(name: str, greeting: str, profiled: bool) -> tuple[dict, ScriptedClient]:
        def support(messages, schema):
            reply = default_support(messages, schema)
            return {**reply, "message": f"{greeting}, {reply['message']}"}
        scripted = ScriptedClient({"CustomerReply": customer, "SupportReply": support})
        client = ProfiledClient(scripted, PROFILES["chat"]) if profiled else scripted
        run_with_client(CustomerDialogue(DialogueOptions(inputs=[SAMPLE_PDF], dialogues=1, max_turns=4,
                                                         personas_file=personas)), client, tmp_path / name)
        [record] = [json.loads(line) for f in ("data.jsonl", "rejected.jsonl")
                    for line in (tmp_path / name / f).read_text(encoding="utf-8").splitlines() if line.strip()]
        return record, scripted

    record, scripted = run_dialogue("maria", "Hi Maria", profiled=True)
    assert "terms_grounded" not in record["metadata"]["critic"].get("failed_checks", []), record.get("reasons")
    [verdict_call] = scripted.calls_for("DialogueVerdict")
    assert "Documentation support was shown" in prompt_text(verdict_call["messages"])
    support_system = scripted.calls_for("SupportReply")[0]["messages"][0].content
    assert "Promise nothing the documentation does not offer" in support_system

    record, _ = run_dialogue("mario", "Hi Mario", profiled=True)  # a name nobody gave
    assert "terms_grounded" in record["metadata"]["critic"]["failed_checks"]
    _, scripted = run_dialogue("small", "Hi Maria", profiled=False)  # a small model's critic: a short prompt
    [verdict_call] = scripted.calls_for("DialogueVerdict")
    assert "Documentation support was shown" not in prompt_text(verdict_call["messages"])


def test_a_strong_instruction_critic_sees_the_references_and_its_quote_of_a_wrong_answer_is_held_against_them(
        tmp_path):
    from conftest import SAMPLE_PDF, run_with_client
    from scripted import ScriptedClient, prompt_text

    from agentsynth.backends.profiles import PROFILES, ProfiledClient
    from agentsynth.scenarios.self_instruct import SelfInstruct, SelfInstructOptions

    def run_with_judge(name: str, quote: str, trust: str = "verify", profiled: bool = True):
        prompts: list[str] = []

        def judge(messages, schema):
            prompts.append(prompt_text(messages))
            return {"reason": "The answer invents a procedure.", "truthfulness": 1, "helpfulness": 2, "relevance": 4,
                    "clarity": 4, "problem": "incorrect", "quote": quote, "decision": "reject"}

        answer = {"answer": "The Aurora X2 weighs 12.5 kg, so configure the training job before you lift it."}
        scripted = ScriptedClient({"StrongVerdictReply": judge, "FreeAnswer": answer, "BoundedAnswer": answer})
        client = ProfiledClient(scripted, PROFILES["chat"]) if profiled else scripted
        scenario = SelfInstruct(SelfInstructOptions(inputs=[SAMPLE_PDF], instructions=2, critic_trust=trust))
        run_with_client(scenario, client, tmp_path / name, concurrency=1)
        records = [json.loads(line) for f in ("data.jsonl", "rejected.jsonl")
                   for line in (tmp_path / name / f).read_text(encoding="utf-8").splitlines() if line.strip()]
        return records, prompts, scripted

    # The quoted words are the answer's and the references lack them: the objection is confirmed.
    records, prompts, _ = run_with_judge("wrong", "configure the training job")
    assert prompts and all("References the answer was written from" in p for p in prompts)
    judged = [r for r in records if any("critic model" in x for x in r.get("reasons", []))]
    assert judged and all(r in records and "confirmed" in " ".join(r["reasons"]) for r in judged)
    assert all("'configure the training job'" in " ".join(r["reasons"]) for r in judged)
    # A quote that is not in the answer confirms nothing: overruled, the pair stands.
    records, _, _ = run_with_judge("misquoted", "the battery lasts forever")
    kept = [r["metadata"]["critic"] for r in records if r["metadata"]["critic"].get("model_overruled")]
    assert kept and all("overruled: the quoted words are not in the answer" in c["reasons"][0] for c in kept)
    assert all(c["scores"]["truthfulness"] == 1 for c in kept)
    # A small model's critic is asked the short question, without the references.
    _, prompts, scripted = run_with_judge("small", "", profiled=False)
    assert not prompts and scripted.calls_for("VerdictReply")
    assert not any("References the answer" in prompt_text(c["messages"]) for c in scripted.calls_for("VerdictReply"))


def test_a_strong_preference_judge_rates_every_sound_response_side_by_side_in_one_call(tmp_path):
    import asyncio

    from scripted import ScriptedClient, prompt_text
    from test_augmentation import PREFERENCE_CLIENTS, write_jsonl

    from agentsynth.backends.profiles import PROFILES, ProfiledClient
    from agentsynth.scenarios.preference import Preference, PreferenceOptions
    from agentsynth.scenarios.runner import RunSettings, run_scenario

    seeds = write_jsonl(tmp_path / "s.jsonl", [{"instruction": "How should I schedule the learning rate?"}])

    def run(name: str, judge_replies) -> tuple[dict, ScriptedClient]:
        judge = ScriptedClient({"SideBySideRatings": judge_replies} if judge_replies else None)
        clients = {**PREFERENCE_CLIENTS, "judge": ProfiledClient(judge, PROFILES["chat"])}
        settings = RunSettings(out_dir=tmp_path / name, model_label="scripted", show_progress=False)
        asyncio.run(run_scenario(Preference(PreferenceOptions(input=seeds, responses=3)), settings,
                                 lambda role: clients.get(role, judge)))
        [record] = [json.loads(line) for f in ("data.jsonl", "rejected.jsonl")
                    for line in (tmp_path / name / f).read_text(encoding="utf-8").splitlines() if line.strip()]
        return record, judge

    record, judge = run("together", None)
    [call] = judge.calls_for("SideBySideRatings")  # one call, not one per response
    prompt = prompt_text(call["messages"])
    assert "Response 1:" in prompt and "Response 2:" in prompt and "Response 3:" not in prompt  # the refusal: 0, unasked
    assert "truthfulness: 1 completely hallucinated" in call["messages"][0].content  # named levels
    assert not judge.calls_for("AspectRatings")
    ratings = {r["responder"]: r for r in record["metadata"]["ratings"]}
    assert ratings["responder_3"]["overall"] == 0.0 and not ratings["responder_3"]["judged_by_model"]
    assert "honesty" not in ratings["responder_1"]["ratings"]  # N/A is left out of the mean, not scored
    assert record["metadata"]["chosen_by"] == "responder_1"

    # A reply that rates one response twice and the other never is repaired, then left unrated: never guessed.
    twice = {"ratings": [{"response": 1, "rationale": "Good.", "helpfulness": 5, "honesty": 5,
                          "instruction_following": 5, "truthfulness": 5}] * 2}
    record, judge = run("twice", twice)
    assert len(judge.calls_for("SideBySideRatings")) > 1
    assert record["metadata"].get("dropped") == "unrated"


def test_a_strong_model_is_held_to_no_small_model_pattern_but_a_custom_agents_bound_stays():
    import asyncio

    from autogen_core import CancellationToken
    from scripted import ScriptedClient

    from agentsynth.agents.custom import CustomAgent
    from agentsynth.agents.dialogue_critic import DialogueCriticAgent, DialogueVerdict
    from agentsynth.backends.profiles import PROFILES, ProfiledClient

    quoted = {"resolution": 5, "helpfulness": 5, "persona_consistency": 4, "resolved": True,
              "reason": 'Support quoted the manual: "charges in 45 minutes".'}

    def ask(agent):
        return asyncio.run(agent.ask(DialogueVerdict, "Review.", CancellationToken()))

    strong = ProfiledClient(ScriptedClient({"DialogueVerdict": quoted}), PROFILES["chat"])
    reply, _ = ask(DialogueCriticAgent(strong, None))
    assert reply.reason.startswith("Support quoted") and '"' in reply.reason  # no quote-free pattern
    small = ScriptedClient({"DialogueVerdict": quoted})
    with pytest.raises(Exception):  # the small model's grammar-sized pattern still holds it (repairs run out)
        ask(DialogueCriticAgent(small, None))
    assert CustomAgent.relax_patterns is False


def test_a_strong_answerer_may_cite_any_of_many_sentences_a_small_one_five():
    import asyncio

    from autogen_core import CancellationToken
    from scripted import ScriptedClient, default_answer

    from agentsynth.agents.answerer import EVIDENCE_CANDIDATES, AnswererAgent
    from agentsynth.agents.qa_messages import Question, WriterOutput
    from agentsynth.backends.profiles import PROFILES, ProfiledClient
    from conftest import make_context

    passage = " ".join(f"Mode {n} of the Aurora X2 runs the fan at level {n}." for n in range(1, 13))
    offered: list[int] = []

    def answer(messages, schema):
        offered.append(len(schema["properties"]["evidence"]["enum"]))
        return default_answer(messages, schema)

    for client in (ScriptedClient({"AnswerReply": answer}),
                   ProfiledClient(ScriptedClient({"AnswerReply": answer}), PROFILES["chat"])):
        context = make_context(passage)
        context.answer_style = "free"
        agent = AnswererAgent(client, context)
        agent.observe(WriterOutput(round=0, questions=[Question(slot=0, type="short_fact",
                                                                question="What does mode 7 do?")]))
        asyncio.run(agent.act(CancellationToken()))
    assert offered == [EVIDENCE_CANDIDATES + 1, 12 + 1]  # the candidates and NONE
