"""Embeddings cached by content hash (SQLite), so a new snapshot never re-embeds unchanged chunks."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vectorstore.embedders import NamedEmbeddings


class EmbeddingCache:
    """(embedder name, sha256 of text) -> float32 vector. One writer at a time (the ingest lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS emb (model TEXT, key TEXT, vec BLOB, PRIMARY KEY (model, key))"
        )

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            q = f"SELECT key, vec FROM emb WHERE model=? AND key IN ({','.join('?' * len(part))})"
            for k, blob in self._db.execute(q, [model, *part]):
                out[k] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, model: str, items: dict[str, np.ndarray]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO emb VALUES (?, ?, ?)",
            [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
        )
        self._db.commit()

    def merge_from(self, other: Path) -> None:
        """Add the vectors another cache file holds (an interrupted run's work is not thrown away)."""
        if not other.exists():
            return
        self._db.execute("ATTACH DATABASE ? AS other", (str(other),))
        try:
            self._db.execute("INSERT OR IGNORE INTO emb SELECT model, key, vec FROM other.emb")
            self._db.commit()
        finally:
            self._db.execute("DETACH DATABASE other")

    def count(self, model: str) -> int:
        return self._db.execute("SELECT count(*) FROM emb WHERE model=?", (model,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()


def embed_with_cache(
    embedder: NamedEmbeddings,
    cache: EmbeddingCache | None,
    texts: list[str],
    on_progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """Vectors for texts (cache first, then the embedder in batches). Returns (vectors, n_embedded)."""
    keys = [EmbeddingCache.key(t) for t in texts]
    known = cache.get_many(embedder.name, list(dict.fromkeys(keys))) if cache else {}
    if on_progress:
        on_progress(sum(1 for k in keys if k in known))
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    by_key = dict(zip(keys, texts, strict=True))
    step = max(1, embedder.batch_size)
    for i in range(0, len(missing), step):
        batch = missing[i : i + step]
        vecs = embedder.embed_documents_array([by_key[k] for k in batch])
        fresh = dict(zip(batch, vecs, strict=True))
        known.update(fresh)
        if cache:
            cache.put_many(embedder.name, fresh)
        if on_progress:
            on_progress(sum(1 for k in keys if k in fresh))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.stack([known[k] for k in keys]).astype(np.float32), len(missing)
