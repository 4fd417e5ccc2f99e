"""Issue 22: derived numbers. A calculation or what-if answer may state numbers the source does
not, when it shows the arithmetic and the arithmetic holds; a wrong equation is the answer's own
flaw. Correct answers written the way strong models write them are kept; planted flaws fail."""

from __future__ import annotations

import pytest

from agentsynth.checks.arithmetic import derived_numbers, worked_calculations
from agentsynth.checks.instruction import instruction_checks
from agentsynth.checks.qa import check_numbers_grounded
from agentsynth.tools.dedup import NearDuplicateIndex

SOURCE = ("The Aurora X2's battery lasts 3 hours at full load. The unit draws 300 W in Eco mode. "
          "Charging from 0 to 80% takes 45-60 minutes with the 1,500 W charger.")

CORRECT = [
    ("How many seconds does the battery last?", "That is 3 hours × 3,600 seconds = 10,800 seconds."),
    ("How long does the battery last in seconds?", "It lasts 10,800 seconds (3 × 3,600 s)."),
    ("What if I run two units in Eco mode?", "Two units draw 2 × 300 W = 600 W."),
    ("How much is 80% of the charger's 1,500 W?", "80% of 1,500 W = 1,200 W."),
    ("How many minutes does the battery last?", "The battery lasts 3 hours, or 3 × 60 = 180 minutes."),
    ("How much energy does Eco mode use over the battery's life?",
     "At 300 W for 3 hours it uses 300 W × 3 h = 900 Wh, which is 900 / 1,000 = 0.9 kWh."),
    ("How long does charging take?", "Charging to 80% takes 45-60 minutes."),  # a range is no subtraction
]

FLAWED = [
    ("How many seconds does the battery last?", "That is 3 hours × 3,600 seconds = 10,000 seconds.",
     "arithmetic does not hold"),
    ("What if I run two units in Eco mode?", "Two units draw 2 × 300 W = 500 W.", "arithmetic does not hold"),
    ("How many seconds does the battery last?", "It lasts 12,600 seconds.", "numbers not in source: 12600"),
    # A calculation on a number from nowhere grounds nothing.
    ("How long does the battery last?", "It lasts 4 × 3,600 = 14,400 seconds.", "numbers not in source"),
    ("What if I run two units?", "Two units draw 600 W.", "numbers not in source"),  # no arithmetic shown
]


@pytest.mark.parametrize("question, answer", CORRECT)
def test_a_number_worked_out_from_the_source_with_the_arithmetic_shown_is_grounded(question, answer):
    assert check_numbers_grounded(answer, SOURCE, question).passed, check_numbers_grounded(answer, SOURCE, question)


@pytest.mark.parametrize("question, answer, reason", FLAWED)
def test_wrong_arithmetic_and_numbers_from_nowhere_fail(question, answer, reason):
    result = check_numbers_grounded(answer, SOURCE, question)
    assert not result.passed and reason in result.detail


def test_only_an_equation_can_be_wrong_words_like_is_may_mean_anything():
    # "The 2 × 300 W setup is 5 years old": no calculation, so nothing to fail (the 5 still must be grounded).
    assert derived_numbers("The 2 × 300 W setup is 5 years old.", {"2", "300", "5"}) == (set(), None)
    derived, wrong = derived_numbers("2 × 300 W is 600 W.", {"2", "300"})
    assert "600" in derived and wrong is None
    [worked] = worked_calculations("2 + 2 × 3 = 8")
    assert worked.computed == 8 and worked.holds  # × before +
    [rounded] = worked_calculations("1,024 / 3 = 341.3")
    assert rounded.holds


def test_an_analytical_instruction_answer_keeps_its_calculation_and_loses_a_wrong_one():
    instruction = "If the battery lasts 3 hours, how many seconds is that? Show the calculation."

    def numbers_check(answer):
        results = instruction_checks(instruction=instruction, answer=answer, language="en",
                                     registry=NearDuplicateIndex(), source=SOURCE)
        return next(r for r in results if r.name == "numbers_grounded")

    assert numbers_check("3 hours × 3,600 seconds per hour = 10,800 seconds.").passed
    wrong = numbers_check("3 hours × 3,600 seconds per hour = 18,000 seconds.")
    assert not wrong.passed and "18000" in wrong.detail


def test_a_result_given_in_percent_is_compared_in_percent():
    from agentsynth.checks.arithmetic import worked_calculations

    (right,) = worked_calculations("30 dry days cost about 30 × 0.21% = 6.3% of its output.")
    assert right.holds
    (wrong,) = worked_calculations("30 dry days cost about 30 × 0.21% = 7.3% of its output.")
    assert not wrong.holds
    (plain,) = worked_calculations("20% of 150 = 30 pages.")
    assert plain.holds
