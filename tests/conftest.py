"""Shared fixtures: settings on a temp data dir, the sample corpus, fake and real embedders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from avtalebot.settings import Settings
from avtalebot.sync import Syncer
from tests.fakes import HashEmbeddings
from vectorstore.snapshots import Layout

pytest_plugins = ["tests.slack_harness", "tests.postgres"]  # Slack fixtures: fake, bot; a PostgreSQL server

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DEV = ROOT / "eval" / "dev.jsonl"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in (
        "AVTALEBOT_DATA_DIR",
        "AVTALEBOT_CHROMA_HOST",
        "AVTALEBOT_EMBEDDER",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "AVTALEBOT_ANSWERER",
        "AVTALEBOT_WEB_TOKEN",
        "AVTALEBOT_WEB_TRUSTED_PROXY_HEADER",
        "AVTALEBOT_PUBLIC_URL",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def fake_embedder() -> HashEmbeddings:
    return HashEmbeddings()


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    for f in dest.iterdir():
        f.chmod(0o644)
    return dest


@pytest.fixture
def syncer(settings, fake_embedder) -> Syncer:
    return Syncer(settings, Layout(settings.data_dir), fake_embedder)


def word_scorer_params(threshold: float = 0.5):
    """Scorer parameters that rank candidates by the question's words alone and always trust the
    best one: with the hash embedder, similarities carry no meaning, so tests of the pipeline's
    mechanics (candidates, decision, composition, citations) use these instead of the fitted ones."""
    from avtalebot.answer.evidence import DECISION
    from avtalebot.answer.features import FEATURES
    from avtalebot.answer.scorer import Linear, ScorerParams

    weights = {
        "cov_ctx": 3.0, "cov_local": 2.0, "cov": 1.0, "type_any": 1.0, "type_miss": -1.0, "fact_fits": 2.0,
        "signed_asked": 2.0, "party_match": 1.0, "party_conflict": -1.0, "place_miss": -2.0,
        "leadin_other": -1.0, "leadin_list": 1.0, "not_in_force": -0.3, "doc_rank_inv": 0.5,
    }  # fmt: skip
    ranker = Linear(list(FEATURES), [0.0] * len(FEATURES), [1.0] * len(FEATURES),
                    [weights.get(f, 0.0) for f in FEATURES], -3.0)  # fmt: skip
    confident = Linear(
        list(DECISION), [0.0] * len(DECISION), [1.0] * len(DECISION), [0.0] * len(DECISION), 5.0
    )
    return ScorerParams(ranker, confident, threshold=threshold, support_ratio=0.5)


@pytest.fixture
def word_scorer():
    from avtalebot.answer.scorer import Scorer

    return Scorer(word_scorer_params())


@pytest.fixture
def answerer(syncer, settings, corpus_copy, fake_embedder, word_scorer):
    """The extractive answerer over the sample corpus (hash embedder, real Chroma, word scorer)."""
    from avtalebot.answer.extractive import ExtractiveAnswerer
    from vectorstore.retriever import LiveIndex

    syncer.sync([corpus_copy])
    return ExtractiveAnswerer(
        live=LiveIndex(settings.store(), Layout(settings.data_dir), fake_embedder), scorer=word_scorer
    )


@pytest.fixture(scope="session")
def e5_embedder():
    from vectorstore.embedders import E5SmallEmbeddings

    return E5SmallEmbeddings()


@pytest.fixture(scope="session")
def e5_index(tmp_path_factory, e5_embedder):
    """The sample corpus indexed once with the real e5 embedder and embedded Chroma."""
    data = tmp_path_factory.mktemp("e5data")
    s = Settings(data_dir=data)
    report = Syncer(s, Layout(data), e5_embedder).sync([CORPUS])
    assert report.ok and report.documents == 5
    return s


@pytest.fixture(scope="session")
def agreements_app(tmp_path_factory, e5_embedder):
    """The sample corpus and the 18 constructed agreements indexed once with e5 (about 90 s)."""
    from avtalebot.wiring import build_app

    data = tmp_path_factory.mktemp("agreements")
    settings = Settings(data_dir=data)
    assert Syncer(settings, Layout(data), e5_embedder).sync([CORPUS, ROOT / "eval" / "agreements"]).ok
    return build_app(settings, embedder=e5_embedder)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on 127.0.0.1, stopped after the session (the bench's own starter)."""
    from avtalebot.bench.chroma_server import chroma_server as start

    with start(tmp_path_factory.mktemp("chroma-server")) as server:
        yield (server.host, server.port)


@pytest.fixture
def e5_data(tmp_path, e5_index, e5_embedder) -> Path:
    """A private e5 index of the sample corpus: a fresh snapshot (its own Chroma collection ids),
    fast because the embedding cache is copied from the session index."""
    data = tmp_path / "e5data"
    (data / "cache").mkdir(parents=True)
    shutil.copy(Path(e5_index.data_dir) / "cache" / "embeddings.sqlite", data / "cache" / "embeddings.sqlite")
    report = Syncer(Settings(data_dir=data), Layout(data), e5_embedder).sync([CORPUS])
    assert report.ok and report.embedded == 0
    return data


def pytest_collection_modifyitems(config, items):
    """The folder says the tier: everything under tests/integration/ is an integration test (real
    embedder, real servers, subprocesses), nothing under tests/unit/ may be."""
    for item in items:
        tier = Path(str(item.fspath)).resolve().relative_to(Path(__file__).resolve().parent).parts[0]
        if tier == "integration":
            item.add_marker(pytest.mark.integration)
        elif item.get_closest_marker("integration") is not None:
            raise pytest.UsageError(f"{item.nodeid} is marked integration but lives under tests/unit/")
