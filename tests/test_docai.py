"""The Document Intelligence reader, through the real SDK against a loopback server that
speaks the analyze protocol (tests/fake_docai.py)."""

from __future__ import annotations

import json

import pytest
from autogen_core import Image
from conftest import run_with_client
from documents_fixtures import CHART_RECT, PHOTO_RECT, figure_pdf
from fake_docai import CAPTION, KEY, FakeDocumentIntelligence
from scripted import ScriptedClient

from agentsynth.errors import AgentsynthError
from agentsynth.run import main
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions
from agentsynth.tools.docai_reader import html_table_to_markdown, read_pdf_docai


@pytest.fixture
def docai(monkeypatch):
    with FakeDocumentIntelligence() as server:
        monkeypatch.setenv("AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT", server.endpoint)
        monkeypatch.setenv("AZURE_DOCUMENT_INTELLIGENCE_KEY", KEY)
        yield server


def test_pages_tables_and_figures_are_mapped_from_the_analyze_result(tmp_path, docai):
    pdf = figure_pdf(tmp_path / "cluster.pdf")
    doc = read_pdf_docai(pdf, figures=True)
    request = docai.requests[0]
    assert request["body"] == pdf.read_bytes() and request["content_type"] == "application/octet-stream"
    assert request["query"]["outputContentFormat"] == ["markdown"] and request["query"]["stringIndexType"] == ["unicodeCodePoint"]
    assert doc.reader == "docai" and [p.number for p in doc.pages] == [1, 2, 3]
    page1, page2, page3 = (p.markdown for p in doc.pages)
    assert "| p3.16xlarge | 8 | 128 GB |" in page1 and "|---|---|---|" in page1  # the HTML table, as markdown rows
    assert "<table" not in page1 and "<!--" not in page1 and "Scaling results" not in page1
    assert page2.index("median is reported") < page2.index("[[figure:p2-f1]]") < page2.index("After the chart")
    assert "<figure>" not in page2 and "1 GPU" not in page2  # the figure's own text is replaced with the marker
    (chart,), (photo,) = doc.pages[1].figures, doc.pages[2].figures
    assert chart.page == 2 and chart.caption == CAPTION and photo.page == 3
    # cropped at 300 DPI from the polygon (inches) on the right page
    assert abs(chart.width - CHART_RECT.width / 72 * 300) <= 2 and abs(chart.height - CHART_RECT.height / 72 * 300) <= 2
    assert abs(photo.width - PHOTO_RECT.width / 72 * 300) <= 2
    import io

    from PIL import Image as PILImage
    pixels = PILImage.open(io.BytesIO(chart.image())).convert("RGB").get_flattened_data()
    assert sum(1 for r, g, b in pixels if r > 180 and g < 80 and b < 80) > 0.1 * len(pixels)  # the red bars


def test_without_vision_the_caption_stays_and_figures_are_counted(tmp_path, docai):
    pdf = figure_pdf(tmp_path / "cluster.pdf")
    doc = read_pdf_docai(pdf, figures=False)
    assert f"> Figure (page 2): {CAPTION}" in doc.pages[1].markdown and not doc.figures
    run_with_client(SeedFromPdf(SeedOptions(inputs=[pdf], reader="docai", questions_per_chunk=1)), ScriptedClient(),
                    tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"][0]["reader"] == "docai"


def test_seed_from_pdf_with_docai_describes_figures_with_the_vision_model(tmp_path, docai):
    pdf = figure_pdf(tmp_path / "cluster.pdf")
    client = ScriptedClient(vision=True)
    summary = run_with_client(SeedFromPdf(SeedOptions(inputs=[pdf], reader="docai", questions_per_chunk=1)), client,
                              tmp_path / "out")
    vision = [c for c in client.calls_for(None) if isinstance(c["messages"][-1].content, list)]
    assert len(vision) == 2
    prompt, image = vision[0]["messages"][-1].content
    assert "page 2" in prompt and CAPTION in prompt and isinstance(image, Image)
    assert image.image.size == (1500, 900) or abs(image.image.size[1] - 900) <= 2
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["figures"]["described"] == 2 and summary.items_done == summary.items > 0


def test_refused_key_unreachable_service_and_bad_file_are_one_line_each(tmp_path, docai, monkeypatch, capsys):
    pdf = figure_pdf(tmp_path / "cluster.pdf")
    monkeypatch.setenv("AZURE_DOCUMENT_INTELLIGENCE_KEY", "wrong")
    with pytest.raises(AgentsynthError, match="refused the credentials"):
        read_pdf_docai(pdf)
    rc = main(["--input", str(pdf), "--reader", "docai", "--out", str(tmp_path / "o"), "--no-progress",
               "--model", "openai-compatible:x", "--base-url", "http://127.0.0.1:9/v1"])
    err = capsys.readouterr().err
    assert rc == 2 and "Document Intelligence refused the credentials" in err and "Traceback" not in err
    monkeypatch.delenv("AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT")
    with pytest.raises(AgentsynthError, match="set AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT"):
        read_pdf_docai(pdf)
    monkeypatch.setenv("AZURE_DOCUMENT_INTELLIGENCE_ENDPOINT", "http://127.0.0.1:9/")
    monkeypatch.setenv("AZURE_DOCUMENT_INTELLIGENCE_KEY", KEY)
    with pytest.raises(AgentsynthError, match="unreachable"):
        read_pdf_docai(pdf)


def test_html_tables_with_spans_become_rectangular_markdown():
    html = ("<table><tr><th colspan=2>Model</th><th>Speed</th></tr>"
            "<tr><td rowspan=2>V100</td><td>fp32</td><td>14</td></tr><tr><td>fp16</td><td>112</td></tr></table>")
    assert html_table_to_markdown(html).splitlines() == [
        "| Model | Model | Speed |", "|---|---|---|", "| V100 | fp32 | 14 |", "| V100 | fp16 | 112 |",
    ]
