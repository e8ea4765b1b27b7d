"""Exactly-once answering: remember event ids and (channel, ts) pairs for a while."""

from __future__ import annotations

import threading
import time


class Deduper:
    """Thread-safe check-and-remember; a retried or doubled delivery is seen as already handled."""

    def __init__(self, ttl_s: float = 3600.0, max_items: int = 100_000) -> None:
        self._ttl = ttl_s
        self._max = max_items
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, *keys: str) -> bool:
        """True if none of the keys was seen before; all keys are remembered either way."""
        now = time.monotonic()
        keys = tuple(k for k in keys if k)
        with self._lock:
            if len(self._seen) > self._max:
                self._seen = {k: t for k, t in self._seen.items() if now - t < self._ttl}
            fresh = all(now - self._seen.get(k, -1e18) >= self._ttl for k in keys)
            for k in keys:
                self._seen[k] = now
            return fresh
