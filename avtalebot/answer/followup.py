"""Thread follow-ups ('og for Vestfold?'): rewrite the earlier question with the new place or party."""

from __future__ import annotations

import re

from avtalebot.text import content_terms
from ingest.gazetteer import REGIONS

PLACE_RE = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, REGIONS), key=len, reverse=True)) + r")(?![\w-])")
_FOLLOWUP_START = re.compile(r"^\s*(og|men|hva med|kva med|enn|what about|and|how about)\b", re.I)


def contextualize(question: str, previous: str | None) -> str:
    """A short follow-up borrows the earlier question; a place in it replaces the earlier place."""
    if not previous:
        return question
    short = len(content_terms(question)) <= 3 or bool(_FOLLOWUP_START.match(question))
    if not short:
        return question
    new_places = PLACE_RE.findall(question)
    if new_places and PLACE_RE.search(previous):
        first = iter(new_places)
        replaced = PLACE_RE.sub(lambda m: next(first, m.group(0)), previous)
        return replaced
    return f"{previous} {question}"
