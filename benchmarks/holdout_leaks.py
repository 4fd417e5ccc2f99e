"""How well `--holdout` catches a training question that restates an evaluation question,
and how often it wrongly stops one that asks something else.

    python benchmarks/holdout_leaks.py                 # both halves
    python benchmarks/holdout_leaks.py --split heldout # the half no threshold was set on

holdout_eval/question_pairs.jsonl holds 48 question-answer pairs written for this
benchmark, each beside another: 24 paraphrases (the same question and answer in other words,
English, Japanese and Korean) and 24 pairs on the same documents that ask something else
(often one word apart: the robot's warranty against the battery's). The "tune" half set
`SAME_QUESTION` and `SAME_ANSWER` (tools/semantic.py); the "heldout" half measures them.
Each pair runs through the dataset gate (the holdout file gives the reference answer) with
its word-overlap rules alone, as before sentence embeddings, and as it runs now.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from unittest import mock

from agentsynth.scenarios import gate as gate_module
from agentsynth.scenarios.gate import DatasetGate

PAIRS = Path(__file__).parent / "holdout_eval" / "question_pairs.jsonl"


def caught(pair: dict, tmp: Path) -> bool:
    holdout = tmp / "holdout.jsonl"
    holdout.write_text(json.dumps({"id": pair["id"], "question": pair["question"], "answer": pair["answer"]},
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    record = {"id": "r", "messages": [{"role": "user", "content": pair["other"]},
                                      {"role": "assistant", "content": pair["other_answer"]}]}
    found = DatasetGate(holdout).verdict(record)
    return found is not None and found[0] == "holdout_leak"


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    args = parser.parse_args()
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line]
    splits = ("tune", "heldout") if args.split == "all" else (args.split,)
    print("| split | rules | paraphrases caught | other questions wrongly stopped |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for split in splits:
            members = [p for p in pairs if p["split"] == split]
            paraphrases = [p for p in members if p["label"] == "paraphrase"]
            different = [p for p in members if p["label"] == "different"]
            for rules in ("word overlap only", "word overlap + embeddings"):
                if rules == "word overlap only":
                    with mock.patch.object(gate_module, "restated", lambda *a: None), \
                            mock.patch.object(DatasetGate, "_sibling", lambda *a: False):
                        verdicts = {p["id"]: caught(p, Path(tmp)) for p in members}
                else:
                    verdicts = {p["id"]: caught(p, Path(tmp)) for p in members}
                hits = sum(verdicts[p["id"]] for p in paraphrases)
                false = sum(verdicts[p["id"]] for p in different)
                print(f"| {split} | {rules} | {hits}/{len(paraphrases)} | {false}/{len(different)} |")


if __name__ == "__main__":
    main()
