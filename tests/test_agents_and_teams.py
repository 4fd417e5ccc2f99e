"""Each role agent's parsing, the repair loop, tool use, and the teams' revise loop."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from autogen_agentchat.messages import StructuredMessage
from autogen_core import FunctionCall
from conftest import PASSAGE, SAMPLE_PDF, make_context
from scripted import ScriptedClient, default_answer, prompt_text

from agentsynth.agents.answerer import AnswererAgent
from agentsynth.agents.critic import CriticAgent
from agentsynth.agents.qa_messages import AnswererOutput, CriticOutput, ReaderOutput, WriterOutput
from agentsynth.agents.question_writer import QuestionWriterAgent, clean_question
from agentsynth.agents.reader import ReaderAgent
from agentsynth.errors import AgentsynthError, StructuredOutputError
from agentsynth.teams.build import build_team
from agentsynth.teams.loading import load_team
from agentsynth.teams.qa import final_verdict, max_messages
from agentsynth.tools.chunking import chunk_document
from agentsynth.tools.lookup import DocumentIndex
from agentsynth.tools.pdf_reader import read_pdf

ROLES = ("reader", "question_writer", "answerer", "critic")


def build_qa_team(topology, clients, context):
    """seed_from_pdf's built-in team (teams/specs/seed_qa.<topology>.yaml) for one chunk."""
    return build_team(load_team("seed_from_pdf", topology, None), clients, context,
                      {"max_revisions": context.max_revisions, "max_messages": max_messages(context) + 1},
                      "seed_from_pdf")


def run(coro):
    return asyncio.run(coro)


def message(model):
    return StructuredMessage[type(model)](content=model, source="test")


def test_reader_keeps_cited_sentences_and_drops_repeats():
    reply = {"facts": [
        {"fact": "The unit weighs 12.5 kg.", "source_sentence": "The unit weighs 12.5 kg."},
        {"fact": "The unit weighs 12.5 kg.", "source_sentence": "The unit weighs 12.5 kg."},
        {"fact": "It stores 1,024 Wh.", "source_sentence": "The Aurora X2 stores 1,024 Wh in a lithium iron phosphate (LiFePO4) battery."},
    ]}
    client = ScriptedClient({"ReaderReply": reply})
    result = run(ReaderAgent(client, make_context()).run(task="read"))
    facts = result.messages[-1].content.facts
    assert [f.fact for f in facts] == ["The unit weighs 12.5 kg.", "It stores 1,024 Wh."]
    # The schema sent to the model only allows the passage's own sentences.
    schema = client.calls[0]["reply_model"]
    assert schema == "ReaderReply"


def test_reader_never_cites_a_sentence_not_in_the_passage():
    bad = {"facts": [{"fact": "It is blue.", "source_sentence": "The Aurora X2 is blue."}]}
    client = ScriptedClient({"ReaderReply": bad})
    context = make_context()
    output = run(ReaderAgent(client, context).run(task="read")).messages[-1].content
    assert len(client.calls) == 3  # first try + 2 repairs, each with the validation error
    assert "source_sentence" in client.calls[1]["messages"][-1].content
    # Then it falls back to the passage's own sentences, numbers first, and says so.
    assert output.fallback and "validation" not in output.fallback.lower() or output.fallback
    assert all(f.source_sentence in context.passage_sentences for f in output.facts)
    assert output.facts and any(ch.isdigit() for ch in output.facts[0].fact)
    assert context.failure is None


def test_repair_loop_recovers_from_an_invalid_reply():
    replies = iter(['{"question": ', '{"question": "How much does the Aurora X2 weigh?"}'])
    client = ScriptedClient({"QuestionReply": lambda m, s: next(replies)})
    context = make_context(questions=1)
    writer = QuestionWriterAgent(client, context)
    result = run(writer.run(task=[message(ReaderOutput(facts=[]))]))
    assert result.messages[-1].content.questions[0].question == "How much does the Aurora X2 weigh?"
    repair_prompt = client.calls[1]["messages"][-1].content
    assert "did not match the required JSON format" in repair_prompt


def test_writer_plans_types_and_cleans_debris():
    client = ScriptedClient()
    context = make_context(questions=4)
    facts = ReaderOutput(facts=[{"fact": f, "source_sentence": f} for f in
                                ("The unit weighs 12.5 kg.", "It stores 1,024 Wh.", "It charges in 2 hours.")])
    output = run(QuestionWriterAgent(client, context).run(task=[message(facts)])).messages[-1].content
    assert [q.type for q in output.questions] == ["short_fact", "long_answer", "yes_no", "summary"]
    assert output.questions[3].fact is None  # summaries work from the whole passage
    assert len(client.calls_for("QuestionReply")) == 4
    assert clean_question('What is the battery capacity?},{') == "What is the battery capacity?"
    assert clean_question('  "How much\n does it weigh?"  ') == "How much does it weigh?"


def test_answerer_turns_a_runaway_reply_into_a_rejectable_answer():
    client = ScriptedClient({"AnswerReply": '{"evidence": "NONE", "answerable": true, "answer": "loop loop loop'})

    async def cut_off(messages, **kwargs):
        result = await ScriptedClient.create(client, messages, **kwargs)
        return result.model_copy(update={"finish_reason": "length"})

    client.create = cut_off  # type: ignore[method-assign]
    context = make_context(questions=1)
    questions = WriterOutput(round=0, questions=[{"slot": 0, "type": "short_fact", "question": "How heavy is it?"}])
    answer = run(AnswererAgent(client, context).run(task=[message(questions)])).messages[-1].content.answers[0]
    assert answer.error and "token limit" in answer.error and answer.answer == "loop loop loop"
    # No repair requests for a runaway loop: one re-ask from the top, nudged and sampled, then the error.
    assert not answer.answerable and len(client.calls) == 2
    assert "Keep it short" in str(client.calls[1]["messages"][-1].content)


def test_answerer_uses_search_documents_when_the_model_can_call_tools():
    chunks = chunk_document(read_pdf(SAMPLE_PDF))
    index = DocumentIndex(chunks)
    warranty_chunk = next(c for c in chunks if "warranty" in c.text)
    calls = iter([[FunctionCall(id="1", name="search_documents", arguments=json.dumps({"query": "warranty years", "k": 1}))], "done"])
    client = ScriptedClient(function_calling=True, tool_handler=lambda messages, tools: next(calls))
    context = make_context(questions=1, index=index)
    questions = WriterOutput(round=0, questions=[{"slot": 0, "type": "short_fact", "question": "How long is the Aurora X2 warranty?"}])
    answer = run(AnswererAgent(client, context).run(task=[message(questions)])).messages[-1].content.answers[0]
    assert answer.consulted == [warranty_chunk.chunk_id]
    tool_calls = [c for c in client.calls if c["tools"]]
    assert tool_calls and tool_calls[0]["tools"][0].name == "search_documents"
    final = client.calls_for("AnswerReply")[0]
    assert any("warranty" in str(getattr(m, "content", "")) for m in final["messages"])


def test_critic_skips_the_model_when_a_check_fails():
    client = ScriptedClient()
    context = make_context(questions=2, max_revisions=0)
    questions = WriterOutput(round=0, questions=[
        {"slot": 0, "type": "short_fact", "question": "How much does the Aurora X2 unit weigh?"},
        {"slot": 1, "type": "short_fact", "question": "How much energy does the Aurora X2 store?"},
    ])
    answers = AnswererOutput(round=0, answers=[
        {"slot": 0, "evidence": "The unit weighs 12.5 kg.", "answerable": True, "answer": "The Aurora X2 unit weighs 12.5 kg."},
        {"slot": 1, "evidence": None, "answerable": True, "answer": "It stores 9,999 Wh."},
    ])
    verdict: CriticOutput = run(CriticAgent(client, context).run(task=[message(questions), message(answers)])).messages[-1].content
    assert [p.decision for p in verdict.pairs] == ["accept", "reject"]
    assert "9999" in verdict.pairs[1].reasons[0]
    assert len(client.calls_for("LLMVerdict")) == 1  # only the pair that passed the checks
    assert not verdict.needs_revision
    assert len(context.registry) == 1


def hallucinate_first_round():
    """Answers with an invented number until the question has been revised once."""
    def handler(messages, schema):
        reply = default_answer(messages, schema)
        question = re.search(r"Question \([^)]*\): (.+)", messages[-1].content).group(1)
        if "weigh" not in question:  # first-draft questions: invent a number
            reply["answer"] = "It stores 7,777 Wh."
        return reply
    return handler


@pytest.mark.parametrize("topology", ["graph", "round_robin"])
def test_revise_loop_sends_failed_pairs_back_to_the_writer(topology):
    drafts = iter(["How much energy does the Aurora X2 store?", "How much does the Aurora X2 unit weigh?"])
    client = ScriptedClient({
        "QuestionReply": lambda m, s: {"question": next(drafts)},
        "AnswerReply": hallucinate_first_round(),
    })
    context = make_context(questions=1, max_revisions=1)
    team = build_qa_team(topology, {r: client for r in ROLES}, context)
    result = run(team.run(task="chunk"))
    verdict = final_verdict(result.messages)
    pair = verdict.pairs[0]
    assert pair.decision == "accept" and pair.revision == 1
    assert pair.question == "How much does the Aurora X2 unit weigh?"
    writer_calls = client.calls_for("QuestionReply")
    assert len(writer_calls) == 2
    assert "7777" in writer_calls[1]["messages"][-1].content  # the critic's reason reached the writer
    sources = [m.source for m in result.messages]
    assert sources.count("critic") == 2 and sources.count("reader") in (1, 2)


@pytest.mark.parametrize("topology", ["graph", "round_robin"])
def test_revisions_are_bounded(topology):
    client = ScriptedClient({"AnswerReply": {"evidence": "NONE", "answerable": True, "answer": "It stores 7,777 Wh."}})
    context = make_context(questions=2, max_revisions=2)
    result = run(build_qa_team(topology, {r: client for r in ROLES}, context).run(task="chunk"))
    verdict = final_verdict(result.messages)
    assert [p.decision for p in verdict.pairs] == ["reject", "reject"]
    assert [p.revision for p in verdict.pairs] == [2, 2]
    assert len(client.calls_for("QuestionReply")) == 2 * 3  # first draft + 2 revisions per slot


def test_unknown_topology_is_refused():
    with pytest.raises(AgentsynthError, match="runs as graph or round_robin"):
        build_qa_team("swarm", {r: ScriptedClient() for r in ROLES}, make_context())


def test_passage_sentences_exclude_headings():
    assert all("Specifications" != s for s in make_context(PASSAGE).passage_sentences)


def test_evidence_candidates_are_the_sentences_most_relevant_to_the_question():
    from agentsynth.agents.answerer import rank_sentences
    from agentsynth.agents.context import enum_safe

    units = ["The unit weighs 12.5 kg.", "Its battery lasts 3 hours.", "Charging takes 45 minutes."]
    assert rank_sentences("How long does the battery last?", units)[0] == "Its battery lasts 3 hours."
    assert rank_sentences("unrelated words", units) == units  # ties keep passage order
    # llama.cpp's schema converter mis-escapes quotes and backslashes in enum values.
    assert enum_safe(['find . -name "*.tar"', "C:\\data", "plain sentence."]) == ["plain sentence."]
    context = make_context('Run find . -name "*.tar" first. Then extract every archive carefully.')
    assert context.passage_sentences == ["Then extract every archive carefully."]


@pytest.mark.parametrize(("qtype", "reply", "answer"), [
    ("short_fact", {"answer": "The unit weighs 12.5 kg."}, "The unit weighs 12.5 kg."),
    ("yes_no", {"answer": "The unit weighs 12.5 kg.", "yes_or_no": "No"}, "No. The unit weighs 12.5 kg."),
    ("summary", {"answer": ["The unit weighs 12.5 kg.", "The unit weighs 12.5 kg."]}, "The unit weighs 12.5 kg."),
    ("short_fact", {"answer": "NONE"}, "The source does not answer this question."),
])
def test_extractive_answers_are_source_sentences(qtype, reply, answer):
    client = ScriptedClient({"ExtractiveReply": reply})
    context = make_context(questions=1)
    context.answer_style = "extractive"
    questions = WriterOutput(round=0, questions=[{"slot": 0, "type": qtype, "question": "How heavy is the unit?"}])
    result = run(AnswererAgent(client, context).run(task=[message(questions)])).messages[-1].content.answers[0]
    assert result.answer == answer
    assert result.answerable is (reply["answer"] != "NONE")
    call = client.calls_for("ExtractiveReply")[0]
    assert not any(getattr(m, "source", "") == "example" for m in call["messages"])  # free-style examples left out


def test_a_runaway_question_costs_its_slot_not_the_chunk():
    def writer(messages, schema):
        if "Fact:" not in messages[-1].content and "Passage:" not in messages[-1].content:
            return '{"question": "What is 1.1.1.1.1.1'  # repairs of slot 0 run away too
        if "12.5 kg" in messages[-1].content:
            return '{"question": "What is 1.1.1.1.1.1'
        from scripted import default_writer
        return default_writer(messages, schema)

    facts = {"facts": [{"fact": "The unit weighs 12.5 kg.", "source_sentence": "The unit weighs 12.5 kg."},
                       {"fact": "It stores 1,024 Wh.", "source_sentence": "The Aurora X2 stores 1,024 Wh in a lithium iron phosphate (LiFePO4) battery."}]}
    client = ScriptedClient({"ReaderReply": facts, "QuestionReply": writer})
    context = make_context(questions=2, max_revisions=0)
    result = run(build_qa_team("graph", {r: client for r in ROLES}, context).run(task="chunk"))
    pairs = final_verdict(result.messages).pairs
    assert len(pairs) == 2 and context.failure is None
    broken = pairs[0]
    assert broken.decision == "reject" and broken.question.startswith("What is 1.1")
    assert any(r.startswith("question_usable:") and "Invalid JSON" in r for r in broken.reasons)


def test_a_role_that_cannot_degrade_fails_the_item_with_its_raw_reply():
    """The base contract: a role whose reply stays invalid raises a typed error that the
    scenario gets back from the team (not AutoGen's plain RuntimeError string)."""
    from autogen_agentchat.conditions import MaxMessageTermination
    from autogen_agentchat.teams import RoundRobinGroupChat

    from agentsynth.agents.base import RoleAgent
    from agentsynth.agents.qa_messages import ReaderOutput
    from agentsynth.teams.qa import run_unwrapped

    class Strict(RoleAgent):
        role = "reader"
        output_model = ReaderOutput

        async def act(self, cancellation_token):
            await self.ask(ReaderOutput, "read", cancellation_token)

    context = make_context()
    team = RoundRobinGroupChat([Strict(ScriptedClient({"ReaderOutput": "not json"}), context)],
                               termination_condition=MaxMessageTermination(2))
    with pytest.raises(StructuredOutputError) as info:
        run(run_unwrapped(team, "go", context))
    assert info.value.raw == "not json" and info.value.role == "reader"


def test_a_repeated_question_is_reasked_on_another_fact_before_any_answer():
    facts = ReaderOutput(facts=[
        {"fact": "The unit weighs 12.5 kg.", "source_sentence": "The unit weighs 12.5 kg."},
        {"fact": "It stores 1,024 Wh.", "source_sentence": "The Aurora X2 stores 1,024 Wh."},
        {"fact": "It charges in 2 hours.", "source_sentence": "It charges in 2 hours from a wall outlet."},
    ])

    def stuck_writer(messages, schema):  # a small model asking the same thing whatever the fact
        text = prompt_text(messages)
        if "repeats" in text:
            fact = re.search(r"Fact: (.+)", text).group(1)
            return {"question": f"What does the Aurora X2 manual say about {fact.rstrip('.')}?"}
        return {"question": "What is the Aurora X2?"}

    client = ScriptedClient({"QuestionReply": stuck_writer})
    output = run(QuestionWriterAgent(client, make_context(questions=3)).run(task=[message(facts)])).messages[-1].content
    questions = [q.question for q in output.questions]
    assert questions[0] == "What is the Aurora X2?" and len(set(questions)) == 3
    # Each repeat cost one more call, and went to a fact no other slot was on.
    assert len(client.calls_for("QuestionReply")) == 5
    assert len({q.fact for q in output.questions}) == 3
    reask = prompt_text(client.calls_for("QuestionReply")[2]["messages"])
    assert "repeats 'What is the Aurora X2?'" in reask


def test_a_slot_that_repeats_again_is_not_answered():
    facts = ReaderOutput(facts=[{"fact": "The unit weighs 12.5 kg.", "source_sentence": "The unit weighs 12.5 kg."},
                                {"fact": "It stores 1,024 Wh.", "source_sentence": "The Aurora X2 stores 1,024 Wh."}])
    client = ScriptedClient({"QuestionReply": {"question": "What is the Aurora X2?"}})
    output = run(QuestionWriterAgent(client, make_context(questions=2)).run(task=[message(facts)])).messages[-1].content
    assert len(client.calls_for("QuestionReply")) == 3  # one re-ask, not a loop
    assert [q.question for q in output.questions] == ["What is the Aurora X2?"] * 2
    # No answer or verdict is spent on the repeat: it carries the reason.
    assert output.questions[0].error is None and "repeats 'What is the Aurora X2?'" in output.questions[1].error
