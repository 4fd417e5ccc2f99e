"""Before the first item: which source passages hold text written to instruct a model
(tools/fencing.steering_phrases). They are flagged on screen and in the manifest
(`steering_text`), not dropped: the prompts fence them as data, and the user decides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..tools.fencing import steering_phrases
from .base import WorkItem


def _passages(payload: Any, depth: int = 0) -> Iterator[tuple[str, str, str]]:
    """(source file, where, text) of each document passage inside a work item's payload:
    a Chunk, a dict with a `text` and a `source` (custom flows), or either inside a tuple or
    a work dataclass."""
    if depth > 2 or payload is None or isinstance(payload, (str, bytes, int, float)):
        return
    if isinstance(payload, dict):
        if isinstance(payload.get("text"), str) and payload.get("source"):
            yield str(payload["source"]), str(payload.get("locator", "")), payload["text"]
        return
    if isinstance(payload, (tuple, list)):
        for part in payload:
            yield from _passages(part, depth + 1)
        return
    text, source = getattr(payload, "text", None), getattr(payload, "source", None)
    if isinstance(text, str) and isinstance(source, str) and hasattr(payload, "chunk_id"):
        yield source, getattr(payload, "locator", ""), text
        return
    if (chunk := getattr(payload, "chunk", None)) is not None:
        yield from _passages(chunk, depth + 1)


def steering_report(items: list[WorkItem]) -> list[dict[str, Any]]:
    """One entry per flagged passage: its file, where in it, and the phrases found."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        for source, where, text in _passages(item.payload):
            if (source, where) not in seen and (phrases := steering_phrases(text)):
                seen[(source, where)] = {"source": source, "where": where, "item_id": item.item_id,
                                         "phrases": phrases}
    return list(seen.values())
