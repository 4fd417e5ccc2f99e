"""Reading PDFs: page triage, and one clear error per kind of bad input."""

from __future__ import annotations

import pytest
from conftest import LAB_PDF, SAMPLE_PDF

from agentsynth.errors import InputError
from agentsynth.tools.pdf_reader import read_pdf, triage_page
from agentsynth.tools.reading import find_inputs as find_pdfs


@pytest.mark.parametrize(
    ("chars", "images", "kind"),
    [(1200, 0, "text"), (601, 2, "mixed"), (600, 1, "image"), (0, 3, "image"), (80, 0, "text"), (0, 0, "empty")],
)
def test_triage_follows_the_lab_rule(chars, images, kind):
    assert triage_page(chars, images) == kind


def test_sample_manual_has_pages_tables_and_a_figure():
    doc = read_pdf(SAMPLE_PDF)
    assert doc.title.startswith("Aurora X2")
    assert len(doc.pages) >= 3
    assert [p.number for p in doc.pages] == list(range(1, len(doc.pages) + 1))
    figure_pages = [p for p in doc.pages if p.images]
    assert figure_pages and figure_pages[0].kind == "mixed"
    assert any("|Battery capacity|1,024 Wh|" in p.markdown for p in doc.pages)


def test_lab_pdf_keeps_word_spacing():
    # The layout-model extractor glued words ("Createan EC2instance"); the classic one must not.
    text = "\n".join(p.markdown for p in read_pdf(LAB_PDF).pages)
    assert "Create an EC2 instance" in text or "Create an EC2" in text
    assert "Createan" not in text and "<mark>" not in text


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        ("empty", "file is empty"),
        ("not_pdf", "not a PDF"),
        ("corrupt", "corrupt PDF"),
        ("encrypted", "encrypted PDF"),
        ("scanned", "no text layer"),
    ],
)
def test_bad_input_gives_one_line_naming_file_and_cause(bad_pdfs, kind, cause):
    with pytest.raises(InputError) as info:
        read_pdf(bad_pdfs[kind])
    message = str(info.value)
    assert str(bad_pdfs[kind]) in message and cause in message
    assert "\n" not in message


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        find_pdfs(tmp_path / "nope.pdf")
    with pytest.raises(InputError, match="no such file"):
        read_pdf(tmp_path / "nope.pdf")


def test_folder_lists_every_visible_file(tmp_path, bad_pdfs):
    (bad_pdfs["empty"].parent / ".hidden.pdf").write_bytes(b"x")
    names = {p.name for p in find_pdfs(bad_pdfs["empty"].parent)}
    assert names == {"empty.pdf", "notes.pdf", "corrupt.pdf", "encrypted.pdf", "scanned.pdf"}
