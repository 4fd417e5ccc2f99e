"""The critic's deterministic checks and how they combine with the model's verdict."""

from __future__ import annotations

import pytest
from conftest import PASSAGE

from agentsynth.agents.critic import combine
from agentsynth.agents.qa_messages import LLMVerdict
from agentsynth.checks.qa import (
    QuestionRegistry,
    answer_relevance,
    check_answers_question,
    check_content_supported,
    check_language,
    check_not_duplicate,
    check_not_empty,
    check_not_refusal,
    check_not_truncated,
    check_numbers_grounded,
    check_question_on_topic,
    check_question_well_formed,
    check_terms_grounded,
    run_checks,
)
from agentsynth.checks.terms import named_terms
from agentsynth.tools.text import normalize


@pytest.mark.parametrize("answer", [
    "The Aurora X2 stores 1,024 Wh.", "It stores 1024 Wh.", "The unit weighs 12.5 kg.",
    "It charges to 80% in 45 minutes.", "Solar input accepts 12-60 V DC.",
])
def test_grounded_numbers_pass(answer):
    assert check_numbers_grounded(answer, PASSAGE).passed


@pytest.mark.parametrize(("answer", "detail"), [
    ("The Aurora X2 stores 2,048 Wh.", "2048"),
    ("The unit weighs 12.5 lbs.", "lbs"),
    ("It charges to 80% in 30 minutes.", "30"),
    ("The AC outlets deliver 1,800 kW.", "kW"),
])
def test_hallucinated_numbers_and_units_fail(answer, detail):
    result = check_numbers_grounded(answer, PASSAGE)
    assert not result.passed and detail in result.detail


def test_named_terms():
    assert named_terms("Yes, the Aurora X2 uses LiFePO4 cells and `t2.large` with ImageNet.") == [
        "Aurora", "X2", "LiFePO4", "t2.large", "ImageNet"]
    assert check_terms_grounded("The Aurora X2 uses a LiFePO4 battery.", PASSAGE).passed
    failed = check_terms_grounded("The Aurora X2 charges with the TurboCharge adapter from Tesla.", PASSAGE)
    assert not failed.passed and "TurboCharge" in failed.detail and "Tesla" in failed.detail


@pytest.mark.parametrize("answer", ["I don't know.", "I'm sorry, I cannot answer that.",
                                    "The information is not provided in the text.", "DO NOT KNOW", "N/A",
                                    "The source does not specify the warranty."])
def test_refusals_fail(answer):
    assert not check_not_refusal(answer).passed


def test_refusal_check_spares_real_answers_and_flags_answerer_errors():
    assert check_not_refusal("No. The pump must not run dry for more than 30 seconds.").passed
    assert not check_not_refusal("Some text", answerable=False).passed
    assert "token limit" in check_not_refusal("x", error="reply cut off at the token limit").detail


@pytest.mark.parametrize(("answer", "ok"), [
    ("The unit weighs 12.5 kg.", True), ("12.5 kg", True), ("The unit weighs 12.5 kg and", False),
    ("The outlets deliver power to the", False), ("Charging takes (about 45 minutes.", False), ("It lists:", False),
])
def test_truncation(answer, ok):
    assert check_not_truncated(answer).passed is ok
    assert not check_not_truncated("Complete sentence.", finish_reason="length").passed


def test_empty():
    for answer in ("", "   ", "...", "?!"):
        assert not check_not_empty(answer).passed
    assert check_not_empty("Yes.").passed


def test_unsupported_content_fails_and_paraphrase_passes():
    assert check_content_supported("The Aurora X2 battery stores 1,024 Wh and weighs 12.5 kg.", PASSAGE).passed
    bad = check_content_supported("Clean the battery with vinegar and store it in the freezer overnight.", PASSAGE)
    assert not bad.passed and "vinegar" in bad.detail


def test_questions_must_stand_alone():
    from agentsynth.checks.qa import check_question_standalone

    assert not check_question_standalone("What does the passage say about the unit's weight?").passed
    assert not check_question_standalone("Who is the author of the document?").passed
    assert check_question_standalone("How much does the Aurora X2 weigh?").passed


def test_question_form_and_topic():
    assert check_question_well_formed("How much does the Aurora X2 weigh?").passed
    assert check_question_well_formed("Summarise the charging options of the Aurora X2.").passed
    assert not check_question_well_formed("Aurora X2 Portable Power Station - User Manual").passed
    assert check_question_on_topic("How much does the Aurora X2 weigh?", PASSAGE).passed
    assert not check_question_on_topic("Who won the football world cup in 1998?", PASSAGE).passed


def test_answer_must_address_the_question():
    assert answer_relevance("How long does the battery take to charge to 80%?",
                            "The battery charges from 0 to 80% in 45 minutes.", PASSAGE) >= 0.5
    off_target = check_answers_question("What is the solar input voltage range?", "The unit weighs 12.5 kg.", PASSAGE)
    assert not off_target.passed


def test_an_answer_that_only_restates_the_question_fails():
    from agentsynth.checks.qa import check_adds_information

    echo = check_adds_information("Who is the Aurora X2 power station manufacturer?",
                                  "Aurora X2 Power Station is a manufacturer of the Aurora X2 power station.")
    assert not echo.passed and "restates" in echo.detail
    assert check_adds_information("Who wrote the guide?", "Daekeun Kim wrote the guide.").passed
    assert check_adds_information("Can it run dry?", "No, not for more than 30 seconds.").passed
    assert check_adds_information("Is the unit heavy?", "Yes.").passed is False


def test_language():
    assert check_language("How heavy is it?", "The Aurora X2 weighs 12.5 kg, which is light for its class.", "en").passed
    assert not check_language("重さはどれくらいですか？", "重さは12.5 kgです。", "en").passed
    assert check_language("Wie schwer ist es?", "Es wiegt 12,5 kg.", "unknown").passed
    assert not check_language("How heavy is the Aurora X2 power station?",
                              "Die Aurora X2 wiegt 12,5 kg und ist damit sehr leicht zu tragen.", "en").passed


SOURCE_EN = ("The Aurora X2 power station weighs 12.5 kg and is rated for 600 W of continuous output. "
             "Its battery must be inspected every six months by a certified technician.")


def test_language_of_text_made_of_the_passages_words_needs_no_statistics(monkeypatch):
    import agentsynth.tools.language as language

    def no_statistics(text):
        raise AssertionError(f"langdetect was asked about {text!r}")

    language.detect_language.cache_clear()
    assert language.detect_language(SOURCE_EN) == "en"  # the passage itself: once per passage
    monkeypatch.setattr(language, "detect_langs", no_statistics)
    assert check_language("How often must the battery of the Aurora X2 be inspected?",
                          "The battery must be inspected every six months by a certified technician.",
                          "en", SOURCE_EN).passed


def test_language_of_another_language_still_fails_with_the_passage_given():
    german = "Die Batterie der Aurora X2 muss alle sechs Monate von einem Techniker geprüft werden."
    french = "La batterie de l'Aurora X2 doit être inspectée tous les six mois par un technicien certifié."
    for answer in (german, french):
        result = check_language("How often must the battery of the Aurora X2 be inspected?", answer, "en", SOURCE_EN)
        assert not result.passed and "answer is in" in result.detail
    # a passage in another language than the run's proves nothing about the texts
    assert not check_language("Wie oft muss die Batterie der Aurora X2 geprüft werden?", german, "en", german).passed


def test_duplicates_and_near_duplicates():
    registry = QuestionRegistry()
    registry.add("How much does the Aurora X2 weigh?")
    assert not check_not_duplicate("how much does the aurora x2 weigh?", registry).passed
    assert not check_not_duplicate("How much does the Aurora X2 weigh ?", registry).passed
    assert not check_not_duplicate("How much does Aurora X2 weigh?", registry).passed
    assert check_not_duplicate("How long does the Aurora X2 take to charge?", registry).passed
    assert not check_not_duplicate("Does the Aurora X2 weigh how much?", registry).passed  # same words, reordered


def test_duplicate_lookup_agrees_with_token_sort_ratio_on_every_pair():
    import random

    from rapidfuzz import fuzz

    rng = random.Random(7)
    vocabulary = "how what much long does the aurora x2 unit weigh charge take to battery last warranty is".split()
    questions = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 12))) + "?" for _ in range(200)]
    for original in questions[:100]:  # probes near some accepted question: words shuffled, one changed
        words = original.rstrip("?").split()
        rng.shuffle(words)
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
        questions.append(" ".join(words) + "?")
    registry = QuestionRegistry()
    for accepted in questions[:200]:
        registry.add(accepted)
    outcomes = set()
    for probe in questions[200:]:
        expected = max((fuzz.token_sort_ratio(normalize(probe), normalize(q)) for q in questions[:200]), default=0)
        assert (registry.find_duplicate(probe) is not None) == (expected >= registry.similarity), probe
        outcomes.add(expected >= registry.similarity)
    assert outcomes == {True, False}, "the probes must include duplicates and non-duplicates"


def test_run_checks_on_a_good_pair_all_pass():
    checks = run_checks(question="How much does the Aurora X2 weigh?", answer="The Aurora X2 unit weighs 12.5 kg.",
                        source=PASSAGE, language="en", registry=QuestionRegistry())
    assert [c.name for c in checks if not c.passed] == []


# --- calibration: deterministic checks x model verdict ---------------------------------

Q, A = "How much does the Aurora X2 unit weigh?", "The Aurora X2 unit weighs 12.5 kg."
GOOD = run_checks(question=Q, answer=A, source=PASSAGE, language="en", registry=QuestionRegistry())
HALLUCINATED = run_checks(question="How much does the Aurora X2 weigh?", answer="The Aurora X2 weighs 15 kg.",
                          source=PASSAGE, language="en", registry=QuestionRegistry())


def verdict(decision="reject", problem="none", quote="", scores=2):
    return LLMVerdict(groundedness=scores, relevance=scores, clarity=3, decision=decision, problem=problem,
                      quote=quote, reason="because")


ACCEPT = verdict("accept", scores=5)


def judge(checks, v, trust="verify", question=Q, answer=A):
    return combine(checks, v, can_revise=False, trust=trust, question=question, answer=answer, source=PASSAGE)


def test_model_cannot_wave_a_hallucinated_number_through():
    decision, reasons, overruled = judge(HALLUCINATED, ACCEPT)
    assert decision == "reject" and not overruled and "15" in reasons[0]
    assert combine(HALLUCINATED, ACCEPT, can_revise=True)[0] == "revise"


def test_a_whim_is_overruled_under_verify():
    decision, reasons, overruled = judge(GOOD, verdict("reject", "none"))
    assert decision == "accept" and overruled and "overruled: no problem named" in reasons[0]
    # quoting words that are in the source refutes "unsupported claim"
    assert judge(GOOD, verdict("reject", "unsupported_claim", "weighs 12.5 kg"))[0] == "accept"
    # quoting words that are not even in the answer refutes it too
    assert judge(GOOD, verdict("reject", "unsupported_claim", "made of titanium"))[0] == "accept"
    # a grounded, on-point answer refutes "does not answer"
    assert judge(GOOD, verdict("reject", "does_not_answer"))[0] == "accept"
    assert judge(GOOD, verdict("reject", "unclear_question"))[0] == "accept"


def test_confirmed_objections_stand():
    # a recombination error: every word is in the source, the claim is not
    wrong = "The battery charges from 0 to 80% in 1,800 W."
    checks = run_checks(question="How fast does the Aurora X2 battery charge?", answer=wrong, source=PASSAGE,
                        language="en", registry=QuestionRegistry())
    # the checks see it alone: 1,800 W is the outlets' output, not the charging power, and a
    # power is no answer to "how fast does it charge"
    assert [c.name for c in checks if not c.passed] == ["values_in_role", "answer_type"]
    others = [c for c in checks if c.name not in ("values_in_role", "answer_type")]
    decision, reasons, _ = judge(others, verdict("reject", "unsupported_claim", "80% in 1,800 W"),
                                 question="How fast does the Aurora X2 battery charge?", answer=wrong)
    assert decision == "reject" and "confirmed" in reasons[0]
    off_q, off_a = "What surge power do the AC outlets of the Aurora X2 deliver?", "The Aurora X2 unit weighs 12.5 kg."
    off = run_checks(question=off_q, answer=off_a, source=PASSAGE, language="en", registry=QuestionRegistry())
    assert judge(off, verdict("reject", "does_not_answer"), question=off_q, answer=off_a)[0] == "reject"
    vague = "What does the passage say about the unit's weight?"
    vague_checks = run_checks(question=vague, answer=A, source=PASSAGE, language="en", registry=QuestionRegistry())
    assert judge(vague_checks, verdict("revise", "unclear_question"), question=vague)[0] == "reject"


def test_full_trust_lets_every_objection_stand():
    assert judge(GOOD, verdict("reject", "none"), trust="full")[0] == "reject"
    assert judge(GOOD, ACCEPT, trust="full") == ("accept", [], False)


def test_no_verdict_fails_closed_unless_the_checks_alone_were_chosen():
    decision, reasons, _ = judge(GOOD, None)
    assert decision == "reject" and reasons[0].startswith("critic_unavailable:")
    assert judge(GOOD, None, trust="checks-only") == ("accept", [], False)


def test_the_registry_sees_a_question_and_answer_restated_in_other_words():
    registry = QuestionRegistry()
    assert registry.claim("How long is the battery warranty?", "The battery is covered for 1 year.") is None
    assert registry.claim("For how many years is the battery covered by the warranty?",
                          "The battery has a one-year warranty.") \
        == "how long is the battery warranty?"
    # The same template about another item, with another value, is another question.
    assert registry.claim("How long is the robot warranty?", "The robot is covered for 2 years.") is None
    # Without answers only the words count.
    assert registry.claim("What is the warranty period of the battery?") is None


def test_a_pair_without_an_answer_because_of_an_error_names_the_error_alone():
    kw = dict(question="What is the Aurora X2?", answer="", source=PASSAGE, language="en", registry=QuestionRegistry(),
              answerable=False, answer_error="no usable question (repeats 'What is the Aurora X2?' after a re-ask)")
    failed = [c for c in run_checks(**kw) if not c.passed]
    assert [c.name for c in failed] == ["question_usable"] and failed[0].detail.startswith("repeats 'What is")
    # An answerer's own failure is still a not_refusal.
    failed = [c for c in run_checks(**{**kw, "answer_error": "model hit its token limit"}) if not c.passed]
    assert [c.name for c in failed] == ["not_refusal"]
    # A team spec without not_refusal still has its own checks catch the empty answer.
    assert "not_empty" in [c.name for c in run_checks(**kw, only=["not_empty"]) if not c.passed]


def test_a_yes_affirms_the_numbers_of_the_question_it_answers():
    """A yes asserts what the question says: "Is the warranty extended to 6 years?" "Yes." says
    the warranty is 6 years, which this source does not."""
    source = "The Aurora X2 comes with a 5-year limited warranty. The battery is rated for 3,000 cycles."

    def failed(question, answer, subject="Aurora X2 manual"):
        checks = run_checks(question=question, answer=answer, source=source, language="en",
                            registry=QuestionRegistry(), subject=subject)
        return {c.name: c.detail for c in checks if not c.passed}

    wrong = failed("Is the 5-year limited warranty extended to 6 years?",
                   "Yes. The Aurora X2 comes with a 5-year limited warranty.")
    assert wrong == {"numbers_grounded": "the yes affirms the question's numbers not in source: 6"}
    assert failed("Is the battery rated for 3,000 cycles?", "Yes, the battery is rated for 3,000 cycles.") == {}
    # The asker's own case is no claim of the source; nor is a number of the document's title.
    assert "numbers_grounded" not in failed("Can I still claim the warranty after 4 years?",
                                            "Yes, the Aurora X2 comes with a 5-year limited warranty.")
    assert "numbers_grounded" not in failed("Does the E-City 7 come with a warranty?",
                                            "Yes, it comes with a 5-year limited warranty.", subject="E-City 7 manual")
