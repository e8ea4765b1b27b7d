"""`avtalebot watch`: a file copied into the folder is indexed by filesystem events (or by polling
with --poll), and a bad file is reported once per version, not at every look."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from avtalebot.watch import FailureLog
from tests.conftest import CORPUS

NEW = "Jobbsjansen i Agder\n\nNAV Agder og Agder fylkeskommune har en avtale om Jobbsjansen. Samarbeidsavtalen gjelder ut 2028.\n"


def test_a_failure_is_news_once_per_version_of_the_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    log = FailureLog(tmp_path)
    failed = [("bad.txt", "binary"), ("leak.txt", "link outside")]
    assert log.new(failed) == failed
    assert log.new(failed) == []
    bad.write_bytes(b"\x00\x01\x02")  # a new version that fails too: shown again
    assert log.new(failed) == [("bad.txt", "binary")]
    assert log.new([("leak.txt", "link outside")]) == []
    assert log.new(failed) == [("bad.txt", "binary")]  # gone and back: news again


def _start(tmp_path, *extra):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = dict(os.environ, AVTALEBOT_EMBEDDER="hash", AVTALEBOT_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "avtalebot", "watch", str(corpus), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    return corpus, env, proc


def _sources(env) -> set[str]:
    res = subprocess.run([sys.executable, "-m", "avtalebot", "status", "--json"], capture_output=True, text=True, env=env)
    return {d["source"] for d in json.loads(res.stdout)["documents"]} if res.returncode == 0 else set()


def _until(check, seconds: float = 60) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("mode", [[], ["--poll", "--interval", "0.3"]], ids=["events", "poll"])
def test_a_copied_file_is_indexed_and_a_bad_one_reported_once(tmp_path, mode):
    corpus, env, proc = _start(tmp_path, *mode)
    try:
        assert _until(lambda: len(_sources(env)) == 5)
        (corpus / "bad.txt").write_bytes(b"\x00\x01\x02 binary \x00" * 10)
        (corpus / "agder.txt").write_text(NEW, encoding="utf-8")
        assert _until(lambda: "agder.txt" in _sources(env))
        (corpus / "agder.txt").write_text(NEW + "Kontaktperson er Kari Nordmann.\n", encoding="utf-8")
        time.sleep(2)  # several looks (or events) with bad.txt unchanged
        (corpus / "innlandet.txt").write_text(NEW.replace("Agder", "Innlandet"), encoding="utf-8")
        assert _until(lambda: "innlandet.txt" in _sources(env))
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert out.count("FAILED bad.txt") == 1, out
    assert "bad.txt" not in _sources(env) and out.count("added: 1") == 2


def test_ingest_logs_are_plain_lines_off_a_terminal(tmp_path):
    """Run as a service writes to a log file: no cursor escapes from progress bars, no 'snapshot
    None' or '(of 0)' when nothing was written."""
    env = dict(os.environ, AVTALEBOT_EMBEDDER="hash", AVTALEBOT_DATA_DIR=str(tmp_path / "data"))
    run = [sys.executable, "-m", "avtalebot", "ingest"]
    first = subprocess.run([*run, str(CORPUS)], env=env, capture_output=True, text=True)
    again = subprocess.run([*run, str(CORPUS)], env=env, capture_output=True, text=True)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "bad.txt").write_bytes(b"\x00\x01\x02" * 10)
    none = subprocess.run([*run, str(empty)], env={**env, "AVTALEBOT_DATA_DIR": str(tmp_path / "d2")}, capture_output=True, text=True)
    logs = first.stdout + first.stderr + again.stdout + again.stderr + none.stdout + none.stderr
    assert "\x1b[" not in logs and "\r" not in logs
    assert "reading files: 5 …" in first.stderr  # progress still shown, one line per phase
    assert "(of 0)" not in logs and "snapshot None" not in logs
    assert "no index written" in none.stdout
