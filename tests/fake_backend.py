"""A loopback model server for tests that speaks three wire protocols:

- OpenAI and OpenAI-compatible: POST /v1/chat/completions
- Azure OpenAI: POST /openai/deployments/<deployment>/chat/completions?api-version=...
  (with an `api-key` header)
- Ollama: POST /api/chat

Replies come from the scripted handlers (tests/scripted.py), chosen by the title of the
JSON schema the request carries, so a whole scenario runs through it. `faults` injects
failures by request number: 429 with Retry-After, 5xx, slow replies, dropped connections,
invalid JSON, replies that fail the schema. Every request is logged for assertions.

`reasoning_tokens` plays a reasoning model (o-series, GPT-5): it refuses `max_tokens` and
sampling parameters with a 400, as OpenAI does, and spends that many hidden tokens before it
writes, all counted against `max_completion_tokens`; a limit that leaves too little room gets
an empty reply cut off at the limit.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from autogen_core.models import AssistantMessage, SystemMessage, UserMessage
from scripted import DEFAULT_HANDLERS

SCHEMA_IN_PROMPT = re.compile(r"matches this JSON schema[^\n]*\n(\{.*\})\s*$", re.DOTALL)


class _QuietServer(ThreadingHTTPServer):
    request_queue_size = 512  # benchmarks open hundreds of connections at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that time out and hang up are part of the tests


@dataclass
class Fault:
    status: int | None = None  # reply with this HTTP status
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before replying
    drop: bool = False  # close the connection without a reply
    content: str | None = None  # reply with this message content instead of the scripted one


@dataclass
class Request:
    number: int
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: dict[str, Any]
    schema_title: str | None
    client_port: int = 0  # the port the request came from (which process sent it: psutil.net_connections)


class FakeBackend:
    def __init__(
        self,
        *,
        faults: Callable[[Request], Fault | None] | None = None,
        handlers: dict[str, Any] | None = None,
        reject_json_schema: bool = False,
        max_concurrent: int | None = None,
        latency: float = 0.0,
        azure_key: str = "test-key",
        port: int = 0,
        reasoning_tokens: int = 0,
    ) -> None:
        self.reasoning_tokens = reasoning_tokens
        self.faults = faults
        self.handlers = {**DEFAULT_HANDLERS, "Ping": lambda messages, schema: {"ok": True}, **(handlers or {})}
        self.reject_json_schema = reject_json_schema  # like llama-cpp-python's server
        self.max_concurrent = max_concurrent  # answer 429 above this many requests in flight
        self.azure_key = azure_key
        self.latency = latency  # seconds every accepted request takes
        self.requests: list[Request] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", port), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "FakeBackend":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def titles(self) -> list[str | None]:
        return [r.schema_title for r in self.requests]

    # -- request handling ----------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        backend = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in two writes: without this, Nagle's algorithm and the
                # client's delayed ACK add ~40 ms to every reply.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self) -> None:
                arrived = time.monotonic()
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                backend._serve(self, body, arrived)

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _serve(self, http: Any, body: dict[str, Any], arrived: float) -> None:
        url = urlparse(http.path)
        protocol = "ollama" if url.path == "/api/chat" else "azure" if url.path.startswith("/openai/deployments/") else "openai"
        schema = _schema_of(body, protocol)
        with self._lock:
            request = Request(len(self.requests) + 1, url.path, parse_qs(url.query), dict(http.headers), body,
                              schema.get("title") if schema else None, http.client_address[1])
            self.requests.append(request)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            crowded = self.max_concurrent is not None and self.in_flight > self.max_concurrent
        released = False

        def release() -> None:
            nonlocal released
            with self._lock:
                if not released:
                    self.in_flight -= 1
                    released = True

        def send(status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            # The slot is free once the reply is ready: a client that sends its next request the
            # moment this one arrives must not find it still counted.
            release()
            http._send(status, payload, headers)

        try:
            if crowded:
                send(429, {"error": {"message": "Too many requests", "type": "rate_limit"}}, {"retry-after": "0"})
                return
            if protocol == "azure" and http.headers.get("api-key") != self.azure_key:
                send(401, {"error": {"code": "401", "message": "Access denied due to invalid subscription key"}})
                return
            if protocol == "azure" and "api-version" not in request.query:
                send(404, {"error": {"code": "404", "message": "Resource not found"}})
                return
            if self.reject_json_schema and body.get("response_format", {}).get("type") == "json_schema":
                send(422, {"detail": [{"loc": ["body", "response_format", "type"],
                                             "msg": "Input should be 'text' or 'json_object'"}]})
                return
            refused = [name for name in ("max_tokens", "temperature", "top_p", "presence_penalty", "frequency_penalty")
                       if name in body] if self.reasoning_tokens else []
            if refused:
                send(400, {"error": {"message": f"Unsupported parameter: '{refused[0]}' is not supported with this "
                                                "model.", "type": "invalid_request_error", "param": refused[0],
                                     "code": "unsupported_parameter"}})
                return
            fault = self.faults(request) if self.faults else None
            content = ""
            if fault and fault.content is not None:
                content = fault.content
            elif not (fault and (fault.drop or fault.status)):
                content = self._reply(body, schema)
            # `latency` is the time from request to reply, however long the reply took to make.
            time.sleep(max(0.0, arrived + self.latency - time.monotonic()))
            if fault and fault.delay:
                time.sleep(fault.delay)
            if fault and fault.drop:
                http.connection.shutdown(socket.SHUT_RDWR)
                http.close_connection = True
                return
            if fault and fault.status:
                send(fault.status, {"error": {"message": f"injected {fault.status}"}}, fault.headers)
                return
            prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
            completion_tokens = len(content.split())
            finish_reason = "stop"
            if self.reasoning_tokens:
                limit = body.get("max_completion_tokens")
                completion_tokens += self.reasoning_tokens
                if limit is not None and completion_tokens > limit:  # the reasoning used up the room to answer
                    content, completion_tokens, finish_reason = "", limit, "length"
            if protocol == "ollama":
                send(200, {
                    "model": body.get("model"), "created_at": "2026-01-01T00:00:00Z",
                    "message": {"role": "assistant", "content": content}, "done": True, "done_reason": "stop",
                    "prompt_eval_count": prompt_tokens, "eval_count": completion_tokens,
                })
            else:
                send(200, {
                    "id": f"chatcmpl-{request.number}", "object": "chat.completion", "created": 0,
                    "model": body.get("model", "fake"),
                    "choices": [{"index": 0, "finish_reason": finish_reason,
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                              "total_tokens": prompt_tokens + completion_tokens},
                })
        finally:
            release()

    def _reply(self, body: dict[str, Any], schema: dict[str, Any] | None) -> str:
        messages = [_to_llm_message(m) for m in body.get("messages", [])]
        handler = self.handlers.get((schema or {}).get("title", ""), "")
        content = handler(messages, schema or {}) if callable(handler) else handler
        return content if isinstance(content, str) else json.dumps(content)


def _schema_of(body: dict[str, Any], protocol: str) -> dict[str, Any] | None:
    if protocol == "ollama":
        fmt = body.get("format")
        return fmt if isinstance(fmt, dict) else None
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return response_format["json_schema"]["schema"]
    if isinstance(response_format.get("schema"), dict):
        return response_format["schema"]
    for message in body.get("messages", []):  # JSON mode: the schema is in the system prompt
        if message.get("role") == "system" and (match := SCHEMA_IN_PROMPT.search(str(message.get("content", "")))):
            return json.loads(match.group(1))
    return None


def _to_llm_message(message: dict[str, Any]) -> Any:
    content = message.get("content") or ""
    if isinstance(content, list):
        content = "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
    if message.get("role") == "system":
        return SystemMessage(content=content)
    if message.get("role") == "assistant":
        return AssistantMessage(content=content, source="assistant")
    return UserMessage(content=content, source="user")
