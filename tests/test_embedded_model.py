"""End-to-end tests on the real embedded model (SmolLM2-135M-Instruct via llama.cpp).

They prove the pipeline runs on the model users get by default; the critic's
deterministic checks must hold whatever that small model writes to account.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from autogen_core.models import SystemMessage, UserMessage
from conftest import assert_no_runaway
from pydantic import BaseModel, Field

from agentsynth.backends.local_llama import LocalLlamaClient, embedded_model_path
from agentsynth.checks.qa import check_numbers_grounded, check_terms_grounded
from agentsynth.errors import AgentsynthError
from agentsynth.run import main
from agentsynth.tools.pdf_reader import read_pdf

pytestmark = pytest.mark.e2e


class City(BaseModel):
    name: str
    country: str
    population_millions: float


def test_structured_output_usage_and_one_load_per_process():
    client = LocalLlamaClient()
    result = asyncio.run(client.create(
        [SystemMessage(content="Reply in JSON."), UserMessage(content="Describe Paris.", source="user")],
        json_output=City, extra_create_args={"max_tokens": 60},
    ))
    City.model_validate_json(result.content)  # constrained decoding: always valid
    assert result.usage.prompt_tokens > 5 and result.usage.completion_tokens > 3
    assert client.total_usage().completion_tokens == result.usage.completion_tokens
    assert LocalLlamaClient().llama is client.llama  # the model is loaded once per process
    assert client.count_tokens([UserMessage(content="hello world", source="u")]) >= 2
    assert embedded_model_path().name.endswith(".gguf")


def test_a_grammar_llama_cpp_cannot_compile_is_an_error_not_unconstrained_output():
    class Huge(BaseModel):
        text: str = Field(max_length=5000)

    with pytest.raises(AgentsynthError, match="cannot compile the grammar"):
        asyncio.run(LocalLlamaClient().create([UserMessage(content="hi", source="user")], json_output=Huge))


def test_tools_are_refused_clearly():
    from conftest import SAMPLE_PDF

    from agentsynth.tools.chunking import chunk_document
    from agentsynth.tools.lookup import DocumentIndex, search_documents_tool

    tool = search_documents_tool(DocumentIndex(chunk_document(read_pdf(SAMPLE_PDF))))
    with pytest.raises(AgentsynthError, match="tool calling is not supported"):
        asyncio.run(LocalLlamaClient().create([UserMessage(content="hi", source="user")], tools=[tool]))


def test_seed_from_pdf_end_to_end_on_a_one_page_pdf(tmp_path, one_page_pdf, capsys):
    out = tmp_path / "out"
    code = main(["--input", str(one_page_pdf), "--out", str(out), "--no-progress", "--questions-per-chunk", "2"])
    stdout = capsys.readouterr().out
    assert code == 0 and "Dataset:" in stdout and "accepted" in stdout and "tokens" in stdout

    def read(name: str) -> list[dict]:
        return [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]

    data, rejected, failed = read("data.jsonl"), read("rejected.jsonl"), read("failed.jsonl")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"items": 1, "items_done": 1 - len(failed), "accepted": len(data),
                                  "rejected": len(rejected), "failed": len(failed)}
    assert len(data) + len(rejected) == 2 * (1 - len(failed))
    assert manifest["model"] == "local" and manifest["usage"]["total"]["calls"] >= 4
    assert_no_runaway(manifest)
    source = "\n".join(p.markdown for p in read_pdf(one_page_pdf).pages)
    for record in data:
        assert record["metadata"]["pages"] == [1]
        answer = record["messages"][2]["content"]
        assert check_numbers_grounded(answer, source).passed and check_terms_grounded(answer, source).passed
    for record in rejected:
        assert record["reasons"]
