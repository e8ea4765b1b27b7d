"""Thread follow-ups ('og for Vestfold?'): rewrite the earlier question with the new place or party."""

from __future__ import annotations

import re

from ingest.gazetteer import REGIONS
from ingest.lexicon import pattern
from ingest.text import content_terms

PLACE_RE = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(map(re.escape, REGIONS), key=len, reverse=True)) + r")(?![\w-])"
)
_QUESTION_WORD = re.compile(pattern("question", "question_start"), re.I)
_FOLLOWUP_START = re.compile(r"^\s*(og|men|hva med|kva med|enn|what about|and|how about)\b", re.I)


def contextualize(question: str, previous: str | None) -> str:
    """A short follow-up borrows the earlier question; a place in it replaces the earlier place."""
    if not previous:
        return question
    marker = bool(_FOLLOWUP_START.match(question))
    fragment = len(content_terms(question)) <= 3 and not _QUESTION_WORD.match(question)
    if not (marker or fragment):
        return question
    new_places = PLACE_RE.findall(question)
    if new_places and PLACE_RE.search(previous):
        first = iter(new_places)
        replaced = PLACE_RE.sub(lambda m: next(first, m.group(0)), previous)
        return replaced
    return f"{previous} {question}"
