"""The contact directory: one entry per person across agreements, each source cited with its
agreement's validity, in the CLI (JSON and text) and in Slack (`/avtale kontakt`)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from avtalebot.directory import contact_directory
from avtalebot.types import DocRecord
from ingest.pipeline import parse_bytes, parse_file
from tests.agreements import AGREEMENTS, ROGALAND
from tests.agreements import ingest_agreements as _ingest
from tests.fakes import HashEmbeddings
from tests.slack_fake import command_body
from tests.slack_harness import Bot, bot_settings

AS_OF = date(2026, 11, 22)


def _docs(parsed) -> tuple[dict, dict]:
    docs = {
        d.doc_id: DocRecord(doc_id=d.doc_id, source=d.source, title=d.title, raw_meta=d.meta.to_dict())
        for d in parsed
    }
    texts = {d.doc_id: d.text for d in parsed}
    return docs, texts


def _directory(parsed, query: str = ""):
    docs, texts = _docs(parsed)
    return contact_directory(
        docs, text_of=texts.__getitem__, chunk_id_at=lambda d, o: f"{d}:{o}", as_of=AS_OF, query=query
    )


@pytest.fixture(scope="module")
def rogaland():
    return [parse_file(AGREEMENTS / s, s, 10**8) for s in ROGALAND]


def test_people_in_both_versions_are_merged_and_old_only_contacts_marked(rogaland):
    entries = {e.name: e for e in _directory(rogaland)}
    ingvild = entries["Ingvild Bore"]
    assert [s.source for s in ingvild.sources] == [ROGALAND[1], ROGALAND[0]]  # in force first
    assert [s.status for s in ingvild.sources] == ["in_force", "superseded"]
    assert ingvild.sources[1].superseded_by == ROGALAND[1] and ingvild.current
    assert ingvild.email == "ingvild.bore@rogalandfylke.no" and ingvild.phone == "938 51 760"
    assert "Ingvild Bore" in ingvild.sources[0].quote and "ingvild.bore@" in ingvild.sources[0].quote
    old = entries["Per Egil Sandvik"]  # only in the 2021–2024 agreement
    assert not old.current and [s.status for s in old.sources] == ["superseded"]
    listed = [e for e in entries.values() if e.current]
    assert len(listed) == 5 and all(len(e.sources) in (1, 2) for e in listed)


def test_query_matches_name_role_organisation_and_agreement(rogaland):
    assert [e.name for e in _directory(rogaland, "haugalandet")] == ["Ingvild Bore"]
    assert [e.name for e in _directory(rogaland, "Linn tjensvoll")] == ["Linn Helene Tjensvoll"]
    assert {e.name for e in _directory(rogaland, "koordinator")} == {"Mons Kvernaland"}
    assert len(_directory(rogaland, "Rogaland 2025")) == 5  # words of the agreement's title
    assert _directory(rogaland, "Finnmark") == []


def test_same_name_with_different_addresses_stays_two_people():
    a = parse_bytes(
        "Avtale A\n\nKontakt: Ola Nordmann, rådgiver, ola.nordmann@nav.no\n".encode(), "a.txt", "a.txt"
    )
    b = parse_bytes(
        "Avtale B\n\nKontakt: Ola Nordmann, lærer, ola.nordmann@skole.no\n".encode(), "b.txt", "b.txt"
    )
    entries = _directory([a, b], "ola")
    assert sorted(e.email for e in entries) == ["ola.nordmann@nav.no", "ola.nordmann@skole.no"]


def test_contacts_command_json_and_text(tmp_path):
    data = _ingest(tmp_path, ROGALAND)
    cli = [sys.executable, "-m", "avtalebot", "--data-dir", str(data), "contacts"]
    env_run = dict(capture_output=True, text=True, timeout=120)
    res = subprocess.run([*cli, "haugalandet", "--json", "--as-of", "2026-11-22"], **env_run)
    assert res.returncode == 0, res.stderr
    (one,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert {"name", "role", "organisation", "email", "phone", "sources"} <= set(one)
    assert one["name"] == "Ingvild Bore" and len(one["sources"]) == 2
    assert one["sources"][0]["chunk_id"] and one["sources"][1]["status"] == "superseded"
    text = subprocess.run([*cli, "Sandvik", "--as-of", "2026-11-22"], **env_run).stdout
    assert "Per Egil Sandvik" in text and "no longer in force" in text and "SUPERSEDED by a09" in text
    empty = subprocess.run(
        [sys.executable, "-m", "avtalebot", "--data-dir", str(tmp_path / "none"), "contacts"], **env_run
    )
    assert empty.returncode == 2 and "avtalebot ingest" in empty.stderr and "Traceback" not in empty.stderr


def test_slack_contact_command_end_to_end(tmp_path, fake):
    data = _ingest(tmp_path, [*ROGALAND, "b06_innlandet-kvp-rettleiar-vestre-slidre.txt"])
    bot = Bot(bot_settings(data, fake, embedder="hash"), HashEmbeddings(), fake)
    try:
        bot.send_form(command_body("/avtale", "kontakt Sandvik", fake.url + "/response/c1"))
        resp = fake.wait_for("response_url")[0]["args"]
        blob = json.dumps(resp["blocks"], ensure_ascii=False)
        assert resp["response_type"] == "ephemeral" and "Per Egil Sandvik" in blob
        assert "per.egil.sandvik@nav.no" in blob and "Står bare i avtaler som ikke lenger gjelder" in blob
        assert "erstattet" in blob and "Per Egil Sandvik" in blob.split("erstattet")[1]  # the cited quote
        texts = [t for b in resp["blocks"] for t in [b.get("text"), *b.get("elements", [])] if t]
        assert texts and all(t["type"] == "plain_text" for t in texts)  # document text never mrkdwn
        bot.send_form(command_body("/avtale", "contact Bore", fake.url + "/response/c2"))
        resp = fake.wait_for("response_url", 2)[1]["args"]
        blob = json.dumps(resp["blocks"], ensure_ascii=False)
        assert "Ingvild Bore" in blob and "in force" in blob and "superseded" in blob
        bot.send_form(command_body("/avtale", "kontakt Finnmark", fake.url + "/response/c3"))
        resp = fake.wait_for("response_url", 3)[2]["args"]
        assert "Fant ingen kontaktpersoner" in resp["text"]
        assert fake.calls_to("chat.postMessage") == []  # the directory is shown only to the asker
    finally:
        bot.stop()
