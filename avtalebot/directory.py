"""The contact directory: everyone the agreements list with a way to reach them, one entry per
person across documents (same name and e-mail), each source cited and marked with its agreement's
validity — a contact found only in an expired or superseded agreement may have moved on."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date

from avtalebot.answer.validity import statuses
from avtalebot.types import Contact, DocRecord

CURRENT = ("in_force", "not_yet_in_force", "unknown")


@dataclass(frozen=True)
class ContactSource:
    """One document a contact is listed in, and the passage that lists them."""

    source: str
    title: str
    status: str
    superseded_by: str | None
    chunk_id: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class DirectoryEntry:
    name: str
    role: str
    organisation: str
    email: str
    phone: str
    sources: tuple[ContactSource, ...]

    @property
    def current(self) -> bool:
        """Listed in at least one agreement that is not expired or superseded."""
        return any(s.status in CURRENT for s in self.sources)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["current"] = self.current
        return d


def contact_directory(
    docs: Mapping[str, DocRecord],
    *,
    text_of: Callable[[str], str],
    chunk_id_at: Callable[[str, int], str],
    as_of: date,
    query: str = "",
    mentioned: bool = False,
) -> list[DirectoryEntry]:
    """Entries matching every word of `query` (in name, role, organisation, e-mail, or the title,
    file name or parties of a source), current contacts first. Without `mentioned`, only people
    listed with an e-mail address or phone number."""
    state = statuses(docs, as_of)
    found: list[tuple[Contact, ContactSource, DocRecord]] = []
    for doc_id, doc in sorted(docs.items(), key=lambda kv: kv[1].source):
        meta = doc.meta
        text = None
        status, by = state.get(doc_id, ("unknown", None))
        for c in meta.contacts:
            if not (c.reachable or mentioned):
                continue
            text = text if text is not None else text_of(doc_id)
            src = ContactSource(
                source=doc.source,
                title=doc.title,
                status=status,
                superseded_by=newer.source if by and (newer := docs.get(by)) else None,
                chunk_id=chunk_id_at(doc_id, c.start),
                start=c.start,
                end=c.end,
                quote=" ".join(text[c.start : c.end].split()),
            )
            found.append((c, src, doc))
    entries = [_entry(group) for group in _people(found)]
    words = query_words(query)
    hits = [e for e, hay in entries if all(w in hay for w in words)]
    return sorted(hits, key=lambda e: (not e.current, e.name.casefold()))


def _people(found: list[tuple[Contact, ContactSource, DocRecord]]) -> Iterable[list]:
    """Group by name; within a name, different e-mail addresses are different people, and a listing
    without an address joins the one address the name has, if it has exactly one."""
    by_name: dict[str, list] = {}
    for item in found:
        by_name.setdefault(item[0].name.casefold(), []).append(item)
    for items in by_name.values():
        emails = {c.email.casefold() for c, _, _ in items if c.email}
        if len(emails) <= 1:
            yield items
            continue
        for email in sorted(emails):
            yield [i for i in items if i[0].email.casefold() == email]
        if rest := [i for i in items if not i[0].email]:
            yield rest


def _entry(items: list) -> tuple[DirectoryEntry, str]:
    """The details from the most current listing (in force before expired), every source kept."""
    ranked = sorted(items, key=lambda i: (i[1].status not in CURRENT, i[1].status != "in_force"))
    best = ranked[0][0]

    def pick(field: str) -> str:
        return getattr(best, field) or next(
            (getattr(c, field) for c, _, _ in ranked if getattr(c, field)), ""
        )

    entry = DirectoryEntry(
        name=best.name,
        role=pick("role"),
        organisation=pick("organisation"),
        email=pick("email"),
        phone=pick("phone"),
        sources=tuple(s for _, s, _ in ranked),
    )
    hay = " ".join(
        [entry.name, *(c.role for c, _, _ in items), *(c.organisation for c, _, _ in items), entry.email]
        + [f"{s.title} {s.source}" for _, s, _ in items]
        + [" ".join(d.meta.parties) for _, _, d in items]
    )
    return entry, " ".join(query_words(hay))


def query_words(text: str) -> list[str]:
    return re.findall(r"[\wæøå]+", text.casefold())
