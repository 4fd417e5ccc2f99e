"""What a team spec can name: roles (the project's agents), output schemas, tools, and the
scenarios a team can serve with the per-item values each gives its team.

A role belongs to a family: the work-item context its agents share (`qa` for document QA,
`instruction` for instruction data, `dialogue` for simulated conversations). A team may only
mix roles of its scenario's family, plus `custom` and `recorder`, which fit any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autogen_agentchat.agents import BaseChatAgent
from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel

from ..agents.agentinstruct import (
    ContentTransformerAgent,
    EditorAgent,
    SeedInstructionAgent,
    SuggesterAgent,
    Suggestion,
    TransformedContent,
)
from ..agents.answerer import AnswererAgent
from ..agents.critic import CriticAgent
from ..agents.dialogue import CustomerAgent, SupportAgent, TurnMessage
from ..agents.evolver import EvolverAgent
from ..agents.homework_writer import HomeworkWriterAgent
from ..agents.instruction_answerer import InstructionAnswererAgent
from ..agents.instruction_critic import InstructionCriticAgent
from ..agents.instructions import AnswersOutput, InstructionsOutput, InstructionVerdicts
from ..agents.magpie import MagpieAssistantAgent, MagpieUserAgent
from ..agents.preference_judge import JudgeOutput, PreferenceJudgeAgent
from ..agents.qa_messages import AnswererOutput, CriticOutput, PairReviews, ReaderOutput, WriterOutput
from ..agents.question_writer import QuestionWriterAgent
from ..agents.reader import ReaderAgent
from ..agents.response_evolver import ResponseEvolverAgent
from ..agents.self_instruct_writer import SelfInstructWriterAgent
from ..checks.catalogue import chosen_checks
from ..errors import AgentsynthError
from .spec import AgentSpec


@dataclass
class AgentBuild:
    """Everything a role's factory gets to make one agent for one work item."""

    spec: AgentSpec
    name: str
    client: ChatCompletionClient | None
    context: Any
    params: dict[str, Any]  # the scenario's per-item values

    @property
    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.spec.description:
            out["description"] = self.spec.description
        return out

    @property
    def lookup(self) -> bool:
        return "search_documents" in self.spec.tools


@dataclass(frozen=True)
class Role:
    name: str
    family: str  # "qa", "instruction", "dialogue" or "any"
    summary: str
    make: Callable[[AgentBuild], BaseChatAgent] | None  # None: built by the builder (custom, recorder)
    output: str | None  # schema name; None: declared in the spec (custom) or its predecessor's (recorder)
    needs: tuple[str, ...] = ()  # per-item values the scenario must give
    tools: tuple[str, ...] = ()  # tools it can use
    options: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # option → allowed values
    calls_model: bool = True
    checks: str | None = None  # the check family it runs (checks/catalogue.py), which a spec may narrow


@dataclass(frozen=True)
class Schema:
    model: type[BaseModel]
    family: str
    summary: str


SCHEMAS: dict[str, Schema] = {
    "reader_facts": Schema(ReaderOutput, "qa", "the reader's facts from the passage"),
    "questions": Schema(WriterOutput, "qa", "questions, one per slot"),
    "answers": Schema(AnswererOutput, "qa", "an answer with cited evidence per question"),
    "qa_verdict": Schema(CriticOutput, "qa", "the critic's judgement of every pair; needs_revision"),
    "pair_reviews": Schema(PairReviews, "qa", "a reviewer's supported/unsupported call per answer, which the critic weighs"),
    "instructions": Schema(InstructionsOutput, "instruction", "instructions (evolved, written, or user turns)"),
    "instruction_answers": Schema(AnswersOutput, "instruction", "an answer per instruction"),
    "instruction_verdicts": Schema(InstructionVerdicts, "instruction", "the critic's judgements; more_rounds"),
    "ratings": Schema(JudgeOutput, "instruction", "the preference judge's ratings of each response"),
    "transformed_content": Schema(TransformedContent, "instruction", "a passage rewritten for a skill"),
    "suggestion": Schema(Suggestion, "instruction", "how to make a task harder or more precise"),
    "turn": Schema(TurnMessage, "dialogue", "one dialogue turn (turn.speaker, turn.text, turn.outcome)"),
}

TOOLS: dict[str, str] = {
    "search_documents": "BM25 search over the run's document chunks (a tool-calling model may look up passages "
                        "beyond its own)",
}


def _evolution(b: AgentBuild) -> BaseChatAgent:
    evolution = b.spec.options.get("evolution")
    rounds = int(b.params.get("rounds", 1)) if evolution else 1
    return InstructionCriticAgent(b.client, b.context, rounds=rounds, evolution=evolution,
                                  checks=chosen_checks(b.spec.checks, "instruction"), **b.kwargs)


ROLES: dict[str, Role] = {r.name: r for r in [
    # document QA
    Role("reader", "qa", "extracts facts from the passage", lambda b: ReaderAgent(b.client, b.context, **b.kwargs),
         "reader_facts"),
    Role("question_writer", "qa", "writes one question per slot from the reader's facts; rewrites the ones sent back",
         lambda b: QuestionWriterAgent(b.client, b.context, **b.kwargs), "questions"),
    Role("answerer", "qa", "answers each question from its source, citing a sentence",
         lambda b: AnswererAgent(b.client, b.context, lookup=b.lookup, **b.kwargs), "answers",
         tools=("search_documents",)),
    Role("critic", "qa", "deterministic checks plus a model verdict per pair; weighs reviewers' pair_reviews",
         lambda b: CriticAgent(b.client, b.context, checks=chosen_checks(b.spec.checks, "qa"), **b.kwargs), "qa_verdict",
         checks="qa"),
    # instruction data
    Role("evolver", "instruction", "Evol-Instruct: rewrites an instruction (in-depth or in-breadth)",
         lambda b: EvolverAgent(b.client, b.context, seed_id=b.params["seed_id"], seed_text=b.params["seed_text"],
                                **b.kwargs), "instructions", needs=("seed_id", "seed_text")),
    Role("response_evolver", "instruction", "Evol-Quality: rewrites a response to be better",
         lambda b: ResponseEvolverAgent(b.client, b.context, seed_id=b.params["seed_id"], response=b.params["response"],
                                        **b.kwargs), "instruction_answers", needs=("seed_id", "response")),
    Role("instruction_answerer", "instruction", "answers each instruction",
         lambda b: InstructionAnswererAgent(b.client, b.context, lookup=b.lookup, **b.kwargs), "instruction_answers",
         tools=("search_documents",)),
    Role("instruction_critic", "instruction", "elimination rules plus a model verdict per instruction and answer",
         _evolution, "instruction_verdicts", options={"evolution": (None, "instruction", "response")},
         checks="instruction"),
    Role("homework_writer", "instruction", "GLAN: homework questions for one class session",
         lambda b: HomeworkWriterAgent(b.client, b.context, b.params["session"], **b.kwargs), "instructions",
         needs=("session",)),
    Role("self_instruct_writer", "instruction", "Self-Instruct: user queries for an application",
         lambda b: SelfInstructWriterAgent(b.client, b.context, **b.params["writer"], **b.kwargs), "instructions",
         needs=("writer",)),
    Role("preference_judge", "instruction", "rates every response to the instruction",
         lambda b: PreferenceJudgeAgent(b.client, b.context, **b.kwargs), "ratings"),
    Role("magpie_user", "instruction", "Magpie: writes user turns by completing the chat template's user prefix",
         lambda b: MagpieUserAgent(b.client, b.context, system=b.params["system"], seed=b.params["seed"],
                                   on_usage=b.params["on_usage"], **b.kwargs), "instructions",
         needs=("system", "seed", "on_usage")),
    Role("magpie_assistant", "instruction", "Magpie: answers each user turn",
         lambda b: MagpieAssistantAgent(b.client, b.context, system=b.params["system"], **b.kwargs),
         "instruction_answers", needs=("system",)),
    Role("content_transformer", "instruction", "AgentInstruct: rewrites a passage for a skill",
         lambda b: ContentTransformerAgent(b.client, b.context, plan=b.params["plan"], passage=b.params["passage"],
                                           **b.kwargs), "transformed_content", needs=("plan", "passage")),
    Role("seed_instruction", "instruction", "AgentInstruct: writes a task from the transformed content",
         lambda b: SeedInstructionAgent(b.client, b.context, plan=b.params["plan"], **b.kwargs), "instructions",
         needs=("plan",)),
    Role("suggester", "instruction", "AgentInstruct: suggests how to make the task harder",
         lambda b: SuggesterAgent(b.client, b.context, plan=b.params["plan"], **b.kwargs), "suggestion",
         needs=("plan",)),
    Role("editor", "instruction", "AgentInstruct: rewrites the task following the suggestion",
         lambda b: EditorAgent(b.client, b.context, plan=b.params["plan"], **b.kwargs), "instructions",
         needs=("plan",)),
    # dialogues
    Role("customer", "dialogue", "plays the customer from a persona and a brief",
         lambda b: CustomerAgent(b.client, b.context, **b.kwargs), "turn"),
    Role("support", "dialogue", "answers the customer from the documentation, citing chunks",
         lambda b: SupportAgent(b.client, b.context, lookup=b.lookup, **b.kwargs), "turn", tools=("search_documents",)),
    # any team
    Role("custom", "any", "your own agent: a system prompt (text or file), a user prompt, declared output fields",
         None, None, tools=("search_documents",)),
    Role("recorder", "any", "a graph's leaf: restates the last structured message of the agent before it "
         "(no model call)", None, None, calls_model=False),
]}


@dataclass(frozen=True)
class ScenarioTeams:
    family: str
    teams: dict[str, str | Path]  # --team name → built-in spec (a file name in teams/specs/, or a path)
    params: tuple[str, ...] = ()  # per-item values its teams may use (${name} and role needs)
    task_types: tuple[type[BaseModel], ...] = ()  # structured task messages it sends


# Filled by the scenarios as they register (scenarios/base.py: `register`): a team spec for a
# scenario is checked against what that scenario gives its teams.
SCENARIO_TEAMS: dict[str, ScenarioTeams] = {}


def register_scenario_teams(name: str, teams: ScenarioTeams) -> None:
    SCENARIO_TEAMS[name] = teams


def scenario_teams(name: str) -> ScenarioTeams:
    try:
        return SCENARIO_TEAMS[name]
    except KeyError:
        known = ", ".join(SCENARIO_TEAMS) or "none registered: import agentsynth.scenarios.catalogue first"
        raise AgentsynthError(f"unknown scenario {name!r} (known: {known})") from None


def schema_of(name: str) -> type[BaseModel] | None:
    schema = SCHEMAS.get(name)
    return schema.model if schema else None
