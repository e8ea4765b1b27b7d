"""The parties of an agreement, both sides, as written: NAV units ('Nav Vestre Slidre', 'NAV Troms og
Finnmark'), counties ('Møre og Romsdal fylkeskommune') and municipalities ('Sør-Varanger kommune',
'Bydel Grorud').

Where the text says it ('… mellom A og B', 'Parter: A og B'), that statement decides; else the
organisations named most in sentences about the agreement. An organisation in parentheses qualifies
another ('Bydel Grorud (Oslo kommune)'), and one in a sentence about a replaced agreement is not a party.
"""

from __future__ import annotations

import re

from ingest.gazetteer import normalise_org
from ingest.lexicon import alternatives, words
from ingest.text import split_sentences

_PLACE = r"[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)*"
_DIRECTION = "(?:" + alternatives("documents", "parties.directions") + ")"
_TWO_PART = r"(?:\s+og\s+(?:" + alternatives("documents", "parties.second_parts") + "))"  # counties named 'X og Y'
_NAME = rf"(?:{_DIRECTION}\s+)?{_PLACE}{_TWO_PART}?"
ORG = re.compile(
    rf"\b(?:NAV|Nav)\s+{_NAME}(?![\wæøå-])"
    rf"|\b{_NAME}\s+fylkeskommune\b"
    rf"|\bBydel\s+{_PLACE}\b"
    rf"|\b{_NAME}\s+kommune\b"
)
_BETWEEN = re.compile(r"\bmellom\b(.{5,240}?)(?:\.\s|\n\n|$|\bom\b|\bmed hjemmel\b)", re.S)
_FIELD = re.compile(r"^\s*(?:Avtalens parter|Parter|Partar|Avtalepartar|Avtaleparter)\s*[:|]\s*(.+)$", re.M | re.I)
_CONTEXT = re.compile(r"\b(" + alternatives("documents", "parties.context") + r")\b|^For\s", re.I)
_NOT_PARTY = re.compile(r"\b(erstatt\w*|tidligere|tidlegare|forrige)\b", re.I)
_NOT_ORG_WORDS = frozenset(words("documents", "parties.not_names"))


def organisations(text: str) -> list[tuple[str, int]]:
    """(organisation, offset) in order; none inside parentheses."""
    depth_at = _paren_depths(text)
    out = []
    for m in ORG.finditer(text):
        words = m.group(0).split()
        if depth_at[m.start()] or (words[0] in _NOT_ORG_WORDS):
            continue
        out.append((normalise_org(" ".join(words)), m.start()))
    return out


def _paren_depths(text: str) -> list[int]:
    depths, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        depths.append(depth)
        if ch == ")" and depth:
            depth -= 1
    return depths


def _dedupe(orgs: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for o in orgs:
        seen.setdefault(o.lower(), o)
    return list(seen.values())


def stated_parties(text: str) -> list[str]:
    """'… mellom A og B …' or 'Parter: A og B' near the start, when it names at least two."""
    head = text[:3000]
    for rx in (_FIELD, _BETWEEN):
        for m in rx.finditer(head):
            span = m.group(1)
            if _NOT_PARTY.search(span):
                continue
            found = _dedupe([o for o, _ in organisations(span)])
            if len(found) >= 2:
                return found
    return []


def extract_parties(text: str) -> list[str]:
    """Both sides, as written; the stated ones, else those named most where the agreement is discussed."""
    stated = stated_parties(text)
    if stated:
        return stated
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    name: dict[str, str] = {}
    head_end = _head_end(text)
    for s, e in split_sentences(text):
        sentence = text[s:e]
        if _NOT_PARTY.search(sentence):
            continue
        weight = 2 if s < head_end else 1 if _CONTEXT.search(sentence) else 0
        if not weight:
            continue
        for org, pos in organisations(sentence):
            key = org.lower()
            counts[key] = counts.get(key, 0) + weight
            first.setdefault(key, s + pos)
            name.setdefault(key, org)
    if not counts:
        return []
    top = max(counts.values())
    keep = sorted((k for k, n in counts.items() if n >= max(2, top / 3) or len(counts) <= 2), key=lambda k: first[k])
    return [name[k] for k in keep][:4]


def _head_end(text: str) -> int:
    """End of the title block: the first three non-empty lines."""
    pos, seen = 0, 0
    for line in text.split("\n"):
        pos += len(line) + 1
        if line.strip():
            seen += 1
            if seen == 3:
                break
    return pos
