"""Sentence splitting, chunking with pages, tables and running headers, and the lookup tool."""

from __future__ import annotations

import asyncio

from conftest import LAB_PDF, SAMPLE_PDF

from agentsynth.tools.chunking import chunk_document
from agentsynth.tools.documents import Document, Page
from agentsynth.tools.language import detect_language
from agentsynth.tools.lookup import DocumentIndex, search_documents_tool
from agentsynth.tools.pdf_reader import read_pdf
from agentsynth.tools.text import normalize, plain, sentences, tokens


def _doc(pages: list[str]) -> Document:
    return Document(
        path="manual.pdf", doc_id="abc", title="Manual",
        pages=[Page(number=i + 1, markdown=m, text_chars=len(m), images=0, kind="text") for i, m in enumerate(pages)],
    )


def test_sentences_join_soft_wrapped_lines_and_keep_table_rows():
    text = "## Heading\n\nThe unit weighs 12.5\nkg and measures 38 cm. It is red.\n\n|Item|Value|\n|---|---|\n|Weight|12.5 kg|"
    units = sentences(text)
    assert "The unit weighs 12.5 kg and measures 38 cm." in units
    assert "|Weight|12.5 kg|" in units
    assert not any("Heading" in u for u in units)
    for unit in units:
        assert normalize(unit) in plain(text)


def test_cjk_text_tokenises_into_bigrams():
    assert tokens("店舗は駅前") == ["店舗", "舗は", "は駅", "駅前"]
    assert detect_language("가장 가까운 매장은 어디입니까?") == "ko"
    assert detect_language("最寄りの店舗はどこですか？") == "ja"
    assert detect_language("Yes.") == "unknown"


def test_chunks_keep_pages_and_respect_size():
    pages = [f"## Section {n}\n\n" + " ".join(f"Sentence {n}.{i} about topic {n}." for i in range(40)) for n in range(1, 5)]
    chunks = chunk_document(_doc(pages), size=800, overlap=100)
    assert len(chunks) > 4
    for chunk in chunks:
        assert len(chunk.text) <= 800 + 100
        for n in chunk.pages:
            assert f"topic {n}" in chunk.text
    assert chunks[0].pages == [1] and chunks[-1].pages == [4]
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_overlap_carries_trailing_paragraphs():
    paragraphs = [f"Paragraph {i} has some words in it to take space." for i in range(30)]
    chunks = chunk_document(_doc(["\n\n".join(paragraphs)]), size=400, overlap=120)
    first_tail = chunks[0].text.split("\n\n")[-1]
    head_of_next = chunks[1].text.split("\n\n")[:3]
    assert first_tail in head_of_next
    assert sum(len(p) for p in head_of_next[: head_of_next.index(first_tail) + 1]) <= 120 + 10


def test_tables_split_between_rows_with_header_repeated():
    rows = "\n".join(f"|Row {i}|Value {i}|" for i in range(60))
    chunks = chunk_document(_doc([f"Intro text for the table below.\n\n|Name|Value|\n|---|---|\n{rows}"]), size=500, overlap=50)
    table_chunks = [c for c in chunks if "|Row" in c.text]
    assert len(table_chunks) > 1
    for chunk in table_chunks:
        assert "|Name|Value|" in chunk.text
        for line in chunk.text.splitlines():
            if line.startswith("|Row"):
                assert line.endswith("|")  # never cut mid-row


def test_running_headers_are_dropped():
    header = "24. 7. 22. 오전 9:52 Some printed page header"
    bodies = ["Pumps", "Filters", "Valves", "Hoses", "Seals", "Motors"]
    pages = [f"{header}\n\n{b} are described on this page with enough words to be a paragraph." for b in bodies]
    text = "\n".join(c.text for c in chunk_document(_doc(pages)))
    assert "오전" not in text and "Motors are described" in text


def test_real_pdfs_chunk_with_correct_pages():
    for path in (SAMPLE_PDF, LAB_PDF):
        doc = read_pdf(path)
        chunks = chunk_document(doc)
        assert chunks
        for chunk in chunks:
            # Every chunk's first sentence is found on one of its pages.
            first = sentences(chunk.text)[0]
            assert any(normalize(first[:40]) in plain(doc.pages[n - 1].markdown) for n in chunk.pages)


def test_search_documents_tool_returns_ids_pages_and_snippets():
    chunks = chunk_document(read_pdf(SAMPLE_PDF))
    tool = search_documents_tool(DocumentIndex(chunks))
    assert tool.name == "search_documents"
    hits = asyncio.run(tool.run_json({"query": "warranty registration years", "k": 2}, cancellation_token=None))
    assert 1 <= len(hits) <= 2
    assert "warranty" in hits[0].snippet.lower() or "warranty" in DocumentIndex(chunks).get(hits[0].chunk_id).text.lower()
    assert hits[0].pages and hits[0].chunk_id.startswith(chunks[0].doc_id)
    assert DocumentIndex(chunks).search("zzzz qqqq") == []


def test_stemming_is_safe_from_many_threads_at_once():
    """AutoGen runs sync tools (search_documents) in a thread pool while the critic stems."""
    from concurrent.futures import ThreadPoolExecutor

    from agentsynth.tools.text import stems

    text = "The technicians were inspecting the generators and recharging the batteries continuously " * 20
    expected = stems(text)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: stems(text), range(400)))
    assert all(r == expected for r in results)


def test_a_line_repeated_in_the_body_of_every_page_is_content_not_a_footer(tmp_path):
    """A catalogue: one product per page, each with a "Battery: N mAh" line. Digits masked, the
    line repeats on every page, yet it stands in the body: only lines in the top or bottom band
    of the page can be running headers and footers."""
    import pymupdf

    from agentsynth.tools.pdf_reader import read_pdf

    doc = pymupdf.open()
    for n, name in enumerate(["Aurora", "Borealis", "Cirrus", "Dawn"], start=1):
        page = doc.new_page()
        page.insert_text((72, 30), "Acme Product Catalogue 2026", fontsize=9)  # a running header
        page.insert_text((72, 120), f"{name} power bank", fontsize=11)
        page.insert_text((72, 140), f"Battery: {n * 1000 + 500} mAh", fontsize=11)
        page.insert_text((72, 160), f"It charges a phone {n + 1} times.", fontsize=11)
        page.insert_text((300, 820), f"Page {n}", fontsize=9)  # a running footer
    doc.save(str(tmp_path / "catalogue.pdf"))
    text = "\n".join(c.text for c in chunk_document(read_pdf(tmp_path / "catalogue.pdf")))
    assert all(f"Battery: {n * 1000 + 500} mAh" in text for n in range(1, 5))
    assert "Acme Product Catalogue" not in text and "Page 3" not in text
