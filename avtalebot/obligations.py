"""Obligations per agreement and party, as extracted at ingest, for the command line and Slack:
filtered by party, county or agreement and date, and compared between two versions of one
agreement (added, removed, changed)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from avtalebot.answer.validity import statuses
from avtalebot.directory import CURRENT, query_words
from avtalebot.types import DocRecord


@dataclass(frozen=True)
class Duty:
    source: str
    party: str
    text: str
    start: int
    end: int
    chunk_id: str
    status: str

    def to_dict(self) -> dict:
        return {
            k: getattr(self, k) for k in ("source", "party", "text", "start", "end", "chunk_id", "status")
        }


@dataclass
class AgreementDuties:
    doc_id: str
    source: str
    title: str
    status: str
    superseded_by: str | None
    by_party: dict[str, list[Duty]] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    kind: str  # "added" | "removed" | "changed"
    party: str
    old: str
    new: str


def agreement_duties(
    docs: Mapping[str, DocRecord],
    *,
    chunk_id_at: Callable[[str, int], str],
    as_of: date,
    party: str = "",
    where: str = "",
    current_only: bool = False,
) -> list[AgreementDuties]:
    """Agreements with obligations, in file-name order. `where` must match (every word) the title,
    file name or parties — a county or an agreement; `party` matches the party name; with
    `current_only`, agreements expired or superseded on `as_of` are left out."""
    state = statuses(docs, as_of)
    out = []
    for doc_id, doc in sorted(docs.items(), key=lambda kv: kv[1].source):
        meta = doc.meta
        status, newer = state.get(doc_id, ("unknown", ""))
        hay = set(query_words(" ".join([doc.title, doc.source, *meta.parties])))
        if not meta.obligations or (current_only and status not in CURRENT):
            continue
        if not all(w in hay for w in query_words(where)):
            continue
        entry = AgreementDuties(
            doc_id, doc.source, doc.title, status, successor.source if (successor := docs.get(newer)) else None
        )
        for o in meta.obligations:
            if party and not all(w in query_words(o.party) for w in query_words(party)):
                continue
            duty = Duty(doc.source, o.party, o.text, o.start, o.end, chunk_id_at(doc_id, o.start), status)
            entry.by_party.setdefault(o.party, []).append(duty)
        if entry.by_party:
            out.append(entry)
    return out


def version_pairs(docs: Mapping[str, DocRecord], as_of: date) -> list[tuple[str, str]]:
    """(older, newer) doc ids: each superseded agreement and the one that replaced it."""
    return sorted(
        (d, newer) for d, (status, newer) in statuses(docs, as_of).items() if status == "superseded" and newer
    )


def diff(old: AgreementDuties, new: AgreementDuties, similar: float = 0.6) -> list[Change]:
    """Per party (names compared case-insensitively): obligations only in the new version are added,
    only in the old removed; a removed and an added one that read alike (difflib ratio >= `similar`)
    are one obligation changed."""
    changes: list[Change] = []
    olds = {p.casefold(): (p, ds) for p, ds in old.by_party.items()}
    news = {p.casefold(): (p, ds) for p, ds in new.by_party.items()}
    for key in list(news) + [k for k in olds if k not in news]:
        name = (news.get(key) or olds[key])[0]
        before = [d.text for d in olds.get(key, ("", []))[1]]
        after = [d.text for d in news.get(key, ("", []))[1]]
        norm = lambda s: " ".join(s.casefold().split())  # noqa: E731
        removed = [t for t in before if norm(t) not in {norm(a) for a in after}]
        added = [t for t in after if norm(t) not in {norm(b) for b in before}]
        for r in list(removed):
            best = max(
                added, key=lambda a: difflib.SequenceMatcher(None, norm(r), norm(a)).ratio(), default=None
            )
            if best is not None and difflib.SequenceMatcher(None, norm(r), norm(best)).ratio() >= similar:
                changes.append(Change("changed", name, r, best))
                removed.remove(r)
                added.remove(best)
        changes += [Change("removed", name, r, "") for r in removed]
        changes += [Change("added", name, "", a) for a in added]
    return changes
