"""Vectors of every answer unit of a snapshot, int8 in a memory-mapped file.

A snapshot has a few units per chunk; as float32 in the bot they would outweigh everything else it
holds (docs/operations.md). int8 is a quarter of that, on disk, and only the rows a question touches (the units of its candidate
chunks, stored next to each other) are read, a run of neighbouring rows at a time with positional
reads. Not memory-mapped: every page a map has touched counts in the bot's resident memory, and over
a few hundred questions that grew the 100k bench's serve process by the size of the file (the
operating system still caches the file; that cache is not the bot's). Each row is scaled to use the
int8 range; the scale need not be kept, since a cosine does not depend on a row's length.
"""

from __future__ import annotations

import json
import os
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
        path = directory / "vectors.i8"
        self._fd: int | None = os.open(path, os.O_RDONLY) if self.count else None
        if self._fd is not None and os.fstat(self._fd).st_size != self.count * self.dim:
            os.close(self._fd)
            self._fd = None
            raise ValueError(f"{path} does not hold {self.count} rows of {self.dim} bytes")

    @classmethod
    def open(cls, directory: Path) -> UnitVectors | None:
        return cls(directory) if (directory / "meta.json").exists() else None

    def close(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)
            self._fd = None

    def __del__(self) -> None:  # a replaced snapshot's reader lets go of its file
        self.close()

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """The int8 rows asked for, in the order asked; each run of neighbouring rows is one read."""
        rows = np.asarray(rows, dtype=np.int64)
        if self._fd is None:
            raise IndexError("no unit vectors")
        if len(rows) and (rows.min() < 0 or rows.max() >= self.count):
            raise IndexError(f"row out of range 0..{self.count - 1}")
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        out = np.empty((len(rows), self.dim), dtype=np.int8)
        cuts = np.flatnonzero(np.diff(ordered) > 1) + 1  # repeated rows stay in one run
        for run in np.split(np.arange(len(rows)), cuts):
            if not len(run):
                continue
            first, last = int(ordered[run[0]]), int(ordered[run[-1]])
            raw = os.pread(self._fd, (last - first + 1) * self.dim, first * self.dim)
            block = np.frombuffer(raw, dtype=np.int8).reshape(-1, self.dim)
            out[order[run]] = block[ordered[run] - first]
        return out

    def similarities_all(self, query: np.ndarray, *, block: int = 4096) -> np.ndarray:
        """Cosine similarity of a unit-length query to every row, read a block of rows at a time so
        that no more than one block is held as floats."""
        out = np.zeros(self.count, dtype=np.float32)
        if self._fd is None:
            return out
        query = np.asarray(query, dtype=np.float32)
        for first in range(0, self.count, block):
            n = min(block, self.count - first)
            raw = os.pread(self._fd, n * self.dim, first * self.dim)
            rows = np.frombuffer(raw, dtype=np.int8).reshape(n, self.dim).astype(np.float32)
            norms = np.linalg.norm(rows, axis=1)
            norms[norms == 0] = 1.0
            out[first : first + n] = (rows @ query) / norms
        return out

    def similarities_at(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of a unit-length query to the given rows."""
        if self._fd is None or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        block = self.rows(rows).astype(np.float32)
        norms = np.linalg.norm(block, axis=1)
        norms[norms == 0] = 1.0
        return (block @ np.asarray(query, dtype=np.float32)) / norms
