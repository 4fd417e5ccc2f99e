"""Seed instructions (and evaluation questions) in whichever format a user already has.

Files: JSONL (one object per line), JSON (a list of objects, or {"data": [...]}), CSV or
TSV with a header row, and Parquet (with pyarrow installed), as Hugging Face datasets and
ragas export them. Record formats, detected from the first valid row's fields:
  agentsynth  this project's data.jsonl (`messages` + `metadata.scenario`); keeps the
              source document, so evolved instructions can be answered from it
  chat        OpenAI chat lines (`messages`): the first user turn is the instruction
  alpaca      `instruction` (+ `input`, `output`)
  lab         the Azure lab's seeds (`Instruction`, with `Skill`, `Difficulty`)
  question    evaluation sets: `question`, `prompt`, `query`, `user_input` (ragas) or `input`
An unknown format stops with one line naming the file and the fields it saw; a bad row
in a known format is skipped with its line number and cause.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import InputError
from .limits import check_file_size

FORMATS = ("agentsynth", "chat", "alpaca", "lab", "question")
# An evaluation set's question column, in the order they are looked for, and its reference answer.
QUESTION_FIELDS = ("question", "prompt", "query", "user_input", "input")
ANSWER_FIELDS = ("answer", "reference", "ground_truth", "response", "output", "completion")


class Seed(BaseModel):
    seed_id: str
    instruction: str
    system: str | None = None  # the seed's own system prompt, kept on evolved records
    response: str | None = None
    source_file: str | None = None  # the document an agentsynth record was made from
    extra: dict[str, Any] = {}  # fields worth keeping (the lab's Skill and Difficulty)


def detect_format(row: dict) -> str | None:
    if isinstance(row.get("messages"), list):
        return "agentsynth" if isinstance(row.get("metadata"), dict) and "scenario" in row["metadata"] else "chat"
    if "instruction" in row:
        return "alpaca"
    if "Instruction" in row:
        return "lab"
    if any(field in row for field in QUESTION_FIELDS):
        return "question"
    return None


def _question(value: Any) -> str | None:
    """A question field's text: a string, or a chat prompt's first user turn (TRL's format)."""
    if isinstance(value, list):
        value = next((m.get("content") for m in value if isinstance(m, dict) and m.get("role") == "user"), None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} is missing or empty")
    return value.strip()


def parse_seed(row: dict, seed_format: str, fallback_id: str) -> Seed:
    if seed_format in ("agentsynth", "chat"):
        messages = row["messages"]
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            raise ValueError("messages must be a list of {role, content}")
        users = [m for m in messages if m.get("role") == "user"]
        if not users:
            raise ValueError("messages has no user turn")
        first = messages.index(users[0])
        reply = next((m for m in messages[first + 1:] if m.get("role") == "assistant"), None)
        system = next((m.get("content") for m in messages if m.get("role") == "system"), None)
        metadata = row.get("metadata") or {}
        return Seed(
            seed_id=str(row.get("id") or fallback_id), instruction=_text(users[0].get("content"), "messages[user].content"),
            system=system, response=reply.get("content") if reply else None,
            source_file=metadata.get("source_file") if seed_format == "agentsynth" else None,
        )
    if seed_format == "alpaca":
        instruction = _text(row.get("instruction"), "instruction")
        extra_input = row.get("input")
        if isinstance(extra_input, str) and extra_input.strip():
            instruction = f"{instruction}\n\n{extra_input.strip()}"
        return Seed(seed_id=str(row.get("id") or fallback_id), instruction=instruction, response=row.get("output"))
    if seed_format == "question":
        field = next((f for f in QUESTION_FIELDS if _question(row.get(f))), None)
        if field is None:
            raise ValueError(f"none of {', '.join(QUESTION_FIELDS)} holds a question")
        answer = next((row[f] for f in ANSWER_FIELDS if isinstance(row.get(f), str) and row[f].strip()), None)
        row_id = next((row[f] for f in ("id", "_id", "question_id") if row.get(f) not in (None, "")), fallback_id)
        return Seed(seed_id=str(row_id), instruction=_question(row[field]), response=answer)
    instruction = _text(row.get("Instruction"), "Instruction")
    extra = {k: row[k] for k in ("Skill", "Difficulty") if k in row}
    return Seed(seed_id=str(row.get("idx") or row.get("id") or fallback_id), instruction=instruction, extra=extra)


# Each reader yields (line or item number, row); a row that cannot be parsed is a ValueError.
Rows = Iterator[tuple[int, Any]]


def _jsonl_rows(path: Path) -> Rows:
    lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, ValueError(f"invalid JSON ({exc.msg})")


def _json_rows(path: Path) -> Rows:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        # One object per line is JSONL whatever the file is called.
        if exc.msg == "Extra data":
            yield from _jsonl_rows(path)
            return
        raise InputError(path, f"invalid JSON at line {exc.lineno} ({exc.msg})") from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        raise InputError(path, "expected a JSON list of records (or {\"data\": [...]})")
    yield from enumerate(data, 1)


def _csv_rows(path: Path) -> Rows:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, {k: v for k, v in row.items() if k is not None}


def _parquet_rows(path: Path) -> Rows:
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        raise InputError(path, "reading Parquet needs pyarrow: pip install 'agentsynth[parquet]'") from None
    try:
        rows = parquet.read_table(path).to_pylist()
    except Exception as exc:  # pyarrow raises several types for a file that is not Parquet
        raise InputError(path, f"not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    yield from enumerate(rows, 1)


def read_rows(path: Path) -> tuple[str, Rows]:
    """What the file's records are called ("line", "item", "row") and (number, row) for
    each record of a JSONL, JSON, CSV/TSV or Parquet file."""
    if path.is_file():
        check_file_size(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "row", _parquet_rows(path)
    if suffix in (".csv", ".tsv"):
        return "line", _csv_rows(path)
    if suffix == ".json":
        return "item", _json_rows(path)
    return "line", _jsonl_rows(path)


def read_seeds(path: Path) -> tuple[str, list[Seed], list[tuple[str, str]]]:
    """(format, seeds, skipped as (where, why)) of a seed file."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, expected a JSONL, JSON, CSV or Parquet file of seed instructions")
    seeds: list[Seed] = []
    skipped: list[tuple[str, str]] = []
    seed_format: str | None = None
    seen: set[str] = set()
    unit, rows = read_rows(path)
    for number, row in rows:
        where = f"{path}:{number}"
        if isinstance(row, ValueError):
            skipped.append((where, str(row)))
            continue
        if not isinstance(row, dict):
            skipped.append((where, "not a JSON object"))
            continue
        if seed_format is None:
            seed_format = detect_format(row)
            if seed_format is None:
                fields = ", ".join(sorted(map(str, row))[:8]) or "none"
                raise InputError(path, f"unknown seed format ({unit} {number} has fields: "
                                       f"{fields}); expected `messages` (chat or agentsynth records), `instruction` "
                                       f"(Alpaca), `Instruction` (lab seeds) or a question column ({', '.join(QUESTION_FIELDS)})")
        try:
            seed = parse_seed(row, seed_format, fallback_id=f"{unit}-{number}")
        except (ValueError, KeyError) as exc:
            skipped.append((where, f"{seed_format} line: {exc}"))
            continue
        if seed.seed_id in seen:
            skipped.append((where, f"duplicate id {seed.seed_id!r}"))
            continue
        seen.add(seed.seed_id)
        seeds.append(seed)
    if not seeds:
        detail = "; ".join(f"{w}: {r}" for w, r in skipped[:3])
        raise InputError(path, "no usable seed instructions" + (f" ({detail})" if detail else " (file is empty)"))
    return seed_format or "unknown", seeds, skipped
