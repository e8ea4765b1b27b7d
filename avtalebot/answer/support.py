"""What a generated sentence must share with the passages it cites, beyond its numbers and names.

A sentence can contradict its passage with no number or name in it ("Kurset er åpent for alle
aldre [1]" where the passage says under 24), by negating it ("… er ikke et kurs for ungdom …"), or by
a quantity with another unit ("24 måneder" where the passage says 24 år). Without a model, the checks
are lexical and strict, because a dropped sentence costs little (the quotes are shown instead) and a
wrong one costs trust:
- its content words (stemmed; a compound counts when it holds, or is held in, a passage word) must be
  in the cited passages or the question at a high share;
- a negation in the sentence must agree with the passage clause it matches best;
- every number, number words included ("atten" = 18), with its unit when it has one.

Also here: model text made inert (no mention, link or markup survives) and citation styles the
model may use ([1-3], [1,2], (1)) read as [1][2][3]."""

from __future__ import annotations

import re

from ingest.lexicon import alternatives, mapping
from ingest.lexicon import words as words_of
from ingest.text import content_terms, words

# A sentence's content words must be found at this share (question words count as found: a model
# restates the question). Set where the scripted contradictions fail and restatements pass.
MIN_SHARE = 0.75

NUMBER_WORDS = {w: n for n, ws in mapping("answer_types", "number_values").items() for w in ws}
_NUMBER_WORD = re.compile(r"(?<!\w)(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")(?!\w)", re.I)
UNITS = {w: unit for unit, ws in mapping("answer_types", "units").items() for w in ws}
_QUANTITY = re.compile(
    r"(?<![\w.,])(\d+(?:[ \u00a0.]\d{3})*(?:[.,]\d+)?)(?![\w])\s*(%|[a-zæøå]+)?", re.I
)
NEGATIONS = frozenset(words_of("answer_types", "negations"))
_CLAUSE = re.compile(r"[.;:!?\n•]+|,\s+|\s+(?:" + alternatives("answer_types", "clause_joins") + r")\s+", re.I)


def with_digits(text: str) -> str:
    """Number words as digits ("atten år" -> "18 år"), so both spellings are one number."""
    return _NUMBER_WORD.sub(lambda m: NUMBER_WORDS[m.group(1).lower()], text)


def quantities(text: str) -> set[tuple[str, str]]:
    """(number, unit) pairs; the unit '' when the number stands alone."""
    out = set()
    for m in _QUANTITY.finditer(with_digits(text)):
        number = re.sub(r"[ \u00a0]", "", m.group(1)).replace(",", ".")
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
            number = number.replace(".", "")
        out.add((number, UNITS.get((m.group(2) or "").lower(), "")))
    return out


def quantity_problem(sentence: str, passages: list[str]) -> str | None:
    given = set().union(*(quantities(p) for p in passages)) if passages else set()
    numbers = {n for n, _ in given}
    for number, unit in sorted(quantities(sentence)):
        if number not in numbers:
            return f"number {number} not in the cited passages"
        if unit and (number, unit) not in given:
            return f"number {number} with another unit than in the cited passages"
    return None


def _found(term: str, pool: set[str]) -> bool:
    if term in pool:
        return True
    # compounds: 'læreplass' in 'læreplassgaranti', 'fagbrevløp' holding 'fagbrev'
    return len(term) >= 5 and any(len(p) >= 5 and (term in p or p in term) for p in pool)


def share_problem(sentence: str, passages: list[str], question: str) -> str | None:
    terms = [t for t in dict.fromkeys(content_terms(sentence)) if not t.isdigit()]
    if len(terms) < 2:
        return None
    pool = {t for p in passages for t in content_terms(p)} | set(content_terms(question))
    found = sum(_found(t, pool) for t in terms)
    if found < MIN_SHARE * len(terms):
        missing = [t for t in terms if not _found(t, pool)][:3]
        return f"{len(terms) - found} of {len(terms)} words not in the cited passages ({', '.join(missing)})"
    return None


def negation_problem(sentence: str, passages: list[str]) -> str | None:
    """Each clause of the sentence must agree in negation with the passage clause sharing most
    words with it (a tie goes to agreement). Clauses: split at punctuation, conjunctions and relative
    pronouns, so "et kurs for ungdom under 24 år som ikke har fått læreplass" is two clauses, and
    "er ikke et kurs for ungdom under 24 år" disagrees with the first."""
    clauses = [(set(content_terms(c)), _negated(c)) for p in passages for c in _CLAUSE.split(p) if c and c.strip()]
    for part in _CLAUSE.split(sentence):
        if not part or not part.strip():
            continue
        mine, negated = set(content_terms(part)), _negated(part)
        if not mine or not clauses:
            continue
        overlap, agrees = max((len(mine & terms), neg == negated) for terms, neg in clauses)
        if overlap and not agrees:
            return "negation does not agree with the cited passage" if negated else "the cited passage negates it"
    return None


def _negated(text: str) -> bool:
    return bool(NEGATIONS & set(words(text)))


_RANGE = re.compile(r"\[(\d{1,2})\s*[-–]\s*(\d{1,2})\]")
_LIST = re.compile(r"\[(\d{1,2}(?:\s*,\s*\d{1,2})+)\]")
_PAREN = re.compile(r"\((\d{1,2}(?:\s*,\s*\d{1,2})*)\)(?=\s*[.!?]|\s*$)")


def normalise_citations(text: str) -> str:
    """[1-3], [1,2] and a closing (1) read as [1][2][3], [1][2], [1]."""

    def many(numbers) -> str:
        return "".join(f"[{n}]" for n in numbers)

    text = _RANGE.sub(lambda m: many(range(int(m.group(1)), min(int(m.group(2)), int(m.group(1)) + 9) + 1)), text)
    text = _LIST.sub(lambda m: many(x.strip() for x in m.group(1).split(",")), text)
    return _PAREN.sub(lambda m: many(x.strip() for x in m.group(1).split(",")), text)


_MARKUP = re.compile(r"<[^<>]{0,2000}>")
_MD_LINK = re.compile(r"!?\[([^\]\[]{0,300})\]\([^()\s]{0,2000}\)")
_URL = re.compile(r"\b(?:https?|ftp|javascript|data):\S+", re.I)
_AT = re.compile(r"@(channel|here|everyone)\b", re.I)
_MD = re.compile(r"(\*\*|__|`+|~~)")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def inert(text: str) -> str:
    """Model text with no mention, link or markup left: Slack's <!channel>, <@U…> and <url|text>,
    HTML tags, Markdown links and URLs go; what a link said stays as plain words."""
    text = _INVISIBLE.sub("", text)  # '24\u200b24' is shown as 2424: checked as shown
    text = _MD_LINK.sub(r"\1", text)
    text = _MARKUP.sub("", text)
    text = _URL.sub("", text)
    text = _AT.sub(r"\1", text)
    text = _MD.sub("", text).replace("<", "").replace(">", "")
    return " ".join(text.split())

