"""Model backends over their real wire protocols, against loopback servers (tests/fake_backend.py):
OpenAI-compatible, Azure OpenAI and Ollama through AutoGen's own clients; structured-output
negotiation; retries, backoff and rate limits; the response cache; budgets; per-role models."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import httpx
import openai
import pytest
from autogen_core.models import CreateResult, RequestUsage, UserMessage
from conftest import write_text_pdf
from fake_backend import FakeBackend, Fault

from agentsynth.backends.metering import price_for
from agentsynth.backends.models import ModelSettings, model_info_for, parse_model_spec
from agentsynth.backends.resilience import AdaptiveLimiter, BackendStats, ResilientClient, RetryPolicy
from agentsynth.errors import AgentsynthError, BackendError
from agentsynth.run import main
from agentsynth.tools.writers import read_records

FAST_RETRIES = "retries: {base_delay: 0.01, max_delay: 0.05, timeout: 2}\n"
TOPICS = ["battery", "inverter", "solar panel", "charger", "display", "fan", "outlet", "cable", "case", "handle"]


def run_cli(tmp_path: Path, name: str, *args: str) -> tuple[int, dict, dict[str, list[dict]]]:
    out = tmp_path / name
    rc = main([*args, "--out", str(out), "--no-progress"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8")) if (out / "manifest.json").exists() else {}
    files = {f: list(read_records(out / f"{f}.jsonl")) for f in ("data", "rejected", "failed", "progress")}
    return rc, manifest, files


def config_file(tmp_path: Path, text: str, name: str = "run.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fifty_chunk_pdf(tmp_path: Path) -> Path:
    pages = [
        f"Section {i}: The {TOPICS[i % 10]} unit {i} weighs {i + 1}.5 kg and is rated for {100 + i * 7} W of continuous "
        f"output. Module {i} must be inspected every {i + 2} months by a technician. " * 2
        for i in range(50)
    ]
    return write_text_pdf(tmp_path / "fifty.pdf", pages)


# -- specs and capabilities --------------------------------------------------------------


@pytest.mark.parametrize("spec, provider, name", [
    ("local", "local", "SmolLM2-135M-Instruct.Q4_1.gguf"), ("gguf:/models/x.gguf", "gguf", "/models/x.gguf"),
    ("openai:gpt-4o-mini", "openai", "gpt-4o-mini"), ("azure:my-deployment", "azure", "my-deployment"),
    ("ollama:llama3.1:8b", "ollama", "llama3.1:8b"), ("openai-compatible:Qwen/Qwen2.5-7B", "openai-compatible", "Qwen/Qwen2.5-7B"),
])
def test_every_documented_spec_parses(spec, provider, name):
    parsed = parse_model_spec(spec)
    assert (parsed.provider, parsed.name) == (provider, name)


@pytest.mark.parametrize("spec", ["openai", "openai:", "bogus:model", "azure:  "])
def test_bad_specs_are_refused_with_the_supported_list(spec):
    with pytest.raises(AgentsynthError, match="model"):
        parse_model_spec(spec)


def test_model_info_is_honest_for_unknown_models_and_overridable():
    unknown = model_info_for(ModelSettings(model="openai-compatible:my-finetune"))
    assert unknown["function_calling"] is False and unknown["vision"] is False and unknown["json_output"] is True
    known = model_info_for(ModelSettings(model="openai:gpt-4o"))
    assert known["vision"] is True and known["function_calling"] is True
    told = model_info_for(ModelSettings(model="openai-compatible:qwen", capabilities={"function_calling": True}))
    assert told["function_calling"] is True


def test_missing_environment_is_one_clear_line(tmp_path, one_page_pdf, monkeypatch, capsys):
    monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
    rc = main(["--model", "azure:gpt4o-prod", "--input", str(one_page_pdf), "--out", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and "azure:gpt4o-prod: environment variable AZURE_OPENAI_ENDPOINT is not set" in err
    assert "Traceback" not in err


# -- the three wire protocols ---------------------------------------------------------------


def test_openai_compatible_runs_the_main_job_with_the_same_record_format(tmp_path, one_page_pdf):
    with FakeBackend() as server:
        rc, manifest, files = run_cli(tmp_path, "out", "--model", "openai-compatible:fake-7b",
                                      "--base-url", f"{server.url}/v1", "--input", str(one_page_pdf))
        bodies = [r.body for r in server.requests]
    assert rc == 0 and manifest["status"] == "complete"
    records = files["data"] + files["rejected"]
    assert len(records) == 3
    for record in records:
        assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant"]
        assert record["metadata"]["model"] == "openai-compatible:fake-7b"
    assert {b["model"] for b in bodies} == {"fake-7b"}
    assert all(b["response_format"]["type"] == "json_schema" and b["response_format"]["json_schema"]["strict"]
               for b in bodies)
    assert manifest["backends"]["openai-compatible:fake-7b"]["structured_output"] == "json_schema"


def test_auto_structured_output_falls_back_to_json_object_with_schema(tmp_path, one_page_pdf):
    """llama.cpp's server refuses `json_schema`; `json_object` + `schema` is what it takes."""
    with FakeBackend(reject_json_schema=True) as server:
        rc, manifest, files = run_cli(tmp_path, "out", "--model", "openai-compatible:llama",
                                      "--base-url", f"{server.url}/v1", "--input", str(one_page_pdf))
        kinds = [(r.body["response_format"]["type"], "schema" in r.body["response_format"]) for r in server.requests]
    assert rc == 0 and len(files["data"]) + len(files["rejected"]) == 3 and not files["failed"]
    assert manifest["backends"]["openai-compatible:llama"]["structured_output"] == "json_object_schema"
    assert kinds[0] == ("json_schema", False) and set(kinds[1:]) == {("json_object", True)}


def test_json_mode_puts_the_schema_in_the_prompt(tmp_path, one_page_pdf):
    with FakeBackend() as server:
        rc, _, files = run_cli(tmp_path, "out", "--model", "openai-compatible:m", "--base-url", f"{server.url}/v1",
                               "--structured-output", "json_object", "--input", str(one_page_pdf))
        requests = list(server.requests)
    assert rc == 0 and len(files["data"]) + len(files["rejected"]) == 3
    assert all(r.body["response_format"] == {"type": "json_object"} for r in requests)
    assert all("matches this JSON schema" in r.body["messages"][0]["content"] for r in requests)


@pytest.mark.parametrize("provider", ["openai-compatible", "azure"])
def test_lean_completions_send_the_same_body_as_the_sdk(provider, monkeypatch):
    """The runner's clients skip the SDK's request transform (backends/lean_openai.py);
    the server must receive exactly what the SDK's own path sends."""
    from autogen_core.models import SystemMessage

    from agentsynth.backends.lean_openai import LeanCompletions
    from agentsynth.backends.models import _remote_client

    with FakeBackend(azure_key="k") as server:
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.url)
        monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-10-21")
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k")
        settings = ModelSettings(model=f"{provider}:m", base_url=f"{server.url}/v1" if provider != "azure" else None,
                                 temperature=0.3, seed=7)
        lean, _ = _remote_client(settings)
        plain, _ = _remote_client(settings)
        plain._client.chat.completions = openai.resources.chat.AsyncCompletions(plain._client)
        assert isinstance(lean._client.chat.completions, LeanCompletions)
        messages = [SystemMessage(content="You write questions."), UserMessage(content="Chunk: the fan ✓", source="u")]
        schema = {"type": "json_schema", "json_schema": {"name": "Reply", "strict": True, "schema": {
            "type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"], "additionalProperties": False}}}

        async def ask_both() -> None:
            for client in (lean, plain):
                await client.create(messages, extra_create_args={"response_format": schema, "max_tokens": 50})
                await client.close()

        asyncio.run(ask_both())
        sent_lean, sent_plain = server.requests
    assert sent_lean.path == sent_plain.path and sent_lean.query == sent_plain.query
    assert sent_lean.body == sent_plain.body
    assert sent_lean.body["messages"][1]["content"] == "Chunk: the fan ✓" and sent_lean.body["response_format"] == schema


def test_azure_shape_deployment_url_api_version_and_key(tmp_path, one_page_pdf, monkeypatch):
    with FakeBackend(azure_key="azure-secret") as server:
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.url)
        monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-10-21")
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-secret")
        rc, manifest, files = run_cli(tmp_path, "out", "--model", "azure:gpt4o-prod", "--input", str(one_page_pdf))
        requests = list(server.requests)
    assert rc == 0 and len(files["data"]) + len(files["rejected"]) == 3
    assert {r.path for r in requests} == {"/openai/deployments/gpt4o-prod/chat/completions"}
    assert {r.query["api-version"][0] for r in requests} == {"2024-10-21"}
    # OpenAI and Azure reasoning models refuse `max_tokens`; the limit goes as max_completion_tokens.
    assert all("max_tokens" not in r.body for r in requests)
    assert all("max_completion_tokens" in r.body for r in requests if r.schema_title)
    assert manifest["model"] == "azure:gpt4o-prod"


def test_azure_wrong_key_stops_the_run_cleanly_without_recording_failures(tmp_path, one_page_pdf, monkeypatch, capsys):
    with FakeBackend(azure_key="the-right-key") as server:
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.url)
        monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-10-21")
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", "a-wrong-key")
        rc, manifest, files = run_cli(tmp_path, "out", "--model", "azure:gpt4o-prod", "--input", str(one_page_pdf))
    err = capsys.readouterr().err
    assert rc == 1 and manifest["status"] == "stopped" and "HTTP 401" in manifest["stop_reason"]
    assert "API key was refused" in err
    assert files["failed"] == [] and files["progress"] == []  # left for --resume once the key is fixed


def test_azure_without_a_key_uses_entra_id_and_says_how_to_sign_in(tmp_path, one_page_pdf, monkeypatch, capsys):
    """No AZURE_OPENAI_API_KEY: DefaultAzureCredential is asked for a token; with no identity
    on this machine the run stops at once with the fix, instead of failing every item."""
    for name in ("AZURE_OPENAI_API_KEY", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with FakeBackend() as server:
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.url)
        monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-10-21")
        rc, manifest, files = run_cli(tmp_path, "out", "--model", "azure:gpt4o-prod", "--input", str(one_page_pdf))
        assert server.requests == []  # no request leaves without a token
    assert rc == 1 and manifest["status"] == "stopped" and "az login" in manifest["stop_reason"]
    assert files["failed"] == [] and "az login" in capsys.readouterr().err


def test_ollama_shape_api_chat_with_native_schema_and_options(tmp_path, one_page_pdf, monkeypatch):
    with FakeBackend() as server:
        monkeypatch.setenv("OLLAMA_HOST", server.url)
        rc, manifest, files = run_cli(tmp_path, "out", "--model", "ollama:llama3.1:8b", "--temperature", "0.3",
                                      "--input", str(one_page_pdf))
        requests = list(server.requests)
    assert rc == 0 and len(files["data"]) + len(files["rejected"]) == 3
    assert {r.path for r in requests} == {"/api/chat"}
    structured = [r for r in requests if not r.body.get("tools")]  # a tool-calling round has no schema
    assert structured and all(isinstance(r.body["format"], dict) and r.body["format"]["title"] for r in structured)
    assert all(r.body["options"]["temperature"] == 0.3 and r.body["options"]["num_predict"] > 0 for r in structured)
    assert manifest["usage"]["per_role"]["reader"]["model"] == "ollama:llama3.1:8b"


# -- per-role models, cost ------------------------------------------------------------------


def test_run_config_puts_the_critic_on_another_model_and_the_manifest_shows_it(tmp_path, one_page_pdf, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    with FakeBackend() as server:
        config = config_file(tmp_path, f"""
default:
  model: openai-compatible:small-writer
  base_url: {server.url}/v1
  temperature: 0.7
roles:
  critic:
    model: openai:gpt-4o-mini
    base_url: {server.url}/v1
    temperature: 0
""")
        rc, manifest, files = run_cli(tmp_path, "out", "--config", str(config), "--input", str(one_page_pdf))
        by_model = {}
        for r in server.requests:
            by_model.setdefault(r.body["model"], set()).add(r.schema_title)
            if r.body["model"] == "gpt-4o-mini":
                assert r.body["temperature"] == 0
            else:
                assert r.body["temperature"] == 0.7
    assert rc == 0
    assert by_model["gpt-4o-mini"] == {"LLMVerdict"}
    assert "LLMVerdict" not in by_model["small-writer"]
    per_role = manifest["usage"]["per_role"]
    assert per_role["critic"]["model"] == "openai:gpt-4o-mini"
    assert per_role["reader"]["model"] == "openai-compatible:small-writer"
    # Cost is estimated where the price table knows the model, tokens only elsewhere.
    price = price_for("gpt-4o-mini")
    expected = (per_role["critic"]["prompt_tokens"] * price.input + per_role["critic"]["completion_tokens"] * price.output) / 1e6
    assert per_role["critic"]["cost_usd"] == pytest.approx(expected)
    assert per_role["reader"]["cost_usd"] is None
    assert set(manifest["usage"]["per_model"]) == {"openai:gpt-4o-mini", "openai-compatible:small-writer"}
    record = (files["data"] + files["rejected"])[0]
    assert "critic=openai:gpt-4o-mini" in record["metadata"]["model"]


def test_cli_role_model_overrides_the_file(tmp_path, one_page_pdf):
    with FakeBackend() as server:
        config = config_file(tmp_path, f"default: {{model: openai-compatible:a, base_url: {server.url}/v1}}\n")
        rc, manifest, _ = run_cli(tmp_path, "out", "--config", str(config), "--role-model", "critic=openai-compatible:b",
                                  "--base-url", f"{server.url}/v1", "--input", str(one_page_pdf))
        models = {r.body["model"] for r in server.requests if r.schema_title == "LLMVerdict"}
    assert rc == 0 and models == {"b"}
    assert manifest["usage"]["per_role"]["critic"]["model"] == "openai-compatible:b"


# -- cache ----------------------------------------------------------------------------------


def test_a_second_identical_run_makes_no_model_calls_and_says_so(tmp_path, one_page_pdf, capsys):
    with FakeBackend() as server:
        args = ("--model", "openai-compatible:m", "--base-url", f"{server.url}/v1", "--input", str(one_page_pdf))
        rc1, first, files1 = run_cli(tmp_path, "first", *args)
        calls_after_first = len(server.requests)
        capsys.readouterr()
        rc2, second, files2 = run_cli(tmp_path, "second", *args)
        calls_after_second = len(server.requests)
        out = capsys.readouterr().out
        rc3, third, _ = run_cli(tmp_path, "third", *args, "--no-cache")
        calls_after_third = len(server.requests)
    assert rc1 == rc2 == rc3 == 0 and calls_after_first > 0
    assert calls_after_second == calls_after_first
    assert second["usage"]["total"]["calls"] == 0 and second["usage"]["total"]["cached_calls"] == first["usage"]["total"]["calls"]
    assert "model calls 0 (+" in out and "from cache" in out
    strip = lambda recs: [(r["id"], r["messages"]) for r in recs]  # noqa: E731
    assert strip(files2["data"]) == strip(files1["data"]) and strip(files2["rejected"]) == strip(files1["rejected"])
    assert calls_after_third == 2 * calls_after_first and third["usage"]["total"]["cached_calls"] == 0


def test_the_cache_key_includes_the_model(tmp_path, one_page_pdf):
    with FakeBackend() as server:
        run_cli(tmp_path, "a", "--model", "openai-compatible:model-a", "--base-url", f"{server.url}/v1", "--input", str(one_page_pdf))
        before = len(server.requests)
        _, manifest, _ = run_cli(tmp_path, "b", "--model", "openai-compatible:model-b", "--base-url", f"{server.url}/v1",
                                 "--input", str(one_page_pdf))
    assert len(server.requests) == 2 * before and manifest["usage"]["total"]["cached_calls"] == 0


# -- budgets --------------------------------------------------------------------------------


def test_token_budget_stops_cleanly_and_resume_finishes_without_duplicates(tmp_path, fifty_chunk_pdf):
    with FakeBackend() as server:
        args = ("--model", "openai-compatible:m", "--base-url", f"{server.url}/v1", "--input", str(fifty_chunk_pdf),
                "--chunk-size", "400", "--chunk-unit", "chars", "--chunk-overlap", "0", "--questions-per-chunk", "1", "--limit", "12",
                "--concurrency", "1")
        rc, manifest, files = run_cli(tmp_path, "out", *args, "--max-tokens", "8000")
        assert rc == 0 and manifest["status"] == "stopped" and "token budget reached" in manifest["stop_reason"]
        done = [p["item_id"] for p in files["progress"]]
        assert 0 < len(done) < 12 and not files["failed"]
        assert manifest["usage"]["total"]["prompt_tokens"] + manifest["usage"]["total"]["completion_tokens"] >= 8000
        # The budget covers the whole run: resuming under the same one stops again at once (the item
        # cut off mid-way may finish first: its replies so far come from the cache).
        rc, manifest, _ = run_cli(tmp_path, "out", *args, "--max-tokens", "8000", "--resume")
        assert rc == 0 and manifest["status"] == "stopped" and manifest["counts"]["items_done"] <= len(done) + 1
        # A resume at another temperature would mix two configurations in one dataset.
        assert run_cli(tmp_path, "out", *args, "--temperature", "0.9", "--resume")[0] == 2
        rc, manifest, files = run_cli(tmp_path, "out", *args, "--resume")
    assert rc == 0 and manifest["status"] == "complete" and manifest["counts"]["items_done"] == 12
    ids = [r["id"] for r in files["data"] + files["rejected"]]
    assert len(ids) == len(set(ids)) == 12


# -- faults ---------------------------------------------------------------------------------


def fault_plan(request) -> Fault | None:
    """Deterministic trouble by request number (retries get new numbers, so they can succeed)."""
    n = request.number
    if "Section 7:" in json.dumps(request.body):
        return Fault(status=500)  # this item's backend never recovers: the item fails, with that cause
    if "Section 9:" in json.dumps(request.body):
        # This item's only trouble is a reader that never complies (repairs run out, the reader
        # degrades): the random faults below would make whether it survives a matter of timing.
        return Fault(content="I cannot help with that.") if request.schema_title == "ReaderReply" else None
    if n % 7 == 0:
        return Fault(status=429, headers={"retry-after": "0"})
    if n % 11 == 0:
        return Fault(status=500)
    if n % 13 == 0:
        return Fault(status=503, headers={"retry-after-ms": "10"})
    if n % 17 == 0:
        return Fault(delay=1.5)  # past the 1 s timeout
    if n % 19 == 0:
        return Fault(drop=True)
    if n % 23 == 0:
        return Fault(content='{"facts": [ {"fact": "unterminated')  # invalid JSON
    if n % 29 == 0:
        return Fault(content='{"something": "else"}')  # valid JSON, wrong schema
    return None


def test_fifty_items_through_a_faulty_server_none_lost_none_duplicated(tmp_path, fifty_chunk_pdf):
    config = config_file(tmp_path, "retries: {base_delay: 0.01, max_delay: 0.05, timeout: 1}\nconcurrency: 8\n")
    with FakeBackend(faults=fault_plan) as server:
        rc, manifest, files = run_cli(
            tmp_path, "out", "--config", str(config), "--model", "openai-compatible:flaky", "--base-url", f"{server.url}/v1",
            "--input", str(fifty_chunk_pdf), "--chunk-size", "400", "--chunk-unit", "chars", "--chunk-overlap", "0", "--questions-per-chunk", "1",
        )
    assert rc == 0 and manifest["status"] == "complete" and manifest["counts"]["items"] == 50
    progress = [p["item_id"] for p in files["progress"]]
    failed = [f["item_id"] for f in files["failed"]]
    assert len(progress) == len(set(progress)) == 50  # every item finished exactly once
    recorded = {r["metadata"]["item_id"] for r in files["data"] + files["rejected"]}
    assert recorded | set(failed) == set(progress) and not recorded & set(failed)
    ids = [r["id"] for r in files["data"] + files["rejected"]]
    assert len(ids) == len(set(ids))
    # Section 7's backend never recovers; with ~40% of requests faulty, an unlucky call elsewhere
    # may also run out of attempts. Either way each failure is recorded with its cause.
    causes = {f["label"]: f["error"] for f in files["failed"]}
    assert "HTTP 500" in causes["fifty.pdf page 8"] and re.search(r"still failing after \d+ attempts", causes["fifty.pdf page 8"])
    assert all(error.startswith("BackendError: openai-compatible:flaky: ") for error in causes.values())
    section_9 = [r for r in files["data"] + files["rejected"] if r["metadata"]["pages"] == [10]]
    assert section_9, "an item whose reader never complies still yields its pair"
    backend = manifest["backends"]["openai-compatible:flaky"]
    assert backend["retries"] > 0
    assert {"rate_limited", "server_error", "timeout", "connection"} <= set(backend["failures"])


def test_rate_limits_lower_the_backends_concurrency(tmp_path, fifty_chunk_pdf):
    config = config_file(tmp_path, FAST_RETRIES + "concurrency: 8\n")
    with FakeBackend(max_concurrent=2, latency=0.05) as server:
        rc, manifest, files = run_cli(
            tmp_path, "out", "--config", str(config), "--model", "openai-compatible:busy", "--base-url", f"{server.url}/v1",
            "--input", str(fifty_chunk_pdf), "--chunk-size", "400", "--chunk-unit", "chars", "--chunk-overlap", "0", "--questions-per-chunk", "1",
            "--limit", "24",
        )
    concurrency = manifest["backends"]["openai-compatible:busy"]["concurrency"]
    assert rc == 0 and not files["failed"] and manifest["counts"]["items_done"] == 24
    assert concurrency["max"] == 8 and concurrency["lowest"] <= 2
    assert manifest["backends"]["openai-compatible:busy"]["failures"]["rate_limited"] > 0


class _Flaky:
    """An inner client that fails with the given errors, then answers."""

    def __init__(self, errors):
        self.errors = list(errors)
        self.calls = 0
        self.model_info = {"vision": False, "function_calling": False, "json_output": True, "family": "x",
                           "structured_output": True}

    async def create(self, messages, **kwargs):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return CreateResult(finish_reason="stop", content="{}", usage=RequestUsage(prompt_tokens=1, completion_tokens=1),
                            cached=False)


def _status_error(status: int, headers: dict[str, str]):
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, headers=headers, request=request)
    cls = openai.RateLimitError if status == 429 else openai.InternalServerError
    return cls(f"Error code: {status}", response=response, body=None)


def test_retry_after_is_honoured_and_client_errors_are_not_retried():
    async def scenario():
        inner = _Flaky([_status_error(429, {"retry-after": "0.3"})])
        client = ResilientClient(inner, backend="b", policy=RetryPolicy(base_delay=0.001, max_delay=0.01),
                                 limiter=AdaptiveLimiter(4), stats=BackendStats())
        started = time.monotonic()
        await client.create([UserMessage(content="hi", source="user")])
        waited = time.monotonic() - started
        assert inner.calls == 2 and waited >= 0.3

        bad_request = openai.BadRequestError("Error code: 400", response=httpx.Response(
            400, request=httpx.Request("POST", "http://x")), body=None)
        inner = _Flaky([bad_request])
        client = ResilientClient(inner, backend="b", policy=RetryPolicy(), limiter=AdaptiveLimiter(4), stats=BackendStats())
        with pytest.raises(BackendError, match="HTTP 400"):
            await client.create([UserMessage(content="hi", source="user")])
        assert inner.calls == 1

        inner = _Flaky([_status_error(500, {})] * 3)
        client = ResilientClient(inner, backend="b", policy=RetryPolicy(max_attempts=3, base_delay=0.001),
                                 limiter=AdaptiveLimiter(4), stats=BackendStats())
        with pytest.raises(BackendError, match="still failing after 3 attempts"):
            await client.create([UserMessage(content="hi", source="user")])

    asyncio.run(scenario())


def test_adaptive_limiter_halves_on_rate_limits_and_climbs_back():
    async def scenario():
        limiter = AdaptiveLimiter(8, cooldown=0)
        limiter.rate_limited()
        assert limiter.limit == 4
        limiter.rate_limited()
        limiter.rate_limited()
        limiter.rate_limited()
        assert limiter.limit == 1 and limiter.lowest == 1
        for _ in range(40):
            await limiter.succeeded()
        assert limiter.limit == 8

    asyncio.run(scenario())


# -- check-model ----------------------------------------------------------------------------


def test_check_model_says_plainly_whether_a_backend_works(capsys):
    with FakeBackend() as server:
        assert main(["--model", "openai-compatible:m", "--base-url", f"{server.url}/v1", "--check-model"]) == 0
        assert "ok openai-compatible:m" in capsys.readouterr().out
    with FakeBackend(handlers={"Ping": "Sure! Here you go: ok"}) as server:
        assert main(["--model", "openai-compatible:m", "--base-url", f"{server.url}/v1", "--check-model"]) == 2
        out = capsys.readouterr().out
        assert "did not follow the schema" in out and "fix:" in out
    assert main(["--model", "openai-compatible:m", "--base-url", "http://127.0.0.1:9/v1", "--check-model",
                 "--timeout", "2"]) == 2
    out = capsys.readouterr().out
    assert "cannot connect" in out and "fix: start the server" in out




def test_cost_budget_stops_cleanly(tmp_path, fifty_chunk_pdf, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    with FakeBackend() as server:
        rc, manifest, files = run_cli(
            tmp_path, "out", "--model", "openai:gpt-4o-mini", "--base-url", f"{server.url}/v1", "--max-cost", "0.001",
            "--input", str(fifty_chunk_pdf), "--chunk-size", "400", "--chunk-unit", "chars", "--chunk-overlap", "0", "--questions-per-chunk", "1",
            "--limit", "10", "--concurrency", "1",
        )
    cost = manifest["usage"]["total"]["cost_usd"]
    assert rc == 0 and manifest["status"] == "stopped" and "cost budget reached" in manifest["stop_reason"]
    assert cost >= 0.001 and 0 < manifest["counts"]["items_done"] < 10 and not files["failed"]


def test_speaker_selection_calls_are_counted_by_the_wrapped_client():
    """SelectorGroupChat's own model calls never appear in message usage; the metered
    client counts them anyway."""
    from autogen_agentchat.agents import BaseChatAgent
    from autogen_agentchat.base import Response
    from autogen_agentchat.conditions import MaxMessageTermination
    from autogen_agentchat.messages import TextMessage
    from autogen_agentchat.teams import SelectorGroupChat

    from agentsynth.backends.metering import MeteredClient, UsageLedger

    class Echo(BaseChatAgent):
        produced_message_types = (TextMessage,)

        async def on_messages(self, messages, cancellation_token):
            return Response(chat_message=TextMessage(content=f"{self.name} here", source=self.name))

        async def on_reset(self, cancellation_token):
            pass

    class Picker:
        model_info = {"vision": False, "function_calling": False, "json_output": False, "family": "x",
                      "structured_output": False}

        async def create(self, messages, **kwargs):
            return CreateResult(finish_reason="stop", content="writer", cached=False,
                                usage=RequestUsage(prompt_tokens=50, completion_tokens=1))

        async def close(self):
            pass

    ledger = UsageLedger()
    selector = MeteredClient(Picker(), "speaker_selection", ledger, "scripted")
    team = SelectorGroupChat([Echo("writer", "writes"), Echo("editor", "edits")], model_client=selector,
                             termination_condition=MaxMessageTermination(4), allow_repeated_speaker=True)
    result = asyncio.run(team.run(task="go"))
    assert all(getattr(m, "models_usage", None) is None for m in result.messages)
    assert ledger.by_role["speaker_selection"].calls >= 2
    assert ledger.by_role["speaker_selection"].prompt_tokens == 50 * ledger.by_role["speaker_selection"].calls


@pytest.mark.parametrize(("headers", "seconds"), [
    ({"retry-after": "2"}, 2.0), ({"retry-after-ms": "1500"}, 1.5), ({"retry-after": "inf"}, None),
    ({"retry-after": "nan"}, None), ({"retry-after": "-5"}, 0.0), ({"retry-after": "not a date"}, None),
    ({"retry-after": "Wed, 99 Foo 2026 25:61:00 GMT"}, None), ({"retry-after-ms": "soon"}, None),
])
def test_retry_after_is_read_defensively(headers, seconds):
    from agentsynth.backends.resilience import _retry_after

    assert _retry_after(_status_error(429, headers)) == seconds


def test_a_retry_after_of_a_day_stops_the_run_cleanly_instead_of_sleeping():
    async def scenario():
        fatal = []
        inner = _Flaky([_status_error(429, {"retry-after": "86400"})])
        client = ResilientClient(inner, backend="b", policy=RetryPolicy(), limiter=AdaptiveLimiter(4),
                                 stats=BackendStats(), on_fatal=fatal.append)
        started = time.monotonic()
        with pytest.raises(BackendError, match="asks to wait 24 h") as raised:
            await client.create([UserMessage(content="hi", source="user")])
        assert time.monotonic() - started < 1 and inner.calls == 1
        assert raised.value.fatal and fatal == [raised.value] and "--resume" in str(raised.value)
        # A header that cannot be read still gets the call retried on the usual backoff.
        inner = _Flaky([_status_error(429, {"retry-after": "garbage"})])
        client = ResilientClient(inner, backend="b", policy=RetryPolicy(base_delay=0.001, max_delay=0.01),
                                 limiter=AdaptiveLimiter(4), stats=BackendStats())
        await client.create([UserMessage(content="hi", source="user")])
        assert inner.calls == 2

    asyncio.run(scenario())


def test_calls_that_keep_giving_up_stop_the_run_cleanly_and_an_answer_resets_the_count():
    async def scenario():
        fatal = []
        # One call answers between the give-ups: the backend is flaky, not down.
        inner = _Flaky([_status_error(503, {})] * 2 + [_status_error(503, {})] * 2)
        stats = BackendStats()
        client = ResilientClient(inner, backend="b", policy=RetryPolicy(max_attempts=2, base_delay=0.001),
                                 limiter=AdaptiveLimiter(4), stats=stats, on_fatal=fatal.append)
        say = [UserMessage(content="hi", source="user")]
        for _ in range(2):
            with pytest.raises(BackendError) as raised:
                await client.create(say)
            assert not raised.value.fatal
        await client.create(say)  # an answer
        assert stats.gave_up_in_a_row == 0 and not fatal
        # Three calls in a row give up: the third is fatal, says why, and the run stops.
        inner.errors = [_status_error(503, {})] * 6
        for _ in range(3):
            with pytest.raises(BackendError) as raised:
                await client.create(say)
        assert raised.value.fatal and fatal == [raised.value]
        assert "3 calls in a row gave up" in str(raised.value) and "--resume" in str(raised.value)
        # A refused request (HTTP 400) is about its prompt, not the backend: it does not count.
        stats.gave_up_in_a_row = 0
        bad_request = openai.BadRequestError("Error code: 400", response=httpx.Response(
            400, request=httpx.Request("POST", "http://x")), body=None)
        inner.errors = [bad_request] * 4
        for _ in range(4):
            with pytest.raises(BackendError, match="HTTP 400"):
                await client.create(say)
        assert stats.gave_up_in_a_row == 0

    asyncio.run(scenario())


def test_the_response_cache_is_private_and_never_unpickles(tmp_path):
    import os
    import stat

    import diskcache

    from agentsynth.backends.cache import ResponseCache

    folder = tmp_path / "responses"
    cache = ResponseCache(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    marker = tmp_path / "unpickled"

    class Payload:
        def __reduce__(self):  # what a planted entry would run when unpickled
            return (os.mkdir, (str(marker),))

    cache.put("k:0", CreateResult(finish_reason="stop", content="{}", cached=False,
                                  usage=RequestUsage(prompt_tokens=1, completion_tokens=1)))
    assert cache.get("k:0").content == "{}"
    planted = diskcache.Cache(str(folder))  # anyone able to write the folder, with diskcache's default disk
    planted.set("k:1", Payload())
    planted.close()
    assert cache.get("k:1") is None and not marker.exists()
