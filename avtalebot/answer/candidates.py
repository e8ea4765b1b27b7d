"""Stage 2 of answering: gather every quotable candidate for a question.

Candidates are the answer units (sentences, list items with their lead-in, list lead-ins, table rows
with their header) of the retrieved chunks and of every chunk of the best documents, plus the facts
extracted from those documents' metadata (contacts and signers, validity, signing date), each tied to
the passage it came from. All of them are scored by the same scorer in the next stage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from avtalebot.answer.facts import describe_contact, validity_line
from avtalebot.answer.labels import label
from avtalebot.types import Chunk
from ingest.units import Unit, list_items, units_of
from vectorstore.index import LoadedIndex
from vectorstore.retriever import Hit

# A chunk's units depend on its text alone; the same chunks come up question after question.
_units_of = lru_cache(maxsize=8_192)(lambda text, start, end: tuple(units_of(text, start, end)))
MAX_DOC_CHUNKS = 40  # a document's chunks all join the pool when it is among the best (up to this many)
POOL_DOCS = 2
FACT_DOCS = 3
LIST_SHOWN = 8


@dataclass(frozen=True)
class Candidate:
    doc_id: str
    chunk: Chunk  # the chunk it was found in (with its text)
    start: int  # the quoted span in the document's cleaned text
    end: int
    kind: str  # "sentence" | "item" | "leadin" | "row" | "fact"
    text: str  # the span's text (a lead-in: with its items)
    context: str = ""  # an item's lead-in, a row's table header
    row: int | None = None  # its vector's row among the snapshot's unit vectors
    rank: int | None = None  # fused retrieval rank of its chunk; None when the chunk was not retrieved
    fact: str = ""  # a fact's statement, in the question's language
    fact_kind: str = ""  # "contact" | "validity" | "signed"
    signed: bool = False  # a contact who signed the agreement

    @property
    def own(self) -> str:
        """The candidate's own words, which its features describe: a lead-in without its items."""
        if self.kind == "fact":
            return f"{self.fact} {self.text}"
        return self.text.split("\n", 1)[0] if self.kind == "leadin" else self.text

    @property
    def shown(self) -> str:
        """What the answer shows of this candidate (and what a label is checked against)."""
        if self.kind == "fact":
            return f"{self.fact} «{self.text}»"
        if self.kind == "item" and self.context:
            return f"{self.context} … {self.text}"
        return self.text


@dataclass(frozen=True)
class Pool:
    candidates: list[Candidate]
    doc_order: list[str]  # documents by their best fused rank


def doc_order(hits: list[Hit]) -> list[str]:
    order: list[str] = []
    for h in hits:
        if h.chunk.doc_id not in order:
            order.append(h.chunk.doc_id)
    return order


def pool_chunks(hits: list[Hit], index: LoadedIndex, order: list[str]) -> list[tuple[Chunk, int | None]]:
    """The retrieved chunks, then every other chunk of the best documents."""
    rank = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
    chosen = {h.chunk.chunk_id: h.chunk for h in hits}
    for doc_id in order[:POOL_DOCS]:
        chunks = index.chunks.in_doc(doc_id)
        if len(chunks) <= MAX_DOC_CHUNKS:
            for c in chunks:
                chosen.setdefault(c.chunk_id, c)
    out = [(index.with_text(c), rank.get(cid)) for cid, c in chosen.items()]
    out.sort(key=lambda p: (p[1] is None, p[1] or 0, p[0].doc_id, p[0].start))
    return out


def _unit_rows(index: LoadedIndex, chunk: Chunk, units: Sequence[Unit]) -> list[int | None]:
    rows = index.chunks.unit_rows(chunk.chunk_id)
    if rows is None or rows[1] != len(units) or index.units is None:
        return [None] * len(units)  # no vectors (or a stale layout): the dense feature falls back
    return list(range(rows[0], rows[0] + rows[1]))


def leadin_text(doc_text: str, unit: Unit) -> str:
    """A lead-in with (up to LIST_SHOWN of) its items, and how many more there are."""
    line_end = doc_text.find("\n", unit.end)
    items = list_items(doc_text, len(doc_text) if line_end < 0 else line_end)
    shown = [f"• {doc_text[a:b]}" for a, b in items[:LIST_SHOWN]]
    more = len(items) - len(shown)
    return "\n".join([doc_text[unit.start : unit.end], *shown]) + (f"\n… (+{more})" if more > 0 else "")


def unit_candidates(index: LoadedIndex, chunk: Chunk, rank: int | None) -> list[Candidate]:
    doc_text = index.doc_text(chunk.doc_id)
    units = _units_of(doc_text, chunk.start, chunk.end)
    out = []
    for unit, row in zip(units, _unit_rows(index, chunk, units), strict=True):
        text = leadin_text(doc_text, unit) if unit.kind == "leadin" else doc_text[unit.start : unit.end]
        out.append(
            Candidate(chunk.doc_id, chunk, unit.start, unit.end, unit.kind, text, unit.context, row, rank)
        )
    return out


def _source_unit(index: LoadedIndex, doc_id: str, start: int, end: int) -> tuple[Chunk, int | None] | None:
    """The chunk holding a fact's source passage, and the vector row of the unit that overlaps it most."""
    chunk = index.chunk_at(doc_id, start)
    if chunk is None:
        return None
    chunk = index.with_text(chunk)
    units = _units_of(index.doc_text(doc_id), chunk.start, chunk.end)
    rows = _unit_rows(index, chunk, units)
    best, overlap = None, 0
    for unit, row in zip(units, rows, strict=True):
        o = min(end, unit.end) - max(start, unit.start)
        if o > overlap:
            best, overlap = row, o
    return chunk, best


def fact_candidates(index: LoadedIndex, doc_id: str, lang: str, rank: dict[str, int]) -> list[Candidate]:
    """Facts from a document's metadata, each quoting the passage it was extracted from."""
    meta = index.docs[doc_id].meta
    text = index.doc_text(doc_id)
    facts: list[tuple[str, str, int, int, bool]] = [
        ("contact", describe_contact(c, lang), c.start, c.end, c.signed) for c in meta.contacts
    ]
    if meta.valid_from or meta.valid_to:
        facts.append(("validity", validity_line(meta, lang), *meta.validity_span, False))
    if meta.signed_date:
        facts.append(
            ("signed", label(lang, "signed_on").format(date=meta.signed_date), *meta.signed_span, False)
        )
    out = []
    for kind, statement, start, end, signed in facts:
        if end <= start:
            continue
        found = _source_unit(index, doc_id, start, end)
        if found is None:
            continue
        chunk, row = found
        out.append(
            Candidate(
                doc_id,
                chunk,
                start,
                end,
                "fact",
                text[start:end],
                row=row,
                rank=rank.get(chunk.chunk_id),
                fact=statement,
                fact_kind=kind,
                signed=signed,
            )
        )
    return out


def gather(hits: list[Hit], index: LoadedIndex, lang: str) -> Pool:
    """Every candidate for a question, from its retrieved chunks (best first)."""
    order = doc_order(hits)
    candidates: list[Candidate] = []
    for chunk, rank in pool_chunks(hits, index, order):
        candidates.extend(unit_candidates(index, chunk, rank))
    ranks = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
    for doc_id in order[:FACT_DOCS]:
        candidates.extend(fact_candidates(index, doc_id, lang, ranks))
    return Pool(candidates, order)
