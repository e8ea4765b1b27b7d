"""A contact from a document about another place (here a superseded Viken
agreement) must not lead the answer to 'who is the contact for X in Oslo'. Black-box through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import CORPUS

pytestmark = pytest.mark.integration

VIKEN = """Samarbeidsavtale om Jobbsjansen i Viken

Viken fylkeskommune og NAV Øst-Viken har inngått en avtale om Jobbsjansen for unge voksne.
Avtalen gjelder fra 1. januar 2021 til og med 31. desember 2023.

Kontaktperson for Jobbsjansen er Per Hansen, rådgiver i Viken fylkeskommune, per.hansen@viken.no.
"""
OSLO = """Jobbsjansen i Oslo

Jobbsjansen er et tilbud til innvandrerkvinner i Oslo som står langt fra arbeidslivet. NAV Oslo og
bydelene samarbeider om tilbudet. Deltakerne får opplæring i norsk og arbeidspraksis.

Kontaktperson for Jobbsjansen i Oslo er Kari Nordmann, seniorrådgiver i NAV Oslo, kari.nordmann@nav.no.
"""


def test_contact_from_another_place_does_not_lead(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "viken-jobbsjansen.txt").write_text(VIKEN, encoding="utf-8")
    (corpus / "oslo-jobbsjansen.txt").write_text(OSLO, encoding="utf-8")
    run = [sys.executable, "-m", "avtalebot", "--data-dir", str(tmp_path / "data")]
    subprocess.run([*run, "ingest", str(corpus)], capture_output=True, text=True, check=True)
    for q in ("Hvem er kontaktperson for Jobbsjansen i Oslo?", "Who is the contact person for Jobbsjansen in Oslo?"):
        out = subprocess.run([*run, "ask", q, "--json"], capture_output=True, text=True, check=True).stdout
        answer = json.loads(out)
        first = answer["answer"].split("\n\n")[0]
        assert "Kari Nordmann" in first and "Per Hansen" not in first, (q, answer["answer"])
        assert answer["citations"][0]["source"] == "oslo-jobbsjansen.txt"
