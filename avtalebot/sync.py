"""Make the index match the given files and folders, building a new snapshot only when needed."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from avtalebot.collect import FoundFile, collect
from avtalebot.errors import AvtalebotError, EmbedderMismatchError
from avtalebot.settings import Settings
from avtalebot.text import split_sentences
from avtalebot.types import Chunk
from ingest.loaders import loader_for
from ingest.pipeline import parse_bytes
from vectorstore.cache import EmbeddingCache
from vectorstore.embedders import NamedEmbeddings
from vectorstore.index import build_snapshot, drop_snapshot_data, read_manifest
from vectorstore.snapshots import (
    Layout,
    ingest_lock,
    list_snapshots,
    read_pointer,
    stale_builds,
    write_pointer,
)

Progress = Callable[[str, int, int], None]
KEEP_SNAPSHOTS = 3


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (name, same content as)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    changes: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    snapshot_id: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {"ok": self.ok}


def _record(doc, found: FoundFile, aliases: list[str]) -> dict:
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "path": str(found.path),
        "root": found.root,
        "title": doc.title,
        "text": doc.text,
        "content_hash": doc.content_hash,
        "size": found.size,
        "mtime_ns": found.mtime_ns,
        "meta": doc.meta.to_dict(),
        "aliases": aliases,
        "indexed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "warnings": doc.warnings,
    }


def passage_diff(old_text: str, new_text: str) -> dict[str, list[str]]:
    """Sentences present in only one version: what the new agreement adds and drops."""
    old = [old_text[s:e] for s, e in split_sentences(old_text)]
    new = [new_text[s:e] for s, e in split_sentences(new_text)]
    old_set, new_set = set(old), set(new)
    return {
        "added": [s for s in new if s not in old_set],
        "removed": [s for s in old if s not in new_set],
    }


class Syncer:
    """Owns one data directory's writes: parse changed files, build a snapshot, flip the pointer."""

    def __init__(self, settings: Settings, layout: Layout, embedder: NamedEmbeddings) -> None:
        self._settings = settings
        self._layout = layout
        self._embedder = embedder

    def sync(
        self,
        paths: list[Path],
        *,
        rebuild: bool = False,
        wait: bool = False,
        progress: Progress | None = None,
    ) -> SyncReport:
        t0 = time.perf_counter()
        with ingest_lock(self._layout, wait=wait):
            report = self._sync_locked(paths, rebuild, progress)
        report.seconds = time.perf_counter() - t0
        return report

    def _old_state(self, rebuild: bool) -> tuple[dict[str, dict], dict[str, list[Chunk]]]:
        live = read_pointer(self._layout)
        if live is None or rebuild or live not in list_snapshots(self._layout):
            return {}, {}
        manifest = read_manifest(self._layout, live)
        if manifest["embedder"] != self._embedder.name:
            raise EmbedderMismatchError(
                f"the index was built with '{manifest['embedder']}' but '{self._embedder.name}' is "
                "configured; run `avtalebot ingest --rebuild <folder>` to rebuild it with the new embedder"
            )
        chunks: dict[str, list[Chunk]] = {}
        for c in manifest["chunks"]:
            chunks.setdefault(c["doc_id"], []).append(Chunk(**c))
        return manifest["docs"], chunks

    def _sync_locked(
        self, paths: list[Path], rebuild: bool, progress: Progress | None
    ) -> SyncReport:
        report = SyncReport()
        old_docs, old_chunks = self._old_state(rebuild)
        files, failures, roots = collect(paths)
        report.failed.extend(failures)
        by_source = {d["source"]: d for d in old_docs.values()}
        alias_of = {a: d for d in old_docs.values() for a in d.get("aliases", [])}
        new_docs: dict[str, dict] = {}
        new_chunks: dict[str, list[Chunk]] = {}
        primary_by_hash: dict[str, dict] = {}
        seen_sources: set[str] = set()
        for found in files:
            if progress:
                progress("parse", 1, len(files))
            seen_sources.add(found.source)
            self._one_file(
                found,
                by_source,
                alias_of,
                old_chunks,
                new_docs,
                new_chunks,
                primary_by_hash,
                report,
            )
        for doc_id, rec in old_docs.items():
            if doc_id in new_docs:
                continue
            if rec["root"] and rec["root"] in roots and rec["source"] not in seen_sources:
                report.removed.append(rec["source"])
            else:  # not part of this sync (or failed to re-read): keep it as it was
                new_docs[doc_id] = rec
                new_chunks[doc_id] = old_chunks.get(doc_id, [])
        report.documents = len(new_docs)
        report.chunks = sum(len(v) for v in new_chunks.values())
        dirty = (
            rebuild
            or report.added
            or report.changed
            or report.removed
            or _aliases_changed(old_docs, new_docs)
        )
        first_time = read_pointer(self._layout) is None
        if (dirty and not (first_time and not new_docs)) or (first_time and new_docs):
            self._publish(new_docs, new_chunks, report, progress)
        else:
            report.snapshot_id = read_pointer(self._layout)
        return report

    def _one_file(
        self, found, by_source, alias_of, old_chunks, new_docs, new_chunks, primary_by_hash, report
    ):
        old = by_source.get(found.source)
        if old and old["size"] == found.size and old["mtime_ns"] == found.mtime_ns:
            digest = old["content_hash"]
        else:
            try:
                loader_for(found.path)
                data = found.path.read_bytes()
            except (AvtalebotError, OSError) as exc:
                report.failed.append(
                    (found.source, str(exc) if isinstance(exc, AvtalebotError) else exc.strerror)
                )
                return
            digest = hashlib.sha256(data).hexdigest()
        if digest in primary_by_hash:
            primary = primary_by_hash[digest]
            primary["aliases"] = sorted(set(primary["aliases"]) | {found.source})
            report.duplicates.append((found.source, primary["source"]))
            return
        if old and old["content_hash"] == digest:
            rec = dict(
                old,
                path=str(found.path),
                root=found.root,
                size=found.size,
                mtime_ns=found.mtime_ns,
                aliases=[],
            )
            new_docs[old["doc_id"]] = rec
            new_chunks[old["doc_id"]] = old_chunks.get(old["doc_id"], [])
            primary_by_hash[digest] = rec
            report.unchanged.append(found.source)
            return
        alias_owner = alias_of.get(found.source)
        if (
            alias_owner
            and alias_owner["content_hash"] == digest
            and alias_owner["doc_id"] in new_docs
        ):
            report.unchanged.append(found.source)
            return
        try:
            if found.size > self._settings.max_file_mb * 1e6:
                raise AvtalebotError(
                    f"file is {found.size / 1e6:.1f} MB, over the {self._settings.max_file_mb:g} MB limit "
                    "(AVTALEBOT_MAX_FILE_MB)"
                )
            doc = parse_bytes(data, found.source, str(found.path))
        except AvtalebotError as exc:
            report.failed.append((found.source, str(exc)))
            if old:  # keep the previous version answering rather than losing it
                new_docs[old["doc_id"]] = old
                new_chunks[old["doc_id"]] = old_chunks.get(old["doc_id"], [])
            return
        rec = _record(doc, found, [])
        new_docs[doc.doc_id] = rec
        new_chunks[doc.doc_id] = doc.chunks
        primary_by_hash[digest] = rec
        report.warnings.extend((found.source, w) for w in doc.warnings)
        if old:
            report.changed.append(found.source)
            report.changes[found.source] = passage_diff(old["text"], doc.text)
        else:
            report.added.append(found.source)

    def _publish(self, docs, chunks_by_doc, report: SyncReport, progress: Progress | None) -> None:
        chunks = [c for doc_id in sorted(chunks_by_doc) for c in chunks_by_doc[doc_id]]
        cache = EmbeddingCache(self._layout.cache)
        try:
            stats = build_snapshot(
                self._settings, self._layout, self._embedder, cache, docs, chunks, progress
            )
        finally:
            cache.close()
        write_pointer(self._layout, stats.snapshot_id)
        report.snapshot_id = stats.snapshot_id
        report.embedded = stats.embedded
        self.collect_garbage()

    def collect_garbage(self) -> None:
        for path in stale_builds(self._layout):
            drop_snapshot_data(self._settings, self._layout, path.name)
        live = read_pointer(self._layout)
        for snapshot_id in list_snapshots(self._layout)[:-KEEP_SNAPSHOTS]:
            if snapshot_id != live:
                drop_snapshot_data(self._settings, self._layout, snapshot_id)


def _aliases_changed(old_docs: dict[str, dict], new_docs: dict[str, dict]) -> bool:
    return any(old_docs.get(k, {}).get("aliases") != v.get("aliases") for k, v in new_docs.items())
