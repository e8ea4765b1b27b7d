"""Signers from an agreement's signature block.

Agreements end with a place and date ('Molde, 11. mars 2024', 'Stad og dato: Kristiansand, 24. juni
2022') followed by one entry per signer, in one of a few layouts:
  'For Nav Troms: Ingrid Solbakken Isaksen, direktør'       (party, name and title on one line)
  'For Agder fylkeskommune' / 'Inger Lise Fjeldsgård fylkesdirektør …'  (party on a line of its own)
  'Heidi Kristin Moen direktør, Nav Akershus'               (title, then party)
A signer's name is not in a sentence with 'signerte', so the mention rules of contacts.py never see
them. The block ends at the first line that is none of these (a footer, a menu, the next section).
Two signers side by side in columns, flattened into one line by text extraction, are not split: which
words are whose name cannot be told, and a wrong name is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.dates import DATE
from ingest.gazetteer import PERSON_NAME as _NAME
from ingest.gazetteer import ROLE_RE
from ingest.types import Contact

# The place-and-date line that opens a signature block.
_OPENING = re.compile(
    rf"^[ \t]*(?:(?i:stad og dato|sted og dato|sted/dato|stad/dato)\s*[:|]\s*)?"
    rf"[A-ZÆØÅ][\wæøå.-]*(?:\s[A-ZÆØÅ][\wæøå-]*)*,\s*(?:den\s+)?(?i:{DATE})[ \t]*$",
    re.M,
)
_SIGNATURE_LINE = re.compile(r"^[_.…\s]+$")  # where the signature goes: skipped
_SIGN_MARK = re.compile(r"\s*\((?:sign\.?|signert)\)\s*|\s+sign\.$", re.I)  # 'Kari Berg (sign.)'
_ORG_LINE = re.compile(
    r"^(?:(?:NAV|Nav)\s+[A-ZÆØÅ][\wæøå -]*|[A-ZÆØÅ][\wæøå -]* (?:fylkeskommune|kommune)|Bydel [A-ZÆØÅ][\wæøå -]*)$"
)
_PARTY = re.compile(r"^For\s+(?P<org>[^:]{2,80}?)\s*:?\s*$")
_PARTY_PREFIX = re.compile(r"^For\s+(?P<org>[^:]{2,80}?):\s*(?P<rest>.+)$")
_ENTRY = re.compile(rf"^(?P<name>{_NAME})(?:\s*,\s*|\s+)(?P<rest>\S.*)$")
# A title: one of the known roles, or a compound ending in a title word ('utdanningsdirektør',
# 'avdelingssjef', 'Nav-leiar', 'kommunalsjef').
_TITLE = re.compile(
    rf"^(?:{ROLE_RE}|[\wæøå-]*(?:direktør|leder|leiar|sjef|rådgiver|rådgjevar|ordfører|rådmann|"
    r"koordinator|ombud))\b",
    re.I,
)
_NOT_NAMES = {"Nav", "NAV", "Kommune", "Fylkeskommune", "For", "Stad", "Sted"}
_MAX_LINES = 12


def _lines(text: str, start: int):
    """(start, end, line) of the non-empty lines from start; the line without markdown emphasis and
    bullets, the offsets those of the line as written."""
    pos = start
    for raw in text[start:].split("\n"):
        line = _SIGN_MARK.sub(" ", re.sub(r"\*\*|__", "", raw)).strip().lstrip("•-* ").strip()
        if line and not _SIGNATURE_LINE.match(raw):
            yield pos, pos + len(raw.rstrip()), line
        pos += len(raw) + 1


def _entry(line: str, party: str) -> tuple[str, str, str] | None:
    """(name, title, organisation) of one signer line, or None."""
    if m := _PARTY_PREFIX.match(line):
        party, line = m.group("org").strip(), m.group("rest")
    m = _ENTRY.match(line)
    if not m or any(w in _NOT_NAMES for w in m.group("name").split()):
        return None
    parts = [p.strip() for p in m.group("rest").split(",")]
    if not _TITLE.match(parts[0]):
        return None
    title, org = parts[0], ", ".join(p for p in parts[1:] if p)
    if org and not org[0].isupper():  # 'fylkesdirektør, opplæring' is one title
        title, org = f"{title}, {org}", ""
    return m.group("name"), title, org or party


def _block(text: str, start: int) -> list[Contact]:
    found: list[Contact] = []
    party = ""
    alone: tuple[int, str] | None = None  # a name on a line of its own, its title on the next
    for n, (first, end, line) in enumerate(_lines(text, start)):
        if n >= _MAX_LINES:
            break
        if alone is not None:
            (first, name), alone = alone, None
            line = f"{name}, {line}"
        elif m := _PARTY.match(line):
            party = m.group("org").strip()
            if re.search(r"\sFor\s", party):  # two parties side by side: columns, flattened
                break
            continue
        elif found and not found[-1].organisation and _ORG_LINE.match(line):  # 'Kari Berg / direktør / Nav Oslo'
            found[-1] = replace(found[-1], organisation=line, end=end)
            continue
        elif re.fullmatch(_NAME, line) and not any(w in _NOT_NAMES for w in line.split()):
            alone = (first, line)
            continue
        entry = _entry(line, party)
        if entry is None:
            break
        name, title, org = entry
        found.append(Contact(name, title, org, "", True, first, end))
        party = ""
    return found


def signature_signers(text: str) -> list[Contact]:
    """Everyone signing in a signature block after a place-and-date line, marked as signer."""
    out: list[Contact] = []
    for m in _OPENING.finditer(text):
        out.extend(_block(text, m.end() + 1))
    return out
