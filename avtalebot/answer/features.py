"""Stage 3a of answering: describe every candidate by the same numeric features.

Which features carry weight is learned (see scorer.py and `avtalebot calibrate`); nothing here is
tuned to a question. Features fall into groups (named in GROUPS, for the ablation table):
meaning (multilingual e5 similarity of the question to the unit in its list or table context, to its
chunk, to its neighbours), words (IDF-weighted coverage of the question, within-document coverage,
compounds and cognates, BM25 at unit level, lead-in and section matches), retrieval (the chunk's fused
rank, the document's rank), answer type (the question wants a person, a date, an age … and the
candidate holds one), party (the question names a party and the candidate's list belongs to it or to
another), document (not in force, another place or year than asked), shape (kind, length). The
meaning group is computed in meaning.py, what a document shows as a whole in docinfo.py.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from avtalebot.answer.candidates import Candidate, Pool
from avtalebot.answer.docinfo import doc_infos
from avtalebot.answer.lexical import (
    TYPES,
    QueryWords,
    length_feature,
    local_weights,
    log1p,
    names_other_person,
    relative,
    terms_of,
    text_info,
)
from avtalebot.answer.meaning import chunk_dense, group_max, neighbour_dense, unit_dense
from avtalebot.answer.query import PARTIES, WANTS, Query
from ingest.headings import heading_at
from vectorstore.index import LoadedIndex

_PARTY_RX = {k: re.compile(v, re.I) for k, v in PARTIES.items()}
_BOTH = re.compile(r"\b(begge|partane|partene|both parties)\b", re.I)
KINDS = ["sentence", "item", "leadin", "row", "fact"]
FACTS = ["contact", "validity", "signed"]
# The answer types that name what the answer is (all but a place, a list and a yes/no).
SPECIFIC = frozenset(WANTS) - {"place", "list", "yesno"}

GROUPS = {
    "meaning": [
        "dense",
        "dense_rel",
        "dense_chunk",
        "dense_passage",
        "dense_neighbour",
        "dense_doc",
        "has_vector",
    ],
    "words": [
        "cov",
        "cov_rel",
        "cov_ctx",
        "cov_context_only",
        "cov_section",
        "cov_local",
        "cov_local_rel",
        "cov_fuzzy",
        "bm25",
        "bm25_rel",
        "miss_idf",
        "doc_miss_idf",
    ],
    "retrieval": ["retrieved", "rank_inv", "doc_rank_inv"],
    "type": [f"type_{t}" for t in TYPES] + ["type_any", "type_miss", "fact_fits"],
    "party": ["party_match", "party_conflict"],
    "document": ["not_in_force", "old_asked", "place_miss", "year_hit", "year_miss"],
    "shape": [f"kind_{k}" for k in KINDS]
    + [f"fact_{f}" for f in FACTS]
    + ["leadin_list", "leadin_other", "signed_asked", "log_len", "heading"],
    "question": ["q_unknown", "q_dense"],
    "context": ["cov_prev", "cov_window", "cov_doc_rel", "dense_doc_rel", "doc_pos"],
    "asks": [f"asks_{t}" for t in WANTS],
}
FEATURES = [f for group in GROUPS.values() for f in group]


def _party_of(c: Candidate) -> frozenset[str]:
    """Whose list or sentence this is: the lead-in's party for an item, else the sentence's opening."""
    return _party_named(c.context if c.kind == "item" and c.context else c.text[:80])


@lru_cache(maxsize=20_000)  # the same units come back question after question
def _party_named(text: str) -> frozenset[str]:
    if _BOTH.search(text):
        return frozenset({"both"})
    return frozenset(k for k, rx in _PARTY_RX.items() if rx.search(text))


def featurize(
    query: Query,
    pool: Pool,
    index: LoadedIndex,
    qvec: np.ndarray,
    q_dense: float,
    status: dict[str, tuple[str, str]],
) -> np.ndarray:
    """One row of FEATURES per candidate of the pool."""
    cands = pool.candidates
    n = len(cands)
    if not n:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    qw = QueryWords(query, index.keyword)
    infos = doc_infos(query, pool, index, status)
    own = [text_info(c.own) for c in cands]
    ctx = [terms_of(c.context) for c in cands]
    section = [terms_of(_heading(c, index)) | infos[c.doc_id].context for c in cands]
    m_own = qw.matches([i.terms for i in own])
    m_ctx = qw.matches(ctx)
    m_sec = qw.matches(section)
    m_unit = m_own | m_ctx
    dense = unit_dense(cands, index, qvec)
    col: dict[str, np.ndarray] = {}
    col["dense"] = dense
    col["dense_rel"] = relative(dense)
    col["dense_chunk"] = group_max(dense, [c.chunk.chunk_id for c in cands])
    col["dense_passage"] = chunk_dense(cands, index, qvec)
    col["dense_neighbour"] = neighbour_dense(cands, dense)
    col["dense_doc"] = group_max(dense, [c.doc_id for c in cands])
    col["has_vector"] = np.asarray([c.row is not None for c in cands], dtype=float)
    col["cov"] = qw.coverage(m_own)
    col["cov_rel"] = relative(col["cov"])
    col["cov_ctx"] = qw.coverage(m_unit | m_sec)
    col["cov_context_only"] = qw.coverage(m_ctx)
    col["cov_section"] = qw.coverage(m_sec)
    col["cov_local"] = qw.coverage(m_unit, local_weights(m_unit, [c.doc_id for c in cands]))
    col["cov_local_rel"] = relative(col["cov_local"])
    fuzzy = qw.fuzzy([i.words for i in own])
    col["cov_fuzzy"] = qw.coverage(m_unit | fuzzy)
    # the rarest question word the candidate (with its context) or its whole document lacks
    col["miss_idf"] = qw.missing(m_unit | m_sec | fuzzy)
    doc_terms = [terms_of(index.doc_text(d)) | infos[d].context for d in infos]
    doc_miss = dict(zip(infos, qw.missing(qw.matches(doc_terms)), strict=True))
    col["doc_miss_idf"] = np.asarray([doc_miss[c.doc_id] for c in cands])
    bm25 = qw.bm25(qw.counts(own), np.asarray([i.length for i in own], dtype=float))
    col["bm25"] = log1p(bm25)
    col["bm25_rel"] = bm25 / (bm25.max() or 1.0)
    # No English-only copies of the meaning and word features: fitted once the language was read
    # right (one Norwegian question in eight had passed as English), they cost more than they gave —
    # leave-documents-out right of 202, mean over ranker C 0.05 / 0.1 / 0.2: 169.3 with, 171.0 without.
    col["retrieved"] = np.asarray([c.rank is not None for c in cands], dtype=float)
    col["rank_inv"] = np.asarray([1.0 / (1 + c.rank) if c.rank is not None else 0.0 for c in cands])
    doc_rank = {d: i for i, d in enumerate(pool.doc_order)}
    col["doc_rank_inv"] = np.asarray(
        [1.0 / (1 + doc_rank[c.doc_id]) if c.doc_id in doc_rank else 0.0 for c in cands]
    )
    parties = [_party_of(c) for c in cands]
    asked = query.words
    has = [
        (i.holds(query.wants) - {"person"})
        | ({"person"} if names_other_person(i, asked) else set())
        | ({"list"} if c.kind == "leadin" else set())
        | ({"party"} if p else set())
        for i, c, p in zip(own, cands, parties, strict=True)
    ]
    for t in TYPES:
        col[f"type_{t}"] = np.asarray([t in query.wants and t in h for h in has], dtype=float)
    specific = query.wants & SPECIFIC
    col["type_any"] = np.asarray([bool(query.wants & h) for h in has], dtype=float)
    col["type_miss"] = np.asarray([bool(specific) and not specific & h for h in has], dtype=float)
    col["fact_fits"] = np.asarray([_fact_fits(c, query) for c in cands], dtype=float)
    one = len(query.parties) == 1
    col["party_match"] = np.asarray([one and bool(p & query.parties) for p in parties], dtype=float)
    col["party_conflict"] = np.asarray(
        [one and bool(p - query.parties - {"both"}) and not p & query.parties for p in parties], dtype=float
    )
    asks_old = query.asks_old
    for name, attr in (
        ("not_in_force", "not_in_force"),
        ("place_miss", "place_miss"),
        ("year_hit", "year_hit"),
        ("year_miss", "year_miss"),
    ):
        col[name] = np.asarray([getattr(infos[c.doc_id], attr) for c in cands], dtype=float)
    col["old_asked"] = col["not_in_force"] * float(asks_old)
    for k in KINDS:
        col[f"kind_{k}"] = np.asarray([c.kind == k for c in cands], dtype=float)
    for k in FACTS:
        col[f"fact_{k}"] = np.asarray([c.fact_kind == k for c in cands], dtype=float)
    wants_list = "list" in query.wants
    col["leadin_list"] = col["kind_leadin"] * float(wants_list)
    col["leadin_other"] = col["kind_leadin"] * float(not wants_list)
    col["signed_asked"] = np.asarray([c.signed and query.asks_signed for c in cands], dtype=float)
    col["log_len"] = np.asarray([length_feature(c.text) for c in cands])
    col["heading"] = np.asarray(
        [
            c.kind == "sentence" and len(c.text) < 70 and not c.text.rstrip().endswith((".", "?", "!"))
            for c in cands
        ],
        dtype=float,
    )
    _context(col, cands, qw, m_own, index)
    for t in WANTS:  # what the question asks for, so a learned ranker can weigh the rest by it
        col[f"asks_{t}"] = np.full(n, float(t in query.wants))
    col["q_unknown"] = np.full(n, qw.unknown)
    col["q_dense"] = np.full(n, q_dense)
    return np.stack([np.asarray(col[f], dtype=np.float32) for f in FEATURES], axis=1)


def _context(
    col: dict, cands: list[Candidate], qw: QueryWords, m_own: np.ndarray, index: LoadedIndex
) -> None:
    """What the passage around a unit says: the question's words in the unit before it and in the
    three together (a sentence that answers often names its subject only in the one before: "Han
    ble nummer sju."), how the unit compares with its document's best, and where in the document
    it stands."""
    n = len(cands)
    prev, nxt = np.full(n, -1), np.full(n, -1)
    units = sorted((c.doc_id, c.start, i) for i, c in enumerate(cands) if c.kind != "fact")
    for (da, _, a), (db, _, b) in zip(units, units[1:], strict=False):
        if da == db and cands[b].start >= cands[a].end and cands[b].start - cands[a].end < 200:
            nxt[a], prev[b] = b, a
    blank = np.zeros((1, m_own.shape[1]), dtype=bool)
    padded = np.vstack([m_own, blank])  # row -1: no neighbour
    col["cov_prev"] = qw.coverage(padded[prev])
    col["cov_window"] = qw.coverage(m_own | padded[prev] | padded[nxt])
    docs = [c.doc_id for c in cands]
    col["cov_doc_rel"] = col["cov"] - group_max(col["cov"], docs)
    col["dense_doc_rel"] = col["dense"] - col["dense_doc"]
    lengths = {d: max(1, len(index.doc_text(d))) for d in set(docs)}
    col["doc_pos"] = np.asarray([c.start / lengths[c.doc_id] for c in cands])


def _heading(c: Candidate, index: LoadedIndex) -> str:
    """The heading of the section the candidate is in (the chunk's when the document shows none)."""
    return heading_at(index.doc_text(c.doc_id), c.start) or c.chunk.section


def _fact_fits(c: Candidate, query: Query) -> bool:
    if c.fact_kind == "contact":
        return bool(query.wants & {"person", "email", "phone"})
    if c.fact_kind == "validity":
        return "validity" in query.wants
    return c.fact_kind == "signed" and query.asks_signed and "date" in query.wants
