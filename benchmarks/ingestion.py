"""Pages/s of the project's PDF reader against plain PyMuPDF `get_text()` on the same files,
and against the reader before issue 26 (pymupdf4llm's markdown, headings by font size), in one run.

    python benchmarks/ingestion.py                 # sample manual, the lab's guide, a 300-page plain manual
    python benchmarks/ingestion.py --pages 1000 my_paper.pdf
    python benchmarks/ingestion.py --corpus 24     # also a folder of 24 copies of the lab's guide
    python benchmarks/ingestion.py --memory 1000 10000   # peak memory of planning a generated corpus
    python benchmarks/ingestion.py --first-item 1000     # seconds until the first work item starts

Files: the bundled sample manual (tables), the Azure lab's 9-page guide (browser-printed,
figures, code boxes) and a generated plain-text manual; any PDFs given are added (a real
two-column paper with tables, say). pymupdf4llm comes with `pip install -e ".[test]"`. Each is
read `--rounds` times per reader, the readers alternating so that machine noise hits all.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))

import pymupdf  # noqa: E402
import pymupdf4llm  # noqa: E402

if hasattr(pymupdf4llm, "use_layout"):  # as the reader before ran it
    pymupdf4llm.use_layout(False)

from agentsynth.tools.pdf_reader import read_pdf  # noqa: E402

LAB_PDF = ROOT / "tests" / "data" / "azure-lab" / "pdf" / "en-imagenet-training-wrote-by-daekeun.pdf"
SAMPLE_PDF = ROOT / "samples" / "aurora-x2-power-station-manual.pdf"


_WORDS = ("amber", "basalt", "cobalt", "delta", "ember", "fjord", "granite", "harbor", "indigo", "juniper", "kelp",
          "lumen", "meadow", "nickel", "onyx", "prairie", "quartz", "ridge", "sierra", "tundra", "umber", "violet",
          "willow", "xenon", "yarrow", "zephyr", "alder", "birch", "cedar", "dune", "elm", "fern", "glade")


def plain_manual(path: Path, pages: int, first: int = 1) -> Path:
    doc = pymupdf.open()
    for n in range(first, first + pages):
        page = doc.new_page()
        page.insert_text((50, 60), f"Chapter {n}. Operation notes", fontsize=16)
        # Each page its own words: a line that repeats (digits aside) on half the pages is dropped
        # as a running header, so a manual of identical pages would chunk to almost nothing.
        text = " ".join(f"Step {k}: the {_WORDS[(n * 41 + k) % len(_WORDS)]} unit charges in "
                        f"{20 + (n * 7 + k) % 90} minutes and weighs {_WORDS[(n * 13 + k * 7) % len(_WORDS)]} "
                        f"{(n + k) % 40 + 2}.5 kg." for k in range(40))
        page.insert_textbox(pymupdf.Rect(50, 80, 550, 800), text, fontsize=10)
    doc.save(str(path))
    doc.close()
    return path


def paper_like(path: Path, pages: int, tables_per_page: int = 1) -> Path:
    """A generated paper: a title across the page, two columns of text with numbered section
    headings, a ruled table (a full grid, as `lines_strict` reads) in the left column and a
    vector-drawn plot in the right one on every page."""
    doc = pymupdf.open()
    for n in range(1, pages + 1):
        page = doc.new_page()
        top = 60
        if n == 1:
            page.insert_text((60, 60), "Charging Behaviour of Portable Power Stations", fontsize=18)
            top = 90
        for column, x0 in enumerate((50, 310)):
            words = [_WORDS[(n * 17 + column * 5 + k) % len(_WORDS)] for k in range(260)]
            text = f"{n}.{column + 1} Results for the {words[0]} series\n" + " ".join(
                f"The {words[k]} unit reached {20 + (n + k) % 70} percent in {k % 9 + 1} minutes." for k in range(26))
            page.insert_textbox(pymupdf.Rect(x0, top, x0 + 240, 470), text, fontsize=9)
        for t in range(tables_per_page):  # a ruled table under the text of the left column
            y0 = 480 + t * 150
            cols, rows, width, height = 4, 6, 60, 20
            for r in range(rows + 1):
                page.draw_line((50, y0 + r * height), (50 + cols * width, y0 + r * height))
            for c in range(cols + 1):
                page.draw_line((50 + c * width, y0), (50 + c * width, y0 + rows * height))
            for r in range(rows):
                for c in range(cols):
                    cell = "Model" if r == 0 and c == 0 else (f"C{c}" if r == 0 else f"{(n * r * 7 + c * 3) % 97}")
                    page.insert_text((54 + c * width, y0 + r * height + 14), cell, fontsize=8)
        shape = page.new_shape()  # a plot: axes and a curve
        shape.draw_line((320, 700), (540, 700))
        shape.draw_line((320, 700), (320, 520))
        shape.draw_polyline([(320 + k * 10, 700 - ((k * 37 + n) % 170)) for k in range(22)])
        shape.finish(width=0.8)
        shape.commit()
    doc.save(str(path))
    doc.close()
    return path


def get_text(path: Path) -> None:
    with pymupdf.open(path) as doc:
        for page in doc:
            page.get_text()


def reader_before(path: Path) -> None:
    """pymupdf4llm's classic extractor (its layout model off) with headings by font size, in
    one call: what read_pdf did before issue 26."""
    from pymupdf4llm.helpers.pymupdf_rag import IdentifyHeaders

    with pymupdf.open(path) as doc:
        pymupdf4llm.to_markdown(doc, page_chunks=True, hdr_info=IdentifyHeaders(doc), show_progress=False)


READERS = {"project reader": lambda p: read_pdf(p), "reader before (pymupdf4llm)": reader_before,
           "PyMuPDF get_text": get_text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--pages", type=int, default=300, help="pages of the generated plain manual (default 300)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--corpus", type=int, default=0, metavar="N",
                        help="also read a folder of N copies of the lab's guide: one process against one per CPU")
    parser.add_argument("--memory", type=int, nargs="+", metavar="PAGES",
                        help="only this: peak memory of reading, chunking and indexing corpora of so many pages")
    parser.add_argument("--first-item", type=int, metavar="PAGES",
                        help="only this: seconds from the start of a seed_from_pdf run over a generated corpus of "
                             "so many pages to its first work item, items started while documents are read against "
                             "all documents read first")
    args = parser.parse_args()
    if args.first_item:
        first_item(args.first_item)
        return
    if args.memory:
        memory(args.memory)
        return
    with tempfile.TemporaryDirectory() as tmp:
        files = [SAMPLE_PDF, LAB_PDF, paper_like(Path(tmp) / "paper-like-40.pdf", 40),
                 paper_like(Path(tmp) / "table-heavy-40.pdf", 40, tables_per_page=2),
                 plain_manual(Path(tmp) / f"plain-{args.pages}.pdf", args.pages), *args.pdfs]
        print("| file | pages | " + " | ".join(f"{name} (pages/s)" for name in READERS) + " | speed-up |")
        print("|---|---|" + "---|" * (len(READERS) + 1))
        for path in files:
            with pymupdf.open(path) as doc:
                pages = doc.page_count
            seconds: dict[str, list[float]] = {name: [] for name in READERS}
            for _ in range(args.rounds):
                for name, read in READERS.items():
                    started = time.perf_counter()
                    read(path)
                    seconds[name].append(time.perf_counter() - started)
            rate = {name: pages / statistics.median(s) for name, s in seconds.items()}
            print(f"| {path.name} | {pages} | " + " | ".join(f"{rate[name]:,.1f}" for name in READERS)
                  + f" | {rate['project reader'] / rate['reader before (pymupdf4llm)']:.1f}x |")
        if args.corpus:
            corpus(Path(tmp), args.corpus)


def corpus(tmp: Path, copies: int) -> None:
    """pages/s of read_documents over a folder of files: in this process, then one per CPU."""
    import shutil

    from agentsynth.tools import reading

    folder = tmp / "corpus"
    folder.mkdir()
    files = [Path(shutil.copy(LAB_PDF, folder / f"guide-{n:03d}.pdf")) for n in range(copies)]
    pages = copies * 9
    print(f"\n| corpus of {copies} files, {pages} pages | pages/s |\n|---|---|")
    for label, per_process in (("one process", len(files) + 1), ("one process per CPU", reading.FILES_PER_PROCESS)):
        reading.FILES_PER_PROCESS = per_process
        started = time.perf_counter()
        reading.read_documents(files)
        print(f"| {label} | {pages / (time.perf_counter() - started):,.1f} |")


PAGES_PER_FILE = 100


def corpus_folder(folder: Path, pages: int) -> Path:
    folder.mkdir()
    for n in range(max(1, pages // PAGES_PER_FILE)):
        plain_manual(folder / f"manual-{n:04d}.pdf", PAGES_PER_FILE, first=n * PAGES_PER_FILE + 1)
    return folder


def first_item(pages: int) -> None:
    """The real runner over a generated corpus with a model that answers at once (the tests'
    scripted client), stopped after 16 items: when the first item started, items started while
    documents are still read (the run's way) against every document read first (as before)."""
    import asyncio
    import io
    import json

    from rich.console import Console

    sys.path.insert(0, str(ROOT / "tests"))
    from scripted import ScriptedClient

    from agentsynth.scenarios.runner import RunSettings, run_scenario
    from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions

    print(f"| {pages:,} pages | first item after (s) | 16 items done after (s) |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = corpus_folder(Path(tmp) / "corpus", pages)
        for label, streamed in (("every document read first", False), ("items start while documents are read", True)):
            scenario = SeedFromPdf(SeedOptions(inputs=[folder]))
            if not streamed:
                scenario.astream_plan = scenario.aplan  # type: ignore[method-assign]
            out = Path(tmp) / f"out-{streamed}"
            settings = RunSettings(out_dir=out, model_label="zero-latency", concurrency=8, show_progress=False,
                                   limit=16)
            client = ScriptedClient()
            summary = asyncio.run(run_scenario(scenario, settings, lambda role: client, Console(file=io.StringIO())))
            timing = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["timing"]
            print(f"| {label} | {timing['first_item_seconds']:.2f} | {summary.wall_seconds:.2f} |")


def memory(sizes: list[int]) -> None:
    """Peak RSS of seed_from_pdf's planning of a corpus, each size in a process of its own, the
    corpus in files of 100 generated plain pages: every work item planned and kept (what a run
    held before items started while documents are read), and items handed over as they are
    planned (what a run holds now: the documents read so far live on in the lookup index)."""
    import subprocess

    print("| pages | files | work items | how | planning (s) | pages/s | peak RSS (MiB) |\n"
          "|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for pages in sizes:
            folder = corpus_folder(Path(tmp) / f"corpus-{pages}", pages)
            for how in ("all items kept", "items handed over"):
                done = subprocess.run([sys.executable, __file__, "--plan-folder", str(folder), how],
                                      capture_output=True, text=True, check=True)
                files, chunks, seconds, peak_kib = done.stdout.split()
                print(f"| {pages:,} | {files} | {int(chunks):,} | {how} | {float(seconds):.1f} | "
                      f"{pages / float(seconds):,.1f} | {int(peak_kib) / 1024:,.0f} |")


def plan_folder(folder: Path, how: str) -> None:
    """In a child process: seed_from_pdf's own planning of `folder` (read, chunk into work items,
    build the lookup index); print files, work items, seconds and peak RSS (KiB)."""
    import asyncio
    import io
    import resource

    from rich.console import Console

    from agentsynth.scenarios.base import PlanContext
    from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions

    async def plan_all() -> tuple[int, int]:
        context = PlanContext(clients={}, console=Console(file=io.StringIO()), show_progress=False)
        if how == "all items kept":
            plan = await scenario.aplan(context)
            return len(plan.info["documents"]), len(plan.items)
        plan = await scenario.astream_plan(context)
        count = len(plan.items)
        plan.items = []
        assert plan.more is not None
        async for batch in plan.more:
            count += len(batch)
        return len(plan.info["documents"]), count

    started = time.perf_counter()
    scenario = SeedFromPdf(SeedOptions(inputs=[folder]))
    files, items = asyncio.run(plan_all())
    seconds = time.perf_counter() - started
    assert items and scenario.index is not None and scenario.index.search("charges in 45 minutes")
    print(files, items, f"{seconds:.2f}", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--plan-folder"]:
        plan_folder(Path(sys.argv[2]), sys.argv[3])
        sys.exit()
    main()
