"""The throughput benchmark still runs (a tiny version of it: the figures themselves are the
benchmark's job, not a test's)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "throughput.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("throughput_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_throughput_benchmark_runs_a_level_and_reports_its_ratios(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTSYNTH_CACHE_DIR", str(tmp_path / "cache"))
    benchmark = load_benchmark()
    [row] = benchmark.throughput(latency=0.02, levels=[3], per_slot=3)
    assert row["items"] == 9 and row["calls_per_item"] > 4
    for ratio in ("ratio", "with_drain_ratio", "whole_run_ratio"):
        assert 0 < row[ratio] <= 1.2, (ratio, row)
    assert row["whole_run_ratio"] <= row["with_drain_ratio"] + 0.01  # planning only adds time
    [sharded] = benchmark.throughput(latency=0.02, levels=[4], per_slot=2, workers=2)
    assert sharded["workers"] == 2 and sharded["items"] == 8 and sharded["runner_cpu"] > 0
    cost = benchmark.framework_cost(items=2)
    assert cost["model_calls"] > 0 and cost["cpu_ms_per_call"] > 0


def test_throughput_benchmark_compares_the_local_engine_with_ray_actors(tmp_path, monkeypatch):
    monkeypatch.setenv("AGENTSYNTH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")  # no token file written into this user's home
    benchmark = load_benchmark()
    [row] = benchmark.engines(latency=0.02, levels=[4], actors=[2], per_slot=2, address=None)
    assert row["items"] == 8 and row["local_processes"] == 2 and row["ray_processes"] == 2
    assert row["local_items_per_s"] > 0 and row["ray_items_per_s"] > 0 and row["ray_start_s"] > 0
