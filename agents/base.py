"""The base of every role agent: an AutoGen chat agent that renders its prompt from a
file, asks the model for JSON matching a pydantic schema, and repairs invalid replies.

AutoGen's `AssistantAgent(output_content_type=...)` raises on the first invalid reply and
kills the team; here an invalid reply is sent back with the validation error (up to
`max_repairs` times) and only then fails the work item, keeping the raw reply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from string import Template
from typing import Any, ClassVar, TypeVar

from autogen_agentchat.agents import BaseChatAgent
from autogen_agentchat.base import Response
from autogen_agentchat.messages import BaseChatMessage, StructuredMessage
from autogen_core import CancellationToken
from autogen_core.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    LLMMessage,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
from pydantic import BaseModel, ValidationError

from ..backends.profiles import profile_of
from ..backends.structured import parse_reply
from ..errors import AgentsynthError, StructuredOutputError
from ..tools.fencing import is_fenced
from .relaxed import without_patterns

T = TypeVar("T", bound=BaseModel)

# How a runaway reply is asked for again: sampled, with its own seed, where the first was
# (by default, on in-process models) greedy.
RESHAPE_SAMPLING = {"temperature": 0.7, "seed": 7}

WIDE_SCRIPTS = ("ko", "ja", "zh")
WIDE_SCRIPT_TOKENS = 2.5  # token limits are multiplied by this for replies in those languages

@cache
def load_prompt(name: str) -> Template:
    """`agents/prompts/<name>.md` as a `string.Template` ($field placeholders)."""
    text = resources.files(__package__).joinpath("prompts", f"{name}.md").read_text(encoding="utf-8")
    return Template(text)


def prompt_exists(name: str) -> bool:
    return resources.files(__package__).joinpath("prompts", f"{name}.md").is_file()


def render_prompt(name: str, **fields: Any) -> str:
    return load_prompt(name).substitute(**{k: str(v) for k, v in fields.items()})


def render_system(name: str, **fields: Any) -> str:
    """A role's system prompt for a call that carries fenced text (tools/fencing.py) or tool
    results, with the rule that such text is material, never instructions. (Calls without
    any go without it: a small model does worse the more it is told.)"""
    return with_untrusted_rule(render_prompt(name, **fields))


def with_untrusted_rule(system: str) -> str:
    return f"{system.rstrip()}\n{load_prompt('untrusted').template.strip()}"


@cache
def load_examples(role: str, language: str | None = None) -> tuple[tuple[str, str], ...]:
    """Few-shot turns from `agents/prompts/<role>.examples.<language>.json` when there is one,
    else `<role>.examples.json` ([{user, assistant}]), if any.

    Small models follow a format and a task far better from two or three worked
    examples than from instructions alone, and write in the language their examples are in.
    """
    folder = resources.files(__package__).joinpath("prompts")
    path = folder.joinpath(f"{role}.examples.{language}.json")
    if not language or not path.is_file():
        path = folder.joinpath(f"{role}.examples.json")
    if not path.is_file():
        return ()
    examples = json.loads(path.read_text(encoding="utf-8"))
    return tuple((e["user"], json.dumps(e["assistant"], ensure_ascii=False)) for e in examples)


# Words a reply could only have copied from a few-shot example: names with a letter and a digit
# ("XR-5", "P3", "4K"), with an inner capital ("FlowMax"), or capitalised where no sentence starts.
_NAME_LIKE = re.compile(r"(?<![\w-])(?:[\w-]*(?:\d[\w-]*[A-Za-z]|[A-Za-z][\w-]*\d)[\w-]*|[A-Za-z]+[a-z][A-Z][\w-]*"
                        r"|(?<=[^.!?\s] )[A-Z][a-z]+)(?![\w-])")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in _strings(item)] if isinstance(value, list) else []


@cache
def _example_names(role: str, language: str | None) -> frozenset[str]:
    texts = [t for _, reply in load_examples(role, language) for t in _strings(json.loads(reply))]
    return frozenset(m.group() for text in texts for m in _NAME_LIKE.finditer(text))


def copied_from_examples(reply: str, prompt: str, role: str, language: str | None = None) -> list[str]:
    """The example-only names a reply repeats that the request itself never mentions."""
    names = _example_names(role, language)
    return sorted({m.group() for m in _NAME_LIKE.finditer(reply) if m.group() in names and m.group() not in prompt})


def _short_errors(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        location = ".".join(str(p) for p in item["loc"]) or "reply"
        parts.append(f"{location}: {item['msg']}")
    return "; ".join(parts)


class RoleAgent(BaseChatAgent):
    """An agent playing one role in a team; subclasses implement `observe` and `act`."""

    role: ClassVar[str]
    output_model: ClassVar[type[BaseModel]]
    max_tokens: ClassVar[int] = 800
    # A model that needs no grammar gets the reply schema without its string patterns (agents/relaxed.py);
    # a role whose patterns state what the user asked for (a custom agent's max_sentences) keeps them.
    relax_patterns: ClassVar[bool] = True

    def __init__(
        self,
        model_client: ChatCompletionClient,
        context: Any,
        *,
        name: str | None = None,
        description: str | None = None,
        max_repairs: int = 2,
    ) -> None:
        super().__init__(name or self.role, description or f"The {self.role.replace('_', ' ')}.")
        self.model_client = model_client
        self.context = context  # shared by the item's agents; has a `failure` slot
        self.max_repairs = max_repairs
        self._turn_usage = RequestUsage(prompt_tokens=0, completion_tokens=0)

    @property
    def produced_message_types(self) -> Sequence[type[BaseChatMessage]]:
        return (StructuredMessage[self.output_model],)  # type: ignore[name-defined]

    async def on_messages(self, messages: Sequence[BaseChatMessage], cancellation_token: CancellationToken) -> Response:
        for message in messages:
            # A swarm handoff carries the structured reply as its payload (teams/handoff.py).
            content = getattr(message, "payload", None) or getattr(message, "content", None)
            if isinstance(content, BaseModel):
                self.observe(content)
        self._turn_usage = RequestUsage(prompt_tokens=0, completion_tokens=0)
        try:
            output = await self.act(cancellation_token)
        except AgentsynthError as exc:
            # AutoGen re-raises agent errors as a plain RuntimeError string; keep the typed
            # error (a raw reply, a backend failure) where the scenario can find it.
            self.context.failure = exc
            raise
        message = StructuredMessage[self.output_model](  # type: ignore[name-defined]
            content=output, source=self.name, models_usage=self._turn_usage
        )
        return Response(chat_message=message)

    async def on_reset(self, cancellation_token: CancellationToken) -> None:
        raise RuntimeError("role agents are built fresh per work item; do not reset and reuse them")

    def system_prompt(self) -> str:
        """The system message of every call this agent makes."""
        return render_prompt(self.system_name(), **self.system_fields())

    def system_name(self) -> str:
        """This role's system prompt file: `<role>.system.strong.md` for a model of the chat or
        reasoning profile where the role has one (it may state the rules the checks enforce,
        which would only crowd a small model), else `<role>.system.md`."""
        strong = f"{self.role}.system.strong"
        return strong if not self.small_model and prompt_exists(strong) else f"{self.role}.system"

    @property
    def small_model(self) -> bool:
        """Is this role's model of the small profile (or a client without one: tests' scripted
        models)? Small models get short prompts: each added rule or passage costs them more
        than it tells them."""
        profile = profile_of(self.model_client)
        return profile is None or profile.name == "small"

    def system_fields(self) -> dict[str, Any]:
        """Placeholders of this role's system prompt file."""
        return {}

    def token_budget(self, tokens: int) -> int:
        """A reply's token limit: the role's, scaled for scripts that cost more tokens per word
        (Korean, Japanese and Chinese take two to three times the tokens of English in the
        tokenizers of small models, so the same reply would be cut off)."""
        language = getattr(self.context, "language", None)
        return int(tokens * WIDE_SCRIPT_TOKENS) if language in WIDE_SCRIPTS else tokens

    @property
    def grammar(self) -> bool:
        """Are this role's replies held to sentence patterns? For small models (the profile's
        `grammar`), and for a client without a profile (tests' scripted models)."""
        profile = profile_of(self.model_client)
        return profile is None or profile.grammar

    def examples_language(self) -> str | None:
        """The language this role's replies are written in, to pick its few-shot examples."""
        return None

    def observe(self, content: BaseModel) -> None:
        """Take what this role needs from a structured message another agent sent."""

    async def act(self, cancellation_token: CancellationToken) -> BaseModel:
        raise NotImplementedError

    async def complete(
        self, messages: list[LLMMessage], cancellation_token: CancellationToken, **kwargs: Any
    ) -> CreateResult:
        """One model call, with its usage counted on this turn's message."""
        result = await self.model_client.create(messages, cancellation_token=cancellation_token, **kwargs)
        self._turn_usage = RequestUsage(
            prompt_tokens=self._turn_usage.prompt_tokens + result.usage.prompt_tokens,
            completion_tokens=self._turn_usage.completion_tokens + result.usage.completion_tokens,
        )
        return result

    async def ask(
        self,
        reply_model: type[T],
        prompt: str,
        cancellation_token: CancellationToken,
        *,
        history: Sequence[LLMMessage] = (),
        max_tokens: int | None = None,
        examples: bool = True,
        sampling: dict[str, Any] | None = None,
        own_words: str | None = None,
    ) -> tuple[T, CreateResult]:
        """Ask for a reply matching `reply_model` (with `sampling` overriding the model's
        settings); repair invalid replies; raise `StructuredOutputError` (with the raw reply)
        when repairs run out. A reply may use a few-shot example's names only where the request
        has them: in `own_words` when given (the material, not the agent's earlier replies
        quoted back to it), else anywhere in the prompt."""
        profile = profile_of(self.model_client)
        if profile is not None and not profile.grammar and self.relax_patterns:  # patterns: small models' grammars
            reply_model = without_patterns(reply_model)
        examples = examples and (profile is None or profile.few_shots)  # written for small models
        shots: list[LLMMessage] = []
        language = self.examples_language() if examples else None
        for user, assistant in load_examples(self.role, language) if examples else ():
            shots += [UserMessage(content=user, source="example"), AssistantMessage(content=assistant, source="example")]
        system = self.system_prompt()
        if is_fenced(prompt) or history:  # material from documents or tools: say it is no instruction
            system = with_untrusted_rule(system)
        messages: list[LLMMessage] = [
            SystemMessage(content=system),
            *shots,
            *history,
            UserMessage(content=prompt, source="user"),
        ]
        extra = {"max_tokens": self.token_budget(max_tokens or self.max_tokens), **(sampling or {})}
        request = list(messages)
        raw, error, reshaped, repairs = "", "", False, 0
        while True:
            result = await self.complete(
                messages, cancellation_token, json_output=reply_model, extra_create_args=extra
            )
            raw = result.content if isinstance(result.content, str) else json.dumps(
                [c.model_dump() for c in result.content]
            )
            try:
                reply = parse_reply(raw, reply_model)
                ground = own_words if own_words is not None else prompt + "".join(str(m.content) for m in history)
                copied = copied_from_examples(raw, ground, self.role, language) if examples else []
                if not copied:
                    return reply, result
                error = (f"it copies {', '.join(repr(c) for c in copied)} from an example; those are not in this "
                         "request: write about what this request gives you")
            except ValidationError as exc:
                error = _short_errors(exc)
            if result.finish_reason == "length":
                # A reply cut off at max_tokens (or stopped in a loop) is a runaway generation, not
                # a format slip: a repair request only buys the same loop. Ask once more, from the
                # top, with other sampling and a nudge to be brief.
                if reshaped:
                    raise StructuredOutputError(self.role, raw, "reply cut off at the token limit")
                reshaped = True
                messages, extra = self._reshaped(request, extra)
                continue
            if repairs == self.max_repairs:
                raise StructuredOutputError(self.role, raw, error)
            repairs += 1
            messages += [
                AssistantMessage(content=raw, source=self.name),
                UserMessage(
                    content=render_prompt("repair", error=error, schema=json.dumps(reply_model.model_json_schema())),
                    source="user",
                ),
            ]

    async def complete_text(self, messages: list[LLMMessage], cancellation_token: CancellationToken, *,
                            max_tokens: int | None = None) -> CreateResult:
        """A free-text reply, asked once more (other sampling, a nudge to be brief) when the first
        one runs away; the second result stands either way."""
        extra: dict[str, Any] = {"max_tokens": self.token_budget(max_tokens or self.max_tokens)}
        result = await self.complete(messages, cancellation_token, extra_create_args=extra)
        if result.finish_reason != "length":
            return result
        messages, extra = self._reshaped(messages, extra)
        return await self.complete(messages, cancellation_token, extra_create_args=extra)

    def note_reshape(self) -> None:
        """Count a reply asked for again because the first ran away (the manifest's `reshaped`)."""
        note = getattr(self.model_client, "note_reshape", None)
        if note is not None:
            note()

    def _reshaped(self, request: list[LLMMessage], extra: dict[str, Any]) -> tuple[list[LLMMessage], dict[str, Any]]:
        """The first request again (no repair turns), its last message nudged to be brief, sampled
        differently: a greedy decoder would write the same loop again."""
        self.note_reshape()
        *head, asked = request
        if isinstance(asked, UserMessage) and isinstance(asked.content, str):
            nudged: list[LLMMessage] = [UserMessage(content=asked.content + render_prompt("reshape"),
                                                    source=asked.source)]
        else:
            nudged = [asked, UserMessage(content=render_prompt("reshape").strip(), source="user")]
        return [*head, *nudged], {**extra, **RESHAPE_SAMPLING}
