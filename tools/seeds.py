"""Seed instructions from JSONL, in whichever format a user already has.

Formats, detected from the first valid line's fields:
  agentsynth  this project's data.jsonl (`messages` + `metadata.scenario`); keeps the
              source document, so evolved instructions can be answered from it
  chat        OpenAI chat lines (`messages`): the first user turn is the instruction
  alpaca      `instruction` (+ `input`, `output`)
  lab         the Azure lab's seeds (`Instruction`, with `Skill`, `Difficulty`)
An unknown format stops with one line naming the file and the fields it saw; a bad line
in a known format is skipped with its line number and cause.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import InputError

FORMATS = ("agentsynth", "chat", "alpaca", "lab")


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
    return None


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
    instruction = _text(row.get("Instruction"), "Instruction")
    extra = {k: row[k] for k in ("Skill", "Difficulty") if k in row}
    return Seed(seed_id=str(row.get("idx") or row.get("id") or fallback_id), instruction=instruction, extra=extra)


def read_seeds(path: Path) -> tuple[str, list[Seed], list[tuple[str, str]]]:
    """(format, seeds, skipped as (where, why)) of a seed JSONL file."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a folder, expected a JSONL file of seed instructions")
    lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    seeds: list[Seed] = []
    skipped: list[tuple[str, str]] = []
    seed_format: str | None = None
    seen: set[str] = set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            skipped.append((where, f"invalid JSON ({exc.msg})"))
            continue
        if not isinstance(row, dict):
            skipped.append((where, "not a JSON object"))
            continue
        if seed_format is None:
            seed_format = detect_format(row)
            if seed_format is None:
                fields = ", ".join(sorted(row)[:8]) or "none"
                raise InputError(path, f"unknown seed format (line {number} has fields: {fields}); expected `messages` "
                                       "(chat or agentsynth records), `instruction` (Alpaca) or `Instruction` (lab seeds)")
        try:
            seed = parse_seed(row, seed_format, fallback_id=f"line-{number}")
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
