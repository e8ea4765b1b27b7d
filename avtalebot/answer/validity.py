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
    the same parties exists, or the county party was dissolved and a successor county has one."""
    metas = {d: DocMeta.from_dict(r["meta"]) for d, r in docs.items()}
    dates = {d: doc_date(m) for d, m in metas.items()}
    counties = {d: {c for p in m.parties if (c := county_name(p))} for d, m in metas.items()}
    out: dict[str, tuple[str, str]] = {}
    for d, meta in metas.items():
        status, newer = status_of(meta, as_of), ""
        for other, om in metas.items():
            if other == d or status_of(om, as_of) in ("expired", "not yet in force"):
                continue
            if _successor(counties[d], counties[other], as_of) or _newer_same_parties(
                meta, om, dates[d], dates[other], as_of
            ):
                status, newer = "superseded", other
                break
        else:
            if status in ("unknown", "in force") and _dissolved(counties[d], as_of):
                status = "expired"
        out[d] = (status, newer)
    return out


def _dissolved(counties: set[str], as_of: date) -> bool:
    return bool(counties) and all(
        c in DISSOLVED and date.fromisoformat(DISSOLVED[c][0]) <= as_of for c in counties
    )


def _successor(old: set[str], new: set[str], as_of: date) -> bool:
    if not _dissolved(old, as_of):
        return False
    successors = {s for c in old for s in DISSOLVED[c][1]}
    return bool(new & successors)


def _newer_same_parties(a: DocMeta, b: DocMeta, da: date | None, db: date | None, as_of: date) -> bool:
    return (
        bool(a.parties)
        and set(a.parties) == set(b.parties)
        and da is not None
        and db is not None
        and da < db <= as_of
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
