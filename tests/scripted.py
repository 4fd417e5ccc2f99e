"""A deterministic, schema-aware model client for tests.

Replies are chosen by the name of the requested reply model (ReaderReply, QuestionReply,
AnswerReply, LLMVerdict, ...), so they do not depend on call order and work under
concurrency. Default replies are grounded in the passage found in the prompt; tests
override any role with their own handler (a dict, a JSON string, or a function).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, ModelInfo, RequestUsage
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

PASSAGE = re.compile(r'<<<SOURCE [0-9a-f]{8}>>>\n(.*?)\n<<<END [0-9a-f]{8}>>>', re.DOTALL)

Handler = Callable[[Sequence[LLMMessage], dict], Any]


def prompt_text(messages: Sequence[LLMMessage]) -> str:
    """The final user turn (few-shot examples come before it)."""
    for message in reversed(messages):
        if type(message).__name__ == "UserMessage" and isinstance(message.content, str):
            return message.content
    return ""


def passage_of(messages: Sequence[LLMMessage]) -> str:
    match = PASSAGE.search(prompt_text(messages))
    return match.group(1) if match else ""


def _enum(schema: dict, *path: str) -> list[str]:
    node = schema
    for key in path:
        node = node[key]
        if "$ref" in node:
            node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node.get("enum", [])


def default_reader(messages, schema):
    sentences = _enum(schema, "$defs", "FactReply", "properties", "source_sentence")
    return {"facts": [{"fact": s, "source_sentence": s} for s in sentences[:5]]}


def default_writer(messages, schema):
    """A question built from the fact in the prompt (or the passage's first words)."""
    text = prompt_text(messages)
    fact = re.search(r"Fact: (.+)", text)
    topic = fact.group(1) if fact else passage_of(messages)
    words = [w.strip(".,;:()|\"?") for w in topic.replace("|", " ").split()][:8]
    reader = re.search(r"as this reader would, about what they need: (.+?) \(", text)
    if reader:  # persona_qa: the reader's role shapes the question
        return {"question": f"As a {reader.group(1)}, what should I know about {' '.join(words[:5])}?"}
    return {"question": f"What does the manual state about {' '.join(words)}?"}


def default_answer(messages, schema):
    from agentsynth.agents.answerer import rank_sentences

    sentences = [s for s in _enum(schema, "properties", "evidence") if s != "NONE"]
    question = re.search(r"Question \([^)]*\): (.+)", prompt_text(messages))
    # Answer with the evidence sentence that best matches the question.
    title = re.search(r'Source \(from "([^"]*)"', prompt_text(messages))
    subject = title.group(1) if title else ""
    best = rank_sentences(question.group(1) if question else "", sentences, subject)[0] if sentences else "NONE"
    return {"evidence": best, "answerable": best != "NONE", "answer": best if best != "NONE" else "Not in source."}


def default_verdict(messages, schema):
    return {"groundedness": 5, "relevance": 5, "clarity": 4, "decision": "accept", "problem": "none", "quote": "",
            "reason": "Grounded and clear."}


_GIVEN = re.compile(r"#(?:The )?Given Prompt#:\n(.*?)\n\n#", re.DOTALL)
_METHOD_TAILS = {
    "constraint": "Answer in at most five numbered steps.",
    "depth": "Also explain why each step matters and what can go wrong.",
    "specific": "Use the ResNet-50 model on eight NVIDIA V100 GPUs as the concrete case.",
    "reasoning": "Reason step by step and state the intermediate result of each step.",
    "data": "Use this table of epochs and accuracy: | 10 | 71% | 20 | 75% |.",
}


def default_evolver(messages, schema):
    """In depth: the parent plus a requirement named after the method; in breadth: a new question."""
    text = prompt_text(messages)
    given = _GIVEN.search(text)
    parent = given.group(1).strip() if given else "How do I train a model?"
    if "Prompt Creator" in text:
        topic = " ".join(w.strip("?.,") for w in parent.split()[-4:])
        return {"instruction": f"Which rarely used techniques help with {topic}, and when do they fail?"}
    method = next((tail for key, tail in _METHOD_TAILS.items() if key in text.split("method:")[-1][:200].lower()),
                  "Give one concrete example.")
    return {"instruction": f"{parent} {method}"}


def default_response_rewrite(messages, schema):
    """EvolQuality: the given response plus a sentence named after the mutation."""
    text = prompt_text(messages)
    given = re.search(r"#Given Response#:\n(.*?)\n\n#Rewritten Response#", text, re.DOTALL)
    method = text.split("following method:\n", 1)[-1].split("\n", 1)[0]
    extra = {"helpful": "Check the result on a small sample first.", "relevant": "This applies to the case asked about.",
             "depth": "It works because each step reduces the error.", "creativity": "Think of it as tuning a radio.",
             "detail": "Use a batch of 256 images and 90 epochs."}
    tail = next((v for k, v in extra.items() if k in method), "Add a worked example.")
    return {"answer": f"{given.group(1).strip()} {tail}"}


def default_instruction_answer(messages, schema):
    if "Response Rewriter" in prompt_text(messages):
        return default_response_rewrite(messages, schema)
    instruction = re.search(r"Instruction:\n(.*?)\n\nWrite the answer", prompt_text(messages), re.DOTALL)
    words = [w.strip("?.,:|") for w in (instruction.group(1) if instruction else "the task").split()][:12]
    return {"answer": f"To address {' '.join(words)}, start by preparing the data, then configure the training job, "
                      "and finally verify the results against a held-out set."}


def default_instruction_verdict(messages, schema):
    return {"helpfulness": 5, "relevance": 5, "clarity": 4, "decision": "accept", "problem": "none",
            "reason": "Follows the instruction."}


def default_strong_instruction_verdict(messages, schema):
    """A strong judge: reasoning first, truthfulness, and the words at fault when it objects."""
    return {"reason": "Follows the instruction and agrees with the references.", "truthfulness": 5,
            "helpfulness": 5, "relevance": 5, "clarity": 4, "problem": "none", "quote": "", "decision": "accept"}


def _quoted(text: str) -> str:
    found = re.search(r'"([^"]+)"', text)
    return found.group(1) if found else "General Studies"


def default_names(messages, schema):
    text = prompt_text(messages)
    count = int(re.search(r"List (\d+)", text).group(1)) if re.search(r"List (\d+)", text) else 2
    return {"names": [f"{_quoted(text)} Branch {chr(65 + i)}" for i in range(count)]}


def default_subjects(messages, schema):
    text = prompt_text(messages)
    discipline = _quoted(text)
    count = int(re.search(r"List (\d+)", text).group(1))
    return {"subjects": [{"name": f"{discipline} {level}", "level": level,
                          "subtopics": [f"{discipline} topic {level + k}" for k in range(3)]}
                         for level in (100, 200, 300, 400)[:count]]}


_CONCEPT_WORDS = ("gradient", "entropy", "lattice", "catalyst", "momentum", "spectrum", "kernel", "isomer", "torque",
                  "photon", "enthalpy", "regression", "chirality", "inertia", "voltage", "diffraction")


def default_syllabus(messages, schema):
    text = prompt_text(messages)
    subject = _quoted(text)
    count = int(re.search(r"into (\d+) class sessions", text).group(1))
    seed = sum(map(ord, subject))
    return {"sessions": [{"title": f"{subject} session {n + 1}",
                          "key_concepts": [_CONCEPT_WORDS[(seed + 3 * n + k) % len(_CONCEPT_WORDS)] + f" {subject.split()[-1]}"
                                           for k in range(3)]} for n in range(count)]}


def default_homework(messages, schema):
    text = prompt_text(messages)
    concepts = re.search(r"Key concepts to test together: (.+)", text).group(1)
    style = re.search(r"Write (.+?) of (\w+) difficulty", text)
    return {"question": f"For a {style.group(2)} exercise, {style.group(1).split(',')[0]}: how do {concepts} "
                        "interact in a worked example?"}


SCRIPTED_PERSONAS = (
    {"role": "first-time owner camping off grid", "expertise": "novice", "goals": "learn how long the battery lasts",
     "style": "short, plain questions"},
    {"role": "field technician who services units", "expertise": "expert", "goals": "check charging limits and faults",
     "style": "precise technical questions"},
    {"role": "safety auditor for a rental fleet", "expertise": "intermediate", "goals": "verify warnings and ratings",
     "style": "formal, checklist-like questions"},
    {"role": "procurement officer comparing models", "expertise": "novice", "goals": "compare capacity and price",
     "style": "direct questions about numbers"},
)


def default_persona(messages, schema):
    """The next persona not yet named as taken in the prompt."""
    text = prompt_text(messages)
    return next((p for p in SCRIPTED_PERSONAS if p["role"] not in text), SCRIPTED_PERSONAS[0])


def default_aspects(messages, schema):
    """Longer responses rate higher (1-5), so scripted candidates are told apart."""
    response = prompt_text(messages).split("Response:\n", 1)[-1].split("\n\nRate this response", 1)[0]
    score = max(1, min(5, len(response.split()) // 6))
    return {"helpfulness": score, "honesty": score, "instruction_following": score, "truthfulness": score,
            "rationale": f"A response of {len(response.split())} words."}


def default_side_by_side(messages, schema):
    """A strong judge rating every response at once: longer rates higher, honesty N/A."""
    responses = re.findall(r"Response (\d+):\n(.*?)(?=\n\nResponse \d+:|\n\nRate each)", prompt_text(messages), re.DOTALL)
    ratings = []
    for number, text in responses:
        score = max(1, min(5, len(text.split()) // 6))
        ratings.append({"response": int(number), "rationale": f"A response of {len(text.split())} words.",
                        "helpfulness": score, "honesty": None, "instruction_following": score, "truthfulness": score})
    return {"ratings": ratings}


def default_query(messages, schema):
    text = prompt_text(messages)
    kind = re.search(r"about the context: (?:a |an )?(?:question |request )?(?:asking )?(?:to )?(\w+)", text)
    material = PASSAGE.search(text)
    words = [w.strip(".,;:()|") for w in (material.group(1) if material else "the product").split()][:6]
    return {"query": f"Please {kind.group(1) if kind else 'explain'} what {' '.join(words)} means for a new user."}


def default_brief(messages, schema):
    return {"product": "Aurora X2 portable power station", "problem": "how long the battery takes to charge",
            "mood": "impatient", "success_criterion": "learns the charging time from the wall charger"}


def persona_ticket(messages) -> int:
    """A number from the customer's persona (its system prompt's "Who you are: ..."), so each
    dialogue differs: identical dialogues would be exact duplicates of each other."""
    found = re.search(r"Who you are: (.+)", str(messages[0].content)) if messages else None
    return sum(map(ord, found.group(1))) % 997 if found else 0


def default_customer(messages, schema):
    """First asks, then thanks support and ends the conversation as resolved."""
    transcript = prompt_text(messages).split("Conversation so far:\n", 1)[-1]
    asked = transcript.count("CUSTOMER:")
    if asked == 0:
        return {"message": f"How long does the Aurora X2 take to charge from the wall? (ticket {persona_ticket(messages)})",
                "outcome": "continuing"}
    return {"message": "Great, that answers it. Thanks!", "outcome": "resolved"}


def default_support(messages, schema):
    """Answers with the excerpt sentence sharing most words with the customer's last message, citing it."""
    text = prompt_text(messages)
    question = set(re.findall(r"\w+", text.rsplit("CUSTOMER:", 1)[-1].split("\n")[0].lower()))
    best = (0, "", "")
    for chunk_id, body in re.findall(r"\[([^\]]+)\] \([^)]*\):\n(.*?)(?=\n\n\[|\n\nConversation so far)", text, re.DOTALL):
        for sentence in re.split(r"(?<=[.!?])\s+", body.replace("\n", " ")):
            score = len(question & set(re.findall(r"\w+", sentence.lower())))
            if score > best[0] and 20 < len(sentence) < 300:
                best = (score, chunk_id, sentence.strip("#* "))
    if not best[1]:
        return {"message": "I could not find that in the manual.", "sources": []}
    return {"message": f"According to the manual: {best[2]}", "sources": [best[1]]}


def default_dialogue_verdict(messages, schema):
    return {"resolution": 5, "helpfulness": 4, "persona_consistency": 4, "resolved": True,
            "reason": "The customer got the charging time."}


def default_transformed(messages, schema):
    """The source's sentences, framed by the transformation asked for."""
    text = prompt_text(messages)
    source = PASSAGE.search(text)
    how = PASSAGE.split(text)[-1].strip().split(" ")[3:6]
    return {"content": f"({' '.join(how)}) " + " ".join((source.group(1) if source else "").split())[:900]}


def default_task(messages, schema):
    text = prompt_text(messages)
    if "Suggestion:" in text:
        task = re.search(r"Task: (.+)", text).group(1)
        return {"task": f"{task} Answer in exactly three sentences."}
    kind = re.search(r"task about this text: (.+)", text)
    return {"task": f"Using the text above, answer {kind.group(1) if kind else 'a question'} about the battery."}


DEFAULT_HANDLERS: dict[str, Handler] = {
    "ContentReply": default_transformed,
    "TaskFree": default_task,
    "TaskBounded": default_task,
    "SuggestionReply": {"suggestion": "Require the answer to be exactly three sentences."},
    "CustomerBrief": default_brief,
    "CustomerReply": default_customer,
    "SupportReply": default_support,
    "DialogueVerdict": default_dialogue_verdict,
    "QueryFree": default_query,
    "QueryBounded": default_query,
    "AspectRatings": default_aspects,
    "SideBySideRatings": default_side_by_side,
    "PersonaReply": default_persona,
    "NamesReply": default_names,
    "SubjectsReply": default_subjects,
    "SyllabusReply": default_syllabus,
    "HomeworkFree": default_homework,
    "HomeworkBounded": default_homework,
    "EvolvedFree": default_evolver,
    "EvolvedBounded": default_evolver,
    "FreeAnswer": default_instruction_answer,
    "BoundedAnswer": default_instruction_answer,
    "VerdictReply": default_instruction_verdict,
    "StrongVerdictReply": default_strong_instruction_verdict,
    "ReaderReply": default_reader,
    "QuestionReply": default_writer,
    "AnswerReply": default_answer,
    "LLMVerdict": default_verdict,
    "PairReview": {"supported": True, "quote": "", "reason": "Every claim of the answer is in the passage."},
    "": "A bar chart of throughput per GPU count: 1 GPU 1,200 images/s, 8 GPUs 9,100 images/s.",  # plain text: figures
}


class ScriptedClient(ChatCompletionClient):
    def __init__(
        self,
        handlers: Mapping[str, Handler | dict | str] | None = None,
        *,
        function_calling: bool = False,
        vision: bool = False,
        tool_handler: Callable[[Sequence[LLMMessage], Sequence[Tool | ToolSchema]], Any] | None = None,
    ) -> None:
        self.handlers: dict[str, Any] = {**DEFAULT_HANDLERS, **(handlers or {})}
        self.function_calling = function_calling
        self.vision = vision
        self.tool_handler = tool_handler
        self.calls: list[dict[str, Any]] = []
        self._usage = RequestUsage(prompt_tokens=0, completion_tokens=0)

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        name = json_output.__name__ if isinstance(json_output, type) else None
        self.calls.append({"reply_model": name, "messages": list(messages), "tools": list(tools)})
        if tools and self.tool_handler is not None:
            content = self.tool_handler(messages, tools)
        else:
            handler = self.handlers.get(name or "", "")
            schema = json_output.model_json_schema() if isinstance(json_output, type) else {}
            content = handler(messages, schema) if callable(handler) else handler
            if not isinstance(content, (str, list)):
                content = json.dumps(content)
        prompt_tokens = sum(len(str(getattr(m, "content", "")).split()) for m in messages)
        completion_tokens = len(str(content).split())
        usage = RequestUsage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        self._usage = RequestUsage(
            prompt_tokens=self._usage.prompt_tokens + prompt_tokens,
            completion_tokens=self._usage.completion_tokens + completion_tokens,
        )
        return CreateResult(finish_reason="function_calls" if isinstance(content, list) else "stop",
                            content=content, usage=usage, cached=False)

    async def create_stream(self, messages, **kwargs):  # type: ignore[override]
        yield await self.create(messages, **kwargs)

    def calls_for(self, reply_model: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["reply_model"] == reply_model]

    async def close(self) -> None:
        pass

    def actual_usage(self) -> RequestUsage:
        return self._usage

    def total_usage(self) -> RequestUsage:
        return self._usage

    def count_tokens(self, messages, *, tools=[]) -> int:  # type: ignore[override]
        return sum(len(str(getattr(m, "content", "")).split()) for m in messages)

    def remaining_tokens(self, messages, *, tools=[]) -> int:  # type: ignore[override]
        return 8192 - self.count_tokens(messages)

    @property
    def capabilities(self) -> ModelInfo:  # type: ignore[override]
        return self.model_info

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(vision=self.vision, function_calling=self.function_calling, json_output=True,
                         structured_output=True, family="scripted")


def _same_thermo_question(messages, schema):
    return {"question": "Explain how entropy, enthalpy and Gibbs energy decide whether a reaction is spontaneous."}


def _thermo_syllabus(messages, schema):
    return {"sessions": [{"title": f"Spontaneity {n}", "key_concepts": ["entropy", "enthalpy", "Gibbs energy"]}
                         for n in (1, 2)]}


# GLAN handlers whose every homework question is the same one, on sessions that cover its concepts.
SAME_THERMO_QUESTION = {"HomeworkFree": _same_thermo_question, "SyllabusReply": _thermo_syllabus}
