"""The QA critic's deterministic checks: they never call a model, so no model (weak or
strong) can talk its way past them.

Each check function returns a `CheckResult`; a failed check names what it found. All
checks compare against the *source* (the chunk plus any passage the answerer looked up).
The named `Check` objects at the end say what each rejects; `QA_CHECKS` runs them all.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..tools.dedup import DUPLICATE_SIMILARITY, QuestionRegistry
from ..tools.language import UNKNOWN, detect_language
from ..tools.text import STOPWORDS, content_tokens, has_cjk, normalize, plain, sentences, stem, stems, words
from .base import Candidate, Check, CheckResult, CheckSet, fail, ok

SUPPORT_THRESHOLD = 0.75  # share of each answer sentence's distinct content words found in the source
RELEVANCE_THRESHOLD = 0.15  # below this the answer is about something else entirely
MIN_WORDS_FOR_SUPPORT = 4  # shorter answers are judged by the number/term checks alone
CONFIRMED_OFF_TARGET = 0.5  # relevance below which a critic model's "does not answer" is confirmed
ON_TOPIC_THRESHOLD = 0.25  # share of the question's content words that must occur in the source


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


def check_not_refusal(answer: str, answerable: bool = True, error: str | None = None) -> CheckResult:
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
    if len(text) >= 80 and not text.endswith(_TERMINAL) and not re.search(r"[\w)]$", text[-1:]):
        return fail("not_truncated", f"answer ends abruptly: {text[-30:]!r}")
    if text.count("```") % 2 or text.count("(") > text.count(")"):
        return fail("not_truncated", "unbalanced brackets or code fence")
    return ok("not_truncated")


# --- numbers, units and named terms -------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)*")
_UNITS = (
    r"%|°\s?[CF]|kWh|Wh|mAh|Ah|kW|W|V|mA|A|Hz|kHz|MHz|GHz|KB|MB|GB|TB|PB|Kbps|Mbps|Gbps|ms|µs|ns"
    r"|seconds?|secs?|s|minutes?|mins?|min|hours?|hrs?|h|days?|weeks?|months?|years?"
    r"|mg|kg|g|lbs?|oz|mm|cm|km|m|in|inch(?:es)?|ft|feet|L|ml|mL|dB|rpm|fps|psi|bar|pyeong|GPUs?|CPUs?|cores?"
)
_QUANTITY = re.compile(rf"(\d+(?:[.,]\d+)*)\s?({_UNITS})(?![\w])")
_UNIT_WINDOW = 80  # characters around a number in the source where its unit may stand


def _canon_number(raw: str) -> str:
    # "1,024" → "1024"; a lone comma with 1-2 trailing digits is a decimal comma ("2,5" → "2.5").
    if re.fullmatch(r"\d+,\d{1,2}", raw):
        return raw.replace(",", ".")
    return raw.replace(",", "")


def _numbers(text: str) -> set[str]:
    return {_canon_number(n) for n in _NUMBER.findall(text)}


def _unit_key(unit: str) -> str:
    unit = unit.replace(" ", "")
    if len(unit) > 3 and unit.lower().endswith("s"):  # hours → hour, minutes → minute
        unit = unit[:-1]
    return unit.lower() if len(unit) > 3 else unit


def check_numbers_grounded(answer: str, source: str) -> CheckResult:
    """Every number in the answer occurs in the source, and a unit attached to it occurs
    next to that number in the source (so "5 GB" cannot stand for the source's "5 MB")."""
    source_numbers = _source_numbers(source)
    missing = sorted(n for n in _numbers(answer) if n not in source_numbers)
    if missing:
        return fail("numbers_grounded", f"numbers not in source: {', '.join(missing[:5])}")
    for raw_number, unit in _QUANTITY.findall(answer):
        windows = _number_windows(source).get(_canon_number(raw_number), ())
        wanted = _unit_key(unit)
        if not any(wanted in {_unit_key(u) for _, u in _QUANTITY.findall(w)} or
                   re.search(rf"(?<![\w]){re.escape(unit)}(?![\w])", w, re.I) for w in windows):
            return fail("numbers_grounded", f"unit not in source next to {raw_number}: {unit!r}")
    return ok("numbers_grounded")


_TERM_CANDIDATE = re.compile(r"[`\"“][^`\"”]{2,60}[`\"”]|[\w][\w.+/-]*[\w+]|\w", re.UNICODE)
_SENTENCE_START = re.compile(r"(^|[.!?:;]\s+|\n\s*|^\W+)$")


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
        if (acronym or camel or mixed or capitalised) and token.lower() not in STOPWORDS:
            terms.append(token)
    return terms


def _missing_terms(text: str, source: str) -> list[str]:
    source_plain = _source_plain(source)
    return list(dict.fromkeys(t for t in named_terms(text) if normalize(t) not in source_plain))


def check_terms_grounded(answer: str, source: str) -> CheckResult:
    missing = _missing_terms(answer, source)
    if missing:
        return fail("terms_grounded", f"terms not in source: {', '.join(missing[:5])}")
    return ok("terms_grounded")


def check_question_terms_grounded(question: str, source: str, subject: str = "") -> CheckResult:
    """A question about a product, person or code the source never names has a false premise.
    The document's subject (title, domain) counts as named."""
    missing = _missing_terms(question, f"{source}\n{subject}")
    if missing:
        return fail("question_terms_grounded", f"question names what the source does not: {', '.join(missing[:5])}")
    return ok("question_terms_grounded")


# --- lexical support and topic ----------------------------------------------------------

# The critic checks every pair of an item, sentence by sentence, against the same passage:
# what the checks derive from a passage is worked out once (read-only results).
_PASSAGES = 256


@lru_cache(maxsize=_PASSAGES)
def _source_stems(source: str) -> frozenset[str]:
    return frozenset(stem(t) for t in content_tokens(plain(source)))


@lru_cache(maxsize=_PASSAGES)
def _source_plain(source: str) -> str:
    return plain(source)


@lru_cache(maxsize=_PASSAGES)
def _source_numbers(source: str) -> frozenset[str]:
    return frozenset(_numbers(source))


@lru_cache(maxsize=_PASSAGES)
def _number_windows(source: str) -> dict[str, list[str]]:
    """Each number of the source (canonical form) with the text around each place it stands."""
    windows: dict[str, list[str]] = {}
    for m in _NUMBER.finditer(source):
        windows.setdefault(_canon_number(m.group()), []).append(
            source[max(0, m.start() - _UNIT_WINDOW) : m.end() + _UNIT_WINDOW])
    return windows


@lru_cache(maxsize=_PASSAGES)
def _source_sentences(source: str) -> tuple[tuple[tuple[str, frozenset[str]], ...], Counter]:
    """The passage's sentences with their stems, and in how many sentences each stem occurs."""
    units = tuple((unit, frozenset(stems(unit))) for unit in (sentences(source) or [source]))
    return units, Counter(word for _, unit_stems in units for word in unit_stems)


def support_ratio(text: str, source: str) -> tuple[float, int, list[str]]:
    """Share of `text`'s distinct content words (stemmed) that occur in `source`.
    Distinct, so repeating grounded words cannot dilute an invented one."""
    source_stems = _source_stems(source)
    tokens = list(dict.fromkeys(t for t in content_tokens(text) if not t.isdigit()))
    if not tokens:
        return 1.0, 0, []
    unsupported = [t for t in tokens if stem(t) not in source_stems]
    return 1 - len(unsupported) / len(tokens), len(tokens), unsupported


_ANSWER_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")


def check_content_supported(answer: str, source: str) -> CheckResult:
    """Every sentence of the answer must stand on the source: a grounded first sentence
    cannot carry an invented second one."""
    worst: tuple[float, int, list[str]] = (1.0, 0, [])
    for sentence in _ANSWER_SENTENCE.split(answer.strip()) or [answer]:
        ratio, count, unsupported = support_ratio(sentence, source)
        if count >= MIN_WORDS_FOR_SUPPORT and ratio < worst[0]:
            worst = (ratio, count, unsupported)
    ratio, _, unsupported = worst
    if ratio < SUPPORT_THRESHOLD:
        shown = ", ".join(unsupported[:6])
        return fail("content_supported", f"{ratio:.0%} of a sentence's words are in the source (not: {shown})", ratio)
    return ok("content_supported", round(support_ratio(answer, source)[0], 3))


def best_supporting_sentence(answer: str, source: str) -> str:
    """The source sentence sharing the most content words with the answer."""
    answer_stems = set(stems(answer))
    units, _ = _source_sentences(source)
    return max(units, key=lambda unit: len(answer_stems & unit[1]))[0] if source.strip() else ""


def answer_relevance(
    question: str, answer: str, source: str, evidence: str | None = None, subject: str = ""
) -> float | None:
    """How much of the question the answer (with its supporting source sentence) covers.

    Question words are weighted by how rare they are among the source's sentences, so a
    product name that appears everywhere counts less than "colour" or "warranty": an
    answer about the product that ignores what was asked scores low. Words of `subject`
    (the document's title or domain) count as covered: answers often leave it implicit.
    """
    implicit = set(stems(subject))
    question_stems = [w for w in stems(question) if w not in implicit]
    units, frequency = _source_sentences(source)
    if not any(frequency[w] for w in question_stems):
        return None  # nothing asked that the source words could show: overlap cannot tell
    weight = {word: len(units) / (1 + frequency[word]) for word in question_stems}
    covered = set(stems(f"{answer}\n{evidence or ''}\n{best_supporting_sentence(answer, source)}"))
    total = sum(weight.values())
    return sum(w for word, w in weight.items() if word in covered) / total if total else 1.0


def check_answers_question(
    question: str, answer: str, source: str, evidence: str | None = None, subject: str = ""
) -> CheckResult:
    score = answer_relevance(question, answer, source, evidence, subject)
    if score is None:
        return ok("answers_question")
    if score < RELEVANCE_THRESHOLD:
        return fail("answers_question", f"the answer covers {score:.0%} of what the question asks", round(score, 3))
    return ok("answers_question", round(score, 3))


_DEICTIC = re.compile(
    r"\b(the|this|that|above|given|provided) (passage|text|document|source|section|excerpt|paragraph|context)\b", re.I
)


def check_question_standalone(question: str) -> CheckResult:
    """A question that leans on "the passage" / "the text" makes no sense to a reader of
    the dataset, who never sees the source."""
    match = _DEICTIC.search(question)
    if match:
        return fail("question_standalone", f"the question refers to {match.group()!r}, which a reader cannot see")
    return ok("question_standalone")


# Japanese and Korean sentence endings that state nothing ("Xです。" = "It is X.").
_CJK_COPULA = re.compile(r"(です|でした|である|だ|ます|ました|입니다|이다|예요|이에요|습니다|합니다)[。.!！]?\s*$")


def check_adds_information(question: str, answer: str) -> CheckResult:
    """The answer must say something the question did not: an answer that only restates
    the question ("X is the maker of X") looks grounded and on point, and teaches nothing."""
    new_words = set(stems(_CJK_COPULA.sub("", answer))) - set(stems(question))
    new_numbers = _numbers(answer) - _numbers(question)
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


def check_question_on_topic(question: str, source: str) -> CheckResult:
    ratio, count, _ = support_ratio(question, source)
    if count and ratio < ON_TOPIC_THRESHOLD:
        return fail("question_on_topic", f"only {ratio:.0%} of the question's words are in the source", ratio)
    return ok("question_on_topic", round(ratio, 3))


# --- language and duplicates --------------------------------------------------------------

def check_language(question: str, answer: str, expected: str, source: str = "") -> CheckResult:
    if expected in ("", UNKNOWN):
        return ok("language")
    source_in_expected = bool(source) and detect_language(source) == expected
    for field, text in (("question", question), ("answer", answer)):
        if source_in_expected and _mostly_source_words(text, source):
            continue  # made of the passage's own words: the passage's language (no statistics needed)
        found = detect_language(text)
        if found not in (UNKNOWN, expected):
            return fail("language", f"{field} is in {found!r}, expected {expected!r}")
        # Too short for statistics, but a Japanese/Korean/Chinese sentence of several
        # words without a single CJK character is not in that language.
        if expected in _CJK_LANGUAGES and not has_cjk(text) and len(words(text)) >= _MIN_WORDS_FOR_SCRIPT_CHECK:
            return fail("language", f"{field} has no {_CJK_LANGUAGES[expected]} script, expected {expected!r}")
    return ok("language")


_CJK_LANGUAGES = {"ja": "Japanese", "ko": "Korean", "zh": "Chinese"}
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


def check_not_duplicate(question: str, registry: QuestionRegistry) -> CheckResult:
    return duplicate_result(registry.find_duplicate(question))


def duplicate_result(duplicate: str | None) -> CheckResult:
    if duplicate is not None:
        return fail("not_duplicate", f"duplicate of an accepted question: {duplicate[:80]!r}")
    return ok("not_duplicate")


# --- the named checks, in the order a reader would want the reasons ----------------------

def _grounded(decide):
    return lambda c: decide(c) if c.source is not None else None


QA_CHECKS = CheckSet("qa", (
    Check("not_empty", "the answer has no letters or digits", lambda c: check_not_empty(c.answer)),
    Check("not_refusal", 'the answer is a refusal or "the text does not say", or the answerer found no answer',
          lambda c: check_not_refusal(c.answer, c.answerable, c.answer_error)),
    Check("not_truncated", "the reply hit the token limit, ends mid-sentence, or has unbalanced brackets",
          lambda c: check_not_truncated(c.answer, c.finish_reason)),
    Check("numbers_grounded", 'a number is not in the source, or its unit is not next to it there ("5 GB" vs "5 MB")',
          _grounded(lambda c: check_numbers_grounded(c.answer, c.source))),
    Check("terms_grounded", "a named term (acronym, CamelCase, model number, quoted or code span, proper noun) is "
          "not in the source", _grounded(lambda c: check_terms_grounded(c.answer, c.source))),
    Check("content_supported", f"in some sentence of the answer, under {SUPPORT_THRESHOLD:.0%} of its distinct content "
          "words (stemmed) occur in the source", _grounded(lambda c: check_content_supported(c.answer, c.source))),
    Check("question_well_formed", 'the question is neither a question nor a request ("Summarise …")',
          lambda c: check_question_well_formed(c.question)),
    Check("question_standalone", 'the question leans on "the passage", "the text", "the document" … that a reader '
          "of the dataset never sees", lambda c: check_question_standalone(c.question)),
    Check("question_on_topic", f"under {ON_TOPIC_THRESHOLD:.0%} of the question's content words occur in the source",
          _grounded(lambda c: check_question_on_topic(c.question, c.source))),
    Check("question_terms_grounded", "the question names a term that neither the source nor the document's title or "
          "domain contains (a false premise)",
          _grounded(lambda c: check_question_terms_grounded(c.question, c.source, c.subject))),
    Check("answers_question", f"the answer and the sentence supporting it cover under {RELEVANCE_THRESHOLD:.0%} of "
          "what the question asks (words weighted by how rare they are in the source; the document's subject may "
          "stay implicit)",
          _grounded(lambda c: check_answers_question(c.question, c.answer, c.source, c.evidence, c.subject))),
    Check("adds_information", "the answer only restates the question (no word or number the question lacks)",
          lambda c: check_adds_information(c.question, c.answer)),
    Check("language", "question or answer is in another language than `--language` / the document's",
          lambda c: check_language(c.question, c.answer, c.language, c.source or "")),
    Check("not_duplicate", f"the question duplicates or nearly duplicates (token-sort similarity ≥ "
          f"{DUPLICATE_SIMILARITY}) one already accepted in the run",
          lambda c: check_not_duplicate(c.question, c.registry) if c.registry is not None else None),
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
    """The QA set on one pair (`only`: the names a team spec chose)."""
    return QA_CHECKS.run(Candidate(
        question=question, answer=answer, source=source, language=language, registry=registry,
        answerable=answerable, finish_reason=finish_reason, answer_error=answer_error, evidence=evidence,
        subject=subject), only)
