"""Document intake: CSV (encodings, HTML cells, rows), text, markdown, Word, folders of
mixed files, figures through a vision model, token-sized chunking, Japanese and Korean."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
from autogen_core import Image
from conftest import LAB_DATA, run_with_client
from documents_fixtures import CHART_RECT, figure_pdf, photo_png
from PIL import Image as PILImage
from scripted import ScriptedClient, default_answer, default_reader, prompt_text

from agentsynth.backends.tokens import measure_for
from agentsynth.errors import InputError
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions
from agentsynth.tools.chunking import chunk_document
from agentsynth.tools.csv_reader import read_csv
from agentsynth.tools.figures import skip_reason
from agentsynth.tools.reading import read_document
from agentsynth.tools.text_reader import read_docx, read_text

CSV_DIR = LAB_DATA / "csv"
EN_CSV, JA_CSV, KO_CSV = (CSV_DIR / f"{p}-store-information-virtual.csv" for p in ("en", "jp", "ko"))


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- CSV -------------------------------------------------------------------------------------

def test_store_csvs_become_one_readable_unit_per_row():
    for path, rows, first in ((EN_CSV, 5, "- Store Name: BrightStore Central"), (JA_CSV, 5, "- 店舗名: ブライトストアセントラル"),
                              (KO_CSV, 5, "- 매장명: 빛나스토어 중앙점")):
        doc = read_csv(path)
        assert doc.unit == "row" and [p.number for p in doc.pages] == list(range(1, rows + 1))
        assert first in doc.pages[0].markdown.splitlines()
    assert read_csv(JA_CSV).encoding == "utf-8-sig" and read_csv(KO_CSV).encoding == "utf-8"
    assert "\ufeff" not in read_csv(JA_CSV).pages[0].markdown  # the BOM is not part of the first column's name


@pytest.mark.parametrize("source,encoding", [(KO_CSV, "cp949"), (JA_CSV, "shift_jis")])
def test_legacy_encodings_are_detected(tmp_path, source, encoding):
    original = read_csv(source)
    text = source.read_bytes().decode("utf-8-sig")
    legacy = tmp_path / f"{source.stem}.{encoding}.csv"
    legacy.write_bytes(text.encode(encoding))
    doc = read_csv(legacy)
    assert [p.markdown for p in doc.pages] == [p.markdown for p in original.pages]
    assert doc.encoding in ("cp949", "euc_kr") if encoding == "cp949" else doc.encoding in ("cp932", "shift_jis")


def test_undecodable_and_broken_csvs_get_one_clear_error(tmp_path):
    cases = {
        "binary.csv": (bytes(range(256)) * 8, "binary file"),
        "latin.csv": ("name,city\n" + "Müller,Köln\n" * 3).encode("utf-16-be"), 
        "header-only.csv": (b"a,b,c\n", "header but no data rows"),
        "blank.csv": (b"\n\n \n", "no rows"),
        "empty.csv": (b"", "file is empty"),
    }
    cases["latin.csv"] = (cases["latin.csv"], "binary file")  # UTF-16 has NUL bytes
    for name, (data, cause) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(InputError, match=cause) as error:
            read_csv(path)
        assert str(path) in str(error.value)
    garbled = tmp_path / "garbled.csv"
    garbled.write_bytes(b"name,notes\nx," + bytes([0x81, 0xFF, 0xFE, 0x80]) * 40 + b"\n")
    with pytest.raises(InputError, match="cannot tell its text encoding"):
        read_csv(garbled)


def test_html_cells_become_text_and_semicolon_csvs_are_sniffed(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text(
        'id;subject;body\n1;Charger;"<p>The <b>charger</b> stops at 80&nbsp;%.<br>Firmware&nbsp;2.1 fixes it.</p>"\n',
        encoding="utf-8",
    )
    row = read_csv(path).pages[0].markdown
    assert row == "- id: 1\n- subject: Charger\n- body: The charger stops at 80 %. Firmware 2.1 fixes it."


def test_rows_are_never_split_and_pack_by_rows_per_chunk():
    doc = read_csv(KO_CSV)
    one = chunk_document(doc)
    assert [c.rows for c in one] == [[1], [2], [3], [4], [5]] and all(c.pages == [] for c in one)
    assert one[2].locator == "row 3"
    two = chunk_document(doc, rows_per_chunk=2)
    assert [c.rows for c in two] == [[1, 2], [3, 4], [5]] and two[0].locator == "rows 1, 2"
    for chunk in two:  # every row's fields stay together
        assert chunk.text.count("매장명:") == len(chunk.rows)


# --- text, markdown, Word, folders -------------------------------------------------------------

def test_text_markdown_and_docx(tmp_path):
    md = tmp_path / "guide.md"
    md.write_text("# Pump Guide\n\n## Cleaning\n\nClean the filter every month.\n", encoding="utf-8")
    doc = read_text(md)
    assert doc.title == "Pump Guide" and doc.unit == "section" and "Clean the filter" in doc.pages[0].markdown

    word = docx.Document()
    word.add_heading("Pump Guide", level=1)
    word.add_paragraph("The pump delivers 40 litres per minute.")
    table = word.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "Part", (0, 1): "Interval", (1, 0): "Filter", (1, 1): "Monthly"}.items():
        table.cell(r, c).text = text
    path = tmp_path / "guide.docx"
    word.save(str(path))
    markdown = read_docx(path).pages[0].markdown
    assert markdown.startswith("## Pump Guide\n\nThe pump delivers 40 litres per minute.")
    assert "| Part | Interval |\n|---|---|\n| Filter | Monthly |" in markdown


def _mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "inputs"
    (folder / "sub").mkdir(parents=True)
    figure_pdf(folder / "good.pdf")
    (folder / "stores.csv").write_bytes(EN_CSV.read_bytes())
    (folder / "notes.txt").write_text("The warranty lasts five years from the date of purchase. " * 3, encoding="utf-8")
    (folder / "sub" / "faq.md").write_text("# FAQ\n\nThe battery holds 1,024 Wh of energy in total.\n", encoding="utf-8")
    word = docx.Document()
    word.add_paragraph("The service centre opens at nine in the morning on weekdays and closes at six in the evening.")
    word.save(str(folder / "hours.docx"))
    bad = {
        "broken.pdf": b"%PDF-1.4 broken", "empty.csv": b"", "blank.txt": b"   \n",
        "corrupt.docx": b"PK\x03\x04 not really a zip", "old.doc": b"\xd0\xcf\x11\xe0", "sheet.xlsx": b"PK",
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    with zipfile.ZipFile(folder / "sub" / "not-word.docx", "w") as z:
        z.writestr("hello.txt", "a zip, but not a Word package")
    return folder


def test_a_mixed_folder_processes_the_good_files_and_lists_each_bad_one(tmp_path):
    folder = _mixed_folder(tmp_path)
    summary = run_with_client(SeedFromPdf(SeedOptions(inputs=[folder], questions_per_chunk=1)), ScriptedClient(),
                              tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    read = {Path(d["path"]).name: d for d in manifest["documents"]}
    assert set(read) == {"good.pdf", "stores.csv", "notes.txt", "faq.md", "hours.docx"}
    assert read["stores.csv"]["unit"] == "row" and read["stores.csv"]["rows"] == 5 and read["hours.docx"]["chunks"] == 1
    skipped = {Path(s["path"]).name: s["reason"] for s in manifest["skipped_inputs"]}
    assert skipped == {
        "broken.pdf": skipped["broken.pdf"], "empty.csv": "file is empty", "blank.txt": "no text in the file",
        "corrupt.docx": skipped["corrupt.docx"], "old.doc": skipped["old.doc"], "sheet.xlsx": skipped["sheet.xlsx"],
        "not-word.docx": skipped["not-word.docx"],
    }
    assert skipped["broken.pdf"].startswith("corrupt PDF")
    assert "not a zip package" in skipped["corrupt.docx"] and skipped["not-word.docx"].startswith("corrupt Word file")
    assert "unsupported file type '.doc'" in skipped["old.doc"] and "'.xlsx'" in skipped["sheet.xlsx"]
    assert summary.skipped_inputs == 7 and summary.items_done == summary.items > 0 and summary.failed == 0
    records = lines(tmp_path / "out" / "data.jsonl") + lines(tmp_path / "out" / "rejected.jsonl")
    csv_records = [r for r in records if r["metadata"]["source_file"].endswith("stores.csv")]
    assert csv_records and all(r["metadata"]["rows"] and r["metadata"]["pages"] == [] for r in csv_records)


# --- Japanese and Korean end to end ----------------------------------------------------------

def _writer_in(language: str):
    endings = {"ja": "について教えてください。", "ko": "에 대해 알려 주세요?"}

    def writer(messages, schema):
        import re

        fact = re.search(r"Fact: (.+)", prompt_text(messages))
        subject = fact.group(1).split(": ", 1)[-1][:24] if fact else "店舗"
        return {"question": f"{subject}{endings[language]}"}

    return writer


def _answer_in(language: str):
    """Answers as a model writes them: the cited field's value in a sentence of the language."""
    endings = {"ja": "です。", "ko": "입니다."}

    def answer(messages, schema):
        reply = default_answer(messages, schema)
        if reply["answerable"]:
            reply["answer"] = reply["evidence"].split(": ", 1)[-1].rstrip("。.") + endings[language]
        return reply

    return answer


@pytest.mark.parametrize("path,language", [(JA_CSV, "ja"), (KO_CSV, "ko")])
def test_japanese_and_korean_csvs_yield_records_in_their_language_with_row_provenance(tmp_path, path, language):
    client = ScriptedClient({"QuestionReply": _writer_in(language), "AnswerReply": _answer_in(language)})
    summary = run_with_client(SeedFromPdf(SeedOptions(inputs=[path], questions_per_chunk=2)), client, tmp_path)
    records = lines(tmp_path / "data.jsonl")
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"][0]["language"] == language and summary.accepted == len(records) > 0
    doc = read_csv(path)
    for record in records:
        meta = record["metadata"]
        assert meta["language"] == language and len(meta["rows"]) == 1 and meta["pages"] == []
        row_text = doc.pages[meta["rows"][0] - 1].markdown
        assert meta["evidence"] and meta["evidence"] in row_text  # the cited sentence is in that very row
        answer = record["messages"][2]["content"]
        assert answer[:-3].rstrip("で입") in row_text  # the value the answer states is in that row
    # the writer was shown rows, located as rows
    prompts = [prompt_text(c["messages"]) for c in client.calls_for("QuestionReply")]
    assert any(", row 1\n" in p for p in prompts)


def test_cjk_text_splits_into_sentences_and_chunks_at_sentence_ends(tmp_path):
    text = "保証期間は購入日から5年です。バッテリーは1,024 Whを蓄えます。充電は45分で80%に達します。" * 40
    path = tmp_path / "manual.txt"
    path.write_text(text, encoding="utf-8")
    chunks = chunk_document(read_document(path), size=300, overlap=0)
    assert len(chunks) > 3 and all(len(c.text) <= 300 for c in chunks)
    assert all(c.text.endswith("。") for c in chunks)


# --- token-sized chunks -------------------------------------------------------------------------

def test_chunks_are_sized_in_the_models_tokens_and_tables_keep_whole_rows(tmp_path):
    measure = measure_for("local", "")
    assert measure.unit == "tokens" and measure.tokenizer.startswith("gguf:")
    rows = "\n".join(f"|Part {i}|Replace every {i * 3} months|" for i in range(60))
    path = tmp_path / "parts.md"
    path.write_text("# Parts\n\nIntro paragraph about parts.\n\n|Part|Interval|\n|---|---|\n" + rows + "\n", encoding="utf-8")
    chunks = chunk_document(read_document(path), size=120, overlap=10, measure=measure.count, min_chars=1)
    assert len(chunks) > 3
    for chunk in chunks:
        assert measure.count(chunk.text) <= 120
        table_lines = [ln for ln in chunk.text.splitlines() if ln.startswith("|")]
        assert all(ln.endswith("months|") or ln in ("|Part|Interval|", "|---|---|") for ln in table_lines)
        if table_lines:
            assert table_lines[:2] == ["|Part|Interval|", "|---|---|"]  # header repeated in every part


# --- figures ----------------------------------------------------------------------------------

def test_the_cheap_image_check_skips_blank_and_tiny_images():
    import io

    def png(image):
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    assert "too plain" in skip_reason(png(PILImage.new("RGB", (800, 600), "white")))
    assert "too small" in skip_reason(png(PILImage.new("RGB", (40, 600), "black")))
    assert skip_reason(photo_png()) is None


def _vision_calls(client: ScriptedClient) -> list[tuple[str, PILImage.Image]]:
    out = []
    for call in client.calls_for(None):
        content = call["messages"][-1].content
        if isinstance(content, list):
            images = [part for part in content if isinstance(part, Image)]
            out.append((content[0], images[0].image))
    return out


def test_figures_are_cropped_from_their_page_and_described_where_they_stood(tmp_path):
    pdf = figure_pdf(tmp_path / "cluster.pdf")
    client = ScriptedClient(vision=True)
    run_with_client(SeedFromPdf(SeedOptions(inputs=[pdf], questions_per_chunk=1)), client, tmp_path / "out")
    calls = _vision_calls(client)
    assert len(calls) == 2  # the chart on page 2, and page 3 (image-only) whole
    chart_prompt, chart = calls[0]
    assert "page 2 of \"Cluster Setup Guide\"" in chart_prompt
    assert chart.size == (round(CHART_RECT.width / 72 * 300), round(CHART_RECT.height / 72 * 300))  # 300 DPI
    red = sum(1 for r, g, b in chart.convert("RGB").get_flattened_data() if r > 180 and g < 80 and b < 80)
    assert red > 0.1 * chart.size[0] * chart.size[1]  # the chart's bars: cropped from the right page and place
    page_prompt, page = calls[1]
    assert "page 3" in page_prompt and "mostly an image" in page_prompt and page.size == (1275, 1650)

    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["figures"] == {"found": 2, "described": 1, "pages_described": 1, "not_described": 0}
    assert manifest["documents"][0]["pages_without_text"] == [] and manifest["warnings"] == []
    records = lines(tmp_path / "out" / "data.jsonl") + lines(tmp_path / "out" / "rejected.jsonl")
    pages = {p for r in records for p in r["metadata"]["pages"]}
    assert {2, 3} <= pages

    from agentsynth.scenarios.seed_from_pdf import SeedFromPdf as _S  # the chunk text, in order
    scenario = _S(SeedOptions(inputs=[pdf]))
    import asyncio

    from rich.console import Console

    from agentsynth.scenarios.base import PlanContext
    plan = asyncio.run(scenario.aplan(PlanContext(clients={"vision": client}, console=Console(), show_progress=False)))
    text = "\n".join(i.payload.chunk.text for i in plan.items if 2 in i.payload.chunk.pages)
    before, described, after = text.index("median is reported"), text.index("> Figure (page 2):"), text.index("After the chart")
    assert before < described < after and "9,100 images/s" in text


def test_a_text_only_model_counts_the_figures_it_cannot_describe(tmp_path, capsys):
    pdf = figure_pdf(tmp_path / "cluster.pdf")
    client = ScriptedClient(vision=False)
    run_with_client(SeedFromPdf(SeedOptions(inputs=[pdf], questions_per_chunk=1)), client, tmp_path / "out")
    assert _vision_calls(client) == []
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["figures"]["not_described"] == 2 and manifest["documents"][0]["figures"]["not_described"] == 2
    assert manifest["documents"][0]["pages_without_text"] == [3]
    assert len(manifest["warnings"]) == 1 and "2 image(s) not described" in manifest["warnings"][0]
    assert "--role-model vision=" in manifest["warnings"][0]


def test_lab_pdf_figures_reach_the_vision_model_from_their_pages(tmp_path):
    from conftest import LAB_PDF

    client = ScriptedClient(vision=True, handlers={"ReaderReply": default_reader})
    run_with_client(SeedFromPdf(SeedOptions(inputs=[LAB_PDF], questions_per_chunk=1)), client, tmp_path,
                    limit=1)
    prompts = [p for p, _ in _vision_calls(client)]
    assert [p.split("page ")[1].split(" ")[0] for p in prompts] == ["3", "5", "7", "8", "8"]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["figures"]["described"] == 5 and manifest["usage"]["per_role"]["vision"]["calls"] == 5


def test_critic_checks_read_japanese_and_korean():
    from agentsynth.agents.question_writer import QuestionReply
    from agentsynth.checks.qa import check_adds_information, check_language, check_question_well_formed

    assert not check_adds_information("ブライトストアセントラルについて教えてください。", "ブライトストアセントラルです。").passed
    assert not check_adds_information("빛나스토어 중앙점에 대해 알려 주세요?", "빛나스토어 중앙점입니다.").passed
    assert check_adds_information("ブライトストアセントラルの住所は？", "3階、スタータワーです。").passed
    assert check_question_well_formed("ブライトストアセントラルの電話番号は何番ですか？").passed
    assert QuestionReply(question="ブライトストアセントラルの電話番号は何番ですか？")  # the writer's schema takes "？"
    assert not check_language("店舗の住所はどこですか？", "The store is on the third floor.", "ja").passed
    assert check_language("매장 규모는 얼마입니까?", "매장 규모는 150평입니다.", "ko").passed
