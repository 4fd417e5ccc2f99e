"""Command line: parse, build the scenario, hand it to the runner, print the summary.

    python run.py --scenario seed_from_pdf [--input PDF_OR_FOLDER] [--out DIR] ...
    python run.py --scenario curate --input pairs.jsonl
    python run.py export DIR --format openai|azure|alpaca|sharegpt|hf [--split 0.1]
    python run.py serve --model FILE.gguf --port 8000     (llama.cpp's OpenAI-compatible server)
    python run.py --team-file my_team.yaml [--validate | --dry-run | --export-autogen OUT.json]
    python run.py --list
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python run.py` in a checkout: run the installed package
    try:
        from agentsynth.run import main as _package_main
    except ModuleNotFoundError:
        raise SystemExit("agentsynth is not installed: run `pip install -e .` in this folder first") from None
    raise SystemExit(_package_main())

from rich.console import Console
from rich.markup import escape as esc

from .backends.cache import ResponseCache
from .tools.urls import without_credentials
from .backends.metering import Budget, roles_label
from .backends.profiles import check_profile
from .backends.models import (
    Backends,
    ModelSettings,
    default_concurrency,
    endpoints_in_use,
    parse_model_spec,
    worker_count,
)
from .config import RunConfig, load_run_config
from .errors import AgentsynthError, InputError
from .scenarios.base import BuildContext, ScenarioEntry
from .scenarios.catalogue import load_scenarios
from .scenarios.items import RoleModel, RunSettings, WorkerModels
from .scenarios.runner import RunSummary, run_scenario



def _recordable(values: dict[str, Any]) -> dict[str, Any]:
    """Settings as the manifest may keep them: a base URL without its user:password@."""
    return {k: without_credentials(v) if k == "base_url" and isinstance(v, str) else v for k, v in values.items()}


def _positive(kind: type) -> Any:
    """An argparse type: a number above zero (argparse then prints one line naming the flag)."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{text!r}: must be a number above 0")
        return value
    parse.__name__ = kind.__name__
    return parse

def build_parser(scenarios: dict[str, ScenarioEntry] | None = None) -> argparse.ArgumentParser:
    scenarios = scenarios if scenarios is not None else load_scenarios()
    p = argparse.ArgumentParser(
        prog="run.py", description="Generate critic-vetted synthetic datasets with AutoGen agent teams."
    )
    p.add_argument("--scenario", choices=list(scenarios),
                   help="what to run (default: the scenario --team-file names, a custom flow when it names none "
                        "but has `input:`, else seed_from_pdf)")
    p.add_argument("--input", action="append", type=Path, metavar="PATH",
                   help="seed_from_pdf: a PDF, CSV, .txt, .md or .docx file, or a folder of them (repeatable; default: "
                        "the bundled sample manual); curate: a JSONL file of question/answer/context pairs")
    p.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: output/<scenario>/<timestamp>/)")
    models = p.add_argument_group("models (flags override --config)")
    models.add_argument("--config", type=Path, metavar="RUN.YAML",
                        help="run config: models per agent role, budget, retries, cache (see README)")
    models.add_argument("--model", metavar="SPEC",
                        help="model for every role: local (embedded SmolLM2-135M-Instruct, default), gguf:<path>, "
                             "openai:<model>, azure:<deployment>, ollama:<model>, openai-compatible:<model>")
    models.add_argument("--base-url", metavar="URL", help="server URL for openai-compatible (e.g. http://localhost:8000/v1)")
    models.add_argument("--role-model", action="append", default=[], metavar="ROLE=SPEC",
                        help="model for one role, e.g. critic=openai:gpt-4o (repeatable)")
    models.add_argument("--structured-output", choices=("auto", "json_schema", "json_object_schema", "json_object"),
                        help="how to ask an OpenAI-protocol server for JSON (default: auto, the first it accepts)")
    models.add_argument("--max-cost", type=_positive(float), metavar="USD",
                        help="stop cleanly once the estimated cost reaches this")
    models.add_argument("--max-tokens", type=_positive(int), metavar="N", help="stop cleanly once this many tokens are spent")
    models.add_argument("--timeout", type=_positive(float), metavar="SECONDS", help="per model call (default: 120)")
    models.add_argument("--no-cache", action="store_true", help="do not read or write the response cache")
    models.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="response cache (default: $AGENTSYNTH_CACHE_DIR or ~/.cache/agentsynth/responses)")
    models.add_argument("--check-model", action="store_true",
                        help="make one tiny call to each configured model, say whether it works, and exit")
    teams = p.add_argument_group("teams (see docs/custom-teams.md)")
    teams.add_argument("--team", metavar="NAME",
                       help="a built-in team: seed_from_pdf and persona_qa: graph (default) or round_robin; "
                            "customer_dialogue: round_robin (default) or graph")
    teams.add_argument("--team-file", type=Path, metavar="SPEC.yaml",
                       help="run with your own team spec (YAML or JSON); copy one from teams/specs/ to start")
    teams.add_argument("--list", action="store_true", help="list scenarios, built-in teams, roles, tools and schemas")
    teams.add_argument("--new-team", metavar="NAME",
                       help="write NAME.yaml, a starting spec copied from --from TEAM with a header listing the "
                            "roles, tools, schemas, placeholders and values it may use")
    teams.add_argument("--from", dest="from_team", metavar="TEAM", default="seed_qa.graph",
                       help="the built-in team --new-team starts from (teams/specs/ names, or 'flow' for a flow "
                            "of your own; default: seed_qa.graph, the main job)")
    teams.add_argument("--validate", type=Path, metavar="SPEC.yaml", nargs="+",
                       help="check team specs without calling a model; every problem with its file, line and field")
    teams.add_argument("--dry-run", action="store_true",
                       help="build the team for the first work item and print who talks to whom (text and "
                            "mermaid) and each agent's prompts; no model call")
    teams.add_argument("--export-autogen", type=Path, metavar="OUT.json",
                       help="write the team as an AutoGen component config (AutoGen Studio loads it) and say "
                            "what it cannot represent")
    p.add_argument("--language", metavar="CODE", help="language of questions and answers, e.g. en, ja, ko (default: each document's)")
    p.add_argument("--domain", metavar="TEXT", help="subject named in the SME system prompt (default: each document's title)")
    p.add_argument("--critic-trust", choices=("verify", "full", "checks-only"),
                   help="'verify': the critic model's objections count only when the deterministic checks confirm them; "
                        "'full': they always count; 'checks-only': the critic model is never asked, the checks alone "
                        "decide (default: verify for in-process models)")
    p.add_argument("--answer-style", choices=("free", "extractive"),
                   help="'extractive': answers are picked from the source's sentences most relevant to the question; "
                        "'free': written by the model (default: extractive for in-process models)")
    p.add_argument("--holdout", type=Path, metavar="EVAL.jsonl",
                   help="evaluation questions (any seed format): records that copy, nearly copy or paraphrase one "
                        "go to rejected.jsonl (holdout_leak)")
    p.add_argument("--concurrency", type=int, metavar="N", help="work items in flight (default: 1 for local models)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="processes running items (default: one per 16 items in flight, up to the CPU count; 1 for "
                        "in-process models): one process runs out of CPU before a fast backend runs out of slots")
    p.add_argument("--engine", choices=("local", "ray"),
                   help="where the --workers run: 'local' forks them here (default); 'ray' runs them as actors of a "
                        "Ray cluster (pip install -e \".[ray]\"), one per --workers")
    p.add_argument("--ray-address", metavar="ADDRESS",
                   help="with --engine ray: the cluster to join ('auto', 'HOST:6379' or 'ray://HOST:10001'; "
                        "default: start a local Ray instance for this run)")
    p.add_argument("--limit", type=int, metavar="N", help="process only the first N work items")
    p.add_argument("--seed", type=int, help="sampling seed (default: 0 for in-process models, else the backend's)")
    p.add_argument("--temperature", type=float,
                   help="sampling temperature (default: 0 for in-process models, else the backend's)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run in --out (default: the latest run of the scenario)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--verbose", action="store_true", help="show AutoGen's internal logging")
    _add_scenario_options(p, scenarios)
    return p


def _add_scenario_options(p: argparse.ArgumentParser, scenarios: dict[str, ScenarioEntry]) -> None:
    """Each scenario's own options, under its heading; an option two scenarios share once."""
    groups: dict[str, argparse._ArgumentGroup] = {}
    added: set[str] = set()
    for entry in scenarios.values():
        for opt in entry.options:
            if opt.dest in added:
                continue
            added.add(opt.dest)
            group = groups.get(opt.group) or groups.setdefault(opt.group, p.add_argument_group(opt.group))
            group.add_argument(*opt.flags, **opt.kwargs)


def resolve_scenario(args: argparse.Namespace) -> str:
    """--scenario, else the one the team file names (a custom flow when it names none but
    says what feeds it), else the main job."""
    if args.scenario:
        return args.scenario
    if args.team_file:
        from .teams.spec import load_spec
        from .teams.validate import scenario_of

        return scenario_of(load_spec(args.team_file))
    return "seed_from_pdf"


def _out_dir(args: argparse.Namespace) -> Path:
    if args.out:
        return args.out
    base = Path("output") / args.scenario
    if args.resume:
        runs = sorted(p for p in base.glob("*") if p.is_dir()) if base.exists() else []
        if not runs:
            raise AgentsynthError(f"--resume: no earlier run under {base}/; pass --out DIR")
        return runs[-1]
    return _new_folder(base / datetime.now().strftime("%Y%m%d-%H%M%S"))


def _new_folder(path: Path) -> Path:
    """`path`, or `path-2`, `path-3`, … : the first that did not exist, created here, so that two
    runs started in the same second never share a default output folder."""
    for n in range(1, 1000):
        candidate = path if n == 1 else path.with_name(f"{path.name}-{n}")
        try:
            candidate.mkdir(parents=True)
            return candidate
        except FileExistsError:
            continue
    raise AgentsynthError(f"{path}: could not find a free output folder name")


def chunk_measure(unit: str, writer: ModelSettings, console: Console):
    """What chunk sizes count: the question writer's tokens when its tokenizer is offline."""
    from .backends.tokens import CHARACTERS, measure_for

    if unit == "chars":
        return CHARACTERS
    spec = writer.spec
    measure = measure_for(spec.provider, spec.name, model_name=writer.model_name)
    if unit == "tokens" and measure.unit != "tokens":
        console.print(f"[yellow]note[/yellow]: no offline tokenizer for {esc(spec.label)}; chunk sizes count characters",
                      highlight=False, soft_wrap=True)
    return measure


def build_scenario(args: argparse.Namespace, config: RunConfig, critic_trust: str, answer_style: str, console: Console):
    """The scenario `--scenario` names, built by its own module from the command line."""
    entry = load_scenarios()[args.scenario]
    context = BuildContext(
        args=args, critic_trust=critic_trust, answer_style=answer_style,
        bounded=config.for_role("answerer").model_profile.grammar,  # sentence-bounded replies for small models
        console=console, chunk_measure=lambda: chunk_measure(args.chunk_unit, config.for_role("question_writer"),
                                                               console),
        role_spec=lambda role: config.for_role(role).spec,
    )
    return entry.build(context)


def print_summary(summary: RunSummary, console: Console) -> None:
    out = Path(summary.out_dir)
    console.print(f"[bold]Dataset:[/bold] {esc(str(out / 'data.jsonl'))}  (rejected: rejected.jsonl, manifest: manifest.json)",
                  soft_wrap=True)
    minutes, seconds = divmod(summary.wall_seconds, 60)
    console.print(
        f"items {summary.items_done}/{summary.items} · accepted {summary.accepted} · rejected {summary.rejected} · "
        f"failed {summary.failed} · skipped inputs {summary.skipped_inputs} · "
        f"model calls {summary.model_calls:,} (+{summary.cached_calls:,} from cache) · "
        f"tokens {summary.prompt_tokens + summary.completion_tokens:,} "
        f"(prompt {summary.prompt_tokens:,}, completion {summary.completion_tokens:,}) · "
        + (f"est. cost ${summary.cost_usd:.4f} · " if summary.cost_usd else "")
        + f"time {int(minutes)}m {seconds:.1f}s",
        soft_wrap=True,
    )


def run_config(args: argparse.Namespace) -> RunConfig:
    """The run config file (if any) with the command line's flags applied over it."""
    config = load_run_config(args.config) if args.config else RunConfig()
    default = config.default
    if args.model:  # a new model for every role: the file's endpoint and capabilities no longer apply
        parse_model_spec(args.model)  # a bad spec is one clear line
        default = ModelSettings(model=args.model, **default.model_dump(include={"temperature", "max_tokens", "seed", "timeout"}))
    overrides = {"base_url": args.base_url, "temperature": args.temperature, "seed": args.seed,
                 "structured_output": args.structured_output, "timeout": args.timeout}
    default = ModelSettings(**{**default.model_dump(exclude_unset=True), **{k: v for k, v in overrides.items() if v is not None}})
    roles = dict(config.roles)
    for item in args.role_model:
        role, sep, spec = item.partition("=")
        if not sep or not role or not spec:
            raise AgentsynthError(f"--role-model {item!r}: expected ROLE=SPEC, e.g. critic=openai:gpt-4o")
        roles[role.strip()] = ModelSettings(model=parse_model_spec(spec).label)
    budget = config.budget.model_copy(update={k: v for k, v in (("max_cost", args.max_cost), ("max_tokens", args.max_tokens))
                                              if v is not None})
    update: dict = {"default": default, "roles": roles, "budget": budget}
    if args.concurrency:
        update["concurrency"] = args.concurrency
    if args.workers is not None:
        if args.workers < 1:
            raise AgentsynthError(f"--workers {args.workers}: must be at least 1")
        update["workers"] = args.workers
    if args.engine:
        update["engine"] = args.engine
    if args.ray_address:
        update["ray_address"] = args.ray_address
        update.setdefault("engine", "ray")
    if args.no_cache:
        update["cache"] = False
    if args.cache_dir:
        update["cache_dir"] = args.cache_dir
    return config.model_copy(update=update)


def role_model_settings(config: RunConfig, role: str, scenario) -> ModelSettings:
    """The role's model settings, with the scenario's defaults for a role the run config does
    not set (e.g. preference responders at different temperatures), unless a flag set them."""
    settings = config.for_role(role)
    check_profile(settings, role, user_temperature=True)
    defaults = getattr(scenario, "role_defaults", dict)().get(role, {})
    unset = {k: v for k, v in defaults.items() if role not in config.roles and k not in config.default.model_fields_set}
    if not settings.model_profile.sampling:  # a scenario's own sampling default: not for a reasoning model
        unset = {k: v for k, v in unset.items() if k not in ("temperature", "seed")}
    return settings.model_copy(update=unset) if unset else settings


def with_team_models(config: RunConfig, scenario, args: argparse.Namespace) -> RunConfig:
    """Agents whose spec names a model spec (`model: openai:gpt-4o`) get it as their role's
    model, unless the run config or --role-model sets that role."""
    from .teams.queries import model_specs

    if scenario.team_spec is None:
        return config
    specs = model_specs(scenario.team_spec, {"responses": getattr(args, "responses", 2)})
    roles = dict(config.roles)
    for role, spec in specs.items():
        roles.setdefault(role, ModelSettings(model=parse_model_spec(spec).label))
    return config.model_copy(update={"roles": roles}) if specs else config


def _dry_run(scenario, role_settings: dict[str, ModelSettings], console: Console) -> int:
    from .scenarios.dry_run import reach_team
    from .teams.dry_run import render

    built, task, label, why = asyncio.run(reach_team(scenario, console))
    out = Console(soft_wrap=True, highlight=False, markup=False)
    out.print(render(scenario.team_spec, built, task, label, why))
    out.print("## Models this run would call\n")
    out.print("\n".join(f"  {line}" for line in endpoints_in_use(role_settings)))
    out.print("\n## Model profiles\n")
    profiles: dict[str, list[str]] = {}
    for role, s in role_settings.items():
        profiles.setdefault(f"{s.label}: {s.model_profile.describe()}", []).append(role)
    out.print("\n".join(f"  {', '.join(roles)} → {line}" for line, roles in profiles.items()))
    if scenario.dry_run_skipped:
        out.print("\n## Inputs it would skip\n")
        out.print("\n".join(f"  {s.path}: {s.reason}" for s in scenario.dry_run_skipped))
    return 0


def _export_autogen(scenario, role_settings: dict[str, ModelSettings], out: Path, console: Console) -> int:
    import json

    from .teams.autogen_export import export_team_checked

    config, notes = export_team_checked(scenario.team_spec, role_settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    Console().print(f"[bold]Wrote[/bold] {esc(str(out))}: {config['provider'].rsplit('.', 1)[-1]} with "
                    f"{len(config['config']['participants'])} agents (load it with "
                    "autogen_agentchat.base.Team.load_component)", soft_wrap=True, highlight=False)
    for note in notes:
        console.print(f"[yellow]not represented[/yellow] {esc(note)}", highlight=False, soft_wrap=True)
    return 0


def _check_models(settings: dict[str, ModelSettings], console: Console) -> int:
    from .backends.check import check_model

    by_model: dict[str, tuple[ModelSettings, list[str]]] = {}
    for role, s in settings.items():
        by_model.setdefault(s.model_dump_json(), (s, []))[1].append(role)

    async def check_all():
        return [await check_model(s, roles) for s, roles in by_model.values()]

    results = asyncio.run(check_all())
    for r in results:
        mark = "[green]ok[/green]" if r.ok else "[red]FAILED[/red]"
        console.print(f"{mark} {esc(r.label)} ({', '.join(r.roles)}): {esc(r.detail)}", highlight=False, soft_wrap=True)
        if r.fix:
            console.print(f"   fix: {esc(r.fix)}", highlight=False, soft_wrap=True)
    return 0 if all(r.ok for r in results) else 2


def export_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="run.py export", description="Export a run's accepted records for fine-tuning.")
    p.add_argument("run_dir", type=Path, metavar="DIR", help="a run's output folder (holds data.jsonl)")
    p.add_argument("--format", required=True, help="openai, azure, alpaca, sharegpt or hf")
    p.add_argument("--out", type=Path, metavar="PATH", help="where to write (default: DIR/export-<format>/)")
    p.add_argument("--split", type=float, default=0.0, metavar="FRACTION",
                   help="hold out this fraction as validation, by work item (default: 0, no split)")
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default: 0)")
    return p


def export_main(argv: list[str]) -> int:
    from .tools.export import export_run

    args = export_parser().parse_args(argv)
    console = Console(stderr=True)
    try:
        summary = export_run(args.run_dir, args.format, args.out or args.run_dir / f"export-{args.format}",
                             split=args.split, seed=args.seed)
    except AgentsynthError as exc:
        console.print(f"[red]error:[/red] {esc(str(exc))}", highlight=False, soft_wrap=True)
        return 2
    rows = ", ".join(f"{name} {count}" for name, count in summary["rows"].items())
    Console().print(f"[bold]Exported[/bold] {summary['format']} to {esc(str(summary['out']))}: {esc(rows)}", soft_wrap=True)
    for reason, count in summary["skipped"].items():
        console.print(f"[yellow]skipped[/yellow] {count} {esc(reason)}", highlight=False, soft_wrap=True)
    return 0


def report_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py report", description="Write report.html for a run's output folder.")
    p.add_argument("run_dir", type=Path, metavar="DIR", help="a run's output folder (holds manifest.json)")
    args = p.parse_args(argv)
    console = Console(stderr=True)
    if not (args.run_dir / "manifest.json").is_file():
        console.print(f"[red]error:[/red] {esc(str(args.run_dir))}: no manifest.json (not a run's output folder)",
                      highlight=False, soft_wrap=True)
        return 2
    try:
        return 0 if _report(args.run_dir, console, damaged_is_error=True) else 1
    except InputError as exc:  # a damaged file is the user's to fix: an error, not a warning
        console.print(f"[red]error:[/red] {esc(str(exc))}", highlight=False, soft_wrap=True)
        return 2


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["export"]:
        return export_main(argv[1:])
    if argv[:1] == ["report"]:
        return report_main(argv[1:])
    if argv[:1] == ["serve"]:
        from .serve import main as serve_main

        return serve_main(argv[1:])
    args = build_parser().parse_args(argv)
    console = Console(stderr=True)
    if args.new_team:
        from .teams.starter import new_team

        try:
            written = new_team(args.new_team, args.from_team, Path.cwd())
        except AgentsynthError as exc:
            console.print(f"[red]error:[/red] {esc(str(exc))}", highlight=False, soft_wrap=True)
            return 2
        Console().print(f"[bold]Wrote[/bold] {esc(str(written))}; check it with python run.py --validate "
                        f"{esc(written.name)}", highlight=False, soft_wrap=True)
        return 0
    if args.list or args.validate:
        from .teams.cli import print_list, validate_files

        if args.list:
            print_list(Console())
            return 0
        return validate_files(args.validate, args.scenario, Console(), console)
    if not args.verbose:
        # AutoGen logs every agent error with a traceback; the runner reports them itself.
        for name in ("autogen_core", "autogen_agentchat", "httpx", "azure"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    cache = None
    try:
        args.scenario = resolve_scenario(args)
        config = run_config(args)
        scenario = build_scenario(
            args, config, args.critic_trust or config.for_role("critic").model_profile.critic_trust,
            args.answer_style or config.for_role("answerer").model_profile.answer_style, console,
        )
        config = with_team_models(config, scenario, args)
        config.check_roles(scenario.roles, str(args.config or "--role-model"))
        role_settings = {role: role_model_settings(config, role, scenario) for role in scenario.roles}
        if args.dry_run:
            return _dry_run(scenario, role_settings, console)
        if args.export_autogen:
            return _export_autogen(scenario, role_settings, args.export_autogen, console)
        if args.check_model:
            return _check_models(role_settings, Console())
        unpriced = {role: s.price_name for role, s in role_settings.items() if s.resolved_price() is None}
        if config.budget.max_cost is not None and unpriced:
            role, name = next(iter(unpriced.items()))
            raise AgentsynthError(
                f"--max-cost: no price is known for the {role} role's model {name!r}, so its spending could not "
                "be counted; add it to backends/prices.yaml, give the role `price: {input: ..., output: ...}` "
                "(US$ per million tokens) in the run config, or use --max-tokens")
        specs = [s.spec for s in role_settings.values()]
        concurrency = config.concurrency or default_concurrency(specs)
        workers = worker_count(config.workers, concurrency, specs, config.engine)
        if config.engine == "ray" and not config.concurrency:  # an in-process model: one item per actor
            concurrency = max(concurrency, workers if all(s.in_process for s in specs) else 1)
        cache = ResponseCache(config.cache_dir) if config.cache else None

        def models(k: int = 0, n: int = 1, share: int = concurrency) -> WorkerModels:
            """The clients of worker k of n (or of this process), with its share of the concurrency."""
            backends = Backends(cache=cache, retry=config.retries.policy(), concurrency=share, share=(k, n))
            reports: dict[str, Any] = {"backends": backends.report}
            if cache is not None:
                if n > 1:
                    cache.count_anew()  # this worker's own hits; the main process adds them up
                reports["cache"] = lambda: {"dir": str(cache.directory), "hits": cache.hits, "misses": cache.misses}
            return WorkerModels(
                model_for_role=lambda role: RoleModel(backends.client(role_settings[role]), role_settings[role].label,
                                                      role_settings[role].resolved_price()),
                stop_reason=lambda: str(backends.fatal) if backends.fatal else None,
                reports=reports, close=backends.close,
            )

        remote = [line for line in endpoints_in_use(role_settings) if "(in-process" not in line]
        if remote:  # before the first call: where the documents are about to be sent
            console.print("[bold]Sending to[/bold] " + esc("; ".join(remote)), highlight=False, soft_wrap=True)
        main_models = models()
        settings = RunSettings(
            out_dir=_out_dir(args), model_label=roles_label({role: s.label for role, s in role_settings.items()}),
            concurrency=concurrency, limit=args.limit, resume=args.resume,
            arguments=_recordable({k: (str(v) if isinstance(v, Path) else [str(x) for x in v] if isinstance(v, list)
                                       else v) for k, v in vars(args).items()}),
            show_progress=not args.no_progress,
            budget=Budget(config.budget.max_cost, config.budget.max_tokens),
            model_settings={role: _recordable({**s.model_dump(exclude={"timeout", "max_concurrency"}, exclude_none=True),
                                               "profile": s.model_profile.model_dump()})
                            for role, s in role_settings.items()},
            stop_reason=main_models.stop_reason, reports=main_models.reports, holdout=args.holdout,
            workers=workers, worker_models=models, engine=config.engine, ray_address=config.ray_address,
        )

        async def execute() -> RunSummary:
            try:
                return await run_scenario(scenario, settings, main_models.model_for_role, console)
            finally:
                await main_models.close()

        summary = asyncio.run(execute())
    except AgentsynthError as exc:
        console.print(f"[red]error:[/red] {esc(str(exc))}", highlight=False, soft_wrap=True)
        return 2
    except OSError as exc:  # a full or read-only disk: one line, and the run resumes where it stopped
        console.print(f"[red]error:[/red] {esc(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/yellow]: finished items are saved; continue with --resume")
        return 130
    finally:
        if cache is not None:
            cache.close()
    print_summary(summary, Console())
    _report(Path(summary.out_dir), console)
    skipped, warnings = _skipped_and_warnings(summary)
    for line in skipped:
        console.print(f"[yellow]skipped[/yellow] {esc(line)}", highlight=False, soft_wrap=True)
    for line in warnings + _unpriced_warning(unpriced):
        console.print(f"[yellow]warning[/yellow] {esc(line)}", highlight=False, soft_wrap=True)
    if summary.stop_reason:
        console.print(f"[yellow]stopped early[/yellow]: {esc(str(summary.stop_reason))}; finished items are saved; "
                      "continue with --resume", highlight=False, soft_wrap=True)
        return 0 if settings.budget.exhausted else 1  # a budget stop is what was asked for
    return 0 if summary.items == 0 or summary.failed < summary.items else 1


def _report(out_dir: Path, console: Console, damaged_is_error: bool = False) -> bool:
    """report.html and its summary lines; a report that cannot be drawn never fails the run
    (`damaged_is_error`: a damaged run file raises its InputError instead)."""
    from .scenarios.report import gather, summary_lines, write_report

    try:
        data = gather(out_dir)  # the run's files, read once for the page and the summary
        path = write_report(out_dir, data)
    except InputError as exc:
        if damaged_is_error:
            raise
        console.print(f"[yellow]warning[/yellow] report.html not written: {esc(str(exc))}",
                      highlight=False, soft_wrap=True)
        return False
    except Exception as exc:  # the dataset is written; say why the report is missing
        console.print(f"[yellow]warning[/yellow] report.html not written: {type(exc).__name__}: {esc(str(exc))}",
                      highlight=False, soft_wrap=True)
        return False
    for line in summary_lines(out_dir, data):
        Console().print(esc(line), highlight=False, soft_wrap=True)
    Console().print(f"[bold]Report:[/bold] {esc(str(path))}", soft_wrap=True)
    return True


def _unpriced_warning(unpriced: dict[str, str]) -> list[str]:
    if not unpriced:
        return []
    models = ", ".join(f"{name} ({role})" for role, name in unpriced.items())
    return [f"cost unknown for {models}: not in backends/prices.yaml, so the estimated cost leaves it out"]


def _skipped_and_warnings(summary: RunSummary) -> tuple[list[str], list[str]]:
    from .tools.writers import read_manifest

    manifest = read_manifest(Path(summary.out_dir) / "manifest.json")
    return [f"{s['path']}: {s['reason']}" for s in manifest.get("skipped_inputs", [])], manifest.get("warnings", [])


if __name__ == "__main__":
    raise SystemExit(main())
