"""BM25 lookup over chunks, and the `search_documents` AutoGen tool built on it."""

from __future__ import annotations

from collections.abc import Sequence

from autogen_core.tools import FunctionTool
from pydantic import BaseModel
from rank_bm25 import BM25Plus

from .chunking import Chunk
from .text import tokens


class SearchHit(BaseModel):
    chunk_id: str
    source: str
    pages: list[int]
    score: float
    snippet: str


class DocumentIndex:
    """In-memory BM25 index; built once per run, read by many teams at once."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = list(chunks)
        self._by_id = {c.chunk_id: c for c in self.chunks}
        self._tokens = [set(tokens(c.text)) for c in self.chunks]
        corpus = [tokens(c.text) or ["\0"] for c in self.chunks]
        # BM25Plus: Okapi's IDF is zero for a term in half of a small corpus (2 chunks).
        self._bm25 = BM25Plus(corpus) if corpus else None

    def get(self, chunk_id: str) -> Chunk | None:
        return self._by_id.get(chunk_id)

    def search(self, query: str, k: int = 3, snippet_chars: int = 400) -> list[SearchHit]:
        query_tokens = tokens(query)
        if self._bm25 is None or not query_tokens:
            return []
        scores = self._bm25.get_scores(query_tokens)
        wanted = set(query_tokens)
        matching = [i for i in range(len(self.chunks)) if self._tokens[i] & wanted]
        ranked = sorted(matching, key=lambda i: scores[i], reverse=True)
        hits = []
        for i in ranked[: max(1, k)]:
            chunk = self.chunks[i]
            hits.append(
                SearchHit(
                    chunk_id=chunk.chunk_id,
                    source=chunk.source,
                    pages=chunk.pages,
                    score=round(float(scores[i]), 4),
                    snippet=chunk.text[:snippet_chars],
                )
            )
        return hits


def search_documents_tool(index: DocumentIndex) -> FunctionTool:
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
