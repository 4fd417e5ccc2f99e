"""Retries with backoff, and a per-backend concurrency limit that adapts to rate limits.

Transient failures (429, 5xx, 408/409, timeouts, dropped connections) are retried with
exponential backoff and jitter, waiting at least what `Retry-After` asks. The SDKs'
own retries are switched off so that this is the one policy, and every 429 also halves
the backend's concurrency limit (AIMD), which climbs back one step per run of successes.
"""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage

from ..errors import BackendError
from .client_base import DelegatingClient


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6  # per call, counting failures other than rate limits
    max_rate_limited: int = 20  # 429s per call: a request to wait, not an error
    base_delay: float = 1.0  # seconds; doubles per attempt
    max_delay: float = 60.0
    timeout: float = 120.0  # per model call
    # A server asking for a longer wait (an exhausted quota says "come back tomorrow") stops the
    # run cleanly instead: it can be resumed once the backend serves again.
    max_retry_after: float = 300.0
    # Calls in a row (any role, any item) that used up their retries on a transient failure:
    # a backend that times out or answers 5xx/429 this often is down, and every further item
    # would spend max_attempts × timeout finding that out. Stop cleanly (resumable) instead.
    max_consecutive_give_ups: int = 3


@dataclass
class Failure:
    kind: str  # "rate_limited" | "server_error" | "timeout" | "connection" | "client_error"
    retryable: bool
    status: int | None = None
    retry_after: float | None = None


def _retry_after(error: BaseException) -> float | None:
    """Seconds the server asks to wait (`retry-after-ms`, `retry-after` in seconds or as an HTTP
    date); None when it says nothing usable. A value that cannot be read is ignored, never raised:
    the retry still happens, on the usual backoff."""
    response = getattr(error, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    if (ms := _seconds(headers.get("retry-after-ms"))) is not None:
        return ms / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    if (seconds := _seconds(value)) is not None:
        return seconds
    try:
        parsed = email.utils.parsedate_to_datetime(value)  # an HTTP date
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, parsed.timestamp() - time.time())


def _seconds(value: Any) -> float | None:
    """A finite, non-negative number of seconds from a header value, else None."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, number) if math.isfinite(number) else None


# The OpenAI SDK's aiohttp transport re-raises every aiohttp connection error as httpx's
# ConnectTimeout; the original, at the root of the exception chain, says what happened.
_AIOHTTP_DROPPED = {"ServerDisconnectedError", "ClientOSError", "ClientPayloadError"}
_AIOHTTP_UNREACHABLE = {"ClientConnectorError", "ClientConnectorDNSError"}


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify(error: BaseException) -> Failure:
    """What kind of failure this is, across the OpenAI SDK (httpx or aiohttp), Ollama and httpx."""
    if isinstance(error, (asyncio.TimeoutError, TimeoutError)):
        return Failure("timeout", True)
    causes = {type(e).__name__ for e in _chain(error)}
    if causes & _AIOHTTP_UNREACHABLE:
        return Failure("unreachable", True)
    if causes & _AIOHTTP_DROPPED:
        return Failure("connection", True)
    name = type(error).__name__
    if name in ("ClientAuthenticationError", "CredentialUnavailableError"):  # azure-identity
        return Failure("auth", False)
    if "Timeout" in name:
        return Failure("timeout", True)
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        if status == 429:
            return Failure("rate_limited", True, status, _retry_after(error))
        if status in (408, 409) or status >= 500:
            return Failure("server_error", True, status, _retry_after(error))
        return Failure("client_error", False, status)
    cause = error.__cause__ or error.__context__
    if name == "ConnectError" or type(cause).__name__ == "ConnectError" or isinstance(error, ConnectionRefusedError):
        return Failure("unreachable", True)  # nothing listening, or no route: not a dropped reply
    connection_errors = ("APIConnectionError", "ConnectionError", "RemoteProtocolError", "ReadError", "WriteError",
                         "NetworkError", "ConnectionResetError", "ServerDisconnectedError")
    if name in connection_errors or isinstance(error, ConnectionError):
        return Failure("connection", True)
    return Failure("client_error", False)


_FIXES = {
    401: "the API key was refused: check the key variable in your environment",
    403: "access denied: check the key's permissions or your Entra ID role",
    404: "not found: check the model or deployment name and the endpoint / --base-url",
}


ENTRA_FIX = "no Entra ID token: sign in with `az login` (or use a managed identity), or set AZURE_OPENAI_API_KEY"


class AdaptiveLimiter:
    """At most `limit` calls in flight to one backend; AIMD on rate limits."""

    def __init__(self, max_limit: int, *, cooldown: float = 0.25) -> None:
        self.max_limit = max(1, max_limit)
        self.limit = self.max_limit
        self.lowest = self.limit
        self.in_flight = 0
        self.cooldown = cooldown
        self._streak = 0
        self._last_cut = float("-inf")
        self._last_limited = float("-inf")
        self._condition: asyncio.Condition | None = None

    def _cond(self) -> asyncio.Condition:
        if self._condition is None:
            self._condition = asyncio.Condition()
        return self._condition

    async def __aenter__(self) -> "AdaptiveLimiter":
        async with self._cond():
            await self._cond().wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
        return self

    async def __aexit__(self, *exc: object) -> None:
        async with self._cond():
            self.in_flight -= 1
            self._cond().notify_all()

    def rate_limited(self) -> None:
        # One cut per cooldown: a burst of 429s from calls already in flight is one signal.
        now = time.monotonic()
        self._last_limited = now
        if now - self._last_cut >= self.cooldown:
            self.limit = max(1, self.limit // 2)
            self.lowest = min(self.lowest, self.limit)
            self._last_cut = now
        self._streak = 0

    async def succeeded(self) -> None:
        self._streak += 1
        # Probe one call higher only after a quiet cooldown: probing again as soon as a fast
        # backend answers twice keeps the limit above capacity, and the same unlucky call can
        # collect a 429 on every retry until it gives up.
        quiet = time.monotonic() - self._last_limited >= self.cooldown
        if self.limit < self.max_limit and self._streak >= self.limit and quiet:
            self.limit += 1
            self._streak = 0
            async with self._cond():
                self._cond().notify_all()


@dataclass
class BackendStats:
    calls: int = 0
    attempts: int = 0
    retries: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    gave_up: int = 0
    gave_up_in_a_row: int = 0  # transient give-ups since the last answer


class ResilientClient(DelegatingClient):
    """Retries transient failures of `inner` and shares `limiter` with the other roles
    that call the same backend."""

    def __init__(
        self, inner: ChatCompletionClient, *, backend: str, policy: RetryPolicy, limiter: AdaptiveLimiter,
        stats: BackendStats, on_fatal: Any = None,
    ) -> None:
        super().__init__(inner)
        self.backend = backend
        self.policy = policy
        self.limiter = limiter
        self.stats = stats
        self.on_fatal = on_fatal  # called with the BackendError when the backend cannot serve at all

    async def forward(self, messages: list[LLMMessage], request: dict[str, Any]) -> CreateResult:
        self.stats.calls += 1
        policy = self.policy
        errors = rate_limited = 0
        while True:
            self.stats.attempts += 1
            try:
                async with self.limiter:
                    result = await asyncio.wait_for(self.inner.create(messages, **request), timeout=policy.timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failure = classify(exc)
                self.stats.failures[failure.kind] = self.stats.failures.get(failure.kind, 0) + 1
                if failure.kind == "rate_limited":
                    self.limiter.rate_limited()
                    rate_limited += 1
                else:
                    errors += 1
                attempts = errors + rate_limited
                if not failure.retryable or errors >= policy.max_attempts or rate_limited >= policy.max_rate_limited:
                    raise self._give_up(exc, failure, attempts) from exc
                if failure.retry_after is not None and failure.retry_after > policy.max_retry_after:
                    raise self._wait_refused(failure.retry_after) from exc
                self.stats.retries += 1
                await asyncio.sleep(self._delay(attempts - 1, failure.retry_after))
                continue
            await self.limiter.succeeded()
            self.stats.gave_up_in_a_row = 0
            return result

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.policy.max_delay, self.policy.base_delay * 2**attempt)
        delay = random.uniform(backoff / 2, backoff)  # jitter: concurrent callers do not retry in step
        if retry_after is not None:
            delay = max(delay, retry_after)  # the server's wish is the floor
        return delay

    def _wait_refused(self, seconds: float) -> BackendError:
        """The server wants a wait longer than any worth sitting through: stop the run cleanly."""
        self.stats.gave_up += 1
        error = BackendError(self.backend, f"the server asks to wait {_duration(seconds)} before the next request "
                                           f"(more than the {_duration(self.policy.max_retry_after)} this run waits; "
                                           "a spent quota?): resume the run with --resume once it serves again",
                             fatal=True)
        if self.on_fatal is not None:
            self.on_fatal(error)
        return error

    def _give_up(self, error: BaseException, failure: Failure, attempts: int) -> BackendError:
        self.stats.gave_up += 1
        detail = _describe(error, failure)
        if not failure.retryable:
            fix = ENTRA_FIX if failure.kind == "auth" else _FIXES.get(failure.status or 0)
            fatal = fix is not None
            backend_error = BackendError(self.backend, f"{detail}" + (f" ({fix})" if fix else ""), fatal=fatal)
            if fatal and self.on_fatal is not None:
                self.on_fatal(backend_error)
            return backend_error
        # A backend that cannot be reached at all after every retry will not serve the next item
        # either; nor will one whose calls keep giving up with no answer in between.
        self.stats.gave_up_in_a_row += 1
        in_a_row = self.stats.gave_up_in_a_row
        fatal = failure.kind == "unreachable" or in_a_row >= self.policy.max_consecutive_give_ups
        message = f"{detail}, still failing after {attempts} attempts"
        if fatal and failure.kind != "unreachable":
            message += (f"; {in_a_row} calls in a row gave up with no answer in between: the backend looks down, "
                        "so the run stops here; resume it with --resume once it serves again")
        backend_error = BackendError(self.backend, message, fatal=fatal)
        if fatal and self.on_fatal is not None:
            self.on_fatal(backend_error)
        return backend_error


def _duration(seconds: float) -> str:
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit}"
    return f"{seconds:.0f} s"


def _describe(error: BaseException, failure: Failure) -> str:
    if failure.kind == "timeout":
        return "timed out"
    if failure.kind == "unreachable":
        return f"cannot connect ({type(error).__name__})"
    if failure.kind == "connection":
        return f"connection dropped ({type(error).__name__})"
    message = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
    return f"HTTP {failure.status}: {message}" if failure.status else message
