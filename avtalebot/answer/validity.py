"""Whether an agreement is in force, expired or superseded, as of a date; and how that reads."""

from __future__ import annotations

from datetime import date

from avtalebot.answer.facts import format_date
from avtalebot.answer.labels import label
from avtalebot.types import DocMeta
from ingest.gazetteer import DISSOLVED, county_name
from ingest.metadata import parse_date

_STATUS = {
    "nb": {
        "expired": "utløpt",
        "in force": "gjeldende",
        "not yet in force": "ikke trådt i kraft",
        "superseded": "erstattet av nyere avtale",
    },
    "nn": {
        "expired": "utgått",
        "in force": "gjeldande",
        "not yet in force": "ikkje trådd i kraft",
        "superseded": "erstatta av nyare avtale",
    },
    "en": {
        "expired": "expired",
        "in force": "in force",
        "not yet in force": "not yet in force",
        "superseded": "superseded by a newer agreement",
    },
}
NOT_IN_FORCE = {"expired", "superseded", "not yet in force"}


def doc_date(meta: DocMeta) -> date | None:
    """When the agreement was made, as far as the text says (signed, published or in force from)."""
    if meta.valid_from:
        return date.fromisoformat(meta.valid_from)
    pub = parse_date(meta.published) if meta.published else None
    signed = parse_date(meta.signed_date, pub.year if pub else None) if meta.signed_date else None
    return signed or pub


def status_of(meta: DocMeta, as_of: date) -> str:
    if meta.valid_to and date.fromisoformat(meta.valid_to) < as_of:
        return "expired"
    if meta.valid_from and date.fromisoformat(meta.valid_from) > as_of:
        return "not yet in force"
    if meta.valid_from or meta.valid_to:
        return "in force"
    return "unknown"


def statuses(docs: dict[str, dict], as_of: date) -> dict[str, tuple[str, str]]:
    """doc_id -> (status, doc_id of the newer agreement or ''). Superseded: a newer agreement between
    the same parties exists, or the county party was dissolved and a successor county has one.
    Linear in the number of documents (grouped by parties and by county), so it scales to 10k+ docs."""
    metas = {d: DocMeta.from_dict(r["meta"]) for d, r in docs.items()}
    own = {d: status_of(m, as_of) for d, m in metas.items()}
    live = [d for d in metas if own[d] not in ("expired", "not yet in force")]
    dates = {d: doc_date(m) for d, m in metas.items()}
    counties = {d: {c for p in m.parties if (c := county_name(p))} for d, m in metas.items()}
    newest_by_parties: dict[frozenset, str] = {}
    by_county: dict[str, str] = {}
    for d in sorted(live, key=lambda x: (dates[x] or date.min, x)):
        if metas[d].parties and dates[d] is not None and dates[d] <= as_of:
            newest_by_parties[frozenset(metas[d].parties)] = d
        for c in counties[d]:
            by_county.setdefault(c, d)
    out: dict[str, tuple[str, str]] = {}
    for d, meta in metas.items():
        status, newer = own[d], ""
        if _dissolved(counties[d], as_of):
            successor = next(
                (by_county[s] for c in counties[d] for s in DISSOLVED[c][1] if s in by_county), ""
            )
            status, newer = ("superseded", successor) if successor else ("expired", "")
        else:
            latest = newest_by_parties.get(frozenset(meta.parties)) if meta.parties else None
            if latest and latest != d and dates[d] is not None and dates[d] < dates[latest]:
                status, newer = "superseded", latest
        out[d] = (status, newer)
    return out


def _dissolved(counties: set[str], as_of: date) -> bool:
    return bool(counties) and all(
        c in DISSOLVED and date.fromisoformat(DISSOLVED[c][0]) <= as_of for c in counties
    )


def validity_note(meta: DocMeta, lang: str, status: str) -> str:
    """e.g. 'gyldighet fra 1. januar 2021 til 31. desember 2024 – utløpt'; '' when nothing is known."""
    parts = []
    if meta.valid_from:
        parts.append(f"{label(lang, 'from')} {format_date(meta.valid_from, lang)}")
    if meta.valid_to:
        parts.append(f"{label(lang, 'to')} {format_date(meta.valid_to, lang)}")
    words = _STATUS.get(lang, _STATUS["nb"])
    if not parts:
        return words[status] if status in words else ""
    tail = f" – {words[status]}" if status in words else ""
    return f"{label(lang, 'valid').lower()} {' '.join(parts)}{tail}"


def status_word(status: str, lang: str) -> str:
    return _STATUS.get(lang, _STATUS["nb"]).get(status, "")
