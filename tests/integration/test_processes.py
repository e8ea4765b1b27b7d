"""Crash safety and two processes on one index: kill -9 of a reindex at several points, questions
during reindexes, and a running bot that sees what a separate `avtalebot ingest` adds."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

from avtalebot.settings import Settings
from avtalebot.sync import Syncer
from avtalebot.wiring import build_app
from tests.conftest import CORPUS, DEV, free_port
from tests.servers import wait_health as _wait_health
from tests.slack_fake import FakeSlack, event_body, mention, post, sign
from vectorstore.reader import read_chunks
from vectorstore.snapshots import Layout, read_pointer, stale_builds

pytestmark = pytest.mark.integration
AGDER = (
    "Jobbsjansen i Agder\n\nNAV Agder og Agder fylkeskommune har inngått en avtale om Jobbsjansen, et "
    "kvalifiseringstilbud for hjemmeværende innvandrerkvinner. Samarbeidsavtalen gjelder ut 2028.\n"
)
QUESTIONS = [json.loads(line)["q"] for line in DEV.read_text().splitlines()]


def cli(data, *args, env=None, **kw):
    return [sys.executable, "-m", "avtalebot", "--data-dir", str(data), *args]


def answers(data, embedder) -> list[str]:
    app = build_app(Settings(data_dir=data), embedder=embedder)
    return [app.answerer.answer(q).text for q in QUESTIONS]


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, e5_embedder):
    root = tmp_path_factory.mktemp("crash")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    subprocess.run(cli(root / "data", "ingest", str(corpus)), check=True, capture_output=True)
    return root, answers(root / "data", e5_embedder)


def _run_until(cmd, marker: str, env: dict, timeout: float = 180) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen, lines = threading.Event(), []

    def reader():
        for line in proc.stderr:
            lines.append(line)
            if marker in line:
                seen.set()
        seen.set()  # the process ended

    threading.Thread(target=reader, daemon=True).start()
    seen.wait(timeout)
    assert any(marker in line for line in lines), f"never reached {marker}: {''.join(lines)[-3000:]}"
    return proc


def _restore(root) -> None:
    (root / "corpus" / "agder.txt").unlink(missing_ok=True)
    subprocess.run(cli(root / "data", "ingest", str(root / "corpus")), check=True, capture_output=True)


@pytest.mark.parametrize("point", ["embedded", "stored", "written", "renamed", "published"])
def test_kill_9_during_reindex_leaves_a_whole_index(indexed, e5_embedder, point):
    root, baseline = indexed
    data = root / "data"
    before = read_pointer(Layout(data))
    (root / "corpus" / "agder.txt").write_text(AGDER, encoding="utf-8")
    try:
        proc = _run_until(
            cli(data, "ingest", str(root / "corpus")),
            f"FAILPOINT {point}",
            {**os.environ, "AVTALEBOT_FAILPOINT": point},
        )
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        after = read_pointer(Layout(data))
        assert (after != before) if point == "published" else (after == before)
        killed = answers(data, e5_embedder)  # a whole index either way: the old one, or the new one
        if point != "published":
            assert killed == baseline
        done = subprocess.run(
            cli(data, "ingest", str(root / "corpus"), "--json"), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        if point == "published":
            assert answers(data, e5_embedder) == killed

        assert stale_builds(Layout(data)) == []
        app = build_app(Settings(data_dir=data), embedder=e5_embedder)
        assert "Jobbsjansen" in app.answerer.answer("Hva er Jobbsjansen i Agder?").text
    finally:
        _restore(root)


def test_kill_9_at_an_arbitrary_moment(indexed, e5_embedder):
    root, baseline = indexed
    data = root / "data"
    proc = subprocess.Popen(
        cli(data, "ingest", str(root / "corpus"), "--rebuild"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert answers(data, e5_embedder) == baseline
    _restore(root)
    assert answers(data, e5_embedder) == baseline


def test_fifty_concurrent_questions_during_reindexes(e5_data, e5_embedder, tmp_path):
    data = e5_data
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(data_dir=data)
    app = build_app(settings, embedder=e5_embedder)
    syncer = Syncer(settings, Layout(data), e5_embedder)
    chunk_sets = {
        read_pointer(Layout(data)): {
            c.chunk_id for c in read_chunks(Layout(data), read_pointer(Layout(data)))
        }
    }
    stop, errors, results = threading.Event(), [], []

    def ask(i):
        while not stop.is_set():
            try:
                results.append(app.answerer.answer(QUESTIONS[i % len(QUESTIONS)]))
            except Exception as exc:  # any error fails the test
                errors.append(repr(exc))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for k in range(4):
        extra = corpus / "agder.txt"
        if k % 2 == 0:
            extra.write_text(AGDER, encoding="utf-8")
        else:
            extra.unlink()
        report = syncer.sync([corpus])
        chunk_sets[report.snapshot_id] = {c.chunk_id for c in read_chunks(Layout(data), report.snapshot_id)}
        time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) >= 50
    snapshots_used = {a.snapshot for a in results if a.citations}
    assert len(snapshots_used) >= 2  # questions really were answered across reindexes
    for a in results:
        if a.citations:  # every citation of an answer comes from the one snapshot it was answered from
            assert {c.chunk_id for c in a.citations if c.chunk_id} <= chunk_sets[a.snapshot]


def _ask_bot(port: int, fake: FakeSlack, question: str, ts: str) -> str:
    before = len(fake.calls_to("chat.postMessage"))
    body = event_body(mention(question, ts), f"Ev{ts}")
    status, _, _ = post(
        f"http://127.0.0.1:{port}/slack/events", body, sign("s3cret", body), "application/json"
    )
    assert status == 200
    return fake.wait_for("chat.postMessage", before + 1, timeout=60)[before]["args"]["text"]


@pytest.mark.parametrize("server_mode", [False, True], ids=["embedded", "server"])
def test_running_bot_answers_from_a_document_another_process_ingested(tmp_path, server_mode, request):
    env = {**os.environ, "SLACK_BOT_TOKEN": "xoxb-proc-test", "SLACK_SIGNING_SECRET": "s3cret"}
    if server_mode:
        host, cport = request.getfixturevalue("chroma_server")
        env |= {"AVTALEBOT_CHROMA_HOST": host, "AVTALEBOT_CHROMA_PORT": str(cport)}
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    subprocess.run(cli(data, "ingest", str(corpus)), check=True, capture_output=True, env=env)
    fake = FakeSlack().start()
    port = free_port()
    bot = subprocess.Popen(
        cli(data, "slack", "--mode", "http", "--host", "127.0.0.1", "--port", str(port)),
        env={**env, "SLACK_API_URL": fake.base_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_health(port, process=bot)
        first = _ask_bot(port, fake, "Hva er Jobbsjansen i Agder?", "1.000")
        assert "Jobbsjansen" not in first
        (corpus / "agder.txt").write_text(AGDER, encoding="utf-8")
        ing = subprocess.run(cli(data, "ingest", str(corpus)), capture_output=True, text=True, env=env)
        assert ing.returncode == 0, ing.stderr
        second = _ask_bot(port, fake, "Hva er Jobbsjansen i Agder?", "2.000")
        assert "Jobbsjansen" in second and "innvandrerkvinner" in second
    finally:
        bot.terminate()
        try:
            _, err = bot.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            bot.kill()
            _, err = bot.communicate()
        fake.stop()
    assert "xoxb-proc-test" not in err and "s3cret" not in err
