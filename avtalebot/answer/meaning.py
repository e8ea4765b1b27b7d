"""The meaning features of features.py: the question's e5 similarity to each candidate's unit, to
its whole chunk as retrieval embedded it, and the best of its neighbours and of its group (chunk,
document)."""

from __future__ import annotations

import numpy as np

from avtalebot.answer.candidates import Candidate
from vectorstore.index import LoadedIndex


def group_max(values: np.ndarray, keys: list[str]) -> np.ndarray:
    best: dict[str, float] = {}
    for k, v in zip(keys, values, strict=True):
        best[k] = max(best.get(k, -1.0), float(v))
    return np.asarray([best[k] for k in keys])


def unit_dense(cands: list[Candidate], index: LoadedIndex, qvec: np.ndarray) -> np.ndarray:
    """Similarity of the question to each candidate's unit (a fact: the unit it was taken from)."""
    rows = [c.row for c in cands if c.row is not None]
    out = np.zeros(len(cands))
    if rows and index.units is not None:
        sims = index.units.similarities_at(np.asarray(rows), qvec)
        out[[i for i, c in enumerate(cands) if c.row is not None]] = sims
    return out


def chunk_dense(cands: list[Candidate], index: LoadedIndex, qvec: np.ndarray) -> np.ndarray:
    """Similarity of the question to each candidate's whole chunk (as retrieval embedded it)."""
    ids = list(dict.fromkeys(c.chunk.chunk_id for c in cands))
    rows = [index.chunks.vector_row(i) for i in ids]
    if index.chunk_vectors is None or any(r is None or r < 0 for r in rows):
        return np.zeros(len(cands))
    sims = dict(zip(ids, index.chunk_vectors.similarities_at(np.asarray(rows), qvec), strict=True))
    return np.asarray([sims[c.chunk.chunk_id] for c in cands])


def neighbour_dense(cands: list[Candidate], dense: np.ndarray) -> np.ndarray:
    """The best similarity among a unit's neighbours in its chunk (a terse answer's context)."""
    out = dense.copy()
    for i, c in enumerate(cands):
        if c.kind == "fact":
            continue
        near = [
            dense[j]
            for j in (i - 1, i + 1)
            if 0 <= j < len(cands) and cands[j].kind != "fact" and cands[j].chunk.chunk_id == c.chunk.chunk_id
        ]
        out[i] = max(near, default=dense[i])
    return out
