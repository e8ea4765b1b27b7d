"""Dates as Norwegian agreements write them: '1. august 2024', '01.08.2024', 'ut 2027', and ranges
('1. august 2024 – 31. juli 2027', 'fra … til og med …', 'fra … og løper i tre år, til …')."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ingest.lexicon import mapping, words

MONTHS = {name: n for n, name in enumerate(words("dates", "months"), start=1)}
_MONTH = "|".join(MONTHS)
DATE_TXT = rf"\d{{1,2}}\.\s*(?:{_MONTH})(?:\s+\d{{4}})?"
DATE_NUM = r"\d{1,2}\.\d{1,2}\.\d{4}"
DATE = rf"(?:{DATE_NUM}|{DATE_TXT})"
DATE_ANY = re.compile(DATE, re.I)
_YEARS_WORD: dict[str, int] = mapping("dates", "number_words")
_NUM = r"(\d{1,2}|" + "|".join(_YEARS_WORD) + ")"
DURATION = re.compile(
    rf"\b{_NUM}[- ]?årig\b|\b(?:gjelder|gjeld|løper|varer|i)\s+(?:i\s+)?{_NUM}\s+år\b",
    re.I,
)
_DASH = r"\s*(?:–|—|-|til og med|t\.o\.m\.?|til)\s*"
RANGE = re.compile(rf"({DATE})\s*(?:–|—|-)\s*({DATE})", re.I)
YEAR_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*(?:–|—|-)\s*((?:19|20)\d{2})\b")


def parse_date(text: str, default_year: int | None = None) -> date | None:
    """'1. januar 2021' or '11.12.2023' -> date; a date without a year needs default_year."""
    text = " ".join(text.strip().lower().split())
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if m:
        d, mo, y = map(int, m.groups())
    else:
        m = re.fullmatch(rf"(\d{{1,2}})\.\s?({_MONTH})(?:\s(\d{{4}}))?", text)
        if not m:
            return None
        d, mo = int(m.group(1)), MONTHS[m.group(2)]
        year = int(m.group(3)) if m.group(3) else default_year
        if year is None:
            return None
        y = year
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def years_of(text: str) -> int | None:
    """'fireårig', 'i fire år', 'løper i tre år' -> the number of years."""
    m = DURATION.search(text)
    if not m:
        return None
    word = (m.group(1) or m.group(2)).lower()
    return int(_YEARS_WORD.get(word, word)) if word.isdigit() or word in _YEARS_WORD else None


def add_years(start: date, years: int) -> date:
    """The last day of a period of whole years starting on `start`."""
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return end - timedelta(days=1)
