"""Issue 26: seed_from_pdf's work items start while the rest of the corpus is still being read,
with the same dataset as reading everything first; lookups search an item's own document and
those before it, with the statistics of those documents alone."""

from __future__ import annotations

import json
import math
import threading
from pathlib import Path

import pytest
from conftest import run_with_client, write_text_pdf
from scripted import ScriptedClient

from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions
from agentsynth.tools import reading
from agentsynth.tools.chunking import chunk_document
from agentsynth.tools.lookup import DocumentIndex
from agentsynth.tools.reading import read_document
from agentsynth.tools.text import tokens

TOPICS = [("battery", "The battery lasts 3 hours and charges in 45 minutes."),
          ("filter", "The filter is washed every 2 weeks with cold water."),
          ("warranty", "The warranty covers the motor for 5 years from purchase."),
          ("brush", "The side brush is replaced every 6 months.")]


def corpus(folder: Path) -> Path:
    folder.mkdir()
    for n, (name, sentence) in enumerate(TOPICS):
        write_text_pdf(folder / f"{n}-{name}.pdf", [f"{name.title()}\n\n{sentence} " * 6, f"{sentence} Page two."])
    return folder


def records(out: Path) -> list[tuple]:
    rows = []
    for name in ("data.jsonl", "rejected.jsonl"):
        path = out / name
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            record = json.loads(line)
            rows.append((name, record["id"], json.dumps(record["messages"], ensure_ascii=False)))
    return sorted(rows)


def test_items_start_while_later_documents_are_still_being_read(tmp_path, monkeypatch):
    folder = corpus(tmp_path / "docs")
    first_call = threading.Event()
    read_after_first_call: list[bool] = []
    real_read = reading._read_or_error

    def slow_read(path, options):  # the last file is read only once an item has called a model
        if path.name.startswith("3-"):
            read_after_first_call.append(first_call.wait(timeout=20))
        return real_read(path, options)

    class Client(ScriptedClient):
        async def create(self, *args, **kwargs):
            first_call.set()
            return await super().create(*args, **kwargs)

    monkeypatch.setattr(reading, "_read_or_error", slow_read)
    summary = run_with_client(SeedFromPdf(SeedOptions(inputs=[folder])), Client(), tmp_path / "out")
    assert read_after_first_call == [True]  # not the 20 s timeout: an item ran before the last file was read
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert [Path(d["path"]).name for d in manifest["documents"]] == sorted(p.name for p in folder.iterdir())
    assert summary.items == summary.items_done == manifest["counts"]["items"] == sum(
        d["chunks"] for d in manifest["documents"])
    assert manifest["timing"]["first_item_seconds"] is not None


def test_the_dataset_is_the_one_of_reading_everything_first(tmp_path):
    folder = corpus(tmp_path / "docs")
    streamed = SeedFromPdf(SeedOptions(inputs=[folder]))
    run_with_client(streamed, ScriptedClient(), tmp_path / "streamed")
    planned_first = SeedFromPdf(SeedOptions(inputs=[folder]))
    planned_first.astream_plan = planned_first.aplan  # every document read before any item starts
    run_with_client(planned_first, ScriptedClient(), tmp_path / "planned")
    assert records(tmp_path / "streamed") == records(tmp_path / "planned") != []


def test_limit_stops_reading_and_resume_finishes_the_same_dataset(tmp_path):
    folder = corpus(tmp_path / "docs")
    run_with_client(SeedFromPdf(SeedOptions(inputs=[folder])), ScriptedClient(), tmp_path / "whole")
    limited = run_with_client(SeedFromPdf(SeedOptions(inputs=[folder])), ScriptedClient(), tmp_path / "limited",
                              limit=2)
    manifest = json.loads((tmp_path / "limited" / "manifest.json").read_text(encoding="utf-8"))
    assert limited.items == limited.items_done == 2 and len(manifest["documents"]) < len(TOPICS)

    out = tmp_path / "resumed"  # killed after two items: the rest of the run is left to a resume
    run_with_client(SeedFromPdf(SeedOptions(inputs=[folder])), ScriptedClient(), out)
    progress = (out / "progress.jsonl").read_text(encoding="utf-8").splitlines()
    (out / "progress.jsonl").write_text("\n".join(progress[:2]) + "\n", encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (out / "manifest.json").write_text(json.dumps({**manifest, "status": "running"}), encoding="utf-8")
    client = ScriptedClient()
    resumed = run_with_client(SeedFromPdf(SeedOptions(inputs=[folder])), client, out, resume=True)
    assert resumed.items_done == resumed.items and records(out) == records(tmp_path / "whole")
    whole = json.loads((tmp_path / "whole" / "manifest.json").read_text(encoding="utf-8"))
    assert 0 < len(client.calls) < whole["usage"]["total"]["calls"]  # the two finished items were not redone


def test_a_changed_input_file_is_a_different_run(tmp_path, capsys):
    from agentsynth.errors import AgentsynthError

    folder = corpus(tmp_path / "docs")
    out = tmp_path / "out"
    run_with_client(SeedFromPdf(SeedOptions(inputs=[folder])), ScriptedClient(), out, limit=1)
    write_text_pdf(folder / "1-filter.pdf", ["The filter is washed every 3 weeks."])
    with pytest.raises(AgentsynthError, match="different scenario, model, settings or inputs"):
        run_with_client(SeedFromPdf(SeedOptions(inputs=[folder])), ScriptedClient(), out, limit=1, resume=True)


def test_an_items_lookups_cover_its_document_and_those_before_it(tmp_path):
    folder = corpus(tmp_path / "docs")
    docs = [read_document(path) for path in sorted(folder.iterdir())]
    index = DocumentIndex()
    for doc in docs:
        index.add(chunk_document(doc))
    first, last = docs[0].doc_id, docs[-1].doc_id
    assert index.through(first).search("warranty motor years") == []  # the warranty manual comes later
    hits = index.through(last).search("warranty motor years")
    assert hits and "warranty" in index.get(hits[0].chunk_id).text.lower()
    assert index.search("warranty motor years") == hits  # the last document's scope is the whole index
    # The statistics of the documents in scope alone: the same scores as an index of only them.
    alone = DocumentIndex(chunk for doc in docs[:2] for chunk in chunk_document(doc))
    assert index.through(docs[1].doc_id).search("filter water weeks", k=5) == alone.search("filter water weeks", k=5)


def test_scores_are_rank_bm25s_bm25plus(tmp_path):
    rank_bm25 = pytest.importorskip("rank_bm25")
    folder = corpus(tmp_path / "docs")
    chunks = [c for path in sorted(folder.iterdir()) for c in chunk_document(read_document(path), size=120, overlap=0)]
    index = DocumentIndex(chunks)
    reference = rank_bm25.BM25Plus([tokens(c.text) or ["\0"] for c in chunks])
    for query in ("battery charges minutes", "motor motor years", "page two", "washed cold water weeks"):
        scores = reference.get_scores(tokens(query))
        wanted = set(tokens(query))
        matching = [i for i, c in enumerate(chunks) if set(tokens(c.text)) & wanted]
        expected = sorted(matching, key=lambda i: scores[i], reverse=True)[:4]
        hits = index.search(query, k=4)
        assert [h.chunk_id for h in hits] == [chunks[i].chunk_id for i in expected]
        assert all(math.isclose(h.score, round(float(scores[i]), 4), abs_tol=1e-4) for h, i in zip(hits, expected))


def test_document_intelligence_reads_several_files_at_once_in_order(tmp_path, monkeypatch):
    import asyncio
    import time

    from agentsynth.tools.reading import DOCAI_IN_FLIGHT, IntakeOptions, read_stream

    in_flight, most = [0], [0]
    lock = threading.Lock()

    def service_call(path, options):  # a DocAI analysis: the time is the service's
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.2)
        with lock:
            in_flight[0] -= 1
        return path.name

    monkeypatch.setattr(reading, "_read_or_error", service_call)
    paths = [tmp_path / f"{n:02d}.pdf" for n in range(10)]

    async def read_all():
        return [read async for _, read in read_stream(paths, IntakeOptions(reader="docai"))]

    started = time.monotonic()
    assert asyncio.run(read_all()) == [p.name for p in paths]
    assert most[0] == DOCAI_IN_FLIGHT and time.monotonic() - started < 10 * 0.2 * 0.8  # one at a time: 2 s
