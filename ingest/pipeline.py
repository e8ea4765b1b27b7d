"""One file -> ParsedDocument (load, decode, clean, title, chunk, metadata)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from avtalebot.errors import IngestError
from avtalebot.types import ParsedDocument
from ingest.chunking import chunk_document
from ingest.clean import clean_text, pick_title
from ingest.loaders import loader_for
from ingest.metadata import extract_metadata

# Bump when loading, cleaning, chunking or metadata rules change what a file parses to: an index
# built by another version is re-parsed from its files at the next sync (embeddings stay cached).
PARSER_VERSION = 10


def doc_id_for(source: str) -> str:
    """Stable id from the document's name in its folder: a changed file keeps its id."""
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(data: bytes, source: str, path: str = "") -> ParsedDocument:
    """Turn file bytes into a cleaned, chunked document with metadata, or raise IngestError."""
    if not data.strip():
        raise IngestError("the file is empty")
    raw, warnings = loader_for(Path(source))(data)
    text = clean_text(raw)
    if len(text.strip()) < 20:
        raise IngestError("no usable text after cleaning (empty or only page furniture)")
    doc_id = doc_id_for(source)
    title = pick_title(text, Path(source).stem)
    chunks = chunk_document(doc_id, source, title, text)
    if not chunks:
        raise IngestError("no usable text after cleaning")
    return ParsedDocument(
        doc_id=doc_id,
        source=source,
        path=path or source,
        title=title,
        text=text,
        content_hash=content_hash(data),
        meta=extract_metadata(text),
        chunks=chunks,
        warnings=warnings,
    )


def parse_file(path: Path, source: str, max_bytes: int) -> ParsedDocument:
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (AVTALEBOT_MAX_FILE_MB)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror or type(exc).__name__})") from exc
    return parse_bytes(data, source, str(path))
