"""Documents → chunks that never lose their pages (or rows).

Blocks (paragraphs, headings, whole tables) are packed greedily up to `size`, measured
in the writer model's tokens when its tokenizer is available offline and in characters
otherwise (`backends/tokens.py`); a heading or a page boundary starts a new chunk once the
current one is reasonably full, consecutive chunks overlap by whole trailing blocks,
and a table larger than a chunk is split between rows with its header repeated. Lines
that repeat on most pages (running headers and footers) are dropped first. CSV rows are
never split, never overlap, and are packed `rows_per_chunk` at a time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from .documents import Document, Unit
from .text import split_sentences

Measure = Callable[[str], int]

_DIGITS = re.compile(r"\d+")
# A bullet line in a large font can come out as a heading ("#### • Create ...": pymupdf4llm
# did this; markdown files and Document Intelligence can too).
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
    pages: list[int]  # PDF pages (empty for other formats)
    text: str
    rows: list[int] = []  # CSV data rows, 1 = the first row after the header
    unit: Unit = "page"

    @property
    def locator(self) -> str:
        """Where the chunk is, for prompts and progress: "pages 3, 4", "row 7", "section"."""
        numbers, name = (self.pages, "page") if self.unit == "page" else (self.rows, "row")
        if self.unit == "section" or not numbers:
            return f"part {self.index + 1}"
        return f"{name}{'s' if len(numbers) > 1 else ''} {', '.join(str(n) for n in numbers)}"


@dataclass
class _Block:
    text: str
    page: int
    heading: bool = False
    table: bool = False
    size: int = 0  # in the chunking measure's units


_MAX_RUNNING_LINE_CHARS = 200  # headers and footers are single lines (browser prints carry long URLs)
_MARKERS = re.compile(r"^(#{1,6}|-)\s+")  # a heading's or list item's mark before the line's own text


def _running_lines(doc: Document) -> set[str]:
    """Short lines (digits masked) that appear on at least half of the pages (min. 3): on PDFs
    whose reader knows where lines stand, only lines in the top or bottom band count (a
    catalogue's "Battery: 2,000 mAh" on every page is content, not a footer)."""
    if len(doc.pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in doc.pages:
        lines = page.markdown.splitlines()
        if page.margin_lines is not None:
            margins = {" ".join(text.split()) for text in page.margin_lines}
            lines = [line for line in lines if _MARKERS.sub("", line).strip() in margins]
        counts.update({
            _DIGITS.sub("#", line.strip()) for line in lines
            if line.strip() and len(line.strip()) <= _MAX_RUNNING_LINE_CHARS
        })
    threshold = max(3, len(doc.pages) // 2)
    return {line for line, n in counts.items() if n >= threshold}


def _blocks(doc: Document) -> list[_Block]:
    running = _running_lines(doc) if doc.unit == "page" else set()
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


def _hard_split(text: str, size: int, measure: Measure) -> list[str]:
    """A single sentence longer than a chunk: equal character slices that fit."""
    parts = max(2, -(-measure(text) // size))
    step = -(-len(text) // parts)
    return [text[i : i + step] for i in range(0, len(text), step)]


def _split_oversized(block: _Block, size: int, measure: Measure, row_unit: bool) -> list[_Block]:
    if block.size <= size:
        return [block]
    if block.table or row_unit:
        # Between table rows (header repeated) or between a CSV row's fields.
        lines = block.text.splitlines()
        header = lines[:2] if block.table else []  # markdown header row + separator
        body = lines[len(header):]
        parts, current = [], list(header)
        for line in body:
            if measure("\n".join(current + [line])) > size and len(current) > len(header):
                parts.append(current)
                current = list(header)
            current.append(line)
        parts.append(current)
        return [_Block("\n".join(p), block.page, table=block.table, size=measure("\n".join(p))) for p in parts]
    pieces: list[str] = []
    for sentence in split_sentences(block.text):
        pieces.extend(_hard_split(sentence, size, measure) if measure(sentence) > size else [sentence])
    parts, current = [], ""
    for piece in pieces:
        candidate = f"{current} {piece}".strip()
        if current and measure(candidate) > size:
            parts.append(current)
            candidate = piece
        current = candidate
    if current:
        parts.append(current)
    return [_Block(p, block.page, size=measure(p)) for p in parts]


def chunk_document(
    doc: Document, size: int = 2000, overlap: int = 200, measure: Measure = len, min_chars: int = 80,
    rows_per_chunk: int = 1,
) -> list[Chunk]:
    """Chunk one document. Defaults follow the lab: 2000 characters, 200 overlap."""
    if overlap >= size:
        raise ValueError("overlap must be smaller than the chunk size")
    rows = doc.unit == "row"
    blocks = []
    for block in _blocks(doc):
        block.size = measure(block.text)
        blocks.extend(_split_oversized(block, size, measure, rows))
    packed: list[list[_Block]] = []
    current: list[_Block] = []
    fresh = 0  # blocks in `current` that are not overlap carried from the previous chunk

    def total(bs: list[_Block]) -> int:
        # Blocks are joined by a blank line, which costs up to two units (two characters,
        # or a token or two): count it, so the chunk stays within `size`.
        return sum(b.size + 2 for b in bs)

    for block in blocks:
        if rows:
            new_row = not current or block.page != current[-1].page
            full = new_row and len({b.page for b in current}) >= rows_per_chunk
            if current and (full or (new_row and total(current) + block.size > size)):
                packed.append(current)
                current = []
            current.append(block)
            fresh = 1
            continue
        # Headings and page boundaries are the preferred places to cut, once the chunk
        # is half full; a heading starts fresh, a page break keeps the overlap (its
        # paragraph may run on from the page before).
        new_page = bool(current) and block.page != current[-1].page
        at_boundary = (block.heading or new_page) and total(current) >= size // 2
        if fresh and (total(current) + block.size > size or at_boundary):
            packed.append(current)
            tail: list[_Block] = []
            if not block.heading:
                for prev in reversed(current):
                    if prev.heading or total(tail) + prev.size > overlap:
                        break
                    tail.insert(0, prev)
            while tail and total(tail) + block.size + 2 > size:  # the overlap yields to the size limit
                tail.pop(0)
            current, fresh = tail, 0
        current.append(block)
        fresh += 1
    if fresh:
        packed.append(current)

    chunks = []
    for group in packed:
        text = "\n\n".join(b.text for b in group)
        if len(text.strip()) < (1 if rows else min_chars) or all(b.heading for b in group):
            continue
        index = len(chunks)
        numbers = sorted({b.page for b in group})
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}-c{index:03d}",
                doc_id=doc.doc_id,
                source=doc.path,
                title=doc.title,
                index=index,
                pages=numbers if doc.unit == "page" else [],
                rows=numbers if rows else [],
                unit=doc.unit,
                text=text,
            )
        )
    return chunks
