"""Obligations per party, from the lists agreements write them in:

  Agder fylkeskommune skal:            NAV Innlandet på sin side, har ansvar for å:
  • gi kvart NAV-kontor …              • Gi relevant informasjon …
  I tillegg skal Innlandet fylkeskommune:      4.3 Felles ansvar: / Begge partar skal:
  Nav Sør-Varanger skal gi … tjenester:        Ansvaret er fordelt slik:  (each item names its party)

A lead-in counts when it names a party and says what it must do (skal / har ansvar for /
forplikter seg); a list under a bare party name ('Telemark fylkeskommune:', meeting attendees) does
not. 'Fylkeskommunen', 'Nav', 'Kommunen' are resolved to the document's parties as written.
"""

from __future__ import annotations

import re

from ingest.types import JOINT, Obligation

_ITEM = re.compile(r"^\s*(?:•|–|-|\d{1,2}[.)])\s+(?=\S)")
_NUMBERING = re.compile(r"^(?:§\s*)?\d+(?:\.\d+)*\.?\s+")
_VERB = r"(?:skal|har ansvar(?:et)? for|forplikter seg til|plikter å)"
_JOINT = re.compile(
    r"^(?:felles(?: ansvar| for partene| for partane| oppgaver| oppgåver)?|begge part(?:er|ar)(?: skal)?"
    r"|partene skal|partane skal)\s*:?$",
    re.I,
)
_PARTY_FIRST = re.compile(
    rf"^(?P<party>[A-ZÆØÅ][^:]{{1,80}}?)(?:,? på sin side,?)? {_VERB}\b(?P<rest>[^:]*):?$"
)
_VERB_FIRST = re.compile(
    r"^(?:[^:]{0,120}\s)?skal (?P<party>partene|partane|[A-ZÆØÅ][\w-]*(?: (?:og )?[A-ZÆØÅ][\w-]*)*"
    r"(?: fylkeskommune| kommune)?)(?P<rest>[^:]*):$"
)
_SHARED = re.compile(r"\bansvar(?:et)?\b[^:]*:$", re.I)  # 'Ansvaret er fordelt slik:'
_ORGISH = re.compile(r"^[A-ZÆØÅ][\w-]*(?:,? (?:og |i )?[A-ZÆØÅ][\w-]*){0,5}(?: fylkeskommune| kommune)?$")


def extract_obligations(text: str, parties: tuple[str, ...]) -> tuple[Obligation, ...]:
    out: list[Obligation] = []
    lines = _lines(text)
    for i, (_start, line) in enumerate(lines):
        lead = _NUMBERING.sub("", line.strip())
        if not lead or _ITEM.match(line) or len(lead) > 200:
            continue
        items = _items(lines, i + 1)
        if not items:
            continue
        party = _lead_party(lead, parties)
        if party:
            out += [Obligation(party, t, a, b) for a, b, t in items]
        elif _SHARED.search(lead):
            for a, b, t in items:
                named = _item_party(t, parties)
                if named:
                    out.append(Obligation(named, t, a, b))
    return tuple(out)


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _items(lines: list[tuple[int, str]], k: int) -> list[tuple[int, int, str]]:
    """The list right after a lead-in (one blank line may stand before it or between items)."""
    items: list[tuple[int, int, str]] = []
    while k < len(lines):
        start, line = lines[k]
        m = _ITEM.match(line)
        if m:
            body = line[m.end() :].rstrip()
            if body.isupper():  # a numbered heading ('5. MØTER OG ORGANISERING'), not an item
                break
            items.append((start + m.end(), start + m.end() + len(body), body))
        elif line.strip():
            break
        elif k + 1 < len(lines) and not _ITEM.match(lines[k + 1][1]):
            break
        k += 1
    return items


def _lead_party(lead: str, parties: tuple[str, ...]) -> str:
    if _JOINT.match(lead):
        return JOINT
    # 'NAV Agder skal:', 'I tillegg skal NAV Agder:'; a party of the document wins over a name that
    # only looks like one (a capitalised opener such as 'Dessutan skal …')
    for known_only in (True, False):
        for pattern in (_PARTY_FIRST, _VERB_FIRST):
            m = pattern.match(lead)
            if m and (lead.endswith(":") or not m.group("rest").strip()):
                party = resolve_party(m.group("party").strip(" ,"), parties, known_only=known_only)
                if party:
                    return party
    return ""


def _item_party(item: str, parties: tuple[str, ...]) -> str:
    """'Trøndelag fylkeskommune betaler …': the party an item starts with, if it is one."""
    for p in sorted(parties, key=len, reverse=True):
        if item.casefold().startswith(p.casefold() + " "):
            return p
    return ""


def resolve_party(phrase: str, parties: tuple[str, ...], *, known_only: bool = False) -> str:
    """A party as the document names it: 'Fylkeskommunen' -> 'Agder fylkeskommune', 'partene' ->
    both; a name that is not among the parties is kept as written when it looks like one."""
    low = phrase.casefold()
    if low in ("partene", "partane"):
        return JOINT
    for p in parties:
        if p.casefold() == low:
            return p
    generic = {
        "fylkeskommunen": lambda p: "fylkeskommune" in p.casefold(),
        "nav": lambda p: p.casefold().startswith("nav"),
        "kommunen": lambda p: "kommune" in p.casefold() and "fylkeskommune" not in p.casefold(),
        "bydelen": lambda p: p.casefold().startswith("bydel"),
    }
    if low in generic:
        found = [p for p in parties if generic[low](p)]
        return found[0] if len(found) == 1 else phrase
    return phrase if _ORGISH.match(phrase) and not known_only else ""
