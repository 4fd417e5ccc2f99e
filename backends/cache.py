"""An on-disk cache of model responses, so that re-running a command costs no model calls.

The key is the model's identity (spec, endpoint, sampling settings) plus the full
request (messages, tools, output schema, extra arguments), unlike AutoGen's
`ChatCompletionCache`, whose key leaves out the model. Identical requests within one
run are told apart by their occurrence number: at a temperature above zero the
second identical request should get its own sample, and a re-run replays the same
sequence of replies.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from .client_base import DelegatingClient


def default_cache_dir() -> Path:
    if env := os.environ.get("AGENTSYNTH_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "agentsynth" / "responses"


def _text_only_disk() -> type:
    """diskcache's Disk, but one that never unpickles: this cache stores only text (JSON), and an
    entry written by anyone else in pickle form would run code when read."""
    import diskcache
    from diskcache.core import MODE_PICKLE

    class TextOnlyDisk(diskcache.Disk):
        def get(self, key: Any, raw: bool) -> Any:
            if not raw:
                raise ValueError("a pickled cache key was refused")
            return super().get(key, raw)

        def fetch(self, mode: int, filename: Any, value: Any, read: bool) -> Any:
            if mode == MODE_PICKLE:
                raise ValueError("a pickled cache entry was refused")
            return super().fetch(mode, filename, value, read)

    return TextOnlyDisk


class ResponseCache:
    """diskcache store (safe across threads and processes) plus the run's occurrence counts.
    The folder is private to its owner (0700): it holds every prompt and reply of every run."""

    def __init__(self, directory: Path | None = None) -> None:
        import diskcache

        self.directory = Path(directory or default_cache_dir())
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.chmod(self.directory, 0o700)
        except OSError:  # a folder the user does not own (a shared cache they chose): leave it be
            pass
        self.store = diskcache.Cache(str(self.directory), disk=_text_only_disk())
        self._occurrences: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def next_key(self, digest: str) -> str:
        with self._lock:
            n = self._occurrences[digest]
            self._occurrences[digest] += 1
        return f"{digest}:{n}"

    def get(self, key: str) -> CreateResult | None:
        try:
            raw = self.store.get(key)
        except ValueError:  # an entry this cache never writes (pickled): a miss, never unpickled
            raw = None
        if not isinstance(raw, str):
            self.misses += 1
            return None
        self.hits += 1
        return CreateResult.model_validate_json(raw).model_copy(update={"cached": True})

    def put(self, key: str, result: CreateResult) -> None:
        self.store.set(key, result.model_dump_json())

    def count_anew(self) -> None:
        """Zero the hit and miss counts (a forked worker reports only its own)."""
        self.hits = self.misses = 0

    def close(self) -> None:
        self.store.close()

    # A Ray actor (scenarios/ray_engine.py) gets the cache as its folder and opens it there: on
    # another node, that node's own folder at the same path.
    def __getstate__(self) -> dict[str, Any]:
        return {"directory": str(self.directory)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(Path(state["directory"]))  # type: ignore[misc]


def _tool_schema(tool: Tool | ToolSchema) -> Any:
    return tool.schema if isinstance(tool, Tool) else tool


def request_digest(identity: Mapping[str, Any], messages: Sequence[LLMMessage], request: Mapping[str, Any]) -> str:
    """sha256 of everything that shapes the reply (not the cancellation token)."""
    json_output, tool_choice = request["json_output"], request["tool_choice"]
    if isinstance(json_output, type) and issubclass(json_output, BaseModel):
        output: Any = {"schema": json_output.model_json_schema()}
    else:
        output = json_output
    request = {
        "model": dict(identity),
        "messages": [m.model_dump(mode="json") for m in messages],
        "tools": [_tool_schema(t) for t in request["tools"]],
        "tool_choice": tool_choice if isinstance(tool_choice, str) else getattr(tool_choice, "name", str(tool_choice)),
        "output": output,
        "extra": dict(request["extra_create_args"]),
    }
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode("utf-8")).hexdigest()


class CachingClient(DelegatingClient):
    """Serves a repeated request from `cache`; `identity` names the model and its settings."""

    def __init__(self, inner: ChatCompletionClient, cache: ResponseCache, identity: Mapping[str, Any]) -> None:
        super().__init__(inner)
        self.cache = cache
        self.identity = dict(identity)

    async def forward(self, messages: list[LLMMessage], request: dict[str, Any]) -> CreateResult:
        key = self.cache.next_key(request_digest(self.identity, messages, request))
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        result = await self.inner.create(messages, **request)
        self.cache.put(key, result)
        return result
