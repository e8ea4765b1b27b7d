"""A question about one party's duties is answered from that party's list of obligations."""

from __future__ import annotations

from avtalebot.answer.duties import _named
from avtalebot.answer.query import analyse
from ingest.text import words


def test_duty_questions_and_party_names():
    def asks_duties(q: str) -> bool:
        return analyse(q).asks_duties

    assert asks_duties("Hva skal NAV Agder gjøre?") and asks_duties("What are Nav Troms's obligations?")
    assert asks_duties("Kva oppgåver har fylkeskommunen?") and not asks_duties(
        "Innen hvor mange dager skal OT ringe?"
    )
    q = frozenset(words("Kva har Møre og Romsdal fylkeskommune ansvar for?"))
    assert _named("Møre og Romsdal fylkeskommune", q) == 2 and _named("Nav Møre og Romsdal", q) == 0
    assert _named("Agder fylkeskommune", frozenset(words("Kva skal fylkeskommunen gjere?"))) == 1


