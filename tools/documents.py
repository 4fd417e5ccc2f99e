"""The document model every reader produces (reading.py picks the reader for a file).

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
from .limits import check_file_size

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
    """An image on a page (or the whole page), waiting for a vision model. Where it is, not
    its pixels: `image()` cuts it from the PDF when it is described, so a document with
    hundreds of figures never holds all their 300-DPI crops at once."""

    figure_id: str  # unique in its document; its marker sits in the page's markdown
    page: int
    width: int  # pixels of the image
    height: int
    caption: str = ""
    whole_page: bool = False  # an image-only page: transcribe and describe all of it
    source: str = ""  # the PDF it is cut from
    clip: tuple[float, float, float, float] | None = None  # in PDF points; None: the whole page
    dpi: int = 300
    png: bytes | None = Field(default=None, repr=False)  # an image that has no PDF to be cut from

    def image(self) -> bytes:
        """The figure as PNG, cut from its PDF now."""
        if self.png is not None:
            return self.png
        from .figures import cut_figure  # PyMuPDF: only when a figure is described

        return cut_figure(self)


class Page(BaseModel):
    number: int  # 1-based: the page, the data row, or the section
    markdown: str
    text_chars: int = 0
    images: int = 0
    kind: PageKind = "text"
    figures: list[Figure] = []
    # Lines in the page's top or bottom band, where the reader knows positions (PyMuPDF): only
    # these can be running headers and footers. None: the reader cannot tell.
    margin_lines: list[str] | None = None


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
    check_file_size(path)
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
