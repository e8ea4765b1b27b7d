"""The answering pipeline stage by stage over a real (embedded Chroma) index built with the hash
embedder, scored by the word scorer of conftest (the fitted scorer is tested with e5 in integration)."""

from datetime import date

import numpy as np
import pytest

from avtalebot.answer.compose import MAX_ANSWER
from avtalebot.answer.decide import decide
from avtalebot.answer.extractive import ExtractiveAnswerer, unstated_words
from avtalebot.answer.features import FEATURES
from avtalebot.answer.followup import contextualize
from avtalebot.answer.lexical import HAS, text_info
from avtalebot.answer.query import analyse
from avtalebot.answer.scorer import SHIPPED, Scorer, ScorerParams, load_scorer
from avtalebot.cli.commands import format_answer
from ingest.text import content_terms, detect_lang
from tests.conftest import ROOT, word_scorer_params
from vectorstore.retriever import LiveIndex, fuse
from vectorstore.snapshots import Layout


def test_rrf_fusion_rewards_agreement_between_rankings():
    scores = fuse([["a", "b", "c"], ["b", "c", "d"]], k=60)
    assert max(scores, key=scores.get) == "b"
    assert scores["a"] == pytest.approx(1 / 61) and scores["d"] == pytest.approx(1 / 63)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)


def test_candidates_are_units_with_context_and_facts(answerer):
    prep = answerer.prepare("Skal NAV Innlandet sende oversikt over NAV-kontakter til fylkeskommunen?")
    kinds = {c.kind for c in prep.pool.candidates}
    assert {"sentence", "item", "leadin", "fact"} <= kinds
    item = next(c for c in prep.pool.candidates if c.kind == "item" and "oversikt over NAV-kontakter" in c.text)
    assert item.kind == "item" and item.context.endswith(":") and item.shown.startswith(item.context)
    doc_text = prep.index.doc_text(item.doc_id)
    assert doc_text[item.start : item.end] == item.text  # spans are exact
    assert prep.x.shape == (len(prep.pool.candidates), len(FEATURES)) and np.isfinite(prep.x).all()
    facts = [c for c in prep.pool.candidates if c.kind == "fact"]
    assert facts and all(prep.index.doc_text(c.doc_id)[c.start : c.end] == c.text for c in facts)


def test_answer_quotes_the_item_with_its_leadin_not_the_whole_list(answerer):
    ans = answerer.answer("Skal NAV Innlandet sende oversikt over NAV-kontakter til fylkeskommunen?")
    assert not ans.abstained
    first = ans.text.split("\n\n")[0]
    assert "årlig oppdatert oversikt over NAV-kontakter" in first and " … " in first
    assert first.count("\n") == 0  # one item, not the list
    c = ans.citations[0]
    assert c.source.startswith("002_") and c.chunk_id.startswith(c.doc_id) and c.end > c.start


def test_features_see_answer_types_and_parties(answerer):
    prep = answerer.prepare("Hva er aldersgrensen for Aktiv mot læreplass?")
    age = FEATURES.index("type_age")
    best = [c.text for c, row in zip(prep.pool.candidates, prep.x, strict=True) if row[age] == 1]
    assert any("24 år" in t for t in best)
    prep = answerer.prepare("Hva skal NAV Innlandet gjøre?")
    match, conflict = FEATURES.index("party_match"), FEATURES.index("party_conflict")
    for c, row in zip(prep.pool.candidates, prep.x, strict=True):
        if c.kind == "item" and c.context.startswith("NAV Innlandet"):
            assert row[match] == 1 and row[conflict] == 0
        if c.kind == "item" and c.context.startswith("Innlandet fylkeskommune"):
            assert row[conflict] == 1


def test_features_see_the_rarest_question_word_a_passage_or_document_lacks(answerer):
    """'budsjett' is in no sample agreement: every candidate and document lacks the question's rarest
    word; asked without it, the passage that holds every word lacks none."""
    miss, doc_miss = FEATURES.index("miss_idf"), FEATURES.index("doc_miss_idf")
    prep = answerer.prepare("Hva er budsjettet for Aktiv mot læreplass?")
    assert len(prep.x) and (prep.x[:, doc_miss] == 1.0).all() and (prep.x[:, miss] == 1.0).all()
    prep = answerer.prepare("Er Aktiv mot læreplass et kurs for ungdom?")
    pairs = list(zip(prep.pool.candidates, prep.x, strict=True))
    assert any(row[doc_miss] == 0.0 for c, row in pairs if "Aktiv mot læreplass" in c.shown)
    assert any(row[miss] == 0.0 for c, row in pairs if "Aktiv mot læreplass er et kurs for ungdom" in c.shown)
    assert max(row[miss] for _, row in pairs) > 0.0  # a passage lacking a word says so


def test_whole_list_quote_is_bounded():
    from avtalebot.answer.candidates import LIST_SHOWN, leadin_text
    from ingest.units import units_of

    doc = "Partene skal:\n" + "\n".join(f"• oppgave nummer {i}" for i in range(12))
    leadin = units_of(doc, 0, len(doc))[0]
    shown = leadin_text(doc, leadin)
    assert shown.count("\n• ") == LIST_SHOWN and shown.endswith("… (+4)")


def test_answers_stay_under_the_length_limit(answerer):
    for q in ("Hva er målsettingene i Innlandet-avtalen?", "Hva skal NAV og fylkeskommunen samarbeide om?"):
        ans = answerer.answer(q)
        assert len(ans.text) <= MAX_ANSWER and 1 <= len(ans.citations) <= 4


def test_decision_declines_below_threshold_and_quotes_at_most_three():
    scores = np.asarray([3.0, 2.9, 2.8, 2.7, -4.0])

    class C:  # the decision only compares spans
        def __init__(self, i):
            self.doc_id, self.start, self.end, self.kind, self.context, self.text = (
                "d",
                10 * i,
                10 * i + 5,
                "sentence",
                "",
                "",
            )

    cands = [C(i) for i in range(5)]
    assert not decide(scores, "declined", cands, 0.5).answer
    d = decide(scores, "confident", cands, 0.5)
    assert d.answer and d.chosen == (0, 1, 2) and not d.tentative
    assert decide(scores, "tentative", cands, 0.5).tentative
    assert decide(scores, "confident", cands, 1.01).chosen == (0,)


def test_unknown_county_is_an_honest_decline(answerer):
    ans = answerer.answer("Hvem signerte avtalen for Nordland fylkeskommune?")
    assert ans.abstained and "Nordland" in ans.text and ans.citations == ()


def test_declines_below_threshold_in_the_question_language(syncer, settings, corpus_copy, fake_embedder):
    syncer.sync([corpus_copy])
    strict = ExtractiveAnswerer(
        live=LiveIndex(settings.store(), Layout(settings.data_dir), fake_embedder),
        scorer=Scorer(word_scorer_params(threshold=1.01)),
    )
    ans = strict.answer("Hvem vant fotball-VM i 2022?")
    assert ans.abstained and ans.citations == () and ans.text.startswith("Jeg fant ikke")
    assert strict.answer("Who won the World Cup?").text.startswith("I could not find")
    assert strict.answer("Kven vann fotball-VM?").text.startswith("Eg fann ikkje")


def test_sources_group_citations_of_one_document(answerer):
    ans = answerer.answer("Hva er målsettingene i Innlandet-avtalen?", as_of=date(2022, 1, 1))
    out = format_answer(ans)
    sources = out.split("Kilder:\n", 1)[1].splitlines()
    titles = [line.split("] ", 1)[1] for line in sources]
    assert len(titles) == len(set(titles)) and len(sources) == len({c.doc_id for c in ans.citations})


def test_shipped_scorer_loads_and_records_how_it_was_measured(tmp_path):
    params = ScorerParams.from_file(SHIPPED)
    Scorer(params)  # every feature it reads is computed by this version
    assert 0 < params.threshold < params.tentative < 1
    cv = params.trained_on["cross_validated"]
    assert cv["questions"] >= 200 and cv["answer_accuracy"] > 0.5
    assert set(params.trained_on["by_set"]) >= {"agreements", "norquad"}
    own = tmp_path / "scorer.json"
    own.write_text(word_scorer_params(threshold=0.123).to_json())
    assert load_scorer(tmp_path).threshold == pytest.approx(0.123)  # a calibrated one wins
    assert load_scorer(tmp_path / "none").threshold == pytest.approx(params.threshold)


def test_followup_replaces_the_place():
    assert (
        contextualize("og for Vestfold?", "Hvem signerte avtalen for Østfold fylkeskommune?")
        == "Hvem signerte avtalen for Vestfold fylkeskommune?"
    )
    assert contextualize("Hva er YrkesKomp?", "Hvem signerte?") == "Hva er YrkesKomp?"
    assert contextualize("og e-post?", "Hvem var kontaktperson i Viken?").startswith(
        "Hvem var kontaktperson i Viken?"
    )


def test_language_detection_and_question_analysis():
    assert detect_lang("Hvem signerte avtalen?") == "nb"
    assert detect_lang("Kven signerte avtalen?") == "nn"
    assert detect_lang("Who signed the agreement?") == "en"
    # words both languages have ("for", "i", "under") do not make a Norwegian question English, and
    # Norwegian names do not make an English one Norwegian
    for question, lang in (
        ("Hva er fristen for å søke?", "nb"),
        ("Hvilket kurs er dette tilbudet for?", "nb"),
        ("Er det aldersgrense for å delta i Fagbrevløpet?", "nb"),
        ("Kor ofte møtest partnarskapet i Sør-Varanger?", "nn"),
        ("Kor mange plassar er det i Trøndelag?", "nn"),
        ("Who runs the career centre in Møre og Romsdal?", "en"),
        ("How many places are there for people under 25 in Vestfold?", "en"),
        ("What must NAV Innlandet do?", "en"),  # names are no words of either language
        ("Where are the Arbeidslivsklassen courses held?", "en"),
        ("Hvilken norske spiller gikk fra Southampton til Blackburn i 1999?", "nb"),
        ("Hvem har komponert juleslageren Jingle Bells?", "nb"),
        ("", "nb"),
    ):
        assert detect_lang(question) == lang, question
    q = analyse("Who is the county mayor of Innlandet?")
    assert ("fylkesordfør", "ordfør") in q.groups and "person" in q.wants
    assert analyse("Kor gammal må ein vere?").wants == {"age"}
    assert analyse("Hvem betaler – Nav eller fylket?").parties == {"nav", "county"}
    # "who can join" asks for a target group (usually bounded by age), not for a named person
    for question in ("Hvem kan delta i Aktiv mot læreplass?", "Kven kan søkje?", "Who can apply for it?"):
        assert analyse(question).wants == {"age"}, question
    assert "person" in analyse("Hvem kan jeg kontakte om avtalen?").wants


def test_question_words_are_no_terms_so_a_decline_never_says_they_are_not_stated():
    # every form of the interrogatives in bokmål, nynorsk and English ("hvilket" had been missing, so
    # a decline read "… men den oppgir ikke «hvilket», «norsknivå»")
    interrogatives = "hva hvem hvor hvordan hvorfor hvilken hvilket hvilke når kva kven kor korleis kvar kvifor"
    assert content_terms(f"{interrogatives} what which who whom whose where when why how") == []
    q = analyse("Hvilket norsknivå kreves for opptak?")
    assert q.group_words[0] == "norsknivå"
    assert unstated_words(q, "Opptak: B1.") == ["norsknivå", "kreves"]


def test_a_decline_names_no_english_word_that_no_norwegian_document_could_use():
    # "… but it does not state «need», «finished»": true of every Norwegian document, so it says
    # nothing. A name the index knows (and the nearest document lacks) is still named.
    q = analyse("what do you need to have finished before you can join Fagbrevbroa?")
    index_knows = {"fagbrevbro"}.__contains__
    assert unstated_words(q, "Du må ha fullført Vg2.", index_knows) == ["fagbrevbroa"]
    assert unstated_words(q, "Fagbrevbroa: du må ha fullført Vg2.", index_knows) == []
    # a Norwegian question's word the index lacks is named: that is what is not stated
    q = analyse("Hva er budsjettet for Fagbrevbroa?")
    assert unstated_words(q, "Fagbrevbroa er et kurs.", index_knows) == ["budsjettet"]


def test_who_pays_asks_for_a_party_and_an_item_of_a_party_s_list_holds_one(answerer):
    """'Who pays / which of the parties' is answered by a party, not by a person or a sum; an item
    holds the party of its lead-in ('NAV Innlandet … har ansvar for å:')."""
    assert analyse("Hvem betaler fagprøven – Nav eller fylket?").wants == {"party"}
    assert analyse("Kven av partane dekkjer reisa?").wants == {"party"}
    assert analyse("Which party is supposed to find new companies?").wants == {"party"}
    assert "amount" in analyse("How much does Nav pay per participant?").wants
    assert "person" in analyse("Hvem signerte avtalen?").wants
    prep = answerer.prepare("Hvem av partene skal informere fylkeskommunen om regelverk og økonomi?")
    holds = prep.x[:, FEATURES.index("type_party")]
    items = [i for i, c in enumerate(prep.pool.candidates) if c.kind == "item" and c.context.startswith("NAV Innlandet")]
    assert items and all(holds[i] == 1 for i in items)
    assert prep.x[:, FEATURES.index("type_person")].sum() == 0  # a person is not what is asked


def test_answer_types_a_passage_holds():
    """Type matches carry the most weight, so a type must not be seen where it is not: an office
    ('Nav Grorud', 'Bydel Grorud') is no person, a phone number no amount, a year or a section number
    no count, the article 'en' no number."""
    has = lambda text: text_info(text).holds(HAS)  # noqa: E731
    assert "person" in has("Styringsgruppen ledes av Marianne Skjelbred Holm.")
    assert "person" not in has("Bydel Grorud skal samarbeide med Nav Grorud og Nye Vestfold.")
    assert {"amount", "number"} & has("Rådgiver | kari@rogfk.no | 915 26 408") == set()
    assert "phone" in has("Rådgiver | 915 26 408") and "phone" in has("tlf. 41 49 03 32")
    assert "number" not in has("§ 7 Det er en plan for 2025, vedtatt 3. mars 2024, sak 03/25.")
    assert {"amount", "number"} <= has("Stønaden er kr 248 056 i året.")
    assert "number" in has("46 deltakere startet.") and "age" in has("unge mellom 16 og 24 år")
    assert "duration" in has("Hver av partene kan si opp avtalen med 12 måneders skriftlig varsel.")
    assert "validity" in analyse("Når går samarbeidsavtalen for Nav Sør-Varanger ut?").wants


def test_who_can_join_is_answered_with_the_target_group(answerer):
    ans = answerer.answer("Hvem kan delta i Aktiv mot læreplass?")
    assert not ans.abstained and "under 24 år" in ans.text.split("\n\n")[0]


def test_a_passage_about_another_place_never_leads():
    class C:
        def __init__(self, i):
            self.doc_id, self.start, self.end, self.kind, self.context, self.text = f"d{i}", 0, 5, "sentence", "", ""

    scores = np.asarray([5.0, 1.0, 0.5])
    cands = [C(i) for i in range(3)]
    d = decide(scores, "confident", cands, 0.1, may_lead=np.asarray([False, True, True]))
    assert d.chosen[0] == 1 and 0 in d.chosen  # it may still support, never lead
    assert decide(scores, "confident", cands, 0.1, may_lead=np.asarray([False, False, False])).chosen[0] == 0


def test_every_labelled_question_reads_in_its_language():
    """English or Norwegian over every labelled question the project has: all of the agreement
    questions, and all but a few of NorQuAD's 3,574 (those naming an English term in lower case,
    "Hva er groove metal?")."""
    import json

    root = ROOT / "eval"
    wrong = {}
    for name in ("dev.jsonl", "agreements_a.jsonl", "agreements_b.jsonl", "norquad_train/questions.jsonl"):
        rows = [json.loads(line) for line in (root / name).read_text(encoding="utf-8").splitlines() if line]
        wrong[name] = [r["q"] for r in rows if (detect_lang(r["q"]) == "en") != (r["lang"] == "en")]
    assert not wrong["dev.jsonl"] and not wrong["agreements_a.jsonl"] and not wrong["agreements_b.jsonl"]
    assert len(wrong["norquad_train/questions.jsonl"]) <= 4
