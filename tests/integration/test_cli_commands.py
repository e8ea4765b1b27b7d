"""Every command the README documents, run end to end as a user would (real e5, real Chroma).
A command no test runs is a command that can crash unnoticed (`feedback export` once did)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import CORPUS, DEV, ROOT

pytestmark = pytest.mark.integration

COVERED = {
    "ingest", "ask", "eval", "calibrate", "status", "contacts", "obligations", "watch", "slack", "bench",
    "feedback", "web",
}  # fmt: skip


def documented_commands() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = "\n".join(re.findall(r"```(?:bash)?\n(.*?)```", readme, re.S))
    return set(re.findall(r"^\s*(?:[A-Z_]+=\S+\s+)*avtalebot ([a-z][a-z-]*)", blocks, re.M))


def test_every_documented_command_is_covered_here():
    assert documented_commands() <= COVERED, documented_commands() - COVERED


def test_documented_commands_run_end_to_end(tmp_path):
    data = tmp_path / "data"
    cli = [sys.executable, "-m", "avtalebot", "--data-dir", str(data)]

    def run(*args: str, ok: bool = True, **kw) -> subprocess.CompletedProcess:
        res = subprocess.run([*cli, *args], capture_output=True, text=True, timeout=600, **kw)
        assert "Traceback" not in res.stderr, res.stderr[-2000:]
        if ok:
            assert res.returncode == 0, (args, res.stderr[-2000:])
        return res

    assert "Indexed 5 documents" in run("ingest", str(CORPUS)).stdout
    assert "Kilder:" in run("ask", "Hva er aldersgrensen for Aktiv mot læreplass?").stdout
    one = json.loads(run("ask", "Until when is the Østfold agreement valid?", "--json").stdout)
    assert one["lang"] == "en" and one["citations"]
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "x", "q": "Hva er YrkesKomp?"}\n', encoding="utf-8")
    assert json.loads(run("ask", "--batch", str(batch), "--json").stdout)["id"] == "x"
    assert json.loads(run("eval", str(DEV), "--json").stdout)["questions"] == 25
    assert "5 documents" in run("status").stdout
    docs = json.loads(run("status", "--json").stdout)["documents"]
    assert {"source", "title", "parties", "valid_from", "valid_to", "status", "superseded_by"} <= set(docs[0])
    (tony,) = [json.loads(x) for x in run("contacts", "Tony", "--json").stdout.splitlines()]
    assert tony["email"] == "tony.jonsen@nav.no" and tony["sources"][0]["source"] == "004_3f3d23caf682b2ed.txt"
    assert "Tony Jonsen" in run("contacts").stdout
    assert run("watch", str(CORPUS), "--interval", "0.1", "--once").returncode == 0
    assert "no obligations found" in run("obligations", "--party", "nobody").stdout
    refused = run("web", ok=False)  # never served without a way to log in
    assert refused.returncode == 2 and "AVTALEBOT_WEB_TOKEN" in refused.stderr
    _serve_the_site(cli, tmp_path)

    from avtalebot.feedback import FeedbackStore
    from avtalebot.types import Answer

    store = FeedbackStore(data / "feedback.sqlite")
    answer_id = store.save_answer("Hva er YrkesKomp?", Answer("svar [1]"), user="U1", channel="C1", thread_ts="1")
    store.add_feedback(answer_id, "down", "U2")
    store.close()
    out = tmp_path / "fb.jsonl"
    res = run("feedback", "export", "--out", str(out))
    assert "exported 1 feedback records" in res.stderr
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["vote"] == "down"

    cal = run("calibrate", str(DEV), "--dry-run")
    assert "Cross-validated" in cal.stdout and "In-sample" in cal.stdout and "dry run" in cal.stdout
    bad = run("bench", "--sizes", "abc", ok=False)
    assert bad.returncode == 2 and "--sizes" in bad.stderr
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("SLACK_")}
    slack = run("slack", "--mode", "http", "--port", "0", ok=False, env=env)
    assert slack.returncode == 2 and "SLACK_SIGNING_SECRET" in slack.stderr
    # Socket Mode (the README's path) names what it needs, and not HTTP mode's signing secret
    socket = run("slack", ok=False, env=env)
    assert socket.returncode == 2 and "SLACK_BOT_TOKEN and SLACK_APP_TOKEN" in socket.stderr
    assert "SIGNING" not in socket.stderr
    # tokens given, Slack unreachable: retried with backoff, then one line (no traceback, checked by run)
    from tests.conftest import free_port

    down = {**env, "SLACK_BOT_TOKEN": "xoxb-fake", "SLACK_APP_TOKEN": "xapp-fake",
            "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/", "AVTALEBOT_SLACK_CONNECT_TIMEOUT_S": "2"}  # fmt: skip
    unreachable = run("slack", ok=False, env=down)
    assert unreachable.returncode == 2 and "unreachable" in unreachable.stderr
    errors = [line for line in unreachable.stderr.splitlines() if line.startswith("avtalebot:")]
    assert len(errors) == 1 and "SLACK_API_URL" in errors[0], unreachable.stderr[-1500:]
    assert "will be unused" not in unreachable.stderr


def _serve_the_site(cli: list[str], tmp_path) -> None:
    """`avtalebot web` serves on 127.0.0.1, answers a script's Bearer request, and stops on SIGTERM."""
    import os
    import time
    import urllib.request

    from tests.conftest import free_port

    port = free_port()
    env = {**os.environ, "AVTALEBOT_WEB_TOKEN": "cli-test-token-long-enough"}
    proc = subprocess.Popen([*cli, "web", "--port", str(port)], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline, body = time.time() + 120, ""
        while time.time() < deadline:
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/documents", headers={"Authorization": "Bearer cli-test-token-long-enough"}
                )
                with urllib.request.urlopen(req, timeout=5) as resp:
                    body = resp.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert "004_3f3d23caf682b2ed.txt" in body
    finally:
        proc.terminate()
        proc.wait(timeout=30)
