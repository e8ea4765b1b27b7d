"""Whether an agreement is in force, expired, superseded or not yet in force, as of a date; and how
that reads. Statuses: in_force, expired, superseded, not_yet_in_force, unknown (nothing stated).

Superseded, in order of evidence:
* explicitly: a document says it replaces the agreement 'for perioden 2021–2024' (or 'av 2016'), and an
  indexed document of a shared party has that period;
* by parties: both state their validity periods, have the same parties, and the other starts later;
* by the 2024 regional reform: its county was dissolved and a successor county has an agreement.
A document that states no period (a news item, a report, a web page) supersedes nothing implicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from avtalebot.answer.facts import format_date
from avtalebot.answer.labels import label
from avtalebot.types import DocMeta, DocRecord
from ingest.dates import parse_date
from ingest.gazetteer import DISSOLVED, county_name

_STATUS = {
    "nb": {
        "expired": "utløpt",
        "in_force": "gjeldende",
        "not_yet_in_force": "ikke trådt i kraft",
        "superseded": "erstattet av nyere avtale",
    },
    "nn": {
        "expired": "utgått",
        "in_force": "gjeldande",
        "not_yet_in_force": "ikkje trådd i kraft",
        "superseded": "erstatta av nyare avtale",
    },
    "en": {
        "expired": "expired",
        "in_force": "in force",
        "not_yet_in_force": "not yet in force",
        "superseded": "superseded by a newer agreement",
    },
}
NOT_IN_FORCE = {"expired", "superseded", "not_yet_in_force"}


def doc_date(meta: DocMeta) -> date | None:
    """When the agreement was made, as far as the text says (in force from, signed or published)."""
    if meta.valid_from:
        return date.fromisoformat(meta.valid_from)
    pub = parse_date(meta.published) if meta.published else None
    signed = parse_date(meta.signed_date, pub.year if pub else None) if meta.signed_date else None
    return signed or pub


def status_of(meta: DocMeta, as_of: date) -> str:
    if meta.valid_to and date.fromisoformat(meta.valid_to) < as_of:
        return "expired"
    if meta.valid_from and date.fromisoformat(meta.valid_from) > as_of:
        return "not_yet_in_force"
    if meta.valid_from or meta.valid_to:
        return "in_force"
    return "unknown"


def _parties(meta: DocMeta) -> frozenset[str]:
    return frozenset(p.lower() for p in meta.parties)


def _years(meta: DocMeta) -> tuple[int, int] | None:
    if not meta.valid_from:
        return None
    start = int(meta.valid_from[:4])
    return start, int(meta.valid_to[:4]) if meta.valid_to else start


def _replaced(metas: dict[str, DocMeta], as_of: date) -> dict[str, str]:
    """doc id -> the doc id that explicitly replaces it."""
    by_party: dict[str, list[str]] = {}
    for d, m in metas.items():
        for p in _parties(m):
            by_party.setdefault(p, []).append(d)
    out: dict[str, str] = {}
    for new, m in metas.items():
        made = doc_date(m)
        if not m.replaces_years or made is None or made > as_of:
            continue
        for old in {o for p in _parties(m) for o in by_party.get(p, ()) if o != new}:
            years = _years(metas[old])
            made_old = doc_date(metas[old])
            if years is None and made_old is not None:
                years = (made_old.year, made_old.year)
            if years is None:
                continue
            wanted = m.replaces_years
            if (len(wanted) == 2 and years == wanted) or (len(wanted) == 1 and years[0] == wanted[0]):
                out[old] = new
    return out


def statuses(docs: Mapping[str, DocRecord], as_of: date) -> dict[str, tuple[str, str]]:
    """doc_id -> (status, doc_id of the newer agreement or ''). Linear in the number of documents
    (grouped by parties and by county), so it scales to 10k+ documents. Only dates and parties are
    kept per document while it runs (not contacts and obligations: the bot reads records lazily)."""
    metas = {d: DocMeta.from_dict(_dates_and_parties(r.raw_meta)) for d, r in docs.items()}
    own = {d: status_of(m, as_of) for d, m in metas.items()}
    explicit = _replaced(metas, as_of)
    counties = {d: {c for p in m.parties if (c := county_name(p))} for d, m in metas.items()}
    newest_by_parties: dict[frozenset, str] = {}
    by_county: dict[str, str] = {}
    live = [d for d in metas if own[d] in ("in_force", "unknown")]
    for d in sorted(live, key=lambda x: (doc_date(metas[x]) or date.min, x)):
        if metas[d].valid_from and metas[d].parties and date.fromisoformat(metas[d].valid_from) <= as_of:
            newest_by_parties[_parties(metas[d])] = d
        for c in counties[d]:
            by_county.setdefault(c, d)
    out: dict[str, tuple[str, str]] = {}
    for d, meta in metas.items():
        status, newer = own[d], ""
        latest = newest_by_parties.get(_parties(meta)) if meta.parties and meta.valid_from else None
        if d in explicit:
            status, newer = "superseded", explicit[d]
        elif latest and latest != d and metas[latest].valid_from > meta.valid_from:
            status, newer = "superseded", latest
        elif _dissolved(counties[d], as_of):
            successor = next((by_county[s] for c in counties[d] for s in DISSOLVED[c][1] if s in by_county), "")
            status, newer = ("superseded", successor) if successor else ("expired", "")
        out[d] = (status, newer)
    return out


def _dates_and_parties(meta: Mapping) -> dict:
    return {k: v for k, v in meta.items() if k not in ("contacts", "obligations")}


def _dissolved(counties: set[str], as_of: date) -> bool:
    return bool(counties) and all(c in DISSOLVED and date.fromisoformat(DISSOLVED[c][0]) <= as_of for c in counties)


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
