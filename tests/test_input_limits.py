"""Issue 23: inputs have bounds (bytes, pages, a Word file's uncompressed size), each refused
in one line before the file is read; figures are cut from their PDF one at a time, when
they are described, not all at 300 DPI while the document is read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import LAB_PDF, SAMPLE_PDF
from PIL import Image

from agentsynth.errors import InputError
from agentsynth.tools import limits
from agentsynth.tools.encoding import read_utf8
from agentsynth.tools.reading import IntakeOptions, read_document
from agentsynth.tools.seeds import read_seeds


def test_a_file_past_the_byte_bound_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1 << 20)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:  # sparse: 2 MiB that take no disk
        f.truncate(2 << 20)
    with pytest.raises(InputError, match=r"huge.txt: 2 MiB, more than the 1 MiB one input may be; split it"):
        read_document(huge)
    seeds = tmp_path / "seeds.jsonl"
    with open(seeds, "wb") as f:
        f.truncate(2 << 20)
    with pytest.raises(InputError, match="more than the 1 MiB"):
        read_seeds(seeds)
    monkeypatch.setattr(limits, "MAX_USER_FILE_BYTES", 1 << 20)
    with pytest.raises(InputError, match="more than the 1 MiB"):
        read_utf8(huge, "run config")


def test_a_pdf_with_too_many_pages_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 2)
    with pytest.raises(InputError, match=r"pages, more than the 2 one PDF may have"):
        read_document(SAMPLE_PDF)


def test_a_word_zip_bomb_is_refused_from_its_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"\0" * (8 << 20))  # 8 MiB of zeros: a few KiB on disk
    assert bomb.stat().st_size < 64 << 10
    with pytest.raises(InputError, match=r"bomb.docx: its parts expand to 8 MiB, more than 1 MiB: a zip bomb"):
        read_document(bomb)


def test_figures_are_located_when_read_and_cut_only_when_described():
    document = read_document(LAB_PDF, IntakeOptions(figures=True))
    assert document.figures, "the lab's PDF has figures"
    assert all(f.png is None and f.source == str(LAB_PDF) for f in document.figures)  # nothing cut yet
    for figure in document.figures[:3]:
        with Image.open(io.BytesIO(figure.image())) as image:
            assert image.format == "PNG" and abs(image.size[0] - figure.width) <= 1 \
                and abs(image.size[1] - figure.height) <= 1


def test_a_figure_whose_pdf_is_gone_is_one_error(tmp_path):
    copy = tmp_path / "lab.pdf"
    copy.write_bytes(Path(LAB_PDF).read_bytes())
    figure = read_document(copy, IntakeOptions(figures=True)).figures[0]
    copy.unlink()
    with pytest.raises(InputError, match="cannot be cut from page"):
        figure.image()
