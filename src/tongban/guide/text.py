"""Chinese as people type it, turned into search terms.

Every text, the catalogue's and the visitor's, goes through the same steps: NFKC (full-width
letters and digits to half-width), traditional to simplified characters (OpenCC), lower case;
then jieba words (the catalogue's own terms added to its dictionary) and, inside each run of
Chinese characters, its character pairs, so that a word jieba splits differently, or one wrong
character, still leaves terms in common. English words are stemmed (Snowball). Pinyin keys
(pypinyin) let "kai shu dian" and "sbk" find the words they spell.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import jieba
import opencc
import snowballstemmer
from pypinyin import Style, lazy_pinyin

MAX_QUERY_LENGTH = 200

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z][a-z0-9']*")
_DIGITS = re.compile(r"\d[\d\s-]{4,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _stopwords() -> tuple[frozenset[str], frozenset[str]]:
    """Words that say nothing about which service is meant. Only queries are stripped of
    them: in the catalogue they are rare or spread evenly, and BM25 weighs them down."""
    text = resources.files("tongban.guide").joinpath("fixtures/stopwords.txt").read_text("utf-8")
    sections: dict[str, set[str]] = {"zh": set(), "en": set()}
    current = "zh"
    for line in text.splitlines():
        if line.startswith("#"):
            current = line[1:].strip() if line[1:].strip() in sections else current
            continue
        sections[current].update(line.split())
    return frozenset(sections["zh"]), frozenset(sections["en"])


STOPWORDS_ZH, STOPWORDS_EN = _stopwords()
# British spelling, which the catalogue's English uses, for the American one.
_SPELLING = {"license": "licence", "licenses": "licences", "center": "centre"}

_STEMMER = snowballstemmer.stemmer("english")
_T2S = opencc.OpenCC("t2s")
_tokenizer_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_added_words: set[str] = set()

jieba.setLogLevel(logging.WARNING)


def tokenizer() -> jieba.Tokenizer:
    """One jieba tokenizer per process (loading its dictionary takes about half a second)."""
    global _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            made = jieba.Tokenizer()
            made.initialize()
            _tokenizer = made
        return _tokenizer


def add_words(words: Iterable[str]) -> None:
    """Teach jieba the catalogue's terms (names, 俗称, synonyms): they are never split."""
    tk = tokenizer()
    with _tokenizer_lock:
        for word in words:
            if 2 <= len(word) <= 12 and word not in _added_words and _CJK.fullmatch(word):
                tk.add_word(word, freq=max(tk.suggest_freq(word, tune=False), 2000))
                _added_words.add(word)
    words_cached.cache_clear()


def normalise(text: str) -> str:
    """NFKC, simplified characters, lower case, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _T2S.convert(text)
    return " ".join(text.lower().split())


def mask_personal(text: str) -> str:
    """What a query log may keep: long digit runs (ID, phone, account numbers) and e-mail
    addresses replaced."""
    text = _EMAIL.sub("＊", text)
    return _DIGITS.sub("＊", text)


@lru_cache(maxsize=4096)
def words_cached(run: str) -> tuple[str, ...]:
    return tuple(w for w in tokenizer().cut_for_search(run, HMM=False) if w.strip())


def chinese_runs(text: str) -> list[str]:
    return _CJK.findall(text)


def latin_words(text: str) -> list[str]:
    return _LATIN.findall(text)


def english_term(word: str) -> str:
    word = _SPELLING.get(word, word)
    return "en:" + str(_STEMMER.stemWord(word))


def terms(text: str) -> list[str]:
    """The search terms of a normalised catalogue text: jieba words and character pairs of its
    Chinese, stemmed English words (prefixed "en:"), numbers."""
    out: list[str] = []
    for run in chinese_runs(text):
        out.extend(words_cached(run))
        if len(run) > 2:
            out.extend(pairs_only(run))
    out.extend(english_term(w) if w.isalpha() else w for w in latin_words(text))
    return out


@dataclass(frozen=True)
class QueryParts:
    """A normalised query: its words (jieba's precise cut, stop words and single characters
    left out), each with the terms read from it; the character pairs of its Chinese with the
    stop words taken out; and its Latin words."""

    words: list[tuple[str, list[str]]]
    pairs: list[str]
    latin: list[str]


def query_parts(text: str) -> QueryParts:
    words: list[tuple[str, list[str]]] = []
    pairs: list[str] = []
    for run in chinese_runs(text):
        content = ""
        for word in tokenizer().lcut(run, HMM=False):
            if word in STOPWORDS_ZH:
                continue
            content += word
            if len(word) >= 2:
                words.append((word, [w for w in words_cached(word) if len(w) >= 2]))
        # The pairs of what is left once the stop words are out: "刻个章" is read as "刻章",
        # "开一家书店" as "开书店".
        pairs.extend(p for p in pairs_only(content) if p not in STOPWORDS_ZH)
    latin = [w for w in latin_words(text) if w not in STOPWORDS_EN]
    return QueryParts(words, list(dict.fromkeys(pairs)), latin)


def pairs_only(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=65536)
def pinyin_keys(word: str) -> tuple[str, str]:
    """The word's toneless pinyin run together ("shebaoka") and its initials ("sbk")."""
    syllables = lazy_pinyin(word, errors="ignore")
    initials = lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables), "".join(initials)
