"""Model specs → AutoGen model clients, in one place.

`local` is the embedded SmolLM2-135M-Instruct GGUF; `gguf:<path>` is any local GGUF file.
Both run in-process through `LocalLlamaClient`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autogen_core.models import ChatCompletionClient

from ..errors import AgentsynthError

SUPPORTED_SPECS = "local, gguf:<path>"


@dataclass(frozen=True)
class ModelSpec:
    provider: str  # "local" | "gguf"
    name: str  # model file name / path

    @property
    def label(self) -> str:
        return "local" if self.provider == "local" else f"{self.provider}:{self.name}"


def parse_model_spec(spec: str) -> ModelSpec:
    spec = spec.strip()
    if spec in ("", "local"):
        return ModelSpec("local", "SmolLM2-135M-Instruct.Q4_1.gguf")
    provider, sep, name = spec.partition(":")
    if sep and provider == "gguf" and name:
        return ModelSpec("gguf", name)
    raise AgentsynthError(f"--model {spec!r}: unknown model spec (supported: {SUPPORTED_SPECS})")


def build_client(spec: ModelSpec, *, temperature: float = 0.0, seed: int = 0) -> ChatCompletionClient:
    from .local_llama import LocalLlamaClient

    path = None if spec.provider == "local" else Path(spec.name).expanduser()
    return LocalLlamaClient(path, temperature=temperature, seed=seed)


def default_concurrency(spec: ModelSpec) -> int:
    # In-process models serialise their calls; more concurrency would only queue.
    return 1 if spec.provider in ("local", "gguf") else 8


def default_critic_trust(spec: ModelSpec) -> str:
    """Small in-process models may only object in ways the checks can confirm."""
    return "verify" if spec.provider in ("local", "gguf") else "full"


def default_answer_style(spec: ModelSpec) -> str:
    """Small in-process models answer by picking source sentences; others write freely."""
    return "extractive" if spec.provider in ("local", "gguf") else "free"
