"""The main job killed with SIGKILL at random points, several times, and resumed: the final
dataset holds exactly the items of an uninterrupted run, none missing, none twice, and a
line torn by a crash mid-write is repaired on resume."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from conftest import SAMPLE_PDF
from fake_backend import FakeBackend

REPO = Path(__file__).resolve().parent.parent


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()] if path.exists() else []


def command(out: Path, url: str) -> list[str]:
    return [sys.executable, "run.py", "--input", str(SAMPLE_PDF), "--chunk-unit", "chars", "--chunk-size", "700",
            "--chunk-overlap", "50", "--model", "openai-compatible:fake",
            "--base-url", f"{url}/v1", "--concurrency", "2", "--no-cache", "--no-progress", "--out", str(out)]


def ids(out: Path, name: str) -> list[str]:
    return [r["id"] for r in lines(out / name)]


def test_sigkill_at_random_points_then_resume_gives_the_uninterrupted_dataset(tmp_path):
    out, reference = tmp_path / "out", tmp_path / "reference"
    rng = random.Random(7)
    with FakeBackend(latency=0.08) as server:
        subprocess.run(command(reference, server.url), cwd=REPO, capture_output=True, timeout=300, check=True)
        items = len(lines(reference / "progress.jsonl"))
        assert items >= 6
        kills = 0
        for attempt in range(3):
            # The second start finds the unfinished run and resumes it without being told to.
            args = command(out, server.url) + (["--resume"] if attempt == 2 else [])
            process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # A random point: after some items are on disk, plus a random part of the next one.
            target = min(len(lines(out / "progress.jsonl")) + rng.randint(1, 2), items - 1)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and len(lines(out / "progress.jsonl")) < target \
                    and process.poll() is None:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.4))
            if process.poll() is None:
                process.kill()
                kills += 1
            process.wait()
            if attempt == 1:  # a power cut in the middle of writing a record
                with open(out / "data.jsonl", "a", encoding="utf-8") as f:
                    f.write('{"id": "torn-by-a-crash", "messages": [{"role": "us')
        unfinished = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["status"] != "complete"
        finished = subprocess.run(command(out, server.url) + ([] if unfinished else ["--resume"]), cwd=REPO,
                                  capture_output=True, text=True, timeout=300)
    assert kills >= 2, "the kills did not land while the run was going"
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert not unfinished or "resuming the unfinished run" in finished.stderr  # no --resume needed
    for name in ("data.jsonl", "rejected.jsonl"):
        got, expected = ids(out, name), ids(reference, name)
        assert len(got) == len(set(got)), f"{name}: a record written twice"
        assert sorted(got) == sorted(expected), f"{name}: items missing or extra"
    progress = [p["item_id"] for p in lines(out / "progress.jsonl")]
    assert len(progress) == len(set(progress)) == items
    assert len(lines(out / "train.openai.jsonl")) == len(lines(out / "data.jsonl"))
    assert "torn-by-a-crash" not in (out / "data.jsonl").read_text(encoding="utf-8")  # repaired, parseable
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["failed"] == 0 and os.path.getsize(out / "data.jsonl") > 0
