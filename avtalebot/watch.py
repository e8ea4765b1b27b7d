"""Keep the index in step with a folder: by filesystem events (watchfiles), or by polling.

Events make a new agreement answerable seconds after it is copied, where a 10 s poll took ≈ 25 s.
A change is synced once the folder has been quiet for `quiet_s` (a file still being copied sends
events until it is whole, so it is read once, whole). Network shares send no events: `poll`
keeps the loop that looks every `interval_s`. Either way a failure is printed once per version of
the file (its size and time), not at every look."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from avtalebot.errors import AvtalebotError
from avtalebot.sync import Syncer, SyncReport

QUIET_S = 0.3  # the folder holds still this long before a sync reads it
_LONGEST_WAIT_MS = 60_000  # a folder that never holds still is synced at least this often


class FailureLog:
    """Which failures have been shown, per file version: a bad file is reported when it first
    fails and again only when it has changed (and fails anew)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._shown: set[tuple[str, str, tuple[int, int] | None]] = set()

    def new(self, failed: list[tuple[str, str]]) -> list[tuple[str, str]]:
        keys = {(name, why, self._version(name)) for name, why in failed}
        fresh = [(name, why) for name, why in failed if (name, why, self._version(name)) not in self._shown]
        self._shown = keys  # a file that recovered and fails again later is news again
        return fresh

    def _version(self, name: str) -> tuple[int, int] | None:
        try:
            st = os.stat(self._root / name) if self._root.is_dir() else os.stat(self._root)
        except (OSError, ValueError):
            return None
        return st.st_size, st.st_mtime_ns


def changes_by_events(path: Path, quiet_s: float, stop: threading.Event) -> Iterator[set]:
    """One set of changes each time the folder has been quiet for quiet_s after changing."""
    try:
        from watchfiles import watch
    except ImportError as exc:  # a core dependency; said plainly if an install lost it
        raise AvtalebotError("watching by events needs the 'watchfiles' package (or use --poll)") from exc
    yield from watch(
        path,
        step=max(int(quiet_s * 1000), 50),
        debounce=_LONGEST_WAIT_MS,
        stop_event=stop,
        recursive=True,
        raise_interrupt=False,
    )


def changes_by_polling(interval_s: float, stop: threading.Event) -> Iterator[set]:
    while not stop.wait(interval_s):
        yield set()


def watch_folder(
    syncer: Syncer,
    path: Path,
    *,
    poll: bool,
    interval_s: float,
    quiet_s: float = QUIET_S,
    show: Callable[[SyncReport, list[tuple[str, str]]], None],
    err: TextIO = sys.stderr,
    stop: threading.Event | None = None,
) -> None:
    """Sync now, then after every change (or every interval_s with poll) until stop is set; a sync
    that changed something or has a new failure is shown."""
    stop = stop or threading.Event()
    failures = FailureLog(path)
    how = f"every {interval_s:g} s" if poll else "for changes"
    print(f"watching {path} {how} (Ctrl-C to stop)", file=err, flush=True)
    changes = changes_by_polling(interval_s, stop) if poll else changes_by_events(path, quiet_s, stop)
    _sync_and_show(syncer, path, failures, show, err)
    print("index up to date; waiting for changes", file=err, flush=True)
    for _ in changes:
        if stop.is_set():
            break
        _sync_and_show(syncer, path, failures, show, err)


def _sync_and_show(syncer: Syncer, path: Path, failures: FailureLog, show, err: TextIO) -> None:
    t0 = time.perf_counter()
    try:
        report = syncer.sync([path], wait=True)
    except AvtalebotError as exc:  # e.g. the folder is empty (unmounted): keep watching, change nothing
        print(f"avtalebot: {exc}", file=err, flush=True)
        return
    fresh = failures.new(report.failed)
    if report.added or report.changed or report.removed or fresh:
        show(report, fresh)
        print(f"  (synced in {time.perf_counter() - t0:.2f} s)", file=err, flush=True)
