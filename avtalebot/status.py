"""What is indexed, and whether each agreement is in force, expired or superseded."""

from __future__ import annotations

from datetime import date

from avtalebot.answer.validity import statuses
from avtalebot.feedback import FILE as FEEDBACK_FILE
from vectorstore.reader import read_manifest
from vectorstore.records import records_of
from vectorstore.snapshots import Layout, require_pointer


def document_rows(layout: Layout, as_of: date) -> tuple[list[dict], str]:
    snapshot_id = require_pointer(layout)
    docs = records_of(read_manifest(layout, snapshot_id)["docs"])
    state = statuses(docs, as_of)
    rows = []
    for doc in sorted(docs.values(), key=lambda d: d.source):
        meta = doc.meta
        validity = " – ".join(x for x in (meta.valid_from, meta.valid_to) if x)
        rows.append(
            {
                "source": doc.source,
                "title": doc.title,
                "parties": list(meta.parties),
                "valid_from": meta.valid_from or None,
                "valid_to": meta.valid_to or None,
                "validity": validity,
                "validity_text": meta.validity_text,
                "status": state[doc.doc_id][0],
                "superseded_by": newer.source if (newer := docs.get(state[doc.doc_id][1])) else None,
                "replaces": meta.replaces_text,
                "signed": meta.signed_date,
                "chunks": doc.chunk_count,
                "indexed_at": doc.indexed_at,
                "content_hash": doc.content_hash,
                "aliases": list(doc.aliases),
                "addressed_to_model": list(meta.addressed_to_model),
                "ocr_pages": [{"page": n, "confidence": c} for n, c in meta.ocr_pages],
            }
        )
    return rows, snapshot_id


def check_data_dir(layout: Layout) -> list[str]:
    """`avtalebot status --check`: every problem in the data dir, one line each with what to do."""
    from avtalebot.errors import IndexCorruptError
    from vectorstore.index import verify_snapshot
    from vectorstore.integrity import sqlite_verdict
    from vectorstore.snapshots import read_pointer

    found = []
    live = read_pointer(layout)
    if live is None:
        found.append(f"no index in {layout.root}: run `avtalebot ingest <folder>`")
    else:
        try:
            verify_snapshot(layout, live)
        except IndexCorruptError as exc:
            found.append(str(exc))
    for name in (FEEDBACK_FILE, "deliveries.sqlite"):
        path = layout.root / name
        if not path.exists():
            continue
        verdict = sqlite_verdict(path)
        if verdict != "ok":
            found.append(f"{path} is damaged ({verdict[:80]}): move it aside; a new one is started (its records are lost)")
    return found
