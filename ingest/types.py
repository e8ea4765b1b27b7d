"""What ingest produces: documents, their chunks and metadata, and the facts found in them
(contacts, obligations). The layers above read these; they live here, where they are made."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Contact:
    """A person named in a document, with where the mention was found (offsets in cleaned text)."""

    name: str
    role: str = ""
    organisation: str = ""
    email: str = ""
    signed: bool = False
    start: int = 0
    end: int = 0
    phone: str = ""

    @property
    def reachable(self) -> bool:
        """Listed with a way to reach them: a contact for the directory, not only a name mentioned."""
        return bool(self.email or self.phone)


@dataclass(frozen=True)
class Obligation:
    """What one party (or both, JOINT) is obliged to do, as one list item states it."""

    party: str
    text: str
    start: int  # the item's span in the cleaned text
    end: int


JOINT = "Begge parter"


@dataclass(frozen=True)
class DocMeta:
    """Metadata extracted by rules from one document's cleaned text."""

    parties: tuple[str, ...] = ()
    signed_date: str = ""  # as stated, e.g. "11. september" or "11.12.2023"
    signed_span: tuple[int, int] = (0, 0)
    published: str = ""
    valid_from: str = ""  # ISO date when it could be derived
    valid_to: str = ""  # ISO date when it could be derived
    validity_text: str = ""  # the sentence stating validity, as written
    validity_span: tuple[int, int] = (0, 0)
    replaces_years: tuple[int, ...] = ()  # the period or year of the agreement it says it replaces
    replaces_text: str = ""  # the sentence saying so
    replaces_span: tuple[int, int] = (0, 0)
    contacts: tuple[Contact, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    addressed_to_model: tuple[str, ...] = ()  # phrases addressing a language model (prompt injection)
    ocr_pages: tuple[tuple[int, float], ...] = ()  # pages read by OCR: (page number, confidence 0–100)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DocMeta:
        d = dict(d)
        d["parties"] = tuple(d.get("parties", ()))
        d["signed_span"] = tuple(d.get("signed_span", (0, 0)))
        d["validity_span"] = tuple(d.get("validity_span", (0, 0)))
        d["replaces_years"] = tuple(d.get("replaces_years", ()))
        d["replaces_span"] = tuple(d.get("replaces_span", (0, 0)))
        d["contacts"] = tuple(Contact(**c) for c in d.get("contacts", ()))
        d["obligations"] = tuple(Obligation(**o) for o in d.get("obligations", ()))
        d["ocr_pages"] = tuple((int(n), float(c)) for n, c in d.get("ocr_pages", ()))
        d["addressed_to_model"] = tuple(d.get("addressed_to_model", ()))
        return cls(**d)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable passage; offsets point into its document's cleaned text."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    section: str
    text: str
    start: int
    end: int
    position: int

    def cut_from(self, doc_text: str) -> Chunk:
        """This chunk with its text: chunks are stored as offsets into their document's text."""
        return replace(self, text=doc_text[self.start : self.end])

    def embed_text(self) -> str:
        """Text given to the embedder: title and section give the passage its context."""
        head = (
            self.title if not self.section or self.section == self.title else f"{self.title} — {self.section}"
        )
        return f"{head}\n{self.text}"


@dataclass
class ParsedDocument:
    """One loaded, cleaned, chunked document with its metadata."""

    doc_id: str
    source: str
    path: str
    title: str
    text: str
    content_hash: str
    meta: DocMeta
    chunks: list[Chunk]
    warnings: list[str] = field(default_factory=list)
