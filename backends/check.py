"""`run.py --check-model`: one tiny structured call per configured model, reported plainly."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from autogen_core.models import SystemMessage, UserMessage
from pydantic import BaseModel, ValidationError

from ..errors import AgentsynthError, BackendError
from .llama_probe import WAY_OUT, probe
from .models import Backends, ModelSettings
from .resilience import RetryPolicy
from .structured import parse_reply


class Ping(BaseModel):
    ok: bool


@dataclass
class CheckResult:
    label: str
    roles: list[str]
    ok: bool
    detail: str
    fix: str = ""


def _fix_for(settings: ModelSettings, error: Exception) -> str:
    spec = settings.spec
    text = str(error)
    if "cannot connect" in text:
        if spec.provider == "ollama":
            return f"start Ollama (`ollama serve`) and pull the model (`ollama pull {spec.name}`), or set OLLAMA_HOST"
        if spec.provider == "openai-compatible":
            return ("start the server, e.g. `python run.py serve --model FILE.gguf` or "
                    "`vllm serve MODEL`, and pass its URL with --base-url")
        return "check the network and the endpoint"
    if "timed out" in text:
        return "the backend is slow or overloaded: raise `timeout:` in the run config, or lower concurrency"
    return ""


def _in_process_path(settings: ModelSettings) -> Path:
    from .local_llama import embedded_model_path

    spec = settings.spec
    return embedded_model_path() if spec.provider == "local" else Path(spec.name).expanduser()


def _probe_in_child(settings: ModelSettings, roles: list[str]) -> CheckResult | None:
    """An in-process model is first run in a child process: a crash in llama.cpp (which would
    kill this one) becomes one line with the way out. None when the model runs."""
    try:
        path = _in_process_path(settings)
    except AgentsynthError as exc:
        return CheckResult(settings.label, roles, False, str(exc))
    if not path.is_file():
        return None  # the client reports a missing file in its own words
    result = probe(path)
    if result.crashed:
        return CheckResult(settings.label, roles, False, f"{result.detail}; {WAY_OUT}")
    return None


async def check_model(settings: ModelSettings, roles: list[str]) -> CheckResult:
    label = settings.label
    if settings.spec.in_process and (crashed := _probe_in_child(settings, roles)) is not None:
        return crashed
    backends = Backends(cache=None, retry=RetryPolicy(max_attempts=2, base_delay=0.5, timeout=settings.timeout or 60),
                        concurrency=1)
    started = time.monotonic()
    try:
        client = backends.client(settings)
        result = await client.create(
            [SystemMessage(content="You reply with JSON only."),
             UserMessage(content='Reply with the JSON object {"ok": true}.', source="user")],
            json_output=Ping, extra_create_args={"max_tokens": 200},
        )
    except BackendError as exc:
        return CheckResult(label, roles, False, str(exc), _fix_for(settings, exc))
    except AgentsynthError as exc:
        return CheckResult(label, roles, False, str(exc))
    finally:
        await backends.close()
    seconds = time.monotonic() - started
    report = backends.report().get(label, {})
    mode = report.get("structured_output") or "grammar (in-process)"
    if settings.spec.in_process:
        from .llama_loading import extra_buffer_types_choice

        extra, why = extra_buffer_types_choice()
        mode += f"; llama.cpp extra buffer types {'on' if extra else 'off'} ({why})"
    info = client.model_info
    abilities = ", ".join(f"{name} {'yes' if info.get(name) else 'no'}" for name in ("function_calling", "vision"))
    raw = result.content if isinstance(result.content, str) else str(result.content)
    try:
        parse_reply(raw, Ping)
    except ValidationError:
        return CheckResult(
            label, roles, False, f"reachable, but the reply did not follow the schema ({raw[:80]!r})",
            "set `structured_output: json_object` (or json_object_schema) for this model in the run config, "
            "or use a model that follows JSON instructions; invalid replies are repaired at most twice",
        )
    return CheckResult(label, roles, True, f"reachable in {seconds:.1f}s; structured output via {mode}; {abilities}; "
                                           f"profile {settings.model_profile.describe()}")
