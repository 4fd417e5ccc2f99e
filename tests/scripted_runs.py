"""Every scenario on the scripted model, one item at a time, on the repository's fixed inputs:
the records a refactor must leave byte-identical.

    python tests/scripted_runs.py OUT_DIR        # then, in another checkout, OTHER_DIR
    diff -r -x manifest.json -x progress.jsonl -x report.html OUT_DIR OTHER_DIR

(Records name their source files by absolute path: compare two checkouts at the same path, or
replace each checkout's path in the files before the diff.)
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from scripted import ScriptedClient  # noqa: E402

from agentsynth.scenarios.agentinstruct import AgentInstruct, AgentInstructOptions  # noqa: E402
from agentsynth.scenarios.curate import Curate, CurateOptions  # noqa: E402
from agentsynth.scenarios.custom import CustomFlow, CustomOptions  # noqa: E402
from agentsynth.scenarios.customer_dialogue import CustomerDialogue, DialogueOptions  # noqa: E402
from agentsynth.scenarios.evol_quality import EvolQuality, EvolQualityOptions  # noqa: E402
from agentsynth.scenarios.evolve_instruct import EvolveInstruct, EvolveOptions  # noqa: E402
from agentsynth.scenarios.glan import Glan, GlanOptions  # noqa: E402
from agentsynth.scenarios.persona_qa import PersonaOptions, PersonaQA  # noqa: E402
from agentsynth.scenarios.preference import Preference, PreferenceOptions  # noqa: E402
from agentsynth.scenarios.runner import RunSettings, run_scenario  # noqa: E402
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions  # noqa: E402
from agentsynth.scenarios.self_instruct import SelfInstruct, SelfInstructOptions  # noqa: E402

LAB = REPO / "tests" / "data" / "azure-lab"
PDF = REPO / "samples" / "aurora-x2-power-station-manual.pdf"
PERSONAS = REPO / "samples" / "personas.jsonl"
PAIRS = [
    {"id": "a", "question": "How much energy does the Aurora X2 store?", "answer": "It stores 1,024 Wh.",
     "context": "The Aurora X2 stores 1,024 Wh in a lithium iron phosphate battery."},
    {"id": "b", "question": "How heavy is it?", "answer": "It weighs 20 kg.", "context": "The unit weighs 12.5 kg."},
]
ALPACA = [
    {"instruction": "What does the Aurora X2 weigh?", "output": "It weighs 12.5 kg."},
    {"instruction": "Name two ways to charge a power station.", "output": "From a wall outlet or from solar panels."},
]


def scenarios(out: Path) -> dict:
    """Each scenario of the suite, by name, built fresh (inputs that need a file are written under `out`)."""
    out.mkdir(parents=True, exist_ok=True)
    pairs, alpaca = out / "pairs.jsonl", out / "alpaca.jsonl"
    pairs.write_text("".join(json.dumps(p) + "\n" for p in PAIRS), encoding="utf-8")
    alpaca.write_text("".join(json.dumps(p) + "\n" for p in ALPACA), encoding="utf-8")
    return {
        "seed_from_pdf": lambda: SeedFromPdf(SeedOptions(inputs=[PDF])),
        "seed_round_robin": lambda: SeedFromPdf(SeedOptions(inputs=[PDF], team="round_robin")),
        "persona_qa": lambda: PersonaQA(PersonaOptions(inputs=[PDF], personas_file=PERSONAS)),
        "curate": lambda: Curate(CurateOptions(input=pairs)),
        "evolve_instruct": lambda: EvolveInstruct(EvolveOptions(input=LAB / "reference" / "evolve" / "seed_data.jsonl",
                                                                rounds=2)),
        "evol_quality": lambda: EvolQuality(EvolQualityOptions(input=alpaca, rounds=2)),
        "glan": lambda: Glan(GlanOptions(disciplines=LAB / "reference" / "glan" / "disciplines_sample.txt")),
        "self_instruct": lambda: SelfInstruct(SelfInstructOptions(inputs=[PDF], instructions=3)),
        "preference": lambda: Preference(PreferenceOptions(input=alpaca)),
        "agentinstruct": lambda: AgentInstruct(AgentInstructOptions(inputs=[PDF])),
        "customer_dialogue": lambda: CustomerDialogue(DialogueOptions(inputs=[PDF], dialogues=2, max_turns=3,
                                                                      personas_file=PERSONAS)),
        "custom_faq": lambda: CustomFlow(CustomOptions(team_file=REPO / "samples" / "teams" / "faq_flow.yaml",
                                                       inputs=[PDF])),
    }


def scenario(name: str, out: Path):
    return scenarios(out)[name]()


def main(out: Path) -> None:
    for name, make in scenarios(out).items():
        settings = RunSettings(out_dir=out / name, model_label="scripted", show_progress=False, concurrency=1)
        summary = asyncio.run(run_scenario(make(), settings, lambda role: ScriptedClient()))
        print(f"{name}: accepted {summary.accepted}, rejected {summary.rejected}, failed {summary.failed}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
