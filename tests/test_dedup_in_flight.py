"""Two items in flight that accept the same question at once keep only one of it: the
duplicate check happens before the critic model's verdict, and acceptance after it, so
acceptance claims the question in one step (within one process, or through the main
process with --workers)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from conftest import LAB_DATA, run_with_client
from scripted import SAME_THERMO_QUESTION, ScriptedClient

from agentsynth.scenarios.curate import Curate, CurateOptions
from agentsynth.scenarios.glan import Glan, GlanOptions
from agentsynth.tools.dedup import NearDuplicateIndex, QuestionRegistry, RougeLIndex
from agentsynth.tools.writers import read_records

GLAN_SAMPLE = LAB_DATA / "reference" / "glan" / "disciplines_sample.txt"
CONTEXT = "The Aurora X2 stores 1,024 Wh in a LiFePO4 battery. The unit weighs 12.5 kg."
QUESTION = "How much does the Aurora X2 unit weigh?"
# Worded apart, so that the dataset gate's exact-copy check cannot be what stops them.
ANSWERS = ["The Aurora X2 unit weighs 12.5 kg.", "The unit weighs 12.5 kg.", "It weighs 12.5 kg.",
           "The Aurora X2 weighs 12.5 kg.", "Its weight is 12.5 kg.", "The unit's weight is 12.5 kg.",
           "The Aurora X2 unit has a weight of 12.5 kg.", "Weighed, the unit comes to 12.5 kg."]


def records(out: Path, name: str) -> list[dict]:
    return list(read_records(out / name))


def same_pairs(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps({"id": f"p{n}", "question": QUESTION, "answer": ANSWERS[n], "context": CONTEXT})
                            + "\n" for n in range(count)), encoding="utf-8")
    return path


class SlowVerdicts(ScriptedClient):
    """Critic verdicts take a while, so items in flight all pass the duplicate check
    before any of them is accepted."""

    async def create(self, messages, **kwargs):
        output = kwargs.get("json_output")
        if isinstance(output, type) and output.__name__ in ("LLMVerdict", "VerdictReply"):
            await asyncio.sleep(0.05)
        return await super().create(messages, **kwargs)


def test_claim_adds_only_what_is_new():
    registry = QuestionRegistry()
    assert registry.claim("How much does the Aurora X2 weigh?") is None
    assert registry.claim("how much does the Aurora X2 weigh ?") is not None and len(registry) == 1
    for index in (NearDuplicateIndex(), RougeLIndex()):
        text = "Explain how entropy, enthalpy and Gibbs energy decide whether a reaction is spontaneous."
        assert index.claim("a:1", text) is None
        assert index.claim("b:1", text).key == "a:1" and len(index) == 1
        assert index.claim("a:2", text, ignore_prefix="a:") is None  # a lineage may resemble its own


def test_pairs_accepted_at_once_keep_one_copy(tmp_path):
    run_with_client(Curate(CurateOptions(input=same_pairs(tmp_path, 8), language="en")), SlowVerdicts(),
                    tmp_path / "out", concurrency=8)
    accepted, rejected = records(tmp_path / "out", "data.jsonl"), records(tmp_path / "out", "rejected.jsonl")
    assert len(accepted) == 1 and len(rejected) == 7
    assert all(r["reasons"][0].startswith("not_duplicate") for r in rejected)


def test_instructions_accepted_at_once_keep_one_copy(tmp_path):
    client = SlowVerdicts(SAME_THERMO_QUESTION)
    run_with_client(Glan(GlanOptions(disciplines=GLAN_SAMPLE)), client, tmp_path, concurrency=8)
    accepted, rejected = records(tmp_path, "data.jsonl"), records(tmp_path, "rejected.jsonl")
    assert len(accepted) == 1 and len(rejected) == 15
    assert {r["metadata"]["eliminated_by"] for r in rejected} == {"not_near_duplicate"}
