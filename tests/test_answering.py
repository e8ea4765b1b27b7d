"""Answering logic over a real (embedded Chroma) index built with the deterministic fake embedder."""

import pytest

from avtalebot.answer.extractive import ExtractiveAnswerer, Thresholds
from avtalebot.answer.followup import contextualize
from avtalebot.answer.query import analyse
from avtalebot.text import detect_lang
from vectorstore.retriever import LiveIndex, fuse
from vectorstore.snapshots import Layout

OPEN = Thresholds(min_confidence=0.0)  # the fake embedder's similarities are not e5's: test selection only


@pytest.fixture
def answerer(syncer, settings, corpus_copy, fake_embedder):
    syncer.sync([corpus_copy])
    return ExtractiveAnswerer(
        live=LiveIndex(settings, Layout(settings.data_dir), fake_embedder), thresholds=OPEN
    )


def test_rrf_fusion_rewards_agreement_between_rankings():
    scores = fuse([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert max(scores, key=scores.get) == "b"
    assert scores["a"] == pytest.approx(1 / 61) and scores["d"] == pytest.approx(1 / 63)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)


def test_selects_the_list_item_that_answers(answerer):
    ans = answerer.answer("Skal NAV Innlandet sende oversikt over NAV-kontakter til fylkeskommunen?")
    assert not ans.abstained
    assert "årlig oppdatert oversikt over NAV-kontakter" in ans.text
    first = ans.citations[0]
    assert first.source.startswith("002_") and "[1]" in ans.text
    assert first.quote in ans.text or first.quote.split(" … ")[-1] in ans.text
    assert first.section == "Forpliktelser" and first.chunk_id.startswith(first.doc_id)


def test_leadin_question_quotes_the_whole_list(answerer):
    ans = answerer.answer("Hvilke målsettinger har avtalen i Innlandet?")
    assert "Avtalen har følgende overordnede målsettinger:" in ans.text
    assert "Flere innbyggere i Innlandet kommer i arbeid" in ans.text


def test_contact_question_answered_from_extracted_contacts(answerer):
    ans = answerer.answer("Hvem var kontaktperson for høringen om deling av Viken?")
    assert "Tony Jonsen (kontaktperson" in ans.text and "tony.jonsen@nav.no" in ans.text
    assert ans.citations[0].source.startswith("004_")
    assert "Kontaktperson Tony Jonsen" in ans.citations[0].quote


def test_signer_filtered_by_organisation(answerer):
    ans = answerer.answer("Hvem signerte avtalen for Østfold fylkeskommune?")
    first_line = ans.text.split("\n")[0]
    assert first_line.startswith("Sindre Martinsen-Evje (fylkesordfører, Østfold fylkeskommune)")
    assert "Lise Westly (" not in first_line


def test_english_question_gets_english_labels_and_norwegian_quotes(answerer):
    ans = answerer.answer("Until when is the Østfold agreement valid?")
    assert ans.lang == "en"
    assert "Validity: until 31 December 2027." in ans.text
    assert any("gjelder ut 2027" in c.quote for c in ans.citations)


def test_unknown_county_is_an_honest_abstention(answerer):
    ans = answerer.answer("Hvem signerte avtalen for Nordland fylkeskommune?")
    assert ans.abstained and "Nordland" in ans.text and ans.citations == ()


def test_words_the_documents_never_use_are_named(answerer):
    ans = answerer.answer("Hva er budsjettet for Aktiv mot læreplass?")
    assert "«budsjettet»" in ans.text


def test_abstains_below_threshold(syncer, settings, corpus_copy, fake_embedder):
    syncer.sync([corpus_copy])
    strict = ExtractiveAnswerer(
        live=LiveIndex(settings, Layout(settings.data_dir), fake_embedder),
        thresholds=Thresholds(min_confidence=1.01),
    )
    ans = strict.answer("Hvem vant fotball-VM i 2022?")
    assert ans.abstained and ans.citations == () and ans.text.startswith("Jeg fant ikke")
    assert strict.answer("Who won the World Cup?").text.startswith("I could not find")
    assert strict.answer("Kven vann fotball-VM?").text.startswith("Eg fann ikkje")


def test_followup_replaces_the_place():
    assert (
        contextualize("og for Vestfold?", "Hvem signerte avtalen for Østfold fylkeskommune?")
        == "Hvem signerte avtalen for Vestfold fylkeskommune?"
    )
    assert contextualize("Hva er YrkesKomp?", "Hvem signerte?") == "Hva er YrkesKomp?"
    assert contextualize("og e-post?", "Hvem var kontaktperson i Viken?").startswith(
        "Hvem var kontaktperson i Viken?"
    )


def test_language_detection_and_glossary():
    assert detect_lang("Hvem signerte avtalen?") == "nb"
    assert detect_lang("Kven signerte avtalen?") == "nn"
    assert detect_lang("Who signed the agreement?") == "en"
    q = analyse("Who is the county mayor of Innlandet?")
    assert ("fylkesordfør", "ordfør") in q.groups and q.wants_person
    assert analyse("Når ble avtalen signert?").asks_when and analyse("Når ble avtalen signert?").asks_signed
