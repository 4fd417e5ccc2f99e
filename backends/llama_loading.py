"""The one place where llama.cpp models are opened (in-process, by the token counter and by
our llama.cpp server launcher), so that every load gets the same safe model parameters.

Why: pip builds llama.cpp with GGML_NATIVE, so on CPUs that advertise AMX (Intel Sapphire
Rapids and newer, the default machines of many clouds) the AMX matrix kernels are compiled
in and chosen for the weights, and they crash the process with a general protection fault
at `ldtilecfg` (llama.cpp issue #20824: worker threads never ask the kernel for AMX tile
permission). Loading with the model parameter `use_extra_bufts = False` keeps the weights in
plain CPU buffers, so the AMX path is never taken. `Llama()` does not expose the field, so the
default parameters it starts from are adjusted while it loads.

The extra buffer types are kept where the CPU has no AMX: there they hold the repacked
weight layouts (Q4_0, Q4_K, IQ4_NL) that speed up prompt processing for `gguf:` models;
benchmarks/llama_load.py measures both settings.
"""

from __future__ import annotations

import contextlib
import os
import platform
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

CPUINFO = Path("/proc/cpuinfo")
AMX_FLAGS = ("amx_tile", "amx_int8", "amx_bf16")

# Llama() reads llama_cpp.llama_model_default_params() while it loads: one load at a time
# may see the adjusted defaults.
_LOAD_LOCK = threading.Lock()


def cpu_flags(cpuinfo: Path | None = None) -> set[str]:
    """The CPU feature flags the kernel reports (Linux); empty where there is no /proc/cpuinfo."""
    try:
        text = (cpuinfo or CPUINFO).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return set()


def cpu_advertises_amx(cpuinfo: Path | None = None) -> bool:
    return bool(cpu_flags(cpuinfo) & set(AMX_FLAGS))


@lru_cache(maxsize=1)
def llama_build_has_amx() -> bool:
    """Whether this llama.cpp build has the AMX kernels compiled in (its system info says
    `AMX_INT8 = 1`): the signal where /proc/cpuinfo does not exist (Windows, macOS)."""
    import llama_cpp

    info = llama_cpp.llama_print_system_info()
    text = info.decode("utf-8", errors="replace") if isinstance(info, bytes) else str(info)
    return "AMX_INT8 = 1" in text


def extra_buffer_types_choice(cpuinfo: Path | None = None) -> tuple[bool, str]:
    """(use_extra_bufts, why). Off where llama.cpp could take its AMX path: the CPU advertises
    AMX, or this build has the AMX kernels compiled in. `AGENTSYNTH_LLAMA_EXTRA_BUFTS=0/1`
    overrides both (to measure, or once llama.cpp is fixed)."""
    forced = os.environ.get("AGENTSYNTH_LLAMA_EXTRA_BUFTS", "").strip()
    if forced in ("0", "1"):
        return forced == "1", "set by AGENTSYNTH_LLAMA_EXTRA_BUFTS"
    if platform.machine().lower() not in ("x86_64", "amd64", "x64"):
        return True, "not an x86-64 CPU"  # AMX is an x86-64 extension
    if cpu_advertises_amx(cpuinfo):
        return False, "the CPU advertises AMX"
    if llama_build_has_amx():
        return False, "llama.cpp was built with AMX kernels"
    return True, "no AMX"


def extra_buffer_types_safe(cpuinfo: Path | None = None) -> bool:
    return extra_buffer_types_choice(cpuinfo)[0]


def _defaults_with(original: Any, use_extra_bufts: bool) -> Any:
    """`llama_model_default_params` that answers with `use_extra_bufts` set as given."""

    def default_params() -> Any:
        params = original()
        params.use_extra_bufts = use_extra_bufts
        return params

    return default_params


@contextlib.contextmanager
def _model_defaults(use_extra_bufts: bool) -> Iterator[None]:
    """While a `Llama` loads, its model parameters start with `use_extra_bufts` set as given."""
    import llama_cpp.llama_cpp as bindings

    with _LOAD_LOCK:
        original = bindings.llama_model_default_params
        bindings.llama_model_default_params = _defaults_with(original, use_extra_bufts)
        try:
            yield
        finally:
            bindings.llama_model_default_params = original


def open_llama(path: Path | str, *, use_extra_bufts: bool | None = None, **kwargs: Any) -> Any:
    """A `llama_cpp.Llama` for the GGUF at `path`, loaded with the safe model parameters
    (`use_extra_bufts` decided by `extra_buffer_types_safe()` unless given)."""
    from llama_cpp import Llama  # heavy import, only when a local model is used

    extra = extra_buffer_types_safe() if use_extra_bufts is None else use_extra_bufts
    with _model_defaults(extra):
        return Llama(model_path=str(path), **kwargs)


def apply_process_wide() -> bool:
    """For a process that only serves llama.cpp (our server launcher): every `Llama` it
    creates from now on gets the safe setting. Returns the `use_extra_bufts` in force."""
    import llama_cpp.llama_cpp as bindings

    extra = extra_buffer_types_safe()
    bindings.llama_model_default_params = _defaults_with(bindings.llama_model_default_params, extra)
    return extra
