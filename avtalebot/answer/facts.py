"""Answers from extracted metadata: who (contacts, signers), when signed, how long valid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from avtalebot.answer.labels import label
from avtalebot.answer.query import Query
from avtalebot.text import words
from avtalebot.types import Contact, DocMeta
from ingest.gazetteer import ORG_RE, ROLE_EN, ROLES_NB, normalise_org, role_in_english
from ingest.metadata import MONTHS

_EN_ROLE_TO_NB = sorted(((en, nb) for nb, en in ROLE_EN.items() if nb in ROLES_NB), key=lambda p: -len(p[0]))
_MONTH_NAMES = {v: k for k, v in MONTHS.items()}
_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_GENERIC_ORG_WORDS = {"nav", "fylkeskommune", "og", "i"}


@dataclass(frozen=True)
class Fact:
    text: str
    doc_id: str
    start: int
    end: int


def doc_ranking(hits) -> list[str]:
    order: list[str] = []
    for h in hits:
        if h.chunk.doc_id not in order:
            order.append(h.chunk.doc_id)
    return order


def _question_roles(query: Query) -> set[str]:
    q = query.text.lower()
    roles = {r.lower() for r in ROLES_NB if r.lower() in q}
    for en, nb in _EN_ROLE_TO_NB:
        if en in q:
            roles.add(nb.lower())
            q = q.replace(en, " ")
    # 'direktør' is inside 'fylkesdirektør': keep only the most specific words asked
    return {r for r in roles if not any(r != o and r in o for o in roles)}


def _contact_score(
    c: Contact, query: Query, rank: int, q_roles: set[str], q_orgs: set[str], q_words: set[str]
) -> float:
    score = 1.0 / (1 + rank)
    if query.asks_signed:
        score += 1.0 if c.signed else -1.0
    if query.asks_contact:
        score += 1.0 if (c.email or "kontakt" in c.role) else -0.5
    if q_roles:
        score += 1.0 if any(r in c.role.lower() for r in q_roles) else -0.5
    org = normalise_org(c.organisation)
    if q_orgs:
        score += 1.5 if org in q_orgs or any(o in org for o in q_orgs) else 0.0
    elif set(words(org)) - _GENERIC_ORG_WORDS & q_words:
        score += 0.5
    return score


def person_facts(query: Query, docs: dict[str, dict], ranking: list[str], lang: str) -> list[Fact]:
    q_roles = _question_roles(query)
    q_orgs = {normalise_org(m.group(0)) for m in ORG_RE.finditer(query.text)}
    q_words = set(words(query.text))
    scored: list[tuple[float, int, Contact, str]] = []
    for rank, doc_id in enumerate(ranking[:3]):
        meta = DocMeta.from_dict(docs[doc_id]["meta"])
        for i, c in enumerate(meta.contacts):
            scored.append((_contact_score(c, query, rank, q_roles, q_orgs, q_words), -i, c, doc_id))
    if not scored:
        return []
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    best = scored[0][0]
    if best <= 0.5:
        return []
    chosen = [t for t in scored if t[0] >= best - 1e-6 and t[3] == scored[0][3]][:4]
    return [Fact(_describe(c, lang, query.asks_signed), doc_id, c.start, c.end) for _, _, c, doc_id in chosen]


def _describe(c: Contact, lang: str, signed: bool) -> str:
    role = role_in_english(c.role) if lang == "en" else c.role
    details = ", ".join(x for x in (role, c.organisation) if x)
    text = f"{c.name} ({details})" if details else c.name
    if c.email:
        text += f", {label(lang, 'email')}: {c.email}"
    if signed and c.signed:
        text += f" – {label(lang, 'signed')}"
    return text + "."


def format_date(iso: str, lang: str) -> str:
    d = date.fromisoformat(iso)
    if lang == "en":
        return f"{d.day} {_EN_MONTHS[d.month - 1]} {d.year}"
    return f"{d.day}. {_MONTH_NAMES[d.month]} {d.year}"


def date_facts(query: Query, docs: dict[str, dict], ranking: list[str], lang: str) -> list[Fact]:
    for doc_id in ranking[:2]:
        meta = DocMeta.from_dict(docs[doc_id]["meta"])
        if query.asks_signed and query.asks_when and meta.signed_date:
            return [
                Fact(
                    label(lang, "signed_on").format(date=meta.signed_date),
                    doc_id,
                    *meta.signed_span,
                )
            ]
        if query.asks_validity and not query.asks_signed and (meta.valid_from or meta.valid_to):
            return [Fact(validity_line(meta, lang), doc_id, *meta.validity_span)]
    return []


def validity_line(meta: DocMeta, lang: str) -> str:
    parts = []
    if meta.valid_from:
        parts.append(f"{label(lang, 'from')} {format_date(meta.valid_from, lang)}")
    if meta.valid_to:
        parts.append(f"{label(lang, 'to')} {format_date(meta.valid_to, lang)}")
    return f"{label(lang, 'valid')}: {' '.join(parts)}."
