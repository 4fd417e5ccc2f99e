"""Issue 23: a duplicate registry forgets claims that never became records (the item failed,
its worker died, the dataset gate removed the record), so later items are not rejected as
duplicates of records that are not in the dataset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_with_client
from scripted import ScriptedClient

from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions
from agentsynth.tools.dedup import NearDuplicateIndex, QuestionRegistry, RougeLIndex


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


def test_a_question_claimed_by_an_item_that_kept_nothing_is_released():
    registry = QuestionRegistry()
    assert registry.claim("How heavy is the Aurora X2?", "It weighs 12.5 kg.", owner="a") is None
    assert registry.claim("How much energy does it store?", "1,024 Wh.", owner="a") is None
    assert registry.claim("How heavy is the Aurora X2?", owner="b") is not None  # a copy of a's
    # Item a kept only its energy question: the weight question is free again, the other is not.
    assert registry.settle("a", ["How much energy does it store?"]) == 1
    assert registry.claim("How heavy is the Aurora X2?", owner="b") is None
    assert registry.claim("How much energy does it store?", owner="c") is not None
    assert registry.settle("b", []) == 1 and len(registry) == 1
    assert registry.settle("nobody", []) == 0


@pytest.mark.parametrize("index", [NearDuplicateIndex, RougeLIndex])
def test_an_instruction_index_releases_what_its_owner_did_not_keep(index):
    registry = index()
    text = "Explain in three steps how gradient descent updates the weights of a neural network."
    assert registry.claim("a:0:1", text, owner="a") is None
    assert registry.claim("b:0:1", text, owner="b") is not None
    registry.settle("a", [])
    assert len(registry) == 0 and registry.claim("b:0:1", text, owner="b") is None
    registry.settle("b", [text])  # kept: it stays
    assert registry.claim("c:0:1", text, owner="c") is not None


ENERGY = "How much energy does the Aurora X2 store?"
WEIGHT = "How much does the Aurora X2 unit weigh?"  # answered with the energy sentence: revised


def two_copies(tmp_path: Path, pdf: Path) -> list[Path]:
    """The same page twice: the second copy's item writes the first one's question again."""
    return [Path(shutil.copy(pdf, tmp_path / name)) for name in ("a.pdf", "b.pdf")]


def test_a_record_the_dataset_gate_removed_does_not_make_later_copies_duplicates(tmp_path, one_page_pdf):
    options = dict(inputs=two_copies(tmp_path, one_page_pdf), questions_per_chunk=1, max_revisions=0)
    run_with_client(SeedFromPdf(SeedOptions(**options)), ScriptedClient({"QuestionReply": {"question": ENERGY}}),
                    tmp_path / "plain")
    assert len(lines(tmp_path / "plain" / "data.jsonl")) == 1
    [copy] = lines(tmp_path / "plain" / "rejected.jsonl")
    assert copy["metadata"]["critic"]["failed_checks"] == ["not_duplicate"]  # a's record is in the dataset

    # The question is in the user's evaluation set: the gate removes a's record, so b's copy
    # must meet the same rule, not be called a duplicate of a record that is not there.
    holdout = tmp_path / "eval.jsonl"
    holdout.write_text(json.dumps({"question": ENERGY}) + "\n", encoding="utf-8")
    run_with_client(SeedFromPdf(SeedOptions(**options)), ScriptedClient({"QuestionReply": {"question": ENERGY}}),
                    tmp_path / "gated", holdout=holdout)
    assert not lines(tmp_path / "gated" / "data.jsonl")
    rejected = lines(tmp_path / "gated" / "rejected.jsonl")
    assert [r["metadata"]["critic"]["failed_checks"] for r in rejected] == [["holdout_leak"], ["holdout_leak"]]


def test_a_question_claimed_by_an_item_that_then_failed_is_released(tmp_path, one_page_pdf):
    calls: list[str] = []

    def writer(messages, schema):
        """a: the energy question (accepted, claimed) and the weight question (revised); the
        revision's call fails, and item a with it. b: the same two questions."""
        calls.append("call")
        if len(calls) == 3:
            raise ConnectionError("the backend went away")
        return {"question": ENERGY if len(calls) in (1, 4) else WEIGHT}

    options = dict(inputs=two_copies(tmp_path, one_page_pdf), questions_per_chunk=2, max_revisions=1)
    summary = run_with_client(SeedFromPdf(SeedOptions(**options)), ScriptedClient({"QuestionReply": writer}),
                              tmp_path / "out")
    assert summary.failed == 1
    [kept] = lines(tmp_path / "out" / "data.jsonl")
    assert kept["messages"][1]["content"] == ENERGY and kept["metadata"]["source_file"].endswith("b.pdf")
