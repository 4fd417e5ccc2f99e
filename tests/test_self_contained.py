"""A clone of the repository is all a user has: no test, benchmark, example or doc may read
files from beside it (the workspace's shared data folder once sat there)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import LAB_DATA, LAB_PDF

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", ".ci-venv", "venv", "output", "__pycache__", ".pytest_cache", "build", "dist"}
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".json", ".txt", ".sh", ".j2", ""}
# Paths that climb out of the checkout to the old shared folder, however they are spelled.
OUTSIDE = re.compile(r"\.\./" + r"shared\b|[\"']" + r"shared[\"']\s*/")


def _repository_text_files():
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP_DIRS or any(p.endswith(".egg-info") for p in parts) or not path.is_file():
            continue
        if path.suffix in TEXT_SUFFIXES and path.stat().st_size < 2_000_000:
            yield path


def test_nothing_in_the_repository_reads_from_beside_it():
    offenders = []
    for path in _repository_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_lab_files_the_tests_use_are_in_the_repository_with_their_licence():
    assert LAB_PDF.is_file() and LAB_PDF.is_relative_to(ROOT)
    for name in ("csv/en-store-information-virtual.csv", "csv/jp-store-information-virtual.csv",
                 "csv/ko-store-information-virtual.csv", "reference/evolve/seed_data.jsonl",
                 "reference/glan/disciplines_sample.txt"):
        assert (LAB_DATA / name).is_file(), name
    notice = (LAB_DATA / "README.md").read_text(encoding="utf-8")
    assert "MIT" in notice and "Azure/synthetic-qa-generation" in notice
    assert "MIT License" in (LAB_DATA / "LICENSE").read_text(encoding="utf-8")
