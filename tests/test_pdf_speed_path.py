"""Issue 26: the PDF reader writes markdown from PyMuPDF's text dictionary itself (tools/
pdf_layout.py) instead of pymupdf4llm's page-by-page markdown, 3 to 40 times faster. On the
sample manual and the lab's guide it keeps what the chunks rely on: every page, heading,
table and word of the reader before."""

from __future__ import annotations

import re
from collections import Counter

import pymupdf
import pytest
from conftest import LAB_PDF, SAMPLE_PDF, write_text_pdf

from agentsynth.tools.chunking import _HEADING, chunk_document
from agentsynth.tools.documents import Document, Page
from agentsynth.tools.pdf_layout import HeadingLevels, draft_page, grid_regions, page_markdown
from agentsynth.tools.pdf_reader import clean_markdown, read_pdf
from agentsynth.tools.text import plain


def reader_before(path) -> Document:
    """The reader before issue 26: pymupdf4llm's classic extractor, headings by font size."""
    pymupdf4llm = pytest.importorskip("pymupdf4llm")
    from pymupdf4llm.helpers.pymupdf_rag import IdentifyHeaders

    if hasattr(pymupdf4llm, "use_layout"):
        pymupdf4llm.use_layout(False)
    with pymupdf.open(path) as doc:
        chunks = pymupdf4llm.to_markdown(doc, page_chunks=True, hdr_info=IdentifyHeaders(doc), show_progress=False)
    pages = [Page(number=n, markdown=clean_markdown(c["text"])) for n, c in enumerate(chunks, start=1)]
    return Document(path=str(path), doc_id="before", title=read_pdf(path).title, pages=pages)


def headings(markdown: str) -> list[str]:
    """Headings as the chunker sees them. The reader before wrapped some in ** (which hid
    them from the chunker) and ran a bullet item on into the heading above it."""
    lines = [line.replace("*", "") for line in markdown.splitlines()]
    return [" ".join(re.split(r"[•◦]", line)[0].split()) for line in lines if _HEADING.match(line)]


def table_rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


def words(markdown: str) -> Counter:
    markdown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # the reader before wrote links twice
    return Counter(re.findall(r"\w+", plain(markdown).lower().replace("ʼ", "’")))


@pytest.mark.parametrize("path", [SAMPLE_PDF, LAB_PDF], ids=["sample manual", "lab guide"])
def test_pages_headings_tables_and_words_are_those_of_the_reader_before(path):
    now, before = read_pdf(path), reader_before(path)
    assert [p.number for p in now.pages] == [p.number for p in before.pages]
    for new, old in zip(now.pages, before.pages):
        assert headings(new.markdown) == [h for h in headings(old.markdown) if h.strip("# ")], new.number
        assert table_rows(new.markdown) == table_rows(old.markdown), new.number
        # Distinct words: the reader before repeated a link's words (and cut pieces of its URL,
        # 'docs.aws.am'), which no reader should match.
        lost = set(words(old.markdown)) - set(words(new.markdown))
        assert len(lost) <= max(1, len(words(old.markdown)) // 100), (new.number, lost)
    if path == SAMPLE_PDF:
        assert sum(len(table_rows(p.markdown)) for p in now.pages) == 18  # both ruled tables, every row


@pytest.mark.parametrize("path", [SAMPLE_PDF, LAB_PDF], ids=["sample manual", "lab guide"])
def test_the_chunks_keep_the_pages_headings_and_whole_tables_of_the_reader_before(path):
    now = chunk_document(read_pdf(path), size=2000, overlap=200, measure=len)
    before = chunk_document(reader_before(path), size=2000, overlap=200, measure=len)
    assert sorted({n for c in now for n in c.pages}) == sorted({n for c in before for n in c.pages})
    assert [h for c in now for h in headings(c.text)] == [h for c in before for h in headings(c.text)
                                                          if h.strip("# ")] or path == LAB_PDF
    text = "\n".join(c.text for c in now)
    for chunk in before:  # each table of the reader before stands whole in one chunk now
        for table in re.findall(r"(?:^\|.*\n?)+", chunk.text, re.MULTILINE):
            rows = table_rows(table)[2:]  # a table cut across chunks repeats its header rows
            assert all(row in text for row in rows)
            assert any(all(row in c.text for row in rows) for c in now) or len(rows) > 6


def two_column_page(path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "A Study of Two Columns", fontsize=20)
    left = " ".join(f"Left sentence {n} reads first." for n in range(30))
    right = " ".join(f"Right sentence {n} reads next." for n in range(30))
    page.insert_textbox(pymupdf.Rect(50, 90, 290, 700), left, fontsize=10)
    page.insert_textbox(pymupdf.Rect(310, 90, 550, 700), right, fontsize=10)
    page.insert_textbox(pymupdf.Rect(50, 720, 550, 800), "A footnote across the page closes it.", fontsize=10)
    doc.save(str(path))
    return path


def test_a_two_column_page_reads_the_left_column_then_the_right(tmp_path):
    markdown = read_pdf(two_column_page(tmp_path / "two.pdf")).pages[0].markdown
    flat = " ".join(markdown.split())
    assert flat.startswith("# A Study of Two Columns")
    assert flat.index("Left sentence 29") < flat.index("Right sentence 0") < flat.index("Right sentence 29") \
        < flat.index("A footnote across the page")
    assert "Left sentence 3 reads first." in flat and "Right sentence 3 reads next." in flat


def test_labels_beside_their_values_are_not_columns(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    for row, (label, value) in enumerate([("Capacity", "1,024 Wh"), ("Weight", "12.5 kg"), ("Ports", "6")]):
        page.insert_text((72, 100 + row * 16), label, fontsize=11)
        page.insert_text((360, 100 + row * 16), value, fontsize=11)
    doc.save(str(tmp_path / "kv.pdf"))
    lines = read_pdf(tmp_path / "kv.pdf").pages[0].markdown.split("\n")
    assert ["Capacity 1,024 Wh", "Weight 12.5 kg", "Ports 6"] == [line for line in lines if line]


def test_hyphenated_words_bullets_and_footnote_marks_come_out_whole(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), "The model reduces hallucina-", fontsize=11)
    page.insert_text((72, 114), "tion in answers.", fontsize=11)
    page.insert_text((72, 140), "See https://example.com/a-", fontsize=11)
    page.insert_text((72, 154), "b for the state-of-the-", fontsize=11)
    page.insert_text((72, 168), "art method.", fontsize=11)
    page.insert_text((72, 200), "•", fontsize=16)  # a bullet in a larger font, set apart from its item
    page.insert_text((90, 200), "Charge the unit before storage.", fontsize=11)
    doc.save(str(tmp_path / "words.pdf"))
    markdown = read_pdf(tmp_path / "words.pdf").pages[0].markdown
    assert "hallucination" in markdown and "hallucina-" not in markdown
    assert "https://example.com/a-\nb" in markdown  # a URL keeps its break
    assert "state-of-the-art" in markdown
    assert "- Charge the unit before storage." in markdown and "#" not in markdown


def test_headings_by_font_size_over_the_whole_document(tmp_path):
    doc = pymupdf.open()
    for title in ("Safety", "Charging"):
        page = doc.new_page()
        page.insert_text((72, 72), "Aurora Manual", fontsize=24)
        page.insert_text((72, 110), title, fontsize=16)
        page.insert_textbox(pymupdf.Rect(72, 130, 540, 700), "Body text of the manual. " * 60, fontsize=11)
    doc.save(str(tmp_path / "h.pdf"))
    with pymupdf.open(tmp_path / "h.pdf") as pdf:
        drafts = [draft_page(page) for page in pdf]
    levels = HeadingLevels(drafts)
    assert levels.levels == {24: 1, 16: 2}
    assert page_markdown(drafts[1], levels).startswith("# Aurora Manual\n\n## Charging\n\nBody text")


def test_table_detection_runs_only_where_ruling_lines_can_make_a_grid(tmp_path):
    path = write_text_pdf(tmp_path / "plain.pdf", ["No lines here. " * 50])
    with pymupdf.open(path) as doc:
        assert grid_regions(doc[0]) == []
    with pymupdf.open(SAMPLE_PDF) as doc:
        assert len(grid_regions(doc[0])) >= 1
    with pymupdf.open() as doc:  # a page with a rule under its title is no table
        page = doc.new_page()
        page.draw_line((72, 80), (540, 80))
        page.draw_line((72, 700), (540, 700))
        assert grid_regions(page) == []


def test_many_files_read_by_several_processes_come_back_in_order_with_their_errors(tmp_path, monkeypatch):
    from agentsynth.errors import InputError
    from agentsynth.tools import reading

    files = [write_text_pdf(tmp_path / f"m{n}.pdf", [f"Chapter {n}.\n\n" + "The unit charges in 45 minutes. " * 40] * 2)
             for n in range(3)]
    (tmp_path / "bad.pdf").write_text("not a pdf", encoding="utf-8")
    files.insert(1, tmp_path / "bad.pdf")
    alone = reading.read_documents(files)  # four files, one process each: read here
    monkeypatch.setattr(reading, "FILES_PER_PROCESS", 1)
    monkeypatch.setattr(reading, "available_cpus", lambda: 2)
    pooled = reading.read_documents(files)
    assert isinstance(pooled[1], InputError) and pooled[1].path == str(files[1]) and "no %PDF header" in pooled[1].cause
    assert [d.model_dump() for d in pooled if not isinstance(d, InputError)] == \
        [d.model_dump() for d in alone if not isinstance(d, InputError)]
    assert [getattr(d, "path", None) for d in pooled] == [str(f) for f in files]


def test_a_long_document_read_in_page_ranges_by_several_processes_is_the_same(tmp_path, monkeypatch):
    from agentsynth.tools import pdf_reader

    path = write_text_pdf(tmp_path / "long.pdf", [f"Chapter {n}.\n\n" + "The unit charges in 45 minutes. " * 30
                                                  for n in range(1, 7)])
    with pymupdf.open(path) as doc, pymupdf.open(SAMPLE_PDF) as sample:
        doc.insert_pdf(sample)  # and table pages among them
        doc.save(tmp_path / "long2.pdf")
    alone = read_pdf(tmp_path / "long2.pdf")
    monkeypatch.setattr(pdf_reader, "PAGES_PER_PROCESS", 2)  # nine pages: three processes
    monkeypatch.setattr(pdf_reader, "available_cpus", lambda: 3)
    ranges: list[tuple[int, int]] = []
    import concurrent.futures  # the reader imports its pool class when it needs one

    class Recording(concurrent.futures.ProcessPoolExecutor):
        def map(self, fn, *iterables, **kwargs):
            data, starts, stops = (list(i) for i in iterables)
            ranges.extend(zip(starts, stops))
            return super().map(fn, data, starts, stops, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recording)
    pooled = read_pdf(tmp_path / "long2.pdf")
    assert ranges == [(0, 3), (3, 6), (6, 9)]
    assert [p.model_dump() for p in pooled.pages] == [p.model_dump() for p in alone.pages]
