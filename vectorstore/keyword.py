"""BM25 keyword index (bm25s) over Norwegian-Snowball-stemmed terms, persisted with a snapshot."""

from __future__ import annotations

import json
import logging
import math
from array import array
from collections import Counter
from pathlib import Path

import numpy as np

from ingest.text import content_terms


def _bm25s():
    """bm25s, imported on first use; it sets its own logger to DEBUG on import, which would print
    "Building index from IDs" on every ingest: its level is put back to WARNING here."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


class KeywordIndex:
    """BM25 over chunk texts; also exposes IDF so evidence selection weighs terms the same way."""

    def __init__(self, retriever, ids: list[str], df: dict[str, int]) -> None:
        self._retriever = retriever
        self.ids = ids
        self._df = df
        self._n = len(ids)

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> KeywordIndex:
        builder = KeywordBuilder()
        for chunk_id, text in zip(ids, texts, strict=True):
            builder.add(chunk_id, text)
        return builder.build()

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(directory), show_progress=False)
        (directory / "ids.json").write_text(json.dumps({"ids": self.ids, "df": self._df}))

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex:
        bm25s = _bm25s()
        meta = json.loads((directory / "ids.json").read_text())
        if not meta["ids"]:
            return cls(None, [], {})
        retriever = bm25s.BM25.load(str(directory), mmap=False, show_progress=False)
        return cls(retriever, meta["ids"], meta["df"])

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))

    def known(self, term: str) -> bool:
        return term in self._df

    def search(self, query_terms: list[str], k: int) -> list[tuple[str, float]]:
        terms = [t for t in query_terms if t in self._df]
        if not terms or not self.ids:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._retriever.retrieve([terms], k=k, show_progress=False, n_threads=0)  # 1 starts a thread pool per query
        out = []
        for idx, score in zip(np.asarray(docs)[0], np.asarray(scores)[0], strict=True):
            if score > 0:
                out.append((self.ids[int(idx)], float(score)))
        return out


class KeywordBuilder:
    """Collects chunks one at a time as compact arrays of term ids (4 bytes per token, not a string),
    so a 100k-chunk build never holds every chunk's token strings at once."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._docs: list[array] = []
        self._vocab: dict[str, int] = {}

    def add(self, chunk_id: str, text: str) -> None:
        vocab = self._vocab
        self.ids.append(chunk_id)
        terms = content_terms(text) or ["∅"]
        self._docs.append(array("i", [vocab.setdefault(t, len(vocab)) for t in terms]))

    def build(self) -> KeywordIndex:
        bm25s = _bm25s()
        if not self.ids:
            return KeywordIndex(None, [], {})
        term_of = {i: t for t, i in self._vocab.items()}
        df = Counter(term_of[i] for doc in self._docs for i in set(doc))
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index((self._docs, self._vocab), show_progress=False)
        self._docs = []
        return KeywordIndex(retriever, self.ids, dict(df))
