"""Hybrid retrieval: dense (Chroma) and keyword (BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from avtalebot.settings import Settings
from avtalebot.types import Chunk
from vectorstore.embedders import NamedEmbeddings
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

    def __init__(self, index: LoadedIndex, embedder: NamedEmbeddings, *, candidates: int = 24) -> None:
        self.index = index
        self._embedder = embedder
        self._candidates = candidates
        self._size = len(index.chunks)

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text)

    def retrieve(self, query_vector: list[float], terms: list[str], k: int) -> list[Hit]:
        dense = self.index.dense.search(query_vector, self._candidates, self._size)
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

    def __init__(self, settings: Settings, layout: Layout, embedder: NamedEmbeddings) -> None:
        self._settings = settings
        self._layout = layout
        self._embedder = embedder
        self._lock = threading.Lock()
        self._retriever: HybridRetriever | None = None

    def retriever(self) -> HybridRetriever:
        """The retriever for the live snapshot; a question keeps the one it started with."""
        current = self._retriever
        pointer = read_pointer(self._layout)
        if current is not None and pointer == current.index.snapshot_id:
            return current
        with self._lock:
            current = self._retriever
            pointer = read_pointer(self._layout)
            if current is None or pointer != current.index.snapshot_id:
                index = load_index(self._settings, self._layout, self._embedder, pointer)
                if current is not None:  # questions in flight keep it for a while; then release it
                    timer = threading.Timer(self.GRACE_S, current.index.close)
                    timer.daemon = True
                    timer.start()

                log.info("loaded index snapshot %s (%d chunks)", index.snapshot_id, len(index.chunks))
                self._retriever = HybridRetriever(index, self._embedder)
            return self._retriever
