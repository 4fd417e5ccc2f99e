"""Issue 22: every scenario, run on a model of the chat profile that writes the way strong models
write: numbered lists where it has more than one sentence to say, names in quotation marks. No
schema, pattern or usability rule may turn such writing down: no item fails, and no record is
rejected for its form (only, as any record may be, for what it says). The same writing from a
model of the small profile runs into the small model's patterns, which is what the profile
spares strong models."""

from __future__ import annotations

import json
import re

import pytest
import scripted_runs
from conftest import run_with_client
from scripted import ScriptedClient

from agentsynth.backends.profiles import PROFILES, ProfiledClient
from agentsynth.checks.catalogue import reason_rule

FREE_TEXT = {"answer", "message", "instruction", "question", "content", "task", "rationale", "reason", "query",
             "suggestion", "definition"}
# Rejections for a reply's form, not its content: a schema that refused it, a reply the role
# could not use, a critic left without a verdict.
FORM_RULES = {"critic_unavailable", "turns_usable", "question_usable"}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_NAME = re.compile(r"(?<=\s)([A-Z][A-Za-z0-9-]{3,})(?=[\s,.?!])")


def strong_style(text: str) -> str:
    """The same words as a strong model lays them out: a numbered list, or a name in quotes."""
    sentences = [s for s in _SENTENCE_END.split(text.strip()) if s]
    if len(sentences) >= 2:
        return "\n".join(f"{n}. {s}" for n, s in enumerate(sentences, 1))
    return _NAME.sub(r'"\1"', text, count=1)


def restyled(value):
    if isinstance(value, dict):
        return {k: strong_style(v) if k in FREE_TEXT and isinstance(v, str) and " " in v else restyled(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [restyled(v) for v in value]
    return value


class StrongWriter(ScriptedClient):
    """The scripted model, its free-text fields laid out as a strong model lays them out."""

    async def create(self, messages, **kwargs):
        result = await super().create(messages, **kwargs)
        if isinstance(kwargs.get("json_output"), type) and isinstance(result.content, str):
            try:
                reply = json.loads(result.content)
            except ValueError:
                return result
            return result.model_copy(update={"content": json.dumps(restyled(reply), ensure_ascii=False)})
        return result


def form_rejections(out) -> list[str]:
    lines = (out / "rejected.jsonl").read_text(encoding="utf-8").splitlines()
    reasons = [r for line in lines if line.strip() for r in json.loads(line)["reasons"]]
    return [r for r in reasons if reason_rule(r) in FORM_RULES or "should match pattern" in r]


SCENARIOS = ["seed_from_pdf", "persona_qa", "evolve_instruct", "evol_quality", "glan", "self_instruct", "preference",
             "agentinstruct", "customer_dialogue"]


def test_the_strong_style_is_what_it_claims():
    assert strong_style("It stores 1,024 Wh. It weighs 12.5 kg.") == "1. It stores 1,024 Wh.\n2. It weighs 12.5 kg."
    assert strong_style("Use the Aurora X2 outdoors.") == 'Use the "Aurora" X2 outdoors.'


@pytest.mark.parametrize("name", SCENARIOS)
def test_strong_writing_costs_no_record_its_form_in_any_scenario(name, tmp_path):
    scenario = scripted_runs.scenario(name, tmp_path / "inputs")
    writer = StrongWriter()
    summary = run_with_client(scenario, ProfiledClient(writer, PROFILES["chat"]), tmp_path / "out", concurrency=1)
    assert summary.failed == 0
    assert not form_rejections(tmp_path / "out"), form_rejections(tmp_path / "out")
    assert summary.accepted + summary.rejected >= 1


def test_the_same_writing_from_a_small_model_meets_its_patterns(tmp_path):
    """The counterfactual: what the chat profile spares a strong model."""
    scenario = scripted_runs.scenario("seed_from_pdf", tmp_path / "inputs")
    run_with_client(scenario, StrongWriter(), tmp_path / "out", concurrency=1)
    rejected = form_rejections(tmp_path / "out")
    assert rejected and all(r.startswith("question_usable") for r in rejected)  # a quoted name breaks its pattern
