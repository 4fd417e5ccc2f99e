"""Issue 23: the CLI over a corpus of bad inputs. Every one ends in one line that names the
file and the cause, exit code 2, never a traceback; a folder's bad files are skipped and the
rest is read. The YAML and JSONL readers are fuzzed with damaged copies of good files."""

from __future__ import annotations

import json
import os
import random
import shutil
import time
from pathlib import Path

import pytest
from conftest import SAMPLE_PDF
from fake_backend import FakeBackend

from agentsynth.config import load_run_config
from agentsynth.errors import AgentsynthError
from agentsynth.run import main
from agentsynth.scenarios.inputs import read_chunks
from agentsynth.teams.validate import check_spec
from agentsynth.tools.personas import read_personas
from agentsynth.tools.seeds import read_seeds
from agentsynth.tools.writers import read_manifest, read_records

REPO = Path(__file__).resolve().parents[1]
NOT_UTF8 = b"name: caf\xe9\n"  # Latin-1: an editor's old default
BOMB = "\n".join([
    'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
    *(f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]" for p, n in zip("abcdef", "bcdefg")),
    "default: {model: local}",
]) + "\n"


def bad_file(tmp_path: Path, name: str, content: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


CASES = {
    "config not UTF-8": lambda t: (["--config", bad_file(t, "run.yaml", NOT_UTF8), "--dry-run"], "run.yaml"),
    "config alias bomb": lambda t: (["--config", bad_file(t, "run.yaml", BOMB), "--dry-run"], "alias bomb"),
    "config not a mapping": lambda t: (["--config", bad_file(t, "run.yaml", "- a\n- b\n"), "--dry-run"], "run.yaml"),
    "team spec not UTF-8": lambda t: (["--team-file", bad_file(t, "team.yaml", NOT_UTF8), "--dry-run"], "team.yaml"),
    "team spec alias bomb": lambda t: (["--validate", bad_file(t, "team.yaml", BOMB)], "alias bomb"),
    "team spec is binary": lambda t: (["--validate", bad_file(t, "team.yaml", bytes(range(256)))], "team.yaml"),
    "disciplines not UTF-8": lambda t: (
        ["--scenario", "glan", "--disciplines", bad_file(t, "d.txt", NOT_UTF8), "--dry-run"], "d.txt"),
    "personas not UTF-8": lambda t: (
        ["--scenario", "persona_qa", "--personas", bad_file(t, "p.jsonl", NOT_UTF8), "--dry-run"], "p.jsonl"),
    "personas line is a list": lambda t: (
        ["--scenario", "persona_qa", "--personas", bad_file(t, "p.jsonl", "[1, 2]\n"), "--dry-run"], "p.jsonl"),
    "skills not UTF-8": lambda t: (
        ["--scenario", "agentinstruct", "--skills-file", bad_file(t, "s.yaml", NOT_UTF8), "--dry-run"], "s.yaml"),
    "curriculum not UTF-8": lambda t: (
        ["--scenario", "glan", "--curriculum", bad_file(t, "c.json", NOT_UTF8), "--dry-run"], "c.json"),
    "seeds not UTF-8 JSON": lambda t: (
        ["--scenario", "evolve_instruct", "--input", bad_file(t, "seeds.json", b"\xff\xfe{"), "--dry-run"],
        "seeds.json"),
    "timeout zero": lambda t: (["--timeout", "0", "--check-model"], "--timeout"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_bad_input_is_one_line_naming_the_file(case, tmp_path, capsys):
    args, named = CASES[case](tmp_path)
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse's own refusal of a bad value
        code = exit_.code
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert code == 2, (case, err, captured.out[-500:])
    assert "Traceback" not in err + captured.out and named in err, (case, err)
    assert len([line for line in err.splitlines() if "error" in line]) == 1, err


def make_run(tmp_path: Path, server: FakeBackend) -> tuple[Path, list[str]]:
    out = tmp_path / "run"
    args = ["--model", "openai-compatible:fake", "--base-url", f"{server.url}/v1", "--limit", "2", "--no-progress",
            "--no-cache", "--out", str(out)]
    assert main(args) == 0
    return out, args


def damage(run: Path, name: str, how: str) -> None:
    path = run / name
    lines = path.read_text(encoding="utf-8").splitlines()
    if how == "middle line":
        lines.insert(1, '{"id": "torn", "messages": [')
    elif how == "not an object":
        lines.insert(1, "[1, 2, 3]")
    elif how == "empty":
        lines = []
    elif how == "not JSON":
        lines = ["{ status: complete"]
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


@pytest.mark.parametrize(("name", "how"), [
    ("data.jsonl", "middle line"), ("data.jsonl", "not an object"), ("progress.jsonl", "middle line"),
    ("manifest.json", "empty"), ("manifest.json", "not JSON"), ("rejected.jsonl", "not an object"),
])
def test_a_damaged_run_folder_is_one_line_on_resume_export_and_report(name, how, tmp_path, capsys):
    with FakeBackend() as server:
        run, args = make_run(tmp_path, server)
        damage(run, name, how)
        capsys.readouterr()
        commands = [[*args, "--resume"], ["report", str(run)]]
        if name in ("data.jsonl", "manifest.json"):
            commands.append(["export", str(run), "--format", "openai", "--out", str(tmp_path / "x.jsonl")])
        for command in commands:
            code = main(command)
            captured = capsys.readouterr()
            err = captured.err.strip()
            assert code == 2, (command[0], err)
            assert "Traceback" not in err + captured.out and name in err, (command[0], err)


def test_a_folder_with_unreadable_files_skips_them_and_reads_the_rest(tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLE_PDF, folder / "good.pdf")
    (folder / "broken.pdf").symlink_to(tmp_path / "gone.pdf")
    os.mkfifo(folder / "pipe.txt")  # reading it would wait forever
    (folder / "locked.txt").write_text("The unit weighs 12.5 kg.", encoding="utf-8")
    (folder / "odd.docx").write_bytes(b"PK\x03\x04 not really a zip")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:  # a file this user may not read (root may read anything)
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    started = time.monotonic()
    chunks, skipped = read_chunks([folder])
    assert time.monotonic() - started < 60 and chunks
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {"broken.pdf", "pipe.txt", "locked.txt", "odd.docx"}, reasons
    assert reasons["pipe.txt"] == "not a regular file" and "Permission denied" in reasons["locked.txt"]


# --- fuzzing the readers -------------------------------------------------------------------

def mutations(text: str, rng: random.Random, count: int) -> list[bytes]:
    """Damaged copies of a good file: bytes flipped, cut short, lines swapped or repeated."""
    data = text.encode("utf-8")
    out = []
    for _ in range(count):
        kind = rng.randrange(5)
        buf = bytearray(data)
        if kind == 0:
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif kind == 1:
            buf = buf[:rng.randrange(len(buf))]
        elif kind == 2:
            at = rng.randrange(len(buf))
            buf[at:at] = rng.choice([b"&a ", b"*a", b"{", b"[", b"\x00", b"\xff", b"'", b'"', b": ", b"- ", b"\t"])
        elif kind == 3:
            lines = bytes(buf).splitlines(keepends=True)
            rng.shuffle(lines)
            buf = bytearray(b"".join(lines))
        else:
            lines = bytes(buf).splitlines(keepends=True)
            line = rng.choice(lines)
            buf = bytearray(b"".join(lines) + line * rng.randint(1, 50))
        out.append(bytes(buf))
    return out


GOOD = {
    "run.yaml": (REPO / "samples" / "run.example.yaml").read_text(encoding="utf-8"),
    "team.yaml": (REPO / "samples" / "teams" / "faq_flow.yaml").read_text(encoding="utf-8"),
    "personas.jsonl": (REPO / "samples" / "personas.jsonl").read_text(encoding="utf-8"),
    "seeds.jsonl": "\n".join(json.dumps({"instruction": f"Explain topic {n} in two sentences."}) for n in range(5)),
    "data.jsonl": "\n".join(json.dumps({"id": str(n), "messages": [{"role": "user", "content": "q"}]})
                            for n in range(5)),
    "manifest.json": json.dumps({"status": "complete", "counts": {"accepted": 1}}, indent=1),
}
READERS = {
    "run.yaml": load_run_config,
    "team.yaml": lambda path: check_spec(path, "custom"),
    "personas.jsonl": read_personas,
    "seeds.jsonl": read_seeds,
    "data.jsonl": lambda path: list(read_records(path)),
    "manifest.json": read_manifest,
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_fuzzed_files_give_clear_errors_or_read(name, tmp_path):
    rng = random.Random(name)
    path = tmp_path / name
    for n, data in enumerate(mutations(GOOD[name], rng, 150)):
        path.write_bytes(data)
        try:
            READERS[name](path)
        except AgentsynthError as exc:  # InputError, SpecError: a message naming the file
            assert str(path) in str(exc) or name in str(exc), (n, data[:200], str(exc))
        except Exception as exc:  # anything else would reach the user as a traceback
            pytest.fail(f"mutation {n} of {name}: {type(exc).__name__}: {exc}\n{data[:300]!r}")
