"""Numbers an answer works out from the source, with the arithmetic shown.

Calculation and what-if tasks (AgentInstruct's analytical reasoning, self-instruct's what-if
questions, "how many seconds is that?") have correct answers whose numbers the source never
states: "3 hours × 3,600 s = 10,800 s". The number check would reject them. Here each
calculation an answer writes out (`a op b … = r`, or `r (a op b …)`) is recomputed: when every
operand is grounded (in the source, in the question, worked out earlier in the answer, or a
unit-conversion constant such as 60 or 1,000) and the result holds, the result is grounded too;
when the result does not hold, the answer is wrong and says so itself.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass
from itertools import permutations

from .facts import CURRENCIES, PERIOD_KEY, canon_number, unit_key, values_in

# Factors between units (minutes, hours, days, weeks, months, years; percent; kilo, kibi).
CONVERSION_CONSTANTS = frozenset({"60", "24", "7", "12", "52", "365", "100", "1000", "1024", "3600"})
# Operands a calculation may use without the source: counting's "+ 1" (both ends of a range),
# doubling and halving. Unlike unit factors they ground nothing else the answer says.
COUNTING_CONSTANTS = frozenset({"1", "2"})

# A number, in digits or as a word ("Six weeks × 7 days × 30 minutes").
_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
          "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30", "hundred": "100"}
_NUM = rf"(?:\d+(?:[.,]\d+)*|(?<![\w-])(?:{'|'.join(_WORDS)})(?![\w-]))"
_UNIT = r"(?:\s*%|\s*°\w*|(?:\s+(?!(?:times|divided|plus|minus|of|is|equals|gives|makes|or|and)\b)[A-Za-zµ/]+){0,3})"
# A hyphen is a minus only between spaces: "45-60 minutes" is a range.
# ("£140 minus the £40 deposit": a term may come with its article)
_OP = r"(?:\s*[×x*·/÷+−]\s*|\s+-\s+|\s+(?:times|divided by|(?:plus|minus)(?:\s+the)?)\s+|(?<=%)\s*of\s+)"
_MONEY = r"[$€£¥]?"  # a price's currency sign before the number ("10 × $0.25 = $2.50")
_ABOUT = r"(?:(?:about|roughly|around|approximately|~)\s*)?"
# A term may restate itself in brackets: "about 270 days (9 months)".
_RESTATEMENT = r"(?:\s*\([^()×x*·/÷+−=\n]*\d[^()×x*·/÷+−=\n]*\))?"
_TERM = rf"{_ABOUT}{_MONEY}{_NUM}(?:p\b)?{_UNIT}{_RESTATEMENT}"  # ("4p": pence)
# A term may open or close a bracket: "(60 − 20) / 5 + 1 = 9".
_CHAIN = rf"\(?{_TERM}\)?(?:{_OP}\(?{_TERM}\)?)+"
_RESTATED_TERM = re.compile(r"\s*\([^()×x*·/÷+−=\n]*\d[^()×x*·/÷+−=\n]*\)(?=\s*(?:[=≈×x*·/÷+−]|$))")
# a × b … = r   |   r (a × b …)   |   r: a × b … (the result first, opening the answer or a sentence)
_WORKED = re.compile(rf"(?P<chain>{_CHAIN})\s*(?P<sign>=|≈|equals|gives|makes|would be|comes to|is)\s*(?:about\s+|roughly\s+)?"
                     rf"{_MONEY}(?P<result>{_NUM})"
                     rf"|{_MONEY}(?P<result2>{_NUM}){_UNIT}\s*\((?P<chain2>{_CHAIN})\)"
                     rf"|(?:^|(?<=[.!?]\s))(?:about\s+|roughly\s+|up to\s+|at most\s+|at least\s+)?"
                     rf"{_MONEY}(?P<result3>{_NUM}|an(?=\s+hour\b)){_UNIT}\s*:\s*"
                     # (what it counts may follow: "2 × £10 for the extra half hours")
                     rf"(?P<chain3>{_CHAIN})(?=\s*(?:[.,;]|$)|\s+(?:for|on|in)\s)", re.IGNORECASE)
_TOKEN = re.compile(rf"(?P<number>{_NUM})(?P<percent>\s*%)?|(?P<op>[×x*·/÷+−-]|times|divided by|plus|minus|of)"
                    r"|(?P<bracket>[()])", re.IGNORECASE)
_OPS = {"×": "*", "x": "*", "*": "*", "·": "*", "times": "*", "of": "*", "/": "/", "÷": "/", "divided by": "/",
        "+": "+", "plus": "+", "−": "-", "-": "-", "minus": "-"}
_EVAL = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


@dataclass(frozen=True)
class Worked:
    text: str  # the calculation as the answer writes it
    operands: tuple[str, ...]
    stated: str  # the result the answer gives
    computed: float | None  # None: not arithmetic we can recompute
    claimed: bool  # written as an equation ("=", "≈", "equals"), not in words that may mean something else
    scale: float = 1.0  # of a result said in millions ("= £1.2 million")

    @property
    def holds(self) -> bool:
        if self.computed is None:
            return False
        stated = float(self.stated) * self.scale
        if self.scale != 1.0:
            return abs(self.computed - stated) <= 0.05 * abs(self.computed)  # "1.2 million" is rounded
        decimals = len(self.stated.split(".")[1]) if "." in self.stated else 0
        return abs(self.computed - stated) <= max(0.005 * abs(self.computed), 0.5 * 10 ** -decimals)


_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9}
_SCALE = re.compile(r"\s*(thousand|million|billion|bn)\b", re.I)


def _evaluate(chain: str) -> tuple[tuple[str, ...], float | None]:
    """The operands of a written calculation and its value (× and ÷ before + and −)."""
    chain = _RESTATED_TERM.sub(" ", chain)  # "270 days (9 months)": one operand, said twice
    chain = re.sub(r"(?<=[A-Za-zµ])/(?=[A-Za-z])", " per ", chain)  # "40 g/min × 5": a unit, no division
    expression, operands = [], []
    tokens = list(_TOKEN.finditer(chain))
    if sum(t.group() == "(" for t in tokens) != sum(t.group() == ")" for t in tokens):
        tokens = [t for t in tokens if not t.group("bracket")]  # a bracket the match cut in half
    for token in tokens:
        if token.group("number"):
            number = canon_number(_WORDS.get(token.group("number").lower(), token.group("number")))
            operands.append(number)
            scale = _SCALE.match(chain, token.end())  # "£1.1 million ÷ 6"
            written = f"({number}*{_SCALES[scale.group(1).lower()]})" if scale else number
            if re.match(r"p\b", chain[token.end():]) and "£" in chain:
                written = f"({number}/100)"  # "£120 ÷ 4p": pence, in pounds
            expression.append(f"({number}/100)" if token.group("percent") else written)
        elif token.group("bracket"):
            expression.append(token.group())
        else:
            expression.append(_OPS[token.group("op").lower()])
    try:
        return tuple(operands), _value(ast.parse("".join(expression), mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError):
        return tuple(operands), None


def _value(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _EVAL:
        return _EVAL[type(node.op)](_value(node.left), _value(node.right))
    raise ValueError("not plain arithmetic")


def worked_calculations(answer: str) -> list[Worked]:
    """Every calculation the answer writes out, in order."""
    found = []
    for match in _WORKED.finditer(answer):
        chain = match.group("chain") or match.group("chain2") or match.group("chain3")
        stated = match.group("result") or match.group("result2") or match.group("result3")
        stated = canon_number({**_WORDS, "an": "1"}.get(stated.lower(), stated))  # ("an hour: 3 × 20 minutes")
        operands, computed = _evaluate(chain)
        result = "result" if match.group("result") else "result2" if match.group("result2") else "result3"
        scale = _SCALE.match(answer, match.end(result))
        factor = _SCALES[scale.group(1).lower()] if scale else _time_factor(answer[match.end(result):], chain)
        # (a result before its working, "59%: 38% plus 21%", is in percent as one after it is)
        if computed is not None and _in_percent(chain, answer[match.end(result):]):
            computed *= 100
        claimed = (match.group("sign") or "").lower() in ("=", "≈", "equals") or bool(match.group("result3"))
        found.append(Worked(match.group(0).strip(), operands, stated, computed, claimed, factor))
    return found


def _time_factor(after_result: str, chain: str) -> float:
    """What a result said in another unit of time than its calculation is worth in the
    calculation's ("About an hour: 3 × 20 minutes" is 60 minutes); 1.0 otherwise."""
    said = re.match(r"\s*([A-Za-z]+)", after_result)
    mine = in_base("1", unit_key(said.group(1))) if said else None
    theirs = [size for v in values_in(chain) if (size := in_base("1", v.unit)) and size[0] == "time"]
    if not mine or mine[0] != "time" or not theirs:
        return 1.0
    return mine[1] / theirs[-1][1]


def shown_calculations(answer: str) -> list[tuple[tuple[str, ...], float]]:
    """(operands, value) of each calculation the answer writes out without its result beside it
    ("£112: the price of 8 entries, 8 × £14", "About 5: one every 8 hours (40 ÷ 8)"), outside
    those `worked_calculations` reads with their result."""
    # (not one read with a result it does not come to: "8 hours (40 ÷ 8)" gives 5, not 8)
    worked = [w.text for w in worked_calculations(answer) if w.holds]
    found = []
    for match in re.finditer(_CHAIN, answer, re.IGNORECASE):
        if any(match.group(0).strip() in text for text in worked):
            continue
        operands, computed = _evaluate(match.group(0))
        if computed is not None:
            found.append((operands, computed))
    return found


def _in_percent(chain: str, after_result: str) -> bool:
    """Is a result given in percent, as its operands were? "30 × 0.21% = 6.3%", "78% − 71% = 7
    percentage points" (a difference of percentages is in points even when no unit follows)."""
    if "%" not in chain:
        return False
    if re.match(r"\s*(?:%|percent|percentage points?|points?|pp\b)", after_result, re.IGNORECASE):
        return True
    tokens = list(_TOKEN.finditer(chain))
    additive = all(t.group("op") in (None, "+", "−", "-", "plus", "minus") for t in tokens)
    return additive and all(t.group("percent") for t in tokens if t.group("number"))


def derived_numbers(answer: str, grounded: set[str], given: set[str] = frozenset(),
                    factors: set[str] = frozenset()) -> tuple[set[str], str | None]:
    """(numbers the answer may state because it worked them out, with the constants and the
    `given` numbers it used; why the answer is wrong, when a calculation of grounded numbers
    does not hold). `factors` may be operands too (a percentage's "× 0.85"), but are no ends
    of an unwritten sum or difference."""
    derived: set[str] = set()
    for worked in worked_calculations(answer):
        allowed = grounded | given | derived | factors | CONVERSION_CONSTANTS | COUNTING_CONSTANTS
        # An operand may be the difference or sum of two known numbers, left unwritten ("the
        # first 100 pages are free; the other 50 cost 50 × €0.10", of the asker's 150).
        between = {o for o in worked.operands if o not in allowed and is_sum_or_difference(o, grounded | given)}
        if not all(o in allowed or o in between for o in worked.operands):
            continue  # a calculation on numbers from nowhere grounds nothing: the number check names them
        if not worked.holds:
            if not worked.claimed:  # "the 2 × 300 W setup is 5 years old": no calculation at all
                continue
            value = "cannot be recomputed" if worked.computed is None else f"is {worked.computed:,.6g}"
            return derived, f"arithmetic does not hold: {worked.text!r} ({value}, not {worked.stated})"
        constants = CONVERSION_CONSTANTS | COUNTING_CONSTANTS
        derived.update({worked.stated, *between,
                        *(o for o in worked.operands if o in constants or o in given or o in factors)})
    # A calculation shown apart from its result ("£112: the price of 8 entries, 8 × £14") grounds
    # the number of the answer it comes to, and the asker's figures it uses.
    stated = {v.number for v in values_in(answer) if _is_plain(v.number)}
    for operands, computed in shown_calculations(answer):
        allowed = grounded | given | derived | factors | CONVERSION_CONSTANTS | COUNTING_CONSTANTS
        # (an operand one off the asker's figure: "the first month is free, then 3 × £12" of 4 months)
        between = {o for o in operands if o not in allowed and is_sum_or_difference(o, grounded | given |
                                                                                      COUNTING_CONSTANTS)}
        results = {n for n in stated - set(operands) if rounds_to(computed, n)}
        if results and all(o in allowed or o in between for o in operands):
            derived.update(results, (o for o in operands if o not in grounded))
    return derived, None


def is_sum_or_difference(number: str, known: set[str]) -> bool:
    """Is `number` the sum or the difference of two of the `known` numbers?"""
    from itertools import combinations

    target = float(number) if re.fullmatch(r"\d+(?:\.\d+)?", number) else None
    values = {float(k) for k in known if re.fullmatch(r"\d+(?:\.\d+)?", k)}
    return target is not None and any(equal(abs(a - b), target) or equal(a + b, target)
                                      for a, b in combinations(values, 2))


# A difference or a total an answer states without writing the sum out, beside its operands:
# "€90 in total, €6 more than paying €84", "174 mm more: 620 mm versus 446 mm", "(€2.50) … (€1.00)
# … €3.50 in total". Known by a word that says which (more, less, total, …) in its sentence.
_DIFFERENCE = re.compile(r"\b(?:more|less|fewer|higher|lower|longer|shorter|cheaper|dearer|difference|gap|instead of|"
                         r"against|versus|by \d[\d,.]*:? from|down to|down from|up from|cut|"
                         r"from [$€£¥]?\d[\d,.]*%?\s+to|"
                         r"saves?|saving|saved|extra|over|under|falls?|fell|drops?|dropped|rises?|rose|gains?|"
                         r"increases?|increased|decreases?|decreased|declines?|declined|reduction|reduced|points?)\b",
                         re.IGNORECASE)
_TOTAL = re.compile(r"\b(?:total|altogether|combined|in all|sum|together|plus)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)|\n+")


def implied_calculations(answer: str, grounded: set[str], given: set[str] = frozenset(),
                         keys: frozenset[tuple[str, str]] | None = None) -> dict[str, tuple[str, ...]]:
    """Numbers of the answer that are not grounded but are the difference of two grounded
    numbers it states (with a word of comparison in their sentence), or that difference in
    percent of either ("14.2 and 11.0 kWh, about 23% less"), or the total of two or three of
    them (with a word of totalling), or of those it breaks the number into ("60: 30 coated
    and 30 dark"), or a percentage it states of a grounded or `given` amount ("50% of the
    fare: €3.25", of the asker's €6.50): number → its operands. With `keys` (the source's
    (number, unit) pairs), a figure whose number the source has only as another quantity ("£5"
    beside "5 p.m.") may be worked out too."""
    from itertools import combinations

    def known(value) -> bool:
        return value.number in grounded and (keys is None or not value.unit or value.key in keys)

    stated = list(dict.fromkeys(v.number for v in values_in(answer) if v.number in grounded))
    units = {v.number: v.unit for v in values_in(answer)}
    amounts = {n: float(n) for n in stated if re.fullmatch(r"\d+(?:\.\d+)?", n)}
    found: dict[str, tuple[str, ...]] = {}
    for sentence in _SENTENCE.split(answer):
        values = values_in(sentence)
        for i, value in enumerate(values):
            if known(value) or not re.fullmatch(r"\d+(?:\.\d+)?", value.number):
                continue  # (one the source has as another quantity may be worked out: "3 m² a minute")
            if operands := _breakdown(sentence, value, values[i + 1:], grounded):
                found[value.number] = operands
            elif operands := _percent_of(sentence, value, grounded | set(given)):
                found[value.number] = operands
            elif operands := _rate_of_given(answer, value, given):
                found[value.number] = operands
            elif operands := _rest_of_a_percentage(answer, value, grounded):
                found[value.number] = operands
            elif operands := _per_item(sentence, value, {v.number: float(v.number) for v in values_in(sentence)
                                                         if v.number in grounded and _is_plain(v.number)}):
                found[value.number] = operands
            elif operands := _rate_of_stated(sentence, value, [v for v in values if v.number in grounded]):
                found[value.number] = operands
        difference, total = _DIFFERENCE.search(sentence), _TOTAL.search(sentence)
        if not (difference or total):
            continue
        for value in values:
            # (A percentage may be a number the source has as another quantity: "25 schools".)
            if (known(value) and value.unit != "%") or value.number in found \
                    or not re.fullmatch(r"\d+(?:\.\d+)?", value.number):
                continue
            x = float(value.number)
            pairs = combinations(amounts.items(), 2)
            for (a, fa), (b, fb) in pairs:
                worked_out = difference and equal(abs(fa - fb), x) or total and equal(fa + fb, x)
                # (spans in other units of time: "75 minutes longer: 2 hours against 45 minutes")
                sizes = [in_base(n, u) for n, u in ((a, units.get(a)), (b, units.get(b)), (value.number, value.unit))]
                if difference and all(s and s[0] == "time" for s in sizes) and \
                        len({units.get(a), units.get(b), value.unit}) > 1:
                    worked_out = equal(abs(sizes[0][1] - sizes[1][1]), sizes[2][1])
                # (a number the source has, said in the unit of its operands: "£50 … £45 … saves £5")
                in_kind = value.number not in grounded or units.get(a) == units.get(b) == value.unit
                if worked_out and not known(value) and in_kind:
                    found[value.number] = (a, b)
                    break
                if difference and value.unit == "%" and any(
                        base and rounds_to(abs(fa - fb) / base * 100, value.number) for base in (fa, fb)):
                    found[value.number] = (a, b)
                    break
            else:
                if total and not known(value):
                    for group in combinations(amounts.items(), 3):
                        if equal(sum(f for _, f in group), x):
                            found[value.number] = tuple(n for n, _ in group)
                            break
    return found


def _breakdown(sentence: str, value, following, grounded: set[str]) -> tuple[str, ...] | None:
    """The grounded numbers a number is broken into right after it ("60: 30 with white roofs and
    30 with dark ones", "9 (4 adults and 5 children)"), when they add up to it."""
    at = sentence.find(value.raw)
    if at < 0 or not re.match(r"\s*(?::|\(|—|–|-\s)", sentence[at + len(value.raw):]):
        return None
    parts = []
    for part in following:
        if part.number not in grounded or not re.fullmatch(r"\d+(?:\.\d+)?", part.number):
            break
        parts.append(part.number)
        if len(parts) >= 2 and equal(sum(map(float, parts)), float(value.number)):
            return tuple(parts)
    return None


_FRACTIONS = {"half": 0.5, "a half": 0.5, "one half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "a quarter": 0.25,
              "one quarter": 0.25, "two thirds": 2 / 3, "three quarters": 0.75}
# ("50% of the fare", "20% off", "half the season fee")
# ("three-quarters of 55": a fraction may be hyphenated)
_PERCENT_OF = re.compile(rf"(?:(\d+(?:\.\d+)?)\s*%|\b({'|'.join(f.replace(' ', '[ -]') for f in _FRACTIONS)}))\s+"
                         r"(of\b|off\b|(?=(?:the|your|its|their)\s))", re.I)


def _percent_of(sentence: str, value, known: set[str]) -> tuple[str, ...] | None:
    """The percentage or fraction of the sentence ("50% of the fare", "half of the £120 price", "20% off")
    and the known amount whose share the value is, to the value's precision: "€3.25" of €6.50."""
    for match in _PERCENT_OF.finditer(sentence):
        share = float(match.group(1)) / 100 if match.group(1) else _FRACTIONS[match.group(2).lower().replace("-", " ")]
        if (match.group(3) or "").lower() == "off":
            share = 1 - share  # "20% off the £28 rate": £22.40
        if amount := _amount_shared(share, known - {match.group(1)}, value):
            return match.group(1) or match.group(2).lower().replace("-", " "), amount
    for match in _LESS_A_PERCENT.finditer(sentence):  # "£126: … = £140, less 10%"
        if amount := _amount_shared(1 - float(match.group(1)) / 100, known - {match.group(1)}, value):
            return match.group(1), amount
    return None


_LESS_A_PERCENT = re.compile(r"\b(?:less|minus)\s+(\d+(?:\.\d+)?)\s*%", re.I)


def _amount_shared(share: float, amounts: set[str], value) -> str | None:
    """The amount whose `share` the value is, to the value's precision, if one is."""
    return next((amount for amount in amounts if _is_plain(amount)
                 and rounds_to(share * float(amount), value.number)), None)


_EACH = re.compile(r"\b(?:each|apiece|a piece|per (?:item|piece|unit|person|head|ring|bag|ticket))\b", re.I)


def _per_item(sentence: str, value, stated: dict[str, float]) -> tuple[str, ...] | None:
    """A price or amount for each of several that the sentence states the whole of and counts
    ("€4.50 each: a pack of two costs €9"): the value is the one divided by the other."""
    if not _EACH.search(sentence):
        return None
    for whole, total in stated.items():
        for count, number in stated.items():
            if whole != count and number > 1 and number == int(number) and rounds_to(total / number, value.number):
                return whole, count
    return None


_PER_PERIOD_AFTER = re.compile(r"\S*\s+(?:per|a|an|each|every)\s+(second|minute|hour|day|week|month|year)\b", re.I)


def _rate_of_stated(sentence: str, value, stated) -> tuple[str, ...] | None:
    """A rate the sentence works out from an amount and a span it states, to the rate's precision
    ("About 3 m² a minute: around 100 m² in about 35 minutes")."""
    at = sentence.find(value.raw)
    period = _PER_PERIOD_AFTER.match(sentence, at + len(value.raw)) if at >= 0 else None
    if not period or not value.unit:
        return None
    for amount in stated:
        for span in stated:
            if amount.unit == value.unit and span.unit == unit_key(period.group(1)) and _is_plain(amount.number) \
                    and _is_plain(span.number) and float(span.number) \
                    and rounds_to(float(amount.number) / float(span.number), value.number):
                return amount.number, span.number
    return None


def _is_plain(number: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?", number))


def _rest_of_a_percentage(answer: str, value, grounded: set[str]) -> tuple[str, ...] | None:
    """A percentage that is what is left of one the answer states beside it ("up to 25%, since
    at least 75% must be cultivated"): not one said alone, which may be a wrong figure."""
    if value.unit != "%":
        return None
    for stated in values_in(answer):
        if stated.unit == "%" and stated.number in grounded and _is_plain(stated.number) \
                and equal(100 - float(stated.number), float(value.number)):
            return "100", stated.number
    return None


def _rate_of_given(answer: str, value, given: set[str]) -> tuple[str, ...] | None:
    """A rate the answer states anywhere ("refunded at 50%") applied to the asker's own amount
    ("£32.50" of the question's £65), to the value's precision."""
    for rate in values_in(answer):
        if rate.unit != "%" or not _is_plain(rate.number):
            continue
        if amount := _amount_shared(float(rate.number) / 100, set(given) - {rate.number}, value):
            return rate.number, amount
    return None


def rounds_to(exact: float, stated: str) -> bool:
    """Is `stated` the exact figure rounded to the places it gives ("23" of 22.5, "3.25" of 3.25)?"""
    places = len(stated.split(".")[1]) if "." in stated else 0
    return abs(exact - float(stated)) <= 0.5 * 10 ** -places + 1e-9


def equal(a: float, b: float) -> bool:
    """Equal but for floating-point noise."""
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


# A time of day: "6 p.m.", "8:50 pm", "14:30".
_CLOCK = re.compile(r"(?<![\d:.,])(?P<h>1[0-2]|0?\d)(?::(?P<m>[0-5]\d))?\s*(?P<half>[ap])\.?\s?m\b\.?"
                    r"|(?<![\d:.,])(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)(?![\d:])", re.IGNORECASE)
# A span of time: "2 h 50 min", "3 hours 40 minutes", "30 minutes", "1.5 hours".
# ("a 45-minute induction" too)
_SPAN = re.compile(r"(?<![\d.,:])(?:(?P<h>\d+(?:\.\d+)?)(?:\s*|-)(?:h|hrs?|hours?)\b(?:\s*(?:and\s+)?(?P<hm>\d+)\s*"
                   r"(?:min|mins|minutes?)\b)?|(?P<m>\d+)(?:\s*|-)(?:min|mins|minutes?)\b)", re.IGNORECASE)


def _clock_times(text: str) -> list[tuple[int, tuple[str, ...]]]:
    """(minutes after midnight, its numbers as written) of each time of day in the text."""
    found = []
    for match in _CLOCK.finditer(text):
        if match.group("h24") is not None:
            hour, minute = int(match.group("h24")), match.group("m24")
            numbers = (match.group("h24"), minute)
        else:
            hour, minute = int(match.group("h")) % 12, match.group("m")
            hour += 12 if match.group("half").lower() == "p" else 0
            numbers = (match.group("h"), *([minute] if minute else []))
        found.append((hour * 60 + int(minute or 0), numbers))
    for match in _NOON.finditer(text):  # "12 noon", "midnight"
        found.append((0 if match.group(2).lower() == "midnight" else 720, tuple(filter(None, (match.group(1),)))))
    return found


_NOON = re.compile(r"\b(?:(12)\s*)?(noon|midday|midnight)\b", re.I)


def times_of_day(text: str) -> set[int]:
    """The text's times of day ("8 a.m.", "14:30", "12 noon"), in minutes after midnight."""
    return {minutes for minutes, _ in _clock_times(text)}


def _span_matches(text: str) -> list[tuple[float, tuple[str, ...]]]:
    """(minutes, its numbers as written) of each span of time the text gives."""
    out = []
    for match in _SPAN.finditer(text):
        if match.group("m"):
            out.append((float(match.group("m")), (match.group("m"),)))
        else:
            out.append((float(match.group("h")) * 60 + int(match.group("hm") or 0),
                        (match.group("h"), *([match.group("hm")] if match.group("hm") else []))))
    return out


# The first end of a range of spans, whose unit follows the second: "3 to 4 hours", "8–12 hours".
_SPAN_RANGE = re.compile(r"(?<![\d.,:])(\d+(?:\.\d+)?)\s*(?:to|–|-|or)\s*(?=\d+(?:\.\d+)?\s*"
                         r"(?:(?P<h>h|hrs?|hours?)|min|mins|minutes?)\b)", re.IGNORECASE)


def _spans(text: str) -> set[int]:
    """Each whole-minute span of time the text gives, in minutes (both ends of a range)."""
    spans = [minutes for minutes, _ in _span_matches(text)]
    spans += [float(m.group(1)) * (60 if m.group("h") else 1) for m in _SPAN_RANGE.finditer(text)]
    return {int(minutes) for minutes in spans if minutes == int(minutes)}


_STEPPED = re.compile(r"from\s+(\d+(?:\.\d+)?)\s*([^\d\s]{0,4})\s+to\s+(\d+(?:\.\d+)?)\s*\2\s+in\s+"
                      r"(\d+(?:\.\d+)?)\s*\2\s+steps", re.IGNORECASE)


def stepped_values(source: str) -> set[tuple[str, str]]:
    """The settings a range in steps allows, with their unit ("from 80 °C to 200 °C in 10 °C
    steps": 80, 90 … 200 °C)."""
    found = set()
    for match in _STEPPED.finditer(source):
        low, high, step = float(match.group(1)), float(match.group(3)), float(match.group(4))
        if step <= 0 or (high - low) / step > 1000:
            continue
        value = low
        while value <= high + 1e-9:
            found.add((f"{value:g}", unit_key(match.group(2))))
            value += step
    return found


def clock_arithmetic(answer: str, source: str, given: str = "") -> set[str]:
    """Numbers of the answer's times of day that a time of the source or the question, moved
    by a span of time the source or the question gives, works out to ("6 p.m. + 2 h 50 min =
    8:50 p.m.", "check in by 14:00" for a 14:30 sailing and "at least 30 minutes before"),
    with the numbers of the known times the answer repeats. A time no such sum gives grounds
    nothing."""
    known = {minutes: numbers for minutes, numbers in _clock_times(f"{source}\n{given}")}
    spans = _moves(answer, source, given)
    derived: set[str] = set()
    for minutes, numbers in _clock_times(answer):
        if minutes in known:
            derived.update(numbers)
            continue
        if any((start + sign * span) % 1440 == minutes for start in known for span in spans for sign in (1, -1)):
            derived.update(numbers)
    # A span between two known times the answer or the question names ("6:30 to 9 a.m.: 2 hours
    # 30 minutes"); not any span two of the source's times happen to make ("14 hours" from 6 p.m. to 8 a.m.).
    # Or between the asker's time and one of the source's ("£50: 2 hours late" for a noon return,
    # of "return is by 10 a.m.").
    times = set(known) & {minutes for minutes, _ in _clock_times(f"{answer}\n{given}")}
    askers = {minutes for minutes, _ in _clock_times(given)}
    sources = {minutes for minutes, _ in _clock_times(source)}
    for minutes, numbers in _span_matches(answer):
        if any((b - a) % 1440 == minutes for a in times for b in times if a != b) or any(
                abs(a - b) == minutes for a in askers for b in sources):
            derived.update(numbers)
    # How long a span of the source's lasts ("open on Thursdays from 5 p.m. to 8 p.m.": 3 hours).
    stated = {v.number for v in values_in(without_times_of_day(answer))}
    for minutes in _lengths_of_spans(source):
        derived.update(n for n in (f"{minutes / 60:g}", str(minutes)) if n in stated)
    return {canon_number(n) for n in derived}


def _moves(answer: str, source: str, given: str) -> set[int]:
    """Spans (minutes) a known time may be moved by: each the source or the question gives, and
    the sum or difference of two of them the answer names ("3:25 p.m.: in the last 5 minutes of
    a 30-minute churn" started at 3 p.m.)."""
    spans = _spans(f"{source}\n{given}")
    named = sorted(_spans(answer) & spans)
    return spans | {a + b for a in named for b in named if a != b} | {b - a for a in named for b in named if b > a}


def _lengths_of_spans(text: str) -> set[int]:
    """Minutes each span of times of day in the text lasts ("from 10 a.m. to 1 p.m.": 180)."""
    matches = list(_CLOCK.finditer(text))
    return {(times_of_day(b.group(0)).pop() - times_of_day(a.group(0)).pop()) % 1440
            for a, b in zip(matches, matches[1:]) if _SPAN_BETWEEN.fullmatch(text[a.end():b.start()])}


_SPAN_BETWEEN = re.compile(r"\s*(?:to|until|till|–|-)\s*", re.I)


def without_times_of_day(text: str) -> str:
    """The text with its times of day ("8:30 a.m.", "14:00", "midnight") blanked out: their
    numbers are no figures to count or work with."""
    return _NOON.sub(" ", _CLOCK.sub(" ", text))


def times_from_nowhere(answer: str, source: str, given: str = "") -> list[str]:
    """The answer's times of day that are neither the source's or the question's nor one of
    those moved by a span they give ("9:30 a.m." of a source with 8:30 and 9:15 a.m.: its 9 and
    30 are each the source's, the time is not)."""
    known = times_of_day(f"{source}\n{given}")
    spans = _moves(answer, source, given)
    moved = {(start + sign * span) % 1440 for start in known for span in spans for sign in (1, -1)}
    said = [*_CLOCK.finditer(answer), *_NOON.finditer(answer)]  # ("By noon." of "before 10 a.m.")
    return [match.group(0).strip() for match in sorted(said, key=lambda m: m.start())
            if times_of_day(match.group(0)).pop() not in known | moved]


TWICE = re.compile(r"\btwice\b", re.I)


def recomputed_from_shown(answer: str, grounded: set[str], given: set[str] = frozenset(),
                          change_asked: bool = False, keys: frozenset[tuple[str, str]] | None = None) -> set[str]:
    """Numbers of the answer that steps of arithmetic make of figures the answer states from the
    source or takes from the question (a sum, a difference, a product, a quotient, a change in
    percent, a share in percent), however it words the steps ("£1.40: £3.40 down to £2", "5 times:
    once every 10 hours" in the asker's 50, "£22.50: half of £15 is £7.50, times 3 hours"), with
    the asker's figures each step used: the answer shows what it worked from, and each step is
    recomputed. Two measures of a kind divide in one unit ("48: 24 hours in 30-minute steps"); a
    quotient "rounded up" or "down" is a whole number ("3: one adult for every 10 children, rounded
    up" of 25). Not when it writes its arithmetic out (that is what is checked then), nor of a lone
    figure ("£28.": nothing to recompute from), times of day, or the ends of a range ("11: modes 9
    to 20" is no count of it), unless the question asks how much something changed ("8 words per
    minute: 47 to 55"). A figure rounded from the result must say so ("about 21%"). With `keys` (the
    source's (number, unit) pairs), a price whose number the source has only as another quantity
    may be worked out too ("£6: 2 dries at £3" beside "6 kg")."""
    if re.search(_CHAIN, answer, re.IGNORECASE):
        return set()
    text = TWICE.sub("2 times", without_times_of_day(answer))  # ("20: twice a week for 10 weeks")
    values = values_in(text)
    # (a price whose number the source has only as another quantity is no operand, and may be worked out)
    theirs = {number for number, _ in keys or ()}
    elsewhere = {v.number for v in values if v.unit in CURRENCIES and v.number in theirs and v.key not in keys
                 and v.number not in given}
    grounded = set(grounded) - elsewhere
    operands = {v.number: (float(v.number), in_base(v.number, v.unit)) for v in values
                if _is_plain(v.number) and v.number in grounded}
    operands.update({n: (float(n), None) for n in given if _is_plain(n) and n not in operands})
    ranges = {frozenset(m.groups()) for m in _INTEGER_RANGE.finditer(text)
              if not change_asked and not re.search(r"\bfrom\s+$", text[:m.start()], re.I)}
    rounded = re.search(r"\brounded (up|down)\b", text, re.I)
    found: set[str] = set()
    while True:  # a figure worked out is an operand of the next step
        step = next(((value, used) for value in values if value.number not in grounded | found
                     and _is_plain(value.number) and (used := _one_step(value, text, operands, ranges, rounded))), None)
        if step is None:
            return found
        value, used = step
        found.update({value.number} | {o for o in used if o in given and o not in grounded})
        operands[value.number] = (float(value.number), in_base(value.number, value.unit))


def _one_step(value, text: str, operands: dict, ranges: set, rounded: re.Match | None) -> tuple[str, str] | None:
    """The two operands one step of arithmetic makes the value of, if two do."""
    hedged = bool(re.search(rf"(?:{_HEDGE})\s*[$€£¥]?{re.escape(value.raw)}", text, re.I))
    for (a, (x, x_base)), (b, (y, y_base)) in permutations(operands.items(), 2):
        if value.number in (a, b):
            continue
        results = [x + y, x * y] + ([x - y] if frozenset((a, b)) not in ranges else []) + ([x / y] if y else [])
        if value.unit == "%" and x:
            results += [(y - x) / x * 100, y / x * 100]
        if x_base and y_base and x_base[0] == y_base[0] and y_base[1]:
            results.append(x_base[1] / y_base[1])  # "24 hours in 30-minute steps": 48
        if rounded and y:
            results.append(math.ceil(x / y) if rounded.group(1).lower() == "up" else math.floor(x / y))
        if any(_exactly(r, value.number) or (hedged and _close(r, value.number)) for r in results if r > 0):
            return a, b
    return None


_HEDGE = r"\b(?:about|roughly|around|approximately|nearly|almost|just (?:over|under)|some)\b|~"


def _exactly(exact: float, stated: str) -> bool:
    places = len(stated.split(".")[1]) if "." in stated else 0
    return abs(round(exact, places) - float(stated)) < 1e-9 and abs(exact - float(stated)) < 10 ** -places / 2


def _close(exact: float, stated: str) -> bool:
    return rounds_to(exact, stated) or abs(exact - float(stated)) <= 0.005 * abs(exact)


_INTEGER_RANGE = re.compile(r"(?<![\d.,])(\d+)\s*(?:to|–|-)\s*(\d+)(?![\d.,]\d)")


def counts_of_ranges(answer: str, grounded: set[str], source: str = "") -> set[str]:
    """How many whole numbers a range the answer gives of the source's holds, when the answer
    states it ("15: settings 11 to 25"), or how many months or days a span of the source's
    names does ("6: April to September", "5: Monday to Friday")."""
    stated = {v.number for v in values_in(answer)}
    counts = {str(int(b) - int(a) + 1) for a, b in _INTEGER_RANGE.findall(answer)
              if a in grounded and b in grounded and int(b) > int(a)}
    low = source.lower()
    months_apart = set()
    for first, first_year, last, last_year in _NAMED_RANGE.findall(answer):
        first, last = first.lower(), last.lower()
        if (span := names_in_span(first, last)) is None or first not in low or last not in low:
            continue
        apart = len(span) - 1
        if first in MONTHS and first_year and last_year:
            apart = (int(last_year) - int(first_year)) * 12 + MONTHS.index(last) - MONTHS.index(first)
        counts.add(str(apart + 1))
        if first in MONTHS:
            months_apart.add(str(apart))
    # ("About 9 months: September 2023 to June 2024" says how long from one to the other)
    in_months = {v.number for v in values_in(answer) if v.unit == "month"}
    return (counts & stated) | (months_apart & in_months)


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def names_in_span(start: str, end: str) -> tuple[str, ...] | None:
    """The months or weekdays from one to the other, lower-case, round the end of the year or
    week ("october", "march": October to March); None unless both are months or both weekdays."""
    for names in (MONTHS, WEEKDAYS):
        if start in names and end in names:
            a, b = names.index(start), names.index(end)
            return tuple(names[i % len(names)] for i in range(a, b + 1 if a <= b else b + len(names) + 1))
    return None


_NAMED_RANGE = re.compile(r"\b([A-Z][a-z]+)(?:\s+(\d{4}))?\s+(?:to|until|through|–|-)\s+"
                          r"([A-Z][a-z]+)\b(?:\s+(\d{4}))?")


_EVERY = re.compile(r"\b(?:once |one )?every\s+(?:(?P<n>\d+(?:\.\d+)?)\s*)?(?P<unit>seconds?|minutes?|hours?|days?|"
                    r"weeks?|months?|years?)\b", re.I)
# How many of something per period: "800 stitches per minute", "twice a week", "3 times a day".
_RATE = re.compile(r"(?<![\w.,])(\d[\d,]*(?:\.\d+)?(?:\s+[a-z-]+){0,2}?|once|twice|(?:\w+) times)\s+"
                   r"(?:per|a|an|each|every)\s+(second|minute|hour|day|night|week|fortnight|month|term|year)\b", re.I)


def rates_in(text: str) -> list[tuple[str, str, str]]:
    """(count, what it counts or "", period) of each rate of the text ("800 stitches per minute":
    800, stitches, minute; "twice a week": twice, "", week), prices aside (their period is
    checked apart, facts.price_periods)."""
    out = []
    for match in _RATE.finditer(text):
        count, period = match.groups()
        words = count.lower().split()
        if words[0].isalpha() and words[0] not in ("once", "twice") and not count.lower().endswith("times"):
            continue
        if re.search(r"[$€£¥]\s*$", text[:match.start()]):
            continue
        key = canon_number(words[0]) if words[0][0].isdigit() else count.lower()
        counted = words[1] if words[0][0].isdigit() and len(words) > 1 and words[1] not in ("per", "a") else ""
        out.append((key, counted, period.lower()))
    return out


# "daily", "weekly" …: once each period (the adjectives of facts.PERIOD_KEY, and "annually")
_PERIOD_WORDS = {**{word: unit for word, unit in PERIOD_KEY.items() if word.endswith(("ly", "annual"))},
                 "annually": "year"}


def intervals_in(text: str) -> set[float]:
    """How many seconds apart each repeated event of the text is: "every 2 years", "once a
    year", "twice a week", "3 times a day", "every 15 minutes", "daily"."""
    found = set()
    for match in _EVERY.finditer(text):
        if base := in_base(canon_number(match.group("n") or "1"), unit_key(match.group("unit").lower().rstrip("s"))):
            found.add(base[1])
    for count, counted, period in rates_in(text):
        times = {"once": 1.0, "twice": 2.0}.get(count) or (float(count) if _is_plain(count) else None)
        if times is None and count.endswith(" times"):
            times = float(_WORDS.get(count.split()[0], "0")) or None
        base = in_base("1", unit_key("day" if period == "night" else period))
        if times and counted in ("", "times") and base:
            found.add(base[1] / times)
    for word in re.findall(rf"\b(?:{'|'.join(_PERIOD_WORDS)})\b", text, re.I):
        found.add(in_base("1", _PERIOD_WORDS[word.lower()])[1])
    return found


_ONE_PERIOD = re.compile(r"\b(?:a|per|each|in a|in one)\s+(second|minute|hour|day|week|month|year)\b", re.I)


def over_the_askers_span(answer: str, given: str, grounded: set[str]) -> set[str]:
    """Numbers of the answer that are a rate or an interval it states with a source figure
    ("once every 10 hours", "800 per minute") over a span of time the asker gives ("in 50 hours
    of sewing": 5 times; "in 30 seconds": 400)."""
    spans = [base for v in values_in(given) if (base := in_base(v.number, v.unit)) and base[0] == "time"]
    # ("How many times a year …?": one year)
    spans += [base for unit in _ONE_PERIOD.findall(given) if (base := in_base("1", unit_key(unit.lower())))]
    if not spans:
        return set()
    per_second = []  # how many of the thing each second
    for match in _EVERY.finditer(answer):
        number = canon_number(match.group("n") or "1")
        interval = in_base(number, unit_key(match.group("unit").lower().rstrip("s")))
        if (number in grounded or not match.group("n")) and interval and interval[1]:
            per_second.append(1 / interval[1])
    for number, _, period in rates_in(answer):
        unit = in_base("1", unit_key(period))
        if number in grounded and _is_plain(number) and unit:
            per_second.append(float(number) / unit[1])
    stated = {v.number for v in values_in(answer) if _is_plain(v.number)}
    return {n for n in stated for rate in per_second for _, seconds in spans if rounds_to(rate * seconds, n)}


def per_period_of_intervals(answer: str, given: str = "") -> set[str]:
    """Counts per period the answer gives that an interval of the question or the answer comes to
    ("Can I wash it every month?" "No: that would be 12 washes a year")."""
    # (the answer's "every …", not its own rates: "12 times a year" grounds no 12 of itself)
    intervals = intervals_in(given) | intervals_in(" ".join(m.group(0) for m in _EVERY.finditer(answer)))
    found = set()
    for count, _, period in rates_in(answer):
        length = in_base("1", unit_key(period))
        if _is_plain(count) and length and any(rounds_to(length[1] / i, count) for i in intervals if i):
            found.add(count)
    return found


# Each unit in the smallest of its kind: a figure restated in another unit ("1,260 minutes, or 21 hours").
# (A month as 30 days and a year as 365: "about 270 days (9 months)".)
_IN_BASE = {"s": 1, "minute": 60, "h": 3600, "day": 86400, "week": 604800, "month": 2592000, "year": 31536000,
            "mm": 0.001, "cm": 0.01, "m": 1, "km": 1000, "g": 1, "kg": 1000, "ml": 0.001, "L": 1}
_KIND = {"s": "time", "minute": "time", "h": "time", "day": "time", "week": "time", "month": "time", "year": "time",
         "mm": "length",
         "cm": "length", "m": "length", "km": "length", "g": "mass", "kg": "mass", "ml": "volume", "L": "volume"}


def in_base(number: str, unit: str) -> tuple[str, float] | None:
    """(the kind of a measure, its size in the smallest unit of that kind): 3 days and 48 hours
    are both times, 259,200 and 172,800 seconds."""
    if unit not in _IN_BASE:
        return None
    try:
        return _KIND[unit], float(number) * _IN_BASE[unit]
    except ValueError:
        return None


_RESTATED = re.compile(r"^\s*(?:,\s*)?(?:or|i\.e\.|that is|is|equals|=|≈|\(|—|–)\s*"
                       r"(?:about\s+|roughly\s+|around\s+)?$", re.I)  # ("5 cm is 50 mm")


def conversions(answer: str, known: set[str]) -> set[str]:
    """Numbers of the answer that restate a known figure beside them in another unit
    ("1,260 minutes, or 21 hours"; "2 m (200 cm)"; "270 days (9 months)"; "5 cm is 50 mm"), to
    the places they give."""
    found = set()
    values = values_in(answer)
    position = 0
    spans = []
    for value in values:
        start = answer.find(value.raw, position)
        spans.append((start, start + len(value.raw)))
        position = max(position, start + len(value.raw)) if start >= 0 else position
    for (first, (_, end)), (second, (start, _)) in zip(zip(values, spans), zip(values[1:], spans[1:])):
        if _KIND.get(first.unit) is None or _KIND.get(first.unit) != _KIND.get(second.unit) or start < end:
            continue
        if not _RESTATED.match(answer[end:start]):
            continue
        for given, said in ((first, second), (second, first)):
            if given.number not in known | found or said.number in known:
                continue
            try:
                exact = float(given.number) * _IN_BASE[given.unit] / _IN_BASE[said.unit]
            except ValueError:
                continue
            if rounds_to(exact, said.number):
                found.add(said.number)
    return found
