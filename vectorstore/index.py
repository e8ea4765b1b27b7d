"""Build a snapshot from documents + chunks, and load one for querying.

A snapshot directory holds docs.json (settings and document records, read by every sync),
manifest.json (the settings alone, read by the bot), chunks.json (chunk ids and offsets as
columns), texts.sqlite (cleaned texts and document records, read on demand), bm25/, chunkvecs/,
units/ and, in embedded mode, chroma/.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ingest.types import Chunk
from vectorstore.cache import EmbeddingCache, embed_with_cache
from vectorstore.chroma_store import DenseIndex, close_client, make_client, writable_copy
from vectorstore.chunktable import ChunkTable, write_chunk_table
from vectorstore.config import StoreConfig
from vectorstore.embedders import NamedEmbeddings
from vectorstore.errors import EmbedderMismatchError, IndexCorruptError
from vectorstore.integrity import checksums, database_problems, problems
from vectorstore.keyword import KeywordBuilder, KeywordIndex
from vectorstore.reader import read_chunk_table, read_manifest, read_settings
from vectorstore.records import DocRecord, records_of
from vectorstore.snapshots import (
    Layout,
    collection_name,
    finish_snapshot,
    new_snapshot_id,
    require_pointer,
    write_json_atomic,
)
from vectorstore.texts import TextStore, write_texts
from vectorstore.unitvectors import UnitVectors, UnitVectorWriter

_WINDOW = 1024
Progress = Callable[[str, int, int], None]  # (phase, advanced by, phase total)
UnitTexts = Callable[[Chunk, str], list[str]]  # (chunk, its document's text) -> texts of its answer units


@dataclass
class BuildStats:
    snapshot_id: str
    chunks: int
    embedded: int
    embed_seconds: float
    total_seconds: float
    units: int = 0
    units_embedded: int = 0
    units_seconds: float = 0.0


@dataclass
class LoadedIndex:
    """One snapshot, opened read-only: never changes under a reader."""

    snapshot_id: str
    docs: Mapping[str, DocRecord]
    chunks: ChunkTable
    keyword: KeywordIndex
    dense: DenseIndex
    texts: TextStore
    embedder_name: str
    path: Path
    units: UnitVectors | None = None
    chunk_vectors: UnitVectors | None = None

    def doc_text(self, doc_id: str) -> str:
        return self.texts.get(doc_id)

    def with_text(self, chunk: Chunk) -> Chunk:
        """Chunks are held without their text; a hit gets it from the document text store."""
        return chunk if chunk.text else chunk.cut_from(self.doc_text(chunk.doc_id))

    def chunk_at(self, doc_id: str, offset: int) -> Chunk | None:
        return self.chunks.at(doc_id, offset)

    def close(self) -> None:
        self.texts.close()  # the document records read through its connection too
        close_client(self.dense.client)


def _chunk_meta(c: Chunk) -> dict:
    return {
        "doc_id": c.doc_id,
        "source": c.source,
        "title": c.title,
        "section": c.section,
        "position": c.position,
        "start": c.start,
        "end": c.end,
    }


def build_snapshot(
    store: StoreConfig,
    layout: Layout,
    embedder: NamedEmbeddings,
    cache: EmbeddingCache | None,
    docs: dict[str, dict],
    text_of: Callable[[str], str],
    chunks: list[Chunk],
    progress: Progress | None = None,
    failpoint: Callable[[str], None] = lambda name: None,
    unit_texts: UnitTexts | None = None,
    manifest_extra: dict | None = None,
) -> BuildStats:
    """Write a complete new snapshot next to the live one; the caller flips the pointer.
    With unit_texts, every chunk's answer units are embedded too and stored as int8 rows."""
    t0 = time.perf_counter()
    snapshot_id = new_snapshot_id()
    building = layout.snapshots / f"{snapshot_id}.building"
    building.mkdir(parents=True)
    total = len(chunks)
    name = collection_name(snapshot_id)
    client = make_client(store, None if store.server_mode else building / "chroma")
    dense = DenseIndex(client, name, embedder, create=True)
    keyword = KeywordBuilder()
    hydrate = _Hydrator(text_of)
    units = UnitVectorWriter(building / "units") if unit_texts else None
    chunk_vectors = UnitVectorWriter(building / "chunkvecs") if unit_texts else None
    unit_rows: dict[str, tuple[int, int, int]] = {}  # chunk id -> (first unit row, units, chunk row)
    stats = BuildStats(snapshot_id, total, 0, 0.0, 0.0)
    for i in range(0, total, _WINDOW):  # a window at a time: no phase holds every vector at once
        window = [hydrate(c) for c in chunks[i : i + _WINDOW]]
        texts = [c.embed_text() for c in window]
        t1 = time.perf_counter()
        vectors, fresh = embed_with_cache(
            embedder, cache, texts, on_progress=(lambda n: progress("embed", n, total)) if progress else None
        )
        stats.embed_seconds += time.perf_counter() - t1
        stats.embedded += fresh
        dense.add([c.chunk_id for c in window], texts, [_chunk_meta(c) for c in window], vectors, embedder)
        for c, text in zip(window, texts, strict=True):
            keyword.add(c.chunk_id, text)
        if units is not None and chunk_vectors is not None and unit_texts is not None:
            first_chunk = chunk_vectors.add(vectors)
            _add_units(units, unit_rows, window, hydrate, unit_texts, embedder, cache, stats, progress)
            for n, c in enumerate(window):
                unit_rows[c.chunk_id] = (*unit_rows[c.chunk_id][:2], first_chunk + n)
        if progress:
            progress("store", len(window), total)
    failpoint("embedded")
    failpoint("stored")
    if not store.server_mode:  # release the in-process HNSW index before the BM25 build's peak
        client.close()
    del dense, client
    keyword.build().save(building / "bm25")
    if units is not None and chunk_vectors is not None:
        units.close()
        chunk_vectors.close()
        stats.units = units.count
    write_texts(building / "texts.sqlite", ((doc_id, text_of(doc_id)) for doc_id in docs), docs.items())
    write_chunk_table(building / "chunks.json", chunks, unit_rows if units is not None else None)
    manifest = {
        "checksums": checksums(building),
        "snapshot_id": snapshot_id,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "embedder": embedder.name,
        "mode": "server" if store.server_mode else "embedded",
        "collection": name,
        "chunk_count": total,
        "unit_count": stats.units if units is not None else None,
        **(manifest_extra or {}),
    }
    write_json_atomic(building / "manifest.json", manifest)
    write_json_atomic(building / "docs.json", {**manifest, "docs": docs})
    failpoint("written")
    finish_snapshot(layout, building, snapshot_id)
    failpoint("renamed")
    stats.total_seconds = time.perf_counter() - t0
    return stats


def _add_units(
    writer: UnitVectorWriter,
    rows: dict[str, tuple[int, int, int]],
    window: list[Chunk],
    hydrate: _Hydrator,
    unit_texts: UnitTexts,
    embedder: NamedEmbeddings,
    cache: EmbeddingCache | None,
    stats: BuildStats,
    progress: Progress | None,
) -> None:
    """Embed the answer units of a window of chunks (cache first) and append their rows."""
    per_chunk = [unit_texts(c, hydrate.text_for(c.doc_id)) for c in window]
    flat = [t for texts in per_chunk for t in texts]
    t1 = time.perf_counter()
    vectors, fresh = embed_with_cache(
        embedder, cache, flat, on_progress=(lambda n: progress("units", n, len(flat))) if progress else None
    )
    stats.units_seconds += time.perf_counter() - t1
    stats.units_embedded += fresh
    first = writer.add(vectors) if flat else writer.count
    for c, texts in zip(window, per_chunk, strict=True):
        rows[c.chunk_id] = (first, len(texts), -1)
        first += len(texts)


class _Hydrator:
    """Chunks of the live snapshot are read without text; their text is cut from the document's text,
    which is fetched once per document (chunks arrive grouped by document)."""

    def __init__(self, text_of: Callable[[str], str]) -> None:
        self._text_of = text_of
        self._doc_id, self._text = "", ""

    def text_for(self, doc_id: str) -> str:
        if doc_id != self._doc_id:
            self._doc_id, self._text = doc_id, self._text_of(doc_id)
        return self._text

    def __call__(self, chunk: Chunk) -> Chunk:
        return chunk if chunk.text else chunk.cut_from(self.text_for(chunk.doc_id))


def load_index(
    store: StoreConfig, layout: Layout, embedder: NamedEmbeddings, snapshot_id: str | None = None
) -> LoadedIndex:
    snapshot_id = snapshot_id or require_pointer(layout)
    path = layout.snapshot(snapshot_id)
    verify_snapshot(layout, snapshot_id)
    with ExitStack() as opened:  # a refused load lets go of what it opened, as closing an index does
        try:
            texts = TextStore(path / "texts.sqlite")
            opened.callback(texts.close)
            index = _open(store, layout, embedder, snapshot_id, path, texts, opened)
        except (EmbedderMismatchError, IndexCorruptError):
            raise
        except Exception as exc:  # a damaged part the digests did not cover (Chroma's files, old snapshots)
            raise IndexCorruptError(
                _damaged(layout, snapshot_id, f"{type(exc).__name__}: {str(exc)[:120]}")
            ) from exc
        opened.pop_all()
    return index


def verify_snapshot(layout: Layout, snapshot_id: str) -> None:
    """Raises IndexCorruptError, in one line naming the damaged file and the fix, unless every file
    of the snapshot is as it was written."""
    path = layout.snapshot(snapshot_id)
    try:
        manifest = read_settings(layout, snapshot_id)
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(
            _damaged(layout, snapshot_id, f"its manifest cannot be read ({type(exc).__name__})")
        ) from exc
    found = problems(path, manifest.get("checksums")) or database_problems(path)
    if found:
        raise IndexCorruptError(_damaged(layout, snapshot_id, "; ".join(found[:3])))


def _damaged(layout: Layout, snapshot_id: str, what: str) -> str:
    return (
        f"the index snapshot {snapshot_id} in {layout.root} is damaged ({what}); "
        "the next `avtalebot ingest <folder>` rebuilds it (or run `avtalebot ingest --rebuild <folder>`)"
    )


def _open(
    store: StoreConfig,
    layout: Layout,
    embedder: NamedEmbeddings,
    snapshot_id: str,
    path: Path,
    texts: TextStore,
    opened: ExitStack,
) -> LoadedIndex:
    # The bot reads document records from texts.sqlite on demand; a snapshot from before they moved
    # there has them in docs.json only, which is then parsed once for settings and records.
    records = texts.has_records()
    manifest = read_settings(layout, snapshot_id) if records else read_manifest(layout, snapshot_id)
    old_docs: dict[str, dict] = {} if records else manifest.pop("docs")
    if manifest["embedder"] != embedder.name:
        raise EmbedderMismatchError(
            f"the index in {layout.root} was built with the embedder '{manifest['embedder']}', but "
            f"'{embedder.name}' is configured (AVTALEBOT_EMBEDDER). Use the same embedder, or rebuild "
            "the index with `avtalebot ingest --rebuild <folder>`."
        )
    client = make_client(
        store, None if manifest["mode"] == "server" else writable_copy(path / "chroma", opened)
    )
    opened.callback(close_client, client)
    dense = DenseIndex(client, manifest["collection"], embedder, create=False)
    if dense.embedder_name() and dense.embedder_name() != embedder.name:
        raise EmbedderMismatchError(
            f"the Chroma collection was built with '{dense.embedder_name()}', not '{embedder.name}'"
        )
    chunks = read_chunk_table(layout, snapshot_id)
    if dense.count() != len(chunks):  # a snapshot answers from all of its vectors or not at all
        raise IndexCorruptError(
            f"snapshot {snapshot_id} holds {dense.count()} vectors for {len(chunks)} chunks; "
            "rebuild it with `avtalebot ingest --rebuild <folder>`"
        )
    return LoadedIndex(
        snapshot_id=snapshot_id,
        docs=texts.records() if records else records_of(old_docs),
        chunks=chunks,
        keyword=KeywordIndex.load(path / "bm25"),
        dense=dense,
        texts=texts,
        embedder_name=manifest["embedder"],
        path=path,
        units=UnitVectors.open(path / "units"),
        chunk_vectors=UnitVectors.open(path / "chunkvecs"),
    )


def drop_snapshot_data(store: StoreConfig, layout: Layout, snapshot_id: str) -> None:
    """Server mode keeps vectors in the server: drop the snapshot's collection there too."""
    path = layout.snapshot(snapshot_id)
    name = collection_name(snapshot_id.removesuffix(".building"))
    try:
        mode = read_manifest(layout, snapshot_id).get("mode")
    except (OSError, ValueError):
        mode = "server" if store.server_mode else "embedded"
    if mode == "server" and store.server_mode:
        try:
            make_client(store, None).delete_collection(name)
        except Exception:  # already gone, or never created
            pass
    shutil.rmtree(path, ignore_errors=True)
