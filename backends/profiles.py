"""Model profiles: what the project changes with a model's class.

The roles' prompts, reply limits and grammars were made for a 135M in-process model; a
GPT-4o-class model held to them writes shorter answers than it should, and a reasoning model
(o-series, GPT-5) spends hidden reasoning tokens inside the same completion limit, so it comes
back empty or cut off. Each model gets one of three profiles, derived from its spec and
overridable per model in the run config (`profile:`, `reasoning_effort:`):

- small: in-process models (and any model a user marks so). Sentence-bounded grammars, the
  roles' few-shot examples, each role's own reply limit, extractive answers, and a critic
  model that may only object in ways the checks confirm.
- chat: API chat models. No few-shots (written for small models), no sentence patterns, four
  times each role's reply limit, free answers, the critic model trusted.
- reasoning: o-series, GPT-5 (not gpt-5-chat), DeepSeek-R1, QwQ. As chat, plus room for hidden
  reasoning in the completion limit, no sampling parameters (these models refuse them), and
  `reasoning_effort` sent when the config gives one.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from autogen_core.models import ChatCompletionClient, CreateResult, LLMMessage
from pydantic import BaseModel, ConfigDict

from ..errors import AgentsynthError
from .client_base import DelegatingClient

ProfileName = Literal["small", "chat", "reasoning"]
ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh"]

# Sampling parameters reasoning models refuse (OpenAI's o-series and GPT-5 answer 400 to them).
REFUSED_BY_REASONING = ("temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs",
                        "top_logprobs", "logit_bias", "repeat_penalty")

# OpenAI suggests reserving about 25,000 tokens for reasoning and output when starting out.
REASONING_TOKENS = 25_000
CHAT_TOKEN_SCALE = 4.0  # the roles' own limits were sized for a 135M model's short replies


class ModelProfile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ProfileName
    grammar: bool  # replies held to a number of sentences by their schema
    few_shots: bool  # the roles' worked examples go with each request
    token_scale: float  # times each role's own reply limit
    reasoning_tokens: int  # added to the limit: hidden reasoning counts against it
    sampling: bool  # temperature and other sampling parameters may be sent
    reasoning_effort: ReasoningEffort | None = None
    answer_style: Literal["extractive", "free"]
    critic_trust: Literal["verify", "full"]

    def reply_limit(self, role_tokens: int) -> int:
        """The completion limit sent for a reply the role budgets `role_tokens` for."""
        return int(role_tokens * self.token_scale) + self.reasoning_tokens

    def describe(self) -> str:
        """One line in words, for --check-model and the dry run."""
        parts = [
            "sentence-bounded grammars" if self.grammar else "no sentence patterns",
            "few-shot examples" if self.few_shots else "no few-shots",
            f"reply limits x{self.token_scale:g}" + (f" + {self.reasoning_tokens:,} for reasoning"
                                                      if self.reasoning_tokens else ""),
            "sampling settings sent" if self.sampling else "no sampling settings (refused by reasoning models)",
            f"{self.answer_style} answers", f"critic trust {self.critic_trust}",
        ]
        if self.reasoning_effort:
            parts.append(f"reasoning_effort {self.reasoning_effort}")
        return f"{self.name}: " + ", ".join(parts)


PROFILES: dict[str, ModelProfile] = {
    "small": ModelProfile(name="small", grammar=True, few_shots=True, token_scale=1.0, reasoning_tokens=0,
                          sampling=True, answer_style="extractive", critic_trust="verify"),
    "chat": ModelProfile(name="chat", grammar=False, few_shots=False, token_scale=CHAT_TOKEN_SCALE,
                         reasoning_tokens=0, sampling=True, answer_style="free", critic_trust="full"),
    "reasoning": ModelProfile(name="reasoning", grammar=False, few_shots=False, token_scale=CHAT_TOKEN_SCALE,
                              reasoning_tokens=REASONING_TOKENS, sampling=False, answer_style="free",
                              critic_trust="full"),
}

# Model names of reasoning models (also behind an Azure deployment's `model_name`, or an
# Ollama tag such as deepseek-r1:7b). gpt-5-chat is GPT-5's non-reasoning chat model.
_REASONING_NAME = re.compile(r"^(?:o\d+(?:$|[-_.:])|gpt-5(?!-chat)|deepseek-r1|deepseek-reasoner|qwq)", re.IGNORECASE)


def is_reasoning_model(name: str) -> bool:
    return bool(_REASONING_NAME.match(name.rsplit("/", 1)[-1].strip()))


def profile_for(settings: Any) -> ModelProfile:
    """The profile of a model's settings (`ModelSettings`): the one it names, else in-process →
    small, a reasoning model's name → reasoning, anything else → chat."""
    name = settings.profile
    if name is None:
        spec = settings.spec
        name = "small" if spec.in_process else "reasoning" if is_reasoning_model(
            settings.model_name or spec.name) else "chat"
    profile = PROFILES[name]
    if settings.reasoning_effort is not None:
        profile = profile.model_copy(update={"reasoning_effort": settings.reasoning_effort})
    return profile


def check_profile(settings: Any, role: str, *, user_temperature: bool) -> None:
    """One line naming the role when its settings contradict its model's profile: a temperature
    the user set for a reasoning model (it would answer 400 to every call), a reasoning effort
    for a model that does not reason or a backend that takes none."""
    profile = profile_for(settings)
    label = settings.spec.label
    if user_temperature and settings.temperature is not None and not profile.sampling:
        raise AgentsynthError(
            f"role {role}: {label} is a reasoning model (profile reasoning), which accepts only its default "
            "temperature; remove the temperature, or set `profile: chat` for it in the run config if it is not one")
    if settings.reasoning_effort is not None:
        if profile.name != "reasoning":
            raise AgentsynthError(f"role {role}: reasoning_effort is for reasoning models, and {label} has profile "
                                  f"{profile.name}; set `profile: reasoning` for it if it reasons")
        if settings.spec.provider not in ("openai", "azure", "openai-compatible"):
            raise AgentsynthError(f"role {role}: reasoning_effort is sent only to OpenAI-protocol servers, not to "
                                  f"{label}")


class ProfiledClient(DelegatingClient):
    """Applies a model's profile to each call: the role's reply limit scaled (plus room for hidden
    reasoning), sampling parameters a reasoning model refuses left out (a re-ask's other
    temperature among them), the configured reasoning effort sent. The roles read `profile`
    to choose few-shots and grammars."""

    def __init__(self, inner: ChatCompletionClient, profile: ModelProfile) -> None:
        super().__init__(inner)
        self._profile = profile

    @property
    def profile(self) -> ModelProfile:
        return self._profile

    async def forward(self, messages: list[LLMMessage], request: dict[str, Any]) -> CreateResult:
        extra = request["extra_create_args"]
        if "max_tokens" in extra:
            extra["max_tokens"] = self._profile.reply_limit(extra["max_tokens"])
        if not self._profile.sampling:
            for name in REFUSED_BY_REASONING:
                extra.pop(name, None)
        if self._profile.reasoning_effort:
            extra.setdefault("reasoning_effort", self._profile.reasoning_effort)
        return await self.inner.create(messages, **request)


def profile_of(client: Any) -> ModelProfile | None:
    """The profile a client applies (None for a client built outside `Backends`, e.g. a test's
    scripted model, which then gets the roles' defaults: few-shots on)."""
    return getattr(client, "profile", None)
