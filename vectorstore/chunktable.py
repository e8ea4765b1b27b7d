"""A snapshot's chunk records as columns (chunks.json), not one object per chunk.

A dict of Chunk objects costs several times what these columns cost in the bot process (measured in
docs/operations.md). A Chunk (without its text) is made only for the few hits a question needs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ingest.types import Chunk

FORMAT = "chunks/2"


def write_chunk_table(
    path: Path, chunks: list[Chunk], unit_rows: dict[str, tuple[int, int, int]] | None = None
) -> None:
    """Rows are grouped by document (first appearance order), each document's chunks in their order.
    unit_rows: per chunk id, (first row, count) of its answer units' vectors and its own vector's row."""
    doc_row: dict[str, int] = {}
    docs: list[list[str]] = []
    for c in chunks:
        if c.doc_id not in doc_row:
            doc_row[c.doc_id] = len(docs)
            docs.append([c.doc_id, c.source, c.title])
    chunks = sorted(chunks, key=lambda c: doc_row[c.doc_id])  # stable: keeps each document's order
    table = {
        "format": FORMAT,
        "docs": docs,
        "chunk_id": [c.chunk_id for c in chunks],
        "doc": [doc_row[c.doc_id] for c in chunks],
        "section": [c.section for c in chunks],
        "start": [c.start for c in chunks],
        "end": [c.end for c in chunks],
        "position": [c.position for c in chunks],
    }
    if unit_rows is not None:
        table["unit0"] = [unit_rows[c.chunk_id][0] for c in chunks]
        table["units"] = [unit_rows[c.chunk_id][1] for c in chunks]
        table["vec"] = [unit_rows[c.chunk_id][2] for c in chunks]
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(table, fh, ensure_ascii=False)


class ChunkTable:
    """Read-only mapping chunk id -> Chunk (text empty), plus the chunks of one document."""

    def __init__(self, raw: dict) -> None:
        intern = sys.intern
        self._docs = [tuple(intern(s) for s in d) for d in raw["docs"]]
        self._ids: list[str] = raw["chunk_id"]
        self._row = {cid: i for i, cid in enumerate(self._ids)}
        self._doc = np.asarray(raw["doc"], dtype=np.int32)
        self._section = [intern(s) for s in raw["section"]]
        self._start = np.asarray(raw["start"], dtype=np.int64)
        self._end = np.asarray(raw["end"], dtype=np.int64)
        self._position = np.asarray(raw["position"], dtype=np.int32)
        self._unit0 = np.asarray(raw["unit0"], dtype=np.int64) if "unit0" in raw else None
        self._units = np.asarray(raw["units"], dtype=np.int32) if "units" in raw else None
        self._vec = np.asarray(raw["vec"], dtype=np.int64) if "vec" in raw else None
        self._doc_rows: dict[str, tuple[int, int]] = {}
        for i, d in enumerate(self._doc.tolist()):
            doc_id = self._docs[d][0]
            first, _ = self._doc_rows.get(doc_id, (i, i))
            self._doc_rows[doc_id] = (first, i + 1)

    @classmethod
    def read(cls, path: Path) -> ChunkTable:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
        if isinstance(raw, list):  # a snapshot written before the column format: one record per chunk
            raw = _columns(raw)
        return cls(raw)

    def _chunk(self, i: int) -> Chunk:
        doc_id, source, title = self._docs[self._doc[i]]
        return Chunk(
            chunk_id=self._ids[i],
            doc_id=doc_id,
            source=source,
            title=title,
            section=self._section[i],
            text="",
            start=int(self._start[i]),
            end=int(self._end[i]),
            position=int(self._position[i]),
        )

    def __getitem__(self, chunk_id: str) -> Chunk:
        return self._chunk(self._row[chunk_id])

    def get(self, chunk_id: str) -> Chunk | None:
        i = self._row.get(chunk_id)
        return None if i is None else self._chunk(i)

    def unit_rows(self, chunk_id: str) -> tuple[int, int] | None:
        """(first row, count) of the chunk's answer-unit vectors; None in a snapshot without them."""
        i = self._row.get(chunk_id)
        if i is None or self._unit0 is None or self._units is None:
            return None
        return int(self._unit0[i]), int(self._units[i])

    def vector_row(self, chunk_id: str) -> int | None:
        """The row of the chunk's own vector among the snapshot's chunk vectors."""
        i = self._row.get(chunk_id)
        return None if i is None or self._vec is None else int(self._vec[i])

    def vector_rows(self) -> tuple[np.ndarray, list[str]] | None:
        """Every chunk's vector row and its id, in table order; None in a snapshot without them."""
        return None if self._vec is None else (self._vec, self._ids)

    def __contains__(self, chunk_id: object) -> bool:
        return chunk_id in self._row

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def values(self) -> Iterator[Chunk]:
        return (self._chunk(i) for i in range(len(self._ids)))

    def in_doc(self, doc_id: str) -> list[Chunk]:
        first, end = self._doc_rows.get(doc_id, (0, 0))
        return [self._chunk(i) for i in range(first, end)]

    def at(self, doc_id: str, offset: int) -> Chunk | None:
        """The chunk of a document that contains a character offset (for citing extracted facts)."""
        first, end = self._doc_rows.get(doc_id, (0, 0))
        inside = (self._start[first:end] <= offset) & (offset < self._end[first:end])
        hits = np.flatnonzero(inside)
        return self._chunk(first + int(hits[0])) if len(hits) else None


def _columns(records: list[dict]) -> dict:
    docs: dict[str, int] = {}
    out: dict = {"docs": [], "chunk_id": [], "doc": [], "section": [], "start": [], "end": [], "position": []}
    for r in records:
        if r["doc_id"] not in docs:
            docs[r["doc_id"]] = len(out["docs"])
            out["docs"].append([r["doc_id"], r["source"], r["title"]])
        out["doc"].append(docs[r["doc_id"]])
        for key in ("chunk_id", "section", "start", "end", "position"):
            out[key].append(r[key])
    return out
