"""PDF → pages of markdown with the lab's page triage, via PyMuPDF and pymupdf4llm.

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
import pymupdf4llm

try:  # where pymupdf4llm keeps its heading detector (0.0.x to 2.0); without it, one call per document
    from pymupdf4llm.helpers.pymupdf_rag import IdentifyHeaders
except ImportError:  # pragma: no cover - another layout of the package
    IdentifyHeaders = None

from ..errors import InputError
from .documents import Document, Figure, Page, PageKind, content_id, figure_marker, read_bytes
from .figures import FIGURE_DPI, PAGE_DPI, pixel_size
from .limits import check_pdf_pages
from .processes import available_cpus, in_reading_worker, reading_context

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


MIN_FIGURE_FRACTION = 0.05  # of the page's width and height, as pymupdf4llm's image_size_limit


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


PAGES_PER_PROCESS = 48  # below this many pages a document is read in this process (a worker costs ~0.5 s)


def page_markdown(doc: pymupdf.Document, data: bytes | None = None) -> list[dict]:
    """pymupdf4llm's page chunks, the same as one `to_markdown(doc, page_chunks=True)` call,
    made faster: table detection (three quarters of the time on text pages, in make_chars)
    runs only on pages that draw vector graphics, since its "lines_strict" strategy finds
    tables by their ruling lines alone; the headings' font-size levels are found over every
    page, as the single call finds them. A long document (`data` given) is read in page
    ranges by one process per CPU."""
    if IdentifyHeaders is None:
        return pymupdf4llm.to_markdown(doc, page_chunks=True, show_progress=False)
    plain = {page.number for page in doc if not any("path" in entry[0] for entry in page.get_bboxlog())}
    jobs = [(numbers, strategy) for numbers, strategy in (
        ([n for n in range(doc.page_count) if n not in plain], "lines_strict"), (sorted(plain), None)) if numbers]
    processes = min(available_cpus(), doc.page_count // PAGES_PER_PROCESS)
    if data is not None and processes > 1 and not in_reading_worker():
        jobs = [(numbers[k::processes], strategy) for numbers, strategy in jobs for k in range(processes)]
        jobs = [(numbers, strategy) for numbers, strategy in jobs if numbers]
        with _pool(processes) as pool:
            parts = list(pool.map(_markdown_of_pages, [data] * len(jobs), jobs))
    else:
        headers = IdentifyHeaders(doc)
        parts = [_to_markdown(doc, headers, numbers, strategy) for numbers, strategy in jobs]
    chunks = {chunk["metadata"]["page"] - 1: chunk for part in parts for chunk in part}
    return [chunks[n] for n in range(doc.page_count)]


def _to_markdown(doc: pymupdf.Document, headers, numbers: list[int], strategy: str | None) -> list[dict]:
    return pymupdf4llm.to_markdown(doc, pages=numbers, hdr_info=headers, table_strategy=strategy,
                                   page_chunks=True, show_progress=False)


def _markdown_of_pages(data: bytes, job: tuple[list[int], str | None]) -> list[dict]:
    """In a worker process: some pages of the document in `data`."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return _to_markdown(doc, IdentifyHeaders(doc), *job)


def _pool(processes: int):
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=processes, mp_context=reading_context())


def read_pdf(path: str | Path, figures: bool = False) -> Document:
    path = Path(path)
    data, doc = open_pdf(path)
    with doc:
        try:
            page_chunks = page_markdown(doc, data)
        except Exception as exc:
            raise InputError(path, f"corrupt PDF, cannot extract text ({exc})") from None
        pages = []
        for index, chunk in enumerate(page_chunks):
            page = doc[index]
            number = index + 1
            text_chars = len(page.get_text().strip())
            images = len(page.get_images(full=True))
            kind = triage_page(text_chars, images)
            markdown, found = clean_markdown(chunk["text"]), []
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
                              figures=found))
        title = (doc.metadata or {}).get("title") or ""
    if not any(p.text_chars for p in pages) and not figures:
        raise InputError(path, "PDF has no text layer (scanned or image-only) and the model for role 'vision' "
                               "cannot see images; configure a vision model (e.g. --role-model vision=openai:gpt-4o)")
    return Document(path=str(path), doc_id=content_id(data), title=title.strip() or path.stem, pages=pages)

