"""PDF → pages of markdown with the lab's page triage, via PyMuPDF and pymupdf4llm.

Every failure a user can cause (missing, not a PDF, empty, corrupt, encrypted, no text
layer) becomes an `InputError` naming the file and the cause.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

import pymupdf
import pymupdf4llm
from pydantic import BaseModel

from ..errors import InputError

PageKind = Literal["text", "image", "mixed", "empty"]

# The lab's triage threshold: pages with more than this many characters of text layer
# are treated as text pages (or mixed when they also hold images).
TRIAGE_TEXT_CHARS = 600

# pymupdf4llm >= 0.2 defaults to an ONNX layout model that glues words together on
# browser-printed PDFs ("Createan EC2instance"); its classic extractor keeps the
# text layer's spacing, which the critic's grounding checks depend on.
if hasattr(pymupdf4llm, "use_layout"):
    pymupdf4llm.use_layout(False)

# Inline HTML pymupdf4llm emits for highlights, underlines, super/subscripts and cell breaks.
_INLINE_HTML = re.compile(r"</?(?:mark|u|sup|sub|span)\b[^>]*>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def clean_markdown(markdown: str) -> str:
    return _INLINE_HTML.sub("", _HTML_BREAK.sub(" ", markdown))


class Page(BaseModel):
    number: int  # 1-based, as printed in viewers
    markdown: str
    text_chars: int
    images: int
    kind: PageKind


class Document(BaseModel):
    path: str
    doc_id: str  # content hash: stable across renames, changes when the file changes
    title: str
    pages: list[Page]

    @property
    def triage(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for page in self.pages:
            counts[page.kind] = counts.get(page.kind, 0) + 1
        return counts


def triage_page(text_chars: int, images: int) -> PageKind:
    """The lab's rule, made total.

    > 600 chars, no images: text · <= 600 chars with images: image · text and images: mixed.
    The lab sent short image-less pages to "mixed" too; they hold nothing for a vision
    model, so here they are text (or empty when there is no text at all).
    """
    if images == 0:
        return "text" if text_chars > 0 else "empty"
    if text_chars <= TRIAGE_TEXT_CHARS:
        return "image"
    return "mixed"


def read_pdf(path: str | Path) -> Document:
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, expected a PDF file")
    data = path.read_bytes()
    if not data:
        raise InputError(path, "file is empty")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(path, "not a PDF (no %PDF header)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for damaged files
        raise InputError(path, f"corrupt PDF ({exc})") from None
    with doc:
        if doc.needs_pass:
            raise InputError(path, "encrypted PDF (password required)")
        if doc.page_count == 0:
            raise InputError(path, "PDF has no pages")
        try:
            page_chunks = pymupdf4llm.to_markdown(doc, page_chunks=True, show_progress=False)
        except Exception as exc:
            raise InputError(path, f"corrupt PDF, cannot extract text ({exc})") from None
        pages = []
        for index, chunk in enumerate(page_chunks):
            page = doc[index]
            text_chars = len(page.get_text().strip())
            images = len(page.get_images(full=True))
            pages.append(
                Page(
                    number=index + 1,
                    markdown=clean_markdown(chunk["text"]),
                    text_chars=text_chars,
                    images=images,
                    kind=triage_page(text_chars, images),
                )
            )
        title = (doc.metadata or {}).get("title") or ""
    if not any(p.text_chars for p in pages):
        raise InputError(path, "PDF has no text layer (scanned or image-only); OCR is not enabled")
    return Document(
        path=str(path),
        doc_id=hashlib.sha1(data).hexdigest()[:10],
        title=title.strip() or path.stem,
        pages=pages,
    )


def find_pdfs(path: str | Path) -> list[Path]:
    """A file → [it]; a folder → every visible file in it (recursive, sorted).

    Files in a folder that are not PDFs are returned too, so the run reports them as
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
