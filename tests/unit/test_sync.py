"""Index sync with the fake embedder and real embedded Chroma: idempotency, change, removal, failures."""

import json
import os

import pytest

from avtalebot.errors import EmbedderMismatchError, IndexBusyError
from avtalebot.sync import Syncer
from tests.fakes import HashEmbeddings
from vectorstore.index import load_index
from vectorstore.reader import read_chunks, read_manifest
from vectorstore.snapshots import Layout, ingest_lock, read_pointer


def _chunk_ids(settings):
    layout = Layout(settings.data_dir)
    return sorted(c.chunk_id for c in read_chunks(layout, read_pointer(layout)))


def test_ingesting_twice_changes_nothing(syncer, settings, corpus_copy, fake_embedder):
    first = syncer.sync([corpus_copy])
    assert first.ok and len(first.added) == 5 and first.documents == 5
    ids, calls = _chunk_ids(settings), fake_embedder.calls
    second = syncer.sync([corpus_copy])
    assert second.added == [] and second.changed == [] and len(second.unchanged) == 5
    assert second.snapshot_id == first.snapshot_id  # no new snapshot for a no-op
    assert _chunk_ids(settings) == ids and fake_embedder.calls == calls
    index = load_index(settings.store(), Layout(settings.data_dir), fake_embedder)
    assert index.dense.count() == len(ids) == first.chunks


def test_changed_file_replaces_its_chunks_and_reports_passages(syncer, settings, corpus_copy, fake_embedder):
    syncer.sync([corpus_copy])
    target = next(corpus_copy.glob("003_*"))
    old_ids = {i for i in _chunk_ids(settings) if i.startswith(_doc_id(settings, target.name))}
    target.write_text(target.read_text().replace("gjelder ut 2027", "gjelder ut 2029"), encoding="utf-8")
    calls = fake_embedder.calls
    report = syncer.sync([corpus_copy])
    assert report.changed == [target.name]
    assert "Samarbeidsavtalen gjelder ut 2029." in report.changes[target.name]["added"]
    assert "Samarbeidsavtalen gjelder ut 2027." in report.changes[target.name]["removed"]
    new_ids = {i for i in _chunk_ids(settings) if i.startswith(_doc_id(settings, target.name))}
    assert new_ids != old_ids and len(new_ids & old_ids) == len(old_ids) - 1
    # only the changed chunk and the one changed answer unit (its sentence) were embedded again
    assert fake_embedder.calls - calls == 2 and report.embedded == 1 and report.units_embedded == 1
    index = load_index(settings.store(), Layout(settings.data_dir), fake_embedder)
    assert index.dense.count() == len(index.chunks)


def _doc_id(settings, source):
    layout = Layout(settings.data_dir)
    docs = read_manifest(layout, read_pointer(layout))["docs"]
    return next(d["doc_id"] for d in docs.values() if d["source"] == source)


def test_file_gone_from_folder_is_removed(syncer, settings, corpus_copy, fake_embedder):
    syncer.sync([corpus_copy])
    gone = next(corpus_copy.glob("004_*"))
    gone.unlink()
    report = syncer.sync([corpus_copy])
    assert report.removed == [gone.name] and report.documents == 4
    index = load_index(settings.store(), Layout(settings.data_dir), fake_embedder)
    assert all(c.source != gone.name for c in index.chunks.values())
    assert index.dense.count() == len(index.chunks)


def test_bad_files_are_reported_and_the_rest_indexed(syncer, corpus_copy):
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "junk.txt").write_bytes(os.urandom(2000) + b"\x00")
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (corpus_copy / "sheet.xlsx").write_bytes(b"PK")
    (corpus_copy / "loop.txt").symlink_to(corpus_copy / "loop.txt")
    (corpus_copy / "latin.txt").write_bytes(
        "Avtale for Østfold. Gjelder ut 2030 for æøå-folk.".encode("latin-1")
    )
    report = syncer.sync([corpus_copy])
    reasons = dict(report.failed)
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["junk.txt"]
    assert "PDF" in reasons["broken.pdf"]
    assert "unsupported" in reasons["sheet.xlsx"]
    assert "symlink loop" in reasons["loop.txt"]
    assert not report.ok and report.documents == 6  # 5 corpus files + latin.txt
    assert ("latin.txt", "not valid UTF-8; decoded as cp1252 (Windows-1252)") in report.warnings


def test_same_content_under_two_names_is_indexed_once(syncer, corpus_copy):
    src = next(corpus_copy.glob("003_*"))
    (corpus_copy / "kopi.txt").write_bytes(src.read_bytes())
    report = syncer.sync([corpus_copy])
    assert report.documents == 5 and len(report.duplicates) == 1


def test_size_limit_is_a_clear_failure(settings, fake_embedder, tmp_path):
    big = tmp_path / "in" / "big.txt"
    big.parent.mkdir()
    big.write_text("Avtalen gjelder. " * 100_000)
    small = Syncer(settings.model_copy(update={"max_file_mb": 1}), Layout(settings.data_dir), fake_embedder)
    report = small.sync([big.parent])
    assert "over the 1 MB limit" in dict(report.failed)["big.txt"]


def test_other_embedder_is_refused(syncer, settings, corpus_copy):
    syncer.sync([corpus_copy])

    class Other(HashEmbeddings):
        name = "other-model"

    with pytest.raises(EmbedderMismatchError, match="fake-hash"):
        load_index(settings.store(), Layout(settings.data_dir), Other())
    with pytest.raises(EmbedderMismatchError, match="--rebuild"):
        Syncer(settings, Layout(settings.data_dir), Other()).sync([corpus_copy])
    rebuilt = Syncer(settings, Layout(settings.data_dir), Other()).sync([corpus_copy], rebuild=True)
    assert rebuilt.ok and rebuilt.documents == 5


def test_second_reindex_is_refused_while_one_runs(syncer, settings, corpus_copy):
    with ingest_lock(Layout(settings.data_dir)):
        with pytest.raises(IndexBusyError, match="another reindex is running"):
            syncer.sync([corpus_copy])


def test_old_snapshots_are_collected(settings, fake_embedder, corpus_copy):
    syncer = Syncer(
        settings.model_copy(update={"snapshot_grace_s": 0.0}), Layout(settings.data_dir), fake_embedder
    )

    target = next(corpus_copy.glob("003_*"))
    for year in range(2030, 2036):
        target.write_text(f"Avtale for Østfold.\n\nSamarbeidsavtalen gjelder ut {year}.", encoding="utf-8")
        syncer.sync([corpus_copy])
    snaps = list((settings.data_dir / "snapshots").iterdir())
    assert len(snaps) == 3
    assert json.loads(
        (settings.data_dir / "snapshots" / read_pointer(Layout(settings.data_dir)) / "docs.json").read_text()
    )["snapshot_id"]


def test_recently_replaced_snapshots_are_kept_for_readers(syncer, settings, corpus_copy):
    target = next(corpus_copy.glob("003_*"))
    for year in range(2030, 2036):
        target.write_text(f"Avtale for Østfold.\n\nSamarbeidsavtalen gjelder ut {year}.", encoding="utf-8")
        syncer.sync([corpus_copy])
    assert len(list((settings.data_dir / "snapshots").iterdir())) == 6  # all younger than the grace period


def _stored_passages(settings, embedder) -> dict[str, str]:
    index = load_index(settings.store(), Layout(settings.data_dir), embedder)
    got = index.dense._store._collection.get(include=["documents"])
    index.close()
    return dict(zip(got["ids"], got["documents"], strict=True))


def test_rebuild_restores_unchanged_passages_from_the_live_snapshot(
    syncer, settings, corpus_copy, fake_embedder
):
    """chunks.json holds no text: the next snapshot cuts the unchanged chunks' text from the stored
    document text, and must index exactly the same passages as before."""
    syncer.sync([corpus_copy])
    before = _stored_passages(settings, fake_embedder)
    chunks_json = Layout(settings.data_dir).snapshot(read_pointer(Layout(settings.data_dir))) / "chunks.json"
    assert all("text" not in c for c in json.loads(chunks_json.read_text(encoding="utf-8")))
    target = next(corpus_copy.glob("003_*"))
    target.write_text(target.read_text().replace("gjelder ut 2027", "gjelder ut 2029"), encoding="utf-8")
    syncer.sync([corpus_copy])
    after = _stored_passages(settings, fake_embedder)
    kept = before.keys() & after.keys()
    assert len(kept) == len(before) - 1
    assert all(after[i] == before[i] and after[i].strip() for i in kept)


def test_the_bot_reads_document_records_on_demand_and_old_snapshots_still_load(
    syncer, settings, corpus_copy, fake_embedder
):
    """Loaded for answering, a snapshot's document records come from its SQLite store one at a
    time (not the whole docs.json as Python objects); a snapshot written before they moved there
    (no docs table, no manifest.json) loads the old way, with the same records and statuses."""
    import sqlite3
    from datetime import date

    from avtalebot.answer.validity import statuses
    from vectorstore.texts import DocRecords

    syncer.sync([corpus_copy])
    layout = Layout(settings.data_dir)
    snapshot = layout.snapshot(read_pointer(layout))
    full = read_manifest(layout, read_pointer(layout))["docs"]
    index = load_index(settings.store(), layout, fake_embedder)
    assert isinstance(index.docs, DocRecords)
    assert list(index.docs) == list(full) and {k: r.to_dict() for k, r in index.docs.items()} == full
    assert all(r.meta.parties == tuple(full[k]["meta"]["parties"]) for k, r in index.docs.items())
    assert "no-such-doc" not in index.docs and index.docs.get("no-such-doc") is None
    lazy_status = statuses(index.docs, date(2025, 6, 1))
    index.close()
    db = sqlite3.connect(snapshot / "texts.sqlite")
    db.execute("DROP TABLE docs")
    db.commit()
    db.close()
    (snapshot / "manifest.json").unlink()
    old = json.loads((snapshot / "docs.json").read_text(encoding="utf-8"))
    old.pop("checksums")  # written before snapshots carried their files' digests
    (snapshot / "docs.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    index = load_index(settings.store(), layout, fake_embedder)
    assert not isinstance(index.docs, DocRecords) and {k: r.to_dict() for k, r in index.docs.items()} == full
    assert statuses(index.docs, date(2025, 6, 1)) == lazy_status and len(lazy_status) == 5
    index.close()


def _open_handles(path) -> int:
    """How many of this process's file descriptors point at `path` (Linux /proc)."""
    target = os.path.realpath(path)
    fd_dir = "/proc/self/fd"
    count = 0
    for fd in os.listdir(fd_dir):
        try:
            count += os.path.realpath(os.readlink(os.path.join(fd_dir, fd))) == target
        except OSError:  # closed while listing
            pass
    return count


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")
def test_a_loaded_index_holds_one_connection_to_its_text_store_and_a_refused_one_none(
    syncer, settings, corpus_copy, fake_embedder
):
    """Texts and document records share one SQLite connection, which closing the index releases; a
    load refused after the store was opened (another embedder) leaves nothing open."""
    syncer.sync([corpus_copy])
    layout = Layout(settings.data_dir)
    store = layout.snapshot(read_pointer(layout)) / "texts.sqlite"
    assert _open_handles(store) == 0

    class Other(HashEmbeddings):
        name = "other-model"

    with pytest.raises(EmbedderMismatchError):
        load_index(settings.store(), layout, Other())
    assert _open_handles(store) == 0
    index = load_index(settings.store(), layout, fake_embedder)
    first = next(iter(index.docs))
    assert index.docs[first].source and index.doc_text(first)
    assert _open_handles(store) == 1
    index.close()
    assert _open_handles(store) == 0


def test_an_index_parsed_by_another_parser_version_is_parsed_again(syncer, settings, tmp_path, monkeypatch):
    """Rules that read metadata improve between versions (signers from a signature block came in
    PARSER_VERSION 10): an index parsed by an older version gets the new rules at the next ingest,
    although no file changed; after that, files are unchanged again."""
    import avtalebot.sync as sync_module
    import ingest.contacts

    settings = settings.model_copy(update={"parse_timeout_s": 0})  # parsed here, where the old rules are patched in
    syncer = Syncer(settings, Layout(settings.data_dir), syncer._embedder)

    folder = tmp_path / "agreements"
    folder.mkdir()
    (folder / "avtale.txt").write_text(
        "Samarbeidsavtale mellom Nav Hamar og Hamar kommune\n\n§ 1 Formål\n\nPartene skal samarbeide.\n\n"
        "Hamar, 3. mars 2025\n\nFor Nav Hamar: Kari Nordli Bakke, direktør\n",
        encoding="utf-8",
    )

    def signers() -> list[str]:
        index = load_index(settings.store(), Layout(settings.data_dir), syncer._embedder)
        try:
            return [c.name for d in index.docs.values() for c in d.meta.contacts if c.signed]
        finally:
            index.close()

    with monkeypatch.context() as old:  # the previous version: no signature blocks, another number
        old.setattr(sync_module, "PARSER_VERSION", sync_module.PARSER_VERSION - 1)
        old.setattr(ingest.contacts, "signature_signers", lambda text: [])
        syncer.sync([folder])
    assert signers() == []
    report = syncer.sync([folder])
    assert report.changed == ["avtale.txt"] and signers() == ["Kari Nordli Bakke"]
    assert syncer.sync([folder]).unchanged == ["avtale.txt"]
