"""Contact details as agreements list them, anchored on what identifies a contact: a table with a
name column, or an e-mail address. Forms read:

  Navn | Rolle | Organisasjon | E-post | Telefon          (a table; header names decide the columns)
  • Camilla Strand Bjerke, rådgiver voksenopplæring, camilla.bjerke@…, 917 20 446   (under 'Akershus fylkeskommune:')
  KVP-koordinator: Ola Rudi Fossheim, ola.rudi.fossheim@nav.no, tlf. 472 35 980
  Ingrid Haugan Stene, prosjektleder, Trøndelag fylkeskommune  /  E-post: ingrid…@…, telefon 902 45 118
  Maren Bakkejord koordinator for …, Nordland fylkeskommune  /  maren.bakkejord@… – tlf. 466 12 908

The person owning an address is the last name written before it, after any earlier address.
"""

from __future__ import annotations

import re

from ingest.gazetteer import ROLE_RE
from ingest.lexicon import words
from ingest.parties import ORG, organisations
from ingest.types import Contact
from ingest.units import header_of, is_header, is_row, leadin_of, row_cells

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+47\s?)?\b\d{3}\s?\d{2}\s?\d{3}\b|\b\d{2}\s\d{2}\s\d{2}\s\d{2}\b")
_W = r"[A-ZÆØÅ][a-zæøåéüö]+(?:-[A-ZÆØÅ][a-zæøåéüö]+)?"
NAME = re.compile(rf"\b{_W}(?: {_W}){{1,3}}\b")
_NOT_NAME = frozenset(words("documents", "contacts.not_names"))
_LABEL = re.compile(r"^\s*(?:•\s*)?([^:\n]{3,60}):\s*")
_EMAIL_LABEL = re.compile(r"^(e-?post|epost|e-mail|email|telefon|tlf\.?)$", re.I)
_NAME_COLS = re.compile(r"^(navn|namn|name|kontaktperson|kontaktpersonar|kontaktpersoner)$", re.I)
_ROLE_COLS = re.compile(r"^(rolle|stilling|funksjon|tittel|role)$", re.I)
_ORG_COLS = re.compile(r"^(organisasjon|virksomhet|eining|enhet|org\.?)$", re.I)
_MAIL_COLS = re.compile(r"^(e-?post|epost|e-mail|email)$", re.I)
_PHONE_COLS = re.compile(r"^(telefon|tlf\.?|mobil|phone)$", re.I)
_ROLE_TAIL = re.compile(r"\s+(?:i|ved|hos|for)\s+(?:NAV|Nav)\b.*$|\s+i\s+\S+ fylkeskommune.*$")


class _Name:
    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.start, self.end = text, start, end


def _person(segment: str) -> _Name | None:
    """The last person's name in a text segment (not an organisation, not a label word such as
    'Kontaktperson' before it)."""
    best = None
    orgs = [(o.start(), o.end()) for o in ORG.finditer(segment)]
    for m in NAME.finditer(segment):
        words, start = m.group(0).split(" "), m.start()
        while words and words[0] in _NOT_NAME:
            start += len(words.pop(0)) + 1
        if len(words) < 2 or re.match(r"\s+(fylkeskommune|kommune)\b", segment[m.end() : m.end() + 16]):
            continue
        if any(a <= start < b for a, b in orgs):
            continue
        best = _Name(" ".join(words), start, m.end())
    return best


def table_contacts(text: str) -> list[Contact]:
    out = []
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not is_row(line) or is_header(line):
            continue
        header = header_of(text, start)
        if not header:
            continue
        cols, cells = row_cells(header), row_cells(line)
        if len(cols) != len(cells) or not any(_NAME_COLS.match(c) for c in cols):
            continue
        get = {}
        for col, cell in zip(cols, cells, strict=True):
            for key, rx in (
                ("name", _NAME_COLS),
                ("role", _ROLE_COLS),
                ("org", _ORG_COLS),
                ("email", _MAIL_COLS),
                ("phone", _PHONE_COLS),
            ):
                if rx.match(col):
                    get[key] = cell
        name_col = next(c for c in cols if _NAME_COLS.match(c))
        role = get.get("role") or (name_col.lower() if name_col.lower().startswith("kontakt") else "")
        if get.get("name") and NAME.fullmatch(get["name"].strip()):
            out.append(
                Contact(
                    get["name"].strip(),
                    role,
                    get.get("org", ""),
                    get.get("email", ""),
                    False,
                    start,
                    start + len(line),
                    get.get("phone", ""),
                )
            )
    return out


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _segment_before(text: str, email: re.Match, previous_end: int) -> tuple[int, str]:
    """The text an address belongs to: from the previous address (or up to three lines back, over
    at most one blank line) to the address itself."""
    start = max(previous_end, _line_start(text, email.start()))
    seg = text[start : email.start()]
    lines_back, blanks = 0, 0
    while _person(_strip_label(seg)[1]) is None and start > previous_end and lines_back < 4:
        prev = _line_start(text, start - 1)
        if not text[prev : start - 1].strip():
            blanks += 1
            if blanks > 1:
                break
        start = max(prev, previous_end)
        seg = text[start : email.start()]
        lines_back += 1
    return start, seg


_FIELD = re.compile(
    r"^(e-?post|epost|e-mail|email|telefon|tlf\.?|mobil|adresse|postnr\S*|organisasjonsnavn)$", re.I
)


def _name_continued(name: str, after: str) -> tuple[str, str]:
    """A table broken into lines may break a name too ('Linn Helene' / 'Tjensvoll' / 'Leder,'): a
    next line of one capitalised word that is neither a role nor the start of a listed role
    (which ends with a comma) completes the name."""
    m = re.match(r"\n([A-ZÆØÅ][a-zæøåéüö]+(?:-[A-ZÆØÅ][a-zæøåéüö]+)?)(?=\n)", after)
    if m and not re.fullmatch(ROLE_RE, m.group(1)) and not _FIELD.match(m.group(1)):
        return f"{name} {m.group(1)}", after[m.end() :]
    return name, after


def _role_lines(after: str) -> str:
    """The role column of a table broken into lines: its lines up to the organisation or address."""
    kept = []
    for line in after.strip("\n").split("\n"):
        if EMAIL.search(line) or PHONE.search(line) or organisations(line) or _FIELD.match(line.strip()):
            break
        kept.append(line.strip())
    return " ".join(kept).strip(" ,")


def _strip_label(segment: str) -> tuple[str, str]:
    lines = [x for x in segment.split("\n")]
    for i, line in enumerate(lines):
        m = _LABEL.match(line)
        if m and not _EMAIL_LABEL.match(m.group(1).strip()) and not EMAIL.search(m.group(1)):
            lines[i] = line[m.end() :]
            return m.group(1).strip(), "\n".join(lines)
    return "", segment


def record_contacts(text: str) -> list[Contact]:
    out = []
    previous_end = 0
    for email in EMAIL.finditer(text):
        line_start = _line_start(text, email.start())
        line_end = text.find("\n", email.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if is_row(line):
            previous_end = email.end()
            continue  # tables are read by their columns
        start, seg = _segment_before(text, email, previous_end)
        previous_end = email.end()
        label, body = _strip_label(seg)
        person = _person(body)
        if person is None:
            continue
        name, after = _name_continued(person.text, body[person.end :])
        parts = [_ROLE_TAIL.sub("", p).strip(" ,–-()") for p in re.split(r"[,(\n]", after)]
        words = [
            p for p in parts if p and not EMAIL.search(p) and not PHONE.search(p) and not organisations(p)
        ]
        words = [p for p in words if not _FIELD.match(p)]
        if after.startswith("\n"):  # a table broken into lines: the role's own lines
            role = _role_lines(after)
        else:
            role = next((p for p in words if p[0].islower()), "")
        if not role and label:
            role = label
        if not role:
            before = body[: person.start].split()
            role = before[-1].lower() if before and before[-1].lower().startswith("kontakt") else ""
        role = _ROLE_TAIL.sub("", role).strip(" ,")
        tail = text[email.end() : line_end if line_end >= 0 else len(text)]
        orgs = [o for o, _ in organisations(seg + " " + tail)]
        phone = PHONE.search(tail)
        out.append(
            Contact(
                name,
                role,
                orgs[0] if orgs else "",
                email.group(0),
                False,
                start,
                email.end(),
                phone.group(0) if phone else "",
            )
        )
    return out


def list_organisation(text: str, start: int) -> str:
    """An item's organisation from its lead-in ('Nav Akershus:')."""
    lead = leadin_of(text, start).rstrip(":")
    found = organisations(lead)
    return found[0][0] if found and len(lead) <= len(found[0][0]) + 2 else ""
