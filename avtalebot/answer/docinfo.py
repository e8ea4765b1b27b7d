"""What features.py knows of a candidate's document as a whole: whether it is in force, whether it
is about the place and years the question names, and the words that describe it (title, parties).
Computed once per document of a pool, not per candidate."""

from __future__ import annotations

import re
from dataclasses import dataclass

from avtalebot.answer.candidates import Pool
from avtalebot.answer.lexical import terms_of
from avtalebot.answer.query import Query
from avtalebot.answer.validity import NOT_IN_FORCE
from avtalebot.types import DocRecord
from vectorstore.index import LoadedIndex

_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def doc_years(doc: DocRecord, text: str) -> set[str]:
    """The years a document is about: in its title and opening lines, and its validity period."""
    years = set(_YEAR.findall(f"{doc.title} {text[:400]}"))
    meta = doc.meta
    if meta.valid_from and meta.valid_to:
        years |= {str(y) for y in range(int(meta.valid_from[:4]), int(meta.valid_to[:4]) + 1)}
    return years


@dataclass
class DocInfo:
    not_in_force: bool
    place_miss: bool
    year_hit: bool
    year_miss: bool
    context: frozenset[str]  # terms describing the whole document: title and parties


def doc_infos(
    query: Query, pool: Pool, index: LoadedIndex, status: dict[str, tuple[str, str]]
) -> dict[str, DocInfo]:
    places = [p.lower().replace(" ", "-") for p in query.places]
    years = set(query.years)
    out = {}
    for doc_id in {c.doc_id for c in pool.candidates}:
        doc = index.docs[doc_id]
        raw = index.doc_text(doc_id) if (places or years) else ""
        text = raw.lower().replace(" ", "-")
        in_doc = years & doc_years(doc, raw) if years else set()
        out[doc_id] = DocInfo(
            not_in_force=status.get(doc_id, ("",))[0] in NOT_IN_FORCE,
            place_miss=bool(places) and not any(p in text for p in places),
            year_hit=bool(years) and in_doc == years,
            year_miss=bool(years) and not in_doc,
            context=terms_of(f"{doc.title} {' '.join(doc.meta.parties)}"),
        )
    return out
