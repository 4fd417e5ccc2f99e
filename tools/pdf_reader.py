"""PDF → pages of markdown with the lab's page triage, via PyMuPDF (pdf_layout.py writes the
markdown: headings, columns, ruled tables).

With `figures=True` (a vision model is configured) each picture is cut from its page at
300 DPI and a marker is put in the markdown before the first text below it (where it
stood in reading order); image-only pages are rendered whole. The figure describer
replaces the markers with descriptions. Vector drawings are not located as figures. Every failure a user can
cause (missing, not a PDF, empty, corrupt, encrypted, no text layer) becomes an
`InputError` naming the file and the cause.
"""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf

from ..errors import InputError
from .documents import Document, Figure, Page, PageKind, content_id, figure_marker, read_bytes
from .figures import FIGURE_DPI, PAGE_DPI, pixel_size
from .limits import check_pdf_pages
from .pdf_layout import HeadingLevels, PageDraft, draft_page, page_markdown
from .processes import available_cpus, in_reading_worker, pool_can_start, reading_context

# The lab's triage threshold: pages with more than this many characters of text layer
# are treated as text pages (or mixed when they also hold images).
TRIAGE_TEXT_CHARS = 600

# Inline HTML in table cells (line breaks) and in markdown from other tools.
_INLINE_HTML = re.compile(r"</?(?:mark|u|sup|sub|span)\b[^>]*>", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def clean_markdown(markdown: str) -> str:
    return _INLINE_HTML.sub("", _HTML_BREAK.sub(" ", markdown))


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


def open_pdf(path: Path) -> tuple[bytes, pymupdf.Document]:
    data = read_bytes(path, "a PDF file")
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(path, "not a PDF (no %PDF header)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for damaged files
        raise InputError(path, f"corrupt PDF ({exc})") from None
    if doc.needs_pass:
        doc.close()
        raise InputError(path, "encrypted PDF (password required)")
    if doc.page_count == 0:
        doc.close()
        raise InputError(path, "PDF has no pages")
    try:
        check_pdf_pages(path, doc.page_count)
    except InputError:
        doc.close()
        raise
    return data, doc


MIN_FIGURE_FRACTION = 0.05  # of the page's width and height (pymupdf4llm's image_size_limit)


def _figure_rects(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """Where the page's pictures are drawn, top to bottom, each large enough to matter."""
    rects: list[pymupdf.Rect] = []
    for info in page.get_image_info():
        rect = pymupdf.Rect(info["bbox"]) & page.rect
        if rect.is_empty or rect.width < page.rect.width * MIN_FIGURE_FRACTION \
                or rect.height < page.rect.height * MIN_FIGURE_FRACTION:
            continue
        if not any(max(abs(a - b) for a, b in zip(rect, other)) < 1 for other in rects):  # placed twice
            rects.append(rect)
    return sorted(rects, key=lambda r: (r.y0, r.x0))


def _anchor_words(text: str) -> str:
    return " ".join(text.split()[:4]).lower()


def _insert_marker(markdown: str, page: pymupdf.Page, rect: pymupdf.Rect, marker: str) -> str:
    """Put `marker` before the first text block below the figure (or at the end)."""
    below = sorted((b for b in page.get_text("blocks") if b[6] == 0 and b[1] >= rect.y1 - 2 and b[4].strip()),
                   key=lambda b: (b[1], b[0]))
    lines = markdown.split("\n")
    for block in below[:3]:
        words = _anchor_words(block[4])
        for index, line in enumerate(lines):
            if words and words in " ".join(clean_markdown(line).replace("*", "").split()).lower():
                return "\n".join(lines[:index] + ["", marker, ""] + lines[index:])
    return f"{markdown.rstrip()}\n\n{marker}\n"


def _with_figures(markdown: str, page: pymupdf.Page, number: int, path: Path) -> tuple[str, list[Figure]]:
    """Locate each picture (cut at 300 DPI when it is described) and mark where it stood in
    the page's markdown."""
    figures = []
    for rect in _figure_rects(page):
        width, height = pixel_size(page, rect, FIGURE_DPI)
        figure = Figure(figure_id=f"p{number}-f{len(figures) + 1}", page=number, width=width, height=height,
                        source=str(path), clip=tuple(rect), dpi=FIGURE_DPI)
        figures.append(figure)
        markdown = _insert_marker(markdown, page, rect, figure_marker(figure.figure_id))
    return markdown, figures


PAGES_PER_PROCESS = 400  # below this many pages a document is read here (a process costs ~0.5 s to start)


def page_drafts(doc: pymupdf.Document, data: bytes) -> list[PageDraft]:
    """Every page's draft; a long document in page ranges by one process per CPU (not from
    within a process that already reads files for a pool)."""
    processes = min(available_cpus(), doc.page_count // PAGES_PER_PROCESS)
    if processes < 2 or in_reading_worker() or not pool_can_start():
        return [draft_page(page) for page in doc]
    from concurrent.futures import ProcessPoolExecutor

    bounds = [doc.page_count * k // processes for k in range(processes + 1)]
    with ProcessPoolExecutor(max_workers=processes, mp_context=reading_context()) as pool:
        parts = pool.map(_drafts_of_pages, [data] * processes, bounds[:-1], bounds[1:])
        return [draft for part in parts for draft in part]


def _drafts_of_pages(data: bytes, start: int, stop: int) -> list[PageDraft]:
    """In a worker process: the drafts of pages start..stop-1 of the PDF in `data`."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return [draft_page(doc[number]) for number in range(start, stop)]


def read_pdf(path: str | Path, figures: bool = False) -> Document:
    path = Path(path)
    data, doc = open_pdf(path)
    with doc:
        try:
            drafts = page_drafts(doc, data)
        except Exception as exc:
            raise InputError(path, f"corrupt PDF, cannot extract text ({exc})") from None
        headings = HeadingLevels(drafts)  # a heading's level depends on every page's font sizes
        pages = []
        for index, draft in enumerate(drafts):
            page = doc[index]
            number = index + 1
            text_chars = draft.text_chars
            images = len(page.get_images(full=True))
            kind = triage_page(text_chars, images)
            markdown, found = clean_markdown(page_markdown(draft, headings)), []
            if figures and kind == "image":
                # Little text and a picture: the page is the figure. One look at the whole
                # page beats several crops that each miss what ties them together.
                width, height = pixel_size(page, None, PAGE_DPI)
                found = [Figure(figure_id=f"p{number}-page", page=number, width=width, height=height,
                                whole_page=True, source=str(path), dpi=PAGE_DPI)]
                markdown = f"{markdown.rstrip()}\n\n{figure_marker(found[0].figure_id)}\n"
            elif figures and images:
                markdown, found = _with_figures(markdown, page, number, path)
            pages.append(Page(number=number, markdown=markdown, text_chars=text_chars, images=images, kind=kind,
                              figures=found, margin_lines=draft.margin_lines))
        title = (doc.metadata or {}).get("title") or ""
    if not any(p.text_chars for p in pages) and not figures:
        raise InputError(path, "PDF has no text layer (scanned or image-only) and the model for role 'vision' "
                               "cannot see images; configure a vision model (e.g. --role-model vision=openai:gpt-4o)")
    return Document(path=str(path), doc_id=content_id(data), title=title.strip() or path.stem, pages=pages)

