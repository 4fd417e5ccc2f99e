"""Pages → chunks that never lose their page numbers.

Blocks (paragraphs, headings, whole tables) are packed greedily up to `max_chars`;
a heading starts a new chunk once the current one is reasonably full, consecutive
chunks overlap by whole trailing blocks, and a table larger than a chunk is split
between rows with its header repeated. Lines that repeat on most pages (running
headers and footers) are dropped first.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel

from .pdf_reader import Document
from .text import sentences

_DIGITS = re.compile(r"\d+")
# pymupdf4llm marks some bullet lines in large fonts as headings ("#### • Create ...").
_HEADING = re.compile(r"^#{1,6}\s+(?![•◦▪●○\-*])\S")
_MAX_HEADING_CHARS = 120


def _is_heading(line: str) -> bool:
    return bool(_HEADING.match(line)) and len(line) <= _MAX_HEADING_CHARS


class Chunk(BaseModel):
    chunk_id: str
    doc_id: str
    source: str  # file path as given
    title: str
    index: int
    pages: list[int]
    text: str


@dataclass
class _Block:
    text: str
    page: int
    heading: bool = False
    table: bool = False


_MAX_RUNNING_LINE_CHARS = 200  # headers and footers are single lines (browser prints carry long URLs)


def _running_lines(doc: Document) -> set[str]:
    """Short lines (digits masked) that appear on at least half of the pages (min. 3)."""
    if len(doc.pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in doc.pages:
        counts.update({
            _DIGITS.sub("#", line.strip()) for line in page.markdown.splitlines()
            if line.strip() and len(line.strip()) <= _MAX_RUNNING_LINE_CHARS
        })
    threshold = max(3, len(doc.pages) // 2)
    return {line for line, n in counts.items() if n >= threshold}


def _blocks(doc: Document) -> list[_Block]:
    running = _running_lines(doc)
    blocks: list[_Block] = []
    for page in doc.pages:
        lines = [ln for ln in page.markdown.splitlines() if _DIGITS.sub("#", ln.strip()) not in running]
        current: list[str] = []
        in_table = False

        def flush() -> None:
            text = "\n".join(current).strip()
            if text:
                blocks.append(
                    _Block(text=text, page=page.number, heading=_is_heading(text), table=in_table)
                )
            current.clear()

        for line in lines:
            is_table_row = line.lstrip().startswith("|")
            if not line.strip() or is_table_row != in_table or _is_heading(line):
                flush()
                in_table = is_table_row
            if line.strip():
                current.append(line.rstrip())
            if _is_heading(line):
                flush()
        flush()
    return blocks


def _split_oversized(block: _Block, max_chars: int) -> list[_Block]:
    if len(block.text) <= max_chars:
        return [block]
    if block.table:
        rows = block.text.splitlines()
        header, body = rows[:2], rows[2:]  # markdown header row + separator
        parts, current = [], list(header)
        for row in body:
            if len("\n".join(current + [row])) > max_chars and len(current) > len(header):
                parts.append(current)
                current = list(header)
            current.append(row)
        parts.append(current)
        return [_Block("\n".join(p), block.page, table=True) for p in parts]
    parts, current = [], ""
    for sentence in sentences(block.text, min_chars=1, max_chars=max_chars):
        if current and len(current) + 1 + len(sentence) > max_chars:
            parts.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
    if current:
        parts.append(current)
    return [_Block(p, block.page) for p in parts]


def chunk_document(doc: Document, max_chars: int = 2000, overlap_chars: int = 200, min_chars: int = 80) -> list[Chunk]:
    """Chunk one document. Defaults follow the lab: 2000 characters, 200 overlap."""
    if overlap_chars >= max_chars:
        raise ValueError("overlap must be smaller than the chunk size")
    blocks = [part for block in _blocks(doc) for part in _split_oversized(block, max_chars)]
    packed: list[list[_Block]] = []
    current: list[_Block] = []
    fresh = 0  # blocks in `current` that are not overlap carried from the previous chunk

    def size(bs: list[_Block]) -> int:
        return sum(len(b.text) + 2 for b in bs)

    for block in blocks:
        starts_section = block.heading and size(current) >= max_chars // 2
        if fresh and (size(current) + len(block.text) > max_chars or starts_section):
            packed.append(current)
            tail: list[_Block] = []
            if not starts_section:
                for prev in reversed(current):
                    if prev.heading or size(tail) + len(prev.text) > overlap_chars:
                        break
                    tail.insert(0, prev)
            current, fresh = tail, 0
        current.append(block)
        fresh += 1
    if fresh:
        packed.append(current)

    chunks = []
    for group in packed:
        text = "\n\n".join(b.text for b in group)
        if len(text.strip()) < min_chars or all(b.heading for b in group):
            continue
        index = len(chunks)
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}-c{index:03d}",
                doc_id=doc.doc_id,
                source=doc.path,
                title=doc.title,
                index=index,
                pages=sorted({b.page for b in group}),
                text=text,
            )
        )
    return chunks
