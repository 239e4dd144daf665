"""The guide's search index: BM25 (bm25s) over the published catalogue, rebuilt per process
when the catalogue, its bundles and life events or the synonym table change.

A query becomes groups of terms, each group saying how it came (the visitor's own words, a
synonym, pinyin, English, a corrected character); each group is scored by BM25 and weighed,
so that a guess never outranks what was typed. Every result says which of its fields matched
which term, and through what.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass

import bm25s
import numpy as np

from tongban.guide import text as t
from tongban.guide.selectors import Document, active_synonyms, documents, search_revision

logging.getLogger("bm25s").setLevel(logging.WARNING)

# Repeating a field's terms weighs it (the usual stand-in for BM25F).
FIELD_WEIGHTS = {
    "name": 3,
    "aliases": 3,
    "result": 2,
    "name_en": 2,
    "summary": 1,
    "materials": 1,
    "events": 1,
    "situations": 1,
    "department": 1,
    "items": 1,
}
# Fields whose words people type for the thing itself: the vocabulary that pinyin and
# corrections may turn a query into.
VOCABULARY_FIELDS = ("name", "aliases", "result", "events", "items")
# A bundle that fits leads; a life event is a way in, not an answer, so it follows.
KIND_FACTORS = {"item": 1.0, "bundle": 1.15, "event": 0.55}
GROUP_WEIGHTS = {"words": 1.0, "english": 1.0, "synonym": 0.8, "pinyin": 0.9, "correction": 0.7}
# Results far below the best are noise, not answers.
RELATIVE_CUTOFF = 0.2
# Ranked by BM25 first; coverage then orders the best this many.
CANDIDATES = 100
COVERAGE_FLOOR = 0.4
MAX_WINDOW = 6
SYNONYM_ROUNDS = 3


@dataclass(frozen=True)
class Term:
    term: str  # as indexed
    shown: str  # as the visitor will recognise it
    group: str
    via: str = ""  # "饭馆→餐饮", "kai shu dian→开书店", "身份正→身份证"
    source: str = ""  # the part of the query it was read from
    pair: bool = False  # two characters side by side, not a word: matched, never shown


@dataclass(frozen=True)
class Match:
    term: str
    field: str
    group: str
    via: str


@dataclass(frozen=True)
class Hit:
    doc: Document
    score: float
    matches: tuple[Match, ...]


class SearchIndex:
    def __init__(self, docs: list[Document], synonyms: list[tuple[str, str]]) -> None:
        self.docs = docs
        self.synonyms = sorted(
            ((t.normalise(a), t.normalise(b)) for a, b in synonyms), key=lambda s: -len(s[0])
        )
        words: set[str] = set()
        for doc in docs:
            for name in VOCABULARY_FIELDS:
                for value in doc.fields.get(name, []):
                    words.update(t.chinese_runs(t.normalise(value)))
        for term, canonical in self.synonyms:
            words.update(t.chinese_runs(term))
            words.update(t.chinese_runs(canonical))
        t.add_words(w for w in words if len(w) <= 12)

        corpus: list[list[str]] = []
        self.fields: list[dict[str, set[str]]] = []
        for doc in docs:
            tokens: list[str] = []
            by_field: dict[str, set[str]] = {}
            for name, values in doc.fields.items():
                found = [term for v in values if v for term in t.terms(t.normalise(v))]
                by_field[name] = set(found)
                tokens.extend(found * FIELD_WEIGHTS[name])
            corpus.append(tokens or ["∅"])
            self.fields.append(by_field)
        self.all_terms = [frozenset().union(*f.values()) for f in self.fields]
        self.kind_factors = np.array([KIND_FACTORS[d.kind] for d in docs])
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)
        self.vocabulary = frozenset(self.bm25.vocab_dict)

        # The words a query may be read as: pinyin and one-character corrections lead to them.
        strong: set[str] = set()
        for by_field in self.fields:
            for name in VOCABULARY_FIELDS:
                strong.update(w for w in by_field.get(name, ()) if not w.startswith("en:"))
        self.strong = frozenset(w for w in strong if t.chinese_runs(w) == [w])
        self.by_pinyin: dict[str, set[str]] = defaultdict(set)
        self.by_initials: dict[str, set[str]] = defaultdict(set)
        self.by_mask: dict[str, set[str]] = defaultdict(set)
        self.syllables: dict[str, set[str]] = defaultdict(set)
        for word in self.strong:
            full, initials = t.pinyin_keys(word)
            if not full:
                continue
            self.by_pinyin[full].add(word)
            if len(word) >= 2:
                self.by_initials[initials].add(word)
            if len(word) >= 3:
                for i in range(len(word)):
                    self.by_mask[word[:i] + "?" + word[i + 1 :]].add(word)
            for char in word:
                syllable = t.pinyin_keys(char)[0]
                if syllable:
                    self.syllables[syllable].add(char)
        self.longest_key = max((len(k) for k in self.by_pinyin), default=0)

    # -- reading a query -------------------------------------------------------------------

    def read(self, normalised: str) -> tuple[list[Term], list[str]]:
        """The query's terms, and its parts (what coverage is counted over): each stretch of
        Chinese between stop words, and the Latin words (as one part when they spell pinyin)."""
        parts = t.query_parts(normalised)
        latin = parts.latin
        known = {w for word, found in parts.words for w in (word, *found)}
        terms = [Term(w, w, "words", source=word) for word, found in parts.words for w in found]
        terms += [Term(p, p, "words", source=p, pair=p not in known) for p in parts.pairs]
        concepts = [word for word, _ in parts.words]
        pinyin = self._pinyin(latin)
        english = [Term(t.english_term(w), w, "english", source=w) for w in latin if w.isalpha()]
        english = [x for x in english if x.term in self.vocabulary]
        terms += pinyin + english
        if pinyin and not english:
            concepts.append(" ".join(latin))
        else:
            concepts += [w for w in latin if w.isalpha()]
        corrections = self._corrections(normalised, known)
        terms += corrections
        found_text = [normalised, *(x.term for x in pinyin + corrections)]
        terms += self._synonyms(found_text)
        return terms, concepts

    def _synonyms(self, texts: list[str]) -> list[Term]:
        out: list[Term] = []
        seen_terms: set[str] = set()
        frontier = list(texts)
        for _round in range(SYNONYM_ROUNDS):
            found: list[str] = []
            for term, canonical in self.synonyms:
                if term in seen_terms or not any(term in text for text in frontier):
                    continue
                seen_terms.add(term)
                found.append(canonical)
                words = {w for run in t.chinese_runs(canonical) for w in t.words_cached(run)}
                for word in dict.fromkeys(t.terms(canonical)):
                    pair = t.chinese_runs(word) == [word] and word not in words
                    out.append(
                        Term(word, canonical, "synonym", f"{term}→{canonical}", term, pair=pair)
                    )
            if not found:
                break
            frontier = found
        return out

    def _pinyin(self, words: list[str]) -> list[Term]:
        latin = "".join(words)
        if not latin.isalpha() or len(latin) < 2:
            return []
        shown = " ".join(words)
        pieces = self._segment(latin)
        out: list[Term] = []
        if pieces:
            singles: list[set[str]] = []
            for piece in pieces:
                spelt = self.by_pinyin.get(piece, set())
                if spelt:
                    if len(spelt) <= 6:
                        out.extend(
                            Term(w, w, "pinyin", f"{shown}→{w}", shown) for w in sorted(spelt)
                        )
                    singles.append(set())
                else:
                    singles.append(self.syllables.get(piece, set()))
            # Neighbouring syllables read as the catalogue's two-character words.
            for left, right in zip(singles, singles[1:], strict=False):
                for a in left:
                    for b in right:
                        if a + b in self.strong:
                            out.append(Term(a + b, a + b, "pinyin", f"{shown}→{a + b}", shown))
        initials = self.by_initials.get(latin, set())
        if not out and 2 <= len(latin) <= 8 and 0 < len(initials) <= 6:
            out.extend(Term(w, w, "pinyin", f"{shown}→{w}", shown) for w in sorted(initials))
        return out

    def _segment(self, latin: str) -> list[str] | None:
        """The fewest pieces, each a catalogue word's pinyin or one syllable, that spell the
        letters; None when they spell no pinyin."""
        n = len(latin)
        best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
        best[0] = (0.0, [])
        for i in range(n):
            reached = best[i]
            if reached is None:
                continue
            cost, pieces = reached
            for j in range(i + 1, min(n, i + max(self.longest_key, 6)) + 1):
                piece = latin[i:j]
                step = 1.0 if piece in self.by_pinyin else 1.5 if piece in self.syllables else None
                if step is None:
                    continue
                current = best[j]
                if current is None or cost + step < current[0]:
                    best[j] = (cost + step, [*pieces, piece])
        done = best[n]
        return done[1] if done else None

    def _corrections(self, normalised: str, known: set[str]) -> list[Term]:
        """Words the query may have meant: a window of it that the catalogue does not know,
        read as a catalogue word that sounds the same (the usual slip of a pinyin input
        method), or, from four characters on, differs by one character. A window inside a
        word the catalogue knows is not second-guessed."""
        inside = [w for w in known if w in self.vocabulary and len(w) > 2]
        out: list[Term] = []
        for run in t.chinese_runs(normalised)[:5]:
            run = run[:40]
            for size in range(2, MAX_WINDOW + 1):
                for i in range(len(run) - size + 1):
                    window = run[i : i + size]
                    if window in self.vocabulary or window in t.STOPWORDS_ZH:
                        continue
                    if any(window in w for w in inside):
                        continue
                    candidates = {
                        w
                        for w in self.by_pinyin.get(t.pinyin_keys(window)[0], ())
                        if len(w) == size
                    }
                    if size >= 4:
                        for k in range(size):
                            candidates |= self.by_mask.get(
                                window[:k] + "?" + window[k + 1 :], set()
                            )
                    candidates.discard(window)
                    if 0 < len(candidates) <= 3:
                        out.extend(
                            Term(w, w, "correction", f"{window}→{w}", window)
                            for w in sorted(candidates)
                        )
        return out

    # -- ranking ---------------------------------------------------------------------------

    def search(self, normalised: str, *, limit: int = 10) -> list[Hit]:
        terms, concepts = self.read(normalised)
        if not terms or not self.docs:
            return []
        scores = np.zeros(len(self.docs), dtype=np.float64)
        groups: dict[str, list[str]] = defaultdict(list)
        for term in terms:
            if term.term in self.vocabulary and term.term not in groups[term.group]:
                groups[term.group].append(term.term)
        for group, words in groups.items():
            if words:
                scores += GROUP_WEIGHTS[group] * self.bm25.get_scores(words)
        scores *= self.kind_factors
        candidates = [int(i) for i in np.argsort(-scores, kind="stable")[:CANDIDATES]]
        for i in candidates:
            if scores[i] > 0:
                scores[i] *= self._coverage(i, terms, concepts)
        ranked = sorted((i for i in candidates if scores[i] > 0), key=lambda i: -scores[i])
        if not ranked:
            return []
        top = float(scores[ranked[0]])
        return [
            Hit(self.docs[i], float(scores[i]), self._matches(i, terms))
            for i in ranked[:limit]
            if scores[i] >= RELATIVE_CUTOFF * top
        ]

    def _coverage(self, i: int, terms: list[Term], concepts: list[str]) -> float:
        """Lucene's old coordination factor: a result that answers every part of the query
        (饭馆 and 注销, not only 饭馆) comes before one that answers some."""
        if len(concepts) < 2:
            return 1.0
        held = self.all_terms[i]
        covered = 0
        for concept in concepts:
            if any(
                x.term in held and (x.source == concept or _overlap(x.source, concept))
                for x in terms
            ):
                covered += 1
        return COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * covered / len(concepts)

    def _matches(self, i: int, terms: list[Term]) -> tuple[Match, ...]:
        """Which field of result `i` each term was found in (a character pair only when no
        word was: a result always says why)."""
        words = [x for x in terms if not x.pair]
        return self._found_in(i, words) or self._found_in(i, terms)

    def _found_in(self, i: int, terms: list[Term]) -> tuple[Match, ...]:
        fields = self.fields[i]
        found: dict[tuple[str, str], Match] = {}
        ordered = sorted(fields, key=lambda f: -FIELD_WEIGHTS[f])
        for term in terms:
            field = next((f for f in ordered if term.term in fields[f]), None)
            if field is None:
                continue
            key = (term.shown if term.group == "english" else term.term, field)
            if key not in found or (found[key].via and not term.via):
                found[key] = Match(key[0], field, term.group, term.via)
        matches = list(found.values())
        # "书店" within "开书店" in the same field says nothing more.
        kept = [
            m
            for m in matches
            if not any(
                o is not m and o.field == m.field and m.term in o.term and len(o.term) > len(m.term)
                for o in matches
            )
        ]
        kept.sort(key=lambda m: (-FIELD_WEIGHTS[m.field], m.group != "words", m.term))
        return tuple(kept[:6])


def _overlap(a: str, b: str) -> bool:
    return bool(a) and bool(b) and (a in b or b in a)


_lock = threading.Lock()
_current: tuple[tuple[object, ...], SearchIndex] | None = None


def current_index() -> SearchIndex:
    """The index for the catalogue as it is now, built at most once per change per process."""
    global _current
    revision = search_revision()
    held = _current
    if held is not None and held[0] == revision:
        return held[1]
    with _lock:
        held = _current
        if held is not None and held[0] == revision:
            return held[1]
        index = SearchIndex(documents(), active_synonyms())
        _current = (revision, index)
        return index


def forget_index() -> None:
    global _current
    with _lock:
        _current = None
