"""run.py export: the formats fine-tuning services and Hugging Face take, and the split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLE_PDF, run_with_client
from scripted import ScriptedClient

from agentsynth.run import main
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    run_with_client(SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF], questions_per_chunk=4, chunk_size=600)),
                    ScriptedClient(), out)
    # One multi-turn record, as customer_dialogue writes them.
    with open(out / "data.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "dialogue-1", "messages": [
            {"role": "system", "content": "You are support."}, {"role": "user", "content": "Hi, how long to charge?"},
            {"role": "assistant", "content": "45 minutes to 80%."}, {"role": "user", "content": "And to 100%?"},
            {"role": "assistant", "content": "The manual does not say."}],
            "metadata": {"scenario": "customer_dialogue", "item_id": "dialogue-1"}}) + "\n")
    return out


def test_openai_azure_sharegpt_and_alpaca(run_dir, tmp_path, capsys):
    records = lines(run_dir / "data.jsonl")
    for fmt in ("openai", "azure"):
        assert main(["export", str(run_dir), "--format", fmt, "--out", str(tmp_path / fmt)]) == 0
        assert lines(tmp_path / fmt / "train.jsonl") == [{"messages": r["messages"]} for r in records]
    assert main(["export", str(run_dir), "--format", "sharegpt", "--out", str(tmp_path / "sg")]) == 0
    first = lines(tmp_path / "sg" / "train.jsonl")[0]["conversations"]
    assert [t["from"] for t in first] == ["system", "human", "gpt"]
    assert main(["export", str(run_dir), "--format", "alpaca", "--out", str(tmp_path / "alpaca")]) == 0
    alpaca = lines(tmp_path / "alpaca" / "train.jsonl")
    assert len(alpaca) == len(records) - 1 and set(alpaca[0]) == {"instruction", "input", "output", "system"}
    assert "skipped 1 multi-turn" in capsys.readouterr().err


def test_split_keeps_each_work_item_on_one_side_and_is_stable(run_dir, tmp_path):
    args = ["export", str(run_dir), "--format", "openai", "--split", "0.4", "--seed", "3"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0 and main([*args, "--out", str(tmp_path / "b")]) == 0
    train, validation = lines(tmp_path / "a" / "train.jsonl"), lines(tmp_path / "a" / "validation.jsonl")
    assert train and validation and len(train) + len(validation) == len(lines(run_dir / "data.jsonl"))
    assert lines(tmp_path / "b" / "validation.jsonl") == validation  # the same split every time
    by_item = {r["messages"][1]["content"]: r["metadata"]["item_id"] for r in lines(run_dir / "data.jsonl")}
    sides = {}
    for side, rows in (("train", train), ("validation", validation)):
        for row in rows:
            sides.setdefault(by_item[row["messages"][1]["content"]], set()).add(side)
    assert all(len(s) == 1 for s in sides.values())  # no chunk's records straddle the split


def test_hf_dataset_with_a_card(run_dir, tmp_path):
    import datasets

    assert main(["export", str(run_dir), "--format", "hf", "--split", "0.4", "--out", str(tmp_path / "hf")]) == 0
    loaded = datasets.load_from_disk(str(tmp_path / "hf"))
    assert set(loaded) == {"train", "validation"}
    assert loaded["train"][0]["messages"][0]["role"] == "system"
    assert json.loads(loaded["train"][0]["metadata"])["scenario"] in ("seed_from_pdf", "customer_dialogue")
    card = (tmp_path / "hf" / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n") and "seed_from_pdf" in card and "## How it was made" in card
    assert "fingerprint" in card and (tmp_path / "hf" / "agentsynth_manifest.json").exists()


@pytest.mark.parametrize("args, expected", [
    (["{tmp}/nowhere", "--format", "openai"], "no such run folder"),
    (["{tmp}", "--format", "openai"], "has no data.jsonl"),
    (["{run}", "--format", "parquet"], "unknown format 'parquet'"),
    (["{run}", "--format", "openai", "--split", "1.5"], "--split"),
])
def test_bad_export_requests_are_one_clear_line(args, expected, run_dir, tmp_path, capsys):
    code = main(["export", *[a.format(tmp=tmp_path, run=run_dir) for a in args], "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and expected in err and len(err.splitlines()) == 1
