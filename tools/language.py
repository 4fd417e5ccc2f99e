"""Language identification that stays honest on short texts.

Scripts decide CJK outright (Hangul → ko, Kana → ja). For other text, langdetect (with a
fixed seed, so results are reproducible) is trusted only when the text is long enough
and its confidence is high; otherwise the answer is "unknown", which checks treat as
"cannot tell" rather than as a mismatch.
"""

from __future__ import annotations

import re
from functools import lru_cache

from langdetect import DetectorFactory, LangDetectException, detect_langs

from .text import STOPWORDS

DetectorFactory.seed = 0

_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

UNKNOWN = "unknown"
MIN_CHARS_FOR_STATISTICS = 40
MIN_CONFIDENCE = 0.90


@lru_cache(maxsize=4096)  # the critic asks about the same texts for several checks
def detect_language(text: str) -> str:
    """ISO 639-1 code, or "unknown" when the text is too short or ambiguous."""
    letters = _LETTER.findall(text)
    if not letters:
        return UNKNOWN
    hangul = len(_HANGUL.findall(text))
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    cjk = hangul + kana + han
    if cjk / len(letters) >= 0.3:
        if hangul >= max(kana, 1) and hangul >= han / 2:
            return "ko"
        if kana:
            return "ja"
        return "zh"
    if len(text.strip()) < MIN_CHARS_FOR_STATISTICS:
        return UNKNOWN
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return UNKNOWN
    language = best.lang.split("-")[0] if best.prob >= MIN_CONFIDENCE else UNKNOWN
    if language not in ("en", UNKNOWN) and _english_function_words(text):
        return "en"  # "I bring a kayak back 45 minutes late. What will I pay?" is no Tagalog
    return language


ENGLISH_FUNCTION_SHARE = 0.4  # of a short text's words, English function words make it English
_SHORT_WORDS = 30


def _english_function_words(text: str) -> bool:
    """Is a short text mostly English function words ("I", "a", "what", "will")? Statistics
    on a dozen words misname such a text now and then; no other language writes so many of them."""
    tokens = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    if not tokens or len(tokens) > _SHORT_WORDS:
        return False
    used = [w for w in tokens if w in STOPWORDS]
    return len(set(used)) >= 2 and len(used) / len(tokens) >= ENGLISH_FUNCTION_SHARE
