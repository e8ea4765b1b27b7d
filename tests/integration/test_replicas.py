"""Two real bot processes in HTTP mode behind one load balancer's worth of traffic: one Chroma
server, one PostgreSQL database (AVTALEBOT_DATABASE_URL). Slack delivers the same signed event to
both and retries it; exactly one answer must reach the channel, and a vote given through one
process must be exported by another."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import CORPUS, free_port
from tests.servers import wait_health as _wait_health
from tests.slack_fake import FakeSlack, action_body, event_body, feedback_value, mention, post, sign

pytestmark = pytest.mark.integration
SECRET = "s3cret-replicas"


def _cli(data, *args) -> list[str]:
    return [sys.executable, "-m", "avtalebot", "--data-dir", str(data), *args]


def _deliver(port: int, body: str, retry: int | None = None) -> int:
    headers = sign(SECRET, body)
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    status, _, _ = post(f"http://127.0.0.1:{port}/slack/events", body, headers, "application/json")
    return status


@pytest.fixture
def replicas(tmp_path, chroma_server, pg_database):
    host, cport = chroma_server
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-replica-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "AVTALEBOT_CHROMA_HOST": host,
        "AVTALEBOT_CHROMA_PORT": str(cport),
        "AVTALEBOT_DATABASE_URL": pg_database,
    }
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    subprocess.run(_cli(data, "ingest", str(corpus)), check=True, capture_output=True, env=env)
    for n in (1, 2):  # a data dir each, as on two hosts: only Chroma and the database are shared
        shutil.copytree(data, tmp_path / f"data{n}")
    fake = FakeSlack().start()
    ports = [free_port(), free_port()]
    procs = [
        subprocess.Popen(
            _cli(tmp_path / f"data{n}", "slack", "--mode", "http", "--host", "127.0.0.1", "--port", str(p)),
            env={**env, "SLACK_API_URL": fake.base_url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, p in enumerate(ports, start=1)
    ]
    try:
        for p, proc in zip(ports, procs, strict=True):
            _wait_health(p, process=proc)
        yield fake, ports, env, tmp_path
    finally:
        errs = []
        for proc in procs:
            proc.terminate()
            try:
                errs.append(proc.communicate(timeout=15)[1])
            except subprocess.TimeoutExpired:
                proc.kill()
                errs.append(proc.communicate()[1])
        fake.stop()
    for err in errs:
        assert "xoxb-replica-test" not in err and SECRET not in err and "Traceback" not in err, err[-2000:]


def test_two_bot_processes_answer_a_delivered_and_retried_event_once(replicas):
    fake, ports, env, tmp_path = replicas
    body = event_body(mention("Hvem kan delta i Aktiv mot læreplass?", "1700.000"), "EvReplica1")
    statuses: list[int] = []
    start = threading.Barrier(2)

    def both(port: int) -> None:
        start.wait()
        statuses.append(_deliver(port, body))

    threads = [threading.Thread(target=both, args=(p,)) for p in ports]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200, 200]
    posted = fake.wait_for("chat.postMessage", 1, timeout=60)
    for n, port in enumerate(ports, start=1):  # Slack's retries, to each replica, while and after answering
        assert _deliver(port, body, retry=n) == 200
    time.sleep(3)  # time for a second answer to arrive, were one coming
    posted = fake.calls_to("chat.postMessage")
    assert len(posted) == 1, [p["args"].get("text", "")[:80] for p in posted]
    assert "24" in posted[0]["args"]["text"]
    assert len(fake.calls_to("reactions.add")) <= 1  # the working sign, too, from one process only

    # the vote goes to the other process than the one that answered (or to both: no matter which)
    up = feedback_value(posted[0]["args"]["blocks"], "up")
    form = action_body("answer_feedback", up, fake.url + "/response/1", user="U7", kind="feedback_buttons")
    for port in ports[1:]:
        status, _, _ = post(f"http://127.0.0.1:{port}/slack/events", form, sign(SECRET, form),
                            "application/x-www-form-urlencoded")  # fmt: skip
        assert status == 200
    fake.wait_for("chat.postEphemeral", 1, timeout=30)

    # exported by a third process with an empty data dir: the vote lives in the database
    out = subprocess.run(
        _cli(tmp_path / "elsewhere", "feedback", "export"),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["vote"], r["user"], r["question"]) for r in rows] == [
        ("up", "U7", "Hvem kan delta i Aktiv mot læreplass?")
    ]
    assert rows[0]["citations"], rows[0]
