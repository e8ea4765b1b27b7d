"""Real, deterministic stand-ins for slow components (no mocks of core logic)."""

from __future__ import annotations

import hashlib

import numpy as np

from avtalebot.text import content_terms
from vectorstore.embedders import NamedEmbeddings


class HashEmbeddings(NamedEmbeddings):
    """Bag of stemmed terms hashed into a fixed number of dimensions, L2-normalised.

    Deterministic and fast; similar texts get similar vectors, which is all retrieval tests need.
    """

    name = "fake-hash"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for term in content_terms(text):
            h = int(hashlib.md5(term.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 64) % 2 else -1.0
        v[0] += 0.1  # never all-zero
        return v / np.linalg.norm(v)

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text).tolist()
