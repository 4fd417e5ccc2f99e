"""Does the runner keep a backend busy? And what does the framework itself cost?

    python benchmarks/throughput.py                  # all three parts (about 5 minutes on 2 cores)
    python benchmarks/throughput.py --latency 0.2 --levels 1 8 32 128 --skip-memory
    python benchmarks/throughput.py --levels 32 --workers 1 --skip-memory   # one process, for comparison
    python benchmarks/throughput.py --engine ray --levels 32 --actors 1 2 4  # Ray actors beside local workers

1. Throughput: a loopback OpenAI-compatible server (a separate process, so its work does not
   compete with the runner's; canned valid structured replies, each sent `latency` after its
   request arrived) serves seed_from_pdf over a generated document at each concurrency level,
   8 work items per slot. Calls inside an item are sequential (reader, writer, answerer,
   critic), so the ideal is concurrency / (latency x calls per item) items/s. The ratio is
   taken while every slot is busy: from the start of the items until the last item starts
   (when the (items - concurrency)th finishes); the final drain, and planning, are shown
   beside it. Each level runs with run.py's own choice of worker processes (one per 16 items
   in flight, up to the CPU count), or with `--workers N`.
2. Framework cost per model call: the same job with an in-process client that answers at once
   (zero latency, no HTTP), CPU seconds of this process divided by model calls.
   With `--engine ray`, part 1 is instead: at each concurrency level, the same job with 1, 2
   and 4 (`--actors`) processes running items, forked by the local engine and as Ray actors
   (a local Ray instance per run, or `--ray-address`), side by side; Ray's start (joining the
   cluster, actors loading the plan) is shown apart and not counted.
3. Peak memory for a 300-page PDF: a generated 300-page PDF read, chunked and run with the
   zero-latency client in a child process; its peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
TOPICS = ("battery", "inverter", "charger", "solar input", "display", "fan", "outlet", "cable", "case", "firmware")


def write_document(path: Path, sections: int) -> Path:
    """A manual with one distinct ~600-character section per work item."""
    parts = []
    for n in range(1, sections + 1):
        topic = TOPICS[n % len(TOPICS)]
        parts.append(
            f"## Module {n}: the {topic}\n\n"
            f"Module {n} of the Vega V{n} station is the {topic}. It weighs {n % 9 + 1}.{n % 7} kg and is rated for "
            f"{100 + n * 3} W of continuous load. The {topic} of unit V{n} must be inspected every {n % 12 + 1} "
            f"months by a certified technician. Replacing the {topic} takes about {n % 50 + 10} minutes with the "
            f"T{n % 5 + 2} tool. The warranty of the V{n} {topic} lasts {n % 4 + 1} years from the date of purchase.\n")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    code = (f"import sys; sys.path.insert(0, {str(TESTS)!r}); from fake_backend import FakeBackend\n"
            f"backend = FakeBackend(latency={latency}, port={port})\n"
            "print('ready', flush=True)\n"
            "backend._server.serve_forever()\n")
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"
    return server, f"http://127.0.0.1:{port}"


def run_level(document: Path, url: str, concurrency: int, workdir: Path, per_slot: int,
              workers: int | None = None, engine: str = "local", address: str | None = None) -> dict:
    """One seed_from_pdf run through the loopback server; its items, calls and wall time."""
    from agentsynth.run import main
    from agentsynth.tools.writers import read_records

    out = workdir / f"c{concurrency}-{engine}-{workers}"
    args = ["--engine", engine, *(["--ray-address", address] if address else []), "--input", str(document), "--chunk-unit", "chars", "--chunk-size", "800", "--chunk-overlap", "0",
            "--limit", str(per_slot * concurrency), "--concurrency", str(concurrency), "--model", "openai-compatible:fake",
            "--base-url", f"{url}/v1", "--no-cache", "--no-progress", "--out", str(out)]
    if workers is not None:
        args += ["--workers", str(workers)]
    started = time.monotonic()
    rc = main(args)
    wall = time.monotonic() - started
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    calls = manifest["usage"]["total"]["calls"]
    # Steady state: while every slot is busy. The last item starts when the (items - concurrency)th
    # finishes; after that the run drains and fewer than `concurrency` calls can be in flight.
    finished = sorted(p["at"] for p in read_records(out / "progress.jsonl"))
    steady_items = len(finished) - concurrency
    steady_wall = finished[steady_items - 1] - manifest["timing"]["items_started_at"] if steady_items > 0 else None
    return {"rc": rc, "items": manifest["counts"]["items_done"], "calls": calls, "wall": wall,
            "run_wall": manifest["wall_seconds"], "items_wall": manifest["timing"]["items_seconds"],
            "planning": manifest["timing"]["planning_seconds"], "steady_items": steady_items,
            "engine_start": manifest["timing"].get("engine_start_seconds", 0.0),
            "steady_wall": steady_wall, "workers": manifest["workers"]}


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the run's worker processes)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def throughput(latency: float, levels: list[int], per_slot: int = 8, workers: int | None = None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        document = write_document(Path(tmp) / "manual.md", 2 * per_slot * max(levels) + 16)  # ~2 sections per chunk
        server, url = start_server(latency)
        try:
            serving = psutil.Process(server.pid)
            for c in levels:
                server_cpu, own_cpu = sum(serving.cpu_times()[:2]), cpu_seconds()
                r = run_level(document, url, c, Path(tmp), per_slot, workers)
                server_cpu, own_cpu = sum(serving.cpu_times()[:2]) - server_cpu, cpu_seconds() - own_cpu
                per_item = r["calls"] / r["items"]
                ideal = c / (latency * per_item)
                steady = r["steady_items"] / r["steady_wall"] if r["steady_wall"] else r["items"] / r["items_wall"]
                with_drain, whole_run = r["items"] / r["items_wall"], r["items"] / r["run_wall"]
                rows.append({"concurrency": c, "workers": r["workers"], "items": r["items"], "calls_per_item": round(per_item, 1),
                             "items_per_s": round(steady, 2), "calls_per_s": round(steady * per_item, 1),
                             "ideal_items_per_s": round(ideal, 2), "ratio": round(steady / ideal, 3),
                             "with_drain_ratio": round(with_drain / ideal, 3), "planning_s": r["planning"],
                             "whole_run_ratio": round(whole_run / ideal, 3),
                             # busy share of one core (the runner's summed over its processes)
                             "runner_cpu": round(own_cpu / r["wall"], 2), "server_cpu": round(server_cpu / r["wall"], 2)})
                print(f"  concurrency {c:>4}, {r['workers']} process(es): {steady:7.2f} items/s, {steady * per_item:7.1f} calls/s while all slots "
                      f"are busy; ideal {ideal:7.2f} items/s; ratio {steady / ideal:.0%} (with the final drain "
                      f"{with_drain / ideal:.0%}, with {r['planning']:.1f} s of planning too {whole_run / ideal:.0%}); "
                      f"CPU busy: runner {rows[-1]['runner_cpu']:.0%}, server {rows[-1]['server_cpu']:.0%}", flush=True)
        finally:
            server.terminate()
            server.wait()
    return rows


def engines(latency: float, levels: list[int], actors: list[int], per_slot: int, address: str | None) -> list[dict]:
    """Each level with 1, 2, 4 processes running items: forked locally, then as Ray actors."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        document = write_document(Path(tmp) / "manual.md", 2 * per_slot * max(levels) + 16)
        server, url = start_server(latency)
        try:
            for c in levels:
                for n in actors:
                    row: dict = {"concurrency": c, "processes": n}
                    for engine in ("local", "ray"):
                        r = run_level(document, url, c, Path(tmp), per_slot, n, engine, address)
                        per_item = r["calls"] / r["items"]
                        steady = r["steady_items"] / r["steady_wall"] if r["steady_wall"] else r["items"] / r["items_wall"]
                        row.update({f"{engine}_items_per_s": round(steady, 2), f"{engine}_start_s": r["engine_start"],
                                    f"{engine}_processes": r["workers"], "items": r["items"],
                                    "ideal_items_per_s": round(c / (latency * per_item), 2)})
                    rows.append(row)
                    print(f"  concurrency {c:>4}, {n} process(es): local {row['local_items_per_s']:7.2f} items/s, "
                          f"ray {row['ray_items_per_s']:7.2f} items/s (ray/local {row['ray_items_per_s'] / row['local_items_per_s']:.0%}; "
                          f"ideal {row['ideal_items_per_s']:.2f}; Ray's start {row['ray_start_s']:.1f} s)", flush=True)
        finally:
            server.terminate()
            server.wait()
    return rows


def framework_cost(items: int) -> dict:
    """CPU seconds per model call with an in-process client that answers at once."""
    sys.path.insert(0, str(TESTS))
    from agentsynth.backends.tokens import CHARACTERS
    from agentsynth.scenarios.runner import RunSettings, run_scenario
    from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions
    from scripted import ScriptedClient

    with tempfile.TemporaryDirectory() as tmp:
        document = write_document(Path(tmp) / "manual.md", 2 * items)
        scenario = SeedFromPdf(SeedOptions(inputs=[document], chunk_size=800, chunk_overlap=0, measure=CHARACTERS))
        client = ScriptedClient()
        settings = RunSettings(out_dir=Path(tmp) / "out", model_label="zero-latency", concurrency=8,
                               show_progress=False)
        cpu0, wall0 = time.process_time(), time.monotonic()
        summary = asyncio.run(run_scenario(scenario, settings, lambda role: client))
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    calls = len(client.calls)
    return {"items": summary.items_done, "model_calls": calls, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
            "cpu_ms_per_call": round(1000 * cpu / calls, 2)}


def write_pdf(path: Path, pages: int) -> Path:
    import pymupdf

    doc = pymupdf.open()
    for n in range(1, pages + 1):
        page = doc.new_page()
        topic = TOPICS[n % len(TOPICS)]
        text = (f"Chapter {n}: the {topic}\n\n" + " ".join(
            f"Item {n}.{k}: the {topic} of model V{n} is rated {100 + n + k} W and weighs {k + 1}.{n % 10} kg."
            for k in range(12)))
        page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), text, fontsize=10)
    doc.save(path)
    return path


def peak_rss_kb() -> int:
    """This process's peak resident set size in KiB. On Linux from VmHWM: `ru_maxrss` of a
    child started by fork + exec also counts the parent's size at the fork."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_memory(pages: int) -> dict:
    """Peak RSS of a child process that reads, chunks and runs a `pages`-page PDF."""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = write_pdf(Path(tmp) / "big.pdf", pages)
        code = (
            f"import sys, asyncio, resource; sys.path.insert(0, {str(TESTS)!r}); from pathlib import Path\n"
            f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); from throughput import peak_rss_kb\n"
            "from scripted import ScriptedClient\n"
            "from agentsynth.scenarios.runner import RunSettings, run_scenario\n"
            "from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions\n"
            f"s = SeedFromPdf(SeedOptions(inputs=[Path({str(pdf)!r})], questions_per_chunk=1))\n"
            f"r = asyncio.run(run_scenario(s, RunSettings(out_dir=Path({tmp!r}) / 'out', model_label='z', "
            "concurrency=8, show_progress=False), lambda role: ScriptedClient()))\n"
            "print(r.items_done, peak_rss_kb())\n")
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        items, max_rss_kb = done.stdout.split()[-2:]
    return {"pages": pages, "items": int(items), "peak_rss_mib": round(int(max_rss_kb) / 1024, 1),
            "wall_s": round(time.monotonic() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per model call (default 0.2)")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--items-per-slot", type=int, default=8, help="work items per concurrency slot (default 8)")
    parser.add_argument("--workers", type=int, help="processes running items (default: run.py's, one per 16 in flight)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="ray: part 1 compares the local engine with Ray actors at each --actors count")
    parser.add_argument("--actors", type=int, nargs="+", default=[1, 2, 4], help="with --engine ray (default 1 2 4)")
    parser.add_argument("--ray-address", help="with --engine ray: a cluster to join (default: a local Ray instance)")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("AGENTSYNTH_CACHE_DIR", tempfile.mkdtemp())
    if args.engine == "ray":
        print(f"1. throughput, local engine and Ray actors, loopback server with {args.latency * 1000:.0f} ms per call:",
              flush=True)
        rows = engines(args.latency, args.levels, args.actors, args.items_per_slot, args.ray_address)
        print("\n| concurrency | processes | items | local items/s | Ray items/s | Ray / local | ideal items/s | "
              "Ray start (s) |\n|---|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['concurrency']} | {r['processes']} | {r['items']} | {r['local_items_per_s']} | "
                  f"{r['ray_items_per_s']} | {r['ray_items_per_s'] / r['local_items_per_s']:.0%} | "
                  f"{r['ideal_items_per_s']} | {r['ray_start_s']} |")
        return 0
    print(f"1. throughput, loopback server with {args.latency * 1000:.0f} ms per call:", flush=True)
    rows = throughput(args.latency, args.levels, args.items_per_slot, args.workers)
    print("\n| concurrency | workers | items | calls/item | items/s | calls/s | ideal items/s | ratio | with drain "
          "| with planning | runner CPU | server CPU |\n|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['concurrency']} | {r['workers']} | {r['items']} | {r['calls_per_item']} | {r['items_per_s']} | {r['calls_per_s']} | "
              f"{r['ideal_items_per_s']} | {r['ratio']:.0%} | {r['with_drain_ratio']:.0%} | {r['whole_run_ratio']:.0%} | "
              f"{r['runner_cpu']:.0%} | {r['server_cpu']:.0%} |")
    cost = framework_cost(40)
    print(f"\n2. framework cost: {cost['cpu_ms_per_call']} ms CPU per model call "
          f"({cost['model_calls']} calls, {cost['items']} items, {cost['cpu_s']} s CPU, zero-latency client)")
    if not args.skip_memory:
        memory = peak_memory(args.pages)
        print(f"3. peak memory: {memory['peak_rss_mib']} MiB for a {memory['pages']}-page PDF "
              f"({memory['items']} items, {memory['wall_s']} s, zero-latency client)")
    print(f"(this process's own peak RSS: {peak_rss_kb() / 1024:.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
