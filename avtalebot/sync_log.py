"""The latest reindex's summary, kept next to the index for the review site's documents page."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

LAST_SYNC = "last_sync.json"


def keep_last(path: Path, record: dict) -> None:
    """Written atomically; failing to write it never fails the sync it describes."""
    try:
        tmp = path.with_suffix(".tmp")
        record = record | {"finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def read_last_sync(root: Path) -> dict | None:
    try:
        return json.loads((root / LAST_SYNC).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
