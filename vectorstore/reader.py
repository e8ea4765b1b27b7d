"""A snapshot's documents, texts and chunk table opened without Chroma or the embedder: what the
extracted-facts commands (contacts, obligations) need, quick to open from the command line."""

from __future__ import annotations

from dataclasses import dataclass

from vectorstore.chunktable import ChunkTable
from vectorstore.index import read_chunk_table, read_manifest
from vectorstore.snapshots import Layout, require_pointer
from vectorstore.texts import TextStore


@dataclass
class SnapshotDocuments:
    snapshot_id: str
    docs: dict[str, dict]
    chunks: ChunkTable
    texts: TextStore

    def doc_text(self, doc_id: str) -> str:
        return self.texts.get(doc_id)

    def chunk_id_at(self, doc_id: str, offset: int) -> str:
        chunk = self.chunks.at(doc_id, offset)
        return chunk.chunk_id if chunk else ""

    def close(self) -> None:
        self.texts.close()

    def __enter__(self) -> SnapshotDocuments:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_documents(layout: Layout) -> SnapshotDocuments:
    """The live snapshot's documents (IndexNotFoundError when nothing is indexed yet)."""
    snapshot_id = require_pointer(layout)
    return SnapshotDocuments(
        snapshot_id=snapshot_id,
        docs=read_manifest(layout, snapshot_id)["docs"],
        chunks=read_chunk_table(layout, snapshot_id),
        texts=TextStore(layout.snapshot(snapshot_id) / "texts.sqlite"),
    )
