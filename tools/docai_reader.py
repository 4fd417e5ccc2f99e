"""PDF → pages of markdown through Azure AI Document Intelligence (`prebuilt-layout`,
markdown output), with figures cropped from the PDF itself.

The service returns one markdown string for the whole file: page spans tell where each
page's text lies, tables come as HTML (turned into markdown tables here, so the chunker
never splits a row), and each figure has a span in the text and a polygon on its page.
A figure's span is replaced by a marker, and its polygon (inches) is cropped from the
right page with PyMuPDF at 300 DPI for the figure describer.

Credentials come from the environment only: AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT, and
AZURE_DOCUMENT_INTELLIGENCE_KEY or else Entra ID (DefaultAzureCredential).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf
from bs4 import BeautifulSoup

from ..errors import AgentsynthError, InputError
from .documents import Document, Figure, Page, content_id, figure_marker
from .figures import FIGURE_DPI, pixel_size
from .pdf_reader import open_pdf, triage_page

ENDPOINT_ENV = "AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT"
KEY_ENV = "AZURE_DOCUMENT_INTELLIGENCE_KEY"
MODEL_ID = "prebuilt-layout"
ANALYZE_TIMEOUT_S = 900
POINTS_PER_INCH = 72

_HTML_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->\n?", re.DOTALL)  # PageBreak, PageHeader, PageFooter, PageNumber
_FIGURE_TAGS = re.compile(r"</?fig(?:ure|caption)>", re.IGNORECASE)


def _client():
    from azure.ai.documentintelligence import DocumentIntelligenceClient

    endpoint = os.environ.get(ENDPOINT_ENV)
    if not endpoint:
        raise AgentsynthError(f"--reader docai: set {ENDPOINT_ENV} (e.g. https://<name>.cognitiveservices.azure.com/)")
    if key := os.environ.get(KEY_ENV):
        from azure.core.credentials import AzureKeyCredential

        credential: Any = AzureKeyCredential(key)
    else:
        from azure.identity import DefaultAzureCredential

        credential = DefaultAzureCredential()
    return DocumentIntelligenceClient(endpoint, credential)


def analyze(data: bytes, path: Path) -> Any:
    """The service's AnalyzeResult for a PDF's bytes (markdown, code-point offsets)."""
    from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ServiceRequestError

    client = _client()
    try:
        with client:
            poller = client.begin_analyze_document(
                MODEL_ID, body=data, content_type="application/octet-stream",
                output_content_format="markdown", string_index_type="unicodeCodePoint",
            )
            return poller.result(timeout=ANALYZE_TIMEOUT_S)
    except ClientAuthenticationError as exc:
        raise AgentsynthError(f"Document Intelligence refused the credentials ({_short(exc)}); check {KEY_ENV} "
                              "or your Entra ID sign-in") from None
    except ServiceRequestError as exc:
        raise AgentsynthError(f"Document Intelligence at {os.environ.get(ENDPOINT_ENV)} is unreachable "
                              f"({_short(exc)})") from None
    except HttpResponseError as exc:
        if exc.status_code in (401, 403):
            raise AgentsynthError(f"Document Intelligence refused the request ({_short(exc)}); check {KEY_ENV}") from None
        raise InputError(path, f"Document Intelligence could not analyze it ({_short(exc)})") from None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def html_table_to_markdown(html: str) -> str:
    """An HTML table (with colspan/rowspan) as a markdown pipe table."""
    soup = BeautifulSoup(html, "html.parser")
    grid: list[list[str]] = []
    carried: dict[tuple[int, int], str] = {}  # (row, col) filled by a rowspan above
    for r, tr in enumerate(soup.find_all("tr")):
        row: list[str] = []
        col = 0
        for cell in tr.find_all(["th", "td"]):
            while (r, col) in carried:
                row.append(carried.pop((r, col)))
                col += 1
            text = " ".join(cell.get_text(" ").split()).replace("|", "\\|")
            span_c = int(cell.get("colspan", 1) or 1)
            span_r = int(cell.get("rowspan", 1) or 1)
            for c in range(span_c):
                row.append(text)
                for dr in range(1, span_r):
                    carried[(r + dr, col + c)] = text
            col += span_c
        while (r, col) in carried:
            row.append(carried.pop((r, col)))
            col += 1
        grid.append(row)
    grid = [row for row in grid if row]
    if not grid:
        return ""
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + "---|" * width]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in grid[1:]])


@dataclass
class _Edit:
    start: int
    end: int
    text: str


def _span_range(spans: list[Any]) -> tuple[int, int] | None:
    if not spans:
        return None
    return min(s.offset for s in spans), max(s.offset + s.length for s in spans)


def _figure_rect(region: Any, page: Any) -> pymupdf.Rect:
    xs, ys = region.polygon[0::2], region.polygon[1::2]
    scale = POINTS_PER_INCH if (page.unit or "inch") == "inch" else 1.0
    return pymupdf.Rect(min(xs) * scale, min(ys) * scale, max(xs) * scale, max(ys) * scale)


def read_pdf_docai(path: str | Path, figures: bool = False, result: Any = None) -> Document:
    """Read a PDF through Document Intelligence (`result` lets a caller pass one in)."""
    path = Path(path)
    data, pdf = open_pdf(path)
    with pdf:
        result = result if result is not None else analyze(data, path)
        content: str = result.content or ""
        service_pages = {p.page_number: p for p in result.pages or []}
        edits: list[_Edit] = []
        found: dict[int, list[Figure]] = {}
        for index, fig in enumerate(result.figures or [], start=1):
            span = _span_range(fig.spans or [])
            regions = fig.bounding_regions or []
            if span is None or not regions:
                continue
            region = regions[0]
            number = region.page_number
            caption = " ".join((fig.caption.content if fig.caption else "").split())
            if figures and 1 <= number <= pdf.page_count and number in service_pages:
                rect = _figure_rect(region, service_pages[number])
                width, height = pixel_size(pdf[number - 1], rect, FIGURE_DPI)
                figure = Figure(figure_id=f"p{number}-f{len(found.get(number, [])) + 1}", page=number,
                                width=width, height=height, caption=caption, source=str(path), clip=tuple(rect),
                                dpi=FIGURE_DPI)
                found.setdefault(number, []).append(figure)
                replacement = f"\n{figure_marker(figure.figure_id)}\n"
            else:
                replacement = f"\n> Figure (page {number}): {caption}\n" if caption else "\n"
            edits.append(_Edit(span[0], span[1], replacement))
        covered = [(e.start, e.end) for e in edits]
        for match in _HTML_TABLE.finditer(content):
            if not any(s <= match.start() < e for s, e in covered):  # a table inside a figure goes with it
                edits.append(_Edit(match.start(), match.end(), f"\n\n{html_table_to_markdown(match.group())}\n\n"))
        edits.sort(key=lambda e: e.start)

        starts = sorted(
            (rng[0], number) for number, p in service_pages.items() if (rng := _span_range(p.spans or [])) is not None
        )
        pages: list[Page] = []
        consumed = 0
        for i, (start, number) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(content)
            start = max(start, consumed)  # the previous page's table may have run past its end
            pieces, cursor = [], start
            for edit in edits:
                if start <= edit.start < end:
                    pieces += [content[cursor:edit.start], edit.text]
                    cursor = edit.end
            end = max(end, cursor)
            pieces.append(content[cursor:end])
            consumed = end
            markdown = _FIGURE_TAGS.sub("", _COMMENT.sub("", "".join(pieces)))
            markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
            pdf_page = pdf[number - 1] if 1 <= number <= pdf.page_count else None
            images = len(pdf_page.get_images(full=True)) if pdf_page is not None else 0
            text_chars = len(markdown)
            pages.append(Page(number=number, markdown=markdown, text_chars=text_chars, images=images,
                              kind=triage_page(text_chars, images), figures=found.get(number, [])))
        title = (pdf.metadata or {}).get("title") or ""
    if not any(p.text_chars for p in pages):
        raise InputError(path, "Document Intelligence found no text in it")
    return Document(path=str(path), doc_id=content_id(data), title=title.strip() or path.stem, pages=pages,
                    reader="docai")
