"""Model specs and settings → AutoGen model clients, in one place.

Specs:
  local                       the embedded SmolLM2-135M-Instruct GGUF (in-process)
  gguf:<path>                 any local GGUF file (in-process)
  openai:<model>              OpenAI (OPENAI_API_KEY)
  azure:<deployment>          Azure OpenAI (AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_VERSION, and
                              AZURE_OPENAI_API_KEY or Entra ID via DefaultAzureCredential)
  ollama:<model>              Ollama (OLLAMA_HOST, default http://localhost:11434)
  openai-compatible:<model>   vLLM, llama.cpp server, LM Studio, TGI, ... (base_url / --base-url;
                              key, if the server wants one, in OPENAI_COMPATIBLE_API_KEY)

A remote client is built in layers around AutoGen's own client:
  AutoGen client → protocol adapter (structured output, parameter names) → retries and the
  backend's adaptive concurrency limit → the model's profile (reply limits, sampling
  parameters; backends/profiles.py) → response cache.  (Metering wraps it per item.)
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage, ModelInfo
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import AgentsynthError, BackendError
from .cache import CachingClient, ResponseCache
from .client_base import DelegatingClient
from .metering import Price, price_for
from .profiles import ModelProfile, ProfileName, ProfiledClient, ReasoningEffort, profile_for
from ..tools.processes import available_cpus
from ..tools.urls import without_credentials
from .resilience import AdaptiveLimiter, BackendStats, ResilientClient, RetryPolicy
from .structured import OllamaAdapter, OpenAIProtocolAdapter, StructuredMode

PROVIDERS = ("local", "gguf", "openai", "azure", "ollama", "openai-compatible")
SUPPORTED_SPECS = "local, gguf:<path>, openai:<model>, azure:<deployment>, ollama:<model>, openai-compatible:<model>"
IN_PROCESS = ("local", "gguf")
DEFAULT_OLLAMA_HOST = "http://localhost:11434"
AZURE_SCOPE = "https://cognitiveservices.azure.com/.default"


@dataclass(frozen=True)
class ModelSpec:
    provider: str
    name: str

    @property
    def label(self) -> str:
        return "local" if self.provider == "local" else f"{self.provider}:{self.name}"

    @property
    def in_process(self) -> bool:
        return self.provider in IN_PROCESS


def parse_model_spec(spec: str) -> ModelSpec:
    spec = spec.strip()
    if spec in ("", "local"):
        return ModelSpec("local", "SmolLM2-135M-Instruct.Q4_1.gguf")
    provider, sep, name = spec.partition(":")
    if not sep or provider not in PROVIDERS or provider == "local":
        raise AgentsynthError(f"model {spec!r}: unknown model spec (supported: {SUPPORTED_SPECS})")
    if not name.strip():
        raise AgentsynthError(f"model {spec!r}: the part after '{provider}:' (the model name) is empty")
    return ModelSpec(provider, name.strip())


class Capabilities(BaseModel):
    """What a model can do; unknown models get conservative defaults, overridable here."""

    model_config = ConfigDict(extra="forbid")
    vision: bool | None = None
    function_calling: bool | None = None
    json_output: bool | None = None
    structured_output: bool | None = None
    family: str | None = None


class ModelSettings(BaseModel):
    """One model and how to call it: the unit of `--model` and of a run config's roles."""

    model_config = ConfigDict(extra="forbid")
    model: str = "local"
    base_url: str | None = None
    temperature: float | None = None  # None: the backend's default (reasoning models accept no other)
    max_tokens: int | None = Field(default=None, gt=0)  # completion limit per call (default: each role's own)
    seed: int | None = None
    structured_output: StructuredMode = "auto"
    capabilities: Capabilities | None = None
    model_name: str | None = None  # the model behind an Azure deployment or alias: for capabilities and price
    price: Price | None = None  # overrides backends/prices.yaml
    api_key_env: str | None = None  # the NAME of the environment variable that holds the key
    timeout: float | None = Field(default=None, gt=0)  # seconds per call
    max_concurrency: int | None = Field(default=None, gt=0)  # calls in flight to this backend
    profile: ProfileName | None = None  # small, chat or reasoning (default: derived from the model)
    reasoning_effort: ReasoningEffort | None = None  # sent to reasoning models

    @property
    def model_profile(self) -> ModelProfile:
        return profile_for(self)

    @field_validator("model")
    @classmethod
    def _known_spec(cls, value: str) -> str:
        try:
            parse_model_spec(value)
        except AgentsynthError as exc:
            raise ValueError(str(exc)) from None
        return value

    @property
    def spec(self) -> ModelSpec:
        return parse_model_spec(self.model)

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def price_name(self) -> str:
        return self.model_name or self.spec.name

    def resolved_price(self) -> Price | None:
        if self.price is not None:
            return self.price
        if self.spec.in_process:
            return Price(input=0.0, output=0.0)
        return price_for(self.price_name)


def _env(name: str, spec: str, hint: str = "") -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise AgentsynthError(f"{spec}: environment variable {name} is not set" + (f" ({hint})" if hint else ""))
    return value


def model_info_for(settings: ModelSettings) -> ModelInfo:
    """AutoGen's table for models it knows; otherwise honest defaults: JSON yes, vision no,
    tool calling only where the provider's models generally have it. Config overrides win."""
    spec = settings.spec
    name = settings.model_name or spec.name
    known: dict[str, Any] | None = None
    if spec.provider in ("openai", "azure"):
        from autogen_ext.models.openai import _model_info as openai_info

        try:
            known = dict(openai_info.get_info(name))
        except (KeyError, ValueError):
            known = None
    elif spec.provider == "ollama":
        from autogen_ext.models.ollama import _model_info as ollama_info

        try:
            known = dict(ollama_info.get_info(name))
        except (KeyError, ValueError):
            known = None
    info: dict[str, Any] = known or {
        "vision": False,
        "function_calling": spec.provider in ("openai", "azure"),
        "json_output": True,
        "structured_output": True,
        "family": "unknown",
        "multiple_system_messages": spec.provider in ("openai", "azure"),
    }
    if settings.capabilities is not None:
        info.update({k: v for k, v in settings.capabilities.model_dump().items() if v is not None})
    return ModelInfo(**info)  # type: ignore[typeddict-item]


class Backends:
    """Builds the clients of one run: one per distinct model setting, shared by the roles that
    use it; owns the response cache, each backend's concurrency limiter and its statistics."""

    def __init__(self, *, cache: ResponseCache | None, retry: RetryPolicy, concurrency: int,
                 share: tuple[int, int] = (0, 1)) -> None:
        self.cache = cache
        self.retry = retry
        self.concurrency = concurrency
        self.share = share  # (k, n): these clients serve worker process k of n; a model's max_concurrency is split
        self.fatal: BackendError | None = None
        self._clients: dict[str, ChatCompletionClient] = {}
        self._limiters: dict[str, AdaptiveLimiter] = {}
        self._stats: dict[str, BackendStats] = {}
        self._adapters: dict[str, Any] = {}
        self._endpoints: dict[str, str] = {}
        self._backend_of: dict[str, str] = {}  # spec label → backend key (provider@endpoint) of its limiter
        self._in_process: dict[str, dict[str, Any]] = {}  # spec label → file, sampling and loop guard in force

    def client(self, settings: ModelSettings) -> ChatCompletionClient:
        key = settings.model_dump_json()
        if key not in self._clients:
            self._clients[key] = self._build(settings)
        return self._clients[key]

    def _build(self, settings: ModelSettings) -> ChatCompletionClient:
        spec = settings.spec
        if spec.in_process:
            from .local_llama import LocalLlamaClient

            path = None if spec.provider == "local" else Path(spec.name).expanduser()
            local = LocalLlamaClient(path, temperature=settings.temperature or 0.0, seed=settings.seed or 0)
            identity = {"spec": spec.label, "file": local.model_name, "size": local.model_path.stat().st_size}
            self._in_process[spec.label] = {"file": local.model_name, "sampling": local.sampling,
                                            "loop_guard": local.loop_guard}
            client: ChatCompletionClient = local
        else:
            inner, endpoint = _remote_client(settings)
            endpoint = without_credentials(endpoint)  # recorded in the manifest: never a password
            adapter = _adapter(settings, inner)
            self._adapters[spec.label] = adapter
            self._endpoints[spec.label] = endpoint
            backend = self._backend_of[spec.label] = f"{spec.provider}@{endpoint}"
            limit = share_of(settings.max_concurrency, *self.share) if settings.max_concurrency else self.concurrency
            limiter = self._limiters.setdefault(backend, AdaptiveLimiter(limit))
            stats = self._stats.setdefault(spec.label, BackendStats())
            policy = replace(self.retry, timeout=settings.timeout or self.retry.timeout)
            client = ResilientClient(adapter, backend=spec.label, policy=policy, limiter=limiter, stats=stats,
                                     on_fatal=self._set_fatal)
            identity = {"spec": spec.label, "endpoint": endpoint}
        if settings.max_tokens is not None:
            client = _FixedMaxTokens(client, settings.max_tokens)
        client = ProfiledClient(client, settings.model_profile)  # outside: a fixed max_tokens is sent as given
        if self.cache is not None:
            identity.update(settings.model_dump(include={"temperature", "max_tokens", "seed", "structured_output",
                                                          "model_name"}))
            identity["profile"] = settings.model_profile.model_dump()
            client = CachingClient(client, self.cache, identity)
        return client

    async def close(self) -> None:
        """Close the HTTP clients inside the event loop that opened them."""
        for client in self._clients.values():
            await client.close()
        self._clients.clear()

    def _set_fatal(self, error: BackendError) -> None:
        self.fatal = self.fatal or error

    def report(self) -> dict[str, Any]:
        """Per backend: endpoint, structured-output mode in use, retries, failures, concurrency;
        for an in-process model, its file, sampling settings and loop guard."""
        out: dict[str, Any] = {label: {"in_process": dict(info)} for label, info in self._in_process.items()}
        for label, stats in self._stats.items():
            limiter = self._limiters.get(self._backend_of.get(label, ""))
            out[label] = {
                "endpoint": self._endpoints.get(label, ""),
                "structured_output": getattr(self._adapters.get(label), "mode", None),
                "calls": stats.calls, "attempts": stats.attempts, "retries": stats.retries,
                "failures": dict(stats.failures), "gave_up": stats.gave_up,
                "concurrency": {"max": limiter.max_limit, "lowest": limiter.lowest, "final": limiter.limit} if limiter else None,
            }
        return out


def endpoint_of(settings: ModelSettings) -> str | None:
    """Where a role's requests go, resolved as its client will resolve it (credentials
    stripped); None for an in-process model, whose requests never leave this machine."""
    spec = settings.spec
    if spec.in_process:
        return None
    if spec.provider == "openai":
        url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
    elif spec.provider == "openai-compatible":
        url = settings.base_url or os.environ.get("OPENAI_COMPATIBLE_BASE_URL") or "(no URL given)"
    elif spec.provider == "azure":
        url = settings.base_url or os.environ.get("AZURE_OPENAI_ENDPOINT") or "(AZURE_OPENAI_ENDPOINT not set)"
    elif spec.provider == "ollama":
        url = settings.base_url or os.environ.get("OLLAMA_HOST") or DEFAULT_OLLAMA_HOST
        url = url if "://" in url else f"http://{url}"
    else:
        url = "(unknown)"
    return without_credentials(url)


def endpoints_in_use(role_settings: dict[str, ModelSettings]) -> list[str]:
    """One line per model a run will call: its roles, and where its requests go."""
    by_model: dict[tuple[str, str | None], list[str]] = {}
    for role, settings in role_settings.items():
        by_model.setdefault((settings.label, endpoint_of(settings)), []).append(role)
    lines = []
    for (label, url), roles in by_model.items():
        where = f"at {url}" if url is not None else "(in-process: nothing leaves this machine)"
        lines.append(f"{', '.join(roles)} → {label} {where}")
    return lines


def _remote_client(settings: ModelSettings) -> tuple[ChatCompletionClient, str]:
    """AutoGen's client for a remote spec, and the endpoint it talks to."""
    from .lean_openai import aiohttp_client, use_lean_completions  # imports the OpenAI SDK: only for remote specs

    spec = settings.spec
    info = model_info_for(settings)
    common: dict[str, Any] = {"max_retries": 0}  # our RetryPolicy is the one retry policy
    if spec.provider in ("openai", "openai-compatible", "azure"):
        common["http_client"] = aiohttp_client()
    if settings.temperature is not None and settings.model_profile.sampling:
        common["temperature"] = settings.temperature
    if settings.seed is not None:
        common["seed"] = settings.seed
    if spec.provider == "openai":
        from autogen_ext.models.openai import OpenAIChatCompletionClient

        key = _env(settings.api_key_env or "OPENAI_API_KEY", spec.label)
        base_url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        client = OpenAIChatCompletionClient(model=spec.name, api_key=key, base_url=base_url, model_info=info,
                                            timeout=settings.timeout, **common)
        use_lean_completions(client)
        return client, base_url
    if spec.provider == "openai-compatible":
        from autogen_ext.models.openai import OpenAIChatCompletionClient

        base_url = settings.base_url or os.environ.get("OPENAI_COMPATIBLE_BASE_URL")
        if not base_url:
            raise AgentsynthError(
                f"{spec.label}: needs the server's URL: --base-url http://host:port/v1 (or base_url: in the run config)"
            )
        key = os.environ.get(settings.api_key_env or "OPENAI_COMPATIBLE_API_KEY") or "no-key"
        client = OpenAIChatCompletionClient(model=spec.name, api_key=key, base_url=base_url, model_info=info,
                                            timeout=settings.timeout, **common)
        use_lean_completions(client)
        return client, base_url
    if spec.provider == "azure":
        from autogen_ext.models.openai import AzureOpenAIChatCompletionClient

        endpoint = settings.base_url or _env("AZURE_OPENAI_ENDPOINT", spec.label, "https://<resource>.openai.azure.com/")
        api_version = _env("AZURE_OPENAI_API_VERSION", spec.label, "e.g. 2024-10-21")
        auth: dict[str, Any]
        if key := os.environ.get(settings.api_key_env or "AZURE_OPENAI_API_KEY"):
            auth = {"api_key": key}
        else:  # Entra ID: az login, managed identity, workload identity, ...
            from azure.identity import DefaultAzureCredential, get_bearer_token_provider

            auth = {"azure_ad_token_provider": get_bearer_token_provider(DefaultAzureCredential(), AZURE_SCOPE)}
        client = AzureOpenAIChatCompletionClient(
            azure_deployment=spec.name, model=settings.model_name or spec.name, azure_endpoint=endpoint,
            api_version=api_version, model_info=info, timeout=settings.timeout, **auth, **common,
        )
        use_lean_completions(client)
        return client, endpoint
    if spec.provider == "ollama":
        from autogen_ext.models.ollama import OllamaChatCompletionClient

        host = settings.base_url or os.environ.get("OLLAMA_HOST") or DEFAULT_OLLAMA_HOST
        if "://" not in host:
            host = f"http://{host}"
        return OllamaChatCompletionClient(model=spec.name, host=host, model_info=info), host
    raise AgentsynthError(f"{spec.label}: not a remote model spec")


def _adapter(settings: ModelSettings, inner: ChatCompletionClient) -> ChatCompletionClient:
    spec = settings.spec
    if spec.provider == "ollama":
        options = {k: v for k, v in (("temperature", settings.temperature), ("seed", settings.seed)) if v is not None}
        return OllamaAdapter(inner, options)
    token_param = "max_completion_tokens" if spec.provider in ("openai", "azure") else "max_tokens"
    return OpenAIProtocolAdapter(inner, mode=settings.structured_output, token_param=token_param)


class _FixedMaxTokens(DelegatingClient):
    """Replaces each role's own completion limit with the configured one."""

    def __init__(self, inner: ChatCompletionClient, max_tokens: int) -> None:
        super().__init__(inner)
        self.max_tokens = max_tokens

    async def forward(self, messages: list[LLMMessage], request: dict[str, Any]) -> CreateResult:
        request["extra_create_args"]["max_tokens"] = self.max_tokens
        return await self.inner.create(messages, **request)


def share_of(total: int, k: int, n: int) -> int:
    """Worker k's part of `total` split over n workers (at least 1): 10 over 3 is 4, 3, 3."""
    return max(1, total // n + (1 if k < total % n else 0))


ITEMS_PER_WORKER = 16  # one process keeps ~16 items' calls near the backend's latency (benchmarks/throughput.py)


def worker_count(asked: int | None, concurrency: int, specs: list[ModelSpec], engine: str = "local") -> int:
    """Processes that run items: as asked, or (on Linux) one per 16 items in flight up to the
    CPU count. In-process models run in one process, except as Ray actors (`--engine ray`),
    where each actor loads its own copy."""
    in_process = [s.label for s in specs if s.in_process]
    if engine == "ray":
        return asked or (1 if in_process else max(1, -(-concurrency // ITEMS_PER_WORKER)))
    if in_process:
        if asked and asked > 1:
            raise AgentsynthError(f"--workers {asked}: {in_process[0]} runs inside this process, and its calls are "
                                  "serialised anyway; use --workers 1 (or --engine ray: one copy per actor)")
        return 1
    if asked:
        return asked
    if not sys.platform.startswith("linux"):  # macOS frameworks can crash in a forked child: only when asked
        return 1
    return max(1, min(available_cpus(), -(-concurrency // ITEMS_PER_WORKER)))


def default_concurrency(specs: list[ModelSpec]) -> int:
    # In-process models serialise their calls; more items in flight would only queue.
    return 1 if all(s.in_process for s in specs) else 8


