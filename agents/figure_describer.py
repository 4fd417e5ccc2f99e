"""Figure describer: a vision model turns each figure (or image-only page) a reader found
into text, written back into the page's markdown where the figure stood.

Figures that the cheap image check finds too small or too plain are skipped without a
call. With a model that cannot see images nothing is sent; every figure is counted as
not described, so the manifest and the terminal say what the dataset is missing.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from autogen_core import Image
from autogen_core.models import ChatCompletionClient, SystemMessage, UserMessage
from PIL import Image as PILImage

from ..errors import AgentsynthError, BackendError, BudgetExhausted
from ..tools.documents import FIGURE_MARKER_PATTERN, Document, Figure
from ..tools.figures import skip_reason
from ..tools.fencing import fence
from .base import render_prompt, render_system

MAX_WORDS = 120
MAX_TOKENS = 400
_REFUSAL = re.compile(r"^\s*(i('m| am) (sorry|unable)|i can(no|')t|sorry)", re.IGNORECASE)


@dataclass
class FigureReport:
    """What happened to the figures of one document (for the manifest)."""

    found: int = 0
    described: int = 0
    described_pages: list[int] = field(default_factory=list)  # image-only pages described whole
    skipped: list[str] = field(default_factory=list)  # "p3-f1: too plain (...)"
    failed: list[str] = field(default_factory=list)
    not_described: int = 0  # no vision model: images left out of the text

    @property
    def pages_described(self) -> int:
        return len(self.described_pages)

    def as_dict(self) -> dict:
        return {"found": self.found, "described": self.described, "pages_described": self.pages_described,
                "described_pages": sorted(self.described_pages),
                "skipped": self.skipped, "failed": self.failed, "not_described": self.not_described}


def can_see(client: ChatCompletionClient) -> bool:
    try:
        return bool(client.model_info.get("vision"))
    except Exception:  # clients without model_info cannot be trusted with images
        return False


def _image(png: bytes) -> Image:
    return Image.from_pil(PILImage.open(io.BytesIO(png)))


def _figure_block(figure: Figure, description: str) -> str:
    what = "Page image" if figure.whole_page else "Figure"
    caption = f" {figure.caption.strip()}" if figure.caption.strip() else ""
    return f"> {what} (page {figure.page}):{caption} {description}"


def _page_text(document: Document, page_number: int) -> str:
    page = next(p for p in document.pages if p.number == page_number)
    return FIGURE_MARKER_PATTERN.sub("", page.markdown).strip()[:1500] or "(none)"


async def describe_figure(
    client: ChatCompletionClient, document: Document, figure: Figure, language: str, png: bytes | None = None
) -> str:
    """One vision call; the description as plain text, or an `AgentsynthError`."""
    if figure.whole_page:
        prompt = render_prompt("figure_describer.page", page=figure.page, title=document.title,
                               text=fence(_page_text(document, figure.page)), max_words=MAX_WORDS * 2)
    else:
        caption = f' Its caption: "{figure.caption}".' if figure.caption else ""
        prompt = render_prompt("figure_describer.user", page=figure.page, title=document.title, caption=caption,
                               max_words=MAX_WORDS)
    messages = [
        SystemMessage(content=render_system("figure_describer.system", language=language)),
        UserMessage(content=[prompt, _image(png if png is not None else figure.image())], source="user"),
    ]
    result = await client.create(messages, extra_create_args={"max_tokens": MAX_TOKENS})
    text = " ".join(str(result.content).split()) if isinstance(result.content, str) else ""
    if not text:
        raise AgentsynthError(f"figure {figure.figure_id}: the vision model returned no description")
    if _REFUSAL.match(text):
        raise AgentsynthError(f"figure {figure.figure_id}: the vision model declined ({text[:80]})")
    return text


async def describe_document(
    document: Document,
    client: ChatCompletionClient | None,
    *,
    language: str = "the language of the document",
    concurrency: int = 4,
    on_figure: Callable[[], None] = lambda: None,
) -> tuple[Document, FigureReport]:
    """The document with every figure marker replaced by a description (or removed)."""
    report = FigureReport(found=len(document.figures))
    texts: dict[str, str] = {}
    semaphore = asyncio.Semaphore(max(1, concurrency))

    async def one(figure: Figure) -> None:
        try:
            async with semaphore:  # the image is cut here: at most `concurrency` of them in memory
                png = figure.image()
                reason = None if figure.whole_page else skip_reason(png)
                if reason:
                    report.skipped.append(f"{figure.figure_id}: {reason}")
                    return
                texts[figure.figure_id] = _figure_block(
                    figure, await describe_figure(client, document, figure, language, png))
            if figure.whole_page:
                report.described_pages.append(figure.page)
            else:
                report.described += 1
        except BudgetExhausted:
            report.failed.append(f"{figure.figure_id}: budget spent")
        except BackendError as exc:
            if exc.fatal:
                raise
            report.failed.append(f"{figure.figure_id}: {exc}")
        except AgentsynthError as exc:
            report.failed.append(f"{figure.figure_id}: {exc}")
        finally:
            on_figure()

    if client is not None:
        await asyncio.gather(*(one(f) for f in document.figures))
    else:
        report.not_described = len(document.figures)
    pages = []
    for page in document.pages:
        markdown = FIGURE_MARKER_PATTERN.sub(lambda m: texts.get(m.group(1), ""), page.markdown)
        pages.append(page.model_copy(update={"markdown": re.sub(r"\n{3,}", "\n\n", markdown), "figures": []}))
    return document.model_copy(update={"pages": pages}), report
