"""Word-level evidence for the features: which of the question's words each candidate holds (by stem,
by spelling), weighted by IDF over the index or within one document, BM25 per unit, and the answer
types a text holds. Per-text work is cached: the same units come back question after question."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from avtalebot.answer.query import PARTIES, Query
from ingest.gazetteer import REGIONS
from ingest.lexicon import alternatives
from ingest.text import content_terms, words
from vectorstore.keyword import KeywordIndex

_NUM_WORD = r"(?:" + alternatives("answer_types", "number_words") + r"|\d+(?:[,.]\d+)?)"
# "12 måneders varsel", "to ukers frist": the genitive counts as a duration too
_TIME = r"(?:" + alternatives("answer_types", "time_units") + ")s?"
_MONTH = alternatives("dates", "months")
# A "when" is also a weekday, a time of day, a decade or a day named relative to today ("torsdag",
# "klokken 16.11", "på 1990-tallet", "i fjor"): news and minutes date things that way.
_WHEN_WORDS = (
    r"\b(" + alternatives("answer_types", "weekdays") + r")(?:en|ar|er)?\b|\b(klokken|klokka|kl\.)\s*\d"
    r"|\b\d{2,4}-tallet\b|\b(" + alternatives("answer_types", "relative_days") + r")\b|\bårhundre\w*"
)
_NAME = re.compile(r"\b[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)? [A-ZÆØÅ][a-zæøåéü]+\b")
# Two capitalised words name a person unless one of them names a party or a place ("Nav Grorud",
# "Bydel Grorud", "Nye Vestfold"): in this genre those are everywhere and hold no person.
_ORG_WORD = re.compile(
    "|".join([*PARTIES.values(), r"(?<![\w-])(?:" + "|".join(map(re.escape, REGIONS)) + r")(?![\w-])"]),
    re.I,
)


def person_names(text: str) -> frozenset[str]:
    """The capitalised word pairs of a text that may name a person (no party or place word in them)."""
    return frozenset(m.group(0) for m in _NAME.finditer(text) if not _ORG_WORD.search(m.group(0)))


def _names_person(text: str) -> bool:
    return bool(person_names(text))


_PARTY_NAMED = re.compile("|".join([*PARTIES.values(), r"\b(partene|partane|begge parter|begge partar)\b"]), re.I)


# The answer types a passage can hold (what WANTS in query.py asks for): a pattern, or for a person
# a test (a pattern alone cannot tell "Kari Nordmann" from "Nav Grorud").
_SEEN: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        rf"\b\d{{1,2}}\.\s?({_MONTH})|\b\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}\b|\b(1[5-9]|20)\d{{2}}\b|\b({_MONTH}|våren|hausten|høsten)\b"
        rf"|{_WHEN_WORDS}",
        re.I,
    ),
    # a count: not the article "en/ein/ett" (it spells "one" too, and is in every other sentence)
    "number": re.compile(rf"\b(?!(?:en|ein|éin|ett|eitt)\b){_NUM_WORD}\b", re.I),
    "amount": re.compile(
        r"\b(kr|kroner|NOK)\b|\d\s?%|\bprosent\b|\b\d{1,3}(?:[ .]\d{3})+\b|\bgratis\b|\bdekk", re.I
    ),
    # a sum of money: a percentage or a count of people is no price ("70,5 % av deltakerne")
    "money": re.compile(
        r"\b(kr|kroner|NOK|euro|dollar\w*|USD|EUR)\b|\b\d{1,3}(?:[ .]\d{3})+\b|\bgratis\b|\bfree of charge\b"
        r"|\b\d+(?:[,.]\d+)?\s?(?:mill\w*|milliard\w*|million\w*|billion\w*)\b|\bdekk\w*\b",
        re.I,
    ),
    "age": re.compile(r"\b\d{2}\s?år\b|\b(alder|år gamle|fylt \d+)", re.I),
    "duration": re.compile(rf"\b{_NUM_WORD}\s+{_TIME}\b|\binnen\b|\binnan\b", re.I),
    "frequency": re.compile(
        rf"\b{_NUM_WORD}\s+(ganger|gonger|gang|gong)\b|\b(hver|hvert|kvar|kvart|annankvar|annenhver|annakvar)\s+\w+"
        r"|\b(årlig|månedlig|ukentlig|kvartalsvis|årleg|månadleg|vekentleg)\b",
        re.I,
    ),
    "email": re.compile(r"[\w.+-]+@[\w-]+\.\w+"),
    "phone": re.compile(r"\b\d{3}\s?\d{2}\s?\d{3}\b|\b\d{2} \d{2} \d{2} \d{2}\b|\+47"),
    "validity": re.compile(
        r"\b(gjelder|gjeld|gyldig\w*|varighet|avtaleperiode|i kraft|til og med|ut \d{4})\b|\d{4}\s*[–-]\s*\d{4}",
        re.I,
    ),
    "place": re.compile(r"\b(i|på|ved|hos)\s+[A-ZÆØÅ][a-zæøå]+"),
}
HAS: dict[str, Callable[[str], object]] = {
    "person": _names_person,
    **{k: rx.search for k, rx in _SEEN.items()},
    "party": _PARTY_NAMED.search,  # features.py adds the party whose list an item is in
}
TYPES = [*HAS, "list"]  # "list": a lead-in, whose list holds what its items hold
_QUANTITIES = {"number", "amount", "money", "age", "duration"}
# Digits that are no quantity: e-mail addresses, phone numbers (8 digits), dates and years, section
# and case numbers ("§ 7", "3.2", "Sak 03/25"). A phone number read as an amount answers "how much".
_DIGITS_NOT_QUANTITY = re.compile(
    "|".join(
        [_SEEN["email"].pattern, _SEEN["date"].pattern, r"\+47|§\s*\d+|\b\d+(?:\.\d+)+\b|^\s*\d+\.\s|\b\d+/\d+\b"]
    ),
    re.I | re.M,
)
_PHONE = re.compile(r"\b\d{2,3}(?: ?\d{2,3}){2,3}\b")


def _not_quantities(text: str) -> str:
    """The text with digits that count nothing blanked out (see _DIGITS_NOT_QUANTITY)."""
    text = _DIGITS_NOT_QUANTITY.sub(" ", text)
    return _PHONE.sub(lambda m: " " if sum(ch.isdigit() for ch in m.group(0)) == 8 else m.group(0), text)


@dataclass(frozen=True)
class TextInfo:
    text: str
    terms: frozenset[str]
    counts: dict[str, int]
    length: int
    words: frozenset[str]
    names: frozenset[str]  # what may name a person (see person_names)
    _seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def plain(self) -> str:
        return _not_quantities(self.text)

    def holds(self, kinds: Iterable[str]) -> frozenset[str]:
        """The answer types among `kinds` the text holds. Each pattern runs once per text and only
        when a question asks for its type: all of them over every new candidate was most of an
        answer's time (0.3 ms a text)."""
        found = []
        for k in kinds:
            seen = self._seen.get(k)
            if seen is None and k in HAS:
                seen = self._seen[k] = bool(HAS[k](self.plain if k in _QUANTITIES else self.text))
            if seen:
                found.append(k)
        return frozenset(found)


@lru_cache(maxsize=8_192)
def text_info(text: str) -> TextInfo:
    terms = content_terms(text)
    counts: dict[str, int] = {}
    for t in terms:
        counts[t] = counts.get(t, 0) + 1
    return TextInfo(text, frozenset(terms), counts, max(1, len(terms)), frozenset(words(text)), person_names(text))


def names_other_person(info: TextInfo, asked: frozenset[str]) -> bool:
    """The text names someone the question does not: a name the question itself gives ('Vestre
    Slidre', 'Fagbrevbroa Trøndelag') is what it asks about, never the person it asks for."""
    return any(not _name_words(n) <= asked for n in info.names)


@lru_cache(maxsize=8_192)
def _name_words(name: str) -> frozenset[str]:
    return frozenset(words(name))


@lru_cache(maxsize=4_096)
def terms_of(text: str) -> frozenset[str]:
    return frozenset(content_terms(text))


@lru_cache(maxsize=20_000)
def _trigrams(word: str) -> frozenset[str]:
    return frozenset(word[i : i + 3] for i in range(len(word) - 2))


def similar(a: str, b: str) -> bool:
    """Compounds and cognates: 'plassar' in 'sommarjobbplassar', 'coordinator' ~ 'koordinator'."""
    if len(a) < 5 or len(b) < 5:
        return False
    return _alike(_trigrams(a), _trigrams(b))


def _alike(ta: frozenset[str], tb: frozenset[str]) -> bool:
    return len(ta & tb) >= 0.75 * min(len(ta), len(tb))


def _near(word: str, vocab: set[str]) -> set[str]:
    """The words of `vocab` that are `similar` to `word`, in one pass: the word's trigrams are taken
    once, and a pair sharing no trigram is passed over before any set is built (most are)."""
    if len(word) < 5:
        return set()
    ta = _trigrams(word)
    near = set()
    for w in vocab:
        if len(w) < 5:
            continue
        tb = _trigrams(w)
        if not ta.isdisjoint(tb) and _alike(ta, tb):
            near.add(w)
    return near


class QueryWords:
    """The question's words with their IDF weights over the index (a word the index never saw
    weighs as much as its rarest known word)."""

    def __init__(self, query: Query, kw: KeywordIndex) -> None:
        self.groups = query.groups
        self.words = query.group_words
        known = [any(kw.known(t) for t in g) for g in self.groups]
        idf = [max(kw.idf(t) for t in g) if k else 0.0 for g, k in zip(self.groups, known, strict=True)]
        top = max((v for v, k in zip(idf, known, strict=True) if k), default=1.0)
        self.idf = np.asarray([v if k else top for v, k in zip(idf, known, strict=True)], dtype=np.float64)
        self.bm25_idf = np.asarray(idf, dtype=np.float64)
        self.unknown = (1.0 - sum(known) / len(known)) if known else 1.0

    def matches(self, term_sets: list[frozenset[str]]) -> np.ndarray:
        """(candidates × question words): the candidate holds one of the word's stems."""
        out = np.zeros((len(term_sets), len(self.groups)), dtype=bool)
        for j, g in enumerate(self.groups):
            out[:, j] = [not s.isdisjoint(g) for s in term_sets]
        return out

    def counts(self, infos: list[TextInfo]) -> np.ndarray:
        out = np.zeros((len(infos), len(self.groups)))
        for j, g in enumerate(self.groups):
            if len(g) == 1:
                (t,) = g
                out[:, j] = [i.counts.get(t, 0) for i in infos]
            else:
                out[:, j] = [max((i.counts.get(t, 0) for t in g), default=0) for i in infos]
        return out

    def fuzzy(self, word_sets: list[frozenset[str]]) -> np.ndarray:
        """(candidates × question words): the candidate holds a word spelled like the question's."""
        vocab = set().union(*word_sets) if word_sets else set()
        out = np.zeros((len(word_sets), len(self.groups)), dtype=bool)
        for j, qw in enumerate(self.words):
            near = _near(qw, vocab)
            if near:
                out[:, j] = [bool(near & s) for s in word_sets]
        return out

    def coverage(self, match: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Weighted share of the question's words each candidate holds."""
        w = self.idf if weights is None else weights
        total = w.sum(axis=-1)
        return (match * w).sum(axis=-1) / np.where(total > 0, total, 1.0)

    def missing(self, match: np.ndarray) -> np.ndarray:
        """The weight of the rarest question word each candidate lacks, relative to the rarest word
        of the question: a single missing specific word ('budget', 'salary') is what 'not stated'
        looks like, and IDF-weighted coverage averages it away."""
        if not match.size or not len(self.idf):
            return np.zeros(len(match))
        top = float(self.idf.max()) or 1.0
        return np.where(match, 0.0, self.idf[None, :]).max(axis=1) / top

    def bm25(self, tf: np.ndarray, lengths: np.ndarray, k1: float = 1.2, b: float = 0.75) -> np.ndarray:
        norm = k1 * (1 - b + b * lengths / max(float(lengths.mean()), 1.0))
        return (
            ((tf * (k1 + 1) / (tf + norm[:, None])) * self.bm25_idf).sum(axis=1)
            if tf.size
            else np.zeros(len(lengths))
        )


def local_weights(match: np.ndarray, doc_of: list[str]) -> np.ndarray:
    """Within-document IDF of each question word, per candidate: a word found in most passages of a
    document (its place, its programme) tells those passages apart less than one found in few."""
    out = np.zeros(match.shape)
    docs = np.asarray(doc_of)
    for d in set(doc_of):
        rows = docs == d
        n = rows.sum()
        out[rows] = np.log((n + 1) / (1 + match[rows].sum(axis=0))) + 0.1
    return out


def relative(values: np.ndarray) -> np.ndarray:
    return values - values.max() if len(values) else values


def log1p(values: np.ndarray) -> np.ndarray:
    return np.log1p(np.maximum(values, 0.0))


def length_feature(text: str) -> float:
    return math.log1p(len(text))
