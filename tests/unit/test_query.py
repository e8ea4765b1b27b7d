"""The question read once (`analyse`), the answer types a text holds, and the order of chosen quotes."""

from __future__ import annotations

import numpy as np

from avtalebot.answer.decide import decide
from avtalebot.answer.lexical import HAS, _near, similar
from avtalebot.answer.query import analyse
from ingest.text import words
from tests.conftest import CORPUS


def test_a_question_is_read_once_into_its_fields():
    q = analyse("Hvem var kontaktperson i Nav Rogaland i den forrige avtalen fra 2021?")
    assert q.lang == "nb" and "person" in q.wants and q.asks_old and "2021" in q.years
    assert q.places == ("Rogaland",) and q.parties == {"nav"} and not q.followup
    en = analyse("What must NAV Innlandet do?")
    assert en.lang == "en" and en.asks_duties and en.places == ("Innlandet",) and en.parties == {"nav"}
    follow = analyse("Og i Agder?", previous="Hvem er kontaktperson for avtalen i Rogaland?")
    assert follow.followup and "kontaktperson" in follow.text and "person" in follow.wants


def test_a_price_question_wants_money_and_a_payer_question_a_party():
    assert "money" in analyse("Hvor mye koster kurset per deltaker?").wants
    assert "money" in analyse("How much does the course cost?").wants
    payer = analyse("Hvem betaler for kurset?").wants
    assert "party" in payer and not {"money", "person"} & payer


def test_how_long_an_agreement_lasts_asks_for_its_validity_period():
    for q in ("Hvor lenge varer avtalen i Agder?", "Kor lenge varar samarbeidsavtalen?",
              "How long does the Troms agreement last?", "How long will the partnership run?"):
        assert {"validity", "duration"} <= analyse(q).wants, q
    # how long something else lasts is a duration only: a course, a wait, a closure
    for q in ("Hvor lenge varer kurset?", "Hvor lenge må man vente på svar?", "How long is the course?"):
        assert "validity" not in analyse(q).wants and "duration" in analyse(q).wants, q


def test_money_is_a_sum_not_a_share_or_a_count():
    money = HAS["money"]
    assert money("Kurset koster 12 500 kroner per deltaker.") and money("Budsjettet er 2,5 millioner.")
    assert money("Kurset er gratis for deltakerne.")
    assert not money("70,5 % av deltakerne fikk læreplass.") and not money("Det deltok 24 ungdommer.")


class _C:  # the decision only compares spans
    def __init__(self, i: int) -> None:
        self.doc_id, self.start, self.end, self.kind, self.context, self.text = "d", 10 * i, 10 * i + 5, "sentence", "", ""


def test_chosen_quotes_are_put_in_the_given_order_then_the_rankers():
    scores = np.array([3.0, 2.9, 2.8, -5.0])
    cands = [_C(i) for i in range(4)]
    assert decide(scores, "confident", cands, 0.5).chosen == (0, 1, 2)
    # the best-scored quote lacks what is asked (1), the second holds it (0): the second leads
    d = decide(scores, "confident", cands, 0.5, first=np.array([1, 0, 1, 0]))
    assert d.chosen == (1, 0, 2) and d.best == 1
    # a quote that may not lead (another place's document) stays behind one that may
    d = decide(scores, "confident", cands, 0.5, may_lead=np.array([True, False, True, False]), first=np.array([1, 0, 0, 0]))
    assert d.chosen[0] in (0, 2) and d.chosen[0] == 2


def test_spelling_neighbours_in_one_pass_are_the_pairs_that_read_alike():
    """The fast pass over a vocabulary finds exactly the words `similar` pairs a question word with:
    compounds ('plassar' in 'sommarjobbplassar'), cognates, none below five letters."""
    vocab = {w for f in sorted(CORPUS.iterdir()) for w in words(f.read_text(encoding="utf-8", errors="ignore"))}
    vocab |= {"sommarjobbplassar", "koordinator", "kurs"}
    asked = ["plassar", "coordinator", "samarbeid", "avtalen", "fylkeskommunen", "kontaktperson", "nav", "kursene"]
    found = {q: _near(q, vocab) for q in asked}
    assert found == {q: {w for w in vocab if similar(q, w)} for q in asked}
    assert "sommarjobbplassar" in found["plassar"] and "koordinator" in found["coordinator"]
    assert found["nav"] == set() and "kurs" not in found["kursene"]
