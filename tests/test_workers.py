"""Items run by several processes (`--workers`): the same dataset as one process, one
duplicate registry and one budget across them, and a killed worker or main process loses
nothing that a resume does not redo."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import SAMPLE_PDF
from fake_backend import Fault, FakeBackend
from test_dedup_in_flight import records, same_pairs

from agentsynth.backends.models import parse_model_spec, share_of, worker_count
from agentsynth.run import main
from agentsynth.scenarios.workers import merge_reports

REPO = Path(__file__).resolve().parent.parent


def manifest_of(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def seed_args(url: str, out: Path, *extra: str) -> list[str]:
    return ["--input", str(SAMPLE_PDF), "--chunk-unit", "chars", "--chunk-size", "700", "--chunk-overlap", "50",
            "--model", "openai-compatible:fake", "--base-url", f"{url}/v1", "--no-cache", "--no-progress",
            "--out", str(out), *extra]


def test_two_workers_make_the_dataset_one_process_makes(tmp_path):
    with FakeBackend(latency=0.02) as server:
        assert main(seed_args(server.url, tmp_path / "one", "--concurrency", "4", "--workers", "1")) == 0
        calls_before = len(server.requests)
        assert main(seed_args(server.url, tmp_path / "two", "--concurrency", "4", "--workers", "2")) == 0
        calls = len(server.requests) - calls_before
    one, two = manifest_of(tmp_path / "one"), manifest_of(tmp_path / "two")
    assert two["workers"] == 2 and one["workers"] == 1
    assert two["status"] == "complete" and two["counts"] == one["counts"]
    for name in ("data.jsonl", "rejected.jsonl", "progress.jsonl"):
        key = "item_id" if name == "progress.jsonl" else "id"
        got = [r[key] for r in records(tmp_path / "two", name)]
        assert len(got) == len(set(got)) and set(got) == {r[key] for r in records(tmp_path / "one", name)}, name
    backend = two["backends"]["openai-compatible:fake"]
    assert backend["calls"] == calls == two["usage"]["total"]["calls"]  # every worker's calls counted once
    assert backend["concurrency"]["max"] == 4  # 2 + 2: the workers split the concurrency
    assert len(records(tmp_path / "two", "train.openai.jsonl")) == two["counts"]["accepted"]
    assert "2 worker processes" in (tmp_path / "two" / "report.html").read_text(encoding="utf-8")


def test_workers_share_one_duplicate_registry(tmp_path):
    pairs = same_pairs(tmp_path, 8)
    with FakeBackend(latency=0.05) as server:
        rc = main(["--scenario", "curate", "--input", str(pairs), "--model", "openai-compatible:fake",
                   "--base-url", f"{server.url}/v1", "--no-cache", "--no-progress", "--concurrency", "8",
                   "--workers", "2", "--out", str(tmp_path / "out")])
    assert rc == 0 and manifest_of(tmp_path / "out")["workers"] == 2
    assert len(records(tmp_path / "out", "data.jsonl")) == 1  # not one per worker
    rejected = records(tmp_path / "out", "rejected.jsonl")
    assert len(rejected) == 7 and all(r["reasons"][0].startswith("not_duplicate") for r in rejected)


def test_workers_share_one_budget_and_resume_finishes(tmp_path):
    with FakeBackend(latency=0.02) as server:
        assert main(seed_args(server.url, tmp_path / "full", "--concurrency", "4", "--workers", "1")) == 0
        total = manifest_of(tmp_path / "full")["usage"]["total"]
        limit = (total["prompt_tokens"] + total["completion_tokens"]) // 3
        out = tmp_path / "out"
        assert main(seed_args(server.url, out, "--concurrency", "4", "--workers", "2", "--max-tokens", str(limit))) == 0
        stopped = manifest_of(out)
        spent = stopped["usage"]["total"]["prompt_tokens"] + stopped["usage"]["total"]["completion_tokens"]
        # One budget: spending stops near the limit, not near twice the limit (a budget per worker).
        assert stopped["status"] == "stopped" and "token budget reached" in stopped["stop_reason"]
        assert limit <= spent < 1.5 * limit
        assert stopped["counts"]["items_done"] < stopped["counts"]["items"]
        assert main(seed_args(server.url, out, "--concurrency", "4", "--workers", "2", "--resume")) == 0
    finished, full = manifest_of(out), manifest_of(tmp_path / "full")
    assert finished["status"] == "complete" and finished["counts"] == full["counts"]
    assert sorted(r["id"] for r in records(out, "data.jsonl")) == sorted(r["id"] for r in records(tmp_path / "full", "data.jsonl"))


def test_a_run_that_read_while_items_ran_resumes_with_workers_that_read_first(tmp_path):
    """One process reads documents while its items run; worker processes need the whole plan
    first. Either way the run is the same run: its fingerprint names its inputs, not its items."""
    with FakeBackend(latency=0.02) as server:
        assert main(seed_args(server.url, tmp_path / "full", "--concurrency", "4", "--workers", "1")) == 0
        total = manifest_of(tmp_path / "full")["usage"]["total"]
        out = tmp_path / "out"
        budget = str((total["prompt_tokens"] + total["completion_tokens"]) // 3)
        assert main(seed_args(server.url, out, "--concurrency", "4", "--workers", "1", "--max-tokens", budget)) == 0
        assert manifest_of(out)["status"] == "stopped" and manifest_of(out)["workers"] == 1
        assert main(seed_args(server.url, out, "--concurrency", "4", "--workers", "2", "--resume")) == 0
    finished = manifest_of(out)
    assert finished["status"] == "complete" and finished["workers"] == 2
    assert sorted(r["id"] for r in records(out, "data.jsonl")) == sorted(r["id"] for r in records(tmp_path / "full", "data.jsonl"))


def command(out: Path, url: str) -> list[str]:
    return [sys.executable, "run.py", *seed_args(url, out, "--concurrency", "4", "--workers", "2")]


def wait_for_progress(out: Path, lines: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if len(records(out, "progress.jsonl")) >= lines if (out / "progress.jsonl").exists() else False:
            return
        time.sleep(0.01)


def still_running(processes: list[psutil.Process], seconds: float = 5) -> list[psutil.Process]:
    """Those of `processes` still running after up to `seconds` (a zombie waiting for a
    reaper that is not its parent counts as gone)."""
    deadline = time.monotonic() + seconds
    while True:
        running = []
        for process in processes:
            try:
                if process.status() != psutil.STATUS_ZOMBIE:
                    running.append(process)
            except psutil.NoSuchProcess:
                pass
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.05)


def test_a_killed_worker_stops_the_run_cleanly_and_resume_redoes_its_items(tmp_path):
    reference, out = tmp_path / "reference", tmp_path / "out"
    with FakeBackend(latency=0.05) as server:
        subprocess.run(command(reference, server.url), cwd=REPO, capture_output=True, timeout=300, check=True)
        process = subprocess.Popen(command(out, server.url), cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        wait_for_progress(out, 2, process)
        workers = psutil.Process(process.pid).children()
        assert len(workers) == 2, "two worker processes"
        os.kill(workers[0].pid, signal.SIGKILL)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 1
        stopped = manifest_of(out)
        assert stopped["status"] == "stopped" and "worker process" in stopped["stop_reason"]
        assert "stopped early" in stderr and "worker process" in stderr
        finished = subprocess.run(command(out, server.url), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    for name in ("data.jsonl", "rejected.jsonl"):
        got = [r["id"] for r in records(out, name)]
        assert len(got) == len(set(got)) and sorted(got) == sorted(r["id"] for r in records(reference, name)), name


def test_workers_of_a_killed_main_process_exit(tmp_path):
    out = tmp_path / "out"
    with FakeBackend(latency=0.2) as server:
        process = subprocess.Popen(command(out, server.url), cwd=REPO, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        wait_for_progress(out, 1, process)
        workers = psutil.Process(process.pid).children()
        assert len(workers) == 2
        process.kill()
        process.wait()
        assert not still_running(workers), "orphaned workers kept running"


# --- settings ------------------------------------------------------------------------------------

def test_worker_count_and_shares():
    remote, local = parse_model_spec("openai:gpt-4o-mini"), parse_model_spec("local")
    assert worker_count(None, 8, [remote]) == 1  # one process keeps 16 in flight busy
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert worker_count(None, 32, [remote]) == (min(2, cpus) if sys.platform.startswith("linux") else 1)
    assert worker_count(3, 8, [remote]) == 3
    assert worker_count(None, 32, [remote, local]) == 1
    assert [share_of(10, k, 3) for k in range(3)] == [4, 3, 3] and share_of(1, 1, 2) == 1


def test_workers_with_the_embedded_model_are_refused_in_one_line(tmp_path, capsys):
    assert main(["--workers", "2", "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "--workers 2" in err and "use --workers 1" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_reports_of_workers_add_up():
    a = {"m": {"endpoint": "u", "calls": 3, "failures": {"timeout": 1}, "concurrency": {"max": 2}}}
    b = {"m": {"endpoint": "u", "calls": 4, "failures": {"rate_limited": 2}, "concurrency": {"max": 2}}}
    assert merge_reports(a, b) == {"m": {"endpoint": "u", "calls": 7, "failures": {"timeout": 1, "rate_limited": 2},
                                         "concurrency": {"max": 4}}}
    assert merge_reports(None, b) == b


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_cache_hits_of_workers_are_counted(tmp_path):
    cache = tmp_path / "cache"
    with FakeBackend() as server:
        args = [a for a in seed_args(server.url, tmp_path / "first", "--concurrency", "4", "--workers", "2")
                if a != "--no-cache"]
        assert main([*args, "--cache-dir", str(cache)]) == 0
        requests = len(server.requests)
        again = [a if a != str(tmp_path / "first") else str(tmp_path / "again") for a in args]
        assert main([*again, "--cache-dir", str(cache)]) == 0
        assert len(server.requests) == requests  # all from the cache
    hits = manifest_of(tmp_path / "again")["cache"]["hits"]
    assert hits == manifest_of(tmp_path / "again")["usage"]["total"]["cached_calls"] > 0


def test_ctrl_c_stops_the_workers_and_resume_finishes(tmp_path):
    out = tmp_path / "out"
    # The last chunk's calls take three seconds each until the signal is sent, so the run cannot
    # finish before it however slowly this test is scheduled (at one second each, a loaded
    # machine once let it finish first).
    hold = {"on": True}

    def slow_last_chunk(request):
        return Fault(delay=3.0) if hold["on"] and "long-term storage" in json.dumps(request.body) else None

    with FakeBackend(latency=0.05, faults=slow_last_chunk) as server:
        # A test run started in the background of a non-interactive shell (`pytest &`) has SIGINT
        # ignored, and a child inherits that: give the run Ctrl-C as a terminal user has it.
        process = subprocess.Popen(command(out, server.url), cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        wait_for_progress(out, 1, process)
        workers = psutil.Process(process.pid).children()
        assert len(workers) == 2
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 130 and "interrupted" in stderr and not still_running(workers), stderr[-500:]
        assert manifest_of(out)["status"] == "interrupted"
        hold["on"] = False
        finished = subprocess.run(command(out, server.url), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    progress = [p["item_id"] for p in records(out, "progress.jsonl")]
    assert len(progress) == len(set(progress)) == manifest_of(out)["counts"]["items"]
