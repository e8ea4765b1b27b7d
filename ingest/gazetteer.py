"""Public names of Norwegian counties and NAV regions (2020-2024 and after), and role titles
(the names and titles themselves: ingest/lang/places.toml and roles.toml).

Used to recognise organisations and parties by rule; it is geography, not knowledge of any document.
"""

from __future__ import annotations

import re

from ingest.lexicon import alternatives, mapping, words

REGIONS = list(words("places", "regions"))
_REGION = "|".join(sorted((re.escape(r) for r in REGIONS), key=len, reverse=True))

ROLES_NB = list(words("roles", "titles"))
ROLE_RE = r"(?i:(?:(?:" + alternatives("roles", "acting") + r")\s+)?(?:" + "|".join(ROLES_NB) + r"))"

ROLE_EN: dict[str, str] = mapping("roles", "english")

# A person's name: two to four capitalised words ('Inger Lise Fjeldsgård', 'Sindre Martinsen-Evje').
_NAME_WORD = r"[A-ZÆØÅ][a-zæøåéüö]+(?:-[A-ZÆØÅ][a-zæøåéüö]+)?"
PERSON_NAME = rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}"

NAV_UNIT = rf"NAV (?:{_REGION})(?![\w-])"
COUNTY = rf"(?:{_REGION}) fylkeskommune"
ORG_RE = re.compile(rf"{NAV_UNIT}|{COUNTY}")


def normalise_org(org: str) -> str:
    """'NAV Øst Viken' and 'NAV Øst-Viken' are the same unit; 'nye X' is X."""
    org = re.sub(r"^nye\s+", "", org.strip())
    return re.sub(r"\b(Øst|Vest|Aust|Nord|Sør) (Viken|Agder|Trøndelag)\b", r"\1-\2", org)


def role_in_english(role: str) -> str:
    return " ".join(ROLE_EN.get(w.lower(), w) for w in role.split())


# Counties dissolved in the 2024 regional reform: (date, successor counties).
DISSOLVED = {
    county: (entry["date"], tuple(entry["successors"])) for county, entry in mapping("places", "dissolved").items()
}


def county_name(party: str) -> str | None:
    """'Viken fylkeskommune' -> 'Viken'; None for NAV units."""
    return party[: -len(" fylkeskommune")] if party.endswith(" fylkeskommune") else None
