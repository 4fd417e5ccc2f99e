"""`--engine ray`: items run as actors of a real Ray cluster (a head and a worker node started
here on loopback with `ray start`, stopped afterwards), with the dataset the local engine makes,
one duplicate registry, one budget and one concurrency limit across the actors, and an actor
killed mid-run costing nothing."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from conftest import SAMPLE_PDF
from fake_backend import Fault, FakeBackend
from test_dedup_in_flight import records, same_pairs
from test_workers import manifest_of, seed_args

from agentsynth.run import main

REPO = Path(__file__).resolve().parent.parent
CURRICULUM = REPO / "samples" / "glan_curriculum.json"
# Explicit, so that no test depends on whether a token file exists in this user's home (Ray
# enables token authentication when one does) and no run here writes one.
RAY_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}


# The cluster's own ports come from below the kernel's ephemeral range (32768-60999 on Linux),
# above Ray's fixed ranges (workers 10002-19999, Ray Client's per-driver servers 23000-24000):
# a port the kernel handed out and took back would be free for any of the many sockets Ray's
# processes open next, and a head whose client server lost its port to one of them stops.
CLUSTER_PORTS = range(24100, 32000)


def free_port() -> int:
    for port in random.sample(CLUSTER_PORTS, 200):
        with socket.socket() as s:
            try:
                s.bind(("", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for the test cluster")


@dataclass(frozen=True)
class Cluster:
    address: str  # HOST:PORT of the head (the GCS)
    client: str  # ray://HOST:PORT of its Ray Client server
    temp: Path  # the nodes' --temp-dir, whose session_latest/logs a failing test prints

    def client_server_logs(self) -> str:
        """The tail of each Ray Client server's stderr: why one failed to start."""
        logs = sorted((self.temp / "session_latest" / "logs").glob("ray_client_server*.err"))
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}" for log in logs)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A two-node Ray cluster on this machine: `ray start --head` and `ray start --address`,
    each in the foreground (--block), so that stopping them stops exactly their processes."""
    import ray

    saved = {name: os.environ.get(name) for name in RAY_ENV}
    os.environ.update(RAY_ENV)
    temp = tempfile.mkdtemp(prefix="agsray", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    nodes: list[subprocess.Popen] = []
    try:
        nodes, address, client = _start_cluster(temp)
        _connect(address)
        deadline = time.monotonic() + 60
        while len([n for n in ray.nodes() if n["Alive"]]) < 2:
            assert time.monotonic() < deadline, "the worker node did not join"
            time.sleep(0.2)
        ray.shutdown()
        yield Cluster(address, client, Path(temp))
    finally:
        if ray.is_initialized():
            ray.shutdown()
        _stop(nodes)
        shutil.rmtree(temp, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _start_cluster(temp: str, attempts: int = 3) -> tuple[list[subprocess.Popen], str, str]:
    """The head (with its Ray Client server) and a worker node; a head that stops while starting
    (one of its ports taken meanwhile) is started again on other ports."""
    ray_cli = Path(sys.executable).parent / "ray"
    common = ["--num-cpus", "2", "--node-ip-address", "127.0.0.1", "--object-store-memory", str(100 * 2**20),
              "--disable-usage-stats", "--block"]
    env = {**os.environ, **RAY_ENV}
    for attempt in range(attempts):
        port, client_port = free_port(), free_port()
        head = subprocess.Popen([ray_cli, "start", "--head", "--port", str(port), "--include-dashboard=false",
                                 "--ray-client-server-port", str(client_port), "--temp-dir", temp, *common],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        address = f"127.0.0.1:{port}"
        if _wait_for_port(port, head) and _wait_for_port(client_port, head):
            time.sleep(2)  # a subprocess of the head that fails a moment later stops the head
            if head.poll() is None:
                worker = subprocess.Popen([ray_cli, "start", "--address", address, *common], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                return [head, worker], address, f"ray://127.0.0.1:{client_port}"
        _stop([head])
    raise AssertionError(f"the head node did not start in {attempts} attempts")


def _stop(nodes: list[subprocess.Popen]) -> None:
    for node in reversed(nodes):
        node.terminate()
    for node in reversed(nodes):
        try:
            node.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(node.pid, signal.SIGKILL)


def _wait_for_port(port: int, head: subprocess.Popen) -> bool:
    """Whether the port answers within a minute, while the head runs."""
    deadline = time.monotonic() + 60
    while head.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def _connect(address: str) -> None:
    import ray

    deadline = time.monotonic() + 60
    while True:
        try:
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
            return
        except ConnectionError:  # the port answers before the head is ready
            assert time.monotonic() < deadline, "cannot join the test cluster"
            time.sleep(0.5)


def glan_args(url: str, out: Path, *extra: str) -> list[str]:
    return ["--scenario", "glan", "--curriculum", str(CURRICULUM), "--model", "openai-compatible:fake",
            "--base-url", f"{url}/v1", "--no-cache", "--no-progress", "--out", str(out), *extra]


_DUPLICATE_RULES = ("not_duplicate", "not_near_duplicate")


def is_duplicate(record: dict) -> bool:
    return any(reason.startswith(_DUPLICATE_RULES) for reason in record.get("reasons", []))


def comparable(record: dict, raced_items: set[str]) -> dict:
    """A record as two engines must agree on it. All of it, except where the order in which items
    finish shows: a record turned down as a duplicate of another item's may have been caught before
    its critic call or after it (the other item's claim had or had not arrived), so its usage and
    the critic model's part of its verdict may differ; its decision and the rules that turned it
    down may not. Which accepted record it was found to duplicate may: of three near-duplicates,
    the one accepted first is a race ("Jaccard 0.63 with …" in one run, "0.71 with …" in the
    other). Usage is the item's, on each of its records, so every record of an item with such a
    duplicate (`raced_items`) may differ in usage."""
    metadata = dict(record["metadata"])
    if metadata["item_id"] in raced_items:
        metadata.pop("usage", None)
    if is_duplicate(record):
        critic = metadata["critic"]
        metadata["critic"] = {"decision": critic["decision"],
                              "reasons": [reason.split(":")[0] for reason in critic["reasons"]]}
        record = {**record, "reasons": [reason.split(":")[0] for reason in record.get("reasons", [])]}
    return {**record, "metadata": metadata}


def differences(a: dict, b: dict, at: str = "") -> list[str]:
    """Where two records differ, as 'metadata.usage.calls: 5 != 6' lines."""
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return [] if a == b else [f"{at}: {json.dumps(a)[:300]} != {json.dumps(b)[:300]}"]
    return [line for key in sorted(set(a) | set(b), key=str)
            for line in differences(a.get(key), b.get(key), f"{at}.{key}" if at else str(key))]


def assert_same_dataset(a: Path, b: Path) -> None:
    """The same records, kept and rejected alike, with one freedom: of two near-duplicates that
    items in flight at the same time wrote, the one whose item claimed it first is kept, which
    with items on several processes is a race (as with forked workers)."""
    runs = []
    for out in (a, b):
        kept, rejected = records(out, "data.jsonl"), records(out, "rejected.jsonl")
        ids = [r["id"] for r in kept + rejected]
        assert len(ids) == len(set(ids)), f"{out.name}: a record twice"
        runs.append(({r["id"]: r for r in kept}, {r["id"]: r for r in rejected}))
    (kept_a, rejected_a), (kept_b, rejected_b) = runs
    assert set(kept_a) | set(rejected_a) == set(kept_b) | set(rejected_b)  # every record, one way or the other
    assert len(kept_a) == len(kept_b)
    raced = {r["metadata"]["item_id"] for r in [*rejected_a.values(), *rejected_b.values()] if is_duplicate(r)}
    for record_id in set(kept_a) & set(kept_b):
        one, other = comparable(kept_a[record_id], raced), comparable(kept_b[record_id], raced)
        assert one == other, (record_id, differences(one, other))
    for record_id in set(rejected_a) & set(rejected_b):
        one, other = comparable(rejected_a[record_id], raced), comparable(rejected_b[record_id], raced)
        assert one == other, (record_id, differences(one, other))
    for record_id in set(kept_a) ^ set(kept_b):  # swapped with its near-duplicate: the same words
        kept, rejected = (kept_a, rejected_b) if record_id in kept_a else (kept_b, rejected_a)
        assert is_duplicate(rejected[record_id]), record_id
        assert kept[record_id]["messages"] == rejected[record_id]["messages"], record_id
    progress = [p["item_id"] for p in records(b, "progress.jsonl")]
    assert len(progress) == len(set(progress)) == manifest_of(b)["counts"]["items"]  # every item exactly once


@pytest.mark.parametrize("scenario", ["seed_from_pdf", "glan"])
def test_the_ray_engine_makes_the_dataset_the_local_engine_makes(cluster, tmp_path, scenario):
    arguments = seed_args if scenario == "seed_from_pdf" else glan_args
    with FakeBackend(latency=0.01) as server:
        assert main(arguments(server.url, tmp_path / "local", "--concurrency", "4")) == 0
        local_calls = len(server.requests)
        assert main(arguments(server.url, tmp_path / "ray", "--concurrency", "4", "--workers", "2",
                              "--engine", "ray", "--ray-address", cluster.address)) == 0
        ray_calls = len(server.requests) - local_calls
    assert_same_dataset(tmp_path / "local", tmp_path / "ray")
    manifest = manifest_of(tmp_path / "ray")
    assert manifest["status"] == "complete" and manifest["counts"] == manifest_of(tmp_path / "local")["counts"]
    engine = manifest["engine"]
    assert engine["name"] == "ray" and engine["nodes"] == 2 and engine["actors"] == 2
    assert engine["actor_nodes"] == 2  # spread over both nodes, not packed onto the head
    backend = manifest["backends"]["openai-compatible:fake"]
    assert backend["calls"] == ray_calls == manifest["usage"]["total"]["calls"]  # every actor's calls counted once
    assert len(records(tmp_path / "ray", "train.openai.jsonl")) == manifest["counts"]["accepted"]


@pytest.mark.parametrize("through", ["gcs", "ray_client"])
def test_actors_share_one_duplicate_registry(cluster, tmp_path, through):
    """Also through Ray Client (`ray://`), the address a driver off the cluster uses."""
    address = cluster.address if through == "gcs" else cluster.client
    pairs = same_pairs(tmp_path, 8)
    with FakeBackend(latency=0.05) as server:
        rc = main(["--scenario", "curate", "--input", str(pairs), "--model", "openai-compatible:fake",
                   "--base-url", f"{server.url}/v1", "--no-cache", "--no-progress", "--concurrency", "8",
                   "--workers", "2", "--engine", "ray", "--ray-address", address, "--out", str(tmp_path / "out")])
    assert rc == 0, cluster.client_server_logs() if through == "ray_client" else ""
    assert manifest_of(tmp_path / "out")["engine"]["actors"] == 2
    assert len(records(tmp_path / "out", "data.jsonl")) == 1  # not one per actor
    rejected = records(tmp_path / "out", "rejected.jsonl")
    assert len(rejected) == 7 and all(r["reasons"][0].startswith("not_duplicate") for r in rejected)


def test_a_failed_join_is_one_line_and_the_next_run_in_the_process_joins(cluster, tmp_path, monkeypatch, capsys):
    """A ray:// address nobody answers fails in one line; Ray, left in client mode by it, must
    not turn away the same process's next run (it did, on an empty AssertionError)."""
    from ray.util.client import worker

    monkeypatch.setattr(worker, "INITIAL_TIMEOUT_SEC", 1)  # Ray Client gives up after ~3 s, not 30
    monkeypatch.setattr(worker, "MAX_TIMEOUT_SEC", 1)
    nobody = f"ray://127.0.0.1:{free_port()}"
    pairs = same_pairs(tmp_path, 2)
    with FakeBackend() as server:
        def curate(address: str, out: str) -> int:
            return main(["--scenario", "curate", "--input", str(pairs), "--model", "openai-compatible:fake",
                         "--base-url", f"{server.url}/v1", "--no-cache", "--no-progress", "--workers", "2",
                         "--engine", "ray", "--ray-address", address, "--out", str(tmp_path / out)])

        assert curate(nobody, "refused") == 2
        err = capsys.readouterr().err
        assert f"--ray-address {nobody}: cannot join the Ray cluster: ray client connection timeout" in err
        assert "Traceback" not in err
        assert curate(cluster.address, "joined") == 0, capsys.readouterr().err
    assert manifest_of(tmp_path / "joined")["engine"]["nodes"] == 2


def test_a_backends_concurrency_limit_holds_across_actors(cluster, tmp_path):
    """The fake backend answers 429 above 3 requests in flight; the run config allows 3, and the
    two actors' shares (2 + 1) must add up to it, not each take 3."""
    config = tmp_path / "run.yaml"
    with FakeBackend(latency=0.05, max_concurrent=3) as server:
        config.write_text(f"default:\n  model: openai-compatible:fake\n  base_url: {server.url}/v1\n"
                          "  max_concurrency: 3\nconcurrency: 8\nworkers: 2\nengine: ray\n"
                          f"ray_address: '{cluster.address}'\n", encoding="utf-8")
        rc = main(["--config", str(config), "--input", str(SAMPLE_PDF), "--chunk-unit", "chars", "--chunk-size",
                   "700", "--no-cache", "--no-progress", "--out", str(tmp_path / "out")])
        peak = server.peak_in_flight
    manifest = manifest_of(tmp_path / "out")
    assert rc == 0 and manifest["engine"]["actors"] == 2
    assert peak <= 3
    assert not manifest["backends"]["openai-compatible:fake"].get("failures"), "a request was turned away"


def test_actors_share_one_budget_and_resume_finishes(cluster, tmp_path):
    with FakeBackend(latency=0.02) as server:
        assert main(seed_args(server.url, tmp_path / "full", "--concurrency", "4")) == 0
        total = manifest_of(tmp_path / "full")["usage"]["total"]
        limit = (total["prompt_tokens"] + total["completion_tokens"]) // 3
        out = tmp_path / "out"
        ray_args = ("--concurrency", "4", "--workers", "2", "--engine", "ray", "--ray-address", cluster.address)
        assert main(seed_args(server.url, out, *ray_args, "--max-tokens", str(limit))) == 0
        stopped = manifest_of(out)
        spent = stopped["usage"]["total"]["prompt_tokens"] + stopped["usage"]["total"]["completion_tokens"]
        # One budget: spending stops near the limit, not near twice the limit (a budget per actor).
        assert stopped["status"] == "stopped" and "token budget reached" in stopped["stop_reason"]
        assert limit <= spent < 1.5 * limit
        assert stopped["counts"]["items_done"] < stopped["counts"]["items"]
        assert main(seed_args(server.url, out, *ray_args, "--resume")) == 0
    assert_same_dataset(tmp_path / "full", out)
    assert manifest_of(out)["status"] == "complete"


def item_runners() -> list[psutil.Process]:
    """The cluster's actor processes running items (Ray names them after their class)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if cmdline and cmdline[0].startswith("ray::ItemRunner"):
            found.append(process)
    return found


def test_an_actor_killed_mid_run_loses_nothing(cluster, tmp_path):
    reference, out = tmp_path / "reference", tmp_path / "out"
    with FakeBackend(latency=0.15) as server:
        assert main(seed_args(server.url, reference, "--concurrency", "4")) == 0
        command = [sys.executable, "run.py", *seed_args(server.url, out, "--concurrency", "4", "--workers", "2",
                                                        "--engine", "ray", "--ray-address", cluster.address)]
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **RAY_ENV}, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not (out / "progress.jsonl").exists() or not records(out, "progress.jsonl"):
            assert process.poll() is None and time.monotonic() < deadline, "the run ended before an item finished"
            time.sleep(0.02)
        victims = item_runners()
        assert len(victims) == 2, "two actors running items"
        os.kill(victims[0].pid, signal.SIGKILL)
        _, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, stderr[-2000:]
    manifest = manifest_of(out)
    assert manifest["status"] == "complete" and manifest["engine"]["actors_replaced"] >= 1
    assert manifest["counts"]["failed"] == 0
    assert_same_dataset(reference, out)


def test_an_item_whose_actor_dies_twice_is_recorded_as_failed_and_the_rest_complete(cluster, tmp_path):
    """The item of the manual's last chunk kills the actor that runs it (SIGKILL, found by the
    port its request came from), on every attempt: it is tried once more, then written to
    failed.jsonl with the cause; every other item gives the records it gives without it."""

    def sender(request) -> int | None:
        for connection in psutil.net_connections(kind="tcp"):
            if connection.laddr and connection.laddr.port == request.client_port and connection.pid != os.getpid():
                return connection.pid
        return None

    def kill_its_actor(request):
        if request.schema_title == "ReaderReply" and "long-term storage" in json.dumps(request.body):
            if (pid := sender(request)) is not None:
                os.kill(pid, signal.SIGKILL)
            return Fault(drop=True)
        return None

    reference, out = tmp_path / "reference", tmp_path / "out"
    with FakeBackend(latency=0.02) as server:
        assert main(seed_args(server.url, reference, "--concurrency", "2")) == 0
    with FakeBackend(latency=0.02, faults=kill_its_actor) as server:
        assert main(seed_args(server.url, out, "--concurrency", "2", "--workers", "2", "--engine", "ray",
                              "--ray-address", cluster.address)) == 0
    [failed] = records(out, "failed.jsonl")
    assert "its Ray actor died 2 times while running it" in failed["error"]
    engine = manifest_of(out)["engine"]
    assert engine["actors_replaced"] == 2 and engine["items_retried"] == 1
    for name in ("data.jsonl", "rejected.jsonl"):
        expected = [r for r in records(reference, name) if r["metadata"]["item_id"] != failed["item_id"]]
        assert sorted(records(out, name), key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"]), name


# --- without a cluster ---------------------------------------------------------------------------

def test_the_local_engine_never_imports_ray(tmp_path):
    probe = (f"import sys; sys.path.insert(0, {str(REPO / 'tests')!r}); from fake_backend import FakeBackend; "
             "from agentsynth.run import main; from test_ray_engine import seed_args\n"
             f"with FakeBackend() as s: code = main(seed_args(s.url, __import__('pathlib').Path({str(tmp_path / 'o')!r}),"
             " '--concurrency', '2', '--workers', '2'))\n"
             "print(code, 'ray' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.stdout.strip().splitlines()[-1] == "0 False", done.stderr[-1000:]


def test_without_ray_the_engine_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if it were not installed
    with FakeBackend() as server:
        rc = main(seed_args(server.url, tmp_path / "out", "--engine", "ray"))
    err = capsys.readouterr().err
    assert rc == 2 and "Ray is not installed" in err and '.[ray]' in err and "Traceback" not in err


class FlakyClientServer:
    """Stands in for the `ray` module: its Ray Client head fails to start the driver's server
    process the first `failures` times (as a busy head did in CI), and Ray stays in client mode
    after each failure until shut down."""

    STARTUP_FAILED = ("Initialization failure from server:\nTraceback (most recent call last):\n  File \"proxier.py\", "
                      "line 772, in Datapath\nRuntimeError: Starting Ray client server failed. See "
                      "ray_client_server_23000.err for detailed logs.")

    def __init__(self, failures: int) -> None:
        self.failures, self.inits, self.client_mode = failures, 0, False

    def init(self, address: str, **options) -> None:
        assert not self.client_mode, "ray.init after a failed ray:// join, without ray.shutdown"
        self.inits += 1
        if self.inits <= self.failures:
            self.client_mode = True
            raise ConnectionError(self.STARTUP_FAILED)

    def shutdown(self) -> None:
        self.client_mode = False

    def cluster_resources(self) -> dict:
        return {"CPU": 4.0}

    def nodes(self) -> list[dict]:
        return [{"Alive": True}, {"Alive": True}]


def test_a_client_server_that_fails_to_start_is_asked_for_once_more(monkeypatch):
    from agentsynth.scenarios import ray_engine

    monkeypatch.setattr(ray_engine.time, "sleep", lambda seconds: None)
    ray = FlakyClientServer(failures=1)
    monkeypatch.setitem(sys.modules, "ray", ray)
    engine = ray_engine.connect("ray://head:10001", actors=2, asked=2)
    assert ray.inits == 2 and engine == {"name": "ray", "address": "ray://head:10001", "nodes": 2, "cpus": 4.0}


def test_a_client_server_that_fails_to_start_twice_is_one_line_and_ray_is_left_reset(monkeypatch):
    from agentsynth.errors import AgentsynthError
    from agentsynth.scenarios import ray_engine

    monkeypatch.setattr(ray_engine.time, "sleep", lambda seconds: None)
    ray = FlakyClientServer(failures=2)
    monkeypatch.setitem(sys.modules, "ray", ray)
    with pytest.raises(AgentsynthError) as refused:
        ray_engine.connect("ray://head:10001", actors=2, asked=2)
    assert str(refused.value) == ("--ray-address ray://head:10001: cannot join the Ray cluster: RuntimeError: Starting "
                                  "Ray client server failed. See ray_client_server_23000.err for detailed logs.")
    assert ray.inits == 2 and not ray.client_mode


def test_more_actors_than_the_cluster_has_cpus_is_one_line(cluster, tmp_path, capsys):
    with FakeBackend() as server:
        rc = main(seed_args(server.url, tmp_path / "out", "--concurrency", "8", "--workers", "8",
                            "--engine", "ray", "--ray-address", cluster.address))
    err = capsys.readouterr().err
    assert rc == 2 and "--workers 8" in err and "has 4 CPUs" in err and "Traceback" not in err
