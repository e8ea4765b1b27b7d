"""How an agreement's validity reads next to a citation: in force, expired, not yet in force."""

from __future__ import annotations

from datetime import date

from avtalebot.answer.facts import format_date
from avtalebot.answer.labels import label
from avtalebot.types import DocMeta

_STATUS = {
    "nb": {"expired": "utløpt", "in force": "gjeldende", "not yet in force": "ikke trådt i kraft"},
    "nn": {"expired": "utgått", "in force": "gjeldande", "not yet in force": "ikkje trådd i kraft"},
    "en": {"expired": "expired", "in force": "in force", "not yet in force": "not yet in force"},
}


def status_of(meta: DocMeta, as_of: date) -> str:
    if meta.valid_to and date.fromisoformat(meta.valid_to) < as_of:
        return "expired"
    if meta.valid_from and date.fromisoformat(meta.valid_from) > as_of:
        return "not yet in force"
    if meta.valid_from or meta.valid_to:
        return "in force"
    return "unknown"


def validity_note(meta: DocMeta, lang: str, as_of: date) -> str:
    """e.g. 'gyldig fra 1. januar 2021 til 31. desember 2024 – utløpt'; '' when nothing is stated."""
    if not (meta.valid_from or meta.valid_to):
        return ""
    parts = []
    if meta.valid_from:
        parts.append(f"{label(lang, 'from')} {format_date(meta.valid_from, lang)}")
    if meta.valid_to:
        parts.append(f"{label(lang, 'to')} {format_date(meta.valid_to, lang)}")
    status = _STATUS.get(lang, _STATUS["nb"])[status_of(meta, as_of)]
    return f"{label(lang, 'valid').lower()} {' '.join(parts)} – {status}"
