"""A document as the snapshot records it, typed: every reader gets a DocRecord, whose metadata is
parsed once, on first use, and which writes back the record it was read from."""

from __future__ import annotations

from avtalebot.types import DocMeta, DocRecord
from vectorstore.records import records_of


def test_a_record_reads_back_as_written_and_parses_its_metadata_once():
    raw = {
        "doc_id": "d1", "source": "a.txt", "title": "Avtale", "path": "/x/a.txt", "root": "/x",
        "content_hash": "ab", "size": 10, "mtime_ns": 5, "aliases": ["b.txt"], "chunk_count": 3,
        "indexed_at": "2026-12-04T00:00:00Z", "warnings": ["kort"],
        "meta": DocMeta(parties=("NAV Agder", "Agder fylkeskommune"), valid_to="2027-12-31").to_dict(),
    }  # fmt: skip
    record = DocRecord.from_dict(raw)
    assert record.aliases == ("b.txt",) and record.warnings == ("kort",)
    assert record.meta is record.meta  # parsed once
    assert record.meta.parties == ("NAV Agder", "Agder fylkeskommune") and record.meta.valid_to == "2027-12-31"
    assert record.to_dict() == raw


def test_a_sparse_or_older_record_gets_defaults_and_unknown_keys_are_left_out():
    (record,) = records_of({"d2": {"doc_id": "d2", "source": "b.md", "added_later": 1}}).values()
    assert record.title == "" and record.aliases == () and record.meta == DocMeta()
    assert "added_later" not in record.to_dict()
