"""The QA critic's deterministic checks: they never call a model, so no model (weak or
strong) can talk its way past them.

Each check function returns a `CheckResult`; a failed check names what it found. All
checks compare against the *source* (the chunk plus any passage the answerer looked up).
The named `Check` objects at the end say what each rejects; `QA_CHECKS` runs them all.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from ..tools.dedup import DUPLICATE_SIMILARITY, QuestionRegistry
from ..tools.language import UNKNOWN, detect_language
from ..tools.semantic import SAME_ANSWER, SAME_QUESTION, best_similarity, masked
from ..tools.text import (
    STOPWORDS,
    answer_polarity,
    content_tokens,
    has_cjk,
    plain,
    sentences,
    stem,
    stems,
    words,
)
from .arithmetic import (
    CONVERSION_CONSTANTS,
    MONTHS,
    TWICE,
    COUNTING_CONSTANTS,
    clock_arithmetic,
    over_the_askers_span,
    per_period_of_intervals,
    rates_in,
    counts_of_ranges,
    recomputed_from_shown,
    times_from_nowhere,
    without_times_of_day,
    conversions,
    equal,
    derived_numbers,
    intervals_in,
    stepped_values,
    implied_calculations,
    in_base,
    rounds_to,
    is_sum_or_difference,
    worked_calculations,
)
from .base import Candidate, Check, CheckResult, CheckSet, fail, ok
from .terms import missing_terms
from .facts import (
    CHANGE_ARROW,
    CURRENCIES,
    UPPER_LIMIT_WORDS,
    Value,
    canon_number,
    facts_of,
    price_periods,
    row_cells,
    unit_key,
    values_in,
)
from .roles import (
    NAMES_OF_DAYS,
    affirms_the_unnamed,
    answer_clauses,
    asked_kinds,
    changes_of,
    denies_an_unnamed_thing,
    check_answer_type,
    check_no_contradiction,
    check_values_in_role,
    gives_asked_kind,
    is_yes_no_question,
    judged_statement,
    plain_words,
    rests_on_asked_fact,
    span_in_words_stated,
)

SUPPORT_THRESHOLD = 0.75  # share of each answer sentence's distinct content words found in the source
RELEVANCE_THRESHOLD = 0.15  # below this the answer is about something else entirely
MIN_WORDS_FOR_SUPPORT = 4  # shorter answers are judged by the number/term checks alone
CONFIRMED_OFF_TARGET = 0.5  # relevance below which a critic model's "does not answer" is confirmed
ON_TOPIC_THRESHOLD = 0.25  # share of the question's content words that must occur in the source
# A question of at most two words beside the title's: the share of all its words, the title's the
# passage uses included, that must occur in the passage (above ON_TOPIC_THRESHOLD: title words are cheap).
ON_TOPIC_WITH_TITLE = 0.375
# Sentence-embedding similarities (tools/semantic.py) at which meaning stands in for words:
ON_TOPIC_SEMANTIC = 0.24  # question ~ one of the passage's statements
MAX_TERM_WORDS = 3  # an answer of at most this many content words, all the passage's, is one of its terms
WHOLLY_RESTATED = 0.8  # share of a source statement's words an answer repeats to stand for a question in other words
SUPPORT_SEMANTIC = 0.55  # answer sentence ~ a source statement, for a paraphrase ...
SUPPORT_FLOOR = 0.40  # ... that still has this share of its words in the source


# --- empty, refusal, truncation -------------------------------------------------------

_ALNUM = re.compile(r"[^\W_]", re.UNICODE)


def check_not_empty(answer: str) -> CheckResult:
    if len(_ALNUM.findall(answer)) < 1:
        return fail("not_empty", "answer is empty")
    return ok("not_empty")


# Refusals anywhere at the start, and "the text doesn't say" phrasings in short answers.
_REFUSAL_START = re.compile(
    r"^\W*(i\s*(do\s*not|don'?t|cannot|can'?t|am\s+unable|'m\s+unable)\b|as an ai\b|i'?m sorry|i am sorry|sorry\b"
    r"|unfortunately\b|do not know\b|n/?a\W*$|unknown\W*$|none\W*$)",
    re.IGNORECASE,
)
_REFUSAL_ANYWHERE = re.compile(
    r"(do not know|don'?t know|not (mentioned|provided|specified|stated|given|included|available) in"
    r"|no information|does(n'?t| not) (say|specify|mention|provide|contain|include)"
    r"|cannot be (determined|answered)|unable to (answer|determine|find)|is not (clear|known) from"
    r"|わかりません|分かりません|記載されていません|情報はありません|모르겠습니다|알 수 없습니다|정보가 없습니다)",
    re.IGNORECASE,
)
_SHORT_ANSWER_WORDS = 30


UNUSABLE_QUESTION = "no usable question"  # how the answerer marks a question it was not asked (agents/answerer.py)


def check_question_usable(error: str | None) -> CheckResult:
    """The writer gave a question worth answering: not an invalid reply, not a repeat of
    another question of the chunk (the answerer was not asked)."""
    if error and error.startswith(UNUSABLE_QUESTION):
        return fail("question_usable", error.removeprefix(UNUSABLE_QUESTION).strip(" ()"))
    return ok("question_usable")


def check_not_refusal(answer: str, answerable: bool = True, error: str | None = None) -> CheckResult:
    if error and error.startswith(UNUSABLE_QUESTION):
        return ok("not_refusal")  # question_usable says why there is no answer
    if error:
        return fail("not_refusal", f"answerer gave no usable reply ({error})")
    if not answerable:
        return fail("not_refusal", "answerer found no answer in the source")
    text = answer.strip()
    if _REFUSAL_START.search(text):
        return fail("not_refusal", f"refusal: {text[:60]!r}")
    if len(text.split()) <= _SHORT_ANSWER_WORDS and _REFUSAL_ANYWHERE.search(text):
        return fail("not_refusal", f"non-answer: {text[:60]!r}")
    return ok("not_refusal")


_TERMINAL = tuple(".!?。！？)]\"'`*|»”’")
_DANGLING = re.compile(r"\b(and|or|the|a|an|of|to|with|for|in|on|by|is|are|that|which|because|as)\W*$", re.I)


def check_not_truncated(answer: str, finish_reason: str | None = None) -> CheckResult:
    text = answer.strip()
    if finish_reason == "length":
        return fail("not_truncated", "model hit its token limit")
    ends_cleanly = text.endswith((".", "!", "?", "。", "！", "？")) and not text.endswith(("...", "…"))
    if text.endswith((",", ":", ";", "-", "(", "...", "…")) or (not ends_cleanly and _DANGLING.search(text)):
        return fail("not_truncated", f"answer ends mid-sentence: {text[-30:]!r}")
    if len(text) >= 80 and not text.endswith(_TERMINAL) and not re.search(r"[\w)\]%°’”\"']$", text[-1:]):
        return fail("not_truncated", f"answer ends abruptly: {text[-30:]!r}")
    if text.count("```") % 2 or text.count("(") > text.count(")"):
        return fail("not_truncated", "unbalanced brackets or code fence")
    return ok("not_truncated")


# The critic checks every pair of an item, sentence by sentence, against the same passage:
# what the checks derive from a passage is worked out once (read-only results).
_PASSAGES = 256

# --- numbers, units and named terms -------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*")


def _canon_number(raw: str) -> str:
    # "1,024" → "1024"; a lone comma with 1-2 trailing digits is a decimal comma ("2,5" → "2.5").
    if re.fullmatch(r"\d+,\d{1,2}", raw):
        return raw.replace(",", ".")
    return raw.replace(",", "")


def _numbers(text: str) -> set[str]:
    return {_canon_number(n) for n in _NUMBER.findall(text)}


_RANGE_ENDS = re.compile(r"([1-9]\d*(?:\.\d+)?)-(\d+(?:\.\d+)?)")


@lru_cache(maxsize=_PASSAGES)
def _source_values(source: str) -> tuple[tuple[Value, ...], dict[str, str]]:
    """Every value of a passage (table cells with their column's unit), and for each bare
    number the text of the facts it stands in (where a unit word may be said around it)."""
    found = list(values_in(source))
    context: dict[str, str] = {}
    for fact in facts_of(source):
        for value in fact.values:
            found.append(value)
            if not value.unit:
                context[value.number] = f"{context.get(value.number, '')} {fact.about} {fact.text}"
    # The ends of a range ("8–12 hours" is said "8 to 12 hours"); not of a school year's "2024–25".
    found += [Value(end, v.unit, end) for v in tuple(found) if (ends := _RANGE_ENDS.fullmatch(v.number))
              and float(ends.group(1)) < float(ends.group(2)) for end in ends.groups()]
    return tuple(found), context


# Numbers that share one unit written after the last of them: "40, 60, 70 and 100 °C", "3 to 5 kg".
_NUMBER_RUN = re.compile(r"\d+(?:[.,]\d+)*(?:(?:\s*,\s*|\s+(?:and|or|to)\s+|\s*-\s*)\d+(?:[.,]\d+)*)+"
                         r"[ \t]*[°%]?[^\W\d_]*[^\s,.;:)|]*")


@lru_cache(maxsize=_PASSAGES)
def _shared_units(source: str) -> frozenset[tuple[str, str]]:
    """(number, unit) for each number of a run whose one unit follows its last number."""
    shared = set()
    for run in _NUMBER_RUN.finditer(source):
        *_, last = values_in(run.group(0))
        if last.unit:
            shared.update((v.number, last.unit) for v in values_in(run.group(0)))
    return frozenset(shared)



# A list item's marker at the start of a line ("1. ", "2) ", "- "): numbering, not a value.
_LIST_MARKER = re.compile(r"^([ \t]*)(?:\d{1,2}[.)]|[-*•])[ \t]+", re.MULTILINE)


def without_list_markers(text: str) -> tuple[str, str | None]:
    """The text without its list items' markers, and the number by which it announces its own
    list ("in three cases:" before three items), if it does."""
    stripped, count = _LIST_MARKER.subn(r"\1", text)
    if count < 2:
        return stripped, None
    first = _LIST_MARKER.search(text)
    announced = _ANNOUNCED.search(text[: first.start()])
    said = [v.number for v in values_in(announced.group(0)) if not v.unit] if announced else []  # a count
    return stripped, (said[0] if said == [str(count)] else None)


# "… three cases:", "You'll need two things:", "The authors name three:" just before a list.
_ANNOUNCED = re.compile(r"\w+(?:[ \t]+[^\W\d]+){0,2}[ \t]*:[ \t]*\n?[ \t]*$")


# "at two depths, 20 cm and 40 cm": a count of the values the answer lists right after it.
_COUNT_THEN_LIST = re.compile(r"(?<![\w.])(?P<count>\d|two|three|four|five|six|seven|eight|nine|ten)"
                              r"(?P<noun>\s+[^\W\d_]+(?:\s+[^\W\d_]+)?)?\s*[,:(]\s*(?P<items>[^.;)\n]+)", re.IGNORECASE)
_ITEM_BREAK = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def _in_another_unit(answer: str, values: tuple[Value, ...]) -> set[str]:
    """Numbers of the answer that give a figure of the source in another unit of its kind, to the
    places they give ("3.2 metres" of "320 cm"). Not spans of time: "30 days" is no restatement of
    "1 month's notice" (months and days do not convert exactly)."""
    found = set()
    for value in values_in(answer):
        mine = in_base(value.number, value.unit) if value.unit else None
        if mine and mine[0] != "time" and any(
                (theirs := in_base(v.number, v.unit)) and theirs[0] == mine[0] and v.unit != value.unit
                and rounds_to(theirs[1] / mine[1] * float(value.number), value.number) for v in values if v.unit):
            found.add(value.number)
    return found


def _counts_of_own_lists(answer: str) -> set[str]:
    counts = set()
    for match in _COUNT_THEN_LIST.finditer(answer):
        count = values_in(match.group("count"))
        items = values_in(match.group("items"))
        if not match.group("noun"):  # "Three: Eco, Auto and Boost": a list of names
            items = [] if items else _ITEM_BREAK.split(match.group("items").strip())
        if len(count) == 1 and not count[0].unit and count[0].number.isdigit() \
                and int(count[0].number) == len(items) > 1:
            counts.add(count[0].number)
    return counts


def _counts_of_rows(answer: str, source: str) -> set[str]:
    """How many rows a table of the source has, where the answer counts them: "all three" or
    "3 plans" of a table of three rows whose first column is headed "Plan"."""
    counts = set()
    for table in re.findall(r"(?:^\|.*\|[ \t]*(?:\n|$))+", source, re.M):
        header, *rows = [row_cells(line) for line in table.strip().splitlines()]
        rows = [r for r in rows if not all(re.fullmatch(r":?-+:?", c) for c in r if c)]
        things = stem(header[0].lower()) if header and header[0] else ""
        for value in values_in(answer):
            if value.unit or value.number != str(len(rows)):
                continue
            before = answer[:answer.find(value.raw)]
            after = re.match(r"\s*([^\W\d_]+)", answer[answer.find(value.raw) + len(value.raw):])
            if re.search(r"\ball\s+(?:the\s+)?$", before, re.I) or (after and things and stem(after.group(1).lower())
                                                                    == things):
                counts.add(value.number)
    return counts


_EQUAL_GROUPS = re.compile(r"(?<![\d.,])(?P<whole>\d+)\s*:\s*(?P<part>\d+)\s+(?:[^\W\d_]+\s+){0,2}?"
                           r"(?:in|for|of|per)?\s*(?:each|both)\b", re.I)


def _totals_of_equal_groups(answer: str, source: str) -> set[str]:
    """A total the answer breaks into groups of one size, each of which the source counts
    ("60: 30 in each group" of "30 road verges … and kept 30 similar verges")."""
    counts = Counter(v.number for v in values_in(source) if not v.unit)
    return {match["whole"] for match in _EQUAL_GROUPS.finditer(answer)
            if counts[match["part"]] > 1 and int(match["whole"]) == int(match["part"]) * counts[match["part"]]}


# "Figure 4", "Table 2", "step 3": a number that names a part of the document, not a quantity.
_REFERENCE = re.compile(r"\b(fig(?:ure)?s?\.?|tables?|sections?|chapters?|steps?|appendix|appendices)\s+(\d+)\b",
                        re.IGNORECASE)


def _reference_key(label: str, number: str) -> tuple[str, str]:
    label = label.lower().rstrip(".")
    label = "figure" if label.startswith("fig") else label.rstrip("s").replace("appendice", "appendix")
    return label, number


def _references_not_in(answer: str, source: str) -> list[str]:
    """References of the answer ("Figure 4") that the source does not make, of a kind it does
    make: 4 may be in the source as a count ("four outlets") while its one figure is Figure 1.
    (A source that numbers its steps "1.", "2." names no step: "in step 2" is then held to its
    numbers like any other.)"""
    made = {_reference_key(m.group(1), m.group(2)) for m in _REFERENCE.finditer(source)}
    kinds = {kind for kind, _ in made}
    return [m.group(0) for m in _REFERENCE.finditer(answer)
            if (key := _reference_key(m.group(1), m.group(2)))[0] in kinds and key not in made]


# "How much did fluency rise?": a change asked for, which "47 to 55" shows.
_CHANGE_ASKED = re.compile(r"^\W*(?:by )?how (?:much|many)\b.*\b(?:rise|rose|risen|fall|fell|fallen|drop(?:ped)?|"
                           r"improve[ds]?|grow|grew|grown|increase[ds]?|decrease[ds]?|change[ds]?|gain(?:ed)?|"
                           r"reduce[ds]?|cut|more|less|fewer)\b", re.I)


def check_numbers_grounded(answer: str, source: str, given: str = "") -> CheckResult:
    """Every number in the answer (in digits or words) occurs in the source, with the unit
    the source gives it: "5 GB" cannot stand for the source's "5 MB", nor "36 km/h" for its
    "36 V". A number the source states without a unit may take one the same statement names
    (a column headed "Latency (ms)", "charge to 80% … in 45 minutes"). A number the answer works
    out, showing the arithmetic ("3 × 3,600 s = 10,800 s"), from the source's numbers or those
    `given` (the question's, for a what-if) counts when the arithmetic holds; when it does not,
    the answer is wrong (checks/arithmetic.py)."""
    answer, announced = without_list_markers(answer)
    values, context = _source_values(source)
    numbers = {v.number for v in values}
    given_numbers = {v.number for v in values_in(given)} if given else set()
    given_numbers |= {"2"} if TWICE.search(given) else set()  # ("if I wash twice a month": 2 washes)
    # A percentage works as its fraction, its complement or its markup: 15% off is "× 0.85".
    factors = {f"{x:g}" for v in values if v.unit == "%" and re.fullmatch(r"\d+(?:\.\d+)?", v.number)
               for p in [float(v.number) / 100] for x in (p, 1 - p, 1 + p) if 0 < x}
    converted = conversions(answer, numbers)  # "270 days (9 months)" may be an operand
    derived, wrong = derived_numbers(answer, numbers | converted, given_numbers, factors)
    derived |= converted
    # (of figures the answer worked out, too: "= £50, so the £45 family ticket saves £5")
    keys = frozenset(v.key for v in values) | _shared_units(source)
    derived |= clock_arithmetic(answer, source, given)  # (before sums of them: "6 hours: 3 on Thursday and 3 …")
    derived.update(implied_calculations(answer, numbers | derived, given_numbers, keys), _counts_of_own_lists(answer),
                   _counts_of_rows(answer, source), _totals_of_equal_groups(answer, source),
                   _row_differences(answer, source),
                   over_the_askers_span(answer, given, numbers), per_period_of_intervals(answer, given),
                   counts_of_ranges(answer, numbers, source))
    # (on figures worked out so far, too: "half of £15 is £7.50, times 3 hours")
    twice = {"2"} if TWICE.search(source) else set()  # (an operand only: "20: twice a week for 10 weeks")
    change_asked = bool(_CHANGE_ASKED.search(given))
    derived |= recomputed_from_shown(answer, numbers | derived | twice, given_numbers, change_asked, keys)
    steps = stepped_values(source)
    derived.update(conversions(answer, numbers | derived), _in_another_unit(answer, values),
                   _changes_of_cells(answer, source),
                   (v.number for v in values_in(answer) if v.key in steps))
    # A range whose ends the source gives: "5–15" of "aged 5 to 15".
    derived.update(v.number for v in values_in(answer) if re.fullmatch(r"\d+(?:\.\d+)?-\d+(?:\.\d+)?", v.number)
                   and set(v.number.split("-")) <= numbers)
    if announced:  # "three cases:" followed by three items counts the answer's own list
        derived.add(announced)
    if wrong:
        return fail("numbers_grounded", wrong)
    if (period := _period_not_in_source(answer, source) or _ordinal_period_not_in_source(answer, source)
            or _share_not_in_source(answer, source)
            or _rate_period_not_in_source(answer, source) or _interval_not_in_source(answer, source)
            or _row_period_not_in_source(answer, source)) is not None:
        return fail("numbers_grounded", period)
    if times := times_from_nowhere(answer, source, given):
        return fail("numbers_grounded", f"time of day not in source: {times[0]}")
    if (date := _dates_not_in_source(answer, f"{source}\n{given}")) is not None:
        return fail("numbers_grounded", f"the source gives no {date}")
    if references := _references_not_in(answer, f"{source}\n{given}"):
        return fail("numbers_grounded", f"the source has no {references[0]}")
    answer_values = values_in(answer)
    missing = sorted({v.number for v in answer_values if v.number not in numbers and v.number not in derived})
    if missing:
        return fail("numbers_grounded", f"numbers not in source: {', '.join(missing[:5])}")
    if (rate := _rate_of_another_amount(answer, source, derived)) is not None:
        return fail("numbers_grounded", rate)
    for value in answer_values:
        if value.number in derived:
            continue  # worked out, or a count of its own list: its unit comes with it
        if not value.unit:
            if (counted := _counted_elsewhere(value, answer, values, context, source, given)) is not None:
                return fail("numbers_grounded", counted)
            continue
        same = [v for v in values if v.number == value.number]
        if any(v.unit == value.unit for v in same) or (value.number, value.unit) in _shared_units(source):
            continue
        # (a number said as a word, "two adults", counts: it lends no unit to a price or a measure)
        bare = any(not v.unit and not v.raw.isalpha() for v in same) and not _only_in_names(value.number, source)
        around = context.get(value.number, "")
        if bare and (value.unit in values_in_units(around) or re.search(rf"(?<!\w){re.escape(value.unit)}", around, re.I)):
            continue
        if value.unit == unit_key("points") and (any(v.unit == "%" for v in same) or (bare and "%" in around)):
            continue  # percentage points: a difference of percentages
        if value.unit == unit_key("points") and bare and re.search(r"\b(?:score|scale|rating|index)s?\b", around, re.I):
            continue  # the points of a score ("fell by 6.1 points" of "Change in agitation score | −6.1")
        unit = value.raw[len(value.raw.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ%°/µ평층년개월시간분 -"))
                         :].strip(" -") or value.unit
        return fail("numbers_grounded", f"unit not in source next to {value.number}: {unit!r}")
    return ok("numbers_grounded")


_NOT_RATINGS = CURRENCIES | {"%", unit_key("minutes"), unit_key("hours"), unit_key("days"), unit_key("weeks"),
                             unit_key("months"), unit_key("years")}


def _another_rating(question: str, answer: str, source: str) -> str | None:
    """Why a yes to the asker's figure of a kind the source rates otherwise is wrong ("Can I use a
    36 V battery?" "Yes, …" where the battery is 18 V and the source sets no range or limit), if it
    is. Prices, shares and spans of time are the asker's own case."""
    for mine in values_in(question):
        if not mine.unit or mine.unit in _NOT_RATINGS:
            continue
        theirs = [v for v in values_in(source) if v.unit == mine.unit]
        if theirs and all(v.number != mine.number for v in theirs) and not any(
                _BOUND_NEAR.search(s) for s in sentences(source, min_chars=4) if any(v.raw in s for v in theirs)):
            return f"the yes affirms {mine.raw!r}, where the source gives {theirs[0].raw!r}"
    return None


# (a range, a limit, or a setting the asker may change: "We wash at 40 °C unless you ask otherwise")
_BOUND_NEAR = re.compile(rf"\b(?:{UPPER_LIMIT_WORDS}|at least|minimum|maximum|within|no [a-z]+er than|"
                         r"or (?:more|less|higher|lower)|"
                         r"between|from|over|under|above|below|unless|otherwise|adjustable)\b|[–-]\s*\d|"
                         r"\d\s*(?:to|and)\s+\d",
                         re.I)


def _only_in_names(number: str, source: str) -> bool:
    """Is the number in the source without a unit only as part of a name ("PS-500", "E5"), which
    lends it no unit?"""
    for value in values_in(source):
        if value.unit:
            source = source.replace(value.raw, " ")
    found = list(re.finditer(rf"(?<![\d.,]){re.escape(number)}(?![\d])", source))
    return bool(found) and all(re.search(r"[A-Za-z]-?$", source[:m.start()]) for m in found)


# "Will a 20 W phone charger charge it faster?": the asker's supposed case, not a claim about the source.
_SUPPOSED = re.compile(r"^\s*(?:will|would|can|could|should|might)\s+(?:a|an)\s+[$€£¥]?\d", re.IGNORECASE)
# "Is a repair from 4 months ago still guaranteed?": the asker's case, set against the source's span
_AGO = re.compile(r"\b\d+(?:\.\d+)?\s+(?:days?|weeks?|months?|years?)\s+ago\b", re.IGNORECASE)


def _period_not_in_source(answer: str, source: str) -> str | None:
    """A price the answer gives for another period than the source does ("€18 per hour" of the
    source's "€18 per 24 hours"), if one is."""
    theirs = price_periods(source)
    for number, periods in price_periods(answer).items():
        if theirs.get(number) and not periods & theirs[number]:
            shown = [{"h": "hour"}.get(min(p), min(p)) for p in (theirs[number], periods)]
            return f"the source gives {number} per {shown[0]}, not per {shown[1]}"
    return None


def _row_differences(answer: str, source: str) -> set[str]:
    """Numbers the answer gives "for" a table row that are the difference of two of that row's
    values ("against 14 for nurses and 11 for doctors", of "Nurses | 64% | 78%" and "Doctors |
    49% | 60%")."""
    rows = {}
    for fact in facts_of(source):
        if fact.kind == "row" and fact.entity:
            amounts = [float(v.number) for v in fact.values if re.fullmatch(r"\d+(?:\.\d+)?", v.number)]
            if len(amounts) >= 2 and (label := set(stems(fact.entity))):
                rows[frozenset(label)] = amounts
    found = set()
    position = 0
    for value in values_in(answer):
        start = answer.find(value.raw, position)
        if start < 0 or not re.fullmatch(r"\d+(?:\.\d+)?", value.number):
            continue
        before, position = answer[position:start], start + len(value.raw)
        # The row is named right after the number ("14 for nurses") or before it in its clause ("Nurses: 14").
        named = set(stems(re.split(r"[,;.]|\band\b", answer[position:position + 40])[0]))
        named |= set(stems(re.split(r"[,;.]\s|\band\b", before)[-1]))
        # (or by one of its values beside a change: "1,700 more on 5,200" of "| Pedestrians | 5,200 | 6,900 |")
        others = {float(v.number) for v in values_in(answer) if v.number != value.number
                  and re.fullmatch(r"\d+(?:\.\d+)?", v.number)} if _CHANGE_WORD.search(answer) else set()
        for label, amounts in rows.items():
            if (label <= named or others & set(amounts)) and any(
                    equal(abs(a - b), float(value.number)) for i, a in enumerate(amounts) for b in amounts[i + 1:]):
                found.add(value.number)
    return found


_CHANGE_WORD = re.compile(r"\b(?:more|less|fewer|higher|lower|up|down|rise|rose|fall|fell|increase|decrease|gain)\b",
                          re.I)


# (a festival names the asker's time as a day does: "the Easter holidays" of "school holidays")
_FESTIVALS = "Easter|Christmas|Xmas|Whitsun|Thanksgiving|Diwali|Eid|Hanukkah|Ramadan|Passover"
_A_DAY_OR_MONTH = re.compile(rf"(?:{NAMES_OF_DAYS}|{_FESTIVALS})s?", re.I)
_MONTH_YEAR = re.compile(rf"\b({'|'.join(MONTHS)})\s+(\d{{4}})\b", re.I)


def _dates_not_in_source(answer: str, source: str) -> str | None:
    """A month of a year the answer gives that the source, which dates things so, does not
    ("From June 2024 to September 2025" of "From September 2024 to June 2025"), if there is one."""
    theirs = {(month.lower(), year) for month, year in _MONTH_YEAR.findall(source)}
    return next((f"{month} {year}" for month, year in _MONTH_YEAR.findall(answer)
                 if theirs and (month.lower(), year) not in theirs), None)


_CHANGED = re.compile(r"\b(?:down|up|fell|rose|dropped|drop|fall|rise|gained|cut|by)\b", re.I)


def _changes_of_cells(answer: str, source: str) -> set[str]:
    """Numbers the answer gives as the change a table cell of the source shows ("down 7" of
    "31 → 24"), in a sentence that says it is a change."""
    changes = {f"{abs(float(canon_number(b)) - float(canon_number(a))):g}" for a, b in CHANGE_ARROW.findall(source)}
    return {v.number for sentence in re.split(r"(?<=[.!?])\s+", answer) if _CHANGED.search(sentence)
            for v in values_in(sentence) if v.number in changes}


_ORDINAL_PERIOD = re.compile(r"\b(first|second|third|last|final)\s+(minute|hour|day|night|week|month|year|season)s?\b",
                             re.IGNORECASE)


def _ordinal_period_not_in_source(answer: str, source: str) -> str | None:
    """"the first week" where the source says "the first month" (and never "the first week")."""
    theirs: dict[str, set[str]] = {}
    for ordinal, period in _ORDINAL_PERIOD.findall(source):
        theirs.setdefault(ordinal.lower(), set()).add(period.lower())
    for ordinal, period in _ORDINAL_PERIOD.findall(answer):
        said = theirs.get(ordinal.lower())
        if said and period.lower() not in said:
            return f"the source says the {ordinal.lower()} {sorted(said)[0]}, not the {ordinal.lower()} {period.lower()}"
    return None


_PRICE_PER = re.compile(r"([$€£¥])\s?(\d[\d,]*(?:\.\d+)?)\s+(?:per|a|an|each)\s+([a-z]+)", re.I)


def _rate_of_another_amount(answer: str, source: str, derived: set[str]) -> str | None:
    """"£6 per piece" where the source charges "£4 per piece" (and never £6 for anything): a
    figure of the source's given as the price of another thing. One worked out is the arithmetic's."""
    theirs: dict[str, set[str]] = {}
    for sign, amount, per in _PRICE_PER.findall(source):
        theirs.setdefault(per.lower().rstrip("s"), set()).add(canon_number(amount))
    for sign, amount, per in _PRICE_PER.findall(answer):
        said = theirs.get(per.lower().rstrip("s"))
        if said and canon_number(amount) not in said | derived and not any(
                v.number == canon_number(amount) and v.unit in CURRENCIES for v in values_in(source)):
            return f"the source gives {sign}{sorted(said)[0]} per {per.lower()}, not {sign}{amount}"
    return None


# A share or an ordinal said of a thing: "half full", "the full service price", "every fifth bath".
_SHARE_OF = re.compile(r"\b(half|full|whole|(?:(?:a|one|two|three)[ -])?quarters?|(?:a|one|two)[ -]thirds?|"
                       r"second|third|fourth|fifth|sixth|"
                       r"seventh|eighth|ninth|tenth)\s+(?:the\s+)?"
                       r"(?!(?:the|this|that|these|those|its|their|your|our|and|was|were|are)\b)([a-z]{3,})\b", re.I)


# A change by a share: "the flow drops by half", "cuts boil times by about a third".
_BY_SHARE = re.compile(r"\bby\s+(?:about\s+|around\s+|roughly\s+|nearly\s+|almost\s+)?"
                       r"(half|(?:a|one|two|three)[ -](?:third|quarter)s?)\b", re.I)


def _shares_said(text: str) -> list[tuple[str, str]]:
    """(share, what it is said of) of each share the text gives ("half", "full"; "half", "by")."""
    return [*_SHARE_OF.findall(text), *((share, "by") for share in _BY_SHARE.findall(text))]


def _share_not_in_source(answer: str, source: str) -> str | None:
    """"half full" where the source says "three-quarters full", "every third bath" where it says
    "every fifth bath", "drops by a quarter" where it says "drops by half" (and never the answer's)."""
    theirs: dict[str, set[str]] = {}
    def plain(share: str) -> str:  # ("a quarter open" of "Quarter open")
        return re.sub(r"^(?:a|one) ", "", share.lower().replace("-", " "))

    for share, word in _shares_said(source):
        theirs.setdefault(word.lower(), set()).add(plain(share))
    for share, word in _shares_said(answer):
        said = theirs.get(word.lower())
        if said and plain(share) not in said:
            if word == "by":  # ("the source says by half, not by a quarter")
                return f"the source says by {sorted(said)[0]}, not by {share.lower()}"
            return f"the source says {sorted(said)[0]} {word.lower()}, not {share.lower()} {word.lower()}"
    return None


def _rate_period_not_in_source(answer: str, source: str) -> str | None:
    """A rate the answer gives per another period than the source gives the same count ("800
    stitches per second" of "800 stitches per minute", "twice a month" of "twice a week")."""
    theirs = rates_in(source)
    for count, counted, period in rates_in(answer):
        same = [p for c, what, p in theirs if c == count and (what == counted or not what or not counted)]
        if same and period not in same:
            return f"the source gives {count} per {same[0]}, not per {period}"
    return None


_PER_PERIOD_OF_ROW = re.compile(r"\bper\s+(hour|day|night|week|month|term|year)\b", re.I)


def _row_period_not_in_source(answer: str, source: str) -> str | None:
    """A figure of a table row whose label says per which period ("Car trips per family per
    week | 6.1 → 4.8") that the answer gives per another ("4.8 per day")."""
    for count, _, period in rates_in(answer):
        for line in source.splitlines():
            cells = row_cells(line) if line.strip().startswith("|") else []
            if len(cells) < 2 or not any(v.number == count for cell in cells[1:] for v in values_in(cell)):
                continue
            periods = {p.lower() for p in _PER_PERIOD_OF_ROW.findall(cells[0])}
            if periods and period not in periods:
                return f"the source gives {count} per {sorted(periods)[0]}, not per {period}"
    return None


def _interval_not_in_source(answer: str, source: str) -> str | None:
    """How often the answer says something happens ("every 2 years", "twice a week"), of a
    source that says how often things happen and never that often, and has the figure only as
    another quantity ("Every 2 years." of "replace it once a year. The cooker has a 2-year
    warranty"). "4 times an hour" of "every 15 minutes" is that often; "one every 8 hours" of
    "change the needle after 8 hours" is the source's; a figure worked out is the number check's."""
    theirs = intervals_in(source)
    known = {v.number for v in values_in(source)}
    for match in _HOW_OFTEN.finditer(answer):
        mine = intervals_in(match.group(0))
        figures = values_in(match.group(0))
        if not theirs or not mine or any(equal(m, t) for m in mine for t in theirs):
            continue
        if any(v.number not in known for v in figures):
            continue  # worked out ("26 times a year"), or from nowhere: the number check judges it
        if any(re.search(rf"\b(?:after|every|each)\s+(?:about\s+)?{re.escape(v.raw)}", source, re.I) for v in figures):
            continue
        return f"the source says how often, and never {match.group(0).strip()!r}"
    return None


_HOW_OFTEN = re.compile(r"\b(?:once |one )?every\s+(?:\d+(?:\.\d+)?\s*)?[a-z]+"
                        r"|\b(?:once|twice|(?:\d+(?:\.\d+)?|\w+) times)\s+(?:per|a|an|each|every)\s+[a-z]+", re.I)


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|me|my|we|our|us)\b", re.IGNORECASE)


def check_numbers_affirmed(question: str, answer: str, source: str, subject: str = "") -> CheckResult:
    """`check_numbers_grounded` of the answer, and of the question when the answer is a yes to
    it: "Is the warranty extended to 6 years?" "Yes." asserts a 6-year warranty. Not when the
    asker brings the number as their own case ("Can I fly business class on a 7-hour flight?"),
    nor for a number of the document's title ("the E-City 7")."""
    # "Can it mow a 30% slope?" "Yes, it handles up to 35%, so 30% is within its limit": the
    # asker's 30% is theirs, set against the source's limit, which it must be within.
    polarity = answer_polarity(answer)
    stated = {v.key for v in values_in(source)}
    for raws, within in _against_limits(question, answer, source):
        if within is False and all(v.key in stated for raw in raws for v in values_in(raw)):
            continue  # the source's own figure ("faster than the 5 W one"), not the asker's case
        if polarity is True and within is False:
            return fail("numbers_grounded", f"the yes puts {raws[0]!r} within a limit it is outside of")
        if within is None and polarity is True:
            continue  # a yes beside a bare comparison: the asker's figure stays to be affirmed
        for raw in raws:  # the figure itself, not the end of another ("5 °C" of "45 °C")
            # (and said in the source's unit: "5 cm is 50 mm")
            restated = conversions(answer, {v.number for v in values_in(raw)})
            for said in [raw, *(v.raw for v in values_in(answer) if v.number in restated)]:
                figure = re.compile(rf"(?<![\d.,]){re.escape(said)}")
                answer, question = figure.sub(" ", answer), figure.sub(" ", question)
    if polarity is True and (ago := _AGO.search(question)):
        (case,) = values_in(ago.group(0))[:1] or (None,)
        spans = [v for v in values_in(source) if case and v.unit == case.unit and _is_number(v.number)]
        if spans and all(float(case.number) > float(v.number) for v in spans):
            return fail("numbers_grounded", f"the yes puts {ago.group(0)!r} within a span the source ends sooner")
        if spans:
            question = question.replace(ago.group(0), " ")
    result = check_numbers_grounded(answer, source, question)
    if result.passed and polarity is True and is_yes_no_question(question) and \
            (other := _another_rating(question, answer, source)) is not None:
        return fail("numbers_grounded", other)
    if not result.passed or answer_polarity(answer) is not True or not is_yes_no_question(question) \
            or _FIRST_PERSON.search(question) or _SUPPOSED.search(question):
        return result
    # "Is it rated for more than 2,000 cycles?" "Yes, 3,000": the yes affirms the comparison,
    # which the answer's own figure decides, not the threshold as a figure of the source.
    for threshold, holds in _comparisons(question, answer):
        if not holds:
            return fail("numbers_grounded", f"the yes affirms {threshold!r}, which the answer's own figure does not")
        question = question.replace(threshold, " ")
    if re.search(r"\bthan\b", question):  # ("Is a weekday at 3 p.m. cheaper than a weekend?": the asker's case)
        question = without_times_of_day(question)
    # "Is Wide four times as wide as Narrow?" "Yes: 16 m against 4 m.": the ratio of the answer's figures
    if (ratio := _TIMES_AS.search(question)) and _ratio_given(ratio.group(1), answer):
        question = question.replace(ratio.group(0), " ")
    asked = check_numbers_grounded(question, f"{source}\n{subject}")
    if asked.passed:
        return result
    # "Is a full day cheaper than 8 hours?" "Yes: £200 for the day against £240 for 8 hours at £30":
    # the asker's 8 is their case, which the answer works with, not a figure it affirms.
    own = {v.number for v in values_in(question)} - {v.number for v in values_in(f"{source}\n{subject}")}
    if own and own <= recomputed_from_shown(answer, {v.number for v in values_in(source)}, own):
        return result
    # "Can it start an appliance that briefly draws 900 W?" "Yes, the surge goes up to 1,000 W.":
    # the asker's figure is within the limit the yes gives.
    if own and all(_within_the_answers_limit(v, answer) for v in values_in(question) if v.number in own):
        return result
    return fail("numbers_grounded", f"the yes affirms the question's {asked.detail}")


_TIMES_AS = re.compile(r"\b(\w+) times (?:as|more|bigger|longer|wider|larger|higher|heavier|faster)\b", re.I)


def _ratio_given(times: str, answer: str) -> bool:
    """Do two figures of one unit the answer gives stand in the ratio the question asks ("four
    times" of "16 m against 4 m")?"""
    wanted = values_in(times)
    figures = [v for v in values_in(answer) if _is_number(v.number)]
    return bool(wanted) and _is_number(wanted[0].number) and any(
        a.unit == b.unit and float(b.number) and math.isclose(float(a.number) / float(b.number),
                                                              float(wanted[0].number))
        for a in figures for b in figures if a is not b)


_ABOVE = r"more than|over|above|greater than|longer than|higher than|heavier than|at least"
_COMPARED = re.compile(rf"\b(?:(?P<above>{_ABOVE})|less than|under|below|fewer than|shorter than|lower than|"
                       r"lighter than|at most|within|up to)\s+(?P<threshold>[$€£¥]?\d[^?!;]*)", re.IGNORECASE)


def _comparisons(question: str, answer: str) -> list[tuple[str, bool]]:
    """(the question's comparison, "more than 2,000 charge cycles"; whether the figure the
    answer gives of that unit meets it) for each comparison the answer states such a figure for."""
    found = []
    for match in _COMPARED.finditer(question):
        values = values_in(match.group("threshold"))
        if not values or not match.group("threshold").startswith(values[0].raw.lstrip("$€£¥")[:1]):
            continue
        threshold = values[0]
        given = [float(v.number) for v in values_in(answer) if v.unit == threshold.unit and _is_number(v.number)]
        if not given or not _is_number(threshold.number):
            continue
        limit = float(threshold.number)
        meets = any(g >= limit if match.group("above") else g <= limit for g in given)
        found.append((match.group(0)[:len(match.group(0)) - len(match.group("threshold"))] + threshold.raw, meets))
    return found


_LIMIT = re.compile(rf"\b(?:(?P<upper>{UPPER_LIMIT_WORDS})|(?P<lower>at least|"
                    r"a minimum of|minimum of|no less than)|(?P<compared>(?:more|longer|heavier|higher|less|shorter|"
                    r"lighter|lower|fewer) than|over|above|under|below))\s+(?:the\s+)?"
                    r"(?P<limit>[$€£¥]?\d[\d,.]*\s*[^\s,.;:)]*)"
                    r"|(?P<limit2>[$€£¥]?\d[\d,.]*\s*[^\s,.;:)]*)\s+or\s+(?:later|newer|higher|above|more)\b",
                    re.IGNORECASE)


# "12 to 35 µg/m³", "-20 °C to 50 °C" (a unit after the low end too; a minus sign before either end)
_RANGE = re.compile(r"(?<![\w.,])(?P<low_sign>[-−])?(?P<low>\d[\d,.]*)(?:\s?(?:°\s?[CF]|%))?\s*(?:to|-|–)\s*"
                    r"(?P<high_sign>[-−])?(?P<high>\d[\d,.]*\s*[^\s,.;:)]*)")


def _against_limits(question: str, answer: str, source: str = "") -> list[tuple[list[str], bool | None]]:
    """The question's figures the answer restates beside a limit or a band it gives ("up to 35%,
    so 30% is within it"; "in the 12 to 35 µg/m³ band"), as written in each, and whether they
    are within it (None: a bare comparison, whose allowed side the words say). A bare comparison
    with a limit the source states ("3 days is more than 48 hours" of "at least 48 hours before")
    takes the source's side; a figure in another unit of the same kind is compared in one unit.
    A time of day is no figure to set against one ("at 9 a.m." is not the 9 of "5 to 9 p.m.")."""
    asked = {v.number: v for v in values_in(without_times_of_day(question))}
    found = []
    for match in _RANGE.finditer(answer):  # "20 µg/m³ falls in the 12 to 35 µg/m³ band"
        low, high = (values_in(match.group(k)) for k in ("low", "high"))
        if not low or not high or not _is_number(low[0].number) or not _is_number(high[0].number):
            continue
        bottom = float(low[0].number) * (-1 if match.group("low_sign") else 1)
        top = float(high[0].number) * (-1 if match.group("high_sign") else 1)
        for value in values_in(answer):
            mine = asked.get(value.number)
            if mine is None or value.number in (low[0].number, high[0].number) or not _is_number(value.number) \
                    or mine.unit not in ("", high[0].unit):
                continue
            # "-15 °C": below zero only when the asker wrote it so too
            figure = float(value.number) * (-1 if _negative(value.raw, question) and _negative(value.raw, answer) else 1)
            within = bottom <= figure <= top
            found.append((sorted({value.raw, mine.raw}, key=len, reverse=True), within))
    for match in _LIMIT.finditer(answer):
        limits = values_in(match.group("limit") or match.group("limit2"))
        if not limits or not _is_number(limits[0].number):
            continue
        limit = limits[0]
        for value in values_in(answer):
            mine = asked.get(value.number)
            if mine is None or value.number == limit.number or not _is_number(value.number) or \
                    (sizes := _comparable(mine, limit)) is None:
                continue
            side = "upper" if match.group("upper") else "lower" if match.group("lower") else _side_in(limit, source)
            if side is None:
                within = None  # "longer than 5.5 m are not eligible": which side is allowed, the words say
            else:
                within = sizes[0] <= sizes[1] if side == "upper" else sizes[0] >= sizes[1]
            found.append((sorted({value.raw, mine.raw}, key=len, reverse=True), within))
    for match in _WITHIN_IT.finditer(answer):  # "guaranteed for 5 years, so 3 years is within it"
        said = values_in(match.group("mine"))
        mine = asked.get(said[0].number) if said else None
        limits = [v for v in values_in(answer[:match.start()]) if _is_number(v.number)]
        if mine is None or not _is_number(mine.number) or not limits:
            continue
        if (sizes := _comparable(mine, limits[-1])) is None:
            continue
        within = sizes[0] <= sizes[1]
        if within == (match.group("side").lower() in ("within", "inside", "under")):  # (what it says must hold)
            found.append((sorted({said[0].raw, mine.raw}, key=len, reverse=True), within))
    return found


# The asker's figure said to be within (or past) the limit the answer has just given.
_WITHIN_IT = re.compile(r"(?P<mine>[$€£¥]?\d[\d,.]*\s*[^\s\d,.;:)]*)\s+(?:is|are|falls?)\s+(?:well\s+|still\s+)?"
                        r"(?P<side>within|inside|under|past|beyond|over|outside)\s+"
                        r"(?:it|that|this|them|the limit|the period)\b", re.I)


# A span something lasts or is covered for: "guaranteed for 90 days", "valid for 6 months".
_LASTS_FOR = re.compile(r"\b(?:for|lasts?|within)\s+(?P<limit>\d[\d,.]*\s*(?:days?|weeks?|months?|years?))\b", re.I)


def _within_the_answers_limit(mine: Value, answer: str) -> bool:
    """Is the asker's figure within an upper limit the answer states in its unit ("up to 1,000 W"),
    or, a span of time, within the span the answer says it lasts ("after 2 months" of "guaranteed
    for 90 days"), or on the side of a comparison the answer says it is ("a puncture 5 cm from
    the sidewall": "it's more than 2.5 cm from the sidewall")?"""
    limits = [(values_in(m.group("limit") or m.group("limit2"))[:1], True) for m in _LIMIT.finditer(answer)
              if m.group("upper")]
    if (span := in_base(mine.number, mine.unit)) and span[0] == "time":
        limits += [(values_in(m.group("limit"))[:1], True) for m in _LASTS_FOR.finditer(answer)]
    limits += [(values_in(m.group("limit"))[:1], not re.match(_ABOVE, m.group("compared"), re.I))
               for m in _LIMIT.finditer(answer) if m.group("compared")]
    for limit, below in limits:
        if limit and _is_number(limit[0].number) and _is_number(mine.number) and (
                sizes := _comparable(mine, limit[0])) is not None and (sizes[0] <= sizes[1]) == below:
            return True
    for match in _BETWEEN.finditer(answer):  # "between the 1.3 L MIN and 1.6 L MAX marks"
        ends = [values_in(match.group(side))[:1] for side in ("low", "high")]
        if all(ends) and _is_number(mine.number) and all(_is_number(end[0].number) for end in ends) and (
                low := _comparable(mine, ends[0][0])) and (high := _comparable(mine, ends[1][0])) and \
                low[1] <= low[0] <= high[1]:
            return True
    return False


_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?(?P<low>[$€£¥]?\d[\d,.]*\s*[^\s\d,.;:)]*)(?:\s+[A-Za-z]+){0,2}"
                      r"\s+and\s+(?:the\s+)?(?P<high>[$€£¥]?\d[\d,.]*\s*[^\s\d,.;:)]*)", re.I)


def _comparable(mine: Value, limit: Value) -> tuple[float, float] | None:
    """The two figures in one unit, when they measure one kind of thing (3 days, 48 hours)."""
    if mine.unit == limit.unit:
        return float(mine.number), float(limit.number)
    ours, theirs = in_base(mine.number, mine.unit), in_base(limit.number, limit.unit)
    if ours and theirs and ours[0] == theirs[0]:
        return ours[1], theirs[1]
    return None


def _side_in(limit: Value, source: str) -> str | None:
    """"upper" or "lower": which limit the source makes of the figure ("at least 48 hours"), if it makes one."""
    for match in _LIMIT.finditer(source):
        if match.group("compared") or not (stated := values_in(match.group("limit") or match.group("limit2"))):
            continue
        if stated[0].number == limit.number and stated[0].unit == limit.unit:
            return "upper" if match.group("upper") else "lower"
    return None


def _negative(raw: str, text: str) -> bool:
    """Is the figure written with a minus sign in `text` ("-15 °C")?"""
    return bool(re.search(rf"(?:^|[\s(])[-−]\s?{re.escape(raw)}", text))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


_HOW_MANY = re.compile(r"\bhow many\s+(?:more\s+)?([^\W\d_]{3,})", re.IGNORECASE)


def _counted_elsewhere(value: Value, answer: str, values: tuple[Value, ...], context: dict[str, str],
                       source: str, question: str = "") -> str | None:
    """Why a number that counts something ("five assist levels"; "Up to 20." to "How many
    fingerprints …?") is not the source's, when the source has that number only as a
    measurement of something else ("5 hours") or as a share ("61%" is no count of pupils), or
    only in a time of day, as the answer's one figure ("Up to 6." of "Doors open at 6:30 p.m.";
    "8: 4 that moved and 4 that didn't" is worked out, whatever "8:30 a.m." the source has)."""
    a_time = len(values_in(answer)) == 1 and value.number not in {
        v.number for v in values_in(without_times_of_day(source))}
    if not a_time and (value.number in context or any(v.number == value.number and not v.unit for v in values)):
        return None  # the source has the bare number too
    after = re.search(rf"(?<![\w.]){re.escape(value.raw)}[ \t]+([^\W\d_]{{3,}})", answer)  # not the next line's
    noun = after.group(1) if after else None
    if (noun is None or noun.lower() in STOPWORDS) and (asked := _HOW_MANY.search(question)):
        noun = asked.group(1)
    if not noun or noun.lower() in STOPWORDS or unit_key(noun.lower()) != noun.lower():
        return None  # (a unit is no thing counted: "7 points" of percentages)
    if a_time:
        return f"{value.raw} {noun}: the source has {value.number} only in a time of day"
    counted = stem(noun.lower())
    units = {v.unit for v in values if v.number == value.number}
    if any(counted in _UNIT_WORDS.get(unit, ()) for unit in units):
        return None  # "30 frames per second" for "30 fps"
    holders = [f"{f.about} {f.text}" for f in facts_of(source) if any(v.number == value.number for v in f.values)]
    if units != {"%"} and any(counted in set(stems(h)) for h in holders):
        return None
    units = sorted(units)
    return f"{value.raw} {noun}: the source has {value.number} only as {', '.join(units)}"


_CURRENCY_HEADING = re.compile(r"\(\s*([$€£¥₩])\s*\)")  # a column of prices: "Cost per passenger (£)"


def values_in_units(text: str) -> set[str]:
    return {v.unit for v in values_in(text) if v.unit} | {unit_key(sign) for sign in _CURRENCY_HEADING.findall(text)}


_COLOUR = re.compile(r"\b(red|orange|yellow|green|blue|purple|white|black|grey|gray|pink|amber)\b", re.I)


def check_terms_grounded(answer: str, source: str, subject: str = "", question: str = "") -> CheckResult:
    """Every named term of the answer is in the source, or in the document's subject (its
    title names the product a passage may leave unnamed), or is the thing a "no" says the
    source does not name."""
    if question and denies_an_unnamed_thing(question, answer, source, subject):
        source = f"{source}\n{question}"
    missing = missing_terms(answer, f"{source}\n{subject}" if subject else source)
    if missing:
        return fail("terms_grounded", f"terms not in source: {', '.join(missing[:5])}")
    # A colour is a value too: "solid green" where the light the source describes turns white.
    theirs = {c.lower() for c in _COLOUR.findall(source)}
    if theirs and (mine := {c.lower() for c in _COLOUR.findall(answer)} - theirs):
        return fail("terms_grounded", f"the source names no {min(mine)} (only {', '.join(sorted(theirs))})")
    return ok("terms_grounded")


def check_question_terms_grounded(question: str, source: str, subject: str = "", answer: str = "") -> CheckResult:
    """A question about a product, person or code the source never names has a false premise,
    unless its answer is the "no" that says so. The document's subject (title, domain) counts
    as named."""
    # (a day or a month is the asker's time, no thing the source must name: "Are you open on Sundays?",
    # unless the answer says it again as the source's: "Yes, Friday is the preferred remote day")
    missing = [t for t in missing_terms(question, f"{source}\n{subject}") if not _A_DAY_OR_MONTH.fullmatch(t)
               or re.search(rf"\b{re.escape(t.rstrip('sS'))}", answer, re.I)]
    if missing and not (answer and denies_an_unnamed_thing(question, answer, source, subject)):
        return fail("question_terms_grounded", f"question names what the source does not: {', '.join(missing[:5])}")
    if answer and (unnamed := affirms_the_unnamed(question, answer, source, subject)) is not None:
        return fail("question_terms_grounded", f"the yes affirms {unnamed!r}, which the source never names")
    return ok("question_terms_grounded")


# --- lexical support and topic ----------------------------------------------------------



@lru_cache(maxsize=_PASSAGES)
def _source_stems(source: str) -> frozenset[str]:
    """The passage's stems, with the words inside its links and dotted names ("forums" and
    "fast.ai" of https://forums.fast.ai/...) and the words its symbols stand for."""
    found = {stem(t) for t in content_tokens(plain(source))}
    for token in re.findall(r"[\w.-]+(?:[./][\w.-]+)+", source):
        found.update(stem(part) for part in re.split(r"[./]", token) if len(part) > 1)
        found.update(stem(part) for part in re.findall(r"[a-z]+\.[a-z]+", token.lower()))
    for symbol, spoken in _SYMBOL_WORDS.items():
        if symbol in source:
            found.update(spoken)
    # A change the source gives with its sign ("−0.9 °C", "+12%") is said in words: "fell by 0.9 °C".
    for sign, said in _SIGN_WORDS.items():
        if re.search(sign, source):
            found.update(said)
            if re.search(r"°[CF]", source):
                found.update(_WARMTH_WORDS[sign])
    # … and so is one from a figure to another ("6.0 → 5.9": "fell")
    for before, after in ((float(canon_number(a)), float(canon_number(b))) for a, b in CHANGE_ARROW.findall(source)):
        if before != after:
            found.update(_SIGN_WORDS[_FALL if after < before else _RISE])
    # A second occasion implies a first ("a warning, then a fine for a second offence").
    for later, earlier in (("third", ("first", "second")), ("second", ("first",))):
        if re.search(rf"\b(?:the|a|an|each|every|their|its|your)\s+{later}\b", source, re.I):
            found.update(earlier)
    # "not planted" is "unplanted"; "mean" is "average".
    found.update(stem(f"un{word.lower()}") for word in re.findall(r"\b(?:not|no)\s+([a-z]{4,})", source, re.I))
    found.update(word for known in list(found) for word in _SAME_WORDS.get(known, ()))
    return frozenset(found)


_FALL, _RISE = r"(?<![\w.])(?:−\s?|-)\d", r"(?<![\w.])\+\s?\d"  # ("−0.9", "-12%"; not "COVID-19", "10-20")
_SIGN_WORDS = {sign: frozenset(stem(w) for w in words.split()) for sign, words in (
    (_FALL, "fall fell fallen drop dropped decrease declin lower less reduce down cut"),
    (_RISE, "rise rose risen increase grew grow higher more gain up"))}
_WARMTH_WORDS = {_FALL: frozenset({"cool", "cooler", "colder"}), _RISE: frozenset({"warm", "warmer", "hotter"})}
_SAME_WORDS = {"mean": ("averag",), "averag": ("mean",)}


# A unit spelled out: what may follow a number that the source writes with the symbol.
_UNIT_WORDS = {"fps": {"frame"}, "MP": {"megapixel"}, "GB": {"gigabyt"}, "TB": {"terabyt"}, "km/h": {"kilometr", "kilomet"},
               "h": {"hour"}, "minute": {"minut"}, "s": {"second"}, "ms": {"millisecond"}, "C": {"degre"}, "%": {"percent"}}

# What a symbol of the source may be said as in an answer ("0.5 °C" → "half a degree").
_SYMBOL_WORDS = {"°C": {"degre", "celsius"}, "°F": {"degre", "fahrenheit"}, "%": {"percent", "per"}, "0.5": {"half"},
                 "30 minutes": {"half"}, "0.25": {"quarter"}, "15 minutes": {"quarter"},
                 # "daily" is "every day", "weekly" "every week" …
                 "daily": {"everi", "day"}, "weekly": {"everi", "week"}, "monthly": {"everi", "month"},
                 "yearly": {"everi", "year"}, "annually": {"everi", "year"}, "hourly": {"everi", "hour"}}


@lru_cache(maxsize=_PASSAGES)
def _source_sentences(source: str) -> tuple[tuple[tuple[str, frozenset[str]], ...], Counter]:
    """The passage's sentences with their stems, and in how many sentences each stem occurs."""
    units = tuple((unit, frozenset(stems(unit))) for unit in (sentences(source) or [source]))
    return units, Counter(word for _, unit_stems in units for word in unit_stems)


# Words that set figures side by side ("64%, compared with 55%, 9 points apart"): how an answer
# relates what the source says, not a claim of its own.
_CONNECTIVES = frozenset({"compared", "versus", "vs", "against", "respectively", "whereas", "point", "points",
                          "instead", "rather", "since", "because"})  # ("… since that's less than 24 hours ahead")


def support_ratio(text: str, source: str) -> tuple[float, int, list[str]]:
    """Share of `text`'s distinct content words (stemmed) that occur in `source`.
    Distinct, so repeating grounded words cannot dilute an invented one."""
    source_stems = _source_stems(source)
    # A value's unit ("3 hours earlier") is the number check's to judge with its number.
    with_units = (v for v in values_in(text) if v.unit and re.search(r"[^\W\d]", v.raw))
    for value in sorted(with_units, key=lambda v: -len(v.raw)):
        text = text.replace(value.raw, " ")
    # A number the source lacks ("5.00", worked out) is the number check's to judge, as digits are.
    tokens = list(dict.fromkeys(t for t in content_tokens(text) if not t.isdigit() and not (
        re.fullmatch(r"[\d.,]+", t) and stem(t) not in source_stems) and t.lower() not in _CONNECTIVES))
    if not tokens:
        return 1.0, 0, []

    def said(token: str) -> bool:  # (a plural of the source's word a stem keeps apart: "18s", "check-ups")
        return stem(token) in source_stems or (token[-1:].lower() == "s" and stem(token[:-1]) in source_stems)

    # A compound stands when its parts do ("keep-warm" of a "Keep warm" column, "under-18s" of
    # "Under 18"), and its parts stand with it ("ups" of "check-ups", of "Check-up").
    compounds = [t for t in tokens if "-" in t and (said(t) or all(
        said(part) for part in t.split("-") if part and part.lower() not in STOPWORDS))]
    parts = {part for t in compounds for part in t.split("-")}
    unsupported = [t for t in tokens if not said(t) and t not in compounds and t not in parts]
    return 1 - len(unsupported) / len(tokens), len(tokens), unsupported


_ANSWER_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")


def check_content_supported(answer: str, source: str, subject: str = "") -> CheckResult:
    """Every sentence of the answer must stand on the source: a grounded first sentence
    cannot carry an invented second one. A sentence in other words than the source's is
    supported when it means what one of the source's statements says. The document's subject
    (its title: the product a passage leaves unnamed) counts as said."""
    if subject:  # a paragraph of its own: a title beside the passage's last line is no record's field
        source = f"{source}\n\n{subject}"
    worst: tuple[float, int, list[str]] = (1.0, 0, [])
    for sentence in _ANSWER_SENTENCE.split(answer.strip()) or [answer]:
        ratio, count, unsupported = support_ratio(sentence, source)
        if unsupported and (told := _changes_told(sentence, source)):
            unsupported = [u for u in unsupported if u.lower() not in told]
            ratio = 1 - len(unsupported) / count
        if count >= MIN_WORDS_FOR_SUPPORT and ratio < SUPPORT_THRESHOLD and ratio >= SUPPORT_FLOOR:
            statements = [masked(f.text) for f in facts_of(source)] or [masked(source)]
            meaning, _ = best_similarity(masked(sentence), statements)
            if meaning >= SUPPORT_SEMANTIC and not _invented_clause(sentence, source):
                continue  # a paraphrase
        if ratio < SUPPORT_THRESHOLD and _works_out(sentence, source, unsupported):
            continue
        if count >= MIN_WORDS_FOR_SUPPORT and ratio < worst[0]:
            worst = (ratio, count, unsupported)
    ratio, _, unsupported = worst
    if ratio < SUPPORT_THRESHOLD:
        shown = ", ".join(unsupported[:6])
        return fail("content_supported", f"{ratio:.0%} of a sentence's words are in the source (not: {shown})", ratio)
    return ok("content_supported", round(support_ratio(answer, source)[0], 3))


def _within(share: float):
    return lambda a, b: a != b and abs(b - a) <= share * max(abs(a), abs(b))


# Words that say how a figure changed, each with when it is true of a change from a to b.
_CHANGE_WORDS = {
    **dict.fromkeys(("halved", "halve", "halves"), lambda a, b: abs(b - a / 2) <= 0.05 * abs(a)),
    **dict.fromkeys(("doubled", "double", "doubles"), lambda a, b: abs(b - 2 * a) <= 0.1 * abs(a)),
    **dict.fromkeys(("stayed", "stays", "remained", "unchanged", "steady"), lambda a, b: a == b),
    **dict.fromkeys(("went", "moved", "changed"), lambda a, b: a != b),
    **dict.fromkeys(("little", "slightly"), _within(0.1)),
    **dict.fromkeys(("rose", "risen", "increased", "grew", "climbed"), lambda a, b: b > a),
    **dict.fromkeys(("fell", "fallen", "dropped", "decreased", "declined"), lambda a, b: b < a),
}


def _changes_told(sentence: str, source: str) -> set[str]:
    """The words of the sentence that say truly how a figure the source gives changed ("It halved,
    from 6% to 3%", "stayed at 6%" of a table's "6 → 3" and "6 → 6"): the change must hold one of
    the sentence's figures."""
    said = {v.number for v in values_in(sentence)}
    changes = [(float(a), float(b)) for a, b in changes_of(source) if a in said or b in said]
    return {w.lower() for w in words(sentence) if w.lower() in _CHANGE_WORDS
            and any(_CHANGE_WORDS[w.lower()](a, b) for a, b in changes)}


MIN_WORDS_OF_CLAUSE = 3  # a clause of a paraphrase with this many words, none of them the source's, is its own
_CLAUSE_BREAK = re.compile(r";|\s[—–]\s|,\s+(?:or|and|but|while|plus|whereas)\s+|\s+(?:but|whereas)\s+", re.I)


def _invented_clause(sentence: str, source: str) -> bool:
    """Has the sentence a clause of its own words ("…; members of our loyalty scheme can cancel
    until midnight")? A paraphrase of one statement does not carry it."""
    clauses = _CLAUSE_BREAK.split(sentence)
    if len(clauses) < 2:
        return False
    for clause in clauses:
        ratio, count, _ = support_ratio(clause, source)
        if count >= MIN_WORDS_OF_CLAUSE and ratio == 0:
            return True  # "… and priority booking for events"
        if count >= MIN_WORDS_FOR_SUPPORT and ratio < SUPPORT_THRESHOLD and (ratio < SUPPORT_FLOOR or best_similarity(
                masked(clause), [masked(f.text) for f in facts_of(source)] or [masked(source)])[0] < SUPPORT_SEMANTIC):
            return True
    return False


# Words a calculation's sentence may add to the source's: its framing ("at one cycle a day,
# that is … years of daily use"), not claims about the subject.
MAX_CALCULATION_WORDS = 4


def _works_out(sentence: str, source: str, unsupported: list[str]) -> bool:
    """Is the sentence a calculation on the source's numbers that holds ("At one cycle a day,
    that is 3,000 / 365 = 8.2 years.")? The number check verified its arithmetic; what else it
    says must be a few words of framing."""
    known = {v.number for v in values_in(source)}
    grounded = known | CONVERSION_CONSTANTS | COUNTING_CONSTANTS
    # ("£192 for the year (12 × £16)": a result beside its calculation in brackets is one too)
    worked = [w for w in worked_calculations(sentence) if w.holds]
    if not worked or not all(o in grounded or is_sum_or_difference(o, known) for w in worked for o in w.operands):
        return False
    results = {w.stated for w in worked}
    words = [u for u in unsupported if canon_number(u) not in results and not u[:1].isdigit()]
    return len(words) <= MAX_CALCULATION_WORDS


def best_supporting_sentence(answer: str, source: str) -> str:
    """The source statement the answer rests on: the fact holding the most of its values,
    then sharing the most of its words (a table cell with its row and column, a record's
    field, a clause), else the sentence sharing the most words."""
    if not source.strip():
        return ""
    answer_stems = set(stems(answer))
    answer_values = {v.number for v in values_in(answer)}
    facts = facts_of(source)
    if facts:
        def score(fact) -> tuple[int, int]:
            held = {v.number for v in fact.values} & answer_values
            return len(held), len(answer_stems & set(stems(f"{fact.about} {fact.text}")))

        best = max(facts, key=score)
        if score(best) > (0, 0):
            return best.about if best.kind == "clause" else f"{best.about}: {best.text}"
    units, _ = _source_sentences(source)
    return max(units, key=lambda unit: len(answer_stems & unit[1]))[0]


_HEADING_LINE = re.compile(r"^\s*#{1,6}\s*(.+?)\s*#*\s*$", re.MULTILINE)


@lru_cache(maxsize=_PASSAGES)
def _sections(source: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The passage's Markdown sections: (heading, the numbers stated under it)."""
    marks = list(_HEADING_LINE.finditer(source))
    return tuple((m.group(1), frozenset(v.number for v in values_in(source[m.end():nxt.start() if nxt else None])))
                 for m, nxt in zip(marks, [*marks[1:], None]))


def _headings_over(answer: str, source: str) -> str:
    """The headings of the sections that hold two or more of the answer's values (one said twice
    counts twice: "50 ml of vinegar with 50 ml of water"): a summary of the "Specifications" table
    is about specifications without saying the word."""
    stated = [v.number for v in values_in(answer)]
    return "\n".join(heading for heading, numbers in _sections(source) if sum(n in numbers for n in stated) >= 2)


# What a request asks for is its object, not its verb: "Summarise the main specifications".
_REQUEST_WORDS = set(stems("summarise summarize summary explain describe outline overview list main key"))


def answer_relevance(
    question: str, answer: str, source: str, evidence: str | None = None, subject: str = ""
) -> float | None:
    """How much of the question the answer (with its supporting source sentence) covers.

    Question words are weighted by how rare they are among the source's sentences, so a
    product name that appears everywhere counts less than "colour" or "warranty": an
    answer about the product that ignores what was asked scores low. Words of `subject`
    (the document's title or domain) count as covered: answers often leave it implicit.
    """
    implicit = set(stems(subject)) | _REQUEST_WORDS
    question_stems = [w for w in stems(question) if w not in implicit]
    # "heat-pump" is asked as "heat" and "pump" too: the compound does not count twice.
    question_stems = [w for w in question_stems if "-" not in w or not all(
        part in question_stems or part in implicit for part in w.split("-") if part)]
    units, frequency = _source_sentences(source)
    if not any(frequency[w] for w in question_stems):
        return None  # nothing asked that the source words could show: overlap cannot tell
    weight = {word: len(units) / (1 + frequency[word]) for word in question_stems}
    # Each part of a longer answer (a summary's list items) rests on a statement of its own.
    parts = answer_clauses(answer) if "\n" in answer.strip() else []
    resting = "\n".join(best_supporting_sentence(part, source) for part in [answer, *parts])
    # And every table cell holding one of its values ("1.52 … against 1.88": both rows).
    stated = {v.number for v in values_in(answer)}
    measured = {(v.number, v.unit) for v in values_in(answer) if v.unit}
    # (and the cell the answer is word for word: "After each use." of "| Clean the blade | After each use |")
    cell = plain_words(answer)
    resting += "\n" + "\n".join(f.about if f.kind == "cell" else f.text for f in facts_of(source)
                                 if (f.kind == "cell" and (stated & {v.number for v in f.values}
                                                           or cell and plain_words(f.value) == cell))
                                 or (f.kind == "clause" and measured & {(v.number, v.unit) for v in f.values}))
    resting += "\n" + "\n".join(_referred_back_to(resting, source))
    covered = set(stems(f"{answer}\n{evidence or ''}\n{resting}\n{_headings_over(answer, source)}"))
    total = sum(weight.values())
    return sum(w for word, w in weight.items() if word in covered) / total if total else 1.0


# A sentence that says what happens "instead" or "otherwise" speaks of the case the one before it sets.
_REFERS_BACK = re.compile(r"\b(?:instead|otherwise|in that case|if not|after that)\b", re.I)


def _referred_back_to(resting: str, source: str) -> list[str]:
    """The source sentences before those of `resting` that refer back to them ("Cancel at least
    7 days ahead for a full refund." before "Within 7 days we offer a credit … instead.")."""
    told = sentences(source, min_chars=8)
    return [before for before, sentence in zip(told, told[1:])
            if _REFERS_BACK.search(sentence) and sentence.strip(" .") in resting]


def check_answers_question(
    question: str, answer: str, source: str, evidence: str | None = None, subject: str = ""
) -> CheckResult:
    """The answer, read with the source statement it rests on, addresses the question: it
    covers enough of what the question asks, in words or (for a paraphrase) in meaning."""
    score = answer_relevance(question, answer, source, evidence, subject)
    if score is None or score >= RELEVANCE_THRESHOLD:
        return ok("answers_question", None if score is None else round(score, 3))
    if answer_polarity(answer) is not None and is_yes_no_question(question):
        return ok("answers_question")  # a yes or a no answers it (no_contradiction checks which)
    if gives_asked_kind(question, answer):
        return ok("answers_question")  # asked how far, told in km
    if "duration" in asked_kinds(question) and span_in_words_stated(answer, source):
        return ok("answers_question")  # "How long will it last?" "About an hour." of "about 60 minutes"
    if re.search(r"\bhow many times\b", question, re.I) and re.search(r"\b(?:once|twice|\w+ times)\b", answer, re.I):
        return ok("answers_question")  # "How many times can I move a ticket?" "Once."
    if _PRICE_ASKED.search(question) and _bare_price(answer):
        return ok("answers_question")  # "How much is a one-hour lesson?" "£38."
    if rests_on_asked_fact(question, answer, source, subject):
        return ok("answers_question")  # it says what the statement the question is about says
    asked = {v.number for v in values_in(question)}
    if any(w.claimed and w.holds and asked & set(w.operands) for w in worked_calculations(answer)):
        return ok("answers_question")  # works out the asker's own figure: "£30 × 0.9 = £27" for a £30 book
    if _gives_the_row_named_by_numbers(question, answer, source):
        return ok("answers_question")  # "What do settings 1 and 2 give?" "Soft, light waffles." of "| 1–2 | …"
    if _gives_the_bound_asked(question, answer, source):
        return ok("answers_question")  # "What's the least I can put in?" "1.3 L." of "the MIN (1.3 L) … mark"
    return fail("answers_question", f"the answer covers {score:.0%} of what the question asks", round(score, 3))


_PRICE_ASKED = re.compile(r"^\W*how much (?:is|are|does|do)\b", re.I)


_ASKS_A_BOUND = re.compile(r"\b(?:(?P<low>least|minimum|min|smallest|fewest|lowest|shortest)|(?P<high>most|maximum|max|"
                           r"largest|biggest|highest|longest))\b", re.I)
_LOW_BOUND = re.compile(r"\b(?:min|minimum|at least|no less than|no fewer than)\b", re.I)
_HIGH_BOUND = re.compile(rf"\b(?:max|maximum|{UPPER_LIMIT_WORDS}|no larger than|no longer than)\b", re.I)


def _gives_the_bound_asked(question: str, answer: str, source: str) -> bool:
    """Does the question ask for a least or a most ("What's the least I can put in?") and the
    answer give a figure the source states as that bound ("the MIN (1.3 L) … mark")?"""
    asked = _ASKS_A_BOUND.search(question)
    if not asked:
        return False
    bound, other = (_LOW_BOUND, _HIGH_BOUND) if asked.group("low") else (_HIGH_BOUND, _LOW_BOUND)
    given = {v.key for v in values_in(answer) if v.unit}
    for value in values_in(source):
        at = source.find(value.raw)
        before = source[max(0, at - 25):at]  # (the bound word right before it: "MIN (1.3 L)", not "MAX (1.6 L)")
        if value.key in given and at >= 0 and bound.search(before) and not other.search(before[-12:]):
            return True
    return False


def _gives_the_row_named_by_numbers(question: str, answer: str, source: str) -> bool:
    """Does the answer say what the table row says whose label's numbers are the question's own
    ("settings 1 and 2" of a row "1–2")? Such a row is named by its numbers, not its words."""
    asked = {v.number for v in values_in(question) if not v.unit}
    said = set(stems(answer))
    if not asked or not said:
        return False
    for fact in facts_of(source):
        if fact.kind == "row" and fact.entity:
            numbers = {n for v in values_in(fact.entity) for n in v.number.split("-") if n}
            if numbers == asked and said <= set(stems(fact.text)):
                return True
    return False


def _bare_price(answer: str) -> bool:
    """Is the answer a price and next to nothing else ("£38.", "€12 a month")?"""
    values = values_in(answer)
    return bool(values) and all(v.unit in CURRENCIES for v in values) and len(content_tokens(answer)) <= 2


_DEICTIC = re.compile(
    r"\b(the|this|that|above|given|provided) (passage|text|document|source|section|excerpt|paragraph|context)\b", re.I
)


def check_question_standalone(question: str, source: str | None = None) -> CheckResult:
    """A question that leans on "the passage" / "the text" makes no sense to a reader of
    the dataset, who never sees the source; unless the source says it too, where it names a
    thing of its own ("Bikes not collected within 14 days of the text": a text message)."""
    match = _DEICTIC.search(question)
    if match and not (source and re.search(rf"\b{re.escape(match.group())}\b", source, re.I)):
        return fail("question_standalone", f"the question refers to {match.group()!r}, which a reader cannot see")
    return ok("question_standalone")


# Japanese and Korean sentence endings that state nothing ("Xです。" = "It is X.").
_CJK_COPULA = re.compile(r"(です|でした|である|だ|ます|ました|입니다|이다|예요|이에요|습니다|합니다)[。.!！]?\s*$")


_WHEN_WORDS = frozenset({"after", "before", "each", "every", "once", "twice", "daily", "weekly", "monthly", "yearly",
                         "never", "always", "until", "during"})


def check_adds_information(question: str, answer: str, source: str | None = None, subject: str = "") -> CheckResult:
    """The answer must say something the question did not: an answer that only restates
    the question ("X is the maker of X") looks grounded and on point, and teaches nothing.
    A yes or no to a yes/no question says what was asked; a bare "Yes." or "No." only where the
    source's statement the question asks says it too ("Can I use it in the rain?" "No." of
    "Do not use it in rain")."""
    polarity = answer_polarity(answer)
    if polarity is not None and is_yes_no_question(question) and (len(words(answer)) > 1 or source and (
            judged := judged_statement(question, source, subject, answer)) is not None
            and polarity is not judged.negative):
        return ok("adds_information")
    new_words = set(stems(_CJK_COPULA.sub("", answer))) - set(stems(question))
    new_numbers = (_numbers(answer) | {v.number for v in values_in(answer)}) - (
        _numbers(question) | {v.number for v in values_in(question)})  # "Up to two." says a number
    # ("When do I clean the blade?" "After each use.": words of when and how often say something)
    new_words |= {w.lower() for w in words(answer)} & _WHEN_WORDS - {w.lower() for w in words(question)}
    if not new_words and not new_numbers and answer.strip():
        return fail("adds_information", "the answer only restates the question")
    return ok("adds_information")


_QUESTION_WORDS = re.compile(
    r"^(what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|should|would|will|"
    r"has|have|had|may|summari[sz]e|explain|describe|list|outline|compare|name|give|state|identify)\b",
    re.IGNORECASE,
)


def check_question_well_formed(question: str) -> CheckResult:
    """A question (ends with ?) or a request (starts with summarise/explain/...)."""
    text = question.strip()
    if len(text) < 10:
        return fail("question_well_formed", f"question too short: {text!r}")
    if text.endswith(("?", "？")) or _QUESTION_WORDS.match(text) or (has_cjk(text) and text.endswith(("か", "까", "까요", "。"))):
        return ok("question_well_formed")
    return fail("question_well_formed", f"not a question or request: {text[:60]!r}")


def check_question_on_topic(question: str, source: str, subject: str = "", answer: str = "") -> CheckResult:
    """The question asks about this passage: enough of its words are in it (the document's
    subject, which a question may name, left aside), or it means what one of its statements
    is about, or this passage gives its answer (values of the passage, in its words:
    "which of the two stores is larger?" names neither store nor size)."""
    implicit = set(stems(subject))
    asked = " ".join(t for t in content_tokens(question) if stem(t) not in implicit)
    ratio, count, _ = support_ratio(asked, source)
    if not count or ratio >= ON_TOPIC_THRESHOLD:
        return ok("question_on_topic", round(ratio, 3))
    # A word the passage has in another form that stemming leaves apart ("randomised" of "randomly").
    if count and _share_by_prefix(asked, source) >= ON_TOPIC_THRESHOLD:
        return ok("question_on_topic", round(ratio, 3))
    # A question mostly in the title's words, which this passage uses too ("How much later did
    # the new start time begin?" of "Later School Start Times", where the passage moves the start
    # time): those words are the passage's as well.
    if count <= 2 and support_ratio(" ".join(content_tokens(question)), source)[0] >= ON_TOPIC_WITH_TITLE:
        return ok("question_on_topic", round(ratio, 3))
    facts = facts_of(source)
    meaning, _ = best_similarity(masked(question), [masked(f.text) for f in facts])
    if meaning >= ON_TOPIC_SEMANTIC:
        return ok("question_on_topic", round(meaning, 3))
    held = {v.number for f in facts for v in f.values}
    if answer and any(v.number in held for v in values_in(answer)) and support_ratio(answer, source)[0] >= \
            SUPPORT_THRESHOLD:
        return ok("question_on_topic", round(ratio, 3))
    # Or the answer sets two or more of the passage's figures, with their units, side by side or
    # works with them ("3 PSI: 18 PSI maximum against 15 PSI recommended"): its answer is this passage's.
    if answer and len({v.key for v in values_in(answer)} & {v.key for v in values_in(source)}) >= 2:
        return ok("question_on_topic", round(ratio, 3))
    # Or the answer is a term of this passage and next to nothing else ("What fuel does it use?"
    # "Propane."; "What did finishers get?" "A medal.").
    # (its figures aside: "£35, half the service price" of the asker's £70)
    terms = [w for w in content_tokens(answer) if not any(c.isdigit() for c in w)]
    if answer and 1 <= len(terms) <= MAX_TERM_WORDS and support_ratio(answer, source)[0] == 1.0:
        return ok("question_on_topic", round(ratio, 3))
    # Or the answer, in the passage's words, restates a statement of it about what the question
    # names ("Are the notes available to other researchers?" "No. … the notes cannot be shared …").
    if answer and support_ratio(answer, source)[0] >= SUPPORT_THRESHOLD and len(content_tokens(answer)) >= \
            MIN_WORDS_FOR_SUPPORT and _restates_a_statement_on(question, answer, facts, subject):
        return ok("question_on_topic", round(ratio, 3))
    return fail("question_on_topic", f"only {ratio:.0%} of the question's words are in the source "
                                     f"(meaning {meaning:.2f})", ratio)


def _share_by_prefix(text: str, source: str, prefix: int = 6) -> float:
    """The share of the text's content words that begin as one of the source's words does, to
    `prefix` letters ("randomised", "randomly"), or whose root before a noun's ending does
    ("storage", "store")."""
    words = [w.lower() for w in content_tokens(text)]
    theirs = {w.lower()[:prefix] for w in content_tokens(source) if len(w) >= prefix}
    source_words = {w.lower() for w in content_tokens(source)}
    return sum((len(w) >= prefix and w[:prefix] in theirs) or (
        (root := _NOUN_ENDING.sub("", w)) != w and len(root) >= 4 and any(s.startswith(root) for s in source_words))
        for w in words) / len(words) if words else 0.0


_NOUN_ENDING = re.compile(r"(?:age|ment)$")  # "storage" of "store", "shipment" of "ship"


def _restates_a_statement_on(question: str, answer: str, facts, subject: str = "") -> bool:
    """Does the answer repeat most of a source statement that shares a word with the question,
    or all but a word of one ("What did the other group do?" "They read to a teaching assistant
    on the same schedule." of "the other half read to a teaching assistant on the same schedule")?
    The document's subject, when the answer leaves it unsaid, is no word of the statement's here."""
    said, asked = set(stems(answer)), set(stems(question))
    for fact in facts:
        words = set(stems(fact.text)) - (set(stems(subject)) - said)
        if fact.kind == "clause" and len(words) >= 3 and len(words & said) / len(words) >= (
                0.6 if words & asked else WHOLLY_RESTATED):
            return True
    return False


# --- language and duplicates --------------------------------------------------------------

def check_language(question: str, answer: str, expected: str, source: str = "") -> CheckResult:
    if expected in ("", UNKNOWN):
        return ok("language")
    source_in_expected = bool(source) and detect_language(source) == expected
    for field, text in (("question", question), ("answer", answer)):
        if source_in_expected and _mostly_source_words(text, source):
            continue  # made of the passage's own words: the passage's language (no statistics needed)
        found = detect_language(text)
        if found not in (UNKNOWN, expected) and not (
                len(words(text)) < _SHORT_TEXT_WORDS and detect_language(f"{question}\n{answer}") in (expected, UNKNOWN)):
            return fail("language", f"{field} is in {found!r}, expected {expected!r}")
        # Too short for statistics, but a Japanese/Korean/Chinese sentence of several
        # words without a single CJK character is not in that language.
        if expected in _CJK_LANGUAGES and not has_cjk(text) and len(words(text)) >= _MIN_WORDS_FOR_SCRIPT_CHECK:
            return fail("language", f"{field} has no {_CJK_LANGUAGES[expected]} script, expected {expected!r}")
    return ok("language")


_CJK_LANGUAGES = {"ja": "Japanese", "ko": "Korean", "zh": "Chinese"}
# Under this many words a detector often names a neighbour language ("Can I get a permit for a
# 6 m camper van?" as Catalan): such a text is judged together with the rest of its pair.
_SHORT_TEXT_WORDS = 12
_MIN_WORDS_FOR_SCRIPT_CHECK = 4
# A text of at least this many words, this share of them found in the passage, is in the
# passage's language: another language's function words ("le", "der", "el") are not there.
# Statistical detection (langdetect, ~0.7 ms a text) was the critic's largest cost.
_MIN_WORDS_FOR_SOURCE_VOCABULARY = 5
_SOURCE_VOCABULARY_SHARE = 0.7


@lru_cache(maxsize=_PASSAGES)
def _vocabulary(source: str) -> frozenset[str]:
    return frozenset(words(source))


def _mostly_source_words(text: str, source: str) -> bool:
    found = words(text)
    if len(found) < _MIN_WORDS_FOR_SOURCE_VOCABULARY:
        return False
    vocabulary = _vocabulary(source)
    return sum(w in vocabulary for w in found) >= _SOURCE_VOCABULARY_SHARE * len(found)


def check_not_duplicate(question: str, registry: QuestionRegistry, answer: str | None = None) -> CheckResult:
    return duplicate_result(registry.find_duplicate(question, answer))


def duplicate_result(duplicate: str | None) -> CheckResult:
    if duplicate is not None:
        return fail("not_duplicate", f"duplicate of an accepted question: {duplicate[:80]!r}")
    return ok("not_duplicate")


# --- the named checks, in the order a reader would want the reasons ----------------------

def _grounded(decide):
    return lambda c: decide(c) if c.source is not None else None


QA_CHECKS = CheckSet("qa", (
    Check("not_empty", "the answer has no letters or digits", lambda c: check_not_empty(c.answer)),
    Check("question_usable", "the question writer gave no usable question (an invalid reply, or one that repeats "
          "another question of the chunk after a re-ask), so it was not answered",
          lambda c: check_question_usable(c.answer_error)),
    Check("not_refusal", 'the answer is a refusal or "the text does not say", or the answerer found no answer',
          lambda c: check_not_refusal(c.answer, c.answerable, c.answer_error)),
    Check("not_truncated", "the reply hit the token limit, ends mid-sentence, or has unbalanced brackets",
          lambda c: check_not_truncated(c.answer, c.finish_reason)),
    Check("numbers_grounded", 'a number is not in the source, or its unit is not next to it there ("5 GB" vs "5 MB"), '
          'or a reference ("Figure 4") is not one the source makes; '
          "a yes to a yes/no question affirms the question's numbers too; a number worked out with its arithmetic shown "
          "(3 × 3,600 s = 10,800 s) counts when the arithmetic holds, and fails the pair when it does not, as does a "
          "difference or total stated beside its operands (\"$18 more than paying $120\"); a price given for another "
          "period than the source gives it (\"€18 per hour\" for \"per 24 hours\") fails",
          _grounded(lambda c: check_numbers_affirmed(c.question, c.answer, c.source, c.subject))),
    Check("terms_grounded", "a named term (acronym, CamelCase, model number, quoted or code span, proper noun) is "
          "not in the source or the document's title (a thing a \"no\" says the source does not name aside), or a "
          "colour is one the source does not name where it names others",
          _grounded(lambda c: check_terms_grounded(c.answer, c.source, c.subject, c.question))),
    Check("values_in_role", "a value of the answer is in the source, but as the value of something else (another "
          "field, row or column: the battery's warranty given as the frame's)",
          _grounded(lambda c: check_values_in_role(c.question, c.answer, c.source, c.subject))),
    Check("no_contradiction", "the answer says yes where the source says no (or the other way round), restates a "
          "source sentence with its \"not\" added or taken away, turns a comparison, a span or the order of two "
          "steps round, widens what the source restricts (\"both\" against \"only\"), names a month or weekday "
          "the source does not, says yes to a time or a figure outside the hours or range it gives, or gives what "
          "the source sets aside (\"…, not Y\")",
          _grounded(lambda c: check_no_contradiction(c.question, c.answer, c.source, c.subject))),
    Check("content_supported", f"in some sentence of the answer, under {SUPPORT_THRESHOLD:.0%} of its distinct content "
          f"words (stemmed) occur in the source, and it is no paraphrase of a source statement either (embedding "
          f"similarity under {SUPPORT_SEMANTIC}, or under {SUPPORT_FLOOR:.0%} of its words)",
          _grounded(lambda c: check_content_supported(c.answer, c.source, c.subject))),
    Check("question_well_formed", 'the question is neither a question nor a request ("Summarise …")',
          lambda c: check_question_well_formed(c.question)),
    Check("question_standalone", 'the question leans on "the passage", "the text", "the document" … that a reader '
          "of the dataset never sees, where the source does not name such a thing itself (a text message: \"after the "
          "text\")", lambda c: check_question_standalone(c.question, c.source)),
    Check("question_on_topic", f"under {ON_TOPIC_THRESHOLD:.0%} of the question's content words (the document's "
          f"subject aside) occur in the source, and no source statement means what it asks (similarity under "
          f"{ON_TOPIC_SEMANTIC}), and its answer is not this passage's", _grounded(
              lambda c: check_question_on_topic(c.question, c.source, c.subject, c.answer))),
    Check("question_terms_grounded", "the question names a term that neither the source nor the document's title or "
          "domain contains (a false premise), and its answer is no \"no\" that says so; or a yes says again a word of "
          "the question the source never uses (\"Does it cover radiators?\" \"Yes, radiators are included.\")",
          _grounded(lambda c: check_question_terms_grounded(c.question, c.source, c.subject, c.answer))),
    Check("answers_question", f"the answer and the source statement it rests on (a table cell with its row and "
          f"column, a record's field) cover under {RELEVANCE_THRESHOLD:.0%} of what the question asks (words weighted "
          f"by how rare they are in the source; the document's subject may stay implicit), and it is neither a yes/no "
          f"to a yes/no question nor the kind of value asked for",
          _grounded(lambda c: check_answers_question(c.question, c.answer, c.source, c.evidence, c.subject))),
    Check("answer_type", "the question asks for a kind of value (a duration, a weight, a distance, a speed, a "
          "temperature, a phone number, a zip code) and the answer gives another kind, or none where one is "
          "required; or it asks who makes, wrote, sells or is responsible for something and the answer names no "
          "one new",
          lambda c: check_answer_type(c.question, c.answer)),
    Check("adds_information", "the answer only restates the question (no word or number the question lacks), or "
          "is a bare \"Yes.\" or \"No.\" that no statement of the source the question asks says too",
          lambda c: check_adds_information(c.question, c.answer, c.source, c.subject)),
    Check("language", "question or answer is in another language than `--language` / the document's",
          lambda c: check_language(c.question, c.answer, c.language, c.source or "")),
    Check("not_duplicate", f"the question duplicates, nearly duplicates (token-sort similarity ≥ "
          f"{DUPLICATE_SIMILARITY}) one already accepted in the run, or restates one with its answer in other "
          f"words (sentence similarity of the questions ≥ {SAME_QUESTION:.2f} and of the answers ≥ {SAME_ANSWER:.2f}, "
          "no number in conflict)",
          lambda c: check_not_duplicate(c.question, c.registry, c.answer) if c.registry is not None else None),
))


def run_checks(
    *,
    question: str,
    answer: str,
    source: str,
    language: str,
    registry: QuestionRegistry,
    answerable: bool = True,
    finish_reason: str | None = None,
    answer_error: str | None = None,
    evidence: str | None = None,
    subject: str = "",
    only: list[str] | None = None,
) -> list[CheckResult]:
    """The QA set on one pair (`only`: the names a team spec chose). A pair with no answer
    because of an error (an unusable question, a failed answerer) is judged by the check that
    names the error: "empty", "covers 0%" and the like would only repeat it."""
    if answer_error and not answer.strip():
        named = ["question_usable", "not_refusal"]
        if only is None or set(named) & set(only):
            only = [n for n in named if only is None or n in only]
    return QA_CHECKS.run(Candidate(
        question=question, answer=answer, source=source, language=language, registry=registry,
        answerable=answerable, finish_reason=finish_reason, answer_error=answer_error, evidence=evidence,
        subject=subject), only)
