"""The checks that read a passage as facts and meaning: values in their role, contradictions,
the kind of value asked for, paraphrases, number words, abbreviations, Korean endings. Each
case is one a word-overlap critic got wrong (the issue's hidden sets had all of these)."""

from __future__ import annotations

import pytest

from agentsynth.checks.facts import facts_of, values_in
from agentsynth.checks.qa import (
    check_adds_information,
    check_answers_question,
    check_content_supported,
    check_numbers_grounded,
    check_question_on_topic,
    check_terms_grounded,
)
from agentsynth.checks.roles import check_answer_type, check_no_contradiction, check_values_in_role
from agentsynth.tools.semantic import EMBEDDER, similarity
from agentsynth.tools.text import content_tokens

MANUAL = """## Connectivity

The X200 connects to 2.4 GHz Wi-Fi networks only; 5 GHz networks are not supported.

## Warranty

The robot is covered by a 2-year warranty. The battery is covered by a 1-year warranty.

| Error | Meaning | What to do |
|---|---|---|
| E3 | Battery too hot | Let the robot cool down for 30 minutes. |
| E4 | Brush blocked | Remove hair from the main brush. |

## Charging

A full charge takes 4 hours. The robot runs for up to 150 minutes on one charge."""

STORES = """- Store Name: BrightStore Central
- Phone Number: 02-5678-1234
- Consultant Available: Y
- Store Size: 150 pyeong

- Store Name: TechPlanet Seocho
- Phone Number: 02-6789-2345
- Consultant Available: N
- Store Size: 180 pyeong"""

RESULTS = """On Natural Questions, LexiFuse raises top-20 accuracy from 78.2% (BM25) to 83.1%.

| Method | NQ top-20 (%) | Latency (ms/query) |
|---|---|---|
| BM25 | 78.2 | 12 |
| LexiFuse | 83.1 | 21 |"""


def test_a_passage_reads_as_facts():
    facts = facts_of(STORES)
    phone = next(f for f in facts if f.about == "TechPlanet Seocho Phone Number")
    assert phone.value == "02-6789-2345" and phone.entity == "TechPlanet Seocho"
    assert next(f for f in facts if f.about == "TechPlanet Seocho Consultant Available").negative
    cell = next(f for f in facts_of(RESULTS) if f.about == "LexiFuse Latency (ms/query)")
    assert [(v.number, v.unit) for v in cell.values] == [("21", "ms")]  # the column's unit
    assert any(f.negative and "5 GHz" in f.text for f in facts_of(MANUAL))


def test_values_with_units_and_in_words():
    found = [(v.number, v.unit) for v in values_in("five assist levels, a 2-year warranty, 1,024 Wh, 02-5678-1234")]
    assert found == [("5", ""), ("2", "year"), ("1024", "Wh"), ("02-5678-1234", "")]


@pytest.mark.parametrize(("question", "answer"), [
    ("How long is the battery warranty?", "The battery has a 2-year warranty."),  # the robot's value
    ("How long is the robot's warranty?", "The robot is covered for 1 year."),
    ("What is the phone number of TechPlanet Seocho?", "TechPlanet Seocho can be reached at 02-5678-1234."),
    ("How large are the two stores?", "BrightStore Central is 180 pyeong and TechPlanet Seocho is 150 pyeong."),
    ("What top-20 accuracy does BM25 reach?", "BM25 reaches 83.1% on Natural Questions."),
])
def test_a_value_from_another_field_or_row_is_caught(question, answer):
    source = STORES if "pyeong" in answer or "02-" in answer else RESULTS if "BM25" in answer else MANUAL
    result = check_values_in_role(question, answer, source)
    assert not result.passed, result


@pytest.mark.parametrize(("question", "answer", "source"), [
    ("How long is the battery warranty?", "The battery is covered for one year.", MANUAL),
    ("What is the phone number of TechPlanet Seocho?", "It is 02-6789-2345.", STORES),
    ("How do the two stores compare in size?", "TechPlanet Seocho, at 180 pyeong, is larger than BrightStore "
                                               "Central at 150 pyeong.", STORES),
    ("How much does LexiFuse improve on BM25?", "It raises top-20 accuracy from 78.2% to 83.1%.", RESULTS),
])
def test_values_in_their_place_pass(question, answer, source):
    assert check_values_in_role(question, answer, source).passed


@pytest.mark.parametrize(("question", "answer", "source"), [
    ("Does the X200 support 5 GHz Wi-Fi?", "Yes, it supports both 2.4 GHz and 5 GHz Wi-Fi.", MANUAL),
    ("Does TechPlanet Seocho have a consultant?", "Yes, a consultant is available there.", STORES),
    ("Does BrightStore Central have a consultant?", "No, there is no consultant at BrightStore Central.", STORES),
    ("Which Wi-Fi bands does the X200 use?", "It uses both the 2.4 GHz and the 5 GHz band.", MANUAL),
    ("How does LexiFuse change top-20 accuracy?", "It lowers it from 83.1% to 78.2%.", RESULTS),
])
def test_contradictions_that_reuse_the_sources_words_are_caught(question, answer, source):
    assert not check_no_contradiction(question, answer, source).passed


@pytest.mark.parametrize(("question", "answer", "source"), [
    ("Does the X200 support 5 GHz Wi-Fi?", "No, only 2.4 GHz networks are supported.", MANUAL),
    ("Does TechPlanet Seocho have a consultant?", "No, it has no consultant.", STORES),
    ("Does BrightStore Central have a consultant?", "Yes, a consultant is available.", STORES),
    ("How does LexiFuse change top-20 accuracy?", "It raises it from 78.2% to 83.1%.", RESULTS),
])
def test_consistent_answers_pass(question, answer, source):
    assert check_no_contradiction(question, answer, source).passed


CHARGING = ("The Aurora X2 can be charged from a wall outlet, from solar panels or from a car socket. The X2 is not "
            "waterproof. Do not charge the unit below 0 °C. The app works without Wi-Fi. A scheduled boil only starts "
            "if the kettle is on its base.")


@pytest.mark.parametrize(("question", "answer"), [
    ("How can I charge the X2?", "The Aurora X2 can not be charged from a wall outlet, from solar panels or a car socket."),
    ("How can I charge the X2?", "The Aurora X2 cannot be charged from solar panels."),
    ("Can it get wet?", "The X2 is waterproof."),
])
def test_a_statement_restated_with_its_not_added_or_taken_away_is_a_contradiction(question, answer):
    """Not a yes or a no: the source's own sentence with the polarity of its verb flipped."""
    result = check_no_contradiction(question, answer, CHARGING)
    assert not result.passed and ("denies what the source states" in result.detail
                                  or "affirms what the source denies" in result.detail)


@pytest.mark.parametrize(("question", "answer"), [
    ("When should I not charge it?", "Do not charge it below 0 °C."),
    ("Does the app need Wi-Fi?", "The app does not need Wi-Fi."),  # "without" restated another way
    ("How can I charge the X2?", "You can charge the Aurora X2 from a wall outlet, solar panels or a car socket."),
    ("Can it get wet?", "The X2 isn't waterproof, so keep it out of the rain."),
    ("When will a scheduled boil not start?", "It won't start unless the kettle is on its base."),
])
def test_the_same_polarity_in_other_words_is_no_contradiction(question, answer):
    assert check_no_contradiction(question, answer, CHARGING).passed


def test_the_kind_of_value_asked_for():
    assert not check_answer_type("How long is the battery warranty?", "Charge it with the 2 A charger.").passed
    assert not check_answer_type("What is the fax number of the store?", "It is on the 3rd floor.").passed
    assert check_answer_type("How long is the battery warranty?", "One year.").passed  # said in words
    assert check_answer_type("How long does a full charge take?", "About 4 hours.").passed
    assert check_answer_type("Can I charge my phone from it?", "Yes, through its USB-C port.").passed


def test_numbers_keep_their_units_and_their_counts():
    assert not check_numbers_grounded("A full charge takes 4 minutes.", MANUAL).passed  # hours
    assert not check_numbers_grounded("It has five cleaning modes.", MANUAL).passed  # no five
    assert check_numbers_grounded("Let it cool for 30 minutes.", MANUAL).passed
    latency = check_numbers_grounded("LexiFuse takes 21 ms per query.", RESULTS)
    assert latency.passed  # the unit is in the column's header
    assert not check_numbers_grounded("LexiFuse takes 21 s per query.", RESULTS).passed


def test_paraphrases_and_abbreviations_are_grounded():
    assert check_terms_grounded("The robot has a 2-year warranty.", MANUAL).passed
    assert check_terms_grounded("BM25 scores 78.2% on Natural Questions.", RESULTS.replace("Natural Questions", "NQ"))\
        .passed
    paraphrase = "That code means the battery is overheated, so leave the robot to cool for 30 minutes."
    assert check_content_supported(paraphrase, MANUAL).passed
    assert not check_content_supported("The robot can be unlocked remotely from the companion app.", MANUAL).passed


def test_answers_that_say_what_was_asked_pass():
    e3 = check_answers_question("What should you do when error E3 appears?",
                                "The battery is too hot; let the robot cool down for 30 minutes.", MANUAL)
    assert e3.passed
    assert check_answers_question("How long does a full charge take?", "About 4 hours.", MANUAL).passed
    assert not check_answers_question("How long does a full charge take?", "Remove hair from the main brush.",
                                      MANUAL).passed
    assert check_adds_information("Does BrightStore Central have a consultant?", "Yes, it has a consultant.").passed
    assert check_question_on_topic("What does the Velora X200 manual say about Wi-Fi bands?", MANUAL,
                                   subject="Velora X200 manual").passed


def test_korean_endings_do_not_hide_words():
    assert set(content_tokens("상담사는 없습니다")) <= set(content_tokens("- 상담사 유무: N"))


def test_the_embedding_model_runs_offline_and_tells_meaning():
    near = similarity("Let the robot cool down for half an hour.", "Let the robot cool down for 30 minutes.")
    far = similarity("Let the robot cool down for half an hour.", "Remove hair from the main brush.")
    assert near > far + 0.3
    assert EMBEDDER.encode(["같은 문장", "같은 문장"]).shape == (2, 512)


def test_a_question_for_the_maker_needs_a_name_in_the_answer():
    from agentsynth.checks.roles import check_answer_type

    # The quickstart's embedded model: asked for the manufacturer, it describes the product.
    assert not check_answer_type("Who is the Aurora X2 power station manufacturer?",
                                 "The Aurora X2 is a portable power station for camping, remote work and home backup.").passed
    assert check_answer_type("Which company makes the X200?", "Roboclean Inc. makes it.").passed
    assert check_answer_type("Who wrote the LexiFuse paper?", "Maria Chen and two colleagues.").passed
    assert check_answer_type("Who can work remotely?", "Employees who have finished their probation.").passed
    # Today's quickstart: the one pair the critic kept (issue 21's fresh-clone run).
    assert not check_answer_type("Who is the person responsible for designing and manufacturing the Aurora X2 power "
                                 "station?", "The Aurora X2 is a portable power station for camping, remote work and "
                                 "home backup.").passed
    assert check_answer_type("Who is responsible for warranty claims?", "Tidewell Ltd handles them.").passed


def test_the_embedder_runs_on_one_blas_thread():
    # numpy's default BLAS threads spin and took the CPU other items and workers need
    # (benchmarks/throughput.py: 12 ms of CPU per model call against 6).
    from threadpoolctl import threadpool_info

    EMBEDDER.load()
    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")
    assert EMBEDDER._model.threads == 1  # USE sets its own limit around each batch: the same one
