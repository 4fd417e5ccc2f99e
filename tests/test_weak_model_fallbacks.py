"""Issue 21: what degrades instead of failing when a small model writes little of use. Few-shot
names copied into a reply, questions for a Korean or Japanese document, degenerate customer
briefs, a customer who echoes support or "resolves" before support spoke, a glossary field that
is a name rather than a sentence, and transformed content that changes the source's numbers."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from autogen_core import CancellationToken
from autogen_agentchat.messages import StructuredMessage
from conftest import SAMPLE_PDF, make_context, run_with_client
from pydantic import ValidationError
from scripted import ScriptedClient, prompt_text

from agentsynth.agents.base import copied_from_examples, load_examples
from agentsynth.agents.custom import declared_model
from agentsynth.agents.dialogue import CustomerBrief, degenerate_brief
from agentsynth.agents.qa_messages import ReaderOutput
from agentsynth.agents.question_writer import QuestionWriterAgent, question_reply_model
from agentsynth.checks.dialogue import check_no_repetition, check_resolved
from agentsynth.checks.instruction import instruction_checks
from agentsynth.scenarios.customer_dialogue import CustomerDialogue, DialogueOptions
from agentsynth.teams.spec import DeclaredField
from agentsynth.tools.dedup import NearDuplicateIndex

FACTS = ReaderOutput(facts=[{"fact": "The unit weighs 12.5 kg.", "source_sentence": "The unit weighs 12.5 kg."}])


def write_one_question(client: ScriptedClient, language: str = "en"):
    context = make_context(questions=1, language=language)
    agent = QuestionWriterAgent(client, context)
    result = asyncio.run(agent.run(task=[StructuredMessage[ReaderOutput](content=FACTS, source="reader")]))
    return result.messages[-1].content.questions[0]


# --- few-shot leakage ----------------------------------------------------------------------------

def test_a_reply_that_copies_a_few_shot_name_is_sent_back_naming_it():
    replies = iter([{"question": "Can the FlowMax P3 pump run dry for more than 30 seconds?"},
                    {"question": "How much does the Aurora X2 unit weigh?"}])
    client = ScriptedClient({"QuestionReply": lambda m, s: next(replies)})
    question = write_one_question(client)
    assert question.question == "How much does the Aurora X2 unit weigh?" and not question.error
    repair = prompt_text(client.calls[1]["messages"])
    assert "'FlowMax', 'P3'" in repair and "from an example" in repair


def test_names_the_request_itself_gives_are_not_copies():
    # The document really is about a FlowMax pump: naming it is no leak.
    assert copied_from_examples('{"question": "Can the FlowMax P3 run dry?"}', "Document: FlowMax P3 guide",
                                "question_writer") == []
    assert copied_from_examples('{"question": "Can the FlowMax P3 run dry?"}', "Document: Aurora X2",
                                "question_writer") == ["FlowMax", "P3"]


# --- language ------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, good, bad", [
    ("ko", "SL-7 청소기는 몇 분 동안 사용할 수 있나요?", "How long does the SL-7 run?"),
    ("ja", "SL-7 は1回の充電で何分間使用できますか？", "How long does the SL-7 run?"),
])
def test_questions_for_korean_and_japanese_documents_are_held_to_their_script(language, good, bad):
    model = question_reply_model(language)
    assert model(question=good).question == good
    with pytest.raises(ValidationError):
        model(question=bad)
    with pytest.raises(ValidationError):  # an English question with one word of the script at the end
        model(question=f"What is the battery capacity of the {good[-6:]}")
    assert question_reply_model("en") is question_reply_model("de")  # no script bound elsewhere


def test_the_writer_gets_examples_in_the_documents_language():
    client = ScriptedClient({"QuestionReply": {"question": "이 제품의 무게는 얼마인가요?"}})
    question = write_one_question(client, language="ko")
    assert question.question == "이 제품의 무게는 얼마인가요?"
    sent = client.calls[0]["messages"]
    shots = [m.content for m in sent if getattr(m, "source", "") == "example"]
    assert shots and shots == [text for pair in load_examples("question_writer", "ko") for text in pair]
    assert all(re.search("[\uac00-\ud7a3]", json.loads(a)["question"]) for _, a in load_examples("question_writer", "ko"))
    assert load_examples("question_writer", "fr") == load_examples("question_writer")


# --- dialogues -----------------------------------------------------------------------------------

def brief(**fields) -> CustomerBrief:
    base = {"product": "Tidewell R7 robot vacuum", "problem": "the robot cannot find its dock", "mood": "annoyed",
            "success_criterion": "learns where to put the dock"}
    return CustomerBrief(**{**base, **fields})


def test_a_brief_that_only_copies_the_title_is_degenerate():
    title = "Tidewell R7 Robot Vacuum: Owner's Guide"
    assert degenerate_brief(brief(), title) is None
    assert "problem" in degenerate_brief(brief(problem="Owner's Guide"), title)
    assert "mood" in degenerate_brief(brief(mood="Owner"), title)
    assert degenerate_brief(brief(mood="the robot cannot find its dock"), title)


def test_a_degenerate_brief_is_drawn_again_from_another_passage(tmp_path):
    briefs = iter([{"product": "Aurora X2", "problem": "Aurora X2", "mood": "Aurora", "success_criterion": "Aurora X2"}])

    def brief_reply(messages, schema):
        return next(briefs, {"product": "Aurora X2", "problem": "the battery drains overnight", "mood": "worried",
                             "success_criterion": "learns how to store it"})

    client = ScriptedClient({"CustomerBrief": brief_reply})
    run_with_client(CustomerDialogue(DialogueOptions(inputs=[SAMPLE_PDF], dialogues=1, max_turns=2)), client, tmp_path)
    asked = [prompt_text(c["messages"]) for c in client.calls_for("CustomerBrief")]
    assert len(asked) == 2 and asked[0] != asked[1]  # the second draw saw another passage
    record = json.loads((tmp_path / ("data.jsonl" if (tmp_path / "data.jsonl").stat().st_size else "rejected.jsonl"))
                        .read_text().splitlines()[0])
    assert record["metadata"]["brief"]["problem"] == "the battery drains overnight"


class T:
    def __init__(self, speaker: str, text: str, outcome: str = "continuing") -> None:
        self.speaker, self.text, self.outcome, self.error = speaker, text, outcome, None


def test_a_customer_who_echoes_support_is_repetition_and_resolving_before_support_spoke_is_not_resolved():
    support = "Hello, I'm glad to hear you are enjoying your robot. I'm here to help you find the perfect one."
    echoed = [T("customer", "My robot cannot find its dock, what should I do?"), T("support", support),
              T("customer", support + " Thanks.", "resolved")]
    result = check_no_repetition(echoed)
    assert not result.passed and "repeats the support" in result.detail
    assert check_no_repetition(echoed[:2]).passed
    alone = check_resolved([T("customer", "Thanks, all sorted!", "resolved")], 3)
    assert not alone.passed and "support never replied" in alone.detail


def test_the_opening_message_cannot_end_the_dialogue(tmp_path):
    client = ScriptedClient({"CustomerReply": lambda m, s: {"message": "Thanks, that is all I needed to know today.",
                                                             "outcome": "resolved"}})
    run_with_client(CustomerDialogue(DialogueOptions(inputs=[SAMPLE_PDF], dialogues=1, max_turns=2)), client, tmp_path)
    assert len(client.calls_for("SupportReply")) >= 1  # support got to answer the opening message


# --- custom flows and AgentInstruct ------------------------------------------------------------------

def test_a_declared_one_sentence_field_also_takes_a_name():
    model = declared_model("glossary", {"term": DeclaredField(max_sentences=1),
                                        "definition": DeclaredField(max_sentences=2)})
    entry = model(term="Spot mode", definition="Spot mode cleans a 1.5 metre square. It takes 2 minutes.")
    assert entry.term == "Spot mode"
    with pytest.raises(ValidationError):
        model(term="Spot mode", definition="One. Two. Three.")
    with pytest.raises(ValidationError):
        model(term='a "quoted" term', definition="Fine.")


def test_transformed_content_that_changes_the_passages_numbers_is_rejected():
    def failed(content: str) -> list[str]:
        checks = instruction_checks(instruction=f"{content}\n\nHow long does it run?", answer="It runs for 150 minutes.",
                                    language="en", registry=NearDuplicateIndex(), source=content, content=content,
                                    passage="The X200 runs for up to 150 minutes on one charge.")
        return [c.name for c in checks if not c.passed]

    assert "content_grounded" in failed("The X200 has a battery that runs for up to 15 minutes.")
    assert "content_grounded" not in failed("On one charge, the X200 keeps going for up to 150 minutes.")


def test_replies_in_wide_scripts_get_token_limits_sized_for_them():
    limits = []
    for language in ("en", "ko"):
        client = ScriptedClient({"QuestionReply": {"question": "이 제품의 무게는 얼마인가요?"}})
        original = client.create

        async def spy(messages, _original=original, **kwargs):
            limits.append(kwargs["extra_create_args"]["max_tokens"])
            return await _original(messages, **kwargs)

        client.create = spy  # type: ignore[method-assign]
        write_one_question(client, language=language)
    assert limits == [QuestionWriterAgent.max_tokens, int(QuestionWriterAgent.max_tokens * 2.5)]


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_answerer_examples_exist_in_korean_and_japanese_and_answer_in_that_script(language):
    script = {"ko": "[\uac00-\ud7a3]", "ja": "[\u3040-\u30ff]"}[language]
    examples = load_examples("answerer", language)
    assert examples and examples != load_examples("answerer")
    assert all(re.search(script, json.loads(reply)["answer"]) for _, reply in examples)


def _turns(path) -> list[dict]:
    return [json.loads(line)["turn"] for line in path.read_text().splitlines() if '"turn"' in line]


def test_a_customer_who_echoes_support_is_asked_once_more_and_follows_up_until_support_replied_twice(tmp_path):
    def customer(messages, schema):
        text = prompt_text(messages)
        if "Conversation so far:\n(no messages yet)" in text:
            return {"message": "My Aurora X2 will not charge from the wall. What should I check?", "outcome": "continuing"}
        if "Asked again" in text:
            return {"message": "Which cable should I use for that, then?", "outcome": "resolved"}
        support = text.rsplit("SUPPORT: ", 1)[-1].split("\n")[0]
        return {"message": support, "outcome": "resolved"}  # echoes support, and "resolves" at once

    client = ScriptedClient({"CustomerReply": customer})
    run_with_client(CustomerDialogue(DialogueOptions(inputs=[SAMPLE_PDF], dialogues=1, max_turns=3)), client, tmp_path)
    turns = _turns(next((tmp_path / "checkpoints").glob("*.jsonl")))
    speakers = [t["speaker"] for t in turns]
    assert speakers[:4] == ["customer", "support", "customer", "support"]  # two exchanges at least
    assert turns[2]["text"] == "Which cable should I use for that, then?" and turns[2]["outcome"] == "continuing"
    echo_asks = [c for c in client.calls_for("CustomerReply") if "Asked again" in prompt_text(c["messages"])]
    assert len(echo_asks) >= 1


def test_an_example_name_quoted_back_in_a_revision_request_is_still_a_copy():
    # Round 0 copied "FlowMax P3" and was rejected; the revision request quotes that question back,
    # which must not make the example's name count as the document's.
    replies = iter([{"question": "Can the FlowMax P3 pump run dry for more than 30 seconds?"}] * 3
                   + [{"question": "Can the FlowMax P3 run dry?"}, {"question": "How much does the Aurora X2 weigh?"}])
    client = ScriptedClient({"QuestionReply": lambda m, s: next(replies)})
    context = make_context(questions=1)
    agent = QuestionWriterAgent(client, context)
    first = asyncio.run(agent.run(task=[StructuredMessage[ReaderOutput](content=FACTS, source="reader")]))
    assert first.messages[-1].content.questions[0].error  # three copies: the slot carries the error
    agent._critic = type("Verdict", (), {"pairs": [type("Pair", (), {"slot": 0, "decision": "revise",
                                                                      "reasons": ["copied"]})()]})()
    second = asyncio.run(agent.on_messages([], CancellationToken())).chat_message.content.questions[0]
    assert second.question == "How much does the Aurora X2 weigh?" and not second.error
