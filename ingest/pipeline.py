"""One file -> ParsedDocument (load, decode, clean, title, chunk, metadata)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from ingest.chunking import chunk_document
from ingest.clean import clean_text, pick_title
from ingest.errors import IngestError
from ingest.loaders import loader_for
from ingest.metadata import extract_metadata
from ingest.types import ParsedDocument

# Bump when loading, cleaning, chunking or metadata rules change what a file parses to: an index
# built by another version is re-parsed from its files at the next sync (embeddings stay cached).
PARSER_VERSION = 11


# An agreement is tens of kilobytes; a text of millions of characters is no agreement, and would
# hold the embedder for hours (a 40 MB one-line file made 58,422 chunks).
MAX_TEXT_CHARS = 2_000_000


def doc_id_for(source: str) -> str:
    """Stable id from the document's name in its folder: a changed file keeps its id."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(data: bytes, source: str, path: str = "") -> ParsedDocument:
    """Turn file bytes into a cleaned, chunked document with metadata, or raise IngestError."""
    if not data.strip():
        raise IngestError("the file is empty")
    loaded = loader_for(Path(source))(data)
    raw, warnings = loaded
    ocr_pages = getattr(loaded, "ocr_pages", ())  # a scanned PDF's pages read by OCR
    if len(raw) > 2 * MAX_TEXT_CHARS:  # before cleaning, which is linear but not free
        raise IngestError(f"{len(raw):,} characters of text: over the {MAX_TEXT_CHARS:,} a document may hold")
    text = clean_text(raw)
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(f"{len(text):,} characters of text: over the {MAX_TEXT_CHARS:,} a document may hold")
    if len(text.strip()) < 20:
        raise IngestError("no usable text after cleaning (empty or only page furniture)")
    doc_id = doc_id_for(source)
    title = pick_title(text, Path(source).stem)
    chunks = chunk_document(doc_id, source, title, text)
    if not chunks:
        raise IngestError("no usable text after cleaning")
    meta = extract_metadata(text)
    if ocr_pages:
        meta = replace(meta, ocr_pages=ocr_pages)
    if meta.addressed_to_model:
        warnings = [*warnings, f"text addressed to a language model («{meta.addressed_to_model[0]}»): "
                    "its passages are never given to a model, and quotes from it carry a warning"]  # fmt: skip
    return ParsedDocument(
        doc_id=doc_id,
        source=source,
        path=path or source,
        title=title,
        text=text,
        content_hash=content_hash(data),
        meta=meta,
        chunks=chunks,
        warnings=warnings,
    )


def parse_file(path: Path, source: str, max_bytes: int) -> ParsedDocument:
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (AVTALEBOT_MAX_FILE_MB)"
        )
    return parse_bytes(read_settled(path), source, str(path))


def read_settled(path: Path) -> bytes:
    """The file's bytes, read while its size and modification time held still: a file still being
    copied is read again once, then refused (the next sync reads it whole)."""
    for _ in range(2):
        try:
            before = path.stat()
            data = path.read_bytes()
            after = path.stat()
        except OSError as exc:
            raise IngestError(f"cannot read the file ({exc.strerror or type(exc).__name__})") from exc
        if before.st_size == after.st_size == len(data) and before.st_mtime_ns == after.st_mtime_ns:
            return data
    raise IngestError("the file changed while it was read (still being copied?): it is read at the next sync")
