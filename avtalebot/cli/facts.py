"""Commands over facts extracted at ingest: the contact directory (and obligations)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from avtalebot.settings import Settings

_STATUS = {
    "in_force": "in force",
    "expired": "EXPIRED",
    "superseded": "SUPERSEDED",
    "not_yet_in_force": "not yet in force",
    "unknown": "validity unknown",
}


def status_text(status: str, superseded_by: str | None) -> str:
    return _STATUS.get(status, status) + (f" by {superseded_by}" if superseded_by else "")


def cmd_contacts(settings: Settings, args) -> int:
    from avtalebot.cli.commands import _parse_as_of
    from avtalebot.directory import contact_directory
    from vectorstore.reader import open_documents
    from vectorstore.snapshots import Layout

    as_of = _parse_as_of(args.as_of) or date.today()
    with open_documents(Layout(Path(settings.data_dir))) as snap:
        entries = contact_directory(
            snap.docs,
            text_of=snap.doc_text,
            chunk_id_at=snap.chunk_id_at,
            as_of=as_of,
            query=" ".join(args.query),
            mentioned=args.all,
        )
    out = sys.stdout
    if args.json:
        for e in entries:
            print(json.dumps(e.to_dict(), ensure_ascii=False), file=out)
        return 0
    query = " ".join(args.query)
    print(f"{len(entries)} contact(s)" + (f" matching '{query}'" if query else ""), file=out)
    for e in entries:
        details = ", ".join(x for x in (e.role, e.organisation) if x)
        print(f"- {e.name}" + (f" — {details}" if details else ""), file=out)
        reach = " | ".join(
            x for x in (f"e-mail: {e.email}" if e.email else "", f"phone: {e.phone}" if e.phone else "") if x
        )
        if reach:
            print(f"    {reach}", file=out)
        if not e.current:
            print("    ! listed only in agreements no longer in force: check before contacting", file=out)
        for s in e.sources:
            print(f"    [{s.source}] {s.title} ({status_text(s.status, s.superseded_by)})", file=out)
            print(f"      “{s.quote[:200]}”", file=out)
    return 0
