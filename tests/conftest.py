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


# Issue 21: how many of the embedded model's live replies may end at their token limit or in a
# loop they could not be trimmed out of, over every end-to-end run of a session (it was most of
# them before the grammars and the loop guard). Which reply runs away is chaotic: it changes with
# the CPU and with what llama.cpp's prompt cache holds from the test before (the same dialogue
# test ran away in the suite and not alone), so the rate is held over the session, not per run.
MAX_RUNAWAY_RATE = 0.05
_RUNAWAY = {"calls": 0, "cut_off": {}}


def assert_no_runaway(manifest: dict) -> None:
    """Count a run's live replies and the ones cut off (the manifest's `cut_off`, per role); the
    session fails at its end when more than MAX_RUNAWAY_RATE of them ran away."""
    for role, usage in manifest["usage"]["per_role"].items():
        _RUNAWAY["calls"] += usage.get("calls", 0)
        if usage.get("cut_off"):
            key = f"{manifest['scenario']}/{role}"
            _RUNAWAY["cut_off"][key] = _RUNAWAY["cut_off"].get(key, 0) + usage["cut_off"]


def runaway_rate_problem(tally: dict) -> str | None:
    cut_off = sum(tally["cut_off"].values())
    if tally["calls"] and cut_off > MAX_RUNAWAY_RATE * tally["calls"]:
        return (f"{cut_off} of {tally['calls']} live replies of the embedded model ran away "
                f"(over {MAX_RUNAWAY_RATE:.0%}), by scenario/role: {tally['cut_off']}")
    return None


@pytest.fixture(scope="session", autouse=True)
def runaway_rate_over_the_session():
    yield
    problem = runaway_rate_problem(_RUNAWAY)
    assert problem is None, problem


def pytest_terminal_summary(terminalreporter):
    if _RUNAWAY["calls"]:
        cut_off = sum(_RUNAWAY["cut_off"].values())
        terminalreporter.write_line(f"embedded model: {_RUNAWAY['calls']} live replies in end-to-end runs, {cut_off} "
                                    f"cut off {_RUNAWAY['cut_off'] or ''}(at most {MAX_RUNAWAY_RATE:.0%} allowed)")
