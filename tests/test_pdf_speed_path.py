"""Issue 26 (first step): table detection runs only on pages that draw vector graphics. The
markdown is the same, page for page, as pymupdf4llm's single call gives."""

from __future__ import annotations

import pymupdf
import pymupdf4llm
import pytest
from conftest import LAB_PDF, SAMPLE_PDF, write_text_pdf

from agentsynth.tools.pdf_reader import page_markdown


def plain_manual(path, pages: int):
    texts = [f"Chapter {n}. Operation\n\n" + "The unit charges in 45 minutes and weighs 12.5 kg. " * 40
             for n in range(1, pages + 1)]
    return write_text_pdf(path, texts)


@pytest.mark.parametrize("name", ["sample manual", "lab guide", "plain manual", "mixed"])
def test_the_markdown_is_pymupdf4llms_page_for_page(name, tmp_path):
    if name == "mixed":  # text pages and a page with a ruled table, in one document
        path = plain_manual(tmp_path / "mixed.pdf", 3)
        with pymupdf.open(path) as doc, pymupdf.open(SAMPLE_PDF) as sample:
            doc.insert_pdf(sample, from_page=0, to_page=0, start_at=1)
            doc.save(tmp_path / "mixed2.pdf")
        path = tmp_path / "mixed2.pdf"
    else:
        path = {"sample manual": SAMPLE_PDF, "lab guide": LAB_PDF}.get(name) or plain_manual(tmp_path / "p.pdf", 6)
    with pymupdf.open(path) as doc:
        expected = [c["text"] for c in pymupdf4llm.to_markdown(doc, page_chunks=True, show_progress=False)]
        got = [c["text"] for c in page_markdown(doc)]
    assert got == expected
    if name in ("sample manual", "mixed"):
        assert any("|---|" in text for text in got)  # the table is still found


def test_a_long_document_read_by_several_processes_is_the_same(tmp_path, monkeypatch):
    from agentsynth.tools import pdf_reader

    monkeypatch.setattr(pdf_reader, "PAGES_PER_PROCESS", 2)  # six pages: three processes
    monkeypatch.setattr(pdf_reader, "available_cpus", lambda: 3)
    path = plain_manual(tmp_path / "long.pdf", 6)
    with pymupdf.open(path) as doc, pymupdf.open(SAMPLE_PDF) as sample:
        doc.insert_pdf(sample)  # and a table page among them
        doc.save(tmp_path / "long2.pdf")
    data = (tmp_path / "long2.pdf").read_bytes()
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        expected = [c["text"] for c in pymupdf4llm.to_markdown(doc, page_chunks=True, show_progress=False)]
        used: list[int] = []
        real_pool = pdf_reader._pool
        monkeypatch.setattr(pdf_reader, "_pool", lambda n: used.append(n) or real_pool(n))
        got = [c["text"] for c in page_markdown(doc, data)]
    assert used == [3] and got == expected


def test_many_files_read_by_several_processes_come_back_in_order_with_their_errors(tmp_path, monkeypatch):
    from agentsynth.errors import InputError
    from agentsynth.tools import reading

    files = [plain_manual(tmp_path / f"m{n}.pdf", 2) for n in range(3)]
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
