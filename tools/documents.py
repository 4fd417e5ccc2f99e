"""The document model every reader produces, and the intake that picks a reader per file.

A document is a list of units that provenance points at: pages of a PDF, rows of a CSV,
or one section for formats without pages (text, markdown, Word). Figures found by a
reader travel as images plus a marker line in the unit's markdown, so a vision model can
describe them back into the text exactly where they stood (`agents/figure_describer.py`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ..errors import InputError

PageKind = Literal["text", "image", "mixed", "empty"]
Unit = Literal["page", "row", "section"]
ReaderName = Literal["pymupdf", "docai"]

PDF_SUFFIXES = (".pdf",)
CSV_SUFFIXES = (".csv",)
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
DOCX_SUFFIXES = (".docx",)
SUPPORTED_SUFFIXES = PDF_SUFFIXES + CSV_SUFFIXES + TEXT_SUFFIXES + DOCX_SUFFIXES

_FIGURE_MARKER = "[[figure:{}]]"
FIGURE_MARKER_PATTERN = re.compile(r"^\[\[figure:([\w.-]+)\]\]$", re.MULTILINE)


def figure_marker(figure_id: str) -> str:
    return _FIGURE_MARKER.format(figure_id)


class Figure(BaseModel):
    """An image cut from a page (or the whole page rendered), waiting for a vision model."""

    figure_id: str  # unique in its document; its marker sits in the page's markdown
    page: int
    png: bytes = Field(repr=False)
    width: int  # pixels of `png`
    height: int
    caption: str = ""
    whole_page: bool = False  # an image-only page: transcribe and describe all of it


class Page(BaseModel):
    number: int  # 1-based: the page, the data row, or the section
    markdown: str
    text_chars: int = 0
    images: int = 0
    kind: PageKind = "text"
    figures: list[Figure] = []


class Document(BaseModel):
    path: str
    doc_id: str  # content hash: stable across renames, changes when the file changes
    title: str
    pages: list[Page]
    unit: Unit = "page"
    reader: str = "pymupdf"
    encoding: str | None = None  # text formats: the encoding the file was read with

    @property
    def triage(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for page in self.pages:
            counts[page.kind] = counts.get(page.kind, 0) + 1
        return counts

    @property
    def figures(self) -> list[Figure]:
        return [f for page in self.pages for f in page.figures]


def content_id(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:10]


def read_bytes(path: Path, expected: str) -> bytes:
    """The file's bytes, or one clear error for a missing, folder or empty path."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, f"is a folder, expected {expected}")
    data = path.read_bytes()
    if not data:
        raise InputError(path, "file is empty")
    return data


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    for kind, suffixes in (("pdf", PDF_SUFFIXES), ("csv", CSV_SUFFIXES), ("text", TEXT_SUFFIXES),
                           ("docx", DOCX_SUFFIXES)):
        if suffix in suffixes:
            return kind
    return None


class IntakeOptions(BaseModel):
    reader: ReaderName = "pymupdf"  # for PDFs
    figures: bool = True  # locate figures and render image-only pages for the vision model


def read_document(path: str | Path, options: IntakeOptions | None = None) -> Document:
    """Read any supported file; an unsupported or broken one is an `InputError` naming it."""
    path = Path(path)
    options = options or IntakeOptions()
    kind = kind_of(path)
    if kind == "pdf":
        if options.reader == "docai":
            from .docai_reader import read_pdf_docai

            return read_pdf_docai(path, figures=options.figures)
        from .pdf_reader import read_pdf

        return read_pdf(path, figures=options.figures)
    if kind == "csv":
        from .csv_reader import read_csv

        return read_csv(path)
    if kind == "text":
        from .text_reader import read_text

        return read_text(path)
    if kind == "docx":
        from .text_reader import read_docx

        return read_docx(path)
    supported = ", ".join(SUPPORTED_SUFFIXES)
    raise InputError(path, f"unsupported file type {path.suffix or '(no extension)'!r} (supported: {supported})")


def find_inputs(path: str | Path) -> list[Path]:
    """A file → [it]; a folder → every visible file in it (recursive, sorted).

    Files of unsupported types in a folder are returned too, so the run reports them as
    skipped instead of ignoring them silently.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            raise InputError(path, "folder is empty")
        return files
    return [path]
