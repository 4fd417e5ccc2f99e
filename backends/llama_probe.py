"""Does an in-process GGUF model run on this machine? Found out in a child process.

A crash inside llama.cpp (a segmentation fault, an illegal instruction) kills the process
that loaded the model, and Python cannot catch it. So before a process first loads a model,
a child loads the same file the same way and generates a few tokens. If the child dies by a
signal, the user gets one line with the way out instead of a run that dies silently. A
verdict is remembered per model file, llama-cpp-python version and CPU, so the child runs
once per machine, not once per run.

    python -m agentsynth.backends.llama_probe MODEL.gguf [--extra-bufts 0|1] [--tokens N]

prints one JSON line: the tokens generated, the seconds they took and the setting used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import AgentsynthError
from .llama_loading import cpu_flags, extra_buffer_types_safe, open_llama

PROBE_PROMPT = "Write one sentence about the sea."
WAY_OUT = ("run on a served model instead, e.g. --model ollama:qwen2.5:0.5b, or --model openai-compatible:NAME "
           "--base-url URL (vLLM, llama.cpp's llama-server); see README 'Models and backends'")


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    detail: str
    tokens_per_second: float | None = None
    crashed: bool = False  # died by a signal or hung: loading it here would do the same


def _verdict_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "agentsynth" / "llama-probes"


def _verdict_key(path: Path) -> str:
    """Same file, same llama-cpp-python build, same CPU: same verdict."""
    import llama_cpp

    stat = path.stat()
    parts = [str(path.resolve()), str(stat.st_size), str(int(stat.st_mtime)), llama_cpp.__version__,
             str(Path(llama_cpp.__file__).parent.stat().st_mtime), platform.machine(),
             " ".join(sorted(cpu_flags())), str(extra_buffer_types_safe())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _signal_name(returncode: int) -> str:
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"


def probe(path: Path, *, timeout: float = 300.0, extra_bufts: bool | None = None, tokens: int = 8) -> ProbeResult:
    """Load `path` in a child process and generate `tokens` tokens; report how it went."""
    command = [sys.executable, "-m", "agentsynth.backends.llama_probe", str(path), "--tokens", str(tokens)]
    if extra_bufts is not None:
        command += ["--extra-bufts", "1" if extra_bufts else "0"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ProbeResult(False, f"{path.name}: loading and a {tokens}-token reply took over {timeout:.0f} s",
                           crashed=True)
    if done.returncode < 0:
        return ProbeResult(False, f"{path.name}: llama.cpp crashed ({_signal_name(done.returncode)}) running this "
                                  f"model on this CPU ({_cpu_name()})", crashed=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return ProbeResult(False, f"{path.name}: the model could not be run ({last})")
    report = json.loads(lines[-1])
    rate = report["tokens"] / report["seconds"] if report["seconds"] > 0 else None
    return ProbeResult(True, f"{path.name}: runs ({report['tokens']} tokens in {report['seconds']:.2f} s)", rate)


def ensure_model_runs(path: Path) -> None:
    """Raise a one-line AgentsynthError if loading `path` in this process would crash it.
    The child runs once per (file, llama.cpp build, CPU); a good verdict is remembered."""
    if os.environ.get("AGENTSYNTH_SKIP_MODEL_PROBE") == "1":
        return
    marker = _verdict_dir() / f"{_verdict_key(path)}.ok"
    if marker.exists():
        return
    result = probe(path)
    if result.crashed:
        raise AgentsynthError(f"{result.detail}; {WAY_OUT}")
    if not result.ok:
        return  # an ordinary error (an unreadable file): loading it here reports it in its own words
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(result.detail + "\n", encoding="utf-8")
    except OSError:
        pass  # an unwritable cache only costs the probe again next time


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _child(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m agentsynth.backends.llama_probe")
    parser.add_argument("model", type=Path)
    parser.add_argument("--extra-bufts", choices=("0", "1"), help="force use_extra_bufts (default: the safe choice)")
    parser.add_argument("--tokens", type=int, default=8)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    extra = None if args.extra_bufts is None else args.extra_bufts == "1"
    llama = open_llama(args.model, use_extra_bufts=extra, n_ctx=512, n_threads=args.threads or os.cpu_count(),
                       verbose=False)
    started = time.perf_counter()
    reply = llama.create_chat_completion(messages=[{"role": "user", "content": PROBE_PROMPT}],
                                         max_tokens=args.tokens, temperature=0.0, seed=0)
    seconds = time.perf_counter() - started
    print(json.dumps({"tokens": reply["usage"]["completion_tokens"], "seconds": round(seconds, 4),
                      "use_extra_bufts": bool(llama.model_params.use_extra_bufts)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
