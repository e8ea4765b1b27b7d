"""Chroma in server mode against a real `chroma run`, and the sentence-transformers embedder."""

import pytest

from avtalebot.errors import EmbedderMismatchError
from avtalebot.settings import Settings
from avtalebot.sync import Syncer
from avtalebot.wiring import build_app
from tests.conftest import CORPUS
from vectorstore.index import load_index
from vectorstore.snapshots import Layout

pytestmark = pytest.mark.integration


def test_server_mode_ingest_and_answer(chroma_server, tmp_path, e5_embedder):
    host, port = chroma_server
    settings = Settings(data_dir=tmp_path / "data", chroma_host=host, chroma_port=port)
    report = Syncer(settings, Layout(settings.data_dir), e5_embedder).sync([CORPUS])
    assert report.ok and report.documents == 5
    assert not (
        settings.data_dir / "snapshots" / report.snapshot_id / "chroma"
    ).exists()  # vectors on the server
    app = build_app(settings, embedder=e5_embedder)
    ans = app.answerer.answer("Hvem signerte avtalen for Østfold fylkeskommune?")
    assert "Sindre Martinsen-Evje" in ans.text and ans.citations[0].source.startswith("003_")
    index = load_index(settings.store(), Layout(settings.data_dir), e5_embedder)
    assert index.dense.count() == report.chunks


def test_server_unreachable_is_a_clear_error(tmp_path, e5_embedder):
    from avtalebot.errors import ConfigError
    from tests.conftest import free_port

    settings = Settings(data_dir=tmp_path / "d", chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(ConfigError, match="cannot reach the Chroma server"):
        Syncer(settings, Layout(settings.data_dir), e5_embedder).sync([CORPUS])


def test_sentence_transformers_backend_offline(tmp_path, monkeypatch, e5_embedder):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from vectorstore.embedders import build_embedder

    settings = Settings(data_dir=tmp_path / "data", embedder="sentence-transformers:all-MiniLM-L6-v2")
    embedder = build_embedder(settings.embedder)
    assert embedder.name == "sentence-transformers:all-MiniLM-L6-v2"
    vec = embedder.embed_query("agreement signed")
    assert len(vec) == 384 and abs(sum(v * v for v in vec) - 1.0) < 1e-3
    report = Syncer(settings, Layout(settings.data_dir), embedder).sync([CORPUS])
    assert report.ok and report.embedded == report.chunks
    app = build_app(settings, embedder=embedder)
    retriever = app.live.retriever()
    hits = retriever.retrieve(retriever.embed_query("Aktiv mot læreplass"), ["aktiv", "læreplass"], k=4)
    assert hits and hits[0].chunk.source.startswith("000_")
    with pytest.raises(EmbedderMismatchError, match="sentence-transformers:all-MiniLM-L6-v2"):
        load_index(settings.store(), Layout(settings.data_dir), e5_embedder)
