"""Snapshot files checked against what was written: sizes and SHA-256 digests in the manifest.

A snapshot file cut in half (a full disk, a bad copy, a restore) used to surface as a raw
ValueError, JSONDecodeError or DatabaseError from deep inside a reader. The manifest now records
every file's size and digest when the snapshot is built; loading compares them first and names the
damaged file. Chroma's own files are left out (Chroma writes to them when it opens them); its
vector count is checked against the chunk table instead."""

from __future__ import annotations

import hashlib
from pathlib import Path

_SKIP_DIRS = {"chroma"}
_SKIP_FILES = {"manifest.json", "docs.json"}  # they hold the digests
DIGEST_UP_TO = 64 * 1024 * 1024  # larger files (unit vectors of huge corpora): size only


def checksums(folder: Path) -> dict[str, list]:
    """{relative path: [size, sha256 or '']} for every file of a snapshot being built."""
    out: dict[str, list] = {}
    for f in sorted(folder.rglob("*")):
        rel = f.relative_to(folder)
        if not f.is_file() or rel.parts[0] in _SKIP_DIRS or rel.as_posix() in _SKIP_FILES:
            continue
        size = f.stat().st_size
        out[rel.as_posix()] = [size, _digest(f) if size <= DIGEST_UP_TO else ""]
    return out


def problems(folder: Path, expected: dict[str, list] | None) -> list[str]:
    """What does not match (empty when all is well, or when the snapshot predates digests)."""
    found = []
    for rel, (size, digest) in (expected or {}).items():
        f = folder / rel
        if not f.is_file():
            found.append(f"{rel} is missing")
        elif f.stat().st_size != size:
            found.append(f"{rel} is {f.stat().st_size} bytes, not {size}")
        elif digest and _digest(f) != digest:
            found.append(f"{rel} does not match its checksum")
    return found


def sqlite_verdict(path: Path) -> str:
    """SQLite's own quick check, read-only: 'ok', or what is wrong with the file."""
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)


def database_problems(folder: Path) -> list[str]:
    """Chroma's database has no digest (Chroma writes to it): SQLite's quick check instead, so a cut
    or overwritten file is found before Chroma trips over it."""
    found = []
    for f in sorted((folder / "chroma").glob("*.sqlite3")) if (folder / "chroma").is_dir() else []:
        verdict = sqlite_verdict(f)
        if verdict != "ok":
            found.append(f"{f.relative_to(folder).as_posix()}: {verdict[:80]}")
    return found


def _digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
