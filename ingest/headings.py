"""Section headings of a cleaned document, line by line.

The chunker knows a heading only as a one-line block between blank lines that starts with a capital
letter, so '§ 3 Fagbrevløpet Agder' (starts with '§'), '2. KVEN KAN FÅ KVALIFISERINGSPROGRAM' (read
as a numbered item) and every heading of a PDF's text (no blank lines) are missed, and a lead-in
without a colon ('For å bli teken opp må deltakaren') is taken for one. Which section a passage is in
says what its terse list items are about ('ha fylt 25 år' under '§ 3 Fagbrevløpet Agder'), so the
answer step reads the headings here, by the shapes agreements number and set their headings in.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from ingest.gazetteer import PERSON_NAME

_MAX_CHARS = 90
_MAX_WORDS = 12
_NUMBERED = re.compile(r"^(?:§\s*\d+[a-z]?|\d{1,2}(?:\.\d{1,2})*\.?)\s+[A-ZÆØÅ]")
_BULLET = re.compile(r"^[•*\-–]\s")
_CLOSING = tuple('.!?:;,»”"')
_LETTERS = re.compile(r"[A-Za-zÆØÅæøå]")
# A plain line with a label and value ('Forfall: …'), a place and date ('Bergen, 8. desember 2022') or
# a signer ('Kari Berg, direktør') is no heading.
_CLAUSE = re.compile(rf":|,.*\d|^{PERSON_NAME},")


def _shape(line: str) -> str | None:
    """'numbered', 'caps', 'plain' (a short capitalised line) or None (no heading)."""
    s = line.strip().lstrip("#").strip()
    if not (2 <= len(s) <= _MAX_CHARS) or len(s.split()) > _MAX_WORDS:
        return None
    if _BULLET.match(s) or s.endswith(_CLOSING) or " | " in s or "@" in s:
        return None
    if _NUMBERED.match(s):
        return "numbered"
    letters = "".join(_LETTERS.findall(s))
    if len(letters) >= 4 and letters.isupper():
        return "caps"
    return "plain" if s[0].isupper() else None


@lru_cache(maxsize=256)
def section_headings(text: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(starts, headings): every heading line of the text, in order. A numbered or capitals line is
    a heading wherever it stands; a plain capitalised line only between blank lines and not right
    before a list (then it is the list's lead-in)."""
    lines = text.split("\n")
    starts: list[int] = []
    heads: list[str] = []
    pos = 0
    for i, line in enumerate(lines):
        shape = _shape(line)
        if shape == "plain":
            before = i == 0 or not lines[i - 1].strip()
            after = i + 1 < len(lines) and not lines[i + 1].strip()
            following = next((x.strip() for x in lines[i + 1 :] if x.strip()), "")
            if not (before and after) or _BULLET.match(following) or _CLAUSE.search(line):
                shape = None
        if shape:
            starts.append(pos)
            heads.append(line.strip().lstrip("#").strip())
        pos += len(line) + 1
    return tuple(starts), tuple(heads)


def heading_at(text: str, offset: int) -> str:
    """The heading of the section holding offset ('' before the first heading)."""
    starts, heads = section_headings(text)
    i = bisect.bisect_right(starts, offset) - 1
    return heads[i] if i >= 0 else ""
