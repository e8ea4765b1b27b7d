"""Obligations per party from the command line (grouped, filtered, JSON, --diff between two
versions) and in Slack (`/avtale plikter`, parties side by side), over a real index."""

from __future__ import annotations

import json
import subprocess
import sys

from avtalebot.obligations import AgreementDuties, Duty, diff
from tests.agreements import ROGALAND
from tests.agreements import ingest_agreements as _ingest
from tests.fakes import HashEmbeddings
from tests.slack_fake import command_body
from tests.slack_harness import Bot, bot_settings


def _run(data, *args: str) -> str:
    res = subprocess.run(
        [sys.executable, "-m", "avtalebot", "--data-dir", str(data), "obligations", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    return res.stdout


def test_obligations_command_groups_filters_and_diffs(tmp_path):
    data = _ingest(tmp_path, ROGALAND)
    rows = [json.loads(x) for x in _run(data, "--county", "rogaland 2025", "--json").splitlines()]
    assert {r["source"] for r in rows} == {ROGALAND[1]}
    assert {r["party"] for r in rows} == {"Rogaland fylkeskommune", "Nav Rogaland", "Begge parter"}
    assert len(rows) == 14 and all(r["chunk_id"] and r["end"] > r["start"] for r in rows)
    assert {
        r["source"]
        for r in (json.loads(x) for x in _run(data, "--as-of", "2026-11-22", "--json").splitlines())
    } == {ROGALAND[1]}  # the 2021–2024 agreement is superseded on that day
    nav = [json.loads(x) for x in _run(data, "--party", "nav", "--json").splitlines()]
    assert nav and {r["party"].casefold() for r in nav} == {"nav rogaland"}
    text = _run(data, "--county", "rogaland")
    assert "Rogaland fylkeskommune:" in text and "SUPERSEDED by a09" in text
    changes = [json.loads(x) for x in _run(data, "--diff", "--json").splitlines()]
    kinds = sorted((c["kind"], c["party"]) for c in changes)
    assert kinds == [
        ("added", "Nav Rogaland"),
        ("changed", "Nav Rogaland"),
        ("changed", "Rogaland fylkeskommune"),
    ]
    changed = next(c for c in changes if c["party"] == "Rogaland fylkeskommune")
    assert "14 dager" in changed["old"] and "7 dager" in changed["new"]
    assert "~ Rogaland fylkeskommune" in _run(data, "--diff", ROGALAND[0], ROGALAND[1])


def _agreement(source: str, duties: dict[str, list[str]]) -> AgreementDuties:
    a = AgreementDuties(source, source, source, "in_force", None)
    for party, texts in duties.items():
        a.by_party[party] = [Duty(source, party, t, 0, len(t), "c", "in_force") for t in texts]
    return a


def test_diff_pairs_similar_obligations_and_ignores_case_of_party_names():
    old = _agreement(
        "old", {"NAV Agder": ["ha veileder på 12 skoler", "betale reise"], "Agder fylkeskommune": ["gi kurs"]}
    )
    new = _agreement("new", {"Nav Agder": ["ha veileder på 18 skoler", "betale reise", "lage plan"]})
    got = {(c.kind, c.party, c.old, c.new) for c in diff(old, new)}
    assert got == {
        ("changed", "Nav Agder", "ha veileder på 12 skoler", "ha veileder på 18 skoler"),
        ("added", "Nav Agder", "", "lage plan"),
        ("removed", "Agder fylkeskommune", "gi kurs", ""),
    }


def test_slack_duties_command_shows_parties_side_by_side(tmp_path, fake):
    data = _ingest(tmp_path, ROGALAND)
    bot = Bot(bot_settings(data, fake, embedder="hash"), HashEmbeddings(), fake)
    try:
        bot.send_form(command_body("/avtale", "plikter rogaland", fake.url + "/response/d1"))
        resp = fake.wait_for("response_url")[0]["args"]
        assert resp["response_type"] == "ephemeral"
        headers = [b for b in resp["blocks"] if b["type"] == "header"]
        assert "2025–2027" in headers[0]["text"]["text"]  # the agreement in force first
        columns = next(b for b in resp["blocks"] if b["type"] == "section" and "fields" in b)["fields"]
        assert [f["text"].split("\n")[0] for f in columns] == [
            "Rogaland fylkeskommune",
            "Nav Rogaland",
            "Begge parter",
        ]
        assert all(f["type"] == "plain_text" for f in columns)
        assert "• drive Arbeidslivsklassen med minst 60 plasser per skoleår" in columns[0]["text"]
        blob = json.dumps(resp["blocks"], ensure_ascii=False)
        assert "(i kraft)" in blob and "(erstattet)" in blob
        bot.send_form(command_body("/avtale", "duties Finnmark", fake.url + "/response/d2"))
        assert "No agreement with lists of obligations" in fake.wait_for("response_url", 2)[1]["args"]["text"]
    finally:
        bot.stop()
