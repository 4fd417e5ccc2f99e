"""The dataset gate: the last check of every accepted record, across the whole run.

Near-duplicates across the run are each scenario's critic's job: its registry (MinHash LSH
or ROUGE-L) holds everything accepted so far, with the exemptions the method needs (an
evolution may resemble its own ancestors). This gate works on finished records of any
scenario and adds what a critic cannot see:
- exact duplicates: the same conversation twice (after normalising case and spaces);
- leaks of an evaluation set (`--holdout eval.jsonl`, any seed format, or a CSV, JSON or
  Parquet file with a question column): a user turn that is a copy, a near-copy or a
  paraphrase of a holdout question. A paraphrase either shares most of its content words
  (stemmed) with the holdout question, or, where the holdout gives reference answers, asks
  and answers the same in other words (sentence embeddings, tools/semantic.py: a reworded
  question often shares almost no words with its original, and the answers tell a
  paraphrase from a sibling question about another item).
A record it stops goes to rejected.jsonl with the reason; on resume it is rebuilt from data.jsonl.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..tools.dedup import NearDuplicateIndex
from ..tools.seeds import read_seeds
from ..tools.semantic import answers_conflict, restated
from ..tools.text import normalize, stems
from .records import Record

_ALNUM = re.compile(r"[^\W_]")
PARAPHRASE_OVERLAP = 0.6  # Jaccard of the two texts' content stems
MIN_PARAPHRASE_STEMS = 3


def paraphrase_overlap(a: str, b: str) -> float:
    """Jaccard of the content stems: a reworded question keeps most of its content words,
    and both sides' extra words count against it (a question that only shares the product
    name is another question)."""
    sa, sb = set(stems(a)), set(stems(b))
    if min(len(sa), len(sb)) < MIN_PARAPHRASE_STEMS:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def _exchanges(record: dict) -> list[tuple[str, str | None]]:
    """(user turn, the assistant's reply to it, if any) for each user turn of a record."""
    messages = record.get("messages", [])
    found = []
    for i, m in enumerate(messages):
        if m.get("role") == "user" and m.get("content"):
            reply = messages[i + 1].get("content") if i + 1 < len(messages) and messages[i + 1].get("role") == "assistant" else None
            found.append((m["content"], reply if isinstance(reply, str) else None))
    return found


def _conversation_key(record: dict) -> str:
    text = "\n".join(f"{m.get('role')}: {normalize(str(m.get('content', '')))}" for m in record.get("messages", []))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DatasetGate:
    def __init__(self, holdout: Path | None = None) -> None:
        self.seen: dict[str, str] = {}  # conversation hash → record id
        self.holdout_path = holdout
        self.holdout: list[tuple[str, str]] = []  # (holdout id, question)
        self.holdout_index = NearDuplicateIndex()
        self.removed = {"duplicate": 0, "holdout_leak": 0}
        self._references: dict[str, str] = {}  # holdout id → reference answer, where the file gives one
        if holdout is not None:
            _, seeds, bad = read_seeds(holdout)
            if not seeds:
                raise InputError(holdout, "no evaluation questions in the holdout file"
                                 + (f" ({bad[0][0]}: {bad[0][1]})" if bad else ""))
            for seed in seeds:
                self.holdout.append((seed.seed_id, seed.instruction))
                self.holdout_index.add(seed.seed_id, seed.instruction)
                if isinstance(seed.response, str) and _ALNUM.search(seed.response):  # not a "-" placeholder
                    self._references[seed.seed_id] = seed.response
        self._questions = dict(self.holdout)
        self._answered = [(hid, (self._questions[hid], answer)) for hid, answer in self._references.items()]

    @property
    def uses_embeddings(self) -> bool:
        return bool(self._references)

    def _sibling(self, holdout_id: str, turn: str, reply: str | None) -> bool:
        """A question worded like a holdout one that asks about something else: both answers
        are known and conflict ("error E1" beside "error E3", 1 year beside 2 years). A copy
        word for word is a leak whatever its answer."""
        reference = self._references.get(holdout_id)
        if not reply or not reference or normalize(turn) == normalize(self._questions[holdout_id]):
            return False
        return answers_conflict(reply, reference)

    @property
    def digest(self) -> str | None:
        """The holdout's content, for the run's fingerprint."""
        if self.holdout_path is None:
            return None
        return hashlib.sha256(self.holdout_path.read_bytes()).hexdigest()[:16]

    def verdict(self, record: dict) -> tuple[str, str] | None:
        """(rule, reason) when the record must not enter the dataset."""
        for turn, reply in _exchanges(record):
            if (match := self.holdout_index.find(turn)) is not None and not self._sibling(match.key, turn, reply):
                return "holdout_leak", f"a copy of holdout item {match.key} ({match.similarity:.0%} shared word trigrams)"
            for holdout_id, question in self.holdout:
                if (overlap := paraphrase_overlap(turn, question)) >= PARAPHRASE_OVERLAP \
                        and not self._sibling(holdout_id, turn, reply):
                    return "holdout_leak", f"a paraphrase of holdout item {holdout_id} ({overlap:.0%} of its content words)"
            if reply and (found := restated(turn, reply, [pair for _, pair in self._answered])) is not None:
                holdout_id = self._answered[found[0]][0]
                return "holdout_leak", (f"a paraphrase of holdout item {holdout_id}, with its answer "
                                        f"(question similarity {found[1]:.2f})")
        key = _conversation_key(record)
        if key in self.seen:
            return "duplicate", f"the same conversation as accepted record {self.seen[key]}"
        return None

    def admit(self, record: dict) -> None:
        self.seen[_conversation_key(record)] = record["id"]

    def sort(self, accepted: list[Record]) -> tuple[list[Record], list[dict[str, Any]]]:
        """(records that pass, rejected rows for the others with the rule and reason)."""
        kept, stopped = [], []
        for record in accepted:
            row = record.model_dump(mode="json")
            found = self.verdict(row)
            if found is None:
                self.admit(row)
                kept.append(record)
                continue
            rule, reason = found
            self.removed[rule] += 1
            critic = row.get("metadata", {}).get("critic")
            if isinstance(critic, dict):
                critic["decision"] = "reject"
                critic["reasons"] = [*critic.get("reasons", []), f"{rule}: {reason}"]
                critic["failed_checks"] = [*critic.get("failed_checks", []), rule]
            stopped.append({**row, "reasons": [f"{rule}: {reason}"]})
        return kept, stopped

    def restore(self, accepted: list[dict]) -> None:
        for row in accepted:
            self.admit(row)

    def report(self, rejected: list[dict]) -> dict[str, Any]:
        """Counts over the whole run (read back from rejected.jsonl, so a resume adds up)."""
        removed = {rule: sum(1 for r in rejected if any(x.startswith(f"{rule}:") for x in r.get("reasons", [])))
                   for rule in self.removed}
        return {"removed": removed, "holdout": str(self.holdout_path) if self.holdout_path else None,
                "holdout_items": len(self.holdout)}
