"""The column chunk table: same chunks back, per-document lookup, and snapshots in the old format."""

import json
from dataclasses import asdict, replace

from ingest.pipeline import parse_bytes
from tests.conftest import CORPUS
from vectorstore.chunktable import ChunkTable, write_chunk_table


def _chunks():
    docs = [parse_bytes(f.read_bytes(), f.name) for f in sorted(CORPUS.iterdir())]
    return [replace(c, text="") for d in docs for c in d.chunks]


def test_round_trip_keeps_every_field_and_the_order(tmp_path):
    chunks = _chunks()
    write_chunk_table(tmp_path / "chunks.json", chunks)
    table = ChunkTable.read(tmp_path / "chunks.json")
    assert len(table) == len(chunks) and list(table) == [c.chunk_id for c in chunks]
    assert list(table.values()) == chunks
    assert table[chunks[7].chunk_id] == chunks[7] and table.get("nope") is None and "nope" not in table


def test_chunks_of_a_document_even_when_given_interleaved(tmp_path):
    chunks = _chunks()
    a, b = chunks[0].doc_id, chunks[-1].doc_id
    mixed = [c for pair in zip(chunks[:5], chunks[-5:], strict=True) for c in pair]
    write_chunk_table(tmp_path / "chunks.json", mixed)
    table = ChunkTable.read(tmp_path / "chunks.json")
    assert table.in_doc(a) == [c for c in chunks[:5]]
    assert table.in_doc(b) == [c for c in chunks[-5:]]
    assert table.in_doc("unknown") == []


def test_a_snapshot_written_as_one_record_per_chunk_still_loads(tmp_path):
    chunks = _chunks()
    (tmp_path / "chunks.json").write_text(json.dumps([asdict(c) for c in chunks]), encoding="utf-8")
    assert list(ChunkTable.read(tmp_path / "chunks.json").values()) == chunks


def test_the_chunk_at_an_offset_is_the_first_of_its_document_that_spans_it(tmp_path):
    chunks = _chunks()
    write_chunk_table(tmp_path / "chunks.json", chunks)
    table = ChunkTable.read(tmp_path / "chunks.json")
    doc = chunks[0].doc_id
    mine = [c for c in chunks if c.doc_id == doc]
    for offset in sorted({o for c in mine for o in (c.start, c.end - 1, c.end, (c.start + c.end) // 2)}):
        expected = next((c for c in mine if c.start <= offset < c.end), None)
        assert table.at(doc, offset) == expected
    assert table.at(doc, -1) is None and table.at("unknown", 0) is None
