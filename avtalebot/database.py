"""The shared state's database: SQLite in the data dir (the embedded default) or PostgreSQL
(`AVTALEBOT_DATABASE_URL`, psycopg 3), behind one small connection class.

One schema, two engines: each store writes its SQL once, with `?` placeholders and the subset both
engines speak (`INSERT … ON CONFLICT`, quoted "user"); the few differences (an auto-increment key,
an insertion-order column, how a transaction takes the write lock) are named here. psycopg 3
rather than SQLAlchemy: the stores are a handful of statements, and a second query layer would be
more to learn than the SQL it hides."""

from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from avtalebot.errors import ConfigError, StorageError

_PLACEHOLDER = re.compile(r"\?")


class Database:
    """One connection used under a lock (the stores are shared by a process's threads)."""

    def __init__(self, *, url: str | None = None, path: Path | None = None) -> None:
        self.lock = threading.RLock()
        if url:
            self.dialect = "postgresql"
            self.where = _redacted(url)
            try:
                import psycopg
            except ImportError as exc:
                raise ConfigError(
                    "AVTALEBOT_DATABASE_URL needs the 'postgres' extra (pip install 'avtalebot[postgres]')"
                ) from exc
            self._errors: tuple[type[BaseException], ...] = (psycopg.Error,)
            try:
                self._conn: Any = psycopg.connect(url, autocommit=True, connect_timeout=10)
            except psycopg.Error as exc:
                raise StorageError(f"cannot connect to the database {self.where}: {str(exc).strip()[:200]}") from exc
        else:
            assert path is not None
            self.dialect = "sqlite"
            self.where = str(path)
            self._errors = (sqlite3.Error,)
            path.parent.mkdir(parents=True, exist_ok=True)
            # autocommit (isolation_level None): transactions are only the ones `transaction` opens
            self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        return self._errors

    def sql(self, statement: str) -> str:
        """A statement in this engine's words: placeholders, and the named differences."""
        if self.dialect == "sqlite":
            return statement.replace("{serial}", "INTEGER PRIMARY KEY AUTOINCREMENT").replace("{real}", "REAL")
        statement = statement.replace("{serial}", "BIGSERIAL PRIMARY KEY").replace("{real}", "DOUBLE PRECISION")
        return _PLACEHOLDER.sub("%s", statement.replace("%", "%%"))

    def execute(self, statement: str, params: tuple | list = ()) -> Any:
        with self.lock:
            return self._conn.execute(self.sql(statement), tuple(params))

    def executemany(self, statement: str, rows: list[tuple]) -> None:
        with self.lock:
            if self.dialect == "sqlite":
                self._conn.executemany(self.sql(statement), rows)
            else:
                with self._conn.cursor() as cur:
                    cur.executemany(self.sql(statement), rows)

    def script(self, statements: str) -> None:
        """Several `;`-separated statements (the schema)."""
        for one in (s.strip() for s in statements.split(";")):
            if one:
                self.execute(one)

    def columns(self, table: str) -> set[str]:
        if self.dialect == "sqlite":
            return {row[1] for row in self.execute(f"PRAGMA table_info({table})")}
        rows = self.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", (table,))
        return {r[0] for r in rows}

    @contextmanager
    def transaction(self, *, exclusive: str = ""):
        """One write transaction. exclusive names a lock that only one process holds at a time
        until it commits (SQLite: the database's write lock; PostgreSQL: an advisory lock)."""
        with self.lock:
            if self.dialect == "sqlite":
                self._conn.execute("BEGIN IMMEDIATE" if exclusive else "BEGIN")
                try:
                    yield self
                except BaseException:
                    self._conn.execute("ROLLBACK")
                    raise
                self._conn.execute("COMMIT")
                return
            with self._conn.transaction():
                if exclusive:
                    self._conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (exclusive,))
                yield self

    def close(self) -> None:
        with self.lock:
            self._conn.close()


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
