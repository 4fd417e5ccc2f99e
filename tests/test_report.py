"""report.html: produced for a run, well-formed, with its plots; and a headless browser can
render it where Chromium is installed (Debian's `chromium` package)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLE_PDF, run_with_client
from scripted import ScriptedClient

from agentsynth.run import main
from agentsynth.scenarios.report import summary_lines, write_report
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions

VOID = {"meta", "br", "img", "input", "link", "hr", "path", "use", "stop", "rect", "circle", "line", "polyline",
        "polygon", "ellipse"}


class TagBalance(HTMLParser):
    """Checks that every opened element is closed in order (SVG elements may self-close)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: set[str] = set()
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        self.ids |= {v for k, v in attrs if k == "id" and v}
        self.svgs += tag == "svg"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.svgs += tag == "svg"

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    answers = iter(["It stores 9,999 Wh."] + [None] * 100)  # one invented number: a rejection with a reason

    def answer(messages, schema):
        from scripted import default_answer

        reply = default_answer(messages, schema)
        wrong = next(answers)
        return {**reply, "answer": wrong} if wrong else reply

    run_with_client(SeedFromPdf(SeedOptions(inputs=[SAMPLE_PDF], max_revisions=0)),
                    ScriptedClient({"AnswerReply": answer}), out)
    return out


def test_report_is_written_well_formed_with_its_plots(run_dir):
    path = write_report(run_dir)
    html = path.read_text(encoding="utf-8")
    parser = TagBalance()
    parser.feed(html)
    assert not parser.errors and parser.stack == [], (parser.errors[:3], parser.stack)
    assert {"chart-reasons", "chart-scores", "chart-tokens", "chart-throughput"} <= parser.ids
    assert parser.svgs >= 4
    assert "numbers_grounded" in html and "Coverage" in html and "seed_qa.graph" in html
    assert re.search(r"\(planning [\d.]+ s,\s+items [\d.]+ s\)", html)  # where the run's time went
    lines = summary_lines(run_dir)
    assert lines[0].startswith("acceptance ") and "numbers_grounded" in " ".join(lines)


def test_report_command(run_dir, tmp_path, capsys):
    assert main(["report", str(run_dir)]) == 0
    assert "Report:" in capsys.readouterr().out
    assert main(["report", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_a_headless_browser_renders_the_report(run_dir, tmp_path):
    path = write_report(run_dir)
    shot = tmp_path / "report.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1100,2000",
                    f"--screenshot={shot}", path.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 50_000  # a blank page is a few kB
