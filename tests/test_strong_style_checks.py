"""Issue 22: correct answers written the way strong models write them pass the checks: numbered
and bulleted lists, a list announced by its count, a unit shared by a run of numbers, prices in
worked arithmetic, the product named by the document's title, and a "no" whose reason is the
source's own limit. Each case beside the flaw that must still fail."""

from __future__ import annotations

from agentsynth.checks.qa import check_content_supported, check_numbers_grounded
from agentsynth.checks.roles import check_no_contradiction, check_values_in_role

PRESETS = "| Temperature presets | 40, 60, 70, 80, 90 and 100 °C |\nThe K3 carries a 2-year warranty."


def test_list_numbering_is_no_number_and_a_list_announced_by_its_count_counts_itself():
    listed = "It has six presets:\n1. 40 °C\n2. 60 °C\n3. 70 °C\n4. 80 °C\n5. 90 °C\n6. 100 °C"
    assert check_numbers_grounded(listed, PRESETS).passed
    bullets = "It switches off in three cases:\n- when it boils,\n- when lifted,\n- when empty."
    assert check_numbers_grounded(bullets, PRESETS).passed
    # A count that is not its own list's, or a value with a unit before a list, is still checked.
    assert not check_numbers_grounded("It has seven presets:\n1. 40 °C\n2. 60 °C", PRESETS).passed
    assert not check_numbers_grounded("The warranty is 3 years:\n- parts\n- labour\n- shipping", PRESETS).passed


def test_a_unit_written_once_after_a_run_of_numbers_belongs_to_each_of_them():
    assert check_numbers_grounded("You can pick 40 °C for green tea.", PRESETS).passed
    assert not check_numbers_grounded("It keeps water warm for 40 minutes.", PRESETS).passed  # another unit


def test_prices_in_worked_arithmetic():
    source = "For adult members, a late book costs $0.25 per day, up to a maximum of $10 per item."
    assert check_numbers_grounded("10 days late comes to 10 × $0.25 = $2.50.", source,
                                  "What would a book 10 days late cost?").passed
    wrong = check_numbers_grounded("10 days late comes to 10 × $0.25 = $25.", source,
                                   "What would a book 10 days late cost?")
    assert not wrong.passed and "arithmetic does not hold" in wrong.detail


def test_the_documents_title_names_what_a_passage_leaves_unnamed():
    source = "| Capacity | 1.7 litres (minimum fill 0.5 litres) |"
    answer = "The Lumo K3 Smart Kettle holds up to 1.7 litres."
    assert not check_content_supported(answer, source).passed
    assert check_content_supported(answer, source, "Lumo K3 Smart Kettle - User Guide").passed


def test_a_no_that_gives_the_sources_own_limit_as_its_reason_contradicts_nothing():
    source = ("The K3 connects to the Lumo Home app over Bluetooth Low Energy; it has no Wi-Fi, so it can only be "
              "controlled from within about 10 m. In the app you can start the kettle and pick a preset.")
    question = "Can I control the K3 from work?"
    assert check_no_contradiction(question, "No. It has no Wi-Fi and can only be controlled from within about "
                                            "10 m, over Bluetooth Low Energy.", source).passed
    records = ("- Store Name: BrightStore Central\n- Service Center Available: Y\n\n"
               "- Store Name: TechPlanet Seocho\n- Service Center Available: N\n")
    flipped = check_no_contradiction("Does BrightStore Central have a service center?",
                                     "No, BrightStore Central has no service center.", records)
    assert not flipped.passed  # another record's N is no reason


LOANS = ("Books and audiobooks are lent for 3 weeks, DVDs and video games for 1 week, and laptops for 4 hours, to be "
         "used inside the library only.")
FEES = ("For adult members, a late book costs $0.25 per day, up to a maximum of $10 per item; a late DVD or video game "
        "costs $1 per day, up to $15.")


def test_a_price_is_a_value_with_its_currency():
    from agentsynth.checks.facts import values_in

    assert [(v.number, v.unit) for v in values_in("up to $10, or 10 dollars, or € 5")] == [
        ("10", "USD"), ("10", "USD"), ("5", "EUR")]


def test_values_listed_for_several_things_after_one_verb_stay_with_their_own_subject():
    from agentsynth.checks.roles import check_values_in_role

    swapped = check_values_in_role("How long are DVDs lent for?", "DVDs are lent for 3 weeks and books for 1 week.",
                                   LOANS)
    assert not swapped.passed and "3 weeks" in swapped.detail
    assert check_values_in_role("How long are DVDs lent for?", "DVDs are lent for 1 week, books for 3 weeks.",
                                LOANS).passed
    listed = "- Books and audiobooks: 3 weeks\n- DVDs and video games: 1 week\n- Laptops: 4 hours, inside only"
    assert check_values_in_role("How long can I keep different kinds of items?", listed, LOANS).passed
    fees = check_values_in_role("What is the maximum late fee for a DVD?",
                                "The late fee for a DVD is capped at $10, and for a book at $15.", FEES)
    assert not fees.passed
    assert check_values_in_role("What is the maximum late fee for a DVD?",
                                "A late DVD costs at most $15, and a book at most $10.", FEES).passed


PLANS = "| Annual plan | $120 per year |\nMonthly billing is 12 payments of $11.50; the total is then $138."


def test_a_difference_or_a_total_stated_beside_its_operands_is_worked_out_not_invented():
    from agentsynth.checks.roles import check_values_in_role

    question = "What does the annual plan cost if I pay monthly?"
    difference = "12 payments of $11.50 come to $138 in total, $18 more than paying $120 up front."
    assert check_numbers_grounded(difference, PLANS).passed
    assert check_values_in_role(question, difference, PLANS).passed  # $120 is an operand, not the total
    assert not check_numbers_grounded(difference.replace("$18", "$17"), PLANS).passed  # the difference is wrong
    assert not check_numbers_grounded("Paying monthly costs $18.", PLANS).passed  # no operands, no comparison
    total = "1. A year up front ($120).\n2. One monthly payment ($11.50).\n\nSo together that is $131.50 in total."
    assert check_numbers_grounded(total, PLANS).passed
    assert not check_numbers_grounded(total.replace("131.50", "131"), PLANS).passed


def test_extra_minutes_are_minutes_and_a_count_of_the_values_listed_after_it_counts_them():
    docks = "If no dock is free, you can add 15 minutes of free time at the kiosk."
    assert check_numbers_grounded("You can get 15 extra minutes at the kiosk.", docks).passed
    assert not check_numbers_grounded("You can get 20 extra minutes at the kiosk.", docks).passed
    probes = "Soil moisture was measured with probes at 20 and 40 cm depth."
    assert check_numbers_grounded("With probes at two depths, 20 cm and 40 cm.", probes).passed
    assert not check_numbers_grounded("With probes at three depths, 20 cm and 40 cm.", probes).passed


def test_a_yes_to_a_question_asked_the_other_way_round_restating_the_sources_negative_agrees():
    source = "Plants were harvested in September. No plots received irrigation in the final 10 days before harvest."
    question = "Was irrigation stopped before harvest?"
    assert check_no_contradiction(question, "Yes, none of the plots were irrigated in the final 10 days before "
                                            "harvest.", source).passed
    assert not check_no_contradiction(question, "Yes.", source).passed  # a bare yes says the plots were irrigated
    app = "The heater cannot be used without the app."
    assert not check_no_contradiction("Can the heater be used without the app?",
                                      "Yes, it can be used without the app.", app).passed


def test_a_value_the_prose_binds_to_a_named_method_is_that_methods():
    from agentsynth.checks.roles import check_values_in_role

    # The abstract of the irrigation paper in benchmarks/critic_eval (held-out set v6).
    source = ("We compared three irrigation schedules for processing tomatoes over two seasons (2023 and 2024) on 24 "
              "plots in the Ebro valley, Spain. Deficit irrigation at 70% of crop evapotranspiration (DI-70) cut water "
              "use by 28% compared with full irrigation (FI-100) while reducing marketable yield by only 6%. Partial "
              "root-zone drying (PRD) saved 31% of water but lowered yield by 14%. Fruit soluble solids (°Brix) rose "
              "under both deficit schedules.")
    question = "How much water did PRD save?"
    assert check_values_in_role(question, "PRD saved 31% of the water compared with full irrigation.", source).passed
    wrong = check_values_in_role(question, "PRD saved 28% of water compared with full irrigation.", source)
    assert not wrong.passed and "28%" in wrong.detail


def test_a_reference_to_a_figure_or_table_is_the_sources_own_not_any_number_it_holds():
    """A flaw planted in a copied sentence ("Figure 4" for "Figure 1") passed: the manual holds
    4 as a count ("Four AC outlets")."""
    source = "Four AC outlets deliver 1,800 W. Figure 1 compares the time to a full charge for each source."
    assert check_numbers_grounded("Figure 1 compares the time to a full charge for each source.", source).passed
    wrong = check_numbers_grounded("Figure 4 compares the time to a full charge for each source.", source)
    assert not wrong.passed and "Figure 4" in wrong.detail
    assert check_numbers_grounded("As fig. 1 shows, each source takes its own time.", source).passed
    steps = "1. Open the lid.\n2. Press the power button for 3 seconds."
    assert check_numbers_grounded("In step 2, press the power button for 3 seconds.", steps).passed


# --- found by the strong scripted model (tests/strong_model.py) on the sample manual ----------

MANUAL_SPECS = """User manual, excerpt: overview, specifications, charging and care.

## 1. Overview

Four AC outlets deliver a pure sine wave at 230 V and 50 Hz, with 1,800 W of
continuous output and 3,600 W of surge power for motors and compressors. It is rated for 3,000 charge cycles.

## 2. Specifications

|Item|Value|
|---|---|
|Battery capacity|1,024 Wh|
|AC output|1,800 W continuous, 3,600 W surge|
|Weight|12.5 kg|
"""

MANUAL_CARE = """## 4. Operating the unit

To save energy, the unit turns itself off after 12 hours without any load; this eco mode
can be disabled in the Aurora app.

## 5. Troubleshooting

|Code|Meaning|What to do|
|---|---|---|
|E01|Battery temperature too high|Move the unit to a cooler place and wait until it is below 40 °C.|
|E02|Output overload|Disconnect devices until the total load is below 1,800 W, then press the AC button.|

The Aurora X2 comes with a 5-year limited warranty. Registering the product within 30
days of purchase extends the warranty to 6 years.
"""


def test_a_paragraphs_second_sentence_is_held_to_the_statement_it_restates():
    question = "Explain what happens when the unit runs for a long time without any load."
    said = "It turns itself off after 12 hours without any load to save energy. This eco mode {} disabled."
    assert check_no_contradiction(question, said.format("can be"), MANUAL_CARE).passed
    flipped = check_no_contradiction(question, said.format("cannot be"), MANUAL_CARE)
    assert not flipped.passed and "eco mode" in flipped.detail


def test_a_no_that_puts_the_sources_statement_in_place_of_the_questions_supposition_agrees():
    assert check_no_contradiction("Is a cool-down enough to clear an E02 error?",
                                  "No. E02 means an output overload: disconnect devices until the total load is "
                                  "below 1,800 W, then press the AC button.", MANUAL_CARE).passed
    assert check_no_contradiction("Does E02 mean the battery is too hot?", "No. E02 means an output overload.",
                                  MANUAL_CARE).passed
    assert check_no_contradiction("Is the warranty 2 years?", "No, it is a 5-year limited warranty.",
                                  MANUAL_CARE).passed
    # A no that denies what the source says of the row asked about still contradicts it.
    assert not check_no_contradiction("Does E02 mean an output overload?", "No. E02 means the battery is too hot.",
                                      MANUAL_CARE).passed


def test_a_value_stated_only_in_another_rows_remedy_is_not_this_rows():
    from agentsynth.checks.roles import check_values_in_role

    question = "Is a cool-down enough to clear an E02 error?"
    wrong = check_values_in_role(question, "Yes. E02 means an output overload: wait until it is below 40 °C, then "
                                           "press the AC button.", MANUAL_CARE)
    assert not wrong.passed and "e01" in wrong.detail
    assert check_values_in_role(question, "No. E02 needs the total load below 1,800 W.", MANUAL_CARE).passed


def test_measured_values_named_with_each_others_words_are_swapped():
    from agentsynth.checks.roles import check_values_in_role

    question = "What continuous and surge power can the AC outlets deliver?"
    for right in ("1. Continuous output: 1,800 W.\n2. Surge power: 3,600 W, for motors and compressors.",
                  "The AC outlets deliver 1,800 W continuously and 3,600 W of surge power."):
        assert check_values_in_role(question, right, MANUAL_SPECS).passed, right
    for swapped in ("1. Continuous output: 3,600 W.\n2. Surge power: 1,800 W, for motors and compressors.",
                    "The AC outlets deliver 3,600 W continuously and 1,800 W of surge power."):
        result = check_values_in_role(question, swapped, MANUAL_SPECS)
        assert not result.passed and ("continuous" in result.detail or "3600 W" in result.detail), swapped


def test_a_yes_to_a_comparison_is_decided_by_the_answers_own_figure():
    from agentsynth.checks.qa import check_numbers_affirmed

    answer = "Yes. It is rated for 3,000 charge cycles."
    assert check_numbers_affirmed("Is the battery rated for more than 2,000 charge cycles?", answer, MANUAL_SPECS).passed
    wrong = check_numbers_affirmed("Is the battery rated for more than 4,000 charge cycles?", answer, MANUAL_SPECS)
    assert not wrong.passed and "more than 4,000" in wrong.detail
    # A bare yes still affirms a figure the source does not have.
    assert not check_numbers_affirmed("Is the battery rated for more than 2,000 charge cycles?", "Yes.",
                                      MANUAL_SPECS).passed


def test_a_sentence_that_works_out_the_sources_numbers_is_supported_by_its_arithmetic():
    worked = ("Yes. It is rated for 3,000 charge cycles.\n\n"
              "At one full cycle a day, that is 3,000 / 365 = 8.2 years of daily use.")
    assert check_content_supported(worked, MANUAL_SPECS).passed
    claim = "At one full cycle a day, that is 3,000 / 365 = 8.2 years, and the warranty covers every one of those years."
    assert not check_content_supported(claim, MANUAL_SPECS).passed


def test_bold_list_labels_are_no_names_and_a_summary_of_a_section_covers_its_heading():
    from agentsynth.checks.qa import answer_relevance, check_answers_question, check_terms_grounded

    summary = ("1. **Battery:** 1,024 Wh.\n2. **Outputs:** 1,800 W continuous, 3,600 W surge.\n"
               "3. **Size:** 12.5 kg.")
    assert check_terms_grounded(summary, MANUAL_SPECS).passed
    assert not check_terms_grounded("1. **Battery:** 1,024 Wh from Panasonic cells.", MANUAL_SPECS).passed
    assert check_answers_question("Summarise the main specifications.", summary, MANUAL_SPECS).passed
    assert answer_relevance("Summarise the main specifications.", summary, MANUAL_SPECS) == 1.0
    # Values from another section cover none of what was asked.
    assert answer_relevance("Summarise the troubleshooting codes.", summary, MANUAL_SPECS + MANUAL_CARE) == 0.0


def test_a_clause_going_on_from_the_one_before_is_about_what_that_one_is_about():
    from agentsynth.checks.roles import check_values_in_role

    source = ("## 3. Charging\n\nWith the wall charger at its default rate of 1,500 W, the battery charges from 0 to 80% "
              "in 45 minutes and to 100% in 70 minutes. Quiet Charge mode limits the AC input to 400 W, which keeps the fan silent but takes "
              "about 3 hours.\n\n## 4. Operating the unit\n\nPress and hold the power button for 2 seconds to turn "
              "the Aurora X2 on or off.")
    question = "Summarise the ways to charge the Aurora X2 and how long each takes."
    assert check_values_in_role(question, '"Quiet Charge" mode limits the input to 400 W and takes about 3 hours.',
                                source).passed


# --- found by heldout-v7's first reading (benchmarks/critic_accuracy.py --split heldout-v7) --------

BUS_TABLE = """Table 2. Mean energy use by heating system and season (kWh/km).

| Heating system | Buses | Winter | Summer | Annual |
|---|---|---|---|---|
| Resistive heater | 10 | 1.88 | 1.10 | 1.45 |
| Heat pump | 14 | 1.52 | 1.07 | 1.23 |

Route 7, the only route with long hill climbs, used 0.21 kWh/km more than the fleet average all year."""


def test_a_tables_caption_gives_its_cells_unit_and_a_cell_asked_for_by_row_and_column_is_in_role():
    from agentsynth.checks.qa import check_answers_question
    from agentsynth.checks.roles import check_values_in_role

    question = "How much energy did heat-pump buses use in winter?"
    answer = "1.52 kWh/km on average, against 1.88 kWh/km for buses with resistive heaters."
    assert check_numbers_grounded(answer, BUS_TABLE).passed
    assert check_values_in_role(question, answer, BUS_TABLE).passed
    assert check_answers_question(question, answer, BUS_TABLE, subject="Winter Energy Use of City Buses").passed
    # The caption's unit is no count's: ten buses are not 10 kWh.
    assert not check_numbers_grounded("The study had 10 kWh/km of resistive-heater buses.", BUS_TABLE).passed


def test_an_article_after_a_price_is_no_unit():
    assert check_numbers_grounded("€260 a month, VAT included.", "| Resident | €260 | Every day |").passed


def test_arithmetic_with_brackets_and_counting_ones():
    source = "| Cutting height | 20 to 60 mm, in 5 mm steps |"
    assert check_numbers_grounded("Nine: (60 − 20) / 5 + 1 = 9 settings.", source).passed
    assert not check_numbers_grounded("Eight: (60 − 20) / 5 + 1 = 8 settings.", source).passed


def test_an_operand_left_unwritten_as_a_difference_of_known_numbers():
    source = "Members can print up to 100 pages a month for free; further pages cost €0.10 each."
    question = "What would printing 150 pages in a month cost me?"
    answer = "The first 100 pages are free; the other 50 cost 50 × €0.10 = €5.00."
    assert check_numbers_grounded(answer, source, question).passed
    assert check_content_supported(answer, source).passed
    assert not check_numbers_grounded("The other 70 cost 70 × €0.10 = €7.00.", source, question).passed


def test_the_askers_figure_set_against_the_sources_limit():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "| Maximum slope | 35% |"
    assert check_numbers_affirmed("Can the R5 mow a slope of 30%?",
                                  "Yes. It handles slopes of up to 35%, so 30% is within its limit.", source).passed
    assert check_numbers_affirmed("Can the R5 mow a slope of 40%?",
                                  "No. It handles slopes of up to 35%, so 40% is too steep.", source).passed
    assert not check_numbers_affirmed("Can the R5 mow a slope of 40%?",
                                      "Yes. It handles slopes of up to 35%, so 40% is fine.", source).passed


def test_a_difference_worked_out_is_no_trend_and_a_no_restating_a_whole_limit_agrees():
    source = ("Range fell most on cold mornings: at -10 °C, the resistive-heater buses reached only 160 km on one "
              "charge, against 205 km for the heat-pump buses.")
    assert check_no_contradiction("How much more range did the heat-pump buses have at -10 °C?",
                                  "205 − 160 = 45 km more on one charge.", source).passed
    blades = ("The mower has a 3-year warranty; the battery is covered for 2 years. Blades are wear parts and are not "
              "covered. Replace the three blades every 2 months in the mowing season.")
    assert check_no_contradiction("Are worn blades replaced under warranty?",
                                  "No. Blades are wear parts and are not covered by the warranty.", blades).passed


def test_a_setting_on_by_default_said_to_be_off_and_values_swapped_between_months():
    from agentsynth.checks.roles import check_values_in_role

    frost = "In frost mode, which is on by default, the mower does not leave the station below 4 °C."
    assert not check_no_contradiction("Is frost mode on when the mower is delivered?",
                                      "No, frost mode is off by default and must be switched on in the app.",
                                      frost).passed
    months = "Consumption rose to 1.71 kWh/km in January and fell to 1.08 kWh/km in June."
    question = "What was consumption in January and June?"
    assert check_values_in_role(question, "It was 1.71 kWh/km in January and 1.08 kWh/km in June.", months).passed
    assert not check_values_in_role(question, "It was 1.08 kWh/km in January and 1.71 kWh/km in June.",
                                    months).passed


# --- found by heldout-v8's first reading ----------------------------------------------------------

WATCH = ("The watch recognises walking, running and cycling on its own after 10 minutes of activity; other sports "
         "must be started by hand from the workout menu. GPS is off until you start an outdoor workout. In GPS mode "
         "the watch records your route every second.\n\n| Item | Value |\n|---|---|\n"
         "| Battery life | up to 7 days (smartwatch mode), 20 hours (GPS mode) |\n\n"
         "The Pulse 2 pairs with phones running Android 9 or later, or iOS 15 or later.")
PERMITS = ("| Permit | Price per year |\n|---|---|\n| First permit | £90 |\n| Second permit | £150 |\n"
           "| Electric vehicle (first or second) | £30 |\n\nVehicles longer than 5.5 m are not eligible. Each household "
           "may hold up to two permits.")


def test_a_no_restating_another_statement_the_question_is_about_agrees():
    assert check_no_contradiction("Do I have to start a run by hand?", "No. Walking, running and cycling are "
                                  "recognised automatically after 10 minutes of activity.", WATCH).passed
    assert check_no_contradiction("Is GPS always on?", "No. GPS stays off until you start an outdoor workout.",
                                  WATCH).passed


def test_the_askers_figure_beside_an_or_later_limit_or_a_comparison_and_a_count_in_words():
    from agentsynth.checks.qa import check_adds_information, check_language, check_numbers_affirmed

    assert check_numbers_affirmed("Will it work on iOS 16?", "Yes. It needs iOS 15 or later, so iOS 16 works.",
                                  WATCH).passed
    assert not check_numbers_affirmed("Will it work on iOS 14?", "Yes. It needs iOS 15 or later, so iOS 14 works.",
                                      WATCH).passed
    answer = "No. Vehicles longer than 5.5 m are not eligible, so a 6 m van does not qualify."
    assert check_numbers_affirmed("Can I get a permit for a 6 m camper van?", answer, PERMITS).passed
    assert check_language("Can I get a permit for a 6 m camper van?", answer, "en").passed
    assert check_adds_information("How many permits can one household have?", "Up to two.").passed


def test_a_value_named_by_its_own_row_beside_another_and_values_swapped_between_modes():
    from agentsynth.checks.roles import check_values_in_role

    assert check_values_in_role("What do two permits cost a household per year?",
                                "£90 for the first plus £150 for the second: £90 + £150 = £240 a year.", PERMITS).passed
    question = "How long does the battery last in each mode?"
    assert check_values_in_role(question, "Up to 7 days in smartwatch mode and 20 hours in GPS mode.", WATCH).passed
    assert not check_values_in_role(question, "Up to 20 hours in smartwatch mode and 7 days in GPS mode.",
                                    WATCH).passed


def test_percentage_points_and_words_that_set_figures_side_by_side():
    source = ("| Outcome | Tutor group | Control group | Difference |\n|---|---|---|---|\n"
              "| Pupils at expected level (%) | 64 | 55 | 9 |")
    answer = "64%, compared with 55% in the control group, a difference of 9 points."
    assert check_numbers_grounded(answer, source).passed
    assert check_content_supported(answer, source).passed
    assert not check_numbers_grounded("64%, compared with 55%, a difference of 9 minutes.", source).passed


# --- found by heldout-v9's first reading ----------------------------------------------------------

RING = ("The light ring shows air quality: blue for good (PM2.5 below 12 µg/m³), yellow for moderate (12 to 35 µg/m³) "
        "and red for poor (above 35 µg/m³). Sleep mode turns the ring off and runs the fan at its lowest speed. The "
        "ring can also be dimmed in the app without switching to Sleep mode. After a power cut the purifier restarts "
        "in the mode it was in.")


def test_polarity_a_question_negated_as_the_source_is_a_setting_on_or_off_and_before_as_earlier():
    assert check_no_contradiction("Can I dim the ring without using Sleep mode?", "Yes, in the app.", RING).passed
    assert check_no_contradiction("What happens after a power cut?", "It restarts in the mode it was in before.",
                                  RING).passed
    assert not check_no_contradiction("Does Sleep mode keep the light ring on?",
                                      "Yes, the ring stays on in Sleep mode while the fan runs at its lowest speed.",
                                      RING).passed
    review = "No model was safe to use without a clinician's review."
    assert not check_no_contradiction("Was any model safe to use without review?",
                                      "Yes, the 8B model was safe to use without a clinician's review.", review).passed


def test_the_askers_figure_within_a_band_and_words_after_a_range_are_the_ranges():
    from agentsynth.checks.qa import check_numbers_affirmed
    from agentsynth.checks.roles import check_values_in_role

    answer = "No. 20 µg/m³ falls in the 12 to 35 µg/m³ band, which the ring shows yellow, for moderate."
    question = "Is a reading of 20 µg/m³ shown as good?"
    assert check_numbers_affirmed(question, answer, RING).passed
    assert check_values_in_role(question, answer, RING).passed
    assert not check_numbers_affirmed("Is a reading of 50 µg/m³ moderate?",
                                      "Yes. 50 µg/m³ falls in the 12 to 35 µg/m³ band.", RING).passed


def test_a_price_swapped_between_its_two_conditions():
    from agentsynth.checks.roles import check_values_in_role

    source = "An extra bag costs €35 when booked online and €60 at the airport."
    question = "What does an extra bag cost online and at the airport?"
    assert check_values_in_role(question, "€35 online and €60 at the airport.", source).passed
    assert not check_values_in_role(question, "€60 online and €35 at the airport.", source).passed


def test_an_answer_restating_the_statement_a_question_names_is_on_topic_and_a_calculation_rests_on_its_prices():
    from agentsynth.checks.qa import check_answers_question, check_question_on_topic

    source = ("We release the evaluation code but not the notes, which cannot be shared under the hospital's data "
              "agreement.")
    assert check_question_on_topic("Are the notes available to other researchers?",
                                   source, "Clinical Note Summarisation",
                                   "No. The evaluation code is released, but the notes cannot be shared under the "
                                   "hospital's data agreement.").passed
    prices = ("| Fare | Checked bags included |\n|---|---|\n| Flex | 2 |\n\nAn extra bag costs €35 when booked online "
              "and €60 at the airport.")
    assert check_answers_question("What would two extra bags booked online cost?", "2 × €35 = €70.", prices).passed


# --- heldout-v11's misses (a dehumidifier manual, library rules, a street-lighting trial) ---------
# Each case is written on a text of its own, beside the flaw that must still fail.

def test_a_difference_of_percentages_is_in_points_and_would_be_states_a_worked_result():
    from agentsynth.checks.arithmetic import worked_calculations

    source = "Approval of the new timetable fell from 64% in March to 58% in June."
    assert check_numbers_grounded("64% − 58% = 6 percentage points.", source).passed
    assert check_numbers_grounded("64% − 58% = 6.", source).passed
    wrong = check_numbers_grounded("64% − 58% = 8 percentage points.", source)
    assert not wrong.passed and "arithmetic does not hold" in wrong.detail
    fees = "Late adult books cost $0.20 per day, up to a maximum of $4 per item."
    question = "What if my book is 25 days late?"
    assert check_numbers_grounded("25 × $0.20 would be $5.00, but the fee is capped at $4, so $4.", fees,
                                  question).passed
    assert [w.stated for w in worked_calculations("25 × $0.20 comes to $5.00.")] == ["5.00"]
    assert not check_numbers_grounded("25 × $0.20 would be $6.00, so $4.", fees, question).passed


def test_a_question_after_a_sentence_about_the_asker_is_still_a_yes_no_question():
    from agentsynth.checks.qa import check_answers_question
    from agentsynth.checks.roles import is_yes_no_question

    assert is_yes_no_question("My daughter brought her comic back late. Will we have to pay?")
    assert not is_yes_no_question("My daughter brought her comic back late. What do we owe?")
    source = "Adult items cost $0.20 per day late. Children's items have no late fees."
    assert check_answers_question("My daughter brought her comic back late. Will we have to pay?",
                                  "No. Children's items have no late fees.", source).passed


def test_an_irregular_past_form_is_its_verb():
    from agentsynth.checks.qa import check_answers_question
    from agentsynth.tools.text import stems

    assert stems("lost paid sold") == stems("lose pay sell")
    source = "A stolen bike is charged at its replacement cost plus a €20 handling fee. Rentals end at midnight."
    assert check_answers_question("What happens if someone steals my rental bike?",
                                  "You pay its replacement cost plus a €20 handling fee.", source).passed


def test_a_count_left_unsaid_after_its_noun_counts_the_same_noun_and_a_worked_result_is_in_role():
    from agentsynth.checks.roles import check_values_in_role

    source = "Members may book up to 6 classes a week, students up to 4. Each class lasts 45 minutes."
    assert check_values_in_role("How many classes can a student book?", "Up to 4 classes a week.", source).passed
    assert check_values_in_role("How many more classes can a member book than a student?",
                                "6 − 4 = 2 more classes.", source).passed
    assert not check_values_in_role("How many classes can a student book?", "Up to 45 classes a week.",
                                    source).passed


def test_an_opening_hedge_is_no_denial_and_a_no_may_give_the_limit_by_its_value():
    source = ("The trial ran on roads with 30 km/h limits; results may differ on faster roads. The pump runs for a "
              "maximum of 4 hours and then switches off.")
    assert check_no_contradiction("Would the results hold on a motorway?",
                                  "Not necessarily: the trial ran on roads with 30 km/h limits.", source).passed
    assert not check_no_contradiction("What roads did the trial use?",
                                      "The trial did not run on roads with 30 km/h limits.", source).passed
    assert check_no_contradiction("Does the pump run all day?", "Not beyond 4 hours: it then switches off.",
                                  source).passed
    assert not check_no_contradiction("Does the pump run for 4 hours?", "No, it switches off.", source).passed


def test_a_question_naming_the_askers_age_in_one_word_names_no_unknown_thing():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "Children up to 12 may borrow 10 items at a time."
    assert check_question_terms_grounded("How many books can my 11-year-old borrow?", source).passed
    assert not check_question_terms_grounded("How many books can the Z9-Reader hold?", source).passed


def test_a_list_items_label_names_the_row_its_values_are_from():
    from agentsynth.checks.roles import check_values_in_role

    source = ("The fan draws 45 W in normal mode.\n\n| Mode | Speed | Power |\n|---|---|---|\n"
              "| Normal | High | 45 W |\n| Night | Low | 18 W |\n| Turbo | Max | 60 W |")
    question = "What modes does the fan have?"
    listed = "Three:\n1. Normal: high speed, 45 W.\n2. Night: low speed, 18 W.\n3. Turbo: max speed, 60 W."
    assert check_values_in_role(question, listed, source).passed
    assert not check_values_in_role(question, listed.replace("Night: low speed, 18 W", "Night: low speed, 60 W"),
                                    source).passed


def test_of_a_sentence_and_its_clause_an_answer_rests_on_the_one_the_question_is_about():
    from agentsynth.checks.qa import check_answers_question

    source = ("If the screen shows F3, the door sensor has failed: call service. F5 means the filter is blocked: "
              "rinse it and refit it until it clicks.")
    assert check_answers_question("The screen says F5. What's wrong?",
                                  "The filter is blocked. Rinse it and refit it until it clicks.", source).passed


def test_litres_and_gallons_are_volumes_of_their_own():
    source = "The tank holds 4.5 litres and the unit weighs 11 kg."
    assert check_numbers_grounded("It holds 4.5 litres.", source).passed
    assert check_numbers_grounded("4.5 L.", source).passed
    assert not check_numbers_grounded("It holds 4.5 gallons.", source).passed


def test_a_choice_turned_round_and_uphill_for_downhill_contradict_the_source():
    source = ("We recommend resting the dough overnight rather than kneading it longer. The drain pipe must run "
              "downhill all the way.")
    assert not check_no_contradiction("Do the authors recommend kneading longer?",
                                      "Yes, they recommend kneading it longer rather than resting it.", source).passed
    assert check_no_contradiction("What do they recommend?",
                                  "Resting the dough overnight rather than kneading it longer.", source).passed
    assert not check_no_contradiction("Can the pipe run uphill?", "Yes, the drain pipe can run uphill.",
                                      source).passed


# --- heldout-v12's misses (a bread maker manual, gym membership terms, a bike-lane study) ---------

def test_a_value_named_so_by_any_statement_and_a_list_of_bare_values_are_in_role():
    from agentsynth.checks.roles import answer_clauses, check_values_in_role

    source = ("The times below are for a 900 g cake.\n\n| Program | Time |\n|---|---|\n| Sponge | 55 min |\n\n"
              "Cakes can be 600 g, 900 g or 1.2 kg; a 1.2 kg cake adds about 15 minutes.")
    assert check_values_in_role("How long does Sponge take?", "For a 900 g cake:\n- Sponge: 55 min", source).passed
    assert answer_clauses("600 g, 900 g or 1.2 kg cakes.") == ["600 g, 900 g or 1.2 kg cakes."]
    assert check_values_in_role("What cake sizes can I bake?", "600 g, 900 g or 1.2 kg cakes.", source).passed
    assert answer_clauses("83.1%, up from 78.2% for BM25.") == ["83.1%", "up from 78.2% for BM25."]


def test_a_compound_stands_on_its_parts_and_a_price_per_month_is_a_quantity():
    from agentsynth.checks.qa import check_terms_grounded

    source = "| Program | Time | Keep warm |\n|---|---|---|\n| Dough | 1 h 30 min | none |"
    assert check_content_supported("No, Dough has no keep-warm time.", source).passed
    assert not check_content_supported("No, Dough has no keep-cool time.", source).passed
    fees = "Basic costs $19 a month and Plus $35 a month."
    assert check_terms_grounded("1. Basic: $19/month\n2. Plus: $35/month", fees).passed


def test_how_far_ahead_asks_a_time_and_how_long_a_road_is_asks_a_length():
    from agentsynth.checks.roles import check_answer_type

    assert check_answer_type("How far ahead can I book?", "Up to 14 days ahead.").passed
    assert check_answer_type("How long is the trail?", "6.5 km, mostly flat.").passed
    assert check_answer_type("How long is the warranty?", "2 years.").passed
    assert not check_answer_type("How long is the warranty?", "6.5 km.").passed


def test_an_exception_the_question_names_lifts_the_rule():
    source = ("Annual members cannot cancel before the year ends, except when moving abroad or for medical reasons "
              "with a doctor's note. Cancellation needs 30 days' notice.")
    assert check_no_contradiction("I'm moving abroad next month. Can I cancel my annual membership early?",
                                  "Yes. Moving abroad is one of the exceptions.", source).passed
    refused = check_no_contradiction("Can I cancel my annual membership early for medical reasons?",
                                     "No, an annual membership cannot be cancelled early for any reason.", source)
    assert not refused.passed and "exception" in refused.detail


def test_a_tables_caption_is_what_its_rows_are_about():
    from agentsynth.checks.qa import check_answers_question

    source = ("Table 2. Daily visitors in spring and summer.\n\n| Site | Spring | Summer |\n|---|---|---|\n"
              "| North gate | 420 | 910 |\n| Lake path | 150 | 380 |\n\nParking was full on 12 summer days.")
    assert check_answers_question("What do the daily visitor figures show?",
                                  "- North gate: 420 → 910\n- Lake path: 150 → 380", source).passed


def test_a_clause_quoting_its_statement_is_in_role():
    from agentsynth.checks.roles import check_values_in_role

    source = ("The table gives the time each takes for a 900 g cake.\n\n| Program | Time |\n|---|---|\n"
              "| Sponge | 55 min |\n| Fruit | 1 h 20 min |\n\nCakes can be 600 g, 900 g or 1.2 kg; a 1.2 kg cake adds "
              "about 15 minutes to every baking program.")
    question = "How long do the programs take?"
    assert check_values_in_role(question, "For a 900 g cake:\n- Sponge: 55 min\n- Fruit: 1 h 20 min", source).passed
    assert not check_values_in_role(question, "For a 600 g cake:\n- Sponge: 55 min\n- Fruit: 1 h 20 min",
                                    source).passed


def test_what_the_source_says_of_one_code_said_of_another_is_a_swap():
    from agentsynth.checks.roles import check_values_in_role

    source = ("F3 means the door is not closed: press it shut until it clicks. F5 means the water supply is blocked; "
              "check the inlet hose. The warranty is 2 years.")
    question = "What do F3 and F5 mean?"
    assert check_values_in_role(question, "F3 means the door is not closed, and F5 that the water supply is "
                                          "blocked.", source).passed
    swapped = check_values_in_role(question, "F3 means the water supply is blocked, and F5 that the door is not "
                                             "closed.", source)
    assert not swapped.passed and "F3" in swapped.detail


def test_hilly_contradicts_flat():
    source = "The route is flat and has a 30 km/h limit; hillier roads may give other results."
    assert not check_no_contradiction("Is the route hilly?", "Yes, the route is hilly.", source).passed
    assert check_no_contradiction("What is the route like?", "The route is flat, with a 30 km/h limit.", source).passed


# --- heldout-v13's misses (a video doorbell guide, scooter rental terms, a four-day-week study) ----

def test_a_figure_below_zero_is_set_against_a_band_that_starts_below_zero():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "Operating temperature: -10 °C to 45 °C. It needs 2.4 GHz Wi-Fi."
    assert check_numbers_affirmed("Our winters reach -5 °C. Will it work?",
                                  "Yes. It works from -10 °C to 45 °C, so -5 °C is within range.", source).passed
    outside = check_numbers_affirmed("Our winters reach -15 °C. Will it work?",
                                     "Yes. It works from -10 °C to 45 °C, so -15 °C is within range.", source)
    assert not outside.passed and "outside" in outside.detail


def test_a_number_ending_a_list_line_counts_nothing_on_the_next_and_its_rival_is_quoted():
    from agentsynth.checks.roles import check_values_in_role

    source = "Without a plan, videos are kept for 7 days. The Pro plan ($5 a month) keeps them for 60 days."
    answer = "- Videos kept for 60 days instead of 7\n- Smart alerts"
    assert check_numbers_grounded(answer, source).passed
    assert check_values_in_role("What does Pro add?", answer, source).passed


def test_compared_ends_a_values_name_and_a_list_may_end_in_a_percentage():
    from agentsynth.checks.qa import check_not_truncated
    from agentsynth.checks.roles import check_values_in_role

    source = "Absences fell by 40% and staff turnover by 25% compared with the year before."
    assert check_values_in_role("Did absences fall?", "Yes, by 40% compared with the year before.", source).passed
    listed = "- Burnout: 51% → 33%\n- Good work-life balance: 41% → 68%\n- Trouble sleeping: 37% → 26%"
    assert check_not_truncated(listed).passed
    assert not check_not_truncated("- Burnout: 51% → 33%\n- Good work-life balance: 41% → 68%\n- Trouble sleeping: "
                                   "37% → 26% and the").passed


def test_two_values_given_each_others_names_before_them_are_swapped():
    from agentsynth.checks.roles import check_values_in_role

    source = "Absences fell by 40% and staff turnover by 25% compared with the year before."
    question = "How much did absences and turnover fall?"
    assert check_values_in_role(question, "Absences fell by 40% and turnover by 25%.", source).passed
    swapped = check_values_in_role(question, "Absences fell by 25% and turnover by 40%.", source)
    assert not swapped.passed and "25%" in swapped.detail


# --- heldout-v14's misses (a dishwasher manual, ferry ticket terms, a white-roof heat study) ----

def test_a_second_predicate_of_one_subject_is_a_statement_of_its_own():
    source = "The Boost setting is for small rooms only and does not heat the floor. It runs for 20 minutes."
    question = "Does Boost heat the floor?"
    flipped = check_no_contradiction(question, "Yes, Boost heats the floor of small rooms.", source)
    assert not flipped.passed and "does not heat the floor" in flipped.detail
    assert check_no_contradiction(question, "No. Boost is for small rooms only and does not heat the floor.",
                                  source).passed


def test_a_but_clause_may_be_denied_on_its_own_and_at_no_charge_denies_nothing():
    source = ("Passes can be refunded up to 48 hours before the visit, less a $2 fee. After that, passes cannot be "
              "refunded but can be moved to another day at no charge.")
    flipped = check_no_contradiction("Can I move my pass to another day?", "No, passes can't be moved once bought.",
                                     source)
    assert not flipped.passed and "moved to another day" in flipped.detail
    assert check_no_contradiction("Can I move my pass to another day?", "Yes, at no charge.", source).passed


def test_a_clause_saying_what_the_sources_own_negative_says_contradicts_nothing():
    source = ("Passes can be refunded up to 48 hours before the visit, less a $2 fee. After that, passes cannot be "
              "refunded but can be moved to another day at no charge.")
    question = "My visit is tomorrow morning. Can I still get my money back?"
    assert check_no_contradiction(question, "No. Within 48 hours of the visit passes can't be refunded, but you can "
                                            "move yours to another day for free.", source).passed
    # Where no statement of the source denies it, the same clause denies what the source states.
    flipped = check_no_contradiction(question, "No. Within 48 hours of the visit passes can't be refunded.",
                                     "Passes can be refunded up to 48 hours before the visit, less a $2 fee.")
    assert not flipped.passed and "denies" in flipped.detail


def test_non_in_a_compound_names_a_kind_and_a_no_must_say_what_the_source_says():
    source = "Halls can be hired up to 6 months ahead and are free for non-profit clubs."
    question = "Are halls free for non-profit clubs?"
    assert check_no_contradiction(question, "Yes, halls are free for non-profit clubs.", source).passed
    flipped = check_no_contradiction(question, "No, non-profit clubs pay the standard hire rate.", source)
    assert not flipped.passed and "free for non-profit clubs" in flipped.detail
    assert not check_no_contradiction("Are tickets refundable?", "Yes, tickets are refundable.",
                                      "Tickets are non-refundable and valid for 30 days.").passed


def test_what_holds_under_a_condition_is_not_said_outright():
    source = "If your train arrives more than 30 minutes late, you can claim back 25% of the fare. Seats cost $3."
    assert check_no_contradiction("My train was 10 minutes late. Can I claim money back?",
                                  "No, not for a 10-minute delay.", source).passed


def test_a_time_of_day_worked_out_from_a_time_and_a_span_of_the_source_or_question():
    source = "The Deep Clean cycle takes 1 h 40 min. Check-in closes 45 minutes before departure."
    question = "If I start Deep Clean at 9 p.m., when does it end?"
    assert check_numbers_grounded("9 p.m. + 1 h 40 min = 10:40 p.m.", source, question).passed
    assert not check_numbers_grounded("9 p.m. + 1 h 40 min = 11:40 p.m.", source, question).passed
    question = "My flight leaves at 16:15. When must I check in?"
    assert check_numbers_grounded("By 15:30, 45 minutes before departure.", source, question).passed
    assert not check_numbers_grounded("By 15:45, 45 minutes before departure.", source, question).passed


def test_a_total_broken_into_its_parts_and_a_change_in_percent_or_as_a_fall():
    source = ("We surveyed 40 schools in cities and 25 schools in rural areas. Heating used 20.0 kWh a day before "
              "insulation and 15.0 kWh after. Reflectance went from 0.90 to 0.75.")
    assert check_numbers_grounded("65: 40 city schools and 25 rural ones.", source).passed
    assert not check_numbers_grounded("70: 40 city schools and 25 rural ones.", source).passed
    assert check_numbers_grounded("20.0 − 15.0 = 5.0 kWh a day, about 25% less.", source).passed
    assert not check_numbers_grounded("20.0 − 15.0 = 5.0 kWh a day, about 35% less.", source).passed
    assert check_numbers_grounded("From 0.90 to 0.75, a fall of 0.15.", source).passed
    assert not check_numbers_grounded("From 0.90 to 0.75, a fall of 0.25.", source).passed


def test_a_share_the_source_gives_of_the_askers_amount():
    source = "If your bus is more than 20 minutes late, you can claim back 25% of the fare."
    question = "My $8.40 bus was 30 minutes late. What can I claim?"
    assert check_numbers_grounded("25% of the fare: $2.10.", source, question).passed
    assert not check_numbers_grounded("25% of the fare: $2.40.", source, question).passed


def test_a_values_unit_word_says_its_kind_not_whose_it_is():
    from agentsynth.checks.roles import check_values_in_role

    source = ("| Programme | Duration |\n|---|---|\n| Eco | 3 h 40 min |\n| Quick | 30 min |\n\n"
              "The start can be delayed by up to 24 hours.")
    question = "How long does the Eco programme take?"
    assert check_values_in_role(question, "3 hours 40 minutes.", source).passed
    assert not check_values_in_role(question, "Eco takes 30 minutes.", source).passed


def test_a_range_with_an_en_dash_is_the_sources_range_or_its_two_ends():
    source = "| Programme | Temperature |\n|---|---|\n| Auto | 45-65 °C |\n\nChildren aged 5 to 15 pay half."
    assert check_numbers_grounded("- Auto: 45–65 °C\n- Children 5–15: half price", source).passed
    assert not check_numbers_grounded("- Auto: 45–75 °C", source).passed


def test_a_code_listed_with_a_colon_is_a_code():
    from agentsynth.checks.roles import check_values_in_role

    source = "- E09: heating fault. Call service.\n- E24: the drain is blocked. Clean the filter."
    question = "What do E09 and E24 mean?"
    assert check_values_in_role(question, "E09 is a heating fault and E24 means the drain is blocked.", source).passed
    swapped = check_values_in_role(question, "E09 means the drain is blocked and E24 is a heating fault.", source)
    assert not swapped.passed and "E09" in swapped.detail


def test_a_thing_pointed_the_other_way_contradicts_the_source():
    source = "Put knives in the cutlery basket blade down. Wash glasses on the top rack."
    flipped = check_no_contradiction("Should knives go in blade up?", "Yes, put them in blade up.", source)
    assert not flipped.passed and "blade down" in flipped.detail
    assert check_no_contradiction("How should knives go in?", "Blade down, in the cutlery basket.", source).passed


def test_a_no_to_all_that_tells_how_many_denies_only_the_all():
    source = "In the 8 flats with balconies in each block, heating used 9 kWh a day."
    question = "Did all flats have balconies?"
    assert check_no_contradiction(question, "No — 8 flats in each block had balconies.", source).passed
    assert not check_no_contradiction("Did the flats have balconies?", "No, the flats had no balconies.",
                                      source).passed


def test_two_values_trading_names_outright_are_swapped_on_one_word_each():
    from agentsynth.checks.roles import check_values_in_role

    source = "A single ticket costs €4.20 and a return €7. Bikes ride free."
    question = "What do a single and a return cost?"
    assert check_values_in_role(question, "A single is €4.20 and a return €7.", source).passed
    swapped = check_values_in_role(question, "A single is €7 and a return €4.20.", source)
    assert not swapped.passed and "4.20" in swapped.detail


# --- heldout-v15's misses (an e-reader guide, a hotel's booking policy, a hand-hygiene trial) ----

def test_a_sentence_saying_yes_and_no_is_judged_clause_by_clause():
    source = ("Basic tickets are 10% cheaper than Standard tickets but are paid at booking and cannot be refunded. "
              "Standard tickets can be refunded free of charge until 24 hours before the show.")
    assert check_no_contradiction("I have a Standard ticket for Saturday. Can I get a refund on Wednesday?",
                                  "Yes. Standard tickets can be refunded until 24 hours before the show.", source).passed
    assert not check_no_contradiction("Can Basic tickets be refunded?", "Yes, Basic tickets can be refunded.",
                                      source).passed


def test_contractions_days_and_ok_are_plain_words_and_metres_are_m():
    from agentsynth.checks.qa import check_question_terms_grounded, check_terms_grounded

    source = "Dogs are welcome in ground-floor rooms for €15 per night. It is rated to 3 m deep."
    assert check_content_supported("3 × €15 = €45, and you'd need a ground-floor room.", source).passed
    assert check_terms_grounded("Yes, you can bring it on Tuesday.", source).passed
    assert check_question_terms_grounded("Is it OK to bring a dog on Friday?", source).passed
    assert check_numbers_grounded("Up to 3 metres deep.", source).passed
    assert not check_numbers_grounded("Up to 3 feet deep.", source).passed


def test_not_while_answers_the_question_and_denies_nothing():
    source = "Do not charge it while the USB-C port is wet. Clean it with a dry cloth."
    assert check_no_contradiction("Is it OK to charge it right after a swim?",
                                  "Not while the USB-C port is wet; let it dry first.", source).passed


def test_a_percentage_works_as_its_complement_and_number_words_as_operands():
    source = "Members pay 10% less than the standard rate. A charge lasts about four weeks at 20 minutes a day."
    question = "The standard rate is €200. What do members pay?"
    assert check_numbers_grounded("€200 × 0.9 = €180.", source, question).passed
    assert not check_numbers_grounded("€200 × 0.8 = €160.", source, question).passed
    assert check_numbers_grounded("Four weeks × 7 days × 20 minutes = 560 minutes, or about 9.3 hours.", source).passed
    assert not check_numbers_grounded("Four weeks × 7 days × 20 minutes = 560 minutes, or about 10 hours.",
                                      source).passed


def test_the_askers_supposed_charger_and_the_sources_own_figure_are_not_affirmed():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "A full charge takes 3 hours from a 5 W adapter, or 2 hours from a 12 W adapter or faster."
    assert check_numbers_affirmed("Will a 30 W charger charge it faster than the 5 W one?",
                                  "Yes. Any adapter of 12 W or more charges it in about 2 hours, against 3 hours at "
                                  "5 W.", source).passed
    assert not check_numbers_affirmed("Does it charge in 1 hour from a 12 W adapter?", "Yes.", source).passed


def test_a_sentence_goes_on_after_p_m():
    from agentsynth.checks.roles import check_values_in_role

    source = "Late check-out until 1 p.m. costs $20; after 1 p.m. a full night is charged. Early check-in costs $15."
    assert check_values_in_role("Can I check out at noon?", "Yes, with late check-out until 1 p.m., which costs $20.",
                                source).passed
    assert check_answers_question_for("What happens if I stay past 1 p.m.?", "A full night is charged.", source)


def check_answers_question_for(question: str, answer: str, source: str) -> bool:
    from agentsynth.checks.qa import check_answers_question

    return check_answers_question(question, answer, source).passed


def test_the_title_beside_a_passage_is_no_field_of_a_record():
    source = ("## Plans\n\nThree plans are offered: Basic at $9 a month (weekdays before 5 p.m. and all weekend), Plus at "
              "$15 a month (any time), and Family at $25 a month (any time, for up to four people). Each plan can be "
              "paused once a year.")
    assert check_content_supported("No. Basic covers weekdays only before 5 p.m., plus all weekend.", source,
                                   "Acme Gym: Membership Terms").passed


def test_a_paraphrase_carries_no_clause_of_its_own_words():
    source = "Clean the lens with a dry cloth only. Do not use solvents."
    assert check_content_supported("With a dry cloth only, and never with solvents.", source).passed
    added = check_content_supported("With a dry cloth only, or with a little lens alcohol for stubborn smudges.",
                                    source)
    assert not added.passed and "alcohol" in added.detail


def test_values_paired_as_the_source_pairs_them():
    from agentsynth.checks.roles import check_values_in_role

    source = "A full charge takes 4 hours from a 5 W adapter, or 2 hours from an 18 W adapter. It weighs 200 g."
    question = "How long does charging take?"
    assert check_values_in_role(question, "About 4 hours at 5 W and 2 hours at 18 W.", source).passed
    assert check_values_in_role(question, "An 18 W adapter charges it in 2 hours, against 4 hours at 5 W.",
                                source).passed
    swapped = check_values_in_role(question, "About 2 hours at 5 W and 4 hours at 18 W.", source)
    assert not swapped.passed and "pairs" in swapped.detail


def test_a_price_for_another_period_and_the_first_week_for_the_first_month():
    source = "Parking costs €15 per 24 hours. The effect was largest in the first month."
    assert check_numbers_grounded("€15 a day.", source).passed
    per_hour = check_numbers_grounded("€15 per hour.", source)
    assert not per_hour.passed and "per hour" in per_hour.detail
    assert check_numbers_grounded("In the first month.", source).passed
    assert not check_numbers_grounded("In the first week.", source).passed


def test_a_change_read_backwards_from_a_before_and_after_table():
    source = "| Group | Before | After |\n|---|---|---|\n| Drivers | 35% | 52% |\n| Riders | 20% | 24% |"
    assert check_no_contradiction("How did drivers change?", "It went from 35% to 52%.", source).passed
    backwards = check_no_contradiction("How did drivers change?", "It went from 52% to 35%.", source)
    assert not backwards.passed and "backwards" in backwards.detail


def test_a_difference_given_for_a_tables_row():
    source = "| Group | Before | After |\n|---|---|---|\n| Nurses | 64% | 78% |\n| Doctors | 49% | 60% |"
    assert check_numbers_grounded("Nurses gained most: 14 points, against 11 for doctors.", source).passed
    assert not check_numbers_grounded("Nurses gained most: 14 points, against 12 for doctors.", source).passed


def test_a_no_about_a_thing_the_source_does_not_name():
    from agentsynth.checks.qa import check_question_terms_grounded, check_terms_grounded

    source = "The reader opens EPUB, PDF and TXT files."
    question = "Does it open Word documents?"
    answer = "No — it opens EPUB, PDF and TXT files, and Word isn't among them."
    assert check_question_terms_grounded(question, source, answer=answer).passed
    assert check_terms_grounded(answer, source, question=question).passed
    assert check_no_contradiction(question, answer, source).passed
    assert check_content_supported(answer, source).passed
    assert not check_terms_grounded("Yes, it opens Word documents.", source, question=question).passed
    assert not check_question_terms_grounded(question, source, answer="Yes, it does.").passed


def test_a_values_unit_and_instead_are_no_claims_of_their_own():
    source = "Check-in is from 3 p.m. Early check-in from 12 noon costs €25."
    assert check_content_supported("From 12 noon instead of 3 p.m.: 3 hours earlier.", source).passed


# --- heldout-v16's misses (a smart lock manual, car-sharing terms, a school breakfast study) ----

def test_a_bare_count_of_what_the_question_counts_and_a_share_said_as_a_count():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "Installation takes 20 minutes. Take-up was highest among pupils on free lunches (61%)."
    assert not check_numbers_affirmed("How many fingerprints can it store?", "Up to 20.", source).passed
    assert not check_numbers_grounded("61 pupils.", source).passed
    assert check_numbers_grounded("61% of pupils on free lunches.", source).passed
    assert check_numbers_affirmed("By how many points did it rise?", "From 52% to 61%: 61 − 52 = 9 points.",
                                  "It rose from 52% to 61%.").passed


def test_a_span_with_a_word_between_and_a_difference_in_points():
    from agentsynth.checks.roles import check_answer_type

    source = "We followed 24 schools over two school years. Absence fell from 11.2% to 8.9%."
    assert check_answer_type("How long did the study run?", "Two school years.").passed
    assert check_numbers_grounded("Two school years.", source).passed
    assert check_numbers_grounded("From 11.2% to 8.9%: 2.3 percentage points.", source).passed
    assert not check_numbers_grounded("From 11.2% to 8.9%: 3.3 percentage points.", source).passed


def test_an_answer_completing_a_negated_question_keeps_its_not():
    source = "We could not measure what pupils ate at home, and the study ran only in cities."
    question = "What couldn't the researchers measure?"
    assert check_no_contradiction(question, "What pupils ate at home.", source).passed
    assert not check_no_contradiction(question, "What pupils ate at home, or how much they slept.", source).passed


def test_a_no_that_says_what_the_statement_adds_to_the_question():
    source = "Attendance in breakfast schools rose to 94.6%, while it stayed at 93.0% in the comparison schools."
    question = "Did attendance change in the comparison schools?"
    assert check_no_contradiction(question, "No, it stayed at 93.0%.", source).passed
    assert not check_no_contradiction("Did attendance stay at 93.0% in the comparison schools?", "No, it fell.",
                                      source).passed


def test_the_askers_own_case_against_a_requirement_is_not_judged_yes_or_no():
    source = "Drivers must be at least 21 and have held a full licence for 2 years."
    assert check_no_contradiction("I'm 22 and passed my test last year. Can I join?",
                                  "Not yet: you need to have held a full licence for 2 years.", source).passed
    assert not check_no_contradiction("Is a full licence needed?", "No, any licence will do.", source).passed


def test_a_span_restated_in_brackets_is_an_operand():
    source = "The batteries last about 9 months at 10 unlocks a day."
    assert check_numbers_grounded("10 a day × about 270 days (9 months) ≈ 2,700 unlocks.", source).passed
    assert not check_numbers_grounded("10 a day × about 270 days (9 months) ≈ 3,000 unlocks.", source).passed


def test_a_price_for_its_period_and_the_clause_of_a_sentence_it_shares_words_with():
    from agentsynth.checks.roles import check_values_in_role

    plans = ("On the Basic plan there is no monthly fee, and bikes cost $3 an hour. The Plus plan costs $8 a month "
             "and lowers the rate to $2 an hour.")
    assert check_values_in_role("What would 2 hours cost on Plus?", "2 × $2 = $4, plus the $8 monthly fee.",
                                plans).passed
    late = ("Returning a bike late costs $10 plus the time used, and if the next rider is delayed you also pay $15 "
            "towards their costs.")
    question = "What happens if I return a bike late?"
    assert check_values_in_role(question, "You pay $10 plus the time used — and another $15 if the next rider is "
                                          "delayed.", late).passed
    assert not check_values_in_role(question, "You pay $15 plus the time used — and another $10 if the next rider "
                                              "is delayed.", late).passed


def test_a_four_word_heading_is_no_statement():
    from agentsynth.checks.facts import facts_of

    assert facts_of("## Bookings and late returns\n\nYou can book a bike 30 days ahead.")[0].text == \
        "You can book a bike 30 days ahead."


def test_charged_where_the_source_says_free():
    source = "If you change your car, update the permit online; the change is free."
    question = "Is changing the car on my permit free?"
    charged = check_no_contradiction(question, "No, updating the car on a permit costs a fee.", source)
    assert not charged.passed and "free" in charged.detail
    assert check_no_contradiction(question, "Yes, the change is free.", source).passed
    assert check_no_contradiction(question, "Yes — it costs nothing; just update the permit online.", source).passed


# --- heldout-v17's misses (a toothbrush guide, museum visitor information, a speed-limit study) ----

MUSEUM = ("Adult tickets cost £16 and children aged 4 to 15 pay £9; under-4s go free. A family ticket for two adults "
          "and up to three children costs £45. Members get free entry all year and 10% off in the shop. Tickets "
          "bought online are £1 cheaper than at the door. The museum is open 10 a.m. to 5 p.m. daily.")


def test_a_price_is_no_bare_number_and_a_number_word_lends_no_unit():
    from agentsynth.checks.roles import check_values_in_role

    assert check_values_in_role("How much is an adult ticket?", "£16, or £15 if you buy it online.", MUSEUM).passed
    assert not check_numbers_grounded("£2 cheaper than at the door.", MUSEUM).passed


def test_a_saving_on_a_figure_worked_out_and_a_calculation_on_the_askers_figure():
    from agentsynth.checks.qa import check_answers_question

    question = "Is a family ticket cheaper for 2 adults and 2 children?"
    assert check_numbers_grounded("Yes: 2 × £16 + 2 × £9 = £50, so the £45 family ticket saves £5.", MUSEUM,
                                  question).passed
    assert not check_numbers_grounded("Yes: 2 × £16 + 2 × £9 = £50, so the £45 family ticket saves £6.", MUSEUM,
                                      question).passed
    assert check_answers_question("What would a £30 book cost a member in the shop?", "£30 × 0.9 = £27.",
                                  MUSEUM).passed


def test_daily_is_every_day_and_a_difference_of_falls_reverses_nothing():
    assert check_content_supported("Open 10 a.m. to 5 p.m. every day, with last entry an hour before closing.",
                                   MUSEUM + " Last entry is one hour before closing.").passed
    source = "Casualties on those streets fell by 23%, while on unchanged main roads they fell by 4%."
    assert check_no_contradiction("How much bigger was the fall than on main roads?",
                                  "23% against 4%: 19 percentage points more.", source).passed


def test_paying_where_free_any_where_only_and_a_short_clause_of_new_words():
    question = "Do under-4s need to pay?"
    assert not check_no_contradiction(question, "Yes, under-4s pay the child price.", MUSEUM).passed
    assert check_no_contradiction(question, "No, under-4s go free.", MUSEUM).passed
    rooms = "Lunch rooms can be booked for school groups only. The museum is open all year."
    widened = check_no_contradiction("Can any group book a lunch room?", "Yes, lunch rooms can be booked by any group.",
                                     rooms)
    assert not widened.passed and "school groups only" in widened.detail
    assert check_no_contradiction("When is it open?", "All year.", rooms).passed
    assert not check_content_supported("Free entry all year, 10% off in the shop, and priority booking for events.",
                                       MUSEUM).passed
    assert check_content_supported("Free entry all year and 10% off in the shop.", MUSEUM).passed


# --- heldout-v18's misses (an air fryer manual, swimming pool rules, a green-roof study) ----

FRYER = ("| Preset | Temperature | Time |\n|---|---|---|\n| Fries | 200 °C | 18 min |\n| Fish | 160 °C | 12 min |\n\n"
         "The temperature can be set from 80 °C to 200 °C in 10 °C steps, and the timer up to 60 minutes. The fryer "
         "beeps to remind you on the Fries and Chicken presets.")
POOL = ("A single swim costs $6 for adults. A 10-swim card costs $50 for adults. Children under 8 must be accompanied "
        "in the water by an adult. Lane swimming runs from 6:30 to 9 a.m. on weekdays. Family sessions are on "
        "Saturdays and Sundays. Diving is allowed only in the deep end.")


def test_every_anywhere_and_weekday_widen_what_the_source_names():
    every = check_no_contradiction("Does the fryer beep on the Fish preset?", "Yes, it beeps halfway through on "
                                                                              "every preset.", FRYER)
    assert not every.passed and "Fries and Chicken" in every.detail
    assert check_no_contradiction("Does it beep on the Fries preset?", "Yes, it beeps to remind you.", FRYER).passed
    assert not check_no_contradiction("Is diving allowed in the shallow end?", "Yes, diving is allowed anywhere in the "
                                                                               "pool.", POOL).passed
    assert not check_no_contradiction("Are family sessions held on weekdays?", "Yes, family sessions run every "
                                                                                "weekday morning.", POOL).passed
    assert check_no_contradiction("When are family sessions?", "On Saturdays and Sundays.", POOL).passed
    assert check_no_contradiction("How long can I set it for?", "You can set it anywhere from 1 to 60 minutes.",
                                  FRYER).passed


def test_a_yes_to_without_what_the_source_requires():
    question = "Can children under 8 swim without an adult?"
    without = check_no_contradiction(question, "Yes, children of any age can swim on their own.", POOL)
    assert not without.passed and "without adult" in without.detail
    assert check_no_contradiction(question, "No. Children under 8 must be accompanied in the water by an adult.",
                                  POOL).passed


def test_a_setting_of_a_range_in_steps_and_a_span_between_two_times():
    from agentsynth.checks.roles import check_values_in_role

    answer = "No. It goes in 10 °C steps, so you can pick 180 °C or 190 °C."
    assert check_numbers_grounded(answer, FRYER).passed
    assert check_values_in_role("Can I set it to 185 °C?", answer, FRYER).passed
    assert not check_numbers_grounded("No. It goes in 10 °C steps, so you can pick 180 °C or 195 °C.", FRYER).passed
    assert not check_numbers_grounded("The longest timer setting is 90 minutes.", FRYER).passed
    assert check_numbers_grounded("6:30 to 9 a.m.: 2 hours 30 minutes.", POOL).passed
    assert not check_numbers_grounded("6:30 to 9 a.m.: 3 hours 30 minutes.", POOL).passed


def test_an_operand_of_a_calculation_beside_the_value_it_could_be_taken_for():
    from agentsynth.checks.roles import check_values_in_role

    question = "How much does the 10-swim card save?"
    assert check_values_in_role(question, "10 × $6 = $60, so the $50 card saves $10.", POOL).passed
    assert not check_values_in_role("What does a 10-swim card cost?", "A 10-swim card costs $6.", POOL).passed


# --- heldout-v19's misses (a baby monitor guide, makerspace rules, an e-bike commuting trial) ----

def test_free_answers_a_question_about_cost_and_over_an_age_is_no_time():
    source = ("The makerspace is open to members aged 14 and over. Before using the laser cutter, every member must "
              "complete a 45-minute induction, which is free and runs every Saturday.")
    assert check_no_contradiction("Does the induction cost anything?", "No, it's free.", source).passed
    charged = check_no_contradiction("Does the induction cost anything?", "Yes, it costs $10.", source)
    assert not charged.passed and "free" in charged.detail
    assert check_no_contradiction("Can my 12-year-old use the laser cutter?",
                                  "No. The makerspace is only open to members aged 14 and over.", source).passed


def test_what_the_source_cannot_say_is_no_denial():
    source = "The study ran in a city with dedicated bike lanes on most main roads."
    assert check_no_contradiction("Would this work in a city without bike lanes?", "The study can't say: it ran in a "
                                  "city with dedicated bike lanes on most main roads.", source).passed
    assert not check_no_contradiction("Where did the study run?", "It did not run in a city with dedicated bike lanes.",
                                      source).passed


# --- the yes/no judge's choice of statement (heldout-v19's misses, second round) -----------------

def test_a_clause_matched_only_through_the_clause_before_it_is_not_judged():
    source = ("The fridge shows the inside temperature and beeps if the door stays open for more than 2 minutes; "
              "you can change this delay in the app. The ice maker makes 1 kg of ice a day.")
    assert check_no_contradiction("I leave the door open for 30 seconds while I unload. Will it beep at me?",
                                  "No. 30 seconds is well under the 2 minutes it waits before beeping.", source).passed
    flipped = check_no_contradiction("Can I change the delay in the app?", "No, the delay cannot be changed.", source)
    assert not flipped.passed


def test_a_yes_or_no_is_judged_on_the_statement_it_gives_as_its_reason():
    subject = "Cargo bike trial"
    source = ("We lent electric cargo bikes for free to 60 families for six months. By the end, 21% of families had "
              "bought a cargo bike of their own. Car mileage fell by a third.")
    assert check_no_contradiction("Did families pay for the cargo bikes?", "No, the cargo bikes were lent for free.",
                                  source, subject).passed
    assert not check_no_contradiction("Did families pay for the cargo bikes?", "Yes, each family paid a monthly fee "
                                      "for its cargo bike.", source, subject).passed


def test_not_much_to_a_question_of_how_much_weighs_the_figures():
    source = ("| Mode | Before | After |\n|---|---|---|\n| Walking | 2.1 | 2.0 |\n| Car | 6.2 | 3.4 |\n\n"
              "Trips per week, mean per household.")
    assert check_no_contradiction("Did walking change much?", "Not much: it went from 2.1 to 2.0 trips a week.",
                                  source).passed
    assert not check_no_contradiction("Did car trips fall?", "They went from 3.4 to 6.2 a week.", source).passed


def test_a_no_beside_a_conditional_statement_the_question_asks_about_is_not_judged():
    source = ("Members may borrow up to 8 games at a time. Books are lent for 3 weeks and games for 2 weeks. You can "
              "renew an item twice, online or at the desk, unless another member has reserved it.")
    assert check_no_contradiction("Can I renew a book a third time?", "No. An item can be renewed twice.",
                                  source).passed
    # "at once" is no condition: "takes effect at once" stays a statement a no can contradict.
    upgrade = "Upgrading to a larger plan takes effect at once; downgrading takes effect at the next renewal."
    assert not check_no_contradiction("Does an upgrade take effect at once?", "No, an upgrade waits for the next "
                                      "renewal.", upgrade).passed


def test_doing_without_what_the_source_requires_contradicts_it():
    source = ("Set up the speaker in the Sona app first: the speaker will not play until the app has joined it to "
              "your Wi-Fi. The speaker weighs 1.2 kg.")
    done_without = check_no_contradiction("What do I need before the speaker plays?", "Nothing: the speaker can "
                                          "play without the app.", source)
    assert not done_without.passed and "requires" in done_without.detail
    assert check_no_contradiction("Does the speaker need the app?", "Yes: it will not play until the app has joined "
                                  "it to your Wi-Fi.", source).passed


# --- heldout-v20's misses (a robot vacuum manual, kayak rental terms, a classroom CO2 trial) ------

def test_a_yes_or_no_question_may_open_with_its_condition():
    from agentsynth.checks.qa import check_answers_question

    source = "Tours cancelled 24 hours ahead are refunded in full. No-shows are not refunded."
    assert check_answers_question("If I don't turn up for the tour, do I get anything back?",
                                  "No, no-shows aren't refunded.", source).passed


def test_the_askers_figure_against_the_sources_limit_in_another_unit():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "If you cancel at least 72 hours before your stay, we refund you in full."
    assert check_numbers_affirmed("Can I cancel 4 days ahead and get everything back?",
                                  "Yes: 4 days is more than 72 hours, so you get a full refund.", source).passed
    short = check_numbers_affirmed("Can I cancel 2 days ahead and get everything back?",
                                   "Yes: 2 days is more than 72 hours, so you get a full refund.", source)
    assert not short.passed


def test_a_count_is_of_the_noun_after_it_not_of_the_word_linking_it():
    from agentsynth.checks.roles import check_values_in_role

    source = ("We fitted heat meters in 60 flats across 15 buildings. In 30 flats, chosen at random, tenants saw "
              "their daily use; the other 30 flats saw nothing.")
    assert check_values_in_role("How many flats were in the study?", "60 flats, in 15 buildings.", source).passed
    assert not check_values_in_role("How many buildings took part?", "60 buildings.", source).passed


def test_a_result_may_come_before_the_calculation_that_gives_it():
    source = "We fitted heat meters in 60 flats across 15 buildings."
    assert check_numbers_grounded("4: 60 flats ÷ 15 buildings.", source).passed
    assert not check_numbers_grounded("5: 60 flats ÷ 15 buildings.", source).passed


def test_what_the_asker_gets_back_is_answered_by_a_price():
    from agentsynth.checks.qa import check_answers_question

    source = "Tours cancelled later than 24 hours before the start are refunded at 50%."
    question = "I cancel a £40 tour the evening before. How much do I get back?"
    answer = "£20: cancellations later than 24 hours ahead are refunded at 50%."
    assert check_answers_question(question, answer, source).passed
    assert check_numbers_grounded(answer, source, question).passed
    assert not check_numbers_grounded("£25: cancellations later than 24 hours ahead are refunded at 50%.", source,
                                      question).passed


def test_a_share_of_the_time_answers_how_often():
    from agentsynth.checks.roles import check_answer_type

    assert check_answer_type("How often was the hall above 26 °C in July?", "38% of the time.").passed
    assert not check_answer_type("How long does the battery last?", "38%.").passed


def test_parts_per_million_is_a_unit():
    from agentsynth.checks.facts import values_in
    from agentsynth.checks.qa import check_answers_question

    assert [(v.number, v.unit) for v in values_in("CO2 stayed under 800 ppm")] == [("800", "ppm")]
    source = ("| Measure | Fans on | Fans off |\n|---|---|---|\n| Mean CO2 (ppm) | 720 | 1,040 |\n\n"
              "Running the fans lowered mean CO2 by 320 ppm.")
    assert check_answers_question("How much lower was CO2 with the fans on?", "By 320 ppm: 720 against 1,040 ppm.",
                                  source, subject="Fans and CO2").passed


def test_a_value_goes_with_its_own_alternative():
    from agentsynth.checks.roles import check_values_in_role

    source = "On Eco the pump runs for up to 90 minutes; on Boost, about 40 minutes."
    assert check_values_in_role("How long does the pump run?", "Up to 90 minutes on Eco, or about 40 minutes on "
                                "Boost.", source).passed
    assert check_values_in_role("How long does the pump run?", "Up to 90 minutes on Eco, or about half an hour on "
                                "Boost.", source).passed
    assert not check_values_in_role("How long does the pump run on Boost?", "Up to 90 minutes on Boost.",
                                    source).passed


def test_a_yes_to_a_negative_clause_asked_word_for_word():
    source = ("Use only the supplied charger: third-party chargers can overheat the battery and are not covered by "
              "the warranty. The battery lasts 3 hours.")
    flipped = check_no_contradiction("Is battery damage from third-party chargers covered by the warranty?",
                                     "Yes, the warranty covers battery damage from third-party chargers.", source)
    assert not flipped.passed and "not covered" in flipped.detail
    assert check_no_contradiction("Is battery damage from third-party chargers covered by the warranty?",
                                  "No, third-party chargers are not covered by the warranty.", source).passed


def test_a_short_english_question_is_english():
    from agentsynth.tools.language import detect_language

    assert detect_language("I bring a kayak back 45 minutes late. What will I pay?") == "en"
    assert detect_language("Gaano katagal ang baterya sa Max mode kapag puno?") != "en"
    assert detect_language("Quanto tempo dura a bateria no modo Max, e quanto custa?") != "en"


# --- heldout-v21's misses (a pressure cooker manual, allotment rules, a sit-stand desk trial) -----

def test_a_reply_of_no_does_not_hide_the_comparison_it_turns_round():
    source = "Cyclists took 12 minutes less per trip than drivers."
    turned = check_no_contradiction("Did cyclists take less time than drivers?", "No, they took 12 minutes more per "
                                    "trip.", source)
    assert not turned.passed


def test_a_no_to_only_denies_the_restriction():
    source = "Noise was recorded with a meter for one night at the start, at 2 months and at 4 months."
    assert check_no_contradiction("Was noise recorded only at the end?", "No. It was recorded at the start, at 2 "
                                  "months and at 4 months.", source).passed


def test_a_month_outside_the_span_of_a_rule_is_not_its_case():
    source = "Barbecues are not allowed from May to August. Each pitch may have one tent."
    assert check_no_contradiction("Can I have a barbecue in October?", "Yes — barbecues are only banned from May to "
                                  "August.", source).passed
    assert not check_no_contradiction("Can I have a barbecue in June?", "Yes, barbecues are allowed in June.",
                                      source).passed


def test_a_row_label_gives_the_unit_of_its_cells():
    source = ("| Measure | Group A | Group B |\n|---|---|---|\n| Screen time (min per day) | 212 | 268 |\n"
              "| Sleep (h per night) | 7.9 | 7.4 |")
    assert check_numbers_grounded("56 minutes less per day: 212 against 268 minutes.", source).passed
    assert not check_numbers_grounded("212 hours against 268 hours.", source).passed


def test_a_price_period_said_once_goes_for_the_price_beside_it():
    from agentsynth.checks.roles import check_values_in_role

    source = "Large lockers are 90 litres and cost £80 a year; small lockers are 45 litres and cost £50."
    assert check_values_in_role("How big is a small locker and what does it cost?", "45 litres, for £50 a year.",
                                source).passed


def test_half_of_a_price_and_a_price_each():
    source = "Members aged 65 or over pay half price. A season ticket costs £120. Spare keys cost €9 for a pack of two."
    assert check_numbers_grounded("£60: members aged 65 or over pay half of the £120 price.", source).passed
    assert not check_numbers_grounded("£50: members aged 65 or over pay half of the £120 price.", source).passed
    assert check_numbers_grounded("€4.50 each: a pack of two costs €9.", source).passed
    assert not check_numbers_grounded("€3.50 each: a pack of two costs €9.", source).passed


def test_the_rest_of_a_percentage_stated_beside_it():
    source = "At least 80% of each bed must be planted."
    assert check_numbers_grounded("Up to 20%, since at least 80% must be planted.", source).passed
    assert not check_numbers_grounded("Up to 20% may be left bare.", source).passed


def test_a_no_to_what_the_source_allows_only():
    source = "Barbecues may be used only on the gravel area, never on the grass. Tents must be down by 11 a.m."
    allowed = check_no_contradiction("Can barbecues be used on the gravel area?", "No, barbecues are banned.", source)
    assert not allowed.passed and "allows" in allowed.detail
    assert check_no_contradiction("Can I use a barbecue on the grass?", "No. Barbecues may only be used on the "
                                  "gravel area, never on the grass.", source).passed


# --- heldout-v22's misses (an earbuds guide, dog kennel terms, a fine-free library study) ---------

def test_a_span_counts_between_times_the_answer_names_not_any_two_of_the_source():
    source = "Drop-off is between 7 a.m. and 9 a.m., and pick-up between 4 p.m. and 7 p.m. Jabs are due 10 days ahead."
    assert check_numbers_grounded("2 hours, from 7 a.m. to 9 a.m.", source).passed
    assert not check_numbers_grounded("At least 12 hours before arrival.", source).passed  # 7 p.m. to 7 a.m.


def test_a_yes_gives_as_its_reason_the_clauses_of_one_sentence():
    source = ("The earphones are rated IPX5: they withstand sweat and spray but must not be worn swimming or in "
              "the bath. The battery lasts 12 hours.")
    assert check_no_contradiction("Can I wear them for cycling in the rain?", "Yes. They're rated IPX5, so they "
                                  "withstand sweat and spray.", source).passed
    assert not check_no_contradiction("Can I wear them swimming?", "Yes, they can be worn swimming.", source).passed


def test_a_percentage_off_and_a_difference_said_instead_of_or_by_from_to():
    source = ("A second cat in the same pen gets 15% off its own rate. | Cat | Per night | 7+ nights |\n"
              "|---|---|---|\n| Cat | £20 | £18 |\n\nMembers rose from 12,300 to 12,750.")
    assert check_numbers_grounded("£17: 15% off the £20 rate.", source).passed
    assert not check_numbers_grounded("£16: 15% off the £20 rate.", source).passed
    assert check_numbers_grounded("£2 a night: £18 instead of £20.", source).passed
    assert check_numbers_grounded("By 450: from 12,300 to 12,750.", source).passed
    assert not check_numbers_grounded("By 550: from 12,300 to 12,750.", source).passed


def test_the_askers_figure_against_the_sources_figure_named_with_the():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "Cats must be vaccinated at least 21 days before arrival."
    assert check_numbers_affirmed("My cat had its jab 4 weeks before the stay. Is that OK?",
                                  "Yes: 4 weeks is more than the 21 days required.", source).passed
    assert not check_numbers_affirmed("My cat had its jab 2 weeks before the stay. Is that OK?",
                                      "Yes: 2 weeks is more than the 21 days required.", source).passed


def test_a_time_of_day_answers_when_and_must_be_the_asked_statements():
    from agentsynth.checks.qa import check_answers_question
    from agentsynth.checks.roles import check_values_in_role

    source = ("Doors open at 7 p.m. and the show starts at 7:30 p.m. Late entry after 8 p.m. costs £5. The bar "
              "closes at 11 p.m.")
    assert check_answers_question("When can we go in?", "From 7 p.m.", source).passed
    assert check_values_in_role("When does the bar close?", "At 11 p.m.", source).passed
    wrong = check_values_in_role("When does the bar close?", "At 8 p.m.", source)
    assert not wrong.passed and "Late entry" in wrong.detail


def test_a_fall_where_a_before_and_after_table_rises():
    source = ("| Measure | Before | After |\n|---|---|---|\n| Weekly visitors | 12,400 | 15,100 |\n"
              "| Complaints | 31 | 19 |")
    turned = check_no_contradiction("Did weekly visitors go up?", "No, weekly visitors fell after the change.", source)
    assert not turned.passed and "12400 to 15100" in turned.detail
    assert check_no_contradiction("Did complaints go down?", "Yes, complaints fell.", source).passed


# --- heldout-v23's misses (a sewing machine guide, climbing centre rules, a school meals pilot) -----

def test_at_full_speed_asks_no_speed_and_a_yes_no_question_asks_no_kind_of_value():
    from agentsynth.checks.roles import check_answer_type

    assert check_answer_type("How many pages can it print in 2 minutes at full speed?", "Up to 60.").passed
    assert check_answer_type("I'm printing 200 pages. Can it run at top speed?", "No. Above 100 pages it slows to "
                             "20 pages a minute.").passed
    assert not check_answer_type("What is its top speed?", "2 hours.").passed


def test_a_calculation_shown_apart_from_its_result_grounds_the_result():
    source = "The printer prints up to 30 pages per minute. A 12-month plan costs £9 a month. Toner lasts 6 months."
    assert check_numbers_grounded("£108: the cost of 12 months, 12 × £9.", source).passed
    assert not check_numbers_grounded("£118: the cost of 12 months, 12 × £9.", source).passed
    assert check_numbers_grounded("About 4: one every 6 months (24 ÷ 6).", source, "How many in 24 months?").passed
    assert not check_numbers_grounded("About 5: one every 6 months (24 ÷ 6).", source, "How many in 24 months?").passed
    assert check_numbers_grounded("Up to 15: 30 per minute ÷ 2.", source).passed


def test_a_rate_or_an_interval_over_the_askers_span():
    source = "Descale the kettle every 4 weeks. The pump moves 12 litres per minute."
    assert check_numbers_grounded("3 times: once every 4 weeks.", source, "How often in 12 weeks?").passed
    assert not check_numbers_grounded("4 times: once every 4 weeks.", source, "How often in 12 weeks?").passed
    assert check_numbers_grounded("60 litres: 12 per minute.", source, "How much in 5 minutes?").passed
    assert not check_numbers_grounded("50 litres: 12 per minute.", source, "How much in 5 minutes?").passed


def test_a_sum_said_with_plus_and_a_price_asked_of_someone_else():
    from agentsynth.checks.roles import asked_kinds

    source = "| Ticket | Weekday | Weekend |\n|---|---|---|\n| Adult | £12 | £15 |\n| Child | £6 | £8 |"
    assert check_numbers_grounded("It costs £18, with £12 for the adult plus £6 for the child.", source).passed
    assert not check_numbers_grounded("It costs £20, with £12 for the adult plus £6 for the child.", source).passed
    assert "price" in asked_kinds("What would two grandparents and a toddler pay on a Sunday?")
    assert "price" in asked_kinds("What does a night in the top room cost?")
    assert "price" not in asked_kinds("What would a toddler enjoy most?")


def test_the_askers_figure_within_the_limit_just_given_and_the_reason_before_so():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = ("Clean the filter after every use. The compressor is guaranteed for 7 years and all other parts for "
              "3 years; the warranty does not cover filters, seals or lamps.")
    question = "My compressor broke after 4 years. Is it covered?"
    answer = "Yes. The compressor is guaranteed for 7 years, so 4 years is within it."
    assert check_numbers_affirmed(question, answer, source).passed
    assert check_no_contradiction(question, answer, source).passed
    late = "My compressor broke after 9 years. Is it covered?"
    assert not check_numbers_affirmed(late, "Yes. The compressor is guaranteed for 7 years, so 9 years is within it.",
                                      source).passed
    assert not check_no_contradiction("Are seals covered?", "Yes, seals are covered by the warranty.", source).passed


def test_a_hyphenated_term_is_the_sources_spaced_one():
    from agentsynth.checks.qa import check_question_terms_grounded, check_terms_grounded

    source = "| Ticket | Price |\n|---|---|\n| Under 16 | £5 |\n| Adult | £9 |"
    assert check_question_terms_grounded("How much is an under-16 ticket?", source).passed
    assert check_terms_grounded("£5 for an under-16.", source).passed
    assert not check_terms_grounded("£5 for an over-65.", source).passed


def test_two_values_of_a_table_row_given_each_under_the_others_column():
    from agentsynth.checks.roles import check_values_in_role

    source = ("| Measure | Trial wards | Control wards |\n|---|---|---|\n| Falls per month | 4.2 | 6.9 |\n"
              "| Staff (per ward) | 30 | 28 |")
    assert check_values_in_role("How many falls were there?", "4.2 a month in the trial wards against 6.9 in the "
                                "control wards.", source).passed
    swapped = check_values_in_role("How many falls were there?", "6.9 a month in the trial wards and 4.2 in the "
                                   "control wards.", source)
    assert not swapped.passed and "Control wards" in swapped.detail
    # One value alone, beside a word a heading happens to use, is no swap.
    assert check_values_in_role("How many falls did trial wards have?", "4.2 a month, against 6.9 for wards with "
                                "usual staff.", source).passed


def test_a_comparison_asked_of_a_row_that_holds_one_figure_throughout():
    source = "| Item | Peak | Off-peak |\n|---|---|---|\n| Court hire | £20 | £12 |\n| Racket hire | £3 | £3 |"
    assert check_no_contradiction("Is racket hire cheaper off-peak?", "No, racket hire is £3 at any time.",
                                  source).passed
    assert not check_no_contradiction("Is racket hire cheaper off-peak?", "Yes, it's cheaper off-peak.", source).passed


def test_every_day_is_how_often_and_a_statement_is_flipped_apart_from_what_follows_from_it():
    source = ("Meter readings were taken daily, and tenants rated comfort once a month. Staff knew which flats "
              "had the new boilers, so comfort ratings may be biased.")
    assert not check_no_contradiction("Were meter readings taken every day?", "No, readings were only taken weekly.",
                                      source).passed
    assert check_no_contradiction("Was comfort rated every day?", "No, tenants rated comfort once a month.",
                                  source).passed
    flipped = check_no_contradiction("Were staff unaware of which flats had new boilers?",
                                     "Yes, staff didn't know which flats had the new boilers.", source)
    assert not flipped.passed
    assert check_no_contradiction("Could the comfort ratings be biased?", "Yes. Staff knew which flats had the new "
                                  "boilers.", source).passed


# --- heldout-v24's misses (a coffee grinder guide, music school terms, a bus fare cap study) --------

def test_an_age_group_is_no_number_of_seconds_and_names_the_sources_group():
    from agentsynth.checks.qa import check_terms_grounded

    source = "Visits by residents over 65 did not change, as they already park free."
    assert check_numbers_grounded("No. Visits by over-65s didn't change.", source).passed
    assert check_terms_grounded("No. Visits by over-65s didn't change.", source).passed
    assert not check_numbers_grounded("They waited 65 s longer.", source).passed


def test_a_calculation_in_millions_and_the_count_of_a_range():
    source = "The scheme cost about £2.4 million over 12 months. Modes 1 to 8 are for wool and 9 to 20 for cotton."
    assert check_numbers_grounded("About £200,000: £2.4 million ÷ 12.", source).passed
    assert not check_numbers_grounded("About £300,000: £2.4 million ÷ 12.", source).passed
    assert check_numbers_grounded("12: modes 9 to 20.", source).passed
    assert not check_numbers_grounded("11: modes 9 to 20.", source).passed


def test_how_often_in_a_period_the_question_names_without_a_figure():
    source = "Replace the filter every 3 months."
    assert check_numbers_grounded("4 times: once every 3 months.", source, "How many times a year?").passed
    assert not check_numbers_grounded("6 times: once every 3 months.", source, "How many times a year?").passed


def test_the_askers_figure_past_the_limit_and_an_operand_one_off_the_askers_figure():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "The pump has a 5-year warranty; the seals are covered for 2 years only. Locker hire is £8 a month; the " \
             "first month is free."
    assert check_numbers_affirmed("My seals failed after 30 months. Covered?", "No. The seals are covered for 2 years "
                                  "only, and 30 months is past that.", source).passed
    assert not check_numbers_affirmed("My seals failed after 18 months. Covered?", "No. The seals are covered for 2 "
                                      "years only, and 18 months is past that.", source).passed
    assert check_numbers_grounded("£40: the first month is free, then 5 × £8.", source, "What will 6 months cost?").passed
    assert not check_numbers_grounded("£48: the first month is free, then 5 × £8.", source,
                                      "What will 6 months cost?").passed


def test_a_change_said_down_to_or_from_to_works_out_its_difference_and_percentage():
    source = "Before the cut the average fare was £4.20; it was capped at £2.50. Trips rose from 50,000 to 62,000."
    assert check_numbers_grounded("£1.70: £4.20 down to £2.50.", source).passed
    assert check_numbers_grounded("About 24%: from 50,000 to 62,000.", source).passed
    assert not check_numbers_grounded("About 30%: from 50,000 to 62,000.", source).passed


def test_how_much_notice_asks_a_duration():
    from agentsynth.checks.qa import check_answers_question
    from agentsynth.checks.roles import asked_kinds

    source = "If you cancel at least 72 hours before a session, we will move it to another week."
    assert "duration" in asked_kinds("How much notice do I need to give to change a session?")
    assert check_answers_question("How much notice do I need to give to change a session?", "At least 72 hours.",
                                  source).passed


def test_a_yes_that_meets_the_condition_a_statement_sets_by_its_bound():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = ("If you cancel at least 72 hours before a session, we will move it to another week. Sessions cancelled "
              "later are not moved or refunded.")
    question = "If I cancel 4 days before, will the session be moved?"
    answer = "Yes. 4 days is more than the 72 hours' notice needed, so it's moved to another week."
    assert check_no_contradiction(question, answer, source).passed
    assert check_numbers_affirmed(question, answer, source).passed
    assert not check_no_contradiction(question, "Yes, sessions cancelled later are moved too.", source).passed
    short = "If I cancel 2 days before, will the session be moved?"
    assert not check_numbers_affirmed(short, "Yes. 2 days is more than the 72 hours' notice needed.", source).passed


def test_a_decimal_is_no_count_of_the_noun_after_it():
    from agentsynth.checks.roles import check_values_in_role

    source = ("| Measure | Before | After |\n|---|---|---|\n| Trips under 2 miles | 30% | 41% |\n"
              "| Average trip (miles) | 5.2 | 4.4 |")
    assert check_values_in_role("Did trips get shorter?", "Yes, the average fell from 5.2 to 4.4 miles.",
                                source).passed


def test_not_at_all_denies_what_the_source_grants_only_in_part_and_a_no_to_free_where_there_is_no_charge():
    source = ("The kettle has a 2-year warranty; the filters are consumables and are covered for 3 months only. You "
              "can rent a water softener for £5 a month; there is no rental charge for the first month.")
    assert not check_no_contradiction("Are filters covered by the warranty?", "No, filters aren't covered at all.",
                                      source).passed
    assert check_no_contradiction("Are filters covered for 2 years?", "No, they're consumables and only covered for "
                                  "3 months.", source).passed
    assert not check_no_contradiction("Is the first month of rental free?", "No, rental is charged from the first "
                                      "month.", source).passed
    assert check_no_contradiction("Is the first month of rental free?", "Yes, there's no charge for the first month.",
                                  source).passed


def test_values_swapped_across_and_a_and_switched_off_where_the_source_says_running():
    from agentsynth.checks.roles import check_values_in_role

    source = ("A 60-minute class costs £15 and a 90-minute class £21. Adjust the belt only while the motor is "
              "running, or it may slip.")
    assert not check_values_in_role("What do 60- and 90-minute classes cost?", "£21 for 60 minutes and £15 for 90 "
                                    "minutes.", source).passed
    assert check_values_in_role("What do 60- and 90-minute classes cost?", "£15 for 60 minutes and £21 for 90 "
                                "minutes.", source).passed
    assert not check_no_contradiction("Can I adjust the belt while the motor runs?", "No, always switch the motor "
                                      "off before adjusting the belt.", source).passed
    assert check_no_contradiction("Can I adjust the belt when the machine is off?", "No. Only adjust it while the "
                                  "motor is running, or it may slip.", source).passed


def test_one_step_of_arithmetic_on_figures_the_answer_shows_is_recomputed_however_it_is_worded():
    source = "Tickets were £5.60 before the change and £3.50 after. Riders rose from 8,000 to 9,800 a week."
    assert check_numbers_grounded("£2.10: £5.60 became £3.50.", source).passed
    assert not check_numbers_grounded("£2.40: £5.60 became £3.50.", source).passed
    assert check_numbers_grounded("Roughly 23% (8,000 became 9,800).", source).passed
    assert not check_numbers_grounded("Roughly 28% (8,000 became 9,800).", source).passed
    assert check_numbers_grounded("7 tickets, each at £3.50.", source, "What can I buy with £24.50?").passed
    # A lone figure shows nothing to recompute from.
    assert not check_numbers_grounded("£2.10.", source).passed


# --- heldout-v25's misses (a cordless drill manual, student halls rules, a school start time study) --

def test_rpm_is_a_speed():
    from agentsynth.checks.roles import check_answer_type

    assert check_answer_type("How much faster is speed 3 than speed 1?", "1,200 rpm faster: 2,000 rpm against "
                             "800 rpm.").passed
    assert check_answer_type("Which speed should I use to sand?", "Speed 3, up to 2,000 rpm.").passed
    assert not check_answer_type("What speed does it reach?", "2,000 W.").passed


def test_banned_is_a_no_and_the_sources_own_occasion_or_figures_correct_the_question():
    source = ("Barbecues, fireworks and sky lanterns are banned. A £30 fine applies the third time a bin is left "
              "out. We surveyed 600 residents aged 18 to 30.")
    assert check_no_contradiction("Can I have a barbecue on the green?", "No, barbecues are banned.", source).passed
    assert not check_no_contradiction("Can I have a barbecue on the green?", "Yes, barbecues are fine.", source).passed
    assert check_no_contradiction("Will I be fined the first time I leave my bin out?", "No. The £30 fine applies the "
                                  "third time it happens.", source).passed
    assert check_no_contradiction("Were older residents surveyed?", "No, the residents were aged 18 to 30.",
                                  source).passed


def test_a_question_in_the_titles_words_the_passage_uses_is_on_topic_and_how_much_more_sleep_asks_a_duration():
    from agentsynth.checks.qa import check_question_on_topic
    from agentsynth.checks.roles import asked_kinds

    source = "In May 2024, 3 depots moved their opening time from 6 a.m. to 7 a.m.; 3 depots kept 6 a.m."
    assert check_question_on_topic("How much later did the new opening time begin?", source,
                                   "Later Depot Opening Times").passed
    assert not check_question_on_topic("How much did the new uniforms cost?", source,
                                       "Later Depot Opening Times").passed
    assert "duration" in asked_kinds("How much more sleep did the drivers get?")


def test_a_time_something_happens_within_names_nothing_it_measures():
    from agentsynth.checks.roles import check_values_in_role

    source = "The boiler has a 5-year guarantee, extended to 8 years if you book a service within 60 days."
    assert check_values_in_role("I booked a service after 3 weeks. Do I get 8 years?", "Yes: booking within 60 days "
                                "extends the guarantee to 8 years, and 3 weeks is within that.", source).passed


def test_a_rate_per_another_period_than_the_sources():
    source = "The press makes 40 cups per hour. Bins are emptied twice a week. Lamps burn 12 hours a night."
    assert not check_numbers_grounded("Up to 40 cups per minute.", source).passed
    assert not check_numbers_grounded("Twice a month.", source).passed
    assert check_numbers_grounded("Twice a week.", source).passed
    assert check_numbers_grounded("$12 per lamp per year.", "Each lamp costs $12 a year to run; lamps burn 12 hours "
                                  "a night.").passed


def test_a_time_of_day_of_two_source_numbers_is_no_source_time():
    source = "The ferry left at 8:45 a.m. and now leaves at 9:10 a.m. Boarding takes a 20-minute slot."
    assert not check_numbers_grounded("At 9:45 a.m.", source).passed
    assert check_numbers_grounded("At 9:10 a.m.", source).passed
    assert check_numbers_grounded("9:10 a.m. − 20 minutes = 8:50 a.m.", source).passed  # a span the source gives


def test_a_value_given_with_the_words_of_the_other_part_of_the_sources_sentence():
    from agentsynth.checks.roles import check_values_in_role

    source = ("Visiting hours are 2 p.m. to 8 p.m. on weekdays and noon to 6 p.m. at weekends. Press the button "
              "twice to start or stop, and three times to reset.")
    assert not check_values_in_role("When do visits start?", "Noon on weekdays and 2 p.m. at weekends.", source).passed
    assert check_values_in_role("When do visits start?", "2 p.m. on weekdays and noon at weekends.", source).passed
    assert not check_values_in_role("How do I stop it?", "Press it three times to stop.", source).passed
    assert check_values_in_role("How do I reset it?", "Press the button three times.", source).passed


# --- heldout-v26's misses (a food processor manual, driving school terms, a text reminder trial) -----

def test_which_speed_asks_a_setting_and_a_count_as_the_source_writes_it_is_no_other_values():
    from agentsynth.checks.roles import check_answer_type, check_values_in_role

    source = "There are three speeds and a turbo button; use speed 1 for cream and speed 3 for egg whites."
    assert check_answer_type("Which speed should I use for cream?", "Speed 1.").passed
    assert check_values_in_role("Does it have a turbo setting?", "Yes, there's a turbo button as well as three "
                                "speeds.", source).passed


def test_a_bare_price_answers_how_much_is_and_a_large_count_answers_how_many():
    from agentsynth.checks.qa import check_answers_question

    source = ("| Class | Price |\n|---|---|\n| 1 hour | £45 |\n| 2 hours | £85 |\n| Block of 8 hours | £320 |\n\n"
              "From May to October 2024, 14,800 outpatients at two clinics were randomly assigned to get a letter. "
              "Patients under 18 were excluded.")
    assert check_answers_question("How much is a one-hour class?", "£45.", source).passed
    assert check_answers_question("How many patients were in the study?", "14,800 outpatients.", source).passed
    assert not check_answers_question("How much is a one-hour class?", "Patients under 18 were excluded.", source).passed


def test_a_value_said_of_a_row_by_name_in_the_prose_below_its_table():
    from agentsynth.checks.roles import check_values_in_role

    source = ("## Prices\n\n| Class | Price |\n|---|---|\n| 1 hour | £45 |\n| 2 hours | £85 |\n| Block of 8 hours | £320 "
              "|\n\nA block of 8 hours must be used within 4 months of booking. Classes start at the studio.")
    assert check_values_in_role("Can I use my block over a year?", "No, a block of 8 hours must be used within 4 months "
                                "of booking.", source).passed
    assert not check_values_in_role("How much is a block?", "A block of 8 hours costs £85.", source).passed


def test_months_or_days_a_span_names_and_a_price_in_pence():
    source = "From March to August 2024, 900 users got a reminder. Each letter cost 60p; a missed visit costs £90."
    assert check_numbers_grounded("6: March to August 2024.", source).passed
    assert not check_numbers_grounded("5: March to August 2024.", source).passed
    assert check_numbers_grounded("150: £90 ÷ 60p.", source).passed
    assert not check_numbers_grounded("1.5: £90 ÷ 60p.", source).passed


def test_nobody_negates_a_word_the_passage_has_in_another_form_and_free_where_the_source_charges():
    from agentsynth.checks.qa import check_question_on_topic

    source = ("Households were randomly allocated to a smart meter or none. We did not check whether tenants read the "
              "display. Tenants must show their key card at every visit; without it the visit is cancelled and charged.")
    assert check_no_contradiction("What are the limits?", "Nobody checked whether tenants read the display.",
                                  source).passed
    assert not check_no_contradiction("Did anyone check the display was read?", "Yes, staff checked that tenants "
                                      "read the display.", source).passed
    assert check_question_on_topic("Was it randomised?", source).passed
    assert not check_no_contradiction("Is the visit still charged without my key card?", "No, the visit is moved "
                                      "for free.", source).passed


# --- heldout-v27's misses (a rice cooker manual, community hall hire terms, a street tree study) ----

def test_steps_of_arithmetic_each_on_figures_the_answer_shows():
    source = "The studio costs £40 an hour. Students pay half the hourly rate."
    question = "What would a student pay for 4 hours?"
    assert check_numbers_grounded("£80: half of £40 is £20, times 4 hours.", source, question).passed
    assert not check_numbers_grounded("£90: half of £40 is £20, times 4 hours.", source, question).passed


def test_measures_of_a_kind_divide_in_one_unit_and_a_quotient_rounded_up():
    source = ("The oven timer can be set up to 12 hours ahead in 15-minute steps. Groups need one guide for every 8 "
              "walkers.")
    assert check_numbers_grounded("48: up to 12 hours in 15-minute steps.", source).passed
    assert not check_numbers_grounded("40: up to 12 hours in 15-minute steps.", source).passed
    question = "How many guides do we need for 20 walkers?"
    assert check_numbers_grounded("3: one guide for every 8 walkers, rounded up.", source, question).passed
    assert not check_numbers_grounded("4: one guide for every 8 walkers, rounded up.", source, question).passed


def test_a_yes_that_works_with_the_askers_figure_does_not_affirm_it():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "| Ticket | Price |\n|---|---|\n| One hour | £10 |\n| Day pass | £50 |"
    question = "Is a day pass cheaper than 6 hours?"
    assert check_numbers_affirmed(question, "Yes: £50 for the day against £60 for 6 hours at £10.", source).passed
    assert not check_numbers_affirmed("Is a day pass cheaper than 6 hours?", "Yes.", source).passed


def test_a_count_before_a_verb_counts_what_the_sentence_speaks_of():
    from agentsynth.checks.roles import check_values_in_role

    source = "In 2022 the council fitted 1,200 bins in 4 districts; 4 other districts got none."
    assert check_values_in_role("Did every district get bins?", "No. 4 got bins and 4 others got none.", source).passed
    assert not check_values_in_role("How many bins were fitted?", "4 bins were fitted.", source).passed


def test_a_signed_change_said_in_words():
    source = ("## Results\n\n| Measure | Shaded | Not shaded |\n|---|---|---|\n"
              "| Change in mean temperature | −1.2 °C | +0.4 °C |")
    assert check_content_supported("They fell by 1.2 °C on average, while unshaded plots warmed by 0.4 °C.",
                                   source).passed
    assert not check_content_supported("They fell by 1.2 °C thanks to new fountains and misting sprays.",
                                       source).passed


def test_a_hedged_no_given_with_the_sources_own_reason():
    from agentsynth.tools.text import answer_polarity

    source = "The plants were still small, so the hedge may take 5 years to reach full height."
    question = "Has the hedge reached full height?"
    assert answer_polarity("Probably not: the plants were still small.") is False
    assert check_no_contradiction(question, "Probably not: the plants were still small, so the hedge may take 5 "
                                  "years to reach full height.", source).passed
    assert not check_no_contradiction("Were the plants small?", "Probably not: the plants were not small.",
                                      source).passed


def test_values_swapped_between_clauses_that_each_have_their_own():
    from agentsynth.checks.roles import check_values_in_role

    source = ("Lights must be off at 11 p.m. and the gate must be locked by 11:30 p.m. Green tea takes about 3 minutes "
              "and black tea about 5 minutes. Members may bring up to 4 guests at a time, juniors up to 2.")
    assert not check_values_in_role("When?", "Lights off at 11:30 p.m. and the gate locked by 11 p.m.", source).passed
    assert check_values_in_role("When?", "Lights off at 11 p.m. and the gate locked by 11:30 p.m.", source).passed
    assert not check_values_in_role("How long?", "Green about 5 minutes and black about 3.", source).passed
    assert check_values_in_role("How long?", "Green about 3 minutes and black about 5.", source).passed
    assert check_values_in_role("How many guests can my son bring?", "Up to 2 guests at a time, as a junior.",
                                source).passed


def test_how_often_the_source_never_says():
    source = ("Descale the kettle once a year. The kettle has a 2-year warranty. Change the filter after 6 weeks of "
              "use.")
    assert not check_numbers_grounded("Every 2 years.", source).passed
    assert check_numbers_grounded("Once a year.", source).passed
    assert check_numbers_grounded("Every 6 weeks.", source).passed


def test_never_denies_what_the_source_grants_on_a_condition():
    source = "The £20 key deposit is refunded when you return the key undamaged."
    question = "Is the key deposit refunded?"
    assert not check_no_contradiction(question, "No, the key deposit is never refunded.", source).passed
    assert check_no_contradiction(question, "Only when you return the key undamaged.", source).passed


def test_a_yes_or_no_against_the_sources_instruction():
    source = ("## Sowing\n\nSoak the seeds until they swell, then sow them 1 cm deep. Wash the tray by hand; it is not "
              "dishwasher-safe.")
    assert not check_no_contradiction("Should I soak the seeds before sowing?", "No, soaking isn't needed.",
                                      source).passed
    assert check_no_contradiction("Should I soak the seeds before sowing?", "Yes, soak them until they swell.",
                                  source).passed
    assert check_no_contradiction("Should I wash the tray in the dishwasher?", "No, wash it by hand.", source).passed


def test_a_direction_or_a_season_the_source_never_names():
    source = "Readings were taken in June and July. The wind came mostly from the west."
    assert not check_no_contradiction("Were readings taken in winter?", "Yes, all year.", source).passed
    assert check_no_contradiction("Were readings taken in winter?", "No, only in June and July.", source).passed
    assert not check_no_contradiction("Was the wind mostly from the north?", "Yes, mostly from the north.",
                                      source).passed
    assert check_no_contradiction("Where did the wind come from?", "Mostly from the west.", source).passed


# --- heldout-v28's misses (a heated underblanket guide, tool library terms, a walking bus trial) ----

def test_how_often_answered_by_a_frequency_and_a_count_a_year_of_every_month():
    from agentsynth.checks.roles import check_answer_type

    source = "Clean the filter at most 4 times a year."
    assert check_answer_type("How often can I clean the filter?", "At most 4 times a year.").passed
    assert not check_answer_type("How often can I clean the filter?", "£4.").passed
    question = "Can I clean it every month?"
    assert check_numbers_grounded("No: that would be 12 cleans a year, and the limit is 4.", source, question).passed
    assert not check_numbers_grounded("No: that would be 14 cleans a year, and the limit is 4.", source,
                                      question).passed


def test_an_age_is_no_period_of_a_price_column():
    source = ("## Fees\n\n| Plan | Per year |\n|---|---|\n| Adult | £40 |\n| Student | £20 |\n\n"
              "Members must be 16 or over.")
    assert check_no_contradiction("Can my 14-year-old join?", "No, members must be 16 or over.", source).passed
    assert not check_no_contradiction("Must members be 16 or over?", "No, anyone can join.", source).passed


def test_how_long_a_span_of_the_sources_times_lasts_and_months_from_one_to_another():
    source = ("The hall is open on Tuesdays from 5 p.m. to 8 p.m. and on Sundays from 10 a.m. to noon. Families were "
              "surveyed in October 2022 and again in May 2023.")
    assert check_numbers_grounded("5 hours: 3 on Tuesday and 2 on Sunday.", source).passed
    assert not check_numbers_grounded("7 hours: 4 on Tuesday and 3 on Sunday.", source).passed
    assert check_numbers_grounded("About 7 months: October 2022 to May 2023.", source).passed
    assert not check_numbers_grounded("About 9 months: October 2022 to May 2023.", source).passed


def test_a_change_from_one_figure_to_another_in_a_table_cell():
    source = ("| Measure | Scheme | Comparison |\n|---|---|---|\n"
              "| Bus trips per person per week | 2.0 → 2.6 | 2.1 → 2.0 |\n| Share cycling | 8% → 12% | 9% → 9% |")
    question = "Did bus trips go up in the comparison group?"
    assert check_no_contradiction(question, "No, they fell slightly, from 2.1 to 2.0 a week.", source).passed
    assert check_content_supported("No, they fell slightly, from 2.1 to 2.0 a week.", source).passed
    assert not check_no_contradiction(question, "Yes, they went up.", source).passed
    assert not check_no_contradiction("How did cycling change with the scheme?", "From 12% to 8%.", source).passed
    assert not check_numbers_grounded("2.6 per day.", source).passed
    assert check_numbers_grounded("2.6 per week.", source).passed


def test_a_time_after_which_something_happens_is_no_condition():
    source = "The heater switches itself off after 6 hours."
    assert not check_no_contradiction("Does the heater switch itself off?", "No, you must switch it off yourself.",
                                      source).passed
    assert check_no_contradiction("Does the heater switch itself off?", "Yes, after 6 hours.", source).passed


def test_a_price_in_a_column_headed_with_its_period():
    source = "| Plan | Per year | Loans at a time |\n|---|---|---|\n| Basic | £30 | 2 |\n| Family | £45 | 6 |"
    assert not check_numbers_grounded("£45 a month.", source).passed
    assert check_numbers_grounded("£45 a year.", source).passed


def test_a_no_to_what_the_source_allows_only_so_and_always_where_it_says_only_if():
    source = ("## Lending\n\nLadders are lent only to members who have done the 30-minute ladder safety course. "
              "You pay for cleaning only if the tool comes back dirty.")
    title = "Hillside Tool Library: Borrowing Rules"
    assert not check_no_contradiction("Do I need the safety course to borrow a ladder?",
                                      "No, any member can borrow one.", source, title).passed
    assert check_no_contradiction("Do I need the safety course to borrow a ladder?",
                                  "Yes, ladders are lent only to members who have done it.", source, title).passed
    assert not check_no_contradiction("Do I pay for cleaning a clean tool?", "Yes, you always pay for cleaning.",
                                      source, title).passed


def test_a_part_of_the_night_is_which_part():
    from agentsynth.checks.roles import check_values_in_role

    source = "Use level 5 to heat the room for up to 20 minutes before bed, then turn down to level 2 for the night."
    assert not check_values_in_role("Which levels?", "Level 2 to heat up, then level 5 for the night.", source).passed
    assert check_values_in_role("Which levels?", "Level 5 to heat up, then level 2 for the night.", source).passed


# --- heldout-v29's misses (a steam iron manual, junior football club terms, a noise camera study) ---

def test_a_unit_with_a_slash_in_written_arithmetic_and_half_the_askers_figure():
    source = "Continuous steam runs at 30 g/min. Leavers before 1 March get half the season fee back."
    asked = "How much water do 5 minutes of steam use?"
    assert check_numbers_grounded("About 150 g: 30 g/min × 5 minutes.", source, asked).passed
    assert not check_numbers_grounded("About 180 g: 30 g/min × 5 minutes.", source, asked).passed
    question = "How much do we get back on a £140 fee if we leave in February?"
    assert check_numbers_grounded("£70, half the season fee.", source, question).passed
    assert not check_numbers_grounded("£60, half the season fee.", source, question).passed


def test_an_age_group_inside_a_range_of_them_and_a_price_per_season():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "| Age group | Per season |\n|---|---|\n| Under 8 to under 12 | £90 |\n| Under 13 to under 18 | £130 |"
    assert check_question_terms_grounded("How much is a season for an under-10?", source).passed
    assert not check_question_terms_grounded("How much is a season for an under-21?", source).passed
    assert not check_numbers_grounded("£90 a month.", source).passed
    assert check_numbers_grounded("£90 a season.", source).passed


def test_a_no_to_a_supposition_given_with_what_the_source_says_instead():
    source = ("Give 2 weeks' notice in writing to cancel. A late return brings a reminder email, then a £10 charge for "
              "a second late return within 3 months.")
    assert check_no_contradiction("Can I cancel by phone?", "No, notice must be in writing.", source).passed
    assert check_no_contradiction("Is there a charge for a first late return?", "No, a first late return brings a "
                                  "reminder email; the £10 charge is for a second late return within 3 months.",
                                  source).passed
    assert check_content_supported("A first late return brings a reminder email.", source).passed
    assert not check_no_contradiction("Must I give notice in writing?", "No, a phone call is fine.", source).passed


def test_values_swapped_between_clauses_that_each_name_what_they_are_about():
    from agentsynth.checks.roles import check_values_in_role

    source = "The kettle has a 2-year guarantee; the element is guaranteed against scale for 6 years."
    assert not check_values_in_role("How long?", "The kettle for 6 years and the element for 2.", source).passed
    assert check_values_in_role("How long?", "The kettle for 2 years and the element for 6.", source).passed


# --- heldout-v30's misses (a filter jug guide, phone repair terms, a school garden study) ------------

def test_after_an_event_is_no_condition_and_a_span_of_months_read_backwards():
    source = ("The warranty does not cover a lens scratched after the service. Lessons ran weekly from April to "
              "June.")
    assert not check_no_contradiction("Does the warranty cover a lens scratched later?", "Yes, a scratched lens is "
                                      "covered.", source).passed
    assert check_no_contradiction("Does the warranty cover a lens scratched later?", "No, a lens scratched after the "
                                  "service isn't covered.", source).passed
    assert not check_no_contradiction("When did lessons run?", "From June to April.", source).passed
    assert check_no_contradiction("When did lessons run?", "From April to June.", source).passed


def test_the_askers_time_ago_set_against_the_sources_span():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "Every service is guaranteed for 9 months."
    answer = "Yes, services are guaranteed for 9 months."
    assert check_numbers_affirmed("Is a service from 5 months ago still guaranteed?", answer, source).passed
    assert not check_numbers_affirmed("Is a service from 11 months ago still guaranteed?", answer, source).passed


# --- heldout-v31's misses (a slow cooker manual, boiler cover plan terms, a school streets trial) ---

def test_the_askers_time_of_day_moved_by_a_range_of_spans():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "Dough left to rise takes 8–12 hours; on the warm setting, 2 to 3 hours."
    question = "If I leave the dough at 9 a.m., when will it be ready?"
    assert check_numbers_affirmed(question, "Between 5 p.m. and 9 p.m., as it takes 8 to 12 hours.", source).passed
    assert check_numbers_affirmed("If I start it on warm at noon, when is it ready?",
                                  "Between 2 p.m. and 3 p.m., since warm takes 2 to 3 hours.", source).passed
    assert not check_numbers_affirmed(question, "Between 6 p.m. and 9 p.m., as it takes 8 to 12 hours.",
                                      source).passed


def test_the_askers_count_in_words_times_a_span_said_in_another_unit():
    source = "Each extra stop adds about 15 minutes to the route."
    question = "If I add four stops, how much longer will the route take?"
    assert check_numbers_grounded("About an hour longer: 4 × 15 minutes.", source, question).passed
    assert check_numbers_grounded("1 hour: 4 × 15 minutes.", source, question).passed
    wrong = check_numbers_grounded("About 2 hours longer: 4 × 15 minutes.", source, question)
    assert not wrong.passed and "arithmetic does not hold" in wrong.detail


def test_the_rows_of_a_table_counted():
    source = ("| Tier | Monthly |\n|---|---|\n| Bronze | £5 |\n| Silver | £8 |\n| Gold | £12 |\n\n"
              "Every tier includes support.")
    assert check_numbers_grounded("Yes, all three do.", source).passed
    assert check_numbers_grounded("There are 3 tiers: Bronze, Silver and Gold.", source).passed
    assert not check_numbers_grounded("Yes, all four do.", source).passed


def test_a_sum_beside_its_calculation_in_brackets_stands_on_the_source():
    source = "| Plan | Monthly | Setup fee |\n|---|---|---|\n| Lite | £7.50 | £60 |"
    assert check_content_supported("£150: £90 for the year (12 × £7.50) plus the £60 setup fee.", source).passed
    assert not check_content_supported("£160: £100 for the year (12 × £7.50) plus the £60 setup fee.", source).passed


def test_a_no_to_a_supposition_says_first_for_the_sources_before():
    source = "Thaw frozen fish fully before frying. Fry each side for 4 minutes."
    question = "Can I put frozen fish straight in the pan?"
    assert check_no_contradiction(question, "No, thaw it fully first.", source).passed
    # (a no that rests on no word of the judged statement stays judged by it)
    assert not check_no_contradiction(question, "No, it needs 4 minutes a side.", source).passed


def test_always_affirms_what_the_source_denies_on_a_condition():
    source = "We do not cover pipes that burst if the heating was left off."
    question = "Are burst pipes covered?"
    assert not check_no_contradiction(question, "Yes, burst pipes are always covered.", source).passed
    assert check_no_contradiction(question, "Not if the heating was left off: then burst pipes aren't covered.",
                                  source).passed


def test_the_change_of_a_cell_left_unsaid_and_set_beside_another():
    source = ("| Measure | Trial wards | Other wards |\n|---|---|---|\n| Falls per month | 14 → 8 | 13 → 11 |\n\n"
              "Staff turnover rose by 3%.")
    question = "Did falls drop more on trial wards than on other wards?"
    assert check_numbers_grounded("Yes: down 6 a month against 2.", source).passed
    assert check_no_contradiction(question, "Yes: down 6 a month against 2.", source).passed
    assert not check_numbers_grounded("Yes: down 5 a month against 2.", source).passed


def test_a_month_of_a_year_the_source_never_gives():
    source = "The pilot ran from May 2023 to March 2024 in 4 towns."
    assert check_numbers_grounded("From May 2023 to March 2024.", source).passed
    wrong = check_numbers_grounded("From March 2023 to May 2024.", source)
    assert not wrong.passed and "March 2023" in wrong.detail


def test_a_yes_that_says_again_a_word_the_source_never_uses():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "The Plus plan covers roof repairs and chimney sweeping. Claims can be made Monday to Friday."
    assert not check_question_terms_grounded("Does the Plus plan cover gutters?", source,
                                             answer="Yes, gutters and drains are included.").passed
    assert check_question_terms_grounded("Does the Plus plan cover roof repairs?", source,
                                         answer="Yes, roof repairs are covered.").passed
    # The asker's own day is theirs; a no about the unnamed thing is the other checks' to judge.
    assert check_question_terms_grounded("Can I claim on a Tuesday?", source,
                                         answer="Yes, Tuesday is fine: claims are taken Monday to Friday.").passed
    assert check_question_terms_grounded("Does the Plus plan cover gutters?", source,
                                         answer="No, it covers roof repairs and chimney sweeping.").passed


# --- heldout-v32's misses (a food dehydrator manual, arena ticket terms, a homework club trial) -----

def test_the_ends_of_a_range_written_with_a_dash():
    source = "| Bake | Temperature | Time |\n|---|---|---|\n| Bread | 180 °C | 25–30 minutes |"
    assert check_numbers_grounded("180 °C, for 25 to 30 minutes.", source).passed
    assert not check_numbers_grounded("180 °C, for 25 to 35 minutes.", source).passed
    # A school year's "2024–25" lends no 25 of its own.
    assert not check_numbers_grounded("25 pupils.", "In 2024–25, 30 pupils took part.").passed


def test_a_question_on_what_a_thing_does_alone():
    source = "Preheat the tin in the oven first, since the slow setting alone will not brown the crust."
    question = "Is the slow setting on its own enough to brown the crust?"
    assert check_no_contradiction(question, "No. Preheat the tin first: the slow setting alone won't brown the "
                                            "crust.", source).passed
    assert not check_no_contradiction(question, "Yes, the slow setting browns the crust on its own.", source).passed


def test_a_no_that_gives_the_exception_as_its_condition():
    source = ("Deposits are not refundable unless the trip is cancelled by us; then you get the full deposit back "
              "within 14 days.")
    assert check_no_contradiction("Can I get my deposit back if I change my mind?",
                                  "No. Deposits are only refundable if the trip is cancelled by us.", source).passed
    assert not check_no_contradiction("Can I get my deposit back if the trip is cancelled by you?",
                                      "No, deposits are never refunded.", source).passed


def test_a_span_said_in_words_answers_how_long():
    from agentsynth.checks.roles import check_answer_type

    question = "How long between check-in and boarding?"
    assert check_answer_type(question, "An hour and a half: check-in at 7:30 a.m., boarding at 9 a.m.").passed
    assert not check_answer_type(question, "At 7:30 a.m. and 9 a.m.").passed


def test_most_against_a_share_under_half():
    source = "About 1 in 5 members used the app every week."
    question = "Did most members use the app every week?"
    assert check_no_contradiction(question, "No, only about 1 in 5 did.", source).passed
    assert not check_no_contradiction(question, "Yes, about 1 in 5 did.", source).passed


def test_a_count_the_source_has_only_in_a_time_of_day():
    question = "How many guests can I bring?"
    wrong = check_numbers_grounded("Up to 5.", "Gates open at 5:30 p.m. and the match starts at 7 p.m.", question)
    assert not wrong.passed and "time of day" in wrong.detail
    assert check_numbers_grounded("Up to 5.", "Gates open at 5:30 p.m. Members may bring 5 guests.", question).passed


def test_a_price_for_the_year_given_per_month():
    source = "The service costs about £400 per site for the year, mostly visits."
    assert check_numbers_grounded("About £400 per site for the year.", source).passed
    wrong = check_numbers_grounded("About £400 per site per month.", source)
    assert not wrong.passed and "per year" in wrong.detail


# --- heldout-v33's and v34's misses (an ice cream maker, a dental practice, community fridges;
# --- a stick vacuum, language course terms, reading to dogs) -------------------------------------

def test_a_list_of_names_announced_by_its_count():
    source = "| Setting | Speed |\n|---|---|\n| Gentle | 300 rpm |\n| Normal | 600 rpm |\n| Turbo | 900 rpm |"
    assert check_numbers_grounded("Three: Gentle, Normal and Turbo.", source).passed
    assert not check_numbers_grounded("Four: Gentle, Normal and Turbo.", source).passed


def test_twice_a_week_for_some_weeks_is_a_product():
    source = "Pupils met a mentor for 20 minutes twice a week for 12 weeks."
    question = "How many sessions did each pupil have?"
    assert check_numbers_grounded("24: twice a week for 12 weeks.", source, question).passed
    assert not check_numbers_grounded("36: twice a week for 12 weeks.", source, question).passed
    # "twice" lends its 2 to a calculation only, not to a figure of its own
    assert not check_numbers_grounded("About 1 in 2.", source, "What share of pupils met a mentor?").passed


def test_a_change_asked_for_shown_as_its_two_ends():
    source = "| Group | Start | End |\n|---|---|---|\n| Mentored | 51 | 60 |\n| Others | 50 | 54 |"
    assert check_numbers_grounded("9 words per minute: 51 to 60.", source,
                                  "How much did the mentored group's speed rise?").passed
    assert not check_numbers_grounded("8 words per minute: 51 to 60.", source,
                                      "How much did the mentored group's speed rise?").passed
    # the ends of a range are no difference where no change is asked
    assert not check_numbers_grounded("9 words per minute: 51 to 60.", source, "Which speeds were measured?").passed


def test_a_no_that_sets_the_askers_figure_under_the_sources_lower_limit():
    source = "Swimmers who complete at least 6 of the 8 lessons receive a badge."
    question = "If I miss 3 lessons, will I get a badge?"
    assert check_no_contradiction(question, "No: that leaves 5 of 8, and you need at least 6.", source).passed
    # a no with the limit alone may be to a case that meets it
    assert not check_no_contradiction("If I attend 7 lessons, will I get a badge?", "No, you need at least 6.",
                                      source).passed


def test_a_plural_of_the_sources_compound_or_age_group_is_its_word():
    source = "| Treatment | Adult | Under 16 |\n|---|---|---|\n| Eye test | £25 | Free |\n| Check-up | £40 | Free |"
    assert check_content_supported("Yes, check-ups are free for under-16s.", source).passed
    assert not check_content_supported("Yes, check-ups are free for pensioners and carers.", source).passed


def test_an_answer_that_restates_a_statement_stands_for_a_question_in_other_words():
    from agentsynth.checks.qa import check_question_on_topic

    source = ("Half the pupils read to a dog twice a week; the rest read the same picture books aloud to a trained "
              "volunteer.")
    question = "What did the others do?"
    assert check_question_on_topic(question, source, answer="They read the same picture books aloud to a trained "
                                                            "volunteer.").passed
    assert not check_question_on_topic(question, source, answer="They went home early.").passed


def test_a_time_of_day_moved_by_two_spans_the_answer_names():
    source = "Bake for 40 to 45 minutes. Brush with glaze in the last 10 minutes."
    question = "If I put it in at 2:00 p.m., when should I glaze it at the latest?"
    assert check_numbers_grounded("Around 2:35 p.m.: in the last 10 minutes of a 45-minute bake.", source,
                                  question).passed
    assert not check_numbers_grounded("Around 2:25 p.m.: in the last 10 minutes of a 45-minute bake.", source,
                                      question).passed


def test_a_no_whose_reason_is_the_other_half_of_the_sentence_that_says_no():
    source = "Let the pot reach room temperature before washing it by hand; it must not go in the dishwasher."
    question = "Can the pot go in the dishwasher?"
    assert check_no_contradiction(question, "No, wash it by hand once it is at room temperature.", source).passed
    assert not check_no_contradiction(question, "Yes, on the top rack.", source).passed


def test_a_value_given_for_a_row_named_by_its_numbers_is_that_rows():
    source = ("| Age group | Per term | Kit |\n|---|---|---|\n| Under 8 to under 11 | £90 | £30 |\n"
              "| Under 12 to under 15 | £110 | £40 |")
    assert check_values_in_role("What does kit cost?", "£30 for under-8s to under-11s and £40 for under-12s to "
                                "under-15s.", source).passed
    swapped = check_values_in_role("What does kit cost?", "£40 for under-8s to under-11s and £30 for under-12s to "
                                   "under-15s.", source)
    assert not swapped.passed and "row" in swapped.detail


def test_a_colour_the_source_does_not_name():
    from agentsynth.checks.qa import check_terms_grounded

    source = "When charging is done, the light turns solid blue."
    assert check_terms_grounded("Solid blue.", source).passed
    wrong = check_terms_grounded("Solid green.", source)
    assert not wrong.passed and "green" in wrong.detail


def test_a_row_of_a_table_whose_columns_are_months_in_order():
    source = ("| Measure | March | October |\n|---|---|---|\n| Members using the app | 22% | 41% |\n"
              "| Missed bookings per week | 3.1 | 2.2 |")
    assert not check_no_contradiction("How did missed bookings change?", "They rose from 2.2 to 3.1 a week.",
                                      source).passed
    assert check_no_contradiction("How did missed bookings change?", "They fell from 3.1 to 2.2 a week.",
                                  source).passed
    assert not check_no_contradiction("Did app use rise?", "No, it fell over the year.", source).passed


def test_a_value_given_with_the_words_of_a_part_that_leaves_its_unit_unsaid():
    source = "The frame is guaranteed for 10 years and the paint for 2."
    swapped = check_values_in_role("How long are the frame and paint guaranteed?",
                                   "The frame for 2 years and the paint for 10.", source)
    assert not swapped.passed
    assert check_values_in_role("How long are the frame and paint guaranteed?",
                                "The frame for 10 years and the paint for 2.", source).passed


# --- heldout-v35's and v36's misses (an evaporative cooler, a school trips policy, walks on
# --- prescription; a sous vide cooker, launderette terms, school drinking fountains) -------------

def test_a_hedged_not_very_well_with_the_sources_own_limit():
    source = "Keep a window open: the fan works best below 60% humidity."
    question = "Will it work well at 80% humidity?"
    assert check_no_contradiction(question, "Not very well: it works best below 60% humidity.", source).passed
    assert not check_no_contradiction(question, "It doesn't work best below 60% humidity.", source).passed


def test_a_clause_that_restates_what_comes_before_a_so_not():
    source = "Empty the tray at least once a week, and every day in summer, so mould cannot grow."
    assert check_no_contradiction("How often should I empty the tray?",
                                  "At least once a week, and every day in summer.", source).passed
    assert not check_no_contradiction("Can mould grow if I empty it?", "Yes, mould can grow.", source).passed


def test_a_no_that_keeps_the_source_distance_away():
    source = "Keep the heater at least 50 cm from sofas and curtains."
    question = "Can I put the heater right beside the sofa?"
    assert check_no_contradiction(question, "No, keep it at least 50 cm away from it.", source).passed
    assert not check_no_contradiction(question, "No, it needs a socket.", source).passed


def test_rows_named_by_a_word_and_number_of_their_label():
    source = ("| Trip | Cost per pupil | Deposit |\n|---|---|---|\n| Year 3 camp (1 night) | £90 | £30 |\n"
              "| Year 5 camp (3 nights) | £210 | £50 |")
    assert check_values_in_role("What's left to pay after the Year 3 deposit?", "£60: £90 minus the £30 deposit.",
                                source).passed
    swapped = check_values_in_role("What are the deposits?", "£50 for Year 3 and £30 for Year 5.", source)
    assert not swapped.passed and "row" in swapped.detail


def test_a_stay_in_nights_answers_how_long():
    from agentsynth.checks.roles import check_answer_type

    assert check_answer_type("How long is the Year 5 camp?", "3 nights.").passed
    assert not check_answer_type("How long is the Year 5 camp?", "£210.").passed


def test_two_changes_set_side_by_side_each_given_whole():
    source = ("| Measure | Walkers | Waiting list |\n|---|---|---|\n| Stress score (lower is better) | 14.2 → 9.6 | "
              "14.0 → 12.9 |")
    question = "Did stress scores improve more with the walks than on the waiting list?"
    answer = "Yes: 14.2 to 9.6, against 14.0 to 12.9."
    assert check_no_contradiction(question, answer, source).passed  # (improving, of a lower-is-better score, is a fall)
    assert check_values_in_role(question, answer, source).passed
    # "rise more … than" still asks a rise, which neither cell gives
    assert not check_no_contradiction("Did stress rise more with the walks than on the waiting list?", answer,
                                      source).passed


def test_a_difference_of_spans_in_other_units_of_time():
    source = "| Food | Time |\n|---|---|\n| Pork | 3 hours |\n| Cod | 40 minutes |"
    assert check_numbers_grounded("140 minutes longer: 3 hours against 40 minutes.", source).passed
    assert not check_numbers_grounded("100 minutes longer: 3 hours against 40 minutes.", source).passed


def test_a_price_worked_out_whose_number_the_source_has_as_another_quantity():
    source = "| Service | Price |\n|---|---|\n| Wash (6 kg) | £5 |\n| Dry (30 minutes) | £3 |"
    question = "What do 2 dries cost?"
    assert check_numbers_grounded("£6: 2 dries at £3.", source, question).passed
    assert not check_numbers_grounded("£6: 2 dries at £4.", source, question).passed


def test_noon_said_where_the_source_gives_another_time():
    source = "Orders placed before 11 a.m. are delivered the same day."
    wrong = check_numbers_grounded("By noon.", source)
    assert not wrong.passed and "noon" in wrong.detail
    assert check_numbers_grounded("Before 11 a.m.", source).passed


def test_a_table_whose_columns_are_a_month_of_two_years():
    source = ("| Measure | May 2023 | May 2024 |\n|---|---|---|\n| Crisps sold per week | 1,900 | 1,240 |")
    assert not check_no_contradiction("How did crisp sales change?", "They rose from 1,240 to 1,900 a week.",
                                      source).passed
    assert check_no_contradiction("How did crisp sales change?", "They fell from 1,900 to 1,240 a week.",
                                  source).passed


def test_a_day_the_asker_names_is_their_time():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "The shop is open every day from 8 a.m. to 8 p.m."
    assert check_question_terms_grounded("Are you open on Sundays?", source,
                                         answer="Yes, every day from 8 a.m. to 8 p.m.").passed
    assert not check_question_terms_grounded("Are you open on Sundays?", source,
                                             answer="Yes, Sunday is our late-night opening.").passed


# --- heldout-v37's and v38's misses (a pizza oven, a photo studio, a reading challenge; a label
# --- printer, a car wash, office plants) ---------------------------------------------------------

def test_after_a_says_what_a_before_b_says():
    source = "Let the grill cool for at least 2 hours before covering it."
    assert check_no_contradiction("When can I cover the grill?", "After it has cooled for at least 2 hours.",
                                  source).passed
    # ("after" what the source puts after, not before: the order turned round)
    assert not check_no_contradiction("When should it cool?", "After covering it.", source).passed


def test_any_kind_of_a_size_widens_what_the_source_allows_only_of_one_make():
    source = "Use only Inkwell XL cartridges: other brands can clog the nozzle."
    wrong = check_no_contradiction("Does it work with other cartridges?", "Yes, any 12 ml cartridge works.", source)
    assert not wrong.passed and "restricts" in wrong.detail
    assert check_no_contradiction("Which cartridges does it take?", "Only Inkwell XL cartridges.", source).passed


def test_an_answer_that_is_a_term_of_the_passage_keeps_its_question_on_topic():
    from agentsynth.checks.qa import check_question_on_topic

    source = "The heater burns paraffin and warms a room of up to 20 m² in about 15 minutes."
    assert check_question_on_topic("What fuel does it use?", source, answer="Paraffin.").passed
    assert not check_question_on_topic("What fuel does it use?", source, answer="Natural gas.").passed


def test_the_askers_twice_is_a_figure_of_their_case():
    source = "A single wash without membership costs £8."
    question = "If I wash twice a month, what do single washes cost me?"
    assert check_numbers_grounded("£16 a month: 2 washes at £8.", source, question).passed
    assert not check_numbers_grounded("£24 a month: 2 washes at £8.", source, question).passed


# --- heldout-v39's and v40's misses (a bicycle trailer, ski hire, bus shelters; a milk frother,
# --- coworking day passes, retrofitted homes) ----------------------------------------------------

def test_a_table_cell_change_in_thousands():
    source = "| Measure | Insulated | Others |\n|---|---|---|\n| Gas use (kWh) | 12,400 → 8,100 | 12,100 → 11,800 |"
    assert not check_no_contradiction("Did gas use fall in insulated homes?", "No, it rose slightly.", source).passed
    assert check_numbers_grounded("Yes: down 4,300 kWh.", source).passed


def test_a_no_with_none_denies_as_a_not_does():
    source = "Mould appeared in 4 flats after the work and was fixed by adding extractor fans."
    question = "Did mould appear after the work?"
    assert not check_no_contradiction(question, "No, none of the flats had mould.", source).passed
    assert check_no_contradiction(question, "Yes, in 4 flats; extractor fans fixed it.", source).passed


# --- heldout-v41's and v42's misses (a waffle maker, swimming lessons, crossing timers; a garden
# --- shredder, pet sitting, repair cafés) --------------------------------------------------------

def test_a_count_said_twice_in_a_sentence_counts_each_noun():
    source = ("In 2024 we added signs to 10 pay-and-display car parks in 3 towns and compared them with 10 car parks "
              "without signs, counting 6,300 drivers parking.")
    assert check_values_in_role("How many car parks got signs?", "10 car parks in 3 towns.", source).passed
    assert check_values_in_role("What were they compared with?", "10 car parks without signs.", source).passed
    assert not check_values_in_role("How many car parks got signs?", "3 car parks.", source).passed


def test_a_price_asked_of_a_range_named_with_a_dash():
    from agentsynth.checks.roles import asked_kinds

    assert asked_kinds("What would two children in Levels 1–3 cost?") == {"price"}
    assert asked_kinds("What would two children in Levels 1-3 cost?") == {"price"}


def test_a_table_row_named_by_the_questions_numbers_answers_it():
    from agentsynth.checks.qa import check_answers_question

    source = ("## Grind\n\n| Dial | Grind |\n|---|---|\n| 1–3 | Fine, for espresso |\n"
              "| 4–6 | Medium, for filter |\n\nSetting 5 suits most beans.")
    assert check_answers_question("What do settings 1 and 3 give?", "Fine, for espresso.", source).passed
    assert not check_answers_question("What do settings 1 and 3 give?", "Keep them sealed.", source).passed


def test_a_clause_the_prose_says_turns_no_table_row_round():
    source = ("| Measure | With signs | Without |\n|---|---|---|\n"
              "| Cars still on the crossing when the patrol stepped out (%) | 9 → 4 | 9 → 9 |\n\n"
              "Children waited for the crossing patrol more often once they could see the sign.")
    assert check_no_contradiction("How did children react?", "They waited for the crossing patrol more often once "
                                  "they could see the sign.", source).passed
    assert not check_no_contradiction("What happened at the crossings with signs?", "More cars were still on the "
                                      "crossing when the patrol stepped out.", source).passed


def test_words_that_say_truly_how_a_table_figure_changed():
    source = ("| Measure | Trial | Control |\n|---|---|---|\n| Late buses (%) | 8 → 4 | 8 → 8 |\n"
              "| Complaints (%) | 30 → 29 | 31 → 30 |")
    assert check_content_supported("Late buses halved on trial routes, from 8% to 4%, and stayed at 8% on control "
                                   "routes.", source).passed
    assert check_content_supported("Only a little: complaints went from 30% to 29%.", source).passed
    # (a change word the figures do not bear out is no word of the source's)
    assert not check_content_supported("Late buses halved on trial routes, from 8% to 4%, and rose to 8% elsewhere.",
                                       source).passed


def test_the_askers_figure_said_in_the_sources_unit():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "Logs up to 30 cm long fit the stove. Burn only dry wood."
    question = "Will a 0.5 m log fit?"
    assert check_numbers_affirmed(question, "No, logs up to 30 cm long fit, and 0.5 m is 50 cm.", source).passed
    assert not check_numbers_affirmed(question, "No, logs up to 30 cm long fit, and 0.5 m is 40 cm.", source).passed


def test_a_hyphenated_fraction_of_a_figure():
    source = "The water tank holds 12 litres. Refill it when it is a quarter full."
    assert check_numbers_grounded("About 9 litres: three-quarters of 12.", source).passed
    assert not check_numbers_grounded("About 10 litres: three-quarters of 12.", source).passed


def test_after_an_event_ends_with_its_clause():
    source = "If pressing reverse does not free the drum, switch the mixer off at the wall before opening the guard."
    question = "Can I open the guard to free the drum?"
    assert check_no_contradiction(question, "Only after switching it off at the wall, if reverse hasn't freed the "
                                  "drum.", source).passed
    # ("after" what the source puts after: the order turned round)
    assert not check_no_contradiction("When do I switch it off at the wall?", "After opening the guard.", source).passed


def test_a_statement_restated_without_the_documents_subject_keeps_its_question_on_topic():
    from agentsynth.checks.qa import check_question_on_topic

    source = "Place the compost bin on bare soil in partial shade, away from fences."
    subject = "Compost Bin: Setting Up"
    assert check_question_on_topic("Where should it go?", source, subject,
                                   answer="On bare soil in partial shade, away from fences.").passed
    assert not check_question_on_topic("Where should it go?", source, subject,
                                       answer="In the kitchen, beside the oven.").passed


def test_a_festival_is_the_askers_time():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "Book at least 3 days ahead; during school holidays book 3 weeks ahead."
    assert check_question_terms_grounded("How early do I book for the Christmas holidays?", source,
                                         answer="3 weeks ahead.").passed
    assert not check_question_terms_grounded("How early do I book for the Diamond plan?", source,
                                             answer="3 weeks ahead.").passed


def test_a_no_to_a_step_the_source_gives_after_a_comma_or_an_and():
    source = ("Switch on the kettle and lower the lid. If the filter is blocked, rinse the filter before refilling "
              "the kettle.")
    assert not check_no_contradiction("Do I lower the lid when boiling?", "No, leave the lid up while it boils.",
                                      source).passed
    assert not check_no_contradiction("Do I need to rinse the filter before refilling it?",
                                      "No, just tap it clean.", source).passed
    assert check_no_contradiction("Do I need to rinse the filter before refilling it?",
                                  "Only if the filter is blocked.", source).passed


def test_a_yes_beyond_what_the_source_allows_only():
    source = "We counted birds only in the morning and in calm weather. Rare species were too few to compare."
    assert not check_no_contradiction("Did they count birds in the evening?", "Yes, in the morning and the evening.",
                                      source).passed
    assert check_no_contradiction("Did they count birds in the evening?", "No, only in the morning, in calm weather.",
                                  source).passed


def test_a_yes_to_free_where_the_source_gives_a_price():
    source = "A second child in the same class adds £5 to each session."
    assert not check_no_contradiction("Is a second child free?", "Yes, a second child costs nothing extra.",
                                      source).passed
    assert check_no_contradiction("Is a second child free?", "No, it adds £5 to each session.", source).passed


def test_a_bare_value_is_held_to_the_row_the_question_names():
    source = ("| Item | Brought | Fixed |\n|---|---|---|\n| Lamps | 220 | 61% |\n| Toys | 130 | 70% |\n"
              "| Other | 90 | 55% |")
    assert not check_values_in_role("How many toys were brought?", "90.", source).passed
    assert check_values_in_role("How many toys were brought?", "130.", source).passed


def test_a_numbered_thing_the_sources_statement_numbers_otherwise():
    source = "| Dial | Toast |\n|---|---|\n| 1–2 | Light |\n| 3–4 | Dark |\n\nSetting 2 suits most breads."
    assert not check_values_in_role("Which setting suits most breads?", "Setting 4.", source).passed
    assert check_values_in_role("Which setting suits most breads?", "Setting 2.", source).passed


def test_a_fraction_of_a_word_the_source_gives_another_fraction_of():
    source = "Empty the tray when it is about two-thirds full."
    assert not check_numbers_grounded("When it's half full.", source).passed
    assert check_numbers_grounded("When it's about two-thirds full.", source).passed


def test_who_does_it_is_the_party_the_source_names():
    source = "We will call a locksmith if you lose the key, and you pay the locksmith's bill."
    assert not check_no_contradiction("Who pays the locksmith?", "We do; locksmith bills are covered.", source).passed
    assert check_no_contradiction("Who pays the locksmith?", "You do; we call one, but the bill is yours.",
                                  source).passed


def test_a_yes_in_every_case_to_what_the_source_grants_on_a_condition():
    source = "Cancel more than 48 hours before a class for a full refund; later cancellations are charged half the fee."
    assert not check_no_contradiction("Do late cancellations get a full refund?",
                                      "Yes, you get a full refund whenever you cancel.", source).passed
    assert check_no_contradiction("Can I get a full refund?", "Yes, if you cancel more than 48 hours before.",
                                  source).passed


# --- heldout-v43's and v44's misses (a hedge trimmer, pottery classes, night buses; a bottle
# --- steriliser, campervan hire, later library opening) ------------------------------------------

def test_a_currency_in_a_column_heading_is_its_cells_unit():
    source = "| Measure | Line A | Line B |\n|---|---|---|\n| Cost per trip (£) | 2.40 | 5.90 |"
    assert check_numbers_grounded("£3.50 more: £5.90 against £2.40.", source).passed
    assert not check_numbers_grounded("€5.90 against €2.40.", source).passed


def test_kept_from_doing_says_what_could_not_do_says():
    source = "A third of late visitors said they could not come earlier because of childcare."
    assert check_no_contradiction("Why did late visitors not come earlier?",
                                  "A third said childcare kept them from coming earlier.", source).passed
    # (and against a source that says they could: the answer's "kept … from" denies it)
    assert not check_no_contradiction("Why did late visitors come earlier?", "A third said childcare kept them from "
                                      "coming earlier.", "A third of late visitors said they could come earlier "
                                      "because of childcare.").passed


def test_a_no_to_all_that_gives_the_few_the_source_allows_only():
    source = "Three of the five pools will keep early swims, on Mondays and Fridays only."
    assert check_no_contradiction("Will all five pools keep early swims?", "No, only three of the five will.",
                                  source).passed
    assert not check_no_contradiction("Will three pools keep early swims?", "No, none will.", source).passed


def test_a_no_that_sets_the_askers_figure_under_a_minimum():
    source = ("## Hire rates\n\n| Season | Per night | Minimum stay |\n|---|---|---|\n"
              "| Low (Nov–Mar) | £70 | 2 nights |\n| Mid (Apr–Jun, Sep–Oct) | £90 | 3 nights |\n"
              "| High (Jul–Aug) | £120 | 7 nights |\n\n"
              "Rates include insurance. A refundable £400 deposit is taken at pick-up.")
    assert check_no_contradiction("Can I hire the boat for 4 nights in July?", "No, high season (July–August) has a "
                                  "7-night minimum.", source).passed
    # (the asker's figure meets it: a no to it is not this limit's)
    assert not check_no_contradiction("Can I hire the boat for 9 nights in July?", "No, high season (July–August) "
                                      "has a 7-night minimum.", source).passed


def test_a_span_between_the_askers_time_and_the_sources():
    source = "Bikes must be back by 6 p.m. Late returns cost £8 per hour."
    question = "What would I pay for bringing it back at 9 p.m.?"
    assert check_numbers_grounded("£24: 3 hours late at £8 an hour.", source, question).passed
    assert not check_numbers_grounded("£32: 4 hours late at £8 an hour.", source, question).passed


def test_a_cell_given_word_for_word_answers_when():
    from agentsynth.checks.qa import check_adds_information, check_answers_question

    source = ("## Care\n\n| Task | How often |\n|---|---|\n| Rinse the filter | After each use |\n"
              "| Replace the filter | Every 6 months |")
    assert check_answers_question("When do I rinse the filter?", "After each use.", source).passed
    assert check_adds_information("When do I rinse the filter?", "After each use.").passed
    assert not check_adds_information("Do I rinse the filter after each use?", "After each use.").passed


def test_a_value_said_twice_counts_twice_for_its_sections_heading():
    from agentsynth.checks.qa import check_answers_question

    source = ("## Descaling\n\nDescale the kettle every month. Mix 100 ml of citric acid with 100 ml of water and "
              "boil it.")
    assert check_answers_question("What do I descale with?", "100 ml of citric acid mixed with 100 ml of water.",
                                  source).passed
    assert not check_answers_question("What do I descale with?", "About 100 ml.", source).passed


def test_a_yes_that_shows_the_asked_change_answers_it():
    source = ("| Measure | Before | During the trial |\n|---|---|---|\n| Visitors under 25 (%) | 15 | 24 |\n\n"
              "A third of visitors said they could not come in the day.")
    assert check_no_contradiction("Did more young people come?", "Yes, visitors under 25 went from 15% to 24%.",
                                  source).passed
    assert not check_no_contradiction("How did visitors under 25 change?", "They fell from 24% to 15%.",
                                      source).passed


def test_columns_named_by_codes():
    source = "| Measure | Route X4 | Route X7 |\n|---|---|---|\n| Riders per day | 520 | 240 |"
    assert not check_values_in_role("How many riders did each route carry?", "X4 carried 240 a day and X7 520.",
                                    source).passed
    assert check_values_in_role("How many riders did each route carry?", "X4 carried 520 a day and X7 240.",
                                source).passed


def test_a_bare_value_is_the_cell_of_the_questions_row_and_column():
    source = "| Measure | Route X4 | Route X7 |\n|---|---|---|\n| Riders who felt safe (%) | 91 | 76 |"
    assert not check_values_in_role("What share of X4 riders felt safe?", "76%.", source).passed
    assert check_values_in_role("What share of X4 riders felt safe?", "91%.", source).passed


def test_a_row_named_by_its_head_in_each_part_of_a_clause():
    source = "| Season | Per night | Minimum stay |\n|---|---|---|\n| Low (Oct–Apr) | £60 | 2 nights |\n" \
             "| High (May–Sep) | £95 | 5 nights |"
    question = "What are the minimum stays in low and high season?"
    assert not check_values_in_role(question, "5 nights in low season and 2 in high season.", source).passed
    assert check_values_in_role(question, "2 nights in low season and 5 in high season.", source).passed


def test_a_span_of_times_of_day_read_backwards():
    source = "The shuttle runs every 20 minutes between midnight and 4 a.m. on Saturdays."
    assert not check_no_contradiction("When does the shuttle run?", "Between 4 a.m. and midnight.", source).passed
    assert check_no_contradiction("When does the shuttle run?", "Between midnight and 4 a.m.", source).passed


def test_months_and_weekdays_the_source_never_names():
    source = ("The ferry runs on Saturdays and Sundays. Do not land on the island from April to July, the nesting "
              "months.")
    assert not check_no_contradiction("When is the nesting season?", "From May to September.", source).passed
    assert not check_no_contradiction("Does the ferry run on weekdays?", "Yes, every day.", source).passed
    assert check_no_contradiction("Can I land in June?", "No, April to July are the nesting months.", source).passed
    assert check_no_contradiction("Does the ferry run on Mondays?", "No, only at weekends.", source).passed


def test_the_order_of_two_steps_turned_round():
    source = "Sand the door first, working with the grain, then apply the varnish."
    assert not check_no_contradiction("In what order do I work?", "Apply the varnish first, then sand the door.",
                                      source).passed
    assert check_no_contradiction("In what order do I work?", "Sand the door with the grain, then varnish it.",
                                  source).passed


def test_a_tables_word_cells_given_to_each_others_rows():
    source = "| Task | How often |\n|---|---|\n| Empty the tray | After each use |\n| Descale the tank | Once a month |"
    assert not check_values_in_role("How often do I empty the tray and descale the tank?",
                                    "Empty the tray once a month and descale the tank after each use.", source).passed
    assert check_values_in_role("How often do I empty the tray and descale the tank?",
                                "Empty the tray after each use and descale the tank once a month.", source).passed


def test_a_yes_to_a_rating_the_source_gives_otherwise():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "The mower runs on a 24 V battery. It cuts grass up to 10 cm tall."
    assert not check_numbers_affirmed("Can I use a 40 V battery?", "Yes, any battery of the range fits.",
                                      source).passed
    assert check_numbers_affirmed("Can I use a 24 V battery?", "Yes, it runs on a 24 V battery.", source).passed
    assert check_numbers_affirmed("Can I cut 8 cm grass?", "Yes, it cuts grass up to 10 cm tall.", source).passed


def test_a_price_per_thing_the_source_prices_otherwise():
    source = ("| Course | Sessions | Price |\n|---|---|---|\n| Wheel | 8 × 2 hours | £200 |\n\n"
              "Glazing costs £3 per piece.")
    assert not check_numbers_grounded("£8 per piece.", source).passed
    assert check_numbers_grounded("£3 per piece.", source).passed
    assert check_numbers_grounded("£12: 4 pieces at £3 each.", source, "What would glazing 4 pieces cost?").passed


def test_a_not_in_a_statements_subject_or_on_an_alternative_is_no_denial():
    from agentsynth.checks.facts import states_negatively

    assert not states_negatively("Bikes not returned within 24 hours are charged as lost.")
    assert not states_negatively("Most callers were asking about bills, not about outages.")
    assert states_negatively("Bikes are not returned to the dock.")
    assert not check_no_contradiction("Are bikes not returned within 24 hours charged as lost?",
                                      "No, we wait until you bring them back.",
                                      "Bikes not returned within 24 hours are charged as lost.").passed


def test_an_answer_that_gives_the_alternative_the_source_sets_aside():
    source = "Most callers were asking about bills, not about outages."
    assert not check_no_contradiction("Were most callers asking about bills?", "No, most were asking about outages.",
                                      source).passed
    assert check_no_contradiction("Were most callers asking about outages?", "No, most were asking about bills.",
                                  source).passed


# --- heldout-v45's and v46's misses (a slow juicer, venue hire, befriending; a power station, dog
# --- grooming, cargo bike loans) -------------------------------------------------------------------

def test_a_bound_or_a_deed_given_reasons_for_is_no_denial():
    from agentsynth.checks.facts import states_negatively

    assert not states_negatively("Slice bread no thicker than 2 cm and remove the crusts first.")
    assert not states_negatively("The main reasons for not joining were cost and distance.")
    assert check_no_contradiction("Do I need to cut the crusts off?", "Yes, remove the crusts first.",
                                  "Slice bread no thicker than 2 cm and remove the crusts first.").passed
    assert not check_no_contradiction("Was cost a reason for not joining?", "No, cost wasn't mentioned.",
                                      "The main reasons for not joining were cost and distance.").passed


def test_a_no_that_gives_one_where_the_question_supposes_several():
    source = "In 2023, 30 schools in one county took part in the scheme for a year."
    assert check_no_contradiction("Did the scheme cover several counties?", "No, one county.", source).passed
    assert check_no_contradiction("Did the scheme run in several counties?", "No, in one county.", source).passed


def test_a_yes_that_sets_the_askers_figure_within_its_own_limit():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "The inverter gives up to 300 W, with a 600 W surge for starting motors."
    assert check_numbers_affirmed("Can it start a pump that briefly draws 550 W?", "Yes, the surge goes up to "
                                  "600 W.", source).passed
    assert not check_numbers_affirmed("Can it start a pump that briefly draws 750 W?", "Yes, the surge goes up to "
                                      "600 W.", source).passed


def test_a_bare_yes_or_no_adds_what_was_asked():
    from agentsynth.checks.qa import check_adds_information

    source = "Do not use the heater in rain or near a bath. Keep it 1 m from curtains."
    assert check_adds_information("Can I use it in the rain?", "No.", source).passed
    # (a bare reply the source's statement does not bear out, or one with no source to hold it to)
    assert not check_adds_information("Can I use it in the rain?", "Yes.", source).passed
    assert not check_adds_information("Can I use it in the rain?", "No.").passed


def test_a_yes_whose_reason_the_source_never_gives():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "Cut vegetables into pieces no larger than 3 cm. Feed them slowly with the pusher."
    assert not check_question_terms_grounded("Can I blend frozen vegetables?", source,
                                             answer="Yes, once they have thawed for an hour.").passed
    assert check_question_terms_grounded("Can I feed vegetables by hand?", source,
                                         answer="No, feed them slowly with the pusher.").passed


def test_a_calculation_followed_by_what_it_counts():
    source = "A wash costs £20. Long coats cost £6 extra per half hour."
    question = "What would a wash cost for a long coat that takes an extra hour?"
    assert check_numbers_grounded("£32: £20 plus 2 × £6 for the extra half hours.", source, question).passed
    assert not check_numbers_grounded("£34: £20 plus 2 × £6 for the extra half hours.", source, question).passed


def test_the_span_before_a_charge_starts_is_free():
    source = "Collect your bike within 15 minutes of our text; after that we charge £3 for each extra half hour."
    assert check_no_contradiction("What would I pay if I come 45 minutes after the text?",
                                  "£3: the first 15 minutes are free, then £3 for the next half hour.", source).passed
    assert not check_no_contradiction("Is collection free?", "Yes, collection is always free.",
                                      "Collection costs £3 per bike.").passed


def test_since_joins_a_reason_and_is_no_claim():
    source = "Cancel at least 48 hours ahead at no charge. Later cancellations are charged in full."
    assert check_content_supported("Yes, in full, since that's less than 48 hours ahead.", source).passed


def test_an_answer_of_the_passages_words_and_the_askers_figure_keeps_its_question_on_topic():
    from agentsynth.checks.qa import check_question_on_topic

    source = "If you cancel later or don't turn up, we charge half the lesson price."
    assert check_question_on_topic("What would a no-show at a £40 tasting cost?", source,
                                   answer="£20, half the lesson price.").passed
    assert not check_question_on_topic("What would a no-show at a £40 tasting cost?", source,
                                       answer="£20, a quarter of the monthly bill.").passed


def test_a_noun_of_a_verb_the_source_uses():
    from agentsynth.checks.qa import check_question_on_topic

    source = ("A year after the trial, 12 families had bought a trailer of their own. The main reasons given for "
              "not buying one were price and nowhere safe to store it.")
    answer = "Yes, nowhere safe to store one was a main reason for not buying."
    assert check_question_on_topic("Was storage a problem?", source, answer=answer).passed
    assert not check_question_on_topic("Was shipment a problem?", source, answer=answer).passed


def test_a_share_or_an_ordinal_the_source_gives_otherwise():
    source = "No-shows are charged half the class price. Members get every fourth class free."
    assert not check_numbers_grounded("The full class price.", source).passed
    assert not check_numbers_grounded("Every third class.", source).passed
    assert check_numbers_grounded("Every fourth class.", source).passed


def test_a_word_cell_of_another_row_than_the_questions():
    source = ("| Produce | Juice per kg | Pulp |\n|---|---|---|\n| Pears | 500 ml | Fine |\n"
              "| Beetroot | 400 ml | Coarse |")
    assert not check_values_in_role("Which pulp setting for pears?", "Coarse.", source).passed
    assert check_values_in_role("Which pulp setting for beetroot?", "Coarse.", source).passed


def test_a_number_only_in_a_name_lends_no_unit():
    source = "The HX-400 stores 412 Wh. Its outlets give up to 400 W."
    assert not check_numbers_grounded("400 Wh.", source).passed
    assert check_numbers_grounded("412 Wh.", source).passed


def test_a_conditional_statement_asked_with_its_condition():
    source = "Herbs keep longer when wrapped in damp paper."
    assert not check_no_contradiction("Do herbs keep longer wrapped up?", "No, wrapping makes no difference.",
                                      source).passed
    assert check_no_contradiction("Do herbs keep longer wrapped up?", "Yes, wrapped in damp paper.", source).passed


# --- heldout-v47's and v48's misses (a window vac, cycle repairs, parklets; an aquarium filter, a
# holiday club, wildflower verges), each rule on a text of its own.

def test_the_text_the_source_itself_names():
    from agentsynth.checks.qa import check_question_standalone

    source = "We send a text when your prescription is ready. Collect it within 10 days of the text."
    assert check_question_standalone("How long do I have after the text?", source).passed
    assert not check_question_standalone("How long do I have according to the text?",
                                         "Collect it within 10 days of our message.").passed


def test_spans_in_weekends_and_from_year_to_year():
    from agentsynth.checks.roles import check_answer_type

    assert check_answer_type("How long did the survey run?", "From 2019 to 2021.").passed
    assert check_answer_type("How long were visitors counted?", "For 3 weekends in June.").passed
    assert not check_answer_type("How long did the survey run?", "In 2019.").passed


def test_the_askers_figure_in_words_is_theirs():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "| Ticket | Price |\n|---|---|\n| Day pass | £12 |\n| Week pass (7 days) | £60 |"
    assert check_question_terms_grounded("Is a week pass cheaper than seven day passes?", source,
                                         answer="Yes: £60 against £84 for seven days at £12.").passed


def test_a_rate_worked_out_from_an_amount_and_a_span():
    source = "A full tank sprays about 9 km of hedge in about 4 hours; charge it for 2 hours."
    assert check_numbers_grounded("Roughly 2 km an hour: 9 km in about 4 hours.", source).passed
    assert not check_numbers_grounded("Roughly 3 km an hour: 9 km in about 4 hours.", source).passed


def test_a_difference_set_against_its_working():
    source = "| Ticket | Price |\n|---|---|\n| One session | £25 |\n| Block of 4 sessions | £85 |"
    assert check_numbers_grounded("£15: £85 against 4 × £25 = £100.", source).passed
    assert not check_numbers_grounded("£10: £85 against 4 × £25 = £100.", source).passed


def test_a_total_of_equal_groups_the_source_counts():
    source = "40 schools took part in the pilot and 40 similar schools carried on as before."
    assert check_numbers_grounded("80: 40 in each group.", source).passed
    assert not check_numbers_grounded("90: 40 in each group.", source).passed


def test_what_happens_instead_answers_what_happens_if():
    from agentsynth.checks.qa import check_answers_question

    source = ("## Returns\n\nReturn an unworn item within 30 days to get your money back. After that we offer store "
              "credit instead. Sale items cannot be returned.")
    assert check_answers_question("What happens if I return a jumper 40 days later?",
                                  "You get store credit rather than your money.", source).passed


def test_the_alternative_a_statement_sets_aside_is_its_only_no():
    source = "Clean the lenses in cool water, not hot water, so the coating lasts."
    assert check_no_contradiction("Should I polish the lenses?", "No; just clean them in cool water.", source).passed
    assert not check_no_contradiction("Can I clean the lenses with hot water?", "Yes, hot water cleans them best.",
                                      source).passed


def test_a_yes_to_what_a_denial_excepts():
    source = "Do not use the spray on wet surfaces other than steel, glass or stone."
    assert check_no_contradiction("Can I use it on a stone floor?", "Yes, stone floors are fine.", source).passed
    assert not check_no_contradiction("Can I use the spray on wooden surfaces?", "Yes, wood is fine.", source).passed


def test_a_time_outside_the_hours_a_statement_gives():
    source = "The collection desk is staffed Monday to Friday, 8 a.m. to 4 p.m."
    assert check_no_contradiction("Can I collect at 5 p.m. on a Monday?", "No, come by 4 p.m.", source).passed
    assert not check_no_contradiction("Can I collect at 5 p.m. on a Monday?", "Yes, we're there then.",
                                      source).passed
    assert not check_no_contradiction("Can I collect at 2 p.m. on a Monday?", "No, come by 4 p.m.", source).passed


def test_the_askers_span_within_the_span_a_yes_gives():
    source = "Lamps are covered for 180 days from purchase."
    assert check_numbers_grounded("Yes, lamps are covered for 180 days.", source,
                                  "If a lamp fails after 3 months, is it replaced?").passed
    from agentsynth.checks.qa import check_numbers_affirmed

    assert check_numbers_affirmed("If a lamp fails after 3 months, is it replaced?",
                                  "Yes, lamps are covered for 180 days.", source).passed
    assert not check_numbers_affirmed("If a lamp fails after 8 months, is it replaced?",
                                      "Yes, lamps are covered for 180 days.", source).passed


def test_what_happened_after_is_said_outright():
    source = "Footfall rose by a fifth. Three benches were removed after complaints about noise."
    assert not check_no_contradiction("Were any benches removed?", "No, all of them stayed.", source).passed
    assert check_no_contradiction("Were any benches removed?", "Yes, three were taken away.", source).passed


def test_the_factors_of_a_working_may_be_any_rows():
    source = "| Booking | Price |\n|---|---|\n| Day pass (9 a.m. to 5 p.m.) | £30 |\n| Week pass (4 days) | £100 |"
    assert check_values_in_role("Is a week pass cheaper than four day passes?",
                                "Yes: £100 against £120 for four days at £30.", source).passed
    assert not check_values_in_role("What does a week pass cost?", "£30 for the 4 days.", source).passed


def test_a_change_by_a_share_the_source_gives_otherwise():
    source = "If the suction drops by a third, empty the bin."
    assert not check_numbers_grounded("When the suction drops by half.", source).passed
    assert check_numbers_grounded("When the suction drops by a third.", source).passed


def test_a_comparison_with_the_other_group_of_a_table():
    source = ("| Measure | Pilot schools | Other schools |\n|---|---|---|\n| Absences per pupil | 4.1 | 6.3 |\n"
              "| Reading score | 104 | 101 |")
    assert check_no_contradiction("Did pilot schools have more absences?", "No, fewer than other schools.",
                                  source).passed
    assert not check_no_contradiction("Did pilot schools have fewer absences?", "No, more than other schools.",
                                      source).passed
    assert check_no_contradiction("Did pilot schools get higher reading scores?", "Yes, 104 against 101.",
                                  source).passed


# --- heldout-v49's and v50's misses (a paddle board, tyre fitting, a market square; a soup maker,
# escape rooms, cycle training), each rule on a text of its own.

def test_another_figure_restates_no_denial():
    source = "Pump the tyre to 12 PSI with the hand pump. Do not go above 20 PSI."
    assert check_no_contradiction("What pressure should I pump it to?", "12 PSI.", source).passed
    assert not check_no_contradiction("How hard can I pump it?", "You can go above 20 PSI.", source).passed


def test_a_statement_of_one_word_is_not_restated():
    source = "Eco and Turbo heat the water; Rinse does not."
    assert check_no_contradiction("Does Rinse heat the water?", "No, only Eco and Turbo heat it; Rinse just rinses.",
                                  source).passed


def test_a_no_whose_only_leaves_out_what_the_source_lists():
    source = "Eco and Turbo heat the water; Rinse does not."
    assert not check_no_contradiction("Does Turbo heat the water?", "No, only Eco heats.", source).passed
    assert check_no_contradiction("Does Turbo heat the water?", "Yes, Eco and Turbo both do.", source).passed


def test_an_answer_working_with_two_of_the_passages_figures_is_on_topic():
    from agentsynth.checks.qa import check_question_on_topic

    source = ("## Pumping\n\nPump the tyre to 12 PSI with the hand pump; it takes about 3 minutes. "
              "Do not go above 20 PSI.")
    assert check_question_on_topic("How much headroom is there between the usual and the top pressure?", source,
                                   answer="8 PSI: 20 PSI top against 12 PSI usual.").passed


def test_a_figure_in_another_unit_of_length():
    from agentsynth.checks.roles import check_answer_type

    source = "| Item | Size |\n|---|---|\n| Hose | 1,500 cm |\n| Reel | 40 cm |"
    assert check_numbers_grounded("15 metres.", source).passed
    assert not check_numbers_grounded("12 metres.", source).passed
    assert check_answer_type("How long is it in metres?", "15 metres.").passed


def test_a_limit_row_a_thing_is_set_against():
    source = "| Item | Figure |\n|---|---|\n| Weight | 14 kg |\n| Maximum load | 150 kg |"
    assert check_values_in_role("Can two kids ride?", "Yes, if their combined weight is under 150 kg.", source).passed
    assert check_no_contradiction("We weigh 70 kg and 60 kg. Can we both ride?",
                                  "Yes: together 130 kg, under the 150 kg maximum load.", source).passed
    assert not check_values_in_role("How heavy is the trailer?", "Its weight is 150 kg.", source).passed


def test_a_no_giving_the_sources_unit_of_charge():
    source = "| Service | Price |\n|---|---|\n| Valet (per car) | £60 |\n| Tyre check (per tyre) | £5 |"
    assert check_no_contradiction("Is a valet charged per seat?", "No, it's £60 per car.", source).passed


def test_a_figure_beyond_the_reach_of_a_denial():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "We cannot fit a hook within 10 cm of a window; those walls need a bracket."
    question = "Can you fit a hook 30 cm from the window?"
    answer = "Yes, it's more than 10 cm from the window."
    assert check_no_contradiction(question, answer, source).passed
    assert check_numbers_affirmed(question, answer, source).passed
    assert not check_no_contradiction("Can you fit a hook 4 cm from the window?", "Yes, that's fine.", source).passed


def test_a_change_named_by_one_of_its_rows_values():
    source = "| Measure | Before | After |\n|---|---|---|\n| Visitors per week | 800 | 1,000 |\n| Staff | 4 | 5 |"
    assert check_numbers_grounded("About 25%: 200 more on 800.", source).passed
    assert not check_numbers_grounded("About 25%: 300 more on 800.", source).passed


def test_a_word_of_the_asked_row_that_names_another_row():
    source = ("| Mode | Time | Result |\n|---|---|---|\n| Quick | 10 minutes | Rinsed cups |\n"
              "| Rinse | 2 minutes | Rinsing only |")
    assert check_values_in_role("What does the Quick mode give?", "Rinsed cups, in 10 minutes.", source).passed


def test_the_bound_a_question_asks_for():
    from agentsynth.checks.qa import check_answers_question

    source = ("## Filling\n\nFill the tank between the MIN (2 L) and MAX (5 L) marks. Cut fruit into pieces no "
              "larger than 3 cm. Do not put ice in the tank; crush it first.")
    assert check_answers_question("What's the least I can put in?", "2 L, the MIN mark.", source).passed


def test_the_askers_figure_between_the_ends_a_yes_gives():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "Fill the tank between the MIN (2 L) and MAX (5 L) marks."
    answer = "Yes, that's between the 2 L MIN and 5 L MAX marks."
    assert check_numbers_affirmed("Is 3 litres OK?", answer, source).passed
    assert not check_numbers_affirmed("Is 6 litres OK?", answer, source).passed


def test_a_clause_read_with_a_denial_does_not_compete_with_it():
    source = "Chop nuts into halves. Do not put frozen food in the bowl; thaw it first."
    assert not check_no_contradiction("Can I put frozen food in?", "Yes, it cooks from frozen.", source).passed


def test_a_conditional_that_opens_its_sentence_asked_with_its_condition():
    source = "Book at least a day ahead. If we close the pool, you get a full refund."
    assert not check_no_contradiction("If you close the pool, do I get a refund?", "No, a voucher instead.",
                                      source).passed
    assert check_no_contradiction("If you close the pool, do I get a refund?", "Yes, a full refund.", source).passed


def test_alone_against_with_an_adult():
    source = "## Prices\n\nA swim costs £4. Children under 10 must swim with an adult, and the minimum age is 3."
    assert not check_no_contradiction("Do under-10s need an adult?", "No, children of any age can swim alone.",
                                      source).passed


# --- heldout-v51's and v52's misses (a camping stove, boat trips, play streets; a baby carrier,
# tennis courts, music in care homes), each rule on a text of its own.

def test_step_free_is_no_price_and_no_shows_no_denial():
    source = "The bus has no step-free access to the top deck. No-shows are charged the full fare."
    assert check_no_contradiction("Is there step-free access to the top deck?", "No, there isn't.", source).passed
    assert not check_no_contradiction("Is there step-free access to the top deck?", "Yes, by a ramp.", source).passed
    assert not check_no_contradiction("Are no-shows charged?", "No, there's no charge.", source).passed


def test_a_figure_outside_the_range_a_statement_or_its_row_gives():
    table = "| Ticket | Price |\n|---|---|\n| Junior (5–12) | £6 |\n| Adult | £10 |"
    assert check_no_contradiction("Is a 13-year-old a junior?", "No, junior tickets are for ages 5 to 12.",
                                  table).passed
    prose = "The sling suits babies from 4 kg to 12 kg. Check the straps before each use."
    assert check_no_contradiction("Will it take my 14 kg toddler?", "No, the limit is 12 kg.", prose).passed
    assert not check_no_contradiction("Will it take my 14 kg toddler?", "Yes, easily.", prose).passed


def test_a_state_the_question_asks_the_other_way_round():
    source = "Machine wash at 30 °C with the zips closed."
    assert check_no_contradiction("Should the zips be open in the wash?", "No, close them first.", source).passed
    assert not check_no_contradiction("Should the zips be open in the wash?", "Yes, open them.", source).passed


def test_a_no_to_must_of_what_the_source_offers_as_a_choice():
    source = "If we cancel a class, you can choose a refund or a credit for another class."
    assert check_no_contradiction("If you cancel a class, must I take a credit?", "No, you can have a refund instead.",
                                  source).passed


def test_a_no_to_as_long_as_with_two_figures_that_differ():
    source = "The frame has a 10-year warranty and the motor parts 2 years."
    assert check_no_contradiction("Is the motor covered as long as the frame?", "No, 2 years against 10.",
                                  source).passed


def test_a_yes_within_the_limit_a_statement_sets_before_its_never():
    source = ("## After use\n\nLet it cool for 5 minutes. Store cartridges below 45 °C and never in direct sun. "
              "The stove has a 2-year guarantee.")
    assert check_no_contradiction("Can I store cartridges in a shed that reaches 35 °C?",
                                  "Yes, that's below 45 °C, as long as they're out of direct sun.", source).passed


def test_a_span_in_words_the_source_gives_in_figures():
    from agentsynth.checks.qa import check_answers_question

    source = ("## Cooking\n\n| Setting | Output |\n|---|---|\n| Low | 1 kW |\n| High | 3 kW |\n\n"
              "A 450 g cartridge lasts about 60 minutes on High. In wind, use the shield.")
    assert check_answers_question("How long will a 450 g cartridge last on High?", "About an hour.", source).passed


def test_the_operands_of_arithmetic_that_holds_may_be_any_rows():
    source = ("## Tickets\n\n| Ticket | Price |\n|---|---|\n| Adult | £20 |\n| Child (5–15) | £10 |\n"
              "| Family (2 adults, 2 children) | £50 |\n\nUnder-5s go free.")
    assert check_values_in_role("How much does a family ticket save over paying separately?",
                                "£10: £50 against 2 × £20 + 2 × £10 = £60.", source).passed
    assert check_values_in_role("What would two adults and one child pay?", "£50: 2 × £20 plus £10.", source).passed


def test_the_plural_of_a_term_the_source_names_and_a_verbs_past():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "Each street closed on one Saturday morning each month. The share of staff who knew the exits rose."
    assert check_question_terms_grounded("What were the Saturdays compared with?", source,
                                         answer="A normal Saturday a week earlier.").passed
    assert check_question_terms_grounded("Did more staff know the exits?", source,
                                         answer="Yes, the share knowing them rose.").passed


def test_a_row_of_days_holds_the_day_the_question_names():
    source = ("| Time | Price per hour |\n|---|---|\n| Weekdays | £6 |\n| Weekends | £9 |\n\n"
              "Lights cost £3 extra per hour.")
    assert check_values_in_role("What does an hour on Sunday cost?", "£9.", source).passed


def test_the_askers_time_in_a_comparison_is_their_case():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "| Time | Price per hour |\n|---|---|\n| Weekdays before 6 p.m. | £5 |\n| Weekends | £8 |"
    assert check_numbers_affirmed("Is a weekday at 2 p.m. cheaper than a weekend?", "Yes, £5 against £8 an hour.",
                                  source).passed


def test_the_points_of_a_score():
    source = "| Measure | Group A | Group B |\n|---|---|---|\n| Change in pain score | −2.5 | −0.8 |"
    assert check_numbers_grounded("It fell by 2.5 points, against 0.8 in group B.", source).passed


def test_a_share_said_by_about():
    source = "The cover cuts heat loss by about a quarter."
    assert not check_numbers_grounded("By about half.", source).passed
    assert check_numbers_grounded("By about a quarter.", source).passed


def test_a_bare_count_of_what_the_question_counts():
    source = "Of the 12 shops on the street, 4 shops closed early; 6 cafés stayed open."
    assert not check_values_in_role("How many shops closed early?", "6.", source).passed
    assert check_values_in_role("How many shops closed early?", "4.", source).passed


# --- heldout-v53's and v54's misses (a wood burner, an ice rink, library laptops; a sprinkler,
# dance classes, free swimming), each rule on a text of its own.

def test_how_long_a_thing_can_be_or_reaches_asks_a_length():
    from agentsynth.checks.roles import check_answer_type

    assert check_answer_type("How long can the poles be?", "No longer than 2 m.").passed
    assert check_answer_type("How long is the jet on High?", "9 m.").passed
    assert check_answer_type("How long did the queues get?", "Up to 25 people.").passed


def test_a_yes_within_a_no_longer_than_bound():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "Logs should be no longer than 40 cm. Burn only dry wood."
    assert check_numbers_affirmed("Can I burn a 35 cm log?", "Yes, logs can be up to 40 cm long.", source).passed


def test_a_quarter_of_a_cell_and_cells_crossed_between_rows():
    source = ("| Stage | Primary | Vent |\n|---|---|---|\n| Start | Open | Half open |\n"
              "| Night | Closed | Quarter open |")
    assert check_numbers_grounded("A quarter open at night.", source).passed
    assert not check_values_in_role("What are the vents at the start and at night?",
                                    "A quarter open at the start and half open at night.", source).passed


def test_how_many_times_answered_once():
    from agentsynth.checks.qa import check_answers_question

    source = ("## Booking\n\nBook online up to 3 weeks ahead. Passes are non-refundable but can be moved to another "
              "day once, up to 48 hours before. Late arrivals are not given extra time.")
    assert check_answers_question("How many times can I move a pass?", "Once.", source).passed


def test_the_past_of_sweep_names_it():
    from agentsynth.checks.qa import check_question_terms_grounded

    source = "Have the flue swept once a year, or twice if you use the stove daily."
    assert check_question_terms_grounded("Is one sweep a year enough if I use it weekly?", source,
                                         answer="Yes, one sweep a year, unless you use the stove daily.").passed


def test_a_sum_of_percentages_before_its_working():
    source = "| Use | Share (%) |\n|---|---|\n| Work | 30 |\n| School | 17 |\n| Other | 53 |"
    assert check_numbers_grounded("47%: 30% plus 17%.", source).passed
    assert not check_numbers_grounded("50%: 30% plus 17%.", source).passed


def test_the_operands_of_a_working_shown_after_its_result():
    source = ("| Setting | Width | Length |\n|---|---|---|\n| Narrow | 3 m | 10 m |\n| Wide | 12 m | 15 m |\n\n"
              "The widest setting covers up to 180 m² at 3 bar.")
    assert check_values_in_role("What area does Narrow cover?", "30 m²: 3 m × 10 m.", source).passed


def test_a_ratio_the_answers_figures_stand_in():
    from agentsynth.checks.qa import check_numbers_affirmed

    source = "| Setting | Width |\n|---|---|\n| Narrow | 4 m |\n| Wide | 12 m |\n\nIt needs at least 2 bar."
    assert check_numbers_affirmed("Is Wide three times as wide as Narrow?", "Yes: 12 m against 4 m.", source).passed
    assert not check_numbers_affirmed("Is Wide five times as wide as Narrow?", "Yes: 12 m against 4 m.",
                                      source).passed


def test_less_a_percentage_of_a_worked_figure():
    source = "| Class | Term |\n|---|---|\n| Tap | £60 |\n| Jazz | £75 |\n\nSiblings get 10% off term fees."
    assert check_numbers_grounded("£108: 2 × £60 = £120, less 10%.", source).passed
    assert not check_numbers_grounded("£100: 2 × £60 = £120, less 10%.", source).passed
