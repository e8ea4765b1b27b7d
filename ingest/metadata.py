"""Document metadata by rule: parties, signing date, validity as stated, contacts."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from avtalebot.text import split_sentences
from avtalebot.types import DocMeta
from ingest.contacts import extract_contacts
from ingest.gazetteer import ORG_RE, normalise_org

MONTHS = {
    "januar": 1,
    "februar": 2,
    "mars": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
}
_MONTH = "|".join(MONTHS)
DATE_TXT = rf"\d{{1,2}}\.\s?(?:{_MONTH})(?:\s\d{{4}})?"
DATE_NUM = r"\d{1,2}\.\d{1,2}\.\d{4}"
DATE_ANY = re.compile(rf"{DATE_NUM}|{DATE_TXT}", re.I)
_SIGN = re.compile(r"\b(signer\w*|undertegn\w*|underskre\w*|underskrev\w*)", re.I)
_AGREEMENT = re.compile(r"avtale|signer|inngått|inngår|undertegn", re.I)
_PUBLISHED = re.compile(rf"(?:Publisert|Innsendt|Dato)\s*:?\s*({DATE_NUM})", re.I)
_YEARS_WORD = {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "ti": 10}
_DURATION = re.compile(
    r"\b(to|tre|fire|fem|seks|ti|\d{1,2})[- ]?årig\b|\bgjelder i (\d{1,2}|to|tre|fire|fem) år\b",
    re.I,
)
_FROM = re.compile(
    rf"(?:gjelder (?:fra|f\.o\.m\.?|fom\.?)|trer (?:først )?i kraft(?: [^.]*?)?|gjeld frå|gyldig fra|fra og med)\s*({DATE_NUM}|{DATE_TXT})",
    re.I,
)
_UNTIL_YEAR = re.compile(
    r"(?:gjelder|gjeld|varer|gyldig) (?:ut|ut året|til og med|til utgangen av|fram til|frem til|til) (\d{4})\b",
    re.I,
)
_UNTIL_DATE = re.compile(
    rf"(?:gjelder|gjeld|varer|gyldig) (?:til og med|til|fram til|frem til|t\.o\.m\.?) ({DATE_NUM}|{DATE_TXT})",
    re.I,
)
_PERIOD = re.compile(r"(?:perioden|periode)\s+(\d{4})\s*[-–]\s*(\d{4})", re.I)


def parse_date(text: str, default_year: int | None = None) -> date | None:
    """'1. januar 2021' or '11.12.2023' -> date; a date without a year needs default_year."""
    text = text.strip().lower()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if m:
        d, mo, y = map(int, m.groups())
    else:
        m = re.fullmatch(rf"(\d{{1,2}})\.\s?({_MONTH})(?:\s(\d{{4}}))?", text)
        if not m:
            return None
        d, mo = int(m.group(1)), MONTHS[m.group(2)]
        y = int(m.group(3)) if m.group(3) else default_year
        if y is None:
            return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def extract_parties(text: str) -> list[str]:
    """Organisations named in sentences about the agreement; all named ones if none are."""
    near, anywhere = Counter(), Counter()
    order: dict[str, int] = {}
    for s, e in split_sentences(text):
        sentence = text[s:e]
        for m in ORG_RE.finditer(sentence):
            org = normalise_org(m.group(0))
            order.setdefault(org, s + m.start())
            anywhere[org] += 1
            if _AGREEMENT.search(sentence):
                near[org] += 1
    chosen = near or anywhere
    return sorted(chosen, key=lambda o: (-chosen[o], order[o]))


def _signed(text: str, published: str) -> tuple[str, tuple[int, int]]:
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if not _SIGN.search(sentence):
            continue
        if published and re.search(r"\bi dag\b", sentence, re.I):
            return published, (s, e)
        in_force = _FROM.search(sentence)
        for m in DATE_ANY.finditer(sentence):
            if not (in_force and in_force.start() <= m.start() < in_force.end()):
                return m.group(0), (s, e)
    return "", (0, 0)


def _validity(text: str, published_year: int | None) -> dict:
    out: dict = {"valid_from": "", "valid_to": "", "validity_text": "", "validity_span": (0, 0)}
    years = 0
    stated: list[tuple[int, int]] = []
    for s, e in split_sentences(text):
        sentence = text[s:e]
        hit = False
        if m := _FROM.search(sentence):
            d = parse_date(m.group(1), published_year)
            if d and not out["valid_from"]:
                out["valid_from"], hit = d.isoformat(), True
        if m := _UNTIL_YEAR.search(sentence):
            out["valid_to"], hit = f"{m.group(1)}-12-31", True
        elif m := _UNTIL_DATE.search(sentence):
            d = parse_date(m.group(1), published_year)
            if d:
                out["valid_to"], hit = d.isoformat(), True
        if m := _PERIOD.search(sentence):
            out["valid_from"] = out["valid_from"] or f"{m.group(1)}-01-01"
            out["valid_to"], hit = f"{m.group(2)}-12-31", True
        if m := _DURATION.search(sentence):
            word = (m.group(1) or m.group(2)).lower()
            years, hit = int(_YEARS_WORD.get(word, word)), True
        if hit:
            stated.append((s, e))
    if years and out["valid_from"] and not out["valid_to"]:
        start = date.fromisoformat(out["valid_from"])
        out["valid_to"] = (start.replace(year=start.year + years) - timedelta(days=1)).isoformat()
    if stated:
        out["validity_text"] = " ".join(text[s:e] for s, e in stated)
        out["validity_span"] = (stated[0][0], stated[-1][1])
    return out


def extract_metadata(text: str) -> DocMeta:
    m = _PUBLISHED.search(text)
    published = m.group(1) if m else ""
    pub_date = parse_date(published) if published else None
    parties = extract_parties(text)
    county = next((p for p in parties if p.endswith("fylkeskommune")), "")
    signed_date, signed_span = _signed(text, published)
    return DocMeta(
        parties=tuple(parties),
        signed_date=signed_date,
        signed_span=signed_span,
        published=published,
        contacts=tuple(extract_contacts(text, county)),
        **_validity(text, pub_date.year if pub_date else None),
    )
