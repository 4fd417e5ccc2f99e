"""Magpie (Xu et al. 2024): an aligned model writes the user's turn itself when it is given
only the chat template up to where a user message starts (the "pre-query template"); then
it answers that turn as usual. No instruction, seed or example is given.

The pre-query template is read from the model's own chat template (GGUF metadata): the
template is rendered with a sentinel as the user message and cut at the sentinel, so it
works for any GGUF with a chat template, not one hard-coded format. This needs raw text
completion on a local model; a chat API wraps every turn in the template itself, so the
model could never write the user turn: `find_local_model` says so.
"""

from __future__ import annotations

from collections.abc import Callable

from autogen_core import CancellationToken
from autogen_core.models import (
    AssistantMessage,
    ChatCompletionClient,
    LLMMessage,
    RequestUsage,
    SystemMessage,
    UserMessage,
)
from pydantic import BaseModel

from ..backends.local_llama import LocalLlamaClient
from ..errors import AgentsynthError
from .base import RoleAgent
from .instructions import AnswersOutput, Instruction, InstructionAnswer, InstructionContext, InstructionsOutput

SENTINEL = "\u0000MAGPIE-USER-TURN\u0000"
USER_TEMPERATURE = 1.0  # the paper samples the query at temperature 1 and top-p 1
# Sized for what each writes: a user turn is a request of a few sentences; an assistant turn
# may be a recipe or a step-by-step explanation (600 cut off one in seven on unseen prompts).
USER_MAX_TOKENS = 256
ANSWER_MAX_TOKENS = 1024
RESHAPE_SEED_STEP = 7919  # a re-written user turn's seed is this far from the first one's


def find_local_model(client: ChatCompletionClient) -> LocalLlamaClient | None:
    """The in-process model under the metering, caching and limit layers, if there is one."""
    while not isinstance(client, LocalLlamaClient):
        inner = getattr(client, "inner", None)
        if inner is None:
            return None
        client = inner
    return client


def pre_query_template(model: LocalLlamaClient, conversation: list[dict[str, str]]) -> tuple[str, list[str]]:
    """(the prompt up to where the next user message starts, stop strings that end it)."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    found = model.chat_template()
    if found is None:
        raise AgentsynthError(f"{model.model_name}: the GGUF has no chat template, so Magpie cannot find where a "
                              "user turn starts")
    template, bos, eos = found
    rendered = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos, add_generation_prompt=False)(
        messages=[*conversation, {"role": "user", "content": SENTINEL}]).prompt
    if SENTINEL not in rendered:
        raise AgentsynthError(f"{model.model_name}: its chat template drops the user message; cannot build Magpie's "
                              "pre-query template")
    prefix, suffix = rendered.split(SENTINEL, 1)
    end_of_turn = suffix.strip().split("\n")[0] or eos
    return prefix, [s for s in dict.fromkeys([end_of_turn, eos]) if s]


class MagpieUserAgent(RoleAgent):
    """Writes each user turn by completing the pre-query template; emits every turn so far.
    (Not named "user": GraphFlow would take the task, whose source is "user", for its turn.)"""

    role = "magpie_user"
    output_model = InstructionsOutput

    def __init__(self, model_client: ChatCompletionClient, context: InstructionContext, *, system: str | None,
                 seed: int, on_usage: Callable[[tuple[RequestUsage, str | None]], None], **kwargs) -> None:
        kwargs.setdefault("name", "magpie_user")
        kwargs.setdefault("description", "Writes the user's turns.")
        super().__init__(model_client, context, **kwargs)
        model = find_local_model(model_client)
        if model is None:
            raise AgentsynthError("magpie: the user role needs a local GGUF model")
        self.model, self.system, self.seed, self.on_usage = model, system, seed, on_usage
        self._turns: list[Instruction] = []
        self._answers: list[InstructionAnswer] = []

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, AnswersOutput):
            self._answers = content.answers

    def conversation(self) -> list[dict[str, str]]:
        head = [{"role": "system", "content": self.system}] if self.system else []
        turns = []
        for turn, answer in zip(self._turns, self._answers):
            turns += [{"role": "user", "content": turn.text}, {"role": "assistant", "content": answer.text}]
        return head + turns

    async def act(self, cancellation_token: CancellationToken) -> InstructionsOutput:
        prefix, stop = pre_query_template(self.model, self.conversation())
        for attempt in range(2):  # a turn that runs away is written once more, from another seed
            if attempt:
                self.note_reshape()
            text, finish, usage = await self.model.complete_raw(
                prefix, max_tokens=USER_MAX_TOKENS, stop=stop, temperature=USER_TEMPERATURE,
                seed=self.seed + len(self._turns) + RESHAPE_SEED_STEP * attempt)
            self.on_usage((usage, finish))
            if finish != "length":
                break
        text = text.strip()
        error = None if text and finish != "length" else ("empty user turn" if not text else "user turn ran past "
                                                                                            f"{USER_MAX_TOKENS} tokens")
        self._turns.append(Instruction(slot=len(self._turns), text=text, round=len(self._turns), error=error))
        return InstructionsOutput(round=len(self._turns) - 1, instructions=list(self._turns))


class MagpieAssistantAgent(RoleAgent):
    """Answers the latest user turn with the whole conversation, through the chat template."""

    role = "magpie_assistant"
    output_model = AnswersOutput

    def __init__(self, model_client: ChatCompletionClient, context: InstructionContext, *, system: str | None,
                 **kwargs) -> None:
        kwargs.setdefault("name", "assistant")
        kwargs.setdefault("description", "Answers each user turn.")
        super().__init__(model_client, context, **kwargs)
        self.system = system
        self._turns: list[Instruction] = []
        self._answers: list[InstructionAnswer] = []

    def observe(self, content: BaseModel) -> None:
        if isinstance(content, InstructionsOutput):
            self._turns = content.instructions

    async def act(self, cancellation_token: CancellationToken) -> AnswersOutput:
        latest = self._turns[-1]
        if latest.error:
            answer = InstructionAnswer(slot=latest.slot, text="", error=f"no usable user turn ({latest.error})")
        else:
            messages: list[LLMMessage] = [SystemMessage(content=self.system)] if self.system else []
            for turn, previous in zip(self._turns, self._answers):
                messages += [UserMessage(content=turn.text, source="user"),
                             AssistantMessage(content=previous.text, source="assistant")]
            messages.append(UserMessage(content=latest.text, source="user"))
            result = await self.complete_text(messages, cancellation_token, max_tokens=ANSWER_MAX_TOKENS)
            text = result.content if isinstance(result.content, str) else ""
            answer = InstructionAnswer(slot=latest.slot, text=text.strip(), finish_reason=result.finish_reason,
                                       round=latest.slot)
        self._answers.append(answer)
        return AnswersOutput(round=latest.slot, answers=list(self._answers))
