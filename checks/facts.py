"""A source passage as the facts it states, so a check can ask which fact an answer rests on.

A fact is one table cell with its row and column ("DPR · NQ top-20 (%): 79.4"), one field
of a record ("TechPlanet Seocho · Phone Number: 02-6789-2345"), or one clause of a
sentence. Each says what it is about (the words naming it, without its value), its value,
and whether it is stated negatively ("Consultant Available: N", "not waterproof").

Values are numbers with their units, codes and phone numbers, written with digits or as
number words ("five", "half an hour" is not a value: it is a paraphrase).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..tools.text import has_cjk, normalize, sentences, stems

_TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_RULE_ROW = re.compile(r"^\s*\|?[\s:|-]+\|?\s*$")
_FIELD = re.compile(r"^\s*[-*•]?\s*([^\W\d_][^:：\n\[\]$/]{0,59})[:：]\s+(.+?)\s*$")  # "Key: value", not a URL
_NAME_KEYS = re.compile(r"name|名|명|title|product|model", re.I)
_FLAG_YES = {"y", "yes", "true", "o", "있음", "예", "はい", "有"}
_FLAG_NO = {"n", "no", "false", "x", "없음", "아니오", "いいえ", "無", "なし"}

# Clause boundaries inside a sentence: each clause may state its own value. A second predicate
# of the same subject is a clause too ("Quick is for light loads only and does not dry the
# dishes", "cannot be refunded but can be changed"): each may be said yes or no to on its own.
_AUXILIARY = r"(?:does|do|did|is|are|was|were|can|cannot|can't|will|won't|must|should|has|have|had|may)\b"
_CLAUSE_SPLIT = re.compile(r"\s*(?:;|:(?=\s)|\u2014|, (?:and|but|while|whereas|against|compared with|versus)\b|"
                           r"\b(?:while|whereas|against)\b|\bbut\b(?!\s+(?:also|not|only)\b)|"
                           rf"\band\b(?=\s+{_AUXILIARY}))\s*", re.I)
_PREDICATE = re.compile(rf"^{_AUXILIARY}", re.I)
# The subject of a sentence's first clause, and its modal if it has one ("Drivers", "must").
_SUBJECT = re.compile(rf"^(.*?)\s+(?:(must|should|may|might|needs? to|has to|have to)\b|{_AUXILIARY})", re.I)

# "at no charge" and "free for non-profit groups" deny nothing: "no" there is a price and "non-" a
# kind of group; "non-" negates only as what is said of something ("Tickets are non-refundable").
NEGATION = re.compile(
    r"\b(not|never|none|nor|without|cannot|can't|don't|doesn't|isn't|aren't|won't|wasn't|weren't|"
    r"neither|unsupported|n't|lacks?|absent|missing|excluded|except|banned|prohibited|forbidden|nobody|"
    r"no one)\b|"
    r"\bleft (?:to|for) future work\b|"
    r"\b(?<!\bat\s)no\b(?!-shows?\b)|\bno\b(?!\s+(?:extra\s+|additional\s+)?(?:charge|cost)\b)(?!-shows?\b)|"
    r"(?:(?<=\bis\s)|(?<=\bare\s)|(?<=\bbe\s)|(?<=\bwas\s)|(?<=\bwere\s)|(?<=\bbeen\s))non\b|\bnon\b(?!-)|"
    r"(없|않|안 |못 |아니|ない|ません|不|無|非)", re.I)

# A "not" or "no" that is no denial of the statement: in its subject ("Pieces not collected within 2
# months are recycled"), on an alternative it sets aside ("… home from work, not from nights out."),
# on a deed it gives reasons for ("reasons for not buying one"), or a bound ("no larger than 4 cm").
_NOT_OF_A_PART = re.compile(r"^\s*(?:[\w'-]+\s+){1,3}not\s+\w+ed\b(?=[^,;]*\b(?:are|is|will|get|gets)\b)"
                            r"|,\s*(?:and\s+)?not\s+[^,;.]*[.!]?\s*$|\bfor not \w+ing\b"
                            r"|\bno (?:more|less|larger|bigger|longer|higher|heavier|later|earlier|fewer|smaller|"
                            r"shorter|wider|thicker) than\b", re.I)


def states_negatively(text: str) -> bool:
    """Is the statement itself negative ("not waterproof"), not just a part of it?"""
    return bool(NEGATION.search(_NOT_OF_A_PART.sub(" ", text)))


_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100,
}
_UNIT = (r"%|°\s?[CF]|km/h|mph|kWh|Wh|mAh|Ah|kW|W|V|mA|A|Hz|kHz|MHz|GHz|KB|MB|GB|TB|PB|Kbps|Mbps|Gbps|ms|µs|ns"
         r"|seconds?|secs?|s|minutes?|mins?|min|hours?|hrs?|h|days?|weeks?|months?|years?|epochs?|cycles?"
         r"|mg|kg|g|lbs?|oz|(?:kilo|centi|milli)?(?:metres?|meters?)|mm|cm|km|m|inch(?:es)?|ft|feet|L|ml|mL|dB|rpm"
         r"|fps|psi|bar|ppm|ppb|pyeong|GPUs?|CPUs?|cores?"
         r"|floors?|points?|litres?|liters?|gallons?|gal|euros?|dollars?|yen|won|€|평|층|년|개월|시간|분|원|일|坪|階|年|か月|時間|分|円|日")
# "15 extra minutes", "two more hours": the amount is still in minutes and hours.
_MORE = r"(?:(?:extra|more|additional|further|free|school|calendar|academic|full|consecutive)\s)?"
_VALUE = re.compile(
    rf"(?<![A-Za-z0-9_.])(\d+(?:[.,]\d+)*(?:[-–]\d+)*)(?:\s?-?\s?{_MORE}({_UNIT})(?![A-Za-z]))?|"
    rf"\b({'|'.join(_NUMBER_WORDS)})\b(?:[\s-]{_MORE}({_UNIT})(?![A-Za-z]))?",
    re.I,
)
_CURRENCY_BEFORE = re.compile(r"([$€£¥₩])\s?$")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.I)


@dataclass(frozen=True)
class Value:
    number: str  # canonical: "1024", "2.5", "02-6789-2345"
    unit: str  # canonical unit key ("" when none)
    raw: str

    @property
    def key(self) -> tuple[str, str]:
        return self.number, self.unit


def unit_key(unit: str) -> str:
    unit = (unit or "").strip().replace(" ", "").replace("°", "")
    low = unit.lower()
    aliases = {"hours": "h", "hour": "h", "hrs": "h", "hr": "h", "min": "minute", "mins": "minute",
               "minutes": "minute", "sec": "s", "secs": "s", "seconds": "s", "second": "s", "inches": "inch",
               "feet": "ft", "gpu": "gpu", "gpus": "gpu", "cpu": "cpu", "cpus": "cpu", "cores": "core",
               "years": "year", "days": "day", "weeks": "week", "months": "month", "epochs": "epoch",
               "cycles": "cycle", "floors": "floor", "points": "point", "terms": "term", "lbs": "lb",
               "litre": "L", "litres": "L", "liter": "L", "liters": "L", "l": "L", "ml": "ml", "gallon": "gal",
               "gallons": "gal", "metre": "m", "metres": "m", "meter": "m", "meters": "m", "kilometre": "km",
               "kilometres": "km", "kilometer": "km", "kilometers": "km", "centimetre": "cm", "centimetres": "cm",
               "centimeter": "cm", "centimeters": "cm", "millimetre": "mm", "millimetres": "mm", "millimeter": "mm",
               "millimeters": "mm",
               "층": "floor", "년": "year", "개월": "month", "시간": "h", "분": "minute", "평": "pyeong",
               "坪": "pyeong", "階": "floor", "年": "year", "か月": "month", "時間": "h", "分": "minute",
               "euro": "EUR", "euros": "EUR", "€": "EUR", "dollar": "USD", "dollars": "USD", "yen": "JPY", "円": "JPY",
               "won": "KRW", "원": "KRW", "일": "day", "日": "day", "$": "USD", "£": "GBP", "¥": "JPY", "₩": "KRW"}
    if low in aliases:
        return aliases[low]
    return unit if len(unit) <= 3 else low


def canon_number(raw: str) -> str:
    """A number as `Value.number` writes it: "1,024" → "1024", "2,5" → "2.5", "45–65" → "45-65"."""
    raw = raw.replace("–", "-")  # a range's en dash is its hyphen
    if re.fullmatch(r"\d+,\d{1,2}", raw):
        return raw.replace(",", ".")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
        return raw.replace(",", "")
    return raw


@lru_cache(maxsize=8192)
def values_in(text: str) -> tuple[Value, ...]:
    """The values a text states, in order (cached: every check of a pair asks again)."""
    out: list[Value] = []
    for match in _VALUE.finditer(text):
        digits, unit, word, word_unit = match.groups()
        if digits:
            number = canon_number(digits)
            following = text[match.end(1):match.end(1) + 3]
            ordinal = re.match(r"(st|nd|rd|th)\b", following)
            if ordinal and not unit:
                unit = "floor" if re.match(r"\s*floor", text[match.end(1) + 2:match.end(1) + 10], re.I) else ""
            raw = match.group(0)
            if unit == "a":  # "€260 a month": the article, not amperes
                unit, raw = None, digits
            if unit == "s" and re.search(r"\b(?:over|under)-$", text[:match.start()], re.I):
                unit, raw = None, digits  # "over-60s": an age group, not seconds
            currency = _CURRENCY_BEFORE.search(text, max(0, match.start() - 2), match.start())
            if currency and not unit:  # "$10": a price, not a bare count
                unit = currency.group(1)
            out.append(Value(number, unit_key(unit or ""), raw))
        else:
            out.append(Value(str(_NUMBER_WORDS[word.lower()]), unit_key(word_unit or ""), match.group(0)))
    return tuple(out)


# A change from one figure to another in a table cell: "31% → 44%", "6.1 → 4.8".
# A figure, thousands and all ("21,400" is one; `canon_number` reads it).
FIGURE = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
CHANGE_ARROW = re.compile(rf"({FIGURE})\s*%?\s*→\s*({FIGURE})")

# The period a price is for: "€18 per 24 hours", "$29/month", "€20 a night", "£9,000 per school
# for the year".
PRICE_PERIOD = re.compile(r"\s*(?:per\s+[a-z]+\s+)?(?:per|a|an|each|every|/|for (?:the|a|one|each))\s*"
                          r"(?:(?P<count>\d+)\s*)?"
                          r"(?P<unit>hours?|hrs?|h|days?|nights?|weeks?|months?|mo|years?|yr|annum|seasons?|terms?)\b"
                          r"|\s+(?P<adjective>hourly|daily|nightly|weekly|monthly|yearly|annual)\b", re.IGNORECASE)
PERIOD_KEY = {"hour": "h", "hours": "h", "hr": "h", "hrs": "h", "h": "h", "day": "day", "days": "day", "night": "day",
               "nights": "day", "week": "week", "weeks": "week", "month": "month", "months": "month", "mo": "month",
               "year": "year", "years": "year", "yr": "year", "annum": "year", "hourly": "h", "daily": "day",
               "nightly": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annual": "year",
               "season": "season", "seasons": "season", "term": "term", "terms": "term"}
CURRENCIES = frozenset({"USD", "EUR", "GBP", "JPY", "KRW"})  # unit keys of prices


def price_periods(text: str) -> dict[str, set[str]]:
    """Price → the periods the text gives it for ("18" → {"day"} of "€18 per 24 hours")."""
    out: dict[str, set[str]] = {}
    position = 0
    for value in values_in(text):
        start = text.find(value.raw, position)
        if start < 0:
            continue
        position = start + len(value.raw)
        if value.unit not in CURRENCIES or not (period := PRICE_PERIOD.match(text, position)):
            continue
        unit = PERIOD_KEY[(period.group("unit") or period.group("adjective")).lower()]
        count = int(period.group("count") or 1)
        if unit == "h" and count % 24 == 0:
            unit, count = "day", count // 24
        out.setdefault(value.number, set()).add(unit if count == 1 else f"{count} {unit}")
    for number, unit in _priced_by_column(text):
        out.setdefault(number, set()).add(unit)
    return out


_COLUMN_PERIOD = re.compile(r"\bper\s+(hour|day|night|week|month|year|season|term)\b"
                            r"|\b(hourly|daily|nightly|weekly|monthly|yearly|annual)\b", re.I)


def _priced_by_column(text: str) -> list[tuple[str, str]]:
    """(price, period) of each price in a table column whose header names a period ("| Per year |")."""
    found, header = [], None
    for line in text.splitlines():
        if not line.strip().startswith("|"):
            header = None
            continue
        cells = row_cells(line)
        if header is None:
            header = cells
        elif not all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            for name, cell in zip(header, cells):
                if period := _COLUMN_PERIOD.search(name):
                    unit = PERIOD_KEY[(period.group(1) or period.group(2)).lower()]
                    found += [(v.number, unit) for v in values_in(cell) if v.unit in CURRENCIES]
    return found


def row_cells(line: str) -> list[str]:
    """The cells of a markdown table row."""
    return [c.strip() for c in line.strip().strip("|").split("|")]


@dataclass(frozen=True)
class Fact:
    text: str  # the fact as it reads
    about: str  # what it is about, without its value
    value: str  # "" for a clause of prose
    negative: bool  # stated negatively
    kind: str  # "cell", "row", "field", "name" (a record's name field), "clause" or "sentence" (of clauses)
    entity: str = ""  # the table row or record the fact belongs to ("" for prose)
    caption: str = ""  # of a table's cell or row: the line above the table ("Table 3. Weekday counts …")

    @property
    def values(self) -> tuple[Value, ...]:
        return tuple(values_in(self.value or self.text))


def _flag_polarity(value: str) -> bool | None:
    low = normalize(value).strip(". ")
    if low in _FLAG_YES:
        return True
    if low in _FLAG_NO:
        return False
    return None


# Words that give a value as an upper limit ("up to 6 hours", "a maximum of $5").
UPPER_LIMIT_WORDS = r"up to|(?:a )?maximum of|at most|at the most|no more than|not more than|limited to"

_HEADER_UNIT = re.compile(r"\(([^()]{1,12})\)\s*$")
_ROW_UNIT = re.compile(r"\(([^()\d%]{1,6}(?:\s+per\s+[^()]{1,20})?)\)\s*$")


def _table_facts(rows: list[list[str]], caption: str = "") -> list[Fact]:
    """A table's cells and rows as facts; `caption` is the line above it, whose "(unit)" is the
    unit of bare numbers no column heading gives one ("Table 2. Energy use by season (kWh/km).")."""
    header, body = rows[0], rows[1:]
    caption_unit = _HEADER_UNIT.search(caption.rstrip(" ."))
    facts = []
    # In a table of several columns each row is a thing (a method, an error code); in a
    # two-column "item | value" table each row is an attribute of the document's subject.
    things = len(header) > 2 or normalize(header[-1]) not in ("value", "values", "details", "specification",
                                                              "값", "値", "사양", "仕様")
    for row in body:
        label = row[0] if row else ""
        entity = label if things else ""
        for j, cell in enumerate(row[1:], 1):
            column = header[j] if j < len(header) else ""
            column = "" if normalize(column) in ("value", "values", "값", "値") else column
            about = f"{label} {column}".strip()
            # A bare number in a column headed "Latency (ms/query)" is in ms.
            # The caption's unit is not that of a column counting things ("Buses", "n").
            counts = re.fullmatch(r"[^\W\d_]+s|n|count|number", normalize(column).strip())
            # Or, in a table whose rows are measures, the row's: "Sitting time (min per 8-hour day)".
            unit = _HEADER_UNIT.search(column) or _ROW_UNIT.search(label) or (None if counts else caption_unit)
            value = cell
            if unit and re.fullmatch(r"\d+(?:[.,]\d+)?", cell.strip()):
                value = f"{cell.strip()} {unit.group(1).split('/')[0].strip()}"
            polarity = _flag_polarity(cell)
            facts.append(Fact(f"{about}: {cell}", about, value, polarity is False or bool(NEGATION.search(cell)), "cell",
                              entity, caption))
        # The whole row as one statement too: an answer may say what two of its cells say.
        facts.append(Fact(" | ".join(row), label, "", False, "row", entity, caption))
    return facts


def _field_facts(lines: list[str]) -> list[Fact]:
    pairs = [(m.group(1).strip(), m.group(2).strip()) for m in map(_FIELD.match, lines) if m]
    entity = next((v for k, v in pairs if _NAME_KEYS.search(k)), "")
    facts = []
    for key, value in pairs:
        about = f"{entity} {key}".strip() if value != entity else key
        polarity = _flag_polarity(value)
        # The record's name field names it; it states nothing about it.
        kind = "name" if value == entity else "field"
        facts.append(Fact(f"{about}: {value}", about, value, polarity is False, kind, entity))
        if len(value) > 80:  # a description: each of its sentences is a statement too
            for sentence in sentences(value, min_chars=12):
                facts.append(Fact(sentence, f"{entity} {sentence}", "", bool(NEGATION.search(sentence)), "clause",
                                  entity))
    return facts


_HEADING = re.compile(r"^\s*#{1,6}\s*[•◦▪\-*]*\s*")


def _clause_facts(text: str) -> list[Fact]:
    facts = []
    # A heading that is a sentence (PDF readers make bullets into headings) states a fact;
    # a short one only names a topic.
    lines: list[str] = []
    open_heading = False  # a heading-made sentence that runs on into the next line
    for line in text.splitlines():
        if _HEADING.match(line) and len(_HEADING.sub("", line).split()) > 4:
            line = _HEADING.sub("", line)
            if open_heading and lines:
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
            open_heading = not line.rstrip().endswith((".", "!", "?", ":"))
            continue
        if open_heading and line.strip() and lines:
            lines[-1] = f"{lines[-1]} {line.strip()}"
            open_heading = not line.rstrip().endswith((".", "!", "?", ":"))
            continue
        if line.strip():
            open_heading = False
        lines.append(line)
    # Bullets inside a line (a PDF's list run together) start statements of their own.
    text = re.sub(r"\s[•◦▪]\s", "\n\n", "\n".join(lines))
    for sentence in sentences(text, min_chars=4, max_chars=2000):
        if sentence.startswith("|"):
            continue
        clauses = [c for c in _CLAUSE_SPLIT.split(sentence) if c and len(c) > 2] or [sentence]
        clauses = [piece for clause in clauses for piece in _gapped(clause)]
        head = clauses[0]
        subject = None
        for clause in clauses:
            # A clause without a subject of its own ("against 14 GB for SPLADE") reads with the
            # sentence's first clause; a second predicate ("… and does not dry the dishes") with
            # the subject of the clause it goes on from alone ("Use only clean water: cleaning
            # solutions can damage the pump and are not covered"), not with what was said of it.
            about = clause if clause is head else f"{clause} {head}"
            if clause is not head and subject and _PREDICATE.match(clause):
                about = " ".join(filter(None, (subject.group(1), subject.group(2), clause)))
            elif found := _SUBJECT.match(clause):
                subject = found
            facts.append(Fact(clause, about, "", states_negatively(clause), "clause"))
        if len(clauses) > 1:  # the whole sentence too, for what spans its clauses
            facts.append(Fact(sentence, sentence, "", states_negatively(sentence), "sentence"))
    return facts


_GOES_ON = re.compile(r"(?:or|and|but|up|down|to|with|which|whichever|whose|where|when|at|for|from|in|on|by|than|"
                      r"including|plus|per|each|every|about|around|so|then|while|rising|falling|reaching|"
                      r"compared|against|versus|vs|i\.e|e\.g)\b", re.I)


_CONDITION = re.compile(r"(?:if|when|whenever|once|unless|provided|as long as)\b", re.I)


def _gapped(clause: str) -> list[str]:
    """A clause that lists values for several things after one verb ("Books are lent for 3
    weeks, DVDs and video games for 1 week"), split at each comma that starts another value's
    part, so that each value stays with its own subject."""
    parts: list[str] = []
    for piece in clause.split(", "):
        # "…, or 500 cycles", "…, up to $10": the same thing's value goes on; a new subject starts a part.
        # An opening phrase ("With the wall charger at 1,500 W, the battery charges …") is no part of its own.
        # So is a condition ("If your sailing arrives more than 60 minutes late, you can claim
        # back 50%"): what follows holds only under it.
        if parts and values_in(piece) and values_in(parts[-1]) and not _GOES_ON.match(piece) \
                and not (len(parts) == 1 and (_GOES_ON.match(parts[0]) or _CONDITION.match(parts[0]))):
            parts.append(piece)
        elif parts:
            parts[-1] = f"{parts[-1]}, {piece}"
        else:
            parts.append(piece)
    return parts


@lru_cache(maxsize=256)
def facts_of(source: str) -> tuple[Fact, ...]:
    """Every fact of a passage: table cells, record fields, clauses of its prose."""
    facts: list[Fact] = []
    prose: list[str] = []
    table: list[list[str]] = []
    fields: list[str] = []

    def flush_table() -> None:
        if len(table) > 1:
            caption = next((line for line in reversed(prose) if line.strip()), "")
            facts.extend(_table_facts(table, caption))
        table.clear()

    def flush_fields() -> None:
        if len(fields) >= 2:
            facts.extend(_field_facts(fields))
        else:
            prose.extend(fields)
        fields.clear()

    for line in source.splitlines():
        if _TABLE_ROW.match(line):
            flush_fields()
            if not _RULE_ROW.match(line):
                table.append(row_cells(line))
            continue
        flush_table()
        if _FIELD.match(line) and not line.lstrip().startswith("#"):
            fields.append(line)
            continue
        flush_fields()
        prose.append(line)
    flush_table()
    flush_fields()
    facts.extend(_clause_facts("\n".join(prose)))
    return tuple(facts)


def acronyms(text: str) -> set[str]:
    """Initials of capitalised word runs ("Natural Questions" → "nq"), so a question may
    name what the source abbreviates, and the other way round."""
    return {"".join(w[0] for w in run.split()).lower() for run in capitalised_runs(text)}


def capitalised_runs(text: str) -> list[str]:
    """Runs of two or more capitalised words: "Natural Questions", "Intel Xeon Gold"."""
    return re.findall(r"\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*)+", text)


def about_stems(text: str) -> set[str]:
    """Stems a text is about, with acronyms of its capitalised runs, values left out."""
    if has_cjk(text):
        return set(stems(text))
    return set(stems(text)) | acronyms(text)
