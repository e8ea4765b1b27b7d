"""Facts from extracted metadata, rendered in the question's language: contacts and signers,
validity, signing date. Which fact (if any) answers a question is the scorer's decision."""

from __future__ import annotations

from datetime import date

from avtalebot.answer.labels import label
from avtalebot.types import Contact, DocMeta
from ingest.dates import MONTHS
from ingest.gazetteer import role_in_english
from ingest.lexicon import words

_MONTH_NAMES = {v: k for k, v in MONTHS.items()}
_EN_MONTHS = [m.capitalize() for m in words("dates", "months_en")]


def describe_contact(c: Contact, lang: str) -> str:
    role = role_in_english(c.role) if lang == "en" else c.role
    details = ", ".join(x for x in (role, c.organisation) if x)
    text = f"{c.name} ({details})" if details else c.name
    if c.email:
        text += f", {label(lang, 'email')}: {c.email}"
    if c.signed:
        text += f" – {label(lang, 'signed')}"
    return text + "."


def format_date(iso: str, lang: str) -> str:
    d = date.fromisoformat(iso)
    if lang == "en":
        return f"{d.day} {_EN_MONTHS[d.month - 1]} {d.year}"
    return f"{d.day}. {_MONTH_NAMES[d.month]} {d.year}"


def validity_line(meta: DocMeta, lang: str) -> str:
    parts = []
    if meta.valid_from:
        parts.append(f"{label(lang, 'from')} {format_date(meta.valid_from, lang)}")
    if meta.valid_to:
        parts.append(f"{label(lang, 'to')} {format_date(meta.valid_to, lang)}")
    return f"{label(lang, 'valid')}: {' '.join(parts)}."
