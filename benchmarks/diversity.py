"""How diverse a set of generated questions is, measured the same way for any file.

    python benchmarks/diversity.py FILE.jsonl [FILE.jsonl ...]
    python benchmarks/diversity.py --personas OUTPUT_DIR     (a persona_qa run)

For each file (questions are the `question` field, or the first user turn of `messages`):
  near-copies      share of questions whose word trigrams overlap an earlier one's by
                   Jaccard >= 0.5 (what the runs' dedup removes)
  same-topic       share of questions whose content words overlap an earlier one's by
                   Jaccard >= 0.3 (the lab's repeated prompt gives 0.23-0.45 within a
                   subject, at most 0.18 across subjects)
  mean nearest     mean, over questions, of the highest content-word Jaccard with any other

With --personas: for each chunk, the content-word Jaccard between two personas' question
sets, averaged over chunks and persona pairs (1.0 = the personas asked the same things).
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import defaultdict
from pathlib import Path

from agentsynth.tools.dedup import jaccard, near_duplicates
from agentsynth.tools.text import stems

SAME_TOPIC = 0.3


def question_of(row: dict) -> str:
    if "question" in row:
        return row["question"]
    return next(m["content"] for m in row["messages"] if m["role"] == "user")


def read_questions(path: Path) -> list[str]:
    return [question_of(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def diversity(questions: list[str]) -> dict[str, float]:
    words = [frozenset(stems(q)) for q in questions]
    same_topic = sum(1 for i in range(1, len(words)) if any(jaccard(words[i], words[j]) >= SAME_TOPIC for j in range(i)))
    nearest = [max((jaccard(a, b) for j, b in enumerate(words) if j != i), default=0.0) for i, a in enumerate(words)]
    count = max(len(questions), 1)
    return {
        "questions": len(questions),
        "near_copies": len(near_duplicates(questions)) / count,
        "same_topic": same_topic / count,
        "mean_nearest": sum(nearest) / count,
    }


def persona_overlap(out_dir: Path) -> dict[str, float]:
    by_chunk: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name in ("data.jsonl", "rejected.jsonl"):
        path = out_dir / name
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            row = json.loads(line)
            persona = (row["metadata"].get("persona") or {}).get("persona_id")
            if persona:
                by_chunk[row["metadata"]["chunk_id"]][persona] |= set(stems(question_of(row)))
    scores = [jaccard(frozenset(a), frozenset(b)) for personas in by_chunk.values()
              for a, b in itertools.combinations(personas.values(), 2)]
    return {"chunks": len(by_chunk), "persona_pairs": len(scores),
            "mean_overlap": sum(scores) / len(scores) if scores else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--personas", type=Path, metavar="OUTPUT_DIR")
    args = parser.parse_args()
    if args.personas:
        print(json.dumps(persona_overlap(args.personas)))
    print(f"{'file':60} {'questions':>9} {'near-copies':>11} {'same-topic':>10} {'mean nearest':>12}")
    for path in args.files:
        d = diversity(read_questions(path))
        print(f"{str(path)[-60:]:60} {d['questions']:>9} {d['near_copies']:>11.0%} {d['same_topic']:>10.0%} "
              f"{d['mean_nearest']:>12.2f}")


if __name__ == "__main__":
    main()
