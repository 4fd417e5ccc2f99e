"""Language-neutral text helpers shared by the lookup index and the critic's checks.

Words are split on Unicode word boundaries; runs of CJK characters (which have no
spaces) become character bigrams, so Japanese and Korean text tokenises sensibly
without a language-specific tokenizer.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

_CJK_RANGES = (
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK ideographs
    "\uac00-\ud7af\u1100-\u11ff"  # Hangul
)
_CJK_RUN = re.compile(f"[{_CJK_RANGES}]+")
_CJK_SPLIT = re.compile(f"([{_CJK_RANGES}]+)")
_WORD = re.compile(rf"[^\W_]+(?:[.'’-][^\W_]+)*|[{_CJK_RANGES}]+", re.UNICODE)
# CJK full stops end a sentence with no space after them.
# A sentence ends after ".", "!" or "?", but not after "e.g." or "i.e.", nor after "a.m." or
# "p.m." unless a capital follows ("until 2 p.m. costs €30" is one sentence).
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<![ap]\.m\.)(?<!e\.g\.)(?<!i\.e\.)\s+|(?<=[ap]\.m\.)\s+(?=[A-Z])"
                           r"|(?<=[。！？])\s*")
_BLOCK_SPLIT = re.compile(r"\n\s*\n")
_LIST_ITEM = re.compile(r"^([-*+•◦]|\d+[.)])\s")
# Leading heading/quote/list markers, code backticks, and emphasis markers that are not
# inside a word (so identifiers such as ILSVRC2012_img_val keep their underscores).
_MARKDOWN_NOISE = re.compile(r"^[#>*\-+\s]+|`+|(?<!\w)[*_]+|[*_]+(?!\w)")

# Small, deliberately conservative English function-word list: the checks only use it
# to ignore words that carry no claim ("the", "is", ...).
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves also may might must
    shall upon via per yes use uses used using one two three based according within without
    long much many often take takes taken get gets make makes anything something everything least
    approximately roughly around just
    i'm i'd i'll i've you'd you'll you're you've we'd we'll we're we've they'd they'll they're they've
    he'd he'll he's she'd she'll she's it'd it'll it's that's there's here's what's let's
    don't doesn't didn't isn't aren't wasn't weren't can't won't wouldn't shouldn't couldn't hasn't haven't
    hadn't""".split()
)


def normalize(text: str) -> str:
    """NFKC, lower-case, collapse whitespace: the form all comparisons use."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens; CJK runs are returned whole (see `tokens`)."""
    return _WORD.findall(normalize(text))


def tokens(text: str) -> list[str]:
    """Index/comparison tokens: words, with CJK runs turned into character bigrams."""
    out: list[str] = []
    for word in words(text):
        if word.isascii():  # most words: no CJK run to split (a third of the time to index a corpus)
            out.append(word)
            continue
        # "保証期間は5年です" mixes scripts: CJK runs become bigrams, the rest stays whole.
        for piece in _CJK_SPLIT.split(word):
            if not piece:
                continue
            if _CJK_RUN.fullmatch(piece):
                out.extend(piece[i : i + 2] for i in range(max(1, len(piece) - 1)))
            else:
                out.append(piece)
    return out


# Korean words carry their particles and endings ("상담사는", "있습니다"); stripped before
# the bigrams are taken, so "상담사는" and "상담사" share their words. Longest first.
_KO_SUFFIXES = tuple(sorted("""입니다 습니다 합니다 됩니다 이에요 예요 해요 나요 인가요 까요 세요 에서는 에서 에는 에게 지만
    으로 로는 까지 부터 보다 처럼 이고 이며 와 과 은 는 이 가 을 를 에 의 도 만 로 요 으로는""".split(), key=len,
                            reverse=True))
_HANGUL = re.compile("[\uac00-\ud7af]+")
# Japanese particles and auxiliaries written in hiragana between the words that carry meaning.
_KANA_SPLIT = re.compile("([\u3040-\u309f]+)")
_HIRAGANA = re.compile("[\u3040-\u309f]+")
_JA_FUNCTION = re.compile("^(は|が|を|に|で|と|の|も|へ|や|から|まで|より|です|ます|でした|ました|ません|"
                          "ですか|ますか|には|では|との|への|など|か|ね|よ|な|た|て|し|る|れ|り)+$")


# Yes, no, there is, there is not, however: they say how, not what (the checks that care
# about polarity read it from the whole sentence).
_KO_FUNCTION = frozenset("네 예 아니 아니요 아니오 있 없 다 다만 하지 그리고 또한".split())


def _cjk_content(word: str) -> list[str]:
    """Bigrams of a CJK word without its grammatical endings."""
    if _HANGUL.fullmatch(word):
        for suffix in _KO_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 1:
                word = word[: -len(suffix)]
                break
        if word in _KO_FUNCTION:
            return []
        return [word] if len(word) == 1 else [word[i : i + 2] for i in range(len(word) - 1)]
    out: list[str] = []
    for piece in _KANA_SPLIT.split(word):
        if not piece or _JA_FUNCTION.match(piece) or _HIRAGANA.fullmatch(piece):
            continue  # particles, endings, yes and no: the words that carry meaning are kanji and katakana
        out.extend([piece] if len(piece) == 1 else [piece[i : i + 2] for i in range(len(piece) - 1)])
    return out


def content_tokens(text: str) -> list[str]:
    """Tokens that carry meaning: no stopwords, no single Latin letters, no Korean or
    Japanese particles and endings. A hyphenated compound also yields its parts
    ("long-term" → "long-term", "term")."""
    out = []
    for word in words(text):
        for piece in _CJK_SPLIT.split(word):
            if not piece:
                continue
            if _CJK_RUN.fullmatch(piece):
                out.extend(_cjk_content(piece))
                continue
            parts = [piece, *piece.split("-")] if "-" in piece else [piece]
            out.extend(p for p in parts if p not in STOPWORDS and len(p) > 1)
    return out


# A Snowball stemmer keeps its word in instance state, so one shared instance breaks when
# two threads stem at once (AutoGen runs sync tools such as search_documents in a thread pool).
_STEMMERS = threading.local()


# Irregular past forms a stemmer leaves apart from their verb ("if I lose a book" / "a lost
# item"). Only forms that are no other common word ("left", "found", "felt", "saw" are).
_IRREGULAR = {"lost": "lose", "paid": "pay", "sold": "sell", "bought": "buy", "kept": "keep", "held": "hold",
              "made": "make", "gave": "give", "given": "give", "took": "take", "taken": "take", "sent": "send",
              "spent": "spend", "built": "build", "brought": "bring", "told": "tell", "wrote": "write",
              "written": "write", "chose": "choose", "chosen": "choose", "broke": "break", "broken": "break",
              "stolen": "steal", "stole": "steal", "ran": "run", "began": "begin", "begun": "begin",
              "froze": "freeze", "frozen": "freeze", "drew": "draw", "drawn": "draw", "grew": "grow",
              "grown": "grow", "threw": "throw", "thrown": "throw", "rode": "ride", "ridden": "ride",
              "driven": "drive", "drove": "drive", "fell": "fall", "fallen": "fall", "hidden": "hide",
              "shown": "show", "worn": "wear", "wore": "wear", "torn": "tear", "tore": "tear"}


@lru_cache(maxsize=65536)  # a run stems the same words (and passages) over and over
def stem(token: str) -> str:
    """English Snowball stem ("charges", "charged", "charging" → "charg"; "lost" → "lose");
    CJK bigrams as-is."""
    token = _IRREGULAR.get(token, token)
    if has_cjk(token) or len(token) <= 3:
        return token
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(token)


def stems(text: str) -> list[str]:
    """Stemmed content tokens, numbers left out (they are checked on their own)."""
    return list(_stems(text))


@lru_cache(maxsize=4096)  # the critic's checks stem the same passage once per pair and check
def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in content_tokens(text) if not t.isdigit())


def has_cjk(text: str) -> bool:
    return bool(_CJK_RUN.search(text))


def sentences(text: str, min_chars: int = 12, max_chars: int = 400) -> list[str]:
    """Split markdown into sentence-like units: sentences, table rows, list items.

    Soft-wrapped lines of a paragraph (PDF line breaks) are joined before splitting;
    headings are dropped (they name a topic and state no fact). Units keep the source's
    words in order, so `normalize(unit)` occurs in `normalize(plain(text))`.
    """
    seen: set[str] = set()
    out: list[str] = []
    for block in _BLOCK_SPLIT.split(text):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        pieces: list[str] = []
        paragraph: list[str] = []
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith("|") or _LIST_ITEM.match(line):
                pieces.extend(_SENTENCE_END.split(" ".join(paragraph)))
                paragraph = []
                if line.startswith("|"):
                    pieces.append(line)
                    continue
            paragraph.append(line)
        pieces.extend(_SENTENCE_END.split(" ".join(paragraph)))
        for piece in pieces:
            piece = " ".join(_MARKDOWN_NOISE.sub("", piece).split())
            if len(piece) < min_chars or set(piece) <= set("|-: "):
                continue
            piece = piece[:max_chars]
            if piece not in seen:
                seen.add(piece)
                out.append(piece)
    return out


def split_sentences(text: str) -> list[str]:
    """The text cut after each sentence end, nothing dropped, merged or rewritten (for
    splitting a paragraph that is larger than a chunk)."""
    return [piece.strip() for piece in _SENTENCE_END.split(text) if piece.strip()]


def plain(text: str) -> str:
    """Text with markdown emphasis/heading markers removed, for substring checks."""
    lines = (_MARKDOWN_NOISE.sub("", line).strip() for line in text.splitlines())
    return normalize(" ".join(line for line in lines if line))


_YES = re.compile(r"^\s*(yes|yeah|correct|indeed|네|예|はい|そうです)\b", re.I)
# The hedge of a hedged no ("Probably not: the trees were still young"), before its "not".
HEDGED_NOT = r"(?:(?:probably|likely|most likely|possibly|perhaps|maybe|apparently|almost certainly)\s+(?=not\b))?"
_NO = re.compile(rf"^\s*{HEDGED_NOT}(no|not|nope|아니요|아니오|아뇨|いいえ)\b", re.I)


def answer_polarity(answer: str) -> bool | None:
    """True for an answer that opens with a yes, False for a no, else None."""
    if _YES.match(answer):
        return True
    if _NO.match(answer):
        return False
    return None
