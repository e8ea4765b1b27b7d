"""A document as a snapshot records it: `DocRecord`, the typed form of the JSON record sync writes.

The index hands every reader (answering, the directory, Slack, the web site) these records, so a
reader asks `record.meta.parties` instead of parsing `record["meta"]` again; the metadata is parsed
once per record, on first use (most questions read a handful of documents' metadata, never all).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from ingest.types import DocMeta


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    source: str  # the file name as indexed
    title: str = ""
    path: str = ""  # where the file was read from
    root: str = ""  # the folder it was synced from
    content_hash: str = ""
    size: int = 0
    mtime_ns: int = 0
    aliases: tuple[str, ...] = ()  # other file names with the same content
    chunk_count: int = 0
    indexed_at: str = ""
    warnings: tuple[str, ...] = ()
    raw_meta: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def meta(self) -> DocMeta:
        return DocMeta.from_dict(dict(self.raw_meta))

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> DocRecord:
        known = {f.name for f in fields(cls)} - {"raw_meta"}
        values = {k: v for k, v in record.items() if k in known}
        for name in ("aliases", "warnings"):
            values[name] = tuple(values.get(name) or ())
        return cls(**values, raw_meta=record.get("meta") or {})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "raw_meta"}
        out["aliases"], out["warnings"] = list(self.aliases), list(self.warnings)
        out["meta"] = dict(self.raw_meta)
        return out


def records_of(docs: Mapping[str, Mapping[str, Any]]) -> dict[str, DocRecord]:
    """Plain records (docs.json, a test's dict) as DocRecords."""
    return {doc_id: DocRecord.from_dict(d) for doc_id, d in docs.items()}
