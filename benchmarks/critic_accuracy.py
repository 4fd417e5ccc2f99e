"""How well the critic sorts good pairs from flawed ones, on a labelled set.

    python benchmarks/critic_accuracy.py [--model local] [--pairs benchmarks/critic_eval/pairs.jsonl]

Runs the `curate` scenario (the real runner, critic and model) over hand-labelled pairs:
good ones (grounded and on point) and flawed ones (wrong numbers or units, facts not in
the source, refusals, empty answers, duplicates). Prints, per label, how many the critic
kept and rejected, plus the run's token use and time. Figures are ratios from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import Counter
from pathlib import Path

from agentsynth.backends.models import build_client, parse_model_spec
from agentsynth.scenarios.curate import Curate, CurateOptions
from agentsynth.scenarios.runner import RunSettings, run_scenario

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local")
    parser.add_argument("--pairs", type=Path, default=HERE / "critic_eval" / "pairs.jsonl")
    args = parser.parse_args()
    labels = {}
    for line in args.pairs.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        labels[row["id"]] = row["label"]
    spec = parse_model_spec(args.model)
    client = build_client(spec)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        settings = RunSettings(out_dir=out, model_label=spec.label, show_progress=True)
        summary = asyncio.run(run_scenario(Curate(CurateOptions(input=args.pairs)), settings, lambda role: client))
        kept = {json.loads(l)["id"] for l in (out / "data.jsonl").read_text(encoding="utf-8").splitlines()}
        rejected = {json.loads(l)["id"]: json.loads(l)["reasons"] for l in (out / "rejected.jsonl").read_text(encoding="utf-8").splitlines()}
    totals, kept_by_label = Counter(labels.values()), Counter(labels[i] for i in kept)
    print(f"\ncritic on {len(labels)} labelled pairs, model {spec.label}")
    print(f"{'label':<15}{'pairs':>6}{'kept':>6}{'rejected':>10}  target")
    for label in sorted(totals, key=lambda l: (l != "good", l)):
        n, k = totals[label], kept_by_label[label]
        print(f"{label:<15}{n:>6}{k:>6}{n - k:>10}  {'keep' if label == 'good' else 'reject'}")
    good_kept = kept_by_label["good"] / totals["good"]
    flawed = sum(n for label, n in totals.items() if label != "good")
    flawed_rejected = sum(totals[l] - kept_by_label[l] for l in totals if l != "good") / flawed
    print(f"\ngood pairs kept: {good_kept:.0%} · flawed pairs rejected: {flawed_rejected:.0%}")
    print(f"tokens {summary.prompt_tokens + summary.completion_tokens:,} · time {summary.wall_seconds:.1f}s")
    wrongly_rejected = {i: r for i, r in rejected.items() if labels[i] == "good"}
    for pair_id, reasons in wrongly_rejected.items():
        print(f"  good but rejected: {pair_id}: {'; '.join(reasons)}")
    for pair_id in sorted(i for i in kept if labels[i] != "good"):
        print(f"  flawed but kept: {pair_id}")


if __name__ == "__main__":
    main()
