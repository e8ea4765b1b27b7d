"""What answering produces: an answer with its citations. The document types it is built from
are ingest's, and the index's record of a document (re-exported here for the layers above)."""

from __future__ import annotations

from dataclasses import KW_ONLY, asdict, dataclass
from typing import Any

from ingest.types import JOINT, Chunk, Contact, DocMeta, Obligation, ParsedDocument
from vectorstore.records import DocRecord

__all__ = [
    "JOINT", "Answer", "Chunk", "Citation", "Contact", "DocMeta", "DocRecord", "Obligation", "ParsedDocument",
]  # fmt: skip


@dataclass(frozen=True)
class Citation:
    """Where a quoted passage came from; enough for a reviewer to open it."""

    n: int
    source: str
    title: str
    section: str
    chunk_id: str
    quote: str
    score: float
    doc_id: str = ""
    start: int = 0
    end: int = 0
    status: str = ""  # "", "expired" or "superseded"
    scanned: bool = False  # the document's text was read from a scan by OCR

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    """The answer text with [n] markers, its citations, whether we declined (abstained), and
    whether it is tentative: the best passage found, shown as uncertain."""

    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    tentative: bool = False
    _: KW_ONLY
    lang: str = "nb"
    snapshot: str = ""  # the index snapshot the answer came from (one snapshot, never a mix)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "abstained": self.abstained,
            "tentative": self.tentative,
            "lang": self.lang,
            "citations": [c.to_dict() for c in self.citations],
        }
