"""What is indexed, and whether each agreement is in force, expired or superseded."""

from __future__ import annotations

from datetime import date

from avtalebot.answer.validity import statuses
from avtalebot.types import DocMeta
from vectorstore.reader import read_manifest
from vectorstore.snapshots import Layout, require_pointer


def document_rows(layout: Layout, as_of: date) -> tuple[list[dict], str]:
    snapshot_id = require_pointer(layout)
    manifest = read_manifest(layout, snapshot_id)
    state = statuses(manifest["docs"], as_of)
    rows = []
    for doc in sorted(manifest["docs"].values(), key=lambda d: d["source"]):
        meta = DocMeta.from_dict(doc["meta"])
        validity = " – ".join(x for x in (meta.valid_from, meta.valid_to) if x)
        rows.append(
            {
                "source": doc["source"],
                "title": doc["title"],
                "parties": list(meta.parties),
                "valid_from": meta.valid_from or None,
                "valid_to": meta.valid_to or None,
                "validity": validity,
                "validity_text": meta.validity_text,
                "status": state[doc["doc_id"]][0],
                "superseded_by": manifest["docs"].get(state[doc["doc_id"]][1], {}).get("source") or None,
                "replaces": meta.replaces_text,
                "signed": meta.signed_date,
                "chunks": doc.get("chunk_count", 0),
                "indexed_at": doc["indexed_at"],
                "content_hash": doc["content_hash"],
                "aliases": doc.get("aliases", []),
                "addressed_to_model": list(meta.addressed_to_model),
            }
        )
    return rows, snapshot_id
