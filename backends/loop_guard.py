"""Stop an in-process model that has started repeating itself or a sentence that never ends,
and keep what it wrote before.

A small model that falls into a loop ("…assist you further.com/ninja-ninja-ninja…", or one
clause chained with commas) runs on until its token limit, and the whole reply is lost. Here a
llama.cpp stopping criterion watches the completion's tokens: once the same run of `NGRAM`
tokens has appeared `REPEATS` times, or one sentence has run past `MAX_SENTENCE_CHARS`,
generation stops. The text before the loop's first repetition (or before the run-on sentence)
is cut back to its last finished sentence and, for a JSON reply, closed into a JSON document;
it is kept when it still matches the reply's schema. Otherwise the reply counts as having run
away, like one cut off at its token limit, and the role asks again.

(A length bound in the grammar itself would be exact, but llama.cpp unrolls `{1,N}` into
nested rules that made generation many times slower: see issue 21's note.)
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from json_repair import repair_json
from pydantic import BaseModel, ValidationError

from .structured import parse_reply

# 16 tokens repeated three times: loops are caught within a few dozen tokens, while the
# structure a JSON reply legitimately repeats (`"}, {"slot": 1, "question": "What`) is shorter.
NGRAM = 16
REPEATS = 3
# Longer than any sentence a reply needs; a new line (raw or escaped in JSON) also ends one.
MAX_SENTENCE_CHARS = 400
_SENTENCE_BREAK = re.compile(r'[.!?。！？"]|\n|\\n')

_SENTENCE_END = re.compile(r'[.!?。！？](?=["\s]|$)|[。！？]|\n')


class RepetitionDetector:
    """A llama.cpp stopping criterion: true once the completion repeats an n-gram, or (given
    `piece`, the text of a token) once one sentence runs past `max_sentence_chars`.

    llama-cpp-python calls it after every sampled token with all tokens so far (prompt
    included), and once more when generation ends, so it only reads tokens it has not seen."""

    def __init__(self, prompt_tokens: int, *, ngram: int = NGRAM, repeats: int = REPEATS,
                 piece: Callable[[int], str] | None = None, max_sentence_chars: int = MAX_SENTENCE_CHARS,
                 allowed: Callable[[tuple[int, ...]], bool] | None = None) -> None:
        self.start = prompt_tokens
        self.ngram, self.repeats = ngram, repeats
        # Repeats that are no loop: a reply may cite one enum value (a source sentence) many times.
        self.allowed = allowed
        self.piece, self.max_sentence_chars = piece, max_sentence_chars
        self.tokens: list[int] = []
        self._positions: dict[tuple[int, ...], list[int]] = defaultdict(list)
        self._allowed_grams: set[tuple[int, ...]] = set()
        self._sentence = ""  # the text since the last sentence break
        self.loop_start: int | None = None  # index in the completion where the runaway begins
        self.reason: str | None = None  # "loop" or "run-on sentence"

    def __call__(self, input_ids: Any, logits: Any = None) -> bool:
        for token in input_ids[self.start + len(self.tokens):]:
            if self.loop_start is not None:
                break
            self.tokens.append(int(token))
            if len(self.tokens) >= self.ngram:
                at = len(self.tokens) - self.ngram
                gram = tuple(self.tokens[at:])
                positions = self._positions[gram]
                positions.append(at)
                if len(positions) >= self.repeats and gram not in self._allowed_grams:
                    if self.allowed is not None and self.allowed(gram):
                        self._allowed_grams.add(gram)
                    else:
                        self.loop_start, self.reason = positions[1], "loop"
            if self.piece is not None and self.loop_start is None:
                self._sentence = _SENTENCE_BREAK.split(self._sentence + self.piece(int(token)))[-1]
                if len(self._sentence) > self.max_sentence_chars:
                    self.loop_start, self.reason = len(self.tokens), "run-on sentence"
        return self.loop_start is not None


def _open_at_end(text: str) -> tuple[int | None, list[int]]:
    """What is still open at the end of a JSON prefix: where the string it ends inside begins
    (its opening quote; None when it ends outside one), and where each open object begins,
    outermost first."""
    string_start: int | None = None
    objects: list[int] = []
    escaped = False
    for i, char in enumerate(text):
        if string_start is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                string_start = None
        elif char == '"':
            string_start = i
        elif char == "{":
            objects.append(i)
        elif char == "}" and objects:
            objects.pop()
    return string_start, objects


def _through_last_sentence(text: str) -> str:
    ends = list(_SENTENCE_END.finditer(text))
    return text[: ends[-1].end()].rstrip() if ends else ""


def _closed(text: str, reply_model: type[BaseModel]) -> str | None:
    candidate = repair_json(text)
    if not isinstance(candidate, str) or not candidate.strip():
        return None
    try:
        parse_reply(candidate, reply_model)
    except ValidationError:
        return _with_empty_lists(candidate, reply_model)
    return candidate


def _with_empty_lists(candidate: str, reply_model: type[BaseModel]) -> str | None:
    """The closed reply with each list field it never reached given as empty (a support reply
    cut off in its message cites nothing), when that makes it valid; other missing fields
    (an outcome, a score) cannot be guessed."""
    try:
        reply = json.loads(candidate)
    except ValueError:
        return None
    schema = reply_model.model_json_schema()
    properties = schema.get("properties", {})
    missing = [name for name in schema.get("required", []) if isinstance(reply, dict) and name not in reply]
    if not missing or any(properties.get(name, {}).get("type") != "array" for name in missing):
        return None
    filled = json.dumps({**reply, **{name: [] for name in missing}}, ensure_ascii=False)
    try:
        parse_reply(filled, reply_model)
    except ValidationError:
        return None
    return filled


def keep_before_loop(text: str, reply_model: type[BaseModel] | None) -> str | None:
    """What a reply that began to loop after `text` can keep: plain text up to its last finished
    sentence; a JSON reply with its open string cut the same way and every bracket closed, or
    else without the list item it was writing, when that still validates against `reply_model`.
    None: nothing usable."""
    if reply_model is None:
        kept = _through_last_sentence(text)
        return kept or None
    start, objects = _open_at_end(text)
    cut = text
    if start is not None:
        cut = text[: start + 1] + _through_last_sentence(text[start + 1:])
        if cut.endswith("\\"):
            cut = cut[:-1]
        cut += '"'
    kept = _closed(cut, reply_model)
    if kept is not None:
        return kept
    for object_start in reversed(objects[1:]):  # drop the unfinished item, innermost first
        kept = _closed(text[:object_start].rstrip().rstrip(","), reply_model)
        if kept is not None:
            return kept
    return None
