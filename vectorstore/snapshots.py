"""Immutable index snapshots in versioned directories, switched by an atomic pointer.

data_dir/
  CURRENT                  id of the live snapshot (replaced with os.replace)
  snapshots/<id>/          docs.json, chunks.json, texts.sqlite, bm25/, chroma/ (embedded mode)
  cache/embeddings.sqlite  vectors by content hash
  ingest.lock              held by the one running reindex

A reader (the bot) opens a snapshot once and never sees it change; a writer builds the next
snapshot beside it and flips CURRENT. A killed writer leaves only a *.building directory behind.
"""

from __future__ import annotations

import calendar
import fcntl
import json
import os
import secrets
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vectorstore.errors import IndexBusyError, IndexNotFoundError


@dataclass(frozen=True)
class Layout:
    root: Path
    cache_root: Path | None = None  # where the embedding cache lives, when shared by several indexes

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def cache(self) -> Path:
        return (self.cache_root or self.root / "cache") / "embeddings.sqlite"

    @property
    def lock(self) -> Path:
        return self.root / "ingest.lock"

    def snapshot(self, snapshot_id: str) -> Path:
        return self.snapshots / snapshot_id


def new_snapshot_id() -> str:
    """Sortable by creation time (nanoseconds), unique across processes."""
    ns = time.time_ns()
    return (
        time.strftime("%Y%m%dT%H%M%S", time.gmtime(ns // 1_000_000_000))
        + f"{ns % 1_000_000_000:09d}-{secrets.token_hex(3)}"
    )


def snapshot_time_ns(snapshot_id: str) -> int:
    """Creation time encoded in a snapshot id (see new_snapshot_id)."""
    stamp, ns = snapshot_id[:15], snapshot_id[15:24]
    return int(calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%S"))) * 1_000_000_000 + int(ns or 0)


def collection_name(snapshot_id: str) -> str:

    return "avtalebot_" + snapshot_id.replace("T", "t")


def read_pointer(layout: Layout) -> str | None:
    try:
        value = layout.pointer.read_text().strip()
    except FileNotFoundError:
        return None
    return value or None


def require_pointer(layout: Layout) -> str:
    snapshot_id = read_pointer(layout)
    if snapshot_id is None or not (layout.snapshot(snapshot_id) / "docs.json").exists():
        raise IndexNotFoundError(
            f"no index in {layout.root}: run `avtalebot ingest <folder>` first (or set AVTALEBOT_DATA_DIR)"
        )
    return snapshot_id


def _fsync_dir(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_pointer(layout: Layout, snapshot_id: str) -> None:
    """Flip CURRENT atomically: readers see the old id or the new one, never a torn file."""
    tmp = layout.root / f".CURRENT.{os.getpid()}.tmp"
    with open(tmp, "w") as fh:
        fh.write(snapshot_id + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, layout.pointer)
    _fsync_dir(layout.root)


def write_json_atomic(path: Path, data: object) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def finish_snapshot(layout: Layout, building: Path, snapshot_id: str) -> Path:
    final = layout.snapshot(snapshot_id)
    os.replace(building, final)
    _fsync_dir(layout.snapshots)
    return final


def list_snapshots(layout: Layout) -> list[str]:
    if not layout.snapshots.exists():
        return []
    return sorted(
        p.name for p in layout.snapshots.iterdir() if p.is_dir() and not p.name.endswith(".building")
    )


def stale_builds(layout: Layout) -> list[Path]:
    if not layout.snapshots.exists():
        return []
    return [p for p in layout.snapshots.iterdir() if p.name.endswith(".building")]


@contextmanager
def ingest_lock(layout: Layout, wait: bool = False):
    """One reindex at a time per data directory; others wait or are refused with a clear message."""
    layout.root.mkdir(parents=True, exist_ok=True)
    fh = open(layout.lock, "a+")
    try:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(fh.fileno(), flags)
        except BlockingIOError as exc:
            raise IndexBusyError(
                f"another reindex is running on {layout.root}; try again when it has finished "
                "(or pass --wait)"
            ) from exc
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        yield
    finally:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        finally:
            fh.close()
