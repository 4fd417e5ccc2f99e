"""How much of what the embedded model writes ends at a token limit or loops, per scenario, on
inputs the project was not tuned on (tests/data/unseen), and whether each run yields what a user
came for. Issue 21's before/after table comes from this script.

    python benchmarks/runaway.py                  # every scenario, embedded model, ~15 min on 2 cores
    python benchmarks/runaway.py --only magpie glan --model gguf:/path/to/model.gguf

Per scenario: live model calls, how many replies ended at their token limit (cut off), how many
an in-process model started repeating and were kept up to the loop (trimmed), how many were asked
again because the first one ran away (re-asked), records accepted / rejected / failed, and the
scenario's own goal (two exchanges per dialogue, one session planned per discipline, ...).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNSEEN = ROOT / "tests" / "data" / "unseen"
MANUAL = UNSEEN / "tidewell-r7-robot-vacuum.md"
HANGUL = range(0xAC00, 0xD7A4)


def _records(out: Path, name: str) -> list[dict]:
    path = out / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] \
        if path.exists() else []


def _user_turns(record: dict) -> list[str]:
    return [m["content"] for m in record.get("messages", []) if m.get("role") == "user"]


def _dialogue_exchanges(out: Path) -> str:
    exchanges = [sum(1 for m in r.get("messages", []) if m.get("role") == "assistant")
                 for r in _records(out, "data.jsonl") + _records(out, "rejected.jsonl")]
    return f"support replies per dialogue: {exchanges} (goal: every dialogue >= 2)"


def _kept(goal: str) -> Callable[[Path], str]:
    return lambda out: f"{len(_records(out, 'data.jsonl'))} kept ({goal})"


def _sessions(out: Path) -> str:
    path = out / "curriculum.json"
    curriculum = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"disciplines": []}
    planned = {d["name"]: sum(len(s["sessions"]) for s in d["subjects"]) for d in curriculum["disciplines"]}
    return f"sessions planned per discipline: {planned} (goal: >= 1 each)"


def _korean(out: Path) -> str:
    questions = [q for r in _records(out, "data.jsonl") + _records(out, "rejected.jsonl") for q in _user_turns(r)]
    korean = sum(1 for q in questions if sum(ord(c) in HANGUL for c in q) >= max(1, len(q) // 4))
    return f"{korean} of {len(questions)} questions in Korean (goal: all)"


SCENARIOS: dict[str, tuple[list[str], Callable[[Path], str]]] = {
    "customer_dialogue": (["--scenario", "customer_dialogue", "--input", str(MANUAL), "--dialogues", "2",
                           "--max-turns", "3"], _dialogue_exchanges),
    "magpie": (["--scenario", "magpie", "--conversations", "3", "--turns", "2",
                "--system", (UNSEEN / "cooking-teacher.txt").read_text(encoding="utf-8").strip()],
               _kept("goal: >= 1 of 3")),
    "custom_glossary": (["--team-file", str(UNSEEN / "glossary_flow.yaml"), "--input", str(MANUAL), "--limit", "3"],
                        _kept("goal: >= 1")),
    "evolve_instruct": (["--scenario", "evolve_instruct", "--input", str(UNSEEN / "alpaca-seeds.jsonl"),
                         "--rounds", "2"], _kept("goal: >= 1 of 6")),
    "agentinstruct": (["--scenario", "agentinstruct", "--input", str(MANUAL), "--skills", "reading_comprehension",
                       "--limit", "1"], lambda out: _tasks(out)),
    "glan": (["--scenario", "glan", "--disciplines", str(UNSEEN / "disciplines.txt"), "--subjects-per-discipline",
              "1", "--sessions-per-subject", "1", "--questions-per-session", "2"], _sessions),
    "seed_from_pdf_korean": (["--scenario", "seed_from_pdf", "--input", str(UNSEEN / "service-centres-ko.csv"),
                              "--limit", "2"], _korean),
}


def _tasks(out: Path) -> str:
    tasks = [t for r in _records(out, "data.jsonl") + _records(out, "rejected.jsonl") for t in _user_turns(r) if t]
    return f"{len(tasks)} tasks written (goal: >= 1)"


def run(name: str, extra: list[str], workdir: Path) -> dict:
    args, goal = SCENARIOS[name]
    out = workdir / name
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), *args, *extra, "--out", str(out), "--no-cache",
                           "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    row = {"scenario": name, "seconds": round(time.monotonic() - started), "rc": proc.returncode}
    manifest_path = out / "manifest.json"
    if not manifest_path.exists():
        row["error"] = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no manifest"]
        return row
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    total = manifest["usage"]["total"]
    row.update(calls=total["calls"], cut_off=total.get("cut_off", "?"), trimmed=total.get("trimmed", "?"),
               reasked=total.get("reshaped", "?"), **{k: manifest["counts"].get(k, 0)
                                                      for k in ("accepted", "rejected", "failed")})
    row["goal"] = goal(out)
    if proc.returncode:
        row["error"] = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--model", help="model spec for every role (default: the embedded model)")
    parser.add_argument("--keep", type=Path, help="keep the run folders here")
    options = parser.parse_args()
    extra = ["--model", options.model] if options.model else []
    workdir = options.keep or Path(tempfile.mkdtemp(prefix="runaway-"))
    print("| scenario | calls | cut off | trimmed | re-asked | accepted | rejected | failed | goal | s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in options.only:
        row = run(name, extra, workdir)
        if "calls" not in row:
            print(f"| {name} | error: {row['error']} | | | | | | | | {row['seconds']} |", flush=True)
            continue
        share = f"{row['cut_off']} ({100 * row['cut_off'] / max(1, row['calls']):.0f}%)" \
            if isinstance(row["cut_off"], int) else row["cut_off"]
        print(f"| {name} | {row['calls']} | {share} | {row['trimmed']} | {row['reasked']} | {row['accepted']} | "
              f"{row['rejected']} | {row['failed']} | {row['goal']} | {row['seconds']} |", flush=True)
        if row.get("error"):
            print(f"|   ↳ exit {row['rc']}: {row['error']} |", flush=True)


if __name__ == "__main__":
    main()
