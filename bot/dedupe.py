"""Exactly-once answering: remember event ids and (channel, ts) pairs for a while.

Kept in SQLite in the data dir (`deliveries.sqlite`) when given a path, or in the shared PostgreSQL
database (AVTALEBOT_DATABASE_URL), so a restart during Slack's retries, or a second bot process,
does not answer a delivery twice: the check and the remembering are one write transaction, which
only one process can hold at a time. Without either (tests, one-off tools) the log lives in memory."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from avtalebot.database import Database


class Deduper:
    """Thread-safe check-and-remember; a retried or doubled delivery is seen as already handled."""

    def __init__(
        self, ttl_s: float = 3600.0, max_items: int = 100_000, path: Path | None = None, database_url: str | None = None
    ) -> None:
        self._ttl = ttl_s
        self._max = max_items
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._db: Database | None = None
        if path is not None or database_url:
            self._db = Database(url=database_url, path=path)
            with self._db.transaction(exclusive="avtalebot-schema"):  # replicas start at once
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS deliveries (key TEXT PRIMARY KEY, seen_at {real} NOT NULL)"
                )

    def first_time(self, *keys: str) -> bool:
        """True if none of the keys was seen before; all keys are remembered either way."""
        keys = tuple(k for k in keys if k)
        if self._db is not None:
            return self._first_time_stored(keys)
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > self._max:
                self._seen = {k: t for k, t in self._seen.items() if now - t < self._ttl}
            fresh = all(now - self._seen.get(k, -1e18) >= self._ttl for k in keys)
            for k in keys:
                self._seen[k] = now
            return fresh

    def _first_time_stored(self, keys: tuple[str, ...]) -> bool:
        """The check and the remembering in one transaction under a lock only one process holds:
        of two processes given the same delivery (or its retry), exactly one sees it first."""
        assert self._db is not None
        now = time.time()  # wall clock: it must mean the same after a restart
        if not keys:
            return True
        with self._db.transaction(exclusive="avtalebot-deliveries"):
            marks = ",".join("?" * len(keys))
            seen = self._db.execute(
                f"SELECT COUNT(*) FROM deliveries WHERE key IN ({marks}) AND seen_at > ?", (*keys, now - self._ttl)
            ).fetchone()[0]
            self._db.executemany(
                "INSERT INTO deliveries (key, seen_at) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET seen_at = excluded.seen_at",
                [(k, now) for k in keys],
            )
            if int(now) % 97 == 0:  # now and then, forget what is past the window
                self._db.execute("DELETE FROM deliveries WHERE seen_at <= ?", (now - self._ttl,))
        return seen == 0


class RateLimit:
    """At most `per_window` answers per user within `window_s`; the first refusal in a window is
    reported (so the user is told once), the rest are quiet."""

    def __init__(self, per_window: int = 10, window_s: float = 60.0) -> None:
        self._per, self._window = per_window, window_s
        self._times: dict[str, list[float]] = {}
        self._told: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, user: str, now: float | None = None) -> str:
        """'ok', 'limited' (tell the user) or 'quiet' (limited, already told)."""
        if not user or self._per <= 0:
            return "ok"
        now = time.monotonic() if now is None else now
        with self._lock:
            times = [t for t in self._times.get(user, []) if now - t < self._window]
            if len(times) < self._per:
                self._times[user] = [*times, now]
                return "ok"
            self._times[user] = times
            if now - self._told.get(user, -1e18) >= self._window:
                self._told[user] = now
                return "limited"
            return "quiet"
