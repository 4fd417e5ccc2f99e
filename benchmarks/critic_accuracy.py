"""How well the critic sorts correct pairs from flawed ones, on a labelled set it was not
tuned on.

    python benchmarks/critic_accuracy.py                      # the held-out set, embedded model
    python benchmarks/critic_accuracy.py --split tune         # the part thresholds may be tuned on
    python benchmarks/critic_accuracy.py --model ollama:qwen2.5:7b --split all
    python benchmarks/critic_accuracy.py --checks-only        # no model at all

The set (critic_eval/labelled/: documents.json and pairs.jsonl) has 4770 pairs over one hundred and
seventy-two documents of different kinds: fifty-six product manuals, fifty-four papers with results tables,
a price list, fifty-four policies and terms, the Azure lab's ImageNet guide (a real PDF), a Korean shop FAQ,
a Japanese clinic FAQ, an inventory CSV, and the lab's store CSV in English, Korean and
Japanese (each split's documents are named below). Correct answers are written the way a strong model
answers (paraphrases, partial but correct answers, extractive ones); flawed ones carry their
flaw: a negation flip, a value from another field or row, swapped values, a swapped unit, an
answer to a different question, a fact true in the world but not in the source, an answer
from another passage. Splits:
- "tune" (106 pairs): what the checks were developed and their thresholds set on;
- "heldout-v1" (57): a third held out by a hash of the id, measured once (checks alone:
  77% of correct pairs kept, 94% of flawed ones rejected); its misses then shaped fixes, so
  it counts as seen;
- "heldout-v2" (70): written after those fixes, on three documents the checks had never
  met, measured once (checks alone: 76% kept, 79% rejected); its misses shaped fixes too;
- "heldout-v3" (56): written after those, on four new documents (a drone guide, a
  remote-work policy, a storage price list, a Korean shop FAQ), measured once (checks alone:
  93% kept, 78% rejected); its misses shaped fixes too;
- "heldout-v4" (69): written after every threshold was set, on five new
  documents (an espresso machine manual, a sleep-trial paper, a Japanese clinic FAQ, a
  travel-expense policy, an inventory CSV), measured once on 2026-12-02: checks alone 79% of
  correct pairs kept, 69% of flawed ones rejected, 7 contradictions kept; with the embedded
  model (verify) 79%, 71%, 7. Each earlier held-out set read 100% after the fixes its misses
  shaped, and each fresh one fell back to 70-80%: the figures that count are first readings.
- "heldout-v5" (61): written on 2026-12-03, after model profiles, on three new
  documents (a smart kettle guide, a library borrowing policy, an air-sensor field study), with
  correct answers as GPT-4o-class models write them (numbered lists, quotes, worked
  arithmetic, several paragraphs); measured once: checks alone 65% of correct pairs kept, 71%
  of flawed ones rejected, 4 contradictions kept (all swapped values). Its misses shaped fixes
  (list markers, announced counts, shared units, prices in arithmetic, title words, a "no"
  resting on the source's own limit, prices as values, a verb's listed values kept with their
  subjects, list items as clauses); it then read 76% and 83%, 2 contradictions kept.
- "heldout-v6" (56): written on 2026-12-03 after those fixes, on three new documents (a
  bike-share membership policy, a heat pump water heater manual, an irrigation field trial),
  in the same strong-model style; measured once: checks alone 77% of correct pairs kept, 76% of
  flawed ones rejected, 2 contradictions kept. Its misses shaped fixes (differences and totals
  beside their operands, "15 extra minutes", a count of the values listed after it, a yes
  restating the source's negative, a percentage bound to a named method); it then read 92% and
  82%.
- "heldout-v7" (70): written on 2026-12-03 after the strong scripted model's
  fixes, on three new documents (a robotic lawn mower manual, a study of electric buses in
  winter with a captioned results table, coworking membership terms); measured once: checks
  alone 79% of correct pairs kept, 87% of flawed ones rejected, 2 contradictions kept. Its
  misses shaped fixes (a table caption's unit, "€260 a month", brackets and "+ 1" in
  arithmetic, an operand left unwritten as a difference, the asker's figure against the
  source's limit, a worked difference's "more", a "no" restating a whole limit, "on by
  default" said to be off, values swapped between months); it then read 96% and 96%, no
  contradiction kept. One "good" pair takes a figure from another passage of the document
  (v7-cowork_terms-1-003): left as labelled before the reading.
- "heldout-v8" (65): written on 2026-12-03 after v7's fixes, on three new documents
  (a fitness watch guide, residents' parking permit rules, a reading-tutor school trial);
  measured once: checks alone 84% of correct pairs kept, 82% of flawed ones rejected, 2
  contradictions kept. Its misses shaped fixes (a "no" restating another statement the
  question is about, "iOS 15 or later" against the asker's iOS 16, "longer than 5.5 m" against
  a 6 m van, a short question's language judged with its answer, "Up to two." as new
  information, a value named by its own row beside another row's words, percentage points,
  "compared with", values swapped between modes in brackets); it then read 98% and 86%.
- "heldout-v9" (63): written on 2026-12-03 after v8's fixes, on three new documents
  (an air purifier manual, a benchmark of small models summarising clinical notes, an airline
  baggage policy); measured once: checks alone 85% of correct pairs kept, 68% of flawed ones
  rejected, 6 contradictions kept. Its misses shaped fixes (a question negated as the source
  is, "the mode it was in before", a ring that "stays on" where the source turns it off, a yes
  that drops the source's "No model", the asker's figure within a band, words after a range,
  a price swapped between two conditions, an answer restating the statement a question names,
  a calculation resting on its prices); it then read 98% and 77%.
- "heldout-v10" (63): written on 2026-12-03 after v9's fixes, on three new
  documents (an induction hob manual, national-park camping rules, a study of dust on rooftop
  solar); measured once: checks alone 93% of correct pairs kept, 90% of flawed ones rejected,
  2 contradictions kept. One miss then fixed: a result in percent ("30 × 0.21% = 6.3%").
- "heldout-v11" (73): written on 2026-12-03 after v10, on three new documents (a
  dehumidifier manual, county library rules, a streetlight-dimming trial); measured once:
  checks alone 76% of correct pairs kept, 78% of flawed ones rejected, 5 contradictions kept.
- "heldout-v12" (73): written after v11's fixes, on three new documents (a bread maker
  manual, gym membership terms, a bike-lane before-and-after study); measured once: 80%, 78%,
  5 contradictions kept.
- "heldout-v13" (69): written after v12's fixes, on three new documents (a video
  doorbell guide, scooter rental terms, a four-day-week pilot study); measured once: 88%, 81%,
  4 contradictions kept. The fixes each of v11-v13 shaped are listed in README.md ("Measuring
  the critic"); after them the three read 96%/93%, 98%/89% and 98%/85%.
- "heldout-v14" (90): written after v13's fixes, on three new documents (a dishwasher
  manual, ferry ticket terms, a study of white roofs and indoor heat); measured once: checks
  alone 76% of correct pairs kept (42 of 55), 80% of flawed ones rejected, 7 contradictions
  kept.
- "heldout-v15" (89): written after v14's fixes, on three new documents (an
  e-reader guide, a hotel's booking policy, a trial of hand-hygiene reminder lights);
  measured once: checks alone 76% of correct pairs kept (41 of 54), 80% of flawed ones
  rejected, 3 contradictions kept.
- "heldout-v16" (85): written after v15's fixes, on three new documents (a
  smart lock manual, car-sharing member terms, a study of free school breakfast); measured
  once: checks alone 80% of correct pairs kept (39 of 49), 86% of flawed ones rejected, 2
  contradictions kept.
- "heldout-v17" (83): written after v16's fixes, on three new documents (an
  electric toothbrush guide, a science museum's visitor information, a study of 20 mph speed
  limits); measured once: checks alone 83% of correct pairs kept (40 of 48), 80% of flawed
  ones rejected, 4 contradictions kept.
- "heldout-v18" (82): written after v17's fixes, on three new documents (an air
  fryer manual, swimming pool rules, a green-roof runoff study); measured once: checks alone
  91% of correct pairs kept (43 of 47), 86% of flawed ones rejected, 4 contradictions kept.
- "heldout-v19" (77): written after v18's fixes, on three new documents (a
  video baby monitor guide, a library makerspace's rules, an e-bike commuting trial);
  measured once: checks alone 84% of correct pairs kept (36 of 43), 91% of flawed ones
  rejected, 1 contradiction kept.
- "heldout-v20" (89): written after v19's fixes and the yes/no judge's new choice
  of statement, on three new documents (a robot vacuum manual, kayak rental terms, a
  classroom CO2 display trial); measured once: checks alone 79% of correct pairs kept (42 of
  53), 92% of flawed ones rejected, 3 contradictions kept.
- "heldout-v21" (87): written after v20's fixes, on three new documents (an
  electric pressure cooker manual, allotment plot-holder rules, a sit-stand desk trial);
  measured once: checks alone 80% of correct pairs kept (41 of 51), 89% of flawed ones
  rejected, 4 contradictions kept.
- "heldout-v22" (87): written after v21's fixes, on three new documents
  (wireless earbuds guide, dog kennel boarding terms, a study of fine-free libraries); measured
  once: checks alone 82% of correct pairs kept (42 of 51), 75% of flawed ones rejected, 6
  contradictions kept (five of six swapped-value pairs kept).
- "heldout-v23" (87): written after v22's fixes, on three new documents (a
  sewing machine guide, a climbing centre's rules, a universal free school meals pilot);
  measured once: checks alone 83% of correct pairs kept (44 of 53), 85% of flawed ones
  rejected, 5 contradictions kept.
- "heldout-v24" (86): written after v23's fixes, on three new documents (a
  coffee grinder guide, a music school's terms, a study of a £2 bus fare cap); measured once:
  checks alone 75% of correct pairs kept (39 of 52), 82% of flawed ones rejected, 5
  contradictions kept.
- "heldout-v25" (81): written after v24's fixes and the rule that recomputes one
  step of arithmetic however it is worded, on three new documents (a cordless drill manual,
  student halls rules, a study of later school start times); measured once: checks alone 82% of
  correct pairs kept (40 of 49), 78% of flawed ones rejected, 5 contradictions kept.
- "heldout-v26" (79): written after v25's fixes, on three new documents (a food
  processor manual, a driving school's terms, a trial of text reminders for hospital
  appointments); measured once: checks alone 73% of correct pairs kept (35 of 48), 84% of
  flawed ones rejected, 4 contradictions kept.
  After the fixes their misses shaped (README.md) v23 to v26 read 100%/94%, 96%/94%, 98%/91%
  and 92%/87%; all 2053 pairs: 96% of correct pairs kept, 93% of flawed ones rejected, 38
  contradictions kept.
- "heldout-v27" (76): written after v26's fixes, on three new documents (a rice
  cooker manual, a community hall's hire terms, a study of street trees and summer heat);
  measured once: checks alone 83% of correct pairs kept (38 of 46), 77% of flawed ones
  rejected, 6 contradictions kept. After the fixes its misses shaped: 100%/100%.
- "heldout-v28" (96): written after v27's fixes, on three new documents (a heated
  underblanket's guide, a tool library's borrowing terms, a trial of walking buses to primary
  schools); measured once: checks alone 88% of correct pairs kept (51 of 58), 79% of flawed
  ones rejected, 5 contradictions kept. After the fixes its misses shaped: 98%/97%.
- "heldout-v29" (89): written after v28's fixes, on three new documents (a steam
  iron manual, a junior football club's membership terms, an evaluation of noise cameras);
  measured once: checks alone 83% of correct pairs kept (43 of 52), 92% of flawed ones
  rejected, 2 contradictions kept. After the fixes its misses shaped: 94%/97%.
- "heldout-v30" (85): written after v29's fixes, on three new documents (a filter
  jug's guide, a phone repair shop's terms, a study of school gardens and vegetable eating);
  measured once: checks alone 88% of correct pairs kept (44 of 50), 83% of flawed ones
  rejected, 5 contradictions kept. After the fixes its misses shaped: 90%/89%; all 2399 pairs:
  96% of correct pairs kept, 94% of flawed ones rejected, 42 contradictions kept.
  Over the twenty-one sets since v10, first readings keep 82% of correct pairs (849 of 1036).
- "heldout-v31" (111): written after v30's fixes, on three new documents (a slow
  cooker manual, a boiler cover plan's terms, a trial of school streets closed to cars);
  measured once: checks alone 91% of correct pairs kept (60 of 66), 87% of flawed ones
  rejected, 5 contradictions kept.
- "heldout-v32" (104): written after v31 was read, before any fix, on three new
  documents (a food dehydrator manual, an arena's ticket terms, a trial of after-school
  homework clubs); measured once: checks alone 82% of correct pairs kept (50 of 61), 86% of
  flawed ones rejected, 3 contradictions kept.
  After the fixes v31's and v32's misses shaped: v31 100%/93%, v32 95%/91%.
- "heldout-v33" (90): written after those fixes, on three new documents (an ice cream maker
  manual, a dental practice's patient policy, an evaluation of community fridges); measured
  once: checks alone 91% of correct pairs kept (48 of 53), 84% of flawed ones rejected, 5
  contradictions kept.
- "heldout-v34" (94): written with v33, before it was read, on three new
  documents (a cordless stick vacuum's guide, evening language course terms, a trial of
  reading to dogs); measured once: checks alone 86% of correct pairs kept (48 of 56), 84% of
  flawed ones rejected, 3 contradictions kept. One of its correct pairs works with a fee from
  another passage ("£160: £180 minus the £20 admin charge"), which the checks rightly cannot
  see; it stays labelled as written.
  After the fixes v33's and v34's misses shaped: v33 98%/89%, v34 95%/89%.
- "heldout-v35" (91) and "heldout-v36" (88): written together after those fixes,
  before either was read, on six new documents (an evaporative cooler manual, a primary
  school's trips policy, a trial of walks on prescription; a sous vide cooker guide, a
  launderette's terms, a study of drinking fountains in schools); measured once: checks alone
  v35 89% of correct pairs kept (47 of 53), 92% of flawed ones rejected, 2 contradictions kept;
  v36 88% (45 of 51), 84%, 4. One v36 pair works with a price from another passage ("£18: £14
  plus £2 for each of the 2 extra kg"); it stays labelled as written.
  After the fixes v35's and v36's misses shaped: v35 100%/95%, v36 92%/89%.
- "heldout-v37" (86) and "heldout-v38" (79): written together after those fixes,
  before either was read, on six new documents (an outdoor pizza oven guide, a photo studio's
  hire terms, a study of a summer reading challenge; a label printer guide, a car wash's
  membership terms, a study of plants in open-plan offices); measured once: checks alone v37
  86% of correct pairs kept (42 of 49), 89% of flawed ones rejected, 1 contradiction kept; v38
  91% (40 of 44), 91%, 1. One v38 pair names a plan from another passage ("Not on Basic or
  Plus"); it stays labelled as written. Over the eight sets v31 to v38, first readings keep
  88% of correct pairs (380 of 433). After the fixes v37's and v38's misses shaped: v37
  92%/89%, v38 91%/94%; all 3142 pairs: 96% of correct pairs kept (1782 of 1853), 93% of flawed
  ones rejected, 56 contradictions kept.
- "heldout-v39" (76) and "heldout-v40" (76): written together after those fixes,
  before either was read, on six new documents (a bicycle trailer manual, ski hire terms, a
  trial of cooled bus shelters; a milk frother guide, coworking day pass terms, a study of
  retrofitted homes); measured once: checks alone v39 84% of correct pairs kept (36 of 43), 85%
  of flawed ones rejected, 4 contradictions kept; v40 95% (40 of 42), 79%, 7. Over the ten sets
  v31 to v40, first readings keep 88% of correct pairs (456 of 518). After the two fixes their
  misses shaped (a table cell's change in thousands, a no with "none"): v39 84%/85%, v40
  95%/85%; all 3294 pairs: 96% of correct pairs kept (1858 of 1938), 93% of flawed ones
  rejected, 65 contradictions kept.
- "heldout-v41" (96) and "heldout-v42" (95): written together after those fixes,
  before either was read, on six new documents (a waffle maker guide, swimming lesson terms, a
  study of countdown timers at crossings; a garden shredder manual, pet sitting terms, a study
  of repair cafés); measured once: checks alone v41 88% of correct pairs kept (50 of 57), 92%
  of flawed ones rejected, 2 contradictions kept; v42 91% (52 of 57), 82%, 4. Over the twelve
  sets v31 to v42, first readings keep 88% of correct pairs (558 of 632). After the fixes their
  misses shaped: v41 100%/100%, v42 100%/97%; all 3485 pairs: 96% of correct pairs kept (1972 of
  2052), 93% of flawed ones rejected, 65 contradictions kept.
- "heldout-v43" (98) and "heldout-v44" (96): written together after those fixes,
  before either was read, on six new documents (a cordless hedge trimmer manual, pottery class
  terms, a night bus pilot study; a bottle steriliser manual, campervan hire terms, a study of
  later library opening); measured once: checks alone v43 93% of correct pairs kept (54 of 58),
  72% of flawed ones rejected, 7 contradictions kept; v44 89% (51 of 57), 92%, 2. Over the
  fourteen sets v31 to v44, first readings keep 89% of correct pairs (663 of 747). After the
  fixes their misses shaped: v43 98%/100%, v44 100%/97%; all 3679 pairs: 96% of correct pairs
  kept (2086 of 2167), 94% of flawed ones rejected, 64 contradictions kept.
- "heldout-v45" (99) and "heldout-v46" (95): written together after those fixes,
  before either was read, on six new documents (a slow juicer manual, venue hire terms, a study
  of befriending; a portable power station guide, dog grooming terms, a cargo bike loan trial);
  measured once: checks alone v45 98% of correct pairs kept (56 of 57), 90% of flawed ones
  rejected, 2 contradictions kept; v46 85% (47 of 55), 88%, 1. Over the sixteen sets v31 to
  v46, first readings keep 89% of correct pairs (766 of 859). After the fixes their misses
  shaped: v45 and v46 100%/98%; all 3873 pairs: 97% of correct pairs kept (2205 of 2279), 94%
  of flawed ones rejected, 62 contradictions kept.
- "heldout-v47" (95) and "heldout-v48" (92): written together after those fixes,
  before either was read, on six new documents (a window vac manual, cycle repair terms, a study
  of parklets; an aquarium filter manual, holiday club terms, a study of less-mown road verges);
  measured once: checks alone v47 87% of correct pairs kept (48 of 55), 85% of flawed ones
  rejected, 3 contradictions kept; v48 88% (46 of 52), 85%, 3. Over the eighteen sets v31 to
  v48, first readings keep 89% of correct pairs (860 of 966). After the fixes their misses
  shaped: v47 100%/88%, v48 100%/90%; all 4060 pairs: 97% of correct pairs kept (2311 of 2386),
  94% of flawed ones rejected, 66 contradictions kept.
- "heldout-v49" (106) and "heldout-v50" (96): written together after those fixes,
  before either was read, on six new documents (an inflatable paddle board guide, tyre fitting
  terms, a study of a market square closed to traffic; a soup maker manual, escape room terms, a
  study of cycle training in primary schools); measured once: checks alone v49 85% of correct
  pairs kept (51 of 60), 96% of flawed ones rejected, 2 contradictions kept; v50 92% (48 of 52),
  89%, 5. Over the twenty sets v31 to v50, first readings keep 89% of correct pairs (959 of 1078).
  After the fixes their misses shaped: v49 100%/96%, v50 100%/98%; all 4262 pairs: 97% of
  correct pairs kept (2423 of 2498), 94% of flawed ones rejected, 66 contradictions kept.
- "heldout-v51" (91) and "heldout-v52" (84): written together after those fixes,
  before either was read, on six new documents (a camping stove manual, boat trip terms, a study
  of play streets; a baby carrier guide, tennis court booking rules, a study of live music in
  care homes); measured once: checks alone v51 81% of correct pairs kept (42 of 52), 87% of
  flawed ones rejected, 2 contradictions kept; v52 90% (43 of 48), 83%, 4. Over the twenty-two
  sets v31 to v52, first readings keep 89% of correct pairs (1044 of 1178).
  After the fixes their misses shaped: v51 100%/95%, v52 100%/86%; all 4437 pairs: 97% of
  correct pairs kept (2524 of 2598), 94% of flawed ones rejected, 70 contradictions kept.
- "heldout-v53" (85) and "heldout-v54" (84): written together after those fixes,
  before either was read, on six new documents (a wood burner guide, ice rink session rules, a
  study of library laptop loans; a sprinkler manual, dance class terms, a study of free summer
  swimming); measured once: checks alone v53 86% of correct pairs kept (42 of 49), 78% of flawed
  ones rejected, 3 contradictions kept; v54 92% (44 of 48), 92%, 3. Over the twenty-four sets
  v31 to v54, first readings keep 89% of correct pairs (1130 of 1275).
  After the fixes their misses shaped: v53 100%/78%, v54 100%/92%; all 4606 pairs: 97% of
  correct pairs kept (2620 of 2695), 94% of flawed ones rejected, 76 contradictions kept.
- "heldout-v55" (85) and "heldout-v56" (79, the default): written together after those fixes,
  before either was read, on six new documents (a floor pump manual, trampoline park rules, a
  study of lunchtime walking groups; a pressure washer manual, dog daycare terms, a study of a
  community minibus); measured once: checks alone v55 92% of correct pairs kept (44 of 48), 92%
  of flawed ones rejected, 2 contradictions kept; v56 93% (43 of 46), 94%, 2: the first two sets
  written together that both keep 90% or more on their first reading. Over the twenty-six sets
  v31 to v56, first readings keep 89% of correct pairs (1217 of 1369).

Every pair runs through `curate` (the real runner and critic) twice: with the critic model,
and with `--critic-trust checks-only` (the deterministic and semantic checks alone). The
table gives, per label, how many pairs each decided right; then precision and recall of
"reject" over all flawed pairs, and the critic's CPU time per pair.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from agentsynth.backends.models import Backends, ModelSettings
from agentsynth.backends.resilience import RetryPolicy
from agentsynth.scenarios.curate import Curate, CurateOptions
from agentsynth.scenarios.runner import RunSettings, run_scenario
from agentsynth.teams.dry_run import NoCallClient

HERE = Path(__file__).parent / "critic_eval" / "labelled"
SPEC = Path(__file__).parent / "critic_eval" / "curate_independent.yaml"
FLAWS = ("negation", "wrong_value", "swapped_values", "swapped_unit", "off_target", "unsupported", "other_chunk")


def load_pairs(split: str) -> tuple[list[dict], dict[str, dict]]:
    documents = json.loads((HERE / "documents.json").read_text(encoding="utf-8"))
    pairs = [json.loads(line) for line in (HERE / "pairs.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [p for p in pairs if split == "all" or p["split"] == split], documents


def curate_input(pairs: list[dict], documents: dict[str, dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for p in pairs:
            doc = documents[p["doc"]]
            out.write(json.dumps({"id": p["id"], "question": p["question"], "answer": p["answer"],
                                  "context": doc["passages"][p["passage"]], "source": doc["title"]},
                                 ensure_ascii=False) + "\n")
    return path


def judge(pairs_file: Path, client: Any, trust: str) -> tuple[dict[str, list[str]], set[str], float, float]:
    """(rejected id → reasons, kept ids, CPU seconds, wall seconds) of one curate run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        settings = RunSettings(out_dir=out, model_label="benchmark", show_progress=False)
        scenario = Curate(CurateOptions(input=pairs_file, critic_trust=trust, team_file=SPEC))
        cpu, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        asyncio.run(run_scenario(scenario, settings, lambda role: client))
        after = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.perf_counter() - wall
        kept = {json.loads(line)["id"] for line in (out / "data.jsonl").read_text(encoding="utf-8").splitlines()}
        rejected = {json.loads(line)["id"]: json.loads(line)["reasons"]
                    for line in (out / "rejected.jsonl").read_text(encoding="utf-8").splitlines()}
    return rejected, kept, (after.ru_utime + after.ru_stime) - (cpu.ru_utime + cpu.ru_stime), wall


def summary(pairs: list[dict], rejected: dict[str, list[str]]) -> dict[str, Any]:
    good = [p for p in pairs if p["label"] == "good"]
    flawed = [p for p in pairs if p["label"] != "good"]
    flawed_rejected = sum(p["id"] in rejected for p in flawed)
    all_rejected = sum(p["id"] in rejected for p in pairs)
    return {
        "good_kept": sum(p["id"] not in rejected for p in good) / len(good) if good else None,
        "flawed_rejected": flawed_rejected / len(flawed) if flawed else None,
        "precision": flawed_rejected / all_rejected if all_rejected else None,
        "contradictions_kept": sum(p["id"] not in rejected for p in flawed if p["label"] in ("negation",
                                                                                             "swapped_values")),
    }


def pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local", help="the critic model (default: the embedded one)")
    parser.add_argument("--split", choices=("heldout-v56", "heldout-v55", "heldout-v54", "heldout-v53", "heldout-v52", "heldout-v51", "heldout-v50", "heldout-v49", "heldout-v48", "heldout-v47", "heldout-v46", "heldout-v45", "heldout-v44", "heldout-v43", "heldout-v42", "heldout-v41", "heldout-v40", "heldout-v39", "heldout-v38", "heldout-v37", "heldout-v36", "heldout-v35", "heldout-v34", "heldout-v33", "heldout-v32", "heldout-v31", "heldout-v30", "heldout-v29", "heldout-v28", "heldout-v27", "heldout-v26", "heldout-v25", "heldout-v24", "heldout-v23", "heldout-v22", "heldout-v21", "heldout-v20", "heldout-v19", "heldout-v18", "heldout-v17", "heldout-v16", "heldout-v15", "heldout-v14", "heldout-v13", "heldout-v12", "heldout-v11", "heldout-v10", "heldout-v9", "heldout-v8", "heldout-v7", "heldout-v6", "heldout-v5", "heldout-v4", "heldout-v3", "heldout-v2", "heldout-v1", "tune",
                                            "all"), default="heldout-v56")
    parser.add_argument("--checks-only", action="store_true", help="only the run without a model")
    parser.add_argument("--show", action="store_true", help="list every pair decided wrongly, with its reasons")
    args = parser.parse_args()
    pairs, documents = load_pairs(args.split)
    runs: dict[str, tuple[dict[str, list[str]], float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pairs_file = curate_input(pairs, documents, Path(tmp) / "pairs.jsonl")
        rejected, _, cpu, wall = judge(pairs_file, NoCallClient("critic"), "checks-only")
        runs["checks only"] = (rejected, cpu, wall)
        if not args.checks_only:
            settings = ModelSettings(model=args.model)
            client = Backends(cache=None, retry=RetryPolicy(), concurrency=1).client(settings)
            rejected, _, cpu, wall = judge(pairs_file, client, "verify")
            runs[f"{settings.label} (verify)"] = (rejected, cpu, wall)
    labels = Counter(p["label"] for p in pairs)
    names = list(runs)
    print(f"\ncritic on {len(pairs)} labelled pairs ({args.split} split): pairs decided right\n")
    print("| label | pairs | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for label in ("good", *FLAWS):
        if not labels[label]:
            continue
        members = [p for p in pairs if p["label"] == label]
        right = [sum((p["id"] in runs[n][0]) != (label == "good") for p in members) for n in names]
        target = "kept" if label == "good" else "rejected"
        print(f"| {label} ({target}) | {len(members)} | " + " | ".join(f"{r} ({r / len(members):.0%})" for r in right)
              + " |")
    stats = {n: summary(pairs, runs[n][0]) for n in names}
    print("| good pairs kept | | " + " | ".join(pct(stats[n]["good_kept"]) for n in names) + " |")
    print("| flawed pairs rejected (recall) | | " + " | ".join(pct(stats[n]["flawed_rejected"]) for n in names) + " |")
    print("| precision of reject | | " + " | ".join(pct(stats[n]["precision"]) for n in names) + " |")
    print("| contradictions kept | | " + " | ".join(str(stats[n]["contradictions_kept"]) for n in names) + " |")
    print("| CPU per pair (ms) | | " + " | ".join(f"{runs[n][1] / len(pairs) * 1000:.0f}" for n in names) + " |")
    print("| wall time (s) | | " + " | ".join(f"{runs[n][2]:.0f}" for n in names) + " |")
    if args.show:
        for name in names:
            print(f"\n{name}: decided wrongly")
            for p in pairs:
                if (p["id"] in runs[name][0]) == (p["label"] == "good"):
                    why = "; ".join(runs[name][0].get(p["id"], ["kept"]))
                    print(f"  {p['id']} [{p['label']}] {p['question']} → {p['answer']}\n      {why}")


if __name__ == "__main__":
    main()
