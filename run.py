"""Command line: parse, build the scenario, hand it to the runner, print the summary.

    python run.py --scenario seed_from_pdf [--input PDF_OR_FOLDER] [--out DIR] ...
    python run.py --scenario curate --input pairs.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):  # `python run.py` in a checkout: run the installed package
    try:
        from agentsynth.run import main as _package_main
    except ModuleNotFoundError:
        raise SystemExit("agentsynth is not installed: run `pip install -e .` in this folder first") from None
    raise SystemExit(_package_main())

from rich.console import Console

from .agents.models import (
    build_client,
    default_answer_style,
    default_concurrency,
    default_critic_trust,
    parse_model_spec,
)
from .errors import AgentsynthError
from .scenarios import SCENARIOS
from .scenarios.runner import RunSettings, RunSummary, run_scenario
from .teams.qa import TOPOLOGIES


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py", description="Generate critic-vetted synthetic datasets with AutoGen agent teams."
    )
    p.add_argument("--scenario", choices=SCENARIOS, default="seed_from_pdf", help="what to run (default: seed_from_pdf)")
    p.add_argument("--input", action="append", type=Path, metavar="PATH",
                   help="seed_from_pdf: a PDF or a folder of PDFs (repeatable; default: the bundled sample manual); "
                        "curate: a JSONL file of question/answer/context pairs")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: output/<scenario>/<timestamp>/)")
    p.add_argument("--model", default="local", metavar="SPEC",
                   help="model: 'local' (embedded SmolLM2-135M-Instruct, default) or 'gguf:<path>'")
    p.add_argument("--team", choices=TOPOLOGIES, default="graph", help="team topology for seed_from_pdf (default: graph)")
    p.add_argument("--questions-per-chunk", type=int, default=3, metavar="N", help="questions per chunk (default: 3)")
    p.add_argument("--max-revisions", type=int, default=1, metavar="N",
                   help="critic → writer revision rounds per chunk (default: 1)")
    p.add_argument("--language", metavar="CODE", help="language of questions and answers, e.g. en, ja, ko (default: each document's)")
    p.add_argument("--domain", metavar="TEXT", help="subject named in the SME system prompt (default: each document's title)")
    p.add_argument("--critic-trust", choices=("verify", "full"),
                   help="'verify': the critic model's objections count only when the deterministic checks confirm them; "
                        "'full': they always count (default: verify for in-process models)")
    p.add_argument("--answer-style", choices=("free", "extractive"),
                   help="'extractive': answers are picked from the source's sentences most relevant to the question; "
                        "'free': written by the model (default: extractive for in-process models)")
    p.add_argument("--chunk-chars", type=int, default=2000, metavar="N", help="chunk size in characters (default: 2000)")
    p.add_argument("--chunk-overlap", type=int, default=200, metavar="N", help="chunk overlap in characters (default: 200)")
    p.add_argument("--concurrency", type=int, metavar="N", help="work items in flight (default: 1 for local models)")
    p.add_argument("--limit", type=int, metavar="N", help="process only the first N work items")
    p.add_argument("--seed", type=int, default=0, help="sampling seed (default: 0)")
    p.add_argument("--temperature", type=float, default=0.0, help="sampling temperature (default: 0)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run in --out (default: the latest run of the scenario)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--verbose", action="store_true", help="show AutoGen's internal logging")
    return p


def _out_dir(args: argparse.Namespace) -> Path:
    if args.out:
        return args.out
    base = Path("output") / args.scenario
    if args.resume:
        runs = sorted(p for p in base.glob("*") if p.is_dir()) if base.exists() else []
        if not runs:
            raise AgentsynthError(f"--resume: no earlier run under {base}/; pass --out DIR")
        return runs[-1]
    return base / datetime.now().strftime("%Y%m%d-%H%M%S")


def build_scenario(args: argparse.Namespace, critic_trust: str, answer_style: str):
    if args.scenario == "seed_from_pdf":
        from .scenarios.seed_from_pdf import SAMPLE_PDF, SeedFromPdf, SeedOptions

        return SeedFromPdf(SeedOptions(
            inputs=args.input or [SAMPLE_PDF], team=args.team, questions_per_chunk=args.questions_per_chunk,
            max_revisions=args.max_revisions, language=args.language, domain=args.domain,
            chunk_chars=args.chunk_chars, chunk_overlap=args.chunk_overlap, critic_trust=critic_trust,
            answer_style=answer_style,
        ))
    from .scenarios.curate import Curate, CurateOptions

    if not args.input or len(args.input) != 1:
        raise AgentsynthError("--scenario curate needs exactly one --input pairs.jsonl")
    return Curate(CurateOptions(input=args.input[0], language=args.language, domain=args.domain, critic_trust=critic_trust))


def print_summary(summary: RunSummary, console: Console) -> None:
    out = Path(summary.out_dir)
    console.print(f"[bold]Dataset:[/bold] {out / 'data.jsonl'}  (rejected: rejected.jsonl, manifest: manifest.json)",
                  soft_wrap=True)
    minutes, seconds = divmod(summary.wall_seconds, 60)
    console.print(
        f"items {summary.items_done}/{summary.items} · accepted {summary.accepted} · rejected {summary.rejected} · "
        f"failed {summary.failed} · skipped inputs {summary.skipped_inputs} · "
        f"tokens {summary.prompt_tokens + summary.completion_tokens:,} "
        f"(prompt {summary.prompt_tokens:,}, completion {summary.completion_tokens:,}) · "
        f"time {int(minutes)}m {seconds:.1f}s",
        soft_wrap=True,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(stderr=True)
    if not args.verbose:
        # AutoGen logs every agent error with a traceback; the runner reports them itself.
        for name in ("autogen_core", "autogen_agentchat"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        spec = parse_model_spec(args.model)
        scenario = build_scenario(
            args, args.critic_trust or default_critic_trust(spec), args.answer_style or default_answer_style(spec)
        )
        settings = RunSettings(
            out_dir=_out_dir(args), model_label=spec.label,
            concurrency=args.concurrency or default_concurrency(spec), limit=args.limit, resume=args.resume,
            arguments={k: (str(v) if isinstance(v, Path) else [str(x) for x in v] if isinstance(v, list) else v)
                       for k, v in vars(args).items()},
            show_progress=not args.no_progress,
        )
        client = None

        def client_for_role(role: str):
            nonlocal client  # one model for every role (per-role models come with run configs)
            if client is None:
                client = build_client(spec, temperature=args.temperature, seed=args.seed)
            return client

        summary = asyncio.run(run_scenario(scenario, settings, client_for_role, console))
    except AgentsynthError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: finished items are saved; continue with --resume")
        return 130
    print_summary(summary, Console())
    for skipped in _skipped(summary):
        console.print(f"[yellow]skipped[/yellow] {skipped}", highlight=False, soft_wrap=True)
    return 0 if summary.items == 0 or summary.failed < summary.items else 1


def _skipped(summary: RunSummary) -> list[str]:
    import json

    manifest = json.loads((Path(summary.out_dir) / "manifest.json").read_text(encoding="utf-8"))
    return [f"{s['path']}: {s['reason']}" for s in manifest.get("skipped_inputs", [])]


if __name__ == "__main__":
    raise SystemExit(main())
