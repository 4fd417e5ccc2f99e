"""A PDF page as markdown, straight from PyMuPDF's text dictionary (issue 26).

pymupdf4llm made the same markdown at 2 to 15 pages/s: it builds several text pages per
page, finds columns in Python and runs table detection over every character of any page
that draws a line. Here one text page gives the text, a cheap pass orders the blocks by
column, and table detection runs only inside the clusters of ruling lines that can form a
grid, clipped to them. What the chunks rely on is kept: headings by font size (the same
rule as pymupdf4llm's IdentifyHeaders), one output line per PDF line, paragraphs apart,
bullets as `- `, monospaced lines fenced as code, ruled tables as markdown tables. Inline
emphasis (bold, italic) is left out: it is noise to the models and to the checks.

A document is read in two steps: `draft_page` per page (the text, each line with the font
size most of it is set in), then `HeadingLevels` over all drafts turns sizes into `#` levels,
as a heading's level depends on the sizes of the whole document; `page_markdown` writes it.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from dataclasses import dataclass, field

import pymupdf
import pymupdf.table

# IdentifyHeaders' rule: text no larger than this is body text whatever the document.
BODY_LIMIT = 12
MAX_LEVELS = 6
_BULLETS = ("•", "◦", "▪", "●", "○", "■", "□", "·", "‣", "⁃", "–", "-", "*", "o", ">")
_WHITE = frozenset(" \t\n\r\x0b\x0c\xa0\u2002\u2003\u2009\u200b\u3000")
_FLAGS = pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_LIGATURES  # "ﬁ" as "fi": the checks compare words
GUTTER = 0.03  # of the page width: how far a column block may reach past the middle
MARGIN = 0.1  # of the page height: the top and bottom bands where running headers and footers stand


def _is_white(text: str) -> bool:
    return _WHITE.issuperset(text)


@dataclass
class DraftLine:
    text: str
    size: int  # the rounded font size most of the line is set in (what may make it a heading)
    mono: bool = False
    paragraph: bool = False  # starts a new paragraph (a new block, or a gap above it)
    top: float = 0.0
    bottom: float = 0.0


@dataclass
class PageDraft:
    """A page's text in reading order, with tables already written as markdown."""

    parts: list[DraftLine | str] = field(default_factory=list)  # str: a table's markdown
    sizes: Counter = field(default_factory=Counter)  # characters per rounded font size
    text_chars: int = 0  # as len(page.get_text().strip()) counts them, for the triage
    height: float = 0.0

    @property
    def margin_lines(self) -> list[str]:
        """The text of lines set in the page's top or bottom tenth, where running headers and
        footers stand (chunking drops those that repeat; a line that repeats in the body is content)."""
        edge = self.height * MARGIN
        return [part.text for part in self.parts if isinstance(part, DraftLine)
                and (part.bottom <= edge or part.top >= self.height - edge)]


class HeadingLevels:
    """Rounded font size → heading level, from every page's font sizes: the most frequent
    size (at least 12) is body text, the up to six sizes above it are # to ######."""

    def __init__(self, drafts: list[PageDraft]) -> None:
        sizes: Counter = Counter()
        for draft in drafts:
            sizes.update(draft.sizes)
        ranked = sorted(sizes.items(), key=lambda item: (item[1], item[0]))
        body = max(BODY_LIMIT, ranked[-1][0]) if ranked else BODY_LIMIT
        self.levels = {size: level for level, size in
                       enumerate(sorted((s for s in sizes if s > body), reverse=True)[:MAX_LEVELS], start=1)}

    def prefix(self, size: int) -> str:
        level = self.levels.get(size)
        return "#" * level + " " if level else ""


def page_markdown(draft: PageDraft, headings: HeadingLevels) -> str:
    """The page as markdown: a line per PDF line, a blank line between paragraphs, headings
    (a heading broken over lines joined), bullets as `- `, runs of monospaced lines fenced."""
    out: list[str] = []
    code = False
    previous_heading = ""
    for part in draft.parts:
        if isinstance(part, str):  # a table
            if code:
                out.append("```")
                code = False
            out.extend(["", part, ""])
            previous_heading = ""
            continue
        prefix = headings.prefix(part.size)
        if prefix:
            if code:
                out.append("```")
                code = False
            if prefix == previous_heading and out and out[-1].startswith(prefix):
                out[-1] += " " + part.text  # a heading broken over lines
            else:
                out.extend(["", prefix + part.text])
            previous_heading = prefix
            continue
        previous_heading = ""
        if part.mono:
            if not code:
                out.extend(["", "```"])
                code = True
            out.append(part.text)
            continue
        if code:
            out.append("```")
            code = False
        text = part.text
        if text.startswith(_BULLETS) and (len(text) == 1 or text[1] == " "):
            text = "- " + text[1:].lstrip()
            if out and out[-1] != "":
                out.append("")
        elif part.paragraph and out and out[-1] != "":
            out.append("")
        out.append(text)
    if code:
        out.append("```")
    return "\n".join(out).strip() + "\n" if out else ""


# --- one page ------------------------------------------------------------------------------


def draft_page(page: pymupdf.Page) -> PageDraft:
    """One page's text in reading order, its tables as markdown where they stood."""
    textpage = page.get_textpage(flags=_FLAGS)
    blocks = [b for b in page.get_text("dict", textpage=textpage, flags=_FLAGS)["blocks"] if b.get("type") == 0]
    draft = PageDraft(text_chars=len(page.get_text("text", textpage=textpage, flags=_FLAGS).strip()),
                      height=page.rect.height)
    visible = any(s.get("alpha", 255) and not _is_white(s["text"])
                  for b in blocks for line in b["lines"] for s in line["spans"])
    tables = _tables(page)
    items: list[tuple[tuple[float, float, float, float], object]] = [(rect, markdown) for rect, markdown in tables]
    for block in blocks:
        lines = [line for line in block["lines"] if not _in_any(line["bbox"], [r for r, _ in tables])]
        if lines:
            items.append((block["bbox"], lines))
    for run in reading_order(items, page.rect.width):
        blocks_run: list[list[dict]] = []
        for _, content in run + [(None, "")]:  # a sentinel flushes the last blocks
            if not isinstance(content, str):
                blocks_run.append(content)
                continue
            draft.parts += _draft_lines(_baseline_lines(blocks_run, visible), draft)
            blocks_run = []
            if content:
                draft.parts.append(content)
    draft.parts = _dehyphenated(draft.parts)
    return draft


def _baseline_lines(blocks: list[list[dict]], visible: bool) -> list[tuple[tuple, list[dict], set[int]]]:
    """The lines of blocks stacked in one column, top to bottom, with the spans that sit on
    one baseline joined into one line whatever block PyMuPDF put them in: a link, a bold
    word or a bullet is often a block of its own in the middle of a sentence's line."""
    lines = []
    for number, block in enumerate(blocks):
        for line in block:
            if abs(1 - line["dir"][0]) > 1e-3:  # vertical or rotated text (a margin stamp)
                continue
            # An OCR layer is invisible text; where the page shows text, invisible text is noise.
            spans = [s for s in line["spans"] if s.get("alpha", 255) or not visible]
            if spans:
                lines.append((tuple(line["bbox"]), spans, {number}))
    lines.sort(key=lambda line: (line[0][3], line[0][0]))
    joined: list[tuple[tuple, list[dict], set[int]]] = []
    for bbox, spans, numbers in lines:
        if joined and _same_line(joined[-1][0], bbox):
            last_bbox, last_spans, last_numbers = joined[-1]
            union = (min(last_bbox[0], bbox[0]), min(last_bbox[1], bbox[1]), max(last_bbox[2], bbox[2]),
                     max(last_bbox[3], bbox[3]))
            joined[-1] = (union, last_spans + spans, last_numbers | numbers)
        else:
            joined.append((bbox, spans, numbers))
    return joined


def _same_line(a: tuple, b: tuple) -> bool:
    """Two line boxes on one line: they share most of their height (a bullet in a larger font
    still does; two lines of a paragraph overlap by their leading at most)."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > 0.6 * min(a[3] - a[1], b[3] - b[1])


def _draft_lines(lines: list[tuple[tuple, list[dict], set[int]]], draft: PageDraft) -> list[DraftLine]:
    """Lines as the draft keeps them; a paragraph starts where a line shares no block with
    the line above it, or stands well below it."""
    out: list[DraftLine] = []
    previous_bottom, previous_blocks = None, set()
    for bbox, spans, blocks in lines:
        text, size = _line_text(spans)
        if not text:
            continue
        gap = previous_bottom is not None and bbox[3] - previous_bottom > (bbox[3] - bbox[1]) * 1.5
        out.append(DraftLine(text=text, size=size, paragraph=not blocks & previous_blocks or gap, top=bbox[1],
                             bottom=bbox[3], mono=all(s["flags"] & pymupdf.TEXT_FONT_MONOSPACED
                                                      for s in spans if not _is_white(s["text"]))))
        for span in spans:
            draft.sizes[round(span["size"])] += len(span["text"].strip())
        previous_bottom, previous_blocks = bbox[3], blocks
    return out


_HYPHENATED = re.compile(r"(\S*[^\W\d_])-$")


def _dehyphenated(parts: list) -> list:
    """A word hyphenated at the end of a line ("hallucina-" / "tion ...") is made whole on
    the first line, as the checks look for "hallucination". (PyMuPDF dehyphenates plain
    text only, not the dictionary.) URLs and paths keep their hyphen and their break."""
    out: list = []
    for part in parts:
        previous = out[-1] if out and isinstance(out[-1], DraftLine) else None
        if previous is not None and isinstance(part, DraftLine) and not part.paragraph and not part.mono \
                and part.text[:1].islower() and (match := _HYPHENATED.search(previous.text)) \
                and not any(c in match.group(1) for c in "/._@:"):
            first, _, rest = part.text.partition(" ")
            keep = "-" if "-" in match.group(1) else ""  # state-of-the-art keeps its hyphens
            previous.text = previous.text[:-1] + keep + first
            if not rest:
                continue
            part.text = rest
        out.append(part)
    return out


def _line_text(spans: list[dict]) -> tuple[str, int]:
    """A line's text and the font size most of it is set in. Spans are words or glyphs on
    many PDFs (browser prints place each glyph): a gap wider than a tenth of the font size
    between two of them is a space, as pymupdf4llm reads it."""
    parts: list[str] = []
    chars: Counter = Counter()
    right, raised = None, 0
    for span in sorted(spans, key=lambda s: s["bbox"][0]):
        if _is_white(span["text"]):
            if parts:
                parts.append(" ")
            continue
        superscript = span["flags"] & pymupdf.TEXT_FONT_SUPERSCRIPT
        if parts and parts[-1] != " " and (span["bbox"][0] - right > span["size"] * 0.1 or superscript != raised):
            parts.append(" ")  # a footnote mark is a word of its own, not the end of "API4"
        parts.append(span["text"])
        right, raised = span["bbox"][2], superscript
        chars[round(span["size"])] += len(span["text"].strip())
    # The size most characters are set in: a bullet glyph in a large font does not make a heading.
    size = max(chars.items(), key=lambda item: (item[1], item[0]))[0] if chars else 0
    return " ".join("".join(parts).split()), size


def reading_order(items: list[tuple[tuple, object]], width: float) -> list[list[tuple[tuple, object]]]:
    """Runs of blocks stacked in one column, in reading order: top to bottom; on a page set
    in two columns, the left column's blocks before the right column's, between two blocks
    that span both (a title, a wide table or figure)."""
    items = sorted(items, key=lambda item: (round(item[0][1], 1), item[0][0]))
    middle, gutter = width / 2, width * GUTTER

    def side(bbox) -> str:
        if bbox[2] <= middle + gutter:
            return "left"
        if bbox[0] >= middle - gutter:
            return "right"
        return "both"

    sides = [side(bbox) for bbox, _ in items]
    if not _two_columns(items, sides):
        return [items]
    # A block below everything in the other column (a footnote, a closing line) closes the columns.
    bottoms = {where: max((bbox[3] for (bbox, _), s in zip(items, sides) if s == where), default=None)
               for where in ("left", "right")}
    for index, ((bbox, _), where) in enumerate(zip(items, sides)):
        other = bottoms["right" if where == "left" else "left"]
        if where != "both" and other is not None and bbox[1] >= other:
            sides[index] = "both"
    runs: list[list[tuple[tuple, object]]] = []
    left: list = []
    right: list = []
    for item, where in zip(items, sides):
        if where == "both":
            runs += [run for run in (left, right, [item]) if run]
            left, right = [], []
        else:
            (left if where == "left" else right).append(item)
    return runs + [run for run in (left, right) if run]


def _two_columns(items: list[tuple[tuple, object]], sides: list[str]) -> bool:
    """Two columns when a left-only and a right-only block of several lines each stand side
    by side; a label beside its value (one line each) is not a column."""
    def lines(content) -> int:
        return 1 if isinstance(content, str) else len(content)

    lefts = [bbox for (bbox, content), s in zip(items, sides) if s == "left" and lines(content) >= 2]
    rights = [bbox for (bbox, content), s in zip(items, sides) if s == "right" and lines(content) >= 2]
    return any(min(a[3], b[3]) - max(a[1], b[1]) > 0 for a in lefts for b in rights)


def _in_any(bbox, rects) -> bool:
    x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return any(r[0] <= x <= r[2] and r[1] <= y <= r[3] for r in rects)


# --- tables --------------------------------------------------------------------------------


# PyMuPDF 1.27+ first runs an ONNX layout model on the page (about 0.3 s) unless told not to.
_NO_LAYOUT_MODEL = {"use_layout": False} if "use_layout" in inspect.signature(pymupdf.table.find_tables).parameters else {}


def _tables(page: pymupdf.Page) -> list[tuple[tuple, str]]:
    """Ruled tables as markdown, found only where ruling lines could form a grid: table
    detection ("lines_strict", the ruling lines alone) clipped to each such cluster."""
    found = []
    for region in grid_regions(page):
        try:
            tables = page.find_tables(clip=region, strategy="lines_strict", **_NO_LAYOUT_MODEL)
        except Exception:  # a malformed drawing: this region has no table we can read
            continue
        for table in tables.tables:
            markdown = table.to_markdown(clean=False).strip()
            if markdown:
                found.append((tuple(table.bbox), markdown))
    return found


def grid_regions(page: pymupdf.Page) -> list[pymupdf.Rect]:
    """Clusters of vector graphics whose ruling lines cross inside: at least two cells, which
    is what "lines_strict" needs to make a table. A box around code, a rule under a title or
    a frame is no grid. Pages that draw nothing are not asked."""
    if not any(entry[0].endswith("path") for entry in page.get_bboxlog()):
        return []
    # A filled rectangle without a border is a background (of the page, a code box, a cell),
    # never a rule unless it is drawn as thin as one; "lines_strict" ignores it too.
    drawings = [d for d in page.get_drawings() if d.get("type") != "f" or _thin(d["rect"])]
    if not drawings:
        return []
    rules = [rect for d in drawings for rect in _rules(d)]
    regions = []
    for cluster in page.cluster_drawings(drawings=drawings):
        area = pymupdf.Rect(cluster) + (-2, -2, 2, 2)
        inside = [r for r in rules if area.contains(r)]
        horizontal = _joined([r for r in inside if r.width >= r.height], across=lambda r: (r.y0, r.y1),
                             along=lambda r: (r.x0, r.x1))
        vertical = _joined([r for r in inside if r.width < r.height], across=lambda r: (r.x0, r.x1),
                           along=lambda r: (r.y0, r.y1))
        if any(_cross_inside(h, v) for h in horizontal for v in vertical):
            regions.append(pymupdf.Rect(cluster) + (-3, -3, 3, 3))  # find_tables keeps what touches it
    return regions


def _joined(rules: list[pymupdf.Rect], across, along, tolerance: float = 1.5) -> list[pymupdf.Rect]:
    """Collinear rules that touch, as one: a table drawn cell by cell has its row lines in
    pieces, one per cell, that only meet the cell walls at their ends."""
    rules = sorted(rules, key=lambda r: (round(across(r)[0]), along(r)[0]))
    out: list[pymupdf.Rect] = []
    for rule in rules:
        last = out[-1] if out else None
        if last is not None and abs(across(last)[0] - across(rule)[0]) <= tolerance \
                and along(rule)[0] <= along(last)[1] + tolerance:
            out[-1] = last | rule
        else:
            out.append(pymupdf.Rect(rule))
    return out


def _cross_inside(horizontal: pymupdf.Rect, vertical: pymupdf.Rect, margin: float = 2) -> bool:
    """The rules cross away from the ends of at least one of them: a cell wall or a row line
    (a box's sides only meet at its corners)."""
    x, y = (vertical.x0 + vertical.x1) / 2, (horizontal.y0 + horizontal.y1) / 2
    if not (horizontal.x0 - margin <= x <= horizontal.x1 + margin and vertical.y0 - margin <= y <= vertical.y1 + margin):
        return False
    return horizontal.x0 + margin < x < horizontal.x1 - margin or vertical.y0 + margin < y < vertical.y1 - margin


def _thin(rect) -> bool:
    rect = pymupdf.Rect(rect)
    return min(rect.width, rect.height) <= 3


def _rules(drawing: dict) -> list[pymupdf.Rect]:
    """The straight lines of a drawing, as thin rectangles (a rectangle's four sides count)."""
    out = []
    for item in drawing["items"]:
        if item[0] == "l":
            out.append(pymupdf.Rect(item[1], item[2]).normalize() + (-0.5, -0.5, 0.5, 0.5))
        elif item[0] == "re":
            rect = pymupdf.Rect(item[1])
            if min(rect.width, rect.height) <= 3:  # a line drawn as a filled bar
                out.append(rect + (-0.5, -0.5, 0.5, 0.5))
            else:
                out += [pymupdf.Rect(rect.x0, rect.y0, rect.x1, rect.y0 + 1), pymupdf.Rect(rect.x0, rect.y1 - 1, rect.x1, rect.y1),
                        pymupdf.Rect(rect.x0, rect.y0, rect.x0 + 1, rect.y1), pymupdf.Rect(rect.x1 - 1, rect.y0, rect.x1, rect.y1)]
    return out
