"""Issue 21: runaway replies. The loop guard (stop a repeating generation, keep what came before
it), the re-ask of a reply that ran away, and what the manifest counts."""

from __future__ import annotations

import asyncio
import json

import pytest
from autogen_core import CancellationToken
from autogen_core.models import CreateResult, RequestUsage, SystemMessage, UserMessage
from pydantic import BaseModel, Field
from scripted import ScriptedClient

from agentsynth.agents.base import RESHAPE_SAMPLING, RoleAgent
from agentsynth.agents.grounding import up_to_sentences
from agentsynth.backends.local_llama import LocalResult
from agentsynth.backends.loop_guard import NGRAM, RepetitionDetector, keep_before_loop
from agentsynth.backends.metering import MeteredClient, UsageLedger
from agentsynth.errors import StructuredOutputError


class Definition(BaseModel):
    term: str = Field(min_length=2)
    definition: str = Field(min_length=5, pattern=up_to_sentences(2))


# --- the detector ---------------------------------------------------------------------------

def feed(detector: RepetitionDetector, prompt: list[int], completion: list[int]) -> int | None:
    """Call the detector as llama-cpp-python does: after each token, with every token so far."""
    for i in range(1, len(completion) + 1):
        if detector(prompt + completion[:i]):
            return i
    return None


def test_a_short_loop_is_stopped_within_a_few_dozen_tokens_and_the_text_before_it_kept():
    prompt = list(range(1000, 1040))
    text = list(range(1, 31))  # 30 distinct tokens of real text
    loop = [7000, 7001] * 40  # "ninja-ninja-…"
    detector = RepetitionDetector(len(prompt))
    stopped_at = feed(detector, prompt, text + loop)
    assert stopped_at is not None and stopped_at <= len(text) + NGRAM + 2 * 2 + 1
    assert detector.loop_start == len(text) + 2  # the first repetition of the loop's period
    assert detector(prompt + text + loop[: stopped_at - len(text)])  # called again at the end: same answer
    assert detector.tokens[: len(text)] == text


def test_a_clause_chained_with_commas_is_a_loop_too():
    clause = list(range(500, 520))  # "and it is a robot that is designed to clean the air,"
    detector = RepetitionDetector(0)
    assert feed(detector, [], list(range(1, 10)) + clause * 4) is not None
    assert detector.loop_start == 9 + len(clause)


def test_structure_a_reply_repeats_legitimately_is_not_a_loop():
    # Three list items sharing 12 tokens of JSON structure and wording, then different content.
    items = [[90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101] + list(range(200 + 20 * i, 210 + 20 * i))
             for i in range(3)]
    detector = RepetitionDetector(5)
    assert feed(detector, [0] * 5, [t for item in items for t in item]) is None
    # Twice the same 16 tokens is not yet a loop either.
    assert feed(RepetitionDetector(0), [], list(range(16)) * 2) is None


# --- what is kept -----------------------------------------------------------------------------

def test_plain_text_keeps_its_finished_sentences():
    assert keep_before_loop("Preheat the oven to 200 C. Chop the onions and", None) == "Preheat the oven to 200 C."
    assert keep_before_loop("no sentence ever ends here", None) is None


def test_a_json_reply_is_cut_at_its_last_sentence_and_closed_when_it_still_fits_the_schema():
    text = ('{"term": "Spot mode", "definition": "Spot mode cleans a 1.5 metre square around the robot. '
            'It is a robot that is designed to clean the air, and it is a robot')
    kept = keep_before_loop(text, Definition)
    assert json.loads(kept) == {"term": "Spot mode",
                                "definition": "Spot mode cleans a 1.5 metre square around the robot."}
    # Nothing finished in the looping field: nothing to keep, the role asks again.
    assert keep_before_loop('{"term": "Spot mode", "definition": "and it is a robot, and it is', Definition) is None
    # A loop before a required field was written: the closed JSON misses it.
    assert keep_before_loop('{"term": "Spot mode. Spot', Definition) is None


# --- asking again ------------------------------------------------------------------------------

class _Writer(RoleAgent):
    role = "question_writer"  # any role with a prompt file
    output_model = Definition

    def system_fields(self) -> dict:
        return {"domain": "the Tidewell R7", "language_name": "English"}


def _cut_off_first(replies: list[tuple[str, str]]) -> ScriptedClient:
    client = ScriptedClient()
    queue = list(replies)

    async def create(messages, **kwargs):
        await ScriptedClient.create(client, messages, **kwargs)  # records the call
        content, finish = queue.pop(0)
        return CreateResult(finish_reason=finish, content=content, cached=False,
                            usage=RequestUsage(prompt_tokens=10, completion_tokens=5))

    client.create = create  # type: ignore[method-assign]
    return client


class _Context:
    failure = None


def _ask(client, ledger: UsageLedger | None = None):
    model_client = MeteredClient(client, "question_writer", ledger) if ledger is not None else client
    agent = _Writer(model_client, _Context())
    return asyncio.run(agent.ask(Definition, "Define a term.", CancellationToken(), examples=False))


def test_a_cut_off_reply_is_asked_once_more_from_the_top_nudged_and_sampled_differently():
    good = json.dumps({"term": "Eco mode", "definition": "Eco mode is the quiet cleaning mode."})
    client = _cut_off_first([('{"term": "Eco mode", "definition": "quiet quiet quiet', "length"), (good, "stop")])
    ledger = UsageLedger()
    reply, _ = _ask(client, ledger)
    assert reply.term == "Eco mode"
    first, second = client.calls
    assert len(second["messages"]) == len(first["messages"])  # no repair turns carrying the loop along
    assert "Keep it short" in second["messages"][-1].content
    usage = ledger.by_role["question_writer"]
    assert (usage.calls, usage.cut_off, usage.reshaped) == (2, 1, 1)


def test_a_second_runaway_fails_the_reply_with_the_reason():
    loop = ('{"term": "Eco", "definition": "quiet quiet', "length")
    client = _cut_off_first([loop, loop])
    with pytest.raises(StructuredOutputError, match="token limit"):
        _ask(client)
    assert len(client.calls) == 2


def test_the_re_ask_samples_with_its_own_settings():
    seen = []
    client = _cut_off_first([("{", "length"), (json.dumps({"term": "Eco", "definition": "Quiet mode."}), "stop")])
    original = client.create

    async def spy(messages, **kwargs):
        seen.append(dict(kwargs.get("extra_create_args", {})))
        return await original(messages, **kwargs)

    client.create = spy  # type: ignore[method-assign]
    _ask(client)
    assert "temperature" not in seen[0] and {k: seen[1][k] for k in RESHAPE_SAMPLING} == RESHAPE_SAMPLING


def test_a_free_text_reply_that_runs_away_is_asked_once_more():
    client = _cut_off_first([("Stir stir stir", "length"), ("Stir the sauce for two minutes.", "stop")])
    agent = _Writer(client, _Context())
    messages = [SystemMessage(content="You teach cooking."), UserMessage(content="How do I thicken a sauce?", source="user")]
    result = asyncio.run(agent.complete_text(messages, CancellationToken(), max_tokens=50))
    assert result.content == "Stir the sauce for two minutes." and len(client.calls) == 2


def test_the_ledger_counts_trimmed_loops():
    ledger = UsageLedger()

    class Trimming(ScriptedClient):
        async def create(self, messages, **kwargs):
            return LocalResult(finish_reason="stop", content="Kept.", cached=False, loop_trimmed=True,
                               usage=RequestUsage(prompt_tokens=3, completion_tokens=40))

    asyncio.run(MeteredClient(Trimming(), "support", ledger).create([UserMessage(content="hi", source="user")]))
    assert ledger.by_role["support"].trimmed == 1
    assert ledger.as_dict()["support"]["trimmed"] == 1


def test_a_sentence_that_never_ends_is_stopped_and_the_sentences_before_it_kept():
    words = {1: "What is the difference?", 2: " Is there", 3: " a difference between the two terms,"}
    detector = RepetitionDetector(0, piece=lambda t: words.get(t, f" word{t},"), max_sentence_chars=120)
    completion = [1, 2, 3] + list(range(100, 140))  # distinct words: no loop, just no end
    stopped_at = feed(detector, [], completion)
    assert stopped_at is not None and detector.reason == "run-on sentence"
    text = "".join(words.get(t, f" word{t},") for t in detector.tokens[: detector.loop_start])
    assert keep_before_loop('{"question": "' + text, Question) == '{"question": "What is the difference?"}'
    # New lines (raw, or escaped inside a JSON string) end a sentence too: a list is no run-on.
    lines = RepetitionDetector(0, piece=lambda t: f"item {t} is fine\\n", max_sentence_chars=40)
    assert feed(lines, [], list(range(200, 260))) is None


class Question(BaseModel):
    question: str = Field(min_length=5, pattern=up_to_sentences(2))


# --- every scenario, when the answering role always runs away --------------------------------------

class RunawayClient(ScriptedClient):
    """The scripted model, except that every reply for `runaway` reply models is cut off halfway
    at its token limit (as a looping small model's would be)."""

    def __init__(self, runaway: set[str]) -> None:
        super().__init__()
        self.runaway = runaway

    async def create(self, messages, **kwargs):
        result = await super().create(messages, **kwargs)
        output = kwargs.get("json_output")
        if isinstance(output, type) and output.__name__ in self.runaway and isinstance(result.content, str):
            cut = result.content[: len(result.content) // 2]
            return result.model_copy(update={"finish_reason": "length", "content": cut})
        return result


ANSWERS = {"AnswerReply", "FreeAnswer", "BoundedAnswer", "SupportReply", "EvolvedFree", "EvolvedBounded"}


@pytest.mark.parametrize("name", ["seed_from_pdf", "evolve_instruct", "evol_quality", "glan", "self_instruct",
                                  "agentinstruct", "customer_dialogue"])
def test_a_role_that_always_runs_away_costs_records_with_named_reasons_never_the_run(name, tmp_path):
    import scripted_runs
    from conftest import run_with_client

    from agentsynth.checks.catalogue import reason_rule

    scenario = scripted_runs.scenario(name, tmp_path / "inputs")
    client = RunawayClient(ANSWERS)
    summary = run_with_client(scenario, client, tmp_path / "out", concurrency=1)
    assert summary.failed == 0 and summary.rejected >= 1
    reasons = [r for line in (tmp_path / "out" / "rejected.jsonl").read_text().splitlines()
               for r in json.loads(line)["reasons"]]
    assert reasons and all(reason_rule(r) != "other" for r in reasons), reasons
    assert any("token limit" in r for r in reasons)
    # Each runaway reply was asked for once more before it cost its record.
    runaway_calls = [c for c in client.calls if c["reply_model"] in ANSWERS]
    assert runaway_calls and len(runaway_calls) % 2 == 0


def test_citing_one_enum_value_again_and_again_is_no_loop():
    cited = list(range(300, 320))  # a source sentence of 20 tokens, cited by three facts
    facts = [list(range(10 * i, 10 * i + 8)) + cited for i in range(1, 5)]
    completion = [t for fact in facts for t in fact]
    assert feed(RepetitionDetector(0), [], completion) is not None  # without the schema's enum: a "loop"
    detector = RepetitionDetector(0, allowed=lambda gram: set(gram) <= set(cited))
    assert feed(detector, [], completion) is None


class Facts(BaseModel):
    facts: list[Definition] = Field(min_length=1)


def test_a_json_reply_that_loops_inside_a_list_item_keeps_the_items_before_it():
    text = ('{"facts": [{"term": "Eco mode", "definition": "Eco mode is quiet."}, '
            '{"term": "Turbo", "definition": "Item Value --- --- Solar input 12-60 V DC')
    kept = json.loads(keep_before_loop(text, Facts))
    assert kept == {"facts": [{"term": "Eco mode", "definition": "Eco mode is quiet."}]}


def test_an_in_process_reply_at_its_token_limit_keeps_its_finished_sentences_when_they_fit_the_schema():
    from agentsynth.backends.local_llama import _cut_back_at_limit

    usage = {"prompt_tokens": 50, "completion_tokens": 300}
    long_answer = '{"question": "Which modes are there? The manual lists Eco, Turbo and a third mode that'
    reply = _cut_back_at_limit(long_answer, "length", usage, Question)
    assert (reply.content, reply.finish_reason, reply.loop_trimmed) == (
        '{"question": "Which modes are there?"}', "stop", True)
    # Nothing finished before the limit: it ran away, and the role asks again.
    reply = _cut_back_at_limit('{"question": "Which modes are there and how', "length", usage, Question)
    assert (reply.finish_reason, reply.loop_trimmed) == ("length", False)
    # A reply that ended on its own is left as it is.
    reply = _cut_back_at_limit('{"question": "Why?"}', "stop", usage, Question)
    assert (reply.content, reply.finish_reason) == ('{"question": "Why?"}', "stop")


def test_a_reply_stopped_in_its_message_keeps_it_and_cites_nothing_but_a_missing_outcome_is_not_guessed():
    from typing import Literal

    class SupportReply(BaseModel):
        message: str = Field(min_length=2, pattern=up_to_sentences(5))
        sources: list[Literal["c1", "c2"]] = Field(max_length=3)

    class CustomerReply(BaseModel):
        message: str = Field(min_length=2)
        outcome: Literal["continuing", "resolved", "abandoned"]

    looping = '{"message": "Hello, the unit is quiet. Here is a JSON response: [json_data]</br> <script src=\'https://'
    assert json.loads(keep_before_loop(looping, SupportReply)) == {"message": "Hello, the unit is quiet.",
                                                                   "sources": []}
    assert keep_before_loop('{"message": "Thanks a lot. And then the', CustomerReply) is None


def test_the_end_to_end_runaway_rate_fails_the_session_past_five_percent():
    from conftest import runaway_rate_problem

    assert runaway_rate_problem({"calls": 100, "cut_off": {"glan/answerer": 5}}) is None
    problem = runaway_rate_problem({"calls": 100, "cut_off": {"glan/answerer": 4, "magpie/user": 2}})
    assert problem and "6 of 100" in problem and "magpie/user" in problem
    assert runaway_rate_problem({"calls": 0, "cut_off": {}}) is None
