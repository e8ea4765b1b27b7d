"""Eligibility conditions as agreements state them, read from one passage (a criteria list or a
sentence): age bounds (inclusive or not, as written), completed levels (Vg1/Vg2/Vg3), not having
completed upper secondary, registration with NAV, residence, and being without an apprenticeship.

  • ha fylt 25 år,                → age ≥ 25          • være under 25 år ved skolestart → age < 25
  • er mellom 18 og 29 år,        → 18 ≤ age ≤ 29     • voksne som er 23 år eller eldre → age ≥ 23
  • ha fullført og bestått Vg1 og Vg2 → completed {Vg1, Vg2}
  • vere registrert som arbeidssøkjar hjå NAV → registered    • er bosatt i Troms → lives in Troms

Anything else an item requires is kept as an unparsed condition: it can only make an answer
'depends on …', never 'yes'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.lexicon import alternatives

_N = r"(\d{1,2})"
_AGE = [  # (pattern, low, low inclusive, high, high inclusive) — groups give the numbers
    (re.compile(rf"\b(?:mellom|fra|frå|between)\s+{_N}\s+(?:og|til|and)\s+{_N}\s*(?:år|years)", re.I), 1, True, 2, True),
    (re.compile(rf"\b{_N}\s*[–-]\s*{_N}\s*år", re.I), 1, True, 2, True),
    (re.compile(rf"\b(?:ikke|ikkje|not)\s+(?:har\s+)?fylt\s+{_N}\s*år", re.I), None, False, 1, False),
    (re.compile(rf"\b(?:har|er|ha|vere|være)?\s*fylt\s+{_N}\s*år", re.I), 1, True, None, False),
    (re.compile(rf"\b(?:under|yngre enn|younger than)\s+{_N}\s*(?:år|years)", re.I), None, False, 1, False),
    (re.compile(rf"\b(?:over|eldre enn|older than)\s+{_N}\s*(?:år|years)", re.I), 1, False, None, False),
    (re.compile(rf"\b{_N}\s*år\s+(?:eller|og)\s+eldre", re.I), 1, True, None, False),
    (re.compile(rf"\b{_N}\s*år\s+(?:eller|og)\s+yngre", re.I), None, False, 1, True),
    (re.compile(rf"\btil og med\s+{_N}\s*år", re.I), None, False, 1, True),
]
_LEVELS = re.compile(
    r"\b(?:fullført|fullførte|gjennomført|gjennomførte|fullført og bestått|bestått)\s+(?:og bestått\s+)?"
    r"(Vg[123](?:\s*(?:,|og)\s*Vg[123])*)",
    re.I,
)
_NOT_COMPLETED = re.compile(
    r"\b(?:ikke|ikkje)\s+(?:har\s+)?fullført\s+(?:videregående|vidaregåande)|\bmangle[rn]?\s+fullført\s+"
    r"(?:videregående|vidaregåande)|\b(?:uten|utan)\s+fullført\s+(?:videregående|vidaregåande)",
    re.I,
)
_REGISTERED = re.compile(r"\bregistrert\w*\s+(?:som\s+arbeidssøk\w+\s+)?(?:hos|hjå|i)\s+N(?:AV|av)\b", re.I)
_RESIDENT = re.compile(
    r"\b(?:bosatt|busett|folkeregistrert|bor|bur)\s+(?:eller\s+jobber\s+)?(?:i|på)\s+(?:en|ein)?\s*"
    r"(?:kommune\s+i\s+)?(?P<place>[A-ZÆØÅ][\w-]+(?:\s+[A-ZÆØÅ][\w-]+)?)"
)
_NO_APPRENTICESHIP = re.compile(
    r"\b(?:ikke|ikkje)\s+(?:har\s+)?(?:fått|fått\s+seg)\s+læreplass|\b(?:uten|utan)\s+læreplass", re.I
)


@dataclass(frozen=True)
class Condition:
    kind: str  # age | completed | not_completed | registered | resident | no_apprenticeship | other
    text: str  # the words stating it
    low: int | None = None
    low_inclusive: bool = True
    high: int | None = None
    high_inclusive: bool = True
    levels: tuple[str, ...] = ()
    place: str = ""


def conditions_in(text: str) -> list[Condition]:
    """Every condition this passage states, in order of appearance."""
    found: list[tuple[int, Condition]] = []
    taken: list[tuple[int, int]] = []
    for pattern, lo, lo_inc, hi, hi_inc in _AGE:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            low = int(m.group(lo)) if lo else None
            high = int(m.group(hi)) if hi else None
            found.append((m.start(), Condition("age", m.group(0), low, lo_inc, high, hi_inc)))
    for m in _LEVELS.finditer(text):
        levels = tuple(sorted({x.capitalize() for x in re.findall(r"vg[123]", m.group(1), re.I)}))
        found.append((m.start(), Condition("completed", m.group(0), levels=levels)))
    for kind, pattern in (
        ("not_completed", _NOT_COMPLETED),
        ("registered", _REGISTERED),
        ("no_apprenticeship", _NO_APPRENTICESHIP),
    ):
        found += [(m.start(), Condition(kind, m.group(0))) for m in pattern.finditer(text)]
    for m in _RESIDENT.finditer(text):
        found.append((m.start(), Condition("resident", m.group(0), place=m.group("place"))))
    return [c for _, c in sorted(found, key=lambda x: x[0])]


_FILLER = re.compile(r"\b(?:" + alternatives("documents", "eligibility.filler") + r")\b", re.I)


def understood(item: str, conditions: list[Condition]) -> bool:
    """Whether an item says nothing beyond its parsed conditions (grammar words aside)."""
    rest = item
    for c in conditions:
        rest = rest.replace(c.text, " ")
    rest = _FILLER.sub(" ", rest)
    return not re.search(r"\w{3,}", rest)
