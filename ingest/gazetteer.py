"""Public names of Norwegian counties and NAV regions (2020-2024 and after), and role titles.

Used to recognise organisations and parties by rule; it is geography, not knowledge of any document.
"""

from __future__ import annotations

import re

REGIONS = [
    "Vestfold og Telemark",
    "Troms og Finnmark",
    "Møre og Romsdal",
    "Sogn og Fjordane",
    "Øst-Viken",
    "Vest-Viken",
    "Øst Viken",
    "Vest Viken",
    "Aust-Agder",
    "Vest-Agder",
    "Sør-Trøndelag",
    "Nord-Trøndelag",
    "Viken",
    "Østfold",
    "Akershus",
    "Buskerud",
    "Oslo",
    "Innlandet",
    "Hedmark",
    "Oppland",
    "Vestfold",
    "Telemark",
    "Agder",
    "Rogaland",
    "Vestland",
    "Hordaland",
    "Trøndelag",
    "Nordland",
    "Troms",
    "Finnmark",
]
_REGION = "|".join(sorted((re.escape(r) for r in REGIONS), key=len, reverse=True))

ROLES_NB = [
    "fylkesrådsleder",
    "fylkesordfører",
    "fylkesvaraordfører",
    "fylkesdirektør",
    "fylkesrådmann",
    "fylkeskommunedirektør",
    "fylkesråd",
    "avdelingsdirektør",
    "regiondirektør",
    "direktør",
    "avdelingsleder",
    "seksjonsleder",
    "kontorsjef",
    "prosjektleder",
    "fagleder",
    "leder",
    "spesialrådgiver",
    "seniorrådgiver",
    "rådgiver",
    "kontaktperson",
    "ordfører",
    "rådmann",
    "kommunedirektør",
    "NAV-leder",
    # nynorsk spellings and titles common in the genre's contact lists
    "fylkesrådsleiar",
    "avdelingsleiar",
    "seksjonsleiar",
    "prosjektleiar",
    "fagleiar",
    "leiar",
    "spesialrådgjevar",
    "seniorrådgjevar",
    "rådgjevar",
    "NAV-leiar",
    "kommunalsjef",
    "avdelingssjef",
    "teamleder",
    "teamleiar",
    "koordinator",
]
ROLE_RE = r"(?i:(?:(?:konstituert|fungerende|assisterende)\s+)?(?:" + "|".join(ROLES_NB) + r"))"

ROLE_EN = {
    "fylkesrådsleder": "county council leader",
    "fylkesordfører": "county mayor",
    "fylkesvaraordfører": "deputy county mayor",
    "fylkesdirektør": "county director",
    "fylkesrådmann": "county chief executive",
    "fylkeskommunedirektør": "county chief executive",
    "fylkesråd": "county commissioner",
    "avdelingsdirektør": "head of department",
    "regiondirektør": "regional director",
    "direktør": "director",
    "avdelingsleder": "head of department",
    "seksjonsleder": "head of section",
    "kontorsjef": "office manager",
    "prosjektleder": "project manager",
    "fagleder": "professional lead",
    "leder": "leader",
    "spesialrådgiver": "special adviser",
    "seniorrådgiver": "senior adviser",
    "rådgiver": "adviser",
    "kontaktperson": "contact person",
    "ordfører": "mayor",
    "rådmann": "chief executive",
    "kommunedirektør": "chief municipal executive",
    "nav-leder": "NAV office manager",
    "fylkesrådsleiar": "county council leader",
    "avdelingsleiar": "head of department",
    "seksjonsleiar": "head of section",
    "prosjektleiar": "project manager",
    "fagleiar": "professional lead",
    "leiar": "leader",
    "spesialrådgjevar": "special adviser",
    "seniorrådgjevar": "senior adviser",
    "rådgjevar": "adviser",
    "nav-leiar": "NAV office manager",
    "kommunalsjef": "head of municipal services",
    "avdelingssjef": "head of department",
    "teamleder": "team leader",
    "teamleiar": "team leader",
    "koordinator": "coordinator",
    "konstituert": "acting",
    "fungerende": "acting",
}

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
    "Viken": ("2024-01-01", ("Østfold", "Akershus", "Buskerud")),
    "Vestfold og Telemark": ("2024-01-01", ("Vestfold", "Telemark")),
    "Troms og Finnmark": ("2024-01-01", ("Troms", "Finnmark")),
}


def county_name(party: str) -> str | None:
    """'Viken fylkeskommune' -> 'Viken'; None for NAV units."""
    return party[: -len(" fylkeskommune")] if party.endswith(" fylkeskommune") else None
