"""Cleaned document texts of one snapshot, in SQLite: read on demand instead of held in memory."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path


def write_texts(path: Path, items: Iterable[tuple[str, str]]) -> None:
    db = sqlite3.connect(str(path))
    try:
        db.execute("CREATE TABLE texts (doc_id TEXT PRIMARY KEY, text TEXT NOT NULL)")
        db.executemany("INSERT INTO texts VALUES (?, ?)", items)
        db.commit()
    finally:
        db.close()


class TextStore:
    """Read-only view of a snapshot's texts; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.get = lru_cache(maxsize=256)(self._get)

    def _get(self, doc_id: str) -> str:
        with self._lock:
            row = self._db.execute("SELECT text FROM texts WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else ""

    def close(self) -> None:
        with self._lock:
            self._db.close()
