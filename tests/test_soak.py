"""Issue 23, the soak test: one output folder through everything that goes wrong at once.

A second run on the folder is refused while the first writes; the first is killed with
SIGKILL at random points and resumed, round after round; then the backend answers every
request with 429 and a Retry-After of a day (the folder's run stops, resumable), and a server
that answers nothing at all stops a fresh run. Each of those runs stops on its own within a
bounded time, saying why; once the backend serves again, the resumed run completes with the
same dataset as a run nobody interrupted.

CI runs the short setting; AGENTSYNTH_SOAK_ROUNDS=20 (say) soaks longer.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import LAB_PDF, SAMPLE_PDF
from fake_backend import Fault, FakeBackend

REPO = Path(__file__).resolve().parents[1]
ROUNDS = int(os.environ.get("AGENTSYNTH_SOAK_ROUNDS", "3"))
CONFIG = """\
default:
  model: openai-compatible:fake
retries: {max_attempts: 2, base_delay: 0.05, max_delay: 0.1, timeout: 1.0, max_consecutive_give_ups: 3}
"""

pytestmark = pytest.mark.soak


def records(out: Path, name: str) -> list[dict]:
    path = out / name
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:-1] + [lines[-1]] if line.strip()] if lines else []


def progress_lines(out: Path) -> int:
    path = out / "progress.jsonl"
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def command(out: Path, config: Path, url: str) -> list[str]:
    return [sys.executable, "run.py", "--config", str(config), "--base-url", f"{url}/v1", "--input", str(SAMPLE_PDF),
            "--input", str(LAB_PDF), "--concurrency", "2", "--no-cache", "--no-progress", "--out", str(out)]


def run(args: list[str], timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    return done, time.monotonic() - started


def shape(record: dict) -> tuple:
    return record["id"], json.dumps(record["messages"], ensure_ascii=False)


def test_refusals_kills_and_a_failing_backend_end_in_the_uninterrupted_dataset(tmp_path):
    rng = random.Random(23)
    config = tmp_path / "run.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    mode = {"now": "ok"}
    answering = threading.Event()  # cleared: calls wait (the first run cannot finish while a second is refused)
    answering.set()

    def faults(request):
        answering.wait(60)
        if mode["now"] == "quota":  # a spent quota: come back tomorrow
            return Fault(status=429, headers={"retry-after": "86400"})
        if mode["now"] == "silent":  # accepts the connection, never answers in time
            return Fault(delay=5.0)
        return None

    reference, out = tmp_path / "reference", tmp_path / "out"
    with FakeBackend(faults=faults, latency=0.03) as server:
        done, _ = run(command(reference, config, server.url), timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        expected = {name: sorted(map(shape, records(reference, name))) for name in ("data.jsonl", "rejected.jsonl")}
        items = json.loads((reference / "manifest.json").read_text(encoding="utf-8"))["counts"]["items"]
        assert items >= 6 and expected["data.jsonl"]

        refused = cut_short = False
        for round_ in range(ROUNDS):
            args = command(out, config, server.url) + (["--resume"] if round_ else [])
            first = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if not refused:  # a second run on the folder while the first writes to it
                deadline = time.monotonic() + 60
                while progress_lines(out) < 1 and first.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.02)
                answering.clear()  # starting the second process takes seconds: the first must not finish meanwhile
                try:
                    second, _ = run(command(out, config, server.url) + ["--resume"], timeout=60)
                finally:
                    answering.set()
                assert second.returncode == 2 and "another run is writing to this folder" in second.stderr
                assert f"pid {first.pid}" in second.stderr
                refused = True
            # Killed at a random point of the run: before it starts an item, or once so many
            # items are done (a time would not do: a fast machine finishes before it).
            target, deadline = rng.randint(0, items // 2), time.monotonic() + 60  # early enough to leave work
            while progress_lines(out) < target and first.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))
            first.send_signal(signal.SIGKILL)
            first.communicate(timeout=30)
            if progress_lines(out) >= items:
                break
            cut_short = True
        assert cut_short  # at least one kill left the run unfinished

        # A spent quota, on a fresh folder too: the kills above may have left nothing to do.
        mode["now"] = "quota"
        stopped, took = run(command(tmp_path / "quota", config, server.url), timeout=120)
        assert stopped.returncode == 1 and took < 60, stopped.stderr[-2000:]
        assert "asks to wait 24 h" in stopped.stderr and "--resume" in stopped.stderr
        assert "Traceback" not in stopped.stderr
        manifest = json.loads((tmp_path / "quota" / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "stopped" and "24 h" in manifest["stop_reason"]

        # A server that never answers: three calls in a row give up and the run stops. On a fresh
        # folder, so that three items are left to try (with fewer, the run ends with those items
        # failed, which a resume retries).
        mode["now"] = "silent"
        stopped, took = run(command(tmp_path / "silent", config, server.url), timeout=180)
        assert stopped.returncode == 1 and took < 90, stopped.stderr[-2000:]
        assert "calls in a row gave up" in stopped.stderr and "Traceback" not in stopped.stderr

        mode["now"] = "ok"
        finished, _ = run(command(out, config, server.url) + ["--resume"], timeout=300)
        assert finished.returncode == 0, finished.stderr[-2000:]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["status"] == "complete"
    for name, want in expected.items():
        got = sorted(map(shape, records(out, name)))
        assert len({g[0] for g in got}) == len(got), f"{name}: a record written twice"
        assert got == want, name
    assert not records(out, "failed.jsonl")
