"""The OpenAI-compatible path against a real server on loopback: llama-cpp-python's own
server, started the way users start it (`python -m agentsynth.serve`, which `python run.py
serve` runs: the model loads without the AMX path), serving the embedded GGUF.

The same `seed_from_pdf` command runs on it unchanged; the structured-output negotiation
finds what that server accepts (`json_object` with a `schema`; it refuses `json_schema`).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from agentsynth.backends.local_llama import embedded_model_path
from agentsynth.run import main
from agentsynth.tools.writers import read_records

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    log = log_path.open("wb")  # a file, not a pipe: the server's chatter must never block it
    process = subprocess.Popen(
        [sys.executable, "-m", "agentsynth.serve", "--model", str(embedded_model_path()), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "8192", "--model_alias", "smollm2"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(120):
            if process.poll() is not None:
                pytest.fail(f"agentsynth.serve exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                urllib.request.urlopen(f"{url}/models", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("agentsynth.serve did not start within 60 s")
        assert "llama.cpp extra buffer types" in log_path.read_text(errors="replace")  # our loader's setting
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_seed_from_pdf_runs_unchanged_on_a_llama_cpp_server(tmp_path, one_page_pdf, llama_server, capsys):
    args = ["--model", "openai-compatible:smollm2", "--base-url", llama_server, "--input", str(one_page_pdf),
            "--questions-per-chunk", "1", "--no-progress"]
    assert main([*args, "--out", str(tmp_path / "first")]) == 0
    out = tmp_path / "first"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    backend = manifest["backends"]["openai-compatible:smollm2"]
    assert backend["structured_output"] == "json_object_schema" and backend["gave_up"] == 0
    records = list(read_records(out / "data.jsonl")) + list(read_records(out / "rejected.jsonl"))
    failed = list(read_records(out / "failed.jsonl"))
    assert len(records) + len(failed) >= 1
    for record in records:
        assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant"]
        assert record["metadata"]["model"] == "openai-compatible:smollm2" and record["metadata"]["critic"]
    assert manifest["usage"]["total"]["calls"] >= 4
    # The same command again is answered from the response cache.
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "second")]) == 0
    second = json.loads((tmp_path / "second" / "manifest.json").read_text(encoding="utf-8"))
    assert second["usage"]["total"]["calls"] == 0
    assert second["usage"]["total"]["cached_calls"] == manifest["usage"]["total"]["calls"]
