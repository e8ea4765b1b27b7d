"""A person's situation as a question states it: 'Kan en 25-åring som har fullført Vg2 …?',
'Is a 19-year-old who lives in Troms eligible …?'. Only what is stated is known."""

from __future__ import annotations

import re
from dataclasses import dataclass

_AGE = re.compile(
    r"\b(\d{1,2})\s*-?\s*(?:åring|åringar|åringer)\b|\b(\d{1,2})[- ]years?[- ]old\b|\baged?\s+(\d{1,2})\b"
    r"|\b(?:som er|som|er|is|på)\s+(\d{1,2})\s*(?:år|years)\b(?!\s+(?:eller|og)\s+(?:eldre|yngre))",
    re.I,
)
_LEVEL = re.compile(
    r"\b(?P<neg>ikke|ikkje|not|without|utan|uten)?\s*(?:har\s+|has\s+)?(?P<only>berre|bare|only)?\s*"
    r"(?:fullført|gjennomført|fullført og bestått|completed|finished)\s+(?:og bestått\s+)?"
    r"(?P<levels>Vg[123](?:\s*(?:,|og|and)\s*Vg[123])*)",
    re.I,
)
_REGISTERED = re.compile(
    r"\b(?P<neg>ikke|ikkje|not)?\s*(?:er\s+|is\s+)?(?:registrert|registered)\b[^?.,]{0,40}\b(?:nav)\b", re.I
)
_PLACE = re.compile(
    r"\b(?:bor|bur|bosatt|busett|lives|living|resident)\s+(?:i|in)\s+(?P<place>[A-ZÆØÅ][\w-]+(?:\s+[A-ZÆØÅ][\w-]+)?)"
)
_NO_APPRENTICESHIP = re.compile(
    r"\b(?:ikke|ikkje|not)\s+(?:har\s+|has\s+)?(?:fått|got|gotten|received)\s+(?:an?\s+)?"
    r"(?:læreplass|apprenticeship)|\b(?:uten|utan|without|no)\s+(?:an?\s+)?(?:læreplass|apprenticeship)",
    re.I,
)
_HAS_APPRENTICESHIP = re.compile(r"\b(?:har|has)\s+(?:fått\s+|got\s+)?(?:an?\s+)?(?:læreplass|apprenticeship)", re.I)


@dataclass(frozen=True)
class Situation:
    age: int | None = None
    completed: frozenset[str] | None = None  # levels completed; None = not stated
    registered: bool | None = None
    place: str = ""
    apprenticeship: bool | None = None  # has an apprenticeship

    @property
    def stated(self) -> bool:
        return self.age is not None


def parse_situation(question: str) -> Situation | None:
    """The situation in a question, or None when it describes no person (no age stated)."""
    m = _AGE.search(question)
    if not m:
        return None
    age = int(next(g for g in m.groups() if g))
    completed = None
    lv = _LEVEL.search(question)
    if lv:
        top = max(int(x[-1]) for x in re.findall(r"vg[123]", lv.group("levels"), re.I))
        if lv.group("neg"):
            completed = frozenset(f"Vg{i}" for i in range(1, top))
        else:  # completing a level means the ones before it are completed too
            completed = frozenset(f"Vg{i}" for i in range(1, top + 1))
    reg = _REGISTERED.search(question)
    place = _PLACE.search(question)
    if _NO_APPRENTICESHIP.search(question):
        apprenticeship: bool | None = False
    elif _HAS_APPRENTICESHIP.search(question):
        apprenticeship = True
    else:
        apprenticeship = None
    return Situation(
        age=age,
        completed=completed,
        registered=(not reg.group("neg")) if reg else None,
        place=place.group("place") if place else "",
        apprenticeship=apprenticeship,
    )
