"""The named terms of a text (acronyms, CamelCase, model numbers, quoted or code spans, proper
nouns) and those a source lacks: what the term checks and the polarity check's "no about a
thing the source does not name" both read."""

from __future__ import annotations

import re
from functools import lru_cache

from ..tools.text import STOPWORDS, has_cjk, normalize, plain, words
from .facts import acronyms, capitalised_runs


@lru_cache(maxsize=256)
def _plain(source: str) -> str:
    return plain(source)


_TERM_CANDIDATE = re.compile(r"[`\"“][^`\"”]{2,60}[`\"”]|[\w][\w.+/-]*[\w+]|\w", re.UNICODE)
# A sentence's start, a list item's, a Markdown label's ("2. **Outputs:** …") or a table cell's.
_SENTENCE_START = re.compile(r"(^|[.!?:;]\s+|\n\s*|^\W+|\|\s*)(?:\d+[.)]\s+|[-*•]\s+)?(?:\*\*|__|\*|_)?$")


# Capitalised words every text may use: days, months, "OK". They name no product or person.
_CALENDAR_WORDS = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
june july august september october november december ok""".split())


def named_terms(answer: str) -> list[str]:
    """Terms that make a claim: acronyms, CamelCase, letters mixed with digits, quoted or
    code spans, and capitalised words that do not start a sentence."""
    terms: list[str] = []
    for match in _TERM_CANDIDATE.finditer(answer):
        token = match.group()
        if token[0] in "`\"“":
            terms.append(token.strip("`\"“”"))
            continue
        if has_cjk(token) or len(token) < 2:
            continue
        letters = [c for c in token if c.isalpha()]
        if not letters:
            continue  # pure numbers: the number check's job
        acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
        camel = bool(re.search(r"[a-z][A-Z]", token))
        mixed = bool(re.search(r"\d", token))
        capitalised = token[0].isupper() and not _SENTENCE_START.search(answer[: match.start()])
        if (acronym or camel or mixed or capitalised) and token.lower() not in STOPWORDS \
                and token.lower() not in _CALENDAR_WORDS:
            terms.append(token)
    return terms


_QUANTITY_WORD = re.compile(r"^\d+(?:[.,]\d+)?(?:st|nd|rd|th)?(?:-\w+)*(?:/\w+)?$")  # "5-year", "9-year-old", "29/month"


def _in_an_age_range(term: str, source: str) -> bool:
    """Is an age group ("under 9") inside a range of them the source gives ("under 7 to under 10")?"""
    age = re.fullmatch(r"(under|over) (\d+)", term)
    return bool(age) and any(int(low) <= int(age.group(2)) <= int(high) for low, high in re.findall(
        rf"\b{age.group(1)} (\d+) (?:to|-|–) (?:{age.group(1)} )?(\d+)\b", source))


def missing_terms(text: str, source: str) -> list[str]:
    """Named terms of `text` the source lacks. A quantity written as one word ("5-year",
    "3rd") is the number check's; a run of capitalised words the source abbreviates ("Natural
    Questions" for "NQ") is there."""
    source_plain = _plain(source)
    source_words = set(words(source_plain))
    abbreviated = {run for run in acronyms(text) if run in source_words}
    missing = []
    for term in named_terms(text):
        # ("under-18" of the source's "Under 18": one term, hyphenated as a modifier)
        spaced = normalize(re.sub(r"(?<=\d)s$", "", term.replace("-", " ")))  # "over-60s" of "over 60"
        # (or its plural: "Sundays" of "on one Sunday afternoon each month")
        singular = normalize(term[:-1]) if term.endswith("s") and len(term) > 3 else None
        if normalize(term) in source_plain or spaced in source_plain or (singular and re.search(
                rf"\b{re.escape(singular)}\b", source_plain)) \
                or _QUANTITY_WORD.match(term) or _in_an_age_range(spaced, source_plain):
            continue
        runs = [run for run in capitalised_runs(text) if term in run.split()]
        if any("".join(w[0] for w in run.split()).lower() in abbreviated for run in runs):
            continue
        missing.append(term)
    return list(dict.fromkeys(missing))
