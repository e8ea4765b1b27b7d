"""Hybrid retrieval: dense (Chroma) and keyword (BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np

from ingest.types import Chunk
from vectorstore.config import StoreConfig
from vectorstore.embedders import NamedEmbeddings
from vectorstore.errors import IndexCorruptError
from vectorstore.index import LoadedIndex, load_index
from vectorstore.snapshots import Layout, read_pointer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    dense: float  # cosine similarity to the query (0.0 when not among the dense candidates)
    keyword: float  # BM25 score (0.0 when no query term matched)
    fused: float  # reciprocal-rank fusion score


def fuse(rankings: list[list[str]], weights: list[float] | None = None, k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: sum of w / (k + rank) over the rankings an id appears in."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return scores


class HybridRetriever:
    """Searches one loaded snapshot; candidates from both rankings, fused."""

    EXACT_UP_TO = 20_000  # chunks; one query reads 7.7 MB of int8 rows (e5-small) and takes ~3 ms here

    def __init__(
        self, index: LoadedIndex, embedder: NamedEmbeddings, *, candidates: int = 24, exact_up_to: int = EXACT_UP_TO
    ) -> None:
        self.index = index
        self._embedder = embedder
        self._candidates = candidates
        self._size = len(index.chunks)
        self._exact_up_to = exact_up_to

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text)

    def dense(self, query_vector: list[float]) -> list[tuple[str, float]]:
        """The best chunks by meaning, ties broken by id. Up to `exact_up_to` chunks every chunk
        vector of the snapshot is scored: one snapshot gives one ranking in every process. Chroma's
        HNSW graph is not a function of the snapshot (it is built and partly rebuilt from Chroma's log
        with threads), and a graph that misses one of the true best chunks changed a ranking between
        builds and, once, between processes. Above that size HNSW proposes three times as many as
        needed and the chunk vectors score them exactly, so only its recall is approximate."""
        found = self._exact(query_vector)
        if found is not None:
            return found
        proposed = self.index.dense.search(query_vector, self._candidates * 3, self._size)
        vectors, table = self.index.chunk_vectors, self.index.chunks
        rows = [table.vector_row(cid) for cid, _ in proposed]
        if vectors is None or not proposed or any(r is None or r < 0 for r in rows):
            return proposed[: self._candidates]
        exact = vectors.similarities_at(np.asarray(rows), np.asarray(query_vector, dtype=np.float32))
        ranked = sorted(zip((cid for cid, _ in proposed), exact.tolist(), strict=True), key=lambda p: (-p[1], p[0]))
        return ranked[: self._candidates]

    def _exact(self, query_vector: list[float]) -> list[tuple[str, float]] | None:
        vectors, table = self.index.chunk_vectors, self.index.chunks
        pairs = table.vector_rows()
        if vectors is None or pairs is None or not 0 < self._size <= self._exact_up_to:
            return None
        rows, ids = pairs
        if rows.min() < 0 or rows.max() >= vectors.count:
            return None
        sims = vectors.similarities_all(np.asarray(query_vector, dtype=np.float32))[rows]
        k = min(self._candidates, len(sims))
        kth = np.partition(sims, len(sims) - k)[len(sims) - k]  # the k-th best; ties at it all kept
        best = np.flatnonzero(sims >= kth)
        return sorted(((ids[i], float(sims[i])) for i in best), key=lambda p: (-p[1], p[0]))[:k]

    def retrieve(self, query_vector: list[float], terms: list[str], k: int) -> list[Hit]:
        dense = self.dense(query_vector)
        keyword = self.index.keyword.search(terms, self._candidates)
        fused = fuse([[i for i, _ in dense], [i for i, _ in keyword]])
        dense_by, kw_by = dict(dense), dict(keyword)
        ranked = sorted(fused, key=fused.__getitem__, reverse=True)
        return [
            Hit(self.index.with_text(self.index.chunks[i]), dense_by.get(i, 0.0), kw_by.get(i, 0.0), fused[i])
            for i in ranked[:k]
            if i in self.index.chunks
        ]


class LiveIndex:
    """The bot's view of the index: follows CURRENT, swapping whole snapshots between questions."""

    GRACE_S = 120.0

    def __init__(self, store: StoreConfig, layout: Layout, embedder: NamedEmbeddings) -> None:
        self._store = store
        self._layout = layout
        self._embedder = embedder
        self._lock = threading.Lock()
        self._retriever: HybridRetriever | None = None
        self._refused: str | None = None  # a damaged snapshot already reported

    def retriever(self) -> HybridRetriever:
        """The retriever for the live snapshot; a question keeps the one it started with."""
        current = self._retriever
        pointer = read_pointer(self._layout)
        if current is not None and pointer in (current.index.snapshot_id, self._refused):
            return current
        with self._lock:
            current = self._retriever
            pointer = read_pointer(self._layout)
            if current is None or pointer != current.index.snapshot_id:
                try:
                    index = load_index(self._store, self._layout, self._embedder, pointer)
                except IndexCorruptError as exc:
                    if current is None:
                        raise
                    if pointer != self._refused:  # said once per damaged snapshot
                        log.error("%s; still answering from snapshot %s", exc, current.index.snapshot_id)
                        self._refused = pointer
                    return current
                if current is not None:  # questions in flight keep it for a while; then release it
                    timer = threading.Timer(self.GRACE_S, current.index.close)
                    timer.daemon = True
                    timer.start()

                log.info("loaded index snapshot %s (%d chunks)", index.snapshot_id, len(index.chunks))
                self._retriever = retriever = HybridRetriever(index, self._embedder)
                return retriever
            return current
