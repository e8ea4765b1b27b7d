"""Make the index match the given files and folders, building a new snapshot only when needed."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from avtalebot.collect import FoundFile, collect
from avtalebot.errors import (
    AvtalebotError,
    EmbedderMismatchError,
    IndexCorruptError,
    InputError,
    StorageError,
)
from avtalebot.settings import Settings
from avtalebot.sync_log import LAST_SYNC, keep_last
from avtalebot.types import Chunk, ParsedDocument
from ingest.loaders import loader_for
from ingest.pipeline import PARSER_VERSION, read_settled
from ingest.text import split_sentences
from ingest.units import unit_texts
from ingest.worker import ParseWorker
from vectorstore.cache import EmbeddingCache
from vectorstore.chunktable import ChunkTable
from vectorstore.embedders import NamedEmbeddings
from vectorstore.index import build_snapshot, drop_snapshot_data, verify_snapshot
from vectorstore.reader import read_chunk_table, read_manifest
from vectorstore.snapshots import (
    Layout,
    ingest_lock,
    list_snapshots,
    read_pointer,
    snapshot_time_ns,
    stale_builds,
    write_pointer,
)
from vectorstore.texts import TextStore

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
_UNWRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}
KEEP_SNAPSHOTS = 3


def failpoint(name: str) -> None:
    """Crash-test hook: with AVTALEBOT_FAILPOINT=<name> the process stops here so a test can kill -9 it."""
    if os.environ.get("AVTALEBOT_FAILPOINT") == name:
        print(f"FAILPOINT {name}", file=sys.stderr, flush=True)
        time.sleep(3600)


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
    units: int = 0  # answer units indexed (each with its own vector)
    units_embedded: int = 0
    units_seconds: float = 0.0  # time spent embedding answer units
    snapshot_id: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__} | {"ok": self.ok}


def passage_diff(old_text: str, new_text: str) -> dict[str, list[str]]:
    """Sentences present in only one version: what the new agreement adds and drops."""
    old = [old_text[s:e] for s, e in split_sentences(old_text)]
    new = [new_text[s:e] for s, e in split_sentences(new_text)]
    old_set, new_set = set(old), set(new)
    return {
        "added": [s for s in new if s not in old_set],
        "removed": [s for s in old if s not in new_set],
    }


def _record(doc: ParsedDocument, found: FoundFile) -> dict:
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "path": str(found.path),
        "root": found.root,
        "title": doc.title,
        "content_hash": doc.content_hash,
        "size": found.size,
        "mtime_ns": found.mtime_ns,
        "meta": doc.meta.to_dict(),
        "aliases": [],
        "chunk_count": len(doc.chunks),
        "indexed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "warnings": doc.warnings,
    }


class _State:
    """The live snapshot (read lazily: chunks and texts only when a new snapshot is built) and the next one."""

    def __init__(
        self, layout: Layout, live: str | None, old_docs: dict[str, dict], reparse: bool = False
    ) -> None:
        self.layout, self.live, self.old_docs = layout, live, old_docs
        self.reparse = reparse  # the live snapshot was parsed by another version: parse files again
        self.new_docs: dict[str, dict] = {}
        self.fresh_chunks: dict[str, list[Chunk]] = {}
        self.fresh_texts: dict[str, bytes] = {}  # UTF-8: half the size of a str with "–" or "’" in it

    @cached_property
    def old_chunks(self) -> ChunkTable | None:
        return read_chunk_table(self.layout, self.live) if self.live else None

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        if doc_id in self.fresh_chunks:
            return self.fresh_chunks[doc_id]
        return self.old_chunks.in_doc(doc_id) if self.old_chunks else []

    @cached_property
    def old_texts(self) -> TextStore | None:
        return TextStore(self.layout.snapshot(self.live) / "texts.sqlite") if self.live else None

    def old_text(self, doc_id: str) -> str:
        return self.old_texts.get(doc_id) if self.old_texts else ""

    def keep(self, rec: dict) -> None:
        self.new_docs[rec["doc_id"]] = rec

    def add(self, rec: dict, doc: ParsedDocument) -> None:
        self.new_docs[rec["doc_id"]] = rec
        # held without text until the build cuts it from the document text: half the memory at 100k
        self.fresh_chunks[rec["doc_id"]] = [replace(c, text="") for c in doc.chunks]
        self.fresh_texts[rec["doc_id"]] = doc.text.encode("utf-8")

    def chunks(self) -> list[Chunk]:
        return [c for d in sorted(self.new_docs) for c in self.chunks_of(d)]

    def text_of(self, doc_id: str) -> str:
        fresh = self.fresh_texts.get(doc_id)
        return fresh.decode("utf-8") if fresh is not None else self.old_text(doc_id)

    def close(self) -> None:
        if "old_texts" in self.__dict__ and self.old_texts:
            self.old_texts.close()


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
        allow_removals: bool = False,
    ) -> SyncReport:
        """Make the index match the files and folders. A sync that would remove every indexed
        document, or more than half of them (an empty or unmounted folder), is refused unless
        allow_removals."""
        t0 = time.perf_counter()
        try:
            with ingest_lock(self._layout, wait=wait):
                for path in stale_builds(self._layout):  # left by a reindex that was killed
                    drop_snapshot_data(self._settings.store(), self._layout, path.name)
                state = self._state(rebuild)
                self._parser = ParseWorker(
                    seconds=self._settings.parse_timeout_s, memory_mb=self._settings.parse_memory_mb
                )
                try:
                    report = self._sync_locked(paths, rebuild, progress, state, allow_removals)
                finally:
                    self._parser.close()
                    state.close()
            report.seconds = time.perf_counter() - t0
            keep_last(self._layout.root / LAST_SYNC, report.to_dict())
        except OSError as exc:  # the corpus files' own errors are reported per file; these are the data dir's
            if exc.errno not in _UNWRITABLE:
                raise
            raise StorageError(
                f"cannot write to the data dir {self._layout.root} ({exc.strerror}: {exc.filename}): "
                "make it writable for this user, free space, or set AVTALEBOT_DATA_DIR to another folder; "
                "the index in force is unchanged"
            ) from exc
        return report

    def _state(self, rebuild: bool) -> _State:
        live = read_pointer(self._layout)
        if live is None or live not in list_snapshots(self._layout):
            return _State(self._layout, None, {})
        try:
            verify_snapshot(self._layout, live)
            manifest = read_manifest(self._layout, live)
        except (IndexCorruptError, OSError, ValueError) as exc:
            # a damaged live snapshot is not built on: every file is read again (embeddings are cached)
            log.warning("%s: rebuilding from the files", exc)
            return _State(self._layout, None, {})
        if manifest["embedder"] != self._embedder.name and not rebuild:
            raise EmbedderMismatchError(
                f"the index was built with '{manifest['embedder']}' but '{self._embedder.name}' is "
                "configured; run `avtalebot ingest --rebuild <folder>` to rebuild it with the new embedder"
            )
        reparse = manifest.get("parser") != PARSER_VERSION
        return _State(self._layout, live, {} if rebuild else manifest["docs"], reparse)

    def _sync_locked(
        self, paths: list[Path], rebuild: bool, progress: Progress | None, st: _State, allow_removals: bool
    ) -> SyncReport:
        report = SyncReport()
        found_files = collect(paths, follow_links=self._settings.follow_links)
        files, roots = found_files.files, found_files.roots
        report.failed.extend(found_files.failures)
        report.warnings.extend(found_files.warnings)
        by_source = {d["source"]: d for d in st.old_docs.values()}
        read: list[_Read] = []
        for found in files:
            if progress:
                progress("parse", 1, len(files))
            got = self._read(found, by_source.get(found.source), st, report)
            if got is not None:
                read.append(got)
        merged: set[str] = set()  # names whose content is indexed under another name
        for primary, aliases in _by_content(read, by_source):
            merged.update(aliases)
            report.duplicates.extend((a, primary.found.source) for a in aliases)
            self._one_file(primary, by_source.get(primary.found.source), st, report, aliases)
        seen = {found.source for found in files}
        for doc_id, rec in st.old_docs.items():
            if doc_id in st.new_docs or rec["source"] in merged:
                continue
            if rec["root"] and rec["root"] in roots and rec["source"] not in seen:
                report.removed.append(rec["source"])
            else:  # not part of this sync (or failed to re-read): keep it as it was
                st.keep(rec)
        kept_content = {d["content_hash"] for d in st.new_docs.values()}
        lost = [r for r in report.removed if by_source[r]["content_hash"] not in kept_content]  # not renames
        _guard_removals(len(st.old_docs), lost, paths, allow_removals)
        self._report_replacements(st, report)
        report.documents = len(st.new_docs)
        report.chunks = sum(d.get("chunk_count", 0) for d in st.new_docs.values())
        dirty = (
            rebuild
            or st.reparse
            or report.added
            or report.changed
            or report.removed
            or _aliases_changed(st.old_docs, st.new_docs)
        )
        if (dirty and (st.live or st.new_docs)) or (st.live is None and st.new_docs):
            self._publish(st, report, progress)
        else:
            report.snapshot_id = st.live
        return report

    def _read(self, found: FoundFile, old: dict | None, st: _State, report: SyncReport) -> _Read | None:
        """The file's content hash (from the manifest when size and time are unchanged), its bytes
        when they had to be read; None (reported) when it cannot be read."""
        if old and old["size"] == found.size and old["mtime_ns"] == found.mtime_ns and not st.reparse:
            return _Read(found, old["content_hash"], None)
        try:
            loader_for(found.path)
            if found.size > self._settings.max_file_mb * 1e6:
                raise AvtalebotError(
                    f"file is {found.size / 1e6:.1f} MB, over the "
                    f"{self._settings.max_file_mb:g} MB limit (AVTALEBOT_MAX_FILE_MB)"
                )
            data = read_settled(found.path)  # a file still being copied is read again, then reported
        except (AvtalebotError, OSError) as exc:
            reason = str(exc) if isinstance(exc, AvtalebotError) else (exc.strerror or type(exc).__name__)
            report.failed.append((found.source, reason))
            if old:
                st.keep(old)
            return None
        return _Read(found, hashlib.sha256(data).hexdigest(), data)

    def _one_file(
        self, item: _Read, old: dict | None, st: _State, report: SyncReport, aliases: list[str]
    ) -> None:
        found = item.found
        if old and old["content_hash"] == item.digest and not st.reparse:
            rec = dict(old, path=str(found.path), root=found.root, size=found.size, mtime_ns=found.mtime_ns)
            st.keep(rec | {"aliases": aliases})
            report.unchanged.append(found.source)
            return
        try:
            data = item.data if item.data is not None else read_settled(found.path)
            doc = self._parser.parse(data, found.source, str(found.path))
        except (AvtalebotError, OSError) as exc:
            report.failed.append((found.source, str(exc)))
            if old:  # keep the previous version answering rather than losing it
                st.keep(old)
            return
        rec = _record(doc, found) | {"aliases": aliases}
        st.add(rec, doc)
        report.warnings.extend((found.source, w) for w in doc.warnings)
        if old:
            report.changed.append(found.source)
            report.changes[found.source] = passage_diff(st.old_text(old["doc_id"]), doc.text)
        else:
            report.added.append(found.source)

    def _report_replacements(self, st: _State, report: SyncReport) -> None:
        """A new file with the same title and parties as an indexed one is a new version of it."""
        key = {(d["title"], tuple(sorted(d["meta"]["parties"]))): d for d in st.old_docs.values()}
        for source in report.added:
            rec = next(d for d in st.new_docs.values() if d["source"] == source)
            prev = key.get((rec["title"], tuple(sorted(rec["meta"]["parties"]))))
            if prev and prev["doc_id"] != rec["doc_id"]:
                diff = passage_diff(st.old_text(prev["doc_id"]), st.text_of(rec["doc_id"]))
                report.changes[f"{source} (replaces {prev['source']})"] = diff

    def _publish(self, st: _State, report: SyncReport, progress: Progress | None) -> None:
        cache = EmbeddingCache(self._layout.cache)
        try:
            stats = build_snapshot(
                self._settings.store(),
                self._layout,
                self._embedder,
                cache,
                st.new_docs,
                st.text_of,
                st.chunks(),
                progress,
                failpoint,
                unit_texts,
                {"parser": PARSER_VERSION},
            )
        finally:
            cache.close()
        write_pointer(self._layout, stats.snapshot_id)
        failpoint("published")
        report.snapshot_id = stats.snapshot_id
        report.embedded = stats.embedded
        report.chunks = stats.chunks
        report.units = stats.units
        report.units_embedded = stats.units_embedded
        report.units_seconds = stats.units_seconds
        self.collect_garbage()

    def collect_garbage(self) -> None:
        """Drop snapshots beyond the newest few, but only once they have been retired (replaced by
        the next one) for longer than a question could still be reading them."""
        live = read_pointer(self._layout)
        ids = list_snapshots(self._layout)
        now = time.time_ns()
        for older, newer in zip(ids[:-KEEP_SNAPSHOTS], ids[1:], strict=False):
            retired_s = (now - snapshot_time_ns(newer)) / 1e9
            if older != live and retired_s >= self._settings.snapshot_grace_s:
                drop_snapshot_data(self._settings.store(), self._layout, older)


@dataclass
class _Read:
    found: FoundFile
    digest: str
    data: bytes | None  # None: unchanged on disk, not read


def _by_content(read: list[_Read], by_source: dict[str, dict]) -> list[tuple[_Read, list[str]]]:
    """Files with the same content are one document: the one already indexed with that content
    keeps it (so the order of names never decides), else the first name; the others are aliases."""
    groups: dict[str, list[_Read]] = {}
    for item in read:
        groups.setdefault(item.digest, []).append(item)

    def rank(item: _Read) -> tuple[bool, str]:
        old = by_source.get(item.found.source)
        return (not (old and old["content_hash"] == item.digest), item.found.source)

    out = []
    for items in groups.values():
        items.sort(key=rank)
        out.append((items[0], [i.found.source for i in items[1:]]))
    return out


def _guard_removals(indexed: int, removed: list[str], paths: list[Path], allow: bool) -> None:
    if allow or not removed or not indexed or (len(removed) < indexed and len(removed) <= indexed / 2):
        return
    what = f"all {indexed}" if len(removed) == indexed else f"{len(removed)} of {indexed}"
    raise InputError(
        f"this sync would remove {what} documents from the index: is {', '.join(map(str, paths))} empty "
        "or not mounted? Nothing was changed. Run again with --allow-removals if they should go."
    )


def _aliases_changed(old_docs: dict[str, dict], new_docs: dict[str, dict]) -> bool:
    return any(old_docs.get(k, {}).get("aliases") != v.get("aliases") for k, v in new_docs.items())
