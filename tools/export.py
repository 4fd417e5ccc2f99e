"""Export a run's accepted records to the formats fine-tuning services and Hugging Face take.

    openai, azure  {"messages": [...]} per line (Azure OpenAI fine-tuning takes the same chat format)
    alpaca         {"instruction", "input", "output"} (+ "system"); single-turn records only
    sharegpt       {"conversations": [{"from": "system"|"human"|"gpt", "value": ...}]}
    hf             a `datasets.DatasetDict` saved to disk, with a dataset card (README.md)
                   that records how the data was made

The train/validation split is by work item (a chunk, a seed, a dialogue), so records made
from the same source never straddle the split, and by a hash, so re-exporting gives the
same split.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import InputError
from .writers import read_manifest, read_records, rewrite_records, write_json

FORMATS = ("openai", "azure", "alpaca", "sharegpt", "hf")
SHAREGPT_ROLES = {"system": "system", "user": "human", "assistant": "gpt"}


def to_openai(record: dict) -> dict | None:
    return {"messages": record["messages"]}


def to_alpaca(record: dict) -> dict | None:
    turns = [m for m in record["messages"] if m["role"] != "system"]
    if [m["role"] for m in turns] != ["user", "assistant"]:
        return None  # Alpaca has one instruction and one output
    system = next((m["content"] for m in record["messages"] if m["role"] == "system"), None)
    row = {"instruction": turns[0]["content"], "input": "", "output": turns[1]["content"]}
    return {**row, "system": system} if system else row


def to_sharegpt(record: dict) -> dict | None:
    return {"conversations": [{"from": SHAREGPT_ROLES[m["role"]], "value": m["content"]} for m in record["messages"]]}


CONVERTERS = {"openai": to_openai, "azure": to_openai, "alpaca": to_alpaca, "sharegpt": to_sharegpt}


def in_validation(record: dict, fraction: float, seed: int) -> bool:
    group = record.get("metadata", {}).get("item_id") or record["id"]
    digest = hashlib.sha256(f"{seed}:{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def read_run(run_dir: Path) -> tuple[list[dict], dict[str, Any]]:
    if not run_dir.is_dir():
        raise InputError(run_dir, "no such run folder")
    data = run_dir / "data.jsonl"
    if not data.exists():
        raise InputError(run_dir, "has no data.jsonl (not a run's output folder)")
    manifest_path = run_dir / "manifest.json"
    manifest = read_manifest(manifest_path) if manifest_path.exists() else {}
    records = list(read_records(data))
    if not records:
        raise InputError(data, "no accepted records to export")
    return records, manifest


def export_run(run_dir: Path, fmt: str, out: Path, split: float = 0.0, seed: int = 0) -> dict[str, Any]:
    """Write the export; returns what was written (rows per split, records skipped and why)."""
    if fmt not in FORMATS:
        raise InputError("--format", f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if not 0 <= split < 1:
        raise InputError("--split", "must be at least 0 and below 1 (the validation fraction)")
    records, manifest = read_run(run_dir)
    splits: dict[str, list[dict]] = {"train": [], "validation": []}
    for record in records:
        splits["validation" if split and in_validation(record, split, seed) else "train"].append(record)
    if split and not splits["validation"]:
        raise InputError("--split", f"{len(records)} record(s) from too few work items to hold any out; lower it or "
                                    "make more data")
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "hf":
        return _export_hf(splits, manifest, out, split, seed)
    convert = CONVERTERS[fmt]
    summary: dict[str, Any] = {"format": fmt, "out": str(out), "rows": {}, "skipped": Counter()}
    for name, rows in splits.items():
        if name == "validation" and not split:
            continue
        converted = [convert(r) for r in rows]
        summary["skipped"]["multi-turn or system-only records (Alpaca is single-turn)"] += converted.count(None)
        lines = [row for row in converted if row is not None]
        rewrite_records(out / f"{name}.jsonl", lines)
        summary["rows"][name] = len(lines)
    summary["skipped"] = {k: v for k, v in summary["skipped"].items() if v}
    return summary


def _export_hf(splits: dict[str, list[dict]], manifest: dict, out: Path, split: float, seed: int) -> dict[str, Any]:
    from datasets import Dataset, DatasetDict

    def rows(records: list[dict]) -> list[dict]:
        # Metadata differs by scenario; as a JSON string it loads with any schema.
        return [{"id": r["id"], "messages": r["messages"], "metadata": json.dumps(r["metadata"], ensure_ascii=False)}
                for r in records]

    named = {name: recs for name, recs in splits.items() if recs or name == "train"}
    DatasetDict({name: Dataset.from_list(rows(recs)) for name, recs in named.items()}).save_to_disk(str(out))
    (out / "README.md").write_text(dataset_card(manifest, {n: len(r) for n, r in named.items()}, split, seed),
                                   encoding="utf-8")
    write_json(out / "agentsynth_manifest.json", manifest)
    return {"format": "hf", "out": str(out), "rows": {n: len(r) for n, r in named.items()}, "skipped": {}}


def dataset_card(manifest: dict, rows: dict[str, int], split: float, seed: int) -> str:
    usage = manifest.get("usage", {}).get("total", {})
    counts = manifest.get("counts", {})
    arguments = {k: v for k, v in manifest.get("arguments", {}).items() if v not in (None, False, [], "")}
    lines = [
        "---",
        "task_categories:",
        "- text-generation",
        "tags:",
        "- synthetic",
        "- agentsynth",
        f"- {manifest.get('scenario', 'unknown')}",
        "---",
        "",
        f"# Synthetic {manifest.get('scenario', '')} dataset",
        "",
        f"Made by {manifest.get('tool', 'agentsynth')} with the `{manifest.get('scenario')}` scenario "
        f"(team `{manifest.get('team', '-')}`), models: `{manifest.get('model')}`.",
        "Every record was vetted by the critic (deterministic checks and a model verdict); its `metadata`",
        "(a JSON string) holds its provenance, the critic's decision and scores, and the tokens it cost.",
        "",
        "## Splits",
        "",
        *[f"- `{name}`: {count} records" for name, count in rows.items()],
        "",
        f"Validation fraction {split} by work item (seed {seed}): records from one source stay in one split." if split
        else "No validation split.",
        "",
        "## How it was made",
        "",
        f"- started {manifest.get('started_at', '?')}, finished {manifest.get('finished_at', '?')}, "
        f"status `{manifest.get('status', '?')}`",
        f"- work items {counts.get('items', '?')}: accepted {counts.get('accepted', '?')}, rejected "
        f"{counts.get('rejected', '?')}, failed {counts.get('failed', '?')}",
        f"- model calls {usage.get('calls', '?')}, tokens {usage.get('prompt_tokens', '?')} prompt + "
        f"{usage.get('completion_tokens', '?')} completion",
        f"- run fingerprint `{manifest.get('fingerprint', '?')}`; the full manifest is in `agentsynth_manifest.json`",
        "",
        "Arguments:",
        "",
        "```json",
        json.dumps(arguments, indent=2, ensure_ascii=False),
        "```",
        "",
    ]
    return "\n".join(lines)
