"""Every generated sentence checked against the passages it cites, before anyone sees it.

A sentence must cite at least one passage it was given, and every date, e-mail address and
capitalised name in it must occur in one of the passages it cites — after normalising the forms
('1. januar 2025' = '01.01.2025' = '1 January 2025'), names as whole words ('Dram' is not in
'Drammen'). Its numbers (number words included) with their units, its content words and its
negation are checked as support.py says. The sentence is made inert first, so what is checked is
what is shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from avtalebot.answer.support import inert, negation_problem, quantity_problem, share_problem
from ingest.dates import MONTHS
from ingest.lexicon import words

_EN_MONTHS = {m: i for i, m in enumerate(words("dates", "months_en"), 1)}
_MONTH_WORDS = "|".join([*MONTHS, *_EN_MONTHS])
_DATE = re.compile(
    rf"\b(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}})\b|\b(\d{{1,2}})\.?\s*({_MONTH_WORDS})\s+(\d{{4}})\b"
    rf"|\b({_MONTH_WORDS})\s+(\d{{1,2}}),?\s+(\d{{4}})\b",
    re.I,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"\d+(?:[ \u00a0.]\d{3})*(?:[.,]\d+)?")
_CITES = re.compile(r"\s*(?:\[\d+\])+")
_NAME = re.compile(r"\b[A-ZÆØÅ][\w\-æøåÆØÅ]*")
_SENTENCE_END = re.compile(r"(?<=[.!?»\]])\s+(?=[A-ZÆØÅ«\d])")


@dataclass(frozen=True)
class Checked:
    text: str
    cites: tuple[int, ...]
    ok: bool
    reason: str = ""  # why it was dropped: 'no citation', 'cites [7], not given', 'number 14 not in [1]'


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _dates(text: str) -> tuple[set[str], str]:
    """ISO dates in a text, and the text with them taken out (their numbers are checked as dates)."""
    found = set()

    def iso(m: re.Match) -> str:
        g = m.groups()
        try:
            if g[0]:
                d = date(int(g[2]), int(g[1]), int(g[0]))
            elif g[3]:
                month = MONTHS.get(g[4].lower()) or _EN_MONTHS[g[4].lower()]
                d = date(int(g[5]), month, int(g[3]))
            else:
                month = MONTHS.get(g[6].lower()) or _EN_MONTHS[g[6].lower()]
                d = date(int(g[8]), month, int(g[7]))
        except (ValueError, KeyError):
            return m.group(0)
        found.add(d.isoformat())
        return " "

    return found, _DATE.sub(iso, text)


def _numbers(text: str) -> set[str]:
    out = set()
    for m in _NUMBER.finditer(text):
        raw = re.sub(r"[ \u00a0]", "", m.group(0))
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):  # 1.000.000 as thousands
            raw = raw.replace(".", "")
        out.add(raw.replace(",", "."))
    return out


@dataclass(frozen=True)
class Evidence:
    """A passage's text in the forms the checks compare."""

    text: str
    dates: frozenset[str]
    numbers: frozenset[str]
    emails: frozenset[str]
    folded: str
    plain: str  # the text with dates and e-mail addresses taken out (their digits are no quantities)

    @classmethod
    def of(cls, text: str) -> Evidence:
        dates, rest = _dates(text)
        emails = {e.lower() for e in _EMAIL.findall(text)}
        plain = _EMAIL.sub(" ", rest)
        return cls(text, frozenset(dates), frozenset(_numbers(plain)), frozenset(emails),
                   " ".join(text.casefold().split()), plain)  # fmt: skip


def check(sentence: str, passages: dict[int, Evidence], question: str = "") -> Checked:
    sentence = inert(sentence)
    cites = tuple(dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", sentence)))
    if not cites:
        return Checked(sentence, cites, False, "no citation")
    unknown = [n for n in cites if n not in passages]
    if unknown:
        return Checked(sentence, cites, False, f"cites {unknown}, not given")
    cited = [passages[n] for n in cites]
    body = _CITES.sub(" ", sentence)
    dates, rest = _dates(body)
    for d in sorted(dates):
        if not any(d in p.dates for p in cited):
            return Checked(sentence, cites, False, f"date {d} not in the cited passages")
    emails = {e.lower() for e in _EMAIL.findall(rest)}
    for e in sorted(emails):
        if not any(e in p.emails for p in cited):
            return Checked(sentence, cites, False, "e-mail address not in the cited passages")
    rest = _EMAIL.sub(" ", rest)
    problem = quantity_problem(rest, [p.plain for p in cited])
    if problem:
        return Checked(sentence, cites, False, problem)
    words = _NAME.findall(rest)
    first = re.match(r"\W*(\w+)", rest)
    for w in words:
        if first and w == first.group(1) and rest.strip().startswith(w) and _common_word(w, cited, question):
            continue  # a sentence's first word is capitalised anyway (but a made-up name is not let in)
        if not any(_has_word(w, p.folded) for p in cited):
            return Checked(sentence, cites, False, f"name '{w}' not in the cited passages")
    texts = [p.text for p in cited]
    problem = share_problem(body, texts, question) or negation_problem(body, texts)
    if problem:
        return Checked(sentence, cites, False, problem)
    return Checked(sentence, cites, True)


def _has_word(word: str, folded: str) -> bool:
    """A name as a whole word (a genitive -s allowed), not a fragment of a longer one."""
    w = word.casefold()
    forms = {w, w[:-1]} if w.endswith("s") and len(w) > 3 else {w}
    return any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", folded) for f in forms)


def _common_word(word: str, cited: list[Evidence], question: str) -> bool:
    """A capitalised first word that is an ordinary word: a function word ('Det'), or a word of the
    passages or the question in any form ('Kurset', 'Aldersgrensen'). A name there ('Kenneth') must
    be found like any other name."""
    from ingest.text import STOPWORDS, content_terms, stem

    w = word.casefold()
    if w in STOPWORDS or len(w) <= 3:
        return True
    root = stem(w)
    return root in content_terms(question) or any(root in p.folded for p in cited)
