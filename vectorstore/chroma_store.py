"""Chroma through langchain-chroma: an embedded PersistentClient per snapshot, or a Chroma server."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from vectorstore.config import StoreConfig
from vectorstore.embedders import NamedEmbeddings
from vectorstore.errors import ConfigError

log = logging.getLogger(__name__)
_BATCH = 1000


class PrecomputedEmbeddings(NamedEmbeddings):
    """Hands langchain-chroma vectors we already have (from the cache); queries use the real embedder."""

    def __init__(self, embedder: NamedEmbeddings, vectors: dict[str, np.ndarray]) -> None:
        self.name = embedder.name
        self._embedder = embedder
        self._vectors = vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vectors[t].tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text)


def preload() -> None:
    """Import Chroma and langchain-chroma now (≈ 2 s, once per process), e.g. before timing work."""
    import chromadb  # noqa: F401
    import langchain_chroma  # noqa: F401


def make_client(store: StoreConfig, path: Path | None):
    """Embedded client on a snapshot directory, or an HTTP client when AVTALEBOT_CHROMA_HOST is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if store.server_mode:
        try:
            client = chromadb.HttpClient(
                host=store.chroma_host or "", port=store.chroma_port, settings=chroma_settings
            )
            client.heartbeat()
        except Exception as exc:
            raise ConfigError(
                f"cannot reach the Chroma server at {store.chroma_host}:{store.chroma_port} "
                f"({type(exc).__name__})"
            ) from exc
        return client
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def writable_copy(path: Path, opened: ExitStack) -> Path:
    """The Chroma folder to open: Chroma opens its database for writing even to read it, so a
    snapshot on a read-only volume (a replica that mounts the data dir read-only, a locked-down
    folder) is opened from a private temporary copy, removed when the index is closed."""
    files = [path, *path.rglob("*")] if path.is_dir() else []
    if all(os.access(f, os.W_OK) for f in files):
        return path
    tmp = Path(tempfile.mkdtemp(prefix="avtalebot-chroma-"))
    opened.callback(shutil.rmtree, tmp, ignore_errors=True)  # a bot that moves to a newer snapshot
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)  # a command that exits with it open
    log.info("snapshot folder %s is read-only: opening Chroma from a copy in %s", path, tmp)
    shutil.copytree(path, tmp / "chroma", copy_function=shutil.copyfile)
    return tmp / "chroma"


def close_client(client) -> None:
    """Let go of an embedded client's files; best effort, as a server client has nothing to release."""
    try:
        client.close()
    except Exception:
        pass


class DenseIndex:
    """One Chroma collection holding one snapshot's chunk vectors."""

    def __init__(self, client, collection_name: str, embedder: NamedEmbeddings, create: bool) -> None:
        from langchain_chroma import Chroma

        self.client = client
        self.collection_name = collection_name
        self._store = Chroma(
            collection_name=collection_name,
            embedding_function=embedder,
            client=client,
            collection_metadata={"embedder": embedder.name},
            collection_configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
            create_collection_if_not_exists=create,
        )

    def embedder_name(self) -> str:
        return str((self._store._collection.metadata or {}).get("embedder", ""))

    def add(
        self,
        ids: list[str],
        texts: list[str],
        metadatas: list[dict],
        vectors: np.ndarray,
        embedder: NamedEmbeddings,
    ) -> None:
        from langchain_chroma import Chroma

        for i in range(0, len(ids), _BATCH):
            part = slice(i, i + _BATCH)
            lookup = dict(zip(texts[part], vectors[part], strict=True))
            store = Chroma(
                collection_name=self.collection_name,
                embedding_function=PrecomputedEmbeddings(embedder, lookup),
                client=self.client,
                create_collection_if_not_exists=False,
            )
            store.add_texts(texts[part], metadatas=metadatas[part], ids=ids[part])

    def count(self) -> int:
        return self._store._collection.count()

    def search(self, vector: list[float], k: int, size: int) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first; size is the collection's known count."""
        k = min(k, size)
        if k <= 0:
            return []
        hits = self._store.similarity_search_by_vector_with_relevance_scores(vector, k=k)
        return [(str(doc.id), 1.0 - float(dist)) for doc, dist in hits]

    def delete_collection(self) -> None:
        self.client.delete_collection(self.collection_name)
