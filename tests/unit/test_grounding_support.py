"""The sentence check on the contradictions a scripted model got through before: each must fail
against the real passage, and the faithful restatements must pass."""

from __future__ import annotations

import pytest

from avtalebot.answer.grounding import Evidence, check
from avtalebot.answer.support import inert, normalise_citations, quantities
from tests.conftest import CORPUS

PASSAGE = next(  # the sample corpus's own line, as written (a no-break space included)
    line.strip()
    for line in (CORPUS / "000_79bbc97b4693ca02.txt").read_text(encoding="utf-8").splitlines()
    if "er et kurs for ungdom under 24 år" in line
)
Q = "Hvem kan delta på Aktiv mot læreplass?"


def _ok(sentence: str) -> tuple[bool, str]:
    c = check(sentence, {1: Evidence.of(PASSAGE)}, Q)
    return c.ok, c.reason


@pytest.mark.parametrize(
    "sentence",
    [
        "Aktiv mot læreplass er et kurs for ungdom under 24 år som ikke har fått læreplass [1].",
        "Kandidatene må ha gjennomført Vg1 og Vg2 yrkesfag [1].",
        "Kurset gjennomføres i Drammen og Hokksund [1].",
        "Tiltaket er et samarbeid mellom NAV, Viken fylkeskommune og Sonans Karriere [1].",
        "Kandidatene trenger ikke å ha bestått i alle fag [1].",
    ],
)
def test_faithful_sentences_pass(sentence):
    assert _ok(sentence) == (True, "")


@pytest.mark.parametrize(
    "sentence",
    [
        "Kurset er åpent for alle aldre [1].",  # a contradiction with no number or name
        "Aktiv mot læreplass er ikke et kurs for ungdom under 24 år [1].",  # a negation
        "Kandidatene trenger å ha bestått i alle fag [1].",  # a negation dropped
        "Sonans Karriere alene, uten NAV, gjennomfører kurset [1].",  # the wrong party
        "YrkesKomp er et kurs for ungdom under 24 år [1].",  # the wrong programme
        "Kurset varer i 2 år [1].",  # a number inside a token (Vg2)
        "Kurset er for ungdom under atten år [1].",  # a number word
        "Kurset er for ungdom under 24 måneder [1].",  # a swapped unit
        "Kenneth Dram leder kurset [1].",  # a made-up name first, a fragment of Drammen
        "Kurset holdes i Dram [1].",
        "Kurset er for ungdom under 24\u200b24 år [1].",  # digits split by a zero-width space
    ],
)
def test_unsupported_sentences_fail(sentence):
    ok, reason = _ok(sentence)
    assert not ok and reason, sentence


def test_number_words_and_units_are_one_quantity():
    assert ("18", "year") in quantities("under atten år") and ("24", "year") in quantities("under 24 år")
    assert ("2", "") not in quantities("Vg2") and ("24", "month") in quantities("24 måneder")


def test_model_text_is_made_inert():
    out = inert("Se <!channel> <@U123> <https://evil.example|klikk> [her](https://x.example) <script>x</script> **fet**")
    assert not any(bad in out for bad in ("<", ">", "http", "@U123", "**", "](")) and "her" in out and "klikk" not in out


def test_citation_styles_are_read():
    assert normalise_citations("Ja [1-3]. Nei [1, 2]. Kanskje (2).") == "Ja [1][2][3]. Nei [1][2]. Kanskje [2]."
