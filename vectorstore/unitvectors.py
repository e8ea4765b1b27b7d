"""Vectors of every answer unit of a snapshot, int8 in a memory-mapped file.

At 100k chunks there are about half a million units: as float32 that would be 770 MB in the bot;
int8 is 190 MB on disk, and memory-mapped only the rows a question touches (the units of its
candidate chunks, stored next to each other) are ever read. Each row is scaled to use the int8
range; the scale need not be kept, since a cosine does not depend on a row's length.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

FORMAT = "units-int8/1"


def quantize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(vectors / scale[:, None]).astype(np.int8)


class UnitVectorWriter:
    """Appends rows as they are embedded, a window at a time (no phase holds all of them)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._dir = directory
        self._rows = open(directory / "vectors.i8", "wb")
        self.count = 0
        self.dim = 0

    def add(self, vectors: np.ndarray) -> int:
        """Store rows; returns the index of the first."""
        first = self.count
        if len(vectors):
            q = quantize(vectors)
            self.dim = q.shape[1]
            self._rows.write(q.tobytes())
            self.count += len(q)
        return first

    def close(self) -> None:
        self._rows.close()
        (self._dir / "meta.json").write_text(
            json.dumps({"format": FORMAT, "count": self.count, "dim": self.dim})
        )


class UnitVectors:
    """Read-only rows of a snapshot's unit vectors."""

    def __init__(self, directory: Path) -> None:
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("format") != FORMAT:
            raise ValueError(f"unknown unit vector format {meta.get('format')!r}")
        self.count, self.dim = int(meta["count"]), int(meta["dim"])
        shape = (self.count, self.dim)
        path = directory / "vectors.i8"
        self._rows = np.memmap(path, dtype=np.int8, mode="r", shape=shape) if self.count else None

    @classmethod
    def open(cls, directory: Path) -> UnitVectors | None:
        return cls(directory) if (directory / "meta.json").exists() else None

    def similarities_at(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of a unit-length query to the given rows."""
        if self._rows is None or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        block = np.asarray(self._rows[np.asarray(rows, dtype=np.int64)], dtype=np.float32)
        norms = np.linalg.norm(block, axis=1)
        norms[norms == 0] = 1.0
        return (block @ np.asarray(query, dtype=np.float32)) / norms
