"""BM25 keyword index (bm25s) over Norwegian-Snowball-stemmed terms, persisted with a snapshot."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np

from avtalebot.text import content_terms


class KeywordIndex:
    """BM25 over chunk texts; also exposes IDF so evidence selection weighs terms the same way."""

    def __init__(self, retriever, ids: list[str], df: dict[str, int]) -> None:
        self._retriever = retriever
        self.ids = ids
        self._df = df
        self._n = len(ids)

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> KeywordIndex:
        import bm25s

        if not texts:
            return cls(None, [], {})
        tokens = [content_terms(t) or ["∅"] for t in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(tokens, show_progress=False)
        df = Counter(term for toks in tokens for term in set(toks))
        return cls(retriever, ids, dict(df))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(directory), show_progress=False)
        (directory / "ids.json").write_text(json.dumps({"ids": self.ids, "df": self._df}))

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex:
        import bm25s

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
        docs, scores = self._retriever.retrieve([terms], k=k, show_progress=False, n_threads=1)
        out = []
        for idx, score in zip(np.asarray(docs)[0], np.asarray(scores)[0], strict=True):
            if score > 0:
                out.append((self.ids[int(idx)], float(score)))
        return out
