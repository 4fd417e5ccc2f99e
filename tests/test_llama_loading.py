"""The embedded model never takes llama.cpp's AMX path (it crashes on Sapphire Rapids and newer),
and a model that still crashes is found out in a child process, not by the user's run dying."""

from __future__ import annotations

import signal
import stat
import sys
from pathlib import Path

import llama_cpp.llama_cpp as bindings
import pytest

from agentsynth.backends import llama_loading, llama_probe, local_llama
from agentsynth.backends.local_llama import _LoadedModel, embedded_model_path
from agentsynth.backends.tokens import measure_for
from agentsynth.run import main

AMX_CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8488C
flags\t\t: fpu vme de pse tsc msr avx avx2 avx512f avx512_vnni amx_bf16 amx_tile amx_int8
"""
PLAIN_CPUINFO = AMX_CPUINFO.replace(" amx_bf16 amx_tile amx_int8", "").replace("8488C", "8375C")


@pytest.fixture
def cpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Pretend to be an x86-64 machine whose /proc/cpuinfo reads as given."""
    monkeypatch.delenv("AGENTSYNTH_LLAMA_EXTRA_BUFTS", raising=False)
    monkeypatch.setattr(llama_loading.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(llama_loading, "llama_build_has_amx", lambda: False)

    def use(text: str) -> None:
        path = tmp_path / "cpuinfo"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(llama_loading, "CPUINFO", path)

    return use


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """`use_extra_bufts` of every model llama.cpp is asked to load (the C call's own parameter)."""
    seen: list[bool] = []
    original = bindings.llama_model_load_from_file

    def spy(path, params):
        seen.append(bool(params.use_extra_bufts))
        return original(path, params)

    monkeypatch.setattr(bindings, "llama_model_load_from_file", spy)
    return seen


def test_a_cpu_with_amx_loads_the_embedded_model_without_extra_buffer_types(cpu, loads):
    cpu(AMX_CPUINFO)
    model = _LoadedModel(embedded_model_path(), n_ctx=512, n_threads=1)
    assert loads == [False]
    assert model.llama.model_params.use_extra_bufts is False
    reply = model.chat([{"role": "user", "content": "Say hi."}], None, None, max_tokens=4, temperature=0.0)
    assert reply.usage.completion_tokens >= 1


def test_the_token_counter_loads_through_the_same_loader(cpu, loads):
    cpu(AMX_CPUINFO)
    measure = measure_for("local", "SmolLM2-135M-Instruct.Q4_1.gguf")
    assert measure.unit == "tokens" and loads == [False]


def test_a_cpu_without_amx_keeps_the_extra_buffer_types(cpu, loads):
    """They hold the repacked Q4_0/Q4_K layouts (benchmarks/llama_load.py: ~30% faster for Q4_0)."""
    cpu(PLAIN_CPUINFO)
    assert llama_loading.extra_buffer_types_choice() == (True, "no AMX")
    _LoadedModel(embedded_model_path(), n_ctx=512, n_threads=1)
    assert loads == [True]


def test_a_build_with_amx_kernels_is_treated_like_an_amx_cpu(cpu, monkeypatch):
    cpu(PLAIN_CPUINFO)  # e.g. Windows or macOS: no /proc/cpuinfo to read
    monkeypatch.setattr(llama_loading, "llama_build_has_amx", lambda: True)
    assert llama_loading.extra_buffer_types_choice() == (False, "llama.cpp was built with AMX kernels")


def test_the_build_check_reads_llama_cpps_own_feature_list():
    info = bindings.llama_print_system_info().decode()
    assert llama_loading.llama_build_has_amx() is ("AMX_INT8 = 1" in info)


def test_the_server_launcher_applies_the_setting_to_every_model(cpu, loads, monkeypatch):
    cpu(AMX_CPUINFO)
    monkeypatch.setattr(bindings, "llama_model_default_params", bindings.llama_model_default_params)  # restored after
    assert llama_loading.apply_process_wide() is False
    from llama_cpp import Llama

    Llama(model_path=str(embedded_model_path()), vocab_only=True, verbose=False)
    assert loads == [False]


def test_the_environment_can_force_the_setting(cpu, monkeypatch):
    cpu(AMX_CPUINFO)
    monkeypatch.setenv("AGENTSYNTH_LLAMA_EXTRA_BUFTS", "1")
    assert llama_loading.extra_buffer_types_choice() == (True, "set by AGENTSYNTH_LLAMA_EXTRA_BUFTS")


@pytest.fixture
def crashing_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The probe's child dies by SIGSEGV, as llama.cpp does on a CPU it mishandles."""
    script = tmp_path / "python"
    script.write_text("#!/bin/sh\nkill -SEGV $$\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(sys, "executable", str(script))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("AGENTSYNTH_SKIP_MODEL_PROBE", raising=False)
    monkeypatch.setattr(local_llama, "_MODELS", {})  # as in a new process: nothing loaded yet
    return script


def test_a_crash_in_the_child_is_reported_with_the_way_out(crashing_python):
    result = llama_probe.probe(embedded_model_path())
    assert result.crashed and not result.ok
    assert "llama.cpp crashed (SIGSEGV)" in result.detail


def test_check_model_says_in_one_line_that_the_embedded_model_crashes(crashing_python, capsys):
    assert main(["--check-model"]) == 2
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "FAILED local" in lines[0] and "crashed (SIGSEGV)" in lines[0]
    assert "--model ollama:" in lines[0] and "--model openai-compatible:" in lines[0]


def test_a_run_on_a_crashing_model_stops_with_one_line_before_loading_it(crashing_python, tmp_path, capsys):
    assert main(["--scenario", "seed_from_pdf", "--no-progress", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "crashed (SIGSEGV)" in err[0]
    assert "Traceback" not in "\n".join(err)


def test_a_good_verdict_is_remembered_so_the_child_runs_once(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("AGENTSYNTH_SKIP_MODEL_PROBE", raising=False)
    calls: list[Path] = []
    real_probe = llama_probe.probe

    def counting(path, **kwargs):
        calls.append(path)
        return real_probe(path, **kwargs)

    monkeypatch.setattr(llama_probe, "probe", counting)
    llama_probe.ensure_model_runs(embedded_model_path())
    llama_probe.ensure_model_runs(embedded_model_path())
    assert len(calls) == 1
    assert list((tmp_path / "xdg" / "agentsynth" / "llama-probes").glob("*.ok"))


def test_the_probe_runs_the_real_model_in_a_child():
    result = llama_probe.probe(embedded_model_path(), tokens=4)
    assert result.ok and not result.crashed and result.tokens_per_second and result.tokens_per_second > 0


def test_signal_names_are_spelled_out():
    assert llama_probe._signal_name(-signal.SIGSEGV) == "SIGSEGV"
    assert llama_probe._signal_name(-signal.SIGILL) == "SIGILL"
