"""Contact persons by rule: '<role> <Name>', '<Name>, <role> i <org>', 'Kontaktperson <Name>' + e-mail."""

from __future__ import annotations

import re

from ingest.contact_records import list_organisation, record_contacts, table_contacts
from ingest.gazetteer import COUNTY, NAV_UNIT, PERSON_NAME, ROLE_RE, normalise_org
from ingest.signatures import signature_signers
from ingest.text import split_sentences
from ingest.types import Contact

NAME = PERSON_NAME
_ORG = rf"(?:nye )?(?:{NAV_UNIT}|{COUNTY})"
_PLACE_ORG = rf"(?:{_ORG}|[A-ZÆØÅ][a-zæøå]+(?: og [A-ZÆØÅ][a-zæøå]+)?)"

# A role as written, compound included: 'Møteleiar' is a meeting's chair, not a 'leiar'.
_ROLE = rf"(?<![\w-])[\wæøå-]*?{ROLE_RE}"
_PATTERNS = [
    # "direktør i NAV Vestfold og Telemark, Anders Anundsen" / "direktør for NAV Øst Viken Lise Westly"
    re.compile(rf"(?P<role>{_ROLE}) (?:i|for|ved) (?P<org>{_PLACE_ORG}),? (?P<name>{NAME})"),
    # "Inger Anne Speilberg, direktør i NAV Vest-Viken"
    re.compile(rf"(?P<name>{NAME}), (?P<role>{_ROLE})(?: (?:i|for|ved))? (?P<org>{_ORG})"),
    # "fylkesordfører Sindre Martinsen-Evje i Østfold fylkeskommune" / "Kontaktperson Tony Jonsen"
    re.compile(rf"(?P<role>{_ROLE}):? (?P<name>{NAME})(?: (?:i|for|ved) (?P<org>{_ORG}))?"),
]
_ORGNAME_FIELD = re.compile(r"^(?:Organisasjonsnavn|Organisasjon|Virksomhet)\s*:?\s+(.+)$", re.M)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SIGN = re.compile(r"\b(signer\w*|undertegn\w*|underskr\w*)", re.I)
_NOT_NAMES = {"NAV", "Kommune", "Fylkeskommune"}


def _org_for(role: str, org: str, sentence: str, county: str) -> str:
    org = normalise_org(org)
    if org and not re.search(r"fylkeskommune|^NAV", org):
        return f"{org} fylkeskommune" if role.lower().startswith("fylkes") else org
    return org


def extract_contacts(text: str, county: str = "", parties: tuple[str, ...] = ()) -> list[Contact]:
    """Everyone named with a role, merged by name: first the contact lists (tables, and records
    around each e-mail address), then people mentioned with a role ('fylkesordfører Sindre
    Martinsen-Evje'); a mention in a signing sentence marks them as signer, as does a signature block."""
    found: dict[str, Contact] = {}
    for c in table_contacts(text) + record_contacts(text):
        org = c.organisation or list_organisation(text, c.start) or _org_by_address(c.email, parties)
        _merge(found, Contact(**{**c.__dict__, "organisation": org}))
    mentioned: dict[str, Contact] = {}
    for start, end in split_sentences(text):
        for line_start, line in _lines(text, start, end):
            _match_line(line, line_start, start, end, text, county, mentioned)
    _attach_emails(text, mentioned)
    _attach_form_orgs(text, mentioned)
    for c in list(mentioned.values()) + signature_signers(text):
        if county and not c.organisation and c.role.startswith("fylkes"):
            c = Contact(**{**c.__dict__, "organisation": county})
        _merge(found, c)
    return list(found.values())


def _org_by_address(email: str, parties: tuple[str, ...]) -> str:
    """A contact without an organisation: a nav.no address belongs to the NAV party, another to the other."""
    if not email or not parties:
        return ""
    nav = [p for p in parties if p.lower().startswith("nav ")]
    other = [p for p in parties if not p.lower().startswith("nav ")]
    pick = nav if email.lower().endswith("@nav.no") else other
    return pick[0] if len(pick) == 1 else ""


def _lines(text: str, start: int, end: int):
    pos = start
    for line in text[start:end].split("\n"):
        yield pos, line
        pos += len(line) + 1


def _match_line(line, line_start, s_start, s_end, text, county, found) -> None:
    sentence = text[s_start:s_end]
    signed = bool(_SIGN.search(sentence))
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(line):
            span = m.span("name")
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            name = m.group("name")
            if not name[0].isupper() or any(w in _NOT_NAMES for w in name.split()):
                continue
            taken.append(span)
            role = m.group("role").lower()
            org = _org_for(role, m.group("org") or "", sentence, county)
            _merge(found, Contact(name, role, org, "", signed, s_start, s_end))


def _merge(found: dict[str, Contact], new: Contact) -> None:
    """One person per name: a contact list's role and organisation win over a passing mention's."""
    old = found.get(new.name)
    if old is None:
        found[new.name] = new
        return
    listed = old.reachable  # merged into an entry from a contact list: keep what the list says
    keep_new_span = new.signed and not old.signed and not listed
    found[new.name] = Contact(
        name=old.name,
        role=old.role if (listed and old.role) or len(old.role) >= len(new.role) else new.role,
        organisation=old.organisation or new.organisation,
        email=old.email or new.email,
        signed=old.signed or new.signed,
        start=new.start if keep_new_span else old.start,
        end=new.end if keep_new_span else old.end,
        phone=old.phone or new.phone,
    )


def _attach_emails(text: str, found: dict[str, Contact]) -> None:
    """An e-mail within a few lines after a contact's mention belongs to that contact."""
    for m in _EMAIL.finditer(text):
        best = None
        for c in found.values():
            if c.email or not (0 <= m.start() - c.end <= 200):
                continue
            if best is None or c.end > best.end:
                best = c
        local = m.group(0).split("@")[0].replace(".", " ").lower()
        if best is None:
            best = next((c for c in found.values() if c.name.lower() == local and not c.email), None)
        if best is not None:
            found[best.name] = Contact(
                **{**best.__dict__, "email": m.group(0), "end": max(best.end, m.end())}
            )


def _attach_form_orgs(text: str, found: dict[str, Contact]) -> None:
    """Forms: an 'Organisasjonsnavn X' field just before a contact gives that contact's organisation."""
    for m in _ORGNAME_FIELD.finditer(text):
        for c in list(found.values()):
            if not c.organisation and 0 <= c.start - m.end() <= 300:
                found[c.name] = Contact(**{**c.__dict__, "organisation": m.group(1).strip()})
