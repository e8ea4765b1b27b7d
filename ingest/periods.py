"""When an agreement was signed, when it is valid, and which earlier agreement it replaces.

Validity is read only from statements about the document itself: a labelled field ('Avtaleperiode:',
'| Gyldighet |', 'Gjelder fra:'), or a sentence where the agreement (or guideline, service
description) 'gjelder/gjeld/løper/varer' or comes 'i kraft'. A sentence about another agreement (the
one it replaces, the current one in minutes, a new one being drafted) gives nothing. A date that
cannot be established stays empty: never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ingest.dates import DATE, DATE_ANY, MONTHS, RANGE, YEAR_RANGE, add_years, parse_date, years_of
from ingest.lexicon import alternatives
from ingest.text import split_sentences

_MONTH_NAMES = "|".join(MONTHS)

_FIELD = re.compile(
    r"^\s*(?:Avtaleperiode|Gyldighet|Gyldigheit|Gjelder fra|Gjeld frå|Gyldig fra|Periode|Varighet|Varigheit)"
    r"\s*[:|]\s*(.+)$",
    re.I | re.M,
)
_SELF = re.compile(r"\b(" + alternatives("documents", "periods.self") + r")\b", re.I)
_VERB = re.compile(
    r"\b(gjelder|gjeld|gjelde|løper|varer|i kraft|virkning|gyldig\w*|avtaleperioden?|avtaleperiode)\b", re.I
)
_OTHER = re.compile(
    r"\b(erstatt\w*|forrige|tidligere|tidlegare|gjeldande|gjeldende|den nye|nye avtalen|ny avtale skal)\b", re.I
)
_FROM = re.compile(
    rf"(?:fra og med|frå og med|f\.o\.m\.?|fom\.?|virkning fra|virkning frå|fra|frå|i kraft(?: [^.]*?)?)\s+({DATE})",
    re.I,
)
_SPAN = re.compile(rf"({DATE})\s+(?:til og med|til)\s+({DATE})", re.I)  # 'for perioden X til Y'
_TO = re.compile(rf"(?:til og med|t\.o\.m\.?|fram til|frem til|til)\s+({DATE})", re.I)
_TO_MONTH = re.compile(rf"\b(?:ut|til utgangen av|til og med|ut heile|ut hele)\s+({_MONTH_NAMES})\s+((?:19|20)\d{{2}})\b", re.I)
_TO_YEAR = re.compile(r"\b(?:ut|til og med|til utgangen av|ut året)\s+((?:19|20)\d{2})\b", re.I)
_ON_SIGNING = re.compile(
    r"i kraft (?:når|ved) (?:den|avtalen) (?:er|blir|vert) (?:signert|underskreve\w*)|"
    r"(?:gjelder|gjeld|løper|varer|virkning) (?:fra|frå) (?:signering|underskrift|underskriving|"
    r"(?:den|avtalen) (?:er|blir|vert) (?:signert|underskreve\w*))",
    re.I,
)
_SIGN_FIELD = re.compile(
    rf"(?:Signert|Stad og dato|Sted og dato|Sted/dato|Stad/dato|Dato for signering|Underskrevet)\s*[:|]\s*"
    rf"(?:[^\n,]{{2,40}},\s*)?(?:den\s+)?({DATE})",
    re.I,
)
_DATELINE = re.compile(rf"^\s*[A-ZÆØÅ][\wæøå.-]*(?:\s[A-ZÆØÅ][\wæøå-]*)*,\s*(?:den\s+)?({DATE})\s*$", re.M)
_SIGN_VERB = re.compile(r"\b(signer\w*|undertegn\w*|underskre\w*|underskrev\w*)", re.I)
_PUBLISHED = re.compile(r"(?:Publisert|Innsendt|Dato)\s*:?\s*(\d{1,2}\.\d{1,2}\.\d{4})", re.I)
_REPLACES = re.compile(r"\b(erstatter|erstattar)\b", re.I)
_NEGATION = re.compile(r"\b(ikke|ikkje)\b", re.I)


@dataclass
class Period:
    valid_from: str = ""
    valid_to: str = ""
    text: str = ""
    span: tuple[int, int] = (0, 0)


@dataclass
class Signing:
    date: str = ""  # as written
    span: tuple[int, int] = (0, 0)


def published(text: str) -> str:
    m = _PUBLISHED.search(text)
    return m.group(1) if m else ""


def signing(text: str, published_on: str = "") -> Signing:
    """A 'Signert:' field, else the last dateline of a signature block ('Stavanger, 2. desember
    2024'), else a sentence that says it was signed on a date ('signerte avtalen 5. juni')."""
    m = _SIGN_FIELD.search(text)
    if m:
        return Signing(m.group(1), _line_span(text, m.start()))
    lines = [m for m in _DATELINE.finditer(text) if parse_date(m.group(1)) is not None]
    if lines:
        m = lines[-1]
        return Signing(m.group(1), (m.start(), m.end()))
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if not _SIGN_VERB.search(sentence):
            continue
        if published_on and re.search(r"\bi dag\b", sentence, re.I):
            return Signing(published_on, (s, e))
        starts = _FROM.search(sentence)
        for d in DATE_ANY.finditer(sentence):
            if not (starts and starts.start() <= d.start() < starts.end()):
                return Signing(d.group(0), (s, e))
    return Signing()


def _line_span(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, len(text) if b < 0 else b


def _statements(text: str) -> list[tuple[int, int, int, str]]:
    """(priority, start, end, text) of the statements of the document's own validity."""
    out = [(3, m.start(1), m.end(1), m.group(1)) for m in _FIELD.finditer(text)]
    head = len(text.split("\n\n", 3)[0]) + 400
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if not _VERB.search(sentence) or _OTHER.search(sentence):
            continue
        if not (DATE_ANY.search(sentence) or _TO_YEAR.search(sentence) or _ON_SIGNING.search(sentence)):
            continue
        if _SELF.search(sentence):
            out.append((2, s, e, sentence))
        elif s < head and re.match(r"\s*(gjelder|gjeld|gyldig)", sentence, re.I):
            out.append((2, s, e, sentence))  # a header line: 'Gjeld frå 1. oktober 2024'
    return sorted(out, key=lambda t: (-t[0], t[1]))


def _read(statement: str, year: int | None) -> tuple[str, str]:
    """(from, to) as ISO dates, from one statement."""
    start = end = None
    if m := RANGE.search(statement) or _SPAN.search(statement):
        start, end = parse_date(m.group(1), year), parse_date(m.group(2), year)
    if start is None and (m := _FROM.search(statement)):
        start = parse_date(m.group(1), year)
    if start is None and re.fullmatch(rf"\s*{DATE}\s*", statement, re.I):
        start = parse_date(statement, year)  # a field holding one date: 'Gjelder fra: 1. oktober 2024'
    if end is None and (m := _TO.search(statement)):
        end = parse_date(m.group(1), year)
    if end is None and (m := _TO_MONTH.search(statement)):
        end = _month_end(int(m.group(2)), MONTHS[m.group(1).lower()])
    if end is None and (m := _TO_YEAR.search(statement)):
        end = parse_date(f"31.12.{m.group(1)}")
    if start is not None and end is None and (n := years_of(statement)):
        end = add_years(start, n)
    if start and end and end < start:
        end = None  # inconsistent: keep what is certain
    return (start.isoformat() if start else "", end.isoformat() if end else "")


def validity(text: str, year: int | None, signed: Signing) -> Period:
    """The validity period the document states for itself; the duration of 'en fireårig avtale' or
    'trer i kraft når den er signert' complete a start date stated elsewhere."""
    period = Period()
    used: list[tuple[int, int]] = []
    for _, s, e, statement in _statements(text):
        start, end = _read(statement, year)
        if _ON_SIGNING.search(statement) and not start and signed.date:
            d = parse_date(signed.date, year)
            start = d.isoformat() if d else ""
        if (start and not period.valid_from) or (end and not period.valid_to):
            used.append(_line_span(text, s) if text[s:e] != statement else (s, e))
        period.valid_from = period.valid_from or start
        period.valid_to = period.valid_to or end
        if period.valid_from and period.valid_to:
            break
    if period.valid_from and not period.valid_to:
        found = _duration(text)
        if found:
            n, span = found
            period.valid_to = add_years(date.fromisoformat(period.valid_from), n).isoformat()
            used.append(span)
    if period.valid_from and period.valid_to and period.valid_to < period.valid_from:
        period.valid_to = ""
    if used:
        # the passage cited for the period: the statement that gives its end (what is asked most),
        # else the one that gives its start; every statement used is kept as text
        period.span = used[-1] if period.valid_to else used[0]
        period.text = " ".join(dict.fromkeys(text[a:b] for a, b in used))
    return period


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _duration(text: str) -> tuple[int, tuple[int, int]] | None:
    """'en fireårig avtale' / 'avtalen gjeld i fire år': the agreement's length in years, and where."""
    best = None
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if "avtal" in sentence.lower() and not _OTHER.search(sentence) and (n := years_of(sentence)):
            if _SELF.search(sentence):
                return n, (s, e)
            best = best or (n, (s, e))
    return best


@dataclass
class Replaces:
    """What an agreement says it replaces: a period ('for perioden 2021–2024'), a year ('av 2.
    juni 2016', 'frå 2019'), and the sentence saying so."""

    years: tuple[int, ...] = ()
    text: str = ""
    span: tuple[int, int] = (0, 0)


def replaces(text: str) -> Replaces:
    for s, e in split_sentences(text):
        sentence = text[s:e]
        m = _REPLACES.search(sentence)
        if not m or _NEGATION.search(sentence[m.start() : m.start() + 40]):
            continue
        tail = sentence[m.end() :]
        if r := YEAR_RANGE.search(tail):
            return Replaces((int(r.group(1)), int(r.group(2))), sentence, (s, e))
        years = tuple(int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", tail))
        return Replaces(years[:1], sentence, (s, e))
    return Replaces()
