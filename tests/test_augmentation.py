"""Augmentation scenarios with scripted models: evolve_instruct, glan, persona_qa."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import LAB_DATA, SAMPLE_PDF, run_with_client
from scripted import SAME_THERMO_QUESTION, SCRIPTED_PERSONAS, ScriptedClient, prompt_text

from agentsynth.agents.evolver import OPERATIONS, choose_operation
from agentsynth.agents.persona_generator import angles
from agentsynth.checks.instruction import (
    check_answer_has_content,
    check_answer_substantive,
    check_information_gain,
    check_no_rewriter_wording,
)
from agentsynth.errors import InputError
from agentsynth.run import main
from agentsynth.scenarios.evolve_instruct import EvolveInstruct, EvolveOptions
from agentsynth.scenarios.glan import Glan, GlanOptions, plan_slots
from agentsynth.scenarios.persona_qa import PersonaOptions, PersonaQA
from agentsynth.tools.dedup import NearDuplicateIndex, near_duplicates
from agentsynth.tools.seeds import read_seeds
from agentsynth.tools.text import stems

EVOLVE_SEEDS = LAB_DATA / "reference" / "evolve" / "seed_data.jsonl"
GLAN_SAMPLE = LAB_DATA / "reference" / "glan" / "disciplines_sample.txt"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


# --- seed formats ------------------------------------------------------------------------

def test_seed_formats_are_detected(tmp_path):
    fmt, seeds, skipped = read_seeds(EVOLVE_SEEDS)
    assert fmt == "lab" and len(seeds) == 24 and not skipped
    assert seeds[0].seed_id == "1" and seeds[0].extra["Skill"] == "Distributed training on Cloud"

    alpaca = write_jsonl(tmp_path / "a.jsonl", [{"instruction": "Sort the list.", "input": "3, 1, 2", "output": "1, 2, 3"}])
    fmt, seeds, _ = read_seeds(alpaca)
    assert fmt == "alpaca" and seeds[0].instruction == "Sort the list.\n\n3, 1, 2"

    chat = write_jsonl(tmp_path / "c.jsonl", [{"messages": [{"role": "system", "content": "Be brief."},
                                                            {"role": "user", "content": "Name a prime."},
                                                            {"role": "assistant", "content": "7"}]}])
    fmt, seeds, _ = read_seeds(chat)
    assert fmt == "chat" and seeds[0].system == "Be brief." and seeds[0].response == "7"

    ours = write_jsonl(tmp_path / "d.jsonl", [{"id": "x-q0", "messages": [{"role": "user", "content": "Q?"}],
                                               "metadata": {"scenario": "seed_from_pdf", "source_file": "m.pdf"}}])
    fmt, seeds, _ = read_seeds(ours)
    assert fmt == "agentsynth" and seeds[0].source_file == "m.pdf" and seeds[0].seed_id == "x-q0"


def test_unknown_seed_format_names_the_file_and_fields(tmp_path):
    path = write_jsonl(tmp_path / "weird.jsonl", [{"text": "hi", "label": "there"}])
    with pytest.raises(InputError) as error:
        read_seeds(path)
    assert "weird.jsonl" in str(error.value) and "line 1 has fields: label, text" in str(error.value)
    assert "Instruction" in str(error.value) and "question" in str(error.value)


@pytest.mark.parametrize("field", ["question", "prompt", "query", "user_input", "input"])
def test_evaluation_sets_are_read_by_their_question_column(tmp_path, field):
    path = write_jsonl(tmp_path / "eval.jsonl", [{field: "How long is the battery warranty?", "answer": "1 year."},
                                                 {"id": "q7", field: "Which Wi-Fi band does the X200 use?"}])
    fmt, seeds, skipped = read_seeds(path)
    assert fmt == "question" and not skipped
    assert [s.instruction for s in seeds] == ["How long is the battery warranty?", "Which Wi-Fi band does the X200 use?"]
    assert [s.seed_id for s in seeds] == ["line-1", "q7"] and seeds[0].response == "1 year."


def test_a_chat_prompt_column_gives_its_first_user_turn(tmp_path):
    path = write_jsonl(tmp_path / "trl.jsonl", [{"prompt": [{"role": "system", "content": "Be brief."},
                                                            {"role": "user", "content": "Name a prime."}]}])
    assert read_seeds(path)[1][0].instruction == "Name a prime."


def test_evaluation_sets_as_json_csv_tsv_and_parquet(tmp_path):
    rows = [{"question": "How long is the battery warranty?", "ground_truth": "1 year"},
            {"question": "", "ground_truth": "an empty question is skipped"},
            {"question": "What does error E3 mean?", "ground_truth": "The battery is too hot."}]
    (tmp_path / "eval.json").write_text(json.dumps(rows), encoding="utf-8")
    (tmp_path / "wrapped.json").write_text(json.dumps({"data": rows}), encoding="utf-8")
    (tmp_path / "eval.csv").write_text("question,ground_truth\n" + "\n".join(
        f'"{r["question"]}","{r["ground_truth"]}"' for r in rows) + "\n", encoding="utf-8")
    (tmp_path / "eval.tsv").write_text("query\tanswer\n" + "\n".join(
        f'{r["question"]}\t{r["ground_truth"]}' for r in rows) + "\n", encoding="utf-8")
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as parquet
    parquet.write_table(pyarrow.Table.from_pylist(rows), tmp_path / "eval.parquet")
    for name, where in [("eval.json", "eval.json:2"), ("wrapped.json", "wrapped.json:2"), ("eval.csv", "eval.csv:3"),
                        ("eval.tsv", "eval.tsv:3"), ("eval.parquet", "eval.parquet:2")]:
        fmt, seeds, skipped = read_seeds(tmp_path / name)
        assert fmt == "question", name
        assert [s.instruction for s in seeds] == ["How long is the battery warranty?", "What does error E3 mean?"], name
        assert len(skipped) == 1 and skipped[0][0].endswith(where) and "holds a question" in skipped[0][1], name


@pytest.mark.parametrize("name, content, expected", [
    ("eval.json", "{not json", "eval.json: invalid JSON at line 1"),
    ("eval.json", '{"question": "a?"}', "eval.json: expected a JSON list of records"),
    ("eval.parquet", "not parquet at all", "eval.parquet: not a readable Parquet file"),
    ("eval.csv", "text,label\nhi,1\n", "eval.csv: unknown seed format (line 2 has fields: label, text)"),
])
def test_unreadable_evaluation_files_are_one_line(tmp_path, name, content, expected):
    if name.endswith(".parquet"):
        pytest.importorskip("pyarrow")
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_seeds(path)
    assert expected in str(error.value) and len(str(error.value).splitlines()) == 1


def test_bad_seed_lines_are_skipped_with_their_line_numbers(tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", [{"Instruction": "Explain RAID 5."}, "{not json", {"Instruction": ""},
                                              {"Instruction": "Explain RAID 6."}])
    _, seeds, skipped = read_seeds(path)
    assert [s.instruction for s in seeds] == ["Explain RAID 5.", "Explain RAID 6."]
    assert [where.rsplit(":", 1)[1] for where, _ in skipped] == ["2", "3"]


# --- elimination rules -------------------------------------------------------------------

def test_wizardlm_elimination_rules():
    parent = "How do I resize TFRecord files for ImageNet training?"
    assert not check_information_gain(parent, parent).passed
    assert not check_information_gain("How do I resize the TFRecord files for ImageNet training", parent).passed
    assert check_information_gain(parent + " Use at most three shell commands.", parent).passed
    assert not check_no_rewriter_wording("#Rewritten Prompt#: How do I resize files?").passed
    assert not check_no_rewriter_wording("Rewrite the given prompt so it mentions GPUs.").passed
    assert check_no_rewriter_wording("How do I resize files on eight GPUs?").passed
    assert not check_answer_substantive("Sorry, I cannot help with resizing those files today.").passed
    assert not check_answer_substantive("Use a script.").passed
    assert check_answer_substantive("Run the resize script on each shard, then verify the image sizes.").passed
    assert not check_answer_has_content("It is what it is, and that is all.").passed
    assert check_answer_has_content("Resize each shard with the script.").passed


def test_operations_are_drawn_per_item_and_round_reproducibly():
    drawn = [choose_operation(f"seed-{i}", r) for i in range(40) for r in range(3)]
    assert set(drawn) == set(OPERATIONS)
    assert drawn == [choose_operation(f"seed-{i}", r) for i in range(40) for r in range(3)]


# --- evolve_instruct ---------------------------------------------------------------------

def test_evolve_instruct_keeps_lineage_and_counts_eliminations(tmp_path):
    client = ScriptedClient()
    summary = run_with_client(EvolveInstruct(EvolveOptions(input=EVOLVE_SEEDS, rounds=3)), client, tmp_path, concurrency=4)
    assert summary.failed == 0 and summary.items == 24
    accepted, rejected = lines(tmp_path / "data.jsonl"), lines(tmp_path / "rejected.jsonl")
    assert len(accepted) + len(rejected) == 24 * 3  # one evolution per seed per round
    ids = {r["id"] for r in accepted}
    for record in accepted + rejected:
        meta = record["metadata"]
        assert meta["operation"] in OPERATIONS and 1 <= meta["round"] <= 3
        assert record["id"] == f"{meta['root_id']}-r{meta['round']}"
        # The parent is the seed or an accepted evolution of the same lineage from an earlier round.
        assert meta["parent_id"] == meta["root_id"] or (meta["parent_id"] in ids and meta["parent_id"].startswith(
            meta["root_id"] + "-r") and int(meta["parent_id"].rsplit("r", 1)[1]) < meta["round"])
        assert meta["seed_format"] == "lab" and meta["seed_extra"]["Skill"]
        assert [m["role"] for m in record["messages"]] == ["user", "assistant"]
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert sum(manifest["evolution"]["eliminated_by_rule"].values()) == len(rejected) > 0
    assert all(r["metadata"]["eliminated_by"] for r in rejected)
    assert sum(manifest["evolution"]["survivors_by_round"].values()) == len(accepted)


def test_a_failed_evolution_returns_its_parent_to_the_pool(tmp_path):
    seeds = write_jsonl(tmp_path / "seeds.jsonl", [{"instruction": "Explain how gradient descent updates weights."}])

    def evolver(messages, schema):
        text = prompt_text(messages)
        given = text.split("Prompt#:\n", 1)[1].split("\n\n#", 1)[0].strip()
        calls = len(client.calls_for("EvolvedFree"))
        if calls == 2:  # round 2 copies its parent: eliminated for no information gain
            return {"instruction": given}
        if calls == 3:  # round 3 leaks the rewriter's scaffolding
            return {"instruction": f"#Rewritten Prompt#: {given} Add momentum."}
        if calls == 4:
            return {"instruction": f"{given} Compare it with the Adam optimizer."}
        return {"instruction": f"{given} Include the learning-rate schedule."}

    client = ScriptedClient({"EvolvedFree": evolver})
    run_with_client(EvolveInstruct(EvolveOptions(input=seeds, rounds=4)), client, tmp_path / "out")
    accepted = {r["metadata"]["round"]: r for r in lines(tmp_path / "out" / "data.jsonl")}
    rejected = {r["metadata"]["round"]: r for r in lines(tmp_path / "out" / "rejected.jsonl")}
    assert sorted(accepted) == [1, 4] and sorted(rejected) == [2, 3]
    assert rejected[2]["metadata"]["eliminated_by"] == "information_gain"
    assert rejected[3]["metadata"]["eliminated_by"] == "no_rewriter_wording"
    # Rounds 2, 3 and 4 all evolved the round-1 survivor: failures left it in the pool.
    assert {r["metadata"]["parent_id"] for r in (rejected[2], rejected[3], accepted[4])} == {"line-1-r1"}
    prompts = [prompt_text(c["messages"]) for c in client.calls_for("EvolvedFree")]
    survivor = accepted[1]["messages"][0]["content"]
    assert all(survivor in p for p in prompts[1:])


def test_document_seeds_are_answered_from_their_source_and_checked_against_it(tmp_path, one_page_pdf):
    seeds = write_jsonl(tmp_path / "data.jsonl", [{
        "id": "c0-q0", "messages": [{"role": "user", "content": "How long does the Aurora X2 take to charge?"},
                                    {"role": "assistant", "content": "45 minutes to 80%."}],
        "metadata": {"scenario": "seed_from_pdf", "source_file": str(one_page_pdf)},
    }])

    def answer(messages, schema):
        prompt = prompt_text(messages)
        assert "Reference (page 1)" in prompt and "1,500 W" in prompt
        if len(client.calls_for("FreeAnswer")) == 1:
            return {"answer": "With the 1,500 W wall charger it reaches 80% in 45 minutes."}
        return {"answer": "With the 1,500 W wall charger it reaches 80% in 25 minutes."}  # 25 is invented

    client = ScriptedClient({"FreeAnswer": answer})
    run_with_client(EvolveInstruct(EvolveOptions(input=seeds, rounds=2)), client, tmp_path / "out")
    kept, dropped = lines(tmp_path / "out" / "data.jsonl"), lines(tmp_path / "out" / "rejected.jsonl")
    assert len(kept) == 1 and kept[0]["metadata"]["source_file"] == str(one_page_pdf)
    assert kept[0]["metadata"]["consulted_chunks"]
    assert len(dropped) == 1 and dropped[0]["metadata"]["eliminated_by"] == "numbers_grounded"


def test_cli_evolve_instruct_rejects_an_unknown_format_in_one_line(tmp_path, capsys):
    path = write_jsonl(tmp_path / "x.jsonl", [{"text": "hello"}])
    code = main(["--scenario", "evolve_instruct", "--input", str(path), "--out", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error:") and "x.jsonl" in err and len(err.splitlines()) == 1


# --- glan ----------------------------------------------------------------------------------

def test_question_slots_are_distinct_and_reproducible():
    slots = plan_slots("d1.s1.c1", ["entropy", "enthalpy", "free energy"], 12)
    keys = [(tuple(s.concepts), s.style) for s in slots]
    assert len(set(keys)) == 12
    assert len({k[0] for k in keys[:7]}) == 7  # every combination before any is reused
    assert slots == plan_slots("d1.s1.c1", ["entropy", "enthalpy", "free energy"], 12)


def test_glan_builds_the_curriculum_and_keeps_each_questions_path(tmp_path):
    client = ScriptedClient()
    options = GlanOptions(disciplines=GLAN_SAMPLE, subjects_per_discipline=2, sessions_per_subject=2,
                          questions_per_session=3)
    summary = run_with_client(Glan(options), client, tmp_path, concurrency=3)
    assert summary.failed == 0 and summary.items == 2 * 2 * 2
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["curriculum"] == {"disciplines": 2, "subjects": 4, "sessions": 8, "question_slots": 24,
                                      "planned_from_subtopics": [],
                                      "file": "curriculum.json"}
    curriculum = json.loads((tmp_path / "curriculum.json").read_text())
    assert [d["name"] for d in curriculum["disciplines"]] == ["Machine Learning", "Organic Chemistry"]
    records = lines(tmp_path / "data.jsonl") + lines(tmp_path / "rejected.jsonl")
    assert len(records) == 24
    for record in records:
        meta = record["metadata"]
        assert meta["discipline"] in ("Machine Learning", "Organic Chemistry") and meta["subject"] and meta["session"]
        assert meta["level"] in (100, 200) and meta["key_concepts"] and meta["question_style"] and meta["difficulty"]
    prompts = [prompt_text(c["messages"]) for c in client.calls_for("HomeworkFree")]
    assert len(prompts) == 24 and len(set(prompts)) == 24  # never the same prompt twice


def test_glan_removes_near_duplicates_across_the_run(tmp_path):
    client = ScriptedClient(SAME_THERMO_QUESTION)
    run_with_client(Glan(GlanOptions(disciplines=GLAN_SAMPLE)), client, tmp_path, concurrency=4)
    accepted, rejected = lines(tmp_path / "data.jsonl"), lines(tmp_path / "rejected.jsonl")
    assert len(accepted) == 1 and len(rejected) == 15
    assert {r["metadata"]["eliminated_by"] for r in rejected} == {"not_near_duplicate"}
    assert json.loads((tmp_path / "manifest.json").read_text())["glan"]["rejected_by_rule"] == {"not_near_duplicate": 15}


def test_glan_rejects_questions_off_their_session_and_tops_up_sessions_with_one_concept(tmp_path):
    def off_topic(messages, schema):
        return {"question": "Which of the following is more efficient in reducing plastic waste?"}

    def one_concept(messages, schema):  # Organic Chemistry's syllabi have no two distinct concepts
        if "Organic Chemistry" in prompt_text(messages):
            return {"sessions": [{"title": f"Session {n}", "key_concepts": ["Chemistry", "chemistry"]} for n in (1, 2)]}
        return {"sessions": [{"title": f"Loss functions {n}", "key_concepts": ["cross-entropy loss", "gradient"]}
                             for n in (1, 2)]}

    client = ScriptedClient({"HomeworkFree": off_topic, "SyllabusReply": one_concept})
    run_with_client(Glan(GlanOptions(disciplines=GLAN_SAMPLE)), client, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["curriculum"]["disciplines"] == 2 and not manifest["skipped_inputs"]
    curriculum = json.loads((tmp_path / "curriculum.json").read_text())
    organic = next(d for d in curriculum["disciplines"] if d["name"] == "Organic Chemistry")
    # The one concept the model gave, topped up with the subject's first subtopic.
    assert organic["subjects"][0]["sessions"][0]["key_concepts"] == ["Chemistry", "Organic Chemistry topic 100"]
    assert {r["metadata"]["eliminated_by"] for r in lines(tmp_path / "rejected.jsonl")} == {"covers_concepts"}
    assert not lines(tmp_path / "data.jsonl")


def test_glan_plans_sessions_from_subtopics_when_the_model_writes_no_syllabus_and_skips_only_empty_disciplines(
        tmp_path):
    def no_syllabus(messages, schema):
        return "not json at all"

    def subjects(messages, schema):
        if any("Organic Chemistry" in str(m.content) for m in messages):  # repair requests included
            return "no subjects either"
        from scripted import default_subjects
        return default_subjects(messages, schema)

    client = ScriptedClient({"SyllabusReply": no_syllabus, "SubjectsReply": subjects})
    run_with_client(Glan(GlanOptions(disciplines=GLAN_SAMPLE)), client, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["curriculum"]["disciplines"] == 1 and manifest["curriculum"]["sessions"] == 2 * 2
    fallbacks = manifest["curriculum"]["planned_from_subtopics"]
    assert len(fallbacks) == 2 and all("sessions planned from its subtopics" in f["reason"] for f in fallbacks)
    assert [s["path"] for s in manifest["skipped_inputs"]] == ["Organic Chemistry"]
    curriculum = json.loads((tmp_path / "curriculum.json").read_text())
    session = curriculum["disciplines"][0]["subjects"][0]["sessions"][0]
    assert session["key_concepts"][0].endswith("topic 100") and len(session["key_concepts"]) == 2
    assert lines(tmp_path / "data.jsonl")  # homework was written for the planned sessions


def test_glan_resume_reuses_the_saved_curriculum(tmp_path):
    first = ScriptedClient()
    run_with_client(Glan(GlanOptions(disciplines=GLAN_SAMPLE)), first, tmp_path, limit=3)
    again = ScriptedClient()
    run_with_client(Glan(GlanOptions(disciplines=GLAN_SAMPLE)), again, tmp_path, limit=3, resume=True)
    assert not again.calls_for("SubjectsReply") and not again.calls_for("SyllabusReply")


def test_glan_runs_from_a_hand_written_curriculum(tmp_path, capsys):
    curriculum = Path(__file__).resolve().parents[1] / "samples" / "glan_curriculum.json"
    client = ScriptedClient()
    summary = run_with_client(Glan(GlanOptions(curriculum=curriculum)), client, tmp_path / "a")
    assert summary.items == 8 and not client.calls_for("SubjectsReply") and not client.calls_for("SyllabusReply")
    records = lines(tmp_path / "a" / "data.jsonl") + lines(tmp_path / "a" / "rejected.jsonl")
    assert {r["metadata"]["subject"] for r in records} == {"Fundamentals of Machine Learning", "Deep Learning",
                                                          "General Organic Chemistry", "Stereochemistry"}
    bad = write_jsonl(tmp_path / "c.json", [{"disciplines": [{"name": "Optics", "subjects": []}]}])
    code = main(["--scenario", "glan", "--curriculum", str(bad), "--out", str(tmp_path / "b"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "c.json" in err and "disciplines.0.subjects" in err and len(err.splitlines()) == 1


def test_glan_can_generate_its_taxonomy(tmp_path):
    client = ScriptedClient()
    run_with_client(Glan(GlanOptions(generate_taxonomy=True, domain="natural sciences", subjects_per_discipline=1,
                                     sessions_per_subject=1, questions_per_session=1)), client, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    taxonomy = manifest["taxonomy"]
    assert taxonomy["domain"] == "natural sciences" and len(taxonomy["fields"]) == 2
    assert all(len(f["sub_fields"]) == 2 and all(len(s["disciplines"]) == 2 for s in f["sub_fields"])
               for f in taxonomy["fields"])
    assert manifest["curriculum"]["disciplines"] == 8


def test_glan_bad_disciplines_file(tmp_path, capsys):
    empty = tmp_path / "d.txt"
    empty.write_text("# nothing yet\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no disciplines"):
        Glan(GlanOptions(disciplines=empty))
    code = main(["--scenario", "glan", "--out", str(tmp_path / "o"), "--no-progress"])
    assert code == 2 and "--disciplines" in capsys.readouterr().err


def test_near_duplicate_measure():
    texts = ["Explain the role of entropy in spontaneous reactions.",
             "Explain the role of entropy in spontaneous chemical reactions.",
             "Compute the torque on a lever of 2 m under 10 N."]
    assert near_duplicates(texts) == [(1, 0, 0.625)]
    index = NearDuplicateIndex()
    index.add("a:1", texts[0])
    assert index.find(texts[1]) is not None and index.find(texts[1], ignore_prefix="a:") is None


# --- persona_qa ------------------------------------------------------------------------------

def question_overlap(records: list[dict]) -> float:
    """Mean Jaccard overlap of content words between two personas' questions on one chunk."""
    by_chunk: dict[str, dict[str, set[str]]] = {}
    for r in records:
        words = by_chunk.setdefault(r["metadata"]["chunk_id"], {}).setdefault(r["metadata"]["persona"]["persona_id"], set())
        words |= set(stems(r["messages"][1]["content"]))
    scores = []
    for personas in by_chunk.values():
        ids = sorted(personas)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                scores.append(len(personas[a] & personas[b]) / len(personas[a] | personas[b]))
    return sum(scores) / len(scores)


def test_persona_qa_writes_personas_and_conditions_questions_on_them(tmp_path):
    client = ScriptedClient()
    summary = run_with_client(PersonaQA(PersonaOptions(inputs=[SAMPLE_PDF], persona_count=3)), client, tmp_path,
                              concurrency=3)
    personas = lines(tmp_path / "personas.jsonl")
    assert [p["role"] for p in personas] == [p["role"] for p in SCRIPTED_PERSONAS[:3]]
    assert len({p["source"] for p in personas}) == 3  # drawn from passages spread over the document
    assert summary.items == 3 * 3 and summary.failed == 0
    records = lines(tmp_path / "data.jsonl") + lines(tmp_path / "rejected.jsonl")
    assert {r["metadata"]["persona"]["persona_id"] for r in records} == {"p1", "p2", "p3"}
    for call in client.calls_for("QuestionReply"):
        assert "as this reader would" in prompt_text(call["messages"])
    assert question_overlap(records) < 0.8
    # Every generation after the first was told which readers were already taken.
    asked = [prompt_text(c["messages"]) for c in client.calls_for("PersonaReply")]
    assert SCRIPTED_PERSONAS[0]["role"] in asked[1] and SCRIPTED_PERSONAS[1]["role"] in asked[2]
    # ... and asked for a reader from a different angle (diversity by construction).
    assert [next(a for a in angles() if a in p) for p in asked] == list(angles()[:3])


def test_persona_qa_reuses_a_personas_file_and_drops_near_copies(tmp_path):
    personas = write_jsonl(tmp_path / "p.jsonl", [{"persona_id": "auditor", **SCRIPTED_PERSONAS[2]}])
    client = ScriptedClient()
    run_with_client(PersonaQA(PersonaOptions(inputs=[SAMPLE_PDF], personas_file=personas)), client, tmp_path / "a")
    assert not client.calls_for("PersonaReply")
    assert {r["metadata"]["persona"]["persona_id"] for r in lines(tmp_path / "a" / "data.jsonl")} == {"auditor"}

    # A model that names the same reader every time: the second persona takes the angle it was
    # asked for as its role, keeping the model's goals and style.
    same = ScriptedClient({"PersonaReply": SCRIPTED_PERSONAS[0]})
    run_with_client(PersonaQA(PersonaOptions(inputs=[SAMPLE_PDF], persona_count=2)), same, tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    role = SCRIPTED_PERSONAS[0]["role"]
    assert manifest["persona_generation"] == {"wanted": 2, "made": 2, "invalid_replies": 0, "duplicates_dropped": [],
                                              "roles_from_angles": [f"{role} → {angles()[1]}"]}
    made = [json.loads(line) for line in (tmp_path / "b" / "personas.jsonl").read_text().splitlines()]
    assert [p["role"] for p in made] == [role, angles()[1]] and made[1]["goals"] == SCRIPTED_PERSONAS[0]["goals"]
    assert not any("personas could be generated" in w for w in manifest["warnings"])


def test_bad_personas_file_is_one_clear_line(tmp_path, capsys):
    bad = write_jsonl(tmp_path / "p.jsonl", [{"persona_id": "x", "role": "nurse", "expertise": "guru", "goals": "g",
                                              "style": "s"}])
    code = main(["--scenario", "persona_qa", "--personas", str(bad), "--out", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "p.jsonl" in err and "line 1: expertise" in err and len(err.splitlines()) == 1


# --- preference ------------------------------------------------------------------------------

def answering(text: str) -> ScriptedClient:
    return ScriptedClient({"FreeAnswer": {"answer": text}})


PREFERENCE_CLIENTS = {
    "responder_1": answering("Use a learning-rate warm-up, then decay it with a cosine schedule over the remaining "
                             "epochs, and watch the validation loss to stop early when it stops improving."),
    "responder_2": answering("Lower the learning rate when training stalls."),
    "responder_3": answering("Sorry, I cannot help with that."),
}


def run_preference(tmp_path, seeds, clients, **options):
    import asyncio

    from agentsynth.scenarios.preference import Preference, PreferenceOptions
    from agentsynth.scenarios.runner import RunSettings, run_scenario

    judge = ScriptedClient()
    scenario = Preference(PreferenceOptions(input=seeds, **options))
    settings = RunSettings(out_dir=tmp_path, model_label="scripted", show_progress=False)
    return asyncio.run(run_scenario(scenario, settings, lambda role: clients.get(role, judge))), judge


def test_preference_pairs_best_and_worst_with_scores_and_margin(tmp_path):
    seeds = write_jsonl(tmp_path / "s.jsonl", [{"instruction": "How should I schedule the learning rate?"},
                                               {"instruction": "How do I pick a batch size for ImageNet?"}])
    summary, judge = run_preference(tmp_path / "out", seeds, PREFERENCE_CLIENTS, responses=3)
    assert summary.accepted == 2 and summary.failed == 0
    record = lines(tmp_path / "out" / "data.jsonl")[0]
    meta = record["metadata"]
    assert meta["chosen_by"] == "responder_1" and meta["rejected_by"] == "responder_3"
    assert record["chosen"].startswith("Use a learning-rate warm-up") and record["rejected"].startswith("Sorry")
    assert meta["score_rejected"] == 0.0 and meta["margin"] == meta["score_chosen"] >= 3  # a failed check scores 0
    refused = next(r for r in meta["ratings"] if r["responder"] == "responder_3")
    assert refused["failed_checks"] and not refused["judged_by_model"]  # no model call for a broken response
    assert len(judge.calls_for("AspectRatings")) == 2 * 2
    dpo = lines(tmp_path / "out" / "dpo.jsonl")[0]
    assert set(dpo) == {"prompt", "chosen", "rejected", "score_chosen", "score_rejected", "margin"}
    chat = lines(tmp_path / "out" / "dpo.chat.jsonl")[0]
    assert chat["prompt"] == [{"role": "user", "content": "How should I schedule the learning rate?"}]
    assert chat["chosen"] == [{"role": "assistant", "content": record["chosen"]}]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["preference"]["pairs"] == 2 and manifest["preference"]["chosen_by"] == {"responder_1": 2}


def test_preference_drops_ties_and_low_margins_and_counts_them(tmp_path):
    seeds = write_jsonl(tmp_path / "s.jsonl", [{"instruction": "How should I schedule the learning rate?"}])
    same = {"responder_1": PREFERENCE_CLIENTS["responder_1"], "responder_2": PREFERENCE_CLIENTS["responder_1"]}
    summary, _ = run_preference(tmp_path / "tie", seeds, same)
    assert summary.accepted == 0 and lines(tmp_path / "tie" / "rejected.jsonl")[0]["metadata"]["dropped"] == "tie"
    summary, _ = run_preference(tmp_path / "low", seeds, PREFERENCE_CLIENTS, responses=2, min_margin=4.5)
    assert summary.accepted == 0
    manifest = json.loads((tmp_path / "low" / "manifest.json").read_text())
    assert manifest["preference"]["dropped_low_margin"] == 1 and manifest["preference"]["dropped_ties"] == 0


def test_preference_drops_weak_chosen_and_unrated_items(tmp_path):
    seeds = write_jsonl(tmp_path / "s.jsonl", [{"instruction": "How should I schedule the learning rate?"}])
    weak = {"responder_1": PREFERENCE_CLIENTS["responder_2"], "responder_2": PREFERENCE_CLIENTS["responder_3"]}
    summary, _ = run_preference(tmp_path / "weak", seeds, weak, min_margin=0.5)  # best rates 1: below --min-chosen 3
    dropped = lines(tmp_path / "weak" / "rejected.jsonl")[0]
    assert summary.accepted == 0 and dropped["metadata"]["dropped"] == "low_chosen"
    assert dropped["reasons"] == ["low_chosen: the best response rates 1.0 < --min-chosen 3.0"]

    unrated = {**PREFERENCE_CLIENTS, "judge": ScriptedClient({"AspectRatings": {"helpfulness": 9}})}
    from agentsynth.scenarios.preference import Preference, PreferenceOptions
    summary = run_with_client(Preference(PreferenceOptions(input=seeds)), unrated["judge"], tmp_path / "unrated")
    assert lines(tmp_path / "unrated" / "rejected.jsonl")[0]["metadata"]["dropped"] == "unrated"


def test_preference_output_loads_with_datasets_in_the_columns_dpo_trainer_takes(tmp_path):
    import datasets  # the test extra installs it: users load DPO pairs with it
    seeds = write_jsonl(tmp_path / "s.jsonl", [{"instruction": "How should I schedule the learning rate?"},
                                               {"instruction": "How do I pick a batch size for ImageNet?"}])
    run_preference(tmp_path / "out", seeds, PREFERENCE_CLIENTS, responses=3)
    standard = datasets.load_dataset("json", data_files=str(tmp_path / "out" / "dpo.jsonl"), split="train")
    assert {"prompt", "chosen", "rejected"} <= set(standard.column_names) and standard.num_rows == 2
    assert isinstance(standard[0]["prompt"], str)
    chat = datasets.load_dataset("json", data_files=str(tmp_path / "out" / "dpo.chat.jsonl"), split="train")
    assert chat[0]["prompt"][0]["role"] == "user" and chat[0]["chosen"][0]["role"] == "assistant"


def test_responders_default_to_different_temperatures_unless_configured(tmp_path):
    from agentsynth.config import RunConfig
    from agentsynth.run import build_parser, role_model_settings, run_config
    from agentsynth.scenarios.preference import Preference, PreferenceOptions

    seeds = write_jsonl(tmp_path / "s.jsonl", [{"instruction": "Explain dropout."}])
    scenario = Preference(PreferenceOptions(input=seeds, responses=3))
    config = run_config(build_parser().parse_args(["--role-model", "responder_3=openai:gpt-4o-mini"]))
    temperatures = [role_model_settings(config, r, scenario).temperature for r in scenario.roles]
    assert temperatures == [0.0, 0.8, None, None]  # responder_3 is configured: its model's own defaults
    fixed = run_config(build_parser().parse_args(["--temperature", "0.3"]))
    assert {role_model_settings(fixed, r, scenario).temperature for r in scenario.roles} == {0.3}
    assert isinstance(config, RunConfig)


# --- self_instruct ---------------------------------------------------------------------------

def test_self_instruct_from_documents_filters_by_rouge_l_and_answers_from_the_chunk(tmp_path):
    from agentsynth.scenarios.self_instruct import SelfInstruct, SelfInstructOptions

    client = ScriptedClient()
    summary = run_with_client(SelfInstruct(SelfInstructOptions(inputs=[SAMPLE_PDF], instructions=4)), client, tmp_path)
    records = lines(tmp_path / "data.jsonl") + lines(tmp_path / "rejected.jsonl")
    assert summary.failed == 0 and len(records) == summary.items * 4
    kinds = {r["metadata"]["task_kind"] for r in records}
    assert len(kinds) >= 4  # every slot asks for another kind of task
    for record in records:
        assert record["metadata"]["source_file"].endswith(".pdf") and record["metadata"]["chunk_id"]
    prompts = [prompt_text(c["messages"]) for c in client.calls_for("FreeAnswer")]
    assert all("Reference (" in p for p in prompts)  # answers are written from the documents
    repeats = [r for r in records if r["metadata"]["eliminated_by"] == "not_near_duplicate"]
    assert all("ROUGE-L" in r["reasons"][0] for r in repeats)


def test_self_instruct_rouge_filter_drops_a_reworded_repeat(tmp_path):
    from agentsynth.scenarios.self_instruct import SelfInstruct, SelfInstructOptions

    queries = iter(["Explain how dropout prevents overfitting in neural networks.",
                    "Explain how dropout reduces overfitting in deep neural networks.",
                    "Compare batch normalisation with layer normalisation for transformers."])
    client = ScriptedClient({"QueryFree": lambda m, s: {"query": next(queries)}})
    run_with_client(SelfInstruct(SelfInstructOptions(inputs=[], application="A deep-learning tutor.",
                                                     instructions=3)), client, tmp_path)
    kept = [r["messages"][0]["content"] for r in lines(tmp_path / "data.jsonl")]
    dropped = lines(tmp_path / "rejected.jsonl")
    assert kept == ["Explain how dropout prevents overfitting in neural networks.",
                    "Compare batch normalisation with layer normalisation for transformers."]
    assert dropped[0]["metadata"]["eliminated_by"] == "not_near_duplicate" and "ROUGE-L 0.82" in dropped[0]["reasons"][0]
    assert dropped[0]["metadata"]["application"] == "A deep-learning tutor."


# --- evol_quality ----------------------------------------------------------------------------

def test_evol_quality_evolves_responses_with_lineage(tmp_path):
    from agentsynth.agents.response_evolver import MUTATIONS
    from agentsynth.scenarios.evol_quality import EvolQuality, EvolQualityOptions

    seeds = write_jsonl(tmp_path / "s.jsonl", [
        {"instruction": "How do I resize ImageNet TFRecords?", "output": "Run the resize script on every shard."},
        {"instruction": "What does a learning-rate warm-up do?", "output": "It raises the rate slowly at the start."},
        {"instruction": "Explain mixed precision.", "output": ""},  # nothing to evolve: skipped
    ])
    client = ScriptedClient()
    summary = run_with_client(EvolQuality(EvolQualityOptions(input=seeds, rounds=3)), client, tmp_path / "out")
    assert summary.items == 2 and summary.skipped_inputs == 1
    records = lines(tmp_path / "out" / "data.jsonl") + lines(tmp_path / "out" / "rejected.jsonl")
    assert len(records) == 2 * 3
    for record in records:
        meta = record["metadata"]
        assert meta["mutation"] in MUTATIONS and record["id"] == f"{meta['root_id']}-q{meta['round']}"
        assert record["messages"][0]["content"] in ("How do I resize ImageNet TFRecords?",
                                                    "What does a learning-rate warm-up do?")
    first = next(r for r in records if r["id"] == "line-1-q1")
    assert first["messages"][1]["content"].startswith("Run the resize script on every shard.")
    assert first["metadata"]["parent_id"] == "line-1"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert set(manifest["evolution"]["survivors_by_mutation"]) == set(MUTATIONS)


def test_evol_quality_eliminates_copies_and_leaked_wording(tmp_path):
    from agentsynth.scenarios.evol_quality import EvolQuality, EvolQualityOptions

    seeds = write_jsonl(tmp_path / "s.jsonl", [{"instruction": "How do I resize ImageNet TFRecords?",
                                                "output": "Run the resize script on every shard."}])
    replies = iter(["Run the resize script on every shard.",
                    "#Rewritten Response#: Run the resize script on every shard, then verify sizes.",
                    "Run the resize script on every shard, then check a few images by eye."])
    client = ScriptedClient({"FreeAnswer": lambda m, s: {"answer": next(replies)}})
    run_with_client(EvolQuality(EvolQualityOptions(input=seeds, rounds=3)), client, tmp_path / "out")
    rules = {r["metadata"]["round"]: r["metadata"]["eliminated_by"] for r in lines(tmp_path / "out" / "rejected.jsonl")}
    assert rules == {1: "information_gain", 2: "no_rewriter_wording"}
    kept = lines(tmp_path / "out" / "data.jsonl")
    assert [r["metadata"]["round"] for r in kept] == [3] and kept[0]["metadata"]["parent_id"] == "line-1"


# --- magpie ----------------------------------------------------------------------------------

CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + "
          "'\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")


def scripted_local_model(user_turns: list[str], answer: str):
    """A LocalLlamaClient that loads no weights: the template is ChatML, raw completions
    return the next scripted user turn, chat calls the scripted answer."""
    from autogen_core.models import CreateResult, RequestUsage

    from agentsynth.backends.local_llama import LocalLlamaClient

    class ScriptedLocal(LocalLlamaClient):
        def __init__(self) -> None:
            self.prompts: list[str] = []
            self._turns = iter(user_turns)
            self._total = self._last = RequestUsage(prompt_tokens=0, completion_tokens=0)

        @property
        def model_name(self) -> str:
            return "scripted.gguf"

        def chat_template(self):
            return CHATML, "<s>", "</s>"

        async def complete_raw(self, prompt, *, max_tokens, stop, temperature, seed):
            self.prompts.append(prompt)
            assert stop[0] == "<|im_end|>" and temperature == 1.0
            return next(self._turns), "stop", RequestUsage(prompt_tokens=len(prompt.split()), completion_tokens=9)

        async def create(self, messages, **kwargs):
            return CreateResult(finish_reason="stop", content=answer, cached=False,
                                usage=RequestUsage(prompt_tokens=10, completion_tokens=len(answer.split())))

    return ScriptedLocal()


def test_magpie_lets_the_model_write_the_user_turns_from_its_own_template(tmp_path):
    from agentsynth.scenarios.magpie import Magpie, MagpieOptions

    local = scripted_local_model(["How do I pick a learning rate for ResNet-50?",
                                  "And how should it change when I double the batch size?"],
                                 "Start from 0.1 for a batch of 256 and scale it linearly with the batch size.")
    clients = {"user": local, "assistant": local, "critic": ScriptedClient()}
    import asyncio

    from agentsynth.scenarios.runner import RunSettings, run_scenario

    summary = asyncio.run(run_scenario(Magpie(MagpieOptions(conversations=1, turns=2, system="You train models.")),
                                       RunSettings(out_dir=tmp_path, model_label="scripted", show_progress=False),
                                       lambda role: clients[role]))
    # The model saw only its template up to where a user turn starts: no instruction at all.
    assert local.prompts[0] == "<|im_start|>system\nYou train models.<|im_end|>\n<|im_start|>user\n"
    assert local.prompts[1].endswith("<|im_start|>assistant\nStart from 0.1 for a batch of 256 and scale it linearly "
                                     "with the batch size.<|im_end|>\n<|im_start|>user\n")
    record = lines(tmp_path / "data.jsonl")[0]
    assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant", "user", "assistant"]
    assert record["messages"][3]["content"] == "And how should it change when I double the batch size?"
    assert record["metadata"]["turns"] == 2 and summary.accepted == 1
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["usage"]["per_role"]["user"]["calls"] == 2  # raw completions are metered too


def test_magpie_refuses_a_chat_only_backend_and_says_why(tmp_path, capsys):
    code = main(["--scenario", "magpie", "--model", "openai:gpt-4o-mini", "--out", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "chat API" in err and "never write the user turn" in err and "gguf:" in err
