"""The obvious setup we measure against: RecursiveCharacterTextSplitter 500/50 on the raw file
text (a PDF, .docx or HTML file's extracted text, as any loader gives it) + Chroma + all-MiniLM-L6-v2,
top-4 chunks shown as the answer. No cleaning, no keyword index, no abstention."""

from __future__ import annotations

from pathlib import Path

from vectorstore.cache import EmbeddingCache, embed_with_cache
from vectorstore.chroma_store import DenseIndex, close_client
from vectorstore.embedders import NamedEmbeddings


def raw_text(path: Path) -> str:
    """The file's text without any cleaning: plain files as they are, others through a loader."""
    if path.suffix.lower() in (".txt", ".md", ".markdown", ".text"):
        return path.read_text(encoding="utf-8", errors="replace")
    from ingest.loaders import loader_for

    text, _ = loader_for(path)(path.read_bytes())
    return text


class NaiveRAG:
    def __init__(self, persist_dir: Path, embedder: NamedEmbeddings, cache: EmbeddingCache | None) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self._embedder = embedder
        self._cache = cache
        self._client = chromadb.PersistentClient(
            path=str(persist_dir), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self._dense: DenseIndex | None = None
        self._size = 0

    def build(self, files: list[Path]) -> int:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        ids, texts, metas = [], [], []
        for f in files:
            for i, piece in enumerate(splitter.split_text(raw_text(f))):
                ids.append(f"{f.name}:{i}")
                texts.append(piece)
                metas.append({"source": f.name})
        vectors, _ = embed_with_cache(self._embedder, self._cache, texts)
        self._dense = DenseIndex(self._client, "naive", self._embedder, create=True)
        self._dense.add(ids, texts, metas, vectors, self._embedder)
        self._size = len(ids)
        self._texts = dict(zip(ids, texts, strict=True))
        return self._size

    def retrieve(self, question: str, k: int = 4) -> list[tuple[str, str]]:
        """(source file, chunk text) for the top-k chunks."""
        assert self._dense is not None
        hits = self._dense.search(self._embedder.embed_query(question), k, self._size)
        return [(cid.rsplit(":", 1)[0], self._texts[cid]) for cid, _ in hits]

    def close(self) -> None:
        close_client(self._client)
