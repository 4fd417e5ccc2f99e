"""Near-duplicate detection across a whole run: MinHash LSH over word shingles.

LSH finds candidates in constant time per text (datasketch), and every candidate is
confirmed by the exact Jaccard similarity of the shingle sets, so the verdict does not
depend on hashing luck. The same measure scores a finished dataset (`near_duplicates`),
which is how the lab's reference output and ours are compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from .semantic import restated
from .text import normalize, tokens

SHINGLE_WORDS = 3
NEAR_DUPLICATE_JACCARD = 0.5  # share of word trigrams two texts have in common
SELF_INSTRUCT_ROUGE_L = 0.7
_PERMUTATIONS = 128


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[str]:
    """Word n-grams of the normalised text (CJK runs count as character bigrams);
    a text shorter than `size` words is its own single shingle."""
    words = tokens(text)
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + size]) for i in range(len(words) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@dataclass
class Match:
    key: str
    text: str
    similarity: float


class _Owners:
    """Which work item claimed what: a claim that does not become a record (its item failed,
    its worker died, the dataset gate removed the record) is released, so later items are
    not turned down as duplicates of records that are not in the dataset."""

    _owned: dict[str, list[str]]  # work item id → keys it claimed

    def _note_owner(self, owner: str | None, key: str) -> None:
        if owner is not None:
            self._owned.setdefault(owner, []).append(key)

    def settle(self, owner: str, kept: Iterable[str]) -> int:
        """Release `owner`'s claims whose text is not among `kept` (the texts of its records
        that reached the dataset); how many were released."""
        keys = self._owned.pop(owner, [])
        kept_keys = {self._key_of(text) for text in kept}
        released = [key for key in keys if self._claimed_key(key) not in kept_keys]
        for key in released:
            self.remove(key)
        return len(released)

    def _key_of(self, text: str) -> str:
        return text

    def _claimed_key(self, key: str) -> str:
        return key

    def remove(self, key: str) -> None:
        raise NotImplementedError


class _Claims(_Owners):
    """`claim` for an index with `find` and `add`."""

    def claim(self, key: str, text: str, ignore_prefix: str | None = None, owner: str | None = None) -> Match | None:
        """Add `text` unless a kept text is too similar; that one, else None. One step, so two
        items in flight cannot both keep the same text (see QuestionRegistry.claim)."""
        match = self.find(text, ignore_prefix)
        if match is None:
            self.add(key, text)
            self._note_owner(owner, key)
        return match

    def _claimed_key(self, key: str) -> str:
        return self._entries[key][0] if key in self._entries else ""  # the claimed text


class NearDuplicateIndex(_Claims):
    """Texts kept so far; `find` returns the most similar one at or above the threshold.

    Teams share one index on one event loop, so check-then-add needs no lock.
    """

    measure = "word-trigram Jaccard"

    def __init__(self, threshold: float = NEAR_DUPLICATE_JACCARD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=_PERMUTATIONS)
        self._entries: dict[str, tuple[str, frozenset[str]]] = {}
        self._owned = {}

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _minhash(items: frozenset[str]) -> MinHash:
        minhash = MinHash(num_perm=_PERMUTATIONS, seed=1)
        minhash.update_batch([s.encode("utf-8") for s in items])
        return minhash

    def find(self, text: str, ignore_prefix: str | None = None) -> Match | None:
        """The closest kept text, skipping keys that start with `ignore_prefix` (e.g. a
        lineage's own ancestors, which an evolution is meant to resemble)."""
        items = shingles(text)
        if not items or not self._entries:
            return None
        best: Match | None = None
        for key in self._lsh.query(self._minhash(items)):
            if ignore_prefix is not None and key.startswith(ignore_prefix):
                continue
            other_text, other = self._entries[key]
            similarity = jaccard(items, other)
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(key, other_text, similarity)
        return best

    def add(self, key: str, text: str) -> None:
        items = shingles(text)
        if not items or key in self._entries:
            return
        self._entries[key] = (text, items)
        self._lsh.insert(key, self._minhash(items))

    def remove(self, key: str) -> None:
        if self._entries.pop(key, None) is not None:
            self._lsh.remove(key)


def rouge_l(candidate: list[str], reference: list[str]) -> float:
    """ROUGE-L F1 of two token lists (longest common subsequence, as Self-Instruct uses)."""
    if not candidate or not reference:
        return 0.0
    common = LCSseq.similarity(candidate, reference)
    if not common:
        return 0.0
    precision, recall = common / len(candidate), common / len(reference)
    return 2 * precision * recall / (precision + recall)


class RougeLIndex(_Claims):
    """Self-Instruct's filter (Wang et al. 2023): a new instruction is kept only when its
    ROUGE-L with every kept one is below 0.7. Exact, O(n) per check, like the paper's."""

    measure = "ROUGE-L"

    def __init__(self, threshold: float = SELF_INSTRUCT_ROUGE_L) -> None:
        self.threshold = threshold
        self._entries: dict[str, tuple[str, list[str]]] = {}
        self._owned = {}

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, text: str, ignore_prefix: str | None = None) -> Match | None:
        words = tokens(text)
        best: Match | None = None
        for key, (other_text, other) in self._entries.items():
            if ignore_prefix is not None and key.startswith(ignore_prefix):
                continue
            score = rouge_l(words, other)
            if score >= self.threshold and (best is None or score > best.similarity):
                best = Match(key, other_text, score)
        return best

    def add(self, key: str, text: str) -> None:
        words = tokens(text)
        if words and key not in self._entries:
            self._entries[key] = (text, words)

    def remove(self, key: str) -> None:
        self._entries.pop(key, None)


def near_duplicates(texts: Iterable[str], threshold: float = NEAR_DUPLICATE_JACCARD) -> list[tuple[int, int, float]]:
    """(index, index of the earlier text it nearly copies, similarity) for every text
    that nearly duplicates an earlier one."""
    index = NearDuplicateIndex(threshold)
    found = []
    for i, text in enumerate(texts):
        match = index.find(text)
        if match is not None:
            found.append((i, int(match.key), round(match.similarity, 3)))
        else:
            index.add(str(i), text)
    return found


DUPLICATE_SIMILARITY = 90  # rapidfuzz token_sort_ratio, 0-100


class QuestionRegistry(_Owners):
    """Questions accepted so far in the run, for duplicate and near-duplicate detection: the
    same words (normalised), nearly the same words (token_sort_ratio), or, where answers are
    known, the same question and answer in other words (tools/semantic.py).

    Teams run on one event loop, so check-then-add needs no lock.
    """

    def __init__(self, similarity: int = DUPLICATE_SIMILARITY) -> None:
        self.similarity = similarity
        self._questions: list[str] = []
        self._normalized: set[str] = set()
        # token_sort_ratio(a, b) is ratio() of the two strings with their words sorted: sorting
        # each question once, not once per comparison, makes a lookup ~5x cheaper, which
        # matters because every check scans all the questions accepted so far.
        self._sorted: list[str] = []
        self._answered: list[tuple[str, str]] = []  # (question, answer) where the answer is known
        self._owned = {}

    def __len__(self) -> int:
        return len(self._questions)

    def find_duplicate(self, question: str, answer: str | None = None) -> str | None:
        key = normalize(question)
        if key in self._normalized:
            return question
        match = process.extractOne(_words_sorted(key), self._sorted, scorer=fuzz.ratio, score_cutoff=self.similarity)
        if match:
            return self._questions[match[2]]
        if answer and (found := restated(key, answer, self._answered)) is not None:
            return self._answered[found[0]][0]
        return None

    def add(self, question: str, answer: str | None = None) -> None:
        key = normalize(question)
        if key not in self._normalized:
            self._normalized.add(key)
            self._questions.append(key)
            self._sorted.append(_words_sorted(key))
            if answer:
                self._answered.append((key, answer))

    def claim(self, question: str, answer: str | None = None, owner: str | None = None) -> str | None:
        """Add `question` unless it duplicates an accepted one; that one, else None. One step:
        items in flight check a question, wait for the critic model, and only then accept
        it, so two of them may have passed the check with the same question. `owner` (the
        work item's id) lets `settle` release it if it never becomes a record."""
        duplicate = self.find_duplicate(question, answer)
        if duplicate is None:
            self.add(question, answer)
            self._note_owner(owner, normalize(question))
        return duplicate

    def _key_of(self, text: str) -> str:
        return normalize(text)

    def remove(self, key: str) -> None:
        """Forget a question, given in its normalised form."""
        if key not in self._normalized:
            return
        self._normalized.discard(key)
        at = self._questions.index(key)
        del self._questions[at], self._sorted[at]
        self._answered = [(q, a) for q, a in self._answered if q != key]


def repeated_question(question: str, others: Iterable[str]) -> str | None:
    """The first of `others` that `question` repeats in the same or nearly the same words
    (before answers exist, meaning alone cannot tell a paraphrase from a sibling question)."""
    registry, originals = QuestionRegistry(), {}
    for other in others:
        registry.add(other)
        originals.setdefault(normalize(other), other)
    found = registry.find_duplicate(question)
    return None if found is None else originals.get(normalize(found), found)


def _words_sorted(text: str) -> str:
    return " ".join(sorted(text.split()))
