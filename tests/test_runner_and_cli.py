"""The runner's outputs, manifest, failures and resume; the CLI's errors; the curate scenario."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import SAMPLE_PDF, run_with_client
from fake_backend import FakeBackend
from scripted import ScriptedClient

from agentsynth.errors import AgentsynthError, InputError
from agentsynth.run import main
from agentsynth.scenarios.curate import Curate, CurateOptions
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions
from agentsynth.tools.pdf_reader import read_pdf
from agentsynth.tools.text import normalize, plain

REPO = Path(__file__).resolve().parents[1]


def lines(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{path.name} has a BOM"
    return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]


def seed(inputs, **options) -> SeedFromPdf:
    return SeedFromPdf(SeedOptions(inputs=[Path(p) for p in inputs], **options))


def test_output_is_written_and_fsynced_off_the_event_loop(tmp_path, monkeypatch):
    """An fsync costs milliseconds on real disks; on the loop's thread it would stall every
    team in flight. Items are written, in order, on the runner's writer thread."""
    import os
    import threading

    import agentsynth.tools.writers as writers

    synced_on: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        # The manifest is written (durably) once before the items and once after them, on the main
        # thread; everything written while items run must be fsynced by the writer thread.
        name = os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else ""
        if not name.endswith(("manifest.json.tmp", str(tmp_path))):
            synced_on.append(threading.current_thread().name)
        real_fsync(fd)

    monkeypatch.setattr(writers.os, "fsync", recording_fsync)
    summary = run_with_client(seed([SAMPLE_PDF]), ScriptedClient(), tmp_path, concurrency=4)
    progress = lines(tmp_path / "progress.jsonl")
    assert summary.items_done == len(progress) > 1
    assert synced_on and all(name.startswith("agentsynth-writer") for name in synced_on), set(synced_on)
    written = {p["item_id"] for p in progress}
    assert {r["metadata"]["item_id"] for r in lines(tmp_path / "data.jsonl")} <= written


def test_seed_from_pdf_writes_dataset_manifest_and_upload_file(tmp_path):
    summary = run_with_client(seed([SAMPLE_PDF], domain="portable power stations"), ScriptedClient(), tmp_path)
    data, rejected = lines(tmp_path / "data.jsonl"), lines(tmp_path / "rejected.jsonl")
    train, manifest = lines(tmp_path / "train.openai.jsonl"), json.loads((tmp_path / "manifest.json").read_text())
    assert data, "the scripted models give grounded pairs; some must be accepted"
    assert manifest["counts"] == {
        "items": summary.items, "items_done": summary.items, "accepted": len(data), "rejected": len(rejected), "failed": 0,
    }
    assert [t["messages"] for t in train] == [d["messages"] for d in data]
    timing = manifest["timing"]  # throughput is measured over the items, planning apart
    assert 0 < timing["planning_seconds"] and 0 < timing["items_seconds"]
    assert abs(timing["planning_seconds"] + timing["items_seconds"] - manifest["wall_seconds"]) < 0.5
    assert gc.get_freeze_count() == 0, "objects frozen for the run are handed back to the collector"
    assert set(manifest["usage"]["per_role"]) == {"reader", "question_writer", "answerer", "critic"}
    assert manifest["documents"][0]["page_triage"]["2"] == "mixed"
    doc = read_pdf(SAMPLE_PDF)
    for record in data:
        system, user, assistant = record["messages"]
        assert system["role"] == "system" and "portable power stations" in system["content"]
        assert user["role"] == "user" and assistant["role"] == "assistant"
        meta = record["metadata"]
        assert meta["scenario"] == "seed_from_pdf" and meta["model"] == "scripted" and meta["team"] == "seed_qa.graph"
        assert meta["critic"]["decision"] == "accept" and meta["usage"]["calls"] > 0
        # pages are right: the cited source sentence is on the pages the record names
        assert meta["evidence_pages"] and set(meta["evidence_pages"]) <= set(meta["pages"])
        for n in meta["evidence_pages"]:
            page_text = plain(doc.pages[n - 1].markdown)
            assert normalize(meta["evidence"])[:40] in page_text or normalize(meta["evidence"])[-40:] in page_text
    assert {d["metadata"]["question_type"] for d in data} >= {"short_fact", "yes_no"}
    for record in rejected:
        assert record["reasons"] and record["metadata"]["critic"]["decision"] == "reject"


def test_round_robin_team_gives_the_same_shape(tmp_path):
    run_with_client(seed([SAMPLE_PDF], team="round_robin"), ScriptedClient(), tmp_path)
    data = lines(tmp_path / "data.jsonl")
    assert data and all(d["metadata"]["team"] == "seed_qa.round_robin" for d in data)


def test_folder_skips_bad_files_and_lists_them(tmp_path, bad_pdfs):
    folder = bad_pdfs["empty"].parent
    (folder / "manual.pdf").write_bytes(SAMPLE_PDF.read_bytes())
    summary = run_with_client(seed([folder]), ScriptedClient(), tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    skipped = {Path(s["path"]).name: s["reason"] for s in manifest["skipped_inputs"]}
    assert set(skipped) == {"empty.pdf", "notes.pdf", "corrupt.pdf", "encrypted.pdf", "scanned.pdf"}
    assert "encrypted" in skipped["encrypted.pdf"] and "no text layer" in skipped["scanned.pdf"]
    assert summary.items_done == summary.items > 0 and summary.skipped_inputs == 5


def test_only_bad_input_is_an_error(tmp_path, bad_pdfs):
    with pytest.raises(InputError, match="encrypted"):
        run_with_client(seed([bad_pdfs["encrypted"]]), ScriptedClient(), tmp_path / "a")
    folder = tmp_path / "all-bad"
    folder.mkdir()
    (folder / "x.pdf").write_bytes(b"")
    (folder / "y.pdf").write_bytes(b"%PDF-1.4 broken")
    with pytest.raises(InputError, match="no readable document"):
        run_with_client(seed([folder]), ScriptedClient(), tmp_path / "b")


def test_a_failing_item_is_recorded_and_the_run_goes_on(tmp_path):
    def reader(messages, schema):
        if "warranty" in messages[-1].content:  # the backend fails on one chunk
            raise ConnectionError("model server went away")
        from scripted import default_reader
        return default_reader(messages, schema)

    summary = run_with_client(seed([SAMPLE_PDF]), ScriptedClient({"ReaderReply": reader}), tmp_path)
    failed = lines(tmp_path / "failed.jsonl")
    assert summary.failed == len(failed) == 1 and summary.items_done == summary.items - 1
    assert "model server went away" in failed[0]["error"]
    assert failed[0]["label"].split()[-1].endswith("3")  # the chunk of page 3 (pages 2-3) that names the warranty
    assert lines(tmp_path / "data.jsonl")


def test_resume_skips_finished_items_and_repairs_a_torn_line(tmp_path):
    run_with_client(seed([SAMPLE_PDF]), ScriptedClient(), tmp_path)
    progress = lines(tmp_path / "progress.jsonl")
    assert len(progress) >= 2
    first_item = progress[0]["item_id"]
    # Simulate a crash after the first item: later items' progress lost, a torn last line.
    (tmp_path / "progress.jsonl").write_text(json.dumps(progress[0]) + "\n", encoding="utf-8")
    with open(tmp_path / "data.jsonl", "a", encoding="utf-8") as f:
        f.write('{"id": "torn", "messa')
    client = ScriptedClient()
    summary = run_with_client(seed([SAMPLE_PDF]), client, tmp_path, resume=True)
    assert summary.items_done == summary.items
    data = lines(tmp_path / "data.jsonl")
    ids = [d["id"] for d in data]
    assert len(ids) == len(set(ids)), "nothing written twice"
    assert all(d["metadata"]["item_id"] != first_item for d in [*data] if d["id"].startswith("x"))
    prompts = [c["messages"][-1].content for c in client.calls_for("ReaderReply")]
    assert len(prompts) == summary.items - 1, "the finished item was not redone"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["counts"]["accepted"] == len(data) and manifest["status"] == "complete"
    assert len(lines(tmp_path / "train.openai.jsonl")) == len(data)


def test_resume_refuses_a_different_configuration(tmp_path):
    run_with_client(seed([SAMPLE_PDF]), ScriptedClient(), tmp_path)
    with pytest.raises(AgentsynthError, match="different scenario, model, settings or inputs"):
        run_with_client(seed([SAMPLE_PDF], questions_per_chunk=5), ScriptedClient(), tmp_path, resume=True)
    with pytest.raises(AgentsynthError, match="already holds a run"):
        run_with_client(seed([SAMPLE_PDF]), ScriptedClient(), tmp_path)


# --- curate ------------------------------------------------------------------------------

CONTEXT = "The Aurora X2 stores 1,024 Wh in a LiFePO4 battery. The unit weighs 12.5 kg. 保証期間は5年です。"


def test_curate_keeps_ids_and_sorts_good_from_flawed(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    rows = [
        {"id": "good", "question": "How much does the Aurora X2 unit weigh?", "answer": "The Aurora X2 unit weighs 12.5 kg.", "context": CONTEXT},
        {"id": "wrong-number", "question": "How much energy does the Aurora X2 store?", "answer": "It stores 2,048 Wh.", "context": CONTEXT},
        {"id": "refusal", "question": "What battery does the Aurora X2 use?", "answer": "I don't know.", "context": CONTEXT},
        {"id": "empty", "question": "What battery chemistry does the Aurora X2 use?", "answer": "", "context": CONTEXT},
        {"id": "dup", "question": "How much does the Aurora X2 unit weigh?", "answer": "The Aurora X2 unit weighs 12.5 kg.", "context": CONTEXT},
        {"id": 7, "question": "保証期間は何年ですか？", "answer": "保証期間は5年です。", "context": CONTEXT},
    ]
    pairs.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{not json\n" + '{"question": "q"}\n', encoding="utf-8")
    run_with_client(Curate(CurateOptions(input=pairs, language="unknown")), ScriptedClient(), tmp_path / "out")
    accepted = {d["id"]: d for d in lines(tmp_path / "out" / "data.jsonl")}
    rejected = {d["id"]: d for d in lines(tmp_path / "out" / "rejected.jsonl")}
    assert set(accepted) == {"good", "7"}
    assert set(rejected) == {"wrong-number", "refusal", "empty", "dup"}
    assert "not_duplicate" in rejected["dup"]["reasons"][0]
    assert accepted["7"]["metadata"]["input_id"] == "7"
    assert "保証期間" in (tmp_path / "out" / "data.jsonl").read_text(encoding="utf-8"), "written without \\u escapes"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [s["path"].rsplit(":", 1)[1] for s in manifest["skipped_inputs"]] == ["7", "8"]


def test_curate_rejects_unusable_files(tmp_path):
    with pytest.raises(InputError, match="file is empty"):
        (tmp_path / "e.jsonl").write_text("")
        Curate(CurateOptions(input=tmp_path / "e.jsonl")).plan()
    with pytest.raises(InputError, match="no valid pairs"):
        (tmp_path / "b.jsonl").write_text('{"q": 1}\n')
        Curate(CurateOptions(input=tmp_path / "b.jsonl")).plan()


# --- CLI ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["--input", "{tmp}/missing.pdf"],
    ["--input", "{encrypted}"],
    ["--input", "{not_pdf}"],
    ["--input", "{empty}"],
    ["--input", "{corrupt}"],
    ["--input", "{scanned}"],
    ["--model", "bogus:thing"],
    ["--scenario", "curate"],
])
def test_cli_bad_input_is_one_clear_line(args, tmp_path, bad_pdfs, capsys):
    values = {"tmp": tmp_path, **{k: str(v) for k, v in bad_pdfs.items()}}
    code = main([a.format(**values) for a in args] + ["--out", str(tmp_path / "out"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("error:") and "Traceback" not in err and len(err.splitlines()) == 1


def test_run_py_works_as_a_script_from_the_checkout():
    result = subprocess.run([sys.executable, "run.py", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--questions-per-chunk" in result.stdout


def test_a_full_disk_ends_the_run_in_one_line_and_the_next_start_resumes(tmp_path, monkeypatch, capsys):
    from agentsynth.scenarios import runner

    write_item, written = runner._Outputs.write_item, []

    def full_after_two(self, item, result, usage):
        if len(written) == 2:
            raise OSError(28, "No space left on device", str(self.dir / "data.jsonl"))
        written.append(item.item_id)
        write_item(self, item, result, usage)

    out = tmp_path / "out"
    args = ["--input", str(SAMPLE_PDF), "--chunk-unit", "chars", "--chunk-size", "700", "--chunk-overlap", "50",
            "--model", "openai-compatible:fake", "--no-cache", "--no-progress", "--out", str(out)]
    with FakeBackend() as server:
        monkeypatch.setattr(runner._Outputs, "write_item", full_after_two)
        assert main([*args, "--base-url", f"{server.url}/v1"]) == 1
        err = capsys.readouterr().err
        assert "No space left on device" in err and "data.jsonl" in err and "Traceback" not in err
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "failed" and manifest["counts"]["items_done"] == 2
        monkeypatch.setattr(runner._Outputs, "write_item", write_item)  # space freed
        assert main([*args, "--base-url", f"{server.url}/v1"]) == 0  # resumes without being told to
    assert "resuming the unfinished run" in capsys.readouterr().err
    progress = [p["item_id"] for p in map(json.loads, (out / "progress.jsonl").read_text().splitlines())]
    assert progress[:2] == written and len(progress) == len(set(progress))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["status"] == "complete"


@pytest.mark.parametrize("args", [["--timeout", "0"], ["--max-cost", "-1"], ["--max-tokens", "0"],
                                  ["--timeout", "abc"], ["--timeout", "inf"]])
def test_budgets_and_timeouts_must_be_positive_numbers_one_line_no_traceback(args, capsys):
    from agentsynth.run import main

    with pytest.raises(SystemExit) as raised:
        main([*args, "--check-model"])
    err = capsys.readouterr().err.strip().splitlines()
    assert raised.value.code == 2 and "Traceback" not in "\n".join(err)
    assert err[-1].startswith("run.py: error: argument ") or "error: argument" in err[-1]
    assert args[0] in err[-1]


def test_max_cost_is_refused_while_a_role_has_no_price_and_the_summary_warns_of_unknown_costs(tmp_path, capsys):
    from agentsynth.run import main

    unpriced = ["--model", "openai-compatible:my-finetune-2026-11", "--base-url", "http://127.0.0.1:9/v1",
                "--no-progress", "--no-cache", "--limit", "1"]
    assert main([*unpriced, "--max-cost", "1", "--out", str(tmp_path / "refused")]) == 2
    err = capsys.readouterr().err
    assert "--max-cost: no price is known for the" in err and "'my-finetune-2026-11'" in err
    assert not (tmp_path / "refused").exists()  # refused before any call
    # A price in the run config makes the cap countable.
    config = tmp_path / "run.yaml"
    config.write_text("default:\n  model: openai-compatible:my-finetune-2026-11\n  price: {input: 1, output: 2}\n",
                      encoding="utf-8")
    with FakeBackend() as server:
        assert main(["--config", str(config), "--base-url", f"{server.url}/v1", "--max-cost", "1", "--no-progress",
                     "--no-cache", "--limit", "1", "--out", str(tmp_path / "priced")]) == 0
        assert "cost unknown" not in capsys.readouterr().err
        # Without --max-cost an unpriced model runs, and the summary says its cost is left out.
        assert main([*unpriced[:2], "--base-url", f"{server.url}/v1", *unpriced[4:],
                     "--out", str(tmp_path / "unpriced")]) == 0
    assert "cost unknown for my-finetune-2026-11" in capsys.readouterr().err


def test_every_remote_endpoint_is_named_before_the_first_call_and_by_the_dry_run(tmp_path, capsys):
    from agentsynth.run import main

    spec = tmp_path / "team.yaml"  # a spec that sends its fact-checker to a paid provider, whatever --model says
    text = (REPO / "samples" / "teams" / "seed_fact_checker.yaml").read_text(encoding="utf-8")
    spec.write_text(text.replace("    model: critic ", "    model: openai:gpt-4o "), encoding="utf-8")
    assert main(["--team-file", str(spec), "--dry-run"]) == 0
    out = capsys.readouterr().out
    models = out.split("## Models this run would call", 1)[1]
    assert "fact_checker → openai:gpt-4o at https://api.openai.com/v1" in models
    assert "reader, question_writer, answerer, critic" in models and "(in-process: nothing leaves this machine)" in models

    with FakeBackend() as server:
        url = f"http://127.0.0.1:{server.port}/v1"
        assert main(["--model", "openai-compatible:fake", "--base-url", url, "--limit", "1", "--no-progress",
                     "--no-cache", "--out", str(tmp_path / "run")]) == 0
    err = capsys.readouterr().err
    first = err.index("Sending to")
    assert f"→ openai-compatible:fake at http://127.0.0.1:{server.port}/v1" in err[first:]


def test_paths_with_rich_markup_are_printed_as_they_are(tmp_path, capsys):
    """A folder named like rich markup ("a[/b]") used to raise MarkupError after the run had finished."""
    from rich.console import Console

    from agentsynth.run import _report, print_summary
    from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions

    out = tmp_path / "a[" / "b][/b]"
    summary = run_with_client(SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF])), ScriptedClient(), out, limit=1)
    console = Console(file=None, force_terminal=False, width=300)
    print_summary(summary, console)
    assert _report(out, console)
    printed = capsys.readouterr().out
    assert "b][/b]/data.jsonl" in printed and "b][/b]/report.html" in printed


def test_a_second_run_on_a_folder_in_use_is_refused_naming_the_holder(tmp_path, capsys):
    """Before, the second run "resumed" the folder and replaced the files the first was writing,
    whose records then vanished (issue 23)."""
    import os

    from agentsynth.tools.writers import folder_lock

    out = tmp_path / "out"
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"question": "How heavy is it?", "answer": "12.5 kg.", "context": "It weighs 12.5 kg."})
                     + "\n", encoding="utf-8")
    with folder_lock(out):  # the first run, still writing
        code = main(["--scenario", "curate", "--input", str(pairs), "--out", str(out), "--no-progress",
                     "--critic-trust", "checks-only"])
        err = capsys.readouterr().err
        assert code == 2 and "another run is writing to this folder" in err and f"pid {os.getpid()}" in err
        assert "Traceback" not in err and not (out / "data.jsonl").exists()
    # Once it has finished, the folder is free again (the lock goes with the process or the run).
    with folder_lock(out):
        pass


def test_default_output_folders_never_collide():
    from agentsynth.run import _new_folder

    base = Path(tempfile.mkdtemp()) / "seed_from_pdf" / "20261202-120000"
    first, second, third = _new_folder(base), _new_folder(base), _new_folder(base)
    assert first == base and second.name == "20261202-120000-2" and third.name == "20261202-120000-3"
    assert all(p.is_dir() for p in (first, second, third))
