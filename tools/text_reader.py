"""Plain text, markdown and Word (.docx) files → one section of markdown each.

These formats have no pages, so provenance is the file and the chunk (and the heading
the chunker keeps with it). Word headings become markdown headings and Word tables
become markdown tables, so the chunker sees the same structure as in a PDF.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import InputError
from .documents import Document, Page, content_id, read_bytes
from .encoding import decode_text
from .limits import check_unzipped_size

_HEADING_STYLE = re.compile(r"^heading (\d)$", re.IGNORECASE)


def _document(path: Path, data: bytes, markdown: str, reader: str, encoding: str | None = None) -> Document:
    if not markdown.strip():
        raise InputError(path, "no text in the file")
    page = Page(number=1, markdown=markdown, text_chars=len(markdown.strip()), kind="text")
    title = next((ln.lstrip("# ").strip() for ln in markdown.splitlines() if ln.startswith("# ")), "") or path.stem
    return Document(path=str(path), doc_id=content_id(data), title=title, pages=[page], unit="section",
                    reader=reader, encoding=encoding)


def read_text(path: str | Path) -> Document:
    path = Path(path)
    data = read_bytes(path, "a text file")
    text, encoding = decode_text(data, path)
    return _document(path, data, text.replace("\r\n", "\n"), "text", encoding)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table_markdown(table) -> str:
    rows = [[_cell(cell.text) for cell in row.cells] for row in table.rows]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def read_docx(path: str | Path) -> Document:
    import docx
    from docx.table import Table

    path = Path(path)
    data = read_bytes(path, "a Word file")
    if not zipfile.is_zipfile(path):
        raise InputError(path, "not a Word .docx file (not a zip package; old .doc files are not supported)")
    check_unzipped_size(path)
    try:
        word = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError, ...
        raise InputError(path, f"corrupt Word file ({type(exc).__name__}: {exc})") from None
    blocks: list[str] = []
    for item in word.iter_inner_content():
        if isinstance(item, Table):
            blocks.append(_table_markdown(item))
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "") or ""
        if style == "Title":
            blocks.append(f"# {text}")
        elif match := _HEADING_STYLE.match(style):
            blocks.append("#" * min(int(match.group(1)) + 1, 6) + f" {text}")
        elif style.lower().startswith("list"):
            blocks.append(f"- {text}")
        else:
            blocks.append(text)
    markdown = "\n\n".join(b for b in blocks if b)
    title = (word.core_properties.title or "").strip()
    document = _document(path, data, markdown, "docx")
    return document.model_copy(update={"title": title}) if title else document
