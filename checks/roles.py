"""Checks that read the source as facts (checks/facts.py) rather than as a bag of words: the
ones a contradiction that reuses the source's own words and numbers cannot pass.

- `values_in_role`: a value in the answer is the value of the thing the answer says it is
  ("the battery has a 2-year warranty" when the source gives the battery 1 year and the
  robot 2 fails, though "2" and "year" are both in the source).
- `no_contradiction`: the answer does not say yes where the source says no ("Yes, it is
  waterproof" against "not waterproof", "Consultant Available: N"), does not turn a
  comparison round (slower/faster, fell/rose, from 41.5 to 44.0 read backwards), and does
  not widen what the source restricts ("both English and multilingual" against "English
  only").
- `answer_type`: a question that asks for a kind of value (a duration, a weight, a phone
  number, ...) gets an answer that gives one, not a value of another kind.

Each picks the fact a question or an answer clause is about by the words they share
(weighted by how rare each is in the passage) plus their sentence-embedding similarity.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from itertools import combinations

from ..tools.semantic import EMBEDDER, masked
from ..tools.text import HEDGED_NOT, STOPWORDS, answer_polarity, has_cjk, normalize, sentences, stem, stems
from ..tools.text import words as word_tokens
from .arithmetic import (
    MONTHS,
    WEEKDAYS,
    in_base,
    intervals_in,
    names_in_span,
    derived_numbers,
    shown_calculations,
    implied_calculations,
    stepped_values,
    times_of_day,
    without_times_of_day,
    worked_calculations,
)
from .base import CheckResult, fail, ok
from .facts import (
    CHANGE_ARROW,
    FIGURE,
    CURRENCIES,
    NEGATION,
    PRICE_PERIOD,
    UPPER_LIMIT_WORDS,
    Fact,
    Value,
    about_stems,
    canon_number,
    facts_of,
    price_periods,
    row_cells,
    unit_key,
    values_in,
)
from .terms import missing_terms

SEMANTIC_WEIGHT = 0.5  # an embedding similarity of 1 counts as half the question's words
ROLE_MARGIN = 0.25  # how much better the rival fact must match before a value is misplaced
POLARITY_LEAD = 0.10  # how much better the fact a yes/no answer is judged on must match than the next
RESTATES_WHOLLY = 0.75  # of a yes/no answer's words a statement must hold to be the reason it gives
FLAG_REACH = 0.2  # a yes/no field this close to the best match is what a yes/no question is judged on


# --- matching a text to the passage's facts ------------------------------------------------

@lru_cache(maxsize=256)
def _fact_stems(source: str) -> tuple[tuple[frozenset[str], ...], dict[str, float]]:
    facts = facts_of(source)
    sets = tuple(frozenset(about_stems(masked(f"{f.about} {f.text}"))) for f in facts)
    frequency = Counter(w for s in sets for w in s)
    idf = {w: math.log(1 + len(sets) / n) for w, n in frequency.items()}
    return sets, idf


def fact_scores(query: str, source: str, facts: tuple[Fact, ...] | None = None, subject: str = "") -> list[float]:
    """How well each fact of `source` matches `query`: the share of the query's words the
    fact has (rarer words weigh more; the document's subject, which every statement is
    about, not at all), plus half its embedding similarity."""
    # (an age is no period: "my 16-year-old" matches no "Per year" column)
    scores = _all_fact_scores(_AGE.sub(r"aged \1", query), source, subject)
    if facts is None:
        return list(scores)
    index = {id(f): i for i, f in enumerate(facts_of(source))}
    return [scores[index[id(f)]] for f in facts]


_AGE = re.compile(r"\b(\d+)-year-olds?\b", re.I)


@lru_cache(maxsize=1024)  # several checks weigh the same clause against the same passage
def _all_fact_scores(query: str, source: str, subject: str) -> tuple[float, ...]:
    facts = facts_of(source)
    sets, idf = _fact_stems(source)
    wanted = {w for w in about_stems(masked(query)) if w in idf} - about_stems(subject)
    total = sum(idf[w] for w in wanted)
    semantic = EMBEDDER.similarities(masked(query), [masked(f.text) for f in facts])
    scores = []
    for have, sim in zip(sets, semantic):
        lexical = sum(idf[w] for w in wanted & have) / total if total else 0.0
        scores.append(lexical + SEMANTIC_WEIGHT * float(sim))
    return tuple(scores)


def _same(value: Value, other: Value) -> bool:
    """One value, the unit aside when either has none; but a price is no bare number ("£15"
    is not the 15 of "children aged 4 to 15")."""
    if value.number != other.number:
        return False
    if value.unit == other.unit:
        return True
    if (value.unit in CURRENCIES and not other.unit) or (other.unit in CURRENCIES and not value.unit):
        return False
    return not value.unit or not other.unit


def _kind(value: Value) -> str:
    if value.unit:
        return value.unit
    return re.sub(r"\d", "9", value.number)  # a phone number, a zip code, a bare count


_DIMENSIONS = {
    "duration": {"h", "minute", "s", "ms", "day", "week", "month", "year"},
    "data": {"KB", "MB", "GB", "TB", "PB"},
    "mass": {"kg", "g", "lb", "oz", "mg"},
    "length": {"km", "m", "cm", "mm", "ft", "inch"},
    "speed": {"km/h", "mph", "rpm"},
    "temperature": {"C", "F"},
    "volume": {"L", "ml", "gal"},
}
_DIMENSION_OF = {unit: name for name, units in _DIMENSIONS.items() for unit in units}


def _dimension(value: Value) -> str:
    """What a value measures: 6 months and 1 year are both durations, 2 TB and 100 GB data."""
    return _DIMENSION_OF.get(value.unit, _kind(value))


# A sentence end too: a strong model's paragraph says several things, each its own clause.
_CLAUSES = re.compile(r"\s*(?:;|\n+|(?:(?<=[a-z%)][.!?])|(?<=\w\d[.!?])|(?<=[ \t]\d[.!?]))\s+(?=[A-Z\"“(])"
                      r"|, (?:and|while|whereas|but)\b| and (?=the |its |a |an |[A-Z])|, while |"
                      r"(?<=[\uac00-\ud7af])(?:이고|이며|고|며|,)\s)\s*")


def answer_clauses(answer: str) -> list[str]:
    """The answer's clauses: split at sentence ends, ";", line breaks (each item of a list), conjunctions,
    and at a comma that separates two values ("5 years as standard, extended to 3 years with …")."""
    out = []
    for clause in (c for c in _CLAUSES.split(answer) if c.strip()):
        parts: list[str] = []
        for piece in re.split(r"(?<=,) |(?<=、)|(?<= and )", clause):
            # ... unless it is a list of bare values ("500 g, 750 g or 1 kg loaves"; not "83.1%, up from 78.2%")
            listed = bool(parts) and not _words_without_values(parts[-1]) and bool(re.match(r"\s*[$€£¥]?\d", piece))
            if parts and values_in(piece) and values_in(parts[-1]) and not listed:
                parts.append(piece)
            elif parts:
                parts[-1] = f"{parts[-1]} {piece}" if parts[-1].endswith(",") and not parts[-1].endswith(" ") \
                    else parts[-1] + piece
            else:
                parts.append(piece)
        out.extend(re.sub(r"(,| and)\s*$", "", p).rstrip("、 ") for p in parts)
    return out


def grounded_values(text: str, source: str) -> list[Value]:
    held = {v.number for f in facts_of(source) for v in f.values}
    return [v for v in values_in(text) if v.number in held]


# --- values in their role ----------------------------------------------------------------------

_BINDING = re.compile(r"(\d+(?:[.,]\d+)*)\s?%?\s*\(([A-Z][\w-]*)\)|"
                      r"(\d+(?:[.,]\d+)*)\s?[A-Za-z%]{0,6}\s+for\s+(?:the\s+)?([A-Z][\w-]*)|"
                      r"\(([A-Z][\w-]*)\b[^()]{0,40}?(\d+(?:[.,]\d+)*)[^()]{0,12}\)|"
                      # "Partial root-zone drying (PRD) saved 31% of water": a name, its verb, its value
                      r"\(([A-Z][A-Z0-9-]+)\)\s+(?:[a-z]+\s+){1,4}(?:by\s+)?(\d+(?:[.,]\d+)*\s?%)")


@lru_cache(maxsize=256)
def _entity_values(source: str) -> dict[str, frozenset[tuple[str, str]]]:
    """Entity → the values (number, kind) the source gives it: a table row's or a record's
    values, and a value the prose binds to a name ("78.2% (BM25)", "14 GB for SPLADE")."""
    out: dict[str, set[tuple[str, str]]] = {}
    for fact in facts_of(source):
        if fact.entity and fact.values:
            out.setdefault(normalize(fact.entity), set()).update((v.number, _kind(v)) for v in fact.values)
    for match in _BINDING.finditer(source):  # "78.2% (BM25)", "14 GB for SPLADE", "(RecordIO after … 256x256)"
        name = match.group(2) or match.group(4) or match.group(5) or match.group(7)
        bound = match.group(8) or match.group(0)  # the last form: only the value after the verb
        out.setdefault(normalize(name), set()).update((v.number, _kind(v)) for v in values_in(bound))
    return {k: frozenset(v) for k, v in out.items()}


_COMPARED_WITH = re.compile(r"\b(?:under|below|up to|no more than|at most|within|over|above|at least|less than|"
                            r"more than)\s+(?:the\s+|its\s+|a\s+)?$", re.I)
_A_LIMIT = re.compile(r"\b(?:max(?:imum)?|min(?:imum)?|limit)\b", re.I)


def _a_limit_compared_with(value: Value, text: str, entities: dict[str, frozenset[tuple[str, str]]]) -> bool:
    """Is the value a limit row's ("Maximum load | 130 kg") that the text sets a thing against
    ("their combined weight is under 130 kg")? Then it is the limit's, not the thing's."""
    at = text.find(value.raw)
    return at >= 0 and bool(_COMPARED_WITH.search(text[:at])) and any(
        _A_LIMIT.search(name) and value.number in {number for number, _ in held} for name, held in entities.items())


def _not_the_rows(values: list[Value], entity: str, entities: dict[str, frozenset[tuple[str, str]]],
                  source: str, text: str = "") -> str | None:
    """Why a value said of a row (or record) is not that row's, if it is not."""
    for value in values:
        if text and _a_limit_compared_with(value, text, entities):
            continue
        held = {number for number, kind in entities.get(entity, ())
                if _DIMENSION_OF.get(kind, kind) == _dimension(value)}
        if held and value.number not in held and not _said_of_in_prose(value, entity, source, entities):
            return f"{value.raw} is not what the source gives {entity!r} ({', '.join(sorted(held))[:60]})"
        if owner := _only_another_rows(value, entity, entities, source):
            return f"{value.raw} is what the source gives {owner!r}, not {entity!r}"
    return None


def _only_another_rows(value: Value, entity: str, entities: dict[str, frozenset[tuple[str, str]]],
                       source: str) -> str | None:
    """The row (or record) a value belongs to, when the source states it only there and the
    clause names another row: E01's "below 40 °C" said of E02 (which has no temperature)."""
    owners = [e for e, held in entities.items() if e != entity and any(
        number == value.number and _DIMENSION_OF.get(kind, kind) == _dimension(value) for number, kind in held)]
    if len(owners) != 1 or any(number == value.number for number, _ in entities.get(entity, ())):
        return None
    return None if any(_same(value, v) for v in _prose_values(source)) else owners[0]


@lru_cache(maxsize=256)
def _prose_values(source: str) -> tuple[Value, ...]:
    """The values the source states outside its rows and records."""
    return tuple(v for f in facts_of(source) if not f.entity for v in f.values)


def _clause_entity(clause: str, entities: dict[str, frozenset[tuple[str, str]]], heads: bool = False) -> str | None:
    """The one entity of the source a clause of the answer names (None: none or several); with
    `heads`, by the head of its label before brackets too ("low season" of "Low (Nov–Mar)")."""
    text = normalize(clause)
    words = set(re.findall(r"[\w-]+", text))
    named = {e for e in entities if e and (re.search(rf"(?<!\w){re.escape(e)}", text) or (
        len(re.findall(r"[\w-]+", e)) > 1 and set(re.findall(r"[\w-]+", e)) <= words) or heads and (
        len(head := e.split(" (")[0]) >= 3 and head != e and re.search(rf"(?<!\w){re.escape(head)}(?!\w)", text)))}
    named = {e for e in named if not any(e != other and e in other for other in named)}  # longest names win
    return next(iter(named)) if len(named) == 1 else None


_TOKEN = re.compile(r"[^\W_]+(?:[.,'’-][^\W_]+)*", re.UNICODE)


def _bindings(text: str) -> dict[str, list[str]]:
    """Stem → the bare numbers its words follow in `text` ("level 1 gives the longest range
    and level 5 the most support": most, support → 5). Only for sentences whose numbers are
    all bare (levels, steps, ranks): a measured value's words stand on either side of it, and a
    time of day ("2 p.m. on weekdays") is no level."""
    text = without_times_of_day(text)
    if any(v.unit for v in values_in(text)):
        return {}
    tokens = [m.group() for m in _TOKEN.finditer(text)]
    value_at = {}
    for i, token in enumerate(tokens):
        found = values_in(token)
        if found and re.fullmatch(r"\d+(?:[.,]\d+)*|[A-Za-z]+", token):
            value_at[i] = found[0].number
    if len(value_at) < 1:
        return {}
    out: dict[str, list[str]] = {}
    current = None
    for i, token in enumerate(tokens):
        if i in value_at:
            current = value_at[i]
            continue
        if current is not None:
            for word in stems(token):
                out.setdefault(word, []).append(current)
    return out


_FOR_BINDING = re.compile(r"(\d+(?:[.,]\d+)*)\s?[A-Za-z%]{0,4}\s+for\s+(?:the\s+|a\s+|an\s+)?((?:[\w-]+\s+){0,2}[\w-]+)")


def _for_bindings(text: str) -> dict[str, frozenset[str]]:
    """Value → the words it is given "for": "138GB for training set" → 138: train, set."""
    out: dict[str, set[str]] = {}
    for number, phrase in _FOR_BINDING.findall(text):
        out.setdefault(number.replace(",", ""), set()).update(stems(phrase))
    return {k: frozenset(v) for k, v in out.items()}


def _given_for_another(clause: str, source: str) -> str | None:
    """Why a clause gives a value to what the source gives another value "for", if it does."""
    bound = _for_bindings(source)
    if len(bound) < 2:
        return None
    words = set(stems(clause))
    for value in values_in(clause):
        own = bound.get(value.number)
        if own is None:
            continue
        phrase = re.search(rf"(?<![\w.,]){re.escape(value.raw)}\s+[A-Za-z]+", clause)
        if phrase and normalize(phrase.group()) in normalize(source):
            continue  # "two speeds" as the source says it: not speed 2's
        distinctive = {w for w in words for other, phrase in bound.items() if other != value.number
                       and w in phrase and w not in own}
        if distinctive and not (words & own - set.intersection(*map(set, bound.values()))):
            other = next(o for o, p in bound.items() if o != value.number and distinctive & p)
            return f"the source gives {value.raw} for {' '.join(sorted(own))}; {other} is the one for " \
                   f"{' '.join(sorted(distinctive))}"
    return None


# Words a measured value names: those after it up to a break ("1,800 W of continuous output",
# "3,600 W surge", "1.71 kWh/km in January"), or the label before it ("Continuous output: 1,800 W").
_AFTER_VALUE = re.compile(r"^(?:/[A-Za-z]+)?\s*\(?\s*(?:(?:of|in|during)\s+)?((?:[A-Za-z][A-Za-z0-9-]*\s*){1,3})")
_LABEL_BEFORE = re.compile(r"(?:^|\n|[.;|]\s*)\s*(?:\d+[.)]\s*|[-*•]\s*)?(?:\*\*)?([A-Za-z][A-Za-z -]{0,40}?)"
                           r"(?:\*\*)?\s*:\s*(?:\*\*)?\s*(?:about\s+|up to\s+)?$")
_BREAK_WORDS = frozenset("and or but with for to at in on from than which that while whereas each per compared "
                         "versus vs against".split())


def _measured_bindings(text: str) -> dict[str, set[Value]]:
    """Stem → the measured values whose name it is in `text`."""
    out: dict[str, set[Value]] = {}
    position = 0
    for value in values_in(text):
        if not value.unit:
            continue
        start = text.find(value.raw, position)
        if start < 0:
            continue
        position = start + len(value.raw)
        if re.search(r"\d[\d,.]*\s*(?:to|-|–|and)\s*$", text[:start]):
            continue  # the end of a range ("40 to 100 °C in steps of 1 °C"): what follows is the range's
        named = []
        # (a time it happens within or after, "registering within 30 days extends the warranty", says
        # when; the words after it are the clause's, not what the value measures)
        if re.search(r"\b(?:within|after|before|until)\s+$", text[:start], re.I):
            continue
        # A price's period ("£65 a year") says how often it is paid, not what it is the price of:
        # the period check reads it (facts.price_periods).
        period = PRICE_PERIOD.match(text, position) if value.unit in CURRENCIES else None
        if after := _AFTER_VALUE.match(text[period.end() if period else position:]):
            for word in after.group(1).split():
                if word.lower() in _BREAK_WORDS:
                    break
                named.append(word)
        if label := _LABEL_BEFORE.search(text[:start]):
            named.extend(label.group(1).split())
        for word in named:
            for s in stems(word):
                out.setdefault(s, set()).add(Value(value.number, value.unit, ""))
    return out


def _measured_swap(clause: str, source: str) -> str | None:
    """Why a clause names a measured value with the words the source gives another value of the
    same dimension in one statement ("Continuous output: 3,600 W" where the source has "1,800 W
    of continuous output and 3,600 W of surge power"), if it does."""
    mine = _measured_bindings(clause)
    if not mine:
        return None
    statements = sentences(source, min_chars=8)
    bound = [_measured_bindings(statement) for statement in statements]
    for statement, theirs in zip(statements, bound):
        for word, held in mine.items():
            if len(held) != 1 or len(theirs.get(word, ())) != 1:
                continue
            (said,), (given,) = held, theirs[word]
            if any(said in other.get(word, ()) for other in bound):
                continue  # another statement names it so too ("for a 750 g loaf" beside "a 1 kg loaf")
            stated = {(v.number, v.unit) for v in values_in(statement) if v.unit}
            if said != given and (said.number, said.unit) in stated and _dimension(said) == _dimension(given):
                shown = next((w for w in re.findall(r"[A-Za-z-]+", clause) if word in stems(w)), word)
                return (f"the source gives {shown.lower()!r} to {given.number} {given.unit}, "
                        f"not {said.number} {said.unit}")
    return None


def _named_before(text: str) -> dict[tuple[str, str], set[str]]:
    """Measured value → the words between it and the value before it ("Sick days fell by 65% and
    staff turnover by 57%": 65% ← sick, days, fell; 57% ← staff, turnover)."""
    out: dict[tuple[str, str], set[str]] = {}
    position = 0
    for value in values_in(text):
        start = text.find(value.raw, position)
        if start < 0 or not value.unit:
            continue
        out[value.key] = set(stems(text[position:start]))
        position = start + len(value.raw)
    return out


def _named_before_swap(clause: str, source: str) -> str | None:
    """Why a clause gives the two values of a source sentence each other's names, if it does."""
    mine = _named_before(clause)
    if len(mine) != 2:
        return None
    for sentence in sentences(source, min_chars=8):
        theirs = _named_before(sentence)
        if set(theirs) != set(mine):
            continue  # only the two values of one sentence, traded ("… by 65% and turnover by 57%")
        crossed = []
        for key, words in mine.items():
            if key not in theirs:
                continue
            own = len(words & theirs[key])
            rival = max(((len(words & w), other) for other, w in theirs.items() if other != key and other[1] == key[1]),
                        default=(0, None))
            if rival[0] > own:
                crossed.append((key, rival[1], rival[0]))
        # Two values that trade names outright (each has none of its own words, only the other's:
        # "A single is €11 and a return €6.50") need but one shared word each.
        outright = all(not (mine[said] & theirs[said]) for said, *_ in crossed)
        if len(crossed) >= 2 and (max(shared for *_, shared in crossed) >= 2 or outright):
            said, given, _ = crossed[0]
            shown = [f"{number} {unit}".replace(" %", "%") for number, unit in (said, given)]
            return f"the answer names {shown[0]} as the source names {shown[1]}"
    return None


_PAIRS_SPLIT = re.compile(r",\s+(?:or|and|but|while|whereas)\s+|;|\s+(?:and|or|but|while|whereas)\s+"
                          r"(?=(?:(?:a|an|the|for)\s+)?[$€£¥]?\d)"
                          r"|,?\s+(?:against|compared with|versus|vs\.?|instead of|rather than)\s+", re.I)


def _pairs(text: str) -> list[set[tuple[str, str]]]:
    """The measured values each part of a sentence states together ("2.5 hours from a 5 W
    adapter, or 1.5 hours from a 10 W adapter": {2.5 h, 5 W}, {1.5 h, 10 W})."""
    return [{v.key for v in values_in(part) if v.unit} for part in _PAIRS_SPLIT.split(text)]


def _paired_swap(sentence: str, source: str) -> str | None:
    """Why a sentence pairs two values the source states in different parts of one sentence,
    each beside the other's counterpart ("1.5 hours at 5 W" where the source has "2.5 hours from
    a 5 W adapter, or 1.5 hours from a 10 W adapter"), if it does."""
    mine = [p for p in _pairs(sentence) if len(p) >= 2]
    if not mine:
        return None
    for statement in sentences(source, min_chars=8):
        theirs = [p for p in _pairs(statement) if p]
        for part in mine:
            for x in part:
                for y in part:
                    if x[1] == y[1] or x >= y:
                        continue
                    held_x = [p for p in theirs if x in p]
                    held_y = [p for p in theirs if y in p]
                    if not held_x or not held_y or any(x in p and y in p for p in theirs):
                        continue
                    if any(any(v[1] == y[1] for v in px) and any(v[1] == x[1] for v in py)
                           for px in held_x for py in held_y):
                        return (f"the answer pairs {x[0]} {x[1]} with {y[0]} {y[1]}; the source gives them in "
                                f"different parts of {statement[:60]!r}")
    return None


def _swapped_in_sentence(clause: str, source: str) -> str | None:
    """Why a clause pairs the source's values with each other's words, if it does."""
    if (why := _given_for_another(clause, source)) is not None:
        return why
    if (why := _measured_swap(clause, source)) is not None:
        return why
    if re.search(r"\d\s*(?:to|-|–)\s*\d", clause):
        return None  # "the 12 to 35 µg/m³ band, shown yellow": words after a range are the range's
    mine = _bindings(clause)
    if not mine:
        return None
    for sentence in sentences(source, min_chars=8):
        theirs = _bindings(sentence)
        if len({v for vs in theirs.values() for v in vs}) < 2:
            continue
        crossed = [w for w, held in mine.items() if len(held) == 1 and len(theirs.get(w, [])) == 1
                   and held[0] != theirs[w][0] and held[0] in {v for vs in theirs.values() for v in vs}]
        if len(crossed) >= 2:
            return f"the source gives {', '.join(crossed[:3])!r} to {theirs[crossed[0]][0]}, not {mine[crossed[0]][0]}"
    return None


@lru_cache(maxsize=256)
def _entity_texts(source: str) -> dict[str, frozenset[str]]:
    """Entity → the stems of everything the source says about it (its row or record)."""
    out: dict[str, set[str]] = {}
    for fact in facts_of(source):
        if fact.entity and fact.kind != "name":
            out.setdefault(normalize(fact.entity), set()).update(stems(f"{fact.about} {fact.text}"))
    return {k: frozenset(v) for k, v in out.items()}


def _named_in_clause(clause: str, question: str, entities: dict[str, frozenset[tuple[str, str]]],
                     source: str) -> str | None:
    """The row or record the clause names, unless the word that names it is a word of the row the
    question names ("Blended soup" of the "Smooth" row asked for, beside a "Blend" row): then that one."""
    entity = _clause_entity(clause, entities)
    asked = _clause_entity(question, entities)
    if entity and asked and asked != entity and set(stems(entity)) <= _entity_texts(source).get(asked, frozenset()):
        return asked
    return entity


def _described_as_another(clause: str, question: str, source: str, entity: str | None) -> str | None:
    """Why a clause naming one row or record describes another one, if it does."""
    texts = _entity_texts(source)
    if entity is None or entity not in texts or len(texts) < 2:
        return None
    said = set(stems(clause)) - set(stems(entity)) - set(stems(question))
    own = len(said & texts[entity])
    best, other = max(((len(said & words), name) for name, words in texts.items() if name != entity), default=(0, ""))
    if best >= own + 2:
        return f"what the answer says of {entity!r} is what the source says of {other!r}"
    return None


def _counted(text: str) -> dict[str, str]:
    """Bare number → the stem of the noun it counts ("8 periods per day" → 8: period), by its
    first use."""
    out: dict[str, str] = {}
    for number, noun in _counts(text):
        out.setdefault(number, noun)
    return out


def _counts(text: str) -> list[tuple[str, str]]:
    """(bare number, stem of the noun it counts) of each use of each number: "12 signalled
    pedestrian crossings … with 12 crossings without timers" counts crossings with 12 too."""
    out = []
    for value in {v.raw: v for v in values_in(text) if not v.unit}.values():
        for after in re.finditer(rf"(?<![\w.]){re.escape(value.raw)}\s+(?:([a-z]+)\s+)?([A-Za-z]{{3,}})", text):
            # "8 daily periods" counts periods; "48 classrooms across 12 schools" counts classrooms;
            # "5 got trees" counts what the sentence speaks of, not trees.
            if after.group(1) and after.group(1).lower() in _VERBS_AFTER_A_COUNT | {"per", "each", "every", "a", "an"}:
                continue  # ("19 per street": a rate, no count of streets)
            # ("3 streets stopped": a verb after the noun)
            noun = after.group(1) if after.group(1) and (after.group(2).lower() in _LINKING or re.fullmatch(
                r"[a-z]+ed", after.group(2)) and after.group(1).endswith("s")) else after.group(2)
            if word := stems(noun):
                out.append((value.number, word[0]))
    return out


# A verb that may follow a count standing for its noun ("5 got trees", "3 have left").
_VERBS_AFTER_A_COUNT = frozenset({"got", "get", "gets", "had", "have", "has", "received", "receive", "receives", "were",
                                  "was", "are", "is", "did", "do", "does", "saw", "took", "made", "gave", "used",
                                  "paid", "won", "lost", "chose", "left", "joined"})
_LINKING = STOPWORDS | {"across", "among", "around", "throughout", "beyond", "inside", "outside"}


@lru_cache(maxsize=256)
def _counted_in(source: str) -> dict[str, set[str]]:
    """Noun stem → the bare numbers the source counts it with. A bare number of a sentence that
    counts one noun counts it too ("up to 20 items at a time, children up to 10")."""
    out: dict[str, set[str]] = {}
    for sentence in sentences(source, min_chars=4):
        counted = _counts(sentence)
        nouns = {noun for _, noun in counted}
        if len(nouns) == 1:
            numbers = {number for number, _ in counted}
            bare = {v.number for v in values_in(sentence) if not v.unit and v.number not in numbers}
            counted += [(number, next(iter(nouns))) for number in bare]
        for number, noun in counted:
            out.setdefault(noun, set()).add(number)
    return out


def _words_without_values(text: str) -> set[str]:
    for value in values_in(text):
        text = text.replace(value.raw, " ")
    return about_stems(text)


def _without_values(text: str) -> str:
    """The text with each value, unit and all, left out ("3 hours 40 minutes, at 50 °C" → ", at")."""
    for value in sorted(values_in(text), key=lambda v: -len(v.raw)):
        text = text.replace(value.raw, " ")
    return text


def _time_of_another(question: str, answer: str, source: str, subject: str = "") -> str | None:
    """Why the time of day an answer gives to "when" or "what time" is another statement's ("By 12
    noon" for check-out, of "check-out is by 11 a.m. Early check-in from 12 noon costs €25"), if it is:
    the statement the question asks about gives other times, and a statement it matches less gives this one."""
    said = times_of_day(answer)
    if not said or not _ASKS_WHEN.search(question.strip()):
        return None
    facts = tuple(f for f in facts_of(source) if f.kind == "clause" and times_of_day(f.text))
    if len(facts) < 2:
        return None
    scores = fact_scores(question, source, facts, subject)
    asked = max(range(len(facts)), key=scores.__getitem__)
    if said & times_of_day(facts[asked].text):
        return None
    for fact, score in zip(facts, scores):
        if said & times_of_day(fact.text) and scores[asked] - score >= ROLE_MARGIN:
            return f"the source gives that time to {fact.text[:60]!r}, not to {facts[asked].text[:60]!r}"
    return None


_CHANGE_SAID = re.compile(rf"({FIGURE})\s*%?\s*(?:to|→|down to|up to)\s*({FIGURE})")


_NUMBERED = re.compile(r"\b([A-Za-z]{3,})\s+(\d+)\b(?![.,]\d|\s*[%°])")


def _numbered_otherwise(question: str, answer: str, source: str, subject: str = "") -> str | None:
    """Why a numbered thing the answer names ("Setting 4") is not the one the source's statement of
    what the question asks gives ("Which setting suits most batters?" of "Setting 3 suits most
    batters."), if it is not: that statement holds every word the question asks and names the
    thing by the same word with another number."""
    asked = about_stems(masked(question)) - about_stems(subject)
    for match in _NUMBERED.finditer(answer):
        label = stem(match.group(1).lower())
        if label not in asked or len(asked) < 3:
            continue
        for sentence in sentences(source, min_chars=8):
            theirs = [(stem(m.group(1).lower()), m.group(2)) for m in _NUMBERED.finditer(sentence)]
            numbers = {number for word, number in theirs if word == label}
            if numbers and match.group(2) not in numbers and asked <= about_stems(masked(sentence)):
                theirs = f"{match.group(1)} {sorted(numbers)[0]}"
                return f"the source gives {theirs}, not {match.group(0)}: {sentence[:60]!r}"
    return None


def check_values_in_role(question: str, answer: str, source: str, subject: str = "") -> CheckResult:
    if (other := _time_of_another(question, answer, source, subject)) is not None:
        return fail("values_in_role", other)
    if (other := _numbered_otherwise(question, answer, source, subject)) is not None:
        return fail("values_in_role", other)
    if (other := _cell_of_another_column(question, answer, source)) is not None:
        return fail("values_in_role", other)
    if (other := _word_cells_crossed(answer, source)) is not None:
        return fail("values_in_role", other)
    if (other := _word_cell_of_another_row(question, answer, source)) is not None:
        return fail("values_in_role", other)
    # Each value in the statement that states it alone: not a row or a sentence of several.
    facts = tuple(f for f in facts_of(source) if f.values and f.kind not in ("row", "name", "sentence"))
    entities = _entity_values(source)
    # Values the answer works into a figure of its own ("€6 more than paying €84", of the source's
    # €90 and €84) are operands: the number check recomputed the figure from them.
    partners: dict[str, set[str]] = {}
    source_numbers = {v.number for v in values_in(source)}
    for operands in implied_calculations(answer, source_numbers, {v.number for v in values_in(question)}).values():
        for number in operands:
            partners.setdefault(number, set()).update(set(operands) - {number})
    # So is a result the answer works out, with arithmetic that holds ("20 − 10 = 10 more items").
    worked, _ = derived_numbers(answer, source_numbers, {v.number for v in values_in(question)})
    # (and so are the operands of arithmetic it writes out that holds: "48 m²: 4 m × 12 m")
    stated = {float(v.number) for v in values_in(answer) if re.fullmatch(r"\d+(?:\.\d+)?", v.number)}
    held = [w.operands for w in worked_calculations(answer) if w.holds] + [
        operands for operands, computed in shown_calculations(answer) if any(math.isclose(computed, x) for x in stated)]
    for number in {n for operands in held for n in operands}:
        partners.setdefault(number, set())
    steps = stepped_values(source)  # (a setting a range in steps allows: "190 °C")
    for number in worked | {v.number for v in values_in(answer) if v.key in steps}:
        partners.setdefault(number, set())
    # A change given whole, as a table cell gives it ("12.4 to 8.1" of "12.4 → 8.1"), is that cell's.
    cells = {(canon_number(a), canon_number(b)) for a, b in CHANGE_ARROW.findall(source)}
    for before, after in _CHANGE_SAID.findall(answer):
        if (canon_number(before), canon_number(after)) in cells:
            partners.setdefault(canon_number(before), set()).add(canon_number(after))
            partners.setdefault(canon_number(after), set()).add(canon_number(before))
    if (why := _codes_swapped(answer, source)) is not None:
        return fail("values_in_role", why)
    if (why := _column_swapped(question, answer, source)) is not None:
        return fail("values_in_role", why)
    if (why := _crossed_parts(answer, source)) is not None:
        return fail("values_in_role", why)
    if (why := _row_named_by_its_numbers(answer, source)) is not None:
        return fail("values_in_role", why)
    for sentence in sentences(answer, min_chars=8):  # whole: "… by 57% and turnover by 65%" is two clauses
        if (why := _named_before_swap(sentence, source)) is not None:
            return fail("values_in_role", why)
        if (why := _paired_swap(sentence, source)) is not None:
            return fail("values_in_role", why)
    clauses = answer_clauses(answer)
    by_heads = len({e for c in clauses for part in _BESIDE.split(c) if (e := _clause_entity(part, entities, True))}) > 1
    for previous, clause in zip(["", *clauses], clauses):
        named = _named_in_clause(clause, question, {k: frozenset() for k in _entity_texts(source)}, source)
        if (why := _described_as_another(clause, question, source, named)) is not None:
            return fail("values_in_role", why)
        values = grounded_values(clause, source)
        if not values:
            continue
        if (why := _swapped_in_sentence(clause, source)) is not None:
            return fail("values_in_role", why)
        entity = _named_in_clause(clause, question, entities, source)
        if entity is None and len(clauses) == 1 and len(values_in(clause)) == 1 and \
                len(about_stems(masked(_without_values(clause)))) <= 1:
            entity = _clause_entity(question, entities)  # "How many bicycles were brought in?" "190."
        # (a clause of several rows, each part for its own; rows the answer sets side by side may be
        # named by the heads of their labels: "7 nights in low season and 2 in high season")
        parts = [(clause, entity, values)] if entity else [
            (part, _clause_entity(part, entities, heads=by_heads), grounded_values(part, source))
            for part in _BESIDE.split(clause)]
        for part, named, part_values in parts:
            if named and (why := _not_the_rows(part_values, named, entities, source, part)) is not None:
                return fail("values_in_role", why)
        if not facts:
            continue
        # Which statement the clause is about decides whose value it may quote: the clause's
        # own words, with the question's when the clause says too little on its own; for a
        # clause going on from the one before ("… to 400 W and | takes about 3 hours"), that
        # one's words may say it instead.
        terse = len(about_stems(masked(clause)) - about_stems(subject)) < 2
        contexts = [question, previous] if terse and previous and clause[:1].islower() else [question]
        label = _line_label(answer, clause)
        queries = [f"{context} {clause}" if terse else clause for context in contexts]
        # A value's unit word may say what kind of value it is, not whose: "3 hours 40 minutes" is
        # no nearer "delayed by up to 24 hours" than "Eco | 3 h 40 min". Read without them too.
        said = _without_values(clause)
        if len(about_stems(said) - about_stems(subject)) < 2 <= len(about_stems(masked(clause)) - about_stems(subject)):
            queries.append(f"{question} {said}")
        whys = [_value_role_failure(clause, query, values, source, facts, partners, question, label, answer)
                for query in queries]
        if all(whys):
            return fail("values_in_role", whys[0])
    return ok("values_in_role")


# An error or status code: "E1", "P2", "E:00", "H:HH", "F05".
_CODE = re.compile(r"(?<![\w:])(?:[A-Z]{1,2}:?\d{1,3}|[A-Z]:[A-Z]{2})(?!\w|:\w)")  # "E09: heating fault"


def _code_statements(text: str) -> dict[str, set[str]]:
    """Code → the words said of it: what follows it up to the next code (a sentence of one code)."""
    out: dict[str, set[str]] = {}
    found = list(_CODE.finditer(text))
    for match, following in zip(found, [*found[1:], None]):
        said = text[match.end():following.start() if following else len(text)]
        said = re.split(r"(?<=[.!?])\s", said)[0] if following is None else said
        out.setdefault(match.group(), set()).update(stems(said))
    return out


_COLUMN_WORDS = re.compile(r"[^\W\d_]+(?:\d+[^\W\d_]*)*")  # (a code is one word: "N1")
_NOT_NAMING = frozenset("the a an in for of at on with and or".split())
_BESIDE = re.compile(r",|;|\s(?:and|but|while|whereas|against|versus|vs\.?|compared with)\s|\s[—–]\s", re.I)


def _words_of(text: str) -> frozenset[str]:
    return frozenset(w.lower().rstrip("s") for w in _COLUMN_WORDS.findall(text) if w.lower() not in _NOT_NAMING)


@lru_cache(maxsize=64)
def _row_named_by_its_numbers(answer: str, source: str) -> str | None:
    """A table value the answer gives for a row it names by the row's own numbers, which is
    another row's ("£45 for under-7s to under-10s" where the "Under 7 to under 10" row's kit is
    £35 and £45 is the "Under 11 to under 16" row's), if there is one. Such rows differ by their
    numbers alone, which words do not tell apart."""
    cells = _table_cells(source)
    rows = {row: {v.key for v in values_in(row)} for row, _, _ in cells}  # (with units: "over 25 kg" is no £25)
    rows = {row: keys for row, keys in rows.items() if keys}
    if len(rows) < 2:
        return None
    # (the operands of arithmetic the answer shows, which holds: "2 × £18 + 2 × £9 = £54")
    operands = {n for w in worked_calculations(answer) if w.holds for n in w.operands}
    for segment in re.split(r"\s+and\s+|;|,\s+", answer):
        said = {v.key for v in values_in(segment)}
        named = [row for row, keys in rows.items() if keys <= said or _row_named(row, segment)]
        if len(named) != 1:
            continue
        own = {number for row, _, number in cells if row == named[0]}
        for number in {n for n, _ in said - rows[named[0]]} - own - _factors_of_a_product(said) - operands:
            if theirs := next((row for row, _, n in cells if n == number and row != named[0]), None):
                return f"{number} is the {theirs!r} row's, not the {named[0]!r} row's"
    return None


def _factors_of_a_product(said: set[tuple[str, str]]) -> set[str]:
    """The numbers of a segment that multiply to another of its numbers ("£190 for five days at
    £38": 5 and 38): a working, whose factors may be any row's."""
    plain = {n: float(n) for n, _ in said if re.fullmatch(r"\d+(?:\.\d+)?", n)}
    return {n for a, b in combinations(plain, 2) if any(math.isclose(plain[a] * plain[b], c) for c in plain.values())
            for n in (a, b)}


def _row_named(label: str, text: str) -> bool:
    """Does the text name the table row by the word and number that open its label's figures
    ("Year 4" of "Year 4 residential (2 nights)")?"""
    opening = re.search(r"([^\W\d_]+)\s+(\d+)\b", label)
    if not opening:
        return False
    return re.search(rf"\b{re.escape(opening.group(1))}\s+{opening.group(2)}\b", text, re.I) is not None


def _table_cells(source: str) -> tuple[tuple[str, str, str], ...]:
    """(row, column heading, number) of each cell of the source's tables that holds one value."""
    cells = []
    for fact in facts_of(source):
        if fact.kind == "cell" and fact.entity and fact.about.startswith(fact.entity) and len(fact.values) == 1:
            cells.append((fact.entity, fact.about[len(fact.entity):].strip(), fact.values[0].number))
    return tuple(cells)


def _column_named(segment: str, columns: set[str]) -> str | None:
    """The one column heading a stretch of the answer names ("£7 peak" names "Peak", not
    "Off-peak"; "3.5 in the universal schools" names "Universal schools"): by the words that
    set it apart from the other headings, then by how many of its words it uses."""
    said = _words_of(segment)
    shared = frozenset.intersection(*(_words_of(c) for c in columns))
    named = [c for c in columns if (_words_of(c) - shared or _words_of(c)) <= said]
    if not named:
        return None
    most = max(len(_words_of(c) & said) for c in named)
    named = [c for c in named if len(_words_of(c) & said) == most]
    return named[0] if len(named) == 1 else None


def _marks(text: str) -> set[tuple[str, str]]:
    """The values a stretch of text states, times of day as one value each ("11 p.m.", "midnight")."""
    times = {("time", str(minutes)) for minutes in times_of_day(text)}
    counts = {(str(_ONCE_TWICE[w.lower()]), "") for w in re.findall(r"\b(?:once|twice)\b", text, re.I)}
    return times | counts | {v.key for v in values_in(without_times_of_day(text))}


_ONCE_TWICE = {"once": 1, "twice": 2}
_FIRST_VALUE = re.compile(r"\d|\b(?:once|twice|one|two|three|four|five|six|seven|eight|nine|ten|noon|midday|"
                          r"midnight)\b", re.I)
# A sentence's parts for `_crossed_parts`: as for pairs of values, and before a time said in words.
_PARTS_SPLIT = re.compile(rf"{_PAIRS_SPLIT.pattern}|\s+and\s+(?=(?:midnight|noon|midday)\b)", re.I)


def _crossed_parts(answer: str, source: str) -> str | None:
    """A value the answer gives with the words of another part of the source's sentence than the
    one that holds it ("11 p.m. at weekends" of "11 p.m. to 7 a.m. on weeknights and midnight to
    8 a.m. at weekends"; "tap three times to pause" of "tap twice to play or pause, and three
    times to skip"): each of its words that only one part of that sentence uses is the other
    part's, and that part states a value of its own."""
    for segment in _BESIDE.split(answer):
        marks = _marks(segment)
        if len(marks) != 1:
            continue
        (mark,) = marks
        # (a period says how often, not which part: "£65 a year" of "half plots … cost £65"; but
        # "for the night" is which part)
        said = about_stems(masked(without_times_of_day(_PER_PERIOD.sub(" ", segment)))) - (_TIMES - {"night"})
        for sentence in sentences(source, min_chars=8):
            if (split := _sentence_parts(sentence)) is None:
                continue
            parts, words, head = split
            # (a part may leave unsaid the unit a part before it gives: "… for 2 years and the motor
            # for 5"; not "at 20 and 40 cm", whose unit comes after)
            held = [i for i, p in enumerate(parts) if mark in _marks(p) or (
                mark[1] and (mark[0], "") in _marks(p) and any(mark[1] == u for e in parts[:i] for _, u in _marks(e)))]
            if len(held) != 1:
                continue
            own = {w for w in said - head if sum(w in ws for ws in words) == 1}
            homes = {i for i, ws in enumerate(words) if own & ws}
            if len(homes) != 1 or held[0] in homes:
                continue
            (home,) = homes
            if _marks(parts[home]):
                return (f"the answer gives {segment.strip()[:40]!r}; the source gives that value in "
                        f"{parts[held[0]].strip()[:50]!r}, not {parts[home].strip()[:50]!r}")
    return None


_PER_PERIOD = re.compile(r"\b(?:a|an|per|each|every)\s+(?:\d+\s+)?nights?\b", re.I)


def _sentence_parts(sentence: str) -> tuple[list[str], list[set[str]], set[str]] | None:
    """The parts of a sentence that each state a value, the words that tell each part apart, and
    the words every part shares; None for a sentence of one part."""
    # Clauses that each say what they are about before their value ("The iron has a 2-year
    # guarantee; the soleplate is guaranteed against scratches for 5 years"): told apart by all
    # their words.
    clauses = [p for p in _OWN_CLAUSES.split(sentence) if p and p.strip()]
    if "|" not in sentence and len(clauses) > 1 and all(_marks(c) for c in clauses) and all(
            len(about_stems(masked(_marked_values(c).split("\0")[0]))) >= 2 for c in clauses[1:]):
        return clauses, [about_stems(masked(without_times_of_day(c))) for c in clauses], set()
    parts = [p for p in _PARTS_SPLIT.split(sentence) if p and p.strip()]
    first = _FIRST_VALUE.search(parts[0])
    if first and len(parts) > 1:
        # (the words before the first part's value are every part's: "Tap either earbud twice to
        # pause, and three times to skip" taps three times too)
        head = about_stems(masked(parts[0][:first.start()]))
        parts = [parts[0][first.start():], *parts[1:]]
        return parts, [about_stems(masked(without_times_of_day(p))) for p in parts], head
    # Clauses of their own, each with its value, told apart by what each says before its value,
    # and after it where every one goes on ("Adults may borrow up to 20 items at a time, children
    # up to 10": the items are the children's too).
    parts = clauses
    if "|" in sentence or len(parts) < 2 or not all(_marks(p) for p in parts):
        return None
    around = [_marked_values(p).split("\0") for p in parts]
    heads = [about_stems(masked(pieces[0])) for pieces in around]
    tails = [about_stems(masked(pieces[-1])) for pieces in around]
    parallel = all(tails)
    return parts, [head | (tail if parallel else set()) for head, tail in zip(heads, tails)], set()


# (not before a relative clause: "costs £90, which covers a 1-hour lesson" is one statement)
_OWN_CLAUSES = re.compile(r",(?!\d)(?!\s*(?:which|who|whose|where)\b)|;|\s(?:and|but|while|whereas)\s", re.I)


def _marked_values(text: str) -> str:
    """The text with each value (unit and all) and each time of day as a NUL."""
    for value in sorted(values_in(text), key=lambda v: -len(v.raw)):
        text = text.replace(value.raw, "\0")
    return re.sub(r"\d[\d.,:]*(?:\s*[ap]\.?m\b\.?)?|\b(?:noon|midday|midnight)\b", "\0", text, flags=re.I)


def _said_of_in_prose(value: Value, entity: str, source: str, entities) -> bool:
    """Does a sentence of the source outside its tables give the value to the row or record by
    name, and to no other ("A block of 10 hours must be used within 6 months", below the "Block
    of 10 hours" row)?"""
    name = normalize(entity)
    others = [normalize(e) for e in entities if e != entity and normalize(e) not in name]
    return any(name in (said := normalize(sentence)) and not any(o in said for o in others)
               and any(_same(value, v) for v in values_in(sentence))
               for sentence in sentences(source, min_chars=8) if "|" not in sentence)


def _column_swapped(question: str, answer: str, source: str) -> str | None:
    """Two values of a table's row the answer gives each under the other's column ("£7 peak and
    £9 off-peak" of "| Under 18 entry | £9 | £7 |" headed Peak, Off-peak; "3.5 in the universal
    schools and 3.8 in the comparison schools"). Not one value alone, whose heading word may name
    something else ("1.88 kWh/km for buses with resistive heaters", of a column of bus counts)."""
    cells = _table_cells(source)
    columns = {column for _, column, _ in cells if column}
    if len(columns) < 2:
        return None
    asked = _words_of(f"{question} {answer}") - frozenset().union(*(_words_of(c) for c in columns))
    rows = {row for row, _, _ in cells if _words_of(row) & asked} or {row for row, _, _ in cells}
    held = {(row, column): number for row, column, number in cells if row in rows}
    stated = {v.number for v in values_in(answer)}
    for segment in _BESIDE.split(answer):
        values = values_in(segment)
        if len(values) != 1 or (column := _column_named(segment, columns)) is None:
            continue
        number = values[0].number
        if any(held.get((row, column)) == number for row in rows):
            continue
        other = next((c for (row, c), n in held.items() if n == number and c != column
                      and held.get((row, column)) in stated - {number}), None)
        if other is not None:
            return f"{values[0].raw} is the source's {other!r} figure, not its {column!r} one"
    return None


def _markdown_rows(source: str) -> list[list[str]]:
    """The cells of each row of the source's tables, header rows included, separator lines not."""
    return [cells for line in source.splitlines()
            if line.strip().startswith("|") and not set("".join(cells := row_cells(line))) <= set(":- ")]


def plain_words(text: str) -> tuple[str, ...]:
    """The text's words in order, lower-cased ("After each use." → after, each, use)."""
    return tuple(w.lower() for w in word_tokens(text))


def _word_cell_of_another_row(question: str, answer: str, source: str) -> str | None:
    """Why an answer that is a table cell of words word for word ("Coarse.") is another row's than
    the one the question names ("Which pulp setting for apples?" of "| Apples | 550 ml | Fine |"),
    if it is: the named row's cell in that column says otherwise."""
    said = plain_words(answer)
    rows = _markdown_rows(source)[1:]
    asked = _words_of(question)
    named = [cells for cells in rows if _words_of(cells[0]) and _words_of(cells[0]) <= asked]
    if not said or len(named) != 1 or values_in(answer):  # (a figure's row and column, the checks above judge)
        return None
    own = named[0]
    for cells in rows:
        for column, cell in enumerate(cells[1:], start=1):
            if cells is not own and plain_words(cell) == said and column < len(own) \
                    and plain_words(own[column]) != said:
                return f"{answer.strip()!r} is the {cells[0]!r} row's, not the {own[0]!r} row's ({own[column]!r})"
    return None


def _word_cells_crossed(answer: str, source: str) -> str | None:
    """Why a part of the answer gives one row's cell of words to another row ("Clean it once a
    season" of "| Clean the blade | After each use |" and "| Sharpen the blade | Once a season |"),
    if it does: the part names one row by the words that set its label apart, and holds every word
    of another row's cell and not all of its own."""
    table = [cells for cells in _markdown_rows(source) if len(cells) >= 2 and not values_in(" ".join(cells[1:]))]
    rows = [(cells[0], _words_of(" ".join(cells[1:]))) for cells in table]
    if len(rows) < 3:  # (a header and two rows at least)
        return None
    labels = [_words_of(label) for label, _ in rows[1:]]
    shared = frozenset.intersection(*labels)
    for part in _BESIDE.split(answer):
        said = _words_of(part)
        named = [i for i, words in enumerate(labels) if (words - shared) & said]
        if len(named) != 1:
            continue
        label, own = rows[1 + named[0]]
        if own and own <= said:
            continue
        other = next((theirs for theirs, cell in rows[1:] if theirs != label and cell and cell <= said), None)
        # (or, cell by cell, another row's cell of a column where its own differs: "a quarter open for
        # normal burning" of "| Normal burning | Closed | Half open |" and "| Slow burn | Closed | Quarter open |")
        mine = [_words_of(cell) for cell in table[1 + named[0]][1:]]
        other = other or next((cells[0] for cells in table[1:] if cells[0] != label for j, cell in enumerate(cells[1:])
                               if j < len(mine) and (theirs := _words_of(cell)) and theirs != mine[j]
                               and theirs <= said and not mine[j] <= said), None)
        if other is not None:
            return f"what the answer says of {label!r} is what the source's table says of {other!r}"
    return None


def _cell_of_another_column(question: str, answer: str, source: str) -> str | None:
    """Why a bare value is not the cell the question names by its row and its column ("What share
    of N1 riders felt safe?" "79%." where 79 is the row's N2 figure), if it is not."""
    values = values_in(answer)
    if len(values) != 1 or len(about_stems(masked(_without_values(answer)))) > 1:
        return None
    cells = _table_cells(source)
    columns = {column for _, column, _ in cells if column}
    if len(columns) < 2 or (column := _column_named(question, columns)) is None:
        return None
    asked = _words_of(question) - frozenset().union(*(_words_of(c) for c in columns))
    overlap = sorted(((len(_words_of(row) & asked), row) for row in {row for row, _, _ in cells}), reverse=True)
    if not overlap or not overlap[0][0] or len(overlap) > 1 and overlap[1][0] == overlap[0][0]:
        return None
    row = overlap[0][1]
    held = {c: n for r, c, n in cells if r == row}
    number = values[0].number
    if column in held and held[column] != number and (other := next((c for c, n in held.items() if n == number), None)):
        return f"{values[0].raw} is the source's {other!r} figure for {row!r}, not its {column!r} one"
    return None


def _codes_swapped(answer: str, source: str) -> str | None:
    """Why the answer says of one code what the source says of another ("E1 means the tank is
    full" where the source says that of P2), if it does."""
    theirs = {code: words for sentence in sentences(source, min_chars=4)
              if len(set(_CODE.findall(sentence))) == 1 for code, words in _code_statements(sentence).items()}
    if len(theirs) < 2:
        return None
    for code, said in _code_statements(answer).items():
        if code not in theirs:
            continue
        own = len(said & theirs[code])
        other, shared = max(((c, len(said & w)) for c, w in theirs.items() if c != code), key=lambda x: x[1])
        if shared >= 2 and shared > own:
            return f"the answer says of {code} what the source says of {other}"
    return None


def _operands_holding(clause: str) -> set[str]:
    """The operands of the clause's written calculations that hold."""
    return {o for w in worked_calculations(clause) if w.claimed and w.holds for o in w.operands}


def _value_role_failure(clause: str, query: str, values: list[Value], source: str, facts: tuple[Fact, ...],
                        partners: dict[str, set[str]], question: str = "", label: str | None = None,
                        answer: str = "") -> str | None:
    """Why a value of the clause (of `answer`) is another statement's (the one `query` is most
    about), if it is."""
    scores = fact_scores(query, source, facts)
    counted = _counted(clause)
    for value in values:
        if value.number in partners:
            continue  # an operand or result of the answer's own calculation: the calculation held
        if _a_limit_compared_with(value, clause, _entity_values(source)):
            continue  # "their combined weight is under 130 kg" of "Maximum load | 130 kg"
        if not value.unit and len(value.number) < 4 and "-" not in value.number and "." not in value.number:
            # A bare count is known by what it counts: "4 periods" where the source counts
            # "8 periods" (and "four modes"); "3.6 miles" is no count.
            noun = counted.get(value.number)
            if noun is None and len(values_in(answer)) == 1 and not _words_without_values(answer) and (
                    asked := re.search(r"\bhow many\s+([a-z]+(?:\s+[a-z]+)?)", question, re.I)):
                # "How many streets stopped?" "5.": the first word after "how many" the source counts
                noun = next((w for w in stems(asked.group(1)) if w in _counted_in(source)), None)
            numbers = _counted_in(source).get(noun, set()) if noun else set()
            if numbers and value.number not in numbers:
                return f"the source counts {sorted(numbers)[0]} {noun}, not {value.raw}"
            continue
        holders = [s for s, f in zip(scores, facts) if any(_same(value, v) for v in f.values)]
        # A rival states another value of this kind, and none of the clause's other values of
        # this kind: a clause that relates two statements ("extends the 5-year warranty to 6
        # years") quotes both.
        others = [v for v in values if v is not value and _dimension(v) == _dimension(value)]
        # A bare number may stand for a rival's value of this kind ("30 days instead of 3").
        bare = {v.number for v in values if v is not value and not v.unit}
        # A price said for a period ("the $9 monthly fee") is no rival's price for another ("$12 an hour").
        period = price_periods(clause).get(value.number, set())
        rivals = [(s, f) for s, f in zip(scores, facts)
                  if not any(_same(value, v) for v in f.values)
                  and any(_dimension(v) == _dimension(value) for v in f.values)
                  and not any(_same(o, v) for o in others for v in f.values)
                  and not any(v.number in bare and _dimension(v) == _dimension(value) for v in f.values)
                  and not (period and all(p and not p & period for p in (price_periods(f.text).get(v.number, set())
                                                                        for v in f.values if v.unit == value.unit)))]
        if holders and rivals:
            rival_score, rival = max(rivals, key=lambda r: r[0])
            # An operand of a calculation that holds, where the answer gives the rival's value too
            # ("10 × $6 = $60, so the $50 card saves $10"): the answer keeps the two apart.
            wanted_here = [v for v in rival.values if _dimension(v) == _dimension(value)]
            if value.number in _operands_holding(clause) and any(_same(w, v) for w in wanted_here
                                                                  for v in values_in(f"{question} {answer}")):
                continue
            holder = max(((s, f) for s, f in zip(scores, facts) if any(_same(value, v) for v in f.values)),
                         key=lambda h: h[0])[1]
            said, theirs, ours = (_words_without_values(t) for t in (
                clause, f"{rival.about} {rival.text}", f"{holder.about} {holder.text}"))
            # The clause names what only the rival statement is about ("the drone"), and
            # nothing only the statement holding its value is about ("the batteries").
            # (Of a clause stating several values, the words around this one: "£90 for the first
            # plus £150 for the second" does not name "second" for £90.)
            near = _words_without_values(_segment(clause, value))
            named_rival = bool(near & (theirs - ours)) and not near & (ours - theirs)
            # A clause naming what only the holding statement says ("and a book at most $10")
            # is about that statement, however well the question matches the rival. (Their own
            # words: a clause's `about` also carries its sentence's first clause.)
            own_theirs, own_ours = _words_without_values(rival.text), _words_without_values(holder.text)
            named_holder = bool(said & (own_ours - own_theirs)) and not said & (own_theirs - own_ours)
            # A table cell whose row and column the query names in full ("heat pump" … "winter"):
            # the value is where it was asked for, whatever other words the query shares.
            cell_words = _words_without_values(holder.about) if holder.kind == "cell" else set()
            asked = _words_without_values(f"{question} {query}")
            if len(cell_words) >= 2 and cell_words <= asked:
                continue
            # A cell of the row the question names, where the word that names the rival's row is a
            # word of the asked row's own cells ("Rinsed cups" of the "Quick" row, beside a "Rinse" row).
            # Or a row of days that holds the day the question names ("on Saturday" of "Weekends | £12").
            asked_days = {w.lower().rstrip("s") for w in re.findall(r"[A-Za-z]+", question)} & set(WEEKDAYS)
            if asked_days and any(f.kind == "cell" and asked_days <= _named_days(f.entity) for f in facts
                                  if any(_same(value, v) for v in f.values)) and not (
                    rival.kind == "cell" and asked_days <= _named_days(rival.entity)):
                continue
            rows = {k: frozenset() for k in _entity_texts(source)}
            if holder.kind == rival.kind == "cell" and holder.entity != rival.entity and \
                    _named_in_clause(clause, question, rows, source) == normalize(holder.entity):
                continue
            # Or whose row it names in full, and not the rival's ("£90 for the first" of two permits:
            # the "First permit" row, not "Electric vehicle (first or second)").
            row_words = _words_without_values(holder.entity) if holder.kind == "cell" else set()
            rival_row = _words_without_values(rival.entity) if rival.kind == "cell" else set()
            if len(row_words) >= 2 and row_words <= asked and not (rival_row and rival_row <= asked):
                continue
            # Or by the word and number its label opens with ("the Year 4 deposit" of "Year 4 residential").
            if holder.kind == "cell" and _row_named(holder.entity, f"{question} {query}") and not (
                    rival.kind == "cell" and _row_named(rival.entity, f"{question} {query}")):
                continue
            # Or that the clause quotes, words and value ("For a 750 g loaf:" of "… for a 750 g loaf").
            quoted = normalize(clause).strip(" :.-*")
            if len(quoted.split()) >= 3 and quoted in normalize(holder.text):
                continue
            # Or whose row labels the clause's line ("2. Quiet: low fan, 210 W"), a list item of one row.
            if holder.kind == "cell" and label and normalize(label) == normalize(holder.entity):
                continue
            # Two clauses of one sentence (each read with its first): the one whose own words the
            # clause shares more ("$25 plus the time used" of "… costs $25 plus the time used, and
            # if … you also pay $40 towards their costs").
            if holder.kind == rival.kind == "clause" and (holder.text in rival.about or rival.text in holder.about) \
                    and len(near & own_ours) > len(near & own_theirs):
                continue
            # Naming the rival's word decides only when the words asked do not lean to the holder
            # ("on average" of a table's winter figure, against a route's "fleet average").
            if (rival_score - max(holders) >= ROLE_MARGIN and not named_holder) or (
                    named_rival and rival_score >= max(holders)):
                wanted = next(v for v in rival.values if _dimension(v) == _dimension(value))
                return f"{value.raw} is not what the source gives for {rival.about[:60]!r} ({wanted.raw})"
    return None


_LABEL = re.compile(r"\s*(?:[-*•]\s*|\d+[.)]\s*)?\**([^:*\n]{1,40}?)\**\s*:")


def _line_label(answer: str, clause: str) -> str | None:
    """The label opening the answer's line that holds the clause ("Quiet" of "2. Quiet: low fan, 210 W.")."""
    for line in answer.splitlines():
        if clause.strip() in line and (label := _LABEL.match(line)):
            return label.group(1)
    return None


def _segment(clause: str, value: Value) -> str:
    """The part of the clause from the value before this one to the value after it."""
    spans = [(m.start(), m.end()) for v in values_in(clause) for m in [re.search(re.escape(v.raw), clause)] if m]
    spans.sort()
    mine = re.search(re.escape(value.raw), clause)
    if mine is None:
        return clause
    # (and from the alternative or contrast before it to the one after: "120 minutes on Standard, or an hour on Max")
    spans += [(m.start(), m.end()) for m in _JOINED_PART.finditer(clause)]
    before = max((end for start, end in spans if end <= mine.start()), default=0)
    after = min((start for start, end in spans if start >= mine.end()), default=len(clause))
    return clause[before:after]


_JOINED_PART = re.compile(r",\s+(?:or|and|but|whereas|while)\b", re.I)


def rests_on_asked_fact(question: str, answer: str, source: str, subject: str = "", reach: float = 0.25) -> bool:
    """Whether the statement the answer rests on (the fact holding its values, else sharing
    its words) is the one the question is most about, or matches the question nearly as well."""
    facts = tuple(f for f in facts_of(source) if f.kind != "name")
    if not facts:
        return False
    answer_values = {v.number for v in values_in(answer)}
    answer_stems = about_stems(masked(answer))

    def support(fact: Fact) -> tuple[int, int]:
        return len({v.number for v in fact.values} & answer_values), len(answer_stems & about_stems(masked(
            f"{fact.about} {fact.text}")))

    scores = fact_scores(question, source, facts, subject)
    # Of statements it rests on equally (a sentence and its clause), the one the question is most about.
    resting = max(zip(facts, scores), key=lambda pair: (support(pair[0]), pair[1]))[0]
    if support(resting) == (0, 0):
        return False
    near = [f for s, f in zip(scores, facts) if s >= max(scores) - reach]
    # A table row and its cells, a record and its fields, are one statement; a table's caption
    # ("Table 3. Weekday counts before and after.") is what its rows are about.
    return any(f is resting or (resting.entity and f.entity == resting.entity and resting.kind in ("row", "cell"))
               or (resting.caption and f.text in resting.caption)
               for f in near)


# --- polarity --------------------------------------------------------------------------------

_AUX_START = re.compile(r"^\s*(is|are|was|were|do|does|did|can|could|has|have|had|will|would|should|may|must)\b",
                        re.I)
_WH = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how)\b|무엇|어디|언제|누구|어떻게|얼마|몇|왜|어느|"
                 r"何|どこ|いつ|誰|どう|いくら|なぜ", re.I)
NAMES_OF_DAYS = "|".join(MONTHS + WEEKDAYS)  # months and weekdays, for a regex
_SPAN_OF_NAMES = re.compile(rf"\b(?:from\s+|between\s+)?({NAMES_OF_DAYS})\s+(?:to|until|till|through|and|[-–])\s+"
                            rf"({NAMES_OF_DAYS})\b", re.I)


_THEN = re.compile(r"(?:,\s*|;\s*|\s+)(?:and\s+)?then\s+", re.I)
_ORDINAL_WORDS = frozenset(stems("first then next afterwards finally"))


def _steps(text: str) -> list[tuple[str, frozenset[str], frozenset[str]]]:
    """(sentence, what comes first, what comes then) of each "A, then B" of the text, as words."""
    found = []
    for sentence in sentences(text, min_chars=8):
        parts = _THEN.split(sentence, maxsplit=1)
        if len(parts) == 2:
            first, then = (frozenset(about_stems(masked(p)) - _ORDINAL_WORDS) for p in parts)
            if first and then:
                found.append((sentence, first, then))
    return found


def _steps_reversed(clause: str, source: str) -> str | None:
    """The source's "A, then B" that the clause turns round ("Level the top first, then trim the
    sides" of "Trim the sides first, …, then level the top"), if it does."""
    for _, first, then in _steps(clause):
        for sentence, theirs_first, theirs_then in _steps(source):
            if len(first & theirs_then) > len(first & theirs_first) and \
                    len(then & theirs_first) > len(then & theirs_then):
                return sentence
    return None


def _span_reversed(clause: str, source: str) -> str | None:
    """A span of months or weekdays the clause gives the other way round from the source's ("From
    July to March" of "from March to July"), if it does."""
    theirs = {(m.group(1).lower(), m.group(2).lower()) for m in _SPAN_OF_NAMES.finditer(source)}
    for match in _SPAN_OF_NAMES.finditer(clause):
        span = (match.group(1).lower(), match.group(2).lower())
        if span[::-1] in theirs and span not in theirs:
            return f"{match.group(1)} to {match.group(2)}"
    # (and of times of day: "between 5 a.m. and midnight" of "between midnight and 5 a.m.")
    theirs = {_times_of_span(m) for m in _SPAN_OF_TIMES.finditer(source)}
    for match in _SPAN_OF_TIMES.finditer(clause):
        span = _times_of_span(match)
        if span[::-1] in theirs and span not in theirs:
            return f"{match.group(1)} to {match.group(2)}"
    return None


_TIME = r"\d{1,2}(?::\d\d)?\s*[ap]\.?\s?m\b\.?|midnight|noon|midday"
_SPAN_OF_TIMES = re.compile(rf"\b(?:from|between)\s+({_TIME})\s*(?:to|and|until|till|–|-)\s*({_TIME})", re.I)


def _times_of_span(match: re.Match) -> tuple[frozenset[int], frozenset[int]]:
    return frozenset(times_of_day(match.group(1))), frozenset(times_of_day(match.group(2)))


def _outside_its_span(question: str, statement: str) -> bool:
    """Does the question name only months or weekdays that lie outside the statement's span of
    them ("in October" of "from April to September")? Then the statement is not about its case."""
    spans = [(m.group(1).lower(), m.group(2).lower()) for m in _SPAN_OF_NAMES.finditer(statement)]
    asked = [w.lower() for w in re.findall(r"[A-Za-z]+", question) if w.lower() in MONTHS + WEEKDAYS
             and not (w.lower() == "may" and not w[0].isupper())]
    if not spans or not asked:
        return False

    def inside(name: str, start: str, end: str) -> bool:
        span = names_in_span(start, end)  # ("October to March" wraps round)
        # (a span of months asked of by weekday says nothing: judged as before)
        return span is None or name not in (MONTHS if span[0] in MONTHS else WEEKDAYS) or name in span

    return all(not any(inside(name, start, end) for start, end in spans) for name in asked)


_WITHIN_A_FIGURE = re.compile(r"\bwithin\s+([$€£¥]?\d[\d,.]*\s*[^\s\d,.;:)]*)", re.I)


def _beyond_its_reach(question: str, statement: str) -> bool:
    """Does the question ask only of figures beyond the reach a statement gives ("5 cm from the
    sidewall" of "within 2.5 cm of it")? Then what the statement denies is not its case."""
    reaches = [v for m in _WITHIN_A_FIGURE.finditer(statement) for v in values_in(m.group(1))[:1]]
    asked = [v for v in values_in(question) if v.unit]
    compared = [(a, r) for a, r in ((in_base(a.number, a.unit), in_base(r.number, r.unit)) for a in asked
                                    for r in reaches) if a and r and a[0] == r[0]]
    return bool(compared) and all(a[1] > r[1] for a, r in compared)


_RANGE_OF_FIGURES = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)\s*(?:[^\W\d_]{1,3}\s*)?(?:to|–|-)\s*(\d+(?:\.\d+)?)"
                               r"\s*([^\W\d_]{1,5})?")


def _outside_its_range(question: str, fact: Fact) -> str | None:
    """The range of the statement (or its row's label) that the question's one figure lies outside
    ("a 16-year-old" of "Child (4–15)", "my 16 kg toddler" of "from 3.5 kg to 15 kg"), if it does."""
    asked = [v for v in values_in(without_times_of_day(question)) if re.fullmatch(r"\d+(?:\.\d+)?", v.number)]
    if len(asked) != 1:
        return None
    mine = asked[0]
    for match in _RANGE_OF_FIGURES.finditer(f"{fact.entity} {fact.text}"):
        unit = unit_key(match.group(3) or "") if match.group(3) else ""
        if unit and mine.unit and unit != mine.unit:
            continue
        if not unit and mine.unit and any(v.unit for v in values_in(match.group())):
            continue
        low, high = float(match.group(1)), float(match.group(2))
        if low < high and not low <= float(mine.number) <= high:
            return match.group().strip()
    return None


# A state and its opposite: "open" buckles where the source has them "fastened".
_OPPOSITE_STATES = [({"open", "opened", "undone", "unfastened", "unlocked", "loose"},
                     {"closed", "shut", "fastened", "locked", "done", "tight"})]


def _state_turned(question: str, statement: str) -> tuple[str, str] | None:
    """(the question's state, the statement's opposite one) where a question asks of a state the
    statement gives the other way ("Should the buckles be open in the wash?" of "with the buckles
    fastened"), if it does."""
    asked, told = _words(question), _words(statement)
    for one, other in _OPPOSITE_STATES:
        for mine, theirs in ((one, other), (other, one)):
            if asked & mine and told & theirs and not asked & theirs and not told & mine:
                return min(asked & mine), min(told & theirs)
    return None


_MUST = re.compile(r"\b(?:must|have to|has to|need to|needs to|required to|obliged to)\b", re.I)
_CHOICE = re.compile(r"\b(?:choose|choice|either|whichever)\b", re.I)


def _must_of_a_choice(question: str, statement: str) -> bool:
    """Does the question ask whether one must do what the statement offers as one of a choice
    ("Must I take another date?" of "you can choose a full refund or another date")?"""
    return bool(_MUST.search(question) and _CHOICE.search(statement) and re.search(r"\bor\b", statement)
                and about_stems(masked(question)) & about_stems(masked(statement)))


_EQUAL_ASKED = re.compile(r"\b(?:as (?:long|much|many|big|high|heavy|far|often|large|old) as|the same (?:as|length|"
                          r"price|size))\b", re.I)


def _equal_asked_told_apart(question: str, answer: str, source: str) -> bool:
    """Does the question ask whether two things are the same ("covered as long as the stove?") and
    the answer give two of the source's figures of one kind that differ ("1 year against 3 years")?"""
    if not _EQUAL_ASKED.search(question):
        return False
    stated = {v.number for v in values_in(source)}
    given = [v for v in values_in(answer) if v.number in stated and re.fullmatch(r"\d+(?:\.\d+)?", v.number)]
    # (a bare figure takes its partner's unit: "2 years against 5")
    return any((a.unit == b.unit or not a.unit or not b.unit) and a.number != b.number
               for i, a in enumerate(given) for b in given[i + 1:])


_UPPER = re.compile(rf"\b(?:below|under|less than|{UPPER_LIMIT_WORDS})\s+([$€£¥]?\d[\d,.]*\s*[^\s\d,.;:)]*)", re.I)


def _within_the_statements_limit(question: str, statement: str) -> bool:
    """Does the question's figure lie within an upper limit the statement sets before its "not"
    or "never" ("a shed that reaches 40 °C" of "Store cartridges below 50 °C and never in direct
    sun")? Then a yes keeps to it; the denial is of something else."""
    negated = NEGATION.search(statement)
    asked = [v for v in values_in(question) if v.unit]
    for match in _UPPER.finditer(statement):
        if negated is None or match.start() > negated.start():
            continue
        limit = values_in(match.group(1))[:1]
        for mine in asked:
            if limit and limit[0].unit == mine.unit and re.fullmatch(r"\d+(?:\.\d+)?", mine.number) and \
                    re.fullmatch(r"\d+(?:\.\d+)?", limit[0].number) and float(mine.number) <= float(limit[0].number):
                return True
    return False


_HOURS = re.compile(rf"({_TIME})\s*(?:to|until|till|–|-)\s*({_TIME})", re.I)


def _outside_its_hours(question: str, statement: str) -> bool:
    """Does the question ask only of times of day outside every span of hours the statement gives
    ("at 6 p.m." of "open … 9 a.m. to 5:30 p.m.")?"""
    asked = times_of_day(question)
    spans = [(min(times_of_day(m.group(1)), default=None), min(times_of_day(m.group(2)), default=None))
             for m in _HOURS.finditer(statement)]
    spans = [(start, end) for start, end in spans if start is not None and end is not None]
    if not asked or not spans:
        return False

    def inside(time: int, start: int, end: int) -> bool:
        return start <= time <= end if start <= end else time >= start or time <= end  # (a night wraps round)

    return all(not any(inside(time, start, end) for start, end in spans) for time in asked)


_COMPASS = re.compile(r"\b(north|south|east|west)(?:ern|erly|wards?)?\b", re.I)
_SEASON = re.compile(r"\b(?:in|during|over|through|this|last|next|every|each)\s+(?:the\s+)?"
                     r"(spring|summer|autumn|winter)s?\b", re.I)
_SEASON_MONTHS = {"spring": MONTHS[2:5], "summer": MONTHS[5:8], "autumn": MONTHS[8:11],
                  "winter": (MONTHS[11], *MONTHS[:2])}


def _named_otherwise(question: str, answer: str, source: str, subject: str = "") -> str | None:
    """A direction or a season the answer names (or a yes grants of the question) where the
    source names others and never it ("north–south streets cooled most" of "cooling was strongest
    on streets running east to west"; "Were temperatures recorded in winter?" "Yes" of "in July
    and August"). Not a no, nor a clause that says "not"."""
    if answer_polarity(answer) is False:
        return None
    plain_source = " ".join(s for s in sentences(f"{source}\n{subject}", min_chars=4) if not NEGATION.search(s))
    theirs = {m.lower() for m in _COMPASS.findall(plain_source)}
    months = set(_named_months(plain_source))
    seasons = {season for season, names in _SEASON_MONTHS.items() if months & set(names)}
    seasons |= {m.lower() for m in _SEASON.findall(plain_source)}
    said = [c for c in answer_clauses(answer) if not NEGATION.search(_reply_body(c))]
    if answer_polarity(answer) is True and is_yes_no_question(question):
        said.append(question)
    # (months and days an answer names are held to those of any sentence, a "not" one too: "Do not
    # cut … from March to August"; those a yes grants of the question, to those of the plain ones)
    told = f"{source}\n{subject}"
    asked = set(_named_months(question)) | _named_days(question)
    for text in said:
        if theirs and (mine := {m.lower() for m in _COMPASS.findall(text)} - theirs):
            return f"the source names {' and '.join(sorted(theirs))}, not {sorted(mine)[0]}"
        if seasons and (mine := {m.lower() for m in _SEASON.findall(text)} - seasons):
            return f"the source names no time in {sorted(mine)[0]}"
        # Months and weekdays (the asker's own aside, unless a yes grants them): "From April to
        # September" of "from March to August"; "Yes, every night" of "on Fridays and Saturdays"
        mine = set(_named_months(text)) | _named_days(text)
        if text is not question:
            mine -= asked
        named_months, days = (set(_named_months(told)), _named_days(told)) if text is not question else (
            months, _named_days(plain_source))
        if named_months and (other := sorted(m for m in mine - named_months if m in MONTHS)):
            return f"the source names no time in {other[0].title()}"
        if days and len(days) < 7 and (other := sorted(d for d in mine - days if d in WEEKDAYS)):
            return f"the source names {', '.join(d.title() for d in WEEKDAYS if d in days)}, not {other[0].title()}"
    return None


# Days a text names by a word for several: "weekends", "every night".
_DAY_SETS = ((re.compile(r"\bweekdays?\b", re.I), WEEKDAYS[:5]), (re.compile(r"\bweeknights?\b", re.I), WEEKDAYS[:5]),
             (re.compile(r"\bweekends?\b", re.I), WEEKDAYS[5:]),
             (re.compile(r"\b(?:every|each) (?:day|night|evening)\b|\b(?:daily|nightly|7 days a week)\b", re.I),
              WEEKDAYS))


def _named_days(text: str) -> set[str]:
    """The weekdays a text names, those inside a span of them ("Monday to Friday") or a word for
    several ("weekends") too."""
    found = {w.lower().rstrip("s") for w in re.findall(r"[A-Z][a-z]+", text) if w.lower().rstrip("s") in WEEKDAYS}
    for start, end in ((m.group(1).lower(), m.group(2).lower()) for m in _SPAN_OF_NAMES.finditer(text)):
        if start in WEEKDAYS and (span := names_in_span(start, end)):
            found |= set(span)
    return found | {day for pattern, names in _DAY_SETS if pattern.search(text) for day in names}


_WHO_ASKED = re.compile(r"^\W*who\s+(?:will\s+|would\s+|must\s+|has\s+to\s+|should\s+)?([a-z]{3,})\b", re.I)
_PARTY_SAID = re.compile(r"^\W*(we|you)\b", re.I)
_PARTY_DOES = re.compile(r"\b(we|you)\s+(?:will\s+|must\s+|have\s+to\s+|should\s+|then\s+)?([a-z]{3,})\b", re.I)


def _another_party(question: str, answer: str, source: str) -> str | None:
    """Why an answer to "Who pays …?" names the other party ("We do" where the source says "you pay
    the vet's bill"; a policy's "we" is its writer, "you" its reader, in answers as in the source),
    if it does."""
    asked, said = _WHO_ASKED.match(question), _PARTY_SAID.match(answer)
    if not asked or not said:
        return None
    verb = stem(asked.group(1).lower())
    theirs = {m.group(1).lower(): m.group(0) for m in _PARTY_DOES.finditer(source) if stem(m.group(2).lower()) == verb}
    if theirs and said.group(1).lower() not in theirs:
        return f"the source says {next(iter(theirs.values()))!r}, not {said.group(1).lower()!r}"
    return None


def _named_months(text: str) -> list[str]:
    """The months a text names, those inside a span of them too ("April to September")."""
    found = [w.lower() for w in re.findall(r"[A-Z][a-z]+", text) if w.lower() in MONTHS]
    for start, end in ((m.group(1).lower(), m.group(2).lower()) for m in _SPAN_OF_NAMES.finditer(text)):
        if start in MONTHS and (span := names_in_span(start, end)):
            found += span
    return found


_ONLY_ASKED = re.compile(r"\b(?:only|just|solely|exclusively)\b", re.I)
_CONDITION_FIRST = re.compile(r"^\s*(?:if|when|once|after|before|unless|since)\b[^,?]{3,60},\s*(?=(?:is|are|was|were|"
                              r"do|does|did|can|could|has|have|had|will|would|should|may|must)\b)", re.I)
_KO_JA_YES_NO = re.compile(r"(나요|습니까|까요|ですか|ますか|있어요|인가요)\s*[?？]?\s*$")
_ANTONYMS = [
    ({"fast", "faster", "fastest", "quicker", "quickest"}, {"slow", "slower", "slowest"}),
    ({"higher", "highest", "more", "larger", "largest", "bigger", "longer", "increase", "increases", "increased",
      "raise", "raises", "raised", "rose", "rise", "rises", "gain", "gains", "improve", "improves", "improved",
      "better", "best", "boosts", "boosted"},
     {"lower", "lowers", "lowered", "lowest", "less", "fewer", "smaller", "smallest", "shorter", "decrease",
      "decreases", "decreased", "fell", "fall", "falls", "drop", "drops", "dropped", "worse", "worst", "loses",
      "lost", "reduce", "reduces", "reduced", "cuts", "hurts", "hurt"}),
    # (a magnitude and a time apart: "aged 14 and over" says nothing against "before using")
    ({"above", "over", "maximum"}, {"below", "under", "minimum"}),
    ({"after"}, {"before"}),
    ({"running"}, {"off", "stopped", "unplugged"}),  # "switch the motor off before …" of "only while it is running"
    ({"indoors", "inside"}, {"outdoors", "outside"}),
    ({"uphill", "upwards", "upward"}, {"downhill", "downwards", "downward"}),
    ({"flat"}, {"hilly", "steep"}),
    ({"weekday", "weekdays"}, {"saturday", "saturdays", "sunday", "sundays", "weekend", "weekends"}),
    ({"until"}, {"past", "beyond", "indefinitely", "forever", "permanently"}),
    # ("can play alone" of "must play with an adult")
    ({"alone", "unaccompanied", "unsupervised"}, {"accompanied", "supervised", "adult", "adults"}),
]
_MORE_WORDS, _LESS_WORDS = _ANTONYMS[1]  # a rise and a fall
_RATHER = re.compile(r"\b(?:rather than|instead of)\b", re.I)
_DIRECTION = re.compile(r"\b([a-z]{3,})\s+(up|down|upwards|downwards)\b", re.I)


# ("step-free access" is no price)
_FREE = re.compile(r"(?<!-)\b(?:free|free of charge|at no (?:extra )?(?:charge|cost)|no (?:[a-z-]+ )?(?:charge|fee)|"
                   r"costs? nothing)\b", re.I)
_CHARGED = re.compile(r"\b(?:costs?|fees?|charged|charges?|payable|paid|pays?)\b", re.I)


def _charged_where_free(clause: str, statement: str) -> str | None:
    """What the clause charges for that the statement gives free ("updating the vehicle costs a
    fee" of "the change is free"), if it does."""
    if _FREE.search(statement) and not _CHARGED.search(statement) and not _FREE.search(clause):
        if found := _CHARGED.search(clause):
            return found.group()
    # (and free where the statement charges: "rescheduled for free" of "cancelled and charged"; not
    # the span before the charge starts: "the first 30 minutes are free" of "within 30 minutes …;
    # after that we charge £5")
    if _FREE.search(clause) and not _CHARGED.search(clause) and not _FREE.search(statement) \
            and not _VERB_NEGATION.search(statement) and (found := _CHARGED.search(statement)):
        after, first = _AFTER_THAT.search(statement), re.search(r"\bfirst\s+(\d+)", clause)
        if after and first and re.search(rf"\b{first.group(1)}\b", statement[:after.start()]):
            return None
        return _FREE.search(clause).group()
    return None


_AFTER_THAT = re.compile(r"\b(?:after that|after this|thereafter|beyond that|after which)\b", re.I)


_DONE_WITHOUT = re.compile(r"\b(?:can|could|will|would|does|do|may)\s+(?:still\s+|be\s+)?([^\W\d_]{3,})\s+without\s+"
                           r"(?:an?\s+|the\s+|its\s+|your\s+|their\s+|any\s+)?([^\W\d_]{3,})", re.I)
_UNTIL = re.compile(r"\b(?:until|unless)\b", re.I)


def _done_without_a_requirement(clause: str, source: str) -> str | None:
    """The source's sentence that requires what the clause says may be done without ("the mower
    can start without the app" of "run the setup wizard in the app; the mower will not start
    until the wizard has measured the wire loop"), if there is one: the sentence denies the same
    verb until or unless something happens, and names the thing the clause does without."""
    if not (found := _DONE_WITHOUT.search(clause)):
        return None
    verb, thing = stem(found.group(1).lower()), stem(found.group(2).lower())
    for sentence in sentences(source, min_chars=4):
        for part in re.split(r";", sentence):
            denied = _UNTIL.split(part)[0]
            if _UNTIL.search(part) and _VERB_NEGATION.search(denied) and verb in set(stems(denied)) \
                    and thing in set(stems(sentence)):
                return sentence
    return None


def _direction_turned(clause: str, statement: str) -> tuple[str, str] | None:
    """(what the clause says, what the statement says) when the clause turns a thing the
    statement points one way the other way ("blade up" where it says "blade down")."""
    theirs = {normalize(m.group(1)): normalize(m.group(0)) for m in _DIRECTION.finditer(statement)}
    for match in _DIRECTION.finditer(clause):
        said = theirs.get(normalize(match.group(1)))
        if said and said.split()[-1][:2] != normalize(match.group(2))[:2]:
            return normalize(match.group(0)), said
    return None


def _choices(text: str) -> list[tuple[set[str], set[str], str]]:
    """(what is chosen, what it is chosen over, the sentence) for each "X rather than Y" of a
    text: the four words on each side, stemmed."""
    out = []
    for sentence in sentences(text, min_chars=4):
        for match in _RATHER.finditer(sentence):
            out.append((set(stems(sentence[:match.start()])[-4:]), set(stems(sentence[match.end():])[:4]), sentence))
    return out


def _rather_reversed(clause: str, source: str) -> str | None:
    """The source's statement whose choice the clause turns round: "switching lights off rather
    than dimming" where the source recommends "dimming to 50% rather than switching lights off"."""
    for chosen, passed, _ in _choices(clause):
        for their_chosen, their_passed, sentence in _choices(source):
            turned = len(chosen & their_passed) + len(passed & their_chosen)
            kept = len(chosen & their_chosen) + len(passed & their_passed)
            if chosen & their_passed and passed & their_chosen and turned > kept:
                return sentence
    return None


_EARLIER = re.compile(r"\b(?:before|start|baseline|pre|old|then|first|initial)\b|^\s*(?:19|20)\d\d\s*$", re.I)
_LATER = re.compile(r"\b(?:after|end|with|post|new|now|second|final|follow-up|during)\b|^\s*(?:19|20)\d\d\s*$", re.I)


def _month_and_year(heading: str) -> tuple[int, int] | None:
    """(year, month) of a column heading that is a month ("February") or a month of a year
    ("June 2024"); the year is 0 when it gives none."""
    found = re.fullmatch(r"\s*([A-Za-z]+)(?:\s+((?:19|20)\d\d))?\s*", heading)
    if not found or found.group(1).lower() not in MONTHS:
        return None
    return int(found.group(2) or 0), MONTHS.index(found.group(1).lower())


def _table_changes(source: str) -> frozenset[tuple[str, str]]:
    """(earlier, later) of each row of a table whose two value columns are a before and an after
    ("| Nurses | 64% | 78% |" under "| Staff group | Before | With lights |")."""
    return frozenset(change for _, change in _table_rows_changed(source))


@lru_cache(maxsize=256)
def _table_rows_changed(source: str) -> tuple[tuple[str, tuple[str, str]], ...]:
    """(row label, (earlier, later)) of each row of a before-and-after table."""
    changes = []
    header = None
    for line in source.splitlines():
        if not line.strip().startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if set("".join(cells)) <= set(":- "):
            continue
        if header is None:
            header = cells
            continue
        # A cell that goes from one figure to another ("| Children walking | 31% → 44% | 30% → 32% |")
        for cell in cells[1:]:
            if arrow := CHANGE_ARROW.search(cell):
                changes.append((cells[0], (canon_number(arrow.group(1)), canon_number(arrow.group(2)))))
        # (or two months in order: "| Measure | February | November |", "| June 2024 | June 2025 |")
        dates = [_month_and_year(h) for h in header[1:3]]
        in_order = len(dates) == 2 and None not in dates and dates[0] < dates[1]
        if len(header) != 3 or len(cells) != 3 or not (in_order or _EARLIER.search(header[1]) and
                                                       _LATER.search(header[2])):
            continue
        if re.fullmatch(r"(?:19|20)\d\d", header[1]) and not header[1] < header[2]:
            continue
        first, second = (re.search(_NUMBER, c) for c in cells[1:])
        if first and second:
            changes.append((cells[0], (canon_number(first.group()), canon_number(second.group()))))
    return tuple(changes)


def _turned_against_table(question: str, clause: str, source: str) -> str | None:
    """The row of a before-and-after table whose change the clause says went the other way
    ("active borrowers fell" where the row goes from 21,400 to 24,900), if there is one: the
    question and clause name the row, and the clause a rise or a fall."""
    said = _words(clause)
    up, down = bool(said & _MORE_WORDS), bool(said & _LESS_WORDS)
    if up == down or _said_in_prose(clause, source, said & (_MORE_WORDS | _LESS_WORDS)):
        return None
    named = about_stems(masked(f"{question} {clause}"))
    changed = [(label, before, after, about_stems(masked(label))) for label, (before, after)
               in _table_rows_changed(source) if before != after]
    rows = [(label, before, after) for label, before, after, words in changed if words and words <= named]
    # (or the one row named by more of its words than any other: "fridge use" of "Households
    # using a fridge")
    shared = sorted((len(words & named), label, before, after) for label, before, after, words in changed)
    if not rows and shared and shared[-1][0] >= 1 and (len(shared) == 1 or shared[-2][0] < shared[-1][0]):
        rows = [shared[-1][1:]]
    # (a row that changes in each of several columns goes the clause's way in none of them)
    if rows and all((float(after) > float(before)) != up for _, before, after in rows):
        label, before, after = rows[0]
        return f"{label}: {before} to {after}"
    return None


_GROUPS_COMPARED = frozenset({"more", "fewer", "less", "higher", "lower", "greater", "bigger", "smaller", "larger"})
_THAN = re.compile(r"\bthan\s+(?:the\s+|with\s+)?([^,.;:]+)", re.I)


def _compared_in_table(text: str, source: str, context: str = "") -> tuple[str, bool] | None:
    """(the row, whether the comparison holds) where the text sets one group of a two-group table
    ("| Measure | Pilot schools | Other schools |") above or below the other: the group named after
    "than" ("fewer than other schools") or, with no "than", the one it names ("Did pilot schools
    have more absences?"); the row is the one it, with `context`, names (by what is "more" or
    "fewer" first: "more complaints"). None when it compares no such groups."""
    said = _words(text) & _GROUPS_COMPARED  # ("rise", "fall": a change over time, which a row's arrows give)
    up, down = bool(said & _MORE_WORDS), bool(said & _LESS_WORDS)
    rows = _markdown_rows(source)
    if up == down or len(rows) < 2 or len(rows[0]) != 3:
        return None
    heads = [about_stems(masked(head)) for head in rows[0][1:]]
    if not heads[0] & heads[1]:
        return None  # (two measures, "Yearly fee" and "Tools at a time", are no two groups of one kind)
    than = _THAN.search(text)
    named = about_stems(masked(than.group(1) if than else text))
    columns = [bool(named & (heads[i] - heads[1 - i])) for i in (0, 1)]  # (by a word of its own: "usual")
    if columns.count(True) != 1:
        return None
    subject = columns.index(False) if than else columns.index(True)
    words = about_stems(masked(f"{context} {text}"))
    compared = {stem(m.group(2).lower()) for m in re.finditer(r"\b(\w+)\s+(\w+)", f"{context} {text}")
                if m.group(1).lower() in _MORE_WORDS | _LESS_WORDS}
    shared = sorted(((len(about_stems(masked(row[0])) & compared), len(about_stems(masked(row[0])) & words), i)
                     for i, row in enumerate(rows[1:], 1) if len(row) == 3), reverse=True)
    if not shared or shared[0][1] < 1 or len(shared) > 1 and shared[1][:2] == shared[0][:2]:
        return None
    row = rows[shared[0][2]]
    figures = [re.fullmatch(rf"\s*[$€£¥]?({_NUMBER})\s*%?\s*", cell) for cell in row[1:]]
    if not all(figures):
        return None  # (a cell of words, or of a change: "23 → 9")
    mine, theirs = (float(canon_number(figures[i].group(1))) for i in (subject, 1 - subject))
    return None if mine == theirs else (f"{row[0]}: {row[1]} against {row[2]}", (mine > theirs) == up)


def _said_in_prose(clause: str, source: str, direction: set[str]) -> bool:
    """Does a sentence of the source's prose say what the clause says, its "more" or "fewer"
    included ("Older people waited for the next green more often once …")? Then the clause
    restates it and turns no table row round."""
    mine = about_stems(masked(clause))
    for sentence in sentences(source, min_chars=8):
        if "|" in sentence or not direction & _words(sentence):
            continue
        theirs = about_stems(masked(sentence))
        if mine and len(mine & theirs) / len(mine) >= WHOLLY_SAID:
            return True
    return False


WHOLLY_SAID = 0.8  # of a clause's words a source sentence holds to say what it says


_SET_BESIDE = re.compile(r"\b(?:more|less|fewer|further|faster|slower|bigger|smaller)\b(?:\s+[\w-]+){0,5}\s+than\b"
                         r"(?!\s*[$€£¥]?\d)", re.I)


_BETTER = frozenset({"improve", "improves", "improved", "better", "best"})


def _direction_asked(question: str, fact: Fact, source: str = "") -> bool | None:
    """Whether a yes is right to a question on a rise or a fall ("Did car trips go up?") of a
    table cell that goes from one figure to another ("6.0 → 5.9"), or of a cell of a before-and-
    after table's row ("| Households using a fridge | 18% | 34% |" under February and November);
    None when it asks no direction or the cell gives no change."""
    change = CHANGE_ARROW.search(fact.text) if fact.kind == "cell" else None
    if change is None and fact.kind == "cell" and fact.entity:
        row = next((f"{a} → {b}" for label, (a, b) in _table_rows_changed(source) if label == fact.entity), "")
        change = CHANGE_ARROW.search(row)
    # "Did mood improve more with the walks than on the waiting list?": the "more" sets two changes side
    # by side and asks no direction of its own ("rise more … than" still asks a rise)
    question = _SET_BESIDE.sub(" ", question)
    said = _words(question)
    # ("improve" of a "Mood score (lower is better)" row is a fall)
    if re.search(r"\blower is better\b", f"{fact.about} {fact.entity}", re.I) and said & _BETTER:
        said = (said - _BETTER) | {"lower"}
    up = bool(said & _MORE_WORDS) or bool(re.search(r"\b(?:go|goes|went|gone) up\b", question, re.I))
    down = bool(said & _LESS_WORDS) or bool(re.search(r"\b(?:go|goes|went|gone) down\b", question, re.I))
    if change is None or up == down:
        return None
    before, after = (float(canon_number(change.group(i))) for i in (1, 2))
    return None if before == after else (after > before) == up


def changes_of(source: str) -> frozenset[tuple[str, str]]:
    """(from, to) of each change the source gives: in its prose ("from 21,400 to 24,900") or a
    table's cells and before-and-after rows."""
    return frozenset(_changes_said(source)) | _table_changes(source)


_EXCEPTED = re.compile(r"\b(?:other than|except(?: for)?|apart from)\s+([^.;:]+)", re.I)


def _excepted(question: str, fact: Fact) -> bool:
    """Does the question ask about one of the things a denial excepts ("Can I use it on a bathroom
    mirror?" of "Do not use the vac on wet surfaces other than glass, tiles or mirrors")? A yes to
    it says what the statement allows."""
    found = _EXCEPTED.search(fact.text)
    return bool(found and fact.negative and about_stems(masked(found.group(1))) & about_stems(masked(question)))


_SET_ASIDE = re.compile(r"^(.*),\s*(?:and\s+)?not\s+([^,;.]+)", re.I)


def _says_what_is_set_aside(answer: str, fact: Fact) -> str | None:
    """The alternative the statement sets aside ("… home from work, not from nights out") that the
    answer gives instead of what the statement says ("No, most were coming home from nights out."),
    if it does."""
    found = _SET_ASIDE.match(fact.text)
    if not found:
        return None
    kept, aside = (about_stems(masked(part)) for part in found.groups())
    said = about_stems(masked(_reply_body(answer)))
    kept -= aside
    if aside and len(aside & said) / len(aside) >= RESTATED and len(kept & said) < len(kept) / 2:
        return found.group(2).strip()
    return None


def _change_shown_as_asked(question: str, answer: str, source: str) -> bool:
    """Does the answer show a change the source gives ("from 12% to 21%") going the way the
    question asks ("Did more young people come?")? Then that change answers it."""
    said = _words(question)
    up, down = bool(said & _MORE_WORDS), bool(said & _LESS_WORDS)
    if up == down:
        return False
    changes = changes_of(source)
    return any((a, b) in changes and (float(b) > float(a)) == up for a, b in _changes_said(answer))


def _changes_said(text: str) -> set[tuple[str, str]]:
    """(from, to) of each "from 21,400 to 24,900" of the text, numbers as values write them."""
    return {(canon_number(a), canon_number(b)) for a, b in _FROM_TO.findall(text)}


_NUMBER = FIGURE  # "21,400" as one number
_FROM_TO = re.compile(rf"from ({_NUMBER})[^.;\d]{{0,24}}? to ({_NUMBER})", re.I)
_ONLY = re.compile(r"\bonly\b|\bexclusively\b|\balone\b", re.I)
_ALONE = re.compile(r"\balone\b|\bon (?:its|their|your|my) own\b|\bby (?:itself|themselves|yourself|myself)\b", re.I)
# "may work remotely once they have completed probation": true under a condition, so it says
# neither yes nor no about the other case.
# ("switches itself off after 9 hours", "a screen cracked after the repair": a time, no condition)
_CONDITIONAL = re.compile(r"\b((?<!\bat )once|if|unless|provided that|as long as|"
                          r"after(?!\s+(?:about\s+)?\d|\s+(?:the|a|an|its|each|every)\b)|until|when)\b", re.I)
_WIDENING = re.compile(r"\bboth\b|\bas well as\b|\bin addition to\b|\balso\b|\beverywhere\b|\balways\b"
                       r"|\banywhere\b(?!\s+(?:from|between|up to))", re.I)


def is_yes_no_question(question: str) -> bool:
    # The question is its last sentence: "My son returned his book late. Will we be charged?"
    asked = re.split(r"(?<=[.!:])\s+(?=[A-Z])", question.strip())[-1]
    # "If I don't turn up, do I get anything back?": the condition comes before what is asked.
    asked = _CONDITION_FIRST.sub("", asked)
    if _WH.search(asked) and not _AUX_START.match(asked):
        return False
    return bool(_AUX_START.match(asked) or _KO_JA_YES_NO.search(asked))


def judged_statement(question: str, source: str, subject: str = "", answer: str = "") -> Fact | None:
    """The fact a yes/no question is about, when one clearly is (else None: no judgement).
    A record's yes/no field outranks prose that comes close ("Consultant Available: N"
    against a description that mentions consultants)."""
    every = facts_of(source)
    # ("Is the dehydrator on its own enough …?" asks what "the dehydrator alone will not …" says)
    alone = _ALONE.search(question) is not None
    facts = tuple(f for f in every if (not _ONLY.search(f.text) or alone and _ALONE.search(f.text))
                  and (not _CONDITIONAL.search(f.text) or _condition_asked(question, f.text)
                       or _reports_a_past_event(f.text))
                  and f.kind not in ("row", "name") and not _mixed(f, every))
    if not facts:
        return None
    scores = sorted(zip(fact_scores(question, source, facts, subject), range(len(facts))), reverse=True)
    best_score, best = scores[0]
    flag = next((i for s, i in scores if s >= best_score - FLAG_REACH and _is_flag(facts[i])), None)
    if flag is not None and best_score >= 0.45:
        return facts[flag]
    # Variants of one statement (a clause and its whole sentence) do not compete.
    # (nor a clause read with the best one as its context: "thaw it first." after "Do not put frozen food in")
    runner_up = next((s for s, i in scores[1:] if facts[i].negative != facts[best].negative
                      and facts[best].text not in facts[i].about.replace(facts[i].text, "")), 0.0)
    if best_score < 0.45 or best_score - runner_up < POLARITY_LEAD:
        return None
    if _matched_by_context_alone(question, facts[best], subject):
        return None
    if not facts[best].negative:
        # A conditional or restricted statement the question matches better is what it asks
        # about ("I registered it after 4 months. Do I get the 3-year warranty?" of "a 2-year
        # warranty, extended to 3 years if you register it within 90 days"): it says neither yes
        # nor no outright, so a no is not judged against the plain statement beside it. (The
        # source's own denial stays judged: "Remote work is not available during probation".)
        unjudged = tuple(f for f in every if f not in facts and not f.negative and f.kind not in ("row", "name")
                         and f.text not in facts[best].text and facts[best].text not in f.text)
        if unjudged and max(fact_scores(question, source, unjudged, subject)) > best_score - POLARITY_LEAD:
            return None
    return _restated_instead(question, answer, source, facts, facts[best], subject)


_REPLY = re.compile(rf"^\s*(?:no|yes|{HEDGED_NOT}not(?=\s*[,.:;!—–-]))\b[,.:;!—–-]*\s*", re.IGNORECASE)


_PAST_PASSIVE = re.compile(r"\b(?:was|were)\s+(?:\w+ly\s+)?[a-z]+(?:ed|en|wn|lt|ght)\b", re.I)


def _reports_a_past_event(statement: str) -> bool:
    """Is the statement's "after" or "when" the time of something that happened ("Two parklets
    were removed after complaints"), not a condition a rule sets? It says yes outright."""
    found = _CONDITIONAL.search(statement)
    return bool(found and found.group(1).lower() in ("after", "when")  # (in the clause that says it happened)
                and re.search(rf"{_PAST_PASSIVE.pattern}[^,;]*$", statement[:found.start()], re.I))


def _condition_asked(question: str, statement: str) -> bool:
    """Does the question ask a conditional statement with its condition ("Do leafy greens give more
    juice rolled up?" of "Leafy greens give more juice when rolled into tight bundles")? Then the
    statement says yes or no to it: the question holds every word of what it says and a word of
    the condition."""
    parts = _CONDITIONAL.split(statement, maxsplit=1)
    if len(parts) < 3:
        return False
    asked = about_stems(masked(question))
    if not parts[0].strip() and "," in parts[2]:  # "If we cancel a game, you get a full refund."
        stated, said = parts[2].split(",", 1)
        condition, said = about_stems(masked(stated)), about_stems(masked(said))
        figures, mine = {v.number for v in values_in(stated)}, {v.number for v in values_in(question)}
        if figures and mine and not figures & mine:
            return False  # ("My train was 10 minutes late" is not "more than 30 minutes late")
        return bool(said & asked) and len(condition) >= 2 and len(condition & asked) / len(condition) >= RESTATED
    said, condition = about_stems(masked(parts[0])), about_stems(masked(parts[2]))
    return len(said) >= 2 and said <= asked and bool(condition & asked)


def _reply_body(text: str) -> str:
    """The text after its opening "Yes," or "No." (what the reply then says)."""
    return _REPLY.sub("", text)


def _restated_instead(question: str, answer: str, source: str, facts: tuple[Fact, ...], judged: Fact,
                      subject: str) -> Fact:
    """The statement a yes/no answer gives as its reason, when the question's words chose another
    ("Did participants pay for the e-bikes?" "No, the e-bikes were lent for free." is judged on
    "We lent e-bikes for free …", not on "38% … bought an e-bike of their own"): the answer's
    words must all but wholly be that statement's (those it shares with the question wholly),
    and the question and answer together must match it best, or the answer alone must, in a
    statement that names something the question names ("My motor failed after 3 years. Is it
    covered?" "Yes. The motor is guaranteed for 5 years …", not "the warranty does not cover …")."""
    body = _reason_given(_reply_body(answer), question)
    said = about_stems(masked(body)) - about_stems(subject)
    if len(said) < 2:
        return judged
    asked = about_stems(masked(question)) - about_stems(subject)
    every = facts_of(source)
    # (a reply that says yes or no as the judged statement does, with the other half of its
    # sentence as its reason: that sentence says both)
    agrees = answer_polarity(answer) is (not judged.negative)
    for read, text in enumerate((f"{question} {body}", body)):
        scores = fact_scores(text, source, facts, subject)
        restated = facts[max(range(len(facts)), key=scores.__getitem__)]
        if restated is judged or restated.text in judged.text or judged.text in restated.text:
            continue
        if read == 1 and not asked & about_stems(masked(restated.text)):
            continue
        if agrees and restated.negative != judged.negative and any(
                f.kind == "sentence" and restated.text in f.text and judged.text in f.text for f in every):
            continue  # "No, wash it by hand" of "… washing it by hand; it must not go in the dishwasher"
        # (with the clauses of its sentence that say yes or no as it does: "They're rated IPX4, so they
        # withstand sweat and splashes" of "… rated IPX4: they withstand sweat and splashes but must not …")
        sentence = next((f.text for f in every if f.kind == "sentence" and restated.text in f.text), restated.text)
        stated = about_stems(masked(" ".join(f.text for f in every if f.kind == "clause" and f.text in sentence
                                             and f.negative == restated.negative) or restated.text))
        if (said & asked) - stated:
            continue  # "the Basic plan keeps 180 days of versions" of "Plus and Business keep …"
        if len(said & stated) / len(said) >= RESTATES_WHOLLY:
            return restated
    return judged


_THEREFORE = re.compile(r"(?:,|;|\s[—–])\s*so\s+", re.I)
# Words that apply a reason to the asker's case ("so 3 years is within it").
_APPLIES = frozenset(stems("within inside under covered cover fine ok okay enough allowed eligible limit still well"))


def _reason_given(body: str, question: str) -> str:
    """The reason of a reply that goes on to apply it to the asker's case ("The motor is
    guaranteed for 5 years, so 3 years is within it": the first clause), else the whole reply."""
    parts = _THEREFORE.split(body, maxsplit=1)
    if len(parts) == 2 and about_stems(masked(parts[1])) <= about_stems(masked(question)) | _APPLIES:
        return parts[0]
    return body


def _matched_by_context_alone(question: str, fact: Fact, subject: str) -> bool:
    """Does the question match a clause only by the clause before it, which it carries as context
    ("Will it keep warning me?" of "…; you can change these limits in the settings", after
    "warns if it goes below 16 °C")? Then the question is about that clause, not this one."""
    if fact.about == fact.text:
        return False
    asked = about_stems(masked(question)) - about_stems(subject)
    return bool(asked & about_stems(masked(fact.about))) and not asked & about_stems(masked(fact.text))


def _mixed(fact: Fact, facts: tuple[Fact, ...]) -> bool:
    """Is the fact a sentence whose clauses say yes and no ("Saver rates are 15% cheaper … and
    cannot be cancelled")? Then each clause is judged on its own, not the sentence."""
    if fact.kind != "sentence":
        return False
    return len({f.negative for f in facts if f.kind == "clause" and f.text in fact.text}) > 1


def _is_flag(fact: Fact) -> bool:
    return fact.kind in ("cell", "field") and normalize(fact.value).strip(". ") in {"y", "n", "yes", "no"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w'-]+", normalize(text)))


RESTATED = 0.6  # of a source statement's words an answer must repeat to rest on it
SUPPOSITION_ANSWERED = 0.7  # of a no's words that must be the judged statement's, when the question supposes
LIMIT_REACH = 0.25  # how much less than the judged statement the limiting one may match the question
WHOLLY = 0.9  # ... or any less, down to LIMIT_FLOOR, when the answer restates this share of it
LIMIT_FLOOR = 0.3


def _rests_on_source_limit(question: str, answer: str, source: str, judged: Fact, subject: str = "") -> bool:
    """Does a "no" give the source's own negative or restrictive statement about the same thing
    as its reason ("No. It has no Wi-Fi, so …" where the source says it has no Wi-Fi and can only
    …)? Then it contradicts nothing, whatever else the source allows. The statement must be about
    what the question is (another record's "N" is no reason) and the answer must restate it."""
    if not (NEGATION.search(answer) or _ONLY.search(answer)):
        return False
    said = about_stems(masked(answer))
    facts = facts_of(source)
    scores = fact_scores(question, source, facts, subject)
    asked = scores[facts.index(judged)] if judged in facts else max(scores, default=0.0)
    for fact, score in zip(facts, scores):
        if not (NEGATION.search(fact.text) or _ONLY.search(fact.text)):
            continue
        if judged.entity and fact.entity != judged.entity:
            continue
        words = about_stems(masked(fact.text))
        share = len(words & said) / len(words) if words else 0.0
        # A statement the question matches less well counts when the no restates all of it
        # ("No. Blades are wear parts and are not covered." for "are worn blades replaced under warranty?").
        if share >= RESTATED and (score >= asked - LIMIT_REACH or (share >= WHOLLY and score >= LIMIT_FLOOR)):
            return True
    # Or the source's limit, by its value ("Does Laundry mode run all night?" "Not beyond 6 hours",
    # of "runs for a maximum of 6 hours"): a figure the question did not bring.
    supposed = {v.number for v in values_in(question)}
    stated = [v for v in values_in(answer) if v.number not in supposed]
    for fact, score in zip(facts, scores):
        if _LIMIT.search(fact.text) and score >= asked - LIMIT_REACH and any(
                _same(v, mine) for v in fact.values for mine in stated):
            return True
        # A lower limit answers a no when the answer sets a figure under it beside it ("7 of 10,
        # and you need at least 8"), or the asker's own is under it ("4 nights in July?" "No, a
        # 7-night minimum"); a no with the limit alone may be to a case that meets it.
        if _LOWER_LIMIT.search(fact.text) and score >= asked - LIMIT_REACH and any(
                _same(v, mine) and any(_under(other, v) for other in [*stated, *values_in(question)])
                for v in fact.values for mine in stated):
            return True
    return False


def _under(figure: Value, limit: Value) -> bool:
    """Is the figure a plain number below the limit, in its unit?"""
    return figure.unit == limit.unit and all(re.fullmatch(r"\d+(?:\.\d+)?", n) for n in (figure.number, limit.number)) \
        and float(figure.number) < float(limit.number)


# "not" on the verb: what flips a statement ("can be charged" / "cannot be charged"). Words such
# as "without" or "except" also make a fact negative, but restate it in other ways too.
# ("work kept them from coming earlier" says what "could not come earlier because of work" does)
_VERB_NEGATION = re.compile(r"\b(not|never|cannot|can't|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|won't|"
                            r"hasn't|haven't|shouldn't|mustn't|nobody|no one)\b|\b\w+n't\b|"
                            r"\b(?:kept|keeps?|stopped|stops?|prevented|prevents?)\s+(?:\w+\s+){1,2}"
                            r"from(?=\s+\w+ing\b)", re.I)


_LIMIT = re.compile(rf"\b(?:{UPPER_LIMIT_WORDS}|maximum)\b", re.I)
# ("If I miss 3 classes, will I get a certificate?" "No: that leaves 7 of 10, and you need at least 8.")
_LOWER_LIMIT = re.compile(r"\b(?:at least|minimum|no (?:less|fewer) than|not (?:less|fewer) than)\b", re.I)
_RESTRICTED = re.compile(r"\b(unless|until|except|only|otherwise)\b", re.I)


_DEFAULT_STATE = re.compile(r"\b(on|off|enabled|disabled)\s+by\s+default\b"
                            r"|\bby\s+default\s+(?:it\s+is\s+)?(on|off|enabled|disabled)\b", re.IGNORECASE)
_STATE = {"on": "on", "enabled": "on", "off": "off", "disabled": "off"}


_STAYS = re.compile(r"\b(?:stays?|remains?|is|are|kept)\s+(on|off)\b(?!\s+(?:the|a|an|your|its)\b)", re.IGNORECASE)
_TURNS = re.compile(r"\b(?:stays?|remains?|is|are|kept|turns?|switch(?:es)?)\s+(?:(?:the|its|it|itself|\w+)\s+){0,2}?"
                    r"(on|off)\b(?!\s+(?:the|a|an|your|its)\b)", re.IGNORECASE)


def _state(text: str, said: bool = True) -> str | None:
    """"on" or "off": what an answer says something stays ("the ring stays on"), or what the
    source says it stays or is turned ("turns the ring off"); None when it says both."""
    states = {m.group(1).lower() for m in (_STAYS if said else _TURNS).finditer(text)}
    return states.pop() if len(states) == 1 else None


def _adverbs(clause: str) -> set[str]:
    """"before" and "after" closing a clause ("the mode it was in before"): earlier, not a time order."""
    return {m.group(1).lower() for m in re.finditer(r"\b(before|after)\s*[.!?,;]?\s*$", clause, re.IGNORECASE)}


def _default_state(text: str) -> str | None:
    """"on" or "off", for a setting a text says is on (enabled) or off (disabled) by default."""
    found = _DEFAULT_STATE.search(text)
    return _STATE[(found.group(1) or found.group(2)).lower()] if found else None


# A reply's opening hedge ("Not necessarily: the districts studied had 30 km/h limits", "Probably
# not: the trees were still young"): its "not" answers the question, and is on no verb of the
# statement that follows.
_HEDGE = re.compile(rf"^\s*{HEDGED_NOT}not"
                    r"(?:\s+(?:necessarily|really|quite|always|exactly|entirely|usually|as such|yet|very well|well|"
                    r"very much|much))?"
                    r"\s*[,:;.!—–-]\s*"
                    r"|^\s*not(?=\s+(?:while|when|if|until|unless|before|after|during)\b)"
                    # "The study can't say: it ran in one city" — what the source leaves open, then why
                    r"|^\s*(?:the\s+\w+|it|we|they)\s+(?:can't|cannot|can not|doesn't|does not)\s+say\s*[,:;.!—–-]\s*",
                    re.IGNORECASE)


_NEVER = re.compile(r"\b(?:never|under no circumstances|in no case)\b", re.I)
_AT_ALL = re.compile(r"\b(?:at all|whatsoever|in any way)\b", re.I)
_ALWAYS = re.compile(r"\b(?:always|in all cases|in every case|whatever happens)\b", re.I)


def _negation_flipped(clause: str, fact: Fact) -> bool:
    """Does the clause restate the source statement with its "not" added or taken away ("The X2
    can not be charged from a wall outlet" where the source says it can be)? Both must share
    most of their words, and the affirmative one must hold no negative word of any kind."""
    clause = _HEDGE.sub("", clause)
    # "never" denies what the source grants on a condition ("is returned … if the room is left clean"),
    # "always" grants what it denies on one ("frost damage is always covered" of "We do not cover
    # damage caused by frost if the boiler was left switched off")
    always = _ALWAYS.search(clause) is not None and not _VERB_NEGATION.search(clause)
    absolute = bool(_NEVER.search(clause)) or always
    if always:
        clause = _ALWAYS.sub(" ", clause)
    if fact.kind != "clause" or _RESTRICTED.search(clause) or (_CONDITIONAL.search(fact.text) and not absolute) or (
            _ONLY.search(fact.text) and not _AT_ALL.search(clause)):
        # "won't start unless it is on its base" says what "only starts if …" says; "not covered at
        # all" denies what "covered for 1 year only" grants
        return False
    denied = bool(_VERB_NEGATION.search(clause))
    if denied == bool(_VERB_NEGATION.search(fact.text)):
        return False
    if not denied and (aside := _SET_ASIDE.match(fact.text)) and not _VERB_NEGATION.search(aside.group(1)) and not (
            about_stems(masked(aside.group(2))) - about_stems(masked(aside.group(1)))) & about_stems(masked(clause)):
        return False  # "rinse them in tank water" of "Rinse media in tank water, not tap water": the "not" is tap's
    if _restates_a_part_said_so(clause, fact.text):
        return False  # "every day in hot weather" of "every day in hot weather, so bacteria cannot grow"
    if NEGATION.search(fact.text if denied else clause):
        return False
    mine = about_stems(masked(_VERB_NEGATION.sub(" ", clause)))
    ours, theirs = {v.number for v in values_in(clause)}, {v.number for v in values_in(fact.text)}
    if ours and theirs and not ours & theirs:
        return False  # "15 PSI." of "Do not go above 18 PSI.": another figure, no restatement
    if _ONLY.search(fact.text) or (absolute and _CONDITIONAL.search(fact.text)):
        # "not covered at all" of "[the burrs] are covered for 1 year only"; "never returned" of
        # "[the deposit] is returned within 14 days … if the room is left clean"
        context = about_stems(masked(f"{fact.about} {fact.text}"))
        return len(mine) >= 2 and mine <= context and bool(mine & about_stems(masked(fact.text)))
    # (a statement and what follows from it are two: "Teachers knew which schools were in the
    # pilot, so attention ratings may be biased" is restated by "teachers didn't know which …")
    for part in (fact.text, *_THEREFORE.split(fact.text, maxsplit=1)[:1]):
        theirs = about_stems(masked(_VERB_NEGATION.sub(" ", part)))
        shared = mine & theirs
        # (a statement that leaves out what it denies says too little to be restated: "Blend does not.")
        if theirs and not _ELLIPTIC.search(part) and len(shared) / len(theirs) >= RESTATED and \
                len(shared) / len(mine) >= RESTATED:
            return True
    return False


_REASON = re.compile(r"(?:,|;|\s[—–])\s*(?:so|as|because|since)\s+", re.I)


_ELLIPTIC = re.compile(r"\b(?:does|do|did|is|are|was|were|can|will|should|may|has|have)\s*(?:not|n't)\s*[.!]?\s*$"
                       r"|\bcannot\s*[.!]?\s*$", re.I)


def _restates_a_part_said_so(clause: str, statement: str) -> bool:
    """Does the clause restate the part of the statement, split at its "so …", "as …" or
    "because …", that says yes or no as the clause does, rather than the other part ("every day
    in summer" of "every day in summer, so mould cannot grow"; "water or soap can crack it" of
    "never wash it with water or soap, as it can crack")?"""
    parts = _REASON.split(statement, maxsplit=1)
    if len(parts) < 2:
        return False
    denied = bool(_VERB_NEGATION.search(clause))
    mine = about_stems(masked(_VERB_NEGATION.sub(" ", clause)))
    shared = [len(mine & about_stems(masked(_VERB_NEGATION.sub(" ", part)))) for part in parts]
    best = max(range(len(parts)), key=shared.__getitem__)
    return shared[best] > shared[1 - best] and bool(_VERB_NEGATION.search(parts[best])) == denied


def _only_allows_what_is_asked(question: str, source: str, subject: str = "") -> str | None:
    """The source's restriction whose allowed part the question asks word for word ("Can hosepipes
    be used to fill water butts?" of "Hosepipes may be used only to fill water butts, never to
    water plots directly"), if there is one: a no to it denies what the source allows."""
    asked = about_stems(masked(question)) - about_stems(subject)
    if len(asked) < 2:
        return None
    for sentence in sentences(source, min_chars=8):
        if not _ONLY.search(sentence) or _CONDITIONAL.search(sentence):
            continue
        allowed = _ALLOWED_PART.split(sentence)[0]
        if _ONLY.search(allowed) and not _VERB_NEGATION.search(allowed) and asked <= about_stems(masked(allowed)) \
                and all(any(_same(v, w) for w in values_in(allowed)) for v in values_in(question)):
            return sentence  # (of the values it allows too: "my 5 GHz Wi-Fi" of "2.4 GHz Wi-Fi only")
    return None


_ALLOWED_PART = re.compile(r"[,;:]?\s*\b(?:never|not|but not|except|and not|nor)\b|;", re.I)


def _asked_in_full_and_denied(question: str, answer: str, source: str) -> Fact | None:
    """A negative clause of the source that the question asks word for word, its subject
    included ("Is pump damage from cleaning solutions covered by the warranty?" of "cleaning
    solutions can damage the pump and are not covered by the warranty"), however well another
    statement matches the question's other words: a yes to it contradicts the source."""
    asked = about_stems(masked(question))
    for fact in facts_of(source):
        if fact.kind != "clause" or not _VERB_NEGATION.search(fact.text) or _RESTRICTED.search(fact.text) \
                or _CONDITIONAL.search(fact.text) or _ONLY.search(fact.text):
            continue
        said = about_stems(masked(_VERB_NEGATION.sub(" ", fact.text)))
        subject = about_stems(masked(_VERB_NEGATION.sub(" ", fact.about))) - said
        if len(said) >= 2 and said <= asked and (subject & asked or fact.about == fact.text) \
                and not _yes_restates_the_negative(answer, fact) and not _beyond_its_reach(question, fact.text):
            return fact
    return None


def _yes_restates_the_negative(answer: str, fact: Fact) -> bool:
    """Is a "yes" to a question asked the other way round ("Was irrigation stopped?") given with
    the source's own negative statement ("Yes, none of the plots were irrigated …" where the
    source says "No plots received irrigation …")? Then it agrees with the source. The answer
    must restate the statement, negated as the statement is (a "not" on the verb in both or in
    neither: "can be used without the app" is no restatement of "cannot be used without it")."""
    body = answer.split(maxsplit=1)[1] if len(answer.split()) > 1 else ""
    if not NEGATION.search(body) or bool(_VERB_NEGATION.search(body)) != bool(_VERB_NEGATION.search(fact.text)):
        return False
    if _negation_words(body) != _negation_words(fact.text):
        return False  # "the 8B model was safe … without review" drops the source's "No model"
    words = about_stems(masked(fact.text))
    return bool(words) and len(words & about_stems(masked(body))) / len(words) >= RESTATED


_DENIAL_IN_OTHER_WORDS = re.compile(r"\b(?:only|same|unchanged|stayed|remained|neither|without|instead)\b", re.I)


# Words that tie a reply to the source's instruction without claiming anything of their own.
_LINKING_WORDS = frozenset(stems("first then before after beforehand afterwards away"))


def _no_to_a_supposition(question: str, answer: str, source: str, fact: Fact, subject: str = "") -> bool:
    """Is a "no" to a question that supposes what the source never says ("Can I give notice by
    phone?", "Is there a fine for a first offence?") given with what the source says instead
    ("No, notice must be in writing."; "No, a first offence brings a warning letter; the £100
    fine is for a second offence")? The question has a word the source never uses; the answer,
    without a "not" of its own, says in the source's words what the judged statement says."""
    body = _reply_body(answer)
    if not body or NEGATION.search(body) or _DENIAL_IN_OTHER_WORDS.search(body):
        return False  # ("No, the case can only be charged over USB-C", "No, it stayed the same": denials, judged)
    supposed = about_stems(masked(question)) - about_stems(f"{source}\n{subject}")
    # ("thaw it fully first" of "… fully before cooking"; "keep it 30 cm away" of "keep it 30 cm from …")
    said = about_stems(masked(body)) - _LINKING_WORDS
    shared = said & about_stems(masked(fact.text))
    return bool(supposed) and len(shared) >= 2 and len(shared) / len(said) >= SUPPOSITION_ANSWERED


def _only_leaves_out_the_asked(question: str, answer: str, fact: Fact) -> str | None:
    """The word of the question a no's "only" leaves out where the statement names it beside what
    the no keeps ("Does Chunky heat the soup?" "No, only Smooth heats." of "Smooth and Chunky heat
    the soup"), if there is one."""
    body = _reply_body(answer)
    if not _ONLY.search(body) or NEGATION.search(body):
        return None
    said = about_stems(masked(body))
    # (the things the statement lists side by side: "Smooth and Chunky")
    listed = {stem(word.lower()) for match in _LISTED.finditer(fact.text)
              for word in re.findall(r"[\w-]+(?=,|\s+(?:and|or)\b)|(?<=and )[\w-]+|(?<=or )[\w-]+", match.group())}
    left_out = (about_stems(masked(question)) & listed) - said
    return min(left_out) if left_out and said & listed else None


_LISTED = re.compile(r"(?:[\w-]+,\s+)*[\w-]+\s+(?:and|or)\s+[\w-]+")


def _no_restates_the_positive(answer: str, fact: Fact) -> bool:
    """Is a "no" given with the source's own statement as its reason, word for word and with no
    "not" of its own ("Is the full effect already visible?" "Probably not: the trees were still
    young, so it may take 10 years or more.")? Then it agrees with the source: a no that denies the
    statement says so ("No, the trees were not young")."""
    body = _reply_body(answer)
    if NEGATION.search(body):
        return False
    words = about_stems(masked(fact.text))
    return len(words) >= 3 and len(words & about_stems(masked(body))) / len(words) >= RESTATED


# (its cases end where what follows from them begins: "unless the trip is cancelled by us; then …")
_EXCEPTION = re.compile(r"\b(?:except|unless|other than|apart from)\b(.*?)(?:[;,]\s*then\b.*)?$", re.I)


def _exception_of(source: str, fact: Fact) -> re.Match | None:
    """The exception the sentence of a statement makes to it ("except when moving more than 25
    miles away or for medical reasons"): group 1 holds its cases."""
    sentence = next((s for s in sentences(source, min_chars=4) if fact.text in s), fact.text)
    return _EXCEPTION.search(sentence)


def _excepted_rule(question: str, answer: str, source: str, subject: str = "") -> tuple[Fact, str] | None:
    """The negative statement the question is about whose exception the question and answer
    name ("cannot cancel …, except … for medical reasons" of "Can I cancel for medical reasons?"),
    with that exception."""
    facts = facts_of(source)
    excepted = {i: found for i, fact in enumerate(facts) if fact.negative and (found := _exception_of(source, fact))}
    if not excepted:
        return None
    scores = fact_scores(question, source, facts, subject)
    score, i = max((scores[i], i) for i in excepted)
    if score < LIMIT_FLOOR:
        return None
    said, asked = about_stems(masked(f"{question} {answer}")), about_stems(masked(question))
    # (an answer that names the exception as the condition it holds on, the asker's case not
    # being it: "Can I get a refund if I can't go?" "No, only if the event is cancelled")
    on_its_condition = _ON_A_CONDITION.search(_reply_body(answer)) is not None
    for case in re.split(r"\bor\b|;", excepted[i].group(1)):
        words = about_stems(masked(case))
        if len(words) >= 2 and len(words & said) / len(words) >= 0.5 and not (
                on_its_condition and len(words & asked) / len(words) < 0.5):
            return facts[i], excepted[i].group(0)
    return None


def _negation_words(text: str) -> set[str]:
    """The kinds of negation a text uses: "no" (no, none, never, nothing …), "not", "without", …"""
    kinds = {"none": "no", "never": "no", "nothing": "no", "nobody": "no", "neither": "no", "nor": "no",
             "cannot": "not", "can't": "not"}
    found = set()
    for match in NEGATION.finditer(text):
        word = match.group().lower()
        found.add(kinds.get(word, "not" if word.endswith("n't") else word))
    return found


def _no_corrects_the_question(question: str, answer: str, source: str, fact: Fact) -> bool:
    """Is a "no" given with what the source says in place of what the question supposes ("Does
    E02 mean the battery is too hot?" "No. E02 means an output overload."; "Is the warranty 2
    years?" "No, it is 5 years.")? Then it denies the question's supposition, not the source.
    The answer must restate the very statement judged, without a "not" of its own, or give the
    source's figure where the question brings one the source does not have."""
    body = answer.split(maxsplit=1)[1] if len(answer.split()) > 1 else ""
    # ("No, none of the homes had damp" denies, as a "not" does)
    if not body or _VERB_NEGATION.search(body) or re.search(r"\b(?:none|nothing|neither)\b", body, re.I):
        return False
    said = about_stems(masked(body))
    # What it says instead must be the source's: "No, non-profit groups pay the standard room
    # rate" repeats the groups of "are free for non-profit groups" but says what the source does not.
    if _share_in(body, source) < RESTATED:
        return False
    # The judged statement, or one the source makes of the row or record the question names
    # (the question may match another row's words better: "too hot" is E01's), or a statement
    # the question is about nearly as much ("Do I have to start a run by hand?" "No. Running is
    # recognised automatically …", where the source also says other sports start by hand).
    asked = normalize(question)
    facts = facts_of(source)
    scores = fact_scores(question, source, facts)
    judged = scores[facts.index(fact)] if fact in facts else max(scores, default=0.0)
    close = [f for f, s in zip(facts, scores) if f.kind in ("clause", "sentence") and s >= judged - LIMIT_REACH]
    close += [f for f in facts if f.kind == "clause" and any(f.text in c.text for c in close if c.kind == "sentence")]
    questioned = about_stems(masked(question))
    for restated in (fact, *(f for f in facts if f.kind in ("cell", "field") and f.entity
                             and re.search(rf"(?<!\w){re.escape(normalize(f.entity))}(?!\w)", asked)), *close):
        words = about_stems(masked(restated.value or restated.text))
        if words and len(words & said) / len(words) >= RESTATED:
            return True
        # What it says beyond the question, which the answer need not repeat ("Did attendance change
        # in the comparison schools?" "No, it stayed at 93.0%." of "it stayed at 93.0% in the comparison schools").
        new = words - questioned
        if restated is fact and new and len(new & said) / len(new) >= WHOLLY and len(words & said) >= 1:
            return True
    # Or one it restates whole, that the question is about at all ("Is GPS always on?" "No. GPS
    # stays off until you start an outdoor workout.")
    for restated, score in zip(facts, scores):
        words = about_stems(masked(restated.text))
        if restated.kind == "clause" and score >= LIMIT_FLOOR and words and len(words & said) / len(words) >= WHOLLY:
            return True
    held = {v.number for f in facts_of(source) for v in f.values}
    supposed = [v for v in values_in(question) if v.number not in held]
    if any(v.number in held and v.number != s.number and _dimension(v) == _dimension(s)
           for s in supposed for v in values_in(body)):
        return True
    # One where the question supposes several ("Did the trial cover several towns?" "No, one town."
    # of "40 households in one town").
    several = re.search(r"\b(?:several|many|multiple|two|three|four|five)\s+([a-z]{3,})s\b", question, re.I)
    if several:
        plural = several.group(1) + "s"
        singular = "|".join(map(re.escape, {plural[:-3] + "y" if plural.endswith("ies") else plural[:-1], plural[:-2]}))
    one = rf"\b(?:one|a single)\s+(?:{singular})\b" if several else None
    if one and re.search(one, body, re.I) and re.search(one, source, re.I):
        return True
    # The source's own occasion where the question supposes another ("Will I be fined the first
    # time?" "No. The £50 fine applies the second time.").
    asked, told = set(_ORDINAL.findall(question.lower())), set(_ORDINAL.findall(body.lower()))
    if asked and told and not asked & told and told <= set(_ORDINAL.findall(fact.text.lower())):
        return True
    # The source's own unit of charge where the question supposes another ("Is wheel alignment
    # charged per tyre?" "No, it's £45 per car." of "Wheel alignment (per car) | £45").
    asked, told = set(_PER.findall(question.lower())), set(_PER.findall(body.lower()))
    if asked and told and not asked & told and told <= set(_PER.findall(f"{fact.about} {fact.text}".lower())):
        return True
    # The source's own figures against a comparison the question makes without one ("Were
    # younger pupils included?" "No, the pupils were aged 14 to 16.").
    given = values_in(body)
    return bool(_COMPARATIVE.search(question) and not values_in(question) and given
                and all(any(_same(v, theirs) for theirs in fact.values or values_in(fact.text)) for v in given))


_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)\b")
_PER = re.compile(r"\bper\s+([a-z]{3,})\b")


# The asker's own case ("I'm 22 and …", "My son is …"): whether a requirement is met is the answer's
# reasoning, not a yes or a no the requirement itself states.
_FIRST_PERSON_CASE = re.compile(r"\b(?:I'm|I am|I've|I have|I was|we're|we are|my|our)\b", re.I)
_REQUIREMENT = re.compile(r"\b(?:must|needs? to|have to|has to|required|requires?|at least|minimum|eligible|only if)\b",
                          re.I)
_WITHOUT = re.compile(r"\bwithout\s+(?:an?\s+|the\s+|their\s+|your\s+|my\s+)?([^\W\d_]{3,})", re.I)
# ("every day", "every week": how often, not how many)
_ALL = re.compile(r"\b(?:all|every(?!\s+(?:other\s+|single\s+)?(?:day|week|month|year|hour|night|morning|evening|"
                  r"time)\b)|each|always|everyone|everything|everywhere)\b", re.I)
_SOME = re.compile(r"\b(?:some|most|only|few|many|several|not all|part)\b|\d", re.I)


def _denies_only_all(question: str, answer: str, fact: Fact) -> bool:
    """Does a "no" deny the question's "all" (or "every", "always"), which the statement does not
    say, by telling how many or which ("No — 12 homes in each group had it")?"""
    asked = {m.lower() for m in _ALL.findall(question)}
    return bool(asked - {m.lower() for m in _ALL.findall(fact.text)} and _SOME.search(answer))


_MOST = re.compile(r"\b(?:most|the majority|more than half)\b", re.I)
_SHARE = re.compile(r"\b(\d+) in (\d+)\b|(\d+(?:\.\d+)?)\s*%|\b(?:a|one) (quarter|third|fifth|tenth)\b", re.I)
_FRACTION = {"quarter": 0.25, "third": 1 / 3, "fifth": 0.2, "tenth": 0.1}


def _shares(text: str) -> list[float]:
    """The shares a text gives ("1 in 4", "38%", "a quarter"), as fractions."""
    return [int(m.group(1)) / int(m.group(2)) if m.group(2) and int(m.group(2)) else
            float(m.group(3)) / 100 if m.group(3) else _FRACTION.get((m.group(4) or "").lower(), 1.0)
            for m in _SHARE.finditer(text)]


def _a_minority(question: str, answer: str, fact: Fact) -> bool:
    """Does the question ask about "most" of something the statement gives a share under half of
    ("Did most pupils attend regularly?" of "About 1 in 4 pupils … attended regularly"), a share
    the answer gives too?"""
    theirs = _shares(fact.text)
    return bool(_MOST.search(question) and not _MOST.search(fact.text) and theirs and max(theirs) < 0.5
                and set(_shares(answer)) & set(theirs))


def _completes_negated_question(question: str, clause: str, fact: Fact) -> bool:
    """Does the clause complete a question negated as the statement is ("What couldn't the
    researchers measure?" "What pupils ate at home." of "We could not measure what pupils ate
    at home"), so that the "not" is the question's, not dropped by the answer?"""
    if _VERB_NEGATION.search(clause) or not _VERB_NEGATION.search(question) or not _VERB_NEGATION.search(fact.text):
        return False
    theirs = about_stems(masked(_VERB_NEGATION.sub(" ", fact.text)))
    told = about_stems(masked(f"{_VERB_NEGATION.sub(' ', question)} {clause}"))
    mine = about_stems(masked(clause))  # ... and says nothing besides ("or how much they slept")
    return bool(theirs) and len(theirs & told) / len(theirs) >= WHOLLY and bool(mine) and \
        len(mine & (theirs | about_stems(masked(question)))) / len(mine) >= WHOLLY


_TIMES = frozenset(stems("time times day days week weeks month months year years season hour hours night nights"))
# ("any 12 mm tape": the kind may come with its size)
_ANY = re.compile(r"\b(?:any|every|all)\s+(?:kind of\s+|type of\s+)?(?:\d+(?:\.\d+)?\s*[a-zA-Z]{0,3}\s+)?"
                  r"([^\W\d_]{3,})", re.I)


_NAMED_ONES = re.compile(r"\b((?:[A-Z][\w-]*(?:,\s*|\s+and\s+|\s+or\s+))+[A-Z][\w-]*)\s+([a-z]{3,})\b")


def _widened_to_any(clause: str, facts: tuple[Fact, ...]) -> str | None:
    """The source's statement that allows only some of what the clause says any of may ("any
    group" where "lunch rooms can be booked for school groups only"; "on every preset" where it
    beeps "on the Fries and Chicken presets"), if there is one."""
    for match in _ANY.finditer(clause):
        noun = stem(match.group(1).lower())
        for fact in facts:
            named = [m for m in _NAMED_ONES.finditer(fact.text) if stem(m.group(2)) == noun]
            if named and not _ANY.search(fact.text) and len(about_stems(masked(clause)) &
                                                           about_stems(masked(fact.text))) >= 2:
                return fact.text
    for match in _ANY.finditer(clause):
        noun = stem(match.group(1).lower())
        if noun in _TIMES or values_in(match.group(1)):
            continue  # "all year", "any time": how long, not who or what; "all six": how many
        for fact in facts:
            if normalize(match.group(0)) in normalize(fact.text):
                continue  # the source says "all year" too
            # (the kind alone will do when the clause gives it a size: "any 12 mm tape" of "only TZ tapes")
            enough = 1 if re.search(r"\d", match.group(0)) else 2
            if _ONLY.search(fact.text) and noun in set(stems(fact.text)) and \
                    len(about_stems(masked(clause)) & about_stems(masked(fact.text))) >= enough:
                return fact.text
    return None


def _same_order(clause: str, statement: str) -> bool:
    """Does the clause's "after A" say what the statement's "A before B" does ("After it has
    cooled for at least 1 hour." of "Let the oven cool for at least 1 hour before covering it")?"""
    after = re.search(r"\bafter\b(.*)", clause, re.I)
    before = re.search(r"(.*)\bbefore\b", statement, re.I)
    if not after or not before:
        return False
    # (the event ends with its clause: "after unplugging it, if reverse hasn't cleared the jam")
    event = about_stems(masked(re.split(r"[,;:]|\s[—–]\s", after.group(1))[0]))
    return bool(event) and event <= about_stems(masked(before.group(1)))


def _says_as_the_source_does(clause: str, facts: tuple[Fact, ...], flipped: Fact) -> bool:
    """Does the clause restate a statement of the source negated as it is? "Within 24 hours
    tickets can't be refunded" flips "can be refunded up to 24 hours before" but says what
    "After that, tickets cannot be refunded" says. (Not when it keeps the flipped statement's
    limit: "can't be refunded up to 24 hours before" denies that statement.)"""
    if _LIMIT.search(flipped.text) and _LIMIT.search(clause):
        return False
    denied = bool(_VERB_NEGATION.search(clause))
    mine = about_stems(masked(_VERB_NEGATION.sub(" ", clause)))
    for fact in facts:
        if fact.kind != "clause" or bool(_VERB_NEGATION.search(fact.text)) != denied:
            continue
        theirs = about_stems(masked(_VERB_NEGATION.sub(" ", fact.text)))
        if len(theirs) >= 2 and len(theirs & mine) / len(theirs) >= WHOLLY:
            return True
    return False


def _share_in(text: str, source: str) -> float:
    """The share of the text's content words (a compound counted once) that the source has."""
    own = [w for w in word_tokens(masked(text)) if w not in STOPWORDS and len(w) > 1 and not w.isdigit()]
    theirs = set(stems(source))
    return sum(stem(w) in theirs for w in own) / len(own) if own else 1.0


def denies_an_unnamed_thing(question: str, answer: str, source: str, subject: str = "") -> bool:
    """Is the answer a "no" to a yes/no question about a thing the source does not name ("Does
    it read Word documents?" "No — it reads EPUB, PDF, MOBI and TXT.")? The source's silence,
    where it lists what there is, is the answer's ground."""
    return answer_polarity(answer) is False and is_yes_no_question(question) and bool(
        missing_terms(question, f"{source}\n{subject}"))


_ANY_VERB = frozenset(stems("work use get go make take need have do come"))  # ("Will it work with my iPhone?")
_DAY_STEMS = frozenset(stems(NAMES_OF_DAYS.replace("|", " ")))


# ("41 °C instead of 68 °C", "more than the 7 days needed")
_SETTING_BESIDE = frozenset(stems("instead against versus compared rather needed required necessary"))


_IRREGULAR_PAST = {"knew": "know", "took": "take", "gave": "give", "went": "go", "got": "get", "made": "make",
                   "saw": "see", "came": "come", "began": "begin", "grew": "grow", "kept": "keep", "left": "leave",
                   "paid": "pay", "sold": "sell", "bought": "buy", "brought": "bring", "thought": "think",
                   "told": "tell", "found": "find", "felt": "feel", "held": "hold", "met": "meet", "spent": "spend",
                   "won": "win", "lost": "lose", "ate": "eat", "drove": "drive", "rode": "ride", "wrote": "write",
                   "spoke": "speak", "chose": "choose", "slept": "sleep", "taught": "teach", "caught": "catch",
                   "drank": "drink", "swam": "swim", "ran": "run", "sat": "sit", "stood": "stand", "built": "build",
                   "swept": "sweep", "hung": "hang", "shut": "shut", "fed": "feed", "led": "lead"}


def affirms_the_unnamed(question: str, answer: str, source: str, subject: str = "") -> str | None:
    """A word of a yes/no question that neither the source nor the title uses, which a yes then
    says again as the source's ("Does the Complete plan cover radiators?" "Yes, radiators and
    pipework are included."), if there is one: the yes invents what it affirms. The asker's own
    figures, days and spans of time are theirs ("3 days is more than 48 hours"). A yes to such a
    question whose reason is nothing the source says ("Yes, if it has thawed first.") invents it too."""
    if has_cjk(question) or answer_polarity(answer) is not True or not is_yes_no_question(question):
        return None
    told = f"{source}\n{subject}"
    named = about_stems(masked(told))
    # (a verb's past the source uses names it too: "know" of "knew")
    pasts = {stem(base) for past, base in _IRREGULAR_PAST.items() if re.search(rf"\b{past}\b", told, re.I)}
    unnamed = {w for w in about_stems(masked(question)) - named - pasts - _ANY_VERB - _TIMES - _DAY_STEMS
               if w.isalpha() and not re.search(rf"\b{re.escape(w)}", told, re.I)  # ("DVD" of "DVDs")
               and not values_in(w)}  # ("five" days: the asker's figure in words)
    body = about_stems(masked(_reply_body(answer))) - about_stems(subject)
    repeated = unnamed & body
    if repeated:
        return min(repeated)
    # (or the yes rests on nothing the source says: "Can I juice frozen fruit?" "Yes, if it has thawed …")
    reason = _words_without_values(_reply_body(answer)) - about_stems(subject) - _SETTING_BESIDE - _APPLIES
    if unnamed and reason and not reason & named:
        return max(sorted(unnamed), key=len)
    return None


def _affirmed_beyond_only(question: str, answer: str, source: str, subject: str = "") -> str | None:
    """The source's restriction on what the question asks ("We filmed only in daylight …") that a
    yes goes beyond by saying again a word of the question the source never uses ("Did they film at
    night?" "Yes, in daylight and at night."), if there is one: times of day count here."""
    told = f"{source}\n{subject}"
    asked = about_stems(masked(question)) - about_stems(subject)
    unnamed = {w for w in asked - about_stems(masked(told))
               if w.isalpha() and not re.search(rf"\b{re.escape(w)}", told, re.I)}
    if not unnamed & about_stems(masked(_reply_body(answer))):
        return None
    return next((sentence for sentence in sentences(source, min_chars=8) if _ONLY.search(sentence)
                 and not _CONDITIONAL.search(sentence) and (asked - unnamed) & about_stems(masked(sentence))), None)


# "Did bus and train use change much?" "Not much: from 1.2 to 1.0 a week." A reply on how much,
# to a question on how much, weighs the source's figures; it denies no statement.
_DEGREE_ASKED = re.compile(r"\b(?:much|a lot|significantly|greatly|substantially|markedly|noticeably|by far)\b", re.I)
_DEGREE_REPLY = re.compile(r"^\s*(?:not\s+(?:by\s+)?(?:much|a lot|significantly|greatly|substantially|markedly)"
                           r"|only\s+(?:slightly|a little|a bit)|hardly|barely|slightly)\b", re.I)


_COMPARATIVE = re.compile(r"\b(?:cheaper|dearer|(?:more|less) expensive|higher|lower|more|less|fewer|longer|shorter|"
                         r"bigger|smaller|larger|faster|slower|better|worse|different|younger|older)\b", re.I)


def _even_row(cell: Fact, source: str) -> bool:
    """Does the cell's table row hold one figure in every column?"""
    row = [number for entity, _, number in _table_cells(source) if entity == cell.entity]
    return len(row) > 1 and len(set(row)) == 1


# A yes with no condition: "always", "whenever you cancel", "at any time".
_UNCONDITIONAL = re.compile(r"\b(?:always|whenever you \w+(?=\s*(?:[.!;,]|$))|(?:at )?any ?time|no matter when|"
                            r"in (?:every|all) cases?)\b", re.I)
_SET_AGAINST = re.compile(r"\b(?:more|longer|less|shorter|fewer|higher|lower|older|younger) than\b|\b(?:over|under|"
                          r"within|at least|at most)\b", re.I)
_BOUND = re.compile(rf"\b(?:{UPPER_LIMIT_WORDS}|at least|no (?:less|later|earlier) than|or more|or less|within|"
                    r"more than|less than|over|under)\b", re.I)


# "Should I rinse the rice …?", "Do I need to oil it?": whether to do what an instruction says.
_ASKS_WHETHER_TO = re.compile(r"^\s*(?:should|must|do|shall)\s+(?:I|we|you)\s+(?:(?:need|have)\s+to\s+)?([a-z]+)\b",
                              re.I)
_DONT = re.compile(r"^(?:do not|don't|never)\s+", re.I)
_ON_A_CONDITION = re.compile(r"\b(?:only|unless|if|when|until|except|depends)\b", re.I)


_ASKS_IF_NEEDED = re.compile(r"^\s*(?:do|does|will)\s+(?:I|we|you|they|one|members?)\s+(?:need|have)\s+(?:to\s+)?"
                             r"|^\s*is\s+(?=.*\b(?:needed|required|necessary)\b)", re.I)


def _needed_only(question: str, answer: str, source: str, subject: str = "") -> str | None:
    """The source's "only" statement a no to "Do I need X to …?" goes against ("Do I need the
    induction to borrow power tools?" "No, any member can borrow them." of "Power tools are lent
    only to members who have done the safety induction"), if there is one: it holds every word of
    the question, or its heading or the title does. A no on a condition is left to the other checks."""
    asked = _ASKS_IF_NEEDED.match(question)
    if not asked or answer_polarity(answer) is not False or _ON_A_CONDITION.search(_reply_body(answer)):
        return None
    wanted = about_stems(masked(question[asked.end():])) - {"need", "requir", "necessari"}
    for sentence in sentences(source, min_chars=8):
        if _ONLY.search(sentence) and len(wanted) >= 2 and _all_said(wanted, sentence, source, subject):
            return f"the answer says no where the source allows it only so: {sentence[:80]!r}"
    return None


def _all_said(asked: set[str], sentence: str, source: str, subject: str) -> bool:
    """Are all the asked stems the sentence's, or its passage's headings' or the title's (what
    every statement under them is about)?"""
    return asked <= about_stems(masked(sentence)) | _heading_stems(source) | about_stems(subject)


@lru_cache(maxsize=256)
def _heading_stems(source: str) -> frozenset[str]:
    return frozenset(about_stems(" ".join(re.findall(r"^#+\s*(.+)$", source, re.M))))


def _instruction_denied(question: str, answer: str, source: str, subject: str = "") -> str | None:
    """The source's instruction a yes or no to "Should I …?" goes against ("Should I rinse the rice
    before cooking?" "No, rinsing isn't needed." of "Rinse the rice until the water runs clear"
    under "Cooking rice"), if it does: the instruction starts with the asked verb (or "Do not" and
    the verb) and holds every other word of the question, or its heading or the title does. A
    reply on a condition ("Only if …") is left to the other checks."""
    asked = _ASKS_WHETHER_TO.match(question)
    polarity = answer_polarity(answer)
    if not asked or polarity is None or _ON_A_CONDITION.search(_reply_body(answer)):
        return None
    verb = stem(asked.group(1).lower())
    rest = about_stems(masked(question[asked.end():])) - {verb}
    for sentence in sentences(source, min_chars=8):
        for instruction in _instructions(re.sub(r"^[#*\-\d.\s]+", "", sentence)):
            told = _DONT.sub("", instruction.strip())
            first = word_tokens(told)[:1]
            if not first or stem(first[0].lower()) != verb:
                continue
            if not _all_said(rest, told, source, subject):
                continue
            do = told == instruction.strip()
            if polarity != do:
                said = "yes" if polarity else "no"
                return f"the answer says {said} where the source says {instruction.strip()[:80]!r}"
    return None


def _instructions(sentence: str) -> list[str]:
    """The instructions of a sentence: each part between semicolons and full stops, and, in a
    part that denies nothing, each step after a comma, an "and" or a "then" ("Plug it in and close
    the lid"; "If it is still jammed, unplug the shredder before …"), which goes on to the end."""
    found = []
    for part in re.split(r";\s*|\.\s+", sentence):
        found.append(part)
        if not NEGATION.search(part):
            found += [part[step.end():] for step in re.finditer(r",\s*(?:and\s+|then\s+)?|\s+(?:and|then)\s+", part)]
    return found


def _meets_the_condition(question: str, answer: str, source: str) -> bool:
    """Does a yes set the asker's own figure against the bound of a statement the source makes
    on a condition ("If you cancel at least 48 hours before a lesson, we will rearrange it"), by
    that bound's value ("3 days is more than the 48 hours' notice needed")? Then the conditional
    statement answers, not the source's "lessons cancelled later are not rearranged". (Whether
    the figure is within the bound, the number check decides.)"""
    supposed = values_in(question)
    if not supposed or not _SET_AGAINST.search(_reply_body(answer)):
        return False
    said = [v for v in values_in(answer) if not any(_same(v, mine) for mine in supposed)]
    for sentence in sentences(source, min_chars=8):
        if _CONDITIONAL.search(sentence) and _BOUND.search(sentence) and any(
                _same(v, theirs) for v in said for theirs in values_in(sentence)):
            return True
    return False


def check_no_contradiction(question: str, answer: str, source: str, subject: str = "") -> CheckResult:
    polarity = answer_polarity(answer)
    if _DEGREE_REPLY.match(answer) and _DEGREE_ASKED.search(question):
        polarity = None
    if (otherwise := _named_otherwise(question, answer, source, subject)) is not None:
        return fail("no_contradiction", otherwise)
    if (party := _another_party(question, answer, source)) is not None:
        return fail("no_contradiction", party)
    if polarity is not None and is_yes_no_question(question):
        fact = judged_statement(question, source, subject, answer)
        if fact is not None and polarity is False and not fact.negative and \
                (left_out := _only_leaves_out_the_asked(question, answer, fact)) is not None:
            return fail("no_contradiction", f"the answer's 'only' leaves out {left_out!r}, which the source "
                                            f"includes: {fact.text[:80]!r}")
        if (compared := _compared_in_table(question, source)) is not None:
            # "Did pilot schools have more absences?" of "| Absences per pupil | 4.1 | 6.3 |": the cells decide
            if polarity is not compared[1]:
                return fail("no_contradiction", f"the answer says {'yes' if polarity else 'no'} where the source's "
                                                f"table gives {compared[0]!r}")
            fact = None
        if fact is not None and fact.negative and (negated := _negation_words(fact.text)) and \
                negated == _negation_words(question):
            # "Can I dim the ring without using Sleep mode?" of "… dimmed in the app without switching
            # to Sleep mode": the question is negated as the statement is, so a yes agrees with it.
            fact = None
        if fact is not None and _FIRST_PERSON_CASE.search(question) and \
                _REQUIREMENT.search(f"{fact.about} {fact.text}"):
            fact = None  # "I'm 22 and passed my test last year. Can I join?" of "must … have held a licence …"
        if fact is not None and not fact.negative and polarity is True and \
                (lacking := _WITHOUT.search(question)) and stem(lacking.group(1).lower()) in set(stems(fact.text)) \
                and not NEGATION.search(_HEDGE.sub("", answer.split(maxsplit=1)[1] if len(answer.split()) > 1 else "")):
            return fail("no_contradiction", f"the answer says yes to 'without {lacking.group(1)}' where the source "
                                            f"says {fact.text[:80]!r}")
        if fact is not None and _CHARGED.search(question) and _FREE.search(fact.text) and not _CHARGED.search(
                fact.text):
            # "Does the induction cost anything?" of "…, which is free": a no agrees, a yes contradicts.
            if polarity is True:
                return fail("no_contradiction", f"the answer says yes, it costs, where the source says it is free: "
                                                f"{fact.text[:80]!r}")
            fact = None
        if fact is not None and _FREE.search(question) and not _FREE.search(fact.text) and not fact.negative and any(
                v.unit in CURRENCIES for v in values_in(fact.text)):
            # "Is a second pet free?" of "A second pet … adds £4 to each visit": a yes contradicts, a no agrees
            if polarity is True:
                return fail("no_contradiction", f"the answer says yes, free, where the source gives a price: "
                                                f"{fact.text[:80]!r}")
            fact = None
        if fact is not None and fact.kind == "cell" and _COMPARATIVE.search(question) and _even_row(fact, source):
            # "Is shoe hire cheaper off-peak?" of "| Shoe hire | £4 | £4 |": the same in every column
            if polarity is True:
                return fail("no_contradiction", f"the answer says yes where the source gives {fact.entity!r} the "
                                                f"same figure in every column")
            fact = None
        if fact is not None and not fact.negative and polarity is True and _UNCONDITIONAL.search(
                _reply_body(answer)) and (_CONDITIONAL.search(fact.text) or _BOUND.search(fact.text)) \
                and not _UNCONDITIONAL.search(fact.text):
            # "Yes, you get a full refund whenever you cancel." of "Cancel more than 24 hours before … for a refund"
            return fail("no_contradiction", f"the answer says yes in every case where the source grants it on a "
                                            f"condition: {fact.text[:80]!r}")
        if fact is not None and fact.negative and polarity is True and _meets_the_condition(question, answer, source):
            fact = None  # "If I cancel 3 days before …?" "Yes. 3 days is more than the 48 hours' notice needed"
        if fact is not None and fact.negative and _FREE.search(question) and _FREE.search(fact.text):
            # "Is the first month of hire free?" of "there is no hire charge for the first month": its "no" says free
            if polarity is False:
                return fail("no_contradiction", f"the answer says no, not free, where the source says "
                                                f"{fact.text[:80]!r}")
            fact = None
        if fact is not None and (aside := _says_what_is_set_aside(answer, fact)) is not None:
            return fail("no_contradiction", f"the answer says what the source sets aside ({aside!r}): "
                                            f"{fact.text[:80]!r}")
        if fact is not None and polarity is True and _change_shown_as_asked(question, answer, source):
            fact = None  # "Did more young people come?" "Yes, visitors aged 16–24 went from 12% to 21%."
        if fact is not None and (rightly := _direction_asked(question, fact, source)) is not None:
            # "Did car trips go up?" of "6.0 → 5.9": the change answers, not the cell's being stated
            if polarity != rightly:
                return fail("no_contradiction", f"the answer says {'yes' if polarity else 'no'} where the source "
                                                f"gives {fact.text[:80]!r}")
            fact = None
        if fact is not None and _outside_its_span(question, fact.text):
            fact = None  # "Can I have a bonfire in October?" of "not allowed from April to September"
        if fact is not None and fact.negative and _beyond_its_reach(question, fact.text):
            fact = None  # "a puncture 5 cm from the sidewall" of "cannot repair punctures … within 2.5 cm of it"
        if fact is not None and not fact.negative and (outside := _outside_its_range(question, fact)) is not None:
            if polarity is True:  # "Is a 16-year-old a child for pricing?" of "Child (4–15)"
                return fail("no_contradiction", f"the answer says yes to a figure outside the source's range "
                                                f"{outside!r}: {fact.text[:80]!r}")
            fact = None  # "No, child tickets are for ages 4 to 15."
        if fact is not None and (turned := _state_turned(question, fact.text)) is not None:
            if polarity is True:  # "Should the buckles be open in the wash?" of "with the buckles fastened"
                return fail("no_contradiction", f"the answer says yes to {turned[0]!r} where the source says "
                                                f"{turned[1]!r}: {fact.text[:80]!r}")
            fact = None  # "No, fasten them first."
        if fact is not None and polarity is False and _must_of_a_choice(question, fact.text):
            fact = None  # "Must I take another date?" "No, …" of "you can choose a full refund or another date"
        if fact is not None and polarity is False and _equal_asked_told_apart(question, answer, source):
            fact = None  # "Is the igniter covered as long as the stove?" "No, 1 year against 3 years."
        if fact is not None and fact.negative and polarity is True and \
                _within_the_statements_limit(question, fact.text):
            fact = None  # "a shed that reaches 40 °C" of "Store cartridges below 50 °C and never in direct sun"
        if fact is not None and not fact.negative and _outside_its_hours(question, fact.text):
            if polarity is True:  # "Can I collect at 6 p.m.?" of "open … 9 a.m. to 5:30 p.m."
                return fail("no_contradiction", f"the answer says yes to a time outside the source's hours: "
                                                f"{fact.text[:80]!r}")
            fact = None  # "No, you'd need to come by 5:30 p.m."
        if fact is not None and polarity is False and _ONLY_ASKED.search(question) and not _ONLY.search(fact.text):
            fact = None  # "Were sitting times measured only at the end?" "No. At the start, at 3 and 6 months."
        if fact is not None and polarity is False and _denies_only_all(question, answer, fact):
            fact = None  # "Did all homes have air conditioning?" "No — 12 in each group had it."
        if fact is not None and _a_minority(question, answer, fact):
            if polarity is True:  # "Did most pupils attend?" "Yes, about 1 in 4 did."
                return fail("no_contradiction", f"the answer says yes to 'most' where the source gives a share "
                                                f"under half: {fact.text[:80]!r}")
            fact = None  # "No, only about 1 in 4 did."
        if fact is not None and polarity is False and denies_an_unnamed_thing(question, answer, source, subject):
            fact = None  # "Does it read Word documents?" of a source listing EPUB, PDF, MOBI and TXT
        if (excepted := _excepted_rule(question, answer, source, subject)) is not None:
            # "Can I cancel early? I'm moving 40 miles away." of "cannot cancel …, except when moving
            # more than 25 miles away": the exception, not the rule, answers it.
            if polarity is False:
                return fail("no_contradiction", f"the answer says no where the source makes an exception: "
                                                f"{excepted[1][:80]!r}")
            fact = None
        if (only := _needed_only(question, answer, source, subject)) is not None:
            return fail("no_contradiction", only)
        if (instructed := _instruction_denied(question, answer, source, subject)) is not None:
            return fail("no_contradiction", instructed)
        if polarity is False and (allowed := _only_allows_what_is_asked(question, source, subject)) is not None \
                and not _denies_only_all(question, answer, Fact(allowed, allowed, "", False, "sentence")):
            # ("Will all four branches keep it?" "No, only two of the four will." of "Two of the four … only")
            return fail("no_contradiction", f"the answer says no to what the source allows: {allowed[:80]!r}")
        if polarity is True and (denied := _asked_in_full_and_denied(question, answer, source)) is not None:
            return fail("no_contradiction", f"the answer says yes where the source says {denied.text[:80]!r}")
        if polarity is True and (restricted := _affirmed_beyond_only(question, answer, source, subject)) is not None:
            return fail("no_contradiction", f"the yes goes beyond what the source restricts: {restricted[:80]!r}")
        if fact is not None and polarity == fact.negative and not (
                polarity is False and (_rests_on_source_limit(question, answer, source, fact, subject)
                                       or _no_corrects_the_question(question, answer, source, fact)
                                       or _no_restates_the_positive(answer, fact)
                                       or _no_to_a_supposition(question, answer, source, fact, subject))) and not (
                polarity is True and (_yes_restates_the_negative(answer, fact) or _excepted(question, fact))):
            said = "yes" if polarity else "no"
            return fail("no_contradiction", f"the answer says {said} where the source says {fact.text[:80]!r}")
    facts = facts_of(source)
    for clause in answer_clauses(answer):
        if not facts:
            break
        scores = fact_scores(f"{question} {clause}", source, facts, subject)
        best = facts[max(range(len(facts)), key=scores.__getitem__)]
        # The statement a clause restates may be another than the one the question asks about
        # (a paragraph's second sentence): the clause's own best match is tried too.
        own = fact_scores(clause, source, facts, subject)
        candidates = (best, facts[max(range(len(facts)), key=own.__getitem__)])
        if _AT_ALL.search(clause) or _NEVER.search(clause):
            # (and the clauses of a sentence it matches: "… covered for 3 months only")
            candidates += tuple(f for f in facts if f.kind == "clause" and any(
                c.kind == "sentence" and f.text in c.text for c in candidates) and f not in candidates)
        for restated in candidates:
            if _completes_negated_question(question, clause, restated):
                continue  # "What couldn't they measure?" "What pupils ate at home."
            if _negation_flipped(clause, restated) and not _says_as_the_source_does(clause, facts, restated):
                denies = bool(_VERB_NEGATION.search(clause))
                return fail("no_contradiction", f"the answer {'denies' if denies else 'affirms'} what the source "
                                                f"{'states' if denies else 'denies'}: {restated.text[:80]!r}")
        if (mine := _default_state(clause)) and (theirs := _default_state(best.text)) and mine != theirs:
            return fail("no_contradiction", f"the answer says {mine} by default where the source says {theirs}: "
                                            f"{best.text[:80]!r}")
        # (after the reply's own "No," or "Yes,")
        said = _reply_body(clause)
        if not NEGATION.search(said) and (charged := _charged_where_free(said, best.text)) is not None:
            free = bool(_FREE.search(charged))
            return fail("no_contradiction", f"the answer says {charged!r} where the source says it is "
                                            f"{'charged' if free else 'free'}: {best.text[:80]!r}")
        if (required := _done_without_a_requirement(said, source)) is not None:
            return fail("no_contradiction", f"the answer says it can be done without what the source requires: "
                                            f"{required[:80]!r}")
        if NEGATION.search(said):  # (a reply's own "No," denies nothing the clause then says)
            continue
        if any(w.claimed and w.holds for w in worked_calculations(clause)):
            continue  # "205 − 160 = 45 km more": the difference's "more", not a trend the source reverses
        if implied_calculations(clause, {v.number for v in values_in(source)}):
            continue  # "23% against 4%: 19 percentage points more"
        if (mine := _state(clause)) and (theirs := _state(best.text, said=False)) and mine != theirs:
            return fail("no_contradiction", f"the answer says it is {mine} where the source says {theirs}: "
                                            f"{best.text[:80]!r}")
        words = _words(clause) - _adverbs(clause)
        fact_words = _words(best.text)
        for up, down in _ANTONYMS:
            for mine, theirs in ((up, down), (down, up)):
                if mine == {"after"} and _same_order(clause, best.text):
                    continue  # "after it has cooled" of "let it cool … before covering it"
                # (a clause that says both sets one against the other: "under the 130 kg maximum")
                if words & mine and fact_words & theirs and not fact_words & mine and not words & theirs:
                    return fail("no_contradiction", f"the answer says {sorted(words & mine)[0]!r} where the source "
                                                    f"says {sorted(fact_words & theirs)[0]!r}: {best.text[:80]!r}")
        if (turned := _direction_turned(clause, best.text)) is not None:
            return fail("no_contradiction", f"the answer says {turned[0]!r} where the source says {turned[1]!r}: "
                                            f"{best.text[:80]!r}")
        if not values_in(clause) and (row := _turned_against_table(question, said, source)) is not None:
            return fail("no_contradiction", f"the answer turns round the change the source's table gives: {row!r}")
        if not values_in(clause) and _THAN.search(said) and (
                compared := _compared_in_table(said, source, question)) is not None and not compared[1]:
            return fail("no_contradiction", f"the answer turns round the comparison the source's table gives: "
                                            f"{compared[0]!r}")
        if (reversed_choice := _rather_reversed(clause, source)) is not None:
            return fail("no_contradiction", f"the answer turns round the choice the source makes: "
                                            f"{reversed_choice[:80]!r}")
        if (steps := _steps_reversed(clause, source)) is not None:
            return fail("no_contradiction", f"the answer turns round the order of the source's steps: {steps[:80]!r}")
        if (reversed_span := _span_reversed(clause, source)) is not None:
            return fail("no_contradiction", f"the answer reads {reversed_span!r} backwards")
        mine_order = _changes_said(clause)
        changes = changes_of(source)
        for start, end in mine_order:
            if (end, start) in changes and (start, end) not in changes:
                return fail("no_contradiction", f"the answer reads 'from {start} to {end}' backwards")
        if (widened := _widened_to_any(clause, facts)) is not None:
            return fail("no_contradiction", f"the source restricts it: {widened[:80]!r}")
        if _WIDENING.search(clause):
            for fact in facts:
                if _ONLY.search(fact.text):
                    restricted = _words(fact.text) - _words("only exclusively alone the a an on in of we our")
                    if len(restricted & words) >= 1 and scores[facts.index(fact)] >= 0.3:
                        return fail("no_contradiction", f"the source restricts it: {fact.text[:80]!r}")
    return ok("no_contradiction")


# --- the kind of value a question asks for -----------------------------------------------------

_KINDS = {
    "duration": {"h", "minute", "s", "ms", "day", "week", "month", "year", "cycle"},
    "mass": {"kg", "g", "lb"},
    "distance": {"km", "m", "cm", "mm", "ft"},
    "speed": {"km/h", "mph", "rpm"},
    "temperature": {"C", "F"},
    "phone": {"99-9999-9999", "999-9999-9999", "99-999-9999", "999-999-9999"},
    "zip": {"99999", "999999"},
    "percent": {"%"},
    "size": {"pyeong", "KB", "MB", "GB", "TB", "mm", "cm", "m", "inch", "ft"},
    "count": {"9", "99", "999", "9999", "99999", "999999", "9999999"},  # a bare number
    "price": set(CURRENCIES),
}
_ASKS = [
    (re.compile(r"\bhow long\b(?! is (?:the|a) (?:cable|cord|frame|bike))|\bhow often\b|"
                r"\bhow much (?:more |less |extra )?(?:time|notice|warning|sleep|rest|delay)\b|"
                r"\bhow far (?:in advance|ahead)\b|"
                r"\bhow much latency\b|\bwhat(?:'s| is) (?:the |its )?latency\b|\blatency (?:of|per)\b", re.I),
     ("duration",)),
    # "How long is the corridor?" asks a length (of a thing that is no span of time).
    (re.compile(r"\bhow long (?:is|are) (?:the|a|an|this|that|its|each) (?![\w-]*\s*(?:warranty|trip|wait|flight|"
                r"program|cycle|period|trial|contract|loan|stay|delay|ride|journey|run|shift|break|course|session|"
                r"class|lesson|freeze|season|battery|charge|notice|term)s?\b)[\w-]+(?: [\w-]+)?\s*\?\s*$", re.I),
     ("distance",)),
    # "How long can the logs be?", "How long is the spray on Wide?": a thing's length
    (re.compile(r"\bhow long (?:can|should|may|must) (?:the|a|an|its|my|your|each) [\w-]+(?: [\w-]+)? be\b|"
                r"\bhow long (?:is|are) (?:the|a|an|its|each) (?:spray|jet|reach|throw|hose|cable|cord|lead|log|board|"
                r"blade|bar|pole|rope|strap)s?(?:\s+(?:on|in|at|of|with)\b[^?]*)?\s*\?\s*$", re.I), ("distance",)),
    (re.compile(r"\bhow (?:heavy|much does .{0,40}weigh)|\bweighs?\b", re.I), ("mass",)),
    (re.compile(r"\bhow far\b(?! apart| ahead| in advance| back)|\bhow high\b|\baltitude\b|\bheight\b", re.I),
     ("distance",)),
    # ("at full speed", "at half speed": how it is done, not a speed asked for)
    (re.compile(r"\bhow fast (?:can|does|will|do) .{0,40}\b(?:go|ride|travel|drive|move|run)\b|"
                r"(?<!\bat full )(?<!\bat half )(?<!\bat top )(?<!\bat low )(?<!\bat high )(?<!\bat slow )"
                r"(?<!\bat any )(?<!\bwhich )\bspeed\b", re.I),
     ("speed",)),
    (re.compile(r"\bhow (?:fast|quickly) .{0,40}\bcharges?\b", re.I), ("duration",)),
    (re.compile(r"\b(?:phone|fax|telephone) (?:number|no)|\bfax\b|전화번호|팩스|電話番号|ファックス", re.I),
     ("phone",)),
    (re.compile(r"\bzip\b|\bpostal code\b|우편번호|郵便番号", re.I), ("zip",)),
    (re.compile(r"\bwhat temperature|\bhow (?:hot|cold)\b", re.I), ("temperature",)),
    (re.compile(r"\bhow (?:big|large)\b|\bsize\b|규모|広さ", re.I), ("size",)),
    (re.compile(r"\bhow (?:fast|quick|slow)\b", re.I), ("duration", "speed")),
    (re.compile(r"\bhow many\b|\bnumber of\b|몇\s?[개명]|いくつ", re.I), ("count",)),
    # "How much do I get back?", "What will I pay?": the asker's own money (which only ever speaks for an answer).
    # ("What would an adult and a 12-year-old pay on a Tuesday?", "What does a night cost?")
    (re.compile(r"\b(?:how much|what) (?:do|did|does|will|would|should|can|could) (?:I|we|you|[\w –-]{2,40}?) "
                r"(?:pay|owe|get back|save|spend|be charged|be refunded|cost)\b", re.I), ("price",)),
]
# Kinds whose absence from the answer is a fault; "how big" may be answered in many ways
# (a battery's capacity, a room's seats), so it only ever speaks for an answer.
_ENFORCED = {"duration", "mass", "distance", "speed", "temperature", "phone", "zip", "percent"}
_STRICT = {"phone", "zip"}  # asked for, they must be there; other kinds may be said in words


# "How long is it in metres?": the unit asked for says the kind.
_IN_A_UNIT_OF_LENGTH = re.compile(r"\bin (?:metres|meters|centimetres|centimeters|millimetres|millimeters|cm|mm|feet|"
                                  r"foot|inches|km|kilometres|kilometers|miles)\b", re.I)


# "How long did the waiting lists get?": how many are on it
_LENGTH_OF_A_QUEUE = re.compile(r"\bhow long (?:did|do|does|was|were|is|are|can|could) (?:the )?(?:waiting lists?|"
                                r"queues?|lines?)\b", re.I)


def asked_kinds(question: str) -> set[str]:
    kinds = {kind for pattern, kinds in _ASKS if pattern.search(question) for kind in kinds}
    if "duration" in kinds and _IN_A_UNIT_OF_LENGTH.search(question):
        kinds = kinds - {"duration"} | {"distance"}
    if _LENGTH_OF_A_QUEUE.search(question):
        kinds = kinds - {"duration"} | {"count"}
    return kinds


_ASKS_WHEN = re.compile(r"(?:^|[.!?]\s+)(?:when|(?:at|by|until|from) what time|what time)\b[^.!?]*\?\s*$", re.I)
_DAY_OR_MONTH = re.compile(rf"\b(?:{NAMES_OF_DAYS}|noon|midnight|sunset|sunrise)\b", re.I)


def gives_asked_kind(question: str, answer: str) -> bool:
    """The question asks for a kind of value and the answer gives one of that kind (asked when,
    told a time of day, a day or a month)."""
    if _ASKS_WHEN.search(question.strip()) and (times_of_day(answer) or _DAY_OR_MONTH.search(answer)):
        return True
    kinds = asked_kinds(question)
    wanted = set().union(*(_KINDS[k] for k in kinds)) if kinds else set()
    return bool(wanted & {_kind(v) for v in values_in(answer)})


# A question for the maker, author or owner of something wants a name; an answer that only
# names what the question already names ("Who makes the Aurora X2?" → "The Aurora X2 is a
# power station") does not give one.
_ASKS_MAKER = re.compile(
    r"^\W*(?:who (?:makes|made|manufactures|manufactured|produces|produced|wrote|writes|developed|develops|designed|"
    r"built|builds|created|founded|publishes|published|sells|owns|is (?:the|its) (?:manufacturer|maker|author|"
    r"developer|publisher|vendor|owner|producer))|who'?s (?:the|its) (?:manufacturer|maker|author|developer)|"
    r"which (?:company|companies|brand|manufacturer|vendor|firm|organi[sz]ation)|what (?:company|brand|manufacturer|"
    r"vendor|firm|organi[sz]ation))\b|\bwho is the .{0,40}(?:manufacturer|maker|author|developer|publisher|vendor)\b"
    r"|^\W*who (?:is|are|was|were) (?:the )?(?:person|people|team|company|one|ones|organi[sz]ation)s? (?:responsible|"
    r"behind|who|that)\b|^\W*who (?:is|are|was|were) responsible\b",
    re.I)
_NAME = re.compile(r"\b[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*")


def _names_someone_new(question: str, answer: str) -> bool:
    asked = {w.lower() for w in re.findall(r"\w+", question)}
    for name in _NAME.findall(answer):
        words = [w.lower() for w in re.findall(r"\w+", name)]
        if words and not set(words) <= asked and words[0] not in {"the", "a", "an", "it", "its", "yes", "no", "this"}:
            return True
    return False


_SHARE_OF_TIME = re.compile(r"\d\s*%\s+of\s+(?:the\s+)?(?:time|days?|nights?|hours?|weeks?|school days|lessons)\b",
                            re.I)


# "An hour and a half", "a few days": a span said in words (not "twice a day": how often), in nights or
# weekends ("4 nights": a stay's length), or from one year to another ("From 2022 to 2024").
_SPAN_IN_WORDS = re.compile(r"(?<!\btimes )(?<!\bonce )(?<!\btwice )\b(?:an?|one|half an?|a quarter of an?|a couple of|"
                            r"a few|several)\s+(?:hours?|minutes?|days?|weeks?|months?|years?|fortnight)\b"
                            r"|\b\d+\s+(?:nights?|weekends?)\b"
                            r"|\b(?:from|between)\s+(?:19|20)\d\d\s+(?:to|until|and)\s+(?:19|20)\d\d\b"
                            r"|\b(?:19|20)\d\d\s*[–-]\s*(?:19|20)?\d\d\b", re.I)


_WORDED_SPAN = re.compile(r"\b(an?|one|half an?|a quarter of an?)\s+(minute|hour|day|week|month|year)\b", re.I)
_WORDED_SHARE = {"a": 1.0, "an": 1.0, "one": 1.0, "half a": 0.5, "half an": 0.5, "a quarter of a": 0.25,
                 "a quarter of an": 0.25}


def span_in_words_stated(answer: str, source: str) -> bool:
    """Does the answer give, in words, a span the source gives in figures ("About an hour." of
    "lasts about 60 minutes")?"""
    theirs = {size[1] for v in values_in(source) if (size := in_base(v.number, v.unit)) and size[0] == "time"}
    for match in _WORDED_SPAN.finditer(answer):
        size = in_base("1", unit_key(match.group(2)))
        if size and any(math.isclose(_WORDED_SHARE[match.group(1).lower()] * size[1], t) for t in theirs):
            return True
    return False


def check_answer_type(question: str, answer: str) -> CheckResult:
    if _ASKS_MAKER.search(question) and not _names_someone_new(question, answer):
        return fail("answer_type", "the question asks who makes, wrote or is responsible for it; the answer names "
                                   "no one the question does not already name")
    if is_yes_no_question(question):
        return ok("answer_type")  # "Can I go at full speed?" asks yes or no, whatever figure the reason gives
    kinds = asked_kinds(question) & _ENFORCED
    low = question.lower()
    if re.search(r"\bhow (?:fast|quick|slow)\b", low) and not re.search(r"\bcharg|\bgo\b|\bride|\btravel|\bdrive", low):
        kinds -= {"duration", "speed"}  # "how fast is it compared with …": a latency, a speed or words
    if not kinds:
        return ok("answer_type")
    given = {_kind(v) for v in values_in(answer)}
    wanted = set().union(*(_KINDS[k] for k in kinds))
    if given & wanted or ("duration" in kinds and (_SHARE_OF_TIME.search(answer) or intervals_in(answer)
                                                    or _SPAN_IN_WORDS.search(answer))):
        return ok("answer_type")  # "How often was it above 1,500 ppm?" "21% of the time."; "5 times a year"
    if given or kinds & _STRICT:
        what = " or ".join(sorted(kinds))
        return fail("answer_type", f"the question asks for a {what}; the answer gives "
                                   f"{', '.join(sorted(given)) or 'none'}")
    return ok("answer_type")
