"""Inputs and states that broke it once: angle brackets and form markup in plain text, a sync
that would remove most documents, an empty folder, the same content under two names, a wall of text
without punctuation, undecodable bytes, a huge question, concurrent askers, a snapshot missing
vectors, an exact dense ranking."""

from __future__ import annotations

import gc
import os

import pytest

from ingest.clean import clean_text
from ingest.pipeline import parse_bytes


# 5. Text in angle brackets is not HTML in a .txt or .md file.
@pytest.mark.parametrize(
    "line",
    [
        "Kari Nordmann <kari.nordmann@nav.no>, rådgiver",
        "Les mer på <https://www.nav.no/samarbeid>.",
        "Det gjelder når x<y og a>b.",
        "Sjekk <<vedlegg 2>> før møtet.",
    ],
)
def test_angle_brackets_in_plain_text_survive(line):
    assert line in clean_text(f"Tittel\n\n{line}\n")
    for name in ("avtale.txt", "avtale.md"):
        doc = parse_bytes(f"Samarbeidsavtale\n\n{line}\n".encode(), name)
        assert line in doc.text


def test_contact_email_in_angle_brackets_is_extracted():
    doc = parse_bytes(b"Samarbeidsavtale\n\nKontaktperson Kari Nordmann <kari.nordmann@nav.no>\n", "a.txt")
    assert any(c.email == "kari.nordmann@nav.no" for c in doc.meta.contacts)


def test_form_markup_pasted_into_text_is_still_cleaned():
    out = clean_text('Hvem er du? <input type="checkbox" checked> Kommune <input type="checkbox"> Bedrift<br>\n')
    assert "<input" not in out and "<br>" not in out and "Kommune" in out and "Bedrift" not in out


# 12. A sync that would remove every document (an unmounted share), or more than half, is refused.
def test_sync_refuses_to_remove_most_documents_unless_told(syncer, settings, corpus_copy, tmp_path):
    from avtalebot.errors import InputError
    from avtalebot.status import document_rows
    from vectorstore.snapshots import Layout

    syncer.sync([corpus_copy])
    files = sorted(corpus_copy.iterdir())
    for f in files:
        f.rename(tmp_path / f.name)  # the share is gone: the folder is empty
    with pytest.raises(InputError, match="--allow-removals"):
        syncer.sync([corpus_copy])
    assert len(document_rows(Layout(settings.data_dir), __import__("datetime").date.today())[0]) == 5
    for f in files[:2]:
        (tmp_path / f.name).rename(f)  # 3 of 5 would go: still more than half
    with pytest.raises(InputError, match="3 of 5"):
        syncer.sync([corpus_copy])
    report = syncer.sync([corpus_copy], allow_removals=True)
    assert len(report.removed) == 3 and report.documents == 2


def test_cli_ingest_of_an_empty_folder_exits_with_a_clear_message(tmp_path, monkeypatch, capsys, fake_embedder):
    from avtalebot.cli import main
    from tests.conftest import CORPUS

    monkeypatch.setattr("vectorstore.embedders.build_embedder", lambda s: fake_embedder)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes((CORPUS / "003_17f27e3899bcf5b6.txt").read_bytes())
    data = str(tmp_path / "data")
    assert main(["--data-dir", data, "ingest", str(corpus)]) == 0
    (corpus / "a.txt").unlink()
    capsys.readouterr()
    assert main(["--data-dir", data, "ingest", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert "would remove all 1 documents" in err and "--allow-removals" in err
    assert main(["--data-dir", data, "ingest", str(corpus), "--allow-removals"]) == 0


# 1. One content is one document, every name an alias, whatever the order of arrival.
@pytest.mark.parametrize("order", [("m.txt", "a.txt"), ("a.txt", "m.txt"), ("both",)])
def test_same_content_is_one_document_whatever_the_order(syncer, settings, tmp_path, order):
    from datetime import date

    from avtalebot.status import document_rows
    from tests.conftest import CORPUS
    from vectorstore.snapshots import Layout

    content = (CORPUS / "003_17f27e3899bcf5b6.txt").read_bytes()
    folder = tmp_path / "dup"
    folder.mkdir()
    names = ["a.txt", "m.txt"] if order == ("both",) else list(order)
    if order != ("both",):
        (folder / names[0]).write_bytes(content)
        syncer.sync([folder])
    for name in names:
        (folder / name).write_bytes(content)
    report = syncer.sync([folder])
    rows, _ = document_rows(Layout(settings.data_dir), date.today())
    assert len(rows) == 1, [r["source"] for r in rows]
    first = names[0]  # the one indexed first keeps the document; both at once: the first name
    assert rows[0]["source"] == first and rows[0]["aliases"] == [n for n in ("a.txt", "m.txt") if n != first]
    assert report.duplicates == [(rows[0]["aliases"][0], first)]
    again = syncer.sync([folder])
    assert again.snapshot_id == report.snapshot_id  # stable: nothing to do the next time
    (folder / first).unlink()  # the name that held it goes: the other name takes the document over
    syncer.sync([folder])
    rows, _ = document_rows(Layout(settings.data_dir), date.today())
    assert [r["source"] for r in rows] == [rows[0]["source"]] and rows[0]["source"] != first


# 3. Chunks and quotes have a hard maximum; a file of mostly undecodable bytes is refused.
def test_an_unpunctuated_wall_of_text_is_chunked_and_quoted_within_bounds(syncer, settings, tmp_path, word_scorer):
    import random

    from avtalebot.answer.compose import MAX_ANSWER, MAX_QUOTE
    from avtalebot.answer.extractive import ExtractiveAnswerer
    from ingest.chunking import MAX_CHUNK_CHARS
    from vectorstore.reader import read_chunks
    from vectorstore.retriever import LiveIndex
    from vectorstore.snapshots import Layout, read_pointer

    rng = random.Random(3)
    vocab = "avtale samarbeid fylkeskommune opplæring ungdom læreplass veiledning kurs plass arbeid".split()
    wall = " ".join(rng.choice(vocab) for _ in range(26_000))  # ≈ 266 kB, no sentence punctuation
    folder = tmp_path / "wall"
    folder.mkdir()
    (folder / "vegg.txt").write_text("Notat\n\n" + wall + "\n", encoding="utf-8")
    report = syncer.sync([folder])
    assert report.ok and report.chunks > 100
    layout = Layout(settings.data_dir)
    assert max(c.end - c.start for c in read_chunks(layout, read_pointer(layout))) <= MAX_CHUNK_CHARS
    answerer = ExtractiveAnswerer(live=LiveIndex(settings.store(), layout, syncer._embedder), scorer=word_scorer)
    ans = answerer.answer("Hva sier notatet om læreplass og veiledning?")
    assert len(ans.text) <= MAX_ANSWER and all(len(c.quote) <= MAX_QUOTE + 2 for c in ans.citations)


def test_mostly_undecodable_bytes_are_refused_as_binary():
    import random

    from avtalebot.errors import IngestError

    rng = random.Random(5)
    junk = bytes(rng.randrange(0x80, 0x100) for _ in range(40_000))  # no NUL, no low control bytes
    with pytest.raises(IngestError, match="undecodable"):
        parse_bytes(junk, "junk.txt")
    latin1 = "Samarbeidsavtale for Møre og Romsdal: ungdom får læreplass.\n".encode("latin-1") * 50
    assert "Møre" in parse_bytes(latin1, "gammel.txt").text  # a real latin-1 file still reads


# 4. A huge question is cut (and the answer says so); askers do not queue behind one engine lock.
def test_a_huge_question_is_cut_before_it_is_embedded(syncer, settings, corpus_copy, word_scorer):
    from avtalebot.answer.extractive import MAX_QUESTION_CHARS, ExtractiveAnswerer
    from tests.fakes import HashEmbeddings
    from vectorstore.retriever import LiveIndex
    from vectorstore.snapshots import Layout

    class Recording(HashEmbeddings):
        def __init__(self):
            super().__init__()
            self.queries: list[str] = []

        def embed_query(self, text):
            self.queries.append(text)
            return super().embed_query(text)

    syncer.sync([corpus_copy])
    embedder = Recording()
    answerer = ExtractiveAnswerer(live=LiveIndex(settings.store(), Layout(settings.data_dir), embedder), scorer=word_scorer)
    question = "Hva er aldersgrensen for Aktiv mot læreplass? " + "bla " * 12_500  # ≈ 50 kB
    ans = answerer.answer(question)
    assert embedder.queries and max(len(q) for q in embedder.queries) <= MAX_QUESTION_CHARS
    assert ans.text.startswith("(Spørsmålet var svært langt; jeg leste de første 1000 tegnene.)")
    assert "(Spørsmålet var" not in answerer.answer("Hva er aldersgrensen for Aktiv mot læreplass?").text


def test_the_e5_embedder_lets_askers_embed_at_the_same_time():
    """Two questions are inside the engine at once (a held lock would keep the second one out)."""
    import threading

    from vectorstore.embedders import E5SmallEmbeddings

    both_inside = threading.Barrier(2, timeout=10)

    class Engine:  # stands in for the C engine: each call waits until the other one is inside too
        dim = 3

        def query(self, text):
            both_inside.wait()
            return [1.0, 0.0, 0.0]

    embedder = E5SmallEmbeddings.__new__(E5SmallEmbeddings)
    embedder._model = Engine()
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(embedder.embed_query("q"))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=15)
    assert len(results) == 2  # with a process-wide lock the barrier breaks and no thread returns






def test_a_snapshot_missing_vectors_is_refused_at_load(syncer, settings, corpus_copy):
    from avtalebot.errors import IndexCorruptError
    from vectorstore.index import load_index
    from vectorstore.reader import read_manifest
    from vectorstore.snapshots import Layout, read_pointer

    syncer.sync([corpus_copy])
    layout = Layout(settings.data_dir)
    index = load_index(settings.store(), layout, syncer._embedder)
    some = next(iter(index.chunks))
    index.dense._store._collection.delete(ids=[some])
    index.close()
    with pytest.raises(IndexCorruptError, match="rebuild"):
        load_index(settings.store(), layout, syncer._embedder)
    assert read_manifest(layout, read_pointer(layout))["chunk_count"] == len(index.chunks)


def _handles_under(directory) -> int:
    """How many of this process's file descriptors point at files under `directory` (Linux /proc)."""
    root = os.path.realpath(directory) + os.sep
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.path.realpath(os.readlink(f"/proc/self/fd/{fd}")).startswith(root)
        except OSError:  # closed while listing
            pass
    return count


def test_a_load_refused_after_the_chroma_client_opened_leaves_no_more_open_than_a_closed_index(
    syncer, settings, corpus_copy
):
    """The vector count is checked after the Chroma client is made; refusing the snapshot there
    must close that client like closing a loaded index does: Chroma caches the client's system by
    path, so an unclosed one keeps its files open for the life of the process, garbage collection
    or not (7 handles before this fix)."""
    from avtalebot.errors import IndexCorruptError
    from vectorstore.index import load_index
    from vectorstore.snapshots import Layout, read_pointer

    syncer.sync([corpus_copy])
    layout = Layout(settings.data_dir)
    chroma_dir = layout.snapshot(read_pointer(layout)) / "chroma"
    index = load_index(settings.store(), layout, syncer._embedder)
    index.dense._store._collection.delete(ids=[next(iter(index.chunks))])
    index.close()
    gc.collect()  # a closed index's last handle can wait for a collection (CI saw 1 here, then 0)
    closed = _handles_under(chroma_dir)
    for _ in range(3):
        with pytest.raises(IndexCorruptError):
            load_index(settings.store(), layout, syncer._embedder)
        gc.collect()  # the refused load's frames, held by the exception, are cycles
        assert _handles_under(chroma_dir) <= closed


def test_dense_ranking_is_exact_and_hnsw_agrees_on_a_small_index(syncer, settings, corpus_copy, fake_embedder):
    """Up to `exact_up_to` chunks the dense ranking is every chunk vector scored, best first, ties by
    id; above it HNSW proposes and the same vectors score, which on a small index finds the same."""
    import numpy as np

    from vectorstore.index import load_index
    from vectorstore.retriever import HybridRetriever
    from vectorstore.snapshots import Layout

    syncer.sync([corpus_copy])
    index = load_index(settings.store(), Layout(settings.data_dir), fake_embedder)
    exact = HybridRetriever(index, fake_embedder, candidates=10)
    approximate = HybridRetriever(index, fake_embedder, candidates=10, exact_up_to=0)
    rows, ids = index.chunks.vector_rows()
    for q in ["Hvem kan delta i Aktiv mot læreplass", "oppsigelse av avtalen", "kontaktperson NAV"]:
        vector = fake_embedder.embed_query(q)
        sims = index.chunk_vectors.similarities_all(np.asarray(vector, dtype=np.float32))[rows]
        brute = sorted(zip(ids, sims.tolist(), strict=True), key=lambda p: (-p[1], p[0]))[:10]
        assert exact.dense(vector) == brute
        assert [cid for cid, _ in approximate.dense(vector)] == [cid for cid, _ in brute]
    index.close()
