"""A snapshot's documents, texts and chunk table opened without Chroma or the embedder: what the
extracted-facts commands (contacts, obligations) need, quick to open from the command line."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ingest.types import Chunk
from vectorstore.chunktable import ChunkTable
from vectorstore.records import DocRecord, records_of
from vectorstore.snapshots import Layout, require_pointer
from vectorstore.texts import TextStore


@dataclass
class SnapshotDocuments:
    snapshot_id: str
    docs: dict[str, DocRecord]
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


def read_manifest(layout: Layout, snapshot_id: str) -> dict:
    """The small part of a snapshot: its settings and document records (no texts, no chunks)."""
    with open(layout.snapshot(snapshot_id) / "docs.json", encoding="utf-8") as fh:
        return json.load(fh)


def read_settings(layout: Layout, snapshot_id: str) -> dict:
    """The manifest without the document records (snapshots from before manifest.json: all of it)."""
    path = layout.snapshot(snapshot_id) / "manifest.json"
    if not path.exists():
        return {k: v for k, v in read_manifest(layout, snapshot_id).items() if k != "docs"}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def read_chunk_table(layout: Layout, snapshot_id: str) -> ChunkTable:
    """All chunks, without their text (cut from the document text store when needed)."""
    return ChunkTable.read(layout.snapshot(snapshot_id) / "chunks.json")


def read_chunks(layout: Layout, snapshot_id: str) -> list[Chunk]:
    return list(read_chunk_table(layout, snapshot_id).values())


def open_documents(layout: Layout) -> SnapshotDocuments:
    """The live snapshot's documents (IndexNotFoundError when nothing is indexed yet)."""
    snapshot_id = require_pointer(layout)
    return SnapshotDocuments(
        snapshot_id=snapshot_id,
        docs=records_of(read_manifest(layout, snapshot_id)["docs"]),
        chunks=read_chunk_table(layout, snapshot_id),
        texts=TextStore(layout.snapshot(snapshot_id) / "texts.sqlite"),
    )
