from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pymupdf
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/scripted.py

from scripted import ScriptedClient  # noqa: E402

from agentsynth.agents.context import QAContext, plan_question_types  # noqa: E402
from agentsynth.scenarios.catalogue import load_scenarios  # noqa: E402
from agentsynth.scenarios.runner import RunSettings, run_scenario  # noqa: E402
from agentsynth.scenarios.seed_from_pdf import SAMPLE_PDF  # noqa: E402
from agentsynth.tools.dedup import QuestionRegistry  # noqa: E402

load_scenarios()  # every scenario registered, as run.py sees them (tests parametrize over them)

# The Azure lab's inputs and reference outputs, copied into the repository (origin and
# licence in tests/data/azure-lab/README.md): a clone runs every test on its own.
LAB_DATA = Path(__file__).resolve().parent / "data" / "azure-lab"
LAB_PDF = LAB_DATA / "pdf" / "en-imagenet-training-wrote-by-daekeun.pdf"

PASSAGE = """## Specifications

The Aurora X2 stores 1,024 Wh in a lithium iron phosphate (LiFePO4) battery. The unit weighs 12.5 kg.
Four AC outlets deliver 1,800 W of continuous output and 3,600 W of surge power.
With the wall charger at 1,500 W, the battery charges from 0 to 80% in 45 minutes.

|Item|Value|
|---|---|
|Solar input|12-60 V DC, 600 W maximum|
"""


def write_text_pdf(path: Path, pages: list[str]) -> Path:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), text, fontsize=11)
    doc.save(str(path))
    doc.close()
    return path


@pytest.fixture(scope="session")
def session_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Caches the tests may share (the embedded model's probe verdict), never the user's own."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def private_response_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                           session_cache_home: Path) -> Path:
    """Each test gets its own response cache, so no test is answered from another's."""
    directory = tmp_path_factory.mktemp("response-cache")
    monkeypatch.setenv("AGENTSYNTH_CACHE_DIR", str(directory))
    monkeypatch.setenv("XDG_CACHE_HOME", str(session_cache_home))
    return directory


@pytest.fixture
def one_page_pdf(tmp_path: Path) -> Path:
    return write_text_pdf(tmp_path / "one-page.pdf", [PASSAGE.replace("## ", "").replace("|", " ")])


@pytest.fixture
def bad_pdfs(tmp_path: Path) -> dict[str, Path]:
    """One file for every kind of bad input the reader must explain."""
    folder = tmp_path / "bad"
    folder.mkdir()
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    not_pdf = folder / "notes.pdf"
    not_pdf.write_text("just some text, not a PDF", encoding="utf-8")
    corrupt = folder / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    encrypted = folder / "encrypted.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret manual text " * 10)
    doc.save(str(encrypted), encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="owner")
    doc.close()
    scanned = folder / "scanned.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    pix.clear_with(200)
    page.insert_image(pymupdf.Rect(50, 50, 450, 250), pixmap=pix)
    doc.save(str(scanned))
    doc.close()
    return {"empty": empty, "not_pdf": not_pdf, "corrupt": corrupt, "encrypted": encrypted, "scanned": scanned}


@pytest.fixture
def scripted() -> ScriptedClient:
    return ScriptedClient()


def make_context(passage: str = PASSAGE, *, questions: int = 3, max_revisions: int = 1,
                 registry: QuestionRegistry | None = None, language: str = "en", index=None) -> QAContext:
    return QAContext(
        item_id="item-1", passage=passage, title="Aurora X2 manual", pages=[2], domain="power stations",
        language=language, question_types=plan_question_types(questions, 0), max_revisions=max_revisions,
        registry=registry or QuestionRegistry(), index=index,
    )


def run_with_client(scenario, client, out_dir: Path, **settings):
    """Run a scenario through the real runner with one scripted client for every role."""
    run_settings = RunSettings(out_dir=out_dir, model_label="scripted", show_progress=False, **settings)
    return asyncio.run(run_scenario(scenario, run_settings, lambda role: client))


__all__ = ["SAMPLE_PDF", "LAB_DATA", "LAB_PDF", "PASSAGE", "make_context", "run_with_client", "write_text_pdf"]


def assert_no_runaway(manifest: dict) -> None:
    """Issue 21: no reply of a run on the embedded model ended at its token limit or in a loop it
    could not be trimmed out of (the manifest counts them per role as `cut_off`)."""
    cut_off = {role: u["cut_off"] for role, u in manifest["usage"]["per_role"].items() if u.get("cut_off")}
    assert not cut_off, f"replies cut off at their token limit, by role: {cut_off}"
