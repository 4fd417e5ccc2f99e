"""BM25 lookup over chunks, and the `search_documents` AutoGen tool built on it."""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable

from autogen_core.tools import FunctionTool
from pydantic import BaseModel

from .chunking import Chunk
from .text import tokens

# BM25Plus (rank_bm25's parameters): Okapi's IDF is zero for a term in half of a small corpus.
K1, B, DELTA = 1.5, 0.75, 1.0


class SearchHit(BaseModel):
    chunk_id: str
    source: str
    pages: list[int]
    score: float
    snippet: str


class DocumentIndex:
    """BM25 over chunks, built as documents are read and read by many teams at once.

    Chunks are added document by document, in reading order. A search may be limited to the
    documents up to one of them (`through`), with the corpus statistics of those documents
    alone: an item of a run that reads documents while items run then finds the same passages
    whether the documents after its own were read yet or not. An inverted index of arrays keeps
    it small (rank_bm25 kept a dict per chunk) and scores only the chunks holding a query term.
    """

    def __init__(self, chunks: Iterable[Chunk] = ()) -> None:
        self.chunks: list[Chunk] = []
        self._by_id: dict[str, Chunk] = {}
        self._postings: dict[str, tuple[array, array]] = {}  # term → (chunk positions, term counts)
        self._lengths = array("i")  # tokens per chunk (at least 1)
        self._length_sums = array("q", [0])  # running total: the average length of any prefix
        self._ends: dict[str, int] = {}  # doc_id → the position after its last chunk
        self.add(chunks)

    def add(self, chunks: Iterable[Chunk]) -> None:
        for chunk in chunks:
            position = len(self.chunks)
            self.chunks.append(chunk)
            self._by_id[chunk.chunk_id] = chunk
            counts = Counter(tokens(chunk.text))
            for term, count in counts.items():
                positions, tfs = self._postings.setdefault(term, (array("i"), array("i")))
                positions.append(position)
                tfs.append(count)
            length = max(1, sum(counts.values()))
            self._lengths.append(length)
            self._length_sums.append(self._length_sums[-1] + length)
            self._ends[chunk.doc_id] = position + 1

    def get(self, chunk_id: str) -> Chunk | None:
        return self._by_id.get(chunk_id)

    def through(self, doc_id: str) -> "DocumentIndex | ScopedIndex":
        """This index as a search of `doc_id` and the documents added before it."""
        return ScopedIndex(self, doc_id)

    def search(self, query: str, k: int = 3, snippet_chars: int = 400, through: str | None = None) -> list[SearchHit]:
        limit = self._ends.get(through, 0) if through is not None else len(self.chunks)
        query_tokens = tokens(query)
        if not limit or not query_tokens:
            return []
        average = self._length_sums[limit] / limit
        weights: list[tuple[float, dict[int, int]]] = []  # per query token, as BM25Plus adds them up
        for term in query_tokens:
            positions, tfs = self._postings.get(term, (array("i"), array("i")))
            found = bisect_left(positions, limit)  # chunks of the documents in scope holding the term
            idf = math.log((limit + 1) / found) if found else 0.0
            weights.append((idf, {positions[j]: tfs[j] for j in range(found)}))
        matching = sorted({position for _, counts in weights for position in counts})
        scores = {position: self._score(position, weights, average) for position in matching}
        ranked = sorted(matching, key=lambda position: -scores[position])  # stable: earlier chunks first on ties
        return [SearchHit(chunk_id=chunk.chunk_id, source=chunk.source, pages=chunk.pages,
                          score=round(scores[position], 4), snippet=chunk.text[:snippet_chars])
                for position in ranked[: max(1, k)] for chunk in (self.chunks[position],)]

    def _score(self, position: int, weights: list[tuple[float, dict[int, int]]], average: float) -> float:
        length, score = self._lengths[position], 0.0
        for idf, counts in weights:
            tf = counts.get(position, 0)
            score += idf * (DELTA + (tf * (K1 + 1)) / (K1 * (1 - B + B * length / average) + tf))
        return score


class ScopedIndex:
    """A search of one document and those read before it (`DocumentIndex.through`)."""

    def __init__(self, index: DocumentIndex, doc_id: str) -> None:
        self.index = index
        self.doc_id = doc_id

    def get(self, chunk_id: str) -> Chunk | None:
        return self.index.get(chunk_id)

    def search(self, query: str, k: int = 3, snippet_chars: int = 400) -> list[SearchHit]:
        return self.index.search(query, k=k, snippet_chars=snippet_chars, through=self.doc_id)


def search_documents_tool(index: DocumentIndex | ScopedIndex) -> FunctionTool:
    """The AutoGen tool agents call; strict so OpenAI-style structured tool calls work."""

    async def search_documents(query: str, k: int) -> list[SearchHit]:
        """Search the source documents. Returns the k best chunks with their ids, pages and a snippet."""
        return index.search(query, k=min(max(k, 1), 10))

    return FunctionTool(
        search_documents,
        name="search_documents",
        description="Search the source documents for passages relevant to a query; returns chunk ids, pages and snippets.",
        strict=True,
    )
