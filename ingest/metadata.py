"""Document metadata by rule: parties, signing date, validity as stated, what it replaces, contacts.

The rules are measured against a labelled set written from the documents (tests/data/
metadata_labels.json, see tests/unit/test_metadata_labels.py), not tuned to any one document.
"""

from __future__ import annotations

from ingest.addressed import addressed_to_model
from ingest.contacts import extract_contacts
from ingest.dates import MONTHS, parse_date  # noqa: F401  (re-exported for older imports)
from ingest.obligations import extract_obligations
from ingest.parties import extract_parties
from ingest.periods import published, replaces, signing, validity
from ingest.types import DocMeta


def extract_metadata(text: str) -> DocMeta:
    pub = published(text)
    pub_date = parse_date(pub) if pub else None
    signed = signing(text, pub)
    signed_date = parse_date(signed.date, pub_date.year if pub_date else None)
    year = pub_date.year if pub_date else signed_date.year if signed_date else None
    period = validity(text, year, signed)
    parties = extract_parties(text)
    county = next((p for p in parties if p.endswith("fylkeskommune")), "")
    old = replaces(text)
    return DocMeta(
        parties=tuple(parties),
        signed_date=signed.date,
        signed_span=signed.span,
        published=pub,
        valid_from=period.valid_from,
        valid_to=period.valid_to,
        validity_text=period.text,
        validity_span=period.span,
        replaces_years=old.years,
        replaces_text=old.text,
        replaces_span=old.span,
        contacts=tuple(extract_contacts(text, county, tuple(parties))),
        obligations=extract_obligations(text, tuple(parties)),
        addressed_to_model=addressed_to_model(text),
    )
