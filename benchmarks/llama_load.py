"""Tokens/s of an in-process GGUF model with llama.cpp's extra buffer types on and off.

The loader turns them off on CPUs with AMX (backends/llama_loading.py: the AMX kernels crash
there). This measures what that costs: prompt processing and generation, both settings
loaded in one process and measured alternately, so machine noise hits both alike.

    python benchmarks/llama_load.py                      # the embedded SmolLM2 (Q4_1)
    python benchmarks/llama_load.py --q4-0               # also a Q4_0 copy (repacked when on)
    python benchmarks/llama_load.py --model my.gguf --rounds 5

The extra buffer types hold repacked weight layouts for Q4_0, Q4_K and IQ4_NL (and AMX
tiles where compiled in); other quantisations load the same either way.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

PROMPT = ("The portable power station stores energy in a lithium iron phosphate battery. " * 24).strip()


def _quantize_q4_0(source: Path, target: Path) -> Path:
    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_0
    params.allow_requantize = True
    if llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), params) != 0:
        raise SystemExit(f"could not quantise {source} to Q4_0")
    return target


def _measure(llama, generate: int) -> tuple[float, float]:
    """(prompt tokens/s, generated tokens/s) for one completion, from llama.cpp's own timers."""
    import llama_cpp

    llama.reset()
    llama_cpp.llama_perf_context_reset(llama.ctx)
    eos = llama.token_eos()
    llama.create_completion(PROMPT, max_tokens=generate, temperature=0.0, logit_bias={eos: -100.0})
    perf = llama_cpp.llama_perf_context(llama.ctx)
    prompt_rate = perf.n_p_eval / (perf.t_p_eval_ms / 1000) if perf.t_p_eval_ms else 0.0
    gen_rate = perf.n_eval / (perf.t_eval_ms / 1000) if perf.t_eval_ms else 0.0
    return prompt_rate, gen_rate


def bench(path: Path, rounds: int, generate: int, threads: int | None) -> dict[str, tuple[float, float]]:
    from agentsynth.backends.llama_loading import open_llama

    models = {setting: open_llama(path, use_extra_bufts=setting, n_ctx=1024, n_threads=threads, verbose=False,
                                  no_perf=False)
              for setting in (True, False)}
    samples: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(rounds):
        for setting, llama in models.items():
            samples[setting].append(_measure(llama, generate))
    return {("on" if s else "off"): (statistics.median(p for p, _ in v), statistics.median(g for _, g in v))
            for s, v in samples.items()}


def main() -> None:
    from agentsynth.backends.llama_loading import extra_buffer_types_choice
    from agentsynth.backends.local_llama import embedded_model_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a GGUF file (default: the embedded SmolLM2)")
    parser.add_argument("--q4-0", action="store_true", help="also measure a Q4_0 copy of the model")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--generate", type=int, default=64, help="tokens generated per round")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    path = args.model or embedded_model_path()
    models = [path]
    with tempfile.TemporaryDirectory() as folder:
        if args.q4_0:
            models.append(_quantize_q4_0(path, Path(folder) / f"{path.stem}.Q4_0.gguf"))
        extra, why = extra_buffer_types_choice()
        print(f"loader's choice on this machine: extra buffer types {'on' if extra else 'off'} ({why})")
        print("| model | extra buffer types | prompt tokens/s | generated tokens/s |")
        print("|---|---|---|---|")
        for model in models:
            started = time.perf_counter()
            results = bench(model, args.rounds, args.generate, args.threads)
            for setting, (prompt_rate, gen_rate) in results.items():
                print(f"| {model.name} | {setting} | {prompt_rate:.0f} | {gen_rate:.1f} |")
            on, off = results["on"], results["off"]
            print(f"| {model.name} | off/on ratio | {off[0] / on[0]:.2f} | {off[1] / on[1]:.2f} |"
                  f"  ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
