"""Issue 22: every scenario, run end to end on a strong model (tests/strong_model.py), keeps
each correct record it writes and turns down each flaw planted in its answers, with judges that
accept everything, so the deterministic checks alone decide.

The records and their planted flaws are listed in tests/strong_model.py: per scenario,
- seed_from_pdf, persona_qa: a continuous and a surge rating swapped, the eco mode's 12 hours
  given as the car socket's charging time, "cannot be disabled" where the manual says it can,
  a figure the manual does not have, 60 days for 30, E01's remedy given for E02;
- self_instruct: 2 × 100 W = 250 W, 75 V for 60 V, an error code E04 the manual lacks, 14 days;
- agentinstruct: two calculations that do not hold, and a transformed passage that recharges
  every 6 months instead of 3;
- customer_dialogue: support promising a free replacement the manual does not offer;
- evolve_instruct, evol_quality, glan, preference (no documents): a worked example whose
  arithmetic does not hold.
Each scenario runs twice: with the flaws planted, and with the correct answers in their place
(every record kept).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import scripted_runs
from conftest import run_with_client
from strong_model import StrongModel, sort_out

from agentsynth.backends.profiles import PROFILES, ProfiledClient
from agentsynth.scenarios.agentinstruct import AgentInstruct, AgentInstructOptions
from agentsynth.scenarios.customer_dialogue import CustomerDialogue, DialogueOptions
from agentsynth.scenarios.evol_quality import EvolQuality, EvolQualityOptions
from agentsynth.scenarios.evolve_instruct import EvolveInstruct, EvolveOptions
from agentsynth.scenarios.glan import Glan, GlanOptions
from agentsynth.scenarios.persona_qa import PersonaOptions, PersonaQA
from agentsynth.scenarios.preference import Preference, PreferenceOptions
from agentsynth.scenarios.seed_from_pdf import SeedFromPdf, SeedOptions
from agentsynth.scenarios.self_instruct import SelfInstruct, SelfInstructOptions

REPO = Path(__file__).resolve().parents[1]
PDF = REPO / "samples" / "aurora-x2-power-station-manual.pdf"
SEEDS = ("How do I choose a learning rate for fine-tuning a language model?",
         "What is the difference between precision and recall?",
         "How should I split a dataset into training, validation and test sets?")


def _personas(folder: Path) -> Path:
    """The camper and the technician of the sample personas (the readers the model writes for)."""
    lines = (REPO / "samples" / "personas.jsonl").read_text(encoding="utf-8").splitlines()
    path = folder / "personas.jsonl"
    path.write_text("".join(f"{line}\n" for line in lines if '"novice-camper"' in line or '"field-technician"' in line),
                    encoding="utf-8")
    return path


def _jsonl(folder: Path, name: str, rows) -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


# Each scenario on inputs the strong model writes for, with the number of records it writes.
SCENARIOS = {
    "seed_from_pdf": (lambda d: SeedFromPdf(SeedOptions(inputs=[PDF], questions_per_chunk=4, max_revisions=0)), 12),
    "persona_qa": (lambda d: PersonaQA(PersonaOptions(inputs=[PDF], questions_per_chunk=1, max_revisions=0,
                                                      personas_file=_personas(d))), 6),
    "self_instruct": (lambda d: SelfInstruct(SelfInstructOptions(inputs=[PDF], instructions=3)), 9),
    "agentinstruct": (lambda d: AgentInstruct(AgentInstructOptions(inputs=[PDF])), 9),
    "customer_dialogue": (lambda d: CustomerDialogue(DialogueOptions(inputs=[PDF], dialogues=2, max_turns=4,
                                                                     personas_file=_personas(d))), 2),
    "evolve_instruct": (lambda d: EvolveInstruct(EvolveOptions(
        input=_jsonl(d, "seeds.jsonl", [{"instruction": s} for s in SEEDS]), rounds=2)), 6),
    "evol_quality": (lambda d: EvolQuality(EvolQualityOptions(input=_jsonl(d, "alpaca.jsonl", scripted_runs.ALPACA),
                                                              rounds=2)), 4),
    "glan": (lambda d: Glan(GlanOptions(curriculum=REPO / "samples" / "glan_curriculum.json")), 16),
    "preference": (lambda d: Preference(PreferenceOptions(input=_jsonl(d, "alpaca.jsonl", scripted_runs.ALPACA))), 2),
}


def run(name: str, folder: Path, plant: bool) -> tuple[dict[str, list[str]], StrongModel]:
    folder.mkdir(parents=True)
    build, _ = SCENARIOS[name]
    model = StrongModel(plant=plant)
    summary = run_with_client(build(folder), ProfiledClient(model, PROFILES["chat"]), folder / "out", concurrency=1)
    assert summary.failed == 0
    return sort_out(folder / "out", model.written), model


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_correct_record_is_kept_and_every_planted_flaw_rejected(name, tmp_path):
    outcome, model = run(name, tmp_path / "planted", plant=True)
    written = SCENARIOS[name][1]
    assert len(model.written) == written, sorted(model.written)  # every record listed was written
    assert not outcome["flawed kept"], f"planted flaws kept: {outcome['flawed kept']}"
    assert not outcome["correct rejected"], f"correct records turned down: {outcome['correct rejected']}"
    assert outcome["flawed rejected"], "the run planted no flaw"
    assert len(outcome["correct kept"]) + len(outcome["flawed rejected"]) == written


@pytest.mark.parametrize("name", SCENARIOS)
def test_with_the_flaws_put_right_every_record_is_kept(name, tmp_path):
    outcome, model = run(name, tmp_path / "correct", plant=False)
    assert not any(flawed for _, flawed in model.written.values())
    assert not outcome["correct rejected"], f"correct records turned down: {outcome['correct rejected']}"
    assert len(outcome["correct kept"]) == SCENARIOS[name][1]
