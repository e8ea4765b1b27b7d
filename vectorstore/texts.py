"""Cleaned document texts and document records of one snapshot, in SQLite: read on demand instead
of held in memory (as Python objects, the records alone were a large share of the bot's memory at
100k chunks; docs/operations.md)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from vectorstore.records import DocRecord


def write_texts(
    path: Path, items: Iterable[tuple[str, str]], records: Iterable[tuple[str, dict]] | None = None
) -> None:
    db = sqlite3.connect(str(path))
    try:
        db.execute("CREATE TABLE texts (doc_id TEXT PRIMARY KEY, text TEXT NOT NULL)")
        db.executemany("INSERT INTO texts VALUES (?, ?)", items)
        if records is not None:
            db.execute("CREATE TABLE docs (doc_id TEXT PRIMARY KEY, record TEXT NOT NULL)")
            db.executemany(
                "INSERT INTO docs VALUES (?, ?)", ((d, json.dumps(r, ensure_ascii=False)) for d, r in records)
            )
        db.commit()
    finally:
        db.close()


class TextStore:
    """Read-only view of a snapshot's texts and document records over one SQLite connection; safe to
    share between threads (one lock serialises the connection)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self.get = lru_cache(maxsize=256)(self._get)

    def rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _get(self, doc_id: str) -> str:
        row = self.rows("SELECT text FROM texts WHERE doc_id=?", (doc_id,))
        return row[0][0] if row else ""

    def has_records(self) -> bool:
        """Whether the store holds the document records (snapshots since they moved here)."""
        return bool(self.rows("SELECT 1 FROM sqlite_master WHERE type='table' AND name='docs'"))

    def records(self) -> DocRecords:
        return DocRecords(self)

    def close(self) -> None:
        with self._lock:
            self._db.close()


class DocRecords(Mapping[str, DocRecord]):
    """Read-only doc id -> document record (a DocRecord), parsed when asked for (the last 256 kept). Iterating
    reads one record at a time, so a pass over every document never holds them all. Reads through
    its TextStore's connection, which closing the store closes."""

    def __init__(self, store: TextStore) -> None:
        self._store = store
        self._ids: tuple[str, ...] = tuple(r[0] for r in store.rows("SELECT doc_id FROM docs ORDER BY rowid"))
        self._known = frozenset(self._ids)
        self._get = lru_cache(maxsize=256)(self._read)

    def _read(self, doc_id: str) -> DocRecord | None:
        row = self._store.rows("SELECT record FROM docs WHERE doc_id=?", (doc_id,))
        return DocRecord.from_dict(json.loads(row[0][0])) if row else None

    def __getitem__(self, doc_id: str) -> DocRecord:
        record = self._get(doc_id)
        if record is None:
            raise KeyError(doc_id)
        return record

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
