"""The run config (`--config run.yaml`): models per agent role, budgets, retries, cache.

    default:                      # every role, unless a role says otherwise
      model: openai-compatible:qwen2.5-7b-instruct
      base_url: http://localhost:8000/v1
      temperature: 0.2
    roles:
      critic:                     # a strong judge
        model: azure:gpt-4o
        temperature: 0
    concurrency: 16
    workers: 2                    # processes running items (default: one per 16 in flight)
    engine: ray                   # run them as actors of a Ray cluster (default: local)
    ray_address: auto             # the cluster to join (default: a local Ray instance)
    budget: {max_cost: 5.00}

A role that names its own model inherits the default's sampling settings, and its
endpoint only when both are of the same provider (another model on the same server);
never its capabilities or price. CLI flags override the file. Keys never live
here: a config holding one is refused.
"""

from __future__ import annotations

import re

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .backends.models import ModelSettings
from .backends.resilience import RetryPolicy
from .errors import InputError
from .tools.encoding import read_utf8
from .tools.yaml_bounds import load_bounded
from .tools.urls import without_credentials

SECRET_FIELDS = {"api_key", "apikey", "key", "secret", "client_secret", "password", "token", "access_token",
                 "azure_ad_token", "bearer_token", "authorization", "api_token"}
INHERITED_BY_ROLES = {"temperature", "max_tokens", "seed", "timeout"}
KEY_VARIABLES = "OPENAI_API_KEY, AZURE_OPENAI_API_KEY, OPENAI_COMPATIBLE_API_KEY or the variable named by api_key_env"


class BudgetConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_cost: float | None = Field(default=None, gt=0)  # US dollars, estimated from the price table
    max_tokens: int | None = Field(default=None, gt=0)  # prompt + completion, all roles


class RetryConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_attempts: int = Field(default=6, ge=1)
    max_rate_limited: int = Field(default=20, ge=1)
    base_delay: float = Field(default=1.0, ge=0)
    max_delay: float = Field(default=60.0, ge=0)
    timeout: float = Field(default=120.0, gt=0)
    max_retry_after: float = Field(default=300.0, ge=0)  # a longer Retry-After stops the run (resumable)
    max_consecutive_give_ups: int = Field(default=3, ge=1)  # calls in a row out of retries: the backend is down

    def policy(self) -> RetryPolicy:
        return RetryPolicy(**self.model_dump())


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default: ModelSettings = ModelSettings()
    roles: dict[str, ModelSettings] = {}
    concurrency: int | None = Field(default=None, gt=0)  # work items in flight
    workers: int | None = Field(default=None, gt=0)  # processes running items
    engine: Literal["local", "ray"] = "local"  # where they run: forked here, or Ray actors
    ray_address: str | None = None  # a Ray cluster to join ('auto', 'HOST:6379', 'ray://HOST:10001')
    cache: bool = True
    cache_dir: Path | None = None
    budget: BudgetConfig = BudgetConfig()
    retries: RetryConfig = RetryConfig()

    def for_role(self, role: str) -> ModelSettings:
        entry = self.roles.get(role)
        if entry is None:
            return self.default
        given = entry.model_dump(include=entry.model_fields_set)
        if "model" in given and given["model"] != self.default.model:
            shared = set(INHERITED_BY_ROLES)
            if entry.spec.provider == self.default.spec.provider:  # the same server, another model on it
                shared |= {"base_url", "api_key_env"}
            inherited = self.default.model_dump(include=shared, exclude_none=True)
            return ModelSettings(**{**inherited, **given})
        return self.default.model_copy(update=given)

    def check_roles(self, known: tuple[str, ...], source: str = "run config") -> None:
        unknown = sorted(set(self.roles) - set(known))
        if unknown:
            raise InputError(source, f"roles.{unknown[0]}: unknown role (this scenario's roles: {', '.join(known)})")


def load_run_config(path: Path) -> RunConfig:
    """Read and validate a YAML (or JSON) run config; every problem is one line naming
    the file, the line and the field."""
    text = read_utf8(path, "run config")
    try:
        data, root = load_bounded(text, path)
        data = data or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise InputError(path, f"{where}not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise InputError(path, "a run config is a mapping (default:, roles:, ...)")
    if secret := _find_secret(data):
        loc, reason = secret
        raise InputError(path, f"{_where(root, loc)}{'.'.join(map(str, loc))}: {reason}; keys are read only from the "
                               f"environment ({KEY_VARIABLES}): remove it from the file")
    try:
        return RunConfig.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(path, f"{_where(root, loc)}{'.'.join(map(str, loc)) or 'config'}: {error['msg']}{more}") from None


# An environment variable's NAME: letters, digits and underscores. A long value mixing lower
# case and digits is a key pasted where its variable's name belongs (and would be printed in
# "environment variable … is not set").
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_KEY_LIKE = re.compile(r"^(?=.*[a-z])(?=.*\d)[A-Za-z0-9_\-+/=.]{16,}$")


def _find_secret(node: Any, loc: tuple = ()) -> tuple[tuple, str] | None:
    if isinstance(node, dict):
        for key, value in node.items():
            name = str(key).lower().replace("-", "_")
            if name in SECRET_FIELDS and value not in (None, ""):
                return (*loc, key), "looks like a secret"
            if name.endswith("_env") and isinstance(value, str) and (not _ENV_NAME.match(value)
                                                                    or _KEY_LIKE.match(value)):
                return (*loc, key), "must name an environment variable (e.g. MY_API_KEY), not hold the key"
            if name == "base_url" and isinstance(value, str) and without_credentials(value) != value:
                return (*loc, key), "holds a user name and password (user:pass@host)"
            if found := _find_secret(value, (*loc, key)):
                return found
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if found := _find_secret(value, (*loc, i)):
                return found
    elif isinstance(node, str) and node.startswith(("sk-", "sk_")) and len(node) >= 20:
        return loc, "holds what looks like an API key"
    return None


def _where(root: Any, loc: tuple) -> str:
    """'line N: ' of the deepest YAML node on the path `loc`, if it can be found."""
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return f"line {line}: " if line else ""
